"""The token the lexer hands Lark: a Lark Token that also carries what the lexer worked
out about its lines (Lark's Token is a str, so it cannot be one of the compiled classes)."""

from __future__ import annotations

from lark.lexer import Token


class LineToken(Token):
    """A token for whole lines; ``info`` carries what the lexer worked out about them."""

    __slots__ = ("info",)

    info: object


def line_token(kind: str, value: str, info: object, line: int) -> LineToken:
    tok = LineToken(kind, value, None, line)
    tok.info = info
    return tok
