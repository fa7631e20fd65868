"""GS207, GS208, GS209: refuse when goslim cannot tell which binary the image runs.

The plan decides (rewriter.plan.select); this check reports its refusal."""

from __future__ import annotations

from rewriter.passes.base import CheckContext
from rewriter.plan import NoPlan
from rewriter.verdicts import NO_BUILD, UNCLEAR_ENTRYPOINT, UNKNOWN_OUTPUT

RULES = (NO_BUILD, UNCLEAR_ENTRYPOINT, UNKNOWN_OUTPUT)


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if isinstance(plan, NoPlan) and plan.rule in RULES:
        return [ctx.diagnostic(plan.rule, plan.reason, plan.line_of)]
    return []
