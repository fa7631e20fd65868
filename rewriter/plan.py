"""Which Go build makes the binary the image runs, and where that binary lives.

Every pass works from the same answer: the build to make static, the stage it runs in,
the stage the image finally runs (when it is already separate), and the binary's path
in both. When the answer is not certain the rewrite is refused: guessing the wrong
binary builds an image that does not start.
"""

from __future__ import annotations

import re

from rewriter import paths
from rewriter.analysis import (
    PATH_DIRS,
    SCRIPT_SUFFIXES,
    Entrypoint,
    Facts,
    GoBuild,
    MakeRun,
    Move,
    StageFacts,
    expand,
    go_run_at,
    path_dirs,
    stage_copies,
)
from rewriter.recipes import Recipes, Resolved
from rewriter.record import Record
from rewriter.rules import Rule
from rewriter.syntax.nodes import Instruction
from rewriter.verdicts import GO_RUN, NEEDS_SHELL, NO_BUILD, UNCLEAR_ENTRYPOINT, UNKNOWN_OUTPUT

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final


class Plan(Record):
    _fields: ClassVar[tuple[str, ...]] = (
        "build",
        "builder",
        "runtime",
        "binary",
        "runtime_binary",
        "entry",
        "add_output",
    )

    build: Final[GoBuild]
    builder: Final[StageFacts]
    runtime: Final[StageFacts | None]  # the final stage when it is already separate from the builder
    binary: Final[str]  # absolute path of the binary in the builder stage
    runtime_binary: Final[str]  # absolute path of the binary in the final image
    entry: Final[Entrypoint]
    add_output: Final[bool]  # the build has no -o; the pass must add one for ``binary``

    def __init__(
        self,
        build: GoBuild,
        builder: StageFacts,
        runtime: StageFacts | None,
        binary: str,
        runtime_binary: str,
        entry: Entrypoint,
        add_output: bool = False,
    ) -> None:
        self.build = build
        self.builder = builder
        self.runtime = runtime
        self.binary = binary
        self.runtime_binary = runtime_binary
        self.entry = entry
        self.add_output = add_output


class NoPlan(Record):
    _fields: ClassVar[tuple[str, ...]] = ("rule", "reason", "line_of")

    rule: Final[Rule]  # the refusal
    reason: Final[str]
    line_of: Final[Instruction | None]  # the instruction the reason points at

    def __init__(self, rule: Rule, reason: str, line_of: Instruction | None = None) -> None:
        self.rule = rule
        self.reason = reason
        self.line_of = line_of


class _Builds:
    """The Go builds a stage sees (its own and its parents', nearest stage first), those a
    make target or script of the context runs included, and where each binary is at the end
    of a stage once the ``mv``/``cp``/``rm`` after the build are applied."""

    def __init__(self, facts: Facts, recipes: Recipes | None) -> None:
        self.facts = facts
        self.recipes = recipes
        self._resolved: dict[int, Resolved] = {}

    def _resolve(self, stage: StageFacts, run: MakeRun) -> Resolved:
        key = id(run)
        if key not in self._resolved:
            reader = self.recipes if self.recipes is not None else Recipes(None)
            self._resolved[key] = reader.resolve(self.facts, stage, run)
        return self._resolved[key]

    def of(self, stage: StageFacts) -> list[GoBuild]:
        out: list[GoBuild] = []
        for s in self.facts.chain(stage):
            out += s.builds
            out += [b for run in s.makes if (b := self._resolve(s, run).build) is not None]
        return out

    def unread(self, stage: StageFacts) -> list[tuple[MakeRun, str]]:
        """The make and script runs whose build goslim could not read, and why."""
        out: list[tuple[MakeRun, str]] = []
        for s in self.facts.chain(stage):
            for run in s.makes:
                resolved = self._resolve(s, run)
                if resolved.build is None and resolved.reason is not None:
                    out.append((run, resolved.reason))
        return out

    def _moves(self, build: GoBuild, until: StageFacts) -> list[Move]:
        """The mv/cp/rm after the build, in its stage and the stages built FROM it up to ``until``."""
        moves: list[Move] = []
        started = False
        for s in reversed(self.facts.chain(until)):
            if s.index == build.stage:
                started = True
                moves += [m for m in s.moves if m.after > build.seq]
            elif started:
                moves += s.moves
        return moves

    def locations(self, build: GoBuild, until: StageFacts, main_names: tuple[str, ...] = ()) -> list[str]:
        """Where the build's binary (or binaries) are at the end of ``until``."""
        starts = [build.binary] if build.binary is not None else list(build.installs) or _installed(build, main_names)
        moves = self._moves(build, until)
        out: list[str] = []
        for start in starts:
            out += _follow(start, moves)
        return out

    def claimed(self, build: GoBuild, until: StageFacts) -> list[str] | None:
        """For a binary Go names itself: where it is at the end of ``until`` when a later
        ``mv``/``cp`` takes a file out of the folder Go wrote it to (that file is the
        binary: the original build stops there if Go wrote another name); None when none does."""
        if build.out_dir is None:
            return None
        moves = self._moves(build, until)
        for i, m in enumerate(moves):
            if m.dest is not None and paths.dirname(m.source) == build.out_dir:
                return _follow(m.source, moves[i:])
        return None


