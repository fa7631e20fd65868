"""The service fixtures of tests/services, built and run for real: original and rewrite side
by side, same answers, the rewrite stays up, its writes succeed, an overridden command
and variables given at run time (``docker run -e TZ=...``) behave alike.

Needs podman and the local stand-in base images that .ci/e2e-setup.sh makes; without
them every test here is skipped with the reason. A fixture on a Go toolchain the machine
does not have (``FROM golang:1.12``) builds on the stand-in toolchain tagged with that
name for the test: what it checks is the file's shape (GOPATH mode, no -trimpath, zone data
from GOROOT's zoneinfo.zip), on the Go that is here.
"""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from conftest import ready_engine
from test_services import ALL, Service, rewrite

from rewriter.verify import verify

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=["podman"])
def engine(request):
    """podman only: its builds share Go's build cache, which keeps two builds per service
    affordable; the behaviour tests of verify itself run on Docker too."""
    return ready_engine(request.param)


REWRITTEN = [s for s in ALL if s.status == "rewritten"]
STAND_IN = "docker.io/library/golang:1.23"
_GOLANG_TAG = re.compile(r"^FROM\s+(?:--platform=\S+\s+)?(golang:[\w.-]+)", re.IGNORECASE | re.MULTILINE)


@pytest.fixture
def toolchains(engine):
    """Tags the stand-in toolchain as each golang image a fixture names and the engine lacks;
    the tags go again after the test."""
    added: list[str] = []

    def provide(service: Service) -> None:
        for tag in _GOLANG_TAG.findall(service.dockerfile):
            ref = f"docker.io/library/{tag}"
            if not engine.has_image(ref):
                subprocess.run([engine.name, "tag", STAND_IN, ref], check=True, capture_output=True)
                added.append(ref)

    yield provide
    for ref in added:
        subprocess.run([engine.name, "rmi", ref], capture_output=True)


@pytest.mark.parametrize("service", REWRITTEN, ids=[s.name for s in REWRITTEN])
def test_the_rewrite_behaves_like_the_original(engine, toolchains, service: Service):
    toolchains(service)
    result = rewrite(service)
    assert result.changed, [d.message for d in result.diagnostics]
    started = time.monotonic()
    report = verify(
        service.dockerfile, result.code, service.folder, engine=engine, probe=list(service.probes), timeout=60
    )
    print(f"\n{service.name}: {time.monotonic() - started:.1f}s; ok={report.ok}; {report.reason}")
    if "GS310" in service.codes:  # a container action keeps root on purpose: that is the one difference
        assert [d.kind for d in report.differences] == ["root"], report.reason
    else:
        assert report.ok, f"{service.about}: {report.reason}"
    for path in service.probes:
        before, after = report.original.answers[path], report.rewritten.answers[path]
        assert after == before and after["status"] == 200, (path, before, after)
    assert report.rewritten.stayed_up and report.rewritten.static is True
    if service.command:
        override = verify(
            service.dockerfile, result.code, service.folder, engine=engine, args=list(service.command), timeout=60
        )
        assert override.ok, f"docker run IMAGE {' '.join(service.command)}: {override.reason}"
    if service.env:
        given = dict(service.env)
        run = verify(
            service.dockerfile, result.code, service.folder, engine=engine, probe=list(service.probes), env=given
        )
        flags = " ".join(f"-e {k}={v}" for k, v in service.env)
        assert run.ok, f"docker run {flags} IMAGE: {run.reason}"
        for path in service.probes:
            assert run.rewritten.answers[path] == run.original.answers[path], (flags, path)
        # the variables reach the program: the original answers otherwise than without them
        assert any(run.original.answers[p] != report.original.answers[p] for p in service.probes), flags
