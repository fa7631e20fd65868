"""GS210: refuse Go toolchains older than 1.13.

``-trimpath`` arrived in Go 1.13; older toolchains stop with ``flag provided but not
defined: -trimpath``, so the rewritten build would fail. Move the builder to a
supported golang image first (the module layout may need ``go mod init``).
"""

from __future__ import annotations

import re

from rewriter.passes.base import Context
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule, register

RULE = register(Rule(
    "GS210", "old-go-toolchain", Kind.REFUSAL,
    "Refused: the golang image is older than Go 1.13, which cannot build with -trimpath.",
    __doc__,
))

TAG = re.compile(r"golang:(\d+)\.(\d+)", re.IGNORECASE)


def go_version(ctx: Context, plan: Plan) -> tuple[int, int] | None:
    s = plan.builder
    while s is not None:
        m = TAG.search(s.base)
        if m:
            return int(m.group(1)), int(m.group(2))
        s = ctx.facts.stages[s.parent] if s.parent is not None else None
    return None


def check(ctx: Context) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan):
        return []
    version = go_version(ctx, plan)
    if version is not None and version < (1, 13):
        return [ctx.diagnostic(RULE, f"the build uses Go {version[0]}.{version[1]}; -trimpath needs Go 1.13 or newer",
                               plan.builder.stage.from_instruction)]
    return []
