"""Build definitions that say which folder a Dockerfile is built from.

Compose files, ``docker-bake.hcl``/``.json``, ``skaffold.yaml``, GitHub Actions workflows,
Makefiles and shell scripts each pair a Dockerfile with a context. They are read with real
parsers (PyYAML, python-hcl2, json, shlex); a file that does not parse becomes a warning
naming it, never an error. Each file is parsed once per process, whatever the number of
Dockerfiles asking, and only files under a size cap are read.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections.abc import Iterable, Iterator

from rewriter.context.build_context import ContextSource
from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

MAX_FILE_BYTES = 2 << 20  # a build definition larger than this is not read (and said so)
MAX_TOP_FOLDERS = 256  # top-level folders of a repository searched for build definitions

KIND_ORDER = ("compose", "bake", "skaffold", "workflow", "script")
_COMPOSE = re.compile(r"(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml")
_BAKE = re.compile(r"docker-bake(?:\.[\w.-]+)?\.(?:hcl|json)")
_SKAFFOLD = re.compile(r"skaffold(?:\.[\w.-]+)?\.ya?ml")
_MAKEFILE = re.compile(r"(?:GNUmakefile|[Mm]akefile|.+\.mk)")
_SCRIPT = re.compile(r".+\.(?:sh|bash)")
_WORKFLOW = re.compile(r".+\.ya?ml")
# Patterns for reading definitions are compiled on first use (re caches them): most
# Dockerfiles have no compose, bake, Makefile or script beside them to read.
_REMOTE = r"(?i)^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)"


class Reference(Record):
    """One "this Dockerfile is built from that folder" statement of a build definition."""

    _fields: ClassVar[tuple[str, ...]] = ("dockerfile", "context", "source")

    dockerfile: Final[str]  # real path of the Dockerfile it names
    context: Final[str]  # absolute, normalised path of the context folder
    source: Final[ContextSource]

    def __init__(self, dockerfile: str, context: str, source: ContextSource) -> None:
        self.dockerfile = dockerfile
        self.context = context
        self.source = source


class Unreadable(Exception):
    """A build definition that cannot be used; the message names the file and why."""


def kind_of(folder_is_workflows: bool, name: str) -> str | None:
    """Which kind of build definition a file name is, if any."""
    if folder_is_workflows:
        return "workflow" if _WORKFLOW.fullmatch(name) else None
    if _COMPOSE.fullmatch(name):
        return "compose"
    if _BAKE.fullmatch(name):
        return "bake"
    if _SKAFFOLD.fullmatch(name):
        return "skaffold"
    if _MAKEFILE.fullmatch(name) or _SCRIPT.fullmatch(name):
        return "script"
    return None


def parse(kind: str, path: str, top: str) -> list[Reference]:
    """The references of one file. Raises Unreadable for a file that does not parse."""
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"{path}: {size} bytes, larger than the {MAX_FILE_BYTES} read for build definitions")
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace")
    except OSError as exc:
        raise Unreadable(f"{path}: cannot read: {exc.strerror or exc}") from None
    shown = _shown(path, top)
    base = os.path.dirname(path)
    if kind == "compose":
        refs = _compose(_yaml_documents(text, path, single=True), base, shown)
    elif kind == "bake":
        refs = _bake(text, path, base, shown)
    elif kind == "skaffold":
        refs = _skaffold(_yaml_documents(text, path, single=False), base, shown)
    elif kind == "workflow":
        refs = _workflow(_yaml_documents(text, path, single=True), top, shown)
    else:
        make = _MAKEFILE.fullmatch(os.path.basename(path)) is not None
        bases = [base] if make else list(dict.fromkeys([base, os.path.dirname(base), top]))
        refs = _script(text, bases, shown, make=make)
    return list(refs)


# --- YAML: compose, skaffold, workflows ------------------------------------------------------


def _yaml_documents(text: str, path: str, *, single: bool) -> list[object]:
    import yaml  # type: ignore[import-untyped, unused-ignore]  # PyYAML ships no annotations

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        if single:
            return [yaml.load(text, Loader=loader)]  # noqa: S506 - a safe loader
        return list(yaml.load_all(text, Loader=loader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise Unreadable(f"{path}: not valid YAML{where}: {problem}") from None
    except (RecursionError, ValueError) as exc:
        raise Unreadable(f"{path}: not valid YAML: {exc}") from None


def _compose(docs: list[object], base: str, shown: str) -> Iterator[Reference]:
    data = docs[0] if docs else None
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return
    for name, service in services.items():
        build = service.get("build") if isinstance(service, dict) else None
        if isinstance(build, str):
            context, dockerfile = build, "Dockerfile"
        elif isinstance(build, dict):
            context, dockerfile = build.get("context", "."), build.get("dockerfile", "Dockerfile")
        else:
            continue
        ref = _reference(base, context, dockerfile, ContextSource("compose", shown, f"service {name}"))
        if ref is not None:
            yield ref


def _skaffold(docs: list[object], base: str, shown: str) -> Iterator[Reference]:
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        builds = [doc.get("build")]
        profiles = doc.get("profiles")
        if isinstance(profiles, list):
            builds += [p.get("build") for p in profiles if isinstance(p, dict)]
        for build in builds:
            artifacts = build.get("artifacts") if isinstance(build, dict) else None
            for artifact in artifacts if isinstance(artifacts, list) else ():
                if not isinstance(artifact, dict):
                    continue
                if any(k in artifact for k in ("jib", "ko", "buildpacks", "bazel", "custom")):
                    continue  # not a Dockerfile build
                docker = artifact.get("docker")
                dockerfile = docker.get("dockerfile", "Dockerfile") if isinstance(docker, dict) else "Dockerfile"
                detail = f"artifact {artifact.get('image', '?')}"
                ref = _reference(
                    base, artifact.get("context", "."), dockerfile, ContextSource("skaffold", shown, detail)
                )
                if ref is not None:
                    yield ref


def _workflow(docs: list[object], top: str, shown: str) -> Iterator[Reference]:
    data = docs[0] if docs else None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
        return
    jobs: dict = data["jobs"]
    default_dir = _working_directory(data)
    for job_name, job in jobs.items():
        if not isinstance(job, dict) or not isinstance(job.get("steps"), list):
            continue
        job_dir = _working_directory(job) or default_dir
        for number, step in enumerate(job["steps"], 1):
            if not isinstance(step, dict):
                continue
            detail = f"job {job_name}, step {step.get('name') or number}"
            uses = step.get("uses")
            if isinstance(uses, str) and uses.split("@")[0] == "docker/build-push-action":
                given: dict = step["with"] if isinstance(step.get("with"), dict) else {}
                context = given.get("context", ".")
                file = given.get("file")
                if not isinstance(context, str) or (file is not None and not isinstance(file, str)):
                    continue
                context_abs = _join(top, context)
                # `file` is relative to the workspace (the repository), not to the context
                dockerfile = _join(top, file) if file else (_join(context_abs, "Dockerfile") if context_abs else None)
                if context_abs and dockerfile:
                    yield Reference(os.path.realpath(dockerfile), context_abs, ContextSource("workflow", shown, detail))
            run = step.get("run")
            if isinstance(run, str):
                where = _working_directory(step, key="working-directory") or job_dir
                base = _join(top, where) if where else top
                if base:
                    for ref in _script(run, [base], shown, make=False):
                        yield Reference(ref.dockerfile, ref.context, ContextSource("workflow", shown, detail))


def _working_directory(block: dict, key: str | None = None) -> str | None:
    if key is not None:
        value = block.get(key)
    else:
        defaults = block.get("defaults")
        run = defaults.get("run") if isinstance(defaults, dict) else None
        value = run.get("working-directory") if isinstance(run, dict) else None
    return value if isinstance(value, str) and "${{" not in value else None


# --- bake ------------------------------------------------------------------------------------


def _bake(text: str, path: str, base: str, shown: str) -> Iterator[Reference]:
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise Unreadable(f"{path}: not valid JSON: {exc}") from None
        targets = data.get("target") if isinstance(data, dict) else None
        variables = data.get("variable") if isinstance(data, dict) else None
        targets = targets if isinstance(targets, dict) else {}
        values = (
            {k: v.get("default") for k, v in (variables or {}).items() if isinstance(v, dict)}
            if isinstance(variables, dict)
            else {}
        )
    else:
        targets, values = _hcl_targets(text, path)
    strings: dict[str, str] = {k: v for k, v in values.items() if isinstance(k, str) and isinstance(v, str)}
    for name in targets:
        merged = _inherit(targets, name, set())
        context = _substitute(merged.get("context", "."), strings)
        dockerfile = _substitute(merged.get("dockerfile", "Dockerfile"), strings)
        if isinstance(dockerfile, str) and dockerfile.startswith("cwd://"):
            context_abs = _join(base, context) if isinstance(context, str) else None
            if context_abs:
                yield Reference(
                    os.path.realpath(_join(base, dockerfile[6:]) or ""),
                    context_abs,
                    ContextSource("bake", shown, f"target {name}"),
                )
            continue
        ref = _reference(base, context, dockerfile, ContextSource("bake", shown, f"target {name}"))
        if ref is not None:
            yield ref


def _hcl_targets(text: str, path: str) -> tuple[dict, dict]:
    import hcl2  # type: ignore[import-not-found, unused-ignore]  # typed, but absent while building

    try:
        data = hcl2.loads(text)
    except Exception as exc:  # noqa: BLE001 - python-hcl2 raises lark's and its own errors alike
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise Unreadable(f"{path}: not valid HCL: {first}") from None
    targets: dict = {}
    for block in data.get("target", []) if isinstance(data, dict) else []:
        for label, body in block.items() if isinstance(block, dict) else ():
            if isinstance(body, dict):
                targets[_unquote(label)] = {k: _unquote(v) for k, v in body.items()}
    values: dict = {}
    for block in data.get("variable", []) if isinstance(data, dict) else []:
        for label, body in block.items() if isinstance(block, dict) else ():
            if isinstance(body, dict) and "default" in body:
                values[_unquote(label)] = _unquote(body["default"])
    return targets, values


def _inherit(targets: dict, name: str, seen: set[str]) -> dict:
    """A bake target with the attributes of the targets it ``inherits`` under its own."""
    target = targets.get(name)
    if not isinstance(target, dict) or name in seen:
        return {}
    seen.add(name)
    merged: dict = {}
    parents = target.get("inherits")
    for parent in parents if isinstance(parents, list) else ():
        parent = _unquote(parent)
        if isinstance(parent, str):
            merged.update(_inherit(targets, parent, seen))
    merged.update({k: v for k, v in target.items() if k != "inherits"})
    return merged


_HCL_VAR = r"\$\{\s*([A-Za-z_]\w*)\s*\}"


def _substitute(value: object, values: dict[str, str]) -> object:
    if not isinstance(value, str) or "${" not in value:
        return value
    out = re.sub(_HCL_VAR, lambda m: values.get(m.group(1), m.group(0)), value)
    return None if "${" in out else out


def _unquote(value: object) -> object:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, list):
        return [_unquote(v) for v in value]
    return value


# --- Makefiles, shell scripts, workflow run: lines ---------------------------------------------

_ENGINES = frozenset({"docker", "podman", "nerdctl", "buildah"})
_VALUE_OPTIONS = frozenset(
    {
        "-t",
        "--tag",
        "-f",
        "--file",
        "--build-arg",
        "--target",
        "--platform",
        "--label",
        "--secret",
        "--ssh",
        "--cache-from",
        "--cache-to",
        "-o",
        "--output",
        "--progress",
        "--network",
        "--iidfile",
        "--add-host",
        "--build-context",
        "--metadata-file",
        "--shm-size",
        "-m",
        "--memory",
        "--ulimit",
        "--isolation",
        "--cgroup-parent",
        "--attest",
        "--annotation",
        "--builder",
        "--allow",
        "--call",
        "--cpu-shares",
        "--cpuset-cpus",
        "--build-arg-file",
        "--layers",
        "--format",
        "--jobs",
        "--authfile",
        "--creds",
        "--arch",
        "--os",
        "--variant",
        "--manifest",
        "--runtime",
    }
)
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;"})
_MAKE_ASSIGN = r"^([A-Za-z_][\w.-]*)\s*(?:::=|:=|\?=|\+=|=)\s*(.*?)\s*$"
_SHELL_ASSIGN = r"^\s*(?:export\s+|readonly\s+|local\s+)?([A-Za-z_]\w*)=(\"[^\"$`]*\"|'[^']*'|[^\s;&|$`]*)\s*$"
_MAKE_REF = r"\$[({]([A-Za-z_][\w.-]*)[)}]"
_SHELL_REF = r"\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|\$([A-Za-z_]\w*)"


def _script(text: str, bases: list[str], shown: str, *, make: bool) -> Iterator[Reference]:
    variables: dict[str, str] = {}
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        assign = re.match(_MAKE_ASSIGN if make else _SHELL_ASSIGN, line if make else stripped)
        if assign and not (make and line.startswith("\t")):
            variables[assign.group(1)] = _strip_quotes(assign.group(2))
            continue
        if "build" not in stripped and "bud" not in stripped:
            continue
        if not any(engine in stripped for engine in _ENGINES):
            continue
        if make:
            stripped = stripped.lstrip("@-+ \t")
        expanded = _expand(stripped, variables, make)
        if expanded is None:
            continue
        for base in bases:
            yield from _builds_in_line(expanded, base, ContextSource("script", shown, f"line {number}"))


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with backslash continuations joined, numbered by their first line."""
    pending: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        yield start, " ".join(pending)
        pending = []
    if pending:
        yield start, " ".join(pending)


