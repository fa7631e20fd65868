"""goslim's promises over generated input: Go service Dockerfiles written in the many ways
people write them, the same files mutated, mutated corpus files and byte soup.

Bounded (200 examples a property) and derandomized, so CI runs the same inputs every time;
fuzz/fuzz_rewrite.py runs the same properties over hundreds of thousands of inputs.
"""

from __future__ import annotations

import zlib

import invariants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from properties import problems, secret_problems
from strategies import any_input, go_dockerfiles, mutated_go

import rewriter
from rewriter.diagnostics import Status

BOUNDED = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
go_like = st.one_of(go_dockerfiles(), go_dockerfiles(), mutated_go())


def _rewrite(text: str):
    try:
        return rewriter.rewrite(text)
    except rewriter.ParseError:
        return None


@BOUNDED
@given(any_input)
def test_parse_raises_only_parse_error_and_prints_back(text):
    try:
        tree = rewriter.parse(text)
    except rewriter.ParseError as exc:
        assert exc.line >= 1 and exc.column >= 1
        return
    assert rewriter.print(tree) == text


@BOUNDED
@given(any_input)
def test_rewrite_raises_only_parse_error(text):
    result = _rewrite(text)
    if result is not None:
        assert result.original == text
        assert result.changed == (result.status is Status.REWRITTEN)


@BOUNDED
@given(go_like)
def test_rewrite_is_idempotent(text):
    result = _rewrite(text)
    if result is None or not result.changed:
        return
    again = rewriter.rewrite(result.code)
    assert again.code == result.code
    assert again.status is not Status.REWRITTEN


@BOUNDED
@given(go_like)
def test_every_changed_output_is_sound(text):
    """BuildKit reads it, and every external check holds; hadolint (two processes a call)
    looks at one output in ten."""
    result = _rewrite(text)
    if result is None or not result.changed:
        return
    lint = zlib.crc32(text.encode("utf-8", "surrogatepass")) % 10 == 0
    assert invariants.violations(text, result.code, lint=lint) == []


def _runtime(code: str):
    stages = invariants._stages(invariants._commands(code))
    return stages[-1]


@BOUNDED
@given(go_dockerfiles())
def test_runtime_is_not_root_has_certificates_and_reports_secrets(text):
    result = _rewrite(text)
    if result is None or not result.changed:
        return
    runtime = _runtime(result.code)
    users = [c.value[0] for c in runtime if c.cmd.upper() == "USER"]
    assert users, "the runtime stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, users[-1]
    copies = [c.value for c in runtime if c.cmd.upper() == "COPY"]
    assert any(v[-1] == "/etc/ssl/certs/ca-certificates.crt" for v in copies)
    assert secret_problems(text, result) == []


@BOUNDED
@given(go_dockerfiles())
def test_secrets_in_a_runtime_stage_are_reported(text):
    result = _rewrite(text)
    if result is None:
        return
    assert secret_problems(text, result) == []


@BOUNDED
@given(any_input)
def test_all_properties_together(text):
    """The fuzzer's single check, so that a finding replays here with the same code."""
    assert problems(text) == []


def test_the_generator_mostly_makes_files_goslim_rewrites():
    """Properties of rewrites mean little if most generated files are refused."""
    seen = []

    @settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(go_dockerfiles())
    def collect(text):
        result = _rewrite(text)
        seen.append(result.status if result is not None else None)

    collect()
    rewritten = sum(s is Status.REWRITTEN for s in seen)
    assert rewritten >= len(seen) // 3, f"only {rewritten} of {len(seen)} generated files were rewritten"