def _follow(path: str, moves: list[Move]) -> list[str]:
    """Where a file ends up after ``moves``: mv moves it (or the folder holding it), cp
    copies it, rm removes it."""
    here = {path}
    for m in moves:
        for p in list(here):
            if p == m.source or p.startswith(m.source.rstrip("/") + "/"):
                if m.dest is None:
                    here.discard(p)
                    continue
                moved = m.dest + p[len(m.source) :]
                if not m.copy:
                    here.discard(p)
                here.add(moved)
    return sorted(here)


def _unnamed(build: GoBuild) -> bool:
    """Whether Go picks the binary's name itself and goslim cannot tell it from the file."""
    if build.binary is not None or build.installs or build.out_dir is None:
        return False
    if build.verb == "build" and build.output is None and any("..." in p for p in build.packages):
        return False  # `go build ./...` keeps no binary
    return True


def _matches(binary: str | None, program: str | None, bare: str | None, lookup: tuple[str, ...]) -> bool:
    if binary is None:
        return False
    if program is not None:
        return binary == program
    if bare is not None:
        return paths.basename(binary) == bare and paths.dirname(binary) in lookup
    return False


def _copies_from_stages(facts: Facts, stage: StageFacts) -> bool:
    """Whether the stage copies files from an earlier stage (COPY --from=NAME)."""
    for _ins, source, _srcs, _dest in stage_copies(stage.stage):
        origin = facts.stage_named(source) if source is not None else None
        if origin is not None and origin.index < stage.index:
            return True
    return False


def select(
    facts: Facts,
    binary_name_hint: str | None = None,
    main_names: tuple[str, ...] = (),
    ambiguity: str | None = None,
    recipes: Recipes | None = None,
) -> Plan | NoPlan:
    """Find the build behind the image's entrypoint.

    From the build context, when it was read: ``binary_name_hint`` is the name Go gives
    the binary of the package built, ``main_names`` the binary names of every main
    package a ``./...`` pattern installs, ``ambiguity`` why the main package is not
    clear (with how to choose it in config), and ``recipes`` reads the Makefiles and
    scripts a RUN line runs."""
    final = facts.final
    entry = facts.entry
    if final is None or entry is None:
        return NoPlan(NO_BUILD, "no build stage")
    named = [s for s in facts.stages if s.name]
    twice = next((s for i, s in enumerate(named) if any(t.name == s.name for t in named[:i])), None)
    if twice is not None:  # BuildKit and hadolint (DL3024) refuse it; which one COPY --from means is a guess
        return NoPlan(UNCLEAR_ENTRYPOINT, f"two stages are named `{twice.name}`", twice.stage.from_instruction)
    if entry.needs_shell:
        return NoPlan(NEEDS_SHELL, entry.needs_shell, entry.entrypoint or entry.cmd)
    if entry.argv is None:
        return NoPlan(
            UNCLEAR_ENTRYPOINT,
            "the image sets no CMD or ENTRYPOINT, so there is no binary to point the "
            'runtime at (a build or tool image?); add CMD ["/path/to/binary"] if it '
            "runs a service",
        )
    runs = entry.entrypoint or entry.cmd
    if go_run_at(entry.argv) == 0:
        return NoPlan(GO_RUN, "the image starts with `go run`", runs)
    if entry.argv[0].endswith(SCRIPT_SUFFIXES):
        return NoPlan(NEEDS_SHELL, f"the entrypoint is a script ({entry.argv[0]})", runs)
    if WINDOWS_PATH.match(entry.argv[0]) or "\\" in entry.argv[0]:
        return NoPlan(
            UNCLEAR_ENTRYPOINT,
            f"the image runs a Windows program ({entry.argv[0]}); a scratch runtime runs Linux binaries only",
            runs,
        )
    program = entry.program_path
    bare = entry.argv[0] if program is None and "/" not in entry.argv[0] else None
    lookup = path_dirs(final.env)
    found = _Builds(facts, recipes)
    own = found.of(final)
    if own or (final.is_go and not _copies_from_stages(facts, final)):
        return _one_stage(facts, found, own, entry, program, bare, lookup, binary_name_hint, main_names, ambiguity)
    return _from_stages(facts, found, entry, program, bare, main_names)


