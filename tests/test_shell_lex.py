"""The shell lexer behind heredoc detection, checked case by case and against BuildKit itself.

The unit cases follow BuildKit's own lexer tests with no variables set; the differential
tests build a Dockerfile around each line, with the bodies ended by the names we compute,
and require the ``dockerfile`` package (BuildKit's parser) to find the same heredocs.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rewriter.syntax.shell_lex import (
    HeredocSpec,
    ShellLexError,
    heredocs_from_line,
    parse_heredoc,
    process_words,
)

dockerfile = pytest.importorskip("dockerfile")

ERROR = "error"

# (source, words) for ProcessWords with an empty environment.
WORDS = [
    ("hello", ["hello"]),
    ("  hello   world  ", ["hello", "world"]),
    ("he'll'o", ["hello"]),
    ("he'llo", ERROR),
    ("he\\'llo", ["he'llo"]),
    ("he\\\\'llo", ERROR),
    ("abc\\tdef", ["abctdef"]),
    ('"abc\\tdef"', ["abc\\tdef"]),
    ('"abc\\\\tdef"', ["abc\\tdef"]),
    ("'abc\\tdef'", ["abc\\tdef"]),
    ("hello\\", ["hello"]),
    ("hello\\\\", ["hello\\"]),
    ('"hello', ERROR),
    ('"hello\\"', ERROR),
    ('"hel\'lo"', ["hel'lo"]),
    ("'hello", ERROR),
    ("'hello\\'", ["hello\\"]),
    ("'hello\\there'", ["hello\\there"]),
    ("\"''\"", ["''"]),
    ("''", []),
    ('""', []),
    ("'' a", ["a"]),
    ("a '' b", ["a", "b"]),
    ("'a b'  c\\ d", ["a b", "c d"]),
    ("$.", ["$."]),
    ("$", ["$"]),
    ("he$1x", ["hex"]),
    ("he$12x", ["hex"]),
    ("he$.x", ["he$.x"]),
    ("he$pwd.", ["he."]),
    ("he\\$PWD", ["he$PWD"]),
    ('"he\\$PWD"', ["he$PWD"]),
    ("'he\\$PWD'", ["he\\$PWD"]),
    ("$$", []),
    ("a$@b $*", ["ab"]),
    ("\\${}", ["${}"]),
    ("\\${}aaa", ["${}aaa"]),
    ("${}", ERROR),
    ("${}aaa", ERROR),
    ("he${}xx", ERROR),
    ("he${.}", ERROR),
    ("he${{x}}", ERROR),
    ("he${:x}", ERROR),
    ("he${", ERROR),
    ("he${hi}xx", ["hexx"]),
    ("he${XXX:-000}xx", ["he000xx"]),
    ("he${XXX-000}xx", ["he000xx"]),
    ("he${XXX:-}xx", ["hexx"]),
    ("he${XXX:-${YYY:-yyy}}xx", ["heyyyxx"]),
    ("he${XXX:-a b}xx", ["hea", "bxx"]),
    ('he${XXX:-"a b"}xx', ["hea", "bxx"]),
    ('"he${XXX:-a b}xx"', ["hea bxx"]),
    ("he${XXX:+000}xx", ["hexx"]),
    ("he${XXX+000}xx", ["hexx"]),
    ("he${XXX:YYY}", ERROR),
    ("he${XXX:=000}xx", ERROR),
    ("he${XXX=000}xx", ERROR),
    ("he${XXX#000}xx", ERROR),
    ("he${XXX%000}xx", ERROR),
    ("he${XXX/a/b}xx", ERROR),
    ("he${XXX?}", ERROR),
    ("he${XXX:?}", ERROR),
    ("he${XXX?msg}", ERROR),
    ("he${XXX:-\\$PWD:}xx", ["he$PWD:xx"]),
    ("he${XXX:-\\${PWD}z}xx", ["he${PWDz}xx"]),
    ("he${XXX:-\\}}xx", ["he}xx"]),
    ("he${PWD", ERROR),
    ("he${PWD:-x", ERROR),
    ("'he${XX}'", ["he${XX}"]),
    ("\"he'$PWD'\"", ["he''"]),
    ("'\"hello\"'", ['"hello"']),
    ("안녕하세요", ["안녕하세요"]),
    ("안'녕'하세요", ["안녕하세요"]),
    ("안녕\\'하세요", ["안녕'하세요"]),
    ("$안녕하세요 x", ["x"]),
    ("${안녕하세요}x", ["x"]),
    ("a\u00a0b\u3000c\x1cd", ["a", "b", "c\x1cd"]),  # Go's IsSpace, not Python's
    ("\ufeffa \ufeffb", ["a", "\ufeffb"]),  # only a leading byte order mark is dropped
]


@pytest.mark.parametrize(("source", "expected"), WORDS)
def test_process_words(source, expected):
    if expected == ERROR:
        with pytest.raises(ShellLexError):
            process_words(source)
    else:
        assert process_words(source) == expected


# (source, words) with RawQuotes, RawEscapes and SkipUnsetEnv, as the line pass runs.
RAW_WORDS = [
    ("he'll'o", ["he'll'o"]),
    ('"a b" c', ['"a b"', "c"]),
    ("a\\ b", ["a\\ b"]),
    ("a\\", ["a\\"]),
    ('"a\\b"', ['"a\\\\b"']),  # a raw escape inside double quotes is written twice
    ('"a\\"b"', ['"a\\"b"']),
    ("$X ${Y} $1 $$ $", ["$X", "${Y}", "$1", "$$", "$"]),
    ("${X:-d} ${X-d} ${X:+d} ${X+d} ${X?d} ${X:?d}", ["${X:-d}", "${X-d}", "${X:+d}", "${X+d}", "${X?d}", "${X:?d}"]),
    ("${X:=d} ${X:#d} ${X:}}", ["${X:=d}", "${X:#d}", "${X:}}"]),
    ("${X:-a b}", ["${X:-a", "b}"]),
    ("${X:-'a'\\b}", ["${X:-'a'\\b}"]),
    ("${X#d}", ERROR),
]


@pytest.mark.parametrize(("source", "expected"), RAW_WORDS)
def test_process_words_raw(source, expected):
    kw = {"raw_quotes": True, "raw_escapes": True, "skip_unset_env": True}
    if expected == ERROR:
        with pytest.raises(ShellLexError):
            process_words(source, **kw)
    else:
        assert process_words(source, **kw) == expected


def test_skip_unset_env_keeps_the_processed_word():
    assert process_words("${X:-'a'}", skip_unset_env=True) == ["${X:-a}"]
    assert process_words("${X:-'a'}", raw_quotes=True, skip_unset_env=True) == ["${X:-'a'}"]


def test_backtick_escape():
    assert process_words("a`b c\\d", escape="`") == ["ab", "c\\d"]
    assert process_words('"a`"b"', escape="`") == ['a"b']


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("'a", 'failed to process "\'a": unexpected end of statement while looking for matching single-quote'),
        ('"a', 'failed to process "\\"a": unexpected end of statement while looking for matching double-quote'),
        ("${}", 'failed to process "${}": syntax error: bad substitution'),
        ("${X", "failed to process \"${X\": missing ':' in substitution"),
        ("${X:-a", "failed to process \"${X:-a\": syntax error: missing '}'"),
        ("${X:-${}}", 'failed to process "${X:-${}}": syntax error: bad substitution'),
        ("${X?}", 'failed to process "${X?}": X: is not allowed to be unset'),
        ("${X:?oops $Y}", 'failed to process "${X:?oops $Y}": X: oops '),
        ("${X:=a}", 'failed to process "${X:=a}": unsupported modifier (:=) in substitution'),
        ("${X=a}", "failed to process \"${X=a}\": missing ':' in substitution"),
        ("\t'", 'failed to process "\\t\'": unexpected end of statement while looking for matching single-quote'),
    ],
)
def test_error_messages(source, message):
    with pytest.raises(ShellLexError) as info:
        process_words(source)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("word", "spec"),
    [
        ("<<EOF", HeredocSpec("EOF", False, 0, True)),
        ("<<'EOF'", HeredocSpec("EOF", False, 0, False)),
        ('<<"EOF"', HeredocSpec("EOF", False, 0, False)),
        ("<<-EOF", HeredocSpec("EOF", True, 0, True)),
        ("<<-'EOF'", HeredocSpec("EOF", True, 0, False)),
        ('<<EO"F"', HeredocSpec("EOF", False, 0, False)),
        ("<<eo\\'f", HeredocSpec("eo'f", False, 0, True)),
        ("<<'e'o\\'f", HeredocSpec("eo'f", False, 0, False)),
        ("<<'one two'", HeredocSpec("one two", False, 0, False)),
        ("<<$EOF", HeredocSpec("$EOF", False, 0, True)),
        ("<<\\EOF", HeredocSpec("EOF", False, 0, True)),
        ("3<<EOF", HeredocSpec("EOF", False, 3, True)),
        ("007<<--EOF", HeredocSpec("-EOF", True, 7, True)),
        ("99999999999999999999<<EOF", HeredocSpec("EOF", False, 2**64 - 1, True)),
        ("<<\ufeffEOF", HeredocSpec("EOF", False, 0, True)),
        ("", None),
        ("EOF", None),
        ("<<", None),
        ("<<-", None),
        ("<EOF", None),
        ("<<<EOF", None),
        ("<<EOF<<X", None),
        ("<< EOF", HeredocSpec("EOF", False, 0, True)),  # one word only if lexed alone
        ("<<EOF sh", None),
        ("<<''", None),
        ("a<<EOF", None),
        ("\u0663<<EOF", None),  # \d is ASCII in Go
        ("<<EOF\n", HeredocSpec("EOF", False, 0, True)),
    ],
)
def test_parse_heredoc(word, spec):
    assert parse_heredoc(word) == spec


@pytest.mark.parametrize("word", ["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"', "<<${X:-a", "<<${}"])
def test_parse_heredoc_errors(word):
    with pytest.raises(ShellLexError):
        parse_heredoc(word)


def test_line_errors_before_heredocs_hide_them():
    # BuildKit ignores the line pass's error and gets no words back.
    assert heredocs_from_line("RUN <<EOF '") == []
    assert heredocs_from_line("RUN <<EOF ${X#y}") == []
    # Errors while reading one heredoc's name propagate.
    with pytest.raises(ShellLexError, match=r"missing '\}'"):
        heredocs_from_line("RUN <<${X:-a b}")


# ---------------------------------------------------------------- against BuildKit

BODY = "§body§"


def _signed64(n: int) -> int:
    """The oracle hands BuildKit's uint file descriptor over as a signed 64-bit integer."""
    return n - (1 << 64) if n >= 1 << 63 else n


