"""Small, pure edits on the syntax tree, shared by the passes.

Nodes are found by identity, so an edit touches exactly the item a pass looked at even
when another item has the same text. New instructions are written as text in the
file's own newline and escape style and parsed, so they are ordinary nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rewriter.syntax.buildkit import GO_SPACES
from rewriter.syntax.nodes import BlankLine, Continuation, Dockerfile, Instruction, Item, Segment, Stage
from rewriter.syntax.parser import parse


def make_items(lines: Sequence[str], newline: str = "\n", escape: str = "\\") -> list[Item]:
    """Instructions from lines of Dockerfile text (no trailing newline needed): new nodes
    on every call, since items are found by identity."""
    return [_fresh(item) for item in _parsed(tuple(lines), newline, escape)]


@lru_cache(maxsize=1024)
def _parsed(lines: tuple[str, ...], newline: str, escape: str) -> tuple[Item, ...]:
    """The parse of some lines, once per text: the passes add the same lines to many files."""
    prefix = f"# escape={escape}{newline}" if escape != "\\" else ""
    return tuple(parse(prefix + newline.join(lines) + newline).items())


def _fresh(item: Item) -> Item:
    """A new node equal to ``item``, knowing what it already worked out."""
    new = item.replace()
    if isinstance(item, Instruction) and isinstance(new, Instruction):
        new.remember(item.logical_line, item.command)
    return new


def _with_newline(item: Item, newline: str) -> list[Item]:
    """The item ending its line, so that something can follow it (more than one item when
    the file ended inside a continuation)."""
    if type(item) is Instruction:
        if item.heredocs:
            return [item]
        parts = item.arguments.parts
        if parts and type(parts[-1]) is Continuation:
            return _close_continuation(item, newline)
        if item.newline:
            return [item]
        return [item.with_changes(newline=newline)]
    if item.newline:
        return [item]
    return [item.with_changes(newline=newline)]


def _close_continuation(ins: Instruction, newline: str) -> list[Item]:
    """An instruction whose last line continues at the end of the file (``RUN a \\``)
    would pull whatever is put after it into itself. There the continuation joins nothing,
    so its escape characters are dropped: BuildKit reads the same instruction, and the
    lines the continuation skipped become comment and blank lines after it."""
    parts = list(ins.arguments.parts)
    k = len(parts)
    while k:
        last = parts[k - 1]
        if isinstance(last, str) and last.strip(GO_SPACES):
            break
        k -= 1
    head, tail = parts[:k], parts[k:]
    first = next(i for i, p in enumerate(tail) if not isinstance(p, str))
    head += tail[:first]
    closing = tail[first]
    assert isinstance(closing, Continuation)
    after: list[Item] = list(closing.skipped)
    blank = ""
    for part in tail[first + 1 :]:
        if isinstance(part, str):
            blank += part
        else:
            after += [BlankLine(blank, part.newline), *part.skipped]
            blank = ""
    closed = ins.with_changes(arguments=Segment(tuple(head)), newline=closing.newline or newline)
    if after and not after[-1].newline:
        after[-1] = after[-1].with_changes(newline=newline)
    return [closed, *after]


def _replace_in(items: tuple[Item, ...], old: Item, new: Sequence[Item]) -> tuple[tuple[Item, ...], bool]:
    for i, item in enumerate(items):
        if item is old:
            return items[:i] + tuple(new) + items[i + 1 :], True
    return items, False


def replace_item(tree: Dockerfile, old: Item, new: Sequence[Item]) -> Dockerfile:
    """Replace one item (found by identity) by zero or more items."""
    pre, done = _replace_in(tree.preamble, old, new)
    if done:
        return tree.with_changes(preamble=pre)
    stages = list(tree.stages)
    for i, stage in enumerate(stages):
        items, done = _replace_in(stage.items, old, new)
        if done:
            stages[i] = Stage(items)
            return tree.with_changes(stages=tuple(stages))
    raise ValueError("item is not part of the tree")


def insert_after(tree: Dockerfile, anchor: Item, new: Sequence[Item], newline: str) -> Dockerfile:
    return replace_item(tree, anchor, [*_with_newline(anchor, newline), *new])


def insert_before(tree: Dockerfile, anchor: Item, new: Sequence[Item]) -> Dockerfile:
    return replace_item(tree, anchor, [*new, anchor])


def append_stage(tree: Dockerfile, items: Sequence[Item], newline: str) -> Dockerfile:
    """Add a stage at the end, after a blank line."""
    stages = list(tree.stages)
    last = stages[-1]
    last_items = list(last.items)
    last_items[-1:] = _with_newline(last_items[-1], newline)
    if type(last_items[-1]) is not BlankLine:
        last_items.append(BlankLine("", newline))
    stages[-1] = Stage(tuple(last_items))
    stages.append(Stage(tuple(items)))
    return tree.with_changes(stages=tuple(stages))


def replace_stage(tree: Dockerfile, index: int, stage: Stage) -> Dockerfile:
    stages = list(tree.stages)
    stages[index] = stage
    return tree.with_changes(stages=tuple(stages))


def edit_arguments(ins: Instruction, edits: Sequence[tuple[int, int, str]]) -> Instruction:
    """Apply (start, end, text) replacements to the instruction's logical argument text.

    Offsets are those of ``ins.arguments.value``; continuations and the comments inside
    them stay in place. Edits are applied from the last to the first so offsets hold.
    """
    segment = ins.arguments
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        segment = segment.replace_span(start, end, text)
    return ins.with_changes(arguments=segment)


def json_array(words: Sequence[str]) -> str:
    import json

    return json.dumps(list(words), ensure_ascii=False)


def keyword_case(ins: Instruction, word: str) -> str:
    """``word`` in the case the file writes its keywords (``AS`` or ``as``)."""
    return word.lower() if ins.keyword.value.strip().islower() else word.upper()
