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
import os
import tomllib

import pytest

from conftest import ROOT

PURE = os.environ.get("GOSLIM_PURE_PYTHON") == "1"


def _compiled_names() -> list[str]:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["goslim-build"]["compiled"]
    paths = sorted({p for pattern in patterns for p in glob.glob(pattern, root_dir=ROOT)})
    return [p[: -len(".py")].replace("/", ".") for p in paths]


def test_the_compiled_list_names_the_modules_every_rewrite_runs_through():
    names = _compiled_names()
    for hot in ("rewriter.syntax.lexer", "rewriter.syntax.parser", "rewriter.analysis", "rewriter.engine",
                "rewriter.passes.split_stages"):
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
