"""Hypothesis strategies for Dockerfiles that build Go services, and for worse input.

``go_dockerfiles`` draws files shaped like the ones goslim meets in real repositories:
a golang builder (sometimes behind global ARGs and a syntax directive), module
download, a ``go build``/``go install`` written in one of the many ways people write it,
ENV/ARG lines that sometimes carry secrets, CMD/ENTRYPOINT in both forms, HEALTHCHECK,
USER, and now and then a second FROM alpine stage that copies the binary. Most draws are
files goslim should rewrite, so the properties check the rewrite and not just refusals.

``byte_soup`` and ``mutated_corpus`` cover everything else.
"""

from __future__ import annotations

import posixpath
import random
from pathlib import Path

from hypothesis import strategies as st

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

# Names a credential goes by; the properties check each of them by name.
SECRET_NAMES = (
    "GITHUB_TOKEN",
    "NPM_TOKEN",
    "DB_PASSWORD",
    "AWS_SECRET_ACCESS_KEY",
    "API_KEY",
    "SECRET",
    "SSH_PRIVATE_KEY",
    "token",
    "ApiKey",
    "SIGNING_KEY",
    "REGISTRY_PASSWORD",
)
PLAIN_NAMES = ("PORT", "APP_ENV", "VERSION", "LOG_LEVEL", "GOPROXY", "GOFLAGS", "TZ", "NAME")
GO_TAGS = ("1.20", "1.21", "1.22", "1.23", "1.22-alpine", "1.23-bookworm", "1.21-alpine3.19")
WORKDIRS = ("/app", "/src", "/build", "/go/src/github.com/acme/svc", "/workspace")
PACKAGES = (".", "./cmd/server", "./cmd/api/", "main.go", "github.com/acme/svc/cmd/svc", "")
SEP = " \\\n"  # a continuation


def _join(words: list[str], breaks: list[bool]) -> str:
    """Words separated by spaces or by continuations where ``breaks`` says so."""
    out = words[0]
    for word, cut in zip(words[1:], breaks, strict=False):
        out += (SEP + "    " if cut else " ") + word
    return out


