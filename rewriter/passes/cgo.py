"""GS201: refuse when the binary needs cgo."""

from __future__ import annotations

import re

from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule

EXPLANATION = """GS201: refuse when the binary needs cgo.

A cgo binary links against the C library at run time; ``FROM scratch`` has none, so the
container fails with ``exec ...: no such file or directory``. CGO_ENABLED=1, an external
linker, C compilers or headers installed for the build, cgo-only drivers such as sqlite,
and ``import "C"`` in the sources all mean the build relies on cgo.
"""

RULE = Rule(
    "GS201",
    "cgo-in-use",
    Kind.REFUSAL,
    "Refused: the build uses cgo, so the binary needs a C library that scratch does not have.",
    EXPLANATION,
)
UNUSED_TOOLCHAIN = Rule(
    "GS308",
    "c-toolchain-without-cgo",
    Kind.WARNING,
    "The builder installs a C toolchain or headers, but the Go sources the build compiles show no cgo.",
    """GS308: the builder installs a C toolchain, and the sources show no cgo.

gcc, musl-dev, build-base or -dev packages in the builder usually mean cgo. When the Go
sources the build compiles (read by ``go list``, or statically, see the -v line) show none,
the rewrite builds with CGO_ENABLED=0 and the packages only cost build time. Check that
nothing goslim cannot see needs them (a C object linked by flags, a generate step), and
drop them from the builder.
""",
)
RULES = (RULE, UNUSED_TOOLCHAIN)

# Compiled on first use (re caches it): most files install no packages.
C_TOOLCHAIN = (
    r"^(gcc|g\+\+|clang|musl-dev|build-base|libc-dev|libc6-dev|alpine-sdk|musl-gcc|"
    r".*sqlite.*-dev|libsqlite3.*|sqlite-dev|librdkafka.*|libpcap.*|.*-dev|.*-devel)$"
)


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan):
        return []
    build = plan.build
    out = []
    cgo = build.env.get("CGO_ENABLED")
    if cgo == "1":
        out.append(ctx.diagnostic(RULE, "CGO_ENABLED=1 is set for the build", _setter(ctx, plan, "CGO_ENABLED")))
    ld = build.ldflags_value or ""
    if re.search(r"-linkmode[= ]+external", ld):
        out.append(
            ctx.diagnostic(RULE, "the build links with an external (C) linker: -linkmode external", build.instruction)
        )
    if build.tags and re.search(r"sqlite|cgo|libsqlite3", build.tags):
        out.append(ctx.diagnostic(RULE, f"build tags select cgo code: -tags {build.tags}", build.instruction))
    go = ctx.go
    if go is not None and go.uses_cgo:
        finding = go.uses_cgo[0]
        more = f" (and {len(go.uses_cgo) - 1} more)" if len(go.uses_cgo) > 1 else ""
        out.append(ctx.diagnostic(RULE, f"{finding.path}:{finding.line}: {finding.detail}{more}", build.instruction))
    stages = ctx.facts.chain(plan.builder)
    compilers = [(ins, pkg) for s in stages for ins, pkg in s.packages if re.match(C_TOOLCHAIN, pkg)]
    if compilers and go is not None and not out:
        ins, _ = compilers[0]
        names = ", ".join(sorted({p for _, p in compilers}))
        reader = "go list" if go.reader == "go list" else "the static reader"
        out.append(
            ctx.diagnostic(
                UNUSED_TOOLCHAIN,
                f"C toolchain or headers installed for the build ({names}), but the Go sources the build "
                f"compiles show no cgo ({reader}): the rewrite builds with CGO_ENABLED=0",
                ins,
            )
        )
    if cgo != "0" and go is None:
        if compilers:
            ins, _ = compilers[0]
            names = ", ".join(sorted({p for _, p in compilers}))
            out.append(
                ctx.diagnostic(
                    RULE,
                    f"C toolchain or headers installed for the build ({names}); without the Go sources "
                    "goslim cannot tell whether cgo is needed. Set CGO_ENABLED=0 yourself, or run goslim "
                    "with the build context so it can check the imports",
                    ins,
                )
            )
    return out


def _setter(ctx, plan, name: str):
    """The instruction that gives the build ``name``: its own RUN line when set there,
    else the last ENV or ARG before the build (in the stage or the stages it is FROM)."""
    build = plan.build
    if name in build.inline_env:
        return build.instruction
    found = None
    for stage in reversed(ctx.facts.chain(plan.builder)):
        for ins in stage.stage.instructions:
            if ins is build.instruction:
                break
            if ins.name in ("ENV", "ARG") and any(k == name for k, _ in ins.pairs()):
                found = ins
    return found or build.instruction
