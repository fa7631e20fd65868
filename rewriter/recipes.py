"""Builds that run through a file of the build context: a Makefile target or a script.

``RUN make build`` or ``RUN ./build.sh`` hides the go command in a file the Dockerfile does
not show. When that file is in the build context and what it runs is one plain go build
(environment assignments, flags, maybe ``-o``, maybe a ``cd``; ``echo``, ``mkdir`` and
``set`` around it), goslim reads the build from it and rewrites without editing the file:
CGO_ENABLED and GOFLAGS go on the RUN line, which make and the script pass on to go.
Anything more (several go commands, other targets run first, conditionals, includes,
arguments the script reads) is not plain, and the reason is what the refusal says.
"""

from __future__ import annotations

import posixpath
import re

from rewriter import paths, shell
from rewriter.analysis import Facts, StageFacts
from rewriter.gocommand import GoBuild, go_build
from rewriter.record import Record
from rewriter.runlines import MakeRun
from rewriter.shell import expand

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, ClassVar, Final

MAKEFILES: Final = ("GNUmakefile", "makefile", "Makefile")
READ_LIMIT: Final = 256 * 1024
# Patterns as text, compiled on first use (re caches them): most rewrites read no Makefile.
_ASSIGN: Final = r"^(?:(export|override)\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(\?=|:::=|::=|:=|\+=|!=|=)\s*(.*)$"
_RULE: Final = r"^([^\s:=#][^:=]*?)\s*(::?)(?!=)\s*(.*)$"
_DIRECTIVE: Final = r"^(ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|define|endef|vpath)\b"
_REFERENCE: Final = r"\$(?:\(([^()]*)\)|\{([^{}]*)\}|(.))"
# go commands a plain recipe may run besides its build (go generate is refused: it writes sources).
_GO_CHECKS: Final = frozenset({"mod", "vet", "version", "env", "generate"})
# Commands a plain recipe may run around its go command; they make nothing the image runs.
_HARMLESS: Final = frozenset({"echo", "printf", "mkdir", "set", "true", ":", "exit"})


class Makefile(Record):
    _fields: ClassVar[tuple[str, ...]] = ("variables", "exports", "rules", "default", "problem")

    variables: Final[dict[str, str | None]]  # None: a value goslim does not evaluate
    exports: Final[frozenset[str]]
    rules: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]  # target -> (prerequisites, recipe lines)
    default: Final[str | None]
    problem: Final[str | None]  # why no target of the file is plain, if none can be

    def __init__(
        self,
        variables: dict[str, str | None],
        exports: frozenset[str],
        rules: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
        default: str | None,
        problem: str | None,
    ) -> None:
        self.variables = variables
        self.exports = exports
        self.rules = rules
        self.default = default
        self.problem = problem


def _is_assignment(body: str) -> bool:
    """Whether a line assigns a variable (``=`` before any rule colon, ``:=`` included)."""
    eq = body.find("=")
    colon = body.find(":")
    if eq < 0:
        return False
    if colon < 0 or colon > eq:
        return True
    return bool(re.match(r"^[^:]*?(?:::?|:::)=", body))  # NAME := value, NAME ::= value


