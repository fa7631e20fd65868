"""Read the Go sources beside a Dockerfile: what the built binary needs once it runs from scratch.

A Dockerfile cannot say whether the service links C code, loads time zones, reads templates
from disk or what ``go build`` names its binary; the rewrite passes ask ``analyze_context``.
It reads package clauses, imports, ``//go:embed`` lines and a few call sites with regexes
compiled once: no Go parser, no type checker, and nothing is written.

Findings cover the packages the build compiles: the chosen main package(s) and the packages
of the context they import, transitively. When the build target cannot be told, every
package in the context is read, so a doubt shows up as a finding rather than a broken image.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

# Import paths (or prefixes ending in "/") whose packages only build with cgo. A path
# matches when it equals an entry or continues it with "/", so ".../confluent-kafka-go"
# covers "/v2/kafka" too. Not listed on purpose: github.com/shirou/gopsutil, which is pure
# Go on Linux, and drivers such as lib/pq or go-sql-driver/mysql.
KNOWN_CGO_IMPORTS: tuple[tuple[str, str], ...] = (
    ("github.com/mattn/go-sqlite3", "links SQLite's C library; modernc.org/sqlite is pure Go"),
    ("github.com/confluentinc/confluent-kafka-go", "wraps librdkafka; github.com/twmb/franz-go is pure Go"),
    ("gopkg.in/confluentinc/confluent-kafka-go.v1", "wraps librdkafka; github.com/twmb/franz-go is pure Go"),
    ("github.com/google/gopacket/pcap", "links libpcap"),
    ("github.com/DataDog/zstd", "compiles zstd's C sources; github.com/klauspost/compress/zstd is pure Go"),
    ("github.com/valyala/gozstd", "compiles zstd's C sources; github.com/klauspost/compress/zstd is pure Go"),
    ("github.com/go-gl/", "binds OpenGL/GLFW"),
    ("gocv.io/x/gocv", "links OpenCV"),
    ("github.com/mattn/go-oci8", "links Oracle's OCI client"),
    ("github.com/godror/godror", "links Oracle's ODPI-C"),
    ("github.com/tecbot/gorocksdb", "links RocksDB"),
    ("github.com/linxGnu/grocksdb", "links RocksDB"),
    ("github.com/h2non/bimg", "links libvips"),
    ("github.com/davidbyttow/govips", "links libvips"),
    ("github.com/libgit2/git2go", "links libgit2"),
    ("github.com/google/brotli/go/cbrotli", "links the brotli C library"),
    ("github.com/ibmdb/go_ibm_db", "links IBM's DB2 CLI driver"),
)

# Imports that make outbound TLS likely, so the image needs CA certificates. Same matching
# as KNOWN_CGO_IMPORTS. net/http is here because most services that import it also call out.
TLS_IMPORTS: tuple[str, ...] = (
    "crypto/tls",
    "crypto/x509",
    "net/http",
    "net/smtp",
    "google.golang.org/grpc",
    "google.golang.org/api",
    "cloud.google.com/go",
    "github.com/aws/aws-sdk-go",
    "github.com/aws/aws-sdk-go-v2",
    "github.com/Azure/azure-sdk-for-go",
    "golang.org/x/oauth2",
    "go.mongodb.org/mongo-driver",
    "github.com/jackc/pgx",
    "github.com/lib/pq",
    "github.com/go-sql-driver/mysql",
    "github.com/redis/go-redis",
    "github.com/go-redis/redis",
    "github.com/segmentio/kafka-go",
    "github.com/twmb/franz-go",
    "github.com/nats-io/nats.go",
    "github.com/minio/minio-go",
    "github.com/go-resty/resty",
)

_CGO_WHY = {prefix.rstrip("/"): why for prefix, why in KNOWN_CGO_IMPORTS}
_TLS = frozenset(TLS_IMPORTS)
_TEMPLATES = ("html/template", "text/template")
_WEB_FRAMEWORKS = ("github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/gofiber/fiber")

# Directories the go tool never treats as packages of the build, plus node_modules, which
# never holds Go and can be huge.
_SKIP_DIRS = frozenset({"vendor", "testdata", "node_modules"})

_GOOS = frozenset(
    "aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd "
    "plan9 solaris wasip1 windows zos".split()
)
_GOARCH = frozenset(
    "386 amd64 arm arm64 loong64 mips mips64 mips64le mipsle ppc64 ppc64le riscv64 s390x "
    "wasm".split()
)
# Single-term build constraints a CGO_ENABLED=0 Linux build without extra tags leaves out.
_NEVER_BUILT = (_GOOS - {"linux"}) | {"ignore", "tools", "cgo", "!linux"}

# Time zone names Go resolves without a zoneinfo database.
_BUILTIN_ZONES = frozenset({"", "UTC", "Local"})
_TZ_VARIABLES = frozenset({"TZ", "ZONEINFO"})

_TRIVIA = r"(?:\s|;|//[^\n]*|/\*.*?\*/)*+"
_PACKAGE = re.compile(_TRIVIA + r"package\s+(?P<name>\w+)", re.S)
_CONSTRAINT = re.compile(r"^//(?:go:build|\s*\+build)\s+(.*?)\s*$", re.M)
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
    r"|LoadLocation|Getenv|LookupEnv|Setenv)[ \t]*\("
)
_QUALIFIER = re.compile(r"(\w+)[ \t]*\Z")
_ARG_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|[()\[\]{},]|[^"`()\[\]{},]+')
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|`([^`]*)`')
_ESCAPE = re.compile(r"\\(.)")
_JOIN = re.compile(r"(?:filepath|path)\s*\.\s*Join\s*\(")
_SPACE = re.compile(r"\s+")
_MODULE = re.compile(r'^\s*module\s+"?([^\s"]+)"?', re.M)
_GO_LINE = re.compile(r"^\s*go\s+(\d+(?:\.\d+)*\S*)", re.M)
_TOOLCHAIN = re.compile(r"^\s*toolchain\s+go(\d+(?:\.\d+)*\S*)", re.M)
_LOCAL_REPLACE = re.compile(
    r"^\s*(?:replace\s+)?(?P<old>[^\s(]+)(?:\s+v\S+)?\s*=>\s*(?P<new>\.\.?(?:/\S*)?)\s*(?://.*)?$", re.M
)
_VERSION_ELEMENT = re.compile(r"v(?:[2-9]|[1-9]\d+)\d*")
_GLOB_META = re.compile(r"[*?\[\\]")
_GOPKG_VERSION = re.compile(r"\.v\d+$")
_ARG_WINDOW = 4000  # characters scanned for the arguments of one call
_DETAIL_MAX = 120  # a call quoted in a Finding is cut to this many characters


@dataclass(frozen=True)
class Finding:
    """One place in the sources behind a conclusion, so a diagnostic can point at it."""

    path: str    # relative to the context root, posix
    line: int    # 1-based
    detail: str  # the import or call as written


@dataclass(frozen=True)
class RuntimeFile:
    """A file or directory the binary opens at run time: scratch has none unless it is copied in."""

    path: str        # as written in Go, normalised: relative to the process's working directory
    source: Finding
    exists: bool     # present in the context, taken relative to build_dir


@dataclass(frozen=True)
class GoContext:
    """What the Go sources say the binary needs at run time, beyond the binary itself."""

    root: Path
    module_path: str | None           # go.mod `module`
    go_version: str | None            # go.mod `toolchain` when present (it names a release), else `go`
    has_go_sum: bool
    has_vendor: bool                  # vendor/modules.txt beside go.mod
    main_packages: tuple[str, ...]    # dirs of the module's `package main` with `func main`, sorted
    uses_cgo: tuple[Finding, ...]
    uses_timezones: tuple[Finding, ...]
    embeds_tzdata: bool               # imports time/tzdata: zone lookups need nothing from the image
    uses_exec: tuple[Finding, ...]    # imports os/exec: scratch has no programs to run
    uses_tls: bool                    # imports something from TLS_IMPORTS: CA certificates needed
    runtime_files: tuple[RuntimeFile, ...]  # read by literal relative path, less what //go:embed covers
    module_dir: str | None = None     # dir of the go.mod governing build_dir, "." for the root
    scope: tuple[str, ...] = ()       # package dirs the findings cover, sorted


@dataclass(frozen=True)
class MainChoice:
    """Which main package a build produces and the binary name Go gives it, or why that is unclear."""

    package: str | None        # dir of the main package, relative to the context root
    binary_name: str | None    # what go build / go install name it without -o
    candidates: tuple[str, ...]
    ambiguous: bool
    reason: str


class _Reader(NamedTuple):
    """A call that reads paths from disk, and how to tell it is that call."""

    packages: tuple[str, ...]    # import paths the qualifier may name
    receivers: tuple[str, ...]   # imports that make a method call on a value plausible
    args: slice                  # which arguments are paths
    glob: bool = False
    default: str | None = None   # the path read when no argument is given


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
_ENV_CALLS = frozenset({"Getenv", "LookupEnv", "Setenv"})


@dataclass
class _Read:
    literal: str   # as written in the call
    glob: bool
    where: Finding


@dataclass
class _File:
    """What one source file contributes; built by reading it once."""

    path: str
    dir: str
    package: str
    func_main: bool = False
    imports: list[str] = field(default_factory=list)
    cgo: list[Finding] = field(default_factory=list)
    timezones: list[Finding] = field(default_factory=list)
    exec: list[Finding] = field(default_factory=list)
    tzdata: bool = False
    tls: bool = False
    reads: list[_Read] = field(default_factory=list)
    embeds: list[str] = field(default_factory=list)  # patterns relative to the context root


def analyze_context(
    root: str | os.PathLike, *, build_dir: str = ".", package: str | None = None
) -> GoContext | None:
    """Read the build context; None when it holds neither go.mod nor Go files.

    ``build_dir`` is where the Dockerfile's ``go build`` runs, relative to the context root
    (WORKDIR mapped back through COPY); ``package`` is its package argument, None when it
    has none. Both choose the packages the findings cover.
    """
    root = Path(root)
    if not root.is_dir():
        return None
    base = _clean_dir(build_dir)
    sources, mod_dirs = _walk(root)
    if not sources and not mod_dirs:
        return None

    module_dir = _governing_module(base, mod_dirs)
    gomod = _read_text(root / module_dir / "go.mod") if module_dir is not None else ""
    module_path = _first(_MODULE, gomod)
    files = [f for f in (_scan(root, d, name) for d, name in sources) if f is not None]
    packages: dict[str, list[_File]] = defaultdict(list)
    for f in files:
        packages[f.dir].append(f)

    mains = tuple(sorted(
        d for d, fs in packages.items()
        if _governing_module(d, mod_dirs) == module_dir and any(f.package == "main" and f.func_main for f in fs)
    ))
    ctx = GoContext(
        root=root,
        module_path=module_path,
        go_version=_first(_TOOLCHAIN, gomod) or _first(_GO_LINE, gomod),
        has_go_sum=module_dir is not None and (root / module_dir / "go.sum").is_file(),
        has_vendor=module_dir is not None and (root / module_dir / "vendor" / "modules.txt").is_file(),
        main_packages=mains,
        uses_cgo=(),
        uses_timezones=(),
        embeds_tzdata=False,
        uses_exec=(),
        uses_tls=False,
        runtime_files=(),
        module_dir=module_dir,
    )

    choice = resolve_main(ctx, package, base)
    targets = (choice.package,) if choice.package else choice.candidates if choice.ambiguous else ()
    if targets:
        local = _local_modules(root, mod_dirs, module_dir, gomod)
        scope = _closure(targets, packages, local)
    else:
        scope = set(packages)
    scoped = [f for d in sorted(scope) for f in packages.get(d, ())]

    return replace(
        ctx,
        uses_cgo=_sorted(f for s in scoped for f in s.cgo),
        uses_timezones=_sorted(f for s in scoped for f in s.timezones),
        embeds_tzdata=any(s.tzdata for s in scoped),
        uses_exec=_sorted(f for s in scoped for f in s.exec),
        uses_tls=any(s.tls for s in scoped),
        runtime_files=_runtime_files(root, base, scoped),
        scope=tuple(sorted(d for d in scope if d in packages)),
    )


def resolve_main(ctx: GoContext, package: str | None, build_dir: str = ".") -> MainChoice:
    """Tell which main package ``go build [package]`` in ``build_dir`` produces and its binary name.

    ``package`` may be a dir ("./cmd/api", or "cmd/api" as in [tool.goslim] main_package),
    a pattern ("./...", "./cmd/..."), an import path of the module, several of those
    separated by spaces, or .go files. None means no argument: Go builds build_dir.
    """
    base = _clean_dir(build_dir)
    args = package.split() if package else []
    mains = ctx.main_packages

    if args and all(a.endswith(".go") for a in args):
        first = _clean_dir(posixpath.join(base, args[0]))
        pkg = posixpath.dirname(first) or "."
        stem = posixpath.basename(first)[: -len(".go")]
        return MainChoice(pkg, stem, (pkg,), False, f"go build {args[0]} names the binary after that file")

    if args:
        what = " ".join(args)
        found: set[str] = set()
        for arg in args:
            target = _package_dir(ctx, arg, base)
            found.update(m for m in mains if _matches(target, m))
    else:
        what = f"go build without a package in {base}"
        found = {base} if base in mains else {m for m in mains if _under(m, base)}

    chosen = tuple(sorted(found))
    if len(chosen) == 1:
        pkg = chosen[0]
        name = _binary_name(ctx, pkg)
        reason = f"{what} builds the main package in {pkg}"
        if name is None:
            reason += "; go.mod names no module, so the binary is named after the directory inside the image"
        return MainChoice(pkg, name, chosen, False, reason)
    if not chosen:
        reason = f"{what} matches no main package"
        if mains:
            reason += f"; main packages in the context: {', '.join(mains)}"
        return MainChoice(None, None, mains, False, reason)
    return MainChoice(
        None,
        None,
        chosen,
        True,
        f"{what} matches {len(chosen)} main packages: {', '.join(chosen)}; pick the one the image "
        f'runs: set main_package = "{chosen[0]}" in [tool.goslim]',
    )


def _walk(root: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """List (dir, name) of the Go files the go tool would consider, and the dirs holding go.mod.

    Symlinked directories are not followed, as the go tool does not follow them either.
    """
    sources: list[tuple[str, str]] = []
    mod_dirs: list[str] = []
    stack = ["."]
    while stack:
        rel = stack.pop()
        try:
            with os.scandir(root if rel == "." else root / rel) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name[0] not in "._" and name not in _SKIP_DIRS:
                        stack.append(_join(rel, name))
                elif name == "go.mod":
                    mod_dirs.append(rel)
                elif (
                    name.endswith(".go")
                    and name[0] not in "._"
                    and not name.endswith("_test.go")
                    and not _other_os(name)
                    and (not entry.is_symlink() or _inside(root, entry.path))
                ):
                    sources.append((rel, name))
            except OSError:
                continue
    return sources, mod_dirs


def _scan(root: Path, rel_dir: str, name: str) -> _File | None:
    """Read one file: package clause, imports, embeds and the calls that matter at run time."""
    path = _join(rel_dir, name)
    try:
        text = (root / path).read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
    except OSError:
        return None
    head = _PACKAGE.match(text)
    if head is None or _never_built(text[: head.start("name")]):
        return None
    f = _File(path=path, dir=rel_dir, package=head.group("name"))

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
                aliases[alias or _default_name(imported)] = imported
            f.imports.append(imported)
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
    return f


def _classify_import(f: _File, imported: str, line: int) -> None:
    if imported == "C":
        f.cgo.append(Finding(f.path, line, 'import "C"'))
    elif imported == "os/exec":
        f.exec.append(Finding(f.path, line, 'import "os/exec"'))
    elif imported == "time/tzdata":
        f.tzdata = True
    else:
        known = _prefix_of(imported, _CGO_WHY)
        if known:
            f.cgo.append(Finding(f.path, line, f'import "{imported}": needs cgo, {_CGO_WHY[known]}'))
    if not f.tls and _prefix_of(imported, _TLS):
        f.tls = True


def _classify_call(f: _File, text: str, call: re.Match, aliases: dict[str, str], import_set: set[str]) -> None:
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

    if name in _TZ_LOADERS:
        if package == "time" and not (name == "LoadLocation" and args[:1] and args[0] in _BUILTIN_ZONES):
            f.timezones.append(finding)
    elif name in _ENV_CALLS:
        if package == "os" and args[:1] and args[0] in _TZ_VARIABLES:
            f.timezones.append(finding)
    else:
        reader = _READERS[name]
        on_value = package is None and any(_prefix_of(i, reader.receivers) for i in import_set)
        if package not in reader.packages and not on_value:
            return
        paths = args[reader.args] if args else ([reader.default] if reader.default else [])
        f.reads.extend(_Read(p, reader.glob, finding) for p in paths if p)


def _split_args(text: str, pos: int) -> tuple[list[str | None], int]:
    """Evaluate call arguments from just after "(": string literals (and filepath.Join of them)
    become their value, anything else None. Also returns the position after ")"."""
    args: list[str | None] = []
    depth, begin, limit = 0, pos, min(len(text), pos + _ARG_WINDOW)
    for tok in _ARG_TOKEN.finditer(text, pos, limit):
        t = tok.group()
        if t in "([{":
            depth += 1
        elif t in ")]}":
            if depth == 0:
                if text[begin : tok.start()].strip() or args:
                    args.append(_value(text[begin : tok.start()]))
                return args, tok.end()
            depth -= 1
        elif t == "," and depth == 0:
            args.append(_value(text[begin : tok.start()]))
            begin = tok.end()
    return args, limit


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


def _runtime_files(root: Path, base: str, files: list[_File]) -> tuple[RuntimeFile, ...]:
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
        if any(_embed_covers(e, in_context) for e in embeds):
            continue
        path = _glob_dir(written) if read.glob else written
        if path not in found:
            found[path] = RuntimeFile(path, read.where, _exists(root, posixpath.join(base, path)))
    return tuple(sorted(found.values(), key=lambda r: r.path))


def _embed_covers(pattern: list[str], path: list[str]) -> bool:
    """Whether a //go:embed pattern names the path or a directory above it."""
    return len(pattern) <= len(path) and all(fnmatch.fnmatchcase(p, e) for p, e in zip(path, pattern, strict=False))


