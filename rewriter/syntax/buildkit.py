"""How BuildKit reads one logical instruction line.

These functions reproduce the reference parser's line semantics (the version the
``dockerfile`` oracle package embeds) so that goslim sees exactly the command, flags
and arguments Docker sees: splitting the command word, builder flags, JSON exec form,
ENV/LABEL pairs, HEALTHCHECK and ONBUILD. They work on the *logical* line, i.e. the
physical lines already joined the BuildKit way; the lexer does that joining.
"""

from __future__ import annotations

import json
import re

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

# unicode.IsSpace in Go; Python's str.isspace also counts \x1c-\x1f, Go does not.
GO_SPACES: Final = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_SET: Final = frozenset(GO_SPACES)
# reWhitespace / tokenWhitespace in the parser: ASCII only, and no \n.
_RE_WHITESPACE: Final = re.compile(r"[\t\v\f\r ]+")
_RE_GO_SPACES: Final = re.compile(f"[{re.escape(GO_SPACES)}]+")

HEREDOC_COMMANDS: Final = frozenset({"add", "copy", "run"})


class BuildKitError(ValueError):
    """An instruction BuildKit rejects; the message is BuildKit's own."""


def go_trim_space(s: str) -> str:
    return s.strip(GO_SPACES)


def split_whitespace(s: str, limit: int = 0) -> list[str]:
    """regexp.Split on [\\t\\v\\f\\r ]+ (limit 0 = all parts, like Go's -1)."""
    return _RE_WHITESPACE.split(s, maxsplit=limit - 1 if limit > 0 else 0)


class Split(Record):
    """The pieces of a logical line, with offsets into it so callers can map them to source."""

    _fields: ClassVar[tuple[str, ...]] = ("cmd", "cmd_span", "flags", "flag_spans", "args", "args_start")

    cmd: Final[str]
    cmd_span: Final[tuple[int, int]]
    flags: Final[tuple[str, ...]]
    flag_spans: Final[tuple[tuple[int, int], ...]]
    args: Final[str]  # TrimSpace'd remainder, as BuildKit hands it to the line parser
    args_start: Final[int]  # offset of the remainder (before trimming) in the line

    def __init__(
        self,
        cmd: str,
        cmd_span: tuple[int, int],
        flags: tuple[str, ...],
        flag_spans: tuple[tuple[int, int], ...],
        args: str,
        args_start: int,
    ) -> None:
        self.cmd = cmd
        self.cmd_span = cmd_span
        self.flags = flags
        self.flag_spans = flag_spans
        self.args = args
        self.args_start = args_start


def split_command(line: str) -> Split:
    """splitCommand + extractBuilderFlags, recording where each piece sits in ``line``."""
    body = line.lstrip(GO_SPACES)
    start = len(line) - len(body)
    body = body.rstrip(GO_SPACES)
    trimmed_end = start + len(body)
    m = _RE_WHITESPACE.search(body)
    if m is None:
        return Split(body, (start, trimmed_end), (), (), "", trimmed_end)
    cmd_end = start + m.start()
    rest_start = start + m.end()
    rest = body[m.end() :]
    if not rest.lstrip(GO_SPACES).startswith("--"):
        args = rest.lstrip(GO_SPACES)
        return Split(body[: m.start()], (start, cmd_end), (), (), args, trimmed_end - len(args))
    flags, relative, args_offset, args = _extract_builder_flags(rest)
    spans = tuple((a + rest_start, b + rest_start) for a, b in relative)
    return Split(
        cmd=body[: m.start()],
        cmd_span=(start, cmd_end),
        flags=tuple(flags),
        flag_spans=spans,
        args=go_trim_space(args),
        args_start=rest_start + args_offset,
    )


def command_word(line: str) -> str:
    """``split_command(line).cmd`` alone, for the many lines where nothing else is needed."""
    body = line.strip(GO_SPACES)
    m = _RE_WHITESPACE.search(body)
    return body if m is None else body[: m.start()]


_MAY_REJECT: Final = frozenset({"env", "label", "onbuild", "healthcheck"})
_JSON_FORMS: Final = frozenset({"run", "cmd", "entrypoint", "shell", "add", "copy", "volume"})


def may_reject(cmd: str, line: str) -> bool:
    """Whether BuildKit's line parser can reject the arguments of ``line`` (command word
    ``cmd``, lower-case): ENV/LABEL pairs, ONBUILD's inner line, or a JSON array of
    non-strings. Other instructions always parse."""
    if cmd in _MAY_REJECT:
        return True
    return cmd in _JSON_FORMS and "[" in line and split_command(line).args.startswith("[")


