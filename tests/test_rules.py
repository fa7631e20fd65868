"""Every rule, case by case: a Dockerfile before, the file and diagnostics after.

Each case names the rule it is about and says outright what must (or must not) be in the
output; the snapshot pins the whole output and every diagnostic. On top, for every file
the rewrite changed: the external soundness checks of tests/invariants.py hold, a second
rewrite changes nothing, and every line no rule set out to edit comes out byte for byte
(comments inside a RUN's continuation, CRLF endings, a missing final newline). A refusal
leaves the file exactly as it was and its error names the line at fault.
"""

from __future__ import annotations

import collections
import functools
import re
from dataclasses import dataclass

import pytest

import invariants
import rewriter
from invariants import violations
from rewriter import Config
from rewriter.diagnostics import Diagnostic, Severity, Status
from rewriter.passes.base import Result
from rewriter.passes import RULES
from rewriter.syntax.nodes import Instruction


def test_hadolint_is_there():
    """The soundness check compares hadolint's errors before and after; without hadolint
    that part of it would pass silently."""
    assert invariants.HADOLINT


@dataclass(frozen=True)
class Case:
    id: str
    rule: str                       # the rule the case is about
    text: str
    status: Status
    fires: bool = True              # whether `rule` is reported
    config: Config = Config()
    expect: tuple[str, ...] = ()    # text the output holds
    absent: tuple[str, ...] = ()    # text the output does not hold
    at: str | None = None           # refusals: the original line the error names starts so
    unsound: tuple[str, ...] = ()   # violations the config asks for (a rule turned off)


def fat(*lines: str, base: str = "golang:1.22", workdir: str = "/app", nl: str = "\n") -> str:
    """A single-stage Go Dockerfile: FROM, WORKDIR, COPY . ., then ``lines``."""
    head = [f"FROM {base}", f"WORKDIR {workdir}", "COPY . ."]
    return nl.join(head + list(lines)) + nl


BUILD = "RUN go build -o /app/server ."
RUNS = 'CMD ["/app/server"]'
GOOD = 'RUN CGO_ENABLED=0 GOOS=linux go build -ldflags="-w -s" -trimpath -o /app/server .'

# What goslim makes of the plain single-stage file: rewriting it again must change nothing.
SLIM = """\
FROM golang:1.22 AS builder
RUN echo 'appuser:x:10001:10001::/nonexistent:/sbin/nologin' > /etc/passwd.runtime && echo 'appuser:x:10001:' > /etc/group.runtime
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -tags timetzdata -ldflags="-w -s" -trimpath -o /app/server .

FROM scratch
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /etc/passwd.runtime /etc/passwd
COPY --from=builder /etc/group.runtime /etc/group
COPY --from=builder /app/server /app/server
WORKDIR /app
USER 10001:10001
ENTRYPOINT ["/app/server"]
"""


def multi(final: str, build: str = BUILD, builder: str = "golang:1.22") -> str:
    """A two-stage file: a builder named `build` writing /app/server, then ``final``."""
    return f"FROM {builder} AS build\nWORKDIR /app\nCOPY . .\n{build}\n\n{final}"


def copied_passwd(create: str, builder: str = "golang:1.22") -> str:
    """A two-stage file whose runtime copies the builder's passwd and runs as `appuser`,
    created by ``create`` without a uid."""
    return multi("FROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nCOPY --from=build /etc/group /etc/group\n"
                 "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\n"
                 'COPY --from=build /app/server /server\nUSER appuser\nENTRYPOINT ["/server"]\n',
                 build=create + "\n" + GOOD, builder=builder)


R, REF, UN, SK = Status.REWRITTEN, Status.REFUSED, Status.UNCHANGED, Status.SKIPPED
MISSING_STRIP = ("the build does not strip with -ldflags -s -w",)

