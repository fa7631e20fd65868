"""What a rewrite reports: diagnostics with a rule code, and the result of one rewrite."""

from __future__ import annotations

import enum

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final


class Severity(str, enum.Enum):
    ERROR = "error"  # the file was refused: rewriting it would build an image that does not run
    WARNING = "warning"  # rewritten, but something needs a human look
    INFO = "info"  # what a pass changed, or why nothing was done


class Status(str, enum.Enum):
    REWRITTEN = "rewritten"
    UNCHANGED = "unchanged"  # already slim, or nothing to do
    SKIPPED = "skipped"  # not a Go build, or ignored by pragma/config
    REFUSED = "refused"  # a Go build that cannot safely run from scratch
    ERROR = "error"  # could not be read or parsed


class Diagnostic(Record):
    _fields: ClassVar[tuple[str, ...]] = ("code", "severity", "message", "line", "column")

    code: Final[str]
    severity: Final[Severity]
    message: Final[str]
    line: Final[int]  # 1-based
    column: Final[int]  # 1-based

    def __init__(self, code: str, severity: Severity, message: str, line: int = 1, column: int = 1) -> None:
        self.code = code
        self.severity = severity
        self.message = message
        self.line = line
        self.column = column

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


class RewriteResult(Record):
    _fields: ClassVar[tuple[str, ...]] = (
        "original",
        "code",
        "status",
        "diagnostics",
        "applied",
        "context",
        "context_source",
        "go_reader",
    )

    original: Final[str]
    code: Final[str]
    status: Final[Status]
    diagnostics: Final[tuple[Diagnostic, ...]]
    applied: Final[tuple[str, ...]]
    context: Final[str | None]  # the build context folder the Go sources were read from
    context_source: Final[str | None]  # what decided it ("compose file: compose.yaml (service api)")
    go_reader: Final[str | None]  # who read the Go sources: "go list", or "static" and why

    def __init__(
        self,
        original: str,
        code: str,
        status: Status,
        diagnostics: tuple[Diagnostic, ...] = (),
        applied: tuple[str, ...] = (),
        context: str | None = None,
        context_source: str | None = None,
        go_reader: str | None = None,
    ) -> None:
        self.original = original
        self.code = code
        self.status = status
        self.diagnostics = diagnostics
        self.applied = applied
        self.context = context
        self.context_source = context_source
        self.go_reader = go_reader

    @property
    def changed(self) -> bool:
        return self.code != self.original
