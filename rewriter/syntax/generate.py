"""Generate rewriter/syntax/parse_table.py, the LALR(1) table the parser runs, from the
Lark grammar (grammar/dockerfile.lark), which stays the source of truth.

    python -m rewriter.syntax.generate           # rewrite parse_table.py from the grammar
    python -m rewriter.syntax.generate --check   # exit 1 when parse_table.py is out of date

The table is Lark's own analysis of the grammar, renumbered in a fixed order so that the
same grammar always gives the same file. ``lark_parser()`` is the parser Lark builds from
the grammar over the same lexer and node builders: the tests check that both parsers make
the same trees. Needs Lark (a test dependency); goslim itself never imports this module.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys

from lark import Lark, Token, Transformer
from lark.lexer import Lexer
from lark.parsers.lalr_analysis import Shift

from rewriter.syntax.lexer import lex

TABLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parse_table.py")
COMMAND = "python -m rewriter.syntax.generate"


def grammar() -> str:
    # By name: in a source checkout the package is the top-level grammar/ folder.
    folder = os.path.dirname(importlib.import_module("rewriter.grammar").__file__ or "")
    with open(os.path.join(folder, "dockerfile.lark"), encoding="utf-8") as handle:
        return handle.read()


class _LineToken(Token):
    """A Lark token that also carries what the lexer worked out about its lines."""

    __slots__ = ("info",)


class _LineLexer(Lexer):
    """Hands Lark the line lexer's tokens."""

    __future_interface__ = 0  # Lark then calls lex(text)

    def __init__(self, lexer_conf=None):
        pass

    def lex(self, text: str):  # type: ignore[override]
        for kind, value, info, line in lex(text):
            token = _LineToken(kind, value, None, line)
            token.info = info
            yield token


def _raw(child):
    """A Lark token back as the lexer's tuple, which the node builders take."""
    if isinstance(child, _LineToken):
        return (child.type, str(child), child.info, child.line)
    return child


def _lark(**options) -> Lark:
    return Lark(grammar(), parser="lalr", lexer=_LineLexer, maybe_placeholders=False, **options)


def lark_parser() -> Lark:
    """The grammar as Lark parses it, building goslim's nodes: ``lark_parser().parse(text)``
    is what ``rewriter.parse(text)`` must equal."""
    from rewriter.syntax import parser  # not at the top: it runs the table this module writes

    class Build(Transformer):
        """Lark's callbacks for the named rules: the parser's own node builders."""

    for name, build in parser.BUILDERS.items():
        setattr(Build, name, lambda self, children, build=build: build([_raw(c) for c in children]))
    return _lark(transformer=Build())


def _ops(rule) -> str:
    """What a reduce does with each symbol of ``rule``, as Lark's tree builder does it:
    s splices an inlined _rule's children, d drops a filtered token, k keeps the child."""
    if rule.alias or rule.options.expand1 or rule.options.keep_all_tokens:
        raise SystemExit(f"{rule}: aliases, ?rules and keep_all_tokens are not supported by the parser's table runner")
    return "".join(
        ("d" if sym.filter_out else "k") if sym.is_term else ("s" if sym.name.startswith("_") else "k")
        for sym in rule.expansion
    )


def _quote(name: str) -> str:
    return json.dumps(str(name))  # a Python string literal too, for these names


def _state_lines(number: int, cells: list[str], width: int = 120) -> list[str]:
    """One state's dict on one line if it fits, else its cells filled into lines of at most
    ``width``."""
    line = f"    {{{', '.join(cells)}}},  # {number}"
    if len(line) <= width:
        return [line]
    lines = [f"    {{  # {number}", ""]
    for cell in cells:
        if lines[-1] and len(lines[-1]) + len(cell) + 2 > width:
            lines.append("")
        lines[-1] = f"{lines[-1]} {cell}," if lines[-1] else f"        {cell},"
    return [*lines, "    },"]


def table_source() -> str:
    """The text of parse_table.py for the grammar as it is now."""
    lark = _lark()
    table = lark.parser.parser._parse_table  # the table Lark's own LALR parser runs
    start, accept = table.start_states["start"], table.end_states["start"]
    # States in breadth-first order from the start, symbols in sorted order: Lark's own
    # numbering depends on set iteration order, which varies between runs.
    order = [start]
    number = {start: 0}
    for state in order:
        for symbol in sorted(table.states[state]):
            action, target = table.states[state][symbol]
            if action is Shift and target not in number:
                number[target] = len(order)
                order.append(target)
    rules = sorted(
        {target for actions in table.states.values() for action, target in actions.values() if action is not Shift},
        key=lark.rules.index,
    )
    rule_number = {rule: i for i, rule in enumerate(rules)}

    out = [
        '"""The LALR(1) table of grammar/dockerfile.lark, which rewriter.syntax.parser runs.',
        "",
        f"Generated from the grammar by ``{COMMAND}``; do not edit. The tests",
        "regenerate it and fail when it differs.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "# The rules: (name, what a reduce does with each symbol: k keeps the child, s splices in",
        "# the children of an inlined _rule, d drops a filtered token). A rule named _... builds",
        "# no node; the rule that uses it takes its children.",
        "RULES: tuple[tuple[str, str], ...] = (",
    ]
    for i, rule in enumerate(rules):
        out.append(f"    # {i}: {rule.origin.name}: {' '.join(s.name for s in rule.expansion)}".rstrip())
        out.append(f"    ({_quote(rule.origin.name)}, {_quote(_ops(rule))}),")
    out += [
        ")",
        "# STATES[state][symbol]: the next state (>= 0: shift the token, or go there after",
        "# reducing to the rule), or ~rule (< 0): reduce by RULES[rule].",
        "STATES: tuple[dict[str, int], ...] = (",
    ]
    for i, state in enumerate(order):
        actions = table.states[state]
        cells = []
        for symbol in sorted(actions):
            action, target = actions[symbol]
            cells.append(f"{_quote(symbol)}: {number[target] if action is Shift else ~rule_number[target]}")
        out += _state_lines(i, cells)
    out += [
        ")",
        "START = 0",
        f"ACCEPT = {number[accept]}  # after reducing the whole file to start",
        f"END = {_quote('$END')}  # the token kind that ends the input",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when parse_table.py is out of date")
    args = ap.parse_args(argv)
    text = table_source()
    try:
        with open(TABLE_FILE, encoding="utf-8") as handle:
            current = handle.read()
    except FileNotFoundError:
        current = ""
    if args.check:
        if current != text:
            print(f"{TABLE_FILE} does not match the grammar: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    if current != text:
        with open(TABLE_FILE, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote {TABLE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
