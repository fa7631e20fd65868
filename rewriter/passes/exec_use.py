"""GS302: warn that the service starts other programs, which scratch does not have."""

from __future__ import annotations

from rewriter.diagnostics import Diagnostic
from rewriter.passes.base import FixContext
from rewriter.rules import Kind, Rule

RULE = Rule(
    "GS302", "exec-in-scratch", Kind.WARNING,
    "The service imports os/exec; scratch has no programs to run.",
    "A Go service that starts other programs (os/exec) will not find them in a scratch image. "
    "Check what it runs; copy static helpers into the runtime stage or choose another runtime.",
)
RULES = (RULE,)


def report(ctx: FixContext, applied: tuple[str, ...]) -> list[Diagnostic]:
    go = ctx.go
    if go is None or not go.uses_exec:
        return []
    f = go.uses_exec[0]
    return [ctx.diagnostic(RULE, f"{RULE.summary} ({f.path}:{f.line})")]
