"""goslim verify against real images: Go apps written here, the harness sample app with good and
bad hand-made rewrites, and `goslim verify` on the README's example service.

Runs once on podman and once on Docker (conftest.engine), each with the local stand-in base
images that .ci/e2e-setup.sh makes (and loads into Docker). Where an engine cannot be used,
its tests are skipped with the reason.

The apps use the standard library only: no module proxy is reachable from a build here.
One app answers for cases (a)-(e) on one endpoint each, because a cold fat build costs
about 17 s per app on two cores; each case still has its own test and its own assertion.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import engine_cli, go_build_cache

import rewriter
from rewriter.verify import verify

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT.parent / "shared" / "harness"
EXAMPLES = HARNESS / "examples"
MIN_RATIO = 50


def _no_containers_left(engine, report) -> None:
    run_id = report.rewritten.tag.rsplit("-", 1)[-1].split(":")[0]
    listed = subprocess.run(
        [*engine_cli(engine), "ps", "-a", "--filter", f"name={run_id}", "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert listed.stdout.split() == [], "verify left containers behind"


def _print_report(label: str, seconds: float, report) -> None:
    print(f"\n{label}: {seconds:.1f}s; ok={report.ok}; ratio={report.size_ratio}; reason={report.reason!r}")
    for side in (report.original, report.rewritten):
        print(
            f"  {side.tag}: {side.size_bytes} bytes, {side.layers} layers, built in {side.build_seconds}s, "
            f"user={side.user!r}, static={side.static}"
        )


# ---------------------------------------------------------------------------- apps written here

APP_GO = """\
// Command showcase answers one question per endpoint about what its image gives it at run time.
package main

import (
	"crypto/x509"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os/user"
	"time"
)

var version = "dev"

var pages = template.Must(template.ParseGlob("templates/*.html"))

func certCount() int {
	pool, err := x509.SystemCertPool()
	if err != nil {
		return -1
	}
	return len(pool.Subjects()) //nolint:staticcheck // the pool is read from files on Linux
}

func whoami() string {
	u, err := user.Current()
	if err != nil {
		return "user_error=" + err.Error()
	}
	return fmt.Sprintf("uid=%s username=%s", u.Uid, u.Username)
}

func main() {
	log.Printf("certs=%d %s", certCount(), whoami())
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/certs", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "certs=%d\\n", certCount())
	})
	http.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		data := map[string]any{"Title": "Orders", "Items": []string{"apples", "pears"}}
		if err := pages.ExecuteTemplate(w, "page.html", data); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	http.HandleFunc("/time", func(w http.ResponseWriter, r *http.Request) {
		ny, err := time.LoadLocation("America/New_York")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		winter := time.Date(2024, 1, 15, 17, 0, 0, 0, time.UTC)
		summer := time.Date(2024, 7, 4, 16, 0, 0, 0, time.UTC)
		for _, t := range []time.Time{winter, summer} {
			fmt.Fprintln(w, t.In(ny).Format("2006-01-02 15:04 MST -07:00"))
		}
	})
	http.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, version)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
"""

PAGE_HTML = """\
<h1>{{.Title}}</h1>
<ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>
"""

FAT = """\
FROM golang:1.23
WORKDIR /app
COPY . .
RUN go build -ldflags "-X main.version=1.2.3" -o main .
EXPOSE 8080
CMD ["./main"]
"""

# Answers that do not depend on the uid; /whoami-style facts come from the startup log line.
PROBES = ["/", "/certs", "/page", "/time", "/version"]

CGO_GO = """\
package main

// #include <stdlib.h>
import "C"

import "fmt"

