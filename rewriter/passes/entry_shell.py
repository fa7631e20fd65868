"""GS203: refuse when what the image runs needs a shell."""

from __future__ import annotations

from rewriter.analysis import SCRIPT_SUFFIXES
from rewriter.passes.base import CheckContext
from rewriter.verdicts import NEEDS_SHELL as RULE

RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    entry = ctx.facts.entry
    if entry is None:
        return []
    where = entry.entrypoint or entry.cmd
    if entry.needs_shell:
        return [ctx.diagnostic(RULE, entry.needs_shell, where)]
    if entry.argv and entry.argv[0].endswith(SCRIPT_SUFFIXES):
        return [
            ctx.diagnostic(RULE, f"the entrypoint is a script ({entry.argv[0]}), which needs an interpreter", where)
        ]
    return []
