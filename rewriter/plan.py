"""Which Go build makes the binary the image runs, and where that binary lives.

Every pass works from the same answer: the build to make static, the stage it runs in,
the stage the image finally runs (when it is already separate), and the binary's path
in both. When the answer is not certain the rewrite is refused: guessing the wrong
binary builds an image that does not start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rewriter import paths
from rewriter.analysis import (
    PATH_DIRS,
    SCRIPT_SUFFIXES,
    Entrypoint,
    Facts,
    GoBuild,
    StageFacts,
    expand,
    go_run_at,
    stage_copies,
)
from rewriter.rules import Rule
from rewriter.syntax.nodes import Instruction
from rewriter.verdicts import GO_RUN, NEEDS_SHELL, NO_BUILD, UNCLEAR_ENTRYPOINT, UNKNOWN_OUTPUT


@dataclass(init=False, slots=True)
class Plan:
    build: Final[GoBuild]
    builder: Final[StageFacts]
    runtime: Final[StageFacts | None]   # the final stage when it is already separate from the builder
    binary: Final[str]                  # absolute path of the binary in the builder stage
    runtime_binary: Final[str]          # absolute path of the binary in the final image
    entry: Final[Entrypoint]
    add_output: Final[bool]     # the build has no -o; the pass must add one for ``binary``

    def __init__(self, build: GoBuild, builder: StageFacts, runtime: StageFacts | None, binary: str,
                 runtime_binary: str, entry: Entrypoint, add_output: bool = False) -> None:
        self.build = build
        self.builder = builder
        self.runtime = runtime
        self.binary = binary
        self.runtime_binary = runtime_binary
        self.entry = entry
        self.add_output = add_output


@dataclass(init=False, slots=True)
class NoPlan:
    rule: Final[Rule]    # the refusal
    reason: Final[str]
    line_of: Final[Instruction | None]  # the instruction the reason points at

    def __init__(self, rule: Rule, reason: str, line_of: Instruction | None = None) -> None:
        self.rule = rule
        self.reason = reason
        self.line_of = line_of


def _builds_in(facts: Facts, stage: StageFacts) -> list[GoBuild]:
    return [b for s in facts.chain(stage) for b in s.builds]


def _matches(binary: str | None, program: str | None, bare: str | None, gobin: str) -> bool:
    if binary is None:
        return False
    if program is not None:
        return binary == program
    if bare is not None:
        folder = paths.dirname(binary)
        return paths.basename(binary) == bare and (folder in PATH_DIRS or folder == gobin)
    return False


def select(facts: Facts, binary_name_hint: str | None = None, main_names: tuple[str, ...] = (),
           ambiguity: str | None = None) -> Plan | NoPlan:
    """Find the build behind the image's entrypoint.

    From the build context, when it was read: ``binary_name_hint`` is the name Go gives
    the binary of the package built, ``main_names`` the binary names of every main
    package a ``./...`` pattern installs, and ``ambiguity`` why the main package is not
    clear (with how to choose it in config)."""
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
        return NoPlan(UNCLEAR_ENTRYPOINT, "the image sets no CMD or ENTRYPOINT, so there is no binary to point the runtime at")
    if go_run_at(entry.argv) == 0:
        return NoPlan(GO_RUN, "the image starts with `go run`", entry.entrypoint or entry.cmd)
    if entry.argv[0].endswith(SCRIPT_SUFFIXES):
        return NoPlan(NEEDS_SHELL, f"the entrypoint is a script ({entry.argv[0]})", entry.entrypoint or entry.cmd)
    program = entry.program_path
    bare = entry.argv[0] if program is None and "/" not in entry.argv[0] else None
    gobin = final.env.get("GOBIN") or paths.join(final.env.get("GOPATH", "/go"), "bin")

    if final.is_go or _builds_in(facts, final):  # the image builds and runs in one stage
        builds = _builds_in(facts, final)
        if not builds:
            heredocs = [i for s in facts.chain(final) for i in s.heredoc_builds]
            if heredocs:
                return NoPlan(NO_BUILD, "the Go build runs in a heredoc script (RUN <<EOF); goslim edits only RUN lines", heredocs[0])
            return NoPlan(NO_BUILD, "no `go build` or `go install` of the service in the image")
        hits = [b for b in builds if _matches(b.binary, program, bare, gobin)]
        if not hits:
            for b in builds:
                for path in _installed(b, main_names):
                    if _matches(path, program, bare, gobin):
                        return Plan(b, facts.stages[b.stage], None, path, path, entry)
        if len(hits) == 1 or (hits and all(h.binary == hits[0].binary for h in hits)):
            build = hits[-1]
            assert build.binary is not None  # it matched the program
            return Plan(build, facts.stages[build.stage], None, build.binary, build.binary, entry)
        # A single build whose output name Go picks itself: name it after what CMD runs.
        # Not a pattern (./...): `go build -o FILE` refuses to write several packages.
        unnamed = [b for b in builds if b.binary is None and b.output is None and b.verb == "build" and len(b.packages) <= 1
                   and not any("..." in p for p in b.packages)]
        if len(builds) == 1 and unnamed and program is not None and unnamed[0].workdir:
            build = unnamed[0]
            expected = binary_name_hint or (paths.basename(build.packages[0]) if build.packages and build.packages[0] not in (".", "./") else None)
            if expected is None or expected == paths.basename(program):
                return Plan(build, facts.stages[build.stage], None, program, program, entry, add_output=True)
        if ambiguity:
            return NoPlan(UNCLEAR_ENTRYPOINT, ambiguity, builds[0].instruction)
        if len(builds) > 1:
            names = ", ".join(b.binary or "?" for b in builds)
            return NoPlan(UNCLEAR_ENTRYPOINT, f"several Go builds ({names}) and none is clearly the one `{' '.join(entry.argv)}` runs", entry.entrypoint or entry.cmd)
        return NoPlan(UNKNOWN_OUTPUT, f"cannot tell where `go {builds[0].verb}` puts the binary that `{' '.join(entry.argv)}` runs; add `-o /path/to/binary`", builds[0].instruction)

    # Multi-stage: find the COPY --from that brings the program into the final stage.
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
            src_abs = paths.normpath(src_x if src_x.startswith("/") else paths.join(origin.workdir or "/", src_x))
            target = _copy_target(src_abs, dest_x, final.workdir, len(srcs) > 1)
            if target is None:
                continue
            # A bare program name is found on PATH; the copied file with that name is the one.
            if (program is not None and target == program) or (bare is not None and paths.basename(target) == bare):
                hits = [b for b in _builds_in(facts, origin) if b.binary == src_abs or src_abs in _installed(b, main_names)]
                if hits:
                    build = hits[-1]
                    return Plan(build, facts.stages[build.stage], final, src_abs, target, entry)
                return NoPlan(UNKNOWN_OUTPUT, f"the final stage runs {target}, copied from stage `{source}`, but no `go build` there writes {src_abs}", ins)
    if any(s.heredoc_builds for s in facts.stages) and not any(s.builds for s in facts.stages):
        ins = next(i for s in facts.stages for i in s.heredoc_builds)
        return NoPlan(NO_BUILD, "the Go build runs in a heredoc script (RUN <<EOF); goslim edits only RUN lines", ins)
    if any(s.builds for s in facts.stages):
        return NoPlan(UNCLEAR_ENTRYPOINT, f"cannot tell which Go build produces what the image runs (`{' '.join(entry.argv)}`)", entry.entrypoint or entry.cmd)
    return NoPlan(NO_BUILD, "no `go build` or `go install` of the service in the image")


def _installed(build: GoBuild, main_names: tuple[str, ...]) -> list[str]:
    """Where a build of several main packages writes their binaries: `go install ./...`
    into GOBIN, `go build -o DIR/ ./...` into DIR, each named after its package."""
    if build.binary is not None or not main_names:
        return []
    if build.verb == "install":
        bindir = build.env.get("GOBIN") or paths.join(build.env.get("GOPATH", "/root/go"), "bin")
    elif build.output is not None and build.output.endswith("/"):
        out = expand(build.output, build.env)
        if out is None or (not out.startswith("/") and build.workdir is None):
            return []
        bindir = paths.normpath(paths.join(build.workdir or "/", out))
    else:
        return []
    return [paths.join(bindir, name) for name in main_names]


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
