"""Text to lossless syntax tree: the Lark LALR parser over the line lexer."""

from __future__ import annotations

import functools
import gc
import importlib
import os
from functools import lru_cache
from typing import cast

from lark import Lark, Transformer
from lark.exceptions import LarkError

from rewriter.syntax import buildkit
from rewriter.syntax.errors import ParseError
from rewriter.syntax.lexer import DockerfileLexer, lex
from rewriter.syntax.nodes import (
    Comment,
    Continuation,
    Dockerfile,
    HeredocBody,
    Instruction,
    Segment,
    Stage,
)
from rewriter.syntax.tokens import LineToken


class _Build(Transformer):
    """Builds the tree while Lark parses (no intermediate Lark tree)."""

    def heredoc_instruction(self, children):
        return _with_leading(children[0].info, tuple([_heredoc(t.info) for t in children[1:]]))

    def stage(self, children):
        return Stage(tuple(_items(children)))

    def start(self, children):
        bom = ""
        directives = []
        rest = []
        for child in children:
            if type(child) is LineToken and child.type == "BOM":
                bom = "\ufeff"
            elif type(child) is LineToken and child.type == "DIRECTIVE":
                directives.append(child.info)
            else:
                rest.append(child)
        stages = tuple(c for c in rest if type(c) is Stage)
        preamble = tuple(_items(c for c in rest if type(c) is not Stage))
        return Dockerfile(bom, tuple(directives), preamble, stages)


def _with_leading(info, heredocs) -> tuple:
    """The instruction's leading comment/blank lines followed by the instruction."""
    return (*info[0], build_instruction(info[1:], heredocs))


def _items(children) -> list:
    """Unfold a rule's children into items: instructions are built here from the tokens'
    infos (a custom lexer gets no token callbacks); comment and blank lines are nodes already."""
    items: list = []
    for child in children:
        if type(child) is tuple:  # a heredoc instruction, after its leading lines
            items += child
        elif child.type == "ITEMS":
            for piece in child.info:
                items.append(build_instruction(piece, ()) if type(piece) is tuple else piece)
        else:
            items += _with_leading(child.info, ())
    return items


def _heredoc(info) -> HeredocBody:
    spec, lines, terminator = info
    return HeredocBody(spec.name, spec.chomp, spec.file_descriptor, spec.expand, lines, terminator)


def build_instruction(info, heredocs: tuple[HeredocBody, ...]) -> Instruction:
    """Assemble an instruction from its physical lines, slicing the logical line into
    keyword, flags and arguments while every continuation stays where it was written."""
    entries, line, escape, word, split, command = info
    indent, text, marker, newline = entries[0]
    if len(entries) == 1 and not marker:
        parts: list = [text] if text else []
    else:
        parts = [text] if text else []
        skipped: list = []
        for entry in entries[1:]:
            if type(entry) is not tuple:
                skipped.append(entry)
                continue
            parts.append(Continuation(marker, newline, tuple(skipped)))
            skipped = []
            _, text, marker, newline = entry
            if text:
                parts.append(text)
        if marker:
            parts.append(Continuation(marker, newline, tuple(skipped)))
            newline = ""
    if split is None and "--" not in line:  # no flags: the keyword is the command word
        cut = len(line) - len(line.lstrip(buildkit.GO_SPACES)) + len(word)
        flagless = True
    else:
        if split is None:
            split = buildkit.split_command(line)
        cut = split.cmd_span[1]
        flagless = not split.flag_spans
    if flagless and len(parts) == 1 and type(parts[0]) is str:
        keyword, rest = parts[0][:cut], parts[0][cut:]
        ins = Instruction(indent, Segment((keyword,)), (), Segment((rest,) if rest else ()), newline, heredocs, escape)
    else:
        bounds = [cut, len(line)] if flagless else [cut, *(end for _, end in split.flag_spans), len(line)]
        regions = _cut(parts, bounds)
        ins = Instruction(
            indent=indent,
            keyword=Segment(tuple(regions[0])),
            flags=tuple(Segment(tuple(r)) for r in regions[1:-1]),
            arguments=Segment(tuple(regions[-1])),
            newline=newline,
            heredocs=heredocs,
            escape=escape,
        )
    ins.remember(line, command, split)  # what the lexer already worked out
    return ins


