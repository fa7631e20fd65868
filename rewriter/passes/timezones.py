"""GS112: embed the time zone database (-tags timetzdata) when the service needs it."""

from __future__ import annotations

from rewriter.needs import tzdata_reason
from rewriter.passes.base import FixContext, Result, edit_build, unchanged
from rewriter.recipes import add_goflag
from rewriter.rules import Anchor, Kind, Rule
from rewriter.toolchain import TIMETZDATA

EXPLANATION = """GS112: embed the time zone database (-tags timetzdata) when the service needs it.

``time.LoadLocation("Europe/Paris")`` reads /usr/share/zoneinfo, which scratch does not
have: the call fails at run time. Building with ``-tags timetzdata`` compiles the
database into the binary (about 450 kB). It is added when the Go code loads locations
and does not import time/tzdata itself, when the image sets TZ, when the original runtime
installed tzdata, and when the service ran in the golang image itself: that image has the
database, so a TZ given at run time (``docker run -e TZ=...``, a Kubernetes env) set
time.Local, where scratch would silently keep UTC. Before Go 1.15 the tag does nothing; GS117 copies Go's own
zoneinfo.zip instead. A build through make or a script gets the tag in GOFLAGS.
"""

RULE = Rule(
    "GS112",
    "embed-tzdata",
    Kind.FIX,
    "Build with -tags timetzdata when the service loads time zones or answered TZ: scratch has no zoneinfo.",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    build = plan.build
    if build.tags and "timetzdata" in build.tags.replace(",", " ").split():
        return unchanged(ctx)
    if "timetzdata" in build.env.get("GOFLAGS", ""):
        return unchanged(ctx)
    version = plan.builder.go_version
    if version is not None and version < TIMETZDATA:
        return unchanged(ctx)  # the tag arrived in Go 1.15: GS117 copies zoneinfo.zip
    why = tzdata_reason(ctx.go, plan)
    if why is None:
        return unchanged(ctx)
    if build.via_recipe:
        if build.tags is not None:
            return unchanged(ctx)  # the recipe's -tags override GOFLAGS: GS211 refuses the file
        return edit_build(
            ctx,
            RULE,
            add_goflag(build, "-tags=timetzdata"),
            f"added -tags=timetzdata to GOFLAGS for `{build.through}` ({why})",
        )
    # The last -tags flag is the one go uses (a value such as `-o tagsvc` is not a flag).
    tags_word = next(
        (
            w
            for w in reversed(build.args)
            if w.value in ("-tags", "--tags") or w.value.startswith(("-tags=", "--tags="))
        ),
        None,
    )
    if build.tags is not None and tags_word is not None:
        idx = build.args.index(tags_word)
        target = tags_word if "=" in tags_word.value else build.args[idx + 1]
        sep = "," if "," in build.tags or " " not in build.tags else " "
        raw = target.raw
        if raw.endswith(("'", '"')):
            new_raw = raw[:-1] + sep + "timetzdata" + raw[-1]
        else:
            new_raw = raw + sep + "timetzdata"
        edit = (target.start, target.end, new_raw)
    else:
        verb = build.command.words[build.go_index + 1]
        edit = (verb.end, verb.end, " -tags timetzdata")
    return edit_build(ctx, RULE, [edit], f"added -tags timetzdata ({why})")
