"""The goslim command line.

Commands stay thin: reading, finding files, config and the rewrite itself live in the
library; this module picks the files, runs them (in parallel when there are many) and
reports the results as a diff, text, JSON or SARIF. Heavy imports happen inside the
commands so that ``goslim --version`` starts instantly.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rewriter import __version__, compiled
from rewriter.config import RUNTIMES

if TYPE_CHECKING:
    from rewriter.config import Config
    from rewriter.diagnostics import Diagnostic
    from rewriter.files import SourceFile
    from rewriter.verify import Engine, VerifyReport

EXIT_OK = 0
EXIT_CHANGED = 1
EXIT_NOT_VERIFIED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
ENGINES = ("auto", "docker", "podman", "buildah")   # rewriter.verify.detect_engine's choices
PARALLEL_MIN_FILES = 8      # below this, starting processes costs more than it saves
# Most files handed to a worker at once: each chunk is a message both ways that the main
# process handles, so larger chunks leave the workers more of the CPU; smaller ones end
# the run more evenly.
CHUNK_FILES = 64


class _Group(click.Group):
    """Turns anything unexpected into one line and exit 2 instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("goslim: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # the last resort: still one line, still exit 2
            click.echo(f"goslim: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"goslim {__version__} ({'compiled' if compiled() else 'plain Python'})")
        ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version, and whether the compiled modules are in use, and exit.")
def cli() -> None:
    """Rewrite fat Go Dockerfiles into small multi-stage builds that run FROM scratch."""


# ---------------------------------------------------------------------------- rewrite


@dataclass(frozen=True)
class _Task:
    """One file to rewrite, with everything a worker process needs.

    The path is a string: a batch ships thousands of tasks to the workers, and a Path
    pickles several times slower.
    """

    path: str
    display: str
    config: Config
    context: Path | None
    in_place: bool
    stdin: bytes | None = None     # the input when the path is "-"
    verify: bool = False           # hold the rewrite back until it is verified
    lean: bool = False             # the report shows no diff and no info note: leave them out


@dataclass(frozen=True)
class _Pending:
    """A rewrite held back for verification: what verify needs, and what writing it needs."""

    source: SourceFile
    code: str
    context: Path


@dataclass(frozen=True)
class _Outcome:
    """What happened to one file, in a form every output format can render."""

    path: str
    status: str
    applied: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    diff: str = ""                 # left out of a lean task's outcome (see _Task.lean)
    changed: bool = False
    error: tuple[str, int | None, int | None] | None = None   # message, line, column
    written: bool = False
    encoding: str = "utf-8"
    output: str | None = None      # the rewritten text, kept only for stdin
    pending: _Pending | None = None    # --verify: the rewrite still to be verified
    verify: dict | None = None     # --verify: {"ok", "reason", "report"} once verified

    @property
    def not_verified(self) -> bool:
        return self.verify is not None and not self.verify["ok"]


@dataclass
class _Options:
    in_place: bool
    check: bool
    show_diff: bool
    output_format: str
    quiet: bool
    verbose: bool
    batch: bool
    color_out: bool
    color_err: bool
    verify: bool = False


@cli.command(short_help="Rewrite Dockerfiles: diff, check, or change them in place.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-i", "--in-place", is_flag=True, help="Write the rewritten files back.")
@click.option("--check", is_flag=True, help="Exit 1 when any file would change.")
@click.option("--diff/--no-diff", "show_diff", default=None,
              help="Show a unified diff (the default unless --in-place or --check).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]),
              default="text", show_default=True, help="How to report the results.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Files rewritten in parallel (default: number of CPUs).")
@click.option("-q", "--quiet", is_flag=True, help="Report errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Also report unchanged and skipped files.")
@click.option("--patch", "patch_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Write every change as one patch for `git apply`.")
@click.option("--context", "context_dir", metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Build context (default: the folder of each Dockerfile).")
@click.option("--runtime", type=click.Choice(RUNTIMES), default=None,
              help="Base image of the runtime stage (overrides the config file).")
@click.option("--config", "config_file", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this config file instead of the nearest .goslim.toml/pyproject.toml.")
@click.option("--verify", is_flag=True,
              help="Build and run each rewrite beside its original first; write and count "
                   "only those that verify (see `goslim verify`).")
@click.pass_context
def rewrite(ctx: click.Context, paths: tuple[str, ...], in_place: bool, check: bool,
            show_diff: bool | None, output_format: str, jobs: int | None, quiet: bool,
            verbose: bool, patch_file: Path | None, context_dir: Path | None,
            runtime: str | None, config_file: Path | None, verify: bool) -> None:
    """Rewrite Dockerfiles: show a diff, check, or change them in place.

    PATH is a Dockerfile, a directory to search, or - for stdin (the result goes to
    stdout). Exit status: 0 done, 1 --check found files to rewrite or --verify could not
    verify a rewrite (it was not written), 2 a file could not be read, parsed or written,
    no container engine for --verify, or the command line or config is wrong.
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("- (stdin) cannot be combined with other paths")
    if "-" in paths and in_place:
        raise click.UsageError("--in-place needs files; stdin is written to stdout")
    if "-" in paths and verify:
        raise click.UsageError("--verify needs files: stdin has no build context")

    from rewriter.discovery import discover

    files = discover(paths)
    batch = len(files) > 1 or any(Path(p) not in files for p in paths)  # a folder was searched
    opts = _Options(
        in_place=in_place,
        check=check,
        show_diff=show_diff if show_diff is not None else not (in_place or check or "-" in paths),
        output_format=output_format,
        quiet=quiet,
        verbose=verbose,
        batch=batch,
        color_out=_use_color(sys.stdout),
        color_err=_use_color(sys.stderr),
        verify=verify,
    )
    engine = _engine_or_fail("auto") if verify else None
    if not files:
        if not quiet:
            click.echo(f"goslim: no Dockerfiles found in {' '.join(paths)}", err=True)
        if output_format != "text":
            _emit_report([], opts)
        ctx.exit(EXIT_OK)

    # A batch's text report without -v and without diffs shows neither diffs nor info
    # notes: the workers leave them out rather than make and ship them for every file.
    lean = output_format == "text" and batch and not (verbose or opts.show_diff or patch_file)
    tasks = _make_tasks(files, config_file, runtime, context_dir, in_place, verify, lean)
    outcomes = _run(tasks, jobs or _cpu_count(), opts, engine)
    _emit_report(outcomes, opts)
    if patch_file is not None:
        _write_patch(patch_file, outcomes, opts)
    ctx.exit(_exit_status(outcomes, check))


def _make_tasks(files, config_file, runtime, context_dir, in_place, verify=False,
                lean=False) -> list[_Task]:
    """Resolve each file's config up front so a bad config stops the run before any write."""
    from rewriter.config import ConfigError, load_config, load_config_file

    tasks = []
    merged: dict[Config, Config] = {}  # one object per config, which a chunk pickles once
    try:
        explicit = load_config_file(config_file) if config_file else None
        for path in files:
            stdin = None
            if str(path) == "-":
                stdin = _read_stdin()
                base = explicit or load_config(Path.cwd() / "Dockerfile")
            else:
                base = explicit or load_config(path)
            config = merged.get(base)
            if config is None:
                config = merged[base] = base.merged(runtime=runtime)
            tasks.append(_Task(path=os.fspath(path), display=_display(path), config=config,
                               context=context_dir, in_place=in_place, stdin=stdin,
                               verify=verify, lean=lean))
    except ConfigError as exc:
        raise _Fail(f"goslim: invalid config: {exc}") from None
    return tasks


def _read_stdin() -> bytes:
    from rewriter.files import MAX_BYTES

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def _run(tasks: list[_Task], jobs: int, opts: _Options,
         engine: Engine | None = None) -> list[_Outcome]:
    """Rewrite every task, in worker processes when it pays off; results keep path order.

    With --verify the rewrites come back unwritten and are verified here, one at a time
    (the engine is the bottleneck), and written only when they pass.
    """
    _collect_less_often()
    results = _start(tasks, jobs)
    progress = _progress(len(tasks), opts)
    text = opts.output_format == "text"
    outcomes: list[_Outcome] = []
    try:
        for outcome in results:
            if outcome.pending is not None:
                outcome = _verify_pending(outcome, engine, opts.in_place)
            outcomes.append(outcome)
            if progress is not None:
                progress.advance(progress.task_ids[0])
            elif text:
                _print_outcome(outcome, opts)
    finally:
        if progress is not None:
            progress.stop()
    if text and progress is not None:  # printed only now so that nothing tears the bar
        for outcome in outcomes:
            _print_outcome(outcome, opts)
    return outcomes


GC_YOUNG_THRESHOLD = 10_000  # objects allocated between young collections (Python's default: 700)


def _collect_less_often() -> None:
    """Run the cyclic garbage collector less often during a batch (worker processes are
    forked afterwards and inherit it). A rewrite allocates many short-lived nodes, which
    made young collections so frequent that they took about 15% of a 10,000-file run;
    they make few cycles, so little memory waits longer to be freed."""
    import gc

    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, GC_YOUNG_THRESHOLD), middle, old)


def _start(tasks: list[_Task], jobs: int):
    """An iterator of outcomes; the worker processes are forked here, before any thread."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        return map(_process, tasks)
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(tasks))
    chunksize = max(1, min(CHUNK_FILES, len(tasks) // (workers * 4)))
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_process, tasks, chunksize=chunksize)
    except (OSError, NotImplementedError, ImportError):  # no process support here
        return map(_process, tasks)
    return _drain(pool, results, tasks)


def _drain(pool, results, tasks):
    from concurrent.futures.process import BrokenProcessPool

    done = 0
    try:
        for outcome in results:
            done += 1
            yield outcome
    except BrokenProcessPool:  # a worker died: finish the rest here
        yield from map(_process, tasks[done:])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _process(task: _Task) -> _Outcome:
    """Read, rewrite and (with --in-place) write one file. Never raises."""
    import rewriter
    from rewriter.diagnostics import Status
    from rewriter.files import SourceError, decode_source, read_source, write_atomic

    def failed(message, line=None, column=None, diagnostics=()):
        return _Outcome(path=task.display, status=Status.ERROR.value, diagnostics=diagnostics,
                        error=(message, line, column))

    try:
        if task.stdin is not None:
            source = decode_source(task.stdin, "-")
        else:
            source = read_source(task.path)
    except SourceError as exc:
        return failed(exc.message, exc.line, exc.column)

    context = task.context or (Path.cwd() if task.stdin is not None else source.path.parent)
    parse_error = getattr(rewriter, "ParseError", ())
    try:
        result = rewriter.rewrite(source.text, task.config, context=context)
    except parse_error as exc:
        return failed(getattr(exc, "message", str(exc)), getattr(exc, "line", None),
                      getattr(exc, "column", None))
    except Exception as exc:
        return failed(f"internal error while rewriting: {type(exc).__name__}: {exc}")

    status = Status(result.status)
    if status is Status.ERROR:
        first = next((d for d in result.diagnostics if d.severity == "error"), None)
        return failed(first.message if first else "could not be rewritten",
                      first.line if first else None, first.column if first else None,
                      tuple(d for d in result.diagnostics if d is not first))

    changed = result.changed
    diff = ""
    diagnostics = tuple(result.diagnostics)
    if task.lean:
        diagnostics = tuple(d for d in diagnostics if d.severity != "info")
    elif changed:
        diff = unified_diff(source.text, result.code, task.display)
    written = False
    pending = _Pending(source, result.code, context) if task.verify and changed else None
    if task.in_place and changed and pending is None:
        try:
            write_atomic(source.path, result.code, source.encoding, expected=source.stat,
                         bom=source.bom)
        except SourceError as exc:
            return failed(exc.message, exc.line, exc.column, tuple(result.diagnostics))
        written = True
    return _Outcome(
        path=task.display,
        status=status.value,
        applied=tuple(result.applied),
        diagnostics=diagnostics,
        diff=diff,
        changed=changed,
        written=written,
        encoding=source.encoding,
        output=result.code if task.stdin is not None else None,
        pending=pending,
    )


def _verify_pending(outcome: _Outcome, engine: Engine, in_place: bool) -> _Outcome:
    """Verify a held-back rewrite, then write it (with --in-place) only if it passed."""
    from rewriter.files import SourceError, write_atomic

    pending = outcome.pending
    report = _verify_texts(engine, pending.source.text, pending.code, pending.context)
    outcome = replace(outcome, pending=None, verify=_verify_entry(report))
    if not (in_place and outcome.verify["ok"]):
        return outcome
    source = pending.source
    try:
        write_atomic(source.path, pending.code, source.encoding, expected=source.stat,
                     bom=source.bom)
    except SourceError as exc:
        return replace(outcome, status="error", error=(exc.message, exc.line, exc.column))
    return replace(outcome, written=True)


def _verify_texts(engine: Engine, original: str, rewritten: str, context: Path,
                  **options) -> VerifyReport | str:
    """The report, or a one-line reason when the engine itself failed (not the rewrite)."""
    from rewriter.files import BOM
    from rewriter.verify import EngineError, verify

    try:
        return verify(original.removeprefix(BOM), rewritten.removeprefix(BOM), context,
                      engine=engine, **options)
    except (EngineError, OSError) as exc:
        return f"engine error: {exc}"


def _verify_entry(report: VerifyReport | str) -> dict:
    """What --format json holds per file for --verify."""
    if isinstance(report, str):
        return {"ok": False, "reason": report, "report": None}
    return {"ok": report.ok, "reason": report.reason, "report": report.as_dict()}


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff that `git apply` accepts, with a/ and b/ prefixes like git's."""
    import difflib

    name = path.lstrip("/")
    lines = difflib.unified_diff(_split_lines(old), _split_lines(new),
                                 fromfile=f"a/{name}", tofile=f"b/{name}")
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def _split_lines(text: str) -> list[str]:
    """Lines as git sees them: split at \\n only (str.splitlines also splits at \\f, U+2028...)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _exit_status(outcomes: list[_Outcome], check: bool) -> int:
    if any(o.status == "error" for o in outcomes):
        return EXIT_ERROR
    if check and any(o.changed for o in outcomes):
        return EXIT_CHANGED
    if any(o.not_verified for o in outcomes):
        return EXIT_NOT_VERIFIED
    return EXIT_OK


# ---------------------------------------------------------------------------- reports


def _emit_report(outcomes: list[_Outcome], opts: _Options) -> None:
    if opts.output_format == "json":
        import json

        click.echo(json.dumps(json_report(outcomes, verify=opts.verify), indent=2))
    elif opts.output_format == "sarif":
        import json

        click.echo(json.dumps(sarif_report(outcomes), indent=2))
    elif opts.batch and not opts.quiet:
        _print_summary(outcomes, opts)


def _print_outcome(outcome: _Outcome, opts: _Options) -> None:
    """The text report for one file: its diff (stdout), then what was done and why (stderr)."""
    if outcome.output is not None and not opts.check and not opts.show_diff:
        _write_stdout(outcome.output, outcome.encoding)
    elif outcome.diff and opts.show_diff:
        _print_diff(outcome.diff, opts.color_out)
    sys.stdout.flush()

    err = _Styler(opts.color_err)
    if outcome.error is not None:
        message, line, column = outcome.error
        click.echo(f"{err.where(outcome.path, line, column)}: {err.red('error')}: {message}",
                   err=True)
    if opts.quiet:
        return
    if outcome.changed:
        printed = outcome.output is not None and not opts.check and not opts.show_diff
        verb = "rewrote" if outcome.written or printed else "would rewrite"
        if opts.batch and not opts.verbose:  # the rules are explained once, under the summary
            codes = f" ({', '.join(sorted(outcome.applied))})" if outcome.applied else ""
            click.echo(f"{err.bold(verb)} {outcome.path}{codes}", err=True)
        else:
            click.echo(f"{err.bold(verb)} {outcome.path}" + (":" if outcome.applied else ""),
                       err=True)
            for line in _rule_lines(sorted(outcome.applied), err):
                click.echo(f"  {line}", err=True)
        if outcome.verify is not None:
            click.echo(f"  {_verify_line(outcome, opts.in_place, err)}", err=True)
    elif outcome.status in ("unchanged", "skipped") and (opts.verbose or not opts.batch):
        explained = any(d.severity == "info" for d in outcome.diagnostics)
        if opts.verbose or not explained:
            label = "already slim" if outcome.status == "unchanged" else "skipped (not a Go build)"
            click.echo(f"{outcome.path}: {err.dim(label)}", err=True)
    for diag in outcome.diagnostics:
        if diag.severity == "info" and not _show_info(diag, outcome, opts):
            continue
        click.echo(f"{err.where(outcome.path, diag.line, diag.column)}: "
                   f"{err.severity(diag.code, diag.severity)}: {diag.message}", err=True)


def _verify_line(outcome: _Outcome, in_place: bool, err: _Styler) -> str:
    """One line on how the rewrite's verification went."""
    result = outcome.verify
    if not result["ok"]:
        left = ", not written" if in_place else ""
        return f"{err.red('not verified')}{left}: {result['reason']}"
    sizes = ""
    report = result["report"]
    before, after = report["original"]["size_bytes"], report["rewritten"]["size_bytes"]
    if before and after:
        ratio = _times(report["size_ratio"])
        sizes = f": {human_size(before)} → {human_size(after)} ({ratio} smaller)"
    return f"{err.bold('verified')}{sizes}"


def _show_info(diag: Diagnostic, outcome: _Outcome, opts: _Options) -> bool:
    """Info notes are for -v, except a single file's notes that no rule line already covers."""
    if opts.verbose:
        return True
    return not opts.batch and diag.code not in outcome.applied


def _rule_lines(codes, err: _Styler, counts: dict[str, int] | None = None) -> list[str]:
    """One line per rule: code, name and the registry's one-line why (with counts if given)."""
    from rewriter.passes import rule_for

    rules = [(code, rule_for(code)) for code in codes]
    width = max((len(rule.name) for _, rule in rules if rule), default=0)
    times = {code: f" ×{counts[code]}" for code in codes} if counts else {}
    times_width = max((len(t) for t in times.values()), default=0)
    lines = []
    for code, rule in rules:
        head = err.bold(code) + f"{times.get(code, ''):<{times_width}}"
        if rule is None:
            lines.append(head)
        else:
            lines.append(f"{head} {rule.name:<{width}}  {rule.summary}")
    return lines


def _print_diff(diff: str, color: bool) -> None:
    if not color:
        sys.stdout.write(diff)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=sys.stdout, highlight=False, soft_wrap=True, force_terminal=True)
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = ""
        console.print(Text(line.rstrip("\r"), style=style))


def _write_stdout(text: str, encoding: str) -> None:
    from rewriter.files import encode_source

    sys.stdout.flush()
    sys.stdout.buffer.write(encode_source(text, encoding))
    sys.stdout.buffer.flush()


def summary_counts(outcomes: list[_Outcome], *, verify: bool = False) -> dict:
    """Counts per status, and the refusals grouped by the rule that refused.

    With --verify, also how many rewrites verified and how many did not.
    """
    counts = {"files": len(outcomes), "rewritten": 0, "unchanged": 0, "refused": 0,
              "skipped": 0, "errors": 0, "written": 0}
    refused_by_rule: dict[str, int] = {}
    for outcome in outcomes:
        key = "errors" if outcome.status == "error" else outcome.status
        counts[key] = counts.get(key, 0) + 1
        counts["written"] += outcome.written
        if outcome.status == "refused":
            codes = {d.code for d in outcome.diagnostics if d.severity == "error"} or {"other"}
            for code in codes:
                refused_by_rule[code] = refused_by_rule.get(code, 0) + 1
    counts["refused_by_rule"] = dict(sorted(refused_by_rule.items()))
    if verify:
        checked = [o for o in outcomes if o.verify is not None]
        counts["verified"] = sum(1 for o in checked if o.verify["ok"])
        counts["not_verified"] = len(checked) - counts["verified"]
    return counts


def _print_summary(outcomes: list[_Outcome], opts: _Options) -> None:
    from rich.table import Table

    counts = summary_counts(outcomes, verify=opts.verify)
    by_rule = ", ".join(f"{code} ×{n}" for code, n in counts["refused_by_rule"].items())
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(style="dim")
    rewritten = "rewritten" if opts.in_place else "would rewrite"
    rows = [
        ("files found", counts["files"], "", ""),
        (rewritten, counts["written"] if opts.in_place and opts.verify else counts["rewritten"],
         "", "green"),
        ("already slim", counts["unchanged"], "", ""),
        ("refused", counts["refused"], by_rule, "yellow"),
        ("skipped (not Go)", counts["skipped"], "", ""),
        ("errors", counts["errors"], "", "red"),
    ]
    if opts.verify:
        rows += [("verified", counts["verified"], "", "green"),
                 ("not verified", counts["not_verified"],
                  "not written" if opts.in_place and counts["not_verified"] else "", "red")]
    for label, n, detail, style in rows:
        table.add_row(label, f"[{style}]{n}[/]" if n and style else str(n), detail)
    click.echo(err=True)
    _print_table(table, sys.stderr, opts.color_err)
    failed = [outcome for outcome in outcomes if outcome.not_verified]
    if failed:
        err = _Styler(opts.color_err)
        click.echo("\nnot verified" + (" (left as they were):" if opts.in_place else ":"),
                   err=True)
        for outcome in failed:
            click.echo(f"  {err.bold(outcome.path)}: {outcome.verify['reason']}", err=True)
    applied: dict[str, int] = {}
    for outcome in outcomes:
        kept_back = opts.in_place and outcome.not_verified
        for code in outcome.applied if outcome.changed and not kept_back else ():
            applied[code] = applied.get(code, 0) + 1
    if applied:
        err = _Styler(opts.color_err)
        click.echo("\nrules applied:", err=True)
        for line in _rule_lines(sorted(applied), err, applied):
            click.echo(f"  {line}", err=True)


def json_report(outcomes: list[_Outcome], *, verify: bool = False) -> dict:
    """The --format json document; tests/data/report.schema.json describes it.

    With --verify each file also has "verify": {"ok", "reason", "report"} (null when
    there was no rewrite to verify) and the summary counts verified and not_verified.
    """
    files = []
    for outcome in outcomes:
        entry = {
            "path": outcome.path,
            "status": outcome.status,
            "applied": list(outcome.applied),
            "diagnostics": [d.as_dict() for d in outcome.diagnostics],
            "diff": outcome.diff,
            "written": outcome.written,
        }
        if outcome.error is not None:
            message, line, column = outcome.error
            entry["error"] = {"message": message, "line": line, "column": column}
        if verify:
            entry["verify"] = outcome.verify
        files.append(entry)
    return {"files": files, "summary": summary_counts(outcomes, verify=verify)}


def sarif_report(outcomes: list[_Outcome]) -> dict:
    """A SARIF 2.1.0 log: one result per diagnostic, file errors as tool notifications."""
    from importlib.metadata import version

    from rewriter.passes import RULES

    rules = sorted(RULES, key=lambda rule: rule.code)
    known = {rule.code for rule in rules}
    extra = sorted({d.code for o in outcomes for d in o.diagnostics} - known)
    descriptors = [_sarif_rule(rule) for rule in rules]
    descriptors += [{"id": code, "shortDescription": {"text": code}} for code in extra]
    index = {d["id"]: i for i, d in enumerate(descriptors)}

    results, notifications = [], []
    for outcome in outcomes:
        for diag in outcome.diagnostics:
            results.append({
                "ruleId": diag.code,
                "ruleIndex": index[diag.code],
                "level": _SARIF_LEVELS[str(_value(diag.severity))],
                "message": {"text": diag.message},
                "locations": [_sarif_location(outcome.path, diag.line, diag.column)],
            })
        if outcome.error is not None:
            message, line, column = outcome.error
            notifications.append({
                "level": "error",
                "message": {"text": message},
                "locations": [_sarif_location(outcome.path, line, column)],
            })
    run = {
        "tool": {"driver": {"name": "goslim", "version": version("goslim"),
                            "rules": descriptors}},
        "invocations": [{"executionSuccessful": not notifications,
                         "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().as_uri() + "/"}},
        "results": results,
    }
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [run]}


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _sarif_rule(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation or rule.summary},
        "help": {"text": rule.explanation or rule.summary},
        "properties": {"kind": str(_value(rule.kind))},
    }


def _sarif_location(path: str, line: int | None, column: int | None) -> dict:
    from urllib.parse import quote

    if os.path.isabs(path):
        artifact = {"uri": Path(path).as_uri()}
    else:
        artifact = {"uri": quote(Path(path).as_posix()), "uriBaseId": "SRCROOT"}
    location: dict = {"artifactLocation": artifact}
    if line:
        region = {"startLine": line}
        if column:
            region["startColumn"] = column
        location["region"] = region
    return {"physicalLocation": location}


def _write_patch(patch_file: Path, outcomes: list[_Outcome], opts: _Options) -> None:
    """One patch of every change; files that are not UTF-8 cannot travel in it."""
    parts = []
    for outcome in outcomes:
        if not outcome.diff or outcome.not_verified:
            continue
        if outcome.encoding != "utf-8":
            click.echo(f"goslim: {outcome.path}: left out of {patch_file} "
                       f"({outcome.encoding.upper()} cannot be patched as text)", err=True)
            continue
        parts.append(outcome.diff)
    try:
        with open(patch_file, "w", encoding="utf-8", newline="") as handle:
            handle.write("".join(parts))
    except OSError as exc:
        raise _Fail(f"goslim: cannot write {patch_file}: {exc.strerror or exc}") from None
    if not opts.quiet and opts.output_format == "text":
        click.echo(f"goslim: wrote {len(parts)} change(s) to {patch_file}", err=True)


def _progress(total: int, opts: _Options):
    """A transient progress bar on stderr for batches, only on a terminal."""
    if not opts.batch or opts.quiet or not sys.stderr.isatty() or total < 2:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=sys.stderr, no_color=not opts.color_err)
    label = "rewriting and verifying" if opts.verify else "rewriting"
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                        console=console, transient=True)
    progress.add_task("rewrite", total=total)
    progress.start()
    return progress


