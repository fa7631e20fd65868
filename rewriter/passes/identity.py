"""GS106: run as a numeric non-root user that exists in /etc/passwd."""

from __future__ import annotations

import re

from rewriter import shell
from rewriter.analysis import copies_to, inherited_user, ships_certs_and_users
from rewriter.context.action import container_action
from rewriter.edit import edit_arguments, insert_after, insert_before, make_items, replace_item
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.plan import Plan
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Comment, Instruction

EXPLANATION = """GS106: run as a numeric non-root user that exists in /etc/passwd.

A container that runs as root turns any bug into root on the container's file system
(and on the host, if it escapes). The builder writes a minimal passwd and group with
one unprivileged user (uid 10001 unless configured, or the uid and name the original
image used), the runtime copies them, and ``USER uid:gid`` is numeric so Kubernetes'
``runAsNonRoot`` can verify it (hadolint DL3066). Having the passwd entry keeps
``os/user.Current()`` and tools that look up the user name working.
"""

RULE = Rule(
    "GS106",
    "non-root-user",
    Kind.FIX,
    "Create a non-root user in the builder, copy /etc/passwd and /etc/group, and set a numeric USER.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
ACTION_ROOT = Rule(
    "GS310",
    "container-action-root",
    Kind.NOTE,
    "A GitHub container action keeps running as root, which the runner expects.",
    """GS310: a GitHub container action keeps running as root.

When an ``action.yml`` beside the Dockerfile runs it (``runs.using: docker``), GitHub's
runner mounts the workspace and the files behind $GITHUB_ENV, $GITHUB_OUTPUT and
$GITHUB_STEP_SUMMARY as root, and its documentation asks actions not to set USER. The
rewrite gives such an image no USER (GS106 steps aside) and says so.
""",
)
RULES = (RULE, ACTION_ROOT)

PASSWD = "/etc/passwd.runtime"
GROUP = "/etc/group.runtime"
ROOT = {"", "root", "0", "0:0", "root:root"}
NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


def _users(ctx: FixContext, plan: Plan) -> tuple[str | None, str | None]:
    """The last USER of the runtime stage (or of the original single stage)."""
    user = None
    stages = [plan.builder.stage]
    if plan.runtime is not None and plan.runtime is not plan.builder:
        stages.append(plan.runtime.stage)
    for stage in stages:
        for ins in stage.instructions:
            if ins.name == "USER":
                user = ins.args_text
    if user is None:
        return None, None
    name, _, group = user.partition(":")
    return name, group or None


# adduser/useradd options that take the next word as their value.
_VALUE_FLAGS = frozenset(
    {
        "-u",
        "--uid",
        "-g",
        "--gid",
        "-G",
        "--groups",
        "--ingroup",
        "-s",
        "--shell",
        "-h",
        "-d",
        "--home",
        "-c",
        "--comment",
        "--gecos",
        "-k",
        "-K",
        "-p",
        "-e",
        "-f",
    }
)


def _creation(ctx: FixContext, name: str):
    """(RUN, command, uid or None) of the ``adduser``/``useradd`` that creates ``name``."""
    for ins in ctx.tree.instructions:
        if ins.name != "RUN" or ins.is_json:
            continue
        for command in shell.split_commands(ins.arguments.value):
            words = [w.value for w in command.argv]
            if not words or words[0] not in ("adduser", "useradd"):
                continue
            if not any(w == name and words[i] not in _VALUE_FLAGS for i, w in enumerate(words[1:])):
                continue  # `name` is not the user created (it may be the group of -G name)
            uid = None
            for i, word in enumerate(words[:-1]):
                if word in ("-u", "--uid") and words[i + 1].isdigit():
                    uid = words[i + 1]
                elif word.startswith("--uid=") and word[6:].isdigit():
                    uid = word[6:]
            return ins, command, uid
    return None


def _created_uid(ctx: FixContext, name: str) -> str | None:
    """The uid an ``adduser``/``useradd`` in the file gave ``name``, if it says."""
    found = _creation(ctx, name)
    return found[2] if found else None


def _pin_uid(ctx: FixContext, tree, name: str, uid: str):
    """Give the ``adduser``/``useradd`` that creates ``name`` an explicit uid, so the
    passwd copied from the builder agrees with the numeric USER; None when there is none."""
    found = _creation(ctx, name)
    if found is None or found[2] is not None:
        return None
    ins, command, _ = found
    program = command.argv[0]
    new = edit_arguments(ins, [(program.end, program.end, f" {_uid_flag(ctx, ins, command)} {uid}")])
    return replace_item(tree, ins, [new])


def _uid_flag(ctx: FixContext, ins, command) -> str:
    """``-u`` for useradd and busybox's adduser, ``--uid`` for Debian's adduser."""
    words = [w.value for w in command.argv]
    if words[0] == "useradd":
        return "-u"
    if any(w.startswith("--") for w in words[1:]):
        return "--uid"
    if any(re.fullmatch(r"-[A-Za-z]+", w) for w in words[1:]):
        return "-u"
    return "-u" if _in_alpine_stage(ctx, ins) else "--uid"


def _in_alpine_stage(ctx: FixContext, ins) -> bool:
    for facts in ctx.facts.stages:
        if any(i is ins for i in facts.stage.instructions):
            return any("alpine" in s.base.lower() for s in ctx.facts.chain(facts))
    return False


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if plan.runtime is None:
        return unchanged(ctx)
    final = plan.runtime
    action = container_action(getattr(ctx.build_context, "dockerfile", None))
    if action is not None:
        if not ctx.config.enabled(ACTION_ROOT.code):
            return unchanged(ctx)
        message = f"runs as root: {action.name} runs it as a GitHub container action, and the runner expects root"
        tree = ctx.tree
        if not copies_to(final, "/etc/passwd") and not ships_certs_and_users(final.base):
            # root's own entries, so that user lookups still find who runs
            ref = plan.builder.name or str(plan.builder.index)
            entries = make_items(
                [f"COPY --from={ref} /etc/passwd /etc/passwd", f"COPY --from={ref} /etc/group /etc/group"],
                ctx.newline,
                ctx.escape,
            )
            tree = insert_after(tree, _last_header_copy(final, tree), entries, ctx.newline)
        return Result(tree, (ctx.diagnostic(ACTION_ROOT, message, final.stage.from_instruction),))
    if ships_certs_and_users(final.base):
        return _slim_base_user(ctx, final)  # distroless/chainguard bring passwd and a nonroot user
    builder = plan.builder
    ref = builder.name or str(builder.index)
    name, group = _users(ctx, plan)
    uid, gid = str(ctx.config.uid), str(ctx.config.gid)
    user_name = "appuser"
    if name and name not in ROOT:
        if name.isdigit():
            uid = name
            gid = group if group and group.isdigit() else name
        elif NAME.match(name):
            user_name = name
            uid = _created_uid(ctx, name) or uid
            gid = uid if uid != str(ctx.config.uid) else gid
    group_name = group if group and NAME.match(group) else user_name

    tree = ctx.tree
    changed = []
    has_passwd = copies_to(final, "/etc/passwd")
    if has_passwd and name and name not in ROOT and not name.isdigit():
        pinned = _pin_uid(ctx, tree, name, uid)
        if pinned is not None:  # the copied passwd would give the name another uid than USER
            tree = pinned
            changed.append(f"`{name}` created with uid {uid}, so the copied /etc/passwd agrees with USER")
    if not has_passwd:
        writes_files = any(PASSWD in ins.code for ins in builder.stage.instructions)
        if not writes_files:
            lines = [
                f"RUN echo '{user_name}:x:{uid}:{gid}::/nonexistent:/sbin/nologin' > {PASSWD} "
                f"&& echo '{group_name}:x:{gid}:' > {GROUP}"
            ]
            inherited = inherited_user(ctx.facts, builder)
            if inherited is not None:  # a stage FROM a non-root stage cannot write /etc as it is
                lines = ["USER root", *lines, f"USER {inherited}"]
            tree = insert_after(
                tree, builder.stage.from_instruction, make_items(lines, ctx.newline, ctx.escape), ctx.newline
            )
        copies = [f"COPY --from={ref} {PASSWD} /etc/passwd", f"COPY --from={ref} {GROUP} /etc/group"]
        anchor = _last_header_copy(final, tree)
        tree = insert_after(tree, anchor, make_items(copies, ctx.newline, ctx.escape), ctx.newline)
        changed.append(f"user {user_name} ({uid}:{gid}) in /etc/passwd and /etc/group")

    wanted = f"{uid}:{gid}"
    tree, user_set = _set_user(ctx, tree, final.index, wanted)
    changed += user_set
    if not changed:
        return unchanged(ctx)
    return Result(tree, (ctx.diagnostic(RULE, "; ".join(changed), final.stage.from_instruction),))


# The users distroless and chainguard static images define (distroless runs as root by default).
SLIM_USERS = {
    "nonroot": "65532:65532",
    "nobody": "65534:65534",
    "": "65532:65532",
    "root": "65532:65532",
    "0": "65532:65532",
}


def _slim_base_user(ctx: FixContext, final) -> Result:
    """A distroless/chainguard runtime already has passwd; it still needs a non-root USER."""
    users = [i for i in final.stage.instructions if i.name == "USER"]
    name = users[-1].args_text.partition(":")[0] if users else ""
    wanted = SLIM_USERS.get(name)
    if wanted is None:
        return unchanged(ctx)  # numeric already, or a name the base image must provide
    tree, changed = _set_user(ctx, ctx.tree, final.index, wanted)
    if not changed:
        return unchanged(ctx)
    return Result(tree, (ctx.diagnostic(RULE, "; ".join(changed), final.stage.from_instruction),))


def _set_user(ctx: FixContext, tree, index: int, wanted: str):
    """The tree with USER ``wanted`` last in the stage (unless a numeric non-root USER is
    there), and what changed. A new USER goes before what the image runs and the comments
    written above it."""
    stage = tree.stages[index]
    users = [i for i in stage.instructions if i.name == "USER"]
    if users and users[-1].args_text == wanted:
        return tree, []
    if (
        users
        and users[-1].args_text not in ROOT
        and users[-1].args_text.split(":")[0].isdigit()
        and users[-1].args_text.split(":")[0] != "0"
    ):
        return tree, []  # already a numeric non-root user
    new_user = make_items([f"USER {wanted}"], ctx.newline, ctx.escape)
    if users:
        return replace_item(tree, users[-1], new_user), [f"USER {wanted}"]
    items = list(stage.items)
    at = next(
        (i for i, item in enumerate(items) if type(item) is Instruction and item.name in ("ENTRYPOINT", "CMD")), None
    )
    if at is None:
        return insert_after(tree, items[-1], new_user, ctx.newline), [f"USER {wanted}"]
    while at > 0 and type(items[at - 1]) is Comment:
        at -= 1
    return insert_before(tree, items[at], new_user), [f"USER {wanted}"]


def _last_header_copy(final, tree):
    """Insert point for the passwd/group copies: after FROM and the certificate copy."""
    stage = tree.stages[final.index]
    anchor = stage.from_instruction
    for ins in stage.instructions[1:]:
        if ins.name == "COPY" and ins.flag("from") is not None and "/etc/ssl/certs" in ins.args_text:
            anchor = ins
        else:
            break
    return anchor
