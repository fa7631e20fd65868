"""What one Go file reaches on disk beyond the calls ``scan`` classifies: every string it
holds (a path the program may name: a field, a flag default, a constant), the constants
that hold strings, and the places it writes (files, folders, temporary files, SQLite
databases), with their paths when the code spells them.

No type checker: a path is known when a call's argument is a string literal, a constant
or variable of the same package set to one, or ``filepath.Join``/``path.Join`` of those.
"""

from __future__ import annotations

import re

from rewriter.goprogram.model import Finding
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

_LITERAL_MAX = 256  # longer strings are text, not paths
# Comments, strings, raw strings and runes, in the order they start: only strings count.
_TOKEN = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`|'(?:[^'\\\n]|\\.)+'", re.S)
_GO_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
# NAME = "..." / NAME := "..." / NAME string = "..." (const, var, or a local assignment).
# Found from the assignment and its string, the rare part, then the name is read back on
# the line: a pattern that starts at the name would be tried at every word of the file.
_ASSIGNED_VALUE = re.compile(r"(?::=|(?<![=!<>:+\-*/%&|^])=(?!=))[ \t]*(\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`)")
_ASSIGNED_NAME = re.compile(r"\b(?!const\b|var\b)([A-Za-z_]\w*)(?:[ \t]+[\w.\[\]*]+)?[ \t]*\Z")
# dir, err := filepath.Abs("./upload"): the folder a relative name stands for, named alike.
_ABS_ASSIGNED = re.compile(
    r"\b([A-Za-z_]\w*)(?:[ \t]*,[ \t]*\w+)?[ \t]*:?=[ \t]*(?:filepath|path)[ \t]*\.[ \t]*Abs"
    r"\([ \t]*(\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`)[ \t]*\)"
)
# pkg.Call( for the calls that write; the qualifier is read back from the name alike.
_WRITE_NAME = re.compile(
    r"\b(Create|WriteFile|OpenFile|Mkdir|MkdirAll|CreateTemp|MkdirTemp|TempFile|TempDir|Open)[ \t]*\("
)
_WRITE_QUALIFIER = re.compile(r"\b(\w+)[ \t]*\.[ \t]*\Z")
_ARG_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|[()\[\]{},]|[^"`()\[\]{},]+')
_IDENT = re.compile(r"[A-Za-z_]\w*")
_JOIN = re.compile(r"(?:filepath|path)\s*\.\s*Join\s*\(")
_WRITE_FLAGS = re.compile(r"\bO_(?:WRONLY|RDWR|CREATE|APPEND|TRUNC)\b")
_SQLITE_DRIVERS = frozenset({"sqlite", "sqlite3"})
_SQLITE_OPENERS = ("gorm.io/driver/sqlite", "github.com/glebarez/sqlite")
_OS = ("os", "io/ioutil")
# The imports a write call is qualified by: a file importing none of them writes nothing.
WRITERS = frozenset({*_OS, "database/sql", *_SQLITE_OPENERS})
_ARG_WINDOW = 2000

# What each write call makes: (kind, index of the path argument).
_WRITES = {
    "Create": ("file", 0),
    "WriteFile": ("file", 0),
    "OpenFile": ("file", 0),
    "Mkdir": ("dir", 0),
    "MkdirAll": ("dir", 0),
    "CreateTemp": ("temp", 0),
    "MkdirTemp": ("temp", 0),
    "TempFile": ("temp", 0),
    "TempDir": ("temp", 0),
}

# A path expression: its parts, each a literal ("", text) or a name to look up (name, "").
Expr = tuple[tuple[str, str], ...]


class Literal(Record):
    """A string the program holds, and where."""

    _fields: ClassVar[tuple[str, ...]] = ("value", "where")

    value: Final[str]
    where: Final[Finding]

    def __init__(self, value: str, where: Finding) -> None:
        self.value = value
        self.where = where


class Write(Record):
    """A place the program writes: a file, a folder it makes, or a temporary file (in the
    folder ``path``, "" for the system's). ``path`` is None when the code does not spell it."""

    _fields: ClassVar[tuple[str, ...]] = ("kind", "path", "where")

    kind: Final[str]  # "file", "dir" or "temp"
    path: Final[str | None]  # as written, relative to the working folder or absolute
    where: Final[Finding]

    def __init__(self, kind: str, path: str | None, where: Finding) -> None:
        self.kind = kind
        self.path = path
        self.where = where


class PendingWrite(Record):
    """A write whose path may use a name of the package, resolved once every file is read."""

    _fields: ClassVar[tuple[str, ...]] = ("kind", "expr", "where", "folder")

    kind: Final[str]
    expr: Final[Expr | None]
    where: Final[Finding]
    folder: Final[Expr | None]  # for a file: the folder of filepath.Join(FOLDER..., computed name)

    def __init__(self, kind: str, expr: Expr | None, where: Finding, folder: Expr | None = None) -> None:
        self.kind = kind
        self.expr = expr
        self.where = where
        self.folder = folder


def unquote(token: str) -> str:
    """A Go string literal's value (interpreted or raw)."""
    if token.startswith("`") or "\\" not in token:
        return token[1:-1]

    def sub(m: re.Match) -> str:
        e = m.group(1)
        if e[0] in "xuU":
            return chr(int(e[1:], 16))
        if e[0].isdigit():
            return chr(int(e, 8))
        return _SIMPLE_ESCAPES.get(e, e)

    return _GO_ESCAPE.sub(sub, token[1:-1])


def strings_in(text: str, start: int, path: str) -> tuple[list[Literal], str]:
    """The string literals of ``text`` from ``start``, and the code with every comment,
    string and rune blanked (so that patterns over code cannot match inside them)."""
    out: list[Literal] = []
    code: list[str] = []
    last = start
    line, counted = 1, 0  # the line of position ``counted``, counted on as tokens come
    for m in _TOKEN.finditer(text, start):
        token = m.group()
        code.append(text[last : m.start()])
        last = m.end()
        if token[0] in '"`':
            value = unquote(token)
            if 0 < len(value) <= _LITERAL_MAX and "\n" not in value and "\x00" not in value:
                line += text.count("\n", counted, m.start())
                counted = m.start()
                out.append(Literal(value, Finding(path, line, token)))
            code.append(token)  # kept: calls read their arguments from the code
        else:
            code.append(_blank(token))
    code.append(text[last:])
    return out, text[:start] + "".join(code)


def _blank(token: str) -> str:
    """Spaces for a comment or rune, its line breaks kept (lines are counted in the code)."""
    if "\n" not in token:
        return " " * len(token)
    return "\n".join(" " * len(line) for line in token.split("\n"))


def constants(code: str) -> dict[str, str]:
    """NAME -> value for names set to a string literal (the last one a file sets wins)."""
    found: dict[str, str] = {}
    pos = 0
    while (m := _ASSIGNED_VALUE.search(code, pos)) is not None:
        start = m.start()
        name = _ASSIGNED_NAME.search(code, max(pos, code.rfind("\n", 0, start) + 1), start)
        if name is None:
            pos = start + 1
            continue
        found[name.group(1)] = unquote(m.group(1))
        pos = m.end()
    if "Abs" in code:
        for m in _ABS_ASSIGNED.finditer(code):
            found[m.group(1)] = unquote(m.group(2))
    return found


def writes(code: str, path: str, aliases: dict[str, str], imports: set[str]) -> list[PendingWrite]:
    """The places the file writes, with the path expressions of their arguments."""
    found: list[PendingWrite] = []
    pos = 0
    while (call := _WRITE_NAME.search(code, pos)) is not None:
        qualified = _WRITE_QUALIFIER.search(code, max(pos, code.rfind("\n", 0, call.start()) + 1), call.start())
        if qualified is None:
            pos = call.start() + 1
            continue
        qual, name = qualified.group(1), call.group(1)
        package = aliases.get(qual)
        args, end = split_args(code, call.end())
        pos = call.end()
        line = code.count("\n", 0, qualified.start()) + 1
        where = Finding(path, line, re.sub(r"\s+", " ", code[qualified.start() : end]).strip()[:120])
        if name == "Open":
            if package == "database/sql" and args[:1] and _literal(args[0]) in _SQLITE_DRIVERS and len(args) > 1:
                found.append(PendingWrite("file", _dsn(_expr(args[1])), where))
            elif package in _SQLITE_OPENERS and args:
                found.append(PendingWrite("file", _dsn(_expr(args[0])), where))
            continue
        if package not in _OS or name not in _WRITES:
            continue
        if name == "OpenFile" and not (len(args) > 1 and _WRITE_FLAGS.search(args[1])):
            continue
        kind, index = _WRITES[name]
        expr = _expr(args[index]) if len(args) > index else None
        folder = _join_folder(args[index]) if kind == "file" and len(args) > index else None
        found.append(PendingWrite(kind, expr, where, folder))
    return found


def _join_folder(arg: str) -> Expr | None:
    """The folder of ``filepath.Join(KNOWN..., computed)``: every part but the last spelled."""
    join = _JOIN.match(arg.strip())
    if join is None:
        return None
    inner, end = split_args(arg.strip(), join.end())
    if end != len(arg.strip()) or len(inner) < 2:
        return None
    parts: list[tuple[str, str]] = []
    for piece in inner[:-1]:
        sub = _expr(piece)
        if sub is None:
            return None
        parts += sub
    return tuple(parts)


def resolve_write(write: PendingWrite, names: dict[str, str]) -> Write:
    """The write with its path spelled, or the folder it writes in when only that is."""
    path = resolve(write.expr, names)
    if path is None and write.folder is not None:
        folder = resolve(write.folder, names)
        if folder is not None:
            return Write("dir", folder, write.where)  # a file of a computed name in a named folder
    return Write(write.kind, path, write.where)


def resolve(expr: Expr | None, names: dict[str, str]) -> str | None:
    """The path an expression spells, with ``names`` the package's string constants."""
    if expr is None:
        return None
    parts: list[str] = []
    for name, text in expr:
        value = names.get(name) if name else text
        if value is None:
            return None
        parts.append(value)
    if not parts:
        return None
    out = parts[0]
    for part in parts[1:]:
        out = part if part.startswith("/") else (out.rstrip("/") + "/" + part if out else part)
    return out


def split_args(code: str, pos: int, window: int = _ARG_WINDOW) -> tuple[list[str], int]:
    """The argument texts of a call, from just after "(", and the position after ")"
    (looking at most ``window`` characters ahead)."""
    args: list[str] = []
    depth, begin, limit = 0, pos, min(len(code), pos + window)
    for tok in _ARG_TOKEN.finditer(code, pos, limit):
        t = tok.group()
        if t in "([{":
            depth += 1
        elif t in ")]}":
            if depth == 0:
                if code[begin : tok.start()].strip() or args:
                    args.append(code[begin : tok.start()].strip())
                return args, tok.end()
            depth -= 1
        elif t == "," and depth == 0:
            args.append(code[begin : tok.start()].strip())
            begin = tok.end()
    return args, limit


def _literal(arg: str) -> str | None:
    arg = arg.strip()
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in '"`':
        return unquote(arg)
    return None


def _expr(arg: str) -> Expr | None:
    """A path argument as parts: literals, names, and filepath.Join of those."""
    arg = arg.strip()
    value = _literal(arg)
    if value is not None:
        return (("", value),)
    if _IDENT.fullmatch(arg):
        return ((arg, ""),)
    join = _JOIN.match(arg)
    if join:
        inner, end = split_args(arg, join.end())
        if end != len(arg) or not inner:
            return None
        parts: list[tuple[str, str]] = []
        for piece in inner:
            sub = _expr(piece)
            if sub is None:
                return None
            parts += sub
        return tuple(parts)
    return None


def _dsn(expr: Expr | None) -> Expr | None:
    """The file of an SQLite data source: ``file:data/app.db?mode=rwc`` is data/app.db."""
    if expr is None or len(expr) != 1 or expr[0][0]:
        return expr
    text = expr[0][1].removeprefix("file:").split("?", 1)[0]
    if not text or text == ":memory:":
        return None
    return (("", text),)
