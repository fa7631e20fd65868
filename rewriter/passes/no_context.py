"""GS301: say when the Go sources were not read, so nothing was checked against them."""

from __future__ import annotations

from rewriter.diagnostics import Diagnostic
from rewriter.passes.base import FixContext
from rewriter.rules import Kind, Rule

RULE = Rule(
    "GS301",
    "no-build-context",
    Kind.NOTE,
    "The Go sources were not read: cgo imports, time zone use and runtime files were not checked.",
    "goslim reads the build context (go.mod and the Go sources next to the Dockerfile) to "
    "find cgo imports, time zone use and files read at run time. Without it the rewrite "
    "relies on the Dockerfile alone and says so. Pass --context DIR to point at the sources.",
)
RULES = (RULE,)


def report(ctx: FixContext, applied: tuple[str, ...]) -> list[Diagnostic]:
    if ctx.go is not None or not applied or ctx.build_context is not None:
        return []  # a context was searched for: GS307 or GS312 said what was not found
    return [ctx.diagnostic(RULE, RULE.summary)]
