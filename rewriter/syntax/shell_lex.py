"""BuildKit's shell word lexer, as far as the Dockerfile parser uses it to find heredocs.

BuildKit decides which ``<<WORD`` tokens on a RUN/COPY/ADD line open a heredoc (and what
line ends it) by running its shell lexer over the line, always with ``\\`` as the escape
and with no variables set. Getting one quote or escape rule wrong shifts where a
Dockerfile's instruction ends, so this follows the lexer of the BuildKit release that the
``dockerfile`` oracle package embeds (v0.12.5) rule for rule, quirks included:

* an error anywhere on the line (an open quote, a bad ``${...}``) silently means
  "no heredocs on this line";
* ``${VAR-x}``, ``${VAR+x}`` and ``${VAR?x}`` work without a colon, but ``#``, ``%`` and
  ``/`` do not exist yet; after a colon any character is taken as the modifier, and with
  ``skip_unset_env`` even ``${X:=y}`` comes back verbatim instead of failing;
* an expansion's text is split on whitespace even when it came back verbatim, so
  ``<<${X:-a b}`` yields the two words ``<<${X:-a`` and ``b}``;
* an empty word (``''``) vanishes from the word list;
* a byte order mark at the very start of the text is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rewriter.record import Record
from rewriter.syntax.buildkit import GO_SPACES, go_quote

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

# Words split on Go's unicode.IsSpace, which is not Python's str.isspace.
_SPACES: Final = frozenset(GO_SPACES)
_SPECIAL_PARAMS: Final = frozenset("@*#?-$!0")
_EOF_RUNE: Final = "\ufffd"  # what Go's string(rune(-1)) prints
# Compiled on first use (re caches it): few files have heredocs. \d is ASCII in Go's RE2;
# fullmatch because Python's $ also matches before a final \n.
_HEREDOC_RE: Final = r"(?as)(\d*)<<(-?)([^<]*)"
_MAX_UINT64: Final = (1 << 64) - 1


class ShellLexError(ValueError):
    """BuildKit's lexer rejected the text; the message is the one BuildKit prints."""


class HeredocSpec(Record):
    """One ``<<NAME`` on an instruction line: the terminator line and how the body is read."""

    _fields: ClassVar[tuple[str, ...]] = ("name", "chomp", "file_descriptor", "expand")

    name: Final[str]
    chomp: Final[bool]
    file_descriptor: Final[int]
    expand: Final[bool]

    def __init__(self, name: str, chomp: bool, file_descriptor: int, expand: bool) -> None:
        self.name = name
        self.chomp = chomp
        self.file_descriptor = file_descriptor
        self.expand = expand


_PLAIN: dict[tuple[str, str | None], Callable[[str, int], re.Match[str] | None]] = {}


def _plain_run(esc: str, stop: str | None) -> Callable[[str, int], re.Match[str] | None]:
    """A matcher for a run of characters that need no decision: no quote, ``$``, escape,
    stop character or space. Taking such runs whole keeps the loop off ordinary text."""
    key = (esc, stop)
    matcher = _PLAIN.get(key)
    if matcher is None:
        special = "$'\"" + esc + (stop or "") + "".join(sorted(_SPACES))
        matcher = _PLAIN[key] = re.compile("[^" + re.escape(special) + "]+").match
    return matcher


class _Fail(Exception):
    """A lexer error before BuildKit wraps it with the source text."""


