"""The lossless syntax tree.

Every character of the input belongs to exactly one node, so ``tree.code`` gives the input
back byte for byte. Nodes are immutable; change them with ``with_changes``. An instruction
keeps its physical layout (indent, continuation lines, comment and blank lines inside a
continuation, heredoc bodies) while exposing the *logical* view BuildKit works on: the
keyword, flags and arguments with continuations joined.
"""

from __future__ import annotations

from collections.abc import Iterator

from rewriter.record import Record
from rewriter.syntax import buildkit

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, Final, Self


class Node(Record):
    """Nodes are records (equality, hashing, ``replace``) whose fields are ``Final``: mypy
    refuses an assignment, and so does the compiled build at run time. Each writes its own
    ``__init__``, which mypyc compiles."""

    __slots__ = ()

    @property
    def code(self) -> str:
        raise NotImplementedError

    def with_changes(self, **changes: Any) -> Self:
        return self.replace(**changes)


# --- trivia ------------------------------------------------------------------------------


class Comment(Node):
    """A comment line: ``indent`` + ``text`` (starting with #) + ``newline``."""

    _fields: ClassVar[tuple[str, ...]] = ("indent", "text", "newline")

    indent: Final[str]
    text: Final[str]
    newline: Final[str]

    def __init__(self, indent: str, text: str, newline: str) -> None:
        self.indent = indent
        self.text = text
        self.newline = newline

    @property
    def code(self) -> str:
        return self.indent + self.text + self.newline


class BlankLine(Node):
    _fields: ClassVar[tuple[str, ...]] = ("whitespace", "newline")

    whitespace: Final[str]
    newline: Final[str]

    def __init__(self, whitespace: str, newline: str) -> None:
        self.whitespace = whitespace
        self.newline = newline

    @property
    def code(self) -> str:
        return self.whitespace + self.newline


class Directive(Node):
    """A parser directive at the top of the file, e.g. ``# escape=`` or ``# syntax=``."""

    _fields: ClassVar[tuple[str, ...]] = ("name", "value", "text", "newline")

    name: Final[str]  # lower-case
    value: Final[str]
    text: Final[str]  # the whole line as written, without the newline
    newline: Final[str]

    def __init__(self, name: str, value: str, text: str, newline: str) -> None:
        self.name = name
        self.value = value
        self.text = text
        self.newline = newline

    @property
    def code(self) -> str:
        return self.text + self.newline


# --- pieces of an instruction --------------------------------------------------------------


class Continuation(Node):
    """A line continuation: escape character, trailing blanks, newline, then the comment and
    blank lines BuildKit skips before the instruction goes on."""

    _fields: ClassVar[tuple[str, ...]] = ("marker", "newline", "skipped")

    marker: Final[str]  # the escape character plus any spaces/tabs after it
    newline: Final[str]
    skipped: Final[tuple[Comment | BlankLine, ...]]

    def __init__(self, marker: str, newline: str, skipped: tuple[Comment | BlankLine, ...] = ()) -> None:
        self.marker = marker
        self.newline = newline
        self.skipped = skipped

    @property
    def code(self) -> str:
        return self.marker + self.newline + "".join(n.code for n in self.skipped)


Part = str | Continuation


