"""GS101: split a single-stage build into a builder stage and a FROM scratch runtime.

The golang image holds a compiler, a shell, a package manager and the sources: about
850 MB of which the service needs one file. The build stays as it is (named ``builder``);
a new last stage starts FROM scratch and receives the binary with ``COPY --from``, plus
what the service needs at run time: WORKDIR, ENV (build-only Go variables and secrets
left behind), LABEL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK and the CMD/ENTRYPOINT,
which move from the builder with the comments written right above them.
"""

from __future__ import annotations

import posixpath

from rewriter import shell
from rewriter.analysis import BUILD_ONLY_ENV, SECRET_NAME, expand
from rewriter.edit import append_stage, keyword_case, make_items, replace_stage
from rewriter.passes import runtime_files
from rewriter.passes.base import Context, Result, unchanged
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule, register
from rewriter.syntax.nodes import Comment, Instruction, Stage

RULE = register(Rule(
    "GS101", "split-builder-runtime", Kind.FIX,
    "Split the single stage into a builder and a FROM scratch runtime that gets only the binary.",
    __doc__,
))
SECRETS = register(Rule(
    "GS303", "secret-build-values", Kind.WARNING,
    "Secret-looking ARG/ENV values (TOKEN, PASSWORD, SECRET, KEY) are not carried into the runtime image.",
    "Build arguments and environment values whose names look like credentials stay in the "
    "builder stage; the runtime image never receives them. When such a value is already set in "
    "the runtime stage, goslim warns: anyone who pulls the image can read it with `docker inspect`.",
))

RUNTIME_BASES = {
    "scratch": "scratch",
    "distroless-static": "gcr.io/distroless/static-debian12",
    "alpine": "alpine:3.20",
}
MOVED = ("CMD", "ENTRYPOINT", "EXPOSE", "HEALTHCHECK", "VOLUME", "STOPSIGNAL")
CARRIED = ("ENV", "LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT")


def builder_name(ctx: Context, stage_facts) -> str:
    if stage_facts.name:
        return stage_facts.name
    taken = {s.name for s in ctx.facts.stages if s.name}
    for name in ("builder", "build", "go-builder"):
        if name not in taken:
            return name
    return f"builder{len(ctx.facts.stages)}"


def apply(ctx: Context) -> Result:
    plan = ctx.plan
    if not isinstance(plan, Plan) or plan.runtime is not None:
        return unchanged(ctx)
    final = ctx.facts.final
    stage = final.stage
    name = builder_name(ctx, final)
    nl, esc = ctx.newline, ctx.escape
    diagnostics = []

    # 1. Name the stage so the runtime can copy from it.
    items = list(stage.items)
    from_ins = stage.from_instruction
    if final.name is None:
        named = from_ins.with_arguments(f"{from_ins.args_text} {keyword_case(from_ins, 'AS')} {name}")
        items[items.index(from_ins)] = named

    # 2. Walk the stage: what moves, what is carried, which assets are copied in.
    runtime: list = []
    copies = []
    args: dict[str, Instruction] = {}
    workdir = "/go" if final.parent is None else None
    env = dict(ctx.facts.global_args)
    keep = []
    pending_comments: list = []
    for item in items:
        if type(item) is Comment:
            pending_comments.append(item)
            keep.append(item)
            continue
        if type(item) is not Instruction:
            pending_comments = []
            keep.append(item)
            continue
        kw = item.name
        if kw == "ARG":
            for k, v in item.pairs():
                args[k] = item
        elif kw == "WORKDIR":
            target = expand(item.args_text, {**ctx.facts.global_args, **final.env})
            if target is not None:
                workdir = posixpath.normpath(posixpath.join(workdir or "/", target)) if workdir or target.startswith("/") else None
        elif kw in ("COPY", "ADD") and item.flag("from") is None and not item.heredocs and len(item.values) >= 2:
            copies.append((workdir, list(item.values[:-1]), item.values[-1]))
        if kw in CARRIED and item is not items[0]:
            carried, dropped = _carry(item, nl, esc)
            if dropped:
                diagnostics.append(ctx.diagnostic(SECRETS, f"not carried into the runtime image: {', '.join(dropped)}", item))
            if carried is not None:
                runtime.extend(pending_comments if kw in MOVED else [])
                runtime.append(carried)
            if kw in MOVED:
                for c in pending_comments:
                    keep.remove(c)
                pending_comments = []
                continue
        pending_comments = []
        keep.append(item)

    # ARGs the carried values refer to are declared again (a stage does not inherit them).
    referenced = _referenced_args(runtime, args)
    arg_items = [args[k] for k in dict.fromkeys(referenced) if not SECRET_NAME.search(k)]

    base = RUNTIME_BASES.get(ctx.config.runtime, "scratch")
    header = [f"FROM {base}", f"COPY --from={name} {plan.binary} {plan.runtime_binary}"]
    assets = runtime_files.dockerfile_assets(final, copies)
    assets += runtime_files.context_assets(ctx.go, final.workdir)
    assets += [posixpath.normpath(posixpath.join(final.workdir or "/", p)) for p in ctx.config.extra_copy]
    assets = [a for a in dict.fromkeys(assets) if a != plan.binary]
    header += [f"COPY --from={name} {a} {a}" for a in assets]
    if final.workdir and final.workdir != "/":
        header.append(f"WORKDIR {final.workdir}")
    new_stage = make_items(header, nl, esc)
    new_stage[2:2] = []
    body = []
    seen_args = set()
    for ins in arg_items:
        if id(ins) not in seen_args:
            seen_args.add(id(ins))
            body.append(ins)
    body += runtime
    tree = replace_stage(ctx.tree, final.index, Stage(tuple(_trim_trailing_blank(keep))))
    tree = append_stage(tree, [*new_stage, *(_ended(i, nl) for i in body)], nl)
    diagnostics.insert(0, ctx.diagnostic(RULE, f"split into stage `{name}` and a FROM {base} runtime that receives {plan.binary}", from_ins))
    if assets:
        diagnostics.append(ctx.diagnostic(runtime_files.RULE, f"copied into the runtime: {', '.join(assets)}", from_ins))
    return Result(tree, tuple(diagnostics))


def _carry(ins: Instruction, nl: str, esc: str):
    """The instruction as the runtime stage gets it, and the names left behind."""
    if ins.name != "ENV":
        return ins, []
    pairs = ins.pairs()
    kept = [(k, v) for k, v in pairs if k not in BUILD_ONLY_ENV and not SECRET_NAME.search(k)]
    dropped = [k for k, _ in pairs if SECRET_NAME.search(k)]
    if len(kept) == len(pairs):
        return ins, dropped
    if not kept:
        return None, dropped
    text = "ENV " + " ".join(f"{k}={v}" for k, v in kept)
    return make_items([text], nl, esc)[0], dropped


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


def _trim_trailing_blank(items):
    return items
