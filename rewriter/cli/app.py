"""The click command group: its subcommands, loaded when used, and the one-line failure
every command ends with instead of a traceback. (The console script starts in
rewriter.cli.entry, which runs the commonest command lines without click.)"""

from __future__ import annotations

import importlib

import click

from rewriter import __version__, compiled
from rewriter.cli.entry import (  # noqa: F401 - the commands' exit codes, here as before
    EXIT_CHANGED,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    Fail,
    main,
    silence_stdout,
)

# name -> (module, function): a command's module is imported only when it runs (or when
# --help describes it), so `goslim --version` and each command load only what they use.
COMMANDS = {
    "parse": ("rewriter.cli.info", "parse"),
    "rewrite": ("rewriter.cli.rewrite", "rewrite"),
    "rules": ("rewriter.cli.info", "rules"),
    "verify": ("rewriter.cli.verify", "verify_command"),
}


class _Group(click.Group):
    """Loads each command on first use, and turns anything unexpected into one line and
    exit 2 instead of a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = COMMANDS.get(name)
        if found is None:
            return None
        module, attribute = found
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Fail as exc:
            click.echo(exc.message, err=True)
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            silence_stdout()
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
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version, and whether the compiled modules are in use, and exit.",
)
def cli() -> None:
    """Rewrite fat Go Dockerfiles into small multi-stage builds that run FROM scratch."""
