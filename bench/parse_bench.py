"""Parse the whole corpus with goslim, BuildKit's own parser and dockerfile-parse, side by side.

The files are read and decoded once; each parser then gets the same in-memory texts (the
files BuildKit accepts). The parsers take turns, N rounds, and each figure is the best
round; time is the CPU time of this process (all its threads, so Go's too), which a busy
machine disturbs far less than the wall clock. goslim is timed twice:
``parse`` alone (the lossless tree; instruction values are worked out when first asked
for) and ``parse`` + ``buildkit_json`` (every field BuildKit's parse returns).

Run: /work/venv/bin/python bench/parse_bench.py [--runs N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import time
from pathlib import Path

import dockerfile
from dockerfile_parse import DockerfileParser

import rewriter
from rewriter.files import decode_source
from rewriter.syntax import nodes

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def load(corpus: Path) -> list[str]:
    """Every corpus file BuildKit accepts, decoded."""
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    texts = []
    for row in rows:
        data = (corpus / row.split("\t")[0]).read_bytes()
        if not data:
            continue
        text = decode_source(data).text
        try:
            dockerfile.parse_string(text)
        except dockerfile.GoParseError:
            continue
        texts.append(text)
    return texts


def goslim_tree(texts: list[str], _encoded) -> None:
    for text in texts:
        rewriter.parse(text)


def goslim_fields(texts: list[str], _encoded) -> None:
    for text in texts:
        rewriter.buildkit_json(rewriter.parse(text))


def buildkit(texts: list[str], _encoded) -> None:
    for text in texts:
        dockerfile.parse_string(text)


def dockerfile_parse(_texts, encoded: list[bytes]) -> None:
    for data in encoded:
        _ = DockerfileParser(fileobj=io.BytesIO(data)).structure


def timed(fn, texts: list[str], encoded: list[bytes]) -> float:
    nodes._COMMAND_CACHE.clear()  # no round profits from an earlier one
    gc.collect()
    start = time.process_time()
    fn(texts, encoded)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2

    texts = load(args.corpus)
    encoded = [t.removeprefix("\ufeff").encode("utf-8") for t in texts]
    lines = sum(t.count("\n") + (not t.endswith("\n")) for t in texts)
    rewriter.parse(texts[0])  # import the parser's modules outside the timing

    parsers = [
        ("goslim parse", goslim_tree),
        ("goslim parse + buildkit_json", goslim_fields),
        ("BuildKit (dockerfile.parse_string)", buildkit),
        ("dockerfile-parse (.structure)", dockerfile_parse),
    ]
    print(
        f"goslim {'compiled with mypyc' if rewriter.compiled() else 'plain Python'}; "
        f"{len(texts)} files, {lines} lines, "
        f"{sum(map(len, encoded)) / 1e6:.2f} MB; best of {args.runs} rounds, CPU time"
    )
    print(f"{'parser':<36} {'ms':>9} {'lines/s':>12} {'vs BuildKit':>12}")
    times = {name: float("inf") for name, _ in parsers}
    for _ in range(args.runs):
        for name, fn in parsers:
            times[name] = min(times[name], timed(fn, texts, encoded))
    reference = times["BuildKit (dockerfile.parse_string)"]
    for name, seconds in times.items():
        print(f"{name:<36} {seconds * 1000:>9.1f} {lines / seconds:>12,.0f} {seconds / reference:>11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
