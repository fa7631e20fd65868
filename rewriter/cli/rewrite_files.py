"""What ``goslim rewrite`` does: pick the files, run the batch, report, and say with the
exit status whether anything would change. No click here: rewriter.cli.entry runs plain
command lines without it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rewriter import discovery
from rewriter.cli import batch
from rewriter.cli.entry import EXIT_CHANGED, EXIT_ERROR, EXIT_NOT_VERIFIED, EXIT_OK, Fail
from rewriter.cli.outcome import Options, Outcome
from rewriter.cli.report_text import print_summary
from rewriter.cli.style import echo, use_color
from rewriter.config import Config, ConfigError, load_config, load_config_file
from rewriter.diagnostics import Status

ENGINES = ("auto", "docker", "podman", "buildah")  # rewriter.verify.detect_engine's choices


def rewrite_files(
    paths: tuple[str, ...],
    *,
    in_place: bool = False,
    check: bool = False,
    show_diff: bool | None = None,
    output_format: str = "text",
    jobs: int | None = None,
    quiet: bool = False,
    verbose: bool = False,
    patch_file: Path | None = None,
    context_dir: Path | None = None,
    require_context: bool | None = None,
    go_list: bool | None = None,
    runtime: str | None = None,
    config_file: Path | None = None,
    verify: bool = False,
    engine_name: str | None = None,
) -> int:
    """Rewrite PATHS (files, folders or -) as `goslim rewrite` does; the exit status.
    The command line is already checked (see rewriter.cli.rewrite)."""
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
            echo(f"goslim: no Dockerfiles found in {' '.join(paths)}", err=True)
        if output_format != "text":
            _emit_report([], opts)
        return EXIT_OK

    # A batch's text report without -v and without diffs shows neither diffs nor info
    # notes: the workers leave them out rather than make and ship them for every file.
    lean = output_format == "text" and searched and not (verbose or opts.show_diff or patch_file)
    overrides = {
        "runtime": runtime,
        "require_context": require_context,
        "go_list": None if go_list is None else ("always" if go_list else "never"),
    }
    tasks = _make_tasks(files, config_file, overrides, context_dir, in_place, verify, lean, batch_run=searched)
    outcomes = batch.run(tasks, jobs or batch.cpu_count(), opts, engine)
    _emit_report(outcomes, opts)
    if patch_file is not None:
        from rewriter.cli.report_patch import write_patch

        write_patch(patch_file, outcomes, opts)
    return _exit_status(outcomes, check)


def _make_tasks(
    files, config_file, overrides, context_dir, in_place, verify=False, lean=False, batch_run=False
) -> list[batch.Task]:
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
            tasks.append(
                batch.Task(
                    path=os.fspath(path),
                    display=batch.display(path),
                    config=config,
                    context=context_dir,
                    in_place=in_place,
                    stdin=stdin,
                    verify=verify,
                    lean=lean,
                )
            )
    except ConfigError as exc:
        raise Fail(f"goslim: invalid config: {exc}") from None
    return tasks


def _emit_report(outcomes: list[Outcome], opts: Options) -> None:
    if opts.output_format == "json":
        import json

        from rewriter.cli.report_json import json_report

        echo(json.dumps(json_report(outcomes, verify=opts.verify), indent=2))
    elif opts.output_format == "sarif":
        import json

        from rewriter.cli.report_sarif import sarif_report

        echo(json.dumps(sarif_report(outcomes), indent=2))
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
