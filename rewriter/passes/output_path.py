"""GS114: name the binary with ``-o`` when ``go build`` picks the name itself."""

from __future__ import annotations

from rewriter import shell
from rewriter.passes.base import FixContext, Result, edit_build, unchanged
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS114: name the binary with ``-o`` when ``go build`` picks the name itself.

Without ``-o``, Go names the binary after the module or folder, which the Dockerfile
alone cannot see; the original image found it because CMD ran it from the build folder.
The runtime stage must copy that exact file, so the build writes it to the path CMD
runs, explicitly.
"""

RULE = Rule(
    "GS114",
    "explicit-output",
    Kind.FIX,
    "Add -o /path/to/binary to a `go build` that lets Go pick the binary's name.",
    EXPLANATION,
    anchor=Anchor.BUILD,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if not plan.add_output:
        return unchanged(ctx)
    build = plan.build
    verb = build.command.words[build.go_index + 1]
    return edit_build(ctx, RULE, [(verb.end, verb.end, f" -o {shell.quote(plan.binary)}")], f"added -o {plan.binary}")
