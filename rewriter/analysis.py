"""Facts about a Dockerfile that the passes decide on: where the Go build is, what binary it
makes and where, what the image runs, and what the runtime needs.

Analysis never changes the tree. The engine recomputes the facts after each pass that
changed something, so every pass sees the file as it is at that point; the facts of the
stages a pass left alone are reused (see ``analyze``).
"""

from __future__ import annotations

import re

from rewriter import paths, shell
from rewriter.gocommand import PATH_DIRS, GoBuild
from rewriter.record import Record
from rewriter.runlines import MakeRun, Move, scan_run
from rewriter.shell import expand
from rewriter.syntax.nodes import Dockerfile, Instruction, Stage

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

GO_IMAGE: Final = re.compile(r"^(?:[\w.-]+(?::\d+)?/)*(?:library/)?golang(?:[:@]|$)", re.IGNORECASE)
# Final-stage bases a static Go binary can leave behind for scratch.
DISTRO_IMAGE: Final = re.compile(
    r"^(?:[\w.-]+(?::\d+)?/)*(?:library/)?(alpine|debian|ubuntu|busybox|centos|fedora|"
    r"amazonlinux|rockylinux|almalinux|redhat/ubi\d*(?:-minimal)?|ubi\d*(?:-minimal)?)(?:[:@]|$)",
    re.IGNORECASE,
)
SLIM_IMAGE: Final = re.compile(
    r"^(scratch|(?:[\w.-]+/)*distroless/static[\w.:@-]*|(?:[\w.-]+/)*chainguard/static[\w.:@-]*)$", re.IGNORECASE
)
CERT_BUNDLE: Final = "/etc/ssl/certs/ca-certificates.crt"
BUILD_ONLY_ENV: Final = frozenset(
    {
        "CGO_ENABLED",
        "GOOS",
        "GOARCH",
        "GOARM",
        "GOAMD64",
        "GOFLAGS",
        "GO111MODULE",
        "GOPATH",
        "GOPROXY",
        "GOPRIVATE",
        "GONOSUMDB",
        "GONOPROXY",
        "GOSUMDB",
        "GOBIN",
        "GOCACHE",
        "GOMODCACHE",
        "GOROOT",
        "GOTOOLCHAIN",
        "GOINSECURE",
        "CC",
        "CXX",
        "CGO_CFLAGS",
        "CGO_LDFLAGS",
        "PATH",
        "GOLANG_VERSION",
    }
)
_GO_BUILD: Final = re.compile(r"\bgo\s+(build|install)\b")
# An entrypoint with one of these suffixes is a script: it needs an interpreter.
SCRIPT_SUFFIXES: Final = (".sh", ".bash", ".py", ".pl", ".rb", ".js")
SECRET_NAME: Final = re.compile(
    r"(TOKEN|PASSWORD|PASSWD|SECRET|(^|_)KEY($|_)|PRIVATE|CREDENTIAL|API_?KEY)", re.IGNORECASE
)


def path_dirs(env: dict[str, str]) -> tuple[str, ...]:
    """The folders PATH names, in order: the stage's ENV PATH (``$PATH`` in it standing for
    the image's own), else the folders of the golang and distribution images."""
    value = env.get("PATH")
    if value is None:
        return PATH_DIRS
    out: list[str] = []
    for part in value.split(":"):
        if part in ("$PATH", "${PATH}"):
            out += PATH_DIRS
            continue
        folder = expand(part, env) if "$" in part else part
        if folder and folder.startswith("/"):
            out.append(paths.normpath(folder))
    return tuple(dict.fromkeys(out))


def ships_certs_and_users(base: str) -> bool:
    """A distroless or chainguard base: it already has the CA bundle, passwd and a nonroot user."""
    return bool(SLIM_IMAGE.match(base)) and base.lower() != "scratch"


def image_go_version(image: str) -> tuple[int, int] | None:
    """(major, minor) of a golang image tag such as ``golang:1.12-alpine``; None when the tag
    names no minor version (``golang:1``, ``latest``, a digest)."""
    m = _GO_TAG.search(image)
    return (int(m.group(1)), int(m.group(2))) if m and GO_IMAGE.match(image) else None


_GO_TAG: Final = re.compile(r"golang:(\d+)\.(\d+)", re.IGNORECASE)