WINDOWS_PATH: Final = re.compile(r"^[A-Za-z]:[\\/]")


def _one_stage(
    facts: Facts,
    found: _Builds,
    builds: list[GoBuild],
    entry: Entrypoint,
    program: str | None,
    bare: str | None,
    lookup: tuple[str, ...],
    binary_name_hint: str | None,
    main_names: tuple[str, ...],
    ambiguity: str | None,
) -> Plan | NoPlan:
    """The image builds and runs in one stage (and the stages it is FROM)."""
    final = facts.final
    assert final is not None and entry.argv is not None
    runs = entry.entrypoint or entry.cmd
    shown = " ".join(entry.argv)
    if not builds:
        return _no_build(facts, found, final)
    hits = [
        (b, loc)
        for b in builds
        for loc in found.locations(b, final, main_names)
        if _matches(loc, program, bare, lookup)
    ]
    if hits:
        if len({loc for _, loc in hits}) == 1:
            build, loc = hits[-1]
            return Plan(build, facts.stages[build.stage], None, loc, loc, entry)
        names = ", ".join(sorted({loc for _, loc in hits}))
        return NoPlan(UNCLEAR_ENTRYPOINT, f"several Go builds write what `{shown}` runs ({names})", runs)
    trusted = _trusted(facts, found, builds, final, program, bare, lookup, binary_name_hint, main_names)
    if len({path for _, path, _ in trusted}) == 1:  # several installs of the same binary: the last one wins
        trusted = trusted[-1:]
    if len(trusted) == 1:
        build, loc, add = trusted[0]
        return Plan(build, facts.stages[build.stage], None, loc, loc, entry, add_output=add)
    if ambiguity:
        return NoPlan(UNCLEAR_ENTRYPOINT, ambiguity, builds[0].instruction)
    if len(trusted) > 1:
        return NoPlan(UNCLEAR_ENTRYPOINT, f"several Go builds could write what `{shown}` runs and none names it", runs)
    return _unmatched(facts, found, builds, final, entry, program, bare, lookup)


def _trusted(
    facts: Facts,
    found: _Builds,
    builds: list[GoBuild],
    until: StageFacts,
    program: str | None,
    bare: str | None,
    lookup: tuple[str, ...],
    binary_name_hint: str | None,
    main_names: tuple[str, ...],
) -> list[tuple[GoBuild, str, bool]]:
    """Builds whose binary Go names itself, where what the image runs is in the folder Go
    writes to: the name the image uses is the name Go gave (the original image would not
    start otherwise). (build, path, whether to add ``-o`` so the name no longer depends on Go)."""
    out: list[tuple[GoBuild, str, bool]] = []
    for build in builds:
        if not _unnamed(build) or (main_names and build.verb != "build"):
            continue  # the sources named every main package an install writes
        assert build.out_dir is not None
        claimed = found.claimed(build, until)
        if claimed is not None:
            out += [(build, loc, False) for loc in claimed if _matches(loc, program, bare, lookup)]
            continue
        if program is not None and paths.dirname(program) == build.out_dir:
            path = program
        elif (
            bare is not None
            and build.out_dir in lookup
            and not _provided_otherwise(facts, until, bare, build.out_dir, lookup)
        ):
            path = paths.join(build.out_dir, bare)
        else:
            continue
        if binary_name_hint and build.verb == "build" and binary_name_hint != paths.basename(path):
            continue
        add = build.verb == "build" and build.output is None and not build.via_recipe and len(build.packages) <= 1
        out.append((build, path, add))
    return out


