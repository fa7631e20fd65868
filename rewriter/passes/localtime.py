"""GS116: the runtime's /etc/localtime names the zone the original image set."""

from __future__ import annotations

from rewriter.analysis import DISTRO_IMAGE, GO_IMAGE, copies_to
from rewriter.edit import insert_after, make_items
from rewriter.needs import LOCALTIME, ZONEINFO, localtime_zone
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS116: the runtime's /etc/localtime names the zone the original image set.

An image that links /etc/localtime to a zone (``ln -sf /usr/share/zoneinfo/Europe/Paris
/etc/localtime``) gives the service that zone as time.Local. Scratch has no zone files
and no link: the clock would silently become UTC. The zone's file is copied from the
builder to /etc/localtime (a file, not a link: its target would not exist). An Alpine
builder gets tzdata first, since Alpine has no zone files of its own.
"""

RULE = Rule(
    "GS116", "local-time-zone", Kind.FIX,
    "Copy the zone the original image linked /etc/localtime to into the runtime: scratch would run on UTC.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    runtime = plan.runtime
    if runtime is None or copies_to(runtime, LOCALTIME):
        return unchanged(ctx)
    original = ctx.original
    stage = original.facts.final
    assert stage is not None
    found = localtime_zone(original.facts.chain(stage))
    if found is None or localtime_zone(ctx.facts.chain(runtime)) is not None:
        return unchanged(ctx)  # none was set, or the runtime still sets it itself
    zone, _ = found
    builder = plan.builder
    ref = builder.name or str(builder.index)
    tree = ctx.tree
    source = ZONEINFO + zone
    has_zones = original.image.stage(builder.index).lookup(source).exists if builder.index < len(
        original.facts.stages) else False
    message = f"/etc/localtime is {zone}, as the original image set it"
    if not has_zones and _alpine(builder.base):
        setup = make_items(["RUN apk add --no-cache tzdata"], ctx.newline, ctx.escape)
        tree = insert_after(tree, tree.stages[builder.index].from_instruction, setup, ctx.newline)
        message += " (tzdata added to the builder)"
    copy = make_items([f"COPY --from={ref} {source} {LOCALTIME}"], ctx.newline, ctx.escape)
    tree = insert_after(tree, tree.stages[runtime.index].from_instruction, copy, ctx.newline)
    return Result(tree, (ctx.diagnostic(RULE, message),))


def _alpine(base: str) -> bool:
    m = DISTRO_IMAGE.match(base)
    return (m is not None and m.group(1).lower() == "alpine") or (bool(GO_IMAGE.match(base)) and "alpine" in base)
