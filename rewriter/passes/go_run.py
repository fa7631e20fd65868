"""GS205: refuse ``CMD go run ...``."""

from __future__ import annotations

from rewriter.analysis import go_run_at
from rewriter.passes.base import CheckContext
from rewriter.verdicts import GO_RUN as RULE

RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    entry = ctx.facts.entry
    if entry is None:
        return []
    where = entry.entrypoint or entry.cmd
    words = list(entry.argv or ())
    if not words and where is not None:
        words = where.args_text.replace('"', " ").replace(",", " ").split()
    i = go_run_at(words)
    if i is None:
        return []
    pkg = words[i + 2] if i + 2 < len(words) else "."
    return [
        ctx.diagnostic(
            RULE,
            f"`go run {pkg}` builds at every start; build it with "
            f"`RUN go build -o /app/server {pkg}` and run /app/server",
            where,
        )
    ]
