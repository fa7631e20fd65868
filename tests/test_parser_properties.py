"""Generated Dockerfiles against the parser's promises: it raises nothing but ParseError,
prints every tree back exactly, agrees with BuildKit on what it accepts and rejects, and
builds what Lark's parser of the grammar builds."""

from __future__ import annotations

import functools
import re

import dockerfile
import pytest
from conftest import buildkit_oracle, corpus_files, nul_cut, requires_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rewriter
from rewriter.syntax.generate import lark_parser

# Bounded and derandomized, so CI runs the same examples every time in a few seconds.
BOUNDED = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYWORDS = [
    "FROM",
    "RUN",
    "CMD",
    "COPY",
    "ADD",
    "ENV",
    "LABEL",
    "ARG",
    "ONBUILD",
    "HEALTHCHECK",
    "SHELL",
    "ENTRYPOINT",
    "EXPOSE",
    "VOLUME",
    "USER",
    "WORKDIR",
    "STOPSIGNAL",
    "MAINTAINER",
    "from",
    "run",
    "Copy",
    "onbuild",
    "env",
    "FOO",
]
# Pieces that matter to BuildKit's line parsers: quotes, escapes, heredoc openers, JSON,
# flags, key=value pairs, Go-only and Python-only whitespace, non-ASCII (among it characters
# whose UTF-8 holds the byte 0xA0 or 0x85, which BuildKit's byte-wise scans take for spaces).
FRAGMENTS = [
    "a",
    "b c",
    "x=y",
    "k=",
    "=v",
    "'q r'",
    '"q r"',
    "'",
    '"',
    "\\",
    "\\\\",
    "`",
    "``",
    "<<EOF",
    "<<-EOF",
    "<<'EOF'",
    '<<"EOF"',
    '<<E"O"F',
    "2<<EOF",
    "<<",
    "<<<",
    "<<-",
    "<<$X",
    "[",
    "]",
    '["a"]',
    '[ "a", "b c" ]',
    "['a']",
    "[1]",
    "[NaN]",
    '["a", 1]',
    '["a"] tail',
    '["\\u0000"]',
    '["\\ud800"]',
    "[]",
    "{}",
    '"',
    "--mount=type=cache,target=/x",
    "--chmod=755",
    "--link",
    '--from="b c"',
    "--x='y z'",
    "--",
    "-",
    "$A",
    "${A:-b}",
    "#",
    "#x",
    "NONE",
    "CMD",
    "AS",
    "é",
    "☃",
    "\u00a0",
    "\u2028",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\r",
    "\t",
    " ",
    "\u3000",
    "\U00020000",
    "\u0800",
    "Š",
    "Å",
    "<<\\EOF",
    "<<'E O'",
    "<<-'EOF'",
    "0<<EOF",
    "99999999999999999999<<EOF",
    "<<EOF;",
    '["a"]]',
    '["a",]',
    '--a="b\\',
    "--a\\ b",
]
NEWLINES = ["\n", "\n", "\n", "\r\n", ""]

fragment = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=4),
)
words = st.lists(fragment, max_size=6).map("".join)
blanks = st.sampled_from(["", " ", "  ", "\t", " \t"])
marker = st.sampled_from(["", "", "\\", " \\", "\\ ", "\\\t", "`", " `"])

instruction_line = st.builds(
    lambda indent, kw, sep, rest, cont: indent + kw + sep + rest + cont,
    blanks,
    st.sampled_from(KEYWORDS),
    st.sampled_from([" ", "\t", "", "  "]),
    words,
    marker,
)
comment_line = st.builds(lambda i, w: i + "#" + w, blanks, words)
directive_line = st.sampled_from(
    [
        "# escape=`",
        "# escape=\\",
        "#escape = `",
        "# syntax=docker/dockerfile:1",
        "# Syntax=x",
        "# escape=x",
        "# check=skip=all",
        " # escape=`",
    ]
)
terminator_line = st.sampled_from(["EOF", "\tEOF", "\t\tEOF", " EOF", "EOF ", 'E"O"F', "E O", "EOF\r", "EOF;"])
any_line = st.one_of(
    instruction_line,
    instruction_line,
    instruction_line,
    comment_line,
    directive_line,
    terminator_line,
    blanks,
    words,
)
dockerfile_text = st.lists(st.tuples(any_line, st.sampled_from(NEWLINES)), max_size=12).map(
    lambda lines: "".join(text + nl for text, nl in lines)
)
latin1 = st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
# BuildKit skips a byte order mark at the very start; put one there now and then.
with_bom = st.builds(lambda bom, text: bom + text, st.sampled_from(["", "", "", "\ufeff"]), dockerfile_text)
oracle_safe = st.one_of(with_bom, latin1).map(lambda s: s.replace("\x00", ""))
anything = st.one_of(with_bom, latin1, st.text(max_size=200))


