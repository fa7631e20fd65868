"""``goslim rewrite``: pick the files, run the batch, report, and say with the exit status
whether anything would change."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from rewriter import discovery
from rewriter.cli import batch
from rewriter.cli.app import EXIT_CHANGED, EXIT_ERROR, EXIT_NOT_VERIFIED, EXIT_OK, Fail
from rewriter.cli.outcome import Options, Outcome
from rewriter.cli.report_json import json_report
from rewriter.cli.report_patch import write_patch
from rewriter.cli.report_sarif import sarif_report
from rewriter.cli.report_text import print_summary
from rewriter.cli.style import use_color
from rewriter.config import RUNTIMES, Config, ConfigError, load_config, load_config_file
from rewriter.diagnostics import Status

ENGINES = ("auto", "docker", "podman", "buildah")   # rewriter.verify.detect_engine's choices


@click.command(short_help="Rewrite Dockerfiles: diff, check, or change them in place.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-i", "--in-place", is_flag=True, help="Write the rewritten files back.")
@click.option("--check", is_flag=True, help="Exit 1 when any file would change.")
@click.option("--diff/--no-diff", "show_diff", default=None,
              help="Show a unified diff (the default unless --in-place or --check).")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]),
              default="text", show_default=True, help="How to report the results.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Files rewritten in parallel, and with --verify the most verifications "
                   "(each one build at a time) under way (default: number of CPUs).")
@click.option("-q", "--quiet", is_flag=True, help="Report errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Also report unchanged and skipped files.")
@click.option("--patch", "patch_file", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Write every change as one patch for `git apply`.")
@click.option("--context", "context_dir", metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Build context of every file (default: found for each Dockerfile from the config, "
                   "compose/bake/skaffold files, CI workflows, Makefiles and scripts, else the nearest "
                   "folder holding its COPY sources).")
@click.option("--require-context", is_flag=True, default=None,
              help="Refuse a file whose build context cannot be found (default: warn, GS307).")
@click.option("--go-list/--no-go-list", "go_list", default=None,
              help="Ask `go list` (when go is on PATH) for the packages the build compiles "
                   "(default: for a single Dockerfile, not for a folder).")
@click.option("--runtime", type=click.Choice(RUNTIMES), default=None,
              help="Base image of the runtime stage (overrides the config file).")
@click.option("--config", "config_file", metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Use this config file instead of the nearest .goslim.toml/pyproject.toml.")
@click.option("--verify", is_flag=True,
              help="Build and run each rewrite beside its original first; write and count "
                   "only those that verify (see `goslim verify`). -j bounds the builds at a time.")
@click.option("--engine", "engine_name", type=click.Choice(ENGINES), default=None,
              help="With --verify: the container engine (default: auto, as for `goslim verify`).")
@click.pass_context
def rewrite(ctx: click.Context, paths: tuple[str, ...], in_place: bool, check: bool,
            show_diff: bool | None, output_format: str, jobs: int | None, quiet: bool,
            verbose: bool, patch_file: Path | None, context_dir: Path | None,
            require_context: bool | None, go_list: bool | None,
            runtime: str | None, config_file: Path | None, verify: bool, engine_name: str | None) -> None:
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
    if engine_name and not verify:
        raise click.UsageError("--engine is for --verify")

    files = discovery.discover(paths)
    searched = len(files) > 1 or any(Path(p) not in files for p in paths)  # a folder was searched
    opts = Options(
        in_place=in_place,
        check=check,
        show_diff=show_diff if show_diff is not None else not (in_place or check or "-" in paths),
        output_format=output_format,
        quiet=quiet,
        verbose=verbose,
        batch=searched,
        color_out=use_color(sys.stdout),
        color_err=use_color(sys.stderr),
        verify=verify,
    )
    engine = None
    if verify:
        from rewriter.cli.verify import engine_or_fail

        engine = engine_or_fail(engine_name or "auto")
    if not files:
        if not quiet:
            click.echo(f"goslim: no Dockerfiles found in {' '.join(paths)}", err=True)
        if output_format != "text":
            _emit_report([], opts)
        ctx.exit(EXIT_OK)

    # A batch's text report without -v and without diffs shows neither diffs nor info
    # notes: the workers leave them out rather than make and ship them for every file.
    lean = output_format == "text" and searched and not (verbose or opts.show_diff or patch_file)
    overrides = {"runtime": runtime, "require_context": require_context,
                 "go_list": None if go_list is None else ("always" if go_list else "never")}
    tasks = _make_tasks(files, config_file, overrides, context_dir, in_place, verify, lean, batch_run=searched)
    outcomes = batch.run(tasks, jobs or batch.cpu_count(), opts, engine)
    _emit_report(outcomes, opts)
    if patch_file is not None:
        write_patch(patch_file, outcomes, opts)
    ctx.exit(_exit_status(outcomes, check))


def _make_tasks(files, config_file, overrides, context_dir, in_place, verify=False,
                lean=False, batch_run=False) -> list[batch.Task]:
    """Resolve each file's config up front so a bad config stops the run before any write.

    go-list "auto" means a single Dockerfile asks go list and a batch does not (a process
    per module would cost more than the rest of the batch): a batch's tasks say "never"."""
    tasks = []
    merged: dict[Config, Config] = {}  # one object per config, which a chunk pickles once
    try:
        explicit = load_config_file(config_file) if config_file else None
        for path in files:
            stdin = None
            if str(path) == "-":
                stdin = batch.read_stdin()
                base = explicit or load_config(Path.cwd() / "Dockerfile")
            else:
                base = explicit or load_config(path)
            config = merged.get(base)
            if config is None:
                config = base.merged(**overrides)
                if batch_run and config.go_list == "auto":
                    config = config.merged(go_list="never")
                merged[base] = config
            tasks.append(batch.Task(path=os.fspath(path), display=batch.display(path), config=config,
                                    context=context_dir, in_place=in_place, stdin=stdin,
                                    verify=verify, lean=lean))
    except ConfigError as exc:
        raise Fail(f"goslim: invalid config: {exc}") from None
    return tasks


def _emit_report(outcomes: list[Outcome], opts: Options) -> None:
    if opts.output_format == "json":
        import json

        click.echo(json.dumps(json_report(outcomes, verify=opts.verify), indent=2))
    elif opts.output_format == "sarif":
        import json

        click.echo(json.dumps(sarif_report(outcomes), indent=2))
    elif opts.batch and not opts.quiet:
        print_summary(outcomes, opts)


def _exit_status(outcomes: list[Outcome], check: bool) -> int:
    if any(o.status is Status.ERROR for o in outcomes):
        return EXIT_ERROR
    if check and any(o.changed for o in outcomes):
        return EXIT_CHANGED
    if any(o.not_verified for o in outcomes):
        return EXIT_NOT_VERIFIED
    return EXIT_OK
