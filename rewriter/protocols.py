"""The shapes some code is typed against, for the type checker only.

Nothing imports this module at run time: ``typing`` takes a few milliseconds to import,
and a single-file run of goslim does without it (see tests/test_cold_start.py).
"""

from __future__ import annotations

from typing import Protocol

from rewriter.diagnostics import Diagnostic
from rewriter.passes.base import CheckContext, FixContext, Result
from rewriter.rules import Rule


class Context(Protocol):
    """What the model asks of a build context (rewriter.context.BuildContext answers)."""

    def exists(self, rel: str) -> bool: ...
    def is_dir(self, rel: str) -> bool: ...
    def glob(self, pattern: str, *, limit: int = 1000) -> list[str]: ...


class Check(Protocol):
    """A pass that judges the original file (a module with ``RULES`` and ``check``)."""

    @property
    def RULES(self) -> tuple[Rule, ...]: ...

    def check(self, ctx: CheckContext) -> list[Diagnostic]: ...


class Fix(Protocol):
    """A pass that transforms the tree (a module with ``RULES`` and ``apply``)."""

    @property
    def RULES(self) -> tuple[Rule, ...]: ...

    def apply(self, ctx: FixContext) -> Result: ...


class Report(Protocol):
    """A pass that looks at the finished rewrite (a module with ``RULES`` and ``report``);
    ``applied`` holds the codes of the fixes that changed the file."""

    @property
    def RULES(self) -> tuple[Rule, ...]: ...

    def report(self, ctx: FixContext, applied: tuple[str, ...]) -> list[Diagnostic]: ...