CASES = [
    # --- GS001 / GS002: files left alone ---------------------------------------------------
    Case("node-image", "GS001", 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n', SK),
    Case("pragma-ignore", "GS002", "# goslim: ignore\n" + fat(BUILD, RUNS), SK),
    Case("pragma-ignore-no-spaces", "GS002", fat(BUILD, "#GOSLIM:IGNORE", RUNS), SK),

    # --- GS101: split into builder + scratch --------------------------------------------------
    Case("split-plain", "GS101", fat(BUILD, "EXPOSE 8080", RUNS), R,
         expect=("FROM golang:1.22 AS builder\n", "\nFROM scratch\n", "COPY --from=builder /app/server /app/server\n",
                 "WORKDIR /app\nEXPOSE 8080\n")),
    Case("split-runtime-values", "GS101", """\
ARG PORT=8080
FROM golang:1.22
ARG PORT
LABEL org.opencontainers.image.source="https://example.com/svc"
ENV GOPATH=/go PATH=/go/bin:$PATH APP_ENV=production
WORKDIR /app
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /app/server ./cmd/server
VOLUME /data
STOPSIGNAL SIGTERM
EXPOSE $PORT
HEALTHCHECK --interval=30s CMD ["/app/server", "-healthcheck"]
CMD ["/app/server", "--port", "8080"]
""", R, expect=("FROM scratch\n", "ARG PORT\nLABEL org.opencontainers", "ENV APP_ENV=production\nVOLUME /data\n",
                "STOPSIGNAL SIGTERM\nEXPOSE $PORT\nHEALTHCHECK --interval=30s CMD", 'CMD ["--port", "8080"]\n'),
         absent=("ENV GOPATH=/go PATH=/go/bin:$PATH APP_ENV=production\nVOLUME",)),
    Case("split-env-from-builder-only-names", "GS101",
         'FROM golang:1.22\nENV APP_DIR=$GOPATH/src/app DATA=/data\nENV DATA_DIR=${DATA}/db\nWORKDIR $APP_DIR\nCOPY . .\n'
         'RUN go build -o server .\nCMD ["./server"]\n', R,
         expect=("ENV APP_DIR=$GOPATH/src/app DATA=/data\nENV DATA_DIR=${DATA}/db\nWORKDIR $APP_DIR\n",
                 "ENV APP_DIR=/go/src/app DATA=/data\nENV DATA_DIR=${DATA}/db\n")),
    Case("split-env-secret-reference-not-inlined", "GS101",
         fat("ARG DB_PASSWORD=devpass", "ENV DB_URL=postgres://app:${DB_PASSWORD}@db/app", BUILD, RUNS), R,
         expect=("ENV DB_URL=postgres://app:${DB_PASSWORD}@db/app\nUSER",), absent=("devpass\nUSER", "app:devpass@")),
    Case("split-named-stage", "GS101", fat(BUILD, RUNS, base="golang:1.22 AS compile"), R,
         expect=("FROM golang:1.22 AS compile\n", "COPY --from=compile /app/server /app/server\n")),
    Case("split-lowercase-keywords", "GS101", "from golang:1.22\nworkdir /app\ncopy . .\nrun go build -o /app/server .\ncmd [\"/app/server\"]\n", R,
         expect=("from golang:1.22 as builder\n",)),
    Case("split-no-workdir", "GS101", 'FROM golang:1.22\nCOPY . .\nRUN go build -o server .\nCMD ["./server"]\n', R,
         expect=("COPY --from=builder /go/server /go/server\n", 'ENTRYPOINT ["/go/server"]')),
    Case("split-crlf-continuation-comment", "GS101",
         "FROM golang:1.22\r\nWORKDIR /app\r\nCOPY . .\r\nRUN go mod download && \\\r\n    # build it\r\n    go build \\\r\n      -o /app/server .\r\n" + RUNS + "\r\n", R,
         expect=("    # build it\r\n", "      -o /app/server .\r\n", "\r\nFROM scratch\r\n"), absent=("\n\n",)),
    Case("split-no-final-newline", "GS101", fat(BUILD, "EXPOSE 8080", RUNS).rstrip("\n"), R,
         expect=('USER 10001:10001\nENTRYPOINT ["/app/server"]',)),
    Case("split-no-final-newline-after-cmd", "GS101", fat(BUILD, RUNS, "EXPOSE 8080").rstrip("\n"), R,
         expect=('ENTRYPOINT ["/app/server"]\nEXPOSE 8080',)),
    Case("split-crlf-no-final-newline", "GS101", fat(BUILD, RUNS, nl="\r\n").rstrip("\r\n"), R,
         expect=("\r\nFROM scratch\r\n", 'USER 10001:10001\r\nENTRYPOINT ["/app/server"]')),
    Case("split-escape-backtick", "GS101", "# escape=`\n" + fat("RUN go build `\n  -o /app/server .", RUNS), R,
         expect=("-trimpath `\n  -o /app/server .\n",)),
    Case("split-comment-moves-with-cmd", "GS101", fat(BUILD, "# start the service", RUNS, "# end of file"), R,
         expect=("# end of file\n\nFROM scratch", 'USER 10001:10001\n# start the service\nENTRYPOINT ["/app/server"]\n')),
    Case("split-already-done", "GS101", SLIM, UN, fires=False),
    Case("split-disabled", "GS101", fat("ENV API_TOKEN=x", "COPY config.yaml .", BUILD, RUNS), R, fires=False,
         config=Config(disable=frozenset({"GS101"})), absent=("FROM scratch", "config.yaml /app/config.yaml"),
         unsound=("the output has fewer than two stages",)),

    # --- GS102: CGO_ENABLED=0 GOOS=linux ----------------------------------------------------
    Case("static-plain", "GS102", fat(BUILD, RUNS), R, expect=("RUN CGO_ENABLED=0 GOOS=linux go build ",)),
    Case("static-env-command", "GS102", fat("RUN env CGO_ENABLED=0 go build -o /app/server .", RUNS), R,
         expect=("RUN env CGO_ENABLED=0 GOOS=linux go build ",)),
    Case("static-env-instruction", "GS102", fat("ENV CGO_ENABLED 0", BUILD, RUNS), R,
         expect=("ENV CGO_ENABLED 0\nRUN GOOS=linux go build",)),
    Case("static-exported", "GS102", fat("RUN export CGO_ENABLED=0 GOOS=linux && go build -o /app/server .", RUNS), R,
         fires=False, expect=("RUN export CGO_ENABLED=0 GOOS=linux && go build -tags",)),
    Case("static-after-cd", "GS102", fat('RUN cd cmd/api && go build -o /bin/api .', 'CMD ["/bin/api"]'), R,
         expect=("RUN cd cmd/api && CGO_ENABLED=0 GOOS=linux go build ", "COPY --from=builder /bin/api /bin/api\n")),
    Case("static-go-install", "GS102", fat("RUN go install ./cmd/api", 'CMD ["api"]'), R,
         expect=("RUN CGO_ENABLED=0 go install ", "COPY --from=builder /go/bin/api /go/bin/api\n"), absent=("GOOS",)),
    Case("static-already", "GS102", fat(GOOD, RUNS), R, fires=False, expect=(GOOD.replace("go build", "go build -tags timetzdata"),)),

    # --- GS103: -trimpath ---------------------------------------------------------------------
    Case("trimpath-plain", "GS103", fat(BUILD, RUNS), R, expect=("-trimpath -o /app/server",)),
    Case("trimpath-goflags", "GS103", fat("ENV GOFLAGS=-trimpath", BUILD, RUNS), R, fires=False,
         absent=(" -trimpath -o",)),
    Case("trimpath-present", "GS103", fat("RUN go build -trimpath -o /app/server .", RUNS), R, fires=False,
         absent=("-trimpath -trimpath",)),
    Case("trimpath-go-install", "GS103", fat("ENV GOBIN=/usr/local/bin", "RUN go install ./cmd/api", 'CMD ["api"]'), R,
         expect=("go install -tags timetzdata -ldflags=\"-w -s\" -trimpath ./cmd/api",
                 'ENTRYPOINT ["/usr/local/bin/api"]')),

    # --- GS104: -ldflags "-w -s" --------------------------------------------------------------
    Case("strip-plain", "GS104", fat(BUILD, RUNS), R, expect=(' -ldflags="-w -s" ',)),
    Case("strip-merge-double-quoted", "GS104",
         fat("ARG VERSION=dev", 'RUN go build -ldflags "-X main.version=${VERSION}" -o /app/server .', RUNS), R,
         expect=('-ldflags "-w -s -X main.version=${VERSION}" -o',)),
    Case("strip-merge-single-quoted-eq", "GS104", fat("RUN go build -ldflags='-X main.v=1' -o /app/server .", RUNS), R,
         expect=("-ldflags='-w -s -X main.v=1' -o",)),
    Case("strip-merge-unquoted", "GS104", fat("RUN go build -ldflags=-X=main.a=b -o /app/server .", RUNS), R,
         expect=('-ldflags="-w -s -X=main.a=b" -o',)),
    Case("strip-merge-whole-flag-quoted", "GS104", fat('RUN go build "-ldflags=-X main.v=1" -o /app/server .', RUNS), R,
         expect=('"-ldflags=-w -s -X main.v=1" -o',)),
    Case("strip-whole-flag-quoted-empty", "GS104", fat("RUN go build '-ldflags=' -o /app/server .", RUNS), R,
         expect=("'-ldflags=-w -s' -o",)),
    Case("strip-add-missing-half", "GS104", fat("RUN go build -ldflags '-s' -o /app/server .", RUNS), R,
         expect=("-ldflags '-w -s' -o",)),
    Case("strip-already", "GS104", fat("RUN go build -ldflags '-s -w' -o /app/server .", RUNS), R, fires=False,
         expect=("-ldflags '-s -w' -o",), absent=("-w -s",)),
    Case("strip-goflags-ldflags", "GS104", fat('ENV GOFLAGS="-ldflags=-X=main.v=1"', BUILD, RUNS), R, fires=False,
         absent=("-w -s",), unsound=MISSING_STRIP),
    Case("strip-pragma-off", "GS104", "# goslim: ignore=GS104\n" + fat(BUILD, RUNS), R, fires=False,
         absent=("-w -s",), unsound=MISSING_STRIP),
    Case("strip-config-off", "GS104", fat(BUILD, RUNS), R, fires=False, config=Config(disable=frozenset({"GS104"})),
         absent=("-w -s",), unsound=MISSING_STRIP),

    # --- GS105: CA certificates -------------------------------------------------------------
    Case("certs-single-stage", "GS105", fat(BUILD, RUNS), R,
         expect=("FROM scratch\nCOPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n",)),
    Case("certs-multi-stage", "GS105", multi('FROM scratch\nCOPY --from=build /app/server /server\nENTRYPOINT ["/server"]\n'), R,
         expect=("FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n",)),
    Case("certs-copied-to-folder", "GS105",
         multi('FROM scratch\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=build /app/server /server\nENTRYPOINT ["/server"]\n'),
         R, fires=False, absent=("ca-certificates.crt /etc/ssl/certs/ca-certificates.crt",)),

    # --- GS106: numeric non-root user ----------------------------------------------------------
    Case("user-default", "GS106", fat(BUILD, RUNS), R,
         expect=("FROM golang:1.22 AS builder\nRUN echo 'appuser:x:10001:10001::/nonexistent:/sbin/nologin' > /etc/passwd.runtime",
                 "COPY --from=builder /etc/passwd.runtime /etc/passwd\nCOPY --from=builder /etc/group.runtime /etc/group\n",
                 'USER 10001:10001\nENTRYPOINT ["/app/server"]')),
    Case("user-named-with-uid", "GS106", fat("RUN adduser -D -u 1000 appuser", BUILD, "USER appuser", RUNS), R,
         expect=("'appuser:x:1000:1000::/nonexistent:/sbin/nologin'", "USER appuser\n\nFROM scratch", "USER 1000:1000\n")),
    Case("user-numeric", "GS106", fat(BUILD, "USER 1001", RUNS), R, expect=("'appuser:x:1001:1001:", "USER 1001:1001\n")),
    Case("user-root-replaced", "GS106", fat(BUILD, "USER root", RUNS), R, expect=("USER 10001:10001\n",)),
    Case("user-config-ids", "GS106", fat(BUILD, RUNS), R, config=Config(uid=2000, gid=3000),
         expect=("'appuser:x:2000:3000:", "'appuser:x:3000:'", "USER 2000:3000\n")),
    Case("user-name-from-useradd", "GS106", multi(
        "FROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nCOPY --from=build /etc/group /etc/group\n"
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n"
        'COPY --from=build /app/server /server\nUSER appuser:appuser\nENTRYPOINT ["/server"]\n',
        build=GOOD + "\nRUN useradd --uid 10001 --user-group --no-create-home appuser"), R,
        expect=("USER 10001:10001\n",), absent=("passwd.runtime",)),
    Case("user-copied-passwd-busybox-adduser", "GS106", copied_passwd("RUN adduser -D appuser", "golang:1.22-alpine"), R,
         expect=("RUN adduser -u 10001 -D appuser\n", "USER 10001:10001\n")),
    Case("user-copied-passwd-debian-adduser", "GS106", copied_passwd('RUN adduser --disabled-password --gecos "" appuser'), R,
         expect=('RUN adduser --uid 10001 --disabled-password --gecos "" appuser\n', "USER 10001:10001\n")),
    Case("user-copied-passwd-useradd", "GS106", copied_passwd("RUN useradd -m appuser"), R,
         expect=("RUN useradd -u 10001 -m appuser\n",)),
    Case("user-copied-passwd-group-flag", "GS106",
         copied_passwd("RUN addgroup -S appuser && adduser -S -G appuser other && adduser -S appuser", "golang:1.22-alpine"), R,
         expect=("adduser -S -G appuser other && adduser -u 10001 -S appuser\n",)),
    Case("user-already-numeric", "GS106", multi(
        "FROM scratch\nCOPY --from=build /etc/passwd /etc/passwd\nCOPY --from=build /etc/group /etc/group\n"
        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt\n"
        'COPY --from=build /app/server /server\nUSER 65532:65532\nENTRYPOINT ["/server"]\n',
        build=GOOD + "\nRUN useradd --uid 65532 nonroot"), UN, fires=False),
    Case("user-builder-from-non-root-stage", "GS106",
         "FROM golang:1.22 AS dev\nRUN useradd -m -u 1000 dev\nUSER dev\n\nFROM dev\nWORKDIR /home/dev/app\nCOPY --chown=dev . .\n"
         "RUN go build -o /home/dev/app/server .\nCMD [\"/home/dev/app/server\"]\n", R,
         expect=("FROM dev AS builder\nUSER root\nRUN echo 'appuser:x:10001:10001::/nonexistent:/sbin/nologin' > /etc/passwd.runtime"
                 " && echo 'appuser:x:10001:' > /etc/group.runtime\nUSER dev\nWORKDIR /home/dev/app\n",)),
    Case("user-builder-from-root-stage", "GS106",
         "FROM golang:1.22 AS dev\nUSER dev\nUSER root\n\nFROM dev\nWORKDIR /app\nCOPY . .\n" + BUILD + "\n" + RUNS + "\n", R,
         expect=("FROM dev AS builder\nRUN echo 'appuser",)),
    Case("user-config-off", "GS106", fat(BUILD, RUNS), R, fires=False, config=Config(disable=frozenset({"GS106"})),
         absent=("USER", "passwd"), unsound=("/etc/passwd is not copied into the runtime",
                                             "/etc/group is not copied into the runtime", "no USER in the runtime stage")),

    # --- GS107: exec-form ENTRYPOINT with an absolute path ------------------------------------
    Case("entry-shell-form-args", "GS107", fat("RUN go build -o app .", "CMD ./app --port 80"), R,
         expect=('ENTRYPOINT ["/app/app"]\nCMD ["--port", "80"]',), absent=("CMD ./app",)),
    Case("entry-relative-with-cmd", "GS107", fat("RUN go build -o app .", 'ENTRYPOINT ["./app"]', 'CMD ["serve"]'), R,
         expect=('ENTRYPOINT ["/app/app"]\nCMD ["serve"]',)),
    Case("entry-exec-args", "GS107", fat(BUILD, 'CMD ["/app/server", "--port", "8080"]'), R,
         expect=('ENTRYPOINT ["/app/server"]\nCMD ["--port", "8080"]',)),
    Case("entry-bare-name-on-path", "GS107", multi(
        'FROM alpine:3.19\nCOPY --from=build /app/server /usr/local/bin/server\nCMD ["server"]\n'), R,
        expect=('ENTRYPOINT ["/usr/local/bin/server"]\n',), absent=('CMD ["server"]',)),
    Case("entry-shell-form-entrypoint-drops-cmd", "GS107", multi(
        'FROM alpine:3.19\nCOPY --from=build /app/server /server\nENTRYPOINT /server\nCMD ["--ignored"]\n'), R,
        expect=('ENTRYPOINT ["/server"]\n',), absent=("--ignored",)),
    Case("entry-already-exec", "GS107", multi(
        'FROM scratch\nCOPY --from=build /app/server /server\nENTRYPOINT ["/server"]\nCMD ["serve"]\n'), R, fires=False,
        expect=('ENTRYPOINT ["/server"]\nCMD ["serve"]\n',)),

    # --- GS108: distribution final stage → scratch --------------------------------------------
    Case("harden-alpine-certs-tzdata", "GS108", multi(
        "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates tzdata\n"
        'COPY --from=build /app/server /usr/local/bin/server\nEXPOSE 8080\nCMD ["server"]\n',
        builder="golang:1.22-alpine"), R,
        expect=("\nFROM scratch\n", "-tags timetzdata", "EXPOSE 8080\n"), absent=("apk", "alpine:3.19")),
    Case("harden-debian-apt", "GS108", multi(
        "FROM debian:bookworm-slim AS runtime\nRUN set -x && apt-get update && apt-get install -y ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        'COPY --from=build /app/server /server\nCMD ["/server"]\n'), R,
        expect=("\nFROM scratch AS runtime\n",), absent=("apt-get",)),
    Case("harden-adduser-replaced", "GS108", multi(
        "FROM alpine:3.19\nRUN adduser -D -u 1000 app\nCOPY --from=build /app/server /server\nUSER app\nCMD [\"/server\"]\n"), R,
        expect=("'app:x:1000:1000::/nonexistent:/sbin/nologin'", "USER 1000:1000\n"), absent=("adduser",)),
    Case("harden-runtime-alpine-kept", "GS108", multi(
        "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY --from=build /app/server /server\nCMD [\"/server\"]\n"), R,
        fires=False, config=Config(runtime="alpine"), expect=("\nFROM alpine:3.19\n", "\nRUN apk add --no-cache ca-certificates\n"),
        unsound=("RUN in the runtime stage: RUN apk add --no-cache ca-certificates",)),
    Case("harden-runtime-distroless", "GS108", multi(
        "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY --from=build /app/server /server\nCMD [\"/server\"]\n"), R,
        config=Config(runtime="distroless-static"), expect=("\nFROM gcr.io/distroless/static-debian12\n",), absent=("alpine", "apk")),
    Case("split-runtime-alpine", "GS108", fat(BUILD, RUNS), R, fires=False, config=Config(runtime="alpine"),
         expect=("\nFROM alpine:3.20\n",), absent=("FROM scratch",)),
    Case("harden-crlf", "GS108", multi(
        "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY --from=build /app/server /server\nCMD [\"/server\"]\n"
    ).replace("\n", "\r\n"), R, expect=("\r\nFROM scratch\r\n", 'ENTRYPOINT ["/server"]\r\n'), absent=("apk",)),
    Case("harden-already-scratch", "GS108", multi('FROM scratch\nCOPY --from=build /app/server /server\nENTRYPOINT ["/server"]\n'),
         R, fires=False),

    # --- GS110 / GS111: opt-in build speed-ups -----------------------------------------------
    Case("cache-mounts", "GS110", fat(BUILD, RUNS), R, config=Config(cache_mounts=True),
         expect=("RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0",)),
    Case("cache-mounts-off-by-default", "GS110", fat(BUILD, RUNS), R, fires=False, absent=("--mount",)),
    Case("cache-mounts-present", "GS110",
         fat("RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /app/server .", RUNS),
         R, fires=False, config=Config(cache_mounts=True), absent=("--mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/go/pkg/mod",)),
    Case("cross-compile", "GS111", fat(BUILD, RUNS), R, config=Config(cross_compile=True),
         expect=("FROM --platform=$BUILDPLATFORM golang:1.22 AS builder\n", "GOOS=$TARGETOS GOARCH=$TARGETARCH go build"),
         absent=("GOOS=linux",)),
    Case("cross-compile-fixed-arch", "GS111", fat("ENV GOARCH=arm64", BUILD, RUNS), R, fires=False,
         config=Config(cross_compile=True), absent=("--platform",)),

    # --- GS112: embedded time zone database ---------------------------------------------------
    Case("tz-single-stage-unchecked", "GS112", fat(BUILD, RUNS), R, expect=("go build -tags timetzdata ",)),
    Case("tz-multi-stage-without-tzdata", "GS112", multi('FROM alpine:3.19\nCOPY --from=build /app/server /server\nCMD ["/server"]\n'),
         R, fires=False, absent=("timetzdata",)),
    Case("tz-append-comma", "GS112", fat("RUN go build -tags netgo,osusergo -o /app/server .", RUNS), R,
         expect=("-tags netgo,osusergo,timetzdata ",)),
    Case("tz-append-space-quoted", "GS112", fat('RUN go build -tags "netgo osusergo" -o /app/server .', RUNS), R,
         expect=('-tags "netgo osusergo timetzdata" ',)),
    Case("tz-append-eq", "GS112", fat("RUN go build -tags=netgo -o /app/server .", RUNS), R,
         expect=("-tags=netgo,timetzdata ",)),
    Case("tz-output-named-like-tags", "GS112", fat("RUN go build -o tagsvc -tags netgo .", 'CMD ["./tagsvc"]'), R,
         expect=("-o tagsvc -tags netgo,timetzdata .",)),
    Case("tz-present", "GS112", fat("RUN go build -tags timetzdata -o /app/server .", RUNS), R, fires=False,
         absent=("timetzdata,timetzdata", "timetzdata -tags")),

    # --- GS113: files read at run time ---------------------------------------------------------
    Case("runtime-files-by-name", "GS113", fat("COPY templates/ ./templates/", "COPY config.yaml .", BUILD, RUNS), R,
         expect=("COPY --from=builder /app/templates /app/templates\nCOPY --from=builder /app/config.yaml /app/config.yaml\n",)),
    Case("runtime-files-extra-copy", "GS113", fat(BUILD, RUNS), R, config=Config(extra_copy=("migrations",)),
         expect=("COPY --from=builder /app/migrations /app/migrations\n",)),
    Case("runtime-files-disabled", "GS113", fat("COPY config.yaml .", BUILD, RUNS), R, fires=False,
         config=Config(disable=frozenset({"GS113"})), absent=("/app/config.yaml /app/config.yaml",)),
    Case("runtime-files-disabled-extra-copy-kept", "GS113", fat("COPY config.yaml .", BUILD, RUNS), R, fires=False,
         config=Config(disable=frozenset({"GS113"}), extra_copy=("migrations",)),
         expect=("COPY --from=builder /app/migrations /app/migrations\n",), absent=("/app/config.yaml /app/config.yaml",)),
    Case("runtime-files-go-sources-only", "GS113", fat("COPY main.go go.mod ./", BUILD, RUNS), R, fires=False,
         absent=("/app/main.go /app/main.go",)),

    # --- GS114: -o when go build names the binary ---------------------------------------------
    Case("output-from-cmd", "GS114", fat("RUN go build", 'CMD ["./server"]'), R, expect=("-o /app/server\n",)),
    Case("output-named-by-package", "GS114", fat("RUN go build ./cmd/api", 'CMD ["./api"]'), R, fires=False,
         expect=("COPY --from=builder /app/api /app/api\n",)),
    Case("output-present", "GS114", fat(BUILD, RUNS), R, fires=False, absent=("-o /app/server -o",)),

    # --- GS201: cgo ------------------------------------------------------------------------------
    Case("cgo-env", "GS201", fat("ENV CGO_ENABLED=1", BUILD, RUNS), REF, at="ENV CGO_ENABLED=1"),
    Case("cgo-env-legacy-form", "GS201", fat("ENV CGO_ENABLED 1", "RUN go mod download", BUILD, RUNS), REF, at="ENV CGO_ENABLED 1"),
    Case("cgo-arg", "GS201", fat("ARG CGO_ENABLED=1", BUILD, RUNS), REF, at="ARG CGO_ENABLED=1"),
    Case("cgo-parent-stage", "GS201", "FROM golang:1.22 AS base\nENV CGO_ENABLED=1\nFROM base\nWORKDIR /app\nCOPY . .\n"
         + BUILD + "\n" + RUNS + "\n", REF, at="ENV CGO_ENABLED=1"),
    Case("cgo-inline", "GS201", fat("RUN CGO_ENABLED=1 go build -o /app/server .", RUNS), REF, at="RUN CGO_ENABLED=1"),
    Case("cgo-external-linker", "GS201", fat('RUN go build -ldflags "-linkmode external -extldflags -static" -o /app/server .', RUNS),
         REF, at="RUN go build -ldflags"),
    Case("cgo-gcc-installed", "GS201", fat("RUN apt-get update && apt-get install -y gcc", BUILD, RUNS), REF,
         at="RUN apt-get update"),
    Case("cgo-sqlite-tag", "GS201", fat("RUN go build -tags sqlite_omit_load_extension -o /app/server .", RUNS), REF,
         at="RUN go build -tags"),
    Case("cgo-off-with-gcc", "GS201", fat("RUN apk add --no-cache gcc musl-dev", GOOD, RUNS, base="golang:1.22-alpine"), R,
         fires=False),

    # --- GS202: what the runtime may need --------------------------------------------------------
    Case("packages-ffmpeg", "GS202", fat("RUN apt-get update && apt-get install -y ffmpeg", BUILD, RUNS), REF,
         at="RUN apt-get update"),
    Case("packages-apk-ffmpeg", "GS202", fat("RUN apk add --no-cache git ffmpeg", BUILD, RUNS, base="golang:1.22-alpine"), REF,
         at="RUN apk add"),
    Case("packages-build-only", "GS202", fat("RUN apt-get update && apt-get install -y --no-install-recommends git make", BUILD, RUNS),
         R, fires=False),
    Case("packages-final-stage", "GS202", multi(
        "FROM alpine:3.19\nRUN apk add --no-cache ca-certificates imagemagick\n"
        'COPY --from=build /app/server /server\nCMD ["/server"]\n'), REF, at="RUN apk add --no-cache ca-certificates imagemagick"),

    Case("packages-final-data-dir", "GS202", multi(
        "FROM alpine:3.19\nRUN mkdir -p /data && chown 10001 /data\n"
        'COPY --from=build /app/server /server\nVOLUME /data\nCMD ["/server"]\n'), REF, at="RUN mkdir -p /data"),
    Case("packages-final-localtime", "GS202", multi(
        "FROM debian:bookworm-slim\nRUN ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime\n"
        'COPY --from=build /app/server /server\nCMD ["/server"]\n'), REF, at="RUN ln -sf"),
    Case("packages-final-chmod-binary", "GS202", multi(
        'FROM alpine:3.19\nCOPY --from=build /app/server /server\nRUN chmod +x /server\nCMD ["/server"]\n'), R, fires=False,
        absent=("chmod",)),

    # --- GS203: needs a shell ------------------------------------------------------------------
    Case("shell-script", "GS203", fat(BUILD, 'CMD ["./entrypoint.sh"]'), REF, at="CMD"),
    Case("shell-sh-c", "GS203", fat(BUILD, 'CMD ["sh", "-c", "/app/server --port $PORT"]'), REF, at="CMD"),
    Case("shell-variable", "GS203", fat(BUILD, "CMD /app/server --port $PORT"), REF, at="CMD"),
    Case("shell-and", "GS203", fat(BUILD, 'ENTRYPOINT /app/migrate && /app/server'), REF, at="ENTRYPOINT"),
    Case("shell-entrypoint-script", "GS203", multi(
        'FROM alpine:3.19\nCOPY --from=build /app/server /server\nCOPY docker-entrypoint.sh /\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["/server"]\n'),
        REF, at="ENTRYPOINT"),

    # --- GS204 / GS304: HEALTHCHECK --------------------------------------------------------------
    Case("health-curl", "GS204", fat(BUILD, "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1", RUNS), REF,
         at="HEALTHCHECK"),
    Case("health-wget-final", "GS204", multi(
        'FROM alpine:3.19\nCOPY --from=build /app/server /server\nHEALTHCHECK CMD ["wget", "-q", "-O-", "http://localhost/"]\nCMD ["/server"]\n'),
        REF, at="HEALTHCHECK"),
    Case("health-binary-kept", "GS204", fat(BUILD, 'HEALTHCHECK CMD ["/app/server", "-health"]', RUNS), R, fires=False,
         expect=('HEALTHCHECK CMD ["/app/server", "-health"]\nUSER',)),
    Case("health-none-kept", "GS204", fat(BUILD, "HEALTHCHECK NONE", RUNS), R, fires=False, expect=("HEALTHCHECK NONE\n",)),
    Case("health-dropped", "GS304", fat(BUILD, "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1", RUNS), R,
         config=Config(healthcheck="drop"), absent=("HEALTHCHECK", "curl")),
    Case("health-dropped-final", "GS304", multi(
        'FROM alpine:3.19\nCOPY --from=build /app/server /server\nHEALTHCHECK --interval=5s CMD wget -q -O- http://localhost/\nCMD ["/server"]\n'),
        R, config=Config(healthcheck="drop"), absent=("HEALTHCHECK", "wget")),

    # --- GS205 / GS206: not a service build -----------------------------------------------------
    Case("go-run-shell-form", "GS205", fat("CMD go run ."), REF, at="CMD go run ."),
    Case("go-run-exec-form", "GS205", fat('CMD ["go", "run", "./cmd/api"]'), REF, at="CMD"),
    Case("onbuild", "GS206", fat("ONBUILD COPY . /src", BUILD, RUNS), REF, at="ONBUILD"),

    # --- GS207 / GS208 / GS209: which binary ---------------------------------------------------
    Case("no-build", "GS207", fat("RUN go get github.com/acme/tool", 'CMD ["tool"]'), REF),
    Case("no-cmd", "GS208", fat(BUILD), REF),
    Case("two-builds-bare-cmd", "GS208", fat("RUN go build -o /app/a ./cmd/a && go build -o /app/b ./cmd/b", 'CMD ["server"]'),
         REF, at="CMD"),
    Case("two-builds-clear", "GS208", fat("RUN go build -o /app/a ./cmd/a", "RUN go build -o /app/b ./cmd/b", 'CMD ["/app/b"]'),
         R, fires=False, expect=("RUN go build -o /app/a ./cmd/a\n", "COPY --from=builder /app/b /app/b\n")),
    Case("output-name-differs", "GS209", fat("RUN go build ./cmd/api", 'CMD ["./server"]'), REF, at="RUN go build"),
    Case("copied-file-not-built", "GS209", multi(
        'FROM scratch\nCOPY --from=build /app/other /server\nENTRYPOINT ["/server"]\n'), REF, at="COPY --from=build /app/other"),

    # --- GS210: old Go ---------------------------------------------------------------------------
    Case("go-1.10", "GS210", fat(BUILD, RUNS, base="golang:1.10"), REF, at="FROM golang:1.10"),
    Case("go-1.12-alpine-multi", "GS210", multi('FROM alpine\nCOPY --from=build /app/server /server\nCMD ["/server"]\n',
                                                 builder="golang:1.12-alpine"), REF, at="FROM golang:1.12-alpine"),
    Case("go-old-through-arg", "GS210", "ARG GO=golang:1.11\nFROM ${GO}\nWORKDIR /app\nCOPY . .\n" + BUILD + "\n" + RUNS + "\n",
         REF, at="FROM ${GO}"),
    Case("go-1.14-time-zones", "GS210", fat(BUILD, RUNS, base="golang:1.14"), REF, at="FROM golang:1.14"),
    Case("go-1.13-no-time-zones", "GS210", multi('FROM alpine\nCOPY --from=build /app/server /server\nCMD ["/server"]\n',
                                                  builder="golang:1.13"), R, fires=False, absent=("timetzdata",)),
    Case("go-1.14-tzdata-rule-off", "GS210", fat(BUILD, RUNS, base="golang:1.14"), R, fires=False,
         config=Config(disable=frozenset({"GS112"})), absent=("timetzdata",)),
    Case("go-1.15", "GS210", fat(BUILD, RUNS, base="golang:1.15"), R, fires=False, expect=("-tags timetzdata",)),

    # --- GS301: no build context ----------------------------------------------------------------
    Case("no-context", "GS301", fat(BUILD, RUNS), R),
    Case("no-context-disabled", "GS301", fat(BUILD, RUNS), R, fires=False, config=Config(disable=frozenset({"GS301"}))),
    Case("no-context-pragma-off", "GS301", "# goslim: ignore=GS301\n" + fat(BUILD, RUNS), R, fires=False),
    Case("no-context-nothing-done", "GS301", SLIM, UN, fires=False),

    # --- GS303: secrets --------------------------------------------------------------------------
    Case("secret-env", "GS303", fat("ENV API_TOKEN=abc123 PORT=8080", BUILD, RUNS), R,
         expect=("ENV API_TOKEN=abc123 PORT=8080\nRUN", "ENV PORT=8080\n"), absent=("abc123\nUSER", "ENV API_TOKEN=abc123 PORT=8080\nUSER")),
    Case("secret-arg-reference", "GS303", fat("ARG DB_PASSWORD", "ENV DB_PASSWORD=$DB_PASSWORD", BUILD, RUNS), R,
         absent=("ARG DB_PASSWORD\nLABEL", "ENV DB_PASSWORD=$DB_PASSWORD\nUSER")),

    # --- GS305: final bases goslim keeps -----------------------------------------------------------
    Case("distroless-final", "GS305", multi('FROM gcr.io/distroless/base-debian12\nCOPY --from=build /app/server /server\nCMD ["/server"]\n'),
         UN, at="FROM gcr.io/distroless/base-debian12"),
    Case("arg-chosen-final", "GS305", "ARG RUNTIME=alpine:3.19\n" + multi(
        'FROM ${RUNTIME}\nCOPY --from=build /app/server /server\nCMD ["/server"]\n'), UN, at="FROM ${RUNTIME}"),
    Case("arg-chosen-final-scratch", "GS305", "ARG RUNTIME=scratch\n" + multi(
        'FROM ${RUNTIME}\nCOPY --from=build /app/server /server\nENTRYPOINT ["/server"]\n'), R, fires=False,
         expect=("FROM ${RUNTIME}\nCOPY --from=build /etc/ssl/certs/ca-certificates.crt",),
         unsound=("the last stage is FROM ${RUNTIME}, not scratch",)),  # the checker does not expand ARGs
    Case("arg-chosen-builder", "GS305", "ARG GO_IMAGE=golang:1.22\nFROM ${GO_IMAGE}\nWORKDIR /app\nCOPY . .\n" + BUILD + "\n" + RUNS + "\n",
         R, fires=False, expect=("FROM ${GO_IMAGE} AS builder\n", "\nFROM scratch\n")),
    Case("vendor-final", "GS305", multi('FROM registry.example.com/platform/base:2\nCOPY --from=build /app/server /server\nCMD ["/server"]\n'),
         UN, at="FROM registry.example.com"),
]


# The rules a case table cannot show: GS299 needs a pass that breaks the file (the test
# below makes one), GS302 needs Go sources (tests/test_engine_context.py writes them).
ELSEWHERE = {"GS299": "test_incomplete_rewrite_is_refused", "GS302": "test_engine_context.py"}

BY_ID = {c.id: c for c in CASES}


@functools.cache
def run(case: Case):
    return rewriter.rewrite(case.text, case.config)


def codes(result, severity: Severity | None = None) -> list[str]:
    return [d.code for d in result.diagnostics if severity is None or d.severity is severity]


def line_number(text: str, prefix: str) -> int:
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))


