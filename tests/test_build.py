"""The installed package is the one being tested: its hot modules compiled by mypyc, and
compiled from the sources as they are now.

A compiled module checks its type annotations at run time and has no module docstring,
so the compiled build must be the one the tests run; ``GOSLIM_PURE_PYTHON=1`` at install
time (for editing those modules) is the one way to test plain Python instead.
"""

from __future__ import annotations

import glob
import importlib
import importlib.machinery
import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest
from conftest import ROOT, corpus_files, requires_corpus

PURE = os.environ.get("GOSLIM_PURE_PYTHON") == "1"


def _compiled_names() -> list[str]:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["goslim-build"]["compiled"]
    paths = sorted({p for pattern in patterns for p in glob.glob(pattern, root_dir=ROOT)})
    return [p[: -len(".py")].replace("/", ".") for p in paths]


def test_the_compiled_list_names_the_modules_every_rewrite_runs_through():
    names = _compiled_names()
    for hot in (
        "rewriter.syntax.lexer",
        "rewriter.syntax.parser",
        "rewriter.analysis",
        "rewriter.engine",
        "rewriter.passes.split_stages",
    ):
        assert hot in names
    assert "rewriter.passes.__init__" not in names and "rewriter.cli" not in names


@pytest.mark.skipif(PURE, reason="installed with GOSLIM_PURE_PYTHON=1: plain Python by request")
@pytest.mark.parametrize("name", _compiled_names())
def test_module_is_compiled(name):
    module = importlib.import_module(name)
    assert module.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)), (
        f"{name} is plain Python ({module.__file__}): the mypyc build did not happen; "
        "reinstall and read what pip prints (goslim: ... installing plain Python)"
    )


@pytest.mark.skipif(PURE, reason="installed with GOSLIM_PURE_PYTHON=1: Final fields are checked by mypy only")
def test_compiled_nodes_refuse_assignment():
    import rewriter

    ins = rewriter.parse("FROM scratch\n").stages[0].from_instruction
    with pytest.raises(AttributeError):
        ins.indent = "  "  # type: ignore[misc]
    assert ins.code == "FROM scratch\n"


# Rewrites each file named on stdin and prints what came of it, one JSON line a file.
_SUMMARY = """
import hashlib, json, sys
import rewriter
for path in sys.stdin.read().splitlines():
    text = open(path, encoding="utf-8", errors="surrogateescape").read()
    try:
        result = rewriter.rewrite(text)
    except rewriter.ParseError as exc:
        row = ["error", str(exc)]
    else:
        row = [result.status.value, hashlib.sha256(result.code.encode("utf-8", "surrogateescape")).hexdigest(),
               [[d.code, d.severity.value, d.message, d.line, d.column] for d in result.diagnostics]]
    print(json.dumps([path, row]))
print(json.dumps(["compiled", rewriter.compiled()]))
"""


def _summaries(python_path: str) -> tuple[dict, bool]:
    files = "\n".join(str(p) for p in corpus_files())
    env = {**os.environ, "PYTHONPATH": python_path}
    proc = subprocess.run(
        [sys.executable, "-c", _SUMMARY], input=files, capture_output=True, text=True, env=env, cwd=python_path
    )
    assert proc.returncode == 0, proc.stderr
    rows = dict(json.loads(line) for line in proc.stdout.splitlines())
    return rows, rows.pop("compiled")


@requires_corpus
@pytest.mark.skipif(PURE, reason="installed with GOSLIM_PURE_PYTHON=1: there is no compiled build to compare with")
def test_plain_python_gives_the_compiled_results(tmp_path):
    """The fallback (no C compiler) runs the same sources uncompiled: every corpus file
    must come out the same, byte for byte and diagnostic for diagnostic."""
    plain = tmp_path / "plain"
    shutil.copytree(ROOT / "rewriter", plain / "rewriter", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    shutil.copytree(ROOT / "grammar", plain / "rewriter" / "grammar", ignore=shutil.ignore_patterns("__pycache__"))
    compiled_rows, compiled_flag = _summaries(str(ROOT))
    plain_rows, plain_flag = _summaries(str(plain))
    assert (compiled_flag, plain_flag) == (True, False)
    assert len(plain_rows) == len(corpus_files())
    assert plain_rows == compiled_rows
