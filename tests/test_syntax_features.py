"""One hand-written case per Dockerfile syntax feature: the tree's shape and BuildKit's
fields as snapshots, BuildKit's own parse as the judge, and the edit API on top."""

from __future__ import annotations

import time

import dockerfile
import pytest
from conftest import buildkit_oracle, nul_cut

import rewriter
from rewriter.api import parse_file
from rewriter.files import SourceError
from rewriter.record import Record
from rewriter.syntax.nodes import Continuation


def shape(node):
    """The tree as plain data, every node as {"node": class, field: value...} and every
    string as its repr, so that tabs, CRs and byte order marks show in the snapshot."""
    if isinstance(node, (tuple, list)):
        return [shape(n) for n in node]
    if isinstance(node, dict):
        return {k: shape(v) for k, v in node.items()}
    if isinstance(node, Record):
        return {"node": type(node).__name__, **{name: shape(getattr(node, name)) for name in node._fields}}
    return repr(node) if isinstance(node, str) else node


def parse_checked(text: str):
    """Parse, and check what every case must hold: the tree prints back to the input and
    its fields are BuildKit's."""
    tree = rewriter.parse(text)
    assert rewriter.print(tree) == text
    assert nul_cut(rewriter.buildkit_json(tree)) == nul_cut(buildkit_oracle(text))
    return tree


def reject_checked(text: str) -> rewriter.ParseError:
    """Parse where BuildKit fails: a ParseError whose message starts with BuildKit's."""
    with pytest.raises(dockerfile.GoParseError) as theirs:
        buildkit_oracle(text)
    with pytest.raises(rewriter.ParseError) as ours:
        rewriter.parse(text)
    assert ours.value.message.startswith(str(theirs.value))
    return ours.value


FEATURES = {
    "heredoc": "FROM alpine\nRUN <<EOF\necho hello\necho world\nEOF\n",
    "heredoc-chomp": "FROM alpine\nRUN <<-EOF\n\techo hello\n\t\tEOF\nRUN true\n",
    "heredoc-double-quoted": 'FROM alpine\nCOPY <<"EOF" /greeting\n$HOME is not expanded\nEOF\n',
    "heredoc-single-quoted": "FROM alpine\nRUN <<'EOF' bash\necho $HOME\nEOF\n",
    "heredoc-several": "FROM alpine\nRUN <<A 3<<-B cat /dev/stdin /dev/fd/3\nfirst\nA\n\tsecond\n\tB\nRUN true\n",
    "heredoc-onbuild": "FROM alpine\nONBUILD RUN <<EOF\necho later\nEOF\n",
    "heredoc-crlf": "FROM alpine\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nRUN true\r\n",
    "heredoc-after-continuation": "FROM alpine\nRUN \\\n  <<EOF sh\necho hi\nEOF\n",
    "heredoc-in-json-form": 'FROM alpine\nRUN ["sh", "-c", "<<EOF"]\nEOF\n',
    "escape-backtick": "# escape=`\nFROM mcr.microsoft.com/windows/servercore\n"
    "RUN dir C:\\ `\n    && echo done\nCOPY . C:\\app\\\n",
    "syntax-directive": "# syntax=docker/dockerfile:1.7\n# escape=\\\nFROM alpine\n",
    "directive-after-comment": "# a comment first\n# escape=`\nFROM alpine\nRUN echo \\\n  next\n",
    "directive-after-instruction": "FROM alpine\n# syntax=docker/dockerfile:1\n",
    "comments-in-continuation": "FROM alpine\nRUN apk add \\\n# the compiler\n    gcc \\\n\n  # and make\n\n    make\n",
    "blanks-after-backslash": "FROM alpine\nRUN echo a \\  \t\n    b\n",
    "escaped-backslash-at-eol": "FROM alpine\nRUN echo a\\\\\nRUN echo b\n",
    "backslash-at-eof": "FROM alpine\nRUN echo a \\",
    "backslash-then-comment-at-eof": "FROM alpine\nRUN echo a \\\n# trailing\n",
    "lone-escape-line": "\\\nFROM alpine\n",
    "crlf": "FROM alpine\r\nRUN echo a \\\r\n  b\r\n\r\n# done\r\n",
    "bom": "\ufeffFROM alpine\nRUN true\n",
    "bom-before-directive": "\ufeff# escape=`\nFROM alpine\nRUN a `\n b\n",
    "unicode": 'FROM alpine\nLABEL description="café ☕ 日本"\nRUN echo ünïcödé\u00a0x\n',
    "lower-case": "from alpine as build\nrun echo hi\ncopy --from=build /a /b\n",
    "json-single-quotes": "FROM alpine\nCMD ['echo', 'hi']\n",
    "json-nan": "FROM alpine\nCMD [NaN]\n",
    "json-trailing-text": 'FROM alpine\nCMD ["echo", "hi"] and more\n',
    "json-unterminated": 'FROM alpine\nCMD ["echo",\n',
    "json-escapes": 'FROM alpine\nENTRYPOINT ["a\\tb", "\\u00e9", "\\ud83d\\ude00"]\n',
    "json-multiline": 'FROM alpine\nCMD ["a", \\\n     "b"]\n',
    "flags-quoted": (
        "FROM alpine\n"
        'RUN --mount=type=cache,target="/root/.cache/go build" --network=none go build\n'
        "COPY --chmod=0755 --link --from='build stage' /out /bin/\n"
        "ADD --checksum=sha256:abc \\\n    --chown=1:1 https://x/y /z\n"
    ),
    "flags-only": "FROM alpine\nRUN --mount=type=cache,target=/x\n",
    "env-forms": 'FROM alpine\nENV A 1 2 3\nENV B=1 C="two words" D=\'x y\'\nENV E=\\"q\\"\n',
    "label-forms": 'FROM alpine\nLABEL maintainer someone@example.com\nLABEL a=b "c d"="e f"\n',
    "arg-forms": "ARG VERSION=1.22\nARG TARGETOS\nFROM golang:${VERSION}\n",
    "healthcheck": "FROM alpine\nHEALTHCHECK NONE\n"
    'HEALTHCHECK --interval=5s CMD curl -f http://localhost/\nHEALTHCHECK CMD ["true"]\n',
    "onbuild": "FROM alpine\nONBUILD COPY . /src\nONBUILD ONBUILD RUN make\n",
    "no-final-newline": "FROM alpine\nRUN true",
    "tabs": "FROM\talpine\n\tRUN\techo\t'a\tb'\t\\\n\t\tc\n",
    "unknown-instruction": "FROM alpine\nFOO bar baz\n",
    "stages": "ARG BASE=alpine\nFROM golang AS build\nRUN go build\nFROM ${BASE}\nCOPY --from=build /app /app\n",
}


