"""What one go command in a RUN line builds: the flags, the packages, and where the binary
lands, by Go's own rules.

``go build`` writes into the working folder (or ``-o``); ``go install`` and, before Go
1.18 or in GOPATH mode, ``go get`` write into $GOBIN, else the bin folder of GOPATH's
first entry ($HOME/go without one), in a GOOS_GOARCH folder for another system. The name
is the last element of the package's import path: in GOPATH mode the folder's name (under
$GOPATH/src, or the working folder outside it), in module mode the path go.mod gives
(without a /vN major-version suffix), which goslim may not see.
"""

from __future__ import annotations

import re

from rewriter import paths, shell
from rewriter.record import Record
from rewriter.shell import expand
from rewriter.syntax.nodes import Instruction

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

    from rewriter.analysis import StageFacts

PATH_DIRS: Final = (
    "/go/bin",
    "/usr/local/go/bin",
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
)
# Folders every image that builds Go has: ``mv app /usr/bin`` moves app into them.
KNOWN_FOLDERS: Final = frozenset({"/", *PATH_DIRS, "/usr/local", "/usr", "/opt", "/tmp", "/srv", "/go", "/root"})


class GoBuild(Record):
    """One ``go build`` or ``go install`` command inside a RUN instruction."""

    _fields: ClassVar[tuple[str, ...]] = (
        "stage",
        "instruction",
        "command",
        "verb",
        "go_index",
        "args",
        "env",
        "inline_env",
        "workdir",
        "output",
        "output_word",
        "packages",
        "binary",
        "ldflags",
        "ldflags_value",
        "tags",
        "flag_names",
        "out_dir",
        "installs",
        "through",
        "seq",
        "env_index",
    )

    stage: Final[int]
    instruction: Final[Instruction]
    command: Final[shell.SimpleCommand]
    verb: Final[str]  # "build" or "install"
    go_index: Final[int]  # index of the ``go`` word in command.words
    args: Final[tuple[shell.Word, ...]]  # the words after the verb
    env: Final[dict[str, str]]  # what the build sees: ENV/ARG of the stage, exports, inline
    inline_env: Final[dict[str, str]]
    workdir: Final[str | None]
    output: Final[str | None]  # -o value (unquoted), if given
    output_word: Final[shell.Word | None]
    packages: Final[tuple[str, ...]]
    binary: Final[str | None]  # absolute path of the produced binary, when it can be told
    ldflags: Final[shell.Word | None]  # the word holding the -ldflags value (may be the flag itself)
    ldflags_value: Final[str | None]
    tags: Final[str | None]
    flag_names: Final[frozenset[str]]  # flags given; a value such as ``-ldflags -s`` is none
    # The folder Go writes the binary into when it names the binary itself (no -o, or -o
    # DIR/): the working folder for ``go build``, GOBIN or GOPATH's bin for an install.
    out_dir: Final[str | None]
    installs: Final[tuple[str, ...]]  # every binary an install of several packages writes
    # How the go command is reached when not directly: "godep", or "make TARGET" /
    # "./build.sh" for a build whose recipe goslim read (the RUN line runs that instead)
    through: Final[str | None]
    seq: Final[int]  # its place among the builds and make runs of the stage (see Move.after)
    env_index: Final[int]  # index in command.words before which environment assignments go

    def __init__(
        self,
        stage: int,
        instruction: Instruction,
        command: shell.SimpleCommand,
        verb: str,
        go_index: int,
        args: tuple[shell.Word, ...],
        env: dict[str, str],
        inline_env: dict[str, str],
        workdir: str | None,
        output: str | None,
        output_word: shell.Word | None,
        packages: tuple[str, ...],
        binary: str | None,
        ldflags: shell.Word | None,
        ldflags_value: str | None,
        tags: str | None,
        flag_names: frozenset[str] = frozenset(),
        out_dir: str | None = None,
        installs: tuple[str, ...] = (),
        through: str | None = None,
        seq: int = 0,
        env_index: int | None = None,
    ) -> None:
        self.stage = stage
        self.instruction = instruction
        self.command = command
        self.verb = verb
        self.go_index = go_index
        self.args = args
        self.env = env
        self.inline_env = inline_env
        self.workdir = workdir
        self.output = output
        self.output_word = output_word
        self.packages = packages
        self.binary = binary
        self.ldflags = ldflags
        self.ldflags_value = ldflags_value
        self.tags = tags
        self.flag_names = flag_names
        self.out_dir = out_dir
        self.installs = installs
        self.through = through
        self.seq = seq
        self.env_index = go_index if env_index is None else env_index

    def flag(self, name: str) -> bool:
        return name in self.flag_names

    @property
    def via_recipe(self) -> bool:
        """Whether the RUN line runs make or a script that holds the go command: its flags
        reach Go through the environment (GOFLAGS), not through the line."""
        return self.through is not None and self.through != "godep"


