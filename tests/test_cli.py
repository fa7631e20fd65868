"""The goslim command line, in-process (CliRunner) and as a real process.

Most tests run the CLI against ``tests/data/fake_engine.py`` so that they check the command
line itself. Those parametrized with ``engine`` also run against the real engine on the
contract's own examples (a fat Go build is rewritten to FROM scratch, a Node build is
skipped).
"""

from __future__ import annotations

import codecs
import importlib.util
import json
import os
import pty
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import rewriter
from rewriter.cli import cli

DATA = Path(__file__).parent / "data"
GO = 'FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\nCMD ["./main"]\n'
NODE = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'
SLIM = 'FROM scratch\nCOPY main /main\nENTRYPOINT ["/main"]\n'
REFUSED = GO.replace("CMD", "HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1\nCMD")
APT = GO.replace("RUN go", "RUN apt-get update && apt-get install -y git\nRUN go")
BROKEN = b"FROM golang:1.23\nRUN \xff\n"
BOOT = (
    f"import sys; sys.path.insert(0, {str(DATA)!r}); import fake_engine; "
    "fake_engine.install(); from rewriter.cli import main; main()"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

_spec = importlib.util.spec_from_file_location("fake_engine", DATA / "fake_engine.py")
fake_engine = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake_engine)


@pytest.fixture(params=["fake", "real"], ids=["fake-engine", "real-engine"])
def engine(request, monkeypatch):
    """Which engine the test runs against; the fake one is installed for in-process runs too."""
    if request.param == "fake":
        fake_engine.install(monkeypatch)
    return request.param


@pytest.fixture
def fake(monkeypatch):
    fake_engine.install(monkeypatch)
    return "fake"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    from rewriter import config

    config.clear_cache()


def goslim(*args, cwd, engine="fake", stdin: bytes | None = None, env=None, timeout=120):
    """Run goslim as a real process (with the fake engine unless engine="real")."""
    command = [sys.executable, "-c", BOOT] if engine == "fake" else [sys.executable, "-m", "rewriter.cli"]
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run(
        command + [str(a) for a in args],
        cwd=cwd,
        input=stdin or b"",
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )


def invoke(*args, stdin: bytes | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)


def make(root: Path, files: dict) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def err_lines(result) -> list[str]:
    text = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
    return [line for line in text.splitlines() if line.strip()]


def summary_table(lines: list[str]) -> list[str]:
    """The six summary rows, with their column padding collapsed."""
    start = next(i for i, line in enumerate(lines) if line.startswith("files found"))
    return [re.sub(r"\s+", " ", line).strip() for line in lines[start : start + 6]]


# ------------------------------------------------------------------------ basics


