"""GS210: refuse an old Go toolchain only where the rewrite cannot work with it."""

from __future__ import annotations

from rewriter.passes.base import CheckContext
from rewriter.passes.static_build import REBUILDS_STD
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule
from rewriter.toolchain import old_zones, shown

EXPLANATION = """GS210: refuse an old Go toolchain only where the rewrite cannot work with it.

Old toolchains are rewritten: -trimpath (Go 1.13) is left out before it exists (GS103
says so), and before -tags timetzdata (Go 1.15) the runtime gets Go's own
$GOROOT/lib/time/zoneinfo.zip (GS117). That file is found at the build's GOROOT; when
goslim cannot tell where that is (a golang image before Go 1.5, which built Go from source
in a place that changed between tags; a toolchain the Dockerfile installs itself), the
builder image's /usr/share/zoneinfo is copied instead. When neither is known, or the
build deletes it, a service that needs time zones would silently run in UTC, and the
rewrite is refused. Set ENV GOROOT in the builder, or move it to a newer golang image.
A build through make or a script on a toolchain before Go 1.5 is refused too: it needs
``-a`` on the go command (GS102), which goslim cannot add to a file of the context.
"""

RULE = Rule(
    "GS210",
    "old-go-toolchain",
    Kind.REFUSAL,
    "Refused: the service needs time zones, and with this Go toolchain goslim cannot tell where they come from.",
    EXPLANATION,
)
RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan):
        return []
    version = plan.builder.go_version
    if version is not None and version < REBUILDS_STD and plan.build.via_recipe:
        return [
            ctx.diagnostic(
                RULE,
                f"the build uses Go {shown(version)}, whose go command links the standard library "
                "it was built with (cgo) unless it gets -a, and it runs through "
                f"`{plan.build.through}`, which goslim does not edit: add -a -installsuffix cgo "
                "to its go command",
                plan.build.instruction,
            )
        ]
    if not ctx.config.enabled("GS117"):
        return []
    zones = old_zones(ctx.facts, plan, ctx.go)
    if zones is None:
        return []
    why, path = zones
    version = plan.builder.go_version
    assert version is not None
    where = plan.builder.stage.from_instruction
    if path is None:
        return [
            ctx.diagnostic(
                RULE,
                f"the build uses Go {shown(version)}; scratch has no time zones ({why}), "
                "-tags timetzdata needs Go 1.15, and goslim knows neither where this toolchain "
                "keeps lib/time/zoneinfo.zip nor of a /usr/share/zoneinfo in the builder's "
                "image: set ENV GOROOT in the builder",
                where,
            )
        ]
    removed = next(
        (
            m
            for s in ctx.facts.chain(plan.builder)
            for m in s.moves
            if m.dest is None and (path + "/").startswith(m.source.rstrip("/") + "/")
        ),
        None,
    )
    if removed is not None:
        return [
            ctx.diagnostic(
                RULE,
                f"the build uses Go {shown(version)}; scratch has no time zones ({why}), and the "
                f"builder deletes {removed.source}, which holds {path}",
                removed.instruction,
            )
        ]
    return []