def _parse_or_error(text: str):
    try:
        return rewriter.parse(text)
    except rewriter.ParseError as exc:
        return exc


@BOUNDED
@given(anything)
def test_only_parse_error_escapes(text):
    """NUL, lone surrogates, any control character: a tree or a ParseError, nothing else."""
    result = _parse_or_error(text)
    if isinstance(result, rewriter.ParseError):
        assert result.line >= 1 and result.column >= 1


@BOUNDED
@given(anything)
def test_print_gives_the_input_back(text):
    result = _parse_or_error(text)
    if not isinstance(result, rewriter.ParseError):
        assert rewriter.print(result) == text


@functools.cache
def _lark():
    return lark_parser()


@BOUNDED
@given(anything)
def test_lark_parser_of_the_grammar_builds_the_same(text):
    """The table generated from the grammar and Lark's parser of it: the same tree, or the
    same ParseError at the same place."""
    ours = _parse_or_error(text)
    try:
        theirs = _lark().parse(text)
    except rewriter.ParseError as exc:
        theirs = exc
    if isinstance(ours, rewriter.ParseError):
        assert isinstance(theirs, rewriter.ParseError)
        assert (theirs.message, theirs.line, theirs.column) == (ours.message, ours.line, ours.column)
    else:
        assert theirs == ours


def _as_python_prints(message: str) -> str:
    """BuildKit's message with the \\uXXXX escapes of characters Python prints put back.

    Go's %q escapes what its Unicode tables call unprintable; the wrapper's Go knows
    Unicode 13, Python 3.11 Unicode 14, so the characters added in 14 differ.
    """

    def unescape(m: re.Match) -> str:
        ch = chr(int(m[1] or m[2], 16))
        return ch if ch.isprintable() else m[0]

    return re.sub(r"\\u([0-9a-f]{4})|\\U([0-9a-f]{8})", unescape, message)


def assert_agrees_with_buildkit(text: str) -> None:
    try:
        expected = buildkit_oracle(text)
    except dockerfile.GoParseError as exc:
        with pytest.raises(rewriter.ParseError) as raised:
            rewriter.parse(text)
        assert raised.value.message.startswith(_as_python_prints(str(exc)))  # ours may say more
        return
    except UnicodeDecodeError as exc:
        # Builder flags and HEALTHCHECK's type word are cut byte by byte; when that splits
        # a character, BuildKit holds invalid UTF-8, which the wrapper cannot decode
        # (exc.object is the Go string). goslim keeps the stray bytes as surrogate escapes.
        values = [v for d in rewriter.buildkit_json(rewriter.parse(text)) for v in d["value"]]
        assert exc.object in [v.encode("utf-8", "surrogateescape") for v in values]
        return
    tree = rewriter.parse(text)
    # The wrapper hands Go strings back as C strings: its values end at a NUL.
    assert nul_cut(rewriter.buildkit_json(tree)) == nul_cut(expected)
    assert rewriter.print(tree) == text


@BOUNDED
@given(oracle_safe)
def test_agrees_with_buildkit(text):
    assert_agrees_with_buildkit(text)


# --- mutated corpus files ------------------------------------------------------------------

INSERTIONS = ["\\", "\\\n", "`", "<<EOF", "<<-EOF\n", "#", "# escape=`\n", "\n", "\r\n", "EOF\n", '"', "["]


def _corpus_texts() -> list[str]:
    from rewriter.files import decode_source

    texts = []
    for path in corpus_files():
        data = path.read_bytes()
        if data and len(data) < 20_000:
            texts.append(decode_source(data, path).text)
    return texts


@st.composite
def mutated_corpus_file(draw) -> str:
    """A corpus file with a few lines deleted, duplicated or moved, and markers inserted."""
    lines = draw(st.sampled_from(_CORPUS_TEXTS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "splice", "insert", "line-start"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "splice":
            j = draw(st.integers(i, min(len(lines), i + 5)))
            chunk, lines[i:j] = lines[i:j], []
            k = draw(st.integers(0, len(lines)))
            lines[k:k] = chunk
        else:
            line = lines[i]
            at = 0 if op == "line-start" else draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(INSERTIONS)) + line[at:]
    return "".join(lines)


_CORPUS_TEXTS = _corpus_texts() or [""]


@requires_corpus
@pytest.mark.corpus
@BOUNDED
@given(mutated_corpus_file())
def test_mutated_corpus_agrees_with_buildkit(text):
    assert_agrees_with_buildkit(text)
