"""GS116: the runtime's /etc/localtime names the zone the original image set."""

from __future__ import annotations

from rewriter.analysis import DISTRO_IMAGE, GO_IMAGE, copies_to
from rewriter.edit import insert_after, make_items
from rewriter.imagefs import UNSURE, Presence
from rewriter.needs import LOCALTIME, ZONEINFO, localtime_zone
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS116: the runtime's /etc/localtime names the zone the original image set.

An image that links /etc/localtime to a zone (``ln -sf /usr/share/zoneinfo/Europe/Paris
/etc/localtime``) gives the service that zone as time.Local. Scratch has no zone files
and no link: the clock would silently become UTC. The zone's file is copied from the
builder to /etc/localtime (a file, not a link: its target would not exist). An Alpine
builder gets tzdata first, since Alpine has no zone files of its own. When an Alpine image
removed the zone database after copying the zone (``cp ... && apk del tzdata``), the
builder's /etc/localtime is that copy and is taken as it is. On Debian /etc/localtime is a
link into the database, which ``cp`` writes through: once the database is removed the link
dangles, as does a link to a zone the image never held. The original ran on UTC then, and
the rewrite adds nothing.
"""

RULE = Rule(
    "GS116",
    "local-time-zone",
    Kind.FIX,
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
    zone = found.zone
    builder = plan.builder
    ref = builder.name or str(builder.index)
    tree = ctx.tree
    source = ZONEINFO + zone
    in_builder = builder.index < len(original.facts.stages)
    zone_file = original.image.stage(builder.index).lookup(source) if in_builder else UNSURE
    message = f"/etc/localtime is {zone}, as the original image set it"
    if (
        zone_file.presence is Presence.NO
        and found.copied
        and _alpine(builder.base)  # Debian's /etc/localtime is a link: cp writes through it
        and in_builder
        and any(
            found.instruction is ins
            for s in original.facts.chain(original.facts.stages[builder.index])
            for ins in s.stage.instructions
        )
    ):
        source = LOCALTIME  # the zone database is gone (removed after the copy): take the copy itself
        message += " (the builder's own copy of the zone)"
    elif zone_file.presence is Presence.NO and original.image.stage(stage.index).lookup(source).presence is Presence.NO:
        return Result(
            tree,
            (
                ctx.diagnostic(
                    RULE,
                    f"/etc/localtime names {zone}, which the original image does not hold when it runs: it "
                    "ran on UTC, and so does the rewrite",
                ),
            ),
        )
    elif zone_file.presence is not Presence.YES and _alpine(builder.base):
        setup = make_items(["RUN apk add --no-cache tzdata"], ctx.newline, ctx.escape)
        tree = insert_after(tree, tree.stages[builder.index].from_instruction, setup, ctx.newline)
        message += " (tzdata added to the builder)"
    copy = make_items([f"COPY --from={ref} {source} {LOCALTIME}"], ctx.newline, ctx.escape)
    tree = insert_after(tree, tree.stages[runtime.index].from_instruction, copy, ctx.newline)
    return Result(tree, (ctx.diagnostic(RULE, message),))


def _alpine(base: str) -> bool:
    m = DISTRO_IMAGE.match(base)
    return (m is not None and m.group(1).lower() == "alpine") or (bool(GO_IMAGE.match(base)) and "alpine" in base)
