"""A single-file run imports only what it needs: goslim runs once per file in pre-commit
hooks, editor integrations and CI steps, where the process start is most of the cost.
(How long the start takes is measured by bench/cold_start_bench.py, not here.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from rewriter.config import CONFIG_NAMES

# Modules a plain `goslim rewrite FILE` (output piped, no config file) has no use for, each
# a few milliseconds or more of a start, with what needs them.
HEAVY = {
    "lark": "generating or checking the parse table (rewriter.syntax.generate)",
    "rewriter.syntax.generate": "generating or checking the parse table",
    "rich": "colour, tables and progress bars",
    "pathspec": "searching a directory (.gitignore)",
    "tomllib": "reading a config file, when there is one",
    "concurrent": "rewriting many files in parallel",
    "multiprocessing": "rewriting many files in parallel",
    "rewriter.verify": "goslim verify and rewrite --verify",
    "subprocess": "goslim verify (container engines)",
    "jsonschema": "the tests",
    "importlib.metadata": "--format sarif (the tool version)",
    "logging": "nothing",
    "pickle": "nothing",
    "tempfile": "nothing",
    "shutil": "nothing",
    "argparse": "nothing",
}

SERVICE = {
    "Dockerfile": 'FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\nEXPOSE 8080\nCMD ["./main"]\n',
    "go.mod": "module example.com/hello\n\ngo 1.23\n",
    "main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe(":8080", nil)\n}\n',
}

# Runs the console script's entry point and reports the exit status and the modules loaded.
PROBE = """
import sys
sys.argv = ["goslim", "rewrite", "Dockerfile"]
from rewriter.cli import main
try:
    main()
except SystemExit as exc:
    status = exc.code
else:
    status = 0
print("exit", status, file=sys.stderr)
print("modules", " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def _run_probe(folder: Path) -> tuple[str, int, set[str]]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    proc = subprocess.run([sys.executable, "-c", PROBE], cwd=folder, capture_output=True, text=True, env=env)
    lines = proc.stderr.splitlines()
    status = int(next(line for line in lines if line.startswith("exit ")).split()[1])
    modules = set(next(line for line in lines if line.startswith("modules ")).split()[1:])
    return proc.stdout, status, modules


def test_rewrite_of_one_file_imports_no_heavy_module(tmp_path):
    for name, text in SERVICE.items():
        (tmp_path / name).write_text(text)
    diff, status, modules = _run_probe(tmp_path)

    assert status == 0
    assert "+FROM scratch\n" in diff  # it did rewrite, so everything a rewrite needs was loaded
    assert {"rewriter.engine", "rewriter.goprogram", "rewriter.context", "rewriter.syntax.parser"} <= modules
    heavy = HEAVY.copy()
    if any((folder / name).exists() for folder in tmp_path.parents for name in CONFIG_NAMES):
        del heavy["tomllib"]  # a config file above the temporary folder is read, rightly
    loaded = {name: why for name, why in heavy.items()
              if name in modules or any(m.startswith(name + ".") for m in modules)}
    assert loaded == {}, "imported by `goslim rewrite FILE`, needed only for: " + repr(loaded)


def test_the_probe_sees_what_a_command_imports(tmp_path):
    """The check above can fail: a config file makes the same run import tomllib."""
    for name, text in SERVICE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / ".goslim.toml").write_text("uid = 10002\n")
    diff, status, modules = _run_probe(tmp_path)
    assert status == 0 and "10002" in diff
    assert "tomllib" in modules
