"""GS305: leave a final stage alone when its base is not one goslim can replace."""

from __future__ import annotations

from rewriter.analysis import DISTRO_IMAGE, GO_IMAGE
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule

EXPLANATION = """GS305: leave a final stage alone when its base is not one goslim can replace.

goslim replaces distribution bases (alpine, debian, ubuntu, busybox…) and golang images by
scratch. A final
stage on distroless, a vendor base or a base chosen by a build argument was picked on
purpose and may carry what the service needs (glibc for cgo, a CA bundle, a nonroot
user), so the file is left unchanged.
"""

RULE = Rule(
    "GS305",
    "runtime-base-kept",
    Kind.KEEP,
    "Left unchanged: the final stage uses a base goslim does not replace (distroless, vendor or ARG-chosen).",
    EXPLANATION,
)
RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan) or plan.runtime is None:
        return []
    base = plan.runtime.base
    if base.lower() == "scratch":
        return []
    written = plan.runtime.stage.base_image
    if "$" in written:  # the ARG default is only one of the bases a build may pass in
        return [
            ctx.diagnostic(
                RULE,
                f"final stage FROM {written} is chosen by a build argument; it is kept as it is",
                plan.runtime.stage.from_instruction,
            )
        ]
    if DISTRO_IMAGE.match(base) or GO_IMAGE.match(base):
        return []  # GS108 replaces it
    return [ctx.diagnostic(RULE, f"final stage FROM {base} is kept as it is", plan.runtime.stage.from_instruction)]
