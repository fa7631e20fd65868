"""GS107: run the binary by its absolute path in exec form, CMD and ENTRYPOINT keeping their roles."""

from __future__ import annotations

from rewriter.edit import insert_after, json_array, make_items, replace_item
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Instruction

EXPLANATION = """GS107: run the binary by its absolute path in exec form, CMD and ENTRYPOINT keeping their roles.

Scratch has no ``/bin/sh``, so a shell-form CMD or ENTRYPOINT cannot start, and no PATH
lookup can find a bare program name in a folder that does not exist. The instruction that
names the program (ENTRYPOINT when the image has one, else CMD) names it by its absolute
path, in exec form; nothing else moves. A CMD stays a CMD, so ``docker run IMAGE ./app
migrate`` still replaces the whole command, as it did; an ENTRYPOINT stays an ENTRYPOINT
and its CMD its default arguments. A shell-form ENTRYPOINT ignored CMD, so in exec form
the CMD it ignored is dropped.
"""

RULE = Rule(
    "GS107",
    "exec-entrypoint",
    Kind.FIX,
    "Run the binary by its absolute path in exec form (scratch has no shell and no PATH); CMD and ENTRYPOINT keep "
    "their roles.",
    EXPLANATION,
    anchor=Anchor.ENTRY,
)
RULES = (RULE,)


def _words(ins: Instruction) -> list[str]:
    return list(ins.values) if ins.is_json else ins.args_text.split()


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if plan.runtime is None or plan.entry.argv is None:
        return unchanged(ctx)
    final = plan.runtime
    entry, cmd = plan.entry.entrypoint, plan.entry.cmd
    own = {id(i) for i in final.stage.instructions}
    holder = entry if entry is not None else cmd
    assert holder is not None  # there is an argv
    wanted = [(holder.name, [plan.runtime_binary, *_words(holder)[1:]])]
    if entry is not None and cmd is not None:
        if entry.is_json:
            wanted.append(("CMD", _words(cmd)))
        # A shell-form ENTRYPOINT ignored CMD: the exec form must not start passing it.
    current = [(i.name, list(i.values) if i.is_json else None) for i in (entry, cmd) if i is not None and id(i) in own]
    if current == wanted and all(i is None or id(i) in own for i in (entry, cmd)):
        return unchanged(ctx)
    lines = [f"{name} {json_array(words)}" for name, words in wanted]
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
