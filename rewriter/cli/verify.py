"""``goslim verify``: build and run a Dockerfile and its rewrite, compare them, and show the
comparison side by side."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import rewriter
from rewriter.cli.app import EXIT_NOT_VERIFIED, EXIT_OK, Fail
from rewriter.cli.batch import verification, verify_texts
from rewriter.cli.rewrite import ENGINES
from rewriter.cli.style import Styler, human_size, print_table, times, use_color
from rewriter.config import ConfigError, load_config
from rewriter.diagnostics import Severity
from rewriter.files import SourceError, SourceFile, read_source
from rewriter.verify.observe import PortAnswer, without_timestamp

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from rewriter.verify import Engine, VerifyReport


@click.command("verify", short_help="Build and run a Dockerfile and its rewrite, and compare them.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--context",
    "context_dir",
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Build context for both images (default: found as `goslim rewrite` finds it, else the folder of PATH).",
)
@click.option(
    "--original",
    "original_file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Take PATH as the rewrite and compare it with FILE, instead of rewriting PATH.",
)
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="docker (a daemon), or podman/buildah (buildah builds, podman runs).",
)
@click.option(
    "--probe",
    "probes",
    multiple=True,
    metavar="/PATH",
    help="GET this path from both containers; the answers must be equal. Repeat for "
    "more paths. Without it the rewrite only has to stay up.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    metavar="N",
    help="Container port to probe (default: the first EXPOSEd port, else 8080).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    metavar="S",
    help="Seconds to wait for each container to come up and answer.",
)
@click.option(
    "-e",
    "--env",
    "env_pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set this variable in both containers. Repeat for more.",
)
@click.option(
    "--arg",
    "args",
    multiple=True,
    metavar="ARG",
    help="Run both containers with these arguments, which replace CMD as `docker run "
    "IMAGE ARG...` does. Repeat for each argument.",
)
@click.option("--keep", is_flag=True, help="Keep both images and print their tags.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to report the result.",
)
@click.pass_context
def verify_command(
    ctx: click.Context,
    path: Path,
    context_dir: Path | None,
    original_file: Path | None,
    engine_name: str,
    probes: tuple[str, ...],
    port: int | None,
    timeout: float,
    env_pairs: tuple[str, ...],
    args: tuple[str, ...],
    keep: bool,
    output_format: str,
) -> None:
    """Prove that the rewrite of PATH builds an image that starts and behaves like the original.

    Both images are built and run with the same env, arguments and published port
    (on 127.0.0.1 only), and compared with no probe to write: whether each stays up (or
    exits with the same status), the ports it listens on, its answer to GET / on each,
    new error lines in its log ("permission denied", "no such file"...), and the time
    zone it sees; then the answers to each --probe, the user (non-root) and whether the
    entry binary is static. Size, layers and OS packages are reported. Containers are
    always removed, and the images too unless --keep, also on Ctrl-C.

    Exit status: 0 verified; 1 not verified (the reason is printed), or nothing to verify
    because goslim refuses PATH, leaves it unchanged or skips it; 2 a usage error, a file
    that cannot be read or parsed, or no usable container engine; 130 interrupted.
    """
    for probe in probes:
        if not probe.startswith("/"):
            raise click.BadParameter(f"{probe!r} is not a path: it must start with '/'", param_hint="'--probe'")
    env = {}
    for pair in env_pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="'--env'")
        env[key] = value
    context = context_dir or path.parent
    source = _read_or_fail(path)
    if original_file is not None:
        original, rewritten, rewrite_info = _read_or_fail(original_file).text, source.text, None
    else:
        rewrite_info, code, found = _rewrite_in_memory(path, source.text, context_dir)
        context = found or context
        if rewrite_info["status"] != "rewritten":
            _nothing_to_verify(path, rewrite_info, output_format)
            ctx.exit(EXIT_NOT_VERIFIED)
        original, rewritten = source.text, code

    engine = engine_or_fail(engine_name)
    with _Steps(sys.stderr) as steps:
        report = verify_texts(
            engine,
            original,
            rewritten,
            context,
            probe=probes,
            port=port,
            timeout=timeout,
            keep=keep,
            env=env or None,
            args=args or None,
            on_step=steps.show,
        )
    entry = verification(report)
    if output_format == "json":
        import json

        document = {
            "path": str(path),
            "original": str(original_file) if original_file else None,
            "context": str(context),
            "engine": engine.name,
            "rewrite": rewrite_info,
            "verified": entry.ok,
            "reason": entry.reason,
            "report": entry.report,
        }
        click.echo(json.dumps(document, indent=2))
    else:
        _print_verification(report, entry.reason or "", keep)
    ctx.exit(EXIT_OK if entry.ok else EXIT_NOT_VERIFIED)


def _read_or_fail(path: Path) -> SourceFile:
    try:
        return read_source(path)
    except SourceError as exc:
        raise Fail(f"goslim: {exc}") from None


def _rewrite_in_memory(path: Path, text: str, context: Path | None) -> tuple[dict, str, Path | None]:
    """goslim's rewrite of PATH with its nearest config, and the build context it found
    (the one both images are built with); parse errors end the command (exit 2)."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        raise Fail(f"goslim: invalid config: {exc}") from None
    try:
        result = rewriter.rewrite(text, config, context=context, dockerfile=path)
    except rewriter.ParseError as exc:
        raise Fail(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    status = result.status.value
    if status == "rewritten" and not result.changed:
        status = "unchanged"
    if status == "error":
        first = next((d for d in result.diagnostics if d.severity is Severity.ERROR), None)
        raise Fail(f"{path}: {first.message if first else 'could not be rewritten'}")
    info = {
        "status": status,
        "applied": list(result.applied),
        "diagnostics": [d.as_dict() for d in result.diagnostics],
        "context_source": result.context_source,
    }
    return info, result.code, Path(result.context) if result.context else None


_NOTHING = {
    "refused": "goslim refuses to rewrite it",
    "unchanged": "goslim leaves it unchanged (already slim); compare it with the fat original with --original FILE",
    "skipped": "it is not a Go build goslim rewrites",
}


def _nothing_to_verify(path: Path, info: dict, output_format: str) -> None:
    """A file with no rewrite has nothing to verify: say why, with goslim's diagnostics."""
    reason = f"nothing to verify: {_NOTHING.get(info['status'], info['status'])}"
    if output_format == "json":
        import json

        click.echo(
            json.dumps(
                {
                    "path": str(path),
                    "original": None,
                    "rewrite": info,
                    "verified": False,
                    "reason": reason,
                    "report": None,
                },
                indent=2,
            )
        )
    else:
        err = Styler(use_color(sys.stderr))
        click.echo(f"{err.bold(str(path))}: {reason}", err=True)
        for diag in info["diagnostics"]:
            click.echo(
                f"{err.where(str(path), diag['line'], diag['column'])}: "
                f"{err.severity(diag['code'], diag['severity'])}: {diag['message']}",
                err=True,
            )


def engine_or_fail(name: str) -> Engine:
    from rewriter.verify import EngineUnavailable, detect_engine

    try:
        return detect_engine(name)
    except EngineUnavailable as exc:
        raise Fail(f"goslim: no container engine to verify with: {exc.reason}") from None


class _Steps:
    """What verify is doing, on stderr: a spinner on a terminal, one line per step otherwise."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.status = None

    def __enter__(self) -> _Steps:
        if self.stream.isatty():
            from rich.console import Console

            console = Console(file=self.stream, no_color=not use_color(self.stream))
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
    color = use_color(sys.stdout)
    out = Styler(color)
    if isinstance(report, str):
        click.echo(f"{out.red('not verified')}: {reason}", color=color)
        return
    print_table(verification_table(report, color), sys.stdout, color)
    click.echo()
    if report.ok:
        click.echo(f"{out.bold('verified')}: {_verdict(report)}", color=color)
    else:
        first, *others = report.differences or [None]
        click.echo(f"{out.red('not verified')}: {first.message if first else reason}", color=color)
        for difference in others:
            click.echo(f"  and: {difference.message}", color=color)
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

    def same(first, second, ran: bool) -> str:
        return yes_no(first == second if ran else None, ("same", "differs"))

    before, after = report.original, report.rewritten
    ran = before.started and after.started
    table = Table(box=None, header_style="bold" if color else "", padding=(0, 1), pad_edge=False)
    table.add_column("")
    table.add_column("original")
    table.add_column("rewritten")
    table.add_column("")
    ratio = f"{times(report.size_ratio)} smaller" if report.size_ratio else ""
    table.add_row("image size", human_size(before.size_bytes), human_size(after.size_bytes), ratio)
    table.add_row("layers", _or_dash(before.layers), _or_dash(after.layers), "")
    removed = f"{report.packages_removed} removed" if report.packages_removed else ""
    table.add_row("OS packages", _or_dash(before.os_packages), _or_dash(after.os_packages), removed)
    table.add_row("user", _user(before), _user(after), "")
    table.add_row(
        "non-root",
        yes_no(before.non_root if before.built else None),
        yes_no(after.non_root if after.built else None),
        "",
    )
    table.add_row("entrypoint", _argv(before.entrypoint), _argv(after.entrypoint), "")
    table.add_row("static binary", yes_no(before.static), yes_no(after.static), "")
    table.add_row(
        "stayed up",
        yes_no(before.stayed_up if before.built else None),
        yes_no(after.stayed_up if after.built else None),
        "",
    )
    if before.exit_code is not None or after.exit_code is not None:
        table.add_row(
            "exit status",
            _or_dash(before.exit_code),
            _or_dash(after.exit_code),
            same(before.exit_code, after.exit_code, ran),
        )
    if before.ports is not None or after.ports is not None:
        table.add_row(
            "listening",
            _ports(before.ports),
            _ports(after.ports),
            same(before.ports, after.ports, before.stayed_up and after.stayed_up),
        )
    for port in dict.fromkeys([*before.port_answers, *after.port_answers]):
        first, second = before.port_answers.get(port), after.port_answers.get(port)
        alike = first is not None and second is not None and PortAnswer(**first).same_as(PortAnswer(**second))
        table.add_row(
            f"GET / on {port}",
            escape(_port_answer(first)),
            escape(_port_answer(second)),
            yes_no(alike if first and second else None, ("same", "differs")),
        )
    for path in report.probes:
        first, second = before.answers.get(path), after.answers.get(path)
        alike = first is not None and first["status"] is not None and first == second
        table.add_row(f"GET {escape(path)}", _answer(first), _answer(second), yes_no(alike, ("same", "differs")))
    if before.started or after.started:
        new_errors = any(d.kind == "log" for d in report.differences)
        table.add_row(
            "log errors",
            escape(_errors(before)),
            escape(_errors(after)),
            yes_no(not new_errors if ran else None, ("none new", "new")),
        )
    if before.zone is not None:
        table.add_row(
            "time zone",
            escape(_zone(before.zone)),
            escape(_zone(after.zone)),
            same(before.zone["times"], (after.zone or {}).get("times"), ran),
        )
    return table


def _verdict(report: VerifyReport) -> str:
    before, after = report.original, report.rewritten
    parts = []
    if report.size_ratio:
        parts.append(
            f"{human_size(before.size_bytes)} → {human_size(after.size_bytes)} ({times(report.size_ratio)} smaller)"
        )
    parts.append("stays up" if after.stayed_up else f"exits with status {after.exit_code} like the original")
    if after.ports:
        parts.append(f"same ports ({' '.join(after.ports)})")
    if report.probes:
        parts.append("same answers" if len(report.probes) > 1 else "same answer")
    if after.zone is not None and any(" UTC " not in time for time in after.zone["times"]):
        parts.append(f"same time zone ({_zone(after.zone)})")
    parts += [f"runs as {after.user}", "static binary"]
    if report.packages_removed:
        parts.append(f"{report.packages_removed} OS packages removed")
    return ", ".join(parts)


def _ports(ports: list[str] | None) -> str:
    if ports is None:
        return "-"
    return " ".join(ports) or "none"


def _port_answer(answer: dict | None) -> str:
    if answer is None:
        return "-"
    if not answer["open"]:
        return "closed"
    if not answer["http"]:
        return "open, not HTTP"
    body = answer["body"] or ""
    if len(body) > 24:
        body = body[:24] + "…"
    return f"{answer['status']} {body}".rstrip()


def _errors(image) -> str:
    if not image.started:
        return "-"
    if not image.errors:
        return "none"
    first = without_timestamp(image.errors[0])
    more = f" (+{len(image.errors) - 1})" if len(image.errors) > 1 else ""
    return (first[:30] + "…" if len(first) > 30 else first) + more


def _zone(zone: dict | None) -> str:
    if zone is None:
        return "-"
    abbreviations = "/".join(dict.fromkeys(time.split()[2] for time in zone["times"]))
    return f"{zone['name']} {abbreviations}" if abbreviations != zone["name"] else zone["name"]


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