def test_version_starts_without_heavy_imports(tmp_path):
    probe = (
        "import sys; sys.argv = ['goslim', '--version']\n"
        "from rewriter.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'lark', 'pathspec', "
        "'jsonschema', 'concurrent', 'difflib'})\n"
        "print('heavy:', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    kind = "compiled" if rewriter.compiled() else "plain Python"
    assert result.stdout.splitlines() == [f"goslim {rewriter.__version__} ({kind})", "heavy: []"]
    assert (
        goslim("--version", cwd=tmp_path, engine="real").stdout.decode() == f"goslim {rewriter.__version__} ({kind})\n"
    )


def test_help_lists_the_commands():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("rewrite", "parse", "rules"):
        assert command in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "Usage:"),
        (["rewrite"], "Missing argument 'PATHS...'"),
        (["rewrite", "-q", "-v", "Dockerfile"], "--quiet and --verbose cannot be used together"),
        (["rewrite", "-", "Dockerfile"], "- (stdin) cannot be combined with other paths"),
        (["rewrite", "-i", "-"], "--in-place needs files"),
        (["rewrite", "--format", "xml", "Dockerfile"], "'xml' is not one of"),
        (["rewrite", "--jobs", "0", "Dockerfile"], "0 is not in the range x>=1"),
        (["rewrite", "--runtime", "ubuntu", "Dockerfile"], "'ubuntu' is not one of"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_no_dockerfiles_found(tmp_path):
    result = invoke("rewrite", tmp_path)
    assert result.exit_code == 0
    assert result.stderr == f"goslim: no Dockerfiles found in {tmp_path}\n"


# ------------------------------------------------------------------------ the diff


def test_default_prints_a_diff_and_changes_nothing(engine, tmp_path):
    make(tmp_path, {"Dockerfile": GO})
    result = goslim("rewrite", "Dockerfile", cwd=tmp_path, engine=engine)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert out.startswith("--- a/Dockerfile\n+++ b/Dockerfile\n@@ ")
    assert "+FROM scratch\n" in out and '-CMD ["./main"]\n' in out
    assert not ANSI.search(out + result.stderr.decode())
    assert "would rewrite Dockerfile" in result.stderr.decode()
    assert (tmp_path / "Dockerfile").read_text() == GO


def test_applied_rules_and_diagnostics_follow_the_diff(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"svc/Dockerfile": APT}))
    result = invoke("rewrite", "svc/Dockerfile")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/svc/Dockerfile\n+++ b/svc/Dockerfile\n")
    assert err_lines(result) == [
        "would rewrite svc/Dockerfile:",
        "  GS901 split-builder-runtime  Build in a golang stage and run the binary from a minimal runtime stage.",
        "  GS902 non-root-user          Run as an unprivileged user instead of root.",
        "svc/Dockerfile:4:1: GS921 warning: apt packages are not in the runtime image",
    ]


def test_diff_is_coloured_on_a_terminal_unless_no_color(tmp_path):
    make(tmp_path, {"Dockerfile": GO})

    def run_on_tty(env):
        leader, follower = pty.openpty()
        command = [sys.executable, "-c", BOOT, "rewrite", "Dockerfile"]
        full_env = {**os.environ, **env, "TERM": "xterm-256color", "COLUMNS": "120"}
        full_env.pop("FORCE_COLOR", None)
        if "NO_COLOR" not in env:
            full_env.pop("NO_COLOR", None)
        process = subprocess.Popen(
            command, cwd=tmp_path, stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env=full_env
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert process.wait(timeout=60) == 0
        return b"".join(chunks).decode()

    coloured = run_on_tty({})
    assert ANSI.search(coloured)
    assert "+FROM scratch" in ANSI.sub("", coloured)
    plain = run_on_tty({"NO_COLOR": "1"})
    assert not ANSI.search(plain) and "+FROM scratch" in plain


def test_diff_marks_a_missing_final_newline(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"Dockerfile": GO.rstrip("\n")}))
    result = invoke("rewrite", "Dockerfile")
    assert "\\ No newline at end of file\n" in result.stdout


# ------------------------------------------------------------------------ stdin


def test_stdin_prints_the_whole_rewritten_file(engine, tmp_path):
    result = goslim("rewrite", "-", cwd=tmp_path, engine=engine, stdin=GO.encode())
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "FROM scratch" in out and not out.startswith("---")
    assert "Traceback" not in result.stderr.decode()