@st.composite
def _ldflags(draw) -> list[str]:
    inner = draw(
        st.lists(
            st.sampled_from(
                [
                    "-s",
                    "-w",
                    "-X main.version=1.0.0",
                    "-X 'main.commit=abc'",
                    '-extldflags "-static"',
                    "-X github.com/acme/svc/version.V=${VERSION}",
                ]
            ),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    text = " ".join(inner)
    style = draw(st.sampled_from(["dq", "sq", "eq-dq", "eq-sq", "bare"]))
    if style == "bare" or (" " not in text and style.startswith("eq")):
        return ["-ldflags", inner[0]] if " " in inner[0] else ["-ldflags=" + inner[0]]
    if '"' in text and style in ("dq", "eq-dq"):
        style = "sq" if style == "dq" else "eq-sq"
    if "'" in text and style in ("sq", "eq-sq"):
        style = "dq" if style == "sq" else "eq-dq"
    quote = '"' if style.endswith("dq") else "'"
    return ["-ldflags=" + quote + text + quote] if style.startswith("eq") else ["-ldflags", quote + text + quote]


@st.composite
def go_build_command(draw, output: str | None, package: str) -> str:
    """One ``go build`` (or install) command with flags in many spellings."""
    verb = draw(st.sampled_from(["build", "build", "build", "install"]))
    flags: list[str] = []
    if output is not None and verb == "build":
        flags += draw(st.sampled_from([["-o", output], ["-o=" + output], ["-o", output]]))
    extras = draw(
        st.lists(
            st.sampled_from(["ldflags", "tags", "trimpath", "v", "a", "installsuffix", "mod", "buildvcs"]),
            max_size=4,
            unique=True,
        )
    )
    for extra in extras:
        if extra == "ldflags":
            flags += draw(_ldflags())
        elif extra == "tags":
            flags += draw(
                st.sampled_from([["-tags", "netgo"], ["-tags=netgo,osusergo"], ["-tags", "'netgo osusergo'"]])
            )
        elif extra == "installsuffix":
            flags += ["-installsuffix", "cgo"]
        elif extra == "mod":
            flags += ["-mod=vendor"]
        elif extra == "buildvcs":
            flags += ["-buildvcs=false"]
        else:
            flags.append("-" + extra)
    flags = draw(st.permutations(flags)) if draw(st.booleans()) and "-o" not in flags else flags
    prefix = draw(
        st.sampled_from(
            [
                "",
                "",
                "CGO_ENABLED=0 ",
                "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 ",
                "env CGO_ENABLED=0 ",
                "GOOS=linux ",
                "GOFLAGS=-mod=mod ",
            ]
        )
    )
    go = draw(st.sampled_from(["go", "go", "/usr/local/go/bin/go"]))
    words = [prefix + go, verb, *flags] + ([package] if package else [])
    breaks = draw(st.lists(st.booleans(), min_size=len(words) - 1, max_size=len(words) - 1))
    if not any(breaks) or draw(st.integers(0, 3)):
        breaks = [False] * len(breaks)
    return _join(words, breaks)


@st.composite
def run_build(draw, output: str | None, package: str) -> str:
    """A RUN line around the build: exports, cd, && chains, continuations with comments."""
    before = draw(
        st.lists(
            st.sampled_from(
                [
                    "go mod download",
                    "go mod tidy",
                    "go vet ./...",
                    "go test ./...",
                    "export CGO_ENABLED=0",
                    "cd /app",
                    "apk add --no-cache git",
                    "go generate ./...",
                ]
            ),
            max_size=2,
        )
    )
    after = draw(st.lists(st.sampled_from(["ls -la", "echo done", "rm -rf /root/.cache"]), max_size=1))
    build = draw(go_build_command(output, package))
    if draw(st.integers(0, 9)) == 0 and package.startswith("./cmd"):
        before.append(f"cd {package}")
        build = build.replace(" " + package, " .") if build.endswith(package) else build
    steps = [*before, build, *after]
    joiner = draw(st.sampled_from([" && ", " && ", " ; ", " && \\\n    "]))
    body = joiner.join(steps)
    if draw(st.integers(0, 7)) == 0:
        body = body.replace(" && \\\n", " && \\\n    # the build\n", 1)
    flags = draw(st.sampled_from(["", "", "--mount=type=cache,target=/root/.cache/go-build "]))
    return f"RUN {flags}{body}"


def _value(draw, name: str) -> str:
    value = draw(st.sampled_from(["8080", "production", "v1", "s3cr3t", '"a b"', "'x y'", "${VERSION}", "1"]))
    return value


@st.composite
def env_or_arg(draw, names=PLAIN_NAMES + SECRET_NAMES) -> str:
    kind = draw(st.sampled_from(["ENV", "ENV", "ARG", "ARG", "ENV-legacy"]))
    picked = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    if kind == "ENV-legacy":
        return f"ENV {picked[0]} {_value(draw, picked[0]).strip(chr(39) + chr(34))}"
    if kind == "ARG":
        if draw(st.booleans()):
            return f"ARG {picked[0]}"
        return "ARG " + " ".join(f"{n}={_value(draw, n)}" for n in picked)
    return "ENV " + " ".join(f"{n}={_value(draw, n)}" for n in picked)


@st.composite
def entry_lines(draw, program: str) -> list[str]:
    args = draw(st.sampled_from([[], ["--port", "8080"], ["serve"]]))
    form = draw(
        st.sampled_from(["cmd-exec", "cmd-exec", "entry-exec", "entry+cmd", "cmd-shell", "entry-shell", "none"])
    )
    exec_words = ", ".join(f'"{w}"' for w in [program, *args])
    if form == "cmd-exec":
        return [f"CMD [{exec_words}]"]
    if form == "entry-exec":
        return [f"ENTRYPOINT [{exec_words}]"]
    if form == "entry+cmd":
        return [f'ENTRYPOINT ["{program}"]', "CMD [" + ", ".join(f'"{w}"' for w in args or ["serve"]) + "]"]
    if form == "cmd-shell":
        return [" ".join(["CMD", program, *args])]
    if form == "entry-shell":
        return [" ".join(["ENTRYPOINT", program, *args])]
    return []


@st.composite
def go_dockerfiles(draw) -> str:
    """A Go service Dockerfile, single- or two-stage, in the file's own newline style."""
    lines: list[str] = []
    if draw(st.integers(0, 5)) == 0:
        lines.append("# syntax=docker/dockerfile:1")
    if draw(st.integers(0, 4)) == 0:
        lines.append("# Build the service")
    image = "golang:" + draw(st.sampled_from(GO_TAGS))
    if draw(st.integers(0, 5)) == 0:
        lines.append(f"ARG GO_VERSION={image.split(':')[1]}")
        image = "golang:${GO_VERSION}"
    if draw(st.integers(0, 9)) == 0:
        lines.append("ARG " + draw(st.sampled_from(SECRET_NAMES)))
    two_stage = draw(st.integers(0, 2)) == 0
    name = (
        draw(st.sampled_from([None, "builder", "build", "go"]))
        if not two_stage
        else draw(st.sampled_from([None, "builder", "build"]))
    )
    platform = draw(st.sampled_from(["", "", "", "--platform=$BUILDPLATFORM "]))
    keyword = draw(st.sampled_from(["AS", "AS", "as"]))
    from_kw = draw(st.sampled_from(["FROM", "FROM", "FROM", "from"]))
    lines.append(f"{from_kw} {platform}{image}" + (f" {keyword} {name}" if name else ""))
    workdir = draw(st.sampled_from(WORKDIRS))
    lines += draw(st.lists(env_or_arg(), max_size=2))
    lines.append(f"WORKDIR {workdir}")
    lines += draw(
        st.sampled_from(
            [
                ["COPY go.mod go.sum ./", "RUN go mod download", "COPY . ."],
                ["COPY . ."],
                ["COPY . .", "RUN go mod download"],
                ["ADD . ."],
                [f"COPY . {workdir}"],
            ]
        )
    )
    lines += draw(st.lists(env_or_arg(), max_size=2))

    package = draw(st.sampled_from(PACKAGES))
    output_style = draw(st.sampled_from(["abs", "abs", "rel", "dir", "none"]))
    base = draw(st.sampled_from(["server", "app", "svc", "main"]))
    output = {
        "abs": f"/usr/local/bin/{base}" if draw(st.booleans()) else f"/{base}",
        "rel": base if draw(st.booleans()) else f"./bin/{base}",
        "dir": "/out/",
        "none": None,
    }[output_style]
    lines.append(draw(run_build(output, package)))
    if output_style == "abs":
        built = output
    elif output_style == "rel":
        built = posixpath.normpath(posixpath.join(workdir, output))
    elif output_style == "dir":
        built = "/out/" + (posixpath.basename(package.rstrip("/")) if package not in (".", "") else base)
        built = built[:-3] if built.endswith(".go") else built
    else:
        built = posixpath.join(workdir, posixpath.basename(package.rstrip("/")) if package not in (".", "") else base)
        built = built[:-3] if built.endswith(".go") else built
    if "go install" in lines[-1]:
        built = "/go/bin/" + (posixpath.basename(package.rstrip("/")) if package not in (".", "", "main.go") else base)

    user_lines = draw(
        st.sampled_from(
            [
                [],
                [],
                ["USER nobody"],
                ["USER 1000"],
                ["USER root"],
                ["USER 65534:65534"],
                ["RUN adduser -D -u 1234 app", "USER app"],
                ["RUN useradd --uid 2000 svc", "USER svc:svc"],
            ]
        )
    )
    misc = draw(
        st.lists(
            st.sampled_from(
                [
                    "EXPOSE 8080",
                    "EXPOSE 8080/tcp 9090",
                    "LABEL org.opencontainers.image.source=https://example.com/acme",
                    "VOLUME /data",
                    "STOPSIGNAL SIGTERM",
                    "HEALTHCHECK NONE",
                    "HEALTHCHECK --interval=30s CMD curl -f http://localhost:8080/ || exit 1",
                ]
            ),
            max_size=3,
        )
    )

    if not two_stage:
        program = draw(
            st.sampled_from(
                [
                    built,
                    built,
                    "./" + posixpath.basename(built) if posixpath.dirname(built) == workdir else built,
                    posixpath.basename(built),
                    "/bin/sh",
                ]
            )
        )
        lines += misc + user_lines
        health = draw(st.sampled_from([None, None, f'HEALTHCHECK CMD ["{built}", "-health"]']))
        lines += [health] if health else []
        lines += draw(entry_lines(program))
    else:
        ref = name or "0"
        dest = draw(st.sampled_from(["/usr/local/bin/", f"/usr/local/bin/{base}", "/app/", f"/{base}"]))
        runtime_program = dest + posixpath.basename(built) if dest.endswith("/") else dest
        lines.append("")
        final = draw(st.sampled_from(["alpine:3.19", "alpine", "debian:bookworm-slim", "alpine:latest"]))
        lines.append(f"FROM {final}")
        lines += draw(
            st.sampled_from(
                [
                    [],
                    ["RUN apk add --no-cache ca-certificates"],
                    ["RUN apk --no-cache add ca-certificates tzdata"],
                    ["RUN apk add --no-cache curl"],
                ]
            )
        )
        lines += draw(st.lists(env_or_arg(), max_size=2))
        lines.append(f"COPY --from={ref} {built} {dest}")
        lines += misc + user_lines[-1:]
        lines += draw(entry_lines(runtime_program))

    text = "\n".join(lines) + draw(st.sampled_from(["\n", "\n", "\n", ""]))
    return text.replace("\n", "\r\n") if draw(st.integers(0, 4)) == 0 else text


def _corpus_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("*/*")):
        data = path.read_bytes()
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return texts


CORPUS_TEXTS = _corpus_texts() if CORPUS.is_dir() else []

_INSERTS = (
    "\\\n",
    "\n",
    "\r\n",
    "<<EOF\n",
    "EOF\n",
    "# escape=`\n",
    "`\n",
    '"',
    "'",
    "[",
    "]",
    "FROM scratch\n",
    "FROM golang:1.22 AS b\n",
    "RUN go build -o /x .\n",
    'CMD ["/x"]\n',
    "USER root\n",
    "ARG TOKEN=abc\n",
    "ENV DB_PASSWORD=pw\n",
    "\x00",
    "\ufeff",
    "\t",
    " ",
)


def mutate(text: str, seed: int, rounds: int) -> str:
    """Apply ``rounds`` random line and character edits to ``text`` (deterministic in seed)."""
    rnd = random.Random(seed)
    for _ in range(rounds):
        lines = text.splitlines(keepends=True) or [""]
        op = rnd.randrange(7)
        i = rnd.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(rnd.randrange(len(lines) + 1), lines[i])
        elif op == 2:
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            line = lines[i]
            k = rnd.randrange(len(line) + 1)
            lines[i] = line[:k] + rnd.choice(_INSERTS) + line[k:]
        elif op == 4:
            line = lines[i]
            if line:
                k = rnd.randrange(len(line))
                lines[i] = line[:k] + line[k + 1 :]
        elif op == 5:
            text = "".join(lines)
            text = text[: rnd.randrange(len(text) + 1)]
            continue
        else:
            lines[i] = lines[i].replace("\n", "\r\n") if "\r\n" not in lines[i] else lines[i].replace("\r\n", "\n")
        text = "".join(lines)
    return text


@st.composite
def mutated_corpus(draw) -> str:
    if not CORPUS_TEXTS:
        return draw(go_dockerfiles())
    text = draw(st.sampled_from(CORPUS_TEXTS))
    return mutate(text, draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 6)))


@st.composite
def mutated_go(draw) -> str:
    return mutate(draw(go_dockerfiles()), draw(st.integers(0, 2**32 - 1)), draw(st.integers(1, 4)))


byte_soup = st.one_of(
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
    st.text(max_size=300),
    st.lists(
        st.sampled_from(_INSERTS + ("RUN ", "go build ", "-o ", "CMD ", "COPY --from=0 ", "/app ")), max_size=30
    ).map("".join),
)

any_input = st.one_of(go_dockerfiles(), go_dockerfiles(), mutated_go(), mutated_corpus(), byte_soup)
