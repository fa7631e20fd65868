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


def rewrite(
    source: str,
    config: Config | None = None,
    *,
    context: str | os.PathLike | None = None,
    dockerfile: str | os.PathLike | None = None,
    cwd: str | os.PathLike | None = None,
) -> RewriteResult:
    """Rewrite a Go service's Dockerfile into a multi-stage FROM scratch build.

    ``context`` is the build context directory (for reading go.mod and the Go sources).
    ``dockerfile`` is where the text lives on disk: without ``context``, goslim finds the
    context from there as ``goslim rewrite FILE`` does (result.context_source says how).
    ``cwd`` is for text read from standard input: that folder is the context when the
    build's COPY sources are there. With none of these, the rewrite relies on what the
    Dockerfile shows (GS301 says so). ``go list`` is asked
    when the config's go-list is "always" or "auto" (the default) and ``go`` is on PATH.
    """
    from rewriter.engine import rewrite as _rewrite
    from rewriter.sources import SourceRequest

    config = config or DEFAULTS
    request = SourceRequest(
        dockerfile=Path(dockerfile) if dockerfile is not None else None,
        context=Path(context) if context is not None else None,
        context_kind="argument",
        stdin=cwd is not None,
        cwd=Path(cwd) if cwd is not None else None,
        go=go_for(config, single=True),
    )
    return _rewrite(source, config, sources=request)


def go_for(config: Config, *, single: bool) -> str | None:
    """The go command to ask ``go list`` with, or None for the static reader: go-list
    "always", or "auto" for a single Dockerfile, and a ``go`` to run."""
    if config.go_list == "never" or (config.go_list == "auto" and not single):
        return None
    from rewriter.goprogram.golist import go_command

    return go_command()


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