def test_stdin_node_comes_back_byte_for_byte(engine, tmp_path):
    result = goslim("rewrite", "-", cwd=tmp_path, engine=engine, stdin=NODE.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout == NODE.encode()


def test_stdin_keeps_utf16_and_crlf(fake, tmp_path):
    data = codecs.BOM_UTF16_LE + GO.replace("\n", "\r\n").encode("utf-16-le")
    result = goslim("rewrite", "-", cwd=tmp_path, stdin=data)
    assert result.returncode == 0
    assert result.stdout.startswith(codecs.BOM_UTF16_LE)
    text = result.stdout.decode("utf-16")
    assert "FROM scratch\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert err_lines(result)[0] == "rewrote -:"


def test_stdin_check_and_diff(fake, tmp_path):
    check = goslim("rewrite", "--check", "-", cwd=tmp_path, stdin=GO.encode())
    assert (check.returncode, check.stdout) == (1, b"")
    assert err_lines(check)[0] == "would rewrite -:"
    diff = goslim("rewrite", "--diff", "-", cwd=tmp_path, stdin=GO.encode())
    assert diff.returncode == 0 and diff.stdout.decode().startswith("--- a/-\n+++ b/-\n")


def test_stdin_bad_bytes(tmp_path):
    result = goslim("rewrite", "-", cwd=tmp_path, engine="real", stdin=BROKEN)
    assert result.returncode == 2
    assert err_lines(result) == ["-:2:5: error: invalid UTF-8 (byte 0xff)"]
    assert result.stdout == b""


# ------------------------------------------------------------------------ check / in place


def test_check_then_in_place_then_check(engine, tmp_path):
    make(tmp_path, {"svc/Dockerfile": GO})
    first = goslim("rewrite", "--check", "svc", cwd=tmp_path, engine=engine)
    assert first.returncode == 1, first.stderr
    assert first.stdout == b"" and (tmp_path / "svc/Dockerfile").read_text() == GO
    assert "would rewrite svc/Dockerfile" in first.stderr.decode()

    write = goslim("rewrite", "-i", "svc", cwd=tmp_path, engine=engine)
    assert write.returncode == 0, write.stderr
    assert "rewrote svc/Dockerfile" in write.stderr.decode()
    assert "FROM scratch" in (tmp_path / "svc/Dockerfile").read_text()

    again = goslim("rewrite", "--check", "svc", cwd=tmp_path, engine=engine)
    assert again.returncode == 0, again.stderr


def test_in_place_keeps_encoding_newlines_and_mode(engine, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_bytes(codecs.BOM_UTF16_LE + GO.replace("\n", "\r\n").encode("utf-16-le"))
    path.chmod(0o640)
    result = goslim("rewrite", "-i", "Dockerfile", cwd=tmp_path, engine=engine)
    assert result.returncode == 0, result.stderr
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF16_LE) and not data.startswith(codecs.BOM_UTF32_LE)
    text = data[2:].decode("utf-16-le")
    assert "FROM scratch" in text
    assert text.count("\n") == text.count("\r\n") > 5
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_in_place_does_not_touch_unchanged_files(engine, tmp_path):
    make(tmp_path, {"go/Dockerfile": GO, "node/Dockerfile": NODE, "slim/Dockerfile": SLIM})
    old = 1_600_000_000_123_456_789
    for name in ("go", "node", "slim"):
        os.utime(tmp_path / name / "Dockerfile", ns=(old, old))
    result = goslim("rewrite", "-i", ".", cwd=tmp_path, engine=engine)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "node/Dockerfile").stat().st_mtime_ns == old
    assert (tmp_path / "slim/Dockerfile").stat().st_mtime_ns == old
    assert (tmp_path / "go/Dockerfile").stat().st_mtime_ns != old
    assert sorted(p.name for p in (tmp_path / "go").iterdir()) == ["Dockerfile"]


# ------------------------------------------------------------------------ batches


def fifty_services(root: Path) -> Path:
    files = {}
    for i in range(50):
        if i == 17:
            files[f"services/svc-{i:02}/Dockerfile"] = BROKEN
        elif i % 5 in (1, 3):
            files[f"services/svc-{i:02}/Dockerfile"] = NODE
        else:
            files[f"services/svc-{i:02}/Dockerfile"] = GO
    return make(root, files)


def test_fifty_services(engine, tmp_path):
    fifty_services(tmp_path)
    go = [f"services/svc-{i:02}/Dockerfile" for i in range(50) if i != 17 and i % 5 not in (1, 3)]
    report = goslim("rewrite", "services", "--format", "json", "--jobs", "2", cwd=tmp_path, engine=engine)
    assert report.returncode == 2, report.stderr
    data = json.loads(report.stdout)
    jsonschema.validate(data, json.loads((DATA / "report.schema.json").read_text()))
    assert [f["path"] for f in data["files"]] == [f"services/svc-{i:02}/Dockerfile" for i in range(50)]
    summary = data["summary"]
    assert (summary["files"], summary["rewritten"], summary["skipped"], summary["errors"]) == (50, len(go), 20, 1)
    assert data["files"][17]["error"] == {"message": "invalid UTF-8 (byte 0xff)", "line": 2, "column": 5}

    written = goslim("rewrite", "-i", "services", "--jobs", "2", cwd=tmp_path, engine=engine)
    assert written.returncode == 2, written.stderr
    for name in go:
        assert "FROM scratch" in (tmp_path / name).read_text(), name
    lines = err_lines(written)
    assert "services/svc-17/Dockerfile:2:5: error: invalid UTF-8 (byte 0xff)" in lines
    assert summary_table(lines) == [
        "files found 50",
        f"rewritten {len(go)}",
        "already slim 0",
        "refused 0",
        "skipped (not Go) 20",
        "errors 1",
    ]
    assert "Traceback" not in written.stderr.decode()


