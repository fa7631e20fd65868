"""The goslim command line.

Commands stay thin: reading, finding files, config and the rewrite itself live in the
library; this module picks the files, runs them (in parallel when there are many) and
reports the results as a diff, text, JSON or SARIF. Heavy imports happen inside the
commands so that ``goslim --version`` starts instantly.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rewriter.config import RUNTIMES

if TYPE_CHECKING:
    from rewriter.config import Config
    from rewriter.diagnostics import Diagnostic

EXIT_OK = 0
EXIT_CHANGED = 1
EXIT_ERROR = 2
PARALLEL_MIN_FILES = 8      # below this, starting processes costs more than it saves


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
            ctx.exit(130)
        except Exception as exc:  # the last resort: still one line, still exit 2
            click.echo(f"goslim: internal error: {type(exc).__name__}: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="goslim", prog_name="goslim", message="%(prog)s %(version)s")
def cli() -> None:
    """Rewrite fat Go Dockerfiles into small multi-stage builds that run FROM scratch."""


# ---------------------------------------------------------------------------- rewrite


@dataclass(frozen=True)
class _Task:
    """One file to rewrite, with everything a worker process needs."""

    path: Path
    display: str
    config: Config
    context: Path | None
    in_place: bool
    stdin: bytes | None = None     # the input when the path is "-"


@dataclass(frozen=True)
class _Outcome:
    """What happened to one file, in a form every output format can render."""

    path: str
    status: str
    applied: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    diff: str = ""
    error: tuple[str, int | None, int | None] | None = None   # message, line, column
    written: bool = False
    encoding: str = "utf-8"
    output: str | None = None      # the rewritten text, kept only for stdin

    @property
    def changed(self) -> bool:
        return bool(self.diff)


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
@click.option("--verify", is_flag=True, hidden=True)
@click.pass_context
def rewrite(ctx: click.Context, paths: tuple[str, ...], in_place: bool, check: bool,
            show_diff: bool | None, output_format: str, jobs: int | None, quiet: bool,
            verbose: bool, patch_file: Path | None, context_dir: Path | None,
            runtime: str | None, config_file: Path | None, verify: bool) -> None:
    """Rewrite Dockerfiles: show a diff, check, or change them in place.

    PATH is a Dockerfile, a directory to search, or - for stdin (the result goes to
    stdout). Exit status: 0 done, 1 --check found files to rewrite, 2 a file could not be
    read, parsed or written, or the command line or config is wrong.
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    if verify:
        raise click.UsageError("--verify is not available in this build")
    if "-" in paths and len(paths) > 1:
        raise click.UsageError("- (stdin) cannot be combined with other paths")
    if "-" in paths and in_place:
        raise click.UsageError("--in-place needs files; stdin is written to stdout")

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
    )
    if not files:
        if not quiet:
            click.echo(f"goslim: no Dockerfiles found in {' '.join(paths)}", err=True)
        if output_format != "text":
            _emit_report([], opts)
        ctx.exit(EXIT_OK)

    tasks = _make_tasks(files, config_file, runtime, context_dir, in_place)
    outcomes = _run(tasks, jobs or _cpu_count(), opts)
    _emit_report(outcomes, opts)
    if patch_file is not None:
        _write_patch(patch_file, outcomes, opts)
    ctx.exit(_exit_status(outcomes, check))


def _make_tasks(files, config_file, runtime, context_dir, in_place) -> list[_Task]:
    """Resolve each file's config up front so a bad config stops the run before any write."""
    from rewriter.config import ConfigError, load_config, load_config_file

    tasks = []
    try:
        explicit = load_config_file(config_file) if config_file else None
        for path in files:
            stdin = None
            if str(path) == "-":
                stdin = _read_stdin()
                base = explicit or load_config(Path.cwd() / "Dockerfile")
            else:
                base = explicit or load_config(path)
            tasks.append(_Task(path=path, display=_display(path),
                               config=base.merged(runtime=runtime), context=context_dir,
                               in_place=in_place, stdin=stdin))
    except ConfigError as exc:
        raise _Fail(f"goslim: invalid config: {exc}") from None
    return tasks


def _read_stdin() -> bytes:
    from rewriter.files import MAX_BYTES

    return sys.stdin.buffer.read(MAX_BYTES + 1)


