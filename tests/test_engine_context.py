"""The rewrite with the build context read: the Go sources decide what the Dockerfile
cannot show (cgo, time zones, files read at run time, the binary's name, several mains).

Each test writes a small Go module into tmp_path and rewrites a Dockerfile against it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from invariants import violations

import rewriter
from rewriter import Config
from rewriter.diagnostics import Severity, Status

GO_MOD = "module example.com/svc\n\ngo 1.22\n"
FAT = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\nCMD ["/app/server"]\n'
BUILD_LINE = 4


def module(root: Path, files: dict[str, str], go_mod: str | None = GO_MOD) -> Path:
    """Write a module (go.mod plus ``files``) under root and return root."""
    if go_mod is not None:
        files = {"go.mod": go_mod, **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def main_go(imports: tuple[str, ...] = (), body: str = "", preamble: str = "") -> str:
    block = "".join(f'\t"{i}"\n' for i in imports)
    head = f"import (\n{block})\n\n" if imports else ""
    return f"package main\n\n{preamble}{head}func main() {{\n{body}}}\n"


def rewrite(text: str, root: Path, config: Config | None = None):
    result = rewriter.rewrite(text, config, context=root)
    if result.status is Status.REWRITTEN:
        assert violations(text, result.code) == []
        assert not rewriter.rewrite(result.code, config, context=root).changed
    else:
        assert result.code == text
    return result


def diagnostics(result, code: str):
    return [d for d in result.diagnostics if d.code == code]


def refusal(result, code: str):
    assert result.status is Status.REFUSED
    found = diagnostics(result, code)
    assert found and all(d.severity is Severity.ERROR for d in found)
    return found[0]


# --- cgo -------------------------------------------------------------------------------------


def test_import_c_is_refused_without_any_c_toolchain(tmp_path):
    """The Dockerfile installs no gcc and never mentions cgo; the sources do."""
    module(tmp_path, {"main.go": main_go(preamble='// #include <stdlib.h>\nimport "C"\n\n')})
    d = refusal(rewrite(FAT, tmp_path), "GS201")
    assert d.message == 'main.go:4: import "C"'
    assert d.line == BUILD_LINE


def test_sqlite_driver_is_refused(tmp_path):
    module(
        tmp_path, {"main.go": main_go(("database/sql", "github.com/mattn/go-sqlite3"), '\tsql.Open("sqlite3", "db")\n')}
    )
    d = refusal(rewrite(FAT, tmp_path), "GS201")
    assert d.message.startswith('main.go:5: import "github.com/mattn/go-sqlite3": needs cgo')


def test_cgo_in_a_package_the_build_does_not_reach_is_ignored(tmp_path):
    """Findings cover what the build compiles: a cgo tool elsewhere in the context does not
    stop the service in cmd/api."""
    module(
        tmp_path,
        {
            "cmd/api/main.go": main_go(("fmt",), '\tfmt.Println("api")\n'),
            "tools/probe/main.go": main_go(preamble='import "C"\n\n'),
        },
    )
    text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN cd cmd/api && go build -o /app/api .\nCMD ["/app/api"]\n'
    result = rewrite(text, tmp_path)
    assert result.status is Status.REWRITTEN
    assert not diagnostics(result, "GS201")


def test_gcc_alone_is_not_a_refusal_when_the_sources_are_pure_go(tmp_path):
    """Without sources gcc in the builder refuses (GS201); with them, pure Go is proven."""
    module(tmp_path, {"main.go": main_go(("fmt",), '\tfmt.Println("hi")\n')})
    text = FAT.replace("COPY . .\n", "COPY . .\nRUN apt-get update && apt-get install -y gcc\n")
    assert rewriter.rewrite(text).status is Status.REFUSED
    assert rewrite(text, tmp_path).status is Status.REWRITTEN


# --- time zones --------------------------------------------------------------------------------


def test_loading_a_zone_embeds_tzdata(tmp_path):
    module(tmp_path, {"main.go": main_go(("time",), '\t_, _ = time.LoadLocation("Europe/Paris")\n')})
    result = rewrite(FAT, tmp_path)
    assert "go build -tags timetzdata " in result.code
    [d] = diagnostics(result, "GS112")
    assert d.message == "added -tags timetzdata (main.go:8 loads time zones)"


def test_tz_variable_embeds_tzdata(tmp_path):
    module(tmp_path, {"main.go": main_go(("os",), '\t_ = os.Getenv("TZ")\n')})
    assert "-tags timetzdata" in rewrite(FAT, tmp_path).code


# A service that ran in an Alpine stage without tzdata: a TZ given at run time found no zones.
ALPINE_RUNTIME = (
    "FROM golang:1.22 AS build\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/server .\n\n"
    'FROM alpine:3.20\nCOPY --from=build /app/server /server\nCMD ["/server"]\n'
)


@pytest.mark.parametrize(
    "text, body, imports",
    [
        (ALPINE_RUNTIME, '\t_ = time.Now()\n\t_, _ = time.LoadLocation("UTC")\n', ("time",)),
        (FAT, '\t_, _ = time.LoadLocation("Europe/Paris")\n', ("time", "time/tzdata")),
    ],
    ids=["no-zone-loaded", "imports-time-tzdata"],
)
def test_no_tzdata_tag_when_not_needed(tmp_path, text, body, imports):
    """UTC needs no database where the original had none, and an import of time/tzdata
    already embeds it; without the sources the single-stage rewrite adds the tag."""
    module(tmp_path, {"main.go": main_go(imports, body)})
    result = rewrite(text, tmp_path)
    assert result.status is Status.REWRITTEN
    assert "timetzdata" not in result.code
    assert "-tags timetzdata" in rewriter.rewrite(FAT).code


def test_a_service_that_ran_in_the_go_image_keeps_answering_a_tz_given_at_run_time(tmp_path):
    """`docker run -e TZ=Europe/Paris` changed time.Local in the Go image, whose zone
    database it found; the rewrite keeps that with the database in the binary."""
    module(tmp_path, {"main.go": main_go(("fmt", "time"), "\tfmt.Println(time.Now())\n")})
    result = rewrite(FAT, tmp_path)
    assert "-tags timetzdata" in result.code
    [note] = diagnostics(result, "GS112")
    assert "the service ran in the Go image, whose zone database answers a TZ given at run time" in note.message


def test_old_go_gets_zone_data_only_when_the_code_loads_zones(tmp_path):
    """Go 1.14 ignores -tags timetzdata: when the code loads zones, the runtime gets Go's own
    zoneinfo.zip (GS117) and -trimpath, which would hide the GOROOT it is found through,
    stays out (GS103 says so); otherwise (a service that ran in an Alpine stage without
    zones) the build gets -trimpath and no zone data."""
    module(tmp_path / "utc", {"main.go": main_go(("time",), "\t_ = time.Now()\n")})
    utc = rewrite(ALPINE_RUNTIME.replace("golang:1.22", "golang:1.14"), tmp_path / "utc")
    assert utc.status is Status.REWRITTEN
    assert "-trimpath" in utc.code and "zoneinfo" not in utc.code
    text = FAT.replace("golang:1.22", "golang:1.14")
    module(tmp_path / "paris", {"main.go": main_go(("time",), '\t_, _ = time.LoadLocation("Europe/Paris")\n')})
    paris = rewrite(text, tmp_path / "paris")
    assert paris.status is Status.REWRITTEN
    assert "COPY --from=builder /usr/local/go/lib/time/zoneinfo.zip /usr/local/go/lib/time/zoneinfo.zip\n" in paris.code
    assert "ENV ZONEINFO=/usr/local/go/lib/time/zoneinfo.zip\n" in paris.code
    assert "-trimpath" not in paris.code and "timetzdata" not in paris.code
    copied = next(d for d in paris.diagnostics if d.code == "GS117")
    assert "main.go:8 loads time zones" in copied.message
    assert any(d.code == "GS103" and "left out -trimpath" in d.message for d in paris.diagnostics)


# --- files read at run time ----------------------------------------------------------------------


def test_templates_read_at_run_time_are_copied(tmp_path):
    module(
        tmp_path,
        {
            "main.go": main_go(("html/template",), '\t_ = template.Must(template.ParseGlob("templates/*.html"))\n'),
            "templates/index.html": "<p>{{.}}</p>\n",
        },
    )
    result = rewrite(FAT, tmp_path)
    assert "COPY --from=builder /app/templates /app/templates\n" in result.code
    [d] = diagnostics(result, "GS113")
    assert d.message == "copied /app/templates into the runtime: named in main.go:8"


def test_embedded_templates_are_not_copied(tmp_path):
    module(
        tmp_path,
        {
            "main.go": main_go(
                ("embed", "html/template"),
                '\t_ = template.Must(template.ParseFS(files, "templates/*.html"))\n',
                preamble="",
            ).replace("func main", "//go:embed templates\nvar files embed.FS\n\nfunc main"),
            "templates/index.html": "<p>{{.}}</p>\n",
        },
    )
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REWRITTEN
    assert "templates" not in result.code
    assert not diagnostics(result, "GS113")


def test_a_write_whose_path_the_code_does_not_spell_refuses_until_the_setting_names_it(tmp_path):
    """GS311: os.WriteFile(*out, ...) may write anywhere the runtime user cannot: refused,
    with what it could write and how to say more; the writable setting lets it through."""
    module(
        tmp_path,
        {
            "main.go": main_go(
                ("flag", "os"),
                '\tout := flag.String("out", "", "")\n'
                "\t_ = os.WriteFile(*out, nil, 0o644)\n"
                '\t_ = os.MkdirAll("cache/thumbs", 0o755)\n',
            )
        },
    )
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REFUSED
    assert result.code == FAT
    [refusal] = diagnostics(result, "GS311")
    assert refusal.severity is Severity.ERROR
    assert refusal.message.startswith("main.go:10 writes where its code does not say: os.WriteFile(*out, nil, 0o644)")
    assert (
        "could write /tmp, /app/cache/thumbs and nothing else: name the folders it writes in the writable setting"
        in refusal.message
    )

    with_volume = rewrite(FAT.replace("CMD", 'VOLUME ["/data"]\nCMD'), tmp_path)
    assert with_volume.status is Status.REWRITTEN  # the image says where its data goes
    [warning] = diagnostics(with_volume, "GS311")
    assert warning.severity is Severity.WARNING
    assert "can write /tmp, /app/cache/thumbs, /data; name other folders in the writable setting" in warning.message

    named = rewrite(FAT, tmp_path, Config(writable=("out",)))
    assert named.status is Status.REWRITTEN
    assert not diagnostics(named, "GS311")
    assert "COPY --from=builder --chown=10001:10001 /runtime-empty /app/cache/thumbs\n" in named.code
    assert "COPY --from=builder --chown=10001:10001 /runtime-empty /app/out\n" in named.code


def test_a_file_of_a_computed_name_in_a_named_folder_makes_that_folder_the_users(tmp_path):
    """dir, _ := filepath.Abs("./upload"); os.Create(filepath.Join(dir, name)): the folder
    is known though the file's name is not; the context's upload/ is copied owned."""
    module(
        tmp_path,
        {
            "main.go": main_go(
                ("os", "path/filepath"),
                '\tdir, _ := filepath.Abs("./upload")\n'
                "\tname := os.Args[1]\n"
                "\t_, _ = os.Create(filepath.Join(dir, name))\n",
            ),
            "upload/.keep": "",
        },
    )
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REWRITTEN, result.diagnostics
    assert not diagnostics(result, "GS311")
    assert "COPY --from=builder --chown=10001:10001 /app/upload /app/upload\n" in result.code


def test_tzdata_the_image_installed_stays_though_the_code_loads_no_zone(tmp_path):
    """The runtime image installed tzdata, so it honoured TZ given at run time (docker run
    -e TZ=Europe/Istanbul): its zone database stays, in the binary, even when the code never
    calls LoadLocation."""
    module(tmp_path, {"main.go": main_go(("fmt", "time"), "\tfmt.Println(time.Now())\n")})
    with_tzdata = ALPINE_RUNTIME.replace("FROM alpine:3.20\n", "FROM alpine:3.20\nRUN apk add --no-cache tzdata\n")
    result = rewrite(with_tzdata, tmp_path)
    assert "-tags timetzdata" in result.code
    [note] = diagnostics(result, "GS112")
    assert "the original image installed tzdata" in note.message
    assert "-tags timetzdata" not in rewrite(ALPINE_RUNTIME, tmp_path).code


def test_the_writable_setting_names_more_folders(tmp_path):
    module(tmp_path, {"main.go": main_go()})
    result = rewrite(FAT, tmp_path, Config(writable=("uploads", "/var/spool/app")))
    assert "COPY --from=builder --chown=10001:10001 /runtime-empty /app/uploads\n" in result.code
    assert "COPY --from=builder --chown=10001:10001 /runtime-empty /var/spool/app\n" in result.code


def test_a_file_missing_from_the_context_is_not_copied(tmp_path):
    """COPY --from of a path the builder does not have would fail the build."""
    module(tmp_path, {"main.go": main_go(("os",), '\t_, _ = os.ReadFile("config/app.yaml")\n')})
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REWRITTEN
    assert "config/app.yaml" not in result.code


# --- the binary's name ------------------------------------------------------------------------------


WIDGET = "module github.com/acme/widget\n\ngo 1.22\n"


def test_go_build_without_o_is_named_after_the_module(tmp_path):
    module(tmp_path, {"main.go": main_go()}, go_mod=WIDGET)
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build\nCMD ["./widget"]\n'
    result = rewrite(text, tmp_path)
    assert " -o /app/widget" in result.code
    assert "COPY --from=builder /app/widget /app/widget\n" in result.code
    assert 'CMD ["/app/widget"]' in result.code
    assert [d.message for d in diagnostics(result, "GS114")] == ["added -o /app/widget"]


def test_major_version_suffix_is_not_the_name(tmp_path):
    module(tmp_path, {"main.go": main_go()}, go_mod="module github.com/acme/widget/v2\n\ngo 1.22\n")
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build\nCMD ["./widget"]\n'
    assert " -o /app/widget" in rewrite(text, tmp_path).code


def test_cmd_that_is_not_the_module_name_is_refused(tmp_path):
    """go build names the binary widget; CMD runs ./server, so the original image never
    started it: the rewrite cannot pick a file."""
    module(tmp_path, {"main.go": main_go()}, go_mod=WIDGET)
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build\nCMD ["./server"]\n'
    d = refusal(rewrite(text, tmp_path), "GS209")
    assert d.line == BUILD_LINE


# --- several main packages ---------------------------------------------------------------------------


def two_mains(root: Path) -> Path:
    return module(root, {"cmd/a/main.go": main_go(), "cmd/b/main.go": main_go()})


def test_several_mains_with_dot_dot_dot_are_refused(tmp_path):
    two_mains(tmp_path)
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build ./...\nCMD ["/app/a"]\n'
    d = refusal(rewrite(text, tmp_path), "GS208")
    assert "cmd/a, cmd/b" in d.message
    assert 'main_package = "cmd/a"' in d.message


def test_go_install_of_several_mains_finds_the_one_cmd_runs(tmp_path):
    two_mains(tmp_path)
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go install ./...\nCMD ["b"]\n'
    result = rewrite(text, tmp_path)
    assert "COPY --from=builder /go/bin/b /go/bin/b\n" in result.code
    assert 'CMD ["/go/bin/b"]' in result.code


def test_main_package_config_must_agree_with_cmd(tmp_path):
    """main_package says which binary the image runs; a CMD running another one is not
    followed on a guess."""
    two_mains(tmp_path)
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go install ./...\nCMD ["b"]\n'
    assert rewrite(text, tmp_path, Config(main_package="cmd/b")).status is Status.REWRITTEN
    refusal(rewrite(text, tmp_path, Config(main_package="cmd/a")), "GS209")


@pytest.mark.parametrize("pattern", ["./...", "./cmd/..."])
def test_main_package_does_not_turn_a_pattern_build_into_one_output(tmp_path, pattern):
    """`go build ./...` over two mains writes no binary at all; `-o /app/a ./...` would
    not build ("cannot write multiple packages to non-directory")."""
    two_mains(tmp_path)
    text = f'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build {pattern}\nCMD ["/app/a"]\n'
    result = rewrite(text, tmp_path, Config(main_package="cmd/a"))
    assert result.status is Status.REFUSED
    assert "GS114" not in result.applied


def test_go_build_of_several_mains_into_a_folder_copies_the_one_cmd_runs(tmp_path):
    """`go build -o /app/ ./...` writes one binary per main into /app; CMD names one."""
    two_mains(tmp_path)
    text = 'FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN go build -o /app/ ./...\nCMD ["/app/a"]\n'
    for config in (None, Config(main_package="cmd/a")):
        result = rewrite(text, tmp_path, config)
        assert result.status is Status.REWRITTEN
        assert "COPY --from=builder /app/a /app/a" in result.code
        assert "/app/b" not in result.code


# --- warnings and module files --------------------------------------------------------------------------


def test_os_exec_of_a_computed_program_is_a_warning_not_a_refusal(tmp_path):
    module(tmp_path, {"main.go": main_go(("os", "os/exec"), "\t_ = exec.Command(os.Args[1]).Run()\n")})
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REWRITTEN
    [d] = diagnostics(result, "GS302")
    assert d.severity is Severity.WARNING
    assert d.message.endswith("(main.go:9)")


def test_os_exec_of_a_named_program_scratch_lacks_is_refused(tmp_path):
    source = (
        'package main\n\nimport (\n\t"context"\n\trun "os/exec"\n)\n\nfunc main() {\n'
        '\t_ = run.CommandContext(context.Background(), "convert", "a.png").Run()\n}\n'
    )
    module(tmp_path, {"main.go": source})
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REFUSED
    [d] = diagnostics(result, "GS212")
    assert d.line == BUILD_LINE
    assert d.message.startswith(
        'main.go:9: run.CommandContext(context.Background(), "convert", "a.png") runs `convert`'
    )
    assert not diagnostics(result, "GS302")


def test_os_exec_of_a_program_the_extra_copy_brings_is_not_refused(tmp_path):
    module(
        tmp_path,
        {
            "main.go": main_go(("os/exec",), '\t_ = exec.Command("/app/bin/helper").Run()\n'),
            "bin/helper": "a static program\n",
        },
    )
    assert diagnostics(rewrite(FAT, tmp_path), "GS212")
    result = rewrite(FAT, tmp_path, Config(extra_copy=("bin/helper",)))
    assert result.status is Status.REWRITTEN
    assert not diagnostics(result, "GS212") and not diagnostics(result, "GS302")


def test_os_exec_warning_can_be_turned_off(tmp_path):
    module(tmp_path, {"main.go": main_go(("os", "os/exec"), "\t_ = exec.Command(os.Args[1]).Run()\n")})
    result = rewrite(FAT, tmp_path, Config(disable=frozenset({"GS302"})))
    assert result.status is Status.REWRITTEN
    assert not diagnostics(result, "GS302")


def test_context_read_means_no_gs301(tmp_path):
    module(tmp_path, {"main.go": main_go()})
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REWRITTEN
    assert not diagnostics(result, "GS301")
    assert diagnostics(rewriter.rewrite(FAT), "GS301")


@pytest.mark.parametrize("with_sum", [False, True], ids=["no-go-sum", "go-sum"])
def test_module_download_layer_copies_go_sum_only_when_there_is_one(tmp_path, with_sum):
    """GS110 with sources: COPY of a go.sum that does not exist would fail the build."""
    files = {"main.go": main_go()}
    if with_sum:
        files["go.sum"] = ""
    module(tmp_path, files)
    result = rewrite(FAT, tmp_path, Config(cache_mounts=True))
    wanted = "COPY go.mod go.sum ./\n" if with_sum else "COPY go.mod ./\n"
    assert wanted + "RUN --mount=type=cache,target=/go/pkg/mod go mod download\nCOPY . .\n" in result.code


def test_without_go_mod_the_build_still_rewrites(tmp_path):
    module(tmp_path, {"main.go": main_go(("fmt",), '\tfmt.Println("hi")\n')}, go_mod=None)
    result = rewrite(FAT, tmp_path)
    assert result.status is Status.REWRITTEN
    assert not diagnostics(result, "GS301")


def test_a_context_file_named_by_an_env_path_goes_to_the_runtime(tmp_path):
    """`ENV REPORTS_CONFIG=/app/reports.yaml`: the service opens what the variable names."""
    module(
        tmp_path,
        {"main.go": main_go(("os",), '\t_, _ = os.ReadFile(os.Getenv("REPORTS_CONFIG"))\n'), "reports.yaml": "a: 1\n"},
    )
    text = (
        "FROM golang:1.23\nWORKDIR /app\nCOPY . .\n"
        "ENV REPORTS_CONFIG=/app/reports.yaml LOG_FILE=/app/logs/app.log\n"
        'RUN go build -o /app/server .\nCMD ["/app/server"]\n'
    )
    result = rewrite(text, tmp_path)
    assert "COPY --from=builder /app/reports.yaml /app/reports.yaml" in result.code
    assert "/app/logs/app.log /app" not in result.code  # not in the context: nothing to copy


# --- GOPATH mode (no go.mod) ----------------------------------------------------------------------


CGO_MAIN = 'package main\n\n// #include <stdlib.h>\nimport "C"\n\nfunc main() {}\n'
GOPATH_FILE_COPY = (
    'FROM golang:1.15\nRUN mkdir /app\nCOPY main.go /app\nWORKDIR /app\nRUN go build -o main .\nCMD ["/app/main"]\n'
)


def test_gopath_build_of_files_copied_into_a_folder_is_read(tmp_path):
    """COPY main.go /app into a folder made by RUN mkdir, built there: the sources are read and cgo refused."""
    module(tmp_path, {"main.go": CGO_MAIN}, go_mod=None)
    result = rewrite(GOPATH_FILE_COPY, tmp_path)
    assert result.status is Status.REFUSED
    assert [d.message for d in diagnostics(result, "GS201")] == ['main.go:4: import "C"']


def test_only_the_files_copied_into_the_build_folder_are_compiled(tmp_path):
    """The image's /app holds main.go alone: a cgo file beside it in the context is not built."""
    module(tmp_path, {"main.go": main_go(), "sqlite.go": CGO_MAIN.replace("func main() {}\n", "")}, go_mod=None)
    result = rewrite(GOPATH_FILE_COPY, tmp_path)
    assert result.status is Status.REWRITTEN
    assert not diagnostics(result, "GS312") and not diagnostics(result, "GS301")