class Entrypoint(Record):
    """What the image runs: its ENTRYPOINT and CMD, resolved to a program path."""

    _fields: ClassVar[tuple[str, ...]] = ("entrypoint", "cmd", "argv", "program_path", "needs_shell")

    entrypoint: Final[Instruction | None]
    cmd: Final[Instruction | None]
    argv: Final[tuple[str, ...] | None]  # the full command as exec words, when it is plain
    program_path: Final[str | None]  # absolute path of argv[0] in the image
    needs_shell: Final[str | None]  # why it needs a shell, when it does

    def __init__(
        self,
        entrypoint: Instruction | None,
        cmd: Instruction | None,
        argv: tuple[str, ...] | None,
        program_path: str | None,
        needs_shell: str | None,
    ) -> None:
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.argv = argv
        self.program_path = program_path
        self.needs_shell = needs_shell


class StageFacts(Record):
    _fields: ClassVar[tuple[str, ...]] = (
        "index",
        "stage",
        "name",
        "base",
        "parent",
        "is_go",
        "workdir",
        "env",
        "builds",
        "packages",
        "context_root",
        "heredoc_builds",
        "local_copies",
        "go_version",
        "moves",
        "folders",
        "module_hint",
        "makes",
        "events",
    )

    index: int
    stage: Stage
    name: str | None
    base: str
    parent: int | None  # index of the stage this one is FROM, if any
    is_go: bool  # a golang base (directly or through its parent)
    workdir: str | None  # final WORKDIR
    env: dict[str, str]
    builds: list[GoBuild]
    packages: list[tuple[Instruction, str]]  # (RUN, package)
    context_root: str | None  # where `COPY . <dest>` put the build context, if it did
    heredoc_builds: list[Instruction]  # RUN <<EOF scripts that run go build
    # (workdir at that point, sources, destination) of each COPY/ADD from the build context
    local_copies: list[tuple[str | None, tuple[str, ...], str]]
    go_version: tuple[int, int] | None  # (major, minor) of the golang image the stage is on
    moves: list[Move]  # mv, cp and rm of files after the builds
    folders: set[str]  # folders WORKDIR or mkdir made
    module_hint: bool  # go.mod is copied in or `go mod` runs: Go works in module mode
    makes: list[MakeRun]  # `make`/script lines that may hold the build
    events: int  # builds and make runs recorded so far (their ``seq``)

    def __init__(
        self,
        index: int,
        stage: Stage,
        name: str | None,
        base: str,
        parent: int | None,
        is_go: bool,
        workdir: str | None,
        env: dict[str, str],
    ) -> None:
        """What the stage starts from; ``analyze`` records the rest as it reads the stage."""
        self.index = index
        self.stage = stage
        self.name = name
        self.base = base
        self.parent = parent
        self.is_go = is_go
        self.workdir = workdir
        self.env = env
        self.builds = []
        self.packages = []
        self.context_root = None
        self.heredoc_builds = []
        self.local_copies = []
        self.go_version = None
        self.moves = []
        self.folders = set()
        self.module_hint = False
        self.makes = []
        self.events = 0


class Facts(Record):
    _fields: ClassVar[tuple[str, ...]] = ("tree", "stages", "global_args", "builds", "entry", "newline")

    tree: Dockerfile
    stages: list[StageFacts]
    global_args: dict[str, str]
    builds: list[GoBuild]
    entry: Entrypoint | None
    newline: str

    def __init__(
        self,
        tree: Dockerfile,
        stages: list[StageFacts],
        global_args: dict[str, str],
        builds: list[GoBuild],
        entry: Entrypoint | None,
        newline: str,
    ) -> None:
        self.tree = tree
        self.stages = stages
        self.global_args = global_args
        self.builds = builds
        self.entry = entry
        self.newline = newline

    @property
    def mentions_go(self) -> bool:
        """Whether the file is Go at all: a Go command anywhere, or a Go stage."""
        return has_go_command(self.tree.code) or any(s.is_go for s in self.stages)

    @property
    def final(self) -> StageFacts | None:
        return self.stages[-1] if self.stages else None

    def chain(self, stage: StageFacts) -> list[StageFacts]:
        """The stage and the stages it is built FROM, nearest first."""
        out = [stage]
        while out[-1].parent is not None:
            out.append(self.stages[out[-1].parent])
        return out

    def stage_named(self, ref: str) -> StageFacts | None:
        if ref.isdigit():
            i = int(ref)
            return self.stages[i] if i < len(self.stages) else None
        for s in self.stages:
            if s.name == ref.lower():
                return s
        return None


