"""What the runtime stage must receive, or must not lose: the questions several passes ask
of the facts, the plan and the Go sources together.

A check asks them to decide whether a rewrite can work at all, a fix to decide what to
add; keeping the answer here gives both the same one.
"""

from __future__ import annotations

import posixpath
import re

from rewriter import shell
from rewriter.analysis import GO_IMAGE, StageFacts, expand
from rewriter.plan import Plan
from rewriter.record import Record
from rewriter.syntax.nodes import Instruction

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, Final

# --- time zones ---------------------------------------------------------------------------


# Values of TZ that need no zone database.
_UTC = frozenset({"", "UTC", "UTC0", "Etc/UTC", "GMT", "Etc/GMT", ":UTC"})


def zone_setting(plan: Plan) -> str | None:
    """The zone the original image set for the process (``ENV TZ``), when it is not UTC."""
    stage = plan.runtime if plan.runtime is not None else plan.builder
    tz = stage.env.get("TZ")
    if tz is None or tz.strip() in _UTC:
        return None
    return tz.strip()


def tzdata_reason(go: Any, plan: Plan) -> str | None:
    """Why the runtime needs the time zone database, or None when it does not. ``go`` is
    the read build context (a GoContext) or None."""
    if go is not None and go.embeds_tzdata:
        return None
    zone = zone_setting(plan)
    if zone is not None:
        return f"the image sets TZ={zone}"
    if go is not None and go.uses_timezones:
        f = go.uses_timezones[0]
        return f"{f.path}:{f.line} loads time zones"
    if plan.runtime is None or GO_IMAGE.match(plan.runtime.base):
        if go is None:
            return "the Go image had /usr/share/zoneinfo and the sources were not checked"
        # time.Local follows TZ: `docker run -e TZ=Europe/Paris` worked against the Go image's zones
        return "the service ran in the Go image, whose zone database answers a TZ given at run time"
    # tzdata installed on purpose: the image honours TZ at run time (docker run -e TZ=...)
    for _ins, pkg in plan.runtime.packages:
        if pkg.split("=")[0] == "tzdata":
            return "the original image installed tzdata"
    return None


# --- RUN steps of a distribution final stage ----------------------------------------------

# mkdir, chown, ln and cp are not here: the folders, owners and links they make are state
# the service may use (a data dir it writes), and no copy from the builder brings them back.
# The one link goslim does bring back is the zone /etc/localtime names (GS116).
# Patterns used by few files are compiled on first use (re caches them), not at every start.
REPLACEABLE_FINAL_RUN: Final = (
    r"^(apk|apt-get|apt|yum|dnf|microdnf|update-ca-certificates|adduser|addgroup|useradd|groupadd|"
    r"chmod|rm|echo|true|set)$"
)
REPLACEABLE_PACKAGES: Final = r"^(ca-certificates|tzdata)([=<>].*)?$"
PACKAGE_VERBS: Final = frozenset({"add", "install", "update", "upgrade", "clean", "-y", "--no-cache", "--update"})


def final_run_problem(ins: Instruction) -> str | None:
    """Why a RUN in the final stage cannot be dropped, or None when goslim replaces what it
    does (certificates, time zones, a user) with copies from the builder."""
    if ins.is_json or ins.heredocs:
        return ins.args_text[:80]
    for command in shell.split_commands(ins.arguments.value):
        words = [w.value for w in command.argv]
        if not words:
            continue
        if _zone_link(words) is not None:
            continue
        if not re.match(REPLACEABLE_FINAL_RUN, words[0]):
            return " ".join(words)[:80]
        if words[0] in ("apk", "apt-get", "apt", "yum", "dnf", "microdnf"):
            pkgs = [w for w in words[1:] if w not in PACKAGE_VERBS and not w.startswith("-")]
            extra = [p for p in pkgs if not re.match(REPLACEABLE_PACKAGES, p)]
            if extra:
                return f"installs {', '.join(extra)}"
    return None


ZONEINFO: Final = "/usr/share/zoneinfo/"
LOCALTIME: Final = "/etc/localtime"


