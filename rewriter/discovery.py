"""Turning the paths given on the command line into the Dockerfiles to rewrite.

Files named explicitly are always taken. Directories are searched the way git sees them:
ignored paths (``.gitignore`` at every level, from the repository root down) are left out,
and so are ``.git``, ``vendor`` and ``node_modules``.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a folder is searched: a named file needs no ignore rules
    import pathspec

STDIN = "-"
ALWAYS_SKIP = frozenset({".git", "vendor", "node_modules"})
DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile",
                       "Containerfile.*")


def is_dockerfile_name(name: str) -> bool:
    """Whether a file name is one BuildKit or Podman picks up as a Dockerfile."""
    if name.endswith(".dockerignore"):  # Dockerfile.dockerignore is an ignore file
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in DOCKERFILE_PATTERNS)


def discover(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Expand files, directories and ``-`` into sorted, deduplicated Dockerfile paths.

    ``-`` comes back as ``Path("-")``. Paths that do not exist are kept so that reading
    them reports the problem next to the other results.
    """
    found: list[Path] = []
    for raw in paths:
        raw = os.fspath(raw)
        if raw == STDIN:
            found.append(Path(STDIN))
            continue
        path = Path(raw)
        if path.is_dir() and not is_dockerfile_name(path.name):
            found.extend(_walk(path))
        else:  # a directory named like a Dockerfile is reported when it is read
            found.append(path)
    return _dedupe(found)


def _walk(top: Path) -> list[Path]:
    root = Path(os.path.realpath(top))
    ignores = _IgnoreRules(root)
    results: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        real_here = root / here.relative_to(top)
        ignores.enter(real_here)
        kept = []
        for name in sorted(dirnames):
            child = here / name
            if name in ALWAYS_SKIP or child.is_symlink() or ignores.ignored(real_here / name, True):
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in filenames:
            if not is_dockerfile_name(name):
                continue
            child = here / name
            if ignores.ignored(real_here / name, False):
                continue
            if child.is_symlink() and not _inside(child, root):
                continue
            results.append(child)
    return results


def _inside(link: Path, root: Path) -> bool:
    target = Path(os.path.realpath(link))
    return target == root or root in target.parents


def _dedupe(paths: list[Path]) -> list[Path]:
    """One entry per real file; the spelling that is not a symlink wins."""
    by_real: dict[str, Path] = {}
    for path in paths:
        key = STDIN if str(path) == STDIN else os.path.realpath(path)
        kept = by_real.get(key)
        if kept is None or (kept.is_symlink() and not path.is_symlink()):
            by_real[key] = path
    return sorted(by_real.values(), key=lambda p: (str(p) != STDIN, p.parts))


class _IgnoreRules:
    """The .gitignore files that apply inside one walk, read once per directory."""

    def __init__(self, root: Path) -> None:
        self._specs: dict[Path, pathspec.PathSpec | None] = {}
        self._repo = _repo_root(root)
        top = self._repo or root
        # Files above the walked directory still apply to it, down from the repo root.
        for directory in reversed([root, *root.parents]):
            if directory == top or top in directory.parents:
                self._load(directory)

    def enter(self, directory: Path) -> None:
        self._load(directory)

    def ignored(self, path: Path, is_dir: bool) -> bool:
        """The deepest .gitignore with a matching pattern decides, as in git."""
        for directory in path.parents:
            spec = self._specs.get(directory)
            if spec is None:
                continue
            rel = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            verdict = spec.check_file(rel).include
            if verdict is not None:
                return verdict
        return False

    def _load(self, directory: Path) -> None:
        if directory in self._specs:
            return
        spec = None
        try:
            lines = (directory / ".gitignore").read_text(encoding="utf-8",
                                                         errors="replace").splitlines()
        except OSError:
            lines = []
        if directory == self._repo:
            try:
                lines += (directory / ".git" / "info" / "exclude").read_text(
                    encoding="utf-8", errors="replace").splitlines()
            except OSError:
                pass
        if lines:
            import pathspec

            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._specs[directory] = spec


def _repo_root(start: Path) -> Path | None:
    for directory in [start, *start.parents]:
        if (directory / ".git").exists():
            return directory
    return None