# A Go command: ``go`` starting a word, then one of these verbs. The word start is checked
# apart, because a pattern opening with \b is tried at every position of the text (a
# hundred times slower than looking for the letters first).
_GO_COMMAND: Final = re.compile(r"go\s+(?:build|install|run|get|mod)\b")
_WORD_CHAR: Final = re.compile(r"\w")


def has_go_command(text: str) -> bool:
    """Whether ``text`` has a word ``go`` followed by build, install, run, get or mod."""
    for m in _GO_COMMAND.finditer(text):
        if m.start() == 0 or not _WORD_CHAR.match(text, m.start() - 1):
            return True
    return False


def go_run_at(words: tuple[str, ...] | list[str]) -> int | None:
    """The index of ``go`` (by any path) followed by ``run`` in a command's words, if any."""
    for i in range(len(words) - 1):
        if paths.basename(words[i]) == "go" and words[i + 1] == "run":
            return i
    return None


def _global_args(tree: Dockerfile) -> dict[str, str]:
    global_args = {}
    for ins in tree.preamble:
        if type(ins) is Instruction and ins.name == "ARG":
            for k, v in ins.pairs():
                global_args[k] = shell.unquote(v) if v is not None else ""
    return global_args


def may_mention_go(text: str) -> bool:
    """Whether the text has a Go command or spells ``golang``: the likely Go files, which
    are parsed in full at once. It only picks the route; ``mentions_go`` decides, and also
    sees the word when escapes or a continuation split it."""
    return has_go_command(text) or "golang" in text.lower()


def mentions_go(tree: Dockerfile, text: str | None = None) -> bool:
    """``analyze(tree).mentions_go`` without the rest of the analysis, so that files of
    other languages cost no more than their parse. ``text`` is ``tree.code`` when known.

    A stage is Go when its base is a golang image or a Go stage; the first Go stage of a
    file always has a golang base, so the bases alone decide."""
    if has_go_command(tree.code if text is None else text):
        return True
    global_args = _global_args(tree)
    for stage in tree.stages:
        base_raw = stage.base_image
        if GO_IMAGE.match(expand(base_raw, global_args) or base_raw):
            return True
    return False


def analyze(tree: Dockerfile, memo: dict | None = None) -> Facts:
    """The facts of ``tree``.

    ``memo`` (a dict the caller keeps for the trees of one rewrite) lets an unchanged stage
    keep its facts: the engine analyses the file again after every pass, and most passes
    change one stage. It also keeps the file's newline, which the passes write in, so the
    first tree decides it. A stage's facts depend only on the stage node, its position, its
    parent's facts and the global ARGs, so those are the key. Entries hold the nodes they
    were found by, so that no id is reused while the memo lives. Facts are never changed
    after analysis, which is what makes sharing them between trees safe.
    """
    global_args = _global_args(tree)
    args_key = tuple(global_args.items())
    stages: list[StageFacts] = []
    builds: list[GoBuild] = []
    for index, stage in enumerate(tree.stages):
        if memo is None:
            facts = _stage_facts(index, stage, stages, global_args)
        else:
            facts = _memo_stage_facts(memo, index, stage, stages, global_args, args_key)
        stages.append(facts)
        builds += facts.builds
    entry = _entrypoint(stages[-1], stages) if stages else None
    if memo is None:
        newline = newline_of(tree.code)
    else:
        if "newline" not in memo:
            memo["newline"] = newline_of(tree.code)
        newline = memo["newline"]
    return Facts(tree, stages, global_args, builds, entry, newline)


def newline_of(text: str) -> str:
    """The newline a file is written with, for the lines goslim adds to it."""
    return "\r\n" if "\r\n" in text else "\n"


def _memo_stage_facts(
    memo: dict, index: int, stage: Stage, earlier: list[StageFacts], global_args: dict[str, str], args_key: tuple
) -> StageFacts:
    """``_stage_facts`` through ``memo`` (see ``analyze``)."""
    parent = _parent(stage.base_image, earlier, global_args)
    key = (id(stage), index, id(parent), args_key)
    entry = memo.get(key)
    if entry is not None and entry[0] is stage and entry[1] is parent:
        return entry[2]
    facts = _stage_facts(index, stage, earlier, global_args, memo)
    memo[key] = (stage, parent, facts)
    return facts


def _parent(base_raw: str, earlier: list[StageFacts], global_args: dict[str, str]) -> StageFacts | None:
    """The earlier stage a stage is built FROM, if any."""
    base = expand(base_raw, global_args) or base_raw
    return next((s for s in reversed(earlier) if s.name and s.name == base.lower()), None)


