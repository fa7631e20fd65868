"""GS206: refuse images with ONBUILD triggers."""

from __future__ import annotations

from rewriter.passes.base import CheckContext
from rewriter.rules import Kind, Rule

EXPLANATION = """GS206: refuse images with ONBUILD triggers.

ONBUILD instructions run in whatever image builds FROM this one: the file is a base image
for other builds, not a service, and its real build happens elsewhere.
"""

RULE = Rule(
    "GS206",
    "onbuild",
    Kind.REFUSAL,
    "Refused: the image uses ONBUILD triggers, so it is a base for other builds, not a service.",
    EXPLANATION,
)
RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    for ins in ctx.tree.instructions:
        if ins.name == "ONBUILD":
            return [ctx.diagnostic(RULE, "ONBUILD triggers run in a later build; rewrite that build instead", ins)]
    return []
