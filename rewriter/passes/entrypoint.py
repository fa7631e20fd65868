"""GS107: start the binary with an exec-form ENTRYPOINT and its absolute path."""

from __future__ import annotations

from rewriter.edit import insert_after, json_array, make_items, replace_item
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS107: start the binary with an exec-form ENTRYPOINT and its absolute path.

Scratch has no ``/bin/sh``, so a shell-form CMD cannot start, and no PATH lookup can find
a bare program name in a folder that does not exist. The runtime therefore runs
``ENTRYPOINT ["/abs/path/to/binary"]``; the arguments the original CMD passed stay in
``CMD [...]`` so they can still be overridden at ``docker run``.
"""

RULE = Rule(
    "GS107", "exec-entrypoint", Kind.FIX,
    'Run the binary as ENTRYPOINT ["/absolute/path"] (exec form): scratch has no shell and no PATH.',
    EXPLANATION,
    anchor=Anchor.ENTRY,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if plan.runtime is None or plan.entry.argv is None:
        return unchanged(ctx)
    final = plan.runtime
    argv = plan.entry.argv
    args = list(argv[1:])
    entry, cmd = plan.entry.entrypoint, plan.entry.cmd
    own = set(id(i) for i in final.stage.instructions)
    ok_entry = entry is not None and entry.is_json and list(entry.values) == [plan.runtime_binary] and id(entry) in own
    ok_cmd = (not args and (cmd is None or id(cmd) not in own)) or (cmd is not None and cmd.is_json and list(cmd.values) == args and id(cmd) in own)
    if ok_entry and ok_cmd:
        return unchanged(ctx)
    lines = [f"ENTRYPOINT {json_array([plan.runtime_binary])}"]
    if args:
        lines.append(f"CMD {json_array(args)}")
    new = make_items(lines, ctx.newline, ctx.escape)
    tree = ctx.tree
    olds = [i for i in final.stage.instructions if i.name in ("CMD", "ENTRYPOINT")]
    if olds:
        for old in olds[:-1]:
            tree = replace_item(tree, old, [])
        last = olds[-1]
        if not last.newline and not last.heredocs:
            new[-1] = new[-1].with_changes(newline="")
        tree = replace_item(tree, last, new)
    else:
        tree = insert_after(tree, tree.stages[final.index].items[-1], new, ctx.newline)
    shown = " ".join(lines)
    return Result(tree, (ctx.diagnostic(RULE, f"runs {shown}", olds[-1] if olds else final.stage.from_instruction),))
