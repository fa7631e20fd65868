"""The parser against every corpus file: lossless round trip, BuildKit's own parse, and
dockerfile-parse's instruction boundaries as a second, independent reference.

Every test runs twice: through the parser goslim runs (the LALR table generated from the
grammar) and through Lark's parser of the grammar itself, so that both are held to the
same references."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import dockerfile
import pytest
from conftest import CORPUS, buildkit_oracle, corpus_files, nul_cut, requires_corpus
from dockerfile_parse import DockerfileParser

import rewriter
from rewriter.files import SourceFile, decode_source, encode_source
from rewriter.syntax.generate import lark_parser
from rewriter.syntax.nodes import BlankLine, Continuation, Dockerfile, Instruction

pytestmark = [pytest.mark.corpus, requires_corpus]


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes
    source: SourceFile | None  # None for the empty file, which decode_source refuses
    tree: Dockerfile | None  # None where parse raised
    error: Exception | None

    @property
    def text(self) -> str:
        return self.source.text if self.source is not None else ""


def _load(path: Path, parse) -> Entry:
    data = path.read_bytes()
    # decode_source refuses an empty file before any parsing; the parser must still say why.
    source = decode_source(data, path) if data else None
    text = source.text if source is not None else ""
    try:
        return Entry(str(path.relative_to(CORPUS)), data, source, parse(text), None)
    except Exception as exc:  # recorded, and test_only_parse_error_escapes says which
        return Entry(str(path.relative_to(CORPUS)), data, source, None, exc)


@pytest.fixture(scope="module", params=["table", "lark"])
def corpus(request) -> list[Entry]:
    parse = rewriter.parse if request.param == "table" else lark_parser().parse
    return [_load(path, parse) for path in corpus_files()]


def test_corpus_is_complete(corpus):
    """The manifest lists every file, the four UTF-16/32 fixtures among them."""
    assert len(corpus) > 900
    encodings = {e.source.encoding for e in corpus if e.source is not None}
    assert {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"} <= encodings


def test_only_parse_error_escapes(corpus):
    other = [(e.name, repr(e.error)) for e in corpus if e.error and not isinstance(e.error, rewriter.ParseError)]
    assert other == []


def test_round_trip_is_byte_identical(corpus):
    """Decode, parse, print, encode: the same bytes, for every file that parses."""
    parsed = [e for e in corpus if e.tree is not None]
    differ = []
    for e in parsed:
        printed = rewriter.print(e.tree)
        if encode_source(printed, e.source.encoding, bom=e.source.bom) != e.data:
            differ.append(e.name)
    assert differ == []
    assert len(parsed) >= len(corpus) - 4  # only BuildKit's own negative test cases fail
    assert sum(e.source.encoding != "utf-8" for e in parsed) == 4  # the UTF-16/32 fixtures too


def _oracle(text: str):
    try:
        return buildkit_oracle(text)
    except dockerfile.GoParseError as exc:
        return exc


def test_buildkit_json_matches_buildkit(corpus):
    """Same fields as BuildKit on every file it accepts; ParseError on every file it rejects."""
    mismatched, wrong_verdict = [], []
    accepted = 0
    for e in corpus:
        expected = _oracle(e.text)
        if isinstance(expected, Exception):
            if not isinstance(e.error, rewriter.ParseError):
                wrong_verdict.append((e.name, str(expected), "accepted"))
            continue
        accepted += 1
        if e.tree is None:
            wrong_verdict.append((e.name, "accepted", str(e.error)))
        elif nul_cut(rewriter.buildkit_json(e.tree)) != nul_cut(expected):
            mismatched.append(e.name)
    assert wrong_verdict == []
    assert mismatched == []
    assert accepted >= len(corpus) - 4


def test_rejected_files_carry_buildkit_message(corpus):
    """The negative cases fail with BuildKit's message and a line inside the file."""
    for e in corpus:
        if e.error is None:
            continue
        expected = _oracle(e.text)
        assert isinstance(expected, Exception), e.name
        assert e.error.message == str(expected), e.name
        assert 1 <= e.error.line <= max(1, e.text.count("\n") + 1), e.name


