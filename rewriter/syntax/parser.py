"""Text to lossless syntax tree: the Lark LALR parser over the line lexer."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from lark import Lark, Transformer
from lark.exceptions import LarkError

from rewriter.syntax import buildkit, nodes
from rewriter.syntax.errors import ParseError
from rewriter.syntax.lexer import DockerfileLexer, LineToken
from rewriter.syntax.nodes import (
    BlankLine,
    Comment,
    Continuation,
    Dockerfile,
    HeredocBody,
    Instruction,
    Segment,
    Stage,
)

_LINE_KINDS = frozenset({"FIRST_LINE", "FIRST_CONT", "MID_CONT", "MID_LINE"})
_SKIPPED_KINDS = frozenset({"SKIP_COMMENT", "SKIP_BLANK"})


class _Build(Transformer):
    """Builds the tree while Lark parses (no intermediate Lark tree)."""

    def heredoc(self, children):
        *body, terminator = children
        spec = terminator.info
        return HeredocBody(
            name=spec.name,
            chomp=spec.chomp,
            file_descriptor=spec.file_descriptor,
            expand=spec.expand,
            lines=tuple(str(t) for t in body),
            terminator=str(terminator),
        )

    def instruction(self, children):
        return build_instruction(children)

    def start(self, children):
        bom = ""
        directives = []
        items = []
        for child in children:
            if type(child) is LineToken:
                kind = child.type
                if kind == "BOM":
                    bom = "\ufeff"
                elif kind == "DIRECTIVE":
                    directives.append(child.info)
                else:
                    items.append(child.info)
            else:
                items.append(child)
        return _group_stages(bom, tuple(directives), items)


def build_instruction(children) -> Instruction:
    """Assemble an instruction from its line tokens, slicing the logical line into keyword,
    flags and arguments while every continuation stays where it was written."""
    parts: list = []
    heredocs: list[HeredocBody] = []
    indent = ""
    newline = ""
    meta = None
    open_cont = None  # [marker, newline, skipped] of the continuation being filled
    for child in children:
        if type(child) is HeredocBody:
            heredocs.append(child)
            continue
        kind = child.type
        if kind in _SKIPPED_KINDS:
            open_cont[2].append(child.info)
            continue
        line_indent, text, marker, line_newline, line_meta = child.info
        if kind == "FIRST_LINE" or kind == "FIRST_CONT":
            indent = line_indent
        if open_cont is not None:
            parts.append(Continuation(open_cont[0], open_cont[1], tuple(open_cont[2])))
            open_cont = None
        if text:
            parts.append(text)
        if marker:
            open_cont = [marker, line_newline, []]
        else:
            newline = line_newline
        if line_meta is not None:
            meta = line_meta
    if open_cont is not None:
        parts.append(Continuation(open_cont[0], open_cont[1], tuple(open_cont[2])))
    line, escape, split, command = meta
    nodes._COMMAND_CACHE[(line, escape)] = command
    bounds = [split.cmd_span[1]] + [end for _, end in split.flag_spans] + [len(line)]
    regions = _cut(parts, bounds)
    return Instruction(
        indent=indent,
        keyword=Segment(tuple(regions[0])),
        flags=tuple(Segment(tuple(r)) for r in regions[1:-1]),
        arguments=Segment(tuple(regions[-1])),
        newline=newline,
        heredocs=tuple(heredocs),
        escape=escape,
    )


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


def _group_stages(bom: str, directives: tuple, items: list) -> Dockerfile:
    """Items before the first FROM form the preamble; each FROM opens a stage. Comments and
    blank lines stay with the stage they follow."""
    preamble: list = []
    stages: list[list] = []
    current = preamble
    seen_instruction = False
    for item in items:
        if type(item) is Instruction:
            seen_instruction = True
            if item.name == "FROM":
                current = []
                stages.append(current)
        current.append(item)
    if not seen_instruction:
        lines = sum(i.code.count("\n") for i in items) + sum(d.code.count("\n") for d in directives)
        raise ParseError("file with no instructions", max(lines, 1), 1)
    return Dockerfile(bom, directives, tuple(preamble), tuple(Stage(tuple(s)) for s in stages))


def _grammar() -> str:
    return (resources.files("rewriter.grammar") / "dockerfile.lark").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(_grammar(), parser="lalr", lexer=DockerfileLexer, transformer=_Build(), maybe_placeholders=False)


def parse(source: str) -> Dockerfile:
    """Parse Dockerfile text into a lossless tree; raises ParseError where BuildKit would."""
    if not isinstance(source, str):
        raise TypeError("parse() takes the Dockerfile as str; decode bytes with rewriter.parse_file")
    try:
        return _lark().parse(source)
    except ParseError:
        raise
    except LarkError as exc:  # the lexer guarantees the token order; this is a defect guard
        raise ParseError(f"cannot parse: {exc.__class__.__name__}", 1, 1) from None