_VALUE_FLAGS: Final = {
    "o",
    "ldflags",
    "gcflags",
    "asmflags",
    "tags",
    "mod",
    "p",
    "pkgdir",
    "buildmode",
    "compiler",
    "gccgoflags",
    "installsuffix",
    "modfile",
    "overlay",
    "pgo",
    "toolexec",
    "C",
    "buildvcs",
    "cover",
    "covermode",
    "coverpkg",
}


def go_build(
    facts: StageFacts,
    ins: Instruction,
    command: shell.SimpleCommand,
    go_index: int,
    args: tuple[shell.Word, ...],
    verb: str,
    env: dict[str, str],
    inline: dict[str, str],
    workdir: str | None,
    scope: dict[str, str] | None = None,
    through: str | None = None,
    seq: int | None = None,
    env_index: int | None = None,
) -> GoBuild | None:
    """The build a go command makes, or None for a ``go get`` that installs nothing."""
    output = output_word = ldflags = ldflags_value = tags = None
    packages: list[str] = []
    names: set[str] = set()
    i = 0
    while i < len(args):
        w = args[i]
        v = w.value
        if v.startswith("-"):
            name, eq, value = v.lstrip("-").partition("=")
            names.add(name)
            if name in _VALUE_FLAGS and not eq:
                if i + 1 == len(args):
                    break  # `go build -o` with nothing after it: go refuses it, so does goslim's reading
                i += 1
                value_word = args[i]
                value = value_word.value
            else:
                value_word = w
            if name == "o":
                output, output_word = value, value_word
            elif name == "ldflags":
                ldflags, ldflags_value = value_word, value
            elif name == "tags":
                tags = value
        else:
            packages.append(v)
        i += 1
    if verb == "get" and not get_installs(facts, env, names):
        return None
    gopath = gopath_mode(facts, env, workdir)
    where = {**env, **(scope or {})}
    named = [expand(p, where) or p for p in packages]
    binary, out_dir, installs = _binary_path(verb, output, named, workdir, where, gopath, facts.folders)
    return GoBuild(
        facts.index,
        ins,
        command,
        verb,
        go_index,
        args,
        env,
        inline,
        workdir,
        output,
        output_word,
        tuple(packages),
        binary,
        ldflags,
        ldflags_value,
        tags,
        frozenset(names),
        out_dir,
        installs,
        through,
        facts.events if seq is None else seq,
        env_index,
    )


def get_installs(facts: StageFacts, env: dict[str, str], flags: set[str] | frozenset[str]) -> bool:
    """Whether ``go get`` builds and installs what it fetches: in GOPATH mode, and in module
    mode up to Go 1.17 (from 1.18 it only edits go.mod); ``-d`` downloads only."""
    if "d" in flags or "-d" in env.get("GOFLAGS", "").split():
        return False
    if env.get("GO111MODULE", "").lower() == "off":
        return True
    version = facts.go_version
    return version is not None and version < (1, 18)


def gopath_mode(facts: StageFacts, env: dict[str, str], cwd: str | None) -> bool | None:
    """Whether the go command works in GOPATH mode (True), module mode (False), or which one
    depends on a go.mod goslim cannot see (None). GO111MODULE decides when set; before Go
    1.11 there are no modules; 1.11 and 1.12 use GOPATH mode inside $GOPATH/src; from 1.13
    a go.mod turns modules on, and from 1.16 they are on unless turned off."""
    mode = env.get("GO111MODULE", "").lower()
    if mode == "off":
        return True
    if mode == "on":
        return False
    version = facts.go_version
    if version is not None and version < (1, 11):
        return True
    if facts.module_hint:
        return False
    if version is not None and version < (1, 13):
        srcs = [paths.join(p, "src") for p in env.get("GOPATH", "/root/go").split(":") if p.startswith("/")]
        inside = cwd is not None and any(cwd == s or cwd.startswith(s + "/") for s in srcs)
        return True if inside else None
    if (version is not None and version < (1, 16)) or mode == "auto":
        return None
    return False