def _zone_link(words: list[str]) -> str | None:
    """The zone of ``ln -s[f] /usr/share/zoneinfo/ZONE /etc/localtime`` or ``cp ZONEFILE
    /etc/localtime``: the command that sets the local time of an image."""
    if words[0] not in ("ln", "cp"):
        return None
    args = [w for w in words[1:] if not w.startswith("-")]
    if len(args) != 2 or args[1] != LOCALTIME or not args[0].startswith(ZONEINFO):
        return None
    zone = args[0][len(ZONEINFO) :]
    return zone if zone and ".." not in zone.split("/") else None


class LocalZone(Record):
    """The zone a RUN sets as the image's local time, and how: ``copied`` when ``cp`` made
    /etc/localtime a file of its own, rather than ``ln`` a link to the zone database."""

    _fields: ClassVar[tuple[str, ...]] = ("zone", "instruction", "copied")

    zone: Final[str]
    instruction: Final[Instruction]
    copied: Final[bool]

    def __init__(self, zone: str, instruction: Instruction, copied: bool) -> None:
        self.zone = zone
        self.instruction = instruction
        self.copied = copied


def localtime_zone(stages: list[StageFacts]) -> LocalZone | None:
    """The zone a RUN of these stages (the stage the service runs in and those it is built
    FROM) sets /etc/localtime to; None when none does."""
    found: LocalZone | None = None
    for stage in reversed(stages):
        for ins in stage.stage.instructions:
            if ins.name != "RUN" or ins.is_json or ins.heredocs:
                continue
            for command in shell.split_commands(ins.arguments.value):
                words = [w.value for w in command.argv]
                zone = _zone_link(words) if words else None
                if zone is not None:
                    found = LocalZone(zone, ins, words[0] == "cp")
    return found


# --- files read at run time ---------------------------------------------------------------


class Carried(Record):
    """A path of the original image the runtime must hold (the same path in the builder),
    and why: what names it."""

    _fields: ClassVar[tuple[str, ...]] = ("path", "why")

    path: Final[str]
    why: Final[str]

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why


DATA_SUFFIXES: Final = (
    ".json",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".conf",
    ".cfg",
    ".env",
    ".properties",
    ".xml",
    ".html",
    ".htm",
    ".tmpl",
    ".tpl",
    ".gohtml",
    ".css",
    ".js",
    ".txt",
    ".md",
    ".sql",
    ".csv",
    ".png",
    ".jpg",
    ".svg",
    ".ico",
    ".crt",
    ".pem",
)
DATA_DIRS: Final = (  # compiled on first use
    r"^(templates?|static|public|assets|web|www|ui|views|migrations|config|configs|conf|locales?|i18n|"
    r"resources|data|schema|schemas|sql|docs|html|dist|frontend/dist)/?$"
)
# Files a service does not read at run time, and folders it does not serve.
_NOT_RUNTIME: Final = frozenset(
    {
        "go.mod",
        "go.sum",
        "go.work",
        "go.work.sum",
        "vendor",
        "Makefile",
        ".git",
        "Dockerfile",
        ".dockerignore",
        "node_modules",
    }
)
_GO_FILES: Final = (".go", "/go.mod", "/go.sum")
_DOTENV_READERS: Final = ("github.com/joho/godotenv", "github.com/subosito/gotenv")
_CONFIG_READERS: Final = ("github.com/spf13/viper", "github.com/knadh/koanf")
_CONFIG_EXTENSIONS: Final = ("yaml", "yml", "json", "toml", "env", "ini", "hcl", "properties")
_CONFIG_NAME: Final = re.compile(r"[A-Za-z][\w.-]{0,39}")
_NOT_A_PATH: Final = re.compile(r"://|[\s%$<>|\\\x00]|\{\{|^-")
_GLOB: Final = re.compile(r"[*?\[]")
_WALK_LIMIT: Final = 2000


