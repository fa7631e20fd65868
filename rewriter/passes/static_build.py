"""GS102: build a static binary (CGO_ENABLED=0, GOOS=linux)."""

from __future__ import annotations

from rewriter.passes.base import FixContext, Result, edit_build, unchanged
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS102: build a static binary (CGO_ENABLED=0, GOOS=linux).

With cgo off, Go uses its own DNS resolver and user lookup instead of glibc's, and the
binary links no C library, so it runs in an image that has none. GOOS=linux makes the
target explicit, so the same line builds the same binary on any host.
"""

RULE = Rule(
    "GS102", "static-build", Kind.FIX,
    "Build with CGO_ENABLED=0 (and GOOS=linux) so the binary needs no C library.",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    build = ctx.plan.build
    missing = []
    if build.env.get("CGO_ENABLED") != "0":
        missing.append("CGO_ENABLED=0")
    if "GOOS" not in build.env and build.verb == "build" and not ctx.config.cross_compile:
        missing.append("GOOS=linux")
    if not missing:
        return unchanged(ctx)
    go_word = build.command.words[build.env_index]
    text = " ".join(missing) + " "
    return edit_build(ctx, RULE, [(go_word.start, go_word.start, text)], f"set {' '.join(missing)} for `go {build.verb}`")
