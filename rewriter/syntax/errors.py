"""The one exception ``parse`` raises."""

from __future__ import annotations


class ParseError(ValueError):
    """Input BuildKit would reject, with a 1-based line and column and a one-line message."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(f"{line}:{column}: {message}")
        self.message = message
        self.line = line
        self.column = column