func main() {
	p := C.malloc(16)
	defer C.free(p)
	fmt.Println("allocated with libc")
}
"""


def _write_app(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture(scope="module")
def showcase(engine, tmp_path_factory):
    """The fat app rewritten by goslim, then built, run and compared once for all five cases."""
    app = _write_app(
        tmp_path_factory.mktemp("showcase"),
        {
            "go.mod": "module example.com/showcase\n\ngo 1.23\n",
            "main.go": APP_GO,
            "templates/page.html": PAGE_HTML,
            "Dockerfile": FAT,
        },
    )
    result = rewriter.rewrite(FAT, context=app)
    assert str(getattr(result.status, "value", result.status)) == "rewritten", result.diagnostics
    started = time.monotonic()
    report = verify(FAT, result.code, app, engine=engine, probe=PROBES, timeout=30)
    _print_report("showcase", time.monotonic() - started, report)
    _no_containers_left(engine, report)
    assert not engine.has_image(report.original.tag) and not engine.has_image(report.rewritten.tag)
    return result.code, report


def _assert_slim_and_same(report, path: str) -> str:
    """What every rewrite must give: same answer on `path`, non-root, certs, static, 50x smaller."""
    before, after = report.original.answers[path], report.rewritten.answers[path]
    assert after == before and after["status"] == 200, (path, before, after)
    assert report.rewritten.non_root and report.rewritten.user == "10001:10001"
    assert report.rewritten.answers["/certs"] == report.original.answers["/certs"]
    assert int(report.rewritten.answers["/certs"]["body"].strip().removeprefix("certs=")) > 0
    assert report.rewritten.static is True
    assert report.size_ratio >= MIN_RATIO
    assert report.rewritten.stayed_up
    assert report.ok, report.reason
    return after["body"]


def test_a_http_server_answers_like_the_original(showcase):
    _, report = showcase
    assert _assert_slim_and_same(report, "/") == "ok\n"
    assert report.answers_match is True
    assert report.original.probe_status == 200 and report.rewritten.probe_body == "ok\n"
    assert report.original.answers["/"] == report.rewritten.answers["/"]


def test_b_certificates_and_a_non_root_user_at_run_time(showcase):
    _, report = showcase
    certs = _assert_slim_and_same(report, "/certs")
    assert re.fullmatch(r"certs=[1-9]\d*\n", certs)
    # os/user.Current as the app sees it, from its startup log line
    rewritten = re.search(r"certs=(\d+) uid=(\d+) username=(\S+)", report.rewritten.log_tail)
    original = re.search(r"certs=(\d+) uid=(\d+) username=(\S+)", report.original.log_tail)
    assert rewritten and original, (report.original.log_tail, report.rewritten.log_tail)
    assert int(rewritten[1]) > 0 and rewritten[1] == original[1]
    assert (rewritten[2], rewritten[3]) == ("10001", "appuser")
    assert (original[2], original[3]) == ("0", "root")


def test_c_templates_read_at_run_time_are_copied(showcase):
    code, report = showcase
    assert "COPY --from=builder /app/templates /app/templates" in code
    page = _assert_slim_and_same(report, "/page")
    assert page == "<h1>Orders</h1>\n<ul><li>apples</li><li>pears</li></ul>\n"


def test_d_time_zones_load_like_the_original(showcase):
    code, report = showcase
    assert "-tags timetzdata" in code
    assert _assert_slim_and_same(report, "/time") == ("2024-01-15 12:00 EST -05:00\n2024-07-04 12:00 EDT -04:00\n")


def test_e_ldflags_version_survives_the_merge_with_w_s(showcase):
    code, report = showcase
    ldflags = re.search(r'-ldflags[ =]"([^"]*)"', code)
    assert ldflags and "-X main.version=1.2.3" in ldflags[1] and "-w -s" in ldflags[1], code
    assert code.count("-ldflags") == 1
    assert _assert_slim_and_same(report, "/version") == "1.2.3\n"


def test_f_cgo_is_refused_without_building(tmp_path):
    app = _write_app(tmp_path, {"go.mod": "module example.com/cgo\n\ngo 1.23\n", "main.go": CGO_GO})
    fat = FAT.replace('-ldflags "-X main.version=1.2.3" ', "")
    result = rewriter.rewrite(fat, context=app)
    assert str(getattr(result.status, "value", result.status)) == "refused"
    assert result.code == fat and not result.changed
    refusals = [d for d in result.diagnostics if d.severity == "error"]
    assert [d.code for d in refusals] == ["GS201"], result.diagnostics


# ---------------------------------------------------------------------------- the CLI, end to end


def test_cli_verifies_the_example_service(engine):
    dockerfile = ROOT / "examples" / "hello" / "Dockerfile"
    if not dockerfile.exists():
        pytest.skip(f"the example service is missing: {dockerfile}")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)}
    env["GOSLIM_GO_BUILD_CACHE"] = str(go_build_cache())
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "rewriter.cli", "verify", "--engine", engine.name, "examples/hello/Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    print(f"\ngoslim verify examples/hello/Dockerfile: {time.monotonic() - started:.1f}s\n{done.stdout}")
    assert done.returncode == 0, done.stdout + done.stderr
    size_row = next(line for line in done.stdout.splitlines() if line.startswith("image size"))
    before, after = (float(n) for n in re.findall(r"([\d.]+) MB", size_row))
    assert before / after >= MIN_RATIO
    assert re.search(r"\d+× smaller", size_row)
    assert re.search(r"^verified: ", done.stdout, re.M)
    assert "\x1b[" not in done.stdout  # piped: no colour


# ---------------------------------------------------------------------------- hand-made rewrites


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    if not (HARNESS / "sampleapp" / "main.go").exists():
        pytest.skip(f"the harness sample app is missing: {HARNESS} (it ships beside the repository)")
    app = tmp_path_factory.mktemp("ctx") / "sampleapp"
    shutil.copytree(HARNESS / "sampleapp", app)
    for path in [app, *app.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    return app


@pytest.fixture(scope="module")
def kept(engine):
    """Tags kept between tests so later builds of the fat original hit the layer cache."""
    tags: list[str] = []
    yield tags
    for tag in tags:
        engine.remove_image(tag)


def _verify(engine, context, rewritten: str, kept: list[str] | None = None):
    started = time.monotonic()
    report = verify(
        (EXAMPLES / "Dockerfile.fat").read_text(),
        (EXAMPLES / rewritten).read_text(),
        context,
        engine=engine,
        probe="/",
        timeout=30,
        keep=kept is not None,
    )
    _print_report(rewritten, time.monotonic() - started, report)
    _no_containers_left(engine, report)
    if kept is None:
        assert not engine.has_image(report.original.tag) and not engine.has_image(report.rewritten.tag)
    else:
        kept += [report.original.tag, report.rewritten.tag]
    return report


def test_slim_without_passwd_did_not_start(engine, context, kept):
    report = _verify(engine, context, "Dockerfile.slim-nopasswd", kept)
    assert not report.ok
    assert report.rewritten.started is False
    assert report.reason.startswith("did not start: ")
    assert "appuser" in report.reason


def test_scratch_with_a_cgo_binary_is_caught(engine, context, kept):
    report = _verify(engine, context, "Dockerfile.scratch-dynamic", kept)
    assert not report.ok
    assert report.rewritten.static is False
    assert report.rewritten.stayed_up is False
    assert "exited (status " in report.reason and "while the original kept running" in report.reason
    assert "dynamically linked" in report.reason


def test_fat_to_slim_is_ok_and_leaves_nothing(engine, context, kept):
    report = _verify(engine, context, "Dockerfile.slim")
    assert report.ok, report.reason
    assert report.size_ratio >= MIN_RATIO
    assert report.rewritten.non_root and report.rewritten.user == "appuser:appuser"
    assert report.rewritten.static is True
    assert report.answers_match is True
    assert report.original.probe_status == report.rewritten.probe_status == 200
    assert report.rewritten.probe_body == "ok\n"
    assert report.rewritten.stayed_up