# ---------------------------------------------------------------------------- verify


@cli.command("verify", short_help="Build and run a Dockerfile and its rewrite, and compare them.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--context", "context_dir", metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Build context for both images (default: the folder of PATH).")
@click.option("--original", "original_file", metavar="FILE",
              type=click.Path(dir_okay=False, path_type=Path),
              help="Take PATH as the rewrite and compare it with FILE, instead of rewriting PATH.")
@click.option("--engine", "engine_name", type=click.Choice(ENGINES), default="auto",
              show_default=True,
              help="docker (a daemon), or podman/buildah (buildah builds, podman runs).")
@click.option("--probe", "probes", multiple=True, metavar="/PATH",
              help="GET this path from both containers; the answers must be equal. Repeat for "
                   "more paths. Without it the rewrite only has to stay up.")
@click.option("--port", type=click.IntRange(1, 65535), default=None, metavar="N",
              help="Container port to probe (default: the first EXPOSEd port, else 8080).")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True,
              metavar="S", help="Seconds to wait for each container to come up and answer.")
@click.option("--keep", is_flag=True, help="Keep both images and print their tags.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report the result.")
@click.pass_context
def verify_command(ctx: click.Context, path: Path, context_dir: Path | None,
                   original_file: Path | None, engine_name: str, probes: tuple[str, ...],
                   port: int | None, timeout: float, keep: bool, output_format: str) -> None:
    """Prove that the rewrite of PATH builds an image that starts and behaves like the original.

    Both images are built and run (published on 127.0.0.1 only) and compared: size,
    layers, user, entrypoint, whether the entry binary is static, whether the container
    stays up, and the answers to each --probe. Containers are always removed, and the
    images too unless --keep, also on Ctrl-C.

    Exit status: 0 verified; 1 not verified (the reason is printed), or nothing to verify
    because goslim refuses PATH, leaves it unchanged or skips it; 2 a usage error, a file
    that cannot be read or parsed, or no usable container engine; 130 interrupted.
    """
    for probe in probes:
        if not probe.startswith("/"):
            raise click.BadParameter(f"{probe!r} is not a path: it must start with '/'",
                                     param_hint="'--probe'")
    context = context_dir or path.parent
    source = _read_or_fail(path)
    if original_file is not None:
        original, rewritten, rewrite_info = _read_or_fail(original_file).text, source.text, None
    else:
        rewrite_info, code = _rewrite_in_memory(path, source.text, context)
        if rewrite_info["status"] != "rewritten":
            _nothing_to_verify(path, rewrite_info, output_format)
            ctx.exit(EXIT_NOT_VERIFIED)
        original, rewritten = source.text, code

    engine = _engine_or_fail(engine_name)
    with _Steps(sys.stderr) as steps:
        report = _verify_texts(engine, original, rewritten, context, probe=probes, port=port,
                               timeout=timeout, keep=keep, on_step=steps.show)
    entry = _verify_entry(report)
    if output_format == "json":
        import json

        document = {"path": str(path), "original": str(original_file) if original_file else None,
                    "context": str(context), "engine": engine.name, "rewrite": rewrite_info,
                    "verified": entry["ok"], "reason": entry["reason"], "report": entry["report"]}
        click.echo(json.dumps(document, indent=2))
    else:
        _print_verification(report, entry["reason"], keep)
    ctx.exit(EXIT_OK if entry["ok"] else EXIT_NOT_VERIFIED)


