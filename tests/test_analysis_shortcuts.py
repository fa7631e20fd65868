"""The analysis takes shortcuts for speed; each must give exactly the answer of the long way.

- ``mentions_go`` decides from the text and the stage bases alone whether a file is Go;
- RUN lines without a Go command or a package installer are not split into commands;
- shell splitting and unquoting are memoized.
"""

from __future__ import annotations

import pytest
from conftest import corpus_files, requires_corpus
from hypothesis import HealthCheck, given, settings
from strategies import any_input

import rewriter
from rewriter import analysis, shell
from rewriter.files import SourceError, decode_source


def _trees():
    for path in corpus_files():
        try:
            yield path.name, rewriter.parse(decode_source(path.read_bytes(), path).text)
        except (rewriter.ParseError, SourceError):
            continue


def _summary(facts) -> list:
    """What the passes read from a stage's RUN lines."""
    return [
        ([(b.instruction.code, b.verb, b.binary, b.output, b.packages, b.tags, b.ldflags_value,
           sorted(b.flag_names), b.workdir) for b in s.builds],
         [(ins.code, pkg) for ins, pkg in s.packages])
        for s in facts.stages
    ]


@requires_corpus
def test_mentions_go_agrees_with_the_full_analysis_on_the_corpus():
    checked = 0
    for name, tree in _trees():
        assert analysis.mentions_go(tree) == analysis.analyze(tree).mentions_go, name
        checked += 1
    assert checked > 800


@requires_corpus
def test_skipping_plain_run_lines_changes_no_fact(monkeypatch):
    trees = list(_trees())
    fast = [_summary(analysis.analyze(tree)) for _, tree in trees]
    monkeypatch.setattr(analysis, "_RUN_NEEDLES", ("",))  # every RUN line is scanned
    slow = [_summary(analysis.analyze(tree)) for _, tree in trees]
    assert fast == slow
    assert sum(bool(b) for stages in fast for b, _ in stages) > 250


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(any_input)
def test_mentions_go_agrees_with_the_full_analysis(text):
    try:
        tree = rewriter.parse(text)
    except rewriter.ParseError:
        return
    assert analysis.mentions_go(tree, text) == analysis.analyze(tree).mentions_go


@pytest.mark.parametrize("text", [
    "g\\o build -o /x .", "'go' build .", '"g"o install ./cmd/x', "a\\p\\k add curl", "/usr/local/go/bin/go build",
])
def test_quoting_cannot_hide_a_command_from_the_shortcut(text):
    stage = rewriter.parse(f"FROM golang:1.22\nRUN {text}\n").stages[0]
    facts = analysis.analyze(rewriter.parse(f"FROM golang:1.22\nRUN {text}\n"))
    words = [w.value for c in shell.split_commands(stage.instructions[1].arguments.value) for w in c.argv]
    assert words[0] in ("go", "apk", "/usr/local/go/bin/go")
    assert facts.stages[0].builds or facts.stages[0].packages


def test_memoized_splitting_returns_an_immutable_result():
    first = shell.split_commands("go build -o /x . && echo ok")
    assert isinstance(first, tuple)
    assert shell.split_commands("go build -o /x . && echo ok") is first