def _glob_dir(pattern: str) -> str:
    """The directory part of a glob before its first wildcard; the glob itself when it has none."""
    parts = pattern.split("/")
    for i, part in enumerate(parts):
        if _GLOB_META.search(part):
            return "/".join(parts[:i]) if i else pattern
    return pattern


def _exists(root: Path, rel: str) -> bool:
    rel = posixpath.normpath(rel)
    if rel == ".." or rel.startswith("../"):
        return False
    try:
        if _GLOB_META.search(rel):
            return next(root.glob(rel), None) is not None
        return (root / rel).exists()
    except (OSError, ValueError):
        return False


def _closure(targets: tuple[str, ...], packages: dict[str, list[_File]], local: list[tuple[str, str]]) -> set[str]:
    """The target dirs plus every context dir their imports reach, transitively."""
    seen: set[str] = set()
    todo = list(targets)
    while todo:
        d = todo.pop()
        if d in seen:
            continue
        seen.add(d)
        for f in packages.get(d, ()):
            for imported in f.imports:
                for prefix, dir_ in local:
                    if imported == prefix or imported.startswith(prefix + "/"):
                        todo.append(posixpath.normpath(posixpath.join(dir_, imported[len(prefix) + 1 :])))
                        break
    return seen


def _local_modules(root: Path, mod_dirs: list[str], module_dir: str | None, gomod: str) -> list[tuple[str, str]]:
    """(import path prefix, dir) for every module in the context and each local replace, longest first."""
    local: dict[str, str] = {}
    for d in mod_dirs:
        path = _first(_MODULE, _read_text(root / d / "go.mod"))
        if path:
            local.setdefault(path, d)
    if module_dir is not None:
        for m in _LOCAL_REPLACE.finditer(gomod):
            target = posixpath.normpath(posixpath.join(module_dir, m.group("new")))
            if target != ".." and not target.startswith("../"):
                local[m.group("old")] = target
    return sorted(local.items(), key=lambda kv: len(kv[0]), reverse=True)


