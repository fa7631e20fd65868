"""Which folder a Dockerfile is built from, and which source said so.

First match wins:

1. the folder given on the command line (``--context``) or by the library's caller;
2. a ``contexts`` entry of the goslim config (``[tool.goslim]`` / ``.goslim.toml``);
3. a build definition of the repository that builds this Dockerfile: compose, bake,
   skaffold, a GitHub Actions workflow, a Makefile or shell script (``docker build -f``);
4. the nearest folder, from the Dockerfile's own up to the repository root (the folder
   holding ``.git``), in which every source of the builder's COPY/ADD exists.

Standard input has no Dockerfile path: the current folder is the context when the COPY
sources are there, and there is none otherwise. The answer never depends on Go files.
"""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

from rewriter.context import definitions
from rewriter.context.build_context import BuildContext, ContextSource, no_context
from rewriter.context.dockerignore import DockerIgnore, PatternError, compile_pattern, read_dockerignore

# (folder the config file is in, Dockerfile path or pattern relative to it, context relative to it)
Mapping = tuple[str, str, str]


def find_context(
    dockerfile: str | os.PathLike | None,
    copy_sources: Sequence[str] = (),
    *,
    explicit: str | os.PathLike | None = None,
    explicit_kind: str = "flag",
    mappings: Sequence[Mapping] = (),
    cwd: str | os.PathLike | None = None,
) -> BuildContext:
    """The build context of ``dockerfile`` (None for standard input, read from ``cwd``).

    ``copy_sources`` are the sources of the builder's COPY/ADD from the context, as written
    (variables unexpanded are skipped); they decide the ancestor search and standard input.
    """
    path = Path(os.path.abspath(dockerfile)) if dockerfile is not None else None
    sources = _checkable(copy_sources)
    if explicit is not None:
        root = Path(os.path.abspath(explicit))
        return _context(root, ContextSource(explicit_kind, str(explicit)), path, ())
    if path is None:
        return _from_stdin(Path(os.path.abspath(cwd or os.getcwd())), sources)

    warnings: list[str] = []
    mapped = _from_config(path, mappings, warnings)
    if mapped is not None:
        return _context(mapped[0], mapped[1], path, warnings)

    top = _top(str(path.parent))
    named = _from_definitions(path, top, warnings)
    if named is not None:
        return _context(named[0], named[1], path, warnings)

    folder = str(path.parent)
    while True:
        ignore, problems = read_dockerignore(folder, str(path))
        if _all_exist(folder, sources, ignore):
            detail = "" if sources else "the build copies nothing from the context"
            kind = ContextSource("ancestor", None, detail)
            return BuildContext(Path(folder), kind, path, ignore, tuple(warnings + problems))
        if folder == top or os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
    tried = f"{path.parent}" if top == str(path.parent) else f"{path.parent} up to {top}"
    return no_context(
        ContextSource("none", None, f"no folder from {tried} holds {', '.join(sources)}"), tuple(warnings), path
    )


def _from_stdin(cwd: Path, sources: list[str]) -> BuildContext:
    ignore, problems = read_dockerignore(str(cwd))
    if _all_exist(str(cwd), sources, ignore):
        return BuildContext(cwd, ContextSource("stdin", str(cwd)), None, ignore, tuple(problems))
    return no_context(
        ContextSource("none", None, f"the COPY sources are not in the current folder {cwd}"), tuple(problems)
    )


def _context(root: Path, source: ContextSource, dockerfile: Path | None, warnings) -> BuildContext:
    ignore, problems = read_dockerignore(str(root), str(dockerfile) if dockerfile else None)
    return BuildContext(root, source, dockerfile, ignore, tuple(list(warnings) + problems))


def _from_config(path: Path, mappings: Sequence[Mapping], warnings: list[str]) -> tuple[Path, ContextSource] | None:
    for base, pattern, context in mappings:
        rel = os.path.relpath(path, base).replace(os.sep, "/")
        if rel.startswith("../"):
            continue
        try:
            hit = compile_pattern(pattern.removeprefix("./")).match(rel)
        except PatternError as exc:
            warnings.append(f"goslim config in {base}: contexts: {exc}")
            continue
        if hit:
            root = Path(os.path.normpath(os.path.join(base, context)))
            if not root.is_dir():
                warnings.append(f"goslim config in {base}: context {context!r} for {pattern!r} is not a folder")
                continue
            return root, ContextSource("config", _config_file(base), f"{pattern} → {context}")
    return None


