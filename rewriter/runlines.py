"""What a RUN line does that the rewrite follows: Go builds (rewriter.gocommand), packages
installed, ``cd``/``export``/shell variables, files moved, copied or removed after a build,
folders made, and ``make`` or scripts that may hold the build (rewriter.recipes).

It reads the line as a shell would split it (rewriter.shell), command by command, and
records into the stage's facts; analysis runs it once per RUN line and stage.
"""

from __future__ import annotations

from rewriter import paths, shell
from rewriter.gocommand import KNOWN_FOLDERS, go_build
from rewriter.record import Record
from rewriter.shell import expand
from rewriter.syntax.nodes import Instruction

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

    from rewriter.analysis import StageFacts


class Move(Record):
    """A ``mv``, ``cp`` or ``rm`` in a RUN line: where a file goes after the builds before it."""

    _fields: ClassVar[tuple[str, ...]] = ("instruction", "source", "dest", "copy", "after")

    instruction: Final[Instruction]
    source: Final[str]  # absolute path of the file or folder moved, copied or removed
    dest: Final[str | None]  # its new absolute path; None when removed
    copy: Final[bool]  # cp: the source stays
    after: Final[int]  # how many builds and make runs of the stage come before it

    def __init__(self, instruction: Instruction, source: str, dest: str | None, copy: bool, after: int) -> None:
        self.instruction = instruction
        self.source = source
        self.dest = dest
        self.copy = copy
        self.after = after


class MakeRun(Record):
    """A RUN command that may build the binary through a file of the context: ``make
    [TARGET]`` (``-C DIR``, ``-f FILE``, ``VAR=value``) or a script run by path or by sh."""

    _fields: ClassVar[tuple[str, ...]] = (
        "instruction",
        "command",
        "index",
        "tool",
        "file",
        "directory",
        "targets",
        "variables",
        "env",
        "inline_env",
        "seq",
    )

    instruction: Final[Instruction]
    command: Final[shell.SimpleCommand]
    index: Final[int]  # index of ``make``/the script/``sh`` in command.words
    tool: Final[str]  # "make" or "script"
    file: Final[str | None]  # absolute path of the Makefile (None: the default names) or script
    directory: Final[str | None]  # where make or the script runs
    targets: Final[tuple[str, ...]]
    variables: Final[dict[str, str]]  # VAR=value given to make
    env: Final[dict[str, str]]  # what the command sees
    inline_env: Final[dict[str, str]]
    seq: Final[int]  # its place among the builds and make runs of the stage

    def __init__(
        self,
        instruction: Instruction,
        command: shell.SimpleCommand,
        index: int,
        tool: str,
        file: str | None,
        directory: str | None,
        targets: tuple[str, ...],
        variables: dict[str, str],
        env: dict[str, str],
        inline_env: dict[str, str],
        seq: int,
    ) -> None:
        self.instruction = instruction
        self.command = command
        self.index = index
        self.tool = tool
        self.file = file
        self.directory = directory
        self.targets = targets
        self.variables = variables
        self.env = env
        self.inline_env = inline_env
        self.seq = seq