class _Lexer:
    """One pass over one text: a cursor shared by the nested readers, like Go's scanner."""

    __slots__ = ("src", "n", "pos", "esc", "raw_quotes", "raw_escapes", "skip_unset")

    def __init__(self, src: str, esc: str, raw_quotes: bool, raw_escapes: bool, skip_unset: bool):
        self.src = src
        self.n = len(src)
        self.pos = 1 if src.startswith("\ufeff") else 0
        self.esc = esc
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_unset = skip_unset

    def words_until(self, stop: str | None) -> tuple[str, list[str]]:
        """Read up to ``stop`` (or the end) and return the text and its whitespace-split words."""
        src, n, esc = self.src, self.n, self.esc
        result: list[str] = []
        words: list[str] = []
        word = ""
        in_word = False
        pos = self.pos
        plain = _plain_run(esc, stop)
        while pos < n:
            m = plain(src, pos)
            if m is not None:
                run = m.group()
                word += run
                in_word = True
                result.append(run)
                pos = m.end()
                if pos >= n:
                    break
            ch = src[pos]
            if ch == stop:
                self.pos = pos + 1
                if word:
                    words.append(word)
                return "".join(result), words
            if ch == "$":
                self.pos = pos
                tmp = self.dollar()
                pos = self.pos
                result.append(tmp)
                # An expansion's text is split like unquoted text.
                for c in tmp:
                    if c in _SPACES:
                        if in_word and word:
                            words.append(word)
                            word = ""
                            in_word = False
                    else:
                        word += c
                        in_word = True
                continue
            if ch == "'" or ch == '"':
                self.pos = pos
                tmp = self.single_quoted() if ch == "'" else self.double_quoted()
                pos = self.pos
                result.append(tmp)
                word += tmp
                in_word = True
                continue
            pos += 1
            if ch == esc:
                if self.raw_escapes:
                    word += ch
                    in_word = True
                    result.append(ch)
                if pos >= n:
                    break
                ch = src[pos]
                pos += 1
                word += ch
                in_word = True
            elif ch in _SPACES:
                # A word made only of empty quotes stays "open" but is never emitted.
                if in_word and word:
                    words.append(word)
                    word = ""
                    in_word = False
            else:
                word += ch
                in_word = True
            result.append(ch)
        self.pos = n
        if stop is not None:
            raise _Fail(f"unexpected end of statement while looking for matching {stop}")
        if word:
            words.append(word)
        return "".join(result), words

    def single_quoted(self) -> str:
        start = self.pos + 1
        end = self.src.find("'", start)
        if end < 0:
            self.pos = self.n
            raise _Fail("unexpected end of statement while looking for matching single-quote")
        self.pos = end + 1
        return self.src[start - 1 : end + 1] if self.raw_quotes else self.src[start:end]

    def double_quoted(self) -> str:
        src, n, esc = self.src, self.n, self.esc
        out = ['"'] if self.raw_quotes else []
        pos = self.pos + 1
        while True:
            if pos >= n:
                self.pos = n
                raise _Fail("unexpected end of statement while looking for matching double-quote")
            ch = src[pos]
            if ch == '"':
                self.pos = pos + 1
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                self.pos = pos
                out.append(self.dollar())
                pos = self.pos
                continue
            pos += 1
            if ch == esc:
                if self.raw_escapes:
                    out.append(ch)
                if pos >= n:
                    continue
                nxt = src[pos]
                # Only these are escapable; otherwise the escape stays (twice when raw).
                if nxt == '"' or nxt == "$" or nxt == esc:
                    ch = nxt
                    pos += 1
            out.append(ch)

    def dollar(self) -> str:
        src, n = self.src, self.n
        pos = self.pos + 1
        if pos >= n or src[pos] != "{":
            self.pos = pos
            name = self.name()
            if not name:
                return "$"
            return "$" + name if self.skip_unset else ""
        pos += 1
        self.pos = pos
        if pos >= n:
            raise _Fail("syntax error: missing '}'")
        if src[pos] in "{}:":
            raise _Fail("syntax error: bad substitution")
        name = self.name()
        pos = self.pos
        if pos >= n:
            raise _Fail("missing ':' in substitution")
        ch = src[pos]
        pos += 1
        self.pos = pos
        if ch == "}":
            return "${" + name + "}" if self.skip_unset else ""
        modifier = ch
        if ch == ":":
            # Whatever follows the colon is the modifier, checked only after the word.
            if pos < n:
                modifier = src[pos]
                self.pos = pos + 1
            else:
                modifier = _EOF_RUNE
        elif ch not in "+-?":
            raise _Fail("missing ':' in substitution")
        try:
            word, _ = self.words_until("}")
        except _Fail:
            if self.pos >= n:
                raise _Fail("syntax error: missing '}'") from None
            raise
        if self.skip_unset:
            return "${" + name + (":" if ch == ":" else "") + modifier + word + "}"
        # No variable is ever set here.
        if modifier == "-":
            return word
        if modifier == "+":
            return ""
        if modifier == "?":
            raise _Fail(f"{name}: {word or 'is not allowed to be unset'}")
        chs = ":" + modifier if ch == ":" else modifier
        raise _Fail(f"unsupported modifier ({chs}) in substitution")

    def name(self) -> str:
        """A variable name: a run of digits, one special parameter, or letters/digits/_."""
        src, n = self.src, self.n
        start = pos = self.pos
        if pos >= n:
            return ""
        ch = src[pos]
        if ch.isdecimal():
            pos += 1
            while pos < n and src[pos].isdecimal():
                pos += 1
        elif ch in _SPECIAL_PARAMS:
            pos += 1
        else:
            while pos < n and ((c := src[pos]).isalpha() or c.isdecimal() or c == "_"):
                pos += 1
        self.pos = pos
        return src[start:pos]


def process_words(
    text: str,
    *,
    escape: str = "\\",
    raw_quotes: bool = False,
    raw_escapes: bool = False,
    skip_unset_env: bool = False,
) -> list[str]:
    """BuildKit's ProcessWords with no variables set: quote removal, escapes, ``$`` expansion,
    then splitting on whitespace. Raises ShellLexError where BuildKit returns an error."""
    lexer = _Lexer(text, escape, raw_quotes, raw_escapes, skip_unset_env)
    try:
        return lexer.words_until(None)[1]
    except _Fail as exc:
        raise ShellLexError(f"failed to process {go_quote(text)}: {exc}") from None


def parse_heredoc(word: str) -> HeredocSpec | None:
    """The heredoc a single lexed word opens (``[fd]<<[-]NAME``), or None when it opens none.

    The name is lexed again, once without and once with its quotes; any quoting at all
    turns off expansion of the body."""
    m = re.fullmatch(_HEREDOC_RE, word)
    if m is None:
        return None
    digits, dash, rest = m.groups()
    if not rest:
        return None
    # ParseUint's error is ignored: no digits give 0, too many digits saturate.
    fd = min(int(digits), _MAX_UINT64) if digits else 0
    words = process_words(rest, skip_unset_env=True)
    if len(words) != 1:
        return None
    raw = process_words(rest, raw_quotes=True, skip_unset_env=True)
    if len(raw) != 1:
        raise ShellLexError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    name = words[0]
    expand = name.count("'") + name.count('"') == raw[0].count("'") + raw[0].count('"')
    return HeredocSpec(name=name, chomp=dash == "-", file_descriptor=fd, expand=expand)


def heredocs_from_line(line: str) -> list[HeredocSpec]:
    """The heredocs a whole instruction line opens, in order (BuildKit's heredocsFromLine).

    The line is lexed keeping quotes, escapes and unset variables as written; if that
    fails BuildKit ignores the error and the word list it gets back is empty, so the line
    opens no heredoc. Errors while reading a heredoc's name do propagate."""
    if "<<" not in line:
        return []
    try:
        words = _Lexer(line, "\\", True, True, True).words_until(None)[1]
    except _Fail:
        return []
    specs = []
    for word in words:
        if "<<" in word:
            spec = parse_heredoc(word)
            if spec is not None:
                specs.append(spec)
    return specs
