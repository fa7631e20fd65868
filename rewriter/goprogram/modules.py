"""go.mod and go.sum: the module's path and Go release, its local replacements, and the
modules its build can reach, which tell cgo use when no ``go list`` is at hand."""

from __future__ import annotations

import re

from rewriter.goprogram.model import CGO_WHY, Finding
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

_MODULE = re.compile(r'^\s*module\s+"?([^\s"]+)"?', re.M)
_GO_LINE = re.compile(r"^\s*go\s+(\d+(?:\.\d+)*\S*)", re.M)
_TOOLCHAIN = re.compile(r"^\s*toolchain\s+go(\d+(?:\.\d+)*\S*)", re.M)
_LOCAL_REPLACE = re.compile(
    r"^\s*(?:replace\s+)?(?P<old>[^\s(]+)(?:\s+v\S+)?\s*=>\s*(?P<new>\.\.?(?:/\S*)?)\s*(?://.*)?$", re.M
)
_REQUIRE_BLOCK = re.compile(r"^\s*require\s*\((?P<body>.*?)^\s*\)", re.M | re.S)
_REQUIRE_LINE = re.compile(r"^\s*require\s+(?P<path>[^\s(]+)\s+v\S+(?P<indirect>\s*//\s*indirect\b)?", re.M)
_REQUIRE_ITEM = re.compile(r"^\s*(?P<path>[^\s/]+/?\S*)\s+v\S+(?P<indirect>[ \t]*//[ \t]*indirect\b)?", re.M)
_SUM_LINE = re.compile(r"^(?P<path>\S+)\s+(?P<version>v\S+?)(?P<gomod>/go\.mod)?\s+h1:", re.M)
# Go 1.17 and later list in go.mod every module that provides a package to the build
# (indirect ones marked "// indirect"); before, only go.sum names them all.
_PRUNED_FROM = (1, 17)


class GoMod(Record):
    _fields: ClassVar[tuple[str, ...]] = ("path", "go_version", "go_line", "replaces", "requires")

    path: Final[str | None]
    go_version: Final[str | None]  # `toolchain` (a release) when present, else `go`
    go_line: Final[str | None]
    replaces: Final[tuple[tuple[str, str], ...]]  # (module path, local dir relative to go.mod's folder)
    requires: Final[tuple[tuple[str, int, bool], ...]]  # (module path, line, marked // indirect)

    def __init__(
        self,
        path: str | None,
        go_version: str | None,
        go_line: str | None,
        replaces: tuple[tuple[str, str], ...],
        requires: tuple[tuple[str, int, bool], ...],
    ) -> None:
        self.path = path
        self.go_version = go_version
        self.go_line = go_line
        self.replaces = replaces
        self.requires = requires


def parse_go_mod(text: str) -> GoMod:
    requires: list[tuple[str, int, bool]] = []
    for block in _REQUIRE_BLOCK.finditer(text):
        for item in _REQUIRE_ITEM.finditer(text, block.start("body"), block.end("body")):
            requires.append(
                (
                    item.group("path").strip('"'),
                    text.count("\n", 0, item.start("path")) + 1,
                    item.group("indirect") is not None,
                )
            )
    for m in _REQUIRE_LINE.finditer(text):
        requires.append(
            (m.group("path").strip('"'), text.count("\n", 0, m.start("path")) + 1, m.group("indirect") is not None)
        )
    go_line = _first(_GO_LINE, text)
    return GoMod(
        path=_first(_MODULE, text),
        go_version=_first(_TOOLCHAIN, text) or go_line,
        go_line=go_line,
        replaces=tuple((m.group("old"), m.group("new")) for m in _LOCAL_REPLACE.finditer(text)),
        requires=tuple(sorted(requires, key=lambda r: r[1])),
    )


def sum_modules(text: str) -> list[tuple[str, int]]:
    """(module path, line) of the modules whose code go.sum holds (not only their go.mod)."""
    seen: dict[str, int] = {}
    for m in _SUM_LINE.finditer(text):
        if m.group("gomod") is None:
            seen.setdefault(m.group("path"), text.count("\n", 0, m.start()) + 1)
    return sorted(seen.items(), key=lambda kv: kv[1])


def cgo_module(module: str) -> str | None:
    """The KNOWN_CGO_IMPORTS entry a required module is (or is a major version of), if any.

    Entries that name a package inside a larger module (gopacket/pcap) do not match the
    module: requiring gopacket says nothing about pcap."""
    for entry, _ in CGO_WHY.items():
        if module == entry or module.startswith(entry + "/") or (entry.endswith("/") and module.startswith(entry)):
            return entry
    return None


def reachable_cgo(mod: GoMod, go_mod_path: str, go_sum: str | None, go_sum_path: str) -> list[Finding]:
    """Known cgo modules the build may compile through other modules, from go.mod's
    ``// indirect`` requirements (Go 1.17+) or, for older modules, go.sum.

    Direct requirements are left to the import scan, which sees whether the packages built
    import them. An over-approximation all the same: an indirect module may serve only
    another package or a test. The message says so, and that ``go list`` knows exactly."""
    pruned = _version(mod.go_line) >= _PRUNED_FROM
    if pruned or go_sum is None:
        listed = [(path, line) for path, line, indirect in mod.requires if indirect or not pruned]
        where = go_mod_path
    else:
        listed, where = sum_modules(go_sum), go_sum_path
    found = []
    for module, line in listed:
        entry = cgo_module(module)
        if entry is None:
            continue
        found.append(
            Finding(
                where,
                line,
                f"{where.rsplit('/', 1)[-1]} lists {module}: needs cgo, {CGO_WHY[entry]} (the build may reach it "
                "through another module; with `go` on PATH goslim asks `go list` for the exact answer)",
            )
        )
    return found


def _version(line: str | None) -> tuple[int, int]:
    if not line:
        return (0, 0)
    parts = re.findall(r"\d+", line)
    return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)


def _first(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None