def _stage_facts(
    index: int, stage: Stage, earlier: list[StageFacts], global_args: dict[str, str], memo: dict | None = None
) -> StageFacts:
    base_raw = stage.base_image
    base = expand(base_raw, global_args) or base_raw
    parent = _parent(base_raw, earlier, global_args)
    is_go = bool(GO_IMAGE.match(base)) or (parent is not None and parent.is_go)
    env = dict(parent.env) if parent else ({"GOPATH": "/go"} if GO_IMAGE.match(base) else {})
    workdir = parent.workdir if parent else ("/go" if GO_IMAGE.match(base) else "/")
    facts = StageFacts(index, stage, stage.name, base, parent.index if parent else None, is_go, workdir, env)
    if parent is not None:
        facts.context_root = parent.context_root
        facts.go_version = parent.go_version
        facts.folders = set(parent.folders)
        facts.module_hint = parent.module_hint
    else:
        facts.go_version = image_go_version(base)
    if workdir:
        facts.folders.add(workdir)
    for ins in stage.instructions[1:]:
        name = ins.name
        if name == "ENV":
            for k, v in ins.pairs():
                facts.env[k] = expand(shell.unquote(v), facts.env) or shell.unquote(v)
        elif name == "ARG":
            for k, v in ins.pairs():
                if v is not None:
                    facts.env.setdefault(k, expand(shell.unquote(v), facts.env) or shell.unquote(v))
                elif k in global_args:
                    facts.env.setdefault(k, global_args[k])
        elif name == "WORKDIR":
            target = expand(shell.unquote(ins.args_text), facts.env)
            if target is None or facts.workdir is None:
                facts.workdir = None if target is None or not target.startswith("/") else paths.normpath(target)
            else:
                facts.workdir = paths.normpath(paths.join(facts.workdir, target))
            if facts.workdir:
                facts.folders.add(facts.workdir)
        elif name == "RUN" and not ins.is_json:
            scan_run(ins, facts, memo)
            if any(_GO_BUILD.search(h.content) for h in ins.heredocs):
                facts.heredoc_builds.append(ins)
        elif name in ("COPY", "ADD") and ins.flag("from") is None and not ins.heredocs:
            vals = ins.values
            if len(vals) >= 2:
                facts.local_copies.append((facts.workdir, tuple(vals[:-1]), vals[-1]))
                if any(paths.basename(v.rstrip("/")) in ("go.mod", "go.*") for v in vals[:-1]):
                    facts.module_hint = True
            if len(vals) == 2 and vals[0] in (".", "./") and facts.workdir is not None:
                dest = expand(vals[1], facts.env)
                if dest is not None:
                    facts.context_root = paths.normpath(paths.join(facts.workdir, dest))
    return facts


def _entrypoint(final: StageFacts, stages: list[StageFacts]) -> Entrypoint:
    entry = cmd = None
    chain = []
    s: StageFacts | None = final
    while s is not None:
        chain.append(s)
        s = stages[s.parent] if s.parent is not None else None
    for facts in reversed(chain):
        cmd_here = False
        for ins in facts.stage.instructions:
            if ins.name == "ENTRYPOINT":
                entry = ins
                if not cmd_here:
                    cmd = None  # an ENTRYPOINT resets an inherited CMD, not one set above it in its stage
            elif ins.name == "CMD":
                cmd = ins
                cmd_here = True
    argv, why = None, None
    words: list[str] = []
    # A shell-form ENTRYPOINT ignores CMD.
    parts: tuple[Instruction | None, ...] = (entry,) if entry is not None and not entry.is_json else (entry, cmd)
    for part in parts:
        if part is None:
            continue
        if part.is_json:
            words += list(part.values)
        else:
            text = part.args_text
            split = text.split()
            program = _program_variable(split[0], _toolchain_env(final, stages)) if split and not words else None
            if program is not None and not shell.needs_shell(" ".join(split[1:])):
                split[0] = program  # `$GOPATH/bin/app`: the image's ENV says what it is
            elif shell.needs_shell(text):
                why = f"{part.name} in shell form uses shell syntax: {_shell_syntax(text)}"
                break
            words += split
    if why is None and words:
        argv = tuple(words)
        if argv[0] in ("sh", "/bin/sh", "bash", "/bin/bash", "/bin/ash", "ash", "dash"):
            why = f"runs a shell: {' '.join(argv[:3])}"
    program = None
    if argv and why is None:
        program = resolve_program(argv[0], final.workdir, final.env)
    return Entrypoint(entry, cmd, argv, program, why)


