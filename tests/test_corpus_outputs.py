"""What goslim makes of every corpus file, pinned: status, the output's hash and every
diagnostic (code, severity, line, column and message).

A refactoring must leave this snapshot as it is: byte-identical output and diagnostics on
all 906 files. A change of behaviour shows up here file by file, so the review of a rule
change sees which real Dockerfiles it moves (``pytest --snapshot-update`` rewrites it).
"""

from __future__ import annotations

import hashlib

import pytest
from conftest import CORPUS, corpus_files, requires_corpus

import rewriter
from rewriter.files import SourceError, decode_source

pytestmark = [requires_corpus, pytest.mark.corpus]


def outcome_line(path) -> str:
    """One line per file: name, status, a hash of the output, then each diagnostic."""
    try:
        text = decode_source(path.read_bytes(), path).text
    except SourceError as exc:
        return f"{path.relative_to(CORPUS)} unreadable {exc.message}"
    try:
        result = rewriter.rewrite(text)
    except rewriter.ParseError as exc:
        return f"{path.relative_to(CORPUS)} parse-error {exc.line}:{exc.column} {exc.message}"
    digest = hashlib.sha256(result.code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    head = f"{path.relative_to(CORPUS)} {result.status.value} {digest}"
    notes = [f"  {d.code} {d.severity.value} {d.line}:{d.column} {d.message}" for d in result.diagnostics]
    return "\n".join([head, *notes])


def test_every_corpus_file_gives_the_recorded_outcome(snapshot):
    lines = [outcome_line(path) for path in corpus_files()]
    assert len(lines) == 906
    assert "\n".join(lines) + "\n" == snapshot
