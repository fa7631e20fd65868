"""The rewrite pipeline: parse → analyse → check → fix passes → print.

Each pass is a pure function of a context (tree + facts + plan + config): checks judge
the original file, and a single error among them refuses the rewrite, leaving the file
exactly as it was; fixes turn the tree into a new one; reports look at the result. The
passes and their order are the table in ``rewriter.passes``.
"""

from __future__ import annotations

import re
from pathlib import Path

from rewriter import imagefs
from rewriter.analysis import Facts, analyze, may_mention_go, mentions_go, newline_of
from rewriter.config import Config
from rewriter.diagnostics import Diagnostic, RewriteResult, Severity, Status
from rewriter.passes import CHECKS, FIXES, REPORTS, RULES
from rewriter.passes.base import CheckContext, FixContext, Original
from rewriter.plan import Plan, select
from rewriter.recipes import Recipes
from rewriter.rules import Anchor, Kind
from rewriter.sources import SourceRequest, read_sources
from rewriter.syntax.errors import ParseError
from rewriter.syntax.nodes import Comment, Dockerfile
from rewriter.syntax.parser import parse, parse_outline
from rewriter.verdicts import IGNORED, INCOMPLETE, NOT_GO

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, Final

# Rules whose report leaves the file as it is without refusing it.
KEEPING: Final = frozenset(rule.code for rule in RULES if rule.kind is Kind.KEEP)
# The anchored rules of the fixes (see Rule.anchor), found once.
ANCHORED: Final = tuple(
    (rule.code, rule.anchor) for fix in FIXES for rule in fix.RULES if rule.anchor is not Anchor.NODE
)

# Compiled on first use (re caches it): only files with comments are searched.
PRAGMA: Final = r"(?i)#\s*goslim:\s*ignore(?:\s*=\s*([A-Za-z0-9_, ]+))?"


def pragmas(tree: Dockerfile) -> tuple[bool, frozenset[str]]:
    """(ignore the whole file, rule codes turned off) from ``# goslim: ignore[=...]``."""
    off: set[str] = set()
    for item in tree.items():
        if type(item) is not Comment:
            continue
        m = re.search(PRAGMA, item.text)
        if m is None:
            continue
        if not m.group(1):
            return True, frozenset()
        off |= {c.strip().upper() for c in m.group(1).split(",") if c.strip()}
    return False, frozenset(off)


def _main_packages(go, facts, config: Config):
    """(binary name of the package built, names of all mains, why it is ambiguous)."""
    from rewriter.goprogram import resolve_main

    builds = facts.builds
    package = " ".join(builds[-1].packages) if builds and builds[-1].packages else None
    if config.main_package:
        choice = resolve_main(go, config.main_package)
        return choice.binary_name, (choice.binary_name,) if choice.binary_name else (), None
    choice = resolve_main(go, package)
    names = tuple(n for n in (resolve_main(go, c).binary_name for c in choice.candidates) if n)
    return choice.binary_name, names, choice.reason if choice.ambiguous else None


def rewrite(
    source: str, config: Config, *, context: Path | None = None, sources: SourceRequest | None = None
) -> RewriteResult:
    """Rewrite one Dockerfile's text. ``sources`` says where the build's context is to be
    found (a path on disk, --context, standard input); ``context`` alone is a folder the
    caller names. With neither, the rewrite relies on the Dockerfile."""
    # Files of other languages are judged by their outline (lexed, checked the way BuildKit
    # checks them, but not built into a tree): most files in a repository are not Go.
    outline = not may_mention_go(source)
    tree = parse_outline(source) if outline else parse(source)
    ignore_all, off = pragmas(tree)
    if ignore_all:
        return _result(source, source, Status.SKIPPED, [Diagnostic(IGNORED.code, Severity.INFO, IGNORED.summary)])
    if off:
        config = config.replace(disable=config.disable | off)

    if not mentions_go(tree, source):
        return _result(source, source, Status.SKIPPED, [Diagnostic(NOT_GO.code, Severity.INFO, NOT_GO.summary)])
    if outline:
        tree = parse(source)
    # stage facts, reused by the analyses after each pass, and the file's newline
    memo: dict = {"newline": newline_of(source)}
    facts = analyze(tree, memo)
    plan = select(facts)
    if sources is None:
        sources = SourceRequest(context=context, context_kind="argument") if context is not None else SourceRequest()
    build_context, go, image = read_sources(facts, plan, config, sources)
    hint: str | None = None
    names: tuple[str, ...] = ()
    ambiguity: str | None = None
    recipes = Recipes(build_context)  # the Makefiles and scripts a RUN line may build through
    if go is not None:
        hint, names, ambiguity = _main_packages(go, facts, config)
    plan = select(facts, hint, names, ambiguity, recipes)
    check_ctx = CheckContext(tree, facts, plan, config, go, build_context)
    sources_read = (build_context, go)

    diagnostics: list[Diagnostic] = []
    for check in CHECKS:
        found = [d for d in check.check(check_ctx) if config.enabled(d.code)]
        diagnostics += found
    if any(d.severity is Severity.ERROR for d in diagnostics):
        return _result(source, source, Status.REFUSED, diagnostics, (), sources_read)
    if any(d.code in KEEPING for d in diagnostics) or not isinstance(plan, Plan):
        return _result(source, source, Status.UNCHANGED, diagnostics, (), sources_read)

    anchors = _input_lines(check_ctx, plan)
    known = build_context if build_context is not None and build_context.root is not None else None
    original = Original(tree, facts, plan, image if image is not None else imagefs.model(facts, known))
    ctx = FixContext(tree, facts, plan, config, go, anchors, original, build_context)
    applied: list[str] = []
    for fix in FIXES:
        result = fix.apply(ctx)
        kept = [d for d in result.diagnostics if config.enabled(d.code)]
        if result.tree is ctx.tree:
            diagnostics += kept  # what a fix says of the file as it is (a note, a warning)
            continue
        if not kept:
            continue
        tree = result.tree
        diagnostics += kept
        applied += [d.code for d in kept if d.code not in applied and d.severity is Severity.INFO]
        facts = analyze(tree, memo)
        next_plan = select(facts, hint, names, ambiguity, recipes)
        if not isinstance(next_plan, Plan):
            # A pass must leave a file the next pass can follow; if one did not, the
            # rewrite is abandoned rather than finished on a guess.
            diagnostics.append(
                Diagnostic(INCOMPLETE.code, Severity.ERROR, f"{INCOMPLETE.summary} ({next_plan.reason})")
            )
            return _result(source, source, Status.REFUSED, diagnostics, (), sources_read)
        ctx = FixContext(tree, facts, next_plan, config, go, anchors, original, build_context)

    if any(d.severity is Severity.ERROR for d in diagnostics):
        # a fix found what the rewrite cannot do without the user's word (GS311)
        return _result(source, source, Status.REFUSED, diagnostics, (), sources_read)
    for report in REPORTS:
        diagnostics += [d for d in report.report(ctx, tuple(applied)) if config.enabled(d.code)]
    code = tree.code
    if code == source:
        return _result(source, code, Status.UNCHANGED, diagnostics, applied, sources_read)
    broken = _misread(tree, code) or missing_copy_source(original.tree, tree, facts, known)
    if broken is not None:
        diagnostics.append(Diagnostic(INCOMPLETE.code, Severity.ERROR, f"{INCOMPLETE.summary} ({broken})"))
        return _result(source, source, Status.REFUSED, diagnostics, (), sources_read)
    return _result(source, code, Status.REWRITTEN, diagnostics, applied, sources_read)