def test_parallel_and_serial_runs_agree(fake, tmp_path):
    fifty_services(tmp_path)
    serial = goslim("rewrite", "services", "--format", "json", "-j", "1", cwd=tmp_path)
    parallel = goslim("rewrite", "services", "--format", "json", "-j", "2", cwd=tmp_path)
    assert serial.stdout == parallel.stdout and serial.returncode == parallel.returncode == 2


def test_a_worker_crash_does_not_lose_files(fake, tmp_path, monkeypatch):
    fifty_services(tmp_path)
    monkeypatch.chdir(tmp_path)
    calls = []
    real = rewriter.rewrite

    def dies_in_a_worker(source, config=None, **where):
        if os.getpid() != parent and not calls:
            calls.append(1)
            os._exit(9)
        return real(source, config, **where)

    parent = os.getpid()
    monkeypatch.setattr(rewriter, "rewrite", dies_in_a_worker)
    result = invoke("rewrite", "services", "--format", "json", "-j", "2")
    data = json.loads(result.stdout)
    assert data["summary"]["files"] == 50 and data["summary"]["errors"] == 1


def test_summary_groups_refusals_by_rule(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(
        make(
            tmp_path,
            {
                "a/Dockerfile": REFUSED,
                "b/Dockerfile": REFUSED,
                "c/Dockerfile": GO,
                "d/Dockerfile": SLIM,
                "e/Dockerfile": NODE,
            },
        )
    )
    result = invoke("rewrite", "--no-diff", ".")
    assert result.exit_code == 0
    lines = err_lines(result)
    assert "a/Dockerfile:5:1: GS931 error: HEALTHCHECK runs curl, which the runtime image does not have" in lines
    assert summary_table(lines) == [
        "files found 5",
        "would rewrite 1",
        "already slim 1",
        "refused 2 GS931 ×2",
        "skipped (not Go) 1",
        "errors 0",
    ]
    assert lines[-3:] == [
        "rules applied:",
        "  GS901 ×1 split-builder-runtime  Build in a golang stage and run the binary from a minimal runtime stage.",
        "  GS902 ×1 non-root-user          Run as an unprivileged user instead of root.",
    ]
    assert "would rewrite c/Dockerfile (GS901, GS902)" in lines


def test_verbose_and_quiet(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"a/Dockerfile": GO, "b/Dockerfile": NODE, "c/Dockerfile": BROKEN}))
    verbose = err_lines(invoke("rewrite", "--no-diff", "-v", "."))
    assert "b/Dockerfile: skipped (not a Go build)" in verbose
    assert "b/Dockerfile:1:1: GS900 info: not a Go build" in verbose
    normal = err_lines(invoke("rewrite", "--no-diff", "."))
    assert not any(line.startswith("b/Dockerfile") for line in normal)
    quiet = invoke("rewrite", "-q", ".")
    assert err_lines(quiet) == ["c/Dockerfile:2:5: error: invalid UTF-8 (byte 0xff)"]
    assert quiet.stdout.startswith("--- a/a/Dockerfile")