class Segment(Node):
    """A run of logical text that may be broken by continuations.

    ``parts`` alternate between plain text and ``Continuation`` nodes; ``value`` is the
    logical text (what BuildKit sees), ``code`` the physical one.
    """

    _fields: ClassVar[tuple[str, ...]] = ("parts",)

    parts: Final[tuple[Part, ...]]

    def __init__(self, parts: tuple[Part, ...]) -> None:
        self.parts = parts

    @property
    def value(self) -> str:
        return "".join(p for p in self.parts if type(p) is str)

    @property
    def code(self) -> str:
        return "".join(p if isinstance(p, str) else p.code for p in self.parts)

    @property
    def has_continuation(self) -> bool:
        return any(type(p) is not str for p in self.parts)

    @classmethod
    def of(cls, text: str) -> Segment:
        return cls((text,) if text else ())

    def replace_span(self, start: int, end: int, text: str) -> Segment:
        """Replace logical characters [start, end) with ``text``.

        Continuations outside the span stay where they are; those inside it (and the
        comment lines they carry) are kept just before the new text, so an edit never
        drops a comment. A continuation is never left dangling at the end.
        """
        before: list[Part] = []
        inner: list[Part] = []
        after: list[Part] = []
        pos = 0
        for part in self.parts:
            if type(part) is not str:
                (before if pos <= start else inner if pos < end else after).append(part)
                continue
            a, b = pos, pos + len(part)
            pos = b
            if a < start:
                before.append(part[: start - a])
            if b > end:
                after.append(part[max(end - a, 0) :])
        parts = _merge_text(before + inner + [text] + after)
        if self.parts and type(self.parts[-1]) is str:
            while parts and type(parts[-1]) is not str:
                parts = parts[:-1]
        return Segment(parts)


def _merge_text(parts: list[Part]) -> tuple[Part, ...]:
    merged: list[Part] = []
    for part in parts:
        if type(part) is str:
            if not part:
                continue
            if merged and type(merged[-1]) is str:
                merged[-1] = merged[-1] + part
                continue
        merged.append(part)
    return tuple(merged)


class HeredocBody(Node):
    """The lines of one heredoc and its terminator line, exactly as written."""

    _fields: ClassVar[tuple[str, ...]] = ("name", "chomp", "file_descriptor", "expand", "lines", "terminator")

    name: Final[str]
    chomp: Final[bool]
    file_descriptor: Final[int]
    expand: Final[bool]
    lines: Final[tuple[str, ...]]  # each with its newline
    terminator: Final[str]  # the terminator line with its newline (may lack one at EOF)

    def __init__(
        self, name: str, chomp: bool, file_descriptor: int, expand: bool, lines: tuple[str, ...], terminator: str
    ) -> None:
        self.name = name
        self.chomp = chomp
        self.file_descriptor = file_descriptor
        self.expand = expand
        self.lines = lines
        self.terminator = terminator

    @property
    def content(self) -> str:
        return "".join(self.lines)

    @property
    def code(self) -> str:
        return self.content + self.terminator


