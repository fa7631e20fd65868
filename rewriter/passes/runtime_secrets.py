"""GS303: warn that a secret-looking ENV or ARG value is baked into the image.

ENV values end up in the image config and ARG values used by a step in its history,
where anyone who pulls the image can read them (``docker inspect``, ``docker history``).
goslim keeps every ENV the service had, since it may read any of them at start, and says
which look like credentials, so that they can be passed at run time instead. The file is
still rewritten: the value may be a placeholder.
"""

from __future__ import annotations

from rewriter.analysis import SECRET_NAME
from rewriter.passes.base import CheckContext
from rewriter.rules import Kind, Rule

RULE = Rule(
    "GS303",
    "secret-build-values",
    Kind.WARNING,
    "A secret-looking ENV/ARG value (TOKEN, PASSWORD, SECRET, KEY) is baked into the image: pass it at run time.",
    """GS303: warn that a secret-looking ENV or ARG value is baked into the image.

Anyone who pulls the image reads its ENV with ``docker inspect`` and the ARGs its steps
used with ``docker history``. goslim carries every ENV of the original image into the
runtime stage (the service may read it at start) and reports those whose names look like
credentials. Pass them at run time instead: ``docker run -e NAME=...``, a Compose
``environment:`` entry or a Kubernetes Secret.
""",
)
RULES = (RULE,)


def check(ctx: CheckContext) -> list:
    stages = ctx.facts.stages
    if not stages:
        return []
    out = []
    final = stages[-1]
    chain = [final]  # a stage FROM an earlier one inherits its ENV (not its ARGs)
    while chain[-1].parent is not None:
        chain.append(stages[chain[-1].parent])
    multi = len(stages) > 1
    # A single stage's ARGs stay in the builder, but for those an ENV uses: the runtime
    # declares them again.
    used = " ".join(v or "" for ins in final.stage.instructions if ins.name == "ENV" for _, v in ins.pairs())
    for facts in reversed(chain):
        for ins in facts.stage.instructions:
            if ins.name != "ENV" and not (ins.name == "ARG" and facts is final):
                continue
            names = [
                name
                for name, _ in ins.pairs()
                if SECRET_NAME.search(name)
                and (ins.name == "ENV" or multi or f"${name}" in used or f"${{{name}" in used)
            ]
            if names:
                out.append(
                    ctx.diagnostic(
                        RULE,
                        f"baked into the image, where anyone who pulls it can read it: {', '.join(names)}; "
                        "pass it at run time instead",
                        ins,
                    )
                )
    return out
