"""GS117: before Go 1.15, give the runtime Go's own zoneinfo.zip when it needs time zones."""

from __future__ import annotations

from rewriter.analysis import copies_to, ships_certs_and_users
from rewriter.edit import insert_after, make_items
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.toolchain import ZONEINFO_ENV, old_zones

EXPLANATION = """GS117: before Go 1.15, give the runtime Go's own zoneinfo.zip when it needs time zones.

``-tags timetzdata`` (GS112) needs Go 1.15. An older toolchain ships the zone database
as ``$GOROOT/lib/time/zoneinfo.zip``, and its time package looks there (through
``runtime.GOROOT()``, the build's GOROOT) when /usr/share/zoneinfo is missing. The runtime
gets the file at the same path; from Go 1.10 ``ENV ZONEINFO`` names it too, which
``time.LoadLocation`` reads first. -trimpath, which would hide that GOROOT, stays out
(GS103 says so). Where that GOROOT is unknown (golang images before Go 1.5), the builder
image's /usr/share/zoneinfo is copied instead: every Go looks there first.
"""

RULE = Rule(
    "GS117",
    "zoneinfo-copy",
    Kind.FIX,
    "Before Go 1.15: copy $GOROOT/lib/time/zoneinfo.zip (or /usr/share/zoneinfo) into the runtime when it needs zones.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    final = plan.runtime
    if final is None or ships_certs_and_users(final.base):
        return unchanged(ctx)  # distroless has /usr/share/zoneinfo
    version = plan.builder.go_version
    if version is None:
        return unchanged(ctx)
    # The need is judged on the file as it came: a split or a replaced final stage no longer
    # shows the golang image's or the distribution's zone data.
    zones = old_zones(ctx.original.facts, ctx.original.plan, ctx.go)
    if zones is None:
        return unchanged(ctx)
    why, path = zones
    if path is None or copies_to(final, path):
        return unchanged(ctx)  # GS210 refused an unknown GOROOT
    builder = plan.builder.name or str(plan.builder.index)
    lines = [f"COPY --from={builder} {path} {path}"]
    if version >= ZONEINFO_ENV and path.endswith(".zip") and final.env.get("ZONEINFO") != path:
        lines.append(f"ENV ZONEINFO={path}")
    tree = insert_after(ctx.tree, final.stage.from_instruction, make_items(lines, ctx.newline, ctx.escape), ctx.newline)
    return Result(
        tree,
        (
            ctx.diagnostic(
                RULE,
                f"copy {path} from `{builder}` ({why}; -tags timetzdata needs Go 1.15)",
                final.stage.from_instruction,
            ),
        ),
    )
