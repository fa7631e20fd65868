"""GS110 (opt-in, ``cache-mounts = true``): cache Go modules and build output between builds."""

from __future__ import annotations

from rewriter.edit import insert_before, make_items, replace_item
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Instruction, Segment

EXPLANATION = """GS110 (opt-in, ``cache-mounts = true``): cache Go modules and build output between builds.

``RUN --mount=type=cache`` keeps /go/pkg/mod and Go's build cache across builds, so a
one-line change no longer downloads every module and recompiles everything. When the
sources show a go.mod at the root of the build context, the module files are also copied
and downloaded in a layer of their own before ``COPY . .``, which Docker caches until
go.mod or go.sum change (go.sum is copied only when it exists).
"""

RULE = Rule(
    "GS110",
    "go-build-cache",
    Kind.FIX,
    "Opt-in: cache mounts for Go modules and the build cache, and a go.mod download layer before COPY . .",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)

MOUNTS = ("--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build")


def _with_mounts(ins: Instruction) -> Instruction | None:
    present = {f.value.strip() for f in ins.flags}
    missing = [m for m in MOUNTS if m not in present]
    if not missing:
        return None
    return ins.with_changes(flags=ins.flags + tuple(Segment.of(" " + m) for m in missing))


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if not ctx.config.cache_mounts:
        return unchanged(ctx)
    tree = ctx.tree
    messages = []
    new = _with_mounts(plan.build.instruction)
    if new is not None:
        tree = replace_item(tree, plan.build.instruction, [new])
        messages.append("cache mounts on the build")
    go = ctx.go
    stage = tree.stages[plan.builder.index]
    copies_mod = any(i.name in ("COPY", "ADD") and "go.mod" in i.args_text for i in stage.instructions)
    copy_all = next(
        (
            i
            for i in stage.instructions
            if i.name in ("COPY", "ADD") and i.flag("from") is None and list(i.values) in ([".", "."], [".", "./"])
        ),
        None,
    )
    if go is not None and go.module_dir == "." and not copies_mod and copy_all is not None:
        files = "go.mod go.sum" if go.has_go_sum else "go.mod"
        mounts = " ".join(MOUNTS[:1])
        layer = make_items([f"COPY {files} ./", f"RUN {mounts} go mod download"], ctx.newline, ctx.escape)
        tree = insert_before(tree, copy_all, layer)
        messages.append(f"COPY {files} and go mod download before COPY . .")
    if not messages:
        return unchanged(ctx)
    return Result(tree, (ctx.diagnostic(RULE, "; ".join(messages), plan.build.instruction),))
