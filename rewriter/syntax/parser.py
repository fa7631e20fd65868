"""Text to lossless syntax tree: the line lexer's tokens, assembled by the LALR(1) table
generated from the grammar (grammar/dockerfile.lark, see rewriter.syntax.generate).

The table is a few dozen states over six coarse tokens, so running it takes a short loop
and no parser library: a run does not import Lark, nor build a parser from the grammar.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator

from rewriter.syntax import buildkit, parse_table
from rewriter.syntax.errors import ParseError
from rewriter.syntax.lexer import lex
from rewriter.syntax.nodes import (
    Comment,
    Continuation,
    Dockerfile,
    HeredocBody,
    Instruction,
    Segment,
    Stage,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Final

    from rewriter.syntax.lexer import RawToken

# The nodes the grammar's named rules build from their children. A child is a token (the
# lexer's tuple), a list of items (a heredoc instruction after its leading lines) or a Stage.


def _heredoc_instruction(children: list) -> list:
    return _with_leading(children[0][2], tuple([_heredoc(t[2]) for t in children[1:]]))


def _stage(children: list) -> Stage:
    return Stage(tuple(_items(children)))


def _file(children: list) -> Dockerfile:
    bom = ""
    directives = []
    rest = []
    for child in children:
        if type(child) is tuple and child[0] == "BOM":
            bom = "\ufeff"
        elif type(child) is tuple and child[0] == "DIRECTIVE":
            directives.append(child[2])
        else:
            rest.append(child)
    stages = tuple(c for c in rest if type(c) is Stage)
    preamble = tuple(_items(c for c in rest if type(c) is not Stage))
    return Dockerfile(bom, tuple(directives), preamble, stages)


BUILDERS: Final[dict[str, Callable[[list], object]]] = {
    "start": _file,
    "stage": _stage,
    "heredoc_instruction": _heredoc_instruction,
}


def _with_leading(info, heredocs) -> list:
    """The instruction's leading comment/blank lines followed by the instruction."""
    return [*info[0], build_instruction(info[1:], heredocs)]


def _items(children) -> list:
    """Unfold a rule's children into items: instructions are built here from the tokens'
    infos; comment and blank lines are nodes already."""
    items: list = []
    for child in children:
        if type(child) is list:  # a heredoc instruction, after its leading lines
            items += child
        elif child[0] == "ITEMS":
            for piece in child[2]:
                items.append(build_instruction(piece, ()) if type(piece) is tuple else piece)
        else:  # FROM
            items += _with_leading(child[2], ())
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


# What each rule does on a reduce: how many values it takes off the stack, which of them
# are spliced (an inlined _rule's children) rather than kept, and the builder of its node
# (None for an inlined rule: its value is the list of its children).
_REDUCTIONS: Final = tuple(
    (origin, len(ops), ops, None if origin.startswith("_") else BUILDERS[origin]) for origin, ops in parse_table.RULES
)


def _assemble(tokens: Iterator[RawToken]) -> Dockerfile:
    """Run the LALR(1) table over the tokens, building nodes as rules are reduced."""
    table = parse_table.STATES
    states: list[int] = [parse_table.START]
    values: list = []
    for token in tokens:
        _feed(table, states, values, token)
    _feed(table, states, values, (parse_table.END, "", None, 0))
    return values[-1]


def _feed(table: tuple[dict[str, int], ...], states: list[int], values: list, token: RawToken) -> None:
    kind = token[0]
    while True:
        action = table[states[-1]].get(kind)
        if action is None:  # the lexer guarantees the token order; this is a defect guard
            raise ParseError(f"cannot parse: unexpected {kind}", max(token[3], 1), 1)
        if action >= 0:
            states.append(action)
            values.append(token)
            return
        origin, size, ops, build = _REDUCTIONS[~action]
        taken = values[len(values) - size :]
        del values[len(values) - size :]
        del states[len(states) - size :]
        children: list = []
        for op, value in zip(ops, taken, strict=True):
            if op == "k":
                children.append(value)
            elif op == "s":
                children += value
        values.append(children if build is None else build(children))
        states.append(table[states[-1]][origin])
        if kind == parse_table.END and states[-1] == parse_table.ACCEPT:
            return


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
    return _assemble(lex(source))