@pytest.mark.parametrize("text", FEATURES.values(), ids=FEATURES.keys())
def test_feature(text, snapshot):
    tree = parse_checked(text)
    assert snapshot == {"tree": shape(tree), "buildkit": shape(rewriter.buildkit_json(tree))}


# --- what the snapshots show, said outright ------------------------------------------------


def test_heredoc_bodies_and_terminators():
    tree = parse_checked(FEATURES["heredoc-several"])
    run = tree.stages[0].instructions[1]
    first, second = run.heredocs
    assert (first.name, first.file_descriptor, first.chomp, first.content) == ("A", 0, False, "first\n")
    assert (second.name, second.file_descriptor, second.chomp) == ("B", 3, True)
    assert second.terminator == "\tB\n"
    assert [h.expand for h in parse_checked(FEATURES["heredoc-single-quoted"]).stages[0].instructions[1].heredocs] == [
        False
    ]
    # Go's ParseUint saturates: an absurd descriptor becomes the largest uint64.
    huge = parse_checked("FROM alpine\nRUN 99999999999999999999<<EOF\nx\nEOF\n").instructions[1].heredocs[0]
    assert huge.file_descriptor == 2**64 - 1


def test_escape_directive_changes_continuation():
    tree = parse_checked(FEATURES["escape-backtick"])
    assert tree.escape == "`"
    run, copy = tree.stages[0].instructions[1:]
    assert run.arguments.has_continuation
    assert run.values == ("dir C:\\     && echo done",)
    assert copy.values == (".", "C:\\app\\")  # a backslash is a plain character here


def test_directive_only_at_the_top():
    tree = parse_checked(FEATURES["directive-after-comment"])
    assert tree.directives == ()
    assert tree.escape == "\\"


def test_duplicate_directive():
    error = reject_checked("# escape=`\n# escape=\\\nFROM alpine\n")
    assert (error.message, error.line) == ("only one escape parser directive can be used", 2)
    reject_checked("# syntax=a\n# SYNTAX=b\nFROM alpine\n")


def test_invalid_escape_value():
    assert reject_checked("# escape=x\nFROM alpine\n").line == 1