# --- dockerfile-parse ----------------------------------------------------------------------
#
# dockerfile-parse (Red Hat's line-based reader) finds instructions with three regular
# expressions: an instruction starts on a line matching ^\s*(\S+)\s+(.*)$ (any other line is
# dropped), goes on while its lines match <escape>\s*$, skips comment lines on the way, and
# is dropped when the file ends first. It knows nothing of heredocs. Where those rules part
# from BuildKit's it reports other instruction boundaries, and only there:
# `_misread_by_dockerfile_parse` names each such case from our tree, and
# `test_exclusion_rules_are_needed` checks that every file it names is really misread.


def _parts(ins: Instruction) -> list:
    return [p for seg in (ins.keyword, *ins.flags, ins.arguments) for p in seg.parts]


def _line_kinds(ins: Instruction) -> list[str]:
    """One entry per physical line of the instruction: "text", "comment" or "blank"."""
    parts = _parts(ins)
    kinds = ["text"]
    for i, part in enumerate(parts):
        if type(part) is Continuation:
            kinds += ["blank" if type(s) is BlankLine else "comment" for s in part.skipped]
            if i < len(parts) - 1:  # a continuation that ends the parts ends the file
                kinds.append("text")
    return kinds


def _first_and_last_line(ins: Instruction) -> tuple[str, str]:
    """The text of the first and the last physical line (indent, marker, newline left out)."""
    lines = [""]
    for part in _parts(ins):
        if type(part) is Continuation:
            lines.append("")
        else:
            lines[-1] += part
    return lines[0], lines[-1]


_WORD_AND_BLANK = re.compile(r"\s*\S+\s")


def _misread_by_dockerfile_parse(tree: Dockerfile) -> str | None:
    """Why dockerfile-parse reports other instruction boundaries than BuildKit, if it does."""
    escape = tree.escape
    for ins in tree.instructions:
        if ins.heredocs:
            return "heredoc: the body lines are read as instructions"
        kinds = _line_kinds(ins)
        if "blank" in kinds[:-1]:
            return "blank line inside a continuation, not the last line: the instruction ends there"
        first, last = _first_and_last_line(ins)
        if last.rstrip().endswith(escape):
            # BuildKit continues on escape + [ \t]* not preceded by another escape.
            return "escape character ending a line without continuing it (escaped, or before \\f/\\v)"
        continued = any(type(p) is Continuation for p in _parts(ins))
        if not _WORD_AND_BLANK.match(first) and (continued or not ins.newline):
            return "first line is one word: a continuation marker joins the keyword, or no newline follows"
    last = tree.instructions[-1]
    if type(_parts(last)[-1]) is Continuation and "blank" not in _line_kinds(last):
        return "file ends inside a continuation: the instruction is dropped"
    return None


def _dockerfile_parse_boundaries(text: str) -> list[tuple[str, int, int]]:
    # It does not skip a byte order mark (BuildKit does); the mark is no part of any line.
    parser = DockerfileParser(fileobj=io.BytesIO(text.removeprefix("\ufeff").encode("utf-8")))
    return [(d["instruction"], d["startline"], d["endline"]) for d in parser.structure if d["instruction"] != "COMMENT"]


def _our_boundaries(tree: Dockerfile) -> list[tuple[str, int, int]]:
    return [(d["cmd"].upper(), d["start_line"] - 1, d["end_line"] - 1) for d in rewriter.buildkit_json(tree)]


def test_instruction_boundaries_match_dockerfile_parse(corpus):
    compared, excluded, differ = 0, {}, []
    for e in corpus:
        if e.tree is None:
            continue
        reason = _misread_by_dockerfile_parse(e.tree)
        if reason:
            excluded[reason] = excluded.get(reason, 0) + 1
            continue
        compared += 1
        if _dockerfile_parse_boundaries(e.text) != _our_boundaries(e.tree):
            differ.append(e.name)
    assert differ == []
    assert compared > 800, excluded


def test_exclusion_rules_are_needed(corpus):
    """Every file an exclusion rule names really is misread, so no rule hides agreement."""
    agree = [
        e.name
        for e in corpus
        if e.tree is not None
        and _misread_by_dockerfile_parse(e.tree)
        and _dockerfile_parse_boundaries(e.text) == _our_boundaries(e.tree)
    ]
    assert agree == []
