"""The whole rewrite against BuildKit's parser, and a 10,000-service monorepo.

(a) Every corpus file BuildKit accepts, in memory: goslim's full rewrite (parse, analysis,
    passes, print and, when the file changes, the unified diff the CLI shows) next to
    BuildKit's parser alone (``dockerfile.parse_string``) on the same texts. Each figure is
    the best of ``--runs``; goal: ratio <= 1.0. Then goslim's time split between the files
    that mention Go and the others, which are judged by their outline alone.
(b) A generated monorepo of ``--services`` folders (fat Go, already slim, Node) and
    ``goslim rewrite --check DIR`` with ``--jobs 1`` and ``--jobs 2`` (goal <= 5 s on 2 cores).

Prints figures and asserts nothing. Run:
    /work/venv/bin/python bench/rewrite_bench.py [--runs N] [--services N] [--only a,b]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dockerfile
from parse_bench import load  # the same corpus texts as the parse bench (this folder is on sys.path)

import rewriter
from rewriter.analysis import may_mention_go
from rewriter.cli.report_patch import unified_diff
from rewriter.syntax import nodes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
_SCRIPT = Path(sys.executable).with_name("goslim")  # the console script pip installs
GOSLIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "rewriter.cli"]
# Processes may write bytecode, as ``pip install`` compiles it: a cold start is a new
# process, not a first import from source.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

FAT_GO = """\
FROM golang:1.{minor}
WORKDIR /src/{name}
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ENV PORT={port}
RUN CGO_ENABLED=0 go build -ldflags "-X main.version=1.{n}" -o /bin/{name} ./cmd/{name}
EXPOSE {port}
CMD ["/bin/{name}"]
"""
FAT_GO_ALPINE = """\
FROM golang:1.{minor}-alpine AS build
RUN apk add --no-cache git
WORKDIR /app
COPY . .
RUN go build -o {name} .

FROM alpine:3.19
RUN apk add --no-cache ca-certificates
COPY --from=build /app/{name} /usr/local/bin/{name}
ENTRYPOINT ["/usr/local/bin/{name}"]
"""
SLIM = """\
FROM golang:1.{minor} AS builder
WORKDIR /app
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/{name} .
RUN echo 'app:x:10001:10001::/nonexistent:/sbin/nologin' > /etc/passwd.runtime \\
    && echo 'app:x:10001:' > /etc/group.runtime

FROM scratch
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /etc/passwd.runtime /etc/passwd
COPY --from=builder /etc/group.runtime /etc/group
COPY --from=builder /out/{name} /{name}
USER 10001:10001
ENTRYPOINT ["/{name}"]
"""
NODE = """\
FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
EXPOSE {port}
CMD ["node", "server.js"]
"""
KINDS = (FAT_GO, FAT_GO, FAT_GO_ALPINE, SLIM, NODE, NODE)


# ------------------------------------------------------------------------------ (a)


def goslim_rewrite(texts: list[str]) -> int:
    changed = 0
    for text in texts:
        try:
            result = rewriter.rewrite(text)
        except rewriter.ParseError:
            continue
        if result.changed:
            unified_diff(text, result.code, "Dockerfile")
            changed += 1
    return changed


def buildkit_parse(texts: list[str]) -> int:
    for text in texts:
        dockerfile.parse_string(text)
    return 0


def forget() -> None:
    """Empty goslim's memos, so that no repetition profits from an earlier one."""
    nodes._COMMAND_CACHE.clear()
    for name, module in list(sys.modules.items()):
        if name.startswith("rewriter"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def best_of(runs: int, fn, texts: list[str]) -> float:
    """The best of ``runs`` in CPU time of this process (steadier than wall time on a
    machine shared with other work; both parsers run in this thread)."""
    best = float("inf")
    for _ in range(runs):
        forget()
        gc.collect()
        start = time.process_time()
        fn(texts)
        best = min(best, time.process_time() - start)
    return best


def throughput(corpus: Path, runs: int) -> None:
    texts = load(corpus)
    lines = sum(t.count("\n") + (not t.endswith("\n")) for t in texts)
    changed = goslim_rewrite(texts)  # warm up: the parser is built, the modules imported
    goslim = best_of(runs, goslim_rewrite, texts)
    buildkit = best_of(runs, buildkit_parse, texts)
    print(f"(a) {len(texts)} corpus files, {lines} lines ({changed} rewritten); best of {runs}, CPU time")
    print(f"    {'':<40} {'ms':>8} {'lines/s':>11}")
    print(f"    {'goslim rewrite (+ diff when changed)':<40} {goslim * 1000:>8.1f} {lines / goslim:>11,.0f}")
    print(f"    {'BuildKit dockerfile.parse_string':<40} {buildkit * 1000:>8.1f} {lines / buildkit:>11,.0f}")
    print(f"    ratio goslim / BuildKit: {goslim / buildkit:.2f} (goal <= 1.0)")
    likely_go = [t for t in texts if may_mention_go(t)]
    others = [t for t in texts if not may_mention_go(t)]
    print(
        f"    goslim's time by file: {len(likely_go)} that mention Go (parsed in full) "
        f"{best_of(runs, goslim_rewrite, likely_go) * 1000:.1f} ms, "
        f"{len(others)} others (judged by their outline) {best_of(runs, goslim_rewrite, others) * 1000:.1f} ms"
    )


# ------------------------------------------------------------------------------ (b)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def make_monorepo(root: Path, services: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n in range(services):
        template = KINDS[n % len(KINDS)]
        folder = root / f"team{n % 40:02d}" / f"svc{n:05d}"
        folder.mkdir(parents=True)
        name = f"svc{n:05d}"
        (folder / "Dockerfile").write_text(template.format(minor=20 + n % 4, name=name, port=8000 + n % 1000, n=n))
        kind = {FAT_GO: "fat go", FAT_GO_ALPINE: "go on alpine", SLIM: "already slim", NODE: "node"}[template]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def monorepo(services: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        counts = make_monorepo(root, services)
        mix = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        print(f"(b) monorepo of {services} services ({mix})")
        for jobs in (1, 2):
            cpu = _children_cpu()
            start = time.perf_counter()
            proc = subprocess.run(
                [*GOSLIM, "rewrite", "--check", "--jobs", str(jobs), "."],
                cwd=root,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=ENV,
            )
            seconds = time.perf_counter() - start
            cpu = _children_cpu() - cpu
            flagged = sum(1 for line in proc.stderr.splitlines() if line.startswith("would rewrite ") and "/" in line)
            print(
                f"    goslim rewrite --check --jobs {jobs}: {seconds:6.2f} s wall, {cpu:6.2f} s CPU, "
                f"exit {proc.returncode}, "
                f"{flagged} files would change (goal <= 5 s on 2 cores)"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--services", type=int, default=10_000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--only", default="a,b", help="which parts to run, e.g. a")
    args = ap.parse_args(argv)
    parts = set(args.only.split(","))
    kind = "compiled with mypyc" if rewriter.compiled() else "plain Python (GOSLIM_PURE_PYTHON=1 or no compiler)"
    print(f"goslim {rewriter.__version__} from {Path(rewriter.__file__).parent}, {kind}, {os.cpu_count()} CPUs")
    if "a" in parts:
        if (args.corpus / "MANIFEST.tsv").exists():
            throughput(args.corpus, args.runs)
        else:
            print(f"(a) skipped: no corpus at {args.corpus}")
    if "b" in parts:
        monorepo(args.services)
    return 0


if __name__ == "__main__":
    sys.exit(main())
