"""The goslim command line, one module per concern:

- ``app``: the command group, exit codes and the one-line failure;
- ``rewrite``: the ``rewrite`` command; ``batch``: runs it over many files in processes;
- ``outcome``: what happened to one file, typed, for every report;
- ``report_text``, ``report_json``, ``report_sarif``, ``report_patch``: one per format;
- ``verify``: the ``verify`` command; ``info``: ``parse`` and ``rules``;
- ``style``: colour and layout.

Commands stay thin: reading, finding files, config and the rewrite itself live in the
library.
"""

from rewriter.cli.app import cli, main

__all__ = ["cli", "main"]