def _expand(line: str, variables: dict[str, str], make: bool) -> str | None:
    """Substitute known variables; None when a variable is unknown (the line is not used)."""
    unknown = False

    def make_sub(m: re.Match) -> str:
        nonlocal unknown
        if m.group(1) in variables:
            return variables[m.group(1)]
        unknown = True
        return ""

    def shell_sub(m: re.Match) -> str:
        nonlocal unknown
        name = m.group(1) or m.group(3)
        if name in variables:
            return variables[name]
        if m.group(2) is not None:
            return m.group(2)
        unknown = True
        return ""

    if make:
        line = re.sub(_MAKE_REF, make_sub, line.replace("$$", "\0"))
        line = line.replace("\0", "$")
    line = re.sub(_SHELL_REF, shell_sub, line)
    return None if unknown or "$(" in line or "`" in line else line


def _builds_in_line(line: str, base: str, source: ContextSource) -> Iterator[Reference]:
    import shlex  # only build scripts and Makefiles are read this way

    try:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:
        return
    cwd = base
    command: list[str] = []
    for token in [*tokens, ";"]:
        if token not in _SEPARATORS:
            command.append(token)
            continue
        if command and command[0] == "cd" and len(command) > 1:
            cwd = _join(cwd, command[1]) or cwd
        elif command:
            found = _docker_build(command)
            if found is not None:
                file, context = found
                context_abs = _join(cwd, context)
                dockerfile = _join(cwd, file) if file else (_join(context_abs, "Dockerfile") if context_abs else None)
                if context_abs and dockerfile:
                    yield Reference(os.path.realpath(dockerfile), context_abs, source)
        command = []