def _from_definitions(path: Path, top: str, warnings: list[str]) -> tuple[Path, ContextSource] | None:
    real = os.path.realpath(path)
    found: list[tuple[int, int, definitions.Reference]] = []
    for order, (folder, workflows) in enumerate(definitions.folders_to_search(str(path.parent), top, _listdir)):
        for name, kind in _definition_files(folder, workflows):
            refs, problem = _parsed(kind, os.path.join(folder, name), top)
            if problem:
                warnings.append(problem)
            for ref in refs.get(real, ()):
                found.append((definitions.KIND_ORDER.index(kind), order, ref))
    for _, _, ref in sorted(found, key=lambda f: (f[0], f[1])):
        if os.path.isdir(ref.context):
            return Path(ref.context), ref.source
        warnings.append(f"{ref.source.file}: the context {ref.context} it names for {path.name} is not a folder")
    return None


@functools.cache
def _parsed_cached(kind: str, path: str, top: str, stamp: tuple[int, int]) -> tuple[dict, str | None]:
    try:
        refs = definitions.parse(kind, path, top)
    except definitions.Unreadable as exc:
        return {}, f"{exc}; not used to find the build context"
    except (RecursionError, MemoryError) as exc:
        return {}, f"{path}: {type(exc).__name__}; not used to find the build context"
    by_file: dict[str, list] = {}
    for ref in refs:
        by_file.setdefault(ref.dockerfile, []).append(ref)
    return by_file, None


def _parsed(kind: str, path: str, top: str) -> tuple[dict, str | None]:
    try:
        st = os.stat(path)
    except OSError as exc:
        return {}, f"{path}: cannot read: {exc.strerror or exc}"
    return _parsed_cached(kind, path, top, (st.st_mtime_ns, st.st_size))


@functools.lru_cache(maxsize=4096)
def _listdir(folder: str) -> tuple[tuple[str, bool], ...]:
    try:
        with os.scandir(folder) as it:
            out = []
            for entry in it:
                try:
                    out.append((entry.name, entry.is_dir()))
                except OSError:
                    continue
            return tuple(out)
    except OSError:
        return ()


@functools.lru_cache(maxsize=4096)
def _definition_files(folder: str, workflows: bool) -> tuple[tuple[str, str], ...]:
    """(name, kind) of the build definitions in a folder: every Dockerfile of a batch looks
    in the same parent folders, which may hold thousands of services."""
    out = []
    for name, is_dir in _listdir(folder):
        kind = None if is_dir else definitions.kind_of(workflows, name)
        if kind is not None:
            out.append((name, kind))
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _top(folder: str) -> str:
    """The repository root above ``folder`` (the nearest folder holding ``.git``); without
    one, the nearest folder holding a goslim config; else ``folder`` itself."""
    config = None
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        if config is None and _config_file(current) is not None:
            config = current
        parent = os.path.dirname(current)
        if parent == current:
            return config or folder
        current = parent


def _config_file(folder: str) -> str | None:
    for name in (".goslim.toml", "pyproject.toml"):
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            if name == "pyproject.toml":
                try:
                    with open(candidate, "rb") as handle:
                        if b"[tool.goslim" not in handle.read(1 << 20):
                            continue
                except OSError:
                    continue
            return candidate
    return None


def _checkable(sources: Sequence[str]) -> list[str]:
    """COPY sources that can be looked for: no variables, no URLs, cleaned to the root."""
    out = []
    for src in sources:
        if "$" in src or "://" in src or src.startswith("git@"):
            continue
        clean = posixpath.normpath("/" + src.replace("\\", "/")).lstrip("/") or "."
        if clean not in out:
            out.append(clean)
    return out


def _all_exist(folder: str, sources: list[str], ignore: DockerIgnore) -> bool:
    probe = BuildContext(Path(folder), ContextSource("ancestor"), None, ignore)
    return all(probe.exists(src) for src in sources)


def clear_cache() -> None:
    """Forget folder listings and parsed build definitions (a process watching files)."""
    _parsed_cached.cache_clear()
    _listdir.cache_clear()
    _definition_files.cache_clear()
    _top.cache_clear()
