"""Every rule, case by case: a Dockerfile before, the file and diagnostics after.

The cases live beside each other per rule: ``tests/cases/GS101/NAME.Dockerfile`` is the
input and ``NAME.toml`` says what the case is about — the status, whether the rule
fires, text the output must (``expect``) or must not (``absent``) hold, the line a
refusal names (``at``), and the settings (``[config]``, the keys of .goslim.toml). The
snapshot of each rule (``snapshots/cases/GS101.ambr``) pins the whole output and every
diagnostic. On top, for every file the rewrite changed: the external soundness checks of
tests/invariants.py hold, a second rewrite changes nothing, and every line no rule set
out to edit comes out byte for byte (comments inside a RUN's continuation, CRLF endings,
a missing final newline). A refusal leaves the file exactly as it was and its error
names the line at fault.
"""

from __future__ import annotations

import collections
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import invariants
import pytest
from conftest import ROOT, rule_snapshots
from invariants import violations

import rewriter
from rewriter import Config
from rewriter.config import from_table
from rewriter.diagnostics import Diagnostic, Severity, Status
from rewriter.passes import RULES
from rewriter.passes.base import Result
from rewriter.syntax.nodes import Instruction

CASES_DIR = ROOT / "tests" / "cases"


def test_hadolint_is_there():
    """The soundness check compares hadolint's errors before and after; without hadolint
    that part of it would pass silently."""
    assert invariants.HADOLINT


@dataclass(frozen=True)
class Case:
    id: str  # RULE/NAME
    rule: str  # the rule the case is about: its folder
    text: str
    status: Status
    fires: bool = True  # whether `rule` is reported
    config: Config = Config()
    expect: tuple[str, ...] = ()  # text the output holds
    absent: tuple[str, ...] = ()  # text the output does not hold
    at: str | None = None  # refusals: the original line the error names starts so
    unsound: tuple[str, ...] = ()  # violations the config asks for (a rule turned off)
    context: Path | None = None  # NAME.context/ beside the input: the build context, Go sources and all


def load_case(dockerfile: Path) -> Case:
    about = dockerfile.with_suffix(".toml")
    data = tomllib.loads(about.read_text(encoding="utf-8"))
    known = {"status", "fires", "at", "expect", "absent", "unsound", "config"}
    assert set(data) <= known, f"{about}: unknown keys {set(data) - known}"
    rule = dockerfile.parent.name
    return Case(
        id=f"{rule}/{dockerfile.stem}",
        rule=rule,
        text=dockerfile.read_bytes().decode("utf-8"),
        status=Status(data["status"]),
        fires=data.get("fires", True),
        config=from_table(data.get("config", {}), about),
        expect=tuple(data.get("expect", ())),
        absent=tuple(data.get("absent", ())),
        at=data.get("at"),
        unsound=tuple(data.get("unsound", ())),
        context=dockerfile.with_suffix(".context") if dockerfile.with_suffix(".context").is_dir() else None,
    )


CASES = [load_case(path) for path in sorted(CASES_DIR.glob("GS*/*.Dockerfile"))]
BY_ID = {c.id: c for c in CASES}

BUILD = "RUN go build -o /app/server ."
RUNS = 'CMD ["/app/server"]'


def fat(*lines: str) -> str:
    """A single-stage Go Dockerfile: FROM, WORKDIR, COPY . ., then ``lines``."""
    return "\n".join(["FROM golang:1.22", "WORKDIR /app", "COPY . .", *lines]) + "\n"


# The rules a case folder does not show: GS299 needs a pass that breaks the file (the test
# below makes one); GS302 and GS311 are tested with the Go sources tests/test_engine_context.py
# writes; GS118 and GS211 with a Makefile or script (tests/test_recipes.py). A case that needs
# a build context has one beside it: NAME.context/.
ELSEWHERE = {
    "GS299": "test_incomplete_rewrite_is_refused",
    "GS302": "test_engine_context.py",
    "GS307": "test_context_rewrite.py",
    "GS308": "test_context_rewrite.py",
    "GS309": "test_context_rewrite.py",
    "GS310": "test_services.py (container-action)",
    "GS311": "test_engine_context.py",
    "GS118": "test_recipes.py",
    "GS211": "test_recipes.py",
}


@functools.cache
def run(case: Case):
    return rewriter.rewrite(case.text, case.config, context=case.context)


def codes(result, severity: Severity | None = None) -> list[str]:
    return [d.code for d in result.diagnostics if severity is None or d.severity is severity]


def line_number(text: str, prefix: str) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


def test_every_snapshot_has_its_case():
    """A case that moved or went leaves no snapshot behind (syrupy does not see the files
    of rule_snapshots as this module's)."""
    names = {
        f"{m.group(1)}/{m.group(2)}"
        for path in (ROOT / "snapshots" / "cases").glob("*.ambr")
        for m in re.finditer(r"^# name: test_rule\[(GS\d+)/(.+)\]$", path.read_text(encoding="utf-8"), re.M)
    }
    assert names == set(BY_ID)


def test_every_case_has_its_toml_and_its_rule():
    inputs = {p.with_suffix("") for p in CASES_DIR.glob("GS*/*.Dockerfile")}
    abouts = {p.with_suffix("") for p in CASES_DIR.glob("GS*/*.toml")}
    assert inputs == abouts
    assert {c.rule for c in CASES} <= {r.code for r in RULES}


