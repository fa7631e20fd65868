"""What happened to one file, in a form every report can render, and how to report it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rewriter.diagnostics import Diagnostic, Status

if TYPE_CHECKING:
    from rewriter.files import SourceFile


@dataclass(frozen=True)
class FileError:
    """Why a file could not be read, parsed or written, and where."""

    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Pending:
    """A rewrite held back for verification: what verify needs, and what writing it needs."""

    source: SourceFile
    code: str
    context: Path  # the build context


@dataclass(frozen=True)
class Verification:
    """How a rewrite's verification went: ``report`` is VerifyReport.as_dict(), or None
    when the engine itself failed (``reason`` says how)."""

    ok: bool
    reason: str | None
    report: dict | None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "reason": self.reason, "report": self.report}


@dataclass(frozen=True)
class Outcome:
    path: str
    status: Status
    applied: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    diff: str = ""  # left out of a lean task's outcome (see batch.Task.lean)
    changed: bool = False
    error: FileError | None = None
    written: bool = False
    encoding: str = "utf-8"
    output: str | None = None  # the rewritten text, kept only for stdin
    pending: Pending | None = None  # --verify: the rewrite still to be verified
    verify: Verification | None = None  # --verify: once verified
    context: str | None = None  # the build context the Go sources were read from
    context_source: str | None = None  # what decided it, or why none was found
    go_reader: str | None = None  # who read the Go sources ("go list", "static", and why)

    @property
    def not_verified(self) -> bool:
        return self.verify is not None and not self.verify.ok


@dataclass(frozen=True)
class Options:
    """How the results are reported."""

    in_place: bool
    check: bool
    show_diff: bool
    output_format: str  # text, json or sarif
    quiet: bool
    verbose: bool
    batch: bool  # several files, or a folder searched
    color_out: bool
    color_err: bool
    verify: bool = False
