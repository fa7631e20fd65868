"""The analysis takes shortcuts for speed; each must give exactly the answer of the long way.

- ``mentions_go`` decides from the text and the stage bases alone whether a file is Go;
- RUN lines without a Go command or a package installer are not split into commands;
- shell splitting and unquoting are memoized;
- a file that never spells a Go command or ``golang`` is judged by its outline (the
  lexer's verdict, its comments, global ARGs and FROM lines) before any tree is built;
- image paths are joined and normalized by ``rewriter.paths``, not posixpath.
"""

from __future__ import annotations

import posixpath
import re

import pytest
from conftest import corpus_files, requires_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import any_input

import rewriter
from rewriter import analysis, engine, paths, runlines, shell
from rewriter.files import SourceError, decode_source
from rewriter.syntax.parser import parse_outline


def _corpus_texts():
    for path in corpus_files():
        try:
            yield path.name, decode_source(path.read_bytes(), path).text
        except SourceError:
            continue


def _trees():
    for name, text in _corpus_texts():
        try:
            yield name, rewriter.parse(text)
        except rewriter.ParseError:
            continue


def _summary(facts) -> list:
    """What the passes read from a stage's RUN lines."""
    return [
        (
            [
                (
                    b.instruction.code,
                    b.verb,
                    b.binary,
                    b.output,
                    b.packages,
                    b.tags,
                    b.ldflags_value,
                    sorted(b.flag_names),
                    b.workdir,
                )
                for b in s.builds
            ],
            [(ins.code, pkg) for ins, pkg in s.packages],
            [(m.instruction.code, m.source, m.dest, m.copy, m.after) for m in s.moves],
            [(r.instruction.code, r.tool, r.file, r.directory, r.targets) for r in s.makes],
            sorted(s.folders),
            s.module_hint,
        )
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
    monkeypatch.setattr(runlines, "_RUN_NEEDLES", ("",))  # every RUN line is scanned
    slow = [_summary(analysis.analyze(tree)) for _, tree in trees]
    assert fast == slow
    assert sum(bool(stage[0]) for stages in fast for stage in stages) > 250


@settings(max_examples=200, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(any_input)
def test_mentions_go_agrees_with_the_full_analysis(text):
    try:
        tree = rewriter.parse(text)
    except rewriter.ParseError:
        return
    assert analysis.mentions_go(tree, text) == analysis.analyze(tree).mentions_go


@pytest.mark.parametrize(
    "text",
    [
        "g\\o build -o /x .",
        "'go' build .",
        '"g"o install ./cmd/x',
        "a\\p\\k add curl",
        "/usr/local/go/bin/go build",
    ],
)
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


def _outcome(text: str):
    """What a rewrite reports, or the parse error it raises."""
    try:
        result = rewriter.rewrite(text)
    except rewriter.ParseError as exc:
        return ("error", exc.message, exc.line, exc.column)
    return (result.status, result.code, [(d.code, d.line, d.message) for d in result.diagnostics])


def _by_the_long_way(text: str, monkeypatch) -> tuple:
    with monkeypatch.context() as m:
        m.setattr(engine, "may_mention_go", lambda _text: True)  # always the full parse
        return _outcome(text)


@requires_corpus
def test_the_outline_route_gives_the_answer_of_the_full_parse_on_the_corpus(monkeypatch):
    routed = 0
    for name, text in _corpus_texts():
        if analysis.may_mention_go(text):
            continue
        routed += 1
        assert _outcome(text) == _by_the_long_way(text, monkeypatch), name
    assert routed > 400


@settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(any_input)
def test_the_outline_route_gives_the_answer_of_the_full_parse(monkeypatch, text):
    assert _outcome(text) == _by_the_long_way(text, monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        'FROM gol\\\nang:1.22\nCMD ["/app"]\n',  # a continuation splits the word
        'ARG BASE=gol\\ang:1.22\nFROM $BASE\nCMD ["/app"]\n',  # an escape inside the ARG value
        '# escape=`\nFROM go`\nlang:1.22\nCMD ["/app"]\n',
    ],
)
def test_a_go_file_that_hides_the_word_still_gets_the_full_rewrite(text, monkeypatch):
    assert not analysis.may_mention_go(text)
    assert analysis.mentions_go(parse_outline(text), text)
    assert _outcome(text) == _by_the_long_way(text, monkeypatch)
    assert _outcome(text)[0] is not rewriter.Status.SKIPPED


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "# escape=`\n\n",
        "FROM alpine\nRUN <<EOF\necho\n",
        "FROM alpine\nENV A\n",
        "FROM alpine\nCMD [1]\n",
        "FROM alpine\nONBUILD ENV X\n",
        "# escape=x\nFROM alpine\n",
    ],
)
def test_the_outline_rejects_what_the_parse_rejects(text):
    with pytest.raises(rewriter.ParseError) as full:
        rewriter.parse(text)
    with pytest.raises(rewriter.ParseError) as outline:
        parse_outline(text)
    assert (outline.value.message, outline.value.line, outline.value.column) == (
        full.value.message,
        full.value.line,
        full.value.column,
    )


_SLOW_GO_COMMAND = re.compile(r"\bgo\s+(build|install|run|get|mod)\b")


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "go",
                " ",
                "\t",
                "\n",
                "build",
                "mod",
                "get",
                "install",
                "run",
                "x",
                "_",
                "é",
                "1",
                "-",
                "/",
                "ago",
                "go_",
                "$(",
            ]
        ),
        max_size=10,
    ).map("".join)
)
def test_go_command_search_agrees_with_the_word_boundary_pattern(text):
    assert analysis.has_go_command(text) == bool(_SLOW_GO_COMMAND.search(text))


_PATH = st.text(alphabet="/.a", max_size=12)


@settings(max_examples=2000, deadline=None, derandomize=True, database=None)
@given(_PATH, _PATH)
def test_image_paths_agree_with_posixpath(head, tail):
    assert paths.join(head, tail) == posixpath.join(head, tail)
    for path in (head, tail):
        assert paths.normpath(path) == posixpath.normpath(path)
        assert paths.basename(path) == posixpath.basename(path)
        assert paths.dirname(path) == posixpath.dirname(path)
