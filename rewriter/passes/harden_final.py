"""GS108: turn the final stage of a multi-stage build into FROM scratch."""

from __future__ import annotations

import posixpath

from rewriter.analysis import DISTRO_IMAGE, GO_IMAGE, PATH_DIRS
from rewriter.edit import edit_arguments, insert_after, make_items, replace_item
from rewriter.needs import final_run_problem
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.buildkit import GO_SPACES
from rewriter.syntax.nodes import Instruction

EXPLANATION = """GS108: turn the final stage of a multi-stage build into FROM scratch.

A final stage on alpine, debian or ubuntu ships a shell, a package manager and libraries
a static Go binary never uses: attack surface and megabytes; one on a golang image ships
the whole toolchain besides. When that stage only copies the binary and installs
certificates, time zones or a user (which goslim replaces with copies from the builder
and ``-tags timetzdata``), it becomes FROM scratch, or the distroless base with
``runtime = "distroless-static"``; ``runtime = "alpine"`` keeps it. A golang stage with
no WORKDIR of its own ran in /go, the image's; the new stage keeps that WORKDIR.
"""

RULE = Rule(
    "GS108",
    "harden-final-stage",
    Kind.FIX,
    "Replace an alpine/debian/ubuntu/golang final stage by FROM scratch when it only needs the static binary.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
RULES = (RULE,)


# Folders every distribution image has. ``COPY app /usr/local/bin`` puts app inside such a
# folder; in scratch, where the folder does not exist, the same line creates a file named
# /usr/local/bin. Such destinations get their "/" written out.
DISTRO_DIRS = frozenset(PATH_DIRS) | {
    "/etc",
    "/etc/ssl",
    "/etc/ssl/certs",
    "/usr",
    "/usr/local",
    "/usr/lib",
    "/usr/share",
    "/usr/share/zoneinfo",
    "/lib",
    "/opt",
    "/tmp",
    "/var",
    "/var/lib",
    "/var/log",
    "/home",
    "/root",
    "/srv",
    "/mnt",
    "/run",
}
# Folders a golang image has besides.
GOLANG_DIRS = DISTRO_DIRS | {"/go", "/go/src", "/go/pkg", "/usr/local/go"}
GOLANG_WORKDIR = "/go"


def _folder_destinations(final) -> list[tuple[Instruction, int]] | None:
    """(COPY/ADD, offset where "/" goes) for each destination that is a folder only because
    the distribution has it; None when one of them cannot be edited (JSON form)."""
    folders = GOLANG_DIRS if GO_IMAGE.match(final.base) else DISTRO_DIRS
    out = []
    for ins in final.stage.instructions:
        if ins.name not in ("COPY", "ADD") or ins.heredocs or len(ins.values) < 2:
            continue
        dest = ins.values[-1]
        if dest.endswith("/"):
            continue
        absolute = posixpath.normpath(dest if dest.startswith("/") else posixpath.join(final.workdir or "/", dest))
        workdir = final.workdir or "/"
        if absolute not in folders or workdir == absolute or workdir.startswith(absolute + "/"):
            continue  # WORKDIR makes its folder and those above it, in scratch too
        text = ins.arguments.value.rstrip(GO_SPACES)
        if ins.is_json or not text.endswith(dest):
            return None
        out.append((ins, len(text)))
    return out


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if plan.runtime is None:
        return unchanged(ctx)
    final = plan.runtime
    golang = bool(GO_IMAGE.match(final.base))
    if not (DISTRO_IMAGE.match(final.base) or golang) or ctx.config.runtime == "alpine":
        return unchanged(ctx)  # runtime = "alpine" asks for a distribution base
    target = ctx.config.runtime_image
    runs = [i for i in final.stage.instructions if i.name == "RUN"]
    if any(final_run_problem(r) for r in runs):
        return unchanged(ctx)  # GS202 refuses these
    folders = _folder_destinations(final)
    if folders is None:
        return unchanged(ctx)
    from_ins = final.stage.from_instruction
    base_raw = from_ins.values[0]
    text = from_ins.args_text
    index = text.find(base_raw)
    new_from = from_ins.with_arguments(text[:index] + target + text[index + len(base_raw) :])
    tree = replace_item(ctx.tree, from_ins, [new_from])
    for run in runs:
        tree = replace_item(tree, run, [])
    for ins, at in folders:
        tree = replace_item(tree, ins, [edit_arguments(ins, [(at, at, "/")])])
    dropped = f"; dropped {len(runs)} RUN step(s) replaced by copies from the builder" if runs else ""
    if folders:
        dropped += f"; {len(folders)} COPY destination(s) marked as folders with a final /"
    if golang and not any(i.name == "WORKDIR" for i in final.stage.instructions):
        workdir = make_items([f"WORKDIR {GOLANG_WORKDIR}"], ctx.newline, ctx.escape)
        tree = insert_after(tree, new_from, workdir, ctx.newline)
        dropped += f"; WORKDIR {GOLANG_WORKDIR} kept from the golang image"
    return Result(tree, (ctx.diagnostic(RULE, f"final stage FROM {final.base} → FROM {target}{dropped}", from_ins),))