def _read_or_fail(path: Path) -> SourceFile:
    from rewriter.files import SourceError, read_source

    try:
        return read_source(path)
    except SourceError as exc:
        raise _Fail(f"goslim: {exc}") from None


def _rewrite_in_memory(path: Path, text: str, context: Path) -> tuple[dict, str]:
    """goslim's rewrite of PATH with its nearest config; parse errors end the command (exit 2)."""
    import rewriter
    from rewriter.config import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as exc:
        raise _Fail(f"goslim: invalid config: {exc}") from None
    try:
        result = rewriter.rewrite(text, config, context=context)
    except rewriter.ParseError as exc:
        raise _Fail(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    status = str(_value(result.status))
    if status == "rewritten" and not result.changed:
        status = "unchanged"
    if status == "error":
        first = next((d for d in result.diagnostics if d.severity == "error"), None)
        raise _Fail(f"{path}: {first.message if first else 'could not be rewritten'}")
    info = {"status": status,
            "applied": list(result.applied),
            "diagnostics": [d.as_dict() for d in result.diagnostics]}
    return info, result.code


_NOTHING = {
    "refused": "goslim refuses to rewrite it",
    "unchanged": "goslim leaves it unchanged (already slim); compare it with the fat "
                 "original with --original FILE",
    "skipped": "it is not a Go build goslim rewrites",
}


def _nothing_to_verify(path: Path, info: dict, output_format: str) -> None:
    """A file with no rewrite has nothing to verify: say why, with goslim's diagnostics."""
    reason = f"nothing to verify: {_NOTHING.get(info['status'], info['status'])}"
    if output_format == "json":
        import json

        click.echo(json.dumps({"path": str(path), "original": None, "rewrite": info,
                               "verified": False, "reason": reason, "report": None}, indent=2))
    else:
        err = _Styler(_use_color(sys.stderr))
        click.echo(f"{err.bold(str(path))}: {reason}", err=True)
        for diag in info["diagnostics"]:
            click.echo(f"{err.where(str(path), diag['line'], diag['column'])}: "
                       f"{err.severity(diag['code'], diag['severity'])}: {diag['message']}",
                       err=True)


def _engine_or_fail(name: str) -> Engine:
    from rewriter.verify import EngineUnavailable, detect_engine

    try:
        return detect_engine(name)
    except EngineUnavailable as exc:
        raise _Fail(f"goslim: no container engine to verify with: {exc.reason}") from None


class _Steps:
    """What verify is doing, on stderr: a spinner on a terminal, one line per step otherwise."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.status = None

    def __enter__(self) -> _Steps:
        if self.stream.isatty():
            from rich.console import Console

            console = Console(file=self.stream, no_color=not _use_color(self.stream))
            self.status = console.status("verifying")
            self.status.start()
        return self

    def show(self, message: str) -> None:
        if self.status is not None:
            self.status.update(message)
        else:
            click.echo(f"goslim: {message}", err=True)

    def __exit__(self, *exc_info) -> None:
        if self.status is not None:
            self.status.stop()


def _print_verification(report: VerifyReport | str, reason: str, keep: bool) -> None:
    """The comparison table and the verdict on stdout; logs that explain a failure on stderr."""
    color = _use_color(sys.stdout)
    out = _Styler(color)
    if isinstance(report, str):
        click.echo(f"{out.red('not verified')}: {reason}", color=color)
        return
    _print_table(verification_table(report, color), sys.stdout, color)
    click.echo()
    if report.ok:
        click.echo(f"{out.bold('verified')}: {_verdict(report)}", color=color)
    else:
        click.echo(f"{out.red('not verified')}: {reason}", color=color)
        _print_logs(report)
    if keep:
        click.echo(f"kept images: {report.original.tag} {report.rewritten.tag}", err=True)


def verification_table(report: VerifyReport, color: bool = False):
    """Original and rewritten image side by side, one row per thing compared."""
    from rich.markup import escape
    from rich.table import Table

    def yes_no(value: bool | None, words: tuple[str, str] = ("yes", "no")) -> str:
        if value is None:
            return "-"
        text = words[0] if value else words[1]
        return f"[{'green' if value else 'red'}]{text}[/]" if color else text

    before, after = report.original, report.rewritten
    table = Table(box=None, header_style="bold" if color else "", padding=(0, 1), pad_edge=False)
    table.add_column("")
    table.add_column("original")
    table.add_column("rewritten")
    table.add_column("")
    ratio = f"{_times(report.size_ratio)} smaller" if report.size_ratio else ""
    table.add_row("image size", human_size(before.size_bytes), human_size(after.size_bytes), ratio)
    table.add_row("layers", _or_dash(before.layers), _or_dash(after.layers), "")
    table.add_row("user", _user(before), _user(after), "")
    table.add_row("non-root", yes_no(before.non_root if before.built else None),
                  yes_no(after.non_root if after.built else None), "")
    table.add_row("entrypoint", _argv(before.entrypoint), _argv(after.entrypoint), "")
    table.add_row("static binary", yes_no(before.static), yes_no(after.static), "")
    table.add_row("stayed up", yes_no(before.stayed_up if before.built else None),
                  yes_no(after.stayed_up if after.built else None), "")
    for path in report.probes:
        first, second = before.answers.get(path), after.answers.get(path)
        same = first is not None and first["status"] is not None and first == second
        table.add_row(f"GET {escape(path)}", _answer(first), _answer(second),
                      yes_no(same, ("same", "differs")))
    return table


def _verdict(report: VerifyReport) -> str:
    after = report.rewritten
    parts = []
    if report.size_ratio:
        parts.append(f"{human_size(report.original.size_bytes)} → {human_size(after.size_bytes)} "
                     f"({_times(report.size_ratio)} smaller)")
    parts.append("stays up")
    if report.probes:
        parts.append("same answers" if len(report.probes) > 1 else "same answer")
    parts += [f"runs as {after.user}", "static binary"]
    return ", ".join(parts)


def _print_logs(report: VerifyReport) -> None:
    """The build log of a side that did not build, or the output of one that did not stay up."""
    for side, image in (("original", report.original), ("rewritten", report.rewritten)):
        if image.built and (image.stayed_up or not image.started and not image.log_tail):
            continue
        what = "build log" if not image.built else "output"
        lines = image.log_tail.strip().splitlines()[-LOG_LINES:]
        if not lines:
            continue
        click.echo(f"\n{side} image, {what} (last {len(lines)} lines):", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)


LOG_LINES = 15


def human_size(size: int | None) -> str:
    """Bytes in decimal units, as `podman images` shows them."""
    if size is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _times(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


def _or_dash(value) -> str:
    return "-" if value is None else str(value)


def _user(image) -> str:
    if not image.built:
        return "-"
    return image.user or "(not set: root)"


def _argv(argv: list[str] | None) -> str:
    import shlex

    return shlex.join(argv) if argv else "-"


def _answer(answer: dict | None) -> str:
    """Status and the start of the body, on one line."""
    from rich.markup import escape

    if answer is None or answer["status"] is None:
        return "no answer"
    body = (answer["body"] or "").strip()
    first = body.splitlines()[0] if body else ""
    if len(first) > 30 or "\n" in body:
        first = first[:30] + "…"
    return escape(f"{answer['status']} {first}".rstrip())



# ---------------------------------------------------------------------------- parse


@cli.command(short_help="Check that goslim parses FILE, or print its parse tree.")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True,
              help="Print the parse tree as BuildKit's JSON (instructions, flags, args).")
def parse(file: str, as_json: bool) -> None:
    """Parse FILE (or - for stdin) and report whether goslim understands it."""
    import rewriter
    from rewriter.files import SourceError, decode_source, read_source

    try:
        source = decode_source(_read_stdin(), "-") if file == "-" else read_source(file)
    except SourceError as exc:
        raise _Fail(str(exc)) from None
    try:
        tree = rewriter.parse(source.text)
    except rewriter.ParseError as exc:
        raise _Fail(f"{file}:{exc.line}:{exc.column}: {exc.message}") from None
    if as_json:
        import json

        click.echo(json.dumps(rewriter.buildkit_json(tree), indent=2))
    elif tree.code != source.text:
        raise _Fail(f"{file}: parsed, but printing it back changes it (a goslim bug)")
    else:
        click.echo(f"{file}: ok, parses and prints back unchanged")


# ---------------------------------------------------------------------------- rules


@cli.command(short_help="List the rules, or explain one.")
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List every rule, or explain one (e.g. `goslim rules GS101`)."""
    from rewriter.passes import RULES, rule_for

    color = _use_color(sys.stdout)
    if code is None:
        from rich.table import Table

        table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
        table.add_column("code", style="bold", no_wrap=True)
        table.add_column("name", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("summary")
        for rule in sorted(RULES, key=lambda rule: rule.code):
            table.add_row(rule.code, rule.name, str(_value(rule.kind)), rule.summary)
        _print_table(table, sys.stdout, color)
        return
    rule = rule_for(code)
    if rule is None:
        raise _Fail(f"goslim: unknown rule {code!r}; `goslim rules` lists them")
    style = _Styler(color)
    click.echo(f"{style.bold(rule.code)} {rule.name} ({_value(rule.kind)})", color=color)
    click.echo(rule.summary)
    if rule.explanation:
        click.echo()
        click.echo(rule.explanation.strip())


# ---------------------------------------------------------------------------- helpers


class _Fail(click.ClickException):
    """A one-line failure printed as is (no "Error:" prefix), exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


class _Styler:
    """Colours for stderr messages, off when the stream is not a terminal or NO_COLOR is set."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _style(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.enabled else text

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

    def severity(self, code: str, severity) -> str:
        severity = str(_value(severity))
        colour = {"error": "red", "warning": "yellow"}.get(severity, "blue")
        return f"{self._style(code, fg=colour, bold=True)} {self._style(severity, fg=colour)}"


def _print_table(table, stream, color: bool) -> None:
    """A rich table without trailing blanks; one line per row when the stream is not a terminal."""
    from rich.console import Console

    terminal = stream.isatty()
    console = Console(file=stream, highlight=False, no_color=not color,
                      force_terminal=color or None, width=None if terminal else 1000)
    with console.capture() as captured:
        console.print(table)
    lines = [line.rstrip() for line in captured.get().splitlines()]
    stream.write("".join(line + "\n" for line in lines))
    stream.flush()


def _value(enum_or_str) -> object:
    return getattr(enum_or_str, "value", enum_or_str)


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _display(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    if str(path) == "-" or not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _silence_stdout() -> None:
    """After a closed pipe, keep Python from failing again while flushing stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="goslim")


if __name__ == "__main__":
    main()