# Programs a distribution or the golang image has: a bare name of these is not taken for a
# binary of `go install ./...` just because GOBIN comes first on PATH.
SYSTEM_COMMANDS: Final = frozenset(
    {
        "sh",
        "bash",
        "ash",
        "dash",
        "sleep",
        "tail",
        "cat",
        "echo",
        "true",
        "env",
        "make",
        "go",
        "gofmt",
        "git",
        "curl",
        "wget",
        "nginx",
        "crond",
        "cron",
        "tini",
        "dumb-init",
        "supervisord",
        "su-exec",
        "gosu",
        "node",
        "npm",
        "python",
        "python3",
        "java",
        "ruby",
        "perl",
        "ls",
        "top",
        "ps",
        "watch",
        "tmux",
        "screen",
        "ssh",
        "sshd",
    }
)


def _provided_otherwise(facts: Facts, stage: StageFacts, bare: str, out_dir: str, lookup: tuple[str, ...]) -> bool:
    """Whether the image may get the program ``bare`` from somewhere other than Go's
    install folder: a system command, a package of that name, or a file the Dockerfile
    writes or copies under that name into another folder on PATH (``curl -o /usr/bin/NAME``)."""
    if bare in SYSTEM_COMMANDS:
        return True
    named = re.compile(r"(?<![\w.$}-])(/[\w./-]*?)/" + re.escape(bare) + r"(?![\w.-])")
    for s in facts.chain(stage):
        if any(pkg.split("=")[0] == bare for _ins, pkg in s.packages):
            return True
        for ins in s.stage.instructions:
            if ins.name not in ("RUN", "COPY", "ADD"):
                continue
            for m in named.finditer(ins.args_text):
                folder = paths.normpath(m.group(1))
                if folder != out_dir and folder in lookup:
                    return True
            values = ins.values if ins.name != "RUN" else ()
            if len(values) >= 2 and any(paths.basename(v.rstrip("/")) == bare for v in values[:-1]):
                dest = expand(values[-1], s.env) or values[-1]
                if paths.normpath(paths.join(s.workdir or "/", dest)) in lookup:
                    return True
    return False


def _no_build(facts: Facts, found: _Builds, final: StageFacts) -> NoPlan:
    """Why a single-stage image has no Go build goslim can follow."""
    heredocs = [i for s in facts.chain(final) for i in s.heredoc_builds]
    if heredocs:
        return NoPlan(NO_BUILD, HEREDOC_BUILD, heredocs[0])
    unread = found.unread(final)
    if unread:
        run, why = unread[-1]
        return NoPlan(
            NO_BUILD,
            f"the binary is built by `{' '.join(w.value for w in run.command.argv)[:60]}`: {why}",
            run.instruction,
        )
    onbuild = next((s for s in facts.chain(final) if re.search(ONBUILD_IMAGE, s.base)), None)
    if onbuild is not None:
        return NoPlan(
            NO_BUILD,
            f"FROM {onbuild.base} builds through ONBUILD triggers hidden in the base image "
            "(COPY . /go/src/app, go-wrapper install); write the build out: COPY, "
            'RUN go build -o /app/server ., CMD ["/app/server"]',
            onbuild.stage.from_instruction,
        )
    getting = next(
        (
            ins
            for s in facts.chain(final)
            for ins in s.stage.instructions
            if ins.name == "RUN" and not ins.is_json and re.search(GO_GET, ins.arguments.value)
        ),
        None,
    )
    if getting is not None:
        return NoPlan(
            NO_BUILD,
            "`go get` builds no binary here (Go 1.18 and later only add modules to go.mod, "
            "`-d` only downloads); build with `go install PACKAGE@VERSION` or `go build -o`",
            getting,
        )
    exec_form = next(
        (
            ins
            for s in facts.chain(final)
            for ins in s.stage.instructions
            if ins.name == "RUN"
            and ins.is_json
            and ins.values[:1] == ("go",)
            and ins.values[1:2] in (("build",), ("install",))
        ),
        None,
    )
    if exec_form is not None:
        shell_form = " ".join(exec_form.values)
        return NoPlan(
            NO_BUILD,
            f"the build is a RUN in exec form ({exec_form.arguments.value.strip()[:60]}), which "
            f"goslim does not edit: write it in shell form, RUN {shell_form}",
            exec_form,
        )
    return NoPlan(NO_BUILD, "no `go build` or `go install` of the service in the image")


HEREDOC_BUILD: Final = "the Go build runs in a heredoc script (RUN <<EOF); goslim edits only RUN lines"
ONBUILD_IMAGE: Final = r"(?i)golang:[^@]*onbuild"
GO_GET: Final = r"\bgo\s+get\b"


