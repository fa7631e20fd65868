"""GS113: copy the files the service reads at run time into the runtime stage."""

from __future__ import annotations

import posixpath
import re

from rewriter.analysis import expand
from rewriter.rules import Kind, Rule, register

EXPLANATION = """GS113: copy the files the service reads at run time into the runtime stage.

A single-stage image carries its whole build context, so a service that reads
``templates/``, ``static/`` or a config file from disk finds it. The runtime stage holds
only what is copied, so those files are copied across from the builder, to the same
absolute paths. They are found three ways: data files and folders the Dockerfile copies
in by name, and (when the build context is read) paths the Go code opens at run time and
context files an ENV value points at.
Files compiled in with ``//go:embed`` need nothing.
"""

RULE = register(Rule(
    "GS113", "runtime-files", Kind.FIX,
    "Copy the data files the service reads at run time (templates, static, config) into the runtime stage.",
    EXPLANATION,
))

DATA_SUFFIXES = (
    ".json", ".yaml", ".yml", ".toml", ".ini", ".conf", ".cfg", ".env", ".properties", ".xml",
    ".html", ".htm", ".tmpl", ".tpl", ".gohtml", ".css", ".js", ".txt", ".md", ".sql", ".csv",
    ".png", ".jpg", ".svg", ".ico", ".crt", ".pem",
)
DATA_DIRS = re.compile(
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


def dockerfile_assets(stage_facts, copies) -> list[str]:
    """Absolute paths in the builder of data the Dockerfile copies in by name.

    ``copies`` holds (workdir at that point, sources, destination) per COPY/ADD."""
    paths: list[str] = []
    for workdir, sources, dest in copies:
        data = [s for s in sources if is_data_source(s)]
        if not data or len(data) != len(sources):
            continue
        dest_x = expand(dest, stage_facts.env)
        if dest_x is None or (not dest_x.startswith("/") and workdir is None):
            continue
        dest_abs = posixpath.normpath(dest_x if dest_x.startswith("/") else posixpath.join(workdir, dest_x))
        as_dir = dest.endswith("/") or len(sources) > 1 or dest in (".", "./")
        for src in data:
            if any(c in src for c in "*?["):
                paths.append(posixpath.join(dest_abs, posixpath.basename(src.rstrip("/"))) if as_dir else dest_abs)
            elif as_dir and not src.endswith("/"):
                paths.append(posixpath.join(dest_abs, posixpath.basename(src.rstrip("/"))))
            else:
                paths.append(dest_abs)
    return paths


def env_assets(go, stage_facts) -> list[str]:
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


def context_assets(go, workdir: str | None) -> list[str]:
    """Absolute paths in the builder of files the Go code reads at run time."""
    if go is None or workdir is None:
        return []
    out = []
    for item in go.runtime_files:
        if item.exists:
            out.append(posixpath.normpath(posixpath.join(workdir, item.path)))
    return out