@pytest.mark.parametrize(
    ("text", "line"),
    [("", 1), ("# only\n# comments\n", 2), ("\n  \n\t\n", 3), ("# escape=`\n", 1)],
    ids=["empty", "comments", "blank-lines", "directive"],
)
def test_file_with_no_instructions(text, line):
    error = reject_checked(text)
    assert (error.message, error.line, error.column) == ("file with no instructions", line, 1)


def test_continuation_skips_comment_and_blank_lines():
    tree = parse_checked(FEATURES["comments-in-continuation"])
    run = tree.stages[0].instructions[1]
    assert run.values == ("apk add     gcc     make",)
    skipped = [s for p in run.arguments.parts if type(p) is Continuation for s in p.skipped]
    assert [type(s).__name__ for s in skipped] == ["Comment", "BlankLine", "Comment", "BlankLine"]


def test_escaped_escape_does_not_continue():
    tree = parse_checked(FEATURES["escaped-backslash-at-eol"])
    assert [i.values for i in tree.stages[0].instructions[1:]] == [("echo a\\\\",), ("echo b",)]


def test_backslash_at_end_of_file():
    run = parse_checked(FEATURES["backslash-at-eof"]).stages[0].instructions[1]
    assert run.values == ("echo a",) and run.newline == ""
    assert type(run.arguments.parts[-1]) is Continuation


def test_crlf_and_bom_are_kept():
    tree = parse_checked(FEATURES["crlf"])
    assert tree.stages[0].instructions[0].newline == "\r\n"
    assert parse_checked(FEATURES["bom"]).bom == "\ufeff"


def test_json_forms():
    cmds = [
        parse_checked(FEATURES[k]).stages[0].instructions[1]
        for k in ("json-single-quotes", "json-nan", "json-trailing-text")
    ]
    assert [(c.is_json, c.values) for c in cmds] == [
        (False, ("['echo', 'hi']",)),
        (False, ("[NaN]",)),
        (True, ("echo", "hi")),
    ]
    error = reject_checked('FROM alpine\nCMD ["echo", 1]\n')
    assert (error.message, error.line) == ("when using JSON array syntax, arrays must be comprised of strings only", 2)
    reject_checked("FROM alpine\nCOPY [true, false]\n")


def test_flags_with_quotes():
    run, copy, add = parse_checked(FEATURES["flags-quoted"]).stages[0].instructions[1:]
    assert run.flag("mount") == "type=cache,target=/root/.cache/go build"
    assert run.flag("network") == "none"
    assert copy.flag_values == ("--chmod=0755", "--link", "--from=build stage")
    assert copy.flag("link") == "" and copy.flag("from") == "build stage" and copy.flag("chown") is None
    assert add.flag("chown") == "1:1" and add.values == ("https://x/y", "/z")


def test_env_and_label_forms():
    env_old, env_new, env_escaped = parse_checked(FEATURES["env-forms"]).stages[0].instructions[1:]
    assert env_old.pairs() == [("A", "1 2 3")]
    assert env_new.pairs() == [("B", "1"), ("C", '"two words"'), ("D", "'x y'")]
    assert env_escaped.pairs() == [("E", '\\"q\\"')]
    old, new = parse_checked(FEATURES["label-forms"]).stages[0].instructions[1:]
    assert old.pairs() == [("maintainer", "someone@example.com")]
    assert new.pairs() == [("a", "b"), ('"c d"', '"e f"')]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("FROM alpine\nENV PATH\n", "ENV must have two arguments"),
        ("FROM alpine\nLABEL solo\n", "LABEL must have two arguments"),
        ("FROM alpine\nENV A=1 B\n", 'Syntax error - can\'t find = in "B". Must be of the form: name=value'),
    ],
    ids=["env", "label", "env-pair"],
)
def test_env_without_value(text, message):
    error = reject_checked(text)
    assert (error.message, error.line, error.column) == (message, 2, 1)


def test_healthcheck():
    none, cmd, json_cmd = parse_checked(FEATURES["healthcheck"]).stages[0].instructions[1:]
    assert none.values == ("NONE",)
    assert cmd.values == ("CMD", "curl -f http://localhost/") and cmd.flag("interval") == "5s"
    assert json_cmd.values == ("CMD", "true") and json_cmd.is_json


def test_unterminated_heredoc_names_its_line():
    error = reject_checked("FROM alpine\nRUN true\nRUN <<EOF\necho never ends\n")
    assert (error.line, error.column) == (3, 1)
    assert "<<EOF" in error.message


def test_stages():
    tree = parse_checked(FEATURES["stages"])
    assert [i.name for i in tree.preamble] == ["ARG"]
    assert [(s.name, s.base_image) for s in tree.stages] == [("build", "golang"), (None, "${BASE}")]
    assert tree.stage_by_name("BUILD") is tree.stages[0]


