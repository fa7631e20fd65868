"""``reach.constants`` and ``reach.writes`` find an assignment or a write call from its
rare part and read the name back. These tests hold them to the plain patterns that start at
the name (slower: tried at every word of a file), over the fixtures' Go files and over
generated code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewriter.goprogram import reach
from rewriter.goprogram.model import Finding

_ASSIGNED = re.compile(
    r"\b(?!const\b|var\b)([A-Za-z_]\w*)(?:[ \t]+[\w.\[\]*]+)?[ \t]*"
    r"(?::=|(?<![=!<>:+\-*/%&|^])=(?!=))[ \t]*(\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`)"
)
_WRITE_CALL = re.compile(
    r"\b(?P<qual>\w+)[ \t]*\.[ \t]*(?P<name>Create|WriteFile|OpenFile|Mkdir|MkdirAll|CreateTemp|MkdirTemp|TempFile"
    r"|TempDir|Open)[ \t]*\("
)
ALIASES = {"os": "os", "ioutil": "io/ioutil", "sql": "database/sql", "sqlite": "gorm.io/driver/sqlite"}


def plain_constants(code: str) -> dict[str, str]:
    found = {m.group(1): reach.unquote(m.group(2)) for m in _ASSIGNED.finditer(code)}
    return found | {m.group(1): reach.unquote(m.group(2)) for m in reach._ABS_ASSIGNED.finditer(code)}


def plain_writes(code: str, aliases: dict[str, str]) -> list[reach.PendingWrite]:
    found: list[reach.PendingWrite] = []
    for call in _WRITE_CALL.finditer(code):
        package, name = aliases.get(call.group("qual")), call.group("name")
        args, end = reach.split_args(code, call.end())
        where = Finding(
            "f.go", code.count("\n", 0, call.start()) + 1, re.sub(r"\s+", " ", code[call.start() : end]).strip()[:120]
        )
        if name == "Open":
            if (
                package == "database/sql"
                and args[:1]
                and reach._literal(args[0]) in reach._SQLITE_DRIVERS
                and len(args) > 1
            ):
                found.append(reach.PendingWrite("file", reach._dsn(reach._expr(args[1])), where))
            elif package in reach._SQLITE_OPENERS and args:
                found.append(reach.PendingWrite("file", reach._dsn(reach._expr(args[0])), where))
            continue
        if package not in reach._OS or name not in reach._WRITES:
            continue
        if name == "OpenFile" and not (len(args) > 1 and reach._WRITE_FLAGS.search(args[1])):
            continue
        kind, index = reach._WRITES[name]
        expr = reach._expr(args[index]) if len(args) > index else None
        folder = reach._join_folder(args[index]) if kind == "file" and len(args) > index else None
        found.append(reach.PendingWrite(kind, expr, where, folder))
    return found


def assert_agree(code: str) -> None:
    assert reach.constants(code) == plain_constants(code)
    assert reach.writes(code, "f.go", ALIASES, set()) == plain_writes(code, ALIASES)


def test_fixtures_agree() -> None:
    files = sorted((Path(__file__).parent / "services").rglob("*.go"))
    assert len(files) >= 20, "the service fixtures hold Go files"
    constants = writes = 0
    for file in files:
        _, code = reach.strings_in(file.read_text(), 0, file.name)
        assert_agree(code)
        constants += len(plain_constants(code))
        writes += len(plain_writes(code, ALIASES))
    assert constants and writes, "the fixtures set string constants and write files"


@pytest.mark.parametrize(
    "code",
    [
        'const Dir = "data"\nvar a, b string = "x"\nc := "y"\nif x == "z" {}\n',
        'm["k"] = `x = "inner"`\n',  # an assignment held in a string the outer one cannot claim
        'x = y.z + `f = "g"`\n',
        'f, _ := os.Create(filepath.Join(Dir, "out.txt"))\n',
        'fmt.Println(`os.Create("a")`, os.WriteFile("b", nil, 0o644))\n',
        'p.Open(`os.Mkdir("c")`)\n',  # a call held in the arguments of one that is not read
        'db, _ := sql.Open("sqlite3", "file:app.db?mode=rwc")\n',
    ],
)
def test_known_shapes_agree(code: str) -> None:
    assert_agree(code)


_PIECES = st.sampled_from(
    [
        "a",
        "name",
        "x1",
        "const",
        "var",
        "os",
        "ioutil",
        "sql",
        "sqlite",
        " ",
        "\t",
        "\n",
        "=",
        ":=",
        "==",
        "!=",
        "+=",
        "<=",
        ".",
        ",",
        "(",
        ")",
        "[",
        "]",
        "*",
        "string",
        '"v"',
        '"a=b"',
        '"x\\"y"',
        "`raw`",
        "`r\nq`",
        '"',
        "`",
        '"sqlite3"',
        "Create",
        "CreateTemp",
        "WriteFile",
        "OpenFile",
        "Open",
        "Mkdir",
        "MkdirAll",
        "TempDir",
        "TempFile",
        "xOpen",
        "os.O_CREATE",
        "|",
        "0o644",
    ]
)


@settings(max_examples=4000, deadline=None)
@given(st.lists(_PIECES, max_size=50).map("".join))
def test_generated_code_agrees(code: str) -> None:
    assert_agree(code)
