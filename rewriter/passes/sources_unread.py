"""GS312: warn when the build context was found but the Go the build compiles was not read."""

from __future__ import annotations

from rewriter.diagnostics import Diagnostic, Severity
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule

EXPLANATION = """GS312: the build context holds no Go that goslim could tie to the build.

goslim found the build context, but the Go the build compiles is not where it looked: no
COPY from the context puts files in the folder the build runs in (the sources come from
``git clone``, ``go install pkg@version``, a COPY goslim cannot follow...), or, in GOPATH
mode (no go.mod), the code imports local packages the context does not hold where Go
would find them ($GOPATH/src, or a relative import). What was not read was not checked:
cgo (the rewrite builds with CGO_ENABLED=0), time zones, files read or written at run
time and programs started. This is a warning, not a refusal: a C import left unseen makes
the rewritten build fail rather than the image, the common case of sources fetched at
build time has nothing better to offer, and the Dockerfile's own signs of cgo (a C
toolchain, CGO_ENABLED=1) are still refused by GS201. With require-context = true the
file is refused instead.
"""

RULE = Rule(
    "GS312",
    "go-sources-not-found",
    Kind.WARNING,
    "The build context was found, but not the Go it compiles: cgo, time zones, files and programs went unchecked.",
    EXPLANATION,
)
RULES = (RULE,)

_UNCHECKED = "cgo, time zone use, files read or written and programs run were not checked"


def check(ctx: CheckContext) -> list[Diagnostic]:
    found = ctx.build_context
    plan = ctx.plan
    if found is None or found.root is None or not isinstance(plan, Plan):
        return []
    go = ctx.go
    if go is None:
        where = plan.build.workdir or "its folder"
        message = (
            f"the build runs in {where}, where no COPY from the build context puts the Go it compiles: {_UNCHECKED}"
        )
    elif go.unresolved:
        first = go.unresolved[0]
        more = f" (and {len(go.unresolved) - 1} more)" if len(go.unresolved) > 1 else ""
        message = (
            f"{first.path}:{first.line}: {first.detail}{more}: a GOPATH package the build context does "
            f"not hold where the build finds it; in its code {_UNCHECKED}"
        )
    else:
        return []
    if ctx.config.require_context:
        return [ctx.diagnostic(RULE, "Refused (require-context): " + message, plan.build.instruction, Severity.ERROR)]
    return [ctx.diagnostic(RULE, message, plan.build.instruction)]
