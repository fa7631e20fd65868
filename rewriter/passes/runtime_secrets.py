"""GS303 (check): warn about secret-looking ARG/ENV already set in the final stage.

goslim never carries such values out of a builder (split_stages leaves them behind), but a
multi-stage file may already set one in its final stage. ENV values end up in the image
config and ARG values in its history, where anyone who pulls the image can read them, so
each one is reported, whatever happens to the file; it is still rewritten, as the value
may be a placeholder.
"""

from __future__ import annotations

from rewriter.analysis import SECRET_NAME
from rewriter.passes.base import CheckContext
from rewriter.verdicts import SECRETS

RULES = (SECRETS,)


def check(ctx: CheckContext) -> list:
    stages = ctx.facts.stages
    if len(stages) < 2:
        return []  # a single stage is split, and split_stages leaves its secrets behind
    out = []
    final = stages[-1]
    chain = [final]  # a stage FROM an earlier one inherits its ENV (not its ARGs)
    while chain[-1].parent is not None:
        chain.append(stages[chain[-1].parent])
    for facts in reversed(chain):
        for ins in facts.stage.instructions:
            if ins.name != "ENV" and not (ins.name == "ARG" and facts is final):
                continue
            names = [name for name, _ in ins.pairs() if SECRET_NAME.search(name)]
            if names:
                out.append(ctx.diagnostic(
                    SECRETS, f"set in the final stage as written, where anyone who pulls the image can "
                             f"read it: {', '.join(names)}", ins))
    return out