def _docker_build(words: list[str]) -> tuple[str | None, str] | None:
    """(-f value, context) of a ``docker build`` / ``docker buildx build`` / ``podman build``
    / ``buildah bud`` command, or None."""
    i = 0
    while i < len(words) and (words[i] in ("sudo", "env", "exec", "time") or "=" in words[i]):
        i += 1
    if i >= len(words) or posixpath.basename(words[i]) not in _ENGINES:
        return None
    engine = posixpath.basename(words[i])
    rest = words[i + 1 :]
    verbs = ("bud", "build") if engine == "buildah" else ("build",)
    while rest and rest[0] in ("buildx", "image"):
        rest = rest[1:]
    if not rest or rest[0] not in verbs:
        return None
    file: str | None = None
    positional: list[str] = []
    args = rest[1:]
    j = 0
    while j < len(args):
        word = args[j]
        if word.startswith("-") and word != "-":
            name, eq, value = word.partition("=")
            if name in ("-f", "--file"):
                if eq:
                    file = value
                elif j + 1 < len(args):
                    file = args[j + 1]
                    j += 1
            elif name.startswith("-f") and len(name) > 2 and not name.startswith("--"):
                file = name[2:]
            elif name in _VALUE_OPTIONS and not eq:
                j += 1
        else:
            positional.append(word)
        j += 1
    if not positional or positional[-1] == "-" or re.match(_REMOTE, positional[-1]):
        return None
    return file, positional[-1]


