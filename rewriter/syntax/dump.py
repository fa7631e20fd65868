"""The tree in the shape of BuildKit's parse result (what ``goslim parse --json`` prints)."""

from __future__ import annotations

from rewriter.syntax.nodes import Dockerfile, Instruction


def buildkit_json(tree: Dockerfile) -> list[dict]:
    """One object per instruction with BuildKit's fields: cmd, sub_cmd, json, flags, value,
    original, start_line, end_line, heredocs."""
    out = []
    line = 1 + sum(d.code.count("\n") for d in tree.directives)
    for item in tree.items():
        code = item.code
        newlines = code.count("\n")
        if type(item) is Instruction:
            out.append(_instruction_json(item, line, line + newlines - (1 if code.endswith("\n") else 0)))
        line += newlines
    return out


def _instruction_json(ins: Instruction, start: int, end: int) -> dict:
    command = ins.command
    sub = command.parsed.sub
    effective = command.effective
    original = ins.logical_line
    heredocs = []
    if sub is None and ins.heredocs:
        original += "\n" + "".join(h.content + h.name + "\n" for h in ins.heredocs)
        heredocs = [{"name": h.name, "content": h.content, "file_descriptor": h.file_descriptor} for h in ins.heredocs]
    return {
        "cmd": command.cmd,
        "sub_cmd": sub.cmd if sub is not None else None,
        "json": effective.parsed.json,
        "flags": list(command.flags),
        "value": list(effective.parsed.value),
        "original": original,
        "start_line": start,
        "end_line": end,
        "heredocs": heredocs,
    }
