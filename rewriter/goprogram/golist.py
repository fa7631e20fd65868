"""Ask the Go toolchain: ``go list -deps -json`` gives the exact package set of a build.

Run offline and read-only: ``GOPROXY=off`` (never download), ``-mod=readonly`` (never edit
go.mod or go.sum; ``-mod=vendor`` when the module vendors), ``GOTOOLCHAIN=local`` (never
fetch another release), ``GOWORK=off`` and ``GOENV=off`` (the user's settings do not
change the answer), ``GOOS=linux`` and ``CGO_ENABLED=1``, the default of the golang images
the original build ran in, so that packages compiling C show as such. When it fails
(typically: a module is not in the module cache) the caller falls back to the static
reader and says why.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

TIMEOUT = 60.0
_FIELDS = "ImportPath,Dir,Name,Standard,GoFiles,CgoFiles,IgnoredGoFiles,Imports,Module,Error,DepsErrors,DepOnly,Match"
_OFF = ("", "0", "off", "false", "no")


def go_command() -> str | None:
    """The ``go`` to run: ``$GOSLIM_GO`` when set (empty or "off" means none), else ``go``
    on PATH."""
    chosen = os.environ.get("GOSLIM_GO")
    if chosen is not None:
        return None if chosen.strip().lower() in _OFF else chosen
    return _on_path("go")


def _on_path(name: str) -> str | None:
    """shutil.which without importing shutil: a single-file run starts in a few tens of
    milliseconds, and this is all of shutil it would use."""
    return _which(name, os.environ.get("PATH", os.defpath))


@functools.lru_cache(maxsize=8)
def _which(name: str, path: str) -> str | None:
    # Asked once per Dockerfile: a batch of thousands would stat every PATH folder each time.
    for folder in path.split(os.pathsep):
        candidate = os.path.join(folder or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


class Package(Record):
    _fields: ClassVar[tuple[str, ...]] = (
        "import_path",
        "dir",
        "name",
        "standard",
        "files",
        "cgo_files",
        "imports",
        "module",
        "module_dir",
        "main_module",
        "local_replace",
        "dep_only",
    )

    import_path: Final[str]
    dir: Final[str]  # absolute
    name: Final[str]
    standard: Final[bool]
    files: Final[tuple[str, ...]]  # every .go file go list names (GoFiles, CgoFiles, IgnoredGoFiles)
    cgo_files: Final[tuple[str, ...]]
    imports: Final[tuple[str, ...]]
    module: Final[str | None]
    module_dir: Final[str | None]
    main_module: Final[bool]
    local_replace: Final[bool]  # the module is replaced by a folder
    dep_only: Final[bool]

    def __init__(
        self,
        import_path: str,
        dir: str,
        name: str,
        standard: bool,
        files: tuple[str, ...],
        cgo_files: tuple[str, ...],
        imports: tuple[str, ...],
        module: str | None,
        module_dir: str | None,
        main_module: bool,
        local_replace: bool,
        dep_only: bool,
    ) -> None:
        self.import_path = import_path
        self.dir = dir
        self.name = name
        self.standard = standard
        self.files = files
        self.cgo_files = cgo_files
        self.imports = imports
        self.module = module
        self.module_dir = module_dir
        self.main_module = main_module
        self.local_replace = local_replace
        self.dep_only = dep_only


class Listing(Record):
    _fields: ClassVar[tuple[str, ...]] = ("packages", "error")

    packages: Final[tuple[Package, ...]]
    error: Final[str | None]  # why the listing cannot be used; None when it can

    def __init__(self, packages: tuple[Package, ...], error: str | None) -> None:
        self.packages = packages
        self.error = error


def go_list(
    go: str, workdir: Path, patterns: list[str], *, vendor: bool, tags: str | None = None, timeout: float = TIMEOUT
) -> Listing:
    import subprocess
    import tempfile

    flags = ["-mod=vendor" if vendor else "-mod=readonly"]
    if tags:
        flags.append(f"-tags={tags}")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GO") or k in ("GOPATH", "GOMODCACHE", "GOCACHE", "GOROOT")
    }
    env.update(
        GOPROXY="off",
        GOFLAGS=" ".join(flags),
        GOTOOLCHAIN="local",
        GOWORK="off",
        GOENV="off",
        GOOS="linux",
        CGO_ENABLED="1",
    )
    if "GOCACHE" not in env and not (env.get("HOME") or env.get("XDG_CACHE_HOME")):
        env["GOCACHE"] = os.path.join(tempfile.gettempdir(), "goslim-go-cache")
    command = [go, "list", "-e", "-deps", f"-json={_FIELDS}", "--", *patterns]
    try:
        done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Listing((), f"go list took longer than {timeout:.0f} s")
    except OSError as exc:
        return Listing((), f"cannot run {go}: {exc.strerror or exc}")
    packages, error = _parse(done.stdout.decode("utf-8", errors="replace"))
    if done.returncode != 0 and error is None:
        error = _first_line(done.stderr.decode("utf-8", errors="replace")) or f"go list exited with {done.returncode}"
    return Listing(tuple(packages), error)


def _parse(text: str) -> tuple[list[Package], str | None]:
    decoder = json.JSONDecoder()
    packages: list[Package] = []
    error: str | None = None
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            break
        try:
            raw, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            return packages, f"go list printed something that is not JSON: {exc}"
        if not isinstance(raw, dict):
            continue
        standard = bool(raw.get("Standard"))
        problem = raw.get("Error")
        if error is None and problem and not standard:
            error = _first_line(problem.get("Err", "") if isinstance(problem, dict) else str(problem))
        for dep_error in raw.get("DepsErrors") or ():
            if error is None and isinstance(dep_error, dict):
                error = _first_line(dep_error.get("Err", ""))
        module = raw.get("Module") or {}
        replace = module.get("Replace") or {}
        directory = raw.get("Dir") or ""
        files = tuple(name for key in ("GoFiles", "CgoFiles", "IgnoredGoFiles") for name in raw.get(key) or ())
        packages.append(
            Package(
                import_path=raw.get("ImportPath", ""),
                dir=directory,
                name=raw.get("Name", ""),
                standard=standard,
                files=files,
                cgo_files=tuple(raw.get("CgoFiles") or ()),
                imports=tuple(raw.get("Imports") or ()),
                module=module.get("Path"),
                module_dir=module.get("Dir"),
                main_module=bool(module.get("Main")),
                local_replace=bool(replace) and not replace.get("Version") and bool(replace.get("Dir")),
                dep_only=bool(raw.get("DepOnly")),
            )
        )
    return packages, error


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None
