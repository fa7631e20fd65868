"""Credentials in build files: every ENV the service had reaches the runtime image (it may
read any of them at start), and each one that looks like a credential is reported as
baked into the image (GS303), so that it can be passed at run time instead."""

from __future__ import annotations

import pytest
from invariants import _commands
from properties import secret_problems

import rewriter
from rewriter.config import Config
from rewriter.diagnostics import Severity, Status

SINGLE = """\
ARG NPM_TOKEN
FROM golang:1.22
ARG GITHUB_TOKEN
ARG NPM_TOKEN
ENV DB_PASSWORD=hunter2 PORT=8080 AWS_SECRET_ACCESS_KEY=abc
ENV API_KEY abc
ENV LOG_LEVEL=info SSH_PRIVATE_KEY=${GITHUB_TOKEN}
WORKDIR /app
COPY . .
RUN go build -o /bin/app .
CMD ["/bin/app"]
"""

MULTI = """\
FROM golang:1.22 AS builder
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/app .

FROM alpine:3.19
ARG GITHUB_TOKEN
ENV PORT=8080 DB_PASSWORD=hunter2
COPY --from=builder /bin/app /bin/app
CMD ["/bin/app"]
"""


def _runtime_names(text: str) -> set[str]:
    stage = []
    for command in _commands(text):
        if command.cmd.upper() == "FROM":
            stage = []
        elif command.cmd.upper() == "ARG":
            stage += [w.split("=", 1)[0] for w in command.value]
        elif command.cmd.upper() == "ENV":
            stage += command.value[0::2]
    return set(stage)


def test_every_env_is_kept_and_secrets_are_reported():
    result = rewriter.rewrite(SINGLE)
    assert result.status is Status.REWRITTEN
    runtime = result.code.split("FROM scratch")[1]
    assert _runtime_names(result.code) == {
        "DB_PASSWORD",
        "PORT",
        "AWS_SECRET_ACCESS_KEY",
        "API_KEY",
        "LOG_LEVEL",
        "SSH_PRIVATE_KEY",
        "GITHUB_TOKEN",
    }
    assert "ENV DB_PASSWORD=hunter2 PORT=8080 AWS_SECRET_ACCESS_KEY=abc\n" in runtime
    assert "ARG GITHUB_TOKEN\n" in runtime  # SSH_PRIVATE_KEY=${GITHUB_TOKEN} needs it, as in the original
    warned = " ".join(d.message for d in result.diagnostics if d.code == "GS303")
    for name in ("DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "API_KEY", "SSH_PRIVATE_KEY", "GITHUB_TOKEN"):
        assert name in warned
    assert "NPM_TOKEN" not in warned and "NPM_TOKEN" not in runtime  # no ENV uses it: it stays behind
    assert all(d.severity is Severity.WARNING for d in result.diagnostics if d.code == "GS303")
    assert secret_problems(SINGLE, result) == []


def test_a_secret_arg_a_carried_env_uses_is_declared_again_and_reported():
    text = SINGLE.replace("ENV LOG_LEVEL=info SSH_PRIVATE_KEY=${GITHUB_TOKEN}", "ENV AUTH_HEADER=${NPM_TOKEN}")
    result = rewriter.rewrite(text)
    runtime = result.code.split("FROM scratch")[1]
    assert "ARG NPM_TOKEN\n" in runtime and "ENV AUTH_HEADER=${NPM_TOKEN}\n" in runtime
    assert any("NPM_TOKEN" in d.message for d in result.diagnostics if d.code == "GS303")
    assert secret_problems(text, result) == []


def test_existing_runtime_secrets_are_warned_about():
    result = rewriter.rewrite(MULTI)
    warnings = [d for d in result.diagnostics if d.code == "GS303"]
    assert [(d.severity, d.line) for d in warnings] == [(Severity.WARNING, 7), (Severity.WARNING, 8)]
    assert "GITHUB_TOKEN" in warnings[0].message
    assert "DB_PASSWORD" in warnings[1].message and "PORT" not in warnings[1].message
    assert result.status is Status.REWRITTEN  # a warning, not a refusal
    assert secret_problems(MULTI, result) == []


def test_existing_secret_is_reported_even_when_the_file_is_refused():
    text = MULTI.replace("COPY --from", "RUN apk add --no-cache ffmpeg\nCOPY --from")
    result = rewriter.rewrite(text)
    assert result.status is Status.REFUSED
    assert {d.code for d in result.diagnostics if d.severity is Severity.WARNING} >= {"GS303"}


def test_the_warning_can_be_turned_off():
    result = rewriter.rewrite(MULTI, Config(disable=frozenset({"GS303"})))
    assert not [d for d in result.diagnostics if d.code == "GS303"]


@pytest.mark.parametrize("name", ["KEYCLOAK_URL", "MONKEY", "PORT", "GOPROXY"])
def test_plain_names_are_not_secrets(name):
    result = rewriter.rewrite(MULTI.replace("DB_PASSWORD", name))
    assert all(name not in d.message for d in result.diagnostics if d.code == "GS303")


def test_a_final_stage_inherits_the_env_of_the_stage_it_starts_from():
    text = """\
FROM golang:1.22 AS base
ENV GITHUB_TOKEN=abc
ARG NPM_TOKEN=def
FROM base AS final
WORKDIR /app
COPY . .
RUN go build -o /bin/app .
CMD ["/bin/app"]
"""
    result = rewriter.rewrite(text)
    warned = [(d.line, d.message) for d in result.diagnostics if d.code == "GS303"]
    assert [line for line, _ in warned][:1] == [2]
    assert "GITHUB_TOKEN" in warned[0][1] and not any("NPM_TOKEN" in m for _, m in warned)


def test_a_go_final_stage_that_is_refused_still_reports_its_secrets():
    text = """\
FROM golang:1.22 AS deps
RUN go mod download
FROM golang:1.22
ENV API_KEY=abc
RUN go build ./...
CMD ["/go/bin/app"]
"""
    result = rewriter.rewrite(text)
    assert result.status is Status.REFUSED
    assert [d.line for d in result.diagnostics if d.code == "GS303"] == [4]


def test_an_arg_line_redeclared_for_a_carried_value_leaves_its_other_names_behind():
    """Found by fuzz/fuzz_rewrite.py: ``ENV TZ=${VERSION}`` brought the whole
    ``ARG VERSION=1 SSH_PRIVATE_KEY=... token=...`` line into the runtime."""
    text = """\
FROM golang:1.23 as builder
ARG VERSION=1 SSH_PRIVATE_KEY=s3cr3t token=s3cr3t PLAIN=x
ENV TZ=${VERSION}
WORKDIR /src
COPY . .
RUN go build -o /out/api ./cmd/api
CMD ["/out/api"]
"""
    result = rewriter.rewrite(text)
    runtime = result.code.split("FROM scratch")[1]
    assert "ARG VERSION=1\n" in runtime
    assert _runtime_names(result.code) == {"VERSION", "TZ"}
    assert secret_problems(text, result) == []
