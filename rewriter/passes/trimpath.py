"""GS103: build with -trimpath."""

from __future__ import annotations

from rewriter.passes.base import FixContext, Result, edit_build, unchanged
from rewriter.recipes import add_goflag
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS103: build with -trimpath.

-trimpath removes the build machine's file system paths from the binary: builds become
reproducible and stack traces stop leaking the layout of the build host. A build through
make or a script gets it in GOFLAGS.
"""

RULE = Rule(
    "GS103", "trimpath", Kind.FIX,
    "Add -trimpath: reproducible builds with no build-host paths in the binary.",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    build = ctx.plan.build
    if build.flag("trimpath") or "-trimpath" in build.env.get("GOFLAGS", ""):
        return unchanged(ctx)
    if build.via_recipe:
        message = f"added -trimpath to GOFLAGS for `{build.through}`"
        return edit_build(ctx, RULE, add_goflag(build, "-trimpath"), message)
    verb = build.command.words[build.go_index + 1]
    return edit_build(ctx, RULE, [(verb.end, verb.end, " -trimpath")], f"added -trimpath to `go {build.verb}`")
