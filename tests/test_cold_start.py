"""A single-file run imports only what it needs: goslim runs once per file in pre-commit
hooks, editor integrations and CI steps, where the process start is most of the cost.
(How long the start takes is measured by bench/cold_start_bench.py, not here.)"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rewriter.cli.entry import rewrite_flags
from rewriter.config import CONFIG_NAMES

# Modules a plain `goslim rewrite FILE` (output piped, no config file) has no use for, each
# a few milliseconds or more of a start, with what needs them.
HEAVY = {
    "click": "command lines other than plain `rewrite` ones and --version (rewriter.cli.entry)",
    "rewriter.cli.app": "command lines other than plain `rewrite` ones and --version",
    "lark": "generating or checking the parse table (rewriter.syntax.generate)",
    "rewriter.syntax.generate": "generating or checking the parse table",
    "rich": "colour, tables and progress bars",
    "pathspec": "searching a directory (.gitignore)",
    "tomllib": "reading a config file, when there is one",
    "concurrent": "rewriting many files in parallel",
    "multiprocessing": "rewriting many files in parallel",
    "rewriter.verify": "goslim verify and rewrite --verify",
    "subprocess": "goslim verify (container engines)",
    "threading": "goslim verify and rewrite --verify (verifications run in threads)",
    "rewriter.cli.report_sarif": "--format sarif",
    "rewriter.cli.report_json": "--format json, and the summary of a batch",
    "jsonschema": "the tests",
    "importlib.metadata": "--format sarif (the tool version)",
    "dataclasses": "nothing: it compiles each class's methods from source at import (rewriter.record instead)",
    "inspect": "nothing",
    "typing": "type checking only (rewriter.protocols, and `if TYPE_CHECKING:` blocks)",
    "shlex": "reading build scripts and Makefiles that name a Dockerfile (rewriter.context.definitions)",
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
    loaded = {
        name: why for name, why in heavy.items() if name in modules or any(m.startswith(name + ".") for m in modules)
    }
    assert loaded == {}, "imported by `goslim rewrite FILE`, needed only for: " + repr(loaded)


def test_the_probe_sees_what_a_command_imports(tmp_path):
    """The check above can fail: a config file makes the same run import tomllib."""
    for name, text in SERVICE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / ".goslim.toml").write_text("uid = 10002\n")
    diff, status, modules = _run_probe(tmp_path)
    assert status == 0 and "10002" in diff
    assert "tomllib" in modules


def test_version_imports_no_click(tmp_path):
    probe = (
        "import sys; sys.argv = ['goslim', '--version']\n"
        "from rewriter.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('exit', exc.code)\n"
        "print('click' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert proc.stdout.splitlines()[1:] == ["exit 0", "False"]
    assert proc.stdout.startswith("goslim ")


@pytest.mark.parametrize(
    "args, flags",
    [
        (["rewrite", "Dockerfile"], {}),
        (["rewrite", "--check", "a", "b"], {"check": True}),
        (["rewrite", "-i", "--diff", "-q", "Dockerfile"], {"in_place": True, "show_diff": True, "quiet": True}),
        (["rewrite", "--diff", "--no-diff", "--no-go-list", "."], {"show_diff": False, "go_list": False}),
    ],
)
def test_plain_rewrite_command_lines_run_without_click(args, flags):
    assert rewrite_flags(args) == flags


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--version", "rewrite"],
        ["rules"],
        ["rewrite"],
        ["rewrite", "--check"],
        ["rewrite", "-"],
        ["rewrite", "--", "Dockerfile"],
        ["rewrite", "-iq", "Dockerfile"],
        ["rewrite", "--format", "json", "Dockerfile"],
        ["rewrite", "--format=json", "Dockerfile"],
        ["rewrite", "-q", "-v", "Dockerfile"],
        ["rewrite", "--help", "x"],
        ["rewrite", "--context", "x", "Dockerfile"],
    ],
)
def test_other_command_lines_go_to_click(args):
    assert rewrite_flags(args) is None


# Runs one command line through the entry point (ENTRY) or through click (CLICK).
RUN = """
import sys
args = sys.argv[2:]
if sys.argv[1] == "entry":
    from rewriter.cli import main
    main(args)
else:
    from rewriter.cli.app import cli
    cli.main(args=args, prog_name="goslim")
