"""Which Go files a Linux build compiles: ``//go:build`` lines and ``_GOOS``/``_GOARCH`` names.

The question asked is the rewrite's: does a ``CGO_ENABLED=0``, ``GOOS=linux`` build of any
common architecture compile this file? ``cgo`` is false (a file that needs it has a pure Go
twin, or the package fails to build, which the cgo check reports), release tags ``go1.N``
are true, ``ignore`` and other custom tags are false unless the build passes them in ``-tags``.
"""

from __future__ import annotations

import re

GOOS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd "
    "plan9 solaris wasip1 windows zos".split()
)
GOARCH = frozenset(
    "386 amd64 amd64p32 arm arm64 arm64be armbe loong64 mips mips64 mips64le mips64p32 "
    "mips64p32le mipsle ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm".split()
)
LINUX_ARCHES = ("amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64")
_UNIX = frozenset(
    {
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "linux",
        "netbsd",
        "openbsd",
        "solaris",
    }
)
# Patterns as text, compiled on first use (re caches them): most files have no constraints.
_GO_BUILD = r"(?m)^//go:build\s+(.*?)\s*$"
_PLUS_BUILD = r"(?m)^//\s*\+build\s+(.*?)\s*$"
_TOKEN = r"\s*(\(|\)|!|&&|\|\||[\w.-]+)"


def name_excluded(name: str) -> bool:
    """Whether ``name_GOOS.go`` / ``name_GOOS_GOARCH.go`` keeps the file out of a Linux build."""
    parts = name[: -len(".go")].split("_")
    if len(parts) >= 3 and parts[-1] in GOARCH and parts[-2] in GOOS:
        return parts[-2] not in ("linux",)
    return len(parts) >= 2 and parts[-1] in GOOS and parts[-1] != "linux"


def excluded(preamble: str, tags: frozenset[str] = frozenset()) -> bool:
    """Whether the build constraints in a file's preamble (the text before ``package``)
    leave it out of every Linux build with ``tags``."""
    if "build" not in preamble:  # most files have no constraint at all
        return False
    expressions = [m.group(1) for m in re.finditer(_GO_BUILD, preamble)]
    plus = [m.group(1) for m in re.finditer(_PLUS_BUILD, preamble)]
    if not expressions and not plus:
        return False
    return not any(_satisfied(expressions, plus, _tags_for(arch, tags)) for arch in LINUX_ARCHES)


def _tags_for(arch: str, extra: frozenset[str]) -> frozenset[str]:
    return frozenset({"linux", "unix", arch, "gc"}) | extra


def _satisfied(expressions: list[str], plus: list[str], tags: frozenset[str]) -> bool:
    if expressions:  # //go:build wins over // +build, as in Go 1.17 and later
        try:
            return _Parser(expressions[0], tags).parse()
        except ValueError:
            return True  # a line Go would reject: count the file in rather than guess it out
    # every // +build line must hold; within one, spaces are OR, commas AND
    return all(any(all(_term(t, tags) for t in group.split(",")) for group in line.split()) for line in plus)


def _term(term: str, tags: frozenset[str]) -> bool:
    if term.startswith("!"):
        return not _term(term[1:], tags)
    if term.startswith("go1."):
        return True
    return term in tags


class _Parser:
    """``//go:build`` expressions: ``||`` below ``&&`` below ``!``, with parentheses."""

    def __init__(self, text: str, tags: frozenset[str]) -> None:
        self.tokens = re.findall(_TOKEN, text)
        if "".join(self.tokens).replace(" ", "") != text.replace(" ", "").replace("\t", ""):
            raise ValueError(text)
        self.pos = 0
        self.tags = tags

    def parse(self) -> bool:
        value = self._or()
        if self.pos != len(self.tokens):
            raise ValueError("trailing tokens")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> bool:
        value = self._and()
        while self._peek() == "||":
            self.pos += 1
            right = self._and()
            value = value or right
        return value

    def _and(self) -> bool:
        value = self._not()
        while self._peek() == "&&":
            self.pos += 1
            right = self._not()
            value = value and right
        return value

    def _not(self) -> bool:
        token = self._peek()
        if token is None:
            raise ValueError("unexpected end")
        self.pos += 1
        if token == "!":
            return not self._not()
        if token == "(":
            value = self._or()
            if self._peek() != ")":
                raise ValueError("missing )")
            self.pos += 1
            return value
        if token in (")", "&&", "||"):
            raise ValueError(token)
        return _term(token, self.tags)
