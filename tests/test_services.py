"""Small Go services, each reproducing one way a real service reaches its image at run time.

``tests/services/NAME/`` holds a Go program (standard library only), its fat Dockerfile,
the files it reads, and ``case.toml``: what the case is about, what goslim must do
(``status``, default "rewritten"), text the rewrite must hold (``expect``) or must not
(``absent``), rule codes it must (``codes``) or must not (``no_codes``) report, the paths
to compare over HTTP (``probes``, default ["/"]), a command to run both images with
(``command``) and environment variables to start both with (``env``, as ``docker run -e``
gives them). Here each one is rewritten with its folder as the build context and the
result is pinned by a snapshot and checked from the outside; tests/test_services_e2e.py
builds and runs original and rewrite side by side.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from invariants import violations
from test_imagefs import emitted_copy_sources

import rewriter
from rewriter.context import BuildContext, ContextSource
from rewriter.imagefs import Presence

SERVICES = Path(__file__).resolve().parent / "services"


@dataclass(frozen=True)
class Service:
    name: str
    folder: Path
    dockerfile: str
    status: str
    expect: tuple[str, ...]
    absent: tuple[str, ...]
    codes: tuple[str, ...]
    no_codes: tuple[str, ...]
    probes: tuple[str, ...]
    command: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    about: str


def load(folder: Path) -> Service:
    data = tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))
    known = {"about", "status", "expect", "absent", "codes", "no_codes", "probes", "command", "env"}
    assert set(data) <= known, f"{folder}/case.toml: unknown keys {set(data) - known}"
    return Service(
        name=folder.name,
        folder=folder,
        dockerfile=(folder / "Dockerfile").read_text(encoding="utf-8"),
        status=data.get("status", "rewritten"),
        expect=tuple(data.get("expect", ())),
        absent=tuple(data.get("absent", ())),
        codes=tuple(data.get("codes", ())),
        no_codes=tuple(data.get("no_codes", ())),
        probes=tuple(data.get("probes", ("/",))),
        command=tuple(data.get("command", ())),
        env=tuple(sorted(data.get("env", {}).items())),
        about=data["about"],
    )


ALL = [load(folder) for folder in sorted(SERVICES.iterdir()) if (folder / "case.toml").exists()]

# What goslim does not get right yet: each must start passing (strict), then leave this set.
NOT_YET: set[str] = set()


def rewrite(service: Service):
    return rewriter.rewrite(service.dockerfile, context=service.folder, dockerfile=service.folder / "Dockerfile")


def test_there_are_enough_services():
    assert len(ALL) >= 20


@pytest.mark.parametrize(
    "service",
    [pytest.param(s, marks=pytest.mark.xfail(strict=True, reason="not yet")) if s.name in NOT_YET else s for s in ALL],
    ids=[s.name for s in ALL],
)
def test_service_rewrite(service: Service, snapshot):
    result = rewrite(service)
    assert snapshot == result.code
    assert result.status.value == service.status, [d.message for d in result.diagnostics]
    for text in service.expect:
        assert text in result.code, text
    for text in service.absent:
        assert text not in result.code, text
    codes = {d.code for d in result.diagnostics}
    assert set(service.codes) <= codes and not set(service.no_codes) & codes, codes
    if result.changed:
        context = BuildContext(service.folder, ContextSource("flag"))
        missing = [c for c in emitted_copy_sources(service.dockerfile, result.code, context) if c[2] is Presence.NO]
        assert missing == []
        problems = violations(service.dockerfile, result.code)
        if service.name == "container-action":  # runs as root on purpose (GS307)
            problems = [p for p in problems if "USER" not in p]
        assert problems == []
        again = rewriter.rewrite(result.code, context=service.folder, dockerfile=service.folder / "Dockerfile")
        assert not again.changed
