"""Turns Dockerfile text into line tokens, deciding what each line is the way BuildKit does.

BuildKit reads a Dockerfile line by line: parser directives first, then comments, blank
lines and instructions; a line that ends with the escape character continues on the next
one (comment and blank lines in between are skipped); a RUN/COPY/ADD line that names
heredocs is followed by their bodies. Each decision depends on earlier lines, so it is
made here, in one pass, and the grammar only assembles the resulting tokens. The parser's
cost is per token, so the tokens are coarse: a run of ordinary instructions with the
comment and blank lines among them is one ITEMS token.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rewriter.syntax import buildkit
from rewriter.syntax.errors import ParseError
from rewriter.syntax.nodes import BlankLine, Comment, Directive
from rewriter.syntax.shell_lex import HeredocSpec, ShellLexError, heredocs_from_line

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, Final

    # A token: (kind, value, what the lexer worked out about its lines, line number).
    RawToken = tuple[str, str, Any, int]

_GO_SPACES: Final = buildkit.GO_SPACES
# Go's \s is [\t\n\f\r ]; the name starts with a letter; the value is trimmed.
_RE_DIRECTIVE: Final = re.compile(r"#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*\Z")
_VALID_DIRECTIVES: Final = ("escape", "syntax")
_MAY_CONTINUE: Final = frozenset("\\` \t")  # only a line ending in one of these can continue


def _split_newline(raw: str) -> tuple[str, str]:
    """Separate a line from its ending (BuildKit trims every trailing \\r and \\n)."""
    content = raw.rstrip("\r\n")
    return content, raw[len(content) :]


def split_continuation(text: str, escape: str) -> tuple[str, str]:
    """(text, marker): the marker is the escape character and the blanks after it when the
    line continues, else "". An escaped escape character does not continue the line."""
    stripped = text.rstrip(" \t")
    if stripped.endswith(escape):
        body = stripped[:-1]
        if not body or body[-1] != escape:
            return body, text[len(body) :]
    return text, ""


def lex(text: str) -> Iterator[RawToken]:
    """The tokens of ``text``: the parser assembles them into the tree, the outline reads
    them directly."""
    physical = text.split("\n")
    too_long = _first_overlong(physical)
    if too_long is not None:
        del physical[too_long:]
        physical.append("")
    last = physical.pop()
    lines = [line + "\n" for line in physical]
    if last:
        lines.append(last)
    return _lex_lines(lines, too_long)


# BuildKit reads lines through a 64 KiB bufio.Scanner: a line that fills it (its bytes
# without the "\n") stops the reading there, and the file fails unless an error comes first.
MAX_LINE_BYTES: Final = 64 * 1024
TOO_LONG: Final = f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES - 1}"


def _first_overlong(physical: list[str]) -> int | None:
    if not physical or max(map(len, physical)) * 4 < MAX_LINE_BYTES:
        return None  # a character is at most 4 bytes
    for i, line in enumerate(physical):
        if len(line) * 4 >= MAX_LINE_BYTES and len(line.encode("utf-8", "surrogatepass")) >= MAX_LINE_BYTES:
            return i
    return None


def _lex_lines(lines: list[str], too_long: int | None = None) -> Iterator[RawToken]:
    escape = "\\"
    seen: set[str] = set()
    n = len(lines)
    i = 0
    if n and lines[0].startswith("\ufeff"):
        yield ("BOM", "\ufeff", None, 1)
        lines[0] = lines[0][1:]
    # Parser directives: only at the very top, each at most once.
    while i < n:
        raw = lines[i]
        content, newline = _split_newline(raw)
        m = _RE_DIRECTIVE.match(content.lstrip(_GO_SPACES))
        if m is None:
            break
        name = m.group(1).lower()
        if name not in _VALID_DIRECTIVES:
            break
        if name in seen:
            raise ParseError(f"only one {name} parser directive can be used", i + 1, 1)
        seen.add(name)
        value = m.group(2)
        if name == "escape":
            if value not in ("`", "\\"):
                raise ParseError(f"invalid escape token '{value}' does not match ` or \\", i + 1, 1)
            escape = value
        yield ("DIRECTIVE", raw, Directive(name, value, content, newline), i + 1)
        i += 1

    instructions = False
    # ``run`` gathers ordinary instructions (as their infos) with the comment and blank
    # lines among them; ``trivia`` holds the comment and blank lines since the last one.
    run: list = []
    trivia: list = []
    run_line = trivia_line = 0
    while i < n:
        raw = lines[i]
        content = raw.rstrip("\r\n")
        stripped = content.lstrip(_GO_SPACES)
        if not stripped or stripped[0] == "#":
            if not trivia:
                trivia_line = i + 1
            newline = raw[len(content) :]
            if stripped:
                trivia.append(Comment(content[: len(content) - len(stripped)], stripped, newline))
            else:
                trivia.append(BlankLine(content, newline))
            i += 1
            continue
        start = i
        if stripped[-1] in _MAY_CONTINUE:
            text, marker = split_continuation(stripped, escape)
        else:
            text, marker = stripped, ""
        # One entry per physical line: (indent, text, continuation marker, newline), or a
        # skipped Comment/BlankLine inside a continuation.
        entries: list = [(content[: len(content) - len(stripped)], text, marker, raw[len(content) :])]
        logical = text
        i += 1
        while marker and i < n:
            raw = lines[i]
            content = raw.rstrip("\r\n")
            stripped = content.lstrip(_GO_SPACES)
            newline = raw[len(content) :]
            if not stripped:
                entries.append(BlankLine(content, newline))
            elif stripped[0] == "#":
                entries.append(Comment(content[: len(content) - len(stripped)], stripped, newline))
            else:
                text, marker = split_continuation(content, escape)
                logical += text
                entries.append(("", text, marker, newline))
            i += 1
        word = buildkit.command_word(logical)
        cmd = word.lower()
        split = command = None  # worked out here only when needed to judge the line
        heredoc = "<<" in logical
        if heredoc or buildkit.may_reject(cmd, logical):
            split = buildkit.split_command(logical)
            try:
                command = buildkit.command_from_split(split, escape)
            except buildkit.BuildKitError as exc:
                raise ParseError(str(exc), start + 1, 1) from None
        specs: list[HeredocSpec] = []
        if heredoc and command is not None and command.can_contain_heredoc():
            try:
                specs = heredocs_from_line(logical)
            except ShellLexError as exc:
                raise ParseError(str(exc), start + 1, 1) from None
        instructions = True
        info = (entries, logical, escape, word, split, command)
        if not specs and cmd != "from":
            if not run:
                run_line = trivia_line if trivia else start + 1
            run += trivia
            run.append(info)
            trivia = []
            continue
        if run:
            yield ("ITEMS", "", run, run_line)
            run = []
        # The comment and blank lines before a FROM or heredoc instruction travel in its token.
        yield ("HEREDOC_INSTRUCTION" if specs else "FROM", "", (trivia, *info), start + 1)
        trivia = []
        for spec in specs:
            body_start = i
            while True:
                if i >= n:
                    raise ParseError(f"unterminated heredoc <<{spec.name}", start + 1, 1)
                raw = lines[i]
                candidate = raw.rstrip("\r\n")
                if spec.chomp:
                    candidate = candidate.lstrip("\t")
                i += 1
                if candidate == spec.name:
                    yield ("HEREDOC", "", (spec, tuple(lines[body_start : i - 1]), raw), body_start + 1)
                    break
    if trivia and not run:
        run_line = trivia_line
    run += trivia
    if run:
        yield ("ITEMS", "", run, run_line)
    if too_long is not None:
        if not instructions:
            raise ParseError("file with no instructions", max(too_long, 1), 1)
        raise ParseError(TOO_LONG, too_long + 1, 1)
    if not instructions:
        ended = sum(1 for line in lines if line.endswith("\n"))
        raise ParseError("file with no instructions", max(ended, 1), 1)
