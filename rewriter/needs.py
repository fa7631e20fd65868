"""What the runtime stage must receive, or must not lose: the questions several passes ask
of the facts, the plan and the Go sources together.

A check asks them to decide whether a rewrite can work at all, a fix to decide what to
add; keeping the answer here gives both the same one.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, Final

from rewriter import shell
from rewriter.analysis import StageFacts, expand
from rewriter.plan import Plan
from rewriter.syntax.nodes import Instruction

# --- time zones ---------------------------------------------------------------------------


# Values of TZ that need no zone database.
_UTC = frozenset({"", "UTC", "UTC0", "Etc/UTC", "GMT", "Etc/GMT", ":UTC"})


def zone_setting(plan: Plan) -> str | None:
    """The zone the original image set for the process (``ENV TZ``), when it is not UTC."""
    stage = plan.runtime if plan.runtime is not None else plan.builder
    tz = stage.env.get("TZ")
    if tz is None or tz.strip() in _UTC:
        return None
    return tz.strip()


def tzdata_reason(go: Any, plan: Plan) -> str | None:
    """Why the runtime needs the time zone database, or None when it does not. ``go`` is
    the read build context (a GoContext) or None."""
    if go is not None and go.embeds_tzdata:
        return None
    zone = zone_setting(plan)
    if zone is not None:
        return f"the image sets TZ={zone}"
    if go is not None:
        if not go.uses_timezones:
            return None
        f = go.uses_timezones[0]
        return f"{f.path}:{f.line} loads time zones"
    if plan.runtime is None:
        return "the Go image had /usr/share/zoneinfo and the sources were not checked"
    for _ins, pkg in plan.runtime.packages:
        if pkg.split("=")[0] == "tzdata":
            return "the original image installed tzdata"
    return None


# --- RUN steps of a distribution final stage ----------------------------------------------

# mkdir, chown and ln are not here: the folders, owners and links they make are state the
# service may use (a data dir it writes, /etc/localtime), and no copy from the builder
# brings them back.
REPLACEABLE_FINAL_RUN: Final = re.compile(
    r"^(apk|apt-get|apt|yum|dnf|microdnf|update-ca-certificates|adduser|addgroup|useradd|groupadd|"
    r"chmod|rm|echo|true|set)$"
)
REPLACEABLE_PACKAGES: Final = re.compile(r"^(ca-certificates|tzdata)([=<>].*)?$")
PACKAGE_VERBS: Final = frozenset({"add", "install", "update", "upgrade", "clean", "-y", "--no-cache", "--update"})


def final_run_problem(ins: Instruction) -> str | None:
    """Why a RUN in the final stage cannot be dropped, or None when goslim replaces what it
    does (certificates, time zones, a user) with copies from the builder."""
    if ins.is_json or ins.heredocs:
        return ins.args_text[:80]
    for command in shell.split_commands(ins.arguments.value):
        words = [w.value for w in command.argv]
        if not words:
            continue
        if not REPLACEABLE_FINAL_RUN.match(words[0]):
            return " ".join(words)[:80]
        if words[0] in ("apk", "apt-get", "apt", "yum", "dnf", "microdnf"):
            pkgs = [w for w in words[1:] if w not in PACKAGE_VERBS and not w.startswith("-")]
            extra = [p for p in pkgs if not REPLACEABLE_PACKAGES.match(p)]
            if extra:
                return f"installs {', '.join(extra)}"
    return None


# --- files read at run time ---------------------------------------------------------------

DATA_SUFFIXES: Final = (
    ".json", ".yaml", ".yml", ".toml", ".ini", ".conf", ".cfg", ".env", ".properties", ".xml",
    ".html", ".htm", ".tmpl", ".tpl", ".gohtml", ".css", ".js", ".txt", ".md", ".sql", ".csv",
    ".png", ".jpg", ".svg", ".ico", ".crt", ".pem",
)
DATA_DIRS: Final = re.compile(
    r"^(templates?|static|public|assets|web|www|ui|views|migrations|config|configs|conf|locales?|i18n|"
    r"resources|data|schema|schemas|sql|docs|html|dist|frontend/dist)/?$"
)


def is_data_source(src: str) -> bool:
    name = src.rstrip("/").lstrip("./")
    if not name or name in (".", "*"):
        return False
    if name.endswith(".go") or posixpath.basename(name) in ("go.mod", "go.sum", "vendor", "Makefile"):
        return False
    return name.endswith(DATA_SUFFIXES) or bool(DATA_DIRS.match(name))


def dockerfile_assets(stage_facts: StageFacts) -> list[str]:
    """Absolute paths in the builder of data the Dockerfile copies in by name."""
    paths: list[str] = []
    for workdir, sources, dest in stage_facts.local_copies:
        data = [s for s in sources if is_data_source(s)]
        if not data or len(data) != len(sources):
            continue
        dest_x = expand(dest, stage_facts.env)
        if dest_x is None or (not dest_x.startswith("/") and workdir is None):
            continue
        dest_abs = posixpath.normpath(dest_x if dest_x.startswith("/") else posixpath.join(workdir or "/", dest_x))
        as_dir = dest.endswith("/") or len(sources) > 1 or dest in (".", "./")
        for src in data:
            if any(c in src for c in "*?["):
                paths.append(posixpath.join(dest_abs, posixpath.basename(src.rstrip("/"))) if as_dir else dest_abs)
            elif as_dir and not src.endswith("/"):
                paths.append(posixpath.join(dest_abs, posixpath.basename(src.rstrip("/"))))
            else:
                paths.append(dest_abs)
    return paths


def env_assets(go: Any, stage_facts: StageFacts) -> list[str]:
    """Files of the build context that an ENV value names by absolute path in the image
    (``ENV APP_CONFIG=/app/config.yaml``): the service opens what the variable says, so
    the file goes with it. Only files that exist in the context are taken."""
    root = stage_facts.context_root
    if go is None or root is None:
        return []
    out = []
    for value in stage_facts.env.values():
        path = posixpath.normpath(value) if value.startswith("/") else None
        if path is None or not path.startswith(root.rstrip("/") + "/"):
            continue
        rel = posixpath.relpath(path, root)
        if (go.root / rel).exists():
            out.append(path)
    return out


def context_assets(go: Any, workdir: str | None) -> list[str]:
    """Absolute paths in the builder of files the Go code reads at run time."""
    if go is None or workdir is None:
        return []
    out = []
    for item in go.runtime_files:
        if item.exists:
            out.append(posixpath.normpath(posixpath.join(workdir, item.path)))
    return out
