"""The text report: each file's diff on stdout and what was done and why on stderr, then
for a batch a summary table and the rules applied."""

from __future__ import annotations

import sys

from rewriter.cli.outcome import Options, Outcome
from rewriter.cli.style import Styler, echo, human_size, print_table, times
from rewriter.diagnostics import Diagnostic, Severity, Status
from rewriter.files import encode_source

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from rich.progress import TaskID


def print_outcome(outcome: Outcome, opts: Options) -> None:
    """The text report for one file: its diff (stdout), then what was done and why (stderr)."""
    if outcome.output is not None and not opts.check and not opts.show_diff:
        _write_stdout(outcome.output, outcome.encoding)
    elif outcome.diff and opts.show_diff:
        _print_diff(outcome.diff, opts.color_out)
    sys.stdout.flush()

    err = Styler(opts.color_err)
    if outcome.error is not None:
        error = outcome.error
        echo(f"{err.where(outcome.path, error.line, error.column)}: {err.red('error')}: {error.message}", err=True)
    if opts.quiet:
        return
    if outcome.changed:
        printed = outcome.output is not None and not opts.check and not opts.show_diff
        verb = "rewrote" if outcome.written or printed else "would rewrite"
        if opts.batch and not opts.verbose:  # the rules are explained once, under the summary
            codes = f" ({', '.join(sorted(outcome.applied))})" if outcome.applied else ""
            echo(f"{err.bold(verb)} {outcome.path}{codes}", err=True)
        else:
            echo(f"{err.bold(verb)} {outcome.path}" + (":" if outcome.applied else ""), err=True)
            for line in rule_lines(sorted(outcome.applied), err):
                echo(f"  {line}", err=True)
        if outcome.verify is not None:
            echo(f"  {_verify_line(outcome, opts.in_place, err)}", err=True)
    elif outcome.status in (Status.UNCHANGED, Status.SKIPPED) and (opts.verbose or not opts.batch):
        explained = any(d.severity is Severity.INFO for d in outcome.diagnostics)
        if opts.verbose or not explained:
            label = "already slim" if outcome.status is Status.UNCHANGED else "skipped (not a Go build)"
            echo(f"{outcome.path}: {err.dim(label)}", err=True)
    if opts.verbose and outcome.context_source is not None:
        echo(f"{outcome.path}: {err.dim(_context_line(outcome))}", err=True)
    for diag in outcome.diagnostics:
        if diag.severity is Severity.INFO and not _show_info(diag, outcome, opts):
            continue
        echo(
            f"{err.where(outcome.path, diag.line, diag.column)}: "
            f"{err.severity(diag.code, diag.severity)}: {diag.message}",
            err=True,
        )


def _context_line(outcome: Outcome) -> str:
    """-v: the build context, what decided it, and who read the Go sources."""
    if outcome.context is None:
        line = f"no build context ({outcome.context_source})"
    else:
        line = f"build context {outcome.context} ({outcome.context_source})"
    if outcome.go_reader is not None:
        line += f"; Go sources read by {outcome.go_reader}"
    elif outcome.context is not None:
        line += "; the build compiles no Go from it"
    return line


def _verify_line(outcome: Outcome, in_place: bool, err: Styler) -> str:
    """One line on how the rewrite's verification went."""
    result = outcome.verify
    assert result is not None
    if not result.ok:
        left = ", not written" if in_place else ""
        return f"{err.red('not verified')}{left}: {result.reason}"
    sizes = ""
    report = result.report
    assert report is not None  # verified, so the engine answered
    before, after = report["original"]["size_bytes"], report["rewritten"]["size_bytes"]
    if before and after:
        ratio = times(report["size_ratio"])
        sizes = f": {human_size(before)} → {human_size(after)} ({ratio} smaller)"
    return f"{err.bold('verified')}{sizes}"


def _show_info(diag: Diagnostic, outcome: Outcome, opts: Options) -> bool:
    """Info notes are for -v, except a single file's notes that no rule line already covers."""
    if opts.verbose:
        return True
    return not opts.batch and diag.code not in outcome.applied


def rule_lines(codes, err: Styler, counts: dict[str, int] | None = None) -> list[str]:
    """One line per rule: code, name and the table's one-line why (with counts if given)."""
    from rewriter.passes import rule_for

    rules = [(code, rule_for(code)) for code in codes]
    width = max((len(rule.name) for _, rule in rules if rule), default=0)
    counted = {code: f" ×{counts[code]}" for code in codes} if counts else {}
    counted_width = max((len(t) for t in counted.values()), default=0)
    lines = []
    for code, rule in rules:
        head = err.bold(code) + f"{counted.get(code, ''):<{counted_width}}"
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
    sys.stdout.flush()
    sys.stdout.buffer.write(encode_source(text, encoding))
    sys.stdout.buffer.flush()


