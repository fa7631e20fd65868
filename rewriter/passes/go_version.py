"""GS210: refuse Go toolchains too old for the rewritten build."""

from __future__ import annotations

import re

from rewriter.analysis import StageFacts
from rewriter.needs import tzdata_reason
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule

EXPLANATION = """GS210: refuse Go toolchains too old for the rewritten build.

``-trimpath`` arrived in Go 1.13; older toolchains stop with ``flag provided but not
defined: -trimpath``, so the rewritten build would fail. The ``timetzdata`` build tag
(time/tzdata) arrived in Go 1.15; an older toolchain ignores it, so a service that loads
time zones would find none in scratch. Move the builder to a supported golang image
first (the module layout may need ``go mod init``).
"""

RULE = Rule(
    "GS210", "old-go-toolchain", Kind.REFUSAL,
    "Refused: the golang image is too old: -trimpath needs Go 1.13, embedded time zones (-tags timetzdata) Go 1.15.",
    EXPLANATION,
)
RULES = (RULE,)

TAG = re.compile(r"golang:(\d+)\.(\d+)", re.IGNORECASE)


def go_version(ctx: CheckContext, plan: Plan) -> tuple[int, int] | None:
    s: StageFacts | None = plan.builder
    while s is not None:
        m = TAG.search(s.base)
        if m:
            return int(m.group(1)), int(m.group(2))
        s = ctx.facts.stages[s.parent] if s.parent is not None else None
    return None


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan):
        return []
    version = go_version(ctx, plan)
    if version is None:
        return []
    where = plan.builder.stage.from_instruction
    if version < (1, 13):
        return [ctx.diagnostic(RULE, f"the build uses Go {version[0]}.{version[1]}; -trimpath needs Go 1.13 or newer", where)]
    if version < (1, 15) and ctx.config.enabled("GS112"):  # zones come from the timetzdata fix
        why = tzdata_reason(ctx.go, plan)
        if why:
            return [ctx.diagnostic(RULE, f"the build uses Go {version[0]}.{version[1]}; scratch has no time zones ({why}) "
                                         "and -tags timetzdata needs Go 1.15 or newer", where)]
    return []
