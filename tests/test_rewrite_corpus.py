"""The rewrite over the real Go Dockerfiles of the corpus: nothing crashes, nothing broken.

Every file is rewritten, refused or skipped; every rewritten file passes the external
soundness checks of tests/invariants.py (BuildKit parse, scratch runtime, certs, user,
entrypoint, static flags, no new hadolint errors) and is stable under a second rewrite.
"""

from __future__ import annotations

import collections

import pytest
from conftest import corpus_files, requires_corpus
from invariants import violations

import rewriter
from rewriter.diagnostics import Severity, Status
from rewriter.files import decode_source

pytestmark = [requires_corpus, pytest.mark.corpus]


def _go_files():
    return corpus_files("go-single") + corpus_files("go-multi")


def _rewrite_all():
    results = {}
    for path in _go_files():
        text = decode_source(path.read_bytes(), path).text
        try:
            results[path] = (text, rewriter.rewrite(text))
        except rewriter.ParseError as exc:
            results[path] = (text, exc)
    return results


@pytest.fixture(scope="module")
def results():
    return _rewrite_all()


def test_every_go_file_gets_a_verdict(results):
    assert len(results) == 307
    statuses = collections.Counter(
        "parse-error" if isinstance(r, Exception) else r.status.value for _, r in results.values()
    )
    refused_by = collections.Counter(
        code
        for _, r in results.values()
        if not isinstance(r, Exception) and r.status is Status.REFUSED
        for code in sorted({d.code for d in r.diagnostics if d.severity is Severity.ERROR})
    )
    print("\nstatuses:", dict(statuses), "\nrefused by rule:", dict(sorted(refused_by.items())))
    assert statuses["rewritten"] >= 132
    assert set(statuses) <= {"rewritten", "refused", "unchanged", "skipped", "parse-error"}


def test_refusals_and_skips_leave_the_file_untouched(results):
    for path, (text, result) in results.items():
        if isinstance(result, Exception) or result.status is Status.REWRITTEN:
            continue
        assert result.code == text, path.name
        if result.status is Status.REFUSED:
            assert any(d.severity is Severity.ERROR for d in result.diagnostics), path.name


def test_every_rewrite_is_sound_and_stable(results):
    broken = {}
    for path, (text, result) in results.items():
        if isinstance(result, Exception) or not result.changed:
            continue
        problems = violations(text, result.code)
        again = rewriter.rewrite(result.code)
        if again.changed:
            problems.append("a second rewrite changes the output again")
        if problems:
            broken[path.name] = problems
    assert broken == {}


def test_rewrites_change_only_what_they_mean_to(results):
    """Every line outside the instructions a rule may edit, move or drop (FROM, RUN, CMD,
    ENTRYPOINT, USER and the runtime-only EXPOSE/HEALTHCHECK/VOLUME/STOPSIGNAL, with the
    comments above them) comes out byte for byte."""
    editable = {"RUN", "FROM", "CMD", "ENTRYPOINT", "USER", "EXPOSE", "HEALTHCHECK", "VOLUME", "STOPSIGNAL"}
    for path, (text, result) in results.items():
        if isinstance(result, Exception) or not result.changed:
            continue
        tree = rewriter.parse(text)
        out_lines = set(result.code.splitlines(keepends=True))
        line_no = 1 + sum(d.code.count("\n") for d in tree.directives)
        for item in tree.items():
            lines = item.code.splitlines(keepends=True)
            fixed = type(item) is rewriter.Instruction and item.name not in editable
            if fixed:
                for line in lines:
                    bare = line.rstrip("\r\n")
                    # GS108 writes out the "/" of a COPY destination that was a folder only in the
                    # distribution image (`COPY ... /etc/ssl/certs` into scratch)
                    marked = bare.rstrip() + "/" if item.name in ("COPY", "ADD") and line is lines[-1] else None
                    assert any(o.rstrip("\r\n") in (bare, marked) for o in out_lines), (
                        f"{path.name}:{line_no}: lost {line!r}"
                    )
            line_no += len(lines)