def _bytes_view(text: str) -> str:
    """The UTF-8 bytes of ``text`` as a Latin-1 string: one character per byte."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _from_bytes_view(raw: str) -> str:
    """Back from the bytes view; bytes that are no valid UTF-8 (a character BuildKit cut in
    two) become surrogate escapes."""
    data = raw.encode("latin-1")
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape")


_RE_CONTINUATION_BYTE: Final = re.compile("[\x80-\xbf]")


def _extract_builder_flags(line: str) -> tuple[list[str], list[tuple[int, int]], int, str]:
    """Leading ``--flag`` words; returns (flags, their spans, offset where the arguments
    start, the arguments).

    BuildKit walks this part byte by byte, so a non-ASCII byte becomes a Latin-1 rune and
    the bytes 0x85/0xA0 count as spaces; working on the bytes view reproduces that exactly.
    Such a space can end a flag inside a character: its span then takes the whole
    character, and the arguments start with the character's remaining bytes, as in Go.
    """
    ascii_only = line.isascii()
    raw = line if ascii_only else _bytes_view(line)

    def back(offset: int) -> int:  # byte offset -> character offset in ``line``
        if ascii_only:
            return offset
        return offset - len(_RE_CONTINUATION_BYTE.findall(raw, 0, offset))

    def result(args_at: int):
        tail = raw[args_at:] if ascii_only else _from_bytes_view(raw[args_at:])
        return words, spans, back(args_at), tail

    words: list[str] = []
    spans: list[tuple[int, int]] = []
    n = len(raw)
    pos = 0
    while True:
        while pos < n and raw[pos] in _GO_SPACE_SET:
            pos += 1
        if pos == n or not raw.startswith("--", pos):
            return result(pos)
        word_start = pos
        word: list[str] = []
        blank_ok = False
        quote = ""
        while pos < n:
            ch = raw[pos]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == "\\":
                    if pos + 1 == n:
                        quote = ""
                    else:
                        pos += 1
                        word.append(raw[pos])
                else:
                    word.append(ch)
                pos += 1
                continue
            if ch in _GO_SPACE_SET:
                break
            if ch in "'\"":
                quote = ch
                blank_ok = True
            elif ch == "\\":
                if pos + 1 < n:
                    pos += 1
                    word.append(raw[pos])
            else:
                word.append(ch)
            pos += 1
        text = "".join(word)
        if text == "--":
            return result(pos)
        if blank_ok or text:
            words.append(text)
            spans.append((back(word_start), back(pos)))


# --- line parsers ---------------------------------------------------------------------------


class Parsed(Record):
    """What BuildKit's line parser makes of the arguments."""

    _fields: ClassVar[tuple[str, ...]] = ("value", "json", "sub")

    value: Final[tuple[str, ...]]
    json: Final[bool]
    sub: Final[Command | None]  # ONBUILD's inner instruction

    def __init__(self, value: tuple[str, ...], json: bool = False, sub: Command | None = None) -> None:
        self.value = value
        self.json = json
        self.sub = sub


class Command(Record):
    _fields: ClassVar[tuple[str, ...]] = ("cmd", "flags", "parsed")

    cmd: Final[str]
    flags: Final[tuple[str, ...]]
    parsed: Final[Parsed]

    def __init__(self, cmd: str, flags: tuple[str, ...], parsed: Parsed) -> None:
        self.cmd = cmd
        self.flags = flags
        self.parsed = parsed

    @property
    def effective(self) -> Command:
        """The instruction that runs: ONBUILD's inner one, else itself."""
        return self.parsed.sub if self.parsed.sub is not None else self

    def can_contain_heredoc(self) -> bool:
        inner = self.effective
        return inner.cmd.lower() in HEREDOC_COMMANDS and not inner.parsed.json


def parse_command(line: str, escape: str = "\\") -> Command:
    """newNodeFromLine: the command word, its flags and the dispatched argument parse."""
    return command_from_split(split_command(line), escape)


def command_from_split(split: Split, escape: str = "\\") -> Command:
    return Command(split.cmd, split.flags, _dispatch(split.cmd.lower(), split.args, escape))


def _dispatch(cmd: str, rest: str, escape: str) -> Parsed:
    if cmd in ("run", "cmd", "entrypoint", "shell"):
        return parse_maybe_json(rest)
    if cmd in ("add", "copy", "volume"):
        return parse_maybe_json_to_list(rest)
    if cmd in ("from", "expose"):
        return Parsed(_whitespace_delimited(rest))
    if cmd in ("maintainer", "stopsignal", "user", "workdir"):
        return Parsed((rest,) if rest else ())
    if cmd == "env":
        return Parsed(_name_val(rest, "ENV", escape))
    if cmd == "label":
        return Parsed(_name_val(rest, "LABEL", escape))
    if cmd == "arg":
        return Parsed(tuple(parse_words(rest, escape)))
    if cmd == "healthcheck":
        return _health_config(rest)
    if cmd == "onbuild":
        if not rest:
            return Parsed(())
        # BuildKit hangs the inner instruction under an empty node, so an ONBUILD seen as
        # a value list (ONBUILD ONBUILD x) holds one empty string.
        return Parsed(("",), sub=parse_command(rest, escape))
    return Parsed(("",))  # unknown instructions are kept with their arguments ignored


def _whitespace_delimited(rest: str) -> tuple[str, ...]:
    if not rest:
        return ()
    return tuple(_RE_WHITESPACE.split(rest))


