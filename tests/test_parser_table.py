"""goslim parses with an LALR(1) table generated from the Lark grammar (rewriter.syntax.
generate), so that a run does not import Lark. The grammar stays the source of truth: the
checked-in table must be the one the grammar gives, and running it must build what Lark's
own parser of the grammar builds. (The corpus and the generated Dockerfiles go through both
parsers in test_parser_corpus.py and test_parser_properties.py.)"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import pytest
from conftest import ROOT
from lark.exceptions import LarkError

import rewriter
from rewriter.syntax import generate, parser
from rewriter.syntax.lexer import lex


def test_the_checked_in_table_is_the_grammars():
    checked_in = (ROOT / "rewriter" / "syntax" / "parse_table.py").read_text(encoding="utf-8")
    assert checked_in == generate.table_source(), f"not what the grammar gives: run {generate.COMMAND}"


@pytest.mark.parametrize("seed", ["0", "12345"])
def test_the_grammar_always_gives_the_same_table(seed):
    """Lark numbers its states in set iteration order, which the hash seed changes; the
    generator renumbers them, so the check above cannot fail on a mere seed."""
    proc = subprocess.run(
        [sys.executable, "-m", "rewriter.syntax.generate", "--check"],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_check_fails_on_a_stale_table(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "parse_table.py"
    stale.write_text(generate.table_source().replace("ACCEPT = ", "ACCEPT = 1 + "), encoding="utf-8")
    monkeypatch.setattr(generate, "TABLE_FILE", str(stale))
    assert generate.main(["--check"]) == 1
    assert generate.COMMAND in capsys.readouterr().err
    assert generate.main([]) == 0
    assert stale.read_text(encoding="utf-8") == generate.table_source()


# One token of each kind, as the lexer makes them.
_SAMPLE = "\ufeff# escape=\\\nARG V=1\nFROM golang AS b\nRUN <<EOF\necho hi\nEOF\n"
TOKENS = {token[0]: token for token in lex(_SAMPLE)}


def test_every_token_kind_is_sampled():
    assert sorted(TOKENS) == ["BOM", "DIRECTIVE", "FROM", "HEREDOC", "HEREDOC_INSTRUCTION", "ITEMS"]


@pytest.fixture(scope="module")
def lark():
    return generate.lark_parser()


def _through_lark(lark, monkeypatch, tokens):
    monkeypatch.setattr(generate, "lex", lambda _text: iter(tokens))
    try:
        return lark.parse("")
    except LarkError:
        return "rejected"


def _through_table(tokens):
    try:
        return parser._assemble(iter(tokens))
    except rewriter.ParseError as exc:
        assert exc.message.startswith("cannot parse: unexpected ")
        return "rejected"


def test_every_token_sequence_up_to_four_is_judged_alike(lark, monkeypatch):
    """Whatever the lexer could hand over, in any order: the table accepts exactly what Lark
    accepts, and builds the same tree from it."""
    verdicts = {"accepted": 0, "rejected": 0}
    for length in range(5):
        for kinds in itertools.product(sorted(TOKENS), repeat=length):
            tokens = [TOKENS[kind] for kind in kinds]
            expected = _through_lark(lark, monkeypatch, tokens)
            assert _through_table(tokens) == expected, kinds
            verdicts["rejected" if expected == "rejected" else "accepted"] += 1
    assert verdicts["accepted"] > 100 and verdicts["rejected"] > 1000, verdicts


def test_a_heredoc_instruction_without_its_body_is_rejected():
    tokens = [TOKENS["FROM"], TOKENS["HEREDOC_INSTRUCTION"]]
    with pytest.raises(rewriter.ParseError, match="cannot parse: unexpected \\$END"):
        parser._assemble(iter(tokens))