# Lines a rule may edit: FROM (named, replaced), what the image runs, USER, HEALTHCHECK
# (dropped), and inside RUN the line that opens it, the lines holding the go command or
# the flags the passes merge into, and user creation.
MAY_EDIT = {"FROM", "CMD", "ENTRYPOINT", "USER", "HEALTHCHECK"}
EDITED_RUN_LINE = re.compile(r"\bgo\b|-ldflags|-tags|adduser|useradd")


def lines_to_keep(text: str) -> collections.Counter:
    """Every physical line (with its line ending) that no rule means to change."""
    tree = rewriter.parse(text)
    keep: collections.Counter = collections.Counter()
    last_stage = tree.stages[-1] if len(tree.stages) > 1 else None
    for stage in (None, *tree.stages):
        items = tree.preamble if stage is None else stage.items
        for item in items:
            lines = item.code.splitlines(keepends=True)
            if type(item) is Instruction:
                if item.name in MAY_EDIT:
                    continue
                if item.name == "RUN":
                    if stage is last_stage:
                        continue  # a distribution final stage loses its RUN steps (GS108)
                    lines = [line for line in lines[1:] if not EDITED_RUN_LINE.search(line)]
            keep.update(line for line in lines if line.endswith("\n"))
    return keep


def test_every_rule_has_a_case():
    """A new rule comes with cases here (or says where it is tested)."""
    shown = {c.rule for c in CASES if c.fires} | set(ELSEWHERE)
    assert {r.code for r in RULES} - shown == set()
    assert shown - {r.code for r in RULES} == set()


