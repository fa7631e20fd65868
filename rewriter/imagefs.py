"""A model of each stage's file system: which paths exist, and where they came from.

Built from the Dockerfile and its build context, with Docker's COPY/ADD semantics in one
place: a folder source copies its contents, several sources or a trailing ``/`` make the
destination a folder (so does a destination that is already one), globs match in the
context, ``COPY --from`` reads another stage (relative sources from its root), WORKDIR
makes its folders, and a few RUN commands are read for what they create (``mkdir``,
``touch``, ``> FILE``, ``cp``, ``ln``, ``rm``, the Go build's output, certificates and
zone data from the package manager). What the model cannot tell is MAYBE, never a guess:
a RUN it does not read may create anything, an unknown base image may hold anything.

The rewrite asks it two questions: does a path exist in a stage (every ``COPY --from``
goslim writes is checked here), and did the original image get a path from the build
context (what the runtime stage must receive).
"""

from __future__ import annotations

import enum
import functools
import posixpath
import re
from collections.abc import Callable, Sequence

from rewriter import shell
from rewriter.analysis import DISTRO_IMAGE, GO_IMAGE, Facts, StageFacts, expand
from rewriter.record import Record
from rewriter.syntax.nodes import Instruction

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

    from rewriter.protocols import Context


class Presence(enum.Enum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


class Origin(str, enum.Enum):
    BASE = "base image"
    CONTEXT = "build context"
    BUILD = "go build"
    RUN = "RUN"
    WORKDIR = "WORKDIR"
    IMAGE = "another image"
    UNKNOWN = "unknown"


class Found(Record):
    """The answer for one path: whether it exists, a file or a folder (None: either), where
    it came from (``source`` is the context path for CONTEXT), and the instruction that
    put it there."""

    _fields: ClassVar[tuple[str, ...]] = ("presence", "kind", "origin", "source", "instruction")

    presence: Final[Presence]
    kind: Final[str | None]  # "file" or "dir"
    origin: Final[Origin]
    source: Final[str | None]
    instruction: Final[Instruction | None]

    def __init__(
        self,
        presence: Presence,
        kind: str | None = None,
        origin: Origin = Origin.UNKNOWN,
        source: str | None = None,
        instruction: Instruction | None = None,
    ) -> None:
        self.presence = presence
        self.kind = kind
        self.origin = origin
        self.source = source
        self.instruction = instruction

    @property
    def exists(self) -> bool:
        return self.presence is Presence.YES

    @property
    def is_dir(self) -> bool:
        return self.presence is Presence.YES and self.kind == "dir"


MISSING = Found(Presence.NO)
UNSURE = Found(Presence.MAYBE)

# --- base images ----------------------------------------------------------------------------

# Folders every distribution image has.
_DISTRO_DIRS = (
    "/bin",
    "/etc",
    "/home",
    "/root",
    "/sbin",
    "/srv",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/lib",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/usr/sbin",
    "/usr/share",
    "/var",
    "/var/lib",
    "/var/log",
    "/opt",
    "/mnt",
    "/run",
    "/lib",
)
_DISTRO_FILES = ("/etc/passwd", "/etc/group", "/bin/sh")
CERT_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
ZONEINFO = "/usr/share/zoneinfo"
GO_ZONEINFO_ZIP = "/usr/local/go/lib/time/zoneinfo.zip"
# Compiled on first use (re caches it): asked only of base images with "static" in the name.
_SLIM_STATIC = r"(?i)^(?:[\w.-]+(?::\d+)?/)*(?:distroless/static|chainguard/static|static)[\w.:@-]*$"


class Base(Record):
    """What goslim knows of a base image: paths it holds, paths it lacks; anything else is MAYBE."""

    _fields: ClassVar[tuple[str, ...]] = ("name", "dirs", "files", "absent", "empty", "roots")

    name: Final[str]
    dirs: Final[frozenset[str]]
    files: Final[frozenset[str]]
    absent: Final[frozenset[str]]  # known not to be there (and nothing below them)
    empty: Final[bool]  # scratch: nothing at all
    roots: Final[frozenset[str] | None]  # its top-level folders, when known: /app is none of them

    def __init__(
        self,
        name: str,
        dirs: frozenset[str],
        files: frozenset[str],
        absent: frozenset[str],
        empty: bool = False,
        roots: frozenset[str] | None = None,
    ) -> None:
        self.name = name
        self.dirs = dirs
        self.files = files
        self.absent = absent
        self.empty = empty
        self.roots = roots

    def find(self, path: str) -> Found:
        if path == "/":
            return Found(Presence.YES, "dir", Origin.BASE)
        if path in self.dirs:
            return Found(Presence.YES, "dir", Origin.BASE, self.name)
        if path in self.files:
            return Found(Presence.YES, "file", Origin.BASE, self.name)
        if self.empty or any(path == a or path.startswith(a + "/") for a in self.absent):
            return MISSING
        if self.roots is not None and path.split("/")[1] not in self.roots:
            return MISSING
        if path.startswith(ZONEINFO + "/") and ZONEINFO in self.dirs:
            return Found(Presence.YES, None, Origin.BASE, self.name)  # a zone of the database
        return UNSURE


# The top-level folders of a Linux distribution image (the FHS, and GOPATH for golang).
_ROOTS = frozenset(
    {
        "bin",
        "boot",
        "dev",
        "etc",
        "home",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "media",
        "mnt",
        "opt",
        "proc",
        "root",
        "run",
        "sbin",
        "srv",
        "sys",
        "tmp",
        "usr",
        "var",
        "go",
    }
)


def _base(name: str, *, dirs=(), files=(), absent=(), roots: frozenset[str] | None = _ROOTS) -> Base:
    return Base(name, frozenset(dirs), frozenset(files), frozenset(absent), roots=roots)


SCRATCH = Base("scratch", frozenset(), frozenset(), frozenset(), empty=True)
UNKNOWN_BASE = _base("unknown", roots=None)


def base_image(name: str) -> Base:
    """What goslim knows of the image ``name`` (an expanded FROM value)."""
    lower = name.lower()
    if lower == "scratch":
        return SCRATCH
    go_dirs = ("/go", "/go/bin", "/go/src", "/usr/local/go", "/usr/local/go/lib/time")
    if GO_IMAGE.match(name):
        if "alpine" in lower:  # certificates come with Alpine; tzdata does not
            return _base(
                name,
                dirs=(*_DISTRO_DIRS, *go_dirs, "/etc/ssl/certs"),
                files=(*_DISTRO_FILES, CERT_BUNDLE, GO_ZONEINFO_ZIP),
                absent=(ZONEINFO,),
            )
        # Debian-based: buildpack-deps brings certificates and tzdata
        return _base(
            name,
            dirs=(*_DISTRO_DIRS, *go_dirs, "/etc/ssl/certs", ZONEINFO),
            files=(*_DISTRO_FILES, CERT_BUNDLE, GO_ZONEINFO_ZIP),
        )
    if re.match(_SLIM_STATIC, name.split("/")[-1]) or "distroless/static" in lower:
        return _base(
            name,
            dirs=("/etc", "/etc/ssl/certs", "/tmp", "/home", ZONEINFO, "/usr", "/usr/share"),
            files=("/etc/passwd", "/etc/group", CERT_BUNDLE),
            absent=("/bin/sh", "/bin"),
        )
    m = DISTRO_IMAGE.match(name)
    if m:
        family = m.group(1).lower()
        if family == "alpine":
            return _base(
                name, dirs=(*_DISTRO_DIRS, "/etc/ssl/certs"), files=(*_DISTRO_FILES, CERT_BUNDLE), absent=(ZONEINFO,)
            )
        if family in ("debian", "ubuntu"):
            return _base(name, dirs=_DISTRO_DIRS, files=_DISTRO_FILES, absent=(CERT_BUNDLE, ZONEINFO))
        return _base(name, dirs=_DISTRO_DIRS, files=_DISTRO_FILES)
    return UNKNOWN_BASE


# --- layers -------------------------------------------------------------------------------

Lookup = Callable[[str], Found]


def _under(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` ("." for the folder itself), or None when outside it."""
    if path == folder:
        return "."
    prefix = folder if folder.endswith("/") else folder + "/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def _is_ancestor(path: str, of: str) -> bool:
    return path == "/" or of.startswith(path.rstrip("/") + "/")


_GLOB = re.compile(r"[*?\[]")


class Layer:
    """One instruction's effect. ``find`` answers for a path, or None when the layer does
    not touch it; ``before`` looks the path up in the layers below."""

    instruction: Instruction | None = None
    opaque = False  # may create files the model cannot name

    def find(self, path: str, before: Lookup) -> Found | None:
        raise NotImplementedError


class Folders(Layer):
    """Folders made by WORKDIR or ``mkdir``, and files by ``touch`` or a redirection."""

    def __init__(
        self,
        dirs: Sequence[str],
        files: Sequence[str],
        origin: Origin,
        instruction: Instruction | None,
        filled: bool = False,
    ):
        self.dirs = tuple(dirs)
        self.files = tuple(files)
        self.origin = origin
        self.instruction = instruction
        self.filled = filled  # the folders come with their contents (a package's files)

    def find(self, path: str, before: Lookup) -> Found | None:
        if path in self.files:
            return Found(Presence.YES, "file", self.origin, None, self.instruction)
        if any(path == d or _is_ancestor(path, d) for d in self.dirs) or any(_is_ancestor(path, f) for f in self.files):
            return Found(Presence.YES, "dir", self.origin, None, self.instruction)
        if self.filled and any(path.startswith(d + "/") for d in self.dirs):
            return Found(Presence.YES, None, self.origin, None, self.instruction)
        return None


class Removed(Layer):
    def __init__(self, paths: Sequence[str], instruction: Instruction):
        self.paths = tuple(paths)
        self.instruction = instruction

    def find(self, path: str, before: Lookup) -> Found | None:
        if any(_under(path, p) is not None for p in self.paths):
            return MISSING
        return None


class Opaque(Layer):
    """A RUN step the model does not read: it may have made anything."""

    opaque = True

    def __init__(self, instruction: Instruction):
        self.instruction = instruction

    def find(self, path: str, before: Lookup) -> Found | None:
        return None


_CP_FLAGS: Final = frozenset({"-r", "-R", "-a", "-f", "-p", "-v", "-rf", "-fr", "-rp", "-pr", "-av", "-rv"})


def _plain_cp(words: list[str]) -> bool:
    """``cp [-r -a -f -p -v] SRC DEST``: where the copy lands can be told."""
    return all(w in _CP_FLAGS for w in words[1:] if w.startswith("-"))


class CopiedByRun(Layer):
    """``cp SRC DEST`` in a RUN: DEST exists after it, as the copy or as the folder it went
    into (DEST/NAME) when DEST was one already."""

    def __init__(self, source: str, dest: str, instruction: Instruction):
        self.source = source
        self.dest = dest
        self.instruction = instruction

    def find(self, path: str, before: Lookup) -> Found | None:
        rel = _under(path, self.dest)
        if rel is None:
            return None
        if rel == ".":
            return Found(Presence.YES, None, Origin.RUN, None, self.instruction)
        dest = before(self.dest)
        if dest.presence is not Presence.YES or not dest.is_dir:
            return UNSURE  # what a copied folder holds, or what DEST held
        target = posixpath.join(self.dest, posixpath.basename(self.source))
        if path == target:
            return Found(Presence.YES, None, Origin.RUN, None, self.instruction)
        return UNSURE if _under(path, target) is not None else None


class Copy(Layer):
    """COPY/ADD: from the build context (``stage`` None), another stage, or an image."""

    def __init__(
        self,
        sources: Sequence[str],
        dest: str,
        dest_is_dir: bool,
        instruction: Instruction,
        context: Context | None,
        stage: StageFS | None = None,
        image: bool = False,
        add: bool = False,
    ):
        self.sources = tuple(sources)
        self.dest = dest
        self.dest_is_dir = dest_is_dir  # written as a folder: trailing "/", several sources
        self.instruction = instruction
        self.context = context
        self.stage = stage
        self.image = image
        self.add = add

    def find(self, path: str, before: Lookup) -> Found | None:
        dest = self.dest
        if path != dest and _is_ancestor(path, dest):
            prior = before(path)  # a folder made earlier keeps its origin; the copy only adds below it
            return prior if prior.is_dir else Found(Presence.YES, "dir", Origin.UNKNOWN, None, self.instruction)
        rel = _under(path, dest)
        if rel is None:
            return None  # a COPY writes its destination and what is below it, nothing else
        into = self.dest_is_dir or before(dest).is_dir
        for source in reversed(self.sources):
            found = self._from(source, path, into)
            if found is not None:
                return found
        if rel == "." and into:  # the folder the copy fills
            origin = Origin.CONTEXT if self.stage is None and not self.image else Origin.UNKNOWN
            return Found(Presence.YES, "dir", origin, None, self.instruction)
        return None

    def _from(self, source: str, path: str, into: bool) -> Found | None:
        if self.image or (self.add and re.match(r"^[a-z][a-z0-9+.-]*://", source)):
            return UNSURE if _under(path, self.dest) is not None else None
        if self.stage is not None:
            return self._from_stage(source, path, into)
        return self._from_context(source, path, into)

    def _from_context(self, source: str, path: str, into: bool) -> Found | None:
        context = self.context
        if context is None:  # no build context: nothing is known of what it held
            return UNSURE if _under(path, self.dest) is not None else None
        matches = context.glob(source) if _GLOB.search(source) else ([source] if context.exists(source) else [])
        into = into or len(matches) > 1 or bool(_GLOB.search(source))
        for match in reversed(matches):
            clean = posixpath.normpath(match)
            if context.is_dir(clean):
                rel = _under(path, self.dest)
                if rel is None:
                    continue
                inner = clean if rel == "." else posixpath.normpath(posixpath.join(clean, rel))
                if rel == "." or context.exists(inner):
                    kind = "dir" if rel == "." or context.is_dir(inner) else "file"
                    return Found(Presence.YES, kind, Origin.CONTEXT, inner, self.instruction)
                continue
            target = posixpath.join(self.dest, posixpath.basename(clean)) if into else self.dest
            if self.add and clean.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
                if _under(path, self.dest) is not None:
                    return UNSURE  # ADD unpacks a local archive
                continue
            if path == target:
                return Found(Presence.YES, "file", Origin.CONTEXT, clean, self.instruction)
        return None

    def _from_stage(self, source: str, path: str, into: bool) -> Found | None:
        stage = self.stage
        assert stage is not None
        if _GLOB.search(source):
            return UNSURE if _under(path, self.dest) is not None else None
        src = posixpath.normpath(source if source.startswith("/") else "/" + source)
        found = stage.lookup(src)
        if found.presence is Presence.NO:
            return None
        if found.kind == "dir" or (found.presence is Presence.MAYBE and not into and path != self.dest):
            rel = _under(path, self.dest)
            if rel is None:
                return None
            inner = stage.lookup(src if rel == "." else posixpath.join(src, rel))
            if rel == "." and inner.presence is not Presence.NO:
                return Found(inner.presence, "dir", inner.origin, inner.source, self.instruction)
            return inner if inner.presence is not Presence.NO else None
        target = posixpath.join(self.dest, posixpath.basename(src)) if into else self.dest
        if path == target:
            return Found(found.presence, found.kind or "file", found.origin, found.source, self.instruction)
        return None


# --- stages -------------------------------------------------------------------------------


class StageFS:
    """One stage's file system: its base (or the stage it is built FROM) and its layers."""

    def __init__(self, base: Base | StageFS, layers: list[Layer]):
        self.base = base
        self.layers = layers
        self.chowned: list[tuple[str, str, Instruction]] = []  # (path, owner, RUN) from chown
        self._memo: dict[str, Found] = {}

    def lookup(self, path: str) -> Found:
        """Whether ``path`` (absolute) exists once the stage is built, and where it came from."""
        path = posixpath.normpath("/" + path.lstrip("/"))
        found = self._memo.get(path)
        if found is None:
            found = self._memo[path] = self.lookup_below(path, len(self.layers))
        return found

    def lookup_below(self, path: str, index: int) -> Found:
        """``path`` as the layers below ``index`` left it."""
        for i in range(index - 1, -1, -1):
            layer = self.layers[i]
            found = layer.find(path, functools.partial(self.lookup_below, index=i))
            if found is not None:
                return found
        below = self.base.lookup(path) if isinstance(self.base, StageFS) else self.base.find(path)
        if below.presence is Presence.NO and any(layer.opaque for layer in self.layers[:index]):
            return UNSURE
        return below


class ImageFS:
    """The file systems of every stage of a Dockerfile."""

    def __init__(self, stages: list[StageFS]):
        self.stages = stages

    def stage(self, index: int) -> StageFS:
        return self.stages[index]


def model(facts: Facts, context: Context | None) -> ImageFS:
    """The file systems of the stages of the tree ``facts`` were found in, with ``context``
    the build context (None when it was not found: whatever a COPY brings from it is then
    MAYBE)."""
    stages: list[StageFS] = []
    for facts_of_stage in facts.stages:
        stages.append(_stage(facts_of_stage, facts, stages, context))
    return ImageFS(stages)


def _stage(sf: StageFacts, facts: Facts, earlier: list[StageFS], context: Context | None) -> StageFS:
    base: Base | StageFS = earlier[sf.parent] if sf.parent is not None else base_image(sf.base)
    fs = StageFS(base, [])
    parent = facts.stages[sf.parent] if sf.parent is not None else None
    env = dict(parent.env) if parent is not None else ({"GOPATH": "/go"} if GO_IMAGE.match(sf.base) else {})
    workdir = parent.workdir if parent is not None else ("/go" if GO_IMAGE.match(sf.base) else "/")
    builds: dict[int, list] = {}
    for b in sf.builds:
        builds.setdefault(id(b.instruction), []).append(b)
    for ins in sf.stage.instructions[1:]:
        name = ins.name
        if name in ("ENV", "ARG"):
            for k, v in ins.pairs():
                if v is None:
                    if k in facts.global_args and name == "ARG":
                        env.setdefault(k, facts.global_args[k])
                    continue
                value = expand(shell.unquote(v), env) or shell.unquote(v)
                if name == "ENV":
                    env[k] = value
                else:
                    env.setdefault(k, value)
        elif name == "WORKDIR":
            target = expand(shell.unquote(ins.args_text), env)
            if target is None or workdir is None and not target.startswith("/"):
                workdir = None
            else:
                workdir = posixpath.normpath(posixpath.join(workdir or "/", target))
                fs.layers.append(Folders([workdir], [], Origin.WORKDIR, ins))
        elif name in ("COPY", "ADD") and not ins.heredocs:
            layer = _copy(ins, env, workdir, context, facts, earlier)
            fs.layers.append(layer if layer is not None else Opaque(ins))
        elif name in ("COPY", "ADD"):
            fs.layers.append(Opaque(ins))  # heredoc files
        elif name == "RUN":
            fs.layers += _run(ins, env, workdir, fs, builds.get(id(ins), []))
    return fs


def _copy(
    ins: Instruction,
    env: dict[str, str],
    workdir: str | None,
    context: Context | None,
    facts: Facts,
    earlier: list[StageFS],
) -> Layer | None:
    values = [expand(v, env) for v in ins.values]
    if len(values) < 2 or any(v is None for v in values):
        return None
    *sources, dest_raw = [v for v in values if v is not None]
    if not dest_raw.startswith("/") and workdir is None:
        return None
    dest = posixpath.normpath(posixpath.join(workdir or "/", dest_raw))
    dest_is_dir = dest_raw.endswith("/") or dest_raw in (".", "./") or len(sources) > 1
    ref = ins.flag("from")
    if ref is None:
        return Copy(sources, dest, dest_is_dir, ins, context, add=ins.name == "ADD")
    source_stage = facts.stage_named(ref)
    if source_stage is None or source_stage.index >= len(earlier):
        return Copy(sources, dest, dest_is_dir, ins, None, image=True)
    return Copy(sources, dest, dest_is_dir, ins, None, stage=earlier[source_stage.index])


_INSTALLS = {
    "ca-certificates": ([], [CERT_BUNDLE]),
    "ca-certificates-bundle": ([], [CERT_BUNDLE]),
    "tzdata": ([ZONEINFO], []),
}
_REMOVALS = frozenset({"del", "remove", "purge", "autoremove", "erase"})  # apk del, apt-get purge, dnf erase
_PACKAGE_VERBS = frozenset({"add", "install", "update", "upgrade", "clean", *_REMOVALS})
_NO_FILES = frozenset(
    {
        "echo",
        "true",
        "false",
        "set",
        "export",
        "cd",
        "env",
        "printf",
        "test",
        "[",
        "exit",
        "chmod",
        "chown",
        "update-ca-certificates",
        "adduser",
        "addgroup",
        "useradd",
        "groupadd",
        "apk",
        "apt-get",
        "apt",
        "go",
    }
)


def _run(ins: Instruction, env: dict[str, str], workdir: str | None, fs: StageFS, builds: list) -> list[Layer]:
    """What a RUN line does to the file system, as far as its commands can be read."""
    if ins.is_json or ins.heredocs:
        return [Opaque(ins)]
    layers: list[Layer] = []
    cwd = workdir
    binaries = [b.binary for b in builds if b.binary is not None]
    if binaries:
        layers.append(Folders([], binaries, Origin.BUILD, ins))

    def absolute(word: str) -> str | None:
        value = expand(word, env)
        if value is None or _GLOB.search(value) or (cwd is None and not value.startswith("/")):
            return None
        return posixpath.normpath(posixpath.join(cwd or "/", value))

    for command in shell.split_commands(ins.arguments.value):
        words = [w.value for w in command.argv]
        written = [absolute(f) for f in command.written_files if f != "/dev/null"]
        if written:
            if None in written:
                layers.append(Opaque(ins))
            layers.append(Folders([], [w for w in written if w is not None], Origin.RUN, ins))
        if not words:
            continue
        program, args = posixpath.basename(words[0]), [w for w in words[1:] if not w.startswith("-")]
        if program == "cd":
            target = absolute(words[1]) if len(words) > 1 else None
            cwd = target
        elif program in ("mkdir", "touch", "rm", "ln", "cp", "mv"):
            paths = [absolute(a) for a in args]
            if None in paths:
                layers.append(Opaque(ins))
                continue
            known = [p for p in paths if p is not None]
            if program == "mkdir":
                layers.append(Folders(known, [], Origin.RUN, ins))
            elif program == "touch":
                layers.append(Folders([], known, Origin.RUN, ins))
            elif program == "rm":
                layers.append(Removed(known, ins))
            elif program == "ln" and known:
                layers.append(Folders([], [known[-1]], Origin.RUN, ins))
            elif program == "cp" and len(known) == 2 and not words[-1].endswith("/") and _plain_cp(words):
                layers.append(CopiedByRun(known[0], known[1], ins))
            else:
                layers.append(Opaque(ins))  # cp/mv: where the copy lands depends on what is there
        elif program in ("apk", "apt-get", "apt", "yum", "dnf", "microdnf"):
            removes = any(a in _REMOVALS for a in args)
            packages = [a for a in args if a not in _PACKAGE_VERBS]
            for package in packages:
                made = _INSTALLS.get(package.split("=")[0])
                if made is None:
                    layers.append(Opaque(ins))
                elif removes:
                    layers.append(Removed([*made[0], *made[1]], ins))
                else:
                    layers.append(Folders(made[0], made[1], Origin.RUN, ins, filled=True))
        elif program in ("chown",) and len(args) >= 2:
            for target in args[1:]:
                path = absolute(target)
                if path is not None:
                    fs.chowned.append((path, args[0], ins))
        elif program == "go" and len(words) > 1 and words[1] in ("build", "install") and len(binaries) < len(builds):
            layers.append(Opaque(ins))  # a Go build whose output the analysis could not tell
        elif program not in _NO_FILES:
            layers.append(Opaque(ins))
    return layers
