"""What every pass receives, and the helpers passes share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Protocol

from rewriter.analysis import Facts
from rewriter.config import Config
from rewriter.diagnostics import Diagnostic, Severity
from rewriter.plan import NoPlan, Plan
from rewriter.rules import Rule
from rewriter.syntax.nodes import Dockerfile, Instruction


@dataclass(init=False, unsafe_hash=True, slots=True)
class Context:
    tree: Final[Dockerfile]
    facts: Final[Facts]
    plan: Final[Plan | NoPlan]
    config: Final[Config]
    go: Final[Any]  # rewriter.gosource.GoContext when the build context was read, else None
    # The input line each fix rule reports at (the engine's; see engine._input_lines). Fix
    # passes work on intermediate trees whose lines are not the file's.
    anchors: Final[dict[str, int] | None]

    def __init__(self, tree: Dockerfile, facts: Facts, plan: Plan | NoPlan, config: Config, go: Any,
                 anchors: dict[str, int] | None = None) -> None:
        self.tree = tree
        self.facts = facts
        self.plan = plan
        self.config = config
        self.go = go
        self.anchors = anchors

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

    def diagnostic(self, rule: Rule, message: str, ins: Instruction | None = None,
                   severity: Severity | None = None) -> Diagnostic:
        if severity is None:
            severity = {"fix": Severity.INFO, "note": Severity.INFO, "refusal": Severity.ERROR,
                        "warning": Severity.WARNING}[rule.kind.value]
        anchor = self.anchors.get(rule.code) if self.anchors else None
        if anchor is not None:
            return Diagnostic(rule.code, severity, message, anchor, 1)
        column = len(ins.indent) + 1 if ins is not None else 1
        return Diagnostic(rule.code, severity, message, self.line(ins), column)


@dataclass(init=False, unsafe_hash=True, slots=True)
class Result:
    tree: Final[Dockerfile]
    diagnostics: Final[tuple[Diagnostic, ...]]

    def __init__(self, tree: Dockerfile, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        self.tree = tree
        self.diagnostics = diagnostics


def unchanged(ctx: Context) -> Result:
    return Result(ctx.tree)


def edit_build(ctx: Context, rule: Rule, edits, message: str) -> Result:
    """Apply (start, end, text) edits to the planned build's RUN and report them."""
    from rewriter.edit import edit_arguments, replace_item

    plan = ctx.plan
    assert isinstance(plan, Plan)  # fix passes run only with a plan
    build = plan.build
    new = edit_arguments(build.instruction, edits)
    tree = replace_item(ctx.tree, build.instruction, [new])
    return Result(tree, (ctx.diagnostic(rule, message, build.instruction),))


class Check(Protocol):
    """A pass that judges the original file (a module with a ``check`` function)."""

    def check(self, ctx: Context) -> list[Diagnostic]: ...


class Fix(Protocol):
    """A pass that transforms the tree (a module with an ``apply`` function)."""

    def apply(self, ctx: Context) -> Result: ...