def test_gitignore_is_honoured(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(
        make(
            tmp_path,
            {".gitignore": "legacy/\n", "legacy/Dockerfile": GO, "svc/Dockerfile": GO, "svc/vendor/x/Dockerfile": GO},
        )
    )
    result = invoke("rewrite", "--format", "json", ".")
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["svc/Dockerfile"]


# ------------------------------------------------------------------------ json / sarif


def mixed_tree(root: Path) -> Path:
    return make(
        root,
        {
            "api/Dockerfile": APT,
            "web/Dockerfile": NODE,
            "worker/Dockerfile": REFUSED,
            "slim/Dockerfile": SLIM,
            "bad/Dockerfile": BROKEN,
            "odd/Dockerfile": "FROM golang\nFROM\n",
        },
    )


def test_json_report(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(mixed_tree(tmp_path))
    result = invoke("rewrite", "--format", "json", ".")
    assert result.exit_code == 2
    assert result.stderr == ""
    data = json.loads(result.stdout)
    jsonschema.validate(data, json.loads((DATA / "report.schema.json").read_text()))
    by_path = {f["path"]: f for f in data["files"]}
    assert by_path["api/Dockerfile"]["applied"] == ["GS901", "GS902"]
    assert by_path["api/Dockerfile"]["diagnostics"] == [
        {
            "code": "GS921",
            "severity": "warning",
            "message": "apt packages are not in the runtime image",
            "line": 4,
            "column": 1,
        }
    ]
    assert by_path["odd/Dockerfile"]["error"] == {"message": "FROM requires an image", "line": 2, "column": 1}
    assert data["summary"] == {
        "files": 6,
        "rewritten": 1,
        "unchanged": 1,
        "refused": 1,
        "skipped": 1,
        "errors": 2,
        "written": 0,
        "refused_by_rule": {"GS931": 1},
    }


def sarif_validator():
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_report_is_valid_sarif_2_1_0(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(mixed_tree(tmp_path))
    result = invoke("rewrite", "--format", "sarif", ".")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    errors = sorted(sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0]
    run = log["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["GS931"]["name"] == "healthcheck-needs-shell"
    assert rules["GS931"]["fullDescription"]["text"].startswith("Scratch has no shell")
    refusal = next(r for r in run["results"] if r["ruleId"] == "GS931")
    assert refusal["level"] == "error"
    assert run["tool"]["driver"]["rules"][refusal["ruleIndex"]]["id"] == "GS931"
    location = refusal["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "worker/Dockerfile", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 5, "startColumn": 1},
    }
    assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert sorted(n["message"]["text"] for n in invocation["toolExecutionNotifications"]) == [
        "FROM requires an image",
        "invalid UTF-8 (byte 0xff)",
    ]


def test_machine_formats_with_the_engine(engine, tmp_path):
    make(tmp_path, {"go/Dockerfile": GO, "node/Dockerfile": NODE})
    report = goslim("rewrite", "--format", "json", ".", cwd=tmp_path, engine=engine)
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    jsonschema.validate(data, json.loads((DATA / "report.schema.json").read_text()))
    assert [f["status"] for f in data["files"]] == ["rewritten", "skipped"]
    sarif = goslim("rewrite", "--format", "sarif", ".", cwd=tmp_path, engine=engine)
    assert sarif.returncode == 0, sarif.stderr
    errors = list(sarif_validator().iter_errors(json.loads(sarif.stdout)))
    assert not errors, errors[0]


# ------------------------------------------------------------------------ patch


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_patch_applies_with_git(engine, tmp_path):
    odd = GO.replace("WORKDIR", "# form\x0cfeed and line\u2028separator stay inside a line\nWORKDIR")
    repo = make(
        tmp_path / "repo",
        {
            "a/Dockerfile": odd,
            "b/Dockerfile": GO.replace("\n", "\r\n"),
            "c/Dockerfile.prod": GO.rstrip("\n"),
            "d/Dockerfile": NODE,
        },
    )
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "core.autocrlf=false"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "fat"], cwd=repo, check=True)

    result = goslim("rewrite", ".", "--patch", tmp_path / "slim.patch", "--no-diff", cwd=repo, engine=engine)
    assert result.returncode == 0, result.stderr
    assert f"wrote 3 change(s) to {tmp_path / 'slim.patch'}" in result.stderr.decode()
    check = subprocess.run(
        [*git, "apply", "--check", str(tmp_path / "slim.patch")], cwd=repo, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    subprocess.run([*git, "apply", str(tmp_path / "slim.patch")], cwd=repo, check=True)
    assert goslim("rewrite", "--check", ".", cwd=repo, engine=engine).returncode == 0
    assert (repo / "d/Dockerfile").read_text() == NODE


# ------------------------------------------------------------------------ failures


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_read_only_directory_with_in_place(fake, tmp_path):
    make(tmp_path, {"locked/Dockerfile": GO, "open/Dockerfile": GO})
    if os.geteuid() != 0:
        (tmp_path / "locked").chmod(0o555)
    elif not _chattr("+i", tmp_path / "locked"):
        pytest.skip("running as root and chattr +i is unavailable: nothing can make a folder read-only for root here")
    try:
        result = goslim("rewrite", "-i", ".", cwd=tmp_path)
    finally:
        if os.geteuid() == 0:
            _chattr("-i", tmp_path / "locked")
        else:
            (tmp_path / "locked").chmod(0o755)
    assert result.returncode == 2
    assert "locked/Dockerfile: error: cannot write: permission denied" in result.stderr.decode()
    assert (tmp_path / "locked/Dockerfile").read_text() == GO
    assert sorted(p.name for p in (tmp_path / "locked").iterdir()) == ["Dockerfile"]
    assert "FROM scratch" in (tmp_path / "open/Dockerfile").read_text()


def test_file_changed_on_disk_during_the_rewrite(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"Dockerfile": GO}))
    real = rewriter.rewrite

    def slow_rewrite(source, config=None, **where):
        (tmp_path / "Dockerfile").write_text(GO + "# saved in an editor meanwhile\n")
        return real(source, config, **where)

    monkeypatch.setattr(rewriter, "rewrite", slow_rewrite)
    result = invoke("rewrite", "-i", "Dockerfile")
    assert result.exit_code == 2
    assert err_lines(result) == ["Dockerfile: error: changed on disk since it was read; not written"]
    assert (tmp_path / "Dockerfile").read_text() == GO + "# saved in an editor meanwhile\n"


@pytest.mark.parametrize(
    "name, setup, message",
    [
        (
            "binary",
            lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(64)),
            "Dockerfile:1:8: error: binary file (NUL byte)",
        ),
        ("nul", lambda p: p.write_bytes(b"FROM golang\nRUN x\x00\n"), "Dockerfile:2:6: error: binary file (NUL byte)"),
        (
            "invalid-utf8",
            lambda p: p.write_bytes(b"FROM golang\nRUN caf\xe9\n"),
            "Dockerfile:2:8: error: invalid UTF-8 (byte 0xe9)",
        ),
        (
            "utf16-no-bom",
            lambda p: p.write_bytes(GO.encode("utf-16-le")),
            "Dockerfile: error: looks like UTF-16 LE without a byte order mark; save it as UTF-8 (or add a BOM)",
        ),
        ("empty", lambda p: p.write_bytes(b""), "Dockerfile: error: file is empty"),
        ("directory", lambda p: p.mkdir(), "Dockerfile: error: is a directory, not a Dockerfile"),
        (
            "dangling-symlink",
            lambda p: p.symlink_to("gone/Dockerfile"),
            "Dockerfile: error: broken symlink (points to gone/Dockerfile, which does not exist)",
        ),
        ("missing", lambda p: None, "Dockerfile: error: no such file"),
    ],
)
def test_bad_inputs_give_one_line_and_exit_2(tmp_path, name, setup, message):
    setup(tmp_path / "Dockerfile")
    result = goslim("rewrite", "Dockerfile", cwd=tmp_path, engine="real")
    assert result.returncode == 2
    assert err_lines(result) == [message]
    assert result.stdout == b""


