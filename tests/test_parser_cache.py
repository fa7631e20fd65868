"""The built parser is kept in the user's cache folder so that a run does not pay for the
grammar's analysis; a cached parser must parse exactly like a freshly built one, and a bad
or missing cache must never stop goslim."""

from __future__ import annotations

import pytest

import rewriter
from rewriter.syntax import parser

SAMPLE = (
    "# syntax=docker/dockerfile:1\nARG V=1\nFROM golang:1.22 AS b\nRUN go build \\\n  # c\n  -o /x .\n"
    "COPY <<EOF /etc/x\nhello\nEOF\nFROM scratch\nCOPY --from=b /x /x\nENTRYPOINT [\"/x\"]\n"
)


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A parser built anew for each call, with the cache folder under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    def build():
        parser._lark.cache_clear()
        return parser._lark()

    yield build
    parser._lark.cache_clear()


def test_the_parser_is_saved_and_then_loaded(fresh, tmp_path):
    built = fresh()
    cache = tmp_path / "goslim" / "dockerfile-parser.lark-cache"
    assert cache.is_file()
    loaded = fresh()
    assert loaded is not built
    assert loaded.parse(SAMPLE) == built.parse(SAMPLE)
    assert rewriter.buildkit_json(loaded.parse(SAMPLE)) == rewriter.buildkit_json(built.parse(SAMPLE))
    assert rewriter.print(loaded.parse(SAMPLE)) == SAMPLE


def test_a_damaged_cache_is_rebuilt(fresh, tmp_path):
    fresh()
    cache = tmp_path / "goslim" / "dockerfile-parser.lark-cache"
    cache.write_bytes(cache.read_bytes()[:100])
    assert rewriter.print(fresh().parse(SAMPLE)) == SAMPLE


def test_no_writable_cache_folder_means_no_cache(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert parser._cache_file() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    monkeypatch.setenv("HOME", "relative")
    assert parser._cache_file() is None
    parser._lark.cache_clear()
    try:
        assert rewriter.print(parser._lark().parse(SAMPLE)) == SAMPLE
    finally:
        parser._lark.cache_clear()
