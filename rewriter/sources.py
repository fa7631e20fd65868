"""What a build reads from the repository: its build context, and the Go program in it.

The engine asks once per Dockerfile. The context is found from the Dockerfile's place
(``rewriter.context``); the Go sources are read from where the build runs in that context,
mapped back through the builder's COPY instructions (``rewriter.goprogram``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import Path

from rewriter.analysis import Facts, expand
from rewriter.config import Config
from rewriter.plan import Plan
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # imported when a Go file asks: most files of a batch are not Go
    from typing import ClassVar, Final

    from rewriter.context import BuildContext
    from rewriter.context.copies import Copy
    from rewriter.goprogram import GoProgram
    from rewriter.imagefs import ImageFS, StageFS


class SourceRequest(Record):
    """Where to look. With nothing set (a pasted text), no context is searched for."""

    _fields: ClassVar[tuple[str, ...]] = ("dockerfile", "context", "context_kind", "stdin", "cwd", "go")

    dockerfile: Final[Path | None]  # the Dockerfile's path on disk
    context: Final[Path | None]  # a folder named by the user (--context) or the caller
    context_kind: Final[str]  # how ``context`` was given: "flag" or "argument"
    stdin: Final[bool]  # the text came on standard input: ``cwd`` may be the context
    cwd: Final[Path | None]
    go: Final[str | None]  # the go command for ``go list``; None: the static reader

    def __init__(
        self,
        dockerfile: Path | None = None,
        context: Path | None = None,
        context_kind: str = "flag",
        stdin: bool = False,
        cwd: Path | None = None,
        go: str | None = None,
    ) -> None:
        self.dockerfile = dockerfile
        self.context = context
        self.context_kind = context_kind
        self.stdin = stdin
        self.cwd = cwd
        self.go = go

    @property
    def searches(self) -> bool:
        return self.dockerfile is not None or self.context is not None or self.stdin


def read_sources(
    facts: Facts, plan: object, config: Config, request: SourceRequest
) -> tuple[BuildContext | None, GoProgram | None, ImageFS | None]:
    """The build context (None when nothing was to be searched), the Go program the build
    compiles from it (None when it reads no Go from the context), and the model of the
    original image with that context when finding the build's folders needed it (None
    otherwise), which the engine then need not build again."""
    if not request.searches:
        return None, None, None
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
        return context, None, None
    build_dir, package, tags, copied, import_path = ".", None, None, None, None
    image = None
    if isinstance(plan, Plan):
        from rewriter.imagefs import model

        build = plan.build
        package = " ".join(build.packages) if build.packages else None
        tags = build.tags
        env = facts.stages[build.stage].env
        image = model(facts, context)
        copies = _into_folders(copies, build.workdir, image.stage(build.stage), lambda s: expand(s, env))
        mapped = _build_dir(facts, plan, copies, context)
        if mapped is None:
            return context, None, image  # the build compiles nothing the context holds
        build_dir = mapped
        if build.workdir is not None:
            copied = _copied_files(build.workdir, copies, context, lambda s: expand(s, env))
            import_path = _gopath_import_path(build.workdir, env.get("GOPATH") or "/go")
    go = read_program(
        context, build_dir=build_dir, package=package, tags=tags, go=request.go, copied=copied, import_path=import_path
    )
    return context, go, image


def _builder_copies(facts: Facts, plan: object) -> list[Copy]:
    """The COPY/ADD from the context of the stages the build runs in (all stages when the
    build is not known)."""
    stages = facts.chain(plan.builder)[::-1] if isinstance(plan, Plan) else facts.stages
    return [c for s in stages for c in s.local_copies]


def _into_folders(
    copies: list[Copy], workdir: str | None, fs: StageFS, expand: Callable[[str], str | None]
) -> list[Copy]:
    """The copies, with a destination written without "/" marked as a folder when the file
    went into it: ``RUN mkdir /app`` then ``COPY main.go /app`` puts /app/main.go (the
    image model knows /app was a folder), and so does a copy to the very folder the build
    runs in (had it been made a file, the build could not run there). ``fs`` is the image
    model of the stage the build runs in."""
    out = []
    for at, sources, dest in copies:
        dest_x = expand(dest)
        if len(sources) == 1 and dest_x is not None and not dest.endswith("/") and (dest_x.startswith("/") or at):
            dest_abs = posixpath.normpath(posixpath.join(at or "/", dest_x))
            src = posixpath.normpath("/" + sources[0]).lstrip("/")
            inside = fs.lookup(posixpath.join(dest_abs, posixpath.basename(src)))
            if dest_abs == workdir or (inside.exists and inside.source == src):
                dest += "/"
        out.append((at, sources, dest))
    return out


def _copied_files(
    workdir: str, copies: list[Copy], context: BuildContext, expand: Callable[[str], str | None]
) -> tuple[str, ...] | None:
    """The context paths of the files COPY put in the folder the build runs in, when COPY
    put single files there and never a folder holding it; None when a folder was copied
    (or a source cannot be told). Go compiles the files the image holds, not the folder
    they came from."""
    workdir = posixpath.normpath(workdir)
    files: list[str] = []
    for at, sources, dest in copies:
        dest_x = expand(dest)
        if dest_x is None or (not dest_x.startswith("/") and at is None):
            continue
        dest_abs = posixpath.normpath(posixpath.join(at or "/", dest_x))
        into_folder = dest.endswith("/") or len(sources) > 1 or dest_x in (".", "./")
        for src in sources:
            if "$" in src or "://" in src or src.startswith("git@"):
                return None
            matched = context.glob(src) if any(c in src for c in "*?[") else [src]
            for rel in matched:
                rel = posixpath.normpath("/" + rel).lstrip("/") or "."
                if rel == "." or context.is_dir(rel):
                    if workdir == dest_abs or workdir.startswith(dest_abs.rstrip("/") + "/"):
                        return None
                elif (dest_abs if into_folder or len(matched) > 1 else posixpath.dirname(dest_abs)) == workdir:
                    files.append(rel)
    return tuple(files) if files else None


def _gopath_import_path(workdir: str, gopath: str) -> str | None:
    """The import path GOPATH mode gives the build folder: its place under $GOPATH/src."""
    for root in gopath.split(":"):
        src = posixpath.normpath(root) + "/src/"
        if workdir.startswith(src) and len(workdir) > len(src):
            return workdir[len(src) :].rstrip("/")
    return None


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