# --- shared ------------------------------------------------------------------------------------


def _reference(base: str, context: object, dockerfile: object, source: ContextSource) -> Reference | None:
    if not isinstance(context, str) or not isinstance(dockerfile, str):
        return None
    context = _interpolate(context)
    dockerfile = _interpolate(dockerfile)
    if context is None or dockerfile is None or re.match(_REMOTE, context):
        return None
    context_abs = _join(base, context)
    if context_abs is None:
        return None
    dockerfile_abs = _join(context_abs, dockerfile)
    if dockerfile_abs is None:
        return None
    return Reference(os.path.realpath(dockerfile_abs), context_abs, source)


_COMPOSE_VAR = r"\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|\$([A-Za-z_]\w*)"


def _interpolate(value: str) -> str | None:
    """Compose-style ``${VAR:-default}``: the default is taken; a variable without one
    makes the value unknown."""
    if "$" not in value:
        return value
    unknown = False

    def sub(m: re.Match) -> str:
        nonlocal unknown
        if m.group(2) is not None:
            return m.group(2)
        unknown = True
        return ""

    out = re.sub(_COMPOSE_VAR, sub, value.replace("$$", "\0")).replace("\0", "$")
    return None if unknown else out


def _join(base: str, rel: str) -> str | None:
    if not rel or "${{" in rel:
        return None
    return os.path.normpath(rel if os.path.isabs(rel) else os.path.join(base, rel))


def _strip_quotes(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _shown(path: str, top: str) -> str:
    rel = os.path.relpath(path, top)
    return path if rel.startswith("..") else rel


def folders_to_search(start: str, top: str, listdir) -> Iterable[tuple[str, bool]]:
    """(folder, is the workflows folder) in search order: the Dockerfile's folder and its
    parents up to ``top``, the workflows folder, then ``top``'s own sub-folders (the first
    MAX_TOP_FOLDERS, sorted)."""
    seen: set[str] = set()
    folder = start
    while True:
        seen.add(folder)
        yield folder, False
        if folder == top or os.path.dirname(folder) == folder:
            break
        folder = os.path.dirname(folder)
    workflows = os.path.join(top, ".github", "workflows")
    yield workflows, True
    children = [os.path.join(top, name) for name, is_dir in listdir(top) if is_dir and not name.startswith(".")]
    for child in sorted(children)[:MAX_TOP_FOLDERS]:
        if child not in seen:
            yield child, False
