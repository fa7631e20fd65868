"""GS212: refuse when the code starts a program, named by a literal, that the runtime will not hold."""

from __future__ import annotations

import posixpath

from rewriter.analysis import expand, stage_copies
from rewriter.config import EMPTY_RUNTIMES
from rewriter.diagnostics import Diagnostic
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule

EXPLANATION = """GS212: the service runs a program the runtime image will not have.

The Go code the build compiles calls ``exec.Command("tar", ...)``, ``exec.CommandContext``
or ``exec.LookPath`` with the program written out. The original image had it (the golang
images and distribution bases ship tar, git, sh, curl...); a ``FROM scratch`` (or
distroless static) runtime holds only what the rewrite copies in, so the call fails with
``executable file not found in $PATH`` and the service loses what it did with it. goslim
refuses unless the runtime receives the program: a COPY of it in the final stage, or an
``extra-copy`` path. Copy a static build of the program, do the work in Go (archive/tar,
compress/gzip, net/http...), or choose ``runtime = "alpine"``. Programs the code computes
are not checked here; GS302 warns about them.
"""

RULE = Rule(
    "GS212",
    "exec-program-missing",
    Kind.REFUSAL,
    "Refused: the code starts a program by name that the scratch runtime does not hold.",
    EXPLANATION,
)
RULES = (RULE,)

_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


def check(ctx: CheckContext) -> list[Diagnostic]:
    go = ctx.go
    plan = ctx.plan
    if go is None or not isinstance(plan, Plan) or ctx.config.runtime not in EMPTY_RUNTIMES:
        return []
    held = _held(ctx, plan)
    out = []
    seen: set[str] = set()
    for program in go.programs:
        name = program.name
        if name is None or name in seen or _present(name, held, plan):
            continue
        seen.add(name)
        where = program.where
        out.append(
            ctx.diagnostic(
                RULE,
                f"{where.path}:{where.line}: {where.detail} runs `{name}`, which the {ctx.config.runtime} runtime "
                "does not have: copy a static build of it into the runtime (extra-copy), do the work in Go, "
                'or set runtime = "alpine"',
                plan.build.instruction,
            )
        )
    return out


def _held(ctx: CheckContext, plan: Plan) -> tuple[list[str], list[str]]:
    """(paths the runtime receives, folders it receives whole or unseen), absolute: the
    binary, the extra-copy setting and the COPY instructions of an already separate final
    stage, which the rewrite keeps."""
    files = [plan.runtime_binary]
    folders: list[str] = []
    final = plan.runtime
    last = ctx.facts.final
    workdir = (last.workdir if last is not None else None) or "/"
    files += [posixpath.normpath(posixpath.join(workdir, p)) for p in ctx.config.extra_copy]
    if final is not None:
        for _ins, _source, sources, dest in stage_copies(final.stage):
            dest_x = expand(dest, final.env)
            if dest_x is None:
                continue
            dest_abs = posixpath.normpath(posixpath.join(workdir, dest_x))
            if dest.endswith("/") or len(sources) > 1 or dest_x in (".", "./"):
                files += [posixpath.join(dest_abs, posixpath.basename(s.rstrip("/"))) for s in sources]
                folders.append(dest_abs)
            else:
                files.append(dest_abs)
                folders.append(dest_abs)  # a folder source fills it with files goslim does not list
    return files, folders


def _present(name: str, held: tuple[list[str], list[str]], plan: Plan) -> bool:
    """Whether the runtime may hold the program ``exec`` looks up by ``name``."""
    files, folders = held
    if "/" in name:
        workdir = (plan.runtime.workdir if plan.runtime is not None else plan.builder.workdir) or "/"
        path = posixpath.normpath(posixpath.join(workdir, name))
        return path in files or any(path.startswith(f.rstrip("/") + "/") for f in folders)
    base = posixpath.basename
    return any(base(f) == name for f in files) or any(f in _PATH for f in folders)
