"""goslim verify's behaviour diff against real images, on podman and on Docker: a small Go
service (tests/data/behaviour) whose start reads an env variable, a config file, a folder
it writes to, the zone in TZ, and binds a TCP and a UDP port; two good rewrites written by
hand; and one broken rewrite per kind of difference, each of which must fail with its
reason. No probe is given: verify has to find the differences on its own.

The rewrites share their builder stage, so each engine compiles the service three times
(the original, the rewrites, the rewrite with -tags timetzdata) and the rest comes from
the layer cache; podman also shares Go's build cache between builds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import go_build_cache

from rewriter.verify import verify

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "tests" / "data" / "behaviour"
NEW_YORK = ("2024-01-15 07:00 EST -05:00", "2024-07-15 08:00 EDT -04:00")
PORTS = ["8080/tcp", "5353/udp"]

# control -> (the kind of its first difference, a regular expression its message matches)
CONTROLS = {
    "missing-config": (
        "log",
        r"^new error in the log: 'config: open /app/config.json: "
        r"no such file or directory; using defaults'$",
    ),
    "unwritable-folder": ("log", r"^new error in the log: 'state: open /app/data/started: permission denied'$"),
    "lost-zone": (
        "zone",
        r"^time zone differs: original sees America/New_York \(2024-01-15 07:00 EST -05:00, "
        r"2024-07-15 08:00 EDT -04:00; from /usr/share/zoneinfo/America/New_York\), "
        r"rewritten sees UTC \(2024-01-15 12:00 UTC \+00:00, .*TZ=America/New_York is "
        r"neither in /usr/share/zoneinfo nor in the binary\)$",
    ),
    "port-moved": ("ports", r"^listening ports differ: original 8080/tcp 5353/udp, rewritten 9090/tcp 5353/udp$"),
    "crash-at-start": ("exit", r"^exited \(status 1\) while the original kept running: SERVICE_NAME is not set$"),
}


@pytest.fixture(scope="module")
def kept(engine):
    """Tags kept while the module runs, so every verify reuses the layers of the ones before."""
    tags: list[str] = []
    yield tags
    for tag in tags:
        engine.remove_image(tag)


def run(engine, kept: list[str], rewrite: str):
    started = time.monotonic()
    report = verify(
        (SERVICE / "Dockerfile").read_text(),
        (SERVICE / f"Dockerfile.{rewrite}").read_text(),
        SERVICE,
        engine=engine,
        keep=True,
    )
    kept += [report.original.tag, report.rewritten.tag]
    print(
        f"\n{engine.name} {rewrite}: {time.monotonic() - started:.1f}s; ok={report.ok}; "
        f"differences={[(d.kind, d.message) for d in report.differences]}"
    )
    return report


@pytest.fixture(scope="module")
def good(engine, kept):
    return run(engine, kept, "good")


def test_the_original_is_seen_as_it_is(good):
    report = good
    original = report.original
    assert original.stayed_up and original.exit_code is None
    assert original.ports == PORTS
    answer = original.port_answers["8080/tcp"]
    assert (answer["status"], answer["body"], answer["stable"]) == (200, "orders says good morning", True)
    assert answer["content_type"] == "text/plain; charset=utf-8"
    assert original.zone["name"] == "America/New_York" and original.zone["times"] == NEW_YORK
    assert original.errors == []
    assert original.os_packages > 100  # the golang image's Debian packages
    assert report.packages_removed == original.os_packages and report.rewritten.os_packages == 0


@pytest.mark.parametrize("rewrite", ["good", "good-embedded"])
def test_good_rewrites_verify(engine, kept, good, rewrite):
    report = good if rewrite == "good" else run(engine, kept, rewrite)
    assert report.ok, report.reason
    assert report.differences == [] and report.reason == ""
    after = report.rewritten
    assert after.stayed_up and after.ports == PORTS and after.errors == []
    assert after.port_answers == report.original.port_answers
    assert after.zone["times"] == NEW_YORK
    source = "the binary (timetzdata)" if rewrite == "good-embedded" else "/usr/share/zoneinfo/America/New_York"
    assert after.zone["source"] == source
    assert after.static is True and after.non_root
    assert report.size_ratio > 50


@pytest.mark.parametrize("control", CONTROLS)
def test_each_broken_rewrite_fails_with_its_reason(engine, kept, control):
    kind, message = CONTROLS[control]
    report = run(engine, kept, control)
    assert not report.ok
    first = report.differences[0]
    assert first.kind == kind, report.differences
    assert re.match(message, first.message), first.message
    assert report.reason.startswith(first.message)
    kinds = [d.kind for d in report.differences]
    # Only the missing config shows twice: in the log, and in the greeting GET / answers.
    assert kinds == (["log", "http"] if control == "missing-config" else [kind])
    assert report.rewritten.static is True and report.rewritten.non_root  # the old checks still pass


def test_the_cli_names_the_difference_in_text_and_json(engine, kept):
    env = {**os.environ, "GOSLIM_GO_BUILD_CACHE": str(go_build_cache())}
    env.pop("FORCE_COLOR", None)
    argv = [
        sys.executable,
        "-m",
        "rewriter.cli",
        "verify",
        "--engine",
        engine.name,
        "--original",
        str(SERVICE / "Dockerfile"),
        str(SERVICE / "Dockerfile.lost-zone"),
    ]
    text = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=900)
    assert text.returncode == 1, text.stdout + text.stderr
    assert re.search(r"^not verified: time zone differs: original sees America/New_York", text.stdout, re.M)
    done = subprocess.run([*argv, "--format", "json"], capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 1, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert document["verified"] is False
    assert [d["kind"] for d in document["report"]["differences"]] == ["zone"]
    assert document["report"]["rewritten"]["zone"]["name"] == "UTC"
