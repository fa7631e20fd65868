"""One hand-written case per Dockerfile syntax feature: the tree's shape and BuildKit's
fields as snapshots, BuildKit's own parse as the judge, and the edit API on top."""

from __future__ import annotations

import dataclasses
import time

import dockerfile
import pytest

import rewriter
from conftest import buildkit_oracle, nul_cut
from rewriter.api import parse_file
from rewriter.files import SourceError
from rewriter.syntax.nodes import Continuation


def shape(node):
    """The tree as plain data: every node as {"node": class, field: value...}."""
    if isinstance(node, tuple):
        return [shape(n) for n in node]
    if dataclasses.is_dataclass(node):
        return {"node": type(node).__name__, **{f.name: shape(getattr(node, f.name)) for f in dataclasses.fields(node)}}
    return node


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


# --- regressions ---------------------------------------------------------------------------


def test_healthcheck_type_cut_inside_a_character():
    """BuildKit cuts the type word byte by byte; the stray bytes stay surrogate escapes."""
    ins = rewriter.parse("FROM alpine\nHEALTHCHECK CMD\u0160 x\n").instructions[1]
    assert ins.values == ("CMD\udcc5", "x")
    assert rewriter.print(rewriter.parse("FROM alpine\nHEALTHCHECK Å\n")).endswith("Å\n")


def test_nested_onbuild_value():
    """BuildKit hangs ONBUILD's instruction under an empty node: ONBUILD ONBUILD x holds ""."""
    tree = parse_checked("FROM alpine\nONBUILD ONBUILD RUN make\nONBUILD ONBUILD\n")
    assert [i.values for i in tree.instructions[1:]] == [("",), ()]


def test_messages_quote_like_go():
    """ENV/LABEL errors quote the word with Go's %q: \\x1f, not JSON's \\u001f."""
    error = reject_checked("FROM alpine\nENV A=1 \x1f\u00ad\U000e0001\"\n")
    assert error.message == 'Syntax error - can\'t find = in "\\x1f\\u00ad\\U000e0001\\"". Must be of the form: name=value'


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