def _run(tasks: list[_Task], jobs: int, opts: _Options) -> list[_Outcome]:
    """Rewrite every task, in worker processes when it pays off; results keep path order."""
    results = _start(tasks, jobs)
    progress = _progress(len(tasks), opts)
    text = opts.output_format == "text"
    outcomes: list[_Outcome] = []
    try:
        for outcome in results:
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


def _start(tasks: list[_Task], jobs: int):
    """An iterator of outcomes; the worker processes are forked here, before any thread."""
    if jobs <= 1 or len(tasks) < PARALLEL_MIN_FILES:
        return map(_process, tasks)
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(tasks))
    chunksize = max(1, min(16, len(tasks) // (workers * 4)))
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
    diff = unified_diff(source.text, result.code, task.display) if changed else ""
    written = False
    if task.in_place and changed:
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
        diagnostics=tuple(result.diagnostics),
        diff=diff,
        written=written,
        encoding=source.encoding,
        output=result.code if task.stdin is not None else None,
    )


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
    return EXIT_OK


# ---------------------------------------------------------------------------- reports


def _emit_report(outcomes: list[_Outcome], opts: _Options) -> None:
    if opts.output_format == "json":
        import json

        click.echo(json.dumps(json_report(outcomes), indent=2))
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


def _show_info(diag: Diagnostic, outcome: _Outcome, opts: _Options) -> bool:
    """Info notes are for -v, except a single file's notes that no rule line already covers."""
    if opts.verbose:
        return True
    return not opts.batch and diag.code not in outcome.applied


def _rule_lines(codes, err: _Styler, counts: dict[str, int] | None = None) -> list[str]:
    """One line per rule: code, name and the registry's one-line why (with counts if given)."""
    from rewriter.rules import get_rule

    rules = [(code, get_rule(code)) for code in codes]
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


def summary_counts(outcomes: list[_Outcome]) -> dict:
    """Counts per status, and the refusals grouped by the rule that refused."""
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
    return counts


def _print_summary(outcomes: list[_Outcome], opts: _Options) -> None:
    from rich.console import Console
    from rich.table import Table

    counts = summary_counts(outcomes)
    by_rule = ", ".join(f"{code} ×{n}" for code, n in counts["refused_by_rule"].items())
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(style="dim")
    rewritten = "rewritten" if opts.in_place else "would rewrite"
    rows = [
        ("files found", counts["files"], "", ""),
        (rewritten, counts["rewritten"], "", "green"),
        ("already slim", counts["unchanged"], "", ""),
        ("refused", counts["refused"], by_rule, "yellow"),
        ("skipped (not Go)", counts["skipped"], "", ""),
        ("errors", counts["errors"], "", "red"),
    ]
    for label, n, detail, style in rows:
        table.add_row(label, f"[{style}]{n}[/]" if n and style else str(n), detail)
    click.echo(err=True)
    _print_table(table, sys.stderr, opts.color_err)
    applied: dict[str, int] = {}
    for outcome in outcomes:
        for code in outcome.applied if outcome.changed else ():
            applied[code] = applied.get(code, 0) + 1
    if applied:
        err = _Styler(opts.color_err)
        click.echo("\nrules applied:", err=True)
        for line in _rule_lines(sorted(applied), err, applied):
            click.echo(f"  {line}", err=True)


def json_report(outcomes: list[_Outcome]) -> dict:
    """The --format json document; tests/data/report.schema.json describes it."""
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
        files.append(entry)
    return {"files": files, "summary": summary_counts(outcomes)}


def sarif_report(outcomes: list[_Outcome]) -> dict:
    """A SARIF 2.1.0 log: one result per diagnostic, file errors as tool notifications."""
    from importlib.metadata import version

    from rewriter.rules import all_rules

    rules = all_rules()
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
        if not outcome.diff:
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
    progress = Progress(TextColumn("rewriting"), BarColumn(), MofNCompleteColumn(),
                        console=console, transient=True)
    progress.add_task("rewrite", total=total)
    progress.start()
    return progress


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
    from rewriter.rules import all_rules, get_rule

    color = _use_color(sys.stdout)
    if code is None:
        from rich.table import Table

        table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
        table.add_column("code", style="bold", no_wrap=True)
        table.add_column("name", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("summary")
        for rule in all_rules():
            table.add_row(rule.code, rule.name, str(_value(rule.kind)), rule.summary)
        _print_table(table, sys.stdout, color)
        return
    rule = get_rule(code)
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