def parse_makefile(text: str) -> Makefile:
    """The variables, exported names and explicit rules of a Makefile."""
    variables: dict[str, str | None] = {}
    exports: set[str] = set()
    rules: dict[str, tuple[tuple[str, ...], list[str]]] = {}
    default = None
    problem = None
    current: list[str] | None = None
    for line in text.replace("\\\r\n", " ").replace("\\\n", " ").splitlines():
        if line.startswith("\t"):
            if current is not None:
                current.append(line[1:])
            continue
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        current = None
        if re.match(_DIRECTIVE, body):
            problem = problem or f"the Makefile uses `{body.split()[0]}`, which goslim does not evaluate"
            continue
        if body.startswith("export ") and not _is_assignment(body):
            exports.update(body.split()[1:])
            continue
        if _is_assignment(body):
            assign = re.match(_ASSIGN, body)
            if assign is None:
                problem = problem or f"the Makefile line `{body[:60]}` is not one goslim reads"
                continue
            export, name, op, value = assign.groups()
            if export == "export":
                exports.add(name)
            if op == "?=" and name in variables:
                continue
            variables[name] = None if op in ("+=", "!=") else value.strip()
            continue
        rule = re.match(_RULE, body)
        if rule is None:
            continue
        targets, _colons, rest = rule.groups()
        recipe: list[str] = []
        if ";" in rest:
            rest, inline = rest.split(";", 1)
            recipe.append(inline.strip())
        if "=" in rest:
            problem = problem or f"`{body[:60]}` sets a target-specific variable, which goslim does not evaluate"
            continue
        for target in targets.split():
            if "%" in target:
                continue  # pattern rules: make uses them for files, not for the targets goslim follows
            rules[target] = (tuple(rest.split()), recipe)
            if default is None and not target.startswith("."):
                default = target
        current = recipe
    fixed = {k: (v[0], tuple(v[1])) for k, v in rules.items()}
    return Makefile(variables, frozenset(exports), fixed, default, problem)


def _expand_make(
    text: str, variables: dict[str, str | None], env: dict[str, str], target: str, depth: int = 0
) -> str | None:
    """A recipe line with its make variables put in; None when one is not known."""
    failed = False

    def sub(m: re.Match) -> str:
        nonlocal failed
        name = m.group(1) if m.group(1) is not None else (m.group(2) if m.group(2) is not None else m.group(3))
        if name == "$":
            return "$$"  # kept escaped until the end: the shell sees one $
        if name == "@":
            return target
        if name in ("<", "^", "?", "*", "+", "|", "%"):
            failed = True  # automatic variables of prerequisites: not a plain build line
            return ""
        if name in variables:
            value = variables[name]
            if value is None or depth > 8:
                failed = True
                return ""
            inner = _expand_make(value, variables, env, target, depth + 1)
            if inner is None:
                failed = True
                return ""
            return inner
        if name in env:
            return env[name]
        if " " in name or "," in name:  # a function: $(shell ...), $(wildcard ...)
            failed = True
            return ""
        return ""  # make expands an unset variable to nothing

    out = re.sub(_REFERENCE, sub, text)
    if failed:
        return None
    return out if depth else out.replace("$$", "$")


class Resolved(Record):
    """What a make target or script runs: its go command, or why it is not plain."""

    _fields: ClassVar[tuple[str, ...]] = ("build", "reason", "describe")

    build: Final[GoBuild | None]
    reason: Final[str | None]
    describe: Final[str]  # "make build", "./build.sh"

    def __init__(self, build: GoBuild | None, reason: str | None, describe: str) -> None:
        self.build = build
        self.reason = reason
        self.describe = describe


