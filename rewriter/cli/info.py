"""``goslim parse`` (does goslim read this file as BuildKit does?) and ``goslim rules``
(the rule table, or one rule explained)."""

from __future__ import annotations

import sys

import click

from rewriter.cli.app import Fail
from rewriter.cli.batch import read_stdin
from rewriter.cli.style import Styler, print_table, use_color


@click.command(short_help="Check that goslim parses FILE, or print its parse tree.")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the parse tree as BuildKit's JSON (instructions, flags, args)."
)
def parse(file: str, as_json: bool) -> None:
    """Parse FILE (or - for stdin) and report whether goslim understands it."""
    import rewriter
    from rewriter.files import SourceError, decode_source, read_source

    try:
        source = decode_source(read_stdin(), "-") if file == "-" else read_source(file)
    except SourceError as exc:
        raise Fail(str(exc)) from None
    try:
        tree = rewriter.parse(source.text)
    except rewriter.ParseError as exc:
        raise Fail(f"{file}:{exc.line}:{exc.column}: {exc.message}") from None
    if as_json:
        import json

        click.echo(json.dumps(rewriter.buildkit_json(tree), indent=2))
    elif tree.code != source.text:
        raise Fail(f"{file}: parsed, but printing it back changes it (a goslim bug)")
    else:
        click.echo(f"{file}: ok, parses and prints back unchanged")


@click.command(short_help="List the rules, or explain one.")
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List every rule, or explain one (e.g. `goslim rules GS101`)."""
    from rewriter.passes import RULES, rule_for

    color = use_color(sys.stdout)
    if code is None:
        from rich.table import Table

        table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
        table.add_column("code", style="bold", no_wrap=True)
        table.add_column("name", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("summary")
        for rule in sorted(RULES, key=lambda rule: rule.code):
            table.add_row(rule.code, rule.name, rule.kind.value, rule.summary)
        print_table(table, sys.stdout, color)
        return
    rule = rule_for(code)
    if rule is None:
        raise Fail(f"goslim: unknown rule {code!r}; `goslim rules` lists them")
    style = Styler(color)
    click.echo(f"{style.bold(rule.code)} {rule.name} ({rule.kind.value})", color=color)
    click.echo(rule.summary)
    if rule.explanation:
        click.echo()
        click.echo(rule.explanation.strip())