"""


@pytest.mark.parametrize(
    "args",
    [
        ["rewrite", "Dockerfile"],
        ["rewrite", "--check", "Dockerfile"],
        ["rewrite", "-v", "--no-diff", "."],
        ["rewrite", "-q", "Dockerfile", "missing/Dockerfile"],
        ["rewrite", "--require-context", "--no-go-list", "Dockerfile"],
        ["rewrite", "-i", "Dockerfile"],
        ["rewrite", "Broken.Dockerfile"],
    ],
)
def test_the_entry_point_answers_as_click_does(tmp_path, args):
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    results = []
    for way in ("entry", "click"):
        for name, text in SERVICE.items():
            (tmp_path / name).write_text(text)
        (tmp_path / "Broken.Dockerfile").write_bytes(b"FROM golang:1.23\nRUN \xff\n")
        proc = subprocess.run(
            [sys.executable, "-c", RUN, way, *args], cwd=tmp_path, capture_output=True, text=True, env=env
        )
        results.append((proc.returncode, proc.stdout, proc.stderr, (tmp_path / "Dockerfile").read_text()))
    assert results[0] == results[1]
    assert "Traceback" not in results[0][2]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
@pytest.mark.parametrize("err", [True, False])
@pytest.mark.parametrize(
    "styles",
    [{}, {"bold": True}, {"dim": True}, {"fg": "red", "bold": True}, {"fg": "yellow"}, {"fg": "blue", "bold": True}],
)
def test_messages_are_written_as_click_writes_them(monkeypatch, tty, err, styles):
    """The entry point's runs write with rewriter.cli.style, the click commands' with click:
    the same bytes either way, colour codes left out when the stream is not a terminal."""
    import click

    from rewriter.cli.style import echo, style

    assert style("GS101", **styles) == click.style("GS101", **styles)
    written = []
    for write in (echo, click.echo):
        stream = _Stream(tty)
        monkeypatch.setattr(sys, "stderr" if err else "stdout", stream)
        write(f"{style('a.Dockerfile:3', **styles)}: rewritten ×2", err=err)
        write(err=err)
        written.append(stream.getvalue())
    assert written[0] == written[1]
    assert ("\x1b" in written[0]) == tty


# The console script (rewriter.cli.run) ends with os._exit once main() is done: the same
# output and exit status as main(), without the interpreter's teardown.
BY_MAIN = "from rewriter.cli import main; main()"
BY_RUN = "from rewriter.cli import run; run()"
BIG = SERVICE["Dockerfile"] + "".join(
    f"# line {i}, long enough to fill the pipe more than once\n" for i in range(40_000)
)


@pytest.mark.parametrize(
    "args, stdin, status",
    [
        (["rewrite", "Dockerfile"], None, 0),
        (["rewrite", "--check", "Dockerfile"], None, 1),
        (["rewrite", "missing/Dockerfile"], None, 2),
        (["rewrite", "-"], BIG, 0),  # 2.5 MB on stdout, through click
        (["rewrite", "--format", "json", "Dockerfile"], None, 0),
    ],
)
def test_the_console_script_prints_and_exits_as_main_does(tmp_path, args, stdin, status):
    for name, text in SERVICE.items():
        (tmp_path / name).write_text(text)

    def call(code):
        data = stdin.encode() if stdin else None
        return subprocess.run([sys.executable, "-c", code, *args], input=data, capture_output=True, cwd=tmp_path)

    by_main, by_run = call(BY_MAIN), call(BY_RUN)
    assert by_run.returncode == by_main.returncode == status
    assert by_run.stdout == by_main.stdout and by_run.stderr == by_main.stderr
    assert by_run.stdout or by_run.stderr


def test_the_console_script_skips_teardown_unless_threads_ran(tmp_path):
    for name, text in SERVICE.items():
        (tmp_path / name).write_text(text)
    at_exit = "import atexit; atexit.register(print, 'torn down');"

    def call(code):
        proc = subprocess.run(
            [sys.executable, "-c", code, "rewrite", "-q", "Dockerfile"], capture_output=True, text=True, cwd=tmp_path
        )
        return proc.returncode, proc.stdout.splitlines()[-1]

    assert call(at_exit + BY_RUN)[0] == 0 and call(at_exit + BY_RUN)[1] != "torn down"
    assert call(at_exit + BY_MAIN)[1] == "torn down"
    assert call(at_exit + "import threading;" + BY_RUN)[1] == "torn down"  # a run with threads ends the usual way
