"""goslim verify against real images: the harness sample app, its fat original and good and bad rewrites.

Needs a working container engine and, for podman, the local stand-in base images that
.ci/e2e-setup.sh makes. Without them every test here is skipped with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from rewriter.verify import EngineError, EngineUnavailable, PodmanEngine, detect_engine, verify

pytestmark = pytest.mark.e2e

HARNESS = Path(__file__).resolve().parent.parent.parent / "shared" / "harness"
EXAMPLES = HARNESS / "examples"
BASE_IMAGE = "docker.io/library/golang:1.23"


@pytest.fixture(scope="module")
def engine():
    if not (HARNESS / "sampleapp" / "main.go").exists():
        pytest.skip(f"the harness sample app is missing: {HARNESS} (it ships beside the repository)")
    try:
        found = detect_engine()
    except EngineUnavailable as err:
        pytest.skip(f"no container engine: {err.reason}")
    if isinstance(found, PodmanEngine) and not found.has_image(BASE_IMAGE):
        pytest.skip(f"stand-in base image {BASE_IMAGE} is missing: run .ci/e2e-setup.sh")
    try:
        found.remove_container(found.run(BASE_IMAGE, command=["true"]))
    except EngineError as err:
        pytest.skip(f"{found.name} cannot start a container here: {err}")
    return found


@pytest.fixture(scope="module")
def context(tmp_path_factory):
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
    report = verify((EXAMPLES / "Dockerfile.fat").read_text(), (EXAMPLES / rewritten).read_text(), context,
                    engine=engine, probe="/", timeout=30, keep=kept is not None)
    print(f"\n{rewritten}: {time.monotonic() - started:.1f}s; ok={report.ok}; reason={report.reason!r}")
    for side in (report.original, report.rewritten):
        print(f"  {side.tag}: {side.size_bytes} bytes, {side.layers} layers, built in {side.build_seconds}s, "
              f"user={side.user!r}, static={side.static}")
    run_id = report.rewritten.tag.rsplit("-", 1)[-1].split(":")[0]
    listed = subprocess.run([engine.name, "ps", "-a", "--filter", f"name={run_id}", "--format", "{{.Names}}"],
                            capture_output=True, text=True, check=True)
    assert listed.stdout.split() == [], "verify left containers behind"
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
    assert "exited immediately" in report.reason
    assert "dynamically linked" in report.reason


def test_fat_to_slim_is_ok_and_leaves_nothing(engine, context, kept):
    report = _verify(engine, context, "Dockerfile.slim")
    assert report.ok, report.reason
    assert report.size_ratio >= 50
    assert report.rewritten.non_root and report.rewritten.user == "appuser:appuser"
    assert report.rewritten.static is True
    assert report.answers_match is True
    assert report.original.probe_status == report.rewritten.probe_status == 200
    assert report.rewritten.probe_body == "ok\n"
    assert report.rewritten.stayed_up
