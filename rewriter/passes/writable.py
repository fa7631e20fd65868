"""GS115: give the runtime the places the service writes: /tmp, and its folders owned by its user."""

from __future__ import annotations

import posixpath

from rewriter.analysis import StageFacts, copies_to, inherited_user
from rewriter.diagnostics import Diagnostic, Severity
from rewriter.edit import insert_after, insert_before, make_items, replace_item
from rewriter.needs import Writable, writable_places
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Dockerfile, Instruction, Segment

EXPLANATION = """GS115: give the runtime the places the service writes: /tmp, and its folders owned by its user.

Scratch has no /tmp, and everything copied into it belongs to root, while the rewrite
runs as an unprivileged user: a service that spools uploads to a temporary file, keeps a
state file in its folder, an SQLite database or logs fails with ``no such file`` or
``permission denied``. The runtime therefore gets /tmp with mode 1777, as the original
image had it, and each folder the compiled code writes into (``os.Create``,
``os.WriteFile``, ``os.OpenFile`` for writing, ``os.Mkdir``/``MkdirAll``, temporary files
in a named folder, SQLite data sources), every declared VOLUME and the folders the
``writable`` setting names exist there, owned by the runtime user. Without the sources,
the folders the build makes with ``mkdir`` (outside Go's workspace and the binary's own
folder) and those it opens to every user (``chmod 777``) stand for the places the
original, running as root, wrote. A folder the original
image already held is copied with its files; a new one is made empty. The builder
prepares both (``/runtime-root`` holds the sticky /tmp, ``/runtime-empty`` is the empty
folder), since only ``COPY --from`` can make them in scratch.
"""

