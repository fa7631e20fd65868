"""``goslim rewrite``: its options and the command line's mistakes; what it does is in
rewriter.cli.rewrite_files."""

from __future__ import annotations

from pathlib import Path

import click

from rewriter.cli.rewrite_files import ENGINES, rewrite_files
from rewriter.config import RUNTIMES


@click.command(short_help="Rewrite Dockerfiles: diff, check, or change them in place.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-i", "--in-place", is_flag=True, help="Write the rewritten files back.")
@click.option("--check", is_flag=True, help="Exit 1 when any file would change.")
@click.option(
    "--diff/--no-diff",
    "show_diff",
    default=None,
    help="Show a unified diff (the default unless --in-place or --check).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="How to report the results.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Files rewritten in parallel, and with --verify the most verifications "
    "(each one build at a time) under way (default: number of CPUs).",
)
@click.option("-q", "--quiet", is_flag=True, help="Report errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Also report unchanged and skipped files.")
@click.option(
    "--patch",
    "patch_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write every change as one patch for `git apply`.",
)
@click.option(
    "--context",
    "context_dir",
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Build context of every file (default: found for each Dockerfile from the config, "
    "compose/bake/skaffold files, CI workflows, Makefiles and scripts, else the nearest "
    "folder holding its COPY sources).",
)
@click.option(
    "--require-context",
    is_flag=True,
    default=None,
    help="Refuse a file whose build context cannot be found (default: warn, GS307).",
)
@click.option(
    "--go-list/--no-go-list",
    "go_list",
    default=None,
    help="Ask `go list` (when go is on PATH) for the packages the build compiles "
    "(default: for a single Dockerfile, not for a folder).",
)
@click.option(
    "--runtime",
    type=click.Choice(RUNTIMES),
    default=None,
    help="Base image of the runtime stage (overrides the config file).",
)
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Use this config file instead of the nearest .goslim.toml/pyproject.toml.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Build and run each rewrite beside its original first; write and count "
    "only those that verify (see `goslim verify`). -j bounds the builds at a time.",
)
@click.option(
    "--engine",
    "engine_name",
    type=click.Choice(ENGINES),
    default=None,
    help="With --verify: the container engine (default: auto, as for `goslim verify`).",
)
@click.pass_context
def rewrite(
    ctx: click.Context,
    paths: tuple[str, ...],
    in_place: bool,
    check: bool,
    show_diff: bool | None,
    output_format: str,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
    patch_file: Path | None,
    context_dir: Path | None,
    require_context: bool | None,
    go_list: bool | None,
    runtime: str | None,
    config_file: Path | None,
    verify: bool,
    engine_name: str | None,
) -> None:
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

    ctx.exit(
        rewrite_files(
            paths,
            in_place=in_place,
            check=check,
            show_diff=show_diff,
            output_format=output_format,
            jobs=jobs,
            quiet=quiet,
            verbose=verbose,
            patch_file=patch_file,
            context_dir=context_dir,
            require_context=require_context,
            go_list=go_list,
            runtime=runtime,
            config_file=config_file,
            verify=verify,
            engine_name=engine_name,
        )
    )
