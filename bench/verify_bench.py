"""Verification on real images, podman and Docker side by side, from a cold and a warm build cache.

(a) ``goslim verify`` of one service (``api`` below): cold (new sources, so no layer of
    it is cached, and for podman an empty Go build cache), then the same command again.
(b) ``goslim rewrite -i --verify --jobs N`` over a batch of ten generated services, cold,
    then warm (the Dockerfiles put back and the same command again). Its closing table
    is printed too: which rewrites goslim would write, and why the others not.

The ten services use the standard library only (no module proxy is reachable from a
build here): api, version (-X ldflags), scheduler (time.LoadLocation), web (templates),
reports (a config named in ENV), worker (golang alpine + apk), metrics (TCP and UDP),
gateway (config named in CMD), clock (ENV TZ and the local clock) and uploads (writes
into its folder); the last three reach their image in ways a rewrite can lose.

Needs the e2e engines (.ci/e2e-setup.sh). Prints figures and asserts nothing. Run:
    .venv/bin/python bench/verify_bench.py [--engines podman,docker] [--jobs 2] [--only a,b]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

FAT = (
    'FROM golang:1.23\n{env}WORKDIR /app\nCOPY . .\nRUN go build {flags}-o main .\nEXPOSE 8080\nCMD ["./main"{args}]\n'
)
SERVER = """package main

// build {salt}

import (
\t"fmt"
\t"log"
\t"net"
\t"net/http"
\t"os"
\t"time"
{imports})

var (
\t_       = net.IPv4len
\t_       = os.Getpid
\t_       = time.UTC
\tversion = "dev"
)

func main() {{
{start}\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {{ fmt.Fprintln(w, {answer}) }})
\tlog.Fatal(http.ListenAndServe(":8080", nil))
}}
"""
# name -> (code run at start, what GET / answers, extra imports, Dockerfile parts, extra files)
SERVICES = {
    "api": ("", '"api ok"', "", {}, {}),
    "version": ("", "version", "", {"flags": '-ldflags "-X main.version=1.4.2" '}, {}),
    "scheduler": (
        '\tparis, err := time.LoadLocation("Europe/Paris")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n',
        "time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC).In(paris)",
        "",
        {},
        {},
    ),
    "web": (
        '\tpage := template.Must(template.ParseFiles("templates/index.html"))\n',
        'func() string { var b strings.Builder; page.Execute(&b, "web"); return b.String() }()',
        '\t"html/template"\n\t"strings"\n',
        {},
        {"templates/index.html": "<h1>{{.}}</h1>\n"},
    ),
    "reports": (
        '\tdata, err := os.ReadFile(os.Getenv("REPORTS_CONFIG"))\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n',
        "string(data)",
        "",
        {"env": "ENV REPORTS_CONFIG=/app/reports.json\n"},
        {"reports.json": '{"daily": true}\n'},
    ),
    "worker": (
        "",
        '"worker ok"',
        "",
        {"base": "golang:1.23-alpine", "env": "RUN apk add --no-cache ca-certificates\n"},
        {},
    ),
    "metrics": (
        '\tudp, err := net.ListenPacket("udp", ":8125")\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n'
        "\tdefer udp.Close()\n",
        '"metrics ok"',
        "",
        {},
        {},
    ),
    "gateway": (
        '\tconfig := flag.String("config", "", "routes")\n\tflag.Parse()\n\tdata, err := os.ReadFile(*config)\n'
        "\tif err != nil {\n\t\tlog.Fatal(err)\n\t}\n",
        "string(data)",
        '\t"flag"\n',
        {"args": ', "-config", "routes.json"'},
        {"routes.json": '{"/": "api"}\n'},
    ),
    "clock": (
        "",
        "time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC).Local()",
        "",
        {"env": "ENV TZ=America/New_York\n"},
        {},
    ),
    "uploads": (
        '\tif err := os.WriteFile("uploads/.ready", nil, 0o644); err != nil {\n'
        '\t\tlog.Printf("uploads: %v", err)\n\t}\n',
        '"uploads ok"',
        "",
        {"env": "RUN mkdir -p /app/uploads\n"},
        {},
    ),
}


def services(salt: str) -> dict[str, dict[str, str]]:
    """Folder name -> {file name: text} for the ten services; `salt` makes their sources new."""
    made = {}
    for name, (start, answer, imports, docker, files) in SERVICES.items():
        dockerfile = FAT.format(env=docker.get("env", ""), flags=docker.get("flags", ""), args=docker.get("args", ""))
        made[name] = {
            "main.go": SERVER.format(salt=salt, imports=imports, start=start, answer=answer),
            "Dockerfile": dockerfile.replace("golang:1.23", docker.get("base", "golang:1.23")),
            **files,
        }
    return made


def write(root: Path, salt: str) -> Path:
    for name, files in services(salt).items():
        for file, text in files.items():
            path = root / name / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        (root / name / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.23\n")
    return root


def goslim(*args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "rewriter.cli", *args], capture_output=True, text=True, env=env, timeout=3600
    )
    return time.monotonic() - started, done


def bench_engine(engine: str, jobs: int, only: set[str], scratch: Path) -> dict[str, float | str]:
    figures: dict[str, float | str] = {}
    env = {**os.environ, "NO_COLOR": "1"}
    if "a" in only:
        root = write(scratch / engine / "one", uuid.uuid4().hex)
        env["GOSLIM_GO_BUILD_CACHE"] = str(scratch / engine / "go-build-one")
        for run in ("cold", "warm"):
            seconds, done = goslim("verify", "--engine", engine, str(root / "api" / "Dockerfile"), env=env)
            figures[f"one service, {run}"] = seconds
            print(
                f"{engine} verify api ({run}): {seconds:.1f} s, exit {done.returncode}: "
                f"{done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-300:]}",
                flush=True,
            )
    if "b" in only:
        root = write(scratch / engine / "batch", uuid.uuid4().hex)
        originals = {path: path.read_text() for path in root.rglob("Dockerfile")}
        env["GOSLIM_GO_BUILD_CACHE"] = str(scratch / engine / "go-build-batch")
        for run in ("cold", "warm"):
            for path, text in originals.items():
                path.write_text(text)
            seconds, done = goslim(
                "rewrite", "-i", "--verify", "--engine", engine, "--jobs", str(jobs), str(root), env=env
            )
            figures[f"batch of 10, {run}"] = seconds
            print(
                f"{engine} rewrite -i --verify --jobs {jobs}, 10 services ({run}): {seconds:.1f} s, "
                f"exit {done.returncode}",
                flush=True,
            )
        table = done.stderr.split("\n\nservice", 1)
        figures["table"] = ("service" + table[1].split("\n\n", 1)[0]) if len(table) == 2 else done.stderr[-2000:]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="podman,docker")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="a,b")
    args = parser.parse_args()
    only = set(args.only.split(","))
    engines = args.engines.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="goslim-verify-bench-"))
    try:
        results = {engine: bench_engine(engine, args.jobs, only, scratch) for engine in engines}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = [key for key in next(iter(results.values())) if key != "table"]
    print(f"\nwall time, {os.cpu_count()} cores, --jobs {args.jobs}")
    print(f"{'':24}" + "".join(f"{engine:>10}" for engine in engines))
    for row in rows:
        print(f"{row:24}" + "".join(f"{results[e][row]:>9.1f}s" for e in engines))
    for engine in engines:
        if "table" in results[engine]:
            print(f"\n{engine}, the batch's table (warm run):\n{results[engine]['table']}")


if __name__ == "__main__":
    main()
