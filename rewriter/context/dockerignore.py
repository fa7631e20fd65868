"""``.dockerignore`` the way Docker reads it: what a build context leaves out of the image.

Docker's rules are not git's, so ``pathspec``'s gitignore matching does not fit: a pattern
is matched against the whole path from the context root (``*.md`` is only the root's
Markdown files, ``foo`` only the root's ``foo``), ``*`` and ``?`` never cross ``/`` (Go's
``filepath.Match``), ``**`` crosses any number of folders, the last matching line wins,
``!`` re-includes, and a pattern that matches a folder also matches everything under it
while a later ``!`` line can still bring one of its children back. This module follows
moby/patternmatcher (``MatchesOrParentMatches``) and ``ignorefile.ReadAll`` line for line.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

_EXACT, _PREFIX, _SUFFIX, _REGEX = range(4)
_ESCAPED = frozenset(".+()|{}$")
_BOM = "\ufeff"


class PatternError(ValueError):
    """A line Docker rejects (the build fails on it): a bad glob, or a lone ``!``."""


class Pattern(Record):
    _fields: ClassVar[tuple[str, ...]] = ("text", "exclusion", "kind", "regex")

    text: Final[str]  # cleaned, without the leading "!"
    exclusion: Final[bool]  # a "!" line: re-includes what it matches
    kind: Final[int]
    regex: Final[re.Pattern[str] | None]

    def __init__(self, text: str, exclusion: bool, kind: int, regex: re.Pattern[str] | None) -> None:
        self.text = text
        self.exclusion = exclusion
        self.kind = kind
        self.regex = regex

    def match(self, path: str) -> bool:
        kind = self.kind
        if kind == _EXACT:
            return path == self.text
        if kind == _PREFIX:
            return path.startswith(self.text[:-2])
        if kind == _SUFFIX:
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        assert self.regex is not None
        return self.regex.fullmatch(path) is not None


def compile_pattern(line: str) -> Pattern:
    """One pattern as patternmatcher.New takes it (already trimmed of comments)."""
    text = _clean(line.strip())
    exclusion = text.startswith("!")
    if exclusion:
        if len(text) == 1:
            raise PatternError('illegal exclusion pattern: "!"')
        text = text[1:]
    _check_glob(text)
    kind, regex = _translate(text)
    return Pattern(text, exclusion, kind, regex)


def _translate(pattern: str) -> tuple[int, re.Pattern[str] | None]:
    out: list[str] = []
    kind = _EXACT
    i, n, step = 0, len(pattern), 0
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i == n:
                    if kind == _EXACT:
                        kind = _PREFIX
                    else:
                        out.append(".*")
                        kind = _REGEX
                else:
                    out.append("(?:.*/)?")
                    kind = _REGEX
                if step == 0:
                    kind = _SUFFIX
            else:
                out.append("[^/]*")
                kind = _REGEX
        elif ch == "?":
            out.append("[^/]")
            kind = _REGEX
        elif ch in _ESCAPED:
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append("\\" + pattern[i])  # as Go does: "\\d" is a digit class there too
                i += 1
                kind = _REGEX
            else:
                out.append("\\\\")
        elif ch in "[]":
            out.append(ch)
            kind = _REGEX
        else:
            out.append(ch)
        step += 1
    if kind != _REGEX:
        return kind, None
    try:
        return kind, re.compile("".join(out))
    except re.error as exc:
        raise PatternError(f"bad pattern {pattern!r}: {exc}") from None


def _check_glob(pattern: str) -> None:
    """Reject what Go's filepath.Match calls ErrBadPattern: an unclosed or malformed class,
    a trailing backslash."""
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if i + 1 == n:
                raise PatternError(f"bad pattern {pattern!r}: trailing backslash")
            i += 2
            continue
        if ch == "[":
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            first = True
            while True:
                if i >= n:
                    raise PatternError(f"bad pattern {pattern!r}: unclosed [")
                if pattern[i] == "]" and not first:
                    break
                lo, i = _class_char(pattern, i)
                if i < n and pattern[i] == "-":
                    _, i = _class_char(pattern, i + 1)
                first = False
            i += 1
            continue
        i += 1


def _class_char(pattern: str, i: int) -> tuple[str, int]:
    n = len(pattern)
    if i >= n or pattern[i] in "-]":
        raise PatternError(f"bad pattern {pattern!r}: bad character class")
    if pattern[i] == "\\":
        if i + 1 >= n:
            raise PatternError(f"bad pattern {pattern!r}: trailing backslash")
        return pattern[i + 1], i + 2
    return pattern[i], i + 1


def _clean(pattern: str) -> str:
    """Go's filepath.Clean, which Docker applies to every pattern."""
    if not pattern:
        return pattern
    return posixpath.normpath(pattern).replace("//", "/") if pattern not in (".",) else "."