class _NotJSON(Exception):
    pass


class _NotNumber:
    """A JSON number: any non-string element makes the array invalid for BuildKit."""


def _reject_constant(name: str):
    raise _NotJSON(name)  # NaN/Infinity are not JSON to Go


def _float(text: str):
    if float(text) in (float("inf"), float("-inf")):
        raise _NotJSON(text)  # Go cannot hold it in a float64: an unmarshal error, not "not a string"
    return _NotNumber


_DECODER: Final = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_float, parse_int=_float)
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")  # the escapes are re's: mypyc takes no surrogates in literals


def parse_json_array(rest: str) -> tuple[str, ...] | None:
    """The exec form: a JSON array of strings, else None (shell form).

    Raises BuildKitError for an array with non-string elements, as BuildKit does. Like
    Go's streaming decoder, anything after the closing bracket is ignored.
    """
    rest = rest.lstrip(GO_SPACES)
    if not rest.startswith("["):
        return None
    try:
        value, _ = _DECODER.raw_decode(rest)
    except (ValueError, _NotJSON, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise BuildKitError("when using JSON array syntax, arrays must be comprised of strings only")
    return tuple(_SURROGATE.sub("\ufffd", item) for item in value)


def parse_maybe_json(rest: str) -> Parsed:
    if not rest:
        return Parsed(())
    value = parse_json_array(rest)
    if value is not None:
        return Parsed(value, json=True)
    return Parsed((rest,))


def parse_maybe_json_to_list(rest: str) -> Parsed:
    value = parse_json_array(rest)
    if value is not None:
        return Parsed(value, json=True)
    return Parsed(_whitespace_delimited(rest))


def _health_config(rest: str) -> Parsed:
    # HEALTHCHECK scans bytes for the end of its type word (NONE / CMD), so a non-ASCII
    # character can be cut in two; the stray bytes are kept as surrogate escapes.
    raw = _bytes_view(rest) if not rest.isascii() else rest
    sep = 0
    while sep < len(raw) and raw[sep] not in _GO_SPACE_SET:
        sep += 1
    nxt = sep
    while nxt < len(raw) and raw[nxt] in _GO_SPACE_SET:
        nxt += 1
    if sep == 0:
        return Parsed(())
    if raw is not rest:
        typ = _from_bytes_view(raw[:sep])
        cmd_text = _from_bytes_view(raw[nxt:])
    else:
        typ, cmd_text = raw[:sep], raw[nxt:]
    inner = parse_maybe_json(cmd_text)
    return Parsed((typ, *inner.value), json=inner.json)


def parse_words(rest: str, escape: str = "\\") -> list[str]:
    """parseWords: split on spaces, keeping quotes and escapes in the words."""
    if "'" not in rest and '"' not in rest and escape not in rest:
        return [word for word in _RE_GO_SPACES.split(rest) if word]  # nothing to keep together
    words: list[str] = []
    word: list[str] = []
    in_word = False
    quote = ""
    blank_ok = False
    n = len(rest)
    pos = 0
    while pos < n:
        ch = rest[pos]
        if not in_word:
            if ch in _GO_SPACE_SET:
                pos += 1
                continue
            in_word = True
        if quote:
            if ch == quote:
                quote = ""
            if ch == escape and quote != "'":
                if pos + 1 == n:
                    quote = ""
                    pos += 1
                    continue
                pos += 1
                word.append(ch)
                ch = rest[pos]
            word.append(ch)
            pos += 1
            continue
        if ch in _GO_SPACE_SET:
            if blank_ok or word:
                words.append("".join(word))
            word = []
            blank_ok = False
            in_word = False
            pos += 1
            continue
        if ch in "'\"":
            quote = ch
            blank_ok = True
        if ch == escape:
            if pos + 1 == n:
                pos += 1
                continue
            word.append(ch)
            pos += 1
            ch = rest[pos]
        word.append(ch)
        pos += 1
    if in_word and (blank_ok or word):
        words.append("".join(word))
    return words


def _name_val(rest: str, key: str, escape: str) -> tuple[str, ...]:
    """parseNameVal: ``KEY name value`` (old form) or ``KEY a=b c=d`` pairs."""
    words = parse_words(rest, escape)
    if not words:
        return ()
    if "=" not in words[0]:
        parts = split_whitespace(rest, 2)
        if len(parts) < 2:
            raise BuildKitError(f"{key} must have two arguments")
        return (parts[0], parts[1])
    out: list[str] = []
    for word in words:
        if "=" not in word:
            raise BuildKitError(f"Syntax error - can't find = in {go_quote(word)}. Must be of the form: name=value")
        name, value = word.split("=", 1)
        out += (name, value)
    return tuple(out)


_GO_ESCAPES: Final = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str) -> str:
    """Go's strconv.Quote (%q), which BuildKit's messages use."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0xD800 <= code <= 0xDFFF:
            # A surrogate escape stands for a byte of invalid UTF-8; Go prints it as \xNN.
            out.append(f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\\ufffd")
        elif ch.isprintable():
            out.append(ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)
