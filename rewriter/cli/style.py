"""Colour and layout for the terminal: styled stderr messages, rich tables, sizes.

rich is imported only where a table or a coloured diff is printed: a plain run never
loads it. Messages are styled and written as click.style and click.echo do it, without
importing click (see rewriter.cli.entry).
"""

from __future__ import annotations

import os
import sys

from rewriter.diagnostics import Severity

_COLOURS = {"red": 31, "yellow": 33, "blue": 34}


def style(text: str, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """click.style's ANSI codes: colour, then bold, then dim, and a reset."""
    codes = f"\033[{_COLOURS[fg]}m" if fg else ""
    codes += "\033[1m" if bold else ""
    codes += "\033[2m" if dim else ""
    return f"{codes}{text}\033[0m"


def echo(message: str = "", err: bool = False) -> None:
    """click.echo: a line on stdout (stderr with err), without colour codes when the stream
    is not a terminal, flushed."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    if "\033" in message and not _isatty(stream):
        import re

        message = re.sub(r"\033\[[0-?]*[ -/]*[@-~]", "", message)
    stream.write(message + "\n")
    stream.flush()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:  # noqa: BLE001 - as click: a stream that cannot tell is not a terminal
        return False


class Styler:
    """Colours for messages, off when the stream is not a terminal or NO_COLOR is set."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _style(self, text: str, **kw) -> str:
        return style(text, **kw) if self.enabled else text

    def bold(self, text: str) -> str:
        return self._style(text, bold=True)

    def dim(self, text: str) -> str:
        return self._style(text, dim=True)

    def red(self, text: str) -> str:
        return self._style(text, fg="red", bold=True)

    def where(self, path: str, line: int | None, column: int | None) -> str:
        where = path
        if line:
            where += f":{line}"
            if column:
                where += f":{column}"
        return self.bold(where)

    def severity(self, code: str, severity: Severity | str) -> str:
        severity = Severity(severity).value
        colour = {"error": "red", "warning": "yellow"}.get(severity, "blue")
        return f"{self._style(code, fg=colour, bold=True)} {self._style(severity, fg=colour)}"


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def print_table(table, stream, color: bool) -> None:
    """A rich table without trailing blanks; one line per row when the stream is not a terminal."""
    from rich.console import Console

    terminal = stream.isatty()
    console = Console(
        file=stream, highlight=False, no_color=not color, force_terminal=color or None, width=None if terminal else 1000
    )
    with console.capture() as captured:
        console.print(table)
    lines = [line.rstrip() for line in captured.get().splitlines()]
    stream.write("".join(line + "\n" for line in lines))
    stream.flush()


def human_size(size: int | None) -> str:
    """Bytes in decimal units, as `podman images` shows them."""
    if size is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def times(ratio: float) -> str:
    """A size ratio as people say it: 141×, 2.5×."""
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"