def _governing_module(d: str, mod_dirs: list[str]) -> str | None:
    """The nearest dir at or above d that holds a go.mod."""
    above = [m for m in mod_dirs if _under(d, m)]
    return max(above, key=lambda m: 0 if m == "." else m.count("/") + 1, default=None)


def _package_dir(ctx: GoContext, arg: str, base: str) -> str:
    """A go build argument as a dir (or pattern) relative to the context root."""
    module = ctx.module_path
    if module and (arg == module or arg.startswith(module + "/")):
        return _clean_dir(posixpath.join(ctx.module_dir or ".", arg[len(module) :].lstrip("/")))
    return _clean_dir(posixpath.join(base, arg))


def _matches(pattern: str, d: str) -> bool:
    """Go's package pattern match: "..." matches any string, and "x/..." matches x too."""
    if "..." not in pattern:
        return pattern == d
    if pattern == "...":
        return True
    if pattern.endswith("/...") and d == pattern[: -len("/...")]:
        return True
    return fnmatch.fnmatchcase(d, pattern.replace("...", "*"))


def _binary_name(ctx: GoContext, pkg: str) -> str | None:
    """Go's default executable name: the import path's last element, skipping a /vN major version."""
    if ctx.module_path is None:
        return None if pkg == "." else pkg.rsplit("/", 1)[-1]
    rel = posixpath.relpath(pkg, ctx.module_dir or ".")
    if rel.startswith(".."):
        return pkg.rsplit("/", 1)[-1]
    import_path = ctx.module_path if rel == "." else f"{ctx.module_path}/{rel}"
    parent, _, last = import_path.rpartition("/")
    if parent and _VERSION_ELEMENT.fullmatch(last):
        last = parent.rpartition("/")[2]
    return last


