"""GS307, GS309: say when no build context holds the build's COPY sources, and which build
definitions could not be read while looking for it."""

from __future__ import annotations

from rewriter.analysis import stage_copies
from rewriter.diagnostics import Diagnostic, Severity
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule

EXPLANATION = """GS307: no build context holds the sources the build copies.

goslim reads the Go sources the build compiles to decide cgo, time zones, runtime files
and the binary's name. It finds the context the way the build is run: --context, a
[[contexts]] entry of the config, a compose, bake or skaffold file, a GitHub Actions
workflow, a Makefile or script running `docker build -f FILE DIR`, else the nearest
folder from the Dockerfile's up to the repository root that holds every COPY source.
When none does, cgo imports, time zone use and runtime files were not checked: the
rewrite relies on the Dockerfile alone. Point goslim at the sources with --context DIR
or a [[contexts]] entry; with require-context = true (or --require-context) the file is
refused instead, for batch migrations that must not guess.
"""

NOT_FOUND = Rule(
    "GS307",
    "context-not-found",
    Kind.WARNING,
    "No build context holds the build's COPY sources: cgo, time zones and runtime files were not checked.",
    EXPLANATION,
)
UNREADABLE = Rule(
    "GS309",
    "build-definition-unreadable",
    Kind.WARNING,
    "A file read to find the build context (compose, bake, skaffold, workflow, .dockerignore) could not be used.",
    "goslim reads compose, bake and skaffold files, GitHub Actions workflows, Makefiles, scripts and "
    ".dockerignore to find the folder a Dockerfile is built from. A file that does not parse, "
    "cannot be read or is too large is named here and left out; the search went on without it.",
)
RULES = (NOT_FOUND, UNREADABLE)


def check(ctx: CheckContext) -> list[Diagnostic]:
    found = ctx.build_context
    if found is None:
        return []
    out = [ctx.diagnostic(UNREADABLE, warning) for warning in found.warnings]
    if found.root is None:
        refuse = ctx.config.require_context
        message = (
            f"{NOT_FOUND.summary[:-1]} ({found.source.detail}). Point goslim at the sources with "
            "--context DIR or a [[contexts]] entry of the config"
        )
        if refuse:
            message = "Refused (require-context): " + message[0].lower() + message[1:]
        out.append(ctx.diagnostic(NOT_FOUND, message, _first_copy(ctx), Severity.ERROR if refuse else Severity.WARNING))
    return out


def _first_copy(ctx: CheckContext):
    """The first COPY/ADD from the context of the stages the build runs in."""
    plan = ctx.plan
    stages = ctx.facts.chain(plan.builder)[::-1] if isinstance(plan, Plan) else ctx.facts.stages
    for stage in stages:
        for ins, source, _, _ in stage_copies(stage.stage):
            if source is None:
                return ins
    return None
