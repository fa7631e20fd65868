"""The console script's entry point, the exit codes and the one-line failure, without click.

goslim runs once per file in pre-commit hooks and editors, where starting the process is
most of the cost, and importing click (and the inspect, typing and datetime modules it
pulls in) is a large part of that start. So the two commands such hooks run,
``goslim --version`` and ``goslim rewrite [FLAGS] PATH...`` with only the plain flags
below, are read here and run the same code the click command runs; every other command
line (options with values, ``-``, ``--help``, a mistake to explain) goes to click.
"""

from __future__ import annotations

import os
import sys

EXIT_OK = 0
EXIT_CHANGED = 1
EXIT_NOT_VERIFIED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
GC_YOUNG_THRESHOLD = 10_000  # objects allocated between young collections (Python's default: 700)

# `goslim rewrite` flags read without click: the option's parameter name, and its value.
REWRITE_FLAGS = {
    "-i": ("in_place", True),
    "--in-place": ("in_place", True),
    "--check": ("check", True),
    "--diff": ("show_diff", True),
    "--no-diff": ("show_diff", False),
    "-q": ("quiet", True),
    "--quiet": ("quiet", True),
    "-v": ("verbose", True),
    "--verbose": ("verbose", True),
    "--require-context": ("require_context", True),
    "--go-list": ("go_list", True),
    "--no-go-list": ("go_list", False),
}


class Fail(Exception):
    """A one-line failure printed as is (no "Error:" prefix), exit 2."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run() -> None:
    """The console script: ``main()``, then leave without tearing the interpreter down.

    At exit Python frees the objects of every module it imported, one by one: about 7 ms,
    a tenth of a single-file run. By the time ``main`` returns nothing of goslim's is left
    to finish (files are written and renamed, containers removed), so once the output is
    flushed the process ends at once. Runs that started threads or worker processes end
    the usual way, which waits for them."""
    try:
        main()
        status: object = None
    except SystemExit as exc:
        status = exc.code
    if any(name in sys.modules for name in ("threading", "multiprocessing", "concurrent.futures")):
        sys.exit(status)
    if status is not None and not isinstance(status, int):
        print(status, file=sys.stderr)  # as sys.exit does with a message
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let Python's own exit deal with it
        sys.exit(status)
    os._exit(status or 0)


def main(argv: list[str] | None = None) -> None:
    collect_less_often()
    args = sys.argv[1:] if argv is None else list(argv)
    if args == ["--version"]:
        from rewriter import __version__, compiled

        print(f"goslim {__version__} ({'compiled' if compiled() else 'plain Python'})", flush=True)
        sys.exit(EXIT_OK)
    flags = rewrite_flags(args)
    if flags is not None:
        sys.exit(guarded(_rewrite, flags, args[1:]))
    from rewriter.cli.app import cli

    cli.main(args=argv, prog_name="goslim")


def collect_less_often() -> None:
    """Run the cyclic garbage collector less often. Most of what a goslim process allocates
    lives to its end (the modules it imports: young collections took 3% of a single-file
    run) or dies young without cycles (the nodes of a rewrite: young collections took about
    15% of a 10,000-file batch). Little memory waits longer to be freed; worker processes
    are forked later and inherit the setting."""
    import gc

    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, GC_YOUNG_THRESHOLD), middle, old)


def rewrite_flags(args: list[str]) -> dict[str, bool] | None:
    """The flags of a `goslim rewrite` command line that needs no click, or None."""
    if not args or args[0] != "rewrite":
        return None
    flags: dict[str, bool] = {}
    paths = 0
    for arg in args[1:]:
        if arg.startswith("-"):
            if arg not in REWRITE_FLAGS:
                return None
            name, value = REWRITE_FLAGS[arg]
            flags[name] = value
        else:
            paths += 1
    if not paths or (flags.get("quiet") and flags.get("verbose")):
        return None  # click explains what is wrong
    return flags


def _rewrite(flags: dict[str, bool], args: list[str]) -> int:
    from rewriter.cli.rewrite_files import rewrite_files

    paths = tuple(arg for arg in args if not arg.startswith("-"))
    return rewrite_files(paths, **flags)


def guarded(run, *args) -> int:
    """run(*args)'s exit status; what goes wrong, in one line and an exit status instead of
    a traceback (the click commands do the same in rewriter.cli.app)."""
    try:
        return run(*args)
    except Fail as exc:
        echo_err(exc.message)
        return exc.exit_code
    except BrokenPipeError:
        silence_stdout()
        return EXIT_ERROR
    except KeyboardInterrupt:
        echo_err("goslim: interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last resort: still one line, still exit 2
        echo_err(f"goslim: internal error: {type(exc).__name__}: {exc}")
        return EXIT_ERROR


def echo_err(message: str) -> None:
    from rewriter.cli.style import echo

    echo(message, err=True)


def silence_stdout() -> None:
    """After a closed pipe, keep Python from failing again while flushing stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
