"""GS101: split a single-stage build into a builder stage and a FROM scratch runtime."""

from __future__ import annotations

import posixpath
import re

from rewriter import shell
from rewriter.analysis import GO_IMAGE, expand
from rewriter.diagnostics import Diagnostic
from rewriter.edit import append_stage, keyword_case, make_items, replace_stage
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Comment, Instruction, Item, Stage

EXPLANATION = """GS101: split a single-stage build into a builder stage and a FROM scratch runtime.

The golang image holds a compiler, a shell, a package manager and the sources: about
850 MB of which the service needs one file. The build stays as it is (named ``builder``);
a new last stage starts FROM scratch and receives the binary with ``COPY --from`` (the
files it reads come with GS113), plus what the service needs at run time: WORKDIR, every
ENV (the service may read any of them; a secret-looking one is reported by GS303),
LABEL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK and the CMD/ENTRYPOINT, which move from
the builder with the comments written right above them. The ARGs the carried values use
are declared again.
"""

RULE = Rule(
    "GS101",
    "split-builder-runtime",
    Kind.FIX,
    "Split the single stage into a builder and a FROM scratch runtime that gets only the binary.",
    EXPLANATION,
    anchor=Anchor.BUILDER,
)
RULES = (RULE,)

# What the golang images set: a carried ENV that builds on them gets their values.
GOLANG_ENV = {
    "GOPATH": "/go",
    "PATH": "/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
}
MOVED = ("CMD", "ENTRYPOINT", "EXPOSE", "HEALTHCHECK", "VOLUME", "STOPSIGNAL")
CARRIED = ("ENV", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT")


def builder_name(ctx: FixContext, stage_facts) -> str:
    if stage_facts.name:
        return stage_facts.name
    taken = {s.name for s in ctx.facts.stages if s.name}
    for name in ("builder", "build", "go-builder"):
        if name not in taken:
            return name
    return f"builder{len(ctx.facts.stages)}"


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if plan.runtime is not None or not ctx.config.enabled(RULE.code):
        return unchanged(ctx)  # turned off, GS101 must not split for the sake of its GS303/GS113 notes
    final = ctx.facts.final
    assert final is not None  # there is a plan, so a final stage
    stage = final.stage
    name = builder_name(ctx, final)
    nl, esc = ctx.newline, ctx.escape
    diagnostics: list[Diagnostic] = []

    # 1. Name the stage so the runtime can copy from it.
    items = list(stage.items)
    from_ins = stage.from_instruction
    if final.name is None:
        named = from_ins.with_arguments(f"{from_ins.args_text} {keyword_case(from_ins, 'AS')} {name}")
        items[items.index(from_ins)] = named

    # 2. Walk the stage: what moves to the runtime (with the comments right above it),
    #    what is carried as a copy, and which ARGs the carried values need.
    runtime: list = []
    args: dict[str, Instruction] = {}
    keep: list = []
    pending_comments: list = []
    env = _starting_env(ctx, final)  # the builder's environment as the walk goes
    defined: set[str] = set()  # names the runtime stage sets itself
    for item in items:
        if type(item) is not Instruction:
            pending_comments = pending_comments + [item] if type(item) is Comment else []
            keep.append(item)
            continue
        kw = item.name
        if kw == "ARG":
            for k, _ in item.pairs():
                args[k] = item
                defined.add(k)  # declared again in the runtime when a carried value uses it
        if kw in CARRIED:
            carried = _carry(item, nl, esc, env, defined)
            if kw in MOVED:
                keep = [k for k in keep if not any(k is c for c in pending_comments)]
                runtime += pending_comments
                runtime.append(carried)
                pending_comments = []
                continue
            runtime.append(carried)
        pending_comments = []
        keep.append(item)

    # A stage does not inherit ARGs: declare again those the carried values refer to, and
    # only those.
    wanted = _referenced_args(runtime, args)
    arg_items: list[Item] = []
    for ins in {id(args[k]): args[k] for k in wanted}.values():
        pairs = ins.pairs()
        kept = [(k, v) for k, v in pairs if k in wanted]
        if len(kept) == len(pairs):
            arg_items.append(ins)
        else:
            arg_items += make_items(["ARG " + " ".join(k if v is None else f"{k}={v}" for k, v in kept)], nl, esc)

    base = ctx.config.runtime_image
    header = [f"FROM {base}", f"COPY --from={name} {plan.binary} {plan.runtime_binary}"]
    # What extra-copy names goes too, whatever the rules that find files on their own say.
    extra = [posixpath.normpath(posixpath.join(final.workdir or "/", p)) for p in ctx.config.extra_copy]
    header += [f"COPY --from={name} {path} {path}" for path in dict.fromkeys(extra) if path != plan.binary]
    if final.workdir and final.workdir != "/":
        header.append(f"WORKDIR {final.workdir}")
    new_stage = [*make_items(header, nl, esc), *(_ended(i, nl) for i in arg_items + runtime)]
    if not ctx.tree.code.endswith("\n") and not getattr(new_stage[-1], "heredocs", ()):
        new_stage[-1] = new_stage[-1].with_changes(newline="")  # the file had no final newline; nor has the output
    tree = replace_stage(ctx.tree, final.index, Stage(tuple(keep)))
    tree = append_stage(tree, new_stage, nl)
    diagnostics.insert(
        0,
        ctx.diagnostic(
            RULE, f"split into stage `{name}` and a FROM {base} runtime that receives {plan.binary}", from_ins
        ),
    )
    return Result(tree, tuple(diagnostics))


def _starting_env(ctx: FixContext, final) -> dict[str, str]:
    """The environment the stage starts with: its parent stage's, or the golang image's."""
    if final.parent is not None:
        return dict(ctx.facts.stages[final.parent].env)
    return dict(GOLANG_ENV) if GO_IMAGE.match(final.base) else {}


def _carry(ins: Instruction, nl: str, esc: str, env: dict[str, str], defined: set[str]) -> Instruction:
    """The instruction as the runtime stage gets it.

    ``env`` is the builder's environment before ``ins`` and is updated with it; ``defined``
    holds the names the runtime sets (ENV carried so far, ARGs) and gets this ENV's. A
    value that refers to a name only the builder has ($GOPATH) is written out as the
    builder saw it, since scratch would expand it to nothing."""
    if ins.name != "ENV":
        return ins
    pairs = ins.pairs()
    kept, rewritten = [], False
    for k, v in pairs:
        raw = shell.unquote(v)
        value = expand(raw, env)
        missing = {a or b for a, b in _REFERENCE.findall(raw)} - defined
        if missing and value is not None and _SAFE_VALUE.fullmatch(value):
            v, rewritten = value, True
        kept.append((k, v))
        defined.add(k)
        env[k] = value if value is not None else raw
    if not rewritten:
        return ins
    text = "ENV " + " ".join(f"{k}={v}" for k, v in kept)
    carried = make_items([text], nl, esc)[0]
    assert isinstance(carried, Instruction)
    return carried


_REFERENCE = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*))")
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_@%+=:,./-]*")


def _referenced_args(items, args: dict) -> list[str]:
    names = []
    for item in items:
        if type(item) is not Instruction:
            continue
        text = item.args_text
        for name in args:
            if f"${name}" in text or f"${{{name}" in text:
                names.append(name)
    return names


def _ended(item, nl: str):
    if type(item) is Instruction and not item.newline and not item.heredocs:
        return item.with_changes(newline=nl)
    if type(item) is not Instruction and not item.newline:
        return item.with_changes(newline=nl)
    return item