# --- editing -------------------------------------------------------------------------------

EDITABLE = "FROM golang:1.22 AS build\nRUN apk add \\\n    # the compiler\n    gcc \\\n    make\nRUN go build -o /app\n"


def test_replace_span_keeps_continuations_and_comments():
    run = rewriter.parse(EDITABLE).stages[0].instructions[1]
    value = run.arguments.value
    start = value.index("gcc")
    edited = run.arguments.replace_span(start, start + 3, "clang")
    assert edited.value == value.replace("gcc", "clang")
    assert edited.code == run.arguments.code.replace("gcc", "clang")
    assert [type(p) for p in edited.parts].count(Continuation) == 2


def test_replace_span_over_a_continuation_keeps_its_comment():
    run = rewriter.parse(EDITABLE).stages[0].instructions[1]
    value = run.arguments.value
    edited = run.arguments.replace_span(value.index("add"), len(value), "add clang")
    assert edited.value.endswith("add clang")
    assert "# the compiler" in edited.code
    assert type(edited.parts[-1]) is str  # no continuation left dangling at the end


def test_with_arguments_keeps_leading_blank_and_comments():
    run = rewriter.parse(EDITABLE).stages[0].instructions[1]
    edited = run.with_arguments("apk add --no-cache gcc make")
    assert edited.logical_line == "RUN apk add --no-cache gcc make"
    assert "# the compiler" in edited.code
    assert edited.code.startswith("RUN ")


def test_editing_one_instruction_changes_only_its_lines():
    tree = rewriter.parse(EDITABLE)
    stage = tree.stages[0]
    build = stage.instructions[2]
    items = tuple(build.with_arguments("CGO_ENABLED=0 go build -o /app") if i is build else i for i in stage.items)
    edited = tree.with_changes(stages=(stage.with_changes(items=items),))
    before, after = EDITABLE.splitlines(keepends=True), rewriter.print(edited).splitlines(keepends=True)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b] == [5]
    assert after[5] == "RUN CGO_ENABLED=0 go build -o /app\n"
    assert len(before) == len(after)
    assert nul_cut(rewriter.buildkit_json(rewriter.parse(rewriter.print(edited)))) == buildkit_oracle(
        rewriter.print(edited)
    )


# --- regressions ---------------------------------------------------------------------------


def test_line_of_64_kib_stops_buildkit():
    """BuildKit reads lines into a 64 KiB buffer: a longer line ends the file with an error."""
    fits = "FROM alpine\nRUN " + "x" * (65535 - 4) + "\n"
    parse_checked(fits)
    error = reject_checked("FROM alpine\nRUN " + "é" * 32766 + "\nRUN true\n")
    assert (error.message, error.line) == ("dockerfile line greater than max allowed size of 65535", 2)
    # Errors in the lines read before it come first; no instruction at all says so.
    reject_checked("FROM alpine\nRUN <<EOF\n" + "x" * 70000 + "\nEOF\n")
    reject_checked("FROM alpine\nENV A\\\n" + "x" * 70000 + "\n")
    assert reject_checked("# c\n" + "x" * 70000 + "\nFROM alpine\n").message == "file with no instructions"


def test_lone_escape_makes_an_empty_instruction():
    tree = parse_checked("FROM alpine\n\\\n# c\n")
    assert tree.instructions[-1].logical_line == ""


def test_nested_onbuild_value():
    """BuildKit hangs ONBUILD's instruction under an empty node: ONBUILD ONBUILD x holds ""."""
    tree = parse_checked("FROM alpine\nONBUILD ONBUILD RUN make\nONBUILD ONBUILD\n")
    assert [i.values for i in tree.instructions[1:]] == [("",), ()]


def test_messages_quote_like_go():
    """ENV/LABEL errors quote the word with Go's %q: \\x1f, not JSON's \\u001f."""
    error = reject_checked('FROM alpine\nENV A=1 \x1f\u00ad\U000e0001"\n')
    assert (
        error.message == 'Syntax error - can\'t find = in "\\x1f\\u00ad\\U000e0001\\"". Must be of the form: name=value'
    )


def test_healthcheck_type_cut_inside_a_character():
    """BuildKit cuts the type word byte by byte; the stray bytes stay surrogate escapes."""
    ins = rewriter.parse("FROM alpine\nHEALTHCHECK CMD\u0160 x\n").instructions[1]
    assert ins.values == ("CMD\udcc5", "x")
    assert rewriter.print(rewriter.parse("FROM alpine\nHEALTHCHECK Å\n")).endswith("Å\n")


