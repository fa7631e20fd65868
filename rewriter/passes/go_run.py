"""GS205: refuse ``CMD go run ...``."""

from __future__ import annotations

from rewriter.passes.base import Context
from rewriter.rules import Kind, Rule, register

EXPLANATION = """GS205: refuse ``CMD go run ...``.

``go run`` compiles at every start and needs the Go toolchain in the image. Build the
binary in the Dockerfile (``RUN go build -o /app/server ./cmd/server``) and run it with
``CMD ["/app/server"]``; then goslim can move it to scratch.
"""

RULE = register(Rule(
    "GS205", "go-run", Kind.REFUSAL,
    "Refused: the image starts with `go run`, which needs the Go toolchain at run time.",
    EXPLANATION,
))


def check(ctx: Context) -> list:
    entry = ctx.facts.entry
    if entry is None:
        return []
    where = entry.entrypoint or entry.cmd
    words = list(entry.argv or ())
    if not words and where is not None:
        words = where.args_text.replace('"', " ").replace(",", " ").split()
    for i in range(len(words) - 1):
        if words[i].rsplit("/", 1)[-1] == "go" and words[i + 1] == "run":
            pkg = words[i + 2] if i + 2 < len(words) else "."
            return [ctx.diagnostic(RULE, f"`go run {pkg}` builds at every start; build it with "
                                         f"`RUN go build -o /app/server {pkg}` and run /app/server", where)]
    return []