_PLAIN_VARIABLE: Final = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})")
_TOOLCHAIN_VARIABLES: Final = frozenset({"GOPATH", "GOBIN", "GOROOT"})


def _program_variable(word: str, env: dict[str, str]) -> str | None:
    """The program of a shell-form command written with a Go toolchain variable of the image
    (``$GOPATH/bin/app``), expanded; None for anything else. Nobody picks another binary
    by setting GOPATH at ``docker run``, so the value the image sets is the program."""
    names = [m.group(0).strip("${}") for m in _PLAIN_VARIABLE.finditer(word)]
    if not names or not set(names) <= _TOOLCHAIN_VARIABLES or ":" in "".join(env.get(n, "") for n in names):
        return None
    value = expand(word, env)
    if value is None or shell.needs_shell(value) or shell.needs_shell(_PLAIN_VARIABLE.sub("x", word)):
        return None
    return value


def _toolchain_env(final: StageFacts, stages: list[StageFacts]) -> dict[str, str]:
    """The final stage's environment, with the Go toolchain variables of the last Go stage
    where it sets none (a CMD moved out of the builder still names the builder's GOPATH)."""
    go = next((s for s in reversed(stages) if s.is_go), None)
    inherited = {k: v for k, v in go.env.items() if k in _TOOLCHAIN_VARIABLES} if go is not None else {}
    return {**inherited, **final.env}


def _shell_syntax(text: str) -> str:
    """A shell-form command, with a word on what in it needs the shell: variables expanded
    at start (which exec form would freeze), quotes, or operators."""
    flat = " ".join(text.split())
    if re.fullmatch(r"\s*\[.*\]\s*", flat) and any(q in flat for q in "\u201c\u201d\u2018\u2019"):
        return f"{flat} (it looks like exec form, but typographic quotes make it invalid JSON, so it runs in a shell)"
    if _PLAIN_VARIABLE.search(flat) and not re.search(r"[|&;<>()`*?]", flat):
        names = sorted({m.group(0).strip("${}") for m in _PLAIN_VARIABLE.finditer(flat)})
        return (
            f"{flat} (the shell expands ${', $'.join(names)} when the container starts, `docker run -e` values "
            "included; exec form cannot: write the values in exec form, or have the program read the variables)"
        )
    return flat


def resolve_program(program: str, workdir: str | None, env: dict[str, str]) -> str | None:
    program = expand(program, env) or program
    if program.startswith("/"):
        return paths.normpath(program)
    if "/" in program:
        return paths.normpath(paths.join(workdir, program)) if workdir else None
    return None  # a bare name is looked up on PATH; callers match it by name


def stage_copies(stage: Stage) -> list[tuple[Instruction, str | None, list[str], str]]:
    """(COPY/ADD, --from value, sources, destination) for each COPY/ADD in a stage."""
    out = []
    for ins in stage.instructions:
        if ins.name not in ("COPY", "ADD") or ins.heredocs:
            continue
        vals = list(ins.values)
        if len(vals) < 2:
            continue
        out.append((ins, ins.flag("from"), vals[:-1], vals[-1]))
    return out


def copies_to(stage_facts: StageFacts, path: str) -> bool:
    """Whether a COPY/ADD of the stage writes ``path`` (by its destination, or into its folder)."""
    for _ins, _source, srcs, dest in stage_copies(stage_facts.stage):
        dest_x = expand(dest, stage_facts.env) or dest
        if paths.normpath(dest_x) == path:
            return True
        if dest_x.endswith("/") and any(paths.join(dest_x, paths.basename(s)) == path for s in srcs):
            return True
        if paths.normpath(dest_x) == paths.dirname(path) and any(
            paths.basename(s) == paths.basename(path) for s in srcs
        ):
            return True
    return False


ROOT_USERS: Final = frozenset({"", "root", "0", "0:0", "root:root"})


def inherited_user(facts: Facts, stage: StageFacts) -> str | None:
    """The non-root USER a stage starts as, set in a stage it is built FROM; None for root."""
    for parent in facts.chain(stage)[1:]:
        users = [i.args_text for i in parent.stage.instructions if i.name == "USER"]
        if users:
            return None if users[-1] in ROOT_USERS else users[-1]
    return None