def _unmatched(
    facts: Facts,
    found: _Builds,
    builds: list[GoBuild],
    final: StageFacts,
    entry: Entrypoint,
    program: str | None,
    bare: str | None,
    lookup: tuple[str, ...],
) -> NoPlan:
    """Why none of the builds writes what a single-stage image runs, said so the user can act."""
    assert entry.argv is not None
    runs = entry.entrypoint or entry.cmd
    shown = " ".join(entry.argv)
    name = entry.argv[0]
    copied = _copied_from_context(final, program, bare, lookup, name)
    if copied is not None:
        return copied
    wrote = [loc for b in builds for loc in found.locations(b, final)]
    installs_there = [b for b in builds if _unnamed(b) and b.out_dir in lookup]
    if (
        bare is not None
        and not any(paths.basename(loc) == bare for loc in wrote)
        and all(
            b.out_dir is not None and _provided_otherwise(facts, final, bare, b.out_dir, lookup) for b in installs_there
        )
    ):
        return NoPlan(
            UNCLEAR_ENTRYPOINT,
            f"the image runs `{bare}`, which no Go build in the file produces (it comes "
            "from the base image, a package or a download); a scratch runtime would not "
            "have it",
            runs,
        )
    if len(builds) > 1:
        names = ", ".join(loc for loc in wrote) or "?"
        return NoPlan(
            UNCLEAR_ENTRYPOINT, f"several Go builds ({names}) and none is clearly the one `{shown}` runs", runs
        )
    build = builds[0]
    near = [
        loc
        for loc in wrote
        if paths.basename(loc) == paths.basename(program or "") or paths.dirname(loc) == paths.dirname(program or "")
    ]
    if program is not None and wrote and not near and not any(_unnamed(b) for b in builds):
        return NoPlan(
            UNCLEAR_ENTRYPOINT,
            f"the image runs {program}, which no Go build in the file writes (`go "
            f"{build.verb}` writes {', '.join(wrote)}); a scratch runtime would not "
            "have it",
            runs,
        )
    if wrote and program is not None:
        return NoPlan(
            UNKNOWN_OUTPUT,
            f"`go {build.verb}` writes {', '.join(wrote)}, but the image runs {program}",
            build.instruction,
        )
    return NoPlan(
        UNKNOWN_OUTPUT,
        f"cannot tell where `go {build.verb}` puts the binary that `{shown}` runs; add `-o /path/to/binary`",
        build.instruction,
    )


def _copied_from_context(
    stage: StageFacts, program: str | None, bare: str | None, lookup: tuple[str, ...], name: str
) -> NoPlan | None:
    """The refusal when a COPY/ADD from the build context puts the program in the image:
    a prebuilt file, not a Go build goslim can make static."""
    for ins, source, srcs, dest in stage_copies(stage.stage):
        if source is not None:
            continue
        dest_x = expand(dest, stage.env)
        if dest_x is None:
            continue
        for src in srcs:
            target = _copy_target(paths.normpath(paths.join("/", src)), dest_x, stage.workdir, len(srcs) > 1)
            if target is not None and _matches(target, program, bare, lookup):
                return NoPlan(
                    UNKNOWN_OUTPUT,
                    f"the image runs {name}, which `{ins.code.strip()[:80]}` takes from the build "
                    "context: it is not a Go build goslim can make static",
                    ins,
                )
    return None


