"""GS108: turn the final stage of a multi-stage build into FROM scratch.

A final stage on alpine, debian or ubuntu ships a shell, a package manager and libraries
a static Go binary never uses: attack surface and megabytes. When that stage only copies
the binary and installs certificates, time zones or a user (which goslim replaces with
copies from the builder and ``-tags timetzdata``), it becomes FROM scratch, or the
distroless base with ``runtime = "distroless-static"``; ``runtime = "alpine"`` keeps it.
"""

from __future__ import annotations

from rewriter.analysis import DISTRO_IMAGE
from rewriter.edit import replace_item
from rewriter.passes.base import Context, Result, unchanged
from rewriter.passes.runtime_packages import final_run_problem
from rewriter.passes.split_stages import RUNTIME_BASES
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule, register

RULE = register(Rule(
    "GS108", "harden-final-stage", Kind.FIX,
    "Replace an alpine/debian/ubuntu final stage by FROM scratch when it only needs the static binary.",
    __doc__,
))


def apply(ctx: Context) -> Result:
    plan = ctx.plan
    if not isinstance(plan, Plan) or plan.runtime is None:
        return unchanged(ctx)
    final = plan.runtime
    if not DISTRO_IMAGE.match(final.base) or ctx.config.runtime == "alpine":
        return unchanged(ctx)  # runtime = "alpine" asks for a distribution base
    target = RUNTIME_BASES.get(ctx.config.runtime, "scratch")
    runs = [i for i in final.stage.instructions if i.name == "RUN"]
    if any(final_run_problem(r) for r in runs):
        return unchanged(ctx)  # GS202 refuses these
    from_ins = final.stage.from_instruction
    base_raw = from_ins.values[0]
    text = from_ins.args_text
    index = text.find(base_raw)
    new_from = from_ins.with_arguments(text[:index] + target + text[index + len(base_raw):])
    tree = replace_item(ctx.tree, from_ins, [new_from])
    for run in runs:
        tree = replace_item(tree, run, [])
    dropped = f"; dropped {len(runs)} RUN step(s) replaced by copies from the builder" if runs else ""
    return Result(tree, (ctx.diagnostic(RULE, f"final stage FROM {final.base} → FROM {target}{dropped}", from_ins),))
