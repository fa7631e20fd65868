"""GS302: warn that the service starts other programs, which scratch does not have."""

from __future__ import annotations

from rewriter.config import EMPTY_RUNTIMES
from rewriter.diagnostics import Diagnostic
from rewriter.passes.base import FixContext
from rewriter.rules import Kind, Rule

RULE = Rule(
    "GS302",
    "exec-in-scratch",
    Kind.WARNING,
    "The service imports os/exec; scratch has no programs to run.",
    "A Go service that starts other programs (os/exec) will not find them in a scratch image. "
    "Check what it runs; copy static helpers into the runtime stage or choose another runtime. "
    "A program written out in exec.Command or exec.LookPath is checked against the runtime "
    "(GS212); this warning is for the programs the code computes, which goslim cannot name.",
)
RULES = (RULE,)


def report(ctx: FixContext, applied: tuple[str, ...]) -> list[Diagnostic]:
    go = ctx.go
    if go is None or not go.uses_exec:
        return []
    computed = [p.where for p in go.programs if p.name is None]
    if go.programs and not computed and ctx.config.runtime in EMPTY_RUNTIMES:
        return []  # every program is named, and GS212 found each one in the runtime
    f = computed[0] if computed else go.uses_exec[0]
    return [ctx.diagnostic(RULE, f"{RULE.summary} ({f.path}:{f.line})")]