def test_flag_ended_inside_a_character():
    """BuildKit reads flags byte by byte and takes the byte 0xA0 for a space: U+20000
    (F0 A0 80 80) ends a flag mid-character, and the arguments start with the two stray
    bytes. The flag segment keeps the whole character; nothing raises but ParseError."""
    ins = rewriter.parse("FROM --platform=x\U00020000 alpine\n").instructions[0]
    assert ins.flag_values == ("--platform=x\u00f0",)
    assert ins.values == ("\udc80\udc80", "alpine")
    assert ins.flags[0].value.endswith("\U00020000") and ins.arguments.value == " alpine"
    reject_checked("ENV --x\U00020000\n")  # the stray bytes are the only argument
    assert rewriter.parse("FROM --a\ud800 b\n").instructions[0].values == ("\udc80", "b")


# --- bad input -----------------------------------------------------------------------------


def _timed(fn):
    """fn's result (or its ParseError) and the CPU seconds it took; CPU time, so that a busy
    machine does not fail the bound."""
    start = time.process_time()
    try:
        result = fn()
    except rewriter.ParseError as exc:
        result = exc
    return result, time.process_time() - start


def test_50_mb_file(tmp_path):
    """parse_file refuses files over 10 MB before reading them whole."""
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine\n" + "RUN echo one two three four five six seven eight nine\n" * 1_000_000)
    assert path.stat().st_size > 50_000_000
    result, seconds = _timed(lambda: pytest.raises(SourceError, parse_file, path))
    assert "too large" in str(result.value) and seconds < 3


def test_50_mb_of_text():
    """50 MB in one line stops at BuildKit's line limit; in lines just under it, it parses."""
    one_line = "FROM alpine\nRUN " + "x" * 50_000_000 + "\n"
    result, seconds = _timed(lambda: rewriter.parse(one_line))
    assert (result.message, result.line) == ("dockerfile line greater than max allowed size of 65535", 2)
    assert seconds < 3
    long_lines = "FROM alpine\n" + ("RUN " + "x" * 65_000 + "\n") * 770
    assert len(long_lines) > 50_000_000
    result, seconds = _timed(lambda: rewriter.parse(long_lines))
    assert len(result.instructions) == 771 and seconds < 3


def test_largest_file_parse_file_accepts(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine\n" + "RUN echo one two three four five six seven eight nine ten\n" * 170_000)
    assert 9_000_000 < path.stat().st_size < 10 * 1024 * 1024
    (tree, _), seconds = _timed(lambda: parse_file(path))
    assert len(tree.instructions) == 170_001 and seconds < 10


def test_10000_line_continuation():
    text = "FROM alpine\nRUN echo \\\n" + "  word \\\n" * 10_000 + "  end\n"
    tree, seconds = _timed(lambda: parse_checked(text))
    assert tree.instructions[1].logical_line.count("word") == 10_000
    assert seconds < 3


def test_2000_heredocs_on_one_line():
    names = [f"E{i}" for i in range(2000)]
    text = "FROM alpine\nRUN " + " ".join("<<" + n for n in names) + "\n" + "".join(n + "\n" for n in names)
    tree, seconds = _timed(lambda: parse_checked(text))
    assert [h.name for h in tree.instructions[1].heredocs] == names
    assert seconds < 3


def test_deeply_nested_json():
    """100,000 brackets over continuation lines: shell form (Go stops at depth 10,000),
    and no RecursionError on the way."""
    text = "FROM alpine\nCMD " + "[" * 50_000 + " \\\n" + "]" * 50_000 + "\n"
    tree, seconds = _timed(lambda: parse_checked(text))
    assert not tree.instructions[1].is_json
    assert seconds < 3


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine\nRUN <<EOF\n" + "line\n" * 100_000,
        'FROM alpine\nCMD ["a", \\\n' + '  "b", \\\n' * 20_000 + "\n",
        "FROM alpine\nCMD " + "[ \\\n" * 20_000 + "\n",
    ],
    ids=["unterminated-heredoc", "unterminated-json", "open-brackets"],
)
def test_unterminated_input_is_bounded(text):
    result, seconds = _timed(lambda: rewriter.parse(text))
    assert seconds < 3
    if isinstance(result, rewriter.ParseError):
        assert result.message == "unterminated heredoc <<EOF" and result.line == 2
    else:
        assert not result.instructions[1].is_json
        assert nul_cut(rewriter.buildkit_json(result)) == buildkit_oracle(text)