class Instruction(Node):
    """One instruction: ``indent`` + ``keyword`` + ``flags`` + ``arguments`` + ``newline``,
    then its heredoc bodies.

    Each flag segment and the arguments segment carry the whitespace before them, so the
    segments in order are the whole logical line.
    """

    _fields: ClassVar[tuple[str, ...]] = ("indent", "keyword", "flags", "arguments", "newline", "heredocs", "escape")

    indent: Final[str]
    keyword: Final[Segment]
    flags: Final[tuple[Segment, ...]]
    arguments: Final[Segment]
    newline: Final[str]
    heredocs: Final[tuple[HeredocBody, ...]]
    escape: Final[str]
    # What the instruction says, worked out once per node: the engine reads the same
    # unchanged instructions again after every pass. Not part of the value
    # (``with_changes`` starts anew); set only here and by ``remember``.
    _logical_line: str | None
    _name: str | None
    _command: buildkit.Command | None
    _code: str | None
    _split: buildkit.Split | None  # the lexer's split of the line

    def __init__(
        self,
        indent: str,
        keyword: Segment,
        flags: tuple[Segment, ...],
        arguments: Segment,
        newline: str,
        heredocs: tuple[HeredocBody, ...] = (),
        escape: str = "\\",
    ) -> None:
        self.indent = indent
        self.keyword = keyword
        self.flags = flags
        self.arguments = arguments
        self.newline = newline
        self.heredocs = heredocs
        self.escape = escape
        self._logical_line = None
        self._name = None
        self._command = None
        self._code = None
        self._split = None

    def remember(
        self, logical_line: str, command: buildkit.Command | None = None, split: buildkit.Split | None = None
    ) -> None:
        """Keep what the parser already worked out about this line: its logical text, and
        its command or BuildKit's split of it (from which the command is read on demand)."""
        self._logical_line = logical_line
        self._command = command
        self._split = split

    @property
    def code(self) -> str:
        code = self._code
        if code is None:
            out = [self.indent, self.keyword.code]
            out += [f.code for f in self.flags]
            out += [self.arguments.code, self.newline]
            out += [h.code for h in self.heredocs]
            code = self._code = "".join(out)
        return code

    # -- the logical (BuildKit) view --------------------------------------------------------

    @property
    def logical_line(self) -> str:
        """The line BuildKit parses: continuations joined, skipped lines dropped."""
        line = self._logical_line
        if line is None:
            line = self._logical_line = self.keyword.value + "".join(f.value for f in self.flags) + self.arguments.value
        return line

    @property
    def command(self) -> buildkit.Command:
        command = self._command
        if command is None:
            command = self._command = _command_of(self)
        return command

    @property
    def name(self) -> str:
        """The instruction keyword, upper-case (``RUN``, ``FROM``…)."""
        name = self._name
        if name is None:
            name = self._name = self.keyword.value.strip(buildkit.GO_SPACES).upper()
        return name

    @property
    def flag_values(self) -> tuple[str, ...]:
        """Flags as BuildKit reads them (``--from=builder``), quotes and escapes resolved."""
        return self.command.flags

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (or "" for a bare ``--name``), else None."""
        prefix = "--" + name
        for f in self.flag_values:
            if f == prefix:
                return ""
            if f.startswith(prefix + "="):
                return f[len(prefix) + 1 :]
        return None

    @property
    def args_text(self) -> str:
        """The arguments as one string, trimmed (shell form text, or the JSON as written)."""
        return buildkit.go_trim_space(self.arguments.value)

    @property
    def is_json(self) -> bool:
        return self.command.effective.parsed.json

    @property
    def values(self) -> tuple[str, ...]:
        """BuildKit's value list (JSON items, whitespace-split words, ENV pairs…)."""
        return self.command.effective.parsed.value

    def pairs(self) -> list[tuple[str, str | None]]:
        """ENV/LABEL/ARG as (name, value) with quotes kept as written; ARG without a
        default gives (name, None)."""
        name = self.name
        vals = self.values
        if name == "ARG":
            out = []
            for word in vals:
                key, sep, value = word.partition("=")
                out.append((key, value if sep else None))
            return out
        return [(vals[i], vals[i + 1]) for i in range(0, len(vals) - 1, 2)]

    def with_arguments(self, text: str) -> Instruction:
        """Replace the whole argument text, keeping the whitespace that led into it."""
        value = self.arguments.value
        lead = len(value) - len(value.lstrip(buildkit.GO_SPACES))
        trail = len(value.rstrip(buildkit.GO_SPACES))
        return self.with_changes(arguments=self.arguments.replace_span(lead, max(lead, trail), text))


_COMMAND_CACHE: dict[tuple[str, str], buildkit.Command] = {}


def _command_of(ins: Instruction) -> buildkit.Command:
    split = ins._split
    if split is not None:  # the parser's split of the line: only the arguments are left to read
        return buildkit.command_from_split(split, ins.escape)
    key = (ins.logical_line, ins.escape)
    cmd = _COMMAND_CACHE.get(key)
    if cmd is None:
        if len(_COMMAND_CACHE) > 4096:
            _COMMAND_CACHE.clear()
        cmd = _COMMAND_CACHE[key] = buildkit.parse_command(key[0], key[1])
    return cmd


Item = Instruction | Comment | BlankLine


