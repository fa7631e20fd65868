"""GS303 (check): warn about secret-looking ARG/ENV already set in the runtime stage.

goslim never carries such values out of a builder (split_stages leaves them behind), but a
multi-stage file may already set one in its final stage. ENV values end up in the image
config and ARG values in its history, where anyone who pulls the image can read them, so
each one is reported; the file is still rewritten, as the value may be a placeholder.
"""

from __future__ import annotations

from rewriter.analysis import SECRET_NAME
from rewriter.passes.base import Context
from rewriter.passes.split_stages import SECRETS


def check(ctx: Context) -> list:
    stages = ctx.facts.stages
    if len(stages) < 2 or stages[-1].is_go:
        return []  # a single Go stage is split, and split_stages leaves its secrets behind
    out = []
    for ins in stages[-1].stage.instructions:
        if ins.name not in ("ARG", "ENV"):
            continue
        names = [name for name, _ in ins.pairs() if SECRET_NAME.search(name)]
        if names:
            out.append(ctx.diagnostic(
                SECRETS, f"set in the runtime image, where anyone who pulls it can read it: {', '.join(names)}", ins))
    return out