def install_dir(env: dict[str, str]) -> str:
    """Where ``go install`` writes binaries: $GOBIN, else the bin folder of GOPATH's first
    entry ($HOME/go when unset), in a GOOS_GOARCH folder when it builds for another system."""
    gobin = env.get("GOBIN")
    if gobin and gobin.startswith("/"):
        return paths.normpath(gobin)
    first = env.get("GOPATH", "/root/go").split(":")[0] or "/root/go"
    bindir = paths.join(first, "bin")
    goos = env.get("GOOS", "linux")
    if goos != "linux":
        return paths.join(bindir, f"{goos}_{env.get('GOARCH', 'amd64')}")
    return bindir


def package_binary_name(package: str, gopath: bool | None = False) -> str | None:
    """The name ``go build`` gives a package's binary, when the package path says it (in
    module mode, an import path's /vN major-version suffix is not the name)."""
    if package.endswith(".go"):
        return paths.basename(package)[:-3]
    path = package.split("@")[0].rstrip("/")
    if path in ("", ".", "./...", "...") or path.endswith("..."):
        return None
    parts = [p for p in path.split("/") if p not in (".", "")]
    if not parts or parts[-1] == "..":
        return None
    if not gopath and re.fullmatch(r"v\d+", parts[-1]) and len(parts) > 1 and "." in parts[0]:
        parts = parts[:-1]
    return parts[-1]


def _local_name(package: str, workdir: str | None, gopath: bool | None) -> str | None:
    """The binary name of a package: for one given by folder (``.``, ``..``, ``./cmd/x``) in
    GOPATH mode the folder's name; in module mode a folder below the working one is named,
    but ``.`` or ``..`` may be the module's root, which go.mod names."""
    if package.endswith(".go"):
        return package_binary_name(package, gopath)
    if package in (".", "./", "..", "../") or package.startswith(("./", "../")):
        if workdir is None:
            return None
        folder = paths.normpath(paths.join(workdir, package))
        if folder == "/":
            return None
        if gopath:
            return paths.basename(folder)
        last = package.rstrip("/").split("/")[-1]
        if last in (".", "..") or re.fullmatch(r"v\d+", last):
            return None
        return last
    return package_binary_name(package, gopath)


def _binary_path(
    verb: str,
    output: str | None,
    packages: list[str],
    workdir: str | None,
    env: dict[str, str],
    gopath: bool | None = False,
    folders: set[str] | frozenset[str] = frozenset(),
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(the binary's path when known, the folder Go writes it to when Go names it, every
    binary an install of several packages writes). ``-o`` naming a folder (a final ``/``,
    or one the image has) writes into it."""
    targets = packages or ["."]
    if any("..." in p for p in targets):
        name = None
    elif len(targets) > 1 and not all(p.endswith(".go") for p in targets):
        name = None
    else:
        name = _local_name(targets[0], workdir, gopath)
    if output is not None:
        out = expand(output, env)
        if out is None or (not out.startswith("/") and not workdir):
            return None, None, ()
        out_abs = paths.normpath(paths.join(workdir or "/", out))
        if out.endswith("/") or out_abs in folders or out_abs in KNOWN_FOLDERS:
            return (paths.join(out_abs, name) if name else None), out_abs, ()
        return out_abs, None, ()
    if verb in ("install", "get"):
        bindir = install_dir(env)
        many = tuple(paths.join(bindir, n) for n in (package_binary_name(p, gopath) for p in targets) if n)
        if len(targets) > 1 and len(many) == len(targets):
            return None, bindir, many
        return (paths.join(bindir, name) if name else None), bindir, ()
    if workdir is None:
        return None, None, ()
    return (paths.join(workdir, name) if name else None), paths.normpath(workdir), ()
