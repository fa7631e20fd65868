"""What a rewrite reports: diagnostics with a rule code, and the result of one rewrite."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    line: int = 1  # 1-based
    column: int = 1  # 1-based

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True)
class RewriteResult:
    original: str
    code: str
    status: Status
    diagnostics: tuple[Diagnostic, ...] = ()
    applied: tuple[str, ...] = field(default=())
    context: str | None = None  # the build context folder the Go sources were read from
    context_source: str | None = None  # what decided it ("compose file: compose.yaml (service api)")
    go_reader: str | None = None  # who read the Go sources: "go list", or "static" and why

    @property
    def changed(self) -> bool:
        return self.code != self.original