def is_data_source(src: str) -> bool:
    name = src.rstrip("/").lstrip("./")
    if not name or name in (".", "*"):
        return False
    if name.endswith(".go") or posixpath.basename(name) in ("go.mod", "go.sum", "vendor", "Makefile"):
        return False
    return name.endswith(DATA_SUFFIXES) or bool(re.match(DATA_DIRS, name))


def copied_by_name(stage_facts: StageFacts) -> list[Carried]:
    """Without the build context: data the Dockerfile copies in by a name that says so
    (config.yaml, templates/). A folder destination is carried whole, whatever its
    sources turn out to be: ``COPY data /app/data/`` may hold a file or a folder's contents."""
    out: list[Carried] = []
    for workdir, sources, dest in stage_facts.local_copies:
        data = [s for s in sources if is_data_source(s) or (_GLOB.search(s) and is_data_source(s.split("*")[0]))]
        if not data or len(data) != len(sources):
            continue
        dest_x = expand(dest, stage_facts.env)
        if dest_x is None or (not dest_x.startswith("/") and workdir is None):
            continue
        dest_abs = posixpath.normpath(posixpath.join(workdir or "/", dest_x))
        into = dest.endswith("/") or len(sources) > 1 or dest in (".", "./")
        why = f"copied in by COPY {' '.join(sources)} {dest}"
        for src in data:
            name = src.rstrip("/")
            if into and not _GLOB.search(src) and posixpath.splitext(name)[1] and not src.endswith("/"):
                out.append(Carried(posixpath.join(dest_abs, posixpath.basename(name)), why))
            elif into and dest in (".", "./"):
                out.append(Carried(posixpath.join(dest_abs, posixpath.basename(name.split("*")[0].rstrip("/"))), why))
            else:
                out.append(Carried(dest_abs, why))
    return out


def runtime_files(go: Any, stage: StageFacts, plan: Plan, image: Any, context: Any) -> list[Carried]:
    """Every path the service can name that the original image got from its build context
    (or made while building): the runtime stage must hold it at the same path.

    What names a path: the arguments of CMD/ENTRYPOINT, ENV values, every string in the
    compiled Go packages (fields, flag defaults, constants, joined literals), and the
    defaults of well-known config readers (godotenv's .env, viper's config names). A
    relative path is taken from the folder the binary runs in. Go sources, go.mod, folders
    of Go packages and files ``//go:embed`` puts in the binary are left out."""
    workdir = stage.workdir or "/"
    fs = image.stage(stage.index)
    candidates: list[tuple[str, str]] = []
    argv = plan.entry.argv or ()
    for arg in argv[1:]:
        candidates.append((arg.split("=", 1)[1] if arg.startswith("-") and "=" in arg else arg, "named in the command"))
    for key, value in stage.env.items():
        if key in _TOOLCHAIN_SETTINGS:
            continue
        for part in [value] if "://" in value else re.split(r"[:,;]", value):  # a URL is no list of paths
            candidates.append((part, f"ENV {key}"))
    if go is not None:
        for literal in go.literals:
            candidates.append((literal.value, f"named in {literal.where.path}:{literal.where.line}"))
        if any(_imports(go, reader) for reader in _DOTENV_READERS):
            candidates.append((".env", "godotenv's default file"))
        if any(_imports(go, reader) for reader in _CONFIG_READERS):
            names = [lit.value for lit in go.literals if _CONFIG_NAME.fullmatch(lit.value)]
            for name in dict.fromkeys(names):
                for extension in _CONFIG_EXTENSIONS:
                    candidates.append((f"{name}.{extension}", f"a config file named {name!r} for viper"))
    embeds = [e.split("/") for e in (go.embeds if go is not None else ())]
    roots = [root for root in stage.env.get("GOPATH", "/go").split(":") if root]
    workspace = {posixpath.normpath(posixpath.join(root, part)) for root in roots for part in ("", "src", "pkg", "bin")}
    found: dict[str, Carried] = {}
    for value, why in candidates:
        path = _image_path(value, workdir)
        if path is None or path in found or path == plan.binary or path in workspace:
            continue  # not Go's workspace either: it holds sources and builds, not what the service reads
        if path == workdir or path == "/" or workdir.startswith(path.rstrip("/") + "/"):
            continue  # the folder it runs in, or one above: that is the whole build
        where = fs.lookup(path)
        if not where.exists or where.origin.name not in ("CONTEXT", "RUN", "BUILD"):
            continue
        if where.source is not None and not _runtime_data(where.source, where.is_dir, context, embeds):
            continue
        found[path] = Carried(path, why)
    kept = sorted(found)
    return [found[p] for p in kept if not any(p.startswith(q.rstrip("/") + "/") for q in kept if q != p)]


