"""What the Go reader answers: the findings the rewrite passes decide on, and where they are."""

from __future__ import annotations

from pathlib import Path

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

    from rewriter.context import BuildContext
    from rewriter.goprogram.reach import Literal, Write
    from rewriter.goprogram.scan import Program

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

CGO_WHY = {prefix.rstrip("/"): why for prefix, why in KNOWN_CGO_IMPORTS}
TLS = frozenset(TLS_IMPORTS)

STATIC = "static"
GO_LIST = "go list"


class Finding(Record):
    """One place in the sources behind a conclusion, so a diagnostic can point at it."""

    _fields: ClassVar[tuple[str, ...]] = ("path", "line", "detail")

    path: Final[str]  # relative to the context root, posix
    line: Final[int]  # 1-based
    detail: Final[str]  # the import or call as written

    def __init__(self, path: str, line: int, detail: str) -> None:
        self.path = path
        self.line = line
        self.detail = detail


class RuntimeFile(Record):
    """A file or directory the binary opens at run time: scratch has none unless it is copied in."""

    _fields: ClassVar[tuple[str, ...]] = ("path", "source", "exists")

    path: Final[str]  # as written in Go, normalised: relative to the process's working directory
    source: Final[Finding]
    exists: Final[bool]  # present in the context (and not dropped by .dockerignore), taken relative to build_dir

    def __init__(self, path: str, source: Finding, exists: bool) -> None:
        self.path = path
        self.source = source
        self.exists = exists


class MainChoice(Record):
    """Which main package a build produces and the binary name Go gives it, or why that is unclear."""

    _fields: ClassVar[tuple[str, ...]] = ("package", "binary_name", "candidates", "ambiguous", "reason")

    package: Final[str | None]  # dir of the main package, relative to the context root
    binary_name: Final[str | None]  # what go build / go install name it without -o
    candidates: Final[tuple[str, ...]]
    ambiguous: Final[bool]
    reason: Final[str]

    def __init__(
        self, package: str | None, binary_name: str | None, candidates: tuple[str, ...], ambiguous: bool, reason: str
    ) -> None:
        self.package = package
        self.binary_name = binary_name
        self.candidates = candidates
        self.ambiguous = ambiguous
        self.reason = reason


class GoProgram(Record):
    """What the Go sources the build compiles say the binary needs at run time.

    ``reader`` says who listed the packages: ``go list`` (exact) or the static reader
    (regular expressions over the files); ``reader_note`` says why the static reader was
    used when ``go list`` was asked for, or how far the static reader went.
    """

    _fields: ClassVar[tuple[str, ...]] = (
        "root",
        "module_path",
        "go_version",
        "has_go_sum",
        "has_vendor",
        "uses_cgo",
        "uses_timezones",
        "embeds_tzdata",
        "uses_exec",
        "uses_tls",
        "runtime_files",
        "module_dir",
        "scope",
        "reader",
        "reader_note",
        "context",
        "build_dir",
        "writes",
        "imports",
        "embeds",
        "programs",
        "unresolved",
    )

    root: Final[Path]
    module_path: Final[str | None]  # go.mod `module`
    go_version: Final[str | None]  # go.mod `toolchain` when present (it names a release), else `go`
    has_go_sum: Final[bool]
    has_vendor: Final[bool]  # vendor/modules.txt beside go.mod
    uses_cgo: Final[tuple[Finding, ...]]
    uses_timezones: Final[tuple[Finding, ...]]
    embeds_tzdata: Final[bool]  # imports time/tzdata: zone lookups need nothing from the image
    uses_exec: Final[tuple[Finding, ...]]  # imports os/exec: scratch has no programs to run
    uses_tls: Final[bool]  # imports something from TLS_IMPORTS: CA certificates needed
    runtime_files: Final[tuple[RuntimeFile, ...]]  # read by literal relative path, less what //go:embed covers
    module_dir: Final[str | None]  # dir of the go.mod governing build_dir, "." for the root
    scope: Final[tuple[str, ...]]  # package dirs the findings cover, sorted
    reader: Final[str]
    reader_note: Final[str | None]
    context: Final[BuildContext | None]
    build_dir: Final[str]  # where the build runs, relative to the root
    mains: Final[MainsIndex | None]
    # Every string the compiled packages hold (a path the program may name), first place first.
    literals: Final[tuple[Literal, ...]]
    writes: Final[tuple[Write, ...]]  # the places it writes, with their paths when spelled
    imports: Final[frozenset[str]]  # every import path of the compiled packages
    embeds: Final[tuple[str, ...]]  # //go:embed patterns, relative to the context root: in the binary
    programs: Final[tuple[Program, ...]]  # os/exec calls in the compiled files, literal program first known
    unresolved: Final[tuple[Finding, ...]]  # GOPATH-mode imports of local packages the context does not hold

    def __init__(
        self,
        root: Path,
        module_path: str | None,
        go_version: str | None,
        has_go_sum: bool,
        has_vendor: bool,
        uses_cgo: tuple[Finding, ...],
        uses_timezones: tuple[Finding, ...],
        embeds_tzdata: bool,
        uses_exec: tuple[Finding, ...],
        uses_tls: bool,
        runtime_files: tuple[RuntimeFile, ...],
        module_dir: str | None = None,
        scope: tuple[str, ...] = (),
        reader: str = STATIC,
        reader_note: str | None = None,
        context: BuildContext | None = None,
        build_dir: str = ".",
        mains: MainsIndex | None = None,
        literals: tuple[Literal, ...] = (),
        writes: tuple[Write, ...] = (),
        imports: frozenset[str] = frozenset(),
        embeds: tuple[str, ...] = (),
        programs: tuple[Program, ...] = (),
        unresolved: tuple[Finding, ...] = (),
    ) -> None:
        self.root = root
        self.module_path = module_path
        self.go_version = go_version
        self.has_go_sum = has_go_sum
        self.has_vendor = has_vendor
        self.uses_cgo = uses_cgo
        self.uses_timezones = uses_timezones
        self.embeds_tzdata = embeds_tzdata
        self.uses_exec = uses_exec
        self.uses_tls = uses_tls
        self.runtime_files = runtime_files
        self.module_dir = module_dir
        self.scope = scope
        self.reader = reader
        self.reader_note = reader_note
        self.context = context
        self.build_dir = build_dir
        self.mains = mains
        self.literals = literals
        self.writes = writes
        self.imports = imports
        self.embeds = embeds
        self.programs = programs
        self.unresolved = unresolved

    @property
    def main_packages(self) -> tuple[str, ...]:
        """Dirs of the module's `package main`s with `func main`, sorted (read on first use)."""
        return self.mains.all() if self.mains is not None else ()

    def mains_matching(self, pattern: str) -> list[str]:
        """Main packages a folder or a ``...`` pattern (relative to the root) names."""
        return self.mains.matching(pattern) if self.mains is not None else []

    def exists(self, rel: str) -> bool:
        """Whether a context path is in the build context (present and not .dockerignored)."""
        if self.context is not None:
            return self.context.exists(rel)
        return (self.root / rel).exists()


class MainsIndex:
    """Where main packages are, asked lazily: most builds name one folder, and only a
    pattern or an error message needs the module's whole list."""

    def all(self) -> tuple[str, ...]:
        raise NotImplementedError

    def matching(self, pattern: str) -> list[str]:
        raise NotImplementedError


# The name the passes and older callers know the result by.
GoContext = GoProgram
