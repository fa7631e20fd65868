"""The service fixtures of tests/services, built and run for real: original and rewrite side
by side, same answers, the rewrite stays up, its writes succeed, an overridden command
behaves alike.

Needs podman and the local stand-in base images that .ci/e2e-setup.sh makes; without
them every test here is skipped with the reason.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("service", REWRITTEN, ids=[s.name for s in REWRITTEN])
def test_the_rewrite_behaves_like_the_original(engine, service: Service):
    result = rewrite(service)
    assert result.changed, [d.message for d in result.diagnostics]
    started = time.monotonic()
    report = verify(service.dockerfile, result.code, service.folder, engine=engine, probe=list(service.probes),
                    timeout=60)
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
        override = verify(service.dockerfile, result.code, service.folder, engine=engine, args=list(service.command),
                          timeout=60)
        assert override.ok, f"docker run IMAGE {' '.join(service.command)}: {override.reason}"
