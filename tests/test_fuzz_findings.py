"""Inputs the fuzzer (fuzz/fuzz_rewrite.py) broke goslim with, kept so they stay fixed.

Each case must now satisfy every property of tests/properties.py, plus what the case was
about.
"""

from __future__ import annotations

import pytest
from properties import problems

import rewriter

GO = 'FROM golang:1.21 AS builder\nWORKDIR /build\nRUN go build -o /server .\nENTRYPOINT ["/server"]\n'


@pytest.mark.parametrize("tail", [
    "    -installsuffix \\\n",            # the fuzzer's input: a stray line, continued at EOF
    "LABEL a=b \\",                        # no final newline
    "LABEL a=b \\ \t\n",                   # blanks after the escape character
    "LABEL a=b \\\n# c1\n\n# c2",          # comment and blank lines the continuation skipped
    "LABEL a=b \\\n  \\\n\\\n# x\n",       # lines holding only the escape character
    "EXPOSE 80 \\\r\n",
])
def test_a_continuation_at_the_end_of_the_file_does_not_swallow_the_new_stage(tail):
    text = GO + tail
    result = rewriter.rewrite(text)
    assert result.changed
    assert problems(text) == []
    assert result.code.count("\nFROM scratch") == 1
    for line in tail.splitlines():  # every comment survives
        if line.lstrip().startswith("#"):
            assert line in result.code