class Stage(Node):
    """A build stage: its FROM instruction and everything up to the next FROM."""

    _fields: ClassVar[tuple[str, ...]] = ("items",)

    items: Final[tuple[Item, ...]]
    # Found on first use; unchanged stages are shared by the trees a rewrite makes, and so
    # is what they found.
    _code: str | None
    _line_offsets: tuple[dict[int, int], int] | None
    _instructions: tuple[Instruction, ...] | None

    def __init__(self, items: tuple[Item, ...]) -> None:
        self.items = items
        self._code = None
        self._line_offsets = None
        self._instructions = None

    @property
    def code(self) -> str:
        code = self._code
        if code is None:
            code = self._code = "".join(i.code for i in self.items)
        return code

    def _lines(self) -> tuple[dict[int, int], int]:
        """(line offset of each item by id, number of lines)."""
        found = self._line_offsets
        if found is None:
            offsets: dict[int, int] = {}
            line = 0
            for item in self.items:
                offsets.setdefault(id(item), line)  # the stage holds its items: ids stay theirs
                line += item.code.count("\n")
            found = self._line_offsets = (offsets, line)
        return found

    @property
    def from_instruction(self) -> Instruction:
        return next(i for i in self.items if type(i) is Instruction)

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        found = self._instructions
        if found is None:
            found = self._instructions = tuple(i for i in self.items if type(i) is Instruction)
        return found

    @property
    def base_image(self) -> str:
        vals = self.from_instruction.values
        return vals[0] if vals else ""

    @property
    def name(self) -> str | None:
        """The ``AS name`` of the stage (lower-cased, as BuildKit matches it), if any."""
        vals = self.from_instruction.values
        if len(vals) >= 3 and vals[1].lower() == "as":
            return vals[2].lower()
        return None

    @property
    def platform(self) -> str | None:
        return self.from_instruction.flag("platform")


class Dockerfile(Node):
    """A whole file: byte-order mark, parser directives, the items before the first FROM
    (global ARGs, comments) and the stages."""

    _fields: ClassVar[tuple[str, ...]] = ("bom", "directives", "preamble", "stages")

    bom: Final[str]
    directives: Final[tuple[Directive, ...]]
    preamble: Final[tuple[Item, ...]]
    stages: Final[tuple[Stage, ...]]
    _code: str | None

    def __init__(
        self, bom: str, directives: tuple[Directive, ...], preamble: tuple[Item, ...], stages: tuple[Stage, ...]
    ) -> None:
        self.bom = bom
        self.directives = directives
        self.preamble = preamble
        self.stages = stages
        self._code = None

    @property
    def code(self) -> str:
        code = self._code
        if code is None:
            code = self._code = (
                self.bom
                + "".join(d.code for d in self.directives)
                + "".join(i.code for i in self.preamble)
                + "".join(s.code for s in self.stages)
            )
        return code

    @property
    def escape(self) -> str:
        for d in self.directives:
            if d.name == "escape":
                return d.value
        return "\\"

    def directive(self, name: str) -> str | None:
        for d in self.directives:
            if d.name == name:
                return d.value
        return None

    @property
    def instructions(self) -> list[Instruction]:
        out = [i for i in self.preamble if type(i) is Instruction]
        for stage in self.stages:
            out += stage.instructions
        return out

    def items(self) -> Iterator[Item]:
        yield from self.preamble
        for stage in self.stages:
            yield from stage.items

    def line_of(self, node: Node) -> int:
        """1-based line where ``node`` (an item of this file, found by identity) starts."""
        line = 1 + sum(d.code.count("\n") for d in self.directives)
        for item in self.preamble:
            if item is node:
                return line
            line += item.code.count("\n")
        for stage in self.stages:
            offsets, height = stage._lines()
            offset = offsets.get(id(node))
            if offset is not None:
                return line + offset
            line += height
        raise ValueError("node is not part of this Dockerfile")

    def stage_by_name(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.name == name.lower():
                return stage
        return None
