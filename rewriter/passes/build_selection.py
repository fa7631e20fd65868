"""GS207, GS208, GS209: refuse when goslim cannot tell which binary the image runs."""

from __future__ import annotations

from rewriter.passes.base import Context
from rewriter.plan import NoPlan
from rewriter.rules import Kind, Rule, register

EXPLANATION = """GS207, GS208, GS209: refuse when goslim cannot tell which binary the image runs.

The runtime stage receives exactly one file from the build: the binary the image starts.
When there is no Go build, when several builds could be it, or when the build does not
say where it writes the binary, any guess could produce an image whose entrypoint does
not exist. Naming the output (``go build -o /app/server ./cmd/server``) and running it by
that path (``CMD ["/app/server"]``) settles it.
"""

NO_BUILD = register(Rule(
    "GS207", "no-go-build", Kind.REFUSAL,
    "Refused: a Go image, but no `go build`/`go install` of the service to move to scratch.",
    EXPLANATION,
))
UNCLEAR_ENTRYPOINT = register(Rule(
    "GS208", "unclear-entrypoint", Kind.REFUSAL,
    "Refused: it is not clear which built binary the image runs (or it runs none).",
    EXPLANATION,
))
UNKNOWN_OUTPUT = register(Rule(
    "GS209", "unknown-binary-path", Kind.REFUSAL,
    "Refused: the build does not say where it writes the binary the image runs.",
    EXPLANATION,
))
_RULES = {r.code: r for r in (NO_BUILD, UNCLEAR_ENTRYPOINT, UNKNOWN_OUTPUT)}


def check(ctx: Context) -> list:
    plan = ctx.plan
    if isinstance(plan, NoPlan) and plan.code in _RULES:
        return [ctx.diagnostic(_RULES[plan.code], plan.reason, plan.line_of)]
    return []