# ENV the go command and the shell read, naming the toolchain's folders (`go help environment`).
_TOOLCHAIN_SETTINGS: Final = frozenset(
    {
        "PATH",
        "GOPATH",
        "GOROOT",
        "GOBIN",
        "GOCACHE",
        "GOMODCACHE",
        "GOENV",
        "GOFLAGS",
        "GOTMPDIR",
        "GOTOOLDIR",
        "GOTOOLCHAIN",
        "GOWORK",
        "GOCOVERDIR",
        "GOTELEMETRYDIR",
        "GOPROXY",
        "GOSUMDB",
        "GOPRIVATE",
        "GONOPROXY",
        "GONOSUMDB",
        "GOINSECURE",
        "GO111MODULE",
        "CGO_ENABLED",
        "GOOS",
        "GOARCH",
    }
)


def _imports(go: Any, prefix: str) -> bool:
    return any(i == prefix or i.startswith(prefix + "/") for i in go.imports)


def _image_path(value: str, workdir: str) -> str | None:
    """The absolute path a string names in the image, or None when it is no path."""
    value = value.strip()
    if not value or len(value) > 200 or _NOT_A_PATH.search(value):
        return None
    if _GLOB.search(value):  # a glob names the folder it reads
        parts = value.split("/")
        cut = next(i for i, part in enumerate(parts) if _GLOB.search(part))
        if cut == 0 or (cut == 1 and value.startswith("/")):
            return None
        value = "/".join(parts[:cut])
    path = posixpath.normpath(posixpath.join(workdir, value))
    return "/" + path.lstrip("/") if path.startswith("/") else None  # normpath keeps a leading //


def _runtime_data(source: str, is_dir: bool, context: Any, embeds: list[list[str]]) -> bool:
    """Whether a context path is something a service reads at run time: not Go code,
    not build files, not compiled into the binary."""
    from rewriter.goprogram.scan import embed_covers

    name = posixpath.basename(source)
    if name in _NOT_RUNTIME or name.endswith(".go") or source in (".", ""):
        return False
    if any(embed_covers(e, source.split("/")) for e in embeds):
        return False
    if is_dir and context is not None:
        walk = context.walk(source, limit=_WALK_LIMIT)
        if not walk.truncated and all(f.endswith(_GO_FILES) or f.endswith(".go") for f in walk.files):
            return False  # a Go package (or nothing at all)
    return True


# --- places the service writes ------------------------------------------------------------


class Writable(Record):
    """A folder the runtime user must be able to write, and why; ``seeded`` when the
    original image held it (with files the service may read), so it is copied whole."""

    _fields: ClassVar[tuple[str, ...]] = ("path", "why", "seeded")

    path: Final[str]
    why: Final[str]
    seeded: Final[bool]

    def __init__(self, path: str, why: str, seeded: bool) -> None:
        self.path = path
        self.why = why
        self.seeded = seeded


# Folders a container gets from its runtime, or that need no owner: nothing to prepare.
_PROVIDED: Final = ("/tmp", "/dev", "/proc", "/sys", "/run/secrets", "/var/run/secrets")