_INSTALLERS: Final = {
    "apk": ("add",),
    "apt-get": ("install",),
    "apt": ("install",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
}


# The commands a RUN line records something from (besides go, by any path).
_FILE_COMMANDS: Final = frozenset({"mv", "cp", "rm", "mkdir"})
# Commands that run the go command named after them with their own setup: ``godep go build``.
_GO_WRAPPERS: Final = frozenset({"env", "godep"})
_RECORDED_COMMANDS: Final = frozenset(
    {"cd", "export", "make", "sh", "bash", *_GO_WRAPPERS, *_INSTALLERS, *_FILE_COMMANDS}
)
# A RUN line records something only through a `go build`/`go install`, a package
# installer, make, or a file command; without these letters (once quotes and backslashes
# are gone) it has none.
# Not Final: a test swaps it to check the shortcut against scanning every line.
_RUN_NEEDLES: tuple[str, ...] = ("go", "apk", "apt", "yum", "dnf", "mv", "cp", "rm", "mkdir", "make", ".sh")
_QUOTING: Final = str.maketrans("", "", "\\'\"")


def scan_run(ins: Instruction, facts: StageFacts, memo: dict | None) -> None:
    """``_scan_run`` through ``memo`` (see ``analyze``): most passes change one RUN line or
    none, and a RUN line records the same things while the stage's position and what it
    sees (environment, working directory, toolchain, folders, earlier builds) are the same."""
    if memo is None:
        _scan_run(ins, facts)
        return
    key = (
        "RUN",
        id(ins),
        facts.index,
        facts.workdir,
        tuple(facts.env.items()),
        facts.go_version,
        facts.module_hint,
        facts.events,
        frozenset(facts.folders),
    )
    entry = memo.get(key)
    if entry is None or entry[0] is not ins:
        packages, builds, moves, makes = len(facts.packages), len(facts.builds), len(facts.moves), len(facts.makes)
        folders, events = set(facts.folders), facts.events
        _scan_run(ins, facts)
        memo[key] = (
            ins,
            facts.packages[packages:],
            facts.builds[builds:],
            facts.moves[moves:],
            facts.makes[makes:],
            facts.folders - folders,
            facts.module_hint,
            facts.events - events,
        )
    else:
        facts.packages += entry[1]
        facts.builds += entry[2]
        facts.moves += entry[3]
        facts.makes += entry[4]
        facts.folders |= entry[5]
        facts.module_hint = entry[6]
        facts.events += entry[7]


def _scan_run(ins: Instruction, facts: StageFacts) -> None:
    text = ins.arguments.value
    plain = text.translate(_QUOTING)
    if not any(needle in plain for needle in _RUN_NEEDLES):
        return
    exported: dict[str, str] = {}
    assigned: dict[str, str] = {}  # NAME=value commands: shell variables for the rest of the line
    unknown: set[str] = set()  # variables assigned a value goslim cannot tell
    cwd = facts.workdir
    for command in shell.split_commands(text):
        program = command.program
        if program is None:
            for word in command.assignments:
                k, v = word.value.split("=", 1)
                value = expand(v, {**facts.env, **exported, **assigned})
                if value is None or "$(" in word.raw or "`" in word.raw:
                    unknown.add(k)
                    assigned.pop(k, None)
                else:
                    assigned[k] = value
                    unknown.discard(k)
            continue
        first = program.value
        if first not in _RECORDED_COMMANDS and paths.basename(first) != "go" and not first.endswith(".sh"):
            continue  # nothing below records it
        argv = command.argv
        words = [w.value for w in argv]
        scope = {k: v for k, v in {**facts.env, **exported, **assigned}.items() if k not in unknown}
        if words[0] == "cd":
            target = expand(words[1], scope) if len(words) > 1 else None
            if target is None or target == "-" or cwd is None and not target.startswith("/"):
                cwd = None
            else:
                cwd = paths.normpath(paths.join(cwd or "/", target))
            continue
        if words[0] == "export":
            for w in words[1:]:
                if "=" in w:
                    k, v = w.split("=", 1)
                    exported[k] = v
            continue
        if words[0] in _INSTALLERS and len(words) > 1:
            verbs = _INSTALLERS[words[0]]
            if any(v in words for v in verbs):
                after = words[words.index(next(v for v in verbs if v in words)) + 1 :]
                for pkg in after:
                    if not pkg.startswith("-") and not pkg.startswith("."):
                        facts.packages.append((ins, pkg))
            continue
        if words[0] in _FILE_COMMANDS:
            _file_command(ins, facts, words, cwd, scope)
            continue
        if words[0] in ("make", "sh", "bash") or words[0].endswith(".sh"):
            run = _make_run(ins, facts, command, argv, cwd, scope, exported)
            if run is not None:
                facts.makes.append(run)
                facts.events += 1
            continue
        # `env A=B go build`, `godep go build`, `go build`
        offset = 1 if words[0] == "godep" else shell.env_prefix(words)
        if offset + 1 < len(words) and paths.basename(words[offset]) == "go":
            verb = words[offset + 1]
            if verb == "mod":
                facts.module_hint = True
            if verb not in ("build", "install", "get"):
                continue
            go_word = argv[offset]
            go_index = command.words.index(go_word)
            inline = dict(command.env)
            for w in words[1:offset] if words[0] == "env" else ():
                k, v = w.split("=", 1)
                inline[k] = v
            env = {**facts.env, **exported, **inline}
            wrapped = words[0] == "godep"
            build = go_build(
                facts,
                ins,
                command,
                go_index,
                argv[offset + 2 :],
                verb,
                env,
                {**exported, **inline},
                cwd,
                scope,
                "godep" if wrapped else None,
                env_index=command.words.index(argv[0]) if wrapped else None,
            )
            if build is not None:
                facts.builds.append(build)
                facts.events += 1


_MAKE_VALUE_OPTIONS: Final = frozenset(
    {"-C", "-f", "-j", "-l", "-I", "-o", "-W", "--directory", "--file", "--makefile"}
)


def _make_run(
    ins: Instruction,
    facts: StageFacts,
    command: shell.SimpleCommand,
    argv: tuple[shell.Word, ...],
    cwd: str | None,
    scope: dict[str, str],
    exported: dict[str, str],
) -> MakeRun | None:
    """``make ...``, ``./build.sh``, ``sh build.sh``: a command that may run the go build
    from a file of the context (see rewriter.recipes)."""
    words = [w.value for w in argv]
    index = command.words.index(argv[0])
    env = {**facts.env, **exported, **dict(command.env)}
    inline = {**exported, **dict(command.env)}
    seq = facts.events
    if words[0] == "make":
        directory, file = cwd, None
        targets: list[str] = []
        variables: dict[str, str] = {}
        i = 1
        while i < len(words):
            w = words[i]
            value: str | None = None
            if w in _MAKE_VALUE_OPTIONS:
                if i + 1 == len(words):
                    return None
                value = words[i + 1]
                i += 1
            elif w.startswith("--") and "=" in w:
                w, _, value = w.partition("=")
            elif w[:2] in ("-C", "-f") and len(w) > 2:
                w, value = w[:2], w[2:]
            elif w.startswith("-"):
                i += 1
                continue
            elif "=" in w:
                k, _, v = w.partition("=")
                variables[k] = v
                i += 1
                continue
            else:
                targets.append(w)
                i += 1
                continue
            resolved = expand(value, scope)
            if w in ("-C", "--directory"):
                if resolved is None or (cwd is None and not resolved.startswith("/")):
                    directory = None
                else:
                    directory = paths.normpath(paths.join(directory or "/", resolved))
            elif w in ("-f", "--file", "--makefile"):
                file = resolved if resolved is not None else "$"
            i += 1
        if file is not None:
            if file == "$" or directory is None:
                return None
            file = paths.normpath(paths.join(directory, file))
        return MakeRun(ins, command, index, "make", file, directory, tuple(targets), variables, env, inline, seq)
    script = words[0]
    rest = words[1:]
    if script in ("sh", "bash"):
        if not rest or rest[0].startswith("-"):
            return None  # sh -c '...', or options goslim does not read
        script, rest = rest[0], rest[1:]
    resolved = expand(script, scope)
    if resolved is None or "/" not in script and words[0] not in ("sh", "bash"):
        return None  # a bare name is looked up on PATH, not in the context
    if not resolved.startswith("/") and cwd is None:
        return None
    path = paths.normpath(paths.join(cwd or "/", resolved))
    return MakeRun(ins, command, index, "script", path, cwd, tuple(rest), {}, env, inline, seq)


def _file_command(
    ins: Instruction, facts: StageFacts, words: list[str], cwd: str | None, scope: dict[str, str]
) -> None:
    """Record what ``mkdir``, ``mv``, ``cp`` and ``rm`` do to paths goslim can resolve."""
    operands: list[str] = []
    for w in words[1:]:
        if w.startswith("-") and not operands:
            continue
        value = expand(w, scope)
        if value is None or any(c in value for c in "*?[") or (not value.startswith("/") and cwd is None):
            return  # a path goslim cannot tell: record nothing of the command
        operands.append(paths.normpath(paths.join(cwd or "/", value)))
    after = facts.events
    if words[0] == "mkdir":
        facts.folders.update(operands)
    elif words[0] == "rm":
        facts.moves.extend(Move(ins, path, None, False, after) for path in operands)
    elif len(operands) >= 2:
        *sources, dest = operands
        into = len(sources) > 1 or words[-1].endswith("/") or dest in facts.folders or dest in KNOWN_FOLDERS
        for source in sources:
            target = paths.join(dest, paths.basename(source)) if into else dest
            facts.moves.append(Move(ins, source, target, words[0] == "cp", after))
