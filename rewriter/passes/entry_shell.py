"""GS203: refuse when what the image runs needs a shell."""

from __future__ import annotations

from rewriter.passes.base import Context
from rewriter.rules import Kind, Rule, register

EXPLANATION = """GS203: refuse when what the image runs needs a shell.

``FROM scratch`` has no ``/bin/sh``. A shell-form CMD/ENTRYPOINT that uses variables,
``&&``, pipes, redirections or globs, an explicit ``sh -c``, or an entrypoint script
cannot run there. Plain shell-form commands (words only) are converted to exec form by
GS107 instead.
"""

RULE = register(Rule(
    "GS203", "needs-shell", Kind.REFUSAL,
    "Refused: the CMD/ENTRYPOINT needs a shell (shell syntax, `sh -c`, or a script) and scratch has none.",
    EXPLANATION,
))

SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".pl", ".rb", ".js")


def check(ctx: Context) -> list:
    entry = ctx.facts.entry
    if entry is None:
        return []
    where = entry.entrypoint or entry.cmd
    if entry.needs_shell:
        return [ctx.diagnostic(RULE, entry.needs_shell, where)]
    if entry.argv and entry.argv[0].endswith(SCRIPT_SUFFIXES):
        return [ctx.diagnostic(RULE, f"the entrypoint is a script ({entry.argv[0]}), which needs an interpreter", where)]
    return []
