"""GS103: build with -trimpath (left out, with a note, where the toolchain cannot take it)."""

from __future__ import annotations

from rewriter.passes.base import CheckContext, FixContext, Result, edit_build, unchanged
from rewriter.plan import Plan
from rewriter.recipes import add_goflag
from rewriter.rules import Anchor, Kind, Rule
from rewriter.toolchain import trimpath_left_out

EXPLANATION = """GS103: build with -trimpath.

-trimpath removes the build machine's file system paths from the binary: builds become
reproducible and stack traces stop leaking the layout of the build host. Go 1.12 and
older do not know the flag, and before Go 1.15 the time zone database the runtime gets is
found through the build's GOROOT, which -trimpath removes: there it is left out, and the
note says so. A build through make or a script gets it in GOFLAGS.
"""

RULE = Rule(
    "GS103",
    "trimpath",
    Kind.FIX,
    "Add -trimpath: reproducible builds with no build-host paths in the binary.",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    """The note when the toolchain keeps -trimpath out (the fix then changes nothing)."""
    plan = ctx.plan
    if not isinstance(plan, Plan) or _has_trimpath(plan):
        return []
    why = trimpath_left_out(ctx.facts, plan, ctx.go, ctx.config.enabled("GS117"))
    return [] if why is None else [ctx.diagnostic(RULE, why, plan.build.instruction)]


def _has_trimpath(plan: Plan) -> bool:
    build = plan.build
    return build.flag("trimpath") or "-trimpath" in build.env.get("GOFLAGS", "")


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    build = plan.build
    if _has_trimpath(plan) or trimpath_left_out(ctx.facts, plan, ctx.go, ctx.config.enabled("GS117")) is not None:
        return unchanged(ctx)
    if build.via_recipe:
        message = f"added -trimpath to GOFLAGS for `{build.through}`"
        return edit_build(ctx, RULE, add_goflag(build, "-trimpath"), message)
    verb = build.command.words[build.go_index + 1]
    return edit_build(ctx, RULE, [(verb.end, verb.end, " -trimpath")], f"added -trimpath to `go {build.verb}`")