def _cut(parts: list, ends: list[int]) -> list[list]:
    """Split parts at the logical offsets ``ends`` (region i ends at ends[i]). A continuation
    at a boundary goes to the region that starts there."""
    regions: list[list] = [[] for _ in ends]
    last = len(ends) - 1
    r = 0
    pos = 0
    for part in parts:
        if type(part) is not str:
            while r < last and pos >= ends[r]:
                r += 1
            regions[r].append(part)
            continue
        text = part
        while text:
            while r < last and pos >= ends[r]:
                r += 1
            take = len(text) if r == last else min(len(text), ends[r] - pos)
            regions[r].append(text[:take])
            text = text[take:]
            pos += take
    return regions


def _grammar() -> str:
    # Read next to the package's own file rather than through importlib.resources, whose
    # import (zipfile, tempfile, shutil...) costs a cold start several milliseconds.
    # (by name: in a source checkout the package is the top-level grammar/ folder)
    folder = os.path.dirname(importlib.import_module("rewriter.grammar").__file__ or "")
    with open(os.path.join(folder, "dockerfile.lark"), encoding="utf-8") as handle:
        return handle.read()


def _cache_file() -> str | None:
    """Where the built parser is kept between runs, so that a run does not pay for the
    grammar's analysis: the user's cache folder, never a shared temporary one (the file is
    unpickled). Lark checks that it was built from this grammar with this Lark and Python,
    and rebuilds it otherwise. None when there is no such folder."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    folder = os.path.join(base, "goslim")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return os.path.join(folder, "dockerfile-parser.lark-cache")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(_grammar(), parser="lalr", lexer=DockerfileLexer, transformer=_Build(), maybe_placeholders=False,
                cache=_cache_file() or False)


def _without_gc(fn):
    """Run ``fn`` with the cycle collector paused. Trees have no reference cycles, so the
    collector has nothing to find in them; left on, it walks the growing tree again and
    again and doubles the time of a big file."""

    @functools.wraps(fn)
    def run(source):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return fn(source)
        finally:
            if collecting:
                gc.enable()

    return run


@_without_gc
def parse_outline(source: str) -> Dockerfile:
    """The parser directives, the comment lines, the global ARGs and the FROM lines of a
    file, and nothing else: enough to tell whether goslim has anything to do with it, at
    the cost of the line lexer alone. Raises ParseError exactly where ``parse`` does (the
    grammar only assembles what the lexer has judged). Not lossless: never print it."""
    if not isinstance(source, str):
        raise TypeError("parse_outline() takes the Dockerfile as str")
    bom = ""
    directives: list = []
    preamble: list = []
    stages: list[list] = []
    for kind, _, info, _ in lex(source):
        if kind == "ITEMS":
            items = stages[-1] if stages else preamble
            for piece in info:
                if type(piece) is not tuple:
                    if type(piece) is Comment:
                        items.append(piece)
                elif not stages and piece[3].lower() == "arg":  # its command word
                    items.append(build_instruction(piece, ()))
        elif kind == "FROM":
            stages.append([c for c in info[0] if type(c) is Comment])
            stages[-1].append(build_instruction(info[1:], ()))
        elif kind == "HEREDOC_INSTRUCTION":
            (stages[-1] if stages else preamble).extend(c for c in info[0] if type(c) is Comment)
        elif kind == "DIRECTIVE":
            directives.append(info)
        elif kind == "BOM":
            bom = "\ufeff"
    return Dockerfile(bom, tuple(directives), tuple(preamble), tuple(Stage(tuple(s)) for s in stages))


@_without_gc
def parse(source: str) -> Dockerfile:
    """Parse Dockerfile text into a lossless tree; raises ParseError where BuildKit would."""
    if not isinstance(source, str):
        raise TypeError("parse() takes the Dockerfile as str; decode bytes with rewriter.parse_file")
    try:
        return cast(Dockerfile, _lark().parse(source))
    except ParseError:
        raise
    except LarkError as exc:  # the lexer guarantees the token order; this is a defect guard
        raise ParseError(f"cannot parse: {exc.__class__.__name__}", 1, 1) from None