def test_gopath_imports_below_the_build_folder_are_followed(tmp_path):
    """COPY . /go/src/app: import "app/store" is ./store; "lib/x" is elsewhere in GOPATH, named by GS312."""
    text = (
        "FROM golang:1.15\nCOPY . /go/src/app\nWORKDIR /go/src/app\n"
        'RUN go build -o /app/server .\nCMD ["/app/server"]\n'
    )
    module(
        tmp_path, {"main.go": main_go(("app/store",)), "store/store.go": CGO_MAIN.replace("main", "store")}, go_mod=None
    )
    assert diagnostics(rewrite(text, tmp_path), "GS201")
    module(tmp_path, {"main.go": main_go(("app/store", "lib/x")), "store/store.go": "package store\n"}, go_mod=None)
    result = rewrite(text, tmp_path)
    assert result.status is Status.REWRITTEN
    [d] = diagnostics(result, "GS312")
    assert d.severity is Severity.WARNING and d.message.startswith('main.go:5: import "lib/x": a GOPATH package')


def test_files_copied_one_by_one_keep_their_build_constraints(tmp_path):
    """Unlike files named to go build, copied files are still left out by their constraints."""
    cgo_windows = '//go:build windows\n\npackage main\n\n// #include <stdlib.h>\nimport "C"\n'
    module(tmp_path, {"main.go": main_go(), "win.go": cgo_windows}, go_mod=None)
    text = GOPATH_FILE_COPY.replace("COPY main.go /app\n", "COPY main.go win.go /app/\n")
    assert rewrite(text, tmp_path).status is Status.REWRITTEN
    assert (
        rewrite(text.replace("go build -o main .", "go build -o main main.go win.go"), tmp_path).status
        is Status.REFUSED
    )
