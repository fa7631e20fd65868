"""GS102: build a static binary (CGO_ENABLED=0, GOOS=linux)."""

from __future__ import annotations

from rewriter.passes.base import FixContext, Result, edit_build, unchanged
from rewriter.rules import Anchor, Kind, Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Final

EXPLANATION = """GS102: build a static binary (CGO_ENABLED=0, GOOS=linux).

With cgo off, Go uses its own DNS resolver and user lookup instead of glibc's, and the
binary links no C library, so it runs in an image that has none. GOOS=linux makes the
target explicit, so the same line builds the same binary on any host.

Before Go 1.5 the go command did not rebuild the standard library when CGO_ENABLED
changed: the toolchain's own net and os/user, compiled with cgo, were linked, and the
binary still needed glibc. For those toolchains the build also gets ``-a -installsuffix
cgo``, which rebuilds them (into a folder of their own) without cgo.
"""

RULE = Rule(
    "GS102",
    "static-build",
    Kind.FIX,
    "Build with CGO_ENABLED=0 (and GOOS=linux) so the binary needs no C library.",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


# The first Go whose go command rebuilds standard packages when the build's settings change
# the files they compile (its build IDs, golang/go#9369).
REBUILDS_STD: Final = (1, 5)


def apply(ctx: FixContext) -> Result:
    build = ctx.plan.build
    missing = []
    if build.env.get("CGO_ENABLED") != "0":
        missing.append("CGO_ENABLED=0")
    if "GOOS" not in build.env and build.verb == "build" and not ctx.config.cross_compile:
        missing.append("GOOS=linux")
    version = ctx.plan.builder.go_version
    rebuild = version is not None and version < REBUILDS_STD and not build.flag("a") and not build.via_recipe
    if not missing and not rebuild:
        return unchanged(ctx)
    edits = []
    done = []
    if missing:
        go_word = build.command.words[build.env_index]
        edits.append((go_word.start, go_word.start, " ".join(missing) + " "))
        done.append(f"set {' '.join(missing)}")
    if rebuild and version is not None:
        verb = build.command.words[build.go_index + 1]
        edits.append((verb.end, verb.end, " -a -installsuffix cgo"))
        done.append(f"added -a -installsuffix cgo (Go {version[0]}.{version[1]} would link its cgo-built net)")
    return edit_build(ctx, RULE, edits, f"{' and '.join(done)} for `go {build.verb}`")
