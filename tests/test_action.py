"""The GitHub Action (action.yml): its check step run for real on folders of Dockerfiles,
and the workflow wiring that GitHub alone can run, read from the file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
ACTION = (ROOT / "action.yml").read_text()
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
FAT = 'FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\nCMD ["./main"]\n'
GO_MAIN = "package main\n\nfunc main() {}\n"


def check(tmp_path: Path, paths: str, **env) -> tuple[subprocess.CompletedProcess, dict, dict]:
    """Run action/check.sh as the action does, with goslim from this test's Python on PATH."""
    output = tmp_path / "github_output"
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    (bindir / "goslim").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m rewriter.cli "$@"\n')
    (bindir / "goslim").chmod(0o755)
    full_env = {
        **os.environ,
        "PATH": f"{bindir}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GOSLIM_PATHS": paths,
        "GOSLIM_SARIF": "out.sarif",
        **env,
    }
    done = subprocess.run(
        ["bash", str(ROOT / "action" / "check.sh")],
        cwd=tmp_path,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    jsonschema.validate(sarif, SCHEMA)
    return done, outputs, sarif


def service(root: Path, name: str, dockerfile: str) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "Dockerfile").write_text(dockerfile)
    (folder / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.23\n")
    (folder / "main.go").write_text(GO_MAIN)


def test_a_fat_dockerfile_is_a_finding_and_the_step_still_passes(tmp_path):
    service(tmp_path / "services", "api", FAT)
    done, outputs, sarif = check(tmp_path, "services")
    assert done.returncode == 0, done.stderr
    assert outputs == {"exit-code": "1"}
    assert done.stdout.startswith("::warning::goslim: some Dockerfiles can be rewritten")
    results = sarif["runs"][0]["results"]
    assert results and {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "services/api/Dockerfile"
    }


def test_slim_files_give_exit_code_0_and_an_empty_report(tmp_path):
    service(tmp_path, "api", FAT)
    slim = subprocess.run(
        [sys.executable, "-m", "rewriter.cli", "rewrite", "-i", "api/Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert slim.returncode == 0, slim.stderr
    done, outputs, sarif = check(tmp_path, "  api/Dockerfile  ")
    assert outputs == {"exit-code": "0"} and sarif["runs"][0]["results"] == []
    assert "already slim" in done.stdout


def test_a_file_goslim_cannot_parse_is_exit_code_2(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM golang\xff:1.23\n")  # not UTF-8
    done, outputs, _ = check(tmp_path, "")
    assert outputs == {"exit-code": "2"}
    assert done.stdout.startswith("::error::goslim: exit status 2")


def test_paths_reach_the_shell_only_through_the_environment():
    """An input pasted into a `run:` script would let a crafted value run commands."""
    runs = re.findall(r"^ +run: (?:\|\n)?((?:.*\n)*?)(?=^ {4}- |\Z)", ACTION, re.M)
    assert runs and not any("${{" in script for script in runs), runs
    assert "GOSLIM_PATHS: ${{ inputs.paths }}" in ACTION


def test_the_action_installs_goslim_checks_uploads_and_then_judges():
    steps = re.findall(r"^    - (?:name: (.+)|uses: (.+))$", ACTION, re.M)
    names = [name or uses for name, uses in steps]
    assert names == [
        "actions/setup-python@v5",
        "Install goslim",
        "goslim rewrite --check --format sarif",
        "Upload SARIF",
        "Verdict",
    ]
    assert "uses: github/codeql-action/upload-sarif@v3" in ACTION
    assert 'bash "$GITHUB_ACTION_PATH/action/check.sh"' in ACTION
    assert "using: composite" in ACTION


@pytest.mark.parametrize(
    ("code", "fail_on_change", "fails"),
    [("0", "true", False), ("1", "false", False), ("1", "true", True), ("2", "false", True)],
)
def test_the_verdict_step(code, fail_on_change, fails):
    script = ACTION.split("    - name: Verdict", 1)[1].split("run: |\n", 1)[1]
    script = "\n".join(line[8:] for line in script.splitlines())
    done = subprocess.run(
        ["bash", "-c", script], env={"CODE": code, "FAIL_ON_CHANGE": fail_on_change, "PATH": os.environ["PATH"]}
    )
    assert (done.returncode != 0) is fails
