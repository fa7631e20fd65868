"""What a build reads from the repository: its build context, and the Go program in it.

The engine asks once per Dockerfile. The context is found from the Dockerfile's place
(``rewriter.context``); the Go sources are read from where the build runs in that context,
mapped back through the builder's COPY instructions (``rewriter.goprogram``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rewriter.analysis import Facts, expand
from rewriter.config import Config
from rewriter.plan import Plan

if TYPE_CHECKING:  # imported when a Go file asks: most files of a batch are not Go
    from rewriter.context import BuildContext
    from rewriter.context.copies import Copy
    from rewriter.goprogram import GoProgram


@dataclass(frozen=True)
class SourceRequest:
    """Where to look. With nothing set (a pasted text), no context is searched for."""

    dockerfile: Path | None = None   # the Dockerfile's path on disk
    context: Path | None = None      # a folder named by the user (--context) or the caller
    context_kind: str = "flag"       # how ``context`` was given: "flag" or "argument"
    stdin: bool = False              # the text came on standard input: ``cwd`` may be the context
    cwd: Path | None = None
    go: str | None = None            # the go command for ``go list``; None: the static reader

    @property
    def searches(self) -> bool:
        return self.dockerfile is not None or self.context is not None or self.stdin


def read_sources(facts: Facts, plan: object, config: Config,
                 request: SourceRequest) -> tuple[BuildContext | None, GoProgram | None]:
    """The build context (None when nothing was to be searched) and the Go program the
    build compiles from it (None when it reads no Go from the context)."""
    if not request.searches:
        return None, None
    from rewriter.context import find_context
    from rewriter.context.copies import copy_sources
    from rewriter.goprogram import read_program

    copies = _builder_copies(facts, plan)
    context = find_context(
        request.dockerfile,
        copy_sources(copies),
        explicit=request.context,
        explicit_kind=request.context_kind,
        mappings=config.contexts,
        cwd=request.cwd,
    )
    if context.root is None or not context.is_dir("."):
        return context, None
    build_dir, package, tags = ".", None, None
    if isinstance(plan, Plan):
        build = plan.build
        package = " ".join(build.packages) if build.packages else None
        tags = build.tags
        mapped = _build_dir(facts, plan, copies, context)
        if mapped is None:
            return context, None  # the build compiles nothing the context holds
        build_dir = mapped
    return context, read_program(context, build_dir=build_dir, package=package, tags=tags, go=request.go)


def _builder_copies(facts: Facts, plan: object) -> list[Copy]:
    """The COPY/ADD from the context of the stages the build runs in (all stages when the
    build is not known)."""
    stages = facts.chain(plan.builder)[::-1] if isinstance(plan, Plan) else facts.stages
    return [c for s in stages for c in s.local_copies]


def _build_dir(facts: Facts, plan: Plan, copies: list[Copy], context: BuildContext) -> str | None:
    from rewriter.context.copies import context_dir

    build = plan.build
    if build.workdir is None:
        return None
    env = facts.stages[build.stage].env
    found = context_dir(build.workdir, copies, context.is_dir, lambda s: expand(s, env))
    if found is not None:
        return found
    root = facts.stages[build.stage].context_root
    if root and (build.workdir + "/").startswith(root.rstrip("/") + "/"):
        return posixpath.relpath(build.workdir, root)
    return None
