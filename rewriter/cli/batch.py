"""Running a rewrite over many files: in worker processes when it pays off, results in
path order, each file read, rewritten and (with --in-place) written on its own."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

from rewriter.cli.outcome import FileError, Options, Outcome, Pending, Verification
from rewriter.cli.report_patch import unified_diff
from rewriter.cli.report_text import print_outcome, progress_bar, verify_progress
from rewriter.config import Config
from rewriter.diagnostics import Severity, Status
from rewriter.files import MAX_BYTES, SourceError, decode_source, read_source, write_atomic
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    import threading
    from typing import ClassVar, Final

    from rewriter.verify import Engine, VerifyReport

PARALLEL_MIN_FILES = 8  # below this, starting processes costs more than it saves
# Most files handed to a worker at once: each chunk is a message both ways that the main
# process handles, so larger chunks leave the workers more of the CPU; smaller ones end
# the run more evenly.
CHUNK_FILES = 64


class Task(Record):
    """One file to rewrite, with everything a worker process needs.

    The path is a string: a batch ships thousands of tasks to the workers, and a Path
    pickles several times slower.
    """

    _fields: ClassVar[tuple[str, ...]] = ("path", "display", "config", "context", "in_place", "stdin", "verify", "lean")

    path: Final[str]
    display: Final[str]
    config: Final[Config]
    context: Final[Path | None]
    in_place: Final[bool]
    stdin: Final[bytes | None]  # the input when the path is "-"
    verify: Final[bool]  # hold the rewrite back until it is verified
    lean: Final[bool]  # the report shows no diff and no info note: leave them out

    def __init__(
        self,
        path: str,
        display: str,
        config: Config,
        context: Path | None,
        in_place: bool,
        stdin: bytes | None = None,
        verify: bool = False,
        lean: bool = False,
    ) -> None:
        self.path = path
        self.display = display
        self.config = config
        self.context = context
        self.in_place = in_place
        self.stdin = stdin
        self.verify = verify
        self.lean = lean


def run(tasks: list[Task], jobs: int, opts: Options, engine: Engine | None = None) -> list[Outcome]:
    """Rewrite every task, in worker processes when it pays off; results keep path order.

    With --verify the rewrites come back unwritten; see _verify_all.
    """
    results = _start(tasks, jobs)
    if opts.verify:
        assert engine is not None
        return _verify_all(results, len(tasks), jobs, opts, engine)
    progress = progress_bar(len(tasks), opts)
    text = opts.output_format == "text"
    outcomes: list[Outcome] = []
    try:
        for outcome in results:
            outcomes.append(outcome)
            if progress is not None:
                progress.advance(progress.task_ids[0])
            elif text:
                print_outcome(outcome, opts)
    finally:
        if progress is not None:
            progress.stop()
    if text and progress is not None:  # printed only now so that nothing tears the bar
        for outcome in outcomes:
            print_outcome(outcome, opts)
    return outcomes


class Stopped(Exception):
    """A verification stopped between two steps because the run was interrupted."""


def _verify_all(results: Iterator[Outcome], total: int, jobs: int, opts: Options, engine: Engine) -> list[Outcome]:
    """Verify the held-back rewrites, up to `jobs` at a time, and write those that pass.

    A verification spends its time waiting for the engine, so threads run them; each
    builds one image at a time, so `jobs` bounds the builds under way. On Ctrl-C the
    ones under way stop after their current step, remove what they made, and the
    interrupt goes on.
    """
    import threading  # only --verify runs threads
    from concurrent.futures import Future, ThreadPoolExecutor

    stop = threading.Event()
    progress = verify_progress(total, opts)
    text = opts.output_format == "text"
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="goslim-verify")
    items: list[Outcome | Future] = []
    outcomes: list[Outcome] = []
    try:
        for outcome in results:
            if outcome.pending is None:
                items.append(outcome)
                if progress is not None:
                    progress.done(None)
            else:
                items.append(pool.submit(_verify_pending, outcome, engine, opts.in_place, progress, stop))
        for item in items:
            outcome = item.result() if isinstance(item, Future) else item
            outcomes.append(outcome)
            if text and progress is None:
                print_outcome(outcome, opts)
    except BaseException as exc:
        stop.set()
        if isinstance(exc, KeyboardInterrupt):
            print(
                "goslim: stopping: each verification under way ends after its current step and removes what it made",
                file=sys.stderr,
            )
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if progress is not None:
            progress.stop()
    if text and progress is not None:  # printed only now so that nothing tears the bars
        for outcome in outcomes:
            print_outcome(outcome, opts)
    return outcomes


def _start(tasks: list[Task], jobs: int) -> Iterator[Outcome]:
    """An iterator of outcomes; the worker processes are forked here, before any thread."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        return map(process, tasks)
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(tasks))
    chunksize = max(1, min(CHUNK_FILES, len(tasks) // (workers * 4)))
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(process, tasks, chunksize=chunksize)
    except (OSError, NotImplementedError, ImportError):  # no process support here
        return map(process, tasks)
    return _drain(pool, results, tasks)


def _drain(pool, results, tasks: list[Task]) -> Iterator[Outcome]:
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        for outcome in results:
            done += 1
            yield outcome
    except BrokenProcessPool:  # a worker died: finish the rest here
        yield from map(process, tasks[done:])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def process(task: Task) -> Outcome:
    """Read, rewrite and (with --in-place) write one file. Never raises."""
    import rewriter

    def failed(message, line=None, column=None, diagnostics=()):
        return Outcome(
            path=task.display, status=Status.ERROR, diagnostics=diagnostics, error=FileError(message, line, column)
        )

    try:
        if task.stdin is not None:
            source = decode_source(task.stdin, "-")
        else:
            source = read_source(task.path)
    except SourceError as exc:
        return failed(exc.message, exc.line, exc.column)

    stdin = task.stdin is not None
    try:
        result = rewriter.rewrite(
            source.text,
            task.config,
            context=task.context,
            dockerfile=None if stdin else source.path,
            cwd=Path.cwd() if stdin else None,
        )
    except rewriter.ParseError as exc:
        return failed(exc.message, exc.line, exc.column)
    except Exception as exc:
        return failed(f"internal error while rewriting: {type(exc).__name__}: {exc}")

    status = Status(result.status)
    if status is Status.ERROR:
        first = next((d for d in result.diagnostics if d.severity is Severity.ERROR), None)
        return failed(
            first.message if first else "could not be rewritten",
            first.line if first else None,
            first.column if first else None,
            tuple(d for d in result.diagnostics if d is not first),
        )

    changed = result.changed
    diff = ""
    diagnostics = tuple(result.diagnostics)
    if task.lean:
        diagnostics = tuple(d for d in diagnostics if d.severity is not Severity.INFO)
    elif changed:
        diff = unified_diff(source.text, result.code, task.display)
    written = False
    context = Path(result.context) if result.context else (task.context or source.path.parent)
    pending = Pending(source, result.code, context) if task.verify and changed else None
    if task.in_place and changed and pending is None:
        try:
            write_atomic(source.path, result.code, source.encoding, expected=source.stat, bom=source.bom)
        except SourceError as exc:
            return failed(exc.message, exc.line, exc.column, tuple(result.diagnostics))
        written = True
    return Outcome(
        path=task.display,
        status=status,
        applied=tuple(result.applied),
        diagnostics=diagnostics,
        diff=diff,
        changed=changed,
        written=written,
        encoding=source.encoding,
        output=result.code if task.stdin is not None else None,
        pending=pending,
        context=result.context,
        context_source=result.context_source,
        go_reader=result.go_reader,
    )


def _verify_pending(
    outcome: Outcome, engine: Engine, in_place: bool, progress=None, stop: threading.Event | None = None
) -> Outcome:
    """Verify a held-back rewrite, then write it (with --in-place) only if it passed."""
    pending = outcome.pending
    assert pending is not None

    def step(message: str) -> None:
        if stop is not None and stop.is_set():
            raise Stopped(message)
        if progress is not None:
            progress.step(outcome.path, message)

    try:
        report = verify_texts(engine, pending.source.text, pending.code, pending.context, on_step=step)
    finally:
        if progress is not None:
            progress.done(outcome.path)
    outcome = outcome.replace(pending=None, verify=verification(report))
    if not (in_place and outcome.verify is not None and outcome.verify.ok):
        return outcome
    source = pending.source
    try:
        write_atomic(source.path, pending.code, source.encoding, expected=source.stat, bom=source.bom)
    except SourceError as exc:
        return outcome.replace(status=Status.ERROR, error=FileError(exc.message, exc.line, exc.column))
    return outcome.replace(written=True)


def verify_texts(engine: Engine, original: str, rewritten: str, context: Path, **options) -> VerifyReport | str:
    """The report, or a one-line reason when the engine itself failed (not the rewrite)."""
    from rewriter.files import BOM
    from rewriter.verify import EngineError, verify

    try:
        return verify(original.removeprefix(BOM), rewritten.removeprefix(BOM), context, engine=engine, **options)
    except (EngineError, OSError) as exc:
        return f"engine error: {exc}"


def verification(report: VerifyReport | str) -> Verification:
    if isinstance(report, str):
        return Verification(False, report, None)
    return Verification(report.ok, report.reason, report.as_dict())


def read_stdin() -> bytes:
    return sys.stdin.buffer.read(MAX_BYTES + 1)


def display(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    if str(path) == "-" or not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
