"""GS118, GS211: a build through make or a script of the context, and what it cannot take."""

from __future__ import annotations

from rewriter import shell
from rewriter.needs import tzdata_reason
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule
from rewriter.toolchain import TIMETZDATA

EXPLANATION = """GS118: the binary is built by a Makefile target or a script of the build context.

When ``RUN make build`` (or ``RUN ./build.sh``) runs one plain go build, goslim reads it
from the file and leaves the file as it is: CGO_ENABLED=0, GOOS and GOFLAGS go on the RUN
line, and make and the shell pass the environment on to go. GOFLAGS holds -trimpath,
``-ldflags=-s`` and ``-tags=timetzdata`` as single words, since its entries cannot hold a
space. Flags the recipe sets itself win over GOFLAGS: its own -ldflags keep the symbols
unless they strip them.
"""

RULE = Rule(
    "GS118",
    "build-through-recipe",
    Kind.NOTE,
    "The binary is built by a Makefile target or script of the context; its settings go on the RUN line.",
    EXPLANATION,
)
OVERRIDDEN = Rule(
    "GS211",
    "recipe-overrides-goflags",
    Kind.REFUSAL,
    "Refused: the make target or script sets a flag itself that the rewrite must pass through GOFLAGS.",
    """GS211: refuse when the recipe's own flags override what the rewrite needs.

Flags on go's command line win over GOFLAGS. A recipe with its own ``-tags`` would drop
the ``-tags=timetzdata`` the runtime needs for its time zones, and the service would
run in UTC without a word. Add ``timetzdata`` to the recipe's tags (or import
time/tzdata in the program), and goslim rewrites it.
""",
)
RULES = (RULE, OVERRIDDEN)


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan) or not plan.build.via_recipe:
        return []
    build = plan.build
    go = " ".join(w.value for w in build.args)
    notes = [f"the binary is built by `{build.through}`, which runs `go {build.verb} {go}`"[:240]]
    if build.ldflags is not None and not all(f in (build.ldflags_value or "").split() for f in ("-s", "-w")):
        notes.append("its own -ldflags override GOFLAGS, so the symbols stay: add -s -w to them to strip the binary")
    out = [ctx.diagnostic(RULE, "; ".join(notes), build.instruction)]
    version = plan.builder.go_version
    tags = (build.tags or "").replace(",", " ").split()
    if build.tags is not None and "timetzdata" not in tags and (version is None or version >= TIMETZDATA):
        why = tzdata_reason(ctx.go, plan)
        if why is not None:
            tags_given = shell.quote(build.tags)
            out.append(
                ctx.diagnostic(
                    OVERRIDDEN,
                    f"the runtime needs time zones ({why}), and the recipe's own "
                    f"-tags {tags_given} would override GOFLAGS=-tags=timetzdata: "
                    "add timetzdata to them",
                    build.instruction,
                )
            )
    return out
