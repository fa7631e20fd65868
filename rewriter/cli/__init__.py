"""The goslim command line, one module per concern:

- ``entry``: the console script's entry point, exit codes and the one-line failure; it
  runs ``--version`` and plain ``rewrite`` command lines without importing click;
- ``app``: the click command group;
- ``rewrite``: the ``rewrite`` command's options; ``rewrite_files``: what it does;
  ``batch``: runs it over many files in processes;
- ``outcome``: what happened to one file, typed, for every report;
- ``report_text``, ``report_json``, ``report_sarif``, ``report_patch``: one per format;
- ``verify``: the ``verify`` command; ``info``: ``parse`` and ``rules``;
- ``style``: colour and layout.

Commands stay thin: reading, finding files, config and the rewrite itself live in the
library.
"""

from rewriter.cli.entry import main, run

__all__ = ["cli", "main", "run"]


def __getattr__(name: str):
    if name == "cli":  # the click group, imported only when asked for
        from rewriter.cli.app import cli

        return cli
    raise AttributeError(f"module 'rewriter.cli' has no attribute {name!r}")