class Recipes:
    """Reads Makefiles and scripts from the build context, once each."""

    def __init__(self, context: Any) -> None:
        self.context = context  # rewriter.context.BuildContext, or None
        self._texts: dict[str, str | None] = {}

    def _read(self, rel: str) -> str | None:
        if rel not in self._texts:
            data = None
            if self.context is not None and self.context.is_file(rel):
                data = self.context.read_bytes(rel, READ_LIMIT)
            self._texts[rel] = data.decode("utf-8", "replace") if data is not None else None
        return self._texts[rel]

    def resolve(self, facts: Facts, stage: StageFacts, run: MakeRun) -> Resolved:
        name = _describe(run)
        if self.context is None or getattr(self.context, "root", None) is None:
            return Resolved(
                None,
                "it runs a file of the build context, which goslim did not read (run goslim on the "
                "Dockerfile inside its repository, or pass --context DIR)",
                name,
            )
        if run.directory is None:
            return Resolved(None, "goslim cannot tell which folder it runs in", name)
        folder = _context_dir(facts, stage, run.directory, self.context)
        if folder is None:
            return Resolved(
                None,
                f"it runs in {run.directory}, which holds nothing from the build context (cloned or "
                "downloaded in the image?), so goslim cannot read what it does",
                name,
            )
        if run.tool == "make":
            return self._make(facts, stage, run, folder, name)
        return self._script(facts, stage, run, folder, name)

    def _make(self, facts: Facts, stage: StageFacts, run: MakeRun, folder: str, name: str) -> Resolved:
        if run.file is not None:
            rel_file = _context_file(facts, stage, run.file, self.context)
            candidates = [rel_file] if rel_file is not None else []
        else:
            candidates = [posixpath.normpath(posixpath.join(folder, f)) for f in MAKEFILES]
        text = None
        for rel in candidates:
            text = self._read(rel)
            if text is not None:
                break
        if text is None:
            where = "its top folder" if folder == "." else folder
            return Resolved(None, f"the build context has no Makefile in {where}", name)
        makefile = parse_makefile(text)
        if makefile.problem:
            return Resolved(None, makefile.problem, name)
        if len(run.targets) > 1:
            return Resolved(None, "it makes several targets; goslim follows one plain go build", name)
        target = run.targets[0] if run.targets else makefile.default
        if target is None or target not in makefile.rules:
            return Resolved(None, f"the Makefile has no rule for `{target or '(default)'}`", name)
        variables: dict[str, str | None] = dict(makefile.variables)
        variables.update(run.variables)
        lines = _recipe(makefile, target, set())
        if isinstance(lines, str):
            return Resolved(None, lines, name)
        exports = {k: v for k in makefile.exports if (v := variables.get(k)) is not None}
        env = {**run.env, **exports}
        expanded: list[str] = []
        for line in lines:
            line = line.strip().lstrip("@-+").strip()
            value = _expand_make(line, variables, run.env, target)
            if value is None:
                return Resolved(
                    None,
                    f"the recipe of `{target}` uses make functions or variables goslim does not evaluate: {line[:80]}",
                    name,
                )
            expanded.append(value)
        return _plain(facts, stage, run, "\n".join(expanded), env, {**run.inline_env, **exports}, name)

    def _script(self, facts: Facts, stage: StageFacts, run: MakeRun, folder: str, name: str) -> Resolved:
        assert run.file is not None
        rel = _context_file(facts, stage, run.file, self.context)
        text = self._read(rel) if rel is not None else None
        if text is None:
            return Resolved(None, f"the build context does not hold {run.file}", name)
        first = text.splitlines()[0] if text else ""
        if first.startswith("#!") and not re.search(r"\b(sh|bash|dash|ash)\b", first):
            return Resolved(None, f"{run.file} is not a shell script ({first})", name)
        if re.search(r"\$(?:[0-9@*#]|\{[0-9@*#])", text):
            return Resolved(None, f"{run.file} reads its arguments; goslim follows scripts that do not", name)
        return _plain(facts, stage, run, text, dict(run.env), dict(run.inline_env), name)


def _recipe(makefile: Makefile, target: str, seen: set[str]) -> tuple[str, ...] | str:
    """The recipe lines ``make target`` runs, or why they are more than one target's plain recipe."""
    if target in seen or len(seen) > 8:
        return f"the Makefile's rules for `{target}` loop"
    seen.add(target)
    prerequisites, recipe = makefile.rules[target]
    ran = [p for p in prerequisites if p in makefile.rules and (makefile.rules[p][1] or makefile.rules[p][0])]
    if recipe and ran:
        return f"`{target}` first makes {', '.join(ran)}; goslim follows a target that only runs its go build"
    if recipe:
        return recipe
    if len(ran) == 1:
        return _recipe(makefile, ran[0], seen)
    if not ran:
        return f"the rule for `{target}` runs nothing"
    return f"`{target}` makes {', '.join(ran)}; goslim follows one plain go build"