def missing_copy_source(before: Dockerfile, tree: Dockerfile, facts: Facts, context: Any) -> str | None:
    """A ``COPY --from`` the rewrite wrote whose source the stage it names does not hold
    (by the image model), or None. Such a build would fail, or worse, not copy what the
    service needs."""
    written = {id(i) for i in before.instructions}
    image = imagefs.model(facts, context)
    for stage in facts.stages:
        for ins in stage.stage.instructions:
            ref = ins.flag("from") if ins.name == "COPY" else None
            if ref is None or id(ins) in written or len(ins.values) < 2:
                continue
            origin = facts.stage_named(ref)
            if origin is None or origin.index >= stage.index:
                continue
            for source in ins.values[:-1]:
                if "$" in source:
                    continue  # expanded by the build: the model cannot tell
                path = source if source.startswith("/") else "/" + source
                if image.stage(origin.index).lookup(path).presence is imagefs.Presence.NO:
                    return f"the rewrite would copy {source} from stage `{ref}`, which does not hold it"
    return None


def _misread(tree: Dockerfile, code: str) -> str | None:
    """Why the printed rewrite would not be read back as the tree the passes built, or None.

    Printing is lossless, but a pass can put a line where the text around it changes how
    it reads (after a line that still continues, say). The rewrite is parsed again, and
    every instruction must stand as itself, in its stage."""
    try:
        again = parse(code)
    except ParseError as exc:
        return f"the rewritten file does not parse: line {exc.line}: {exc.message}"
    if len(again.stages) != len(tree.stages):
        return f"the rewritten file reads as {len(again.stages)} stage(s), not {len(tree.stages)}"
    for stage, (meant, read) in enumerate(zip(tree.stages, again.stages, strict=True)):
        written = [(i.name, i.logical_line) for i in meant.instructions]
        parsed = [(i.name, i.logical_line) for i in read.instructions]
        if written != parsed:
            where = next(
                (k for k, (a, b) in enumerate(zip(written, parsed, strict=False)) if a != b),
                min(len(written), len(parsed)),
            )
            return f"stage {stage + 1} does not read back as written from its instruction {where + 1}"
    return None


def _input_lines(ctx: CheckContext, plan: Plan) -> dict[str, int]:
    """The input line of each anchored fix rule. Passes see intermediate trees; reports
    speak of the file as it is on disk, like every other diagnostic."""
    build = ctx.line(plan.build.instruction)
    builder = ctx.line(plan.builder.stage.from_instruction)
    runtime = ctx.line(plan.runtime.stage.from_instruction) if plan.runtime is not None else builder
    entry_ins = plan.entry.entrypoint or plan.entry.cmd
    entry = ctx.line(entry_ins) if entry_ins is not None else runtime
    lines = {Anchor.BUILD: build, Anchor.BUILDER: builder, Anchor.RUNTIME: runtime, Anchor.ENTRY: entry}
    return {code: lines[anchor] for code, anchor in ANCHORED}


def _result(original, code, status, diagnostics, applied=(), sources_read=(None, None)) -> RewriteResult:
    build_context, go = sources_read
    context = context_source = reader = None
    if build_context is not None:
        context = str(build_context.root) if build_context.root is not None else None
        context_source = build_context.source.describe()
    if go is not None:
        reader = go.reader if go.reader_note is None else f"{go.reader}: {go.reader_note}"
    return RewriteResult(
        original=original,
        code=code,
        status=status,
        diagnostics=tuple(diagnostics),
        applied=tuple(applied),
        context=context,
        context_source=context_source,
        go_reader=reader,
    )
