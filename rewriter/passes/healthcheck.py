"""GS204 / GS304: a HEALTHCHECK that needs a shell or curl cannot run in scratch."""

from __future__ import annotations

from rewriter.edit import replace_item
from rewriter.passes.base import CheckContext, FixContext, Result, unchanged
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule
from rewriter.syntax.nodes import Instruction

EXPLANATION = """GS204 / GS304: a HEALTHCHECK that needs a shell or curl cannot run in scratch.

``HEALTHCHECK CMD curl -f http://localhost/`` runs /bin/sh and curl, neither of which
exists in scratch: the container would be marked unhealthy forever (and restarted by
orchestrators that act on health). goslim refuses such files by default. With
``healthcheck = "drop"`` it removes the check instead and warns (GS304); a check that
runs the service binary itself in exec form is kept.
"""

RULE = Rule(
    "GS204",
    "healthcheck-needs-tools",
    Kind.REFUSAL,
    "Refused: the HEALTHCHECK needs a shell or curl/wget, which scratch does not have.",
    EXPLANATION,
)
DROPPED = Rule(
    "GS304",
    "healthcheck-dropped",
    Kind.WARNING,
    'A HEALTHCHECK that could not run in scratch was removed (healthcheck = "drop").',
    EXPLANATION,
)
RULES = (RULE, DROPPED)


def _runtime_healthchecks(plan: Plan) -> list[Instruction]:
    stage = (plan.runtime or plan.builder).stage
    return [i for i in stage.instructions if i.name == "HEALTHCHECK"]


def broken(ins, plan: Plan) -> str | None:
    values = ins.values
    if not values or values[0].upper() == "NONE":
        return None
    if not ins.is_json:
        return f"shell form needs /bin/sh: {ins.args_text}"
    program = values[1] if len(values) > 1 else ""
    binary = plan.runtime_binary
    if program == binary or (program.startswith("./") and binary.endswith(program[1:])):
        return None
    return f"runs {program}, which is not in the image"


def check(ctx: CheckContext) -> list:
    if ctx.config.healthcheck == "drop":
        return []
    plan = ctx.plan
    if not isinstance(plan, Plan):
        return []
    out = []
    for ins in _runtime_healthchecks(plan):
        why = broken(ins, plan)
        if why:
            out.append(ctx.diagnostic(RULE, why + ' (set healthcheck = "drop" to remove it)', ins))
    return out


def apply(ctx: FixContext) -> Result:
    if ctx.config.healthcheck != "drop":
        return unchanged(ctx)
    plan = ctx.plan
    tree = ctx.tree
    diagnostics = []
    for ins in _runtime_healthchecks(plan):
        why = broken(ins, plan)
        if why:
            diagnostics.append(ctx.diagnostic(DROPPED, f"removed HEALTHCHECK: {why}", ins))
            tree = replace_item(tree, ins, [])
    return Result(tree, tuple(diagnostics))
