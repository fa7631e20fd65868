"""GS111 (opt-in, ``cross-compile = true``): build for the target platform on the build host."""

from __future__ import annotations

from rewriter.edit import edit_arguments, insert_after, make_items, replace_item
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Segment

EXPLANATION = """GS111 (opt-in, ``cross-compile = true``): build for the target platform on the build host.

With ``FROM --platform=$BUILDPLATFORM`` the builder runs natively and Go cross-compiles
to ``$TARGETOS/$TARGETARCH``: a multi-platform image (``docker buildx build --platform
linux/amd64,linux/arm64``) builds in seconds instead of under emulation. Go needs no C
toolchain for that because the build is static.
"""

RULE = Rule(
    "GS111",
    "cross-compile",
    Kind.FIX,
    "Opt-in: FROM --platform=$BUILDPLATFORM and GOOS=$TARGETOS GOARCH=$TARGETARCH for fast multi-platform builds.",
    EXPLANATION,
    anchor=Anchor.BUILDER,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if not ctx.config.cross_compile or plan.build.verb != "build":
        return unchanged(ctx)
    build = plan.build
    if "GOARCH" in build.env or "GOOS" in build.env:
        return unchanged(ctx)
    tree = ctx.tree
    stage = tree.stages[plan.builder.index]
    from_ins = stage.from_instruction
    if from_ins.flag("platform") is None:
        new_from = from_ins.with_changes(flags=(Segment.of(" --platform=$BUILDPLATFORM"), *from_ins.flags))
        tree = replace_item(tree, from_ins, [new_from])
        from_ins = new_from
    go_word = build.command.words[build.env_index]
    new_build = edit_arguments(
        build.instruction, [(go_word.start, go_word.start, "GOOS=$TARGETOS GOARCH=$TARGETARCH ")]
    )
    tree = replace_item(tree, build.instruction, [new_build])
    tree = insert_after(
        tree, from_ins, make_items(["ARG TARGETOS", "ARG TARGETARCH"], ctx.newline, ctx.escape), ctx.newline
    )
    return Result(
        tree,
        (ctx.diagnostic(RULE, "builder runs on $BUILDPLATFORM and cross-compiles to $TARGETOS/$TARGETARCH", from_ins),),
    )
