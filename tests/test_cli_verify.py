"""`goslim verify` and `goslim rewrite --verify` against a fake container engine (fake_engine.py).

The real rewrite runs; only building and running images is faked.
"""

from __future__ import annotations

import functools
import json
import re
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_engine import FakeEngine, FakeImage, static_elf

import rewriter
import rewriter.verify
from rewriter.cli import cli
from rewriter.verify import EngineError

GO_MAIN = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
CGO_MAIN = 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() { C.free(nil) }\n'
FAT = 'FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\nEXPOSE 8080\nCMD ["./main"]\n'
SLIM = (
    "FROM golang:1.23 AS builder\nWORKDIR /app\nCOPY . .\nRUN CGO_ENABLED=0 go build -o main .\n\n"
    'FROM scratch\nCOPY --from=builder /app/main /main\nUSER 10001:10001\nENTRYPOINT ["/main"]\n'
)
GOSLIM_SLIM = rewriter.rewrite(FAT).code  # what goslim makes of FAT: already slim to goslim
NODE = 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR", "GOSLIM_DOCKER", "GOSLIM_GO_BUILD_CACHE"):
        monkeypatch.delenv(name, raising=False)
    from rewriter import config

    config.clear_cache()


@pytest.fixture(autouse=True)
def quick_settle(monkeypatch):
    """The fake containers answer at once, so the second verify waits for a late crash can be short."""
    monkeypatch.setattr(rewriter.verify, "verify", functools.partial(rewriter.verify.verify, settle=0.05))


@pytest.fixture
def use_engine(monkeypatch):
    """Install a FakeEngine as what detect_engine finds; remembers the --engine asked for."""
    asked: list[str] = []

    def install(engine):
        def detect(preference="auto"):
            asked.append(preference)
            return engine

        monkeypatch.setattr(rewriter.verify, "detect_engine", detect)
        engine.asked = asked
        return engine

    return install


@pytest.fixture
def no_engine_wanted(monkeypatch):
    def detect(preference="auto"):
        raise AssertionError("the engine was asked for although there is nothing to verify")

    monkeypatch.setattr(rewriter.verify, "detect_engine", detect)


def service(root: Path, name: str = "svc", dockerfile: str = FAT, main: str = GO_MAIN) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.23\n")
    (folder / "main.go").write_text(main)
    (folder / "Dockerfile").write_text(dockerfile)
    return folder / "Dockerfile"


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def rows(output: str) -> dict[str, list[str]]:
    """The comparison table as {label: cells}, split at runs of two or more spaces."""
    table = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 3:
            table[cells[0]] = cells[1:]
    return table


# ---------------------------------------------------------------------------- goslim verify


def test_verified_prints_the_table_and_exits_0(tmp_path, use_engine):
    engine = use_engine(FakeEngine())
    result = invoke("verify", service(tmp_path), "--probe", "/")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert table["image size"] == ["750.0 MB", "5.0 MB", "150× smaller"]
    assert table["layers"] == ["3", "3"]
    assert table["user"] == ["(not set: root)", "10001:10001"]
    assert table["non-root"] == ["no", "yes"]
    assert table["entrypoint"] == ["./main", "/main"]
    assert table["static binary"] == ["-", "yes"]
    assert table["stayed up"] == ["yes", "yes"]
    assert table["GET /"] == ["200 ok", "200 ok", "same"]
    assert table["listening"] == ["8080/tcp", "8080/tcp", "same"]
    assert table["GET / on 8080/tcp"] == ["200 ok", "200 ok", "same"]
    assert table["log errors"] == ["none", "none", "none new"]
    assert table["OS packages"] == ["0", "0"]
    assert "time zone" not in table  # the original sets none
    assert result.stdout.splitlines()[-1] == (
        "verified: 750.0 MB → 5.0 MB (150× smaller), stays up, "
        "same ports (8080/tcp), same answer, runs as 10001:10001, "
        "static binary"
    )
    assert "\x1b[" not in result.stdout
    assert "goslim: building the original image" in result.stderr
    assert engine.asked == ["auto"]
    engine.assert_clean()


