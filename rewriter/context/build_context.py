"""A build context: the folder a build sends to the builder, less what .dockerignore drops.

Everything that asks "is this file in the image's build context?" asks a ``BuildContext``:
the Go reader before it opens a source file, the image model before it says a COPY finds
its source. It answers for paths relative to the context root, never reads outside it
(``..`` and symlinks that leave the root are refused) and never walks without a bound.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from rewriter.context.dockerignore import DockerIgnore, Pattern, PatternError, _translate
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

WALK_LIMIT = 200_000  # entries a walk looks at before it stops and says so
READ_LIMIT = 4 << 20  # bytes read of one file
_GLOB = re.compile(r"[*?\[\\]")


class ContextSource(Record):
    """Where the answer "this folder is the build context" came from."""

    _fields: ClassVar[tuple[str, ...]] = ("kind", "file", "detail")

    kind: Final[str]  # see KINDS
    file: Final[str | None]  # the file that named the context, when one did
    detail: Final[str]  # e.g. "service api", "target web", "line 12"

    def __init__(self, kind: str, file: str | None = None, detail: str = "") -> None:
        self.kind = kind
        self.file = file
        self.detail = detail

    def describe(self) -> str:
        what = KINDS.get(self.kind, self.kind)
        where = self.file or ""
        if self.detail:
            where = f"{where} ({self.detail})" if where else self.detail
        return f"{what}: {where}" if where else what


KINDS = {
    "flag": "--context",
    "argument": "given by the caller",
    "config": "goslim config",
    "compose": "compose file",
    "bake": "bake file",
    "skaffold": "skaffold config",
    "workflow": "GitHub Actions workflow",
    "script": "build script",
    "ancestor": "nearest folder holding every COPY source",
    "stdin": "current folder (standard input)",
    "none": "not found",
}


class Walk(Record):
    """What ``BuildContext.walk`` found: included files (context-relative), and whether it
    stopped at its limit."""

    _fields: ClassVar[tuple[str, ...]] = ("files", "truncated")

    files: Final[tuple[str, ...]]
    truncated: Final[bool]

    def __init__(self, files: tuple[str, ...], truncated: bool) -> None:
        self.files = files
        self.truncated = truncated


class BuildContext(Record):
    """The build context of one Dockerfile.

    ``root`` is None when no folder holding the build's COPY sources was found: the
    rewrite then relies on the Dockerfile alone. ``warnings`` name files that could not
    be used on the way (an unparseable compose file, an unreadable folder...).
    """

    _fields: ClassVar[tuple[str, ...]] = ("root", "source", "dockerfile", "ignore", "warnings")

    root: Final[Path | None]
    source: Final[ContextSource]
    dockerfile: Final[Path | None]
    ignore: Final[DockerIgnore]
    warnings: Final[tuple[str, ...]]
    # folder -> whether it resolves inside the root; "" holds the root's real path
    _folders_inside: Final[dict[str, object]]
    # folder -> names of the symlinks listdir saw in it
    _links: Final[dict[str, frozenset[str]]]
    # (question, path) -> answer of exists/is_dir/is_file: the image model and the Go reader
    # ask of the same few paths many times in one rewrite
    _answers: Final[dict[tuple[str, str], bool]]

    def __init__(
        self,
        root: Path | None,
        source: ContextSource,
        dockerfile: Path | None = None,
        ignore: DockerIgnore | None = None,
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.root = root
        self.source = source
        self.dockerfile = dockerfile
        self.ignore = DockerIgnore() if ignore is None else ignore
        self.warnings = warnings
        self._folders_inside = {}
        self._links = {}
        self._answers = {}

    @property
    def found(self) -> bool:
        return self.root is not None

    def describe(self) -> str:
        """One line for reports: the folder and why."""
        if self.root is None:
            return f"no build context ({self.source.describe()})"
        return f"{self.root} ({self.source.describe()})"

    # --- questions about paths, all relative to the root, "/"-separated --------------------

    def included(self, rel: str) -> bool:
        """Whether .dockerignore keeps ``rel`` in the context (true for paths that do not
        exist: this is the filter alone)."""
        norm = _normal(rel)
        return norm is not None and not self.ignore.excluded(norm)

    def path(self, rel: str) -> Path | None:
        """The absolute path of ``rel`` when it is inside the root and included; symlinks
        are resolved and must stay inside the root."""
        full = self._abs(rel)
        return Path(full) if full is not None else None

    def _abs(self, rel: str, check_link: bool = True) -> str | None:
        """``path`` as a string. A folder's real path is worked out once; a file is
        resolved only when it is a symlink itself (not looked at with ``check_link``
        False: the caller opens it without following links)."""
        if self.root is None:
            return None
        norm = _normal(rel)
        if norm is None or (self.ignore and self.ignore.excluded(norm)):
            return None
        root = str(self.root)
        if norm == ".":
            return root if self._folder_inside(".") else None
        folder = posixpath.dirname(norm) or "."
        if not self._folder_inside(folder):
            return None
        full = os.path.join(root, norm)
        if not check_link:
            return full
        try:
            if not stat.S_ISLNK(os.lstat(full).st_mode):
                return full
        except (OSError, ValueError):
            return full  # not there: inside, and nothing to read
        return full if self._resolves_inside(full) else None

    def _folder_inside(self, folder: str) -> bool:
        """Whether a folder resolves inside the root: its parent does, and it is no symlink
        leading out (one lstat per folder; only the root and symlinks are resolved)."""
        known = self._folders_inside.get(folder)
        if known is None:
            assert self.root is not None
            if folder == ".":
                known = self._resolves_inside(str(self.root))
            elif not self._folder_inside(posixpath.dirname(folder) or "."):
                known = False
            else:
                full = os.path.join(str(self.root), folder)
                try:
                    link = stat.S_ISLNK(os.lstat(full).st_mode)
                except (OSError, ValueError):
                    link = False
                known = self._resolves_inside(full) if link else True
            self._folders_inside[folder] = known
        return bool(known)

    def _resolves_inside(self, full: str) -> bool:
        real_root = self._folders_inside.get("")
        try:
            if real_root is None:
                real_root = self._folders_inside[""] = os.path.realpath(str(self.root))
            real = os.path.realpath(full)
        except (OSError, RuntimeError, ValueError):
            return False
        assert isinstance(real_root, str)
        return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)

    def exists(self, rel: str) -> bool:
        """Whether ``rel`` is in the context: present, included, inside the root. A source
        with glob characters (``*.go``, ``cmd/*``) exists when it matches something, as a
        COPY source does."""
        if _GLOB.search(rel):
            return bool(self.glob(rel, limit=1))
        return self._answer("exists", rel, os.path.lexists)

    def is_dir(self, rel: str) -> bool:
        return self._answer("is_dir", rel, os.path.isdir)

    def is_file(self, rel: str) -> bool:
        return self._answer("is_file", rel, os.path.isfile)

    def _answer(self, question: str, rel: str, test: Callable[[str], bool]) -> bool:
        """``test`` of the path of ``rel`` (False when it is not in the context), asked once."""
        known = self._answers.get((question, rel))
        if known is None:
            full = self._abs(rel)
            known = self._answers[question, rel] = full is not None and test(full)
        return known

    def listdir(self, rel: str = ".") -> list[tuple[str, bool]]:
        """(name, is a folder) of the included entries of a folder, sorted; [] when it
        cannot be read. Symlinked folders count as files (COPY copies the link)."""
        full = self._abs(rel)
        if full is None:
            return []
        base = _normal(rel) or "."
        out = []
        links = []
        try:
            with os.scandir(full) as it:
                for entry in it:
                    child = entry.name if base == "." else f"{base}/{entry.name}"
                    if self.ignore and self.ignore.excluded(child):
                        continue
                    try:
                        is_dir = entry.is_dir(follow_symlinks=False)
                        if entry.is_symlink():
                            links.append(entry.name)
                    except OSError:
                        continue
                    out.append((entry.name, is_dir))
        except OSError:
            return []
        self._links[base] = frozenset(links)
        return sorted(out)

    def read_listed(self, folder: str, name: str, limit: int = READ_LIMIT) -> bytes | None:
        """``read_bytes`` of an entry a ``listdir(folder)`` returned: the listing already
        said it is included and whether it is a symlink, so a plain file is opened as it is."""
        links = self._links.get(folder)
        if links is None or name in links or self.root is None or not self._folder_inside(folder):
            return self.read_bytes(name if folder == "." else f"{folder}/{name}", limit)
        full = os.path.join(str(self.root), name) if folder == "." else os.path.join(str(self.root), folder, name)
        try:
            fd = os.open(full, os.O_RDONLY)
        except OSError:
            return None
        return _read(fd, limit)

    def read_bytes(self, rel: str, limit: int = READ_LIMIT) -> bytes | None:
        """The first ``limit`` bytes of an included file, or None."""
        full = self._abs(rel, check_link=False)
        if full is None:
            return None
        try:
            # O_NOFOLLOW: a symlink fails to open here, and is then resolved and checked
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            full = self._abs(rel)
            if full is None:
                return None
            try:
                fd = os.open(full, os.O_RDONLY)
            except OSError:
                return None
        return _read(fd, limit)

    def walk(self, under: str = ".", *, limit: int = WALK_LIMIT, skip_dir: Callable[[str], bool] | None = None) -> Walk:
        """Included files under a folder, breadth first, looking at no more than ``limit``
        entries. Symlinked folders are not entered; ``skip_dir(rel)`` prunes folders."""
        files: list[str] = []
        seen = 0
        for rel, entries in self._folders(under, skip_dir):
            for name, is_dir in entries:
                seen += 1
                if seen > limit:
                    return Walk(tuple(files), True)
                if not is_dir:
                    files.append(name if rel == "." else f"{rel}/{name}")
        return Walk(tuple(files), False)

    def glob(self, pattern: str, *, limit: int = 1000) -> list[str]:
        """Context paths matching a COPY-style pattern (Go's filepath.Match per segment)."""
        norm = _normal(pattern)
        if norm is None:
            return []
        found = ["."]
        for segment in norm.split("/"):
            nxt: list[str] = []
            for base in found:
                if not _GLOB.search(segment):
                    child = segment if base == "." else f"{base}/{segment}"
                    full = self._abs(child)
                    if full is not None and os.path.lexists(full):
                        nxt.append(child)
                    continue
                matcher = _segment_matcher(segment)
                for name, _ in self.listdir(base):
                    if matcher(name):
                        nxt.append(name if base == "." else f"{base}/{name}")
                if len(nxt) >= limit:
                    break
            found = nxt[:limit]
            if not found:
                return []
        return found

    def _folders(self, under: str, skip_dir) -> Iterator[tuple[str, list[tuple[str, bool]]]]:
        start = _normal(under)
        if start is None or self._abs(start) is None:
            return
        queue = deque([start])
        while queue:
            rel = queue.popleft()
            entries = self.listdir(rel) if not (self.ignore and self._pruned(rel)) else []
            yield rel, entries
            for name, is_dir in entries:
                if is_dir:
                    child = name if rel == "." else f"{rel}/{name}"
                    if skip_dir is None or not skip_dir(child):
                        queue.append(child)

    def _pruned(self, rel: str) -> bool:
        return rel != "." and self.ignore.excluded(rel) and not self.ignore.may_include_below(rel)


def _read(fd: int, limit: int) -> bytes | None:
    """Up to ``limit`` bytes of an open file, which it closes; None when it cannot be read.

    One ``os.read`` the size of the file: a buffered file object costs more than the read
    of a small source file, and reading ``limit`` bytes would allocate them for every file
    however small (fresh pages in a long batch)."""
    try:
        size = os.fstat(fd).st_size
        return os.read(fd, size + 1 if size < limit else limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def _segment_matcher(segment: str) -> Callable[[str], bool]:
    try:
        kind, regex = _translate(segment)
    except PatternError:
        return lambda name: False
    return Pattern(segment, False, kind, regex).match


def _normal(rel: str) -> str | None:
    """A context-relative path in clean form, or None when it leaves the context."""
    rel = rel.replace("\\", "/")
    norm = posixpath.normpath(rel.lstrip("/") or ".")
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


def no_context(source: ContextSource, warnings: tuple[str, ...] = (), dockerfile: Path | None = None) -> BuildContext:
    return BuildContext(None, source, dockerfile, DockerIgnore(), warnings)
