"""Shared fixtures: snapshots live under snapshots/, corpus files come from ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.extensions.amber import AmberSnapshotExtension

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


class _ProjectSnapshots(AmberSnapshotExtension):
    """Keep every snapshot under the top-level snapshots/ folder, one file per test module."""

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(ROOT / "snapshots")


@pytest.fixture
def snapshot(snapshot):
    return snapshot.use_extension(_ProjectSnapshots)


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
