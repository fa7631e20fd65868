"""goslim: rewrite the Dockerfiles of Go services into small, hardened FROM scratch images.

The library API::

    tree = rewriter.parse(text)          # lossless syntax tree; rewriter.ParseError on bad input
    rewriter.print(tree) == text         # printing an unchanged tree gives the input back
    result = rewriter.rewrite(text)      # RewriteResult: .code, .changed, .diagnostics, .applied
    tree, source = rewriter.parse_file(path)   # keeps the file's encoding and line endings

Names are imported on first use so that ``goslim --version`` starts instantly.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "parse": "rewriter.api",
    "parse_file": "rewriter.api",
    "write_file": "rewriter.api",
    "print": "rewriter.api",
    "rewrite": "rewriter.api",
    "buildkit_json": "rewriter.syntax.dump",
    "ParseError": "rewriter.syntax.errors",
    "Dockerfile": "rewriter.syntax.nodes",
    "Instruction": "rewriter.syntax.nodes",
    "Stage": "rewriter.syntax.nodes",
    "RewriteResult": "rewriter.diagnostics",
    "Diagnostic": "rewriter.diagnostics",
    "Severity": "rewriter.diagnostics",
    "Status": "rewriter.diagnostics",
    "Config": "rewriter.config",
}

__all__ = ["__version__", "compiled", *_LAZY]


def compiled() -> bool:
    """Whether this install runs the modules mypyc compiled (see setup.py), found without
    importing them."""
    from importlib.util import find_spec

    spec = find_spec("rewriter.syntax.parser")
    return spec is not None and spec.origin is not None and not spec.origin.endswith(".py")


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rewriter' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