def _default_name(import_path: str) -> str:
    """The name a package is referred to by when imported without an alias, by convention."""
    parent, _, last = import_path.rpartition("/")
    if parent and _VERSION_ELEMENT.fullmatch(last):
        last = parent.rpartition("/")[2]
    return _GOPKG_VERSION.sub("", last)


def _never_built(preamble: str) -> bool:
    """Whether a //go:build line leaves the file out of a CGO_ENABLED=0 Linux build.

    Only single-term constraints are judged; anything more complex counts as built.
    """
    return any(m.group(1) in _NEVER_BUILT for m in _CONSTRAINT.finditer(preamble))


def _other_os(name: str) -> bool:
    """Whether a name_GOOS.go or name_GOOS_GOARCH.go suffix keeps the file out of a Linux build."""
    parts = name[: -len(".go")].split("_")
    if len(parts) >= 3 and parts[-1] in _GOARCH and parts[-2] in _GOOS:
        return parts[-2] != "linux"
    return len(parts) >= 2 and parts[-1] in _GOOS and parts[-1] != "linux"


def _prefix_of(path: str, prefixes) -> str | None:
    """The entry of prefixes that is path or one of its parents ("a/b" for "a/b/c"), if any."""
    while path not in prefixes:
        path, slash, _ = path.rpartition("/")
        if not slash:
            return None
    return path


def _inside(root: Path, path: str) -> bool:
    try:
        return Path(path).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _first(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(1) if m else None


def _sorted(findings) -> tuple[Finding, ...]:
    return tuple(sorted(set(findings), key=lambda f: (f.path, f.line, f.detail)))


def _clean_dir(d: str) -> str:
    """A dir relative to the context root in posix form, "." for the root itself."""
    d = posixpath.normpath(d.replace("\\", "/").lstrip("/") or ".")
    return "." if d == ".." or d.startswith("../") else d


def _under(d: str, parent: str) -> bool:
    return parent == "." or d == parent or d.startswith(parent + "/")


def _join(d: str, name: str) -> str:
    return name if d == "." else f"{d}/{name}"