def _made_by_run(stage: StageFacts, fs: Any) -> list[str]:
    """The folders the stage's RUN lines make with mkdir that still hold nothing of the build
    context or the Go build: where the original, running as root, could write. Go's
    workspace and toolchain folders, and the folder the binary is built into, are left out."""
    roots = [r for r in stage.env.get("GOPATH", "/go").split(":") if r]
    workspace = {posixpath.normpath(posixpath.join(r, p)) for r in roots for p in ("", "src", "pkg", "bin")}
    trees = [posixpath.normpath(posixpath.join(r, p)) for r in roots for p in ("src", "pkg")]
    trees.append(stage.env.get("GOROOT", "/usr/local/go"))
    built = [f for layer in fs.layers if getattr(layer, "origin", None) == "BUILD" for f in getattr(layer, "files", ())]
    out: list[str] = []
    for layer in fs.layers:
        if getattr(layer, "origin", None) != "RUN" or getattr(layer, "filled", True):
            continue
        for path in getattr(layer, "dirs", ()):
            if path == "/" or path in workspace or any(path.startswith(t + "/") for t in trees):
                continue
            if any(f.startswith(path + "/") for f in built):
                continue  # the binary's own folder stays the builder's
            found = fs.lookup(path)
            if found.is_dir and found.origin == "RUN" and path not in out:
                out.append(path)
    for path in _opened_to_all(stage):
        if path != "/" and path not in out and fs.lookup(path).presence.name != "NO":
            out.append(path)
    return out


# chmod modes that let every user write: 777, 0666, o+w, a+rwx, +w... (compiled on first use)
_WORLD_WRITABLE: Final = r"^[0-7]?[0-7]{2}[2367]$|(?:^|,)(?:a|[ug]*o[ug]*)?\+[rwxXst]*w"


def _opened_to_all(stage: StageFacts) -> list[str]:
    """Folders a RUN line makes writable for everyone (``chmod 777 DIR``): the original's
    service wrote there, whoever it ran as."""
    out: list[str] = []
    for ins in stage.stage.instructions:
        if ins.name != "RUN" or ins.is_json or ins.heredocs:
            continue
        for command in shell.split_commands(ins.arguments.value):
            words = [w.value for w in command.argv]
            if len(words) < 3 or posixpath.basename(words[0]) != "chmod":
                continue
            args = [w for w in words[1:] if not w.startswith("-") or re.search(_WORLD_WRITABLE, w)]
            if args and re.search(_WORLD_WRITABLE, args[0]):
                for target in args[1:]:
                    value = expand(target, stage.env)
                    if value is not None and value.startswith("/") and not _GLOB.search(value):
                        out.append(posixpath.normpath(value))
    return out


def writable_places(go: Any, stage: StageFacts, image: Any, volumes: list[str]) -> tuple[list[Writable], list[Any]]:
    """The folders the service writes (files it creates, folders it makes, databases,
    declared VOLUMEs), and the writes whose path the code does not spell (their Findings)."""
    workdir = stage.workdir or "/"
    fs = image.stage(stage.index)
    wanted: dict[str, str] = {}
    unknown: list[Any] = []
    for write in go.writes if go is not None else ():
        if write.path is None:
            unknown.append(write.where)
            continue
        if write.kind == "temp" and write.path == "":
            continue  # the system's temporary folder
        path = posixpath.normpath(posixpath.join(workdir, write.path.removeprefix("file:")))
        folder = path if write.kind in ("dir", "temp") else posixpath.dirname(path)
        wanted.setdefault(folder, f"{write.where.path}:{write.where.line} writes there")
    if go is None:  # without the sources, the empty folders the build made for the service (logs, data)
        for path in _made_by_run(stage, fs):
            wanted.setdefault(path, "the build made it with mkdir")
    for volume in volumes:
        wanted.setdefault(posixpath.normpath(posixpath.join(workdir, volume)), "a VOLUME")
    out: list[Writable] = []
    kept = sorted(p for p in wanted if not any(p == q or p.startswith(q + "/") for q in _PROVIDED))
    for path in kept:
        if any(path.startswith(q.rstrip("/") + "/") for q in kept if q != path):
            continue  # a folder above it is writable already
        found = fs.lookup(path)
        # The folder it runs in holds the whole build: it is made anew, not copied.
        seeded = found.is_dir and found.origin.name in ("CONTEXT", "RUN", "BUILD") and path != workdir
        out.append(Writable(path, wanted[path], seeded))
    return out, unknown
