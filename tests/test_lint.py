"""The tree passes ruff's checks and is formatted as ruff formats it (pyproject.toml
configures both), so a change that breaks either fails the suite CI runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATTED = ["rewriter", "tests", "bench", "fuzz", "action"]


def _ruff() -> list[str]:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    assert found, "ruff is a test dependency (pip install -e '.[test]')"
    return [found]


def test_ruff_check_passes():
    result = subprocess.run([*_ruff(), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_tree_is_formatted():
    result = subprocess.run(
        [*_ruff(), "format", "--no-cache", "--check", *FORMATTED], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