# Lines a rule may edit: FROM (named, replaced), what the image runs, USER, HEALTHCHECK
# (dropped), and inside RUN the line that opens it, the lines holding the go command or
# the flags the passes merge into, and user creation.
MAY_EDIT = {"FROM", "CMD", "ENTRYPOINT", "USER", "HEALTHCHECK"}
EDITED_RUN_LINE = re.compile(r"\bgo\b|-ldflags|-tags|adduser|useradd")


def lines_to_keep(text: str) -> collections.Counter:
    """Every physical line (with its line ending) that no rule means to change."""
    tree = rewriter.parse(text)
    keep: collections.Counter = collections.Counter()
    last_stage = tree.stages[-1] if len(tree.stages) > 1 else None
    for stage in (None, *tree.stages):
        items = tree.preamble if stage is None else stage.items
        for item in items:
            lines = item.code.splitlines(keepends=True)
            if type(item) is Instruction:
                if item.name in MAY_EDIT:
                    continue
                if item.name == "RUN":
                    if stage is last_stage:
                        continue  # a distribution final stage loses its RUN steps (GS108)
                    lines = [line for line in lines[1:] if not EDITED_RUN_LINE.search(line)]
            keep.update(line for line in lines if line.endswith("\n"))
    return keep


def test_every_code_and_name_belongs_to_one_rule():
    """Two rules with one code would share its cases, its snapshots and its disable switch."""
    codes = collections.Counter(r.code for r in RULES)
    names = collections.Counter(r.name for r in RULES)
    assert [c for c, n in codes.items() if n > 1] == []
    assert [c for c, n in names.items() if n > 1] == []


def test_every_rule_has_a_case():
    """A new rule comes with a case folder (or says where it is tested)."""
    shown = {c.rule for c in CASES if c.fires} | set(ELSEWHERE)
    assert {r.code for r in RULES} - shown == set()
    assert shown - {r.code for r in RULES} == set()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule(case: Case, snapshot):
    result = run(case)
    assert snapshot.use_extension(rule_snapshots(case.rule)) == {
        "status": result.status.value,
        "code": result.code,
        "diagnostics": [(d.code, d.severity.value, d.line, d.message) for d in result.diagnostics],
    }
    assert result.status is case.status
    assert (case.rule in codes(result)) is case.fires, codes(result)
    for text in case.expect:
        assert text in result.code
    for text in case.absent:
        assert text not in result.code
    if case.at is not None:
        hit = [d for d in result.diagnostics if d.code == case.rule]
        assert hit and hit[0].line == line_number(case.text, case.at)


REFUSALS = [c for c in CASES if c.status in (Status.REFUSED, Status.SKIPPED, Status.UNCHANGED)]
CHANGED = [c for c in CASES if c.status is Status.REWRITTEN]


@pytest.mark.parametrize("case", REFUSALS, ids=[c.id for c in REFUSALS])
def test_left_alone_means_byte_for_byte(case: Case):
    result = run(case)
    assert result.code == case.text
    assert not result.applied
    errors = codes(result, Severity.ERROR)
    assert bool(errors) is (case.status is Status.REFUSED)
    if case.status is Status.REFUSED:
        assert case.rule in errors


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_rewrite_is_sound(case: Case):
    result = run(case)
    assert violations(case.text, result.code, runtime=case.config.runtime) == list(case.unsound)


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_rewrite_is_stable(case: Case):
    again = rewriter.rewrite(run(case).code, case.config, context=case.context)
    assert again.code == run(case).code
    assert not again.applied


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_rewrite_leaves_other_lines_alone(case: Case):
    result = run(case)
    out = collections.Counter(result.code.splitlines(keepends=True))
    missing = lines_to_keep(case.text) - out
    assert not missing
    newline = "\r\n" if "\r\n" in case.text else "\n"
    assert all(line.endswith(newline) for line in result.code.splitlines(keepends=True)[:-1])
    assert result.code.endswith(newline) is case.text.endswith(newline)


def test_incomplete_rewrite_is_refused(monkeypatch):
    """GS299: when a pass leaves a file in which the binary can no longer be followed, the
    rewrite stops and the file comes back as it was."""
    from rewriter import engine

    class Breaker:
        @staticmethod
        def apply(ctx):
            from rewriter.edit import replace_item

            build = ctx.plan.build.instruction

            return Result(replace_item(ctx.tree, build, []), (Diagnostic("GS102", Severity.INFO, "removed the build"),))

    monkeypatch.setattr(engine, "FIXES", (Breaker,))
    text = fat(BUILD, RUNS)
    result = rewriter.rewrite(text)
    assert result.status is Status.REFUSED
    assert result.code == text
    assert codes(result, Severity.ERROR) == ["GS299"]


def test_disabled_check_does_not_refuse():
    """Turning a refusal off is the user's call: GS202 off lets ffmpeg's file through."""
    case = BY_ID["GS202/packages-ffmpeg"]
    result = rewriter.rewrite(case.text, Config(disable=frozenset({"GS202"})))
    assert result.status is Status.REWRITTEN
    assert "GS202" not in codes(result)


def test_distroless_runtime_keeps_its_own_certs_and_users():
    """runtime = "distroless-static": the base carries the CA bundle and passwd, so
    nothing is copied for them; it runs as root unless told, so USER names its nonroot."""
    result = rewriter.rewrite(fat(BUILD, RUNS), Config(runtime="distroless-static"))
    assert "\nFROM gcr.io/distroless/static-debian12\n" in result.code
    assert "ca-certificates.crt" not in result.code
    assert "passwd" not in result.code
    assert result.code.endswith('USER 65532:65532\nCMD ["/app/server"]\n')
    assert not rewriter.rewrite(result.code, Config(runtime="distroless-static")).changed
