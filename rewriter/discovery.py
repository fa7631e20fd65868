"""Turning the paths given on the command line into the Dockerfiles to rewrite.

Files named explicitly are always taken. Directories are searched the way git sees them:
ignored paths (``.gitignore`` at every level, from the repository root down) are left out,
and so are ``.git``, ``vendor`` and ``node_modules``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from pathlib import Path

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:  # imported when a folder is searched: a named file needs no ignore rules
    import pathspec

    # The ignore rules inside one folder, deepest first: (a folder's real path + "/", its spec).
    _Rules = tuple[tuple[str, pathspec.PathSpec], ...]

STDIN = "-"
ALWAYS_SKIP = frozenset({".git", "vendor", "node_modules"})
DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile", "Containerfile.*")
_DOCKERFILE_NAME = re.compile("|".join(fnmatch.translate(p) for p in DOCKERFILE_PATTERNS))


def is_dockerfile_name(name: str) -> bool:
    """Whether a file name is one BuildKit or Podman picks up as a Dockerfile."""
    if name.endswith(".dockerignore"):  # Dockerfile.dockerignore is an ignore file
        return False
    return _DOCKERFILE_NAME.match(name) is not None


def discover(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files, directories and ``-`` into sorted, deduplicated Dockerfile paths.

    ``-`` comes back as ``Path("-")``. Paths that do not exist are kept so that reading
    them reports the problem next to the other results.
    """
    found: list[tuple[Path, str, bool]] = []  # (path, real path, is a symlink)
    for raw in paths:
        raw = os.fspath(raw)
        if raw == STDIN:
            found.append((Path(STDIN), STDIN, False))
            continue
        path = Path(raw)
        if path.is_dir() and not is_dockerfile_name(path.name):
            found += [(Path(name), real, link) for name, real, link in _walk(os.fspath(path))]
        else:  # a directory named like a Dockerfile is reported when it is read
            found.append((path, os.path.realpath(path), path.is_symlink()))
    return _dedupe(found)


def _walk(top: str) -> list[tuple[str, str, bool]]:
    """(path, real path, is a symlink) of the Dockerfiles under ``top``.

    Strings and scandir entries rather than Path objects: a monorepo has tens of thousands
    of folders, and a symlink is the only entry whose real path needs the file system.
    """
    root = os.path.realpath(top)
    inside = root if root.endswith(os.sep) else root + os.sep
    ignores = _IgnoreRules(root)
    results: list[tuple[str, str, bool]] = []
    stack = [(top, root, ignores.above_root)]
    while stack:
        here, real_here, rules = stack.pop()
        try:
            with os.scandir(here) as scan:
                entries = list(scan)
        except OSError:
            continue
        rules = ignores.enter(real_here, rules, any(e.name == ".gitignore" for e in entries))
        for entry in entries:
            name = entry.name
            if _is_dir(entry):
                real = os.path.join(real_here, name)
                if name in ALWAYS_SKIP or _is_symlink(entry) or _ignored(rules, real, True):
                    continue
                stack.append((entry.path, real, rules))
            elif is_dockerfile_name(name):
                real = os.path.join(real_here, name)
                if _ignored(rules, real, False):
                    continue
                link = _is_symlink(entry)
                if link:
                    real = os.path.realpath(entry.path)
                    if real != root and not real.startswith(inside):
                        continue
                results.append((entry.path, real, link))
    return results


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_symlink(entry: os.DirEntry) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _dedupe(found: list[tuple[Path, str, bool]]) -> list[Path]:
    """One entry per real file; the spelling that is not a symlink wins."""
    by_real: dict[str, tuple[Path, bool]] = {}
    for path, real, link in found:
        kept = by_real.get(real)
        if kept is None or (kept[1] and not link):
            by_real[real] = (path, link)
    return sorted((path for path, _ in by_real.values()), key=lambda p: (str(p) != STDIN, p.parts))


def _ignored(rules: _Rules, real: str, is_dir: bool) -> bool:
    """The deepest .gitignore with a matching pattern decides, as in git."""
    for prefix, spec in rules:
        verdict = spec.check_file(real[len(prefix) :] + ("/" if is_dir else "")).include
        if verdict is not None:
            return verdict
    return False


class _IgnoreRules:
    """The .gitignore files (and .git/info/exclude) that apply inside one walk.

    Each folder gets its parent's rules with its own in front, so a tree without any
    .gitignore checks nothing per file.
    """

    def __init__(self, root: str) -> None:
        self._repo = _repo_root(root)
        # Files above the walked directory still apply to it, down from the repo root.
        above: list[str] = []
        directory = root
        while directory != (self._repo or root):
            directory = os.path.dirname(directory)
            above.append(directory)
        self.above_root: _Rules = ()
        for directory in reversed(above):
            self.above_root = self.enter(directory, self.above_root, True)

    def enter(self, directory: str, rules: _Rules, has_gitignore: bool) -> _Rules:
        """The rules inside ``directory``: those of its parent, then its own first."""
        lines: list[str] = []
        if has_gitignore:
            lines = _read_lines(os.path.join(directory, ".gitignore"))
        if directory == self._repo:
            lines += _read_lines(os.path.join(directory, ".git", "info", "exclude"))
        if not lines:
            return rules
        import pathspec

        prefix = directory if directory.endswith(os.sep) else directory + os.sep
        return ((prefix, pathspec.GitIgnoreSpec.from_lines(lines)), *rules)


def _read_lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []


def _repo_root(start: str) -> str | None:
    directory = start
    while not Path(directory, ".git").exists():
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return directory