def test_case_ids_are_unique():
    assert len(BY_ID) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule(case: Case, snapshot):
    result = run(case)
    assert snapshot == {
        "status": result.status.value,
        "code": result.code,
        "diagnostics": [(d.code, d.severity.value, d.line, d.message) for d in result.diagnostics],
    }
    assert result.status is case.status
    assert (case.rule in codes(result)) is case.fires, codes(result)
    for text in case.expect:
        assert text in result.code
    for text in case.absent:
        assert text not in result.code
    if case.at is not None:
        hit = [d for d in result.diagnostics if d.code == case.rule]
        assert hit and hit[0].line == line_number(case.text, case.at)


REFUSALS = [c for c in CASES if c.status in (Status.REFUSED, Status.SKIPPED, Status.UNCHANGED)]
CHANGED = [c for c in CASES if c.status is Status.REWRITTEN]


@pytest.mark.parametrize("case", REFUSALS, ids=[c.id for c in REFUSALS])
def test_left_alone_means_byte_for_byte(case: Case):
    result = run(case)
    assert result.code == case.text
    assert not result.applied
    errors = codes(result, Severity.ERROR)
    assert bool(errors) is (case.status is Status.REFUSED)
    if case.status is Status.REFUSED:
        assert case.rule in errors


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_rewrite_is_sound(case: Case):
    result = run(case)
    assert violations(case.text, result.code, runtime=case.config.runtime) == list(case.unsound)


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_rewrite_is_stable(case: Case):
    again = rewriter.rewrite(run(case).code, case.config)
    assert again.code == run(case).code
    assert not again.applied


