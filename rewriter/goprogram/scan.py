"""Read one Go file: package clause, imports, ``//go:embed`` lines and the calls that matter
once the binary runs from scratch (files opened, zones loaded, the environment read).

Regular expressions compiled once, no Go parser and no type checker: both readers (the
static one and the ``go list`` adapter) hand each file they chose to ``scan``, so they
judge a file the same way.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re

from rewriter.goprogram import constraints, reach
from rewriter.goprogram.model import CGO_WHY, TLS, Finding, RuntimeFile
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

_TEMPLATES = ("html/template", "text/template")
_WEB_FRAMEWORKS = ("github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/gofiber/fiber")

# Time zone names Go resolves without a zoneinfo database.
_BUILTIN_ZONES = frozenset({"", "UTC", "Local"})
_TZ_VARIABLES = frozenset({"TZ", "ZONEINFO"})

_TRIVIA = r"(?:\s|;|//[^\n]*|/\*.*?\*/)*+"
_PACKAGE = re.compile(_TRIVIA + r"package\s+(?P<name>\w+)", re.S)
_IMPORT_DECL = re.compile(
    _TRIVIA
    + r"import\s*(?:\((?P<group>(?:[^)\"`/]+|\"[^\"\n]*\"|`[^`]*`|//[^\n]*|/\*.*?\*/|/)*+)\)"
    + r"|(?P<single>(?:(?:\w+|\.)\s*)?(?:\"[^\"\n]*\"|`[^`]*`)))",
    re.S,
)
_IMPORT_SPEC = re.compile(r"//[^\n]*|/\*.*?\*/|(?:(?P<alias>\w+|\.)\s*)?(?P<path>\"[^\"\n]*\"|`[^`]*`)", re.S)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(\s*\)", re.M)
_EMBED = re.compile(r"^//go:embed[ \t]+([^\n]*)", re.M)
_EMBED_PATTERN = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`([^`]*)`|(\S+)')
_CALL = re.compile(
    r"\.[ \t]*(?P<name>ReadFile|OpenFile|Open|ReadDir|DirFS|Dir|ServeFile|ParseFiles|ParseGlob"
    r"|LoadHTMLFiles|LoadHTMLGlob|StaticFile|Static|Overload|Load|LoadLocationFromTZData"
    r"|LoadLocation|Getenv|LookupEnv|Setenv|CommandContext|Command|LookPath)[ \t]*\("
)
_QUALIFIER = re.compile(r"(\w+)[ \t]*\Z")
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`([^`]*)`')
_ESCAPE = re.compile(r"\\(.)")
_JOIN = re.compile(r"(?:filepath|path)\s*\.\s*Join\s*\(")
_SPACE = re.compile(r"\s+")
_GLOB_META = re.compile(r"[*?\[\\]")
_GOPKG_VERSION = re.compile(r"\.v\d+$")
_VERSION_ELEMENT = re.compile(r"v(?:[2-9]|[1-9]\d+)\d*")
_ARG_WINDOW = 4000  # characters scanned for the arguments of one call
_DETAIL_MAX = 120  # a call quoted in a Finding is cut to this many characters


class _Reader(Record):
    """A call that reads paths from disk, and how to tell it is that call."""

    _fields: ClassVar[tuple[str, ...]] = ("packages", "receivers", "args", "glob", "default")

    packages: Final[tuple[str, ...]]  # import paths the qualifier may name
    receivers: Final[tuple[str, ...]]  # imports that make a method call on a value plausible
    args: Final[slice]  # which arguments are paths
    glob: Final[bool]
    default: Final[str | None]  # the path read when no argument is given

    def __init__(
        self,
        packages: tuple[str, ...],
        receivers: tuple[str, ...],
        args: slice,
        glob: bool = False,
        default: str | None = None,
    ) -> None:
        self.packages = packages
        self.receivers = receivers
        self.args = args
        self.glob = glob
        self.default = default


_FIRST, _SECOND, _THIRD, _ALL = slice(0, 1), slice(1, 2), slice(2, 3), slice(0, None)
_READERS = {
    "ReadFile": _Reader(("os", "io/ioutil"), (), _FIRST),
    "Open": _Reader(("os",), (), _FIRST),
    "OpenFile": _Reader(("os",), (), _FIRST),
    "ReadDir": _Reader(("os", "io/ioutil"), (), _FIRST),
    "DirFS": _Reader(("os",), (), _FIRST),
    "Dir": _Reader(("net/http",), (), _FIRST),
    "ServeFile": _Reader(("net/http",), (), _THIRD),
    "ParseFiles": _Reader(_TEMPLATES, _TEMPLATES, _ALL),
    "ParseGlob": _Reader(_TEMPLATES, _TEMPLATES, _FIRST, glob=True),
    "LoadHTMLFiles": _Reader((), _WEB_FRAMEWORKS, _ALL),
    "LoadHTMLGlob": _Reader((), _WEB_FRAMEWORKS, _FIRST, glob=True),
    "Static": _Reader((), _WEB_FRAMEWORKS, _SECOND),
    "StaticFile": _Reader((), _WEB_FRAMEWORKS, _SECOND),
    "Load": _Reader(("github.com/joho/godotenv",), (), _ALL, default=".env"),
    "Overload": _Reader(("github.com/joho/godotenv",), (), _ALL, default=".env"),
}
_TZ_LOADERS = frozenset({"LoadLocation", "LoadLocationFromTZData"})
# os/exec calls and which argument names the program they start.
_RUNNERS = {"Command": 0, "LookPath": 0, "CommandContext": 1}
_ENV_CALLS = frozenset({"Getenv", "LookupEnv", "Setenv"})


class Read(Record):
    _fields: ClassVar[tuple[str, ...]] = ("literal", "glob", "where")

    literal: str  # as written in the call
    glob: bool
    where: Finding

    def __init__(self, literal: str, glob: bool, where: Finding) -> None:
        self.literal = literal
        self.glob = glob
        self.where = where


class Program(Record):
    """An os/exec call (Command, CommandContext, LookPath) and the program it starts."""

    _fields: ClassVar[tuple[str, ...]] = ("name", "where")

    name: Final[str | None]  # the literal program name or path; None when the code computes it
    where: Final[Finding]

    def __init__(self, name: str | None, where: Finding) -> None:
        self.name = name
        self.where = where


class SourceFile(Record):
    """What one source file contributes; built by reading it once."""

    _fields: ClassVar[tuple[str, ...]] = (
        "path",
        "dir",
        "package",
        "func_main",
        "imports",
        "cgo",
        "timezones",
        "exec",
        "tzdata",
        "tls",
        "reads",
        "embeds",
        "cgo_files",
        "import_lines",
        "literals",
        "writes",
        "programs",
        "code",
    )

    path: str
    dir: str
    package: str
    func_main: bool
    imports: list[str]
    cgo: list[Finding]
    timezones: list[Finding]
    exec: list[Finding]
    tzdata: bool
    tls: bool
    reads: list[Read]
    embeds: list[str]  # patterns relative to the context root
    cgo_files: bool  # has import "C" (cgo findings name it)
    import_lines: dict[str, int]  # import path -> line of its first import
    literals: list[reach.Literal]  # every string it holds
    writes: list[reach.PendingWrite]
    programs: list[Program]  # os/exec calls, with the program when literal
    code: str  # the text with comments, strings and runes blanked

    def __init__(self, path: str, dir: str, package: str) -> None:
        """An empty account of the file; ``scan`` fills it in as it reads."""
        self.path = path
        self.dir = dir
        self.package = package
        self.func_main = False
        self.imports = []
        self.cgo = []
        self.timezones = []
        self.exec = []
        self.tzdata = False
        self.tls = False
        self.reads = []
        self.embeds = []
        self.cgo_files = False
        self.import_lines = {}
        self.literals = []
        self.writes = []
        self.programs = []
        self.code = ""

    @functools.cached_property
    def constants(self) -> dict[str, str]:
        """Names set to a string: worked out only for the packages that write somewhere."""
        return reach.constants(self.code)


def scan(
    data: bytes, rel_dir: str, name: str, tags: frozenset[str] = frozenset(), constrained: bool = True
) -> SourceFile | None:
    """Read one file's text: None when it is not Go a Linux build compiles (no package
    clause, or build constraints that leave it out). ``constrained=False`` for a file the
    build names on its command line: Go compiles it whatever its constraints say."""
    path = name if rel_dir == "." else f"{rel_dir}/{name}"
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    head = _PACKAGE.match(text)
    if head is None or (constrained and constraints.excluded(text[: head.start("name")], tags)):
        return None
    f = SourceFile(path=path, dir=rel_dir, package=head.group("name"))

    aliases: dict[str, str] = {}
    pos = head.end()
    while (decl := _IMPORT_DECL.match(text, pos)) is not None:
        pos = decl.end()
        group = "group" if decl.group("group") is not None else "single"
        for spec in _IMPORT_SPEC.finditer(text, decl.start(group), decl.end(group)):
            if spec.group("path") is None:
                continue
            imported = spec.group("path")[1:-1]
            line = text.count("\n", 0, spec.start("path")) + 1
            alias = spec.group("alias")
            if alias not in ("_", "."):
                aliases[alias or default_name(imported)] = imported
            f.imports.append(imported)
            f.import_lines.setdefault(imported, line)
            _classify_import(f, imported, line)

    if f.package == "main":
        f.func_main = _FUNC_MAIN.search(text, pos) is not None
    if "//go:embed" in text:
        for m in _EMBED.finditer(text, pos):
            for p in _EMBED_PATTERN.finditer(m.group(1)):
                pattern = _unquote(p) if p.group(3) is None else p.group(3)
                pattern = pattern.removeprefix("all:")
                f.embeds.append(posixpath.normpath(posixpath.join(rel_dir, pattern)))
    import_set = set(f.imports)
    for call in _CALL.finditer(text, pos):
        _classify_call(f, text, call, aliases, import_set)
    f.literals, f.code = reach.strings_in(text, pos, path)
    if not import_set.isdisjoint(reach.WRITERS):  # code that imports none of them writes nothing
        f.writes = reach.writes(f.code, path, aliases, import_set)
    return f


def _classify_import(f: SourceFile, imported: str, line: int) -> None:
    if imported == "C":
        f.cgo_files = True
        f.cgo.append(Finding(f.path, line, 'import "C"'))
    elif imported == "os/exec":
        f.exec.append(Finding(f.path, line, 'import "os/exec"'))
    elif imported == "time/tzdata":
        f.tzdata = True
    cgo_why, tls = _import_class(imported)
    if cgo_why is not None:
        f.cgo.append(Finding(f.path, line, cgo_why))
    if tls:
        f.tls = True


@functools.lru_cache(maxsize=8192)
def _import_class(imported: str) -> tuple[str | None, bool]:
    """(why importing it needs cgo, whether it makes TLS calls) of one import path: a batch
    meets the same few hundred imports in every service."""
    known = prefix_of(imported, CGO_WHY) if imported not in ("C", "os/exec", "time/tzdata") else None
    why = f'import "{imported}": needs cgo, {CGO_WHY[known]}' if known else None
    return why, bool(prefix_of(imported, TLS))


def _classify_call(f: SourceFile, text: str, call: re.Match, aliases: dict[str, str], import_set: set[str]) -> None:
    start = call.start()
    line_start = text.rfind("\n", 0, start) + 1
    if "//" in text[line_start:start]:
        return
    qual_match = _QUALIFIER.search(text, max(line_start, start - 64), start)
    qual = qual_match.group(1) if qual_match else None
    if qual_match:
        start = qual_match.start()
    package = aliases.get(qual) if qual else None
    name = call.group("name")
    args, end = _split_args(text, call.end())
    written = _SPACE.sub(" ", text[start:end]).strip()
    if len(written) > _DETAIL_MAX:
        written = written[: _DETAIL_MAX - 1] + "…"
    finding = Finding(f.path, text.count("\n", 0, start) + 1, written)

    if name in _RUNNERS:
        if package == "os/exec":
            at = _RUNNERS[name]
            program = args[at] if len(args) > at else None
            f.programs.append(Program(program or None, finding))
    elif name in _TZ_LOADERS:
        if package == "time" and not (name == "LoadLocation" and args[:1] and args[0] in _BUILTIN_ZONES):
            f.timezones.append(finding)
    elif name in _ENV_CALLS:
        if package == "os" and args[:1] and args[0] in _TZ_VARIABLES:
            f.timezones.append(finding)
    else:
        reader = _READERS[name]
        on_value = package is None and any(prefix_of(i, reader.receivers) for i in import_set)
        if package not in reader.packages and not on_value:
            return
        paths = args[reader.args] if args else ([reader.default] if reader.default else [])
        f.reads.extend(Read(p, reader.glob, finding) for p in paths if p)


def _split_args(text: str, pos: int) -> tuple[list[str | None], int]:
    """Evaluate call arguments from just after "(": string literals (and filepath.Join of them)
    become their value, anything else None. Also returns the position after ")"."""
    args, end = reach.split_args(text, pos, _ARG_WINDOW)
    return [_value(arg) for arg in args], end


def _value(arg: str) -> str | None:
    arg = arg.strip()
    literal = _STRING.fullmatch(arg)
    if literal:
        return _unquote(literal)
    join = _JOIN.match(arg)
    if join:
        parts, end = _split_args(arg, join.end())
        strings = [p for p in parts if p is not None]
        if end == len(arg) and parts and len(strings) == len(parts):
            return posixpath.join(*strings)
    return None


def _unquote(m: re.Match) -> str:
    if m.group(1) is not None:
        return _ESCAPE.sub(r"\1", m.group(1))
    return m.group(2)


def runtime_files(exists, base: str, files: list[SourceFile]) -> tuple[RuntimeFile, ...]:
    """Turn literal paths into RuntimeFiles, dropping absolute ones and those //go:embed covers.

    Reading an embedded path from disk too is a development fallback: the embed is what ships.
    """
    embeds = [p.split("/") for f in files for p in f.embeds]
    found: dict[str, RuntimeFile] = {}
    for read in sorted((r for f in files for r in f.reads), key=lambda r: (r.where.path, r.where.line)):
        if read.literal.startswith("/"):
            continue
        written = posixpath.normpath(read.literal)
        in_context = posixpath.normpath(posixpath.join(base, written)).split("/")
        if any(embed_covers(e, in_context) for e in embeds):
            continue
        path = _glob_dir(written) if read.glob else written
        if path not in found:
            found[path] = RuntimeFile(path, read.where, _exists(exists, posixpath.join(base, path)))
    return tuple(sorted(found.values(), key=lambda r: r.path))


def embed_covers(pattern: list[str], path: list[str]) -> bool:
    """Whether a //go:embed pattern names the path or a directory above it."""
    return len(pattern) <= len(path) and all(fnmatch.fnmatchcase(p, e) for p, e in zip(path, pattern, strict=False))


def _glob_dir(pattern: str) -> str:
    """The directory part of a glob before its first wildcard; the glob itself when it has none."""
    parts = pattern.split("/")
    for i, part in enumerate(parts):
        if _GLOB_META.search(part):
            return "/".join(parts[:i]) if i else pattern
    return pattern


def _exists(exists, rel: str) -> bool:
    rel = posixpath.normpath(rel)
    if rel == ".." or rel.startswith("../"):
        return False
    return exists(rel)


@functools.lru_cache(maxsize=8192)
def default_name(import_path: str) -> str:
    """The name a package is referred to by when imported without an alias, by convention."""
    parent, _, last = import_path.rpartition("/")
    if parent and _VERSION_ELEMENT.fullmatch(last):
        last = parent.rpartition("/")[2]
    return _GOPKG_VERSION.sub("", last)


def prefix_of(path: str, prefixes) -> str | None:
    """The entry of prefixes that is path or one of its parents ("a/b" for "a/b/c"), if any."""
    while path not in prefixes:
        path, slash, _ = path.rpartition("/")
        if not slash:
            return None
    return path