def test_bad_file_does_not_stop_the_others(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"a/Dockerfile": GO, "b/Dockerfile": BROKEN, "c/Dockerfile": GO}))
    result = invoke("rewrite", "-i", "a/Dockerfile", "b/Dockerfile", "c/Dockerfile")
    assert result.exit_code == 2
    assert "FROM scratch" in (tmp_path / "a/Dockerfile").read_text()
    assert "FROM scratch" in (tmp_path / "c/Dockerfile").read_text()


@pytest.mark.parametrize(
    "files, args, expected",
    [
        (
            {".goslim.toml": "uid = 0\n"},
            [],
            "goslim: invalid config: {root}/.goslim.toml: uid: must be an integer from 1 to 2147483647; got 0",
        ),
        (
            {"svc/pyproject.toml": "[tool.goslim]\nruntim = 'alpine'\n"},
            [],
            "goslim: invalid config: {root}/svc/pyproject.toml: runtim: unknown key; did you mean 'runtime'?",
        ),
        (
            {"ci.toml": "healthcheck = 'keep'\n"},
            ["--config", "ci.toml"],
            "goslim: invalid config: ci.toml: healthcheck: must be one of refuse, drop; got 'keep'",
        ),
    ],
)
def test_invalid_config_names_the_file_and_key(tmp_path, files, args, expected):
    make(tmp_path, {"svc/Dockerfile": GO, **files})
    result = goslim("rewrite", *args, "svc", cwd=tmp_path, engine="real")
    assert result.returncode == 2
    assert err_lines(result) == [expected.format(root=tmp_path)]
    assert (tmp_path / "svc/Dockerfile").read_text() == GO