class DockerIgnore:
    """The patterns of one ``.dockerignore``; ``excluded(path)`` answers for a context path."""

    def __init__(self, patterns: Iterable[Pattern] = (), source: str | None = None) -> None:
        self.patterns = tuple(patterns)
        self.source = source  # the file the patterns came from, for messages
        self.has_exceptions = any(p.exclusion for p in self.patterns)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    @classmethod
    def parse(cls, text: str, source: str | None = None) -> tuple[DockerIgnore, list[str]]:
        """Read a .dockerignore's text; also returns a message per line Docker would reject
        (those lines are left out here)."""
        patterns: list[Pattern] = []
        problems: list[str] = []
        for number, raw in enumerate(text.removeprefix(_BOM).splitlines(), 1):
            if raw.startswith("#"):
                continue
            line = raw.strip()
            if not line:
                continue
            invert = line.startswith("!")
            if invert:
                line = line[1:].strip()
            if line:
                line = _clean(line)
                if len(line) > 1 and line.startswith("/"):
                    line = line[1:]
            try:
                patterns.append(compile_pattern(("!" if invert else "") + line))
            except PatternError as exc:
                where = f"{source}:{number}: " if source else f"line {number}: "
                problems.append(where + str(exc))
        return cls(patterns, source), problems

    def excluded(self, path: str) -> bool:
        """Whether Docker leaves ``path`` (relative to the context root, ``/``-separated)
        out of the context: moby's MatchesOrParentMatches."""
        if not self.patterns:
            return False
        path = posixpath.normpath(path)
        if path == ".":
            return False
        parent = posixpath.dirname(path)
        parents: list[str] = []
        if parent:
            parts = parent.split("/")
            parents = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        matched = False
        for pattern in self.patterns:
            if pattern.exclusion != matched:
                continue
            hit = pattern.match(path) or any(pattern.match(p) for p in parents)
            if hit:
                matched = not pattern.exclusion
        return matched

    def may_include_below(self, folder: str) -> bool:
        """Whether something under an excluded ``folder`` can still be re-included by a
        ``!`` line: when not, a walk can skip the folder whole."""
        if not self.has_exceptions:
            return False
        parts = folder.split("/")
        for pattern in self.patterns:
            if pattern.exclusion and _prefix_may_match(pattern.text.split("/"), parts):
                return True
        return False


def _prefix_may_match(pattern: list[str], folder: list[str]) -> bool:
    """Whether a pattern's leading segments can match the folder's (or a parent's)."""
    for seg, name in zip(pattern, folder, strict=False):
        if "**" in seg:
            return True
        try:
            kind, regex = _translate(seg)
        except PatternError:
            return False
        if not Pattern(seg, False, kind, regex).match(name):
            return False
    return True


def read_dockerignore(context_root: str, dockerfile: str | None = None) -> tuple[DockerIgnore, list[str]]:
    """The ignore rules of a build: ``<Dockerfile>.dockerignore`` beside the Dockerfile when
    it exists (BuildKit prefers it), else ``.dockerignore`` at the context root."""
    candidates = []
    if dockerfile:
        candidates.append(dockerfile + ".dockerignore")
    candidates.append(os.path.join(context_root, ".dockerignore"))
    for path in candidates:
        try:
            with open(path, "rb") as handle:
                data = handle.read(1 << 20)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return DockerIgnore(), [f"{path}: cannot read: {exc.strerror or exc}"]
        return DockerIgnore.parse(data.decode("utf-8", errors="replace"), path)
    return DockerIgnore(), []