def _continues(line: str) -> bool:
    return re.search(r"\\[ \t]*$", line) is not None


def compare_with_buildkit(line: str, instruction: str = "RUN") -> str:
    """Check one line; returns 'heredoc', 'none' or 'error' for counting."""
    text = f"FROM a\n{instruction} {line}\n"
    try:
        specs = heredocs_from_line(f"{instruction} {line}")
    except ShellLexError as exc:
        with pytest.raises(dockerfile.GoParseError) as info:
            dockerfile.parse_string(text)
        assert str(info.value) == str(exc), line
        return "error"
    if any(s.chomp and s.name.startswith("\t") for s in specs):
        # A <<- terminator loses its leading tabs, so such a name can never match.
        with pytest.raises(dockerfile.GoParseError, match="unterminated heredoc"):
            dockerfile.parse_string(text + "".join(f"{s.name}\n" for s in specs))
        return "unterminable"
    text += "".join(f"{BODY}\n{chr(9) if s.chomp else ''}{s.name}\n" for s in specs)
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        pytest.fail(f"{line!r}: we found {specs}, BuildKit says {exc}")
    assert len(commands) == 2, (line, specs, commands)
    assert commands[1].end_line == 2 + 2 * len(specs), (line, specs, commands)
    if commands[1].sub_cmd is None:  # the oracle does not report ONBUILD's heredocs
        got = [(h.name, h.file_descriptor, h.content) for h in commands[1].heredocs]
        assert got == [(s.name, _signed64(s.file_descriptor), BODY + "\n") for s in specs], line
    return "heredoc" if specs else "none"