def test_config_and_runtime_reach_the_engine(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"svc/Dockerfile": GO, ".goslim.toml": "uid = 4242\n"}))
    seen = []
    real = rewriter.rewrite

    def spy(source, config=None, **where):
        seen.append((config, where))
        return real(source, config, **where)

    monkeypatch.setattr(rewriter, "rewrite", spy)
    result = invoke("rewrite", "--runtime", "alpine", "svc/Dockerfile")
    assert "+FROM alpine" in result.stdout and "+USER 4242:10001" in result.stdout
    assert seen[0][1] == {"context": None, "dockerfile": Path("svc/Dockerfile"), "cwd": None}
    invoke("rewrite", "--context", tmp_path, "svc/Dockerfile")
    assert seen[1][1]["context"] == tmp_path


def test_parse_error_from_the_engine(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"Dockerfile": "FROM golang\nFROM\n"}))
    result = invoke("rewrite", "Dockerfile")
    assert result.exit_code == 2
    assert err_lines(result) == ["Dockerfile:2:1: error: FROM requires an image"]


def test_an_engine_crash_is_one_line_per_file(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"a/Dockerfile": GO, "b/Dockerfile": NODE}))
    real = rewriter.rewrite

    def crashes_on_go(source, config=None, **where):
        if "golang" in source:
            raise KeyError("stage")
        return real(source, config, **where)

    monkeypatch.setattr(rewriter, "rewrite", crashes_on_go)
    result = invoke("rewrite", ".")
    assert result.exit_code == 2
    assert "a/Dockerfile: error: internal error while rewriting: KeyError: 'stage'" in err_lines(result)


