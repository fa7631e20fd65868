"""Just enough of a POSIX shell reader to find and edit commands inside a RUN line.

It splits the text into simple commands (at ``&&``, ``||``, ``;``, ``|``, ``&`` and
newlines) and each command into words, keeping every word's span in the original text so
that a pass can insert or replace a flag without touching anything else. Quotes,
backslashes, ``$(...)``, backticks and ``${...}`` stay inside the word they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

_REDIRECTION_TEXT: Final = r"\d*(?:>>|>&|<&|<<<|<<-|<<|<>|>\||>|<)"
_ORDINARY: Final = r"[^ \t\r\n;&|()<>\\'\"`$]"  # a character that is no blank, operator, quote or expansion
# One token of a command line: blanks, a control operator (longest first), a redirection,
# or a word of ordinary characters only. Anything else is a word with quotes, escapes or
# expansions, which ``_scan_word`` reads.
_TOKEN: Final = re.compile(
    rf"([ \t\r]+)|(&&|\|\||;;|[;|&()\n])|({_REDIRECTION_TEXT})|({_ORDINARY}++)(?=[ \t\r\n;&|()<>]|\Z)"
)
_BLANKS, _CONTROL, _REDIRECTION, _WORD = 1, 2, 3, 4
_PLAIN = re.compile(_ORDINARY + "+")
_QUOTING: Final = re.compile(r"[\\'\"]")
_REDIRECT: Final = re.compile(_REDIRECTION_TEXT)
_ASSIGNMENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
# What makes a command need a shell: expansions, operators, redirections, globs, quotes
# that span words are handled by the caller.
SHELL_SYNTAX: Final = re.compile(r"[$`|&;<>(){}*?\[\]~#\\!]")


class Word(Record):
    """One word of a command."""

    _fields: ClassVar[tuple[str, ...]] = ("raw", "start", "end")

    raw: Final[str]  # as written, quotes included
    start: Final[int]  # span in the text that was split
    end: Final[int]

    def __init__(self, raw: str, start: int, end: int) -> None:
        self.raw = raw
        self.start = start
        self.end = end

    @property
    def value(self) -> str:
        """The word with quotes and backslashes removed (expansions left as written)."""
        return unquote(self.raw)

    @property
    def is_redirect(self) -> bool:
        return bool(_REDIRECT.fullmatch(self.raw))


class SimpleCommand(Record):
    _fields: ClassVar[tuple[str, ...]] = ("words",)

    words: Final[tuple[Word, ...]]

    def __init__(self, words: tuple[Word, ...]) -> None:
        self.words = words

    @property
    def assignments(self) -> tuple[Word, ...]:
        """Leading NAME=value words (environment for this command only)."""
        out = []
        for w in self.words:
            if not _ASSIGNMENT.match(w.raw):
                break
            out.append(w)
        return tuple(out)

    @property
    def argv(self) -> tuple[Word, ...]:
        """The words after the leading assignments, without redirections and their targets."""
        return tuple(self._arguments())

    @property
    def program(self) -> Word | None:
        """The first word of ``argv`` (the command run), found without reading the rest."""
        return next(self._arguments(), None)

    def _arguments(self) -> Iterator[Word]:
        skip = False
        for w in self.words[len(self.assignments) :]:
            if skip:
                skip = False
                continue
            if w.is_redirect:
                skip = True
                continue
            m = _REDIRECT.match(w.raw)
            if m and m.end() < len(w.raw):  # ">file" written without a space
                continue
            yield w

    @property
    def written_files(self) -> tuple[str, ...]:
        """The files an output redirection writes (``> FILE``, ``>> FILE``, ``>FILE``),
        unquoted; descriptors (``2>&1``) are not files."""
        out: list[str] = []
        words = self.words
        for i, w in enumerate(words):
            m = _REDIRECT.match(w.raw)
            if m is None or "<" in m.group() or "&" in m.group():
                continue
            if m.end() < len(w.raw):
                out.append(unquote(w.raw[m.end() :]))
            elif i + 1 < len(words):
                out.append(words[i + 1].value)
        return tuple(out)

    @property
    def env(self) -> dict[str, str]:
        return dict(w.value.split("=", 1) for w in self.assignments)


@lru_cache(maxsize=4096)
def split_commands(text: str) -> tuple[SimpleCommand, ...]:
    """The simple commands of a shell script, in order; subshell parentheses and control
    operators are dropped, words keep their spans. Memoized: the engine analyses the file
    again after every pass, and most RUN lines have not changed."""
    commands: list[SimpleCommand] = []
    words: list[Word] = []
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "#" and (i == 0 or text[i - 1] in " \t\n;&|("):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        token = _TOKEN.match(text, i)
        if token is None:  # a word with quotes, escapes or expansions
            start = i
            i = _scan_word(text, i)
            words.append(Word(text[start:i], start, i))
            continue
        kind = token.lastindex
        end = token.end()
        if kind == _WORD or kind == _REDIRECTION:
            words.append(Word(token.group(), i, end))
        elif kind == _CONTROL and words:
            commands.append(SimpleCommand(tuple(words)))
            words = []
        i = end
    if words:
        commands.append(SimpleCommand(tuple(words)))
    return tuple(commands)


def _scan_word(text: str, i: int) -> int:
    n = len(text)
    m = _REDIRECT.match(text, i)
    if m:
        return m.end()
    while i < n:
        plain = _PLAIN.match(text, i)
        if plain is not None:
            i = plain.end()
            if i == n:
                break
        ch = text[i]
        if ch in " \t\r\n;&|()<>":
            return i
        if ch == "\\":
            i += 2
        elif ch == "'":
            j = text.find("'", i + 1)
            i = n if j < 0 else j + 1
        elif ch == '"':
            i = _scan_double_quoted(text, i + 1)
        elif ch == "`":
            j = text.find("`", i + 1)
            i = n if j < 0 else j + 1
        elif ch == "$" and text.startswith("$(", i):
            i = _scan_balanced(text, i + 2, "(", ")")
        elif ch == "$" and text.startswith("${", i):
            i = _scan_balanced(text, i + 2, "{", "}")
        else:
            i += 1
    return min(i, n)


def _scan_double_quoted(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
        elif ch == '"':
            return i + 1
        elif text.startswith("$(", i):
            i = _scan_balanced(text, i + 2, "(", ")")
        else:
            i += 1
    return n


def _scan_balanced(text: str, i: int, open_: str, close: str) -> int:
    depth = 1
    n = len(text)
    while i < n and depth:
        ch = text[i]
        if ch == "\\":
            i += 1
        elif ch == "'":
            j = text.find("'", i + 1)
            i = n - 1 if j < 0 else j
        elif ch == '"':
            i = _scan_double_quoted(text, i + 1) - 1
        elif ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
        i += 1
    return i


def env_prefix(words: list[str]) -> int:
    """How many words ``env NAME=value ...`` puts before the command it runs; 0 without env."""
    if not words or words[0] != "env":
        return 0
    offset = 1
    while offset < len(words) and "=" in words[offset]:
        offset += 1
    return offset


@lru_cache(maxsize=8192)
def unquote(raw: str) -> str:
    """Remove quoting the way the shell would, leaving expansions as written (memoized:
    every Word.value asks, many times over)."""
    if _QUOTING.search(raw) is None:
        return raw
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            out.append(raw[i + 1])
            i += 2
        elif ch == "'":
            j = raw.find("'", i + 1)
            j = n if j < 0 else j
            out.append(raw[i + 1 : j])
            i = j + 1
        elif ch == '"':
            i += 1
            while i < n and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                    i += 1
                out.append(raw[i])
                i += 1
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def needs_shell(text: str) -> bool:
    """Whether a shell-form command uses anything beyond plain words."""
    return bool(SHELL_SYNTAX.search(text)) or "'" in text or '"' in text


def quote(word: str) -> str:
    """Quote a word for a shell command line, only when needed."""
    if word and re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", word):
        return word
    return "'" + word.replace("'", "'\"'\"'") + "'"


_VARIABLE: Final = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\})")


def expand(value: str, env: dict[str, str]) -> str | None:
    """Expand $VAR / ${VAR} / ${VAR:-default} from env; None when something is unknown."""
    if "$" not in value:
        return value
    unknown = False

    def sub(m: re.Match) -> str:
        nonlocal unknown
        name = m.group(1) or m.group(2)
        default = m.group(4)
        if name in env:
            return env[name]
        if default is not None:
            return default
        unknown = True
        return ""

    out = _VARIABLE.sub(sub, value)
    return None if unknown else out