LINES = [
    "<<EOF",
    "<<-EOF",
    '<<"EOF"',
    "<<'EOF'",
    '<<E"O"F',
    "<<E'O'F",
    "3<<EOF",
    "0<<-'EOF'",
    "<<EOF1 <<EOF2",
    "cat <<EOF > file",
    "cat <<EOF1 && cat 4<<-EOF2 >&2",
    "<<$VAR",
    '<<"$VAR"',
    "<<${VAR}",
    "<<${VAR:-x}",
    "<<${VAR-x}",
    "<<${VAR:+x}",
    "<<${VAR?x}",
    "<<${VAR:=x}",
    "<<${VAR=x}",
    "<<${VAR#x}",
    "<<${VAR:-a b}",
    '<<"${VAR:-a b}"',
    "<<${VAR:-a\\ b}",
    "<<${X:}abc}",
    "<<${}",
    "<<$",
    "<<$$",
    "<<$1",
    "<<EOF;",
    "a<<EOF",
    "<<EOF<<EOF2",
    '"<<EOF"',
    "'<<EOF'",
    "\\<<EOF",
    "<<\\EOF",
    "<<E\\OF",
    "<< EOF",
    "<<- EOF",
    "<<",
    "<<-",
    "<<--EOF",
    "echo '<<EOF'",
    "echo '<<EOF",
    'echo "<<EOF',
    "echo <<EOF '",
    "x<<<y",
    "<<<EOF",
    "<<EOF\\ x",
    "<<\\ EOF",
    "<<'a b'",
    '<<"a\\b"',
    '<<"a\\"b"',
    "<<''",
    '<<""',
    "<<'EOF",
    "<<EOF'",
    "<<eo\\'f",
    "<<'e'o\\'f",
    "99999999999999999999<<EOF",
    "9223372036854775808<<EOF",
    "<<ªb",
    "<<${ªb}",
    "<<\u00a0EOF",
    "<<EOF\u00a0x",
    "<<\ufeffEOF",
    "--mount=type=cache,target=/x <<EOF",
    "<<EOF#comment",
]