def test_unexpected_failure_is_one_line_not_a_traceback(monkeypatch, tmp_path):
    def boom(paths):
        raise RuntimeError("boom")

    monkeypatch.setattr("rewriter.discovery.discover", boom)
    result = invoke("rewrite", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "goslim: internal error: RuntimeError: boom\n"


# ------------------------------------------------------------------------ crash safety


def test_sigkill_never_leaves_a_partial_file(tmp_path):
    """Kill an in-place run at random moments: every file is whole, old or new."""
    count = 120
    padding = "".join(f"# build note {i:05}: keep this line\n" for i in range(1500))  # ~55 KB
    old = padding + GO
    new = fake_engine.fake_rewrite(old).code
    names = [f"svc-{i:03}/Dockerfile" for i in range(count)]

    def reset():
        for name in names:
            path = tmp_path / "repo" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            for leftover in path.parent.glob(".*.goslim.tmp"):
                leftover.unlink()
            path.write_text(old)

    command = [sys.executable, "-c", BOOT, "rewrite", "-i", "-q", "-j", "2", "."]
    reset()
    started = time.monotonic()
    subprocess.run(command, cwd=tmp_path / "repo", check=True, capture_output=True)
    duration = time.monotonic() - started
    assert all((tmp_path / "repo" / name).read_text() == new for name in names)

    rng = random.Random(20240601)
    mixed = 0
    for _ in range(24):
        reset()
        process = subprocess.Popen(
            command, cwd=tmp_path / "repo", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(rng.uniform(0.0, duration))
        os.killpg(process.pid, signal.SIGKILL)  # the workers die with it
        process.wait()
        states = []
        for name in names:
            content = (tmp_path / "repo" / name).read_text()
            assert content in (old, new), f"{name} is partial ({len(content)} chars)"
            states.append(content == new)
        mixed += 0 < sum(states) < count
        leftovers = [p.name for p in (tmp_path / "repo").rglob("*") if p.is_file() and p.name != "Dockerfile"]
        assert all(name.startswith(".Dockerfile.") and name.endswith(".goslim.tmp") for name in leftovers), leftovers
    assert mixed, "no kill landed in the middle of a run; the test proved nothing"


# ------------------------------------------------------------------------ parse / rules


def test_parse_json(tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"Dockerfile": GO}))
    result = invoke("parse", "--json", "Dockerfile")
    assert result.exit_code == 0, result.output
    tree = json.loads(result.stdout)
    assert tree == rewriter.buildkit_json(rewriter.parse(GO))
    assert isinstance(tree, list) and tree[0]["cmd"].upper() == "FROM"


def test_parse_without_json_checks_the_round_trip(tmp_path, monkeypatch):
    monkeypatch.chdir(make(tmp_path, {"Dockerfile": GO}))
    result = invoke("parse", "Dockerfile")
    assert (result.exit_code, result.stdout) == (0, "Dockerfile: ok, parses and prints back unchanged\n")


def test_parse_error_is_file_line_column(tmp_path):
    make(tmp_path, {"Dockerfile": "FROM golang\nRUN <<EOF\necho hi\n"})
    result = goslim("parse", "--json", "Dockerfile", cwd=tmp_path, engine="real")
    assert result.returncode == 2
    lines = err_lines(result)
    assert len(lines) == 1 and re.fullmatch(r"Dockerfile:\d+:\d+: \S.*", lines[0]), lines


def test_parse_unreadable_file(tmp_path):
    make(tmp_path, {"Dockerfile": BROKEN})
    result = goslim("parse", "--json", "Dockerfile", cwd=tmp_path, engine="real")
    assert result.returncode == 2
    assert err_lines(result) == ["Dockerfile:2:5: invalid UTF-8 (byte 0xff)"]


def test_rules_table(fake):
    result = invoke("rules")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("GS931"))
    assert "healthcheck-needs-shell" in row and "refusal" in row


def test_rules_explains_one_rule(fake):
    result = invoke("rules", "gs901")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "GS901 split-builder-runtime (fix)",
        "Build in a golang stage and run the binary from a minimal runtime stage.",
    ]
    assert "The Go toolchain is ~850 MB" in result.stdout


def test_rules_unknown_code():
    result = invoke("rules", "GS999")
    assert result.exit_code == 2
    assert result.stderr == "goslim: unknown rule 'GS999'; `goslim rules` lists them\n"


def test_rules_as_a_process(tmp_path):
    result = goslim("rules", cwd=tmp_path, engine="real")
    assert result.returncode == 0 and b"code" in result.stdout


# ------------------------------------------------------------------------ pre-commit


def test_pre_commit_hook_runs_check_on_dockerfiles():
    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert "- id: goslim\n" in text
    assert "entry: goslim rewrite --check" in text
    pattern = re.search(r"files: '(.+)'", text).group(1)
    for name in ("Dockerfile", "svc/Dockerfile.prod", "api.Dockerfile", "x/Containerfile"):
        assert re.search(pattern, name), name
    for name in ("Dockerfile.dockerignore", "docs/dockerfile.md", "README"):
        assert not re.search(pattern, name), name
