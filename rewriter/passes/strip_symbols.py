"""GS104: strip the symbol table and DWARF data (-ldflags "-w -s")."""

from __future__ import annotations

from rewriter.passes.base import FixContext, Result, edit_build, unchanged
from rewriter.recipes import add_goflag
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS104: strip the symbol table and DWARF data (-ldflags "-w -s").

-s drops the symbol table and -w the DWARF debug information: the binary shrinks by a
fifth to a third and still runs (panics keep their stack traces). Existing linker flags
such as ``-X main.version=...`` are kept, with their quoting. A build through make or a
script gets ``-ldflags=-s`` in GOFLAGS, whose entries cannot hold a space: from Go 1.22
the linker's -s also drops DWARF. A recipe's own -ldflags override GOFLAGS; they are
left as they are.
"""

RULE = Rule(
    "GS104",
    "strip-symbols",
    Kind.FIX,
    'Link with -ldflags "-w -s": drop DWARF and the symbol table (20-30% smaller binary).',
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


def missing_strip_flags(value: str) -> list[str]:
    tokens = value.replace('"', " ").replace("'", " ").split()
    return [f for f in ("-w", "-s") if f not in tokens and f + "=true" not in tokens]


def apply(ctx: FixContext) -> Result:
    build = ctx.plan.build
    if build.via_recipe:
        if build.ldflags is not None or "-ldflags" in build.env.get("GOFLAGS", ""):
            return unchanged(ctx)  # the recipe's linker flags win over GOFLAGS
        return edit_build(
            ctx,
            RULE,
            add_goflag(build, "-ldflags=-s"),
            f"added -ldflags=-s to GOFLAGS for `{build.through}` (-s drops DWARF too from Go 1.22)",
        )
    word = build.ldflags
    if word is None:
        if "-ldflags" in build.env.get("GOFLAGS", ""):
            return unchanged(ctx)  # GOFLAGS carries the linker flags; overriding them would drop the rest
        anchor = build.command.words[build.go_index + 1]
        edit = (anchor.end, anchor.end, ' -ldflags="-w -s"')
        message = 'added -ldflags="-w -s"'
    else:
        missing = missing_strip_flags(build.ldflags_value or "")
        if not missing:
            return unchanged(ctx)
        raw = word.raw
        prefix, value = "", raw
        at = raw.find("ldflags=")
        if word.value.lstrip("-").startswith("ldflags=") and at >= 0:
            prefix, value = raw[: at + len("ldflags=")], raw[at + len("ldflags=") :]
        added = " ".join(missing)
        if prefix[:1] in ("'", '"'):
            # The whole flag is one quoted word ("-ldflags=-X a=b"): add inside its quotes.
            new_raw = prefix + added + ("" if value[:1] == prefix[0] else " ") + value
        elif value[:1] in ("'", '"'):
            new_raw = prefix + value[0] + added + (" " if len(value) > 2 else "") + value[1:]
        elif value:
            new_raw = prefix + '"' + added + " " + value + '"'
        else:
            new_raw = prefix + '"' + added + '"'
        edit = (word.start, word.end, new_raw)
        message = f"added {added} to -ldflags"
    return edit_build(ctx, RULE, [edit], message)
