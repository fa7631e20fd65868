"""What happened to one file, in a form every report can render, and how to report it."""

from __future__ import annotations

from pathlib import Path

from rewriter.diagnostics import Diagnostic, Status
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

    from rewriter.files import SourceFile


class FileError(Record):
    """Why a file could not be read, parsed or written, and where."""

    _fields: ClassVar[tuple[str, ...]] = ("message", "line", "column")

    message: Final[str]
    line: Final[int | None]
    column: Final[int | None]

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column


class Pending(Record):
    """A rewrite held back for verification: what verify needs, and what writing it needs."""

    _fields: ClassVar[tuple[str, ...]] = ("source", "code", "context")

    source: Final[SourceFile]
    code: Final[str]
    context: Final[Path]  # the build context

    def __init__(self, source: SourceFile, code: str, context: Path) -> None:
        self.source = source
        self.code = code
        self.context = context


class Verification(Record):
    """How a rewrite's verification went: ``report`` is VerifyReport.as_dict(), or None
    when the engine itself failed (``reason`` says how)."""

    _fields: ClassVar[tuple[str, ...]] = ("ok", "reason", "report")

    ok: Final[bool]
    reason: Final[str | None]
    report: Final[dict | None]

    def __init__(self, ok: bool, reason: str | None, report: dict | None) -> None:
        self.ok = ok
        self.reason = reason
        self.report = report

    def as_dict(self) -> dict:
        return {"ok": self.ok, "reason": self.reason, "report": self.report}


class Outcome(Record):
    _fields: ClassVar[tuple[str, ...]] = (
        "path",
        "status",
        "applied",
        "diagnostics",
        "diff",
        "changed",
        "error",
        "written",
        "encoding",
        "output",
        "pending",
        "verify",
        "context",
        "context_source",
        "go_reader",
    )

    path: Final[str]
    status: Final[Status]
    applied: Final[tuple[str, ...]]
    diagnostics: Final[tuple[Diagnostic, ...]]
    diff: Final[str]  # left out of a lean task's outcome (see batch.Task.lean)
    changed: Final[bool]
    error: Final[FileError | None]
    written: Final[bool]
    encoding: Final[str]
    output: Final[str | None]  # the rewritten text, kept only for stdin
    pending: Final[Pending | None]  # --verify: the rewrite still to be verified
    verify: Final[Verification | None]  # --verify: once verified
    context: Final[str | None]  # the build context the Go sources were read from
    context_source: Final[str | None]  # what decided it, or why none was found
    go_reader: Final[str | None]  # who read the Go sources ("go list", "static", and why)

    def __init__(
        self,
        path: str,
        status: Status,
        applied: tuple[str, ...] = (),
        diagnostics: tuple[Diagnostic, ...] = (),
        diff: str = "",
        changed: bool = False,
        error: FileError | None = None,
        written: bool = False,
        encoding: str = "utf-8",
        output: str | None = None,
        pending: Pending | None = None,
        verify: Verification | None = None,
        context: str | None = None,
        context_source: str | None = None,
        go_reader: str | None = None,
    ) -> None:
        self.path = path
        self.status = status
        self.applied = applied
        self.diagnostics = diagnostics
        self.diff = diff
        self.changed = changed
        self.error = error
        self.written = written
        self.encoding = encoding
        self.output = output
        self.pending = pending
        self.verify = verify
        self.context = context
        self.context_source = context_source
        self.go_reader = go_reader

    @property
    def not_verified(self) -> bool:
        return self.verify is not None and not self.verify.ok


class Options(Record):
    """How the results are reported."""

    _fields: ClassVar[tuple[str, ...]] = (
        "in_place",
        "check",
        "show_diff",
        "output_format",
        "quiet",
        "verbose",
        "batch",
        "color_out",
        "color_err",
        "verify",
    )

    in_place: Final[bool]
    check: Final[bool]
    show_diff: Final[bool]
    output_format: Final[str]  # text, json or sarif
    quiet: Final[bool]
    verbose: Final[bool]
    batch: Final[bool]  # several files, or a folder searched
    color_out: Final[bool]
    color_err: Final[bool]
    verify: Final[bool]

    def __init__(
        self,
        in_place: bool,
        check: bool,
        show_diff: bool,
        output_format: str,
        quiet: bool,
        verbose: bool,
        batch: bool,
        color_out: bool,
        color_err: bool,
        verify: bool = False,
    ) -> None:
        self.in_place = in_place
        self.check = check
        self.show_diff = show_diff
        self.output_format = output_format
        self.quiet = quiet
        self.verbose = verbose
        self.batch = batch
        self.color_out = color_out
        self.color_err = color_err
        self.verify = verify