@pytest.mark.parametrize("case", CHANGED, ids=[c.id for c in CHANGED])
def test_rewrite_leaves_other_lines_alone(case: Case):
    result = run(case)
    out = collections.Counter(result.code.splitlines(keepends=True))
    missing = lines_to_keep(case.text) - out
    assert not missing
    newline = "\r\n" if "\r\n" in case.text else "\n"
    assert all(line.endswith(newline) for line in result.code.splitlines(keepends=True)[:-1])
    assert result.code.endswith(newline) is case.text.endswith(newline)


def test_incomplete_rewrite_is_refused(monkeypatch):
    """GS299: when a pass leaves a file in which the binary can no longer be followed, the
    rewrite stops and the file comes back as it was."""
    from rewriter import engine

    class Breaker:
        @staticmethod
        def apply(ctx):
            from rewriter.edit import replace_item

            build = ctx.plan.build.instruction

            return Result(replace_item(ctx.tree, build, []), (Diagnostic("GS102", Severity.INFO, "removed the build"),))

    monkeypatch.setattr(engine, "FIXES", (Breaker,))
    text = fat(BUILD, RUNS)
    result = rewriter.rewrite(text)
    assert result.status is Status.REFUSED
    assert result.code == text
    assert codes(result, Severity.ERROR) == ["GS299"]


def test_disabled_check_does_not_refuse():
    """Turning a refusal off is the user's call: GS202 off lets ffmpeg's file through."""
    case = BY_ID["packages-ffmpeg"]
    result = rewriter.rewrite(case.text, Config(disable=frozenset({"GS202"})))
    assert result.status is Status.REWRITTEN
    assert "GS202" not in codes(result)


def test_distroless_runtime_keeps_its_own_certs_and_users():
    """runtime = "distroless-static": the base carries the CA bundle and passwd, so
    nothing is copied for them; it runs as root unless told, so USER names its nonroot."""
    result = rewriter.rewrite(fat(BUILD, RUNS), Config(runtime="distroless-static"))
    assert "\nFROM gcr.io/distroless/static-debian12\n" in result.code
    assert "ca-certificates.crt" not in result.code
    assert "passwd" not in result.code
    assert result.code.endswith('USER 65532:65532\nENTRYPOINT ["/app/server"]\n')
    assert not rewriter.rewrite(result.code, Config(runtime="distroless-static")).changed