def _plain(
    facts: Facts, stage: StageFacts, run: MakeRun, script: str, env: dict[str, str], inline: dict[str, str], name: str
) -> Resolved:
    """The one go command of ``script`` as a build, when everything else in it is harmless."""
    cwd = run.directory
    variables: dict[str, str] = {}
    found: list[GoBuild] = []
    for command in shell.split_commands(script):
        program = command.program
        if program is None:
            for word in command.assignments:
                k, v = word.value.split("=", 1)
                value = expand(v, {**env, **variables})
                if value is not None and "$(" not in word.raw and "`" not in word.raw:
                    variables[k] = value
            continue
        words = [w.value for w in command.argv]
        scope = {**env, **variables}
        if words[0] == "exec" and len(words) > 1:
            words = words[1:]
        if words[0] == "cd":
            target = expand(words[1], scope) if len(words) > 1 else None
            if target is None or cwd is None:
                return Resolved(None, f"cannot tell where `cd {words[1] if len(words) > 1 else ''}` goes", name)
            cwd = paths.normpath(paths.join(cwd, target))
            continue
        if words[0] == "export":
            for w in words[1:]:
                if "=" in w:
                    k, v = w.split("=", 1)
                    env = {**env, k: expand(v, scope) or v}
                    inline = {**inline, k: env[k]}
            continue
        if words[0] in _HARMLESS:
            continue
        offset = shell.env_prefix(words)
        go_here = offset + 1 < len(words) and paths.basename(words[offset]) == "go"
        if go_here and words[offset + 1] in ("build", "install"):
            argv = command.argv[len(command.argv) - len(words) :]
            own = dict(command.env)
            for w in words[1:offset]:
                k, v = w.split("=", 1)
                own[k] = v
            if any(v is None for v in (expand(x, scope) for x in own.values())):
                return Resolved(None, "its go command sets its environment from values goslim cannot tell", name)
            own = {k: expand(v, scope) or v for k, v in own.items()}
            build = go_build(
                stage,
                run.instruction,
                run.command,
                run.index,
                argv[offset + 2 :],
                words[offset + 1],
                {**env, **own},
                {**inline, **own},
                cwd,
                scope,
                name,
                run.seq,
            )
            if build is not None:
                found.append(build)
            continue
        if paths.basename(words[0]) == "go" and len(words) > 1 and words[1] in _GO_CHECKS:
            if words[1] == "generate":
                return Resolved(None, "it runs go generate before building; goslim follows a plain go build", name)
            continue
        return Resolved(None, f"it also runs `{' '.join(words)[:60]}`; goslim follows a plain go build", name)
    if len(found) != 1:
        what = "no go build" if not found else f"{len(found)} go builds"
        return Resolved(None, f"it runs {what}; goslim follows one plain go build", name)
    return Resolved(found[0], None, name)


def _describe(run: MakeRun) -> str:
    words = [w.value for w in run.command.argv]
    return " ".join(words)[:60]


def _copies(facts: Facts, stage: StageFacts):
    return [c for s in facts.chain(stage)[::-1] for c in s.local_copies]


def _context_dir(facts: Facts, stage: StageFacts, image_dir: str, context: Any) -> str | None:
    from rewriter.context.copies import context_dir

    found = context_dir(image_dir, _copies(facts, stage), context.is_dir, lambda s: expand(s, stage.env))
    if found is not None:
        return found
    root = stage.context_root
    if root and (image_dir + "/").startswith(root.rstrip("/") + "/"):
        return posixpath.relpath(image_dir, root)
    return None


def _context_file(facts: Facts, stage: StageFacts, image_path: str, context: Any) -> str | None:
    folder = _context_dir(facts, stage, paths.dirname(image_path) or "/", context)
    if folder is None:
        return None
    return posixpath.normpath(posixpath.join(folder, paths.basename(image_path)))


def add_goflag(build: GoBuild, flag: str) -> list[tuple[int, int, str]]:
    """The edit of a make or script line that hands ``flag`` to go through GOFLAGS.

    GOFLAGS entries are separated by spaces and cannot hold one (``go help environment``),
    so a flag goes in as one ``-name=value`` word. The line's own GOFLAGS assignment grows;
    without one, a new assignment keeps what the environment already had in GOFLAGS."""
    command = build.command
    own = next((w for w in command.assignments if w.value.startswith("GOFLAGS=")), None)
    if own is not None:
        value = own.value.split("=", 1)[1]
        return [(own.start, own.end, f'GOFLAGS="{value} {flag}"')]
    start = command.words[build.env_index].start
    if build.env.get("GOFLAGS"):
        return [(start, start, f'GOFLAGS="$GOFLAGS {flag}" ')]
    return [(start, start, f"GOFLAGS={flag} ")]
