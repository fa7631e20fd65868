"""The library entry points: parse, print, rewrite, and file helpers that keep encodings."""

from __future__ import annotations

import os
from pathlib import Path

from rewriter.config import DEFAULTS, Config
from rewriter.diagnostics import RewriteResult
from rewriter.files import SourceFile, read_source, write_atomic
from rewriter.syntax.nodes import Dockerfile, Node
from rewriter.syntax.parser import parse

__all__ = ["parse", "print", "rewrite", "parse_file", "write_file"]


def print(node: Node) -> str:  # noqa: A001 - the library's name for "tree to text"
    """The source text of a tree (or any node): ``print(parse(s)) == s``."""
    return node.code


def rewrite(source: str, config: Config | None = None, *, context: str | os.PathLike | None = None) -> RewriteResult:
    """Rewrite a Go service's Dockerfile into a multi-stage FROM scratch build.

    ``context`` is the build context directory (for reading go.mod and the Go sources);
    without it the rewrite relies on what the Dockerfile shows.
    """
    from rewriter.engine import rewrite as _rewrite

    return _rewrite(source, config or DEFAULTS, context=Path(context) if context is not None else None)


def parse_file(path: str | os.PathLike) -> tuple[Dockerfile, SourceFile]:
    """Read a Dockerfile (UTF-8 with or without BOM, UTF-16/32 with BOM) and parse it.

    The SourceFile remembers the encoding, so ``write_file`` can put the result back the
    same way. Raises ``files.SourceError`` for unreadable files and ``ParseError`` for
    text BuildKit rejects.
    """
    source = read_source(path)
    return parse(source.text), source


def write_file(source: SourceFile, text: str) -> None:
    """Atomically replace the file ``source`` was read from, in its original encoding;
    refuses when the file changed on disk since it was read."""
    write_atomic(source.path, text, source.encoding, expected=source.stat, bom=source.bom)