RULE = Rule(
    "GS115",
    "writable-places",
    Kind.FIX,
    "Give the runtime /tmp (mode 1777) and the folders the service writes, owned by the runtime user.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
UNKNOWN = Rule(
    "GS311",
    "write-path-unknown",
    Kind.REFUSAL,
    "The service writes a file whose path its code does not spell: name the folders it writes in `writable`.",
    """GS311: the service writes a file whose path its code does not spell.

goslim prepares the folders the service writes when the code names them (GS115). A write
whose path comes from a flag, the environment, a configuration file or a computation
cannot be followed, and the rewrite runs as an unprivileged user who can write /tmp and
the folders GS115 made, and nothing else: a service that makes ``./upload`` at start
would stop with ``permission denied``. The rewrite is refused until the ``writable``
setting names the folders the service writes (relative to the WORKDIR, or absolute;
``writable = ["/tmp"]`` when /tmp is all it needs). An image that declares a VOLUME says
where its data goes: the volumes are made writable, and the write is a warning.
""",
)
RULES = (RULE, UNKNOWN)

ROOT_DIR = "/runtime-root"  # in the builder: what the runtime gets at / (a sticky /tmp)
EMPTY_DIR = "/runtime-empty"  # in the builder: the empty folder new writable folders are made from


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    runtime = plan.runtime
    if runtime is None or runtime.base.lower() != "scratch":
        return unchanged(ctx)
    original = ctx.original
    stage = original.facts.final
    assert stage is not None
    if original.facts.stages[stage.index].base.lower() == "scratch":
        return unchanged(ctx)  # the service ran in scratch already: it had what it has
    old_fs = original.image.stage(stage.index)
    tmp = old_fs.lookup("/tmp").is_dir and not copies_to(runtime, "/tmp") and not _prepared(runtime, ROOT_DIR)
    owner = _owner(runtime)
    volumes = [v for i in runtime.stage.instructions if i.name == "VOLUME" for v in i.values]
    places, unknown = writable_places(ctx.go, stage, original.image, volumes)
    places += [
        Writable(posixpath.normpath(posixpath.join(stage.workdir or "/", p)), "the writable setting", False)
        for p in ctx.config.writable
    ]
    if owner is None:
        places = []  # root writes anywhere
    places = [w for w in places if not _owned_already(runtime, w.path)]
    diagnostics: list[Diagnostic] = []
    if owner is not None and unknown and not ctx.config.writable:
        f = unknown[0]
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        where = (
            f"{f.path}:{f.line} writes where its code does not say: {f.detail}{more}; the runtime user "
            f"{'can' if volumes else 'could'} write /tmp" + "".join(f", {w.path}" for w in places)
        )
        if volumes:
            # The image says where its data goes: the write is taken to go there, and said.
            diagnostics.append(
                ctx.diagnostic(
                    UNKNOWN, where + "; name other folders in the writable setting", severity=Severity.WARNING
                )
            )
        else:
            diagnostics.append(
                ctx.diagnostic(UNKNOWN, where + " and nothing else: name the folders it writes in the writable setting")
            )
            return Result(ctx.tree, tuple(diagnostics))
    if not tmp and not places:
        return Result(ctx.tree, tuple(diagnostics)) if diagnostics else unchanged(ctx)

    builder = plan.builder.name or str(plan.builder.index)
    prepare = []
    if tmp:
        prepare.append(f"mkdir -p -m 1777 {ROOT_DIR}/tmp")
    if any(not w.seeded for w in places):
        prepare.append(f"mkdir -p {EMPTY_DIR}")
    tree = ctx.tree
    if prepare:
        lines = ["RUN " + " && ".join(prepare)]
        anchor, as_root = _after_setup(tree.stages[plan.builder.index].instructions)
        inherited = inherited_user(ctx.facts, plan.builder)
        if inherited is not None and not as_root:  # a stage FROM a non-root stage cannot write / as it is
            lines = ["USER root", *lines, f"USER {inherited}"]
        tree = insert_after(tree, anchor, make_items(lines, ctx.newline, ctx.escape), ctx.newline)
    runtime_stage = tree.stages[runtime.index]
    binary = _binary_copy(runtime_stage.instructions, plan.runtime_binary)
    done: list[str] = []
    if tmp:
        skeleton = make_items([f"COPY --from={builder} {ROOT_DIR}/ /"], ctx.newline, ctx.escape)
        if binary is not None:
            tree = insert_before(tree, binary, skeleton)
        else:
            tree = insert_after(tree, runtime_stage.from_instruction, skeleton, ctx.newline)
        done.append("/tmp (1777)")
    for place in places:
        assert owner is not None  # there are places only for a non-root user
        tree = _own(ctx, tree, runtime.index, place, builder, owner)
        done.append(place.path)
    diagnostics.insert(
        0, ctx.diagnostic(RULE, f"writable for {owner or 'root'}: {', '.join(done)}", runtime.stage.from_instruction)
    )
    return Result(tree, tuple(diagnostics))


def _own(ctx: FixContext, tree: Dockerfile, index: int, place: Writable, builder: str, owner: str) -> Dockerfile:
    """The tree with ``place`` made in the runtime stage as a folder ``owner`` owns."""
    chown = f"--chown={owner}"
    binary = ctx.plan.runtime_binary
    inside = place.path.rstrip("/") + "/"
    if place.seeded:
        # The folder comes whole: copies from the builder of what lies below it go.
        for ins in tree.stages[index].instructions:
            below = ins.name == "COPY" and ins.flag("from") == builder and len(ins.values) == 2
            if below and ins.values[0] == ins.values[1] != binary and ins.values[1].startswith(inside):
                tree = replace_item(tree, ins, [])
    instructions = tree.stages[index].instructions
    # A COPY of the stage that fills it already (from the context, or one GS113 wrote): own it there.
    first_inside = None
    for ins in instructions:
        if ins.name != "COPY" or len(ins.values) < 2:
            continue
        dest = posixpath.normpath(posixpath.join(_workdir_before(instructions, ins), ins.values[-1]))
        if dest == place.path and ins.flag("chown") is None and len(ins.values) == 2:
            return replace_item(tree, ins, [ins.with_changes(flags=(*ins.flags, Segment.of(" " + chown)))])
        if first_inside is None and (dest + "/").startswith(inside):
            first_inside = ins
    source = place.path if place.seeded else EMPTY_DIR
    line = make_items([f"COPY --from={builder} {chown} {source} {place.path}"], ctx.newline, ctx.escape)
    if first_inside is not None:
        return insert_before(tree, first_inside, line)  # made before a COPY into it makes it root's
    copies = [i for i in instructions if i.name == "COPY"]
    return insert_after(tree, copies[-1] if copies else instructions[0], line, ctx.newline)


def _after_setup(instructions: tuple[Instruction, ...]) -> tuple[Instruction, bool]:
    """Where the builder's preparation goes: after its FROM and the lines right below it
    that make the runtime's passwd and group (GS106), so that the stage reads in order;
    and whether those lines switched to root."""
    anchor, as_root = instructions[0], False
    for ins in instructions[1:]:
        if ins.name == "USER" and ins.args_text in ("root", "0") and anchor is instructions[0]:
            anchor, as_root = ins, True
        elif ins.name == "RUN" and ".runtime" in ins.args_text and "/etc/" in ins.args_text:
            anchor = ins
        else:
            break
    return anchor, as_root


def _owner(runtime: StageFacts) -> str | None:
    """The uid:gid the runtime runs as, when it is a numeric non-root user."""
    users = [i.args_text for i in runtime.stage.instructions if i.name == "USER"]
    if not users:
        return None
    uid, _, gid = users[-1].partition(":")
    if not uid.isdigit() or int(uid) == 0:
        return None
    return f"{uid}:{gid or uid}"


def _prepared(runtime: StageFacts, folder: str) -> bool:
    return any(i.name == "COPY" and i.values and i.values[0].rstrip("/") == folder for i in runtime.stage.instructions)


def _owned_already(runtime: StageFacts, path: str) -> bool:
    for ins in runtime.stage.instructions:
        if ins.name == "COPY" and ins.flag("chown") is not None and ins.values and ins.values[-1].rstrip("/") == path:
            return True
    return False


def _binary_copy(instructions: tuple[Instruction, ...], binary: str) -> Instruction | None:
    for ins in instructions:
        if ins.name == "COPY" and ins.flag("from") is not None and len(ins.values) == 2 and ins.values[-1] == binary:
            return ins
    return None


def _workdir_before(instructions: tuple[Instruction, ...], target: Instruction) -> str:
    workdir = "/"
    for ins in instructions:
        if ins is target:
            break
        if ins.name == "WORKDIR" and ins.values:
            workdir = posixpath.normpath(posixpath.join(workdir, ins.values[0]))
    return workdir