def print_summary(outcomes: list[Outcome], opts: Options) -> None:
    from rich.table import Table

    from rewriter.cli.report_json import summary_counts

    counts = summary_counts(outcomes, verify=opts.verify)
    by_rule = ", ".join(f"{code} ×{n}" for code, n in counts["refused_by_rule"].items())
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_column(style="dim")
    rewritten = "rewritten" if opts.in_place else "would rewrite"
    rows = [
        ("files found", counts["files"], "", ""),
        (rewritten, counts["written"] if opts.in_place and opts.verify else counts["rewritten"], "", "green"),
        ("already slim", counts["unchanged"], "", ""),
        ("refused", counts["refused"], by_rule, "yellow"),
        ("skipped (not Go)", counts["skipped"], "", ""),
        ("errors", counts["errors"], "", "red"),
    ]
    if opts.verify:
        rows += [
            ("verified", counts["verified"], "", "green"),
            (
                "not verified",
                counts["not_verified"],
                "not written" if opts.in_place and counts["not_verified"] else "",
                "red",
            ),
        ]
    for label, n, detail, style in rows:
        table.add_row(label, f"[{style}]{n}[/]" if n and style else str(n), detail)
    echo(err=True)
    print_table(table, sys.stderr, opts.color_err)
    if opts.verify and any(outcome.verify is not None for outcome in outcomes):
        echo(err=True)
        print_table(verify_table(outcomes, opts), sys.stderr, opts.color_err)
    failed = [outcome for outcome in outcomes if outcome.not_verified]
    if failed:
        err = Styler(opts.color_err)
        echo("\nnot verified" + (" (left as they were):" if opts.in_place else ":"), err=True)
        for outcome in failed:
            assert outcome.verify is not None
            echo(f"  {err.bold(outcome.path)}: {outcome.verify.reason}", err=True)
    applied: dict[str, int] = {}
    for outcome in outcomes:
        kept_back = opts.in_place and outcome.not_verified
        for code in outcome.applied if outcome.changed and not kept_back else ():
            applied[code] = applied.get(code, 0) + 1
    if applied:
        err = Styler(opts.color_err)
        echo("\nrules applied:", err=True)
        for line in rule_lines(sorted(applied), err, applied):
            echo(f"  {line}", err=True)


def progress_bar(total: int, opts: Options):
    """A transient progress bar on stderr for batches, only on a terminal."""
    if not opts.batch or opts.quiet or not sys.stderr.isatty() or total < 2:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=sys.stderr, no_color=not opts.color_err)
    label = "rewriting and verifying" if opts.verify else "rewriting"
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True)
    progress.add_task("rewrite", total=total)
    progress.start()
    return progress


FIRST_DIFFERENCE_CHARS = 60


def verify_table(outcomes: list[Outcome], opts: Options):
    """One row per verified rewrite: service, verdict, first difference, sizes, ratio, OS
    packages the rewrite removed (read from the original image's dpkg/apk database)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold" if opts.color_err else "", padding=(0, 1), pad_edge=False)
    for name, justify in (
        ("service", "left"),
        ("verdict", "left"),
        ("first difference", "left"),
        ("before", "right"),
        ("after", "right"),
        ("ratio", "right"),
        ("OS packages removed", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for outcome in outcomes:
        result = outcome.verify
        if result is None:
            continue
        report = result.report or {}
        if result.ok:
            verdict = "[green]verified[/]" + (", written" if outcome.written else "")
        else:
            verdict = "[red]not verified[/]" if result.report else "[red]engine error[/]"
        differences = report.get("differences") or []
        first = (
            f"{differences[0]['kind']}: {differences[0]['message']}"
            if differences
            else ("" if result.ok else result.reason or "")
        )
        if len(first) > FIRST_DIFFERENCE_CHARS:
            first = first[: FIRST_DIFFERENCE_CHARS - 1] + "…"
        before = (report.get("original") or {}).get("size_bytes")
        after = (report.get("rewritten") or {}).get("size_bytes")
        ratio = report.get("size_ratio")
        removed = report.get("packages_removed")
        table.add_row(
            escape(service_name(outcome.path)),
            verdict,
            escape(first),
            human_size(before),
            human_size(after),
            times(ratio) if ratio else "-",
            "-" if removed is None else str(removed),
        )
    return table


def service_name(path: str) -> str:
    """A Dockerfile's service as people name it: its folder, unless the file has a name of its own."""
    folder, _, name = path.rpartition("/")
    return folder if name == "Dockerfile" and folder else path


def verify_progress(total: int, opts: Options) -> VerifyProgress | None:
    """Bars on stderr while a batch is verified, only on a terminal."""
    if opts.quiet or not sys.stderr.isatty():
        return None
    from rich.console import Console

    return VerifyProgress(total, Console(file=sys.stderr, no_color=not opts.color_err))


class VerifyProgress:
    """A bar for all files, and under it one line per verification under way: its file,
    a pulsing bar, how long it has taken, and what it is doing (building the original
    image, running the rewritten image...). Verifications report from their threads."""

    def __init__(self, total: int, console) -> None:
        import threading

        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.total, self.finished = total, 0
        self.lock = threading.Lock()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            TextColumn("{task.fields[count]}"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[step]}"),
            console=console,
            transient=True,
        )
        self.overall = self.progress.add_task("rewriting and verifying", total=total, count=f"0/{total}", step="")
        self.under_way: dict[str, TaskID] = {}
        self.progress.start()

    def step(self, path: str, message: str) -> None:
        with self.lock:
            task = self.under_way.get(path)
            if task is None:
                self.under_way[path] = self.progress.add_task(f"  {path}", total=None, count="", step=message)
            else:
                self.progress.update(task, step=message)

    def done(self, path: str | None) -> None:
        """A file is finished: verified (path), or with nothing to verify (None)."""
        with self.lock:
            task = self.under_way.pop(path, None) if path is not None else None
            if task is not None:
                self.progress.remove_task(task)
            self.finished += 1
            self.progress.update(self.overall, advance=1, count=f"{self.finished}/{self.total}")

    def stop(self) -> None:
        self.progress.stop()