def test_the_rewrite_reaches_the_engine_and_the_original_is_the_file(tmp_path, use_engine):
    engine = use_engine(FakeEngine())
    path = service(tmp_path)
    assert invoke("verify", path).exit_code == 0
    (original, original_context), (rewritten, rewritten_context) = engine.builds
    assert original == FAT
    assert rewritten == rewriter.rewrite(FAT, context=path.parent).code
    assert original_context == rewritten_context == path.parent


def test_colour_only_when_asked_and_never_with_no_color(tmp_path, use_engine):
    use_engine(FakeEngine())
    path = service(tmp_path)
    coloured = invoke("verify", path, env={"FORCE_COLOR": "1"})
    assert coloured.exit_code == 0 and "\x1b[" in coloured.stdout
    assert rows(ANSI.sub("", coloured.stdout))["non-root"] == ["no", "yes"]
    plain = invoke("verify", path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.exit_code == 0 and "\x1b[" not in plain.stdout


def test_several_probes_and_the_one_that_differs(tmp_path, use_engine):
    answers = {"/": (200, b"ok\n"), "/version": (200, b"dev\n")}
    original = FakeImage(user="", size=750_000_000, answers={"/": (200, b"ok\n"), "/version": (200, b"1.2.3\n")})
    engine = use_engine(FakeEngine(FakeImage(answers=answers), original))
    result = invoke("verify", service(tmp_path), "--probe", "/", "--probe", "/version")
    assert result.exit_code == 1
    table = rows(result.stdout)
    assert table["GET /"] == ["200 ok", "200 ok", "same"]
    assert table["GET /version"] == ["200 1.2.3", "200 dev", "differs"]
    assert result.stdout.splitlines()[-1] == (
        "not verified: probe differed: GET /version: original 200 '1.2.3\\n', rewritten 200 'dev\\n'"
    )
    engine.assert_clean()


def test_exited_immediately_shows_the_log_tail(tmp_path, use_engine):
    log = "".join(f"line {n}\n" for n in range(30)) + "exec /main: no such file or directory\n"
    engine = use_engine(FakeEngine(FakeImage(exits=True, log=log)))
    result = invoke("verify", service(tmp_path))
    assert result.exit_code == 1
    assert (
        "not verified: exited (status 1) while the original kept running: line 28 | line 29 | exec /main: no such file"
    ) in result.stdout
    assert rows(result.stdout)["stayed up"] == ["yes", "no"]
    tail = result.stderr.split("rewritten image, output (last 15 lines):\n", 1)[1].splitlines()
    assert tail[0] == "  line 16" and tail[-1] == "  exec /main: no such file or directory"
    engine.assert_clean()


def test_build_failure_is_the_reason_with_the_build_log(tmp_path, use_engine):
    engine = use_engine(FakeEngine(FakeImage(build_error="STEP 4/4: RUN go build\nmain.go:3:1: syntax error\n")))
    result = invoke("verify", service(tmp_path))
    assert result.exit_code == 1
    assert "not verified: build failed: rewritten: STEP 4/4: RUN go build | main.go:3:1: syntax error" in result.stdout
    assert rows(result.stdout)["image size"] == ["750.0 MB", "-"]
    assert "rewritten image, build log (last 2 lines):\n  STEP 4/4: RUN go build\n" in result.stderr
    engine.assert_clean()


def test_root_user_and_dynamic_binary_are_not_verified(tmp_path, use_engine):
    dynamic = static_elf()[:16] + b"\x00" * 48  # an ELF header with no program headers
    use_engine(FakeEngine(FakeImage(user="", files={"/main": dynamic})))
    result = invoke("verify", service(tmp_path))
    assert result.exit_code == 1
    assert rows(result.stdout)["static binary"] == ["-", "no"]
    assert "runs as root (USER not set)" in result.stdout


def test_json_report(tmp_path, use_engine):
    use_engine(FakeEngine())
    path = service(tmp_path)
    result = invoke("verify", path, "--probe", "/", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["verified"] is True and document["reason"] == ""
    assert document["path"] == str(path) and document["original"] is None
    assert document["engine"] == "fake" and document["context"] == str(path.parent)
    assert document["rewrite"]["status"] == "rewritten"
    assert "GS101" in document["rewrite"]["applied"]
    report = document["report"]
    assert report["size_ratio"] == 150.0 and report["probes"] == ["/"]
    assert report["rewritten"]["answers"] == {"/": {"status": 200, "body": "ok\n"}}
    assert report["original"]["size_bytes"] == 750_000_000


def test_original_file_is_compared_as_is(tmp_path, use_engine, monkeypatch):
    engine = use_engine(FakeEngine())
    monkeypatch.setattr(rewriter, "rewrite", lambda *a, **k: pytest.fail("--original must not rewrite"))
    path = service(tmp_path, dockerfile=SLIM)
    fat = tmp_path / "Dockerfile.fat"
    fat.write_text(FAT)
    result = invoke("verify", path, "--original", fat, "--format", "json")
    assert result.exit_code == 0, result.output
    assert [text for text, _ in engine.builds] == [FAT, SLIM]
    document = json.loads(result.stdout)
    assert document["original"] == str(fat) and document["rewrite"] is None


def test_options_reach_the_engine(tmp_path, use_engine):
    engine = use_engine(FakeEngine())
    context = tmp_path / "elsewhere"
    context.mkdir()
    result = invoke(
        "verify",
        service(tmp_path),
        "--context",
        context,
        "--engine",
        "buildah",
        "--port",
        "9000",
        "--probe",
        "/",
        "--keep",
    )
    assert result.exit_code == 0, result.output
    assert engine.asked == ["buildah"]
    assert {ctx for _, ctx in engine.builds} == {context}
    assert {run["port"] for run in engine.runs} == {9000}
    assert {(repr(run["env"]), repr(run["command"])) for run in engine.runs} == {("None", "None")}
    assert re.search(
        r"^kept images: localhost/goslim-verify/original-\S+ localhost/goslim-verify/rewritten-\S+$",
        result.stderr,
        re.M,
    )
    engine.assert_clean(keep=True)


def test_env_and_args_reach_both_containers(tmp_path, use_engine):
    engine = use_engine(FakeEngine())
    result = invoke("verify", service(tmp_path), "-e", "MODE=test", "--env", "EMPTY=", "--arg", "-v", "--arg", "serve")
    assert result.exit_code == 0, result.output
    assert [(run["env"], run["command"]) for run in engine.runs] == [
        ({"MODE": "test", "EMPTY": ""}, ["-v", "serve"])
    ] * 2
    bad = invoke("verify", service(tmp_path, "other"), "--env", "NOEQUALS")
    assert bad.exit_code == 2 and "'NOEQUALS' is not KEY=VALUE" in bad.output


def test_behaviour_differences_are_named_in_text_and_json(tmp_path, use_engine):
    moved = FakeImage(
        ports=("9090/tcp",), answers=None, log="listening on :9090\nstate: open /app/data/started: permission denied\n"
    )
    use_engine(FakeEngine(moved))
    path = service(tmp_path)
    result = invoke("verify", path)
    assert result.exit_code == 1
    table = rows(result.stdout)
    assert table["listening"] == ["8080/tcp", "9090/tcp", "differs"]
    assert table["log errors"] == ["none", "state: open /app/data/started:…", "new"]
    assert table["GET / on 8080/tcp"][0].startswith("200 ok")
    lines = result.stdout.splitlines()
    assert lines[-2:] == [
        "not verified: new error in the log: 'state: open /app/data/started: permission denied'",
        "  and: listening ports differ: original 8080/tcp, rewritten 9090/tcp",
    ]
    document = json.loads(invoke("verify", path, "--format", "json").stdout)
    differences = document["report"]["differences"]
    assert [d["kind"] for d in differences] == ["log", "ports"]
    assert document["reason"] == "; ".join(d["message"] for d in differences)
    assert document["report"]["rewritten"]["ports"] == ["9090/tcp"]
    assert document["report"]["rewritten"]["errors"] == ["state: open /app/data/started: permission denied"]


def test_ctrl_c_removes_everything_and_exits_130(tmp_path, use_engine):
    engine = use_engine(FakeEngine(interrupt_on="rewritten"))
    result = invoke("verify", service(tmp_path))
    assert result.exit_code == 130
    assert "goslim: interrupted" in result.stderr
    assert len(engine.runs) == 1
    engine.assert_clean()


def test_refused_file_has_nothing_to_verify(tmp_path, no_engine_wanted):
    path = service(tmp_path, main=CGO_MAIN)
    result = invoke("verify", path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}: nothing to verify: goslim refuses to rewrite it"
    assert any(" GS201 error: " in line for line in lines[1:])
    assert result.stdout == ""
    document = json.loads(invoke("verify", path, "--format", "json").stdout)
    assert document["verified"] is False and document["report"] is None
    assert document["rewrite"]["status"] == "refused"


@pytest.mark.parametrize(
    ("dockerfile", "says"),
    [
        (
            GOSLIM_SLIM,
            "goslim leaves it unchanged (already slim); compare it with the fat original with --original FILE",
        ),
        (NODE, "it is not a Go build goslim rewrites"),
    ],
)
def test_unchanged_or_skipped_has_nothing_to_verify(tmp_path, no_engine_wanted, dockerfile, says):
    path = service(tmp_path, dockerfile=dockerfile)
    result = invoke("verify", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{path}: nothing to verify: {says}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify"], "Missing argument 'PATH'"),
        (["verify", "Dockerfile", "--probe", "health"], "'health' is not a path: it must start with '/'"),
        (["verify", "Dockerfile", "--engine", "lxc"], "'lxc' is not one of"),
        (["verify", "Dockerfile", "--format", "sarif"], "'sarif' is not one of"),
        (["verify", "Dockerfile", "--timeout", "0"], "0.0 is not in the range x>=1"),
        (["verify", "Dockerfile", "--port", "70000"], "70000 is not in the range 1<=x<=65535"),
    ],
)
def test_usage_errors_exit_2(args, message, no_engine_wanted):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_unreadable_and_unparsable_files_exit_2(tmp_path, no_engine_wanted):
    result = invoke("verify", tmp_path / "missing")
    assert result.exit_code == 2 and "missing" in result.stderr
    path = service(tmp_path, dockerfile="# escape=x\n" + FAT)
    result = invoke("verify", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:1:1: invalid escape token")


def test_no_engine_prints_why_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = invoke("verify", service(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("goslim: no container engine to verify with: docker: not on PATH; ")
    assert "podman: podman and buildah not on PATH" in result.stderr


def test_buildah_means_podman_to_detect_engine(tmp_path, monkeypatch):
    for tool in ("podman", "buildah", "runc"):
        path = tmp_path / tool
        path.write_text("#!/bin/sh\necho runc\n")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GOSLIM_RUNTIME", raising=False)
    engine = rewriter.verify.detect_engine("buildah")
    assert isinstance(engine, rewriter.verify.PodmanEngine) and engine.runtime == "runc"


def test_an_engine_failure_is_not_verified_with_the_reason(tmp_path, use_engine):
    class Broken(FakeEngine):
        def inspect(self, tag):
            raise EngineError("image not known")

    use_engine(Broken())
    result = invoke("verify", service(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.strip() == "not verified: engine error: image not known"


# ---------------------------------------------------------------------------- goslim rewrite --verify


def batch(root: Path) -> dict[str, Path]:
    return {
        "good": service(root, "good"),
        "crashes": service(root, "crashes"),
        "cgo": service(root, "cgo", main=CGO_MAIN),
        "slim": service(root, "slim", dockerfile=GOSLIM_SLIM),
    }


def crashing_batch_engine() -> FakeEngine:
    return FakeEngine(per_context={"crashes": FakeImage(exits=True, log="panic: open config.yaml\n")})


def test_in_place_writes_only_what_verified(tmp_path, use_engine):
    files = batch(tmp_path)
    before = {name: path.read_text() for name, path in files.items()}
    engine = use_engine(crashing_batch_engine())
    result = invoke("rewrite", "--in-place", "--verify", tmp_path)
    assert result.exit_code == 1, result.output
    assert files["good"].read_text() == rewriter.rewrite(FAT, context=files["good"].parent).code
    for name in ("crashes", "cgo", "slim"):
        assert files[name].read_text() == before[name]
    summary = [re.sub(r"\s+", " ", line).strip() for line in result.stderr.splitlines()]
    assert "rewritten 1" in summary and "verified 1" in summary
    assert "not verified 1 not written" in summary
    listed = result.stderr.split("not verified (left as they were):\n", 1)[1].splitlines()
    assert listed[0] == (
        f"  {files['crashes']}: exited (status 1) while the original kept running: panic: open config.yaml"
    )
    assert len(listed) == 1 or not listed[1].startswith("  /")
    assert len(engine.builds) == 4  # two files changed, each built twice
    applied = result.stderr.split("rules applied:\n", 1)[1].splitlines()
    assert applied[0].startswith("  GS101 ×1 ")  # the file kept back is not counted
    engine.assert_clean()


def test_json_holds_the_verify_report_per_file(tmp_path, use_engine):
    files = batch(tmp_path)
    use_engine(crashing_batch_engine())
    result = invoke("rewrite", "--in-place", "--verify", "--format", "json", tmp_path)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    by_path = {Path(entry["path"]).parent.name: entry for entry in document["files"]}
    good, crashes = by_path["good"], by_path["crashes"]
    assert good["written"] is True and good["verify"]["ok"] is True
    assert good["verify"]["report"]["size_ratio"] == 150.0
    assert crashes["written"] is False and crashes["status"] == "rewritten"
    assert crashes["verify"]["ok"] is False
    assert crashes["verify"]["reason"] == "exited (status 1) while the original kept running: panic: open config.yaml"
    assert crashes["verify"]["report"]["rewritten"]["stayed_up"] is False
    assert by_path["cgo"]["verify"] is None and by_path["slim"]["verify"] is None
    summary = document["summary"]
    assert (summary["written"], summary["verified"], summary["not_verified"]) == (1, 1, 1)
    assert files["crashes"].read_text() == FAT


def test_verify_without_in_place_writes_nothing(tmp_path, use_engine):
    files = batch(tmp_path)
    use_engine(crashing_batch_engine())
    result = invoke("rewrite", "--verify", tmp_path)
    assert result.exit_code == 1
    assert all(path.read_text() in (FAT, GOSLIM_SLIM) for path in files.values())
    assert "+FROM scratch" in result.stdout  # the diffs are still shown
    assert f"\nnot verified:\n  {files['crashes']}: exited (status 1) while the original kept running" in result.stderr


def test_a_single_file_says_verified_with_sizes(tmp_path, use_engine):
    use_engine(FakeEngine())
    path = service(tmp_path)
    result = invoke("rewrite", "-i", "--verify", path)
    assert result.exit_code == 0
    assert "  verified: 750.0 MB → 5.0 MB (150× smaller)" in result.stderr.splitlines()
    assert path.read_text() != FAT


def test_many_files_in_parallel_are_all_verified_and_written(tmp_path, use_engine):
    paths = [service(tmp_path, f"svc{n:02}") for n in range(9)]
    engine = use_engine(FakeEngine())
    result = invoke("rewrite", "-i", "--verify", "--jobs", "2", tmp_path)
    assert result.exit_code == 0, result.output
    assert all(path.read_text() != FAT for path in paths)
    assert len(engine.builds) == 18
    engine.assert_clean()


def test_a_file_changed_while_it_was_verified_is_not_overwritten(tmp_path, use_engine):
    path = service(tmp_path)

    class Editing(FakeEngine):
        def build(self, text, context, tag, **kwargs):
            path.write_text(FAT + "# edited meanwhile\n")
            return super().build(text, context, tag, **kwargs)

    use_engine(Editing())
    result = invoke("rewrite", "-i", "--verify", path)
    assert result.exit_code == 2
    assert path.read_text() == FAT + "# edited meanwhile\n"


def test_rewrite_verify_usage_and_no_engine(tmp_path, monkeypatch):
    result = invoke("rewrite", "--verify", "-")
    assert result.exit_code == 2 and "--verify needs files" in result.output
    result = invoke("rewrite", "--engine", "podman", tmp_path)
    assert result.exit_code == 2 and "--engine is for --verify" in result.output
    path = service(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = invoke("rewrite", "-i", "--verify", path)
    assert result.exit_code == 2
    assert "no container engine to verify with: docker: not on PATH" in result.stderr
    assert path.read_text() == FAT


def test_verify_builds_with_the_context_goslim_found(use_engine, tmp_path):
    """deploy/api.Dockerfile built from the root by a compose file: both images get the root."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "go.mod").write_text("module example.com/mono\n\ngo 1.23\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "main.go").write_text(GO_MAIN)
    (tmp_path / "deploy").mkdir()
    dockerfile = tmp_path / "deploy" / "api.Dockerfile"
    dockerfile.write_text(
        FAT.replace("COPY . .", "COPY go.mod ./\nCOPY svc ./svc").replace(
            "go build -o main .", "go build -o main ./svc"
        )
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: deploy/api.Dockerfile\n"
    )
    engine = use_engine(FakeEngine())
    result = invoke("verify", dockerfile, "--format", "json")
    document = json.loads(result.stdout)
    assert document["context"] == str(tmp_path)
    assert document["rewrite"]["context_source"] == "compose file: compose.yaml (service api)"
    assert {ctx for _, ctx in engine.builds} == {tmp_path}


def test_jobs_bounds_the_builds_under_way(tmp_path, use_engine):
    paths = [service(tmp_path, f"svc{n}") for n in range(5)]

    class Slow(FakeEngine):
        def __init__(self):
            super().__init__()
            self.lock, self.now, self.most = threading.Lock(), 0, 0

        def build(self, *args, **kwargs):
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            time.sleep(0.15)
            with self.lock:
                self.now -= 1
            return super().build(*args, **kwargs)

    engine = use_engine(Slow())
    result = invoke("rewrite", "-i", "--verify", "--jobs", "2", "--engine", "podman", tmp_path)
    assert result.exit_code == 0, result.output
    assert engine.asked == ["podman"]
    assert engine.most == 2 and len(engine.builds) == 10
    assert all(path.read_text() != FAT for path in paths)
    engine.assert_clean()
    one = use_engine(Slow())
    for path in paths:
        path.write_text(FAT)
    assert invoke("rewrite", "-i", "--verify", "--jobs", "1", tmp_path).exit_code == 0
    assert one.most == 1


def test_the_batch_ends_with_a_table_of_every_verification(tmp_path, use_engine):
    files = batch(tmp_path)
    original = FakeImage(
        user="",
        entrypoint=(),
        cmd=("./main",),
        workdir="/app",
        size=750_000_000,
        files={"/var/lib/dpkg/status": b"Package: a\n\nPackage: b\n\nPackage: c\n"},
    )
    engine = FakeEngine(original=original, per_context={"crashes": FakeImage(exits=True, log="panic: boom\n")})
    use_engine(engine)
    result = invoke("rewrite", "-i", "--verify", tmp_path)
    assert result.exit_code == 1
    header = next(line for line in result.stderr.splitlines() if line.startswith("service"))
    assert re.split(r"\s{2,}", header) == [
        "service",
        "verdict",
        "first difference",
        "before",
        "after",
        "ratio",
        "OS packages removed",
    ]
    table = {
        cells[0]: cells[1:]
        for cells in (re.split(r"\s{2,}", line.strip()) for line in result.stderr.splitlines())
        if len(cells) >= 6
    }
    good, crashes = table[str(files["good"].parent)], table[str(files["crashes"].parent)]
    assert good == ["verified, written", "750.0 MB", "5.0 MB", "150×", "3"]
    assert crashes == [
        "not verified",
        "exit: exited (status 1) while the original kept running: pa…",
        "750.0 MB",
        "5.0 MB",
        "150×",
        "3",
    ]
    assert str(files["cgo"].parent) not in table  # refused: nothing to verify
    engine.assert_clean()


def test_ctrl_c_in_a_batch_stops_every_verification_and_writes_nothing(tmp_path, use_engine):
    paths = [service(tmp_path, f"svc{n}") for n in range(4)]
    engine = use_engine(FakeEngine(interrupt_on="rewritten"))
    result = invoke("rewrite", "-i", "--verify", "--jobs", "2", tmp_path)
    assert result.exit_code == 130
    assert "goslim: stopping: each verification under way ends after its current step" in result.stderr
    assert all(path.read_text() == FAT for path in paths)
    engine.assert_clean()


def test_the_progress_shows_each_verification_under_way(tmp_path, use_engine, monkeypatch):
    import io

    from rich.console import Console

    from rewriter.cli import batch as batch_module
    from rewriter.cli.report_text import VerifyProgress

    for n in range(3):
        service(tmp_path, f"svc{n}")
    screen = io.StringIO()
    made: list[VerifyProgress] = []
    steps: list[tuple[str, str]] = []

    class Recorded(VerifyProgress):
        def step(self, path, message):
            steps.append((path, message))
            super().step(path, message)

    def on_a_terminal(total, opts):
        made.append(Recorded(total, Console(file=screen, force_terminal=True, width=150)))
        return made[-1]

    monkeypatch.setattr(batch_module, "verify_progress", on_a_terminal)
    use_engine(FakeEngine())
    result = invoke("rewrite", "-i", "--verify", "--jobs", "2", tmp_path)
    assert result.exit_code == 0, result.output
    progress = made[0]
    assert (progress.finished, progress.total, progress.under_way) == (3, 3, {})
    assert "rewriting and verifying" in ANSI.sub("", screen.getvalue())
    first = [message for path, message in steps if path.endswith("svc0/Dockerfile")]
    assert first[:2] == ["building the original image", "building the rewritten image"]
    assert {path.split("/")[-2] for path, _ in steps} == {"svc0", "svc1", "svc2"}


def test_the_time_zone_row_and_verdict(tmp_path, use_engine):
    zone_file = Path("/usr/share/zoneinfo/America/New_York")
    if not zone_file.exists():
        pytest.skip(f"this host has no zone data at {zone_file} (Debian's tzdata package)")
    zone = {"/usr/share/zoneinfo/America/New_York": zone_file.read_bytes()}
    new_york = {"TZ": "America/New_York"}
    original = FakeImage(
        user="", entrypoint=(), cmd=("./main",), workdir="/app", size=750_000_000, env=new_york, files=zone
    )
    use_engine(FakeEngine(FakeImage(env=new_york, files={**zone, "/main": static_elf()}), original))
    kept = invoke("verify", service(tmp_path, "kept"))
    assert kept.exit_code == 0, kept.output
    assert rows(kept.stdout)["time zone"] == ["America/New_York EST/EDT", "America/New_York EST/EDT", "same"]
    assert "same time zone (America/New_York EST/EDT)" in kept.stdout.splitlines()[-1]
    use_engine(FakeEngine(FakeImage(env=new_york), original))
    lost = invoke("verify", service(tmp_path, "lost"))
    assert lost.exit_code == 1
    assert rows(lost.stdout)["time zone"] == ["America/New_York EST/EDT", "UTC", "differs"]
    assert lost.stdout.splitlines()[-1].startswith("not verified: time zone differs: original sees America/New_York")