def _from_stages(
    facts: Facts, found: _Builds, entry: Entrypoint, program: str | None, bare: str | None, main_names: tuple[str, ...]
) -> Plan | NoPlan:
    """Multi-stage: find the COPY --from that brings the program into the final stage."""
    final = facts.final
    assert final is not None and entry.argv is not None
    lookup = path_dirs(final.env)
    for ins, source, srcs, dest in stage_copies(final.stage):
        if source is None:
            continue
        origin = facts.stage_named(source)
        if origin is None or origin.index >= final.index:
            continue
        dest_x = expand(dest, final.env)
        if dest_x is None:
            continue
        for src in srcs:
            src_x = expand(src, origin.env)
            if src_x is None:
                continue
            src_abs = paths.normpath(paths.join("/", src_x))  # COPY --from reads from the stage's root
            target = _copy_target(src_abs, dest_x, final.workdir, len(srcs) > 1)
            # A bare program name is found on PATH; the copied file with that name is the one.
            if target is None or not (
                (program is not None and target == program)
                or (bare is not None and paths.basename(target) == bare and paths.dirname(target) in lookup)
            ):
                continue
            builds = found.of(origin)
            hits = [b for b in builds if src_abs in found.locations(b, origin, main_names)]
            if hits:
                build = hits[-1]
                return Plan(build, facts.stages[build.stage], final, src_abs, target, entry)
            trusted = _trusted(facts, found, builds, origin, src_abs, None, (), None, main_names)[-1:]
            if len(trusted) == 1:
                build, _, add = trusted[0]
                return Plan(build, facts.stages[build.stage], final, src_abs, target, entry, add_output=add)
            head = (
                f"the final stage runs {target}, copied from stage `{source}`, where no go command goslim can "
                f"read writes {src_abs}"
            )
            return NoPlan(UNKNOWN_OUTPUT, head + _hidden_build(facts, found, origin), ins)
    name = entry.argv[0]
    folder = _folder_copy(facts, final, program, bare, lookup)
    if folder is not None:
        return NoPlan(
            UNCLEAR_ENTRYPOINT,
            f"the final stage runs {name} out of a whole folder it copies "
            f"(`{folder.code.strip()[:80]}`); goslim carries one binary",
            folder,
        )
    copied = _copied_from_context(final, program, bare, lookup, name)
    if copied is not None:
        return copied
    heredocs = [i for s in facts.stages for i in s.heredoc_builds]
    if heredocs and not any(s.builds for s in facts.stages):
        return NoPlan(NO_BUILD, HEREDOC_BUILD, heredocs[0])
    runs = entry.entrypoint or entry.cmd
    if any(s.builds or s.makes for s in facts.stages):
        own_base = final.base.lower() != "scratch" and final.parent is None
        base = f" (FROM {final.base} must provide it)" if own_base else ""
        return NoPlan(
            UNCLEAR_ENTRYPOINT,
            f"the image runs `{' '.join(entry.argv)}`, which no COPY --from of a Go "
            f"build brings into the final stage{base}",
            runs,
        )
    return NoPlan(NO_BUILD, "no `go build` or `go install` of the service in the image")


def _hidden_build(facts: Facts, found: _Builds, stage: StageFacts) -> str:
    """What in a stage may build the binary out of goslim's sight, said as the end of a refusal."""
    unread = found.unread(stage)
    if unread:
        run, why = unread[-1]
        return f"; `{' '.join(w.value for w in run.command.argv)[:60]}` may: {why}"
    for s in facts.chain(stage):
        for ins in s.stage.instructions:
            if ins.name != "RUN" or ins.is_json:
                continue
            text = ins.arguments.value
            m = re.search(GO_RUN_TOOL, text)
            if m:
                return f"; `{m.group(0)}` may, a build program goslim does not follow"
            if re.search(GO_GET, text):
                return (
                    "; `go get` builds nothing there (from Go 1.18 it only edits go.mod, and `-d` only "
                    "downloads): install with `go install PACKAGE@VERSION`"
                )
    return ""


GO_RUN_TOOL: Final = r"\bgo\s+run\s+[\w./-]+"


def _folder_copy(
    facts: Facts, final: StageFacts, program: str | None, bare: str | None, lookup: tuple[str, ...]
) -> Instruction | None:
    """A COPY --from of a folder into the folder the program runs from."""
    want = paths.dirname(program) if program is not None else None
    for ins, source, srcs, dest in stage_copies(final.stage):
        if source is None or len(srcs) != 1 or not srcs[0].endswith("/"):
            continue
        dest_x = expand(dest, final.env)
        if dest_x is None:
            continue
        folder = paths.normpath(paths.join(final.workdir or "/", dest_x))
        if folder == want or (bare is not None and folder in lookup):
            return ins
    return None


def _installed(build: GoBuild, main_names: tuple[str, ...]) -> list[str]:
    """Where a build of several main packages writes their binaries: `go install ./...`
    into GOBIN, `go build -o DIR/ ./...` into DIR, each named after its package."""
    if build.binary is not None or not main_names or build.out_dir is None:
        return []
    if build.verb == "build" and build.output is None:
        return []
    return [paths.join(build.out_dir, name) for name in main_names]


def _copy_target(src: str, dest: str, workdir: str | None, many: bool) -> str | None:
    """Where ``COPY src dest`` puts a single file."""
    if not dest.startswith("/"):
        if workdir is None:
            return None
        dest_abs = paths.join(workdir, dest)
    else:
        dest_abs = dest
    is_dir = many or dest.endswith("/") or dest in (".", "./") or paths.normpath(dest_abs) in PATH_DIRS
    dest_abs = paths.normpath(dest_abs)
    return paths.join(dest_abs, paths.basename(src)) if is_dir else dest_abs
