"""What every pass receives and returns.

A check judges the original file and may find no plan in it (that is often what it
reports); a fix runs only when there is one, so its context's plan is a ``Plan``. A
report looks at the finished rewrite.
"""

from __future__ import annotations

from rewriter.analysis import Facts
from rewriter.config import Config
from rewriter.diagnostics import Diagnostic, Severity
from rewriter.edit import edit_arguments, replace_item
from rewriter.plan import NoPlan, Plan
from rewriter.record import Record
from rewriter.rules import Kind, Rule
from rewriter.syntax.nodes import Dockerfile, Instruction

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, Final

SEVERITY: Final = {
    Kind.FIX: Severity.INFO,
    Kind.NOTE: Severity.INFO,
    Kind.REFUSAL: Severity.ERROR,
    Kind.WARNING: Severity.WARNING,
    Kind.KEEP: Severity.WARNING,
}


class _Context:
    """The file as a pass sees it, and how a pass reports on it."""

    tree: Final[Dockerfile]
    facts: Final[Facts]
    config: Final[Config]
    go: Final[Any]  # rewriter.goprogram.GoProgram when the build reads Go from its context, else None
    # rewriter.context.BuildContext: the folder the build is sent (None: none was looked for)
    build_context: Final[Any]

    def __init__(self, tree: Dockerfile, facts: Facts, config: Config, go: Any, build_context: Any = None) -> None:
        self.tree = tree
        self.facts = facts
        self.config = config
        self.go = go
        self.build_context = build_context

    @property
    def newline(self) -> str:
        return self.facts.newline

    @property
    def escape(self) -> str:
        return self.tree.escape

    def line(self, ins: Instruction | None) -> int:
        if ins is None:
            return 1
        try:
            return self.tree.line_of(ins)
        except ValueError:
            return 1

    def anchor(self, rule: Rule) -> int | None:
        """The input line ``rule`` reports at, when it names one (see Rule.anchor)."""
        return None

    def diagnostic(
        self, rule: Rule, message: str, ins: Instruction | None = None, severity: Severity | None = None
    ) -> Diagnostic:
        if severity is None:
            severity = SEVERITY[rule.kind]
        anchor = self.anchor(rule)
        if anchor is not None:
            return Diagnostic(rule.code, severity, message, anchor, 1)
        column = len(ins.indent) + 1 if ins is not None else 1
        return Diagnostic(rule.code, severity, message, self.line(ins), column)


class CheckContext(_Context):
    """What a check sees: the original file, and the plan or why there is none."""

    plan: Final[Plan | NoPlan]

    def __init__(
        self, tree: Dockerfile, facts: Facts, plan: Plan | NoPlan, config: Config, go: Any, build_context: Any = None
    ) -> None:
        super().__init__(tree, facts, config, go, build_context)
        self.plan = plan


class Original:
    """The file as it is on disk: its tree, its facts, its plan, and the model of what its
    image holds (rewriter.imagefs), which fixes ask about what the service had."""

    tree: Final[Dockerfile]
    facts: Final[Facts]
    plan: Final[Plan]
    image: Final[Any]  # rewriter.imagefs.ImageFS

    def __init__(self, tree: Dockerfile, facts: Facts, plan: Plan, image: Any) -> None:
        self.tree = tree
        self.facts = facts
        self.plan = plan
        self.image = image


class FixContext(_Context):
    """What a fix sees: the file as the fixes before it left it, and its plan."""

    plan: Final[Plan]
    # The input line of each anchored rule (see Rule.anchor), worked out on the original file.
    anchors: Final[dict[str, int]]
    original: Final[Original]

    def __init__(
        self,
        tree: Dockerfile,
        facts: Facts,
        plan: Plan,
        config: Config,
        go: Any,
        anchors: dict[str, int],
        original: Original,
        build_context: Any = None,
    ) -> None:
        super().__init__(tree, facts, config, go, build_context)
        self.plan = plan
        self.anchors = anchors
        self.original = original

    def anchor(self, rule: Rule) -> int | None:
        return self.anchors.get(rule.code)

    def line(self, ins: Instruction | None) -> int:
        """The line of ``ins`` in the file on disk when it comes from there (passes move
        instructions unchanged), else in the tree the pass sees."""
        if ins is not None:
            try:
                return self.original.tree.line_of(ins)
            except ValueError:
                pass
        return super().line(ins)


class Result(Record):
    _fields: ClassVar[tuple[str, ...]] = ("tree", "diagnostics")

    tree: Final[Dockerfile]
    diagnostics: Final[tuple[Diagnostic, ...]]

    def __init__(self, tree: Dockerfile, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        self.tree = tree
        self.diagnostics = diagnostics


def unchanged(ctx: FixContext) -> Result:
    return Result(ctx.tree)


def edit_build(ctx: FixContext, rule: Rule, edits, message: str) -> Result:
    """Apply (start, end, text) edits to the planned build's RUN and report them."""
    build = ctx.plan.build
    new = edit_arguments(build.instruction, edits)
    tree = replace_item(ctx.tree, build.instruction, [new])
    return Result(tree, (ctx.diagnostic(rule, message, build.instruction),))