@pytest.mark.parametrize("line", LINES)
def test_lines_against_buildkit(line):
    compare_with_buildkit(line)


@pytest.mark.parametrize("instruction", ["COPY", "ADD", "ONBUILD RUN", "ONBUILD COPY"])
def test_other_instructions_against_buildkit(instruction):
    for line in ("<<EOF /dst", "<<A <<-B /dst", "<<'A' x"):
        compare_with_buildkit(line, instruction)


_TOKENS = [
    "<<",
    "<<-",
    "3<<",
    "<",
    "-",
    '"',
    "'",
    "\\",
    "$",
    "${",
    "}",
    "{",
    " ",
    "  ",
    "\t",
    ":",
    ":-",
    "+",
    "?",
    "#",
    "%",
    "=",
    "/",
    "EOF",
    "E",
    "a",
    "0",
    "12",
    ";",
    ">",
    "`",
    "$$",
    "$1",
    "ª",
    "\u00a0",
    "\ufeff",
]
# Pieces of ${...} with the spaces and quotes that make a heredoc name fail to lex.
_NAME_TOKENS = [
    "${X:-",
    "${X-",
    "${X:+",
    "${X?",
    "${X:?",
    "${X:=",
    "${",
    "}",
    "}",
    " ",
    "\\ ",
    "'",
    '"',
    "\\",
    "a",
    "$",
    "$Y",
    "${Y}",
    ":",
    "-",
    "\\}",
    "\\'",
    '\\"',
    "<<",
    "\u00a0",
]
_OPENERS = ["<<", "<<-", "1<<", "x <<", '"a b" <<']
_ALPHABET = "<-\"'\\${}: 0123456789abEOFx;?+"


def _usable(line: str) -> bool:
    """Keep the line one physical line with no flags (NUL is cut short by the oracle's C side)."""
    return not _continues(line) and not line.lstrip().startswith("--") and "\x00" not in line


lines = st.one_of(
    st.text(alphabet=_ALPHABET, max_size=24),
    st.lists(st.sampled_from(_TOKENS), max_size=14).map("".join),
    st.tuples(st.sampled_from(_OPENERS), st.lists(st.sampled_from(_NAME_TOKENS), min_size=1, max_size=9)).map(
        lambda t: t[0] + "".join(t[1])
    ),
).filter(_usable)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines)
def test_random_lines_against_buildkit(line):
    compare_with_buildkit(line)


@pytest.mark.parametrize("line", ["<<\\EOF", "<<`EOF", "<<E\\ F", "<<E` F", '<<"E`"F"'])
def test_escape_directive_does_not_change_heredoc_lexing(line):
    specs = heredocs_from_line(f"RUN {line}")
    text = f"# escape=`\nFROM a\nRUN {line}\n" + "".join(f"{BODY}\n{s.name}\n" for s in specs)
    commands = dockerfile.parse_string(text)
    assert [h.name for h in commands[1].heredocs] == [s.name for s in specs]


def test_differential_counts(capsys):
    """A larger seeded sweep; prints how many lines of each kind agreed with BuildKit."""
    import random

    rng = random.Random(20240601)
    counts = {"heredoc": 0, "none": 0, "error": 0, "unterminable": 0}
    for line in LINES:
        counts[compare_with_buildkit(line)] += 1
    for _ in range(2000):
        tokens = [rng.choice(_TOKENS) for _ in range(rng.randrange(1, 12))]
        tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(_OPENERS))
        line = "".join(tokens)
        if _usable(line):
            counts[compare_with_buildkit(line)] += 1
        line = rng.choice(_OPENERS) + "".join(rng.choice(_NAME_TOKENS) for _ in range(rng.randrange(1, 10)))
        if _usable(line):
            counts[compare_with_buildkit(line)] += 1
    with capsys.disabled():
        print(f"\nshell_lex differential: {counts}")
    assert counts["heredoc"] > 500 and counts["error"] >= 5
