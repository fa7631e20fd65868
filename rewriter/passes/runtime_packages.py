"""GS202: refuse when the runtime needs programs or packages that scratch will not have."""

from __future__ import annotations

import re

from rewriter.needs import final_run_problem
from rewriter.passes.base import CheckContext
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule
from rewriter.shell import expand
from rewriter.syntax.nodes import Instruction

EXPLANATION = """GS202: refuse when the runtime needs programs or packages that scratch will not have.

A single-stage image that installs, say, ``ffmpeg`` or ``imagemagick`` probably runs them;
a final stage that runs commands (other than installing certificates, time zones or
creating a user, which goslim replaces with copies) needs a shell and a package manager.
Build tools (git, make, gcc…) are fine: they stay in the builder stage.
"""

RULE = Rule(
    "GS202",
    "runtime-packages",
    Kind.REFUSAL,
    "Refused: the image installs packages or runs commands it may need at run time, and scratch has none.",
    EXPLANATION,
)
RULES = (RULE,)

# Compiled on first use (re caches it): most files install no packages.
BUILD_ONLY = (
    r"^(git|git-core|make|cmake|gcc|g\+\+|clang|musl-dev|build-base|libc-dev|libc6-dev|alpine-sdk|"
    r"ca-certificates|tzdata|bash|curl|wget|openssh|openssh-client|openssh-client-default|upx|mercurial|"
    r"bzr|subversion|gnupg|gpg|unzip|zip|tar|xz|xz-utils|bzip2|gzip|coreutils|binutils|file|protobuf|"
    r"protobuf-dev|protobuf-compiler|protoc|pkgconf|pkgconfig|pkg-config|linux-headers|dep|glide|go|"
    r"golang|golang-go|musl|sudo|vim|nano|less|jq|patch|gettext|autoconf|automake|libtool|bison|flex|"
    r"build-essential|apt-transport-https|software-properties-common|lsb-release|gcc-multilib|"
    r"openssl|findutils|grep|sed|gawk|procps|net-tools|iputils|"
    r"ncurses|shadow|rsync)([=<>].*)?$"
)


def _names(package: str, env: dict[str, str]) -> list[str]:
    """The package names a word of an install command stands for: ``${BUILD_DEPS}`` is the
    list the stage's ENV gives it (none when it is empty); a value goslim cannot tell stays
    as written."""
    if "$" not in package:
        return [package]
    value = expand(package, env)
    return [package] if value is None else value.split()


def check(ctx: CheckContext) -> list:
    plan = ctx.plan
    if not isinstance(plan, Plan):
        return []
    out = []
    if plan.runtime is None:  # one stage builds and runs: packages may be runtime dependencies
        seen: dict[str, Instruction] = {}
        for s in ctx.facts.chain(plan.builder):
            for ins, pkg in s.packages:
                for name in _names(pkg, s.env):
                    if not re.match(BUILD_ONLY, name):
                        seen.setdefault(name, ins)
        if seen:
            first = next(iter(seen.values()))
            out.append(
                ctx.diagnostic(
                    RULE, f"installs packages the service may use at run time: {', '.join(sorted(seen))}", first
                )
            )
        return out
    for ins in plan.runtime.stage.instructions[1:]:
        if ins.name != "RUN":
            continue
        why = final_run_problem(ins)
        if why:
            out.append(ctx.diagnostic(RULE, f"the final stage runs commands scratch cannot: {why}", ins))
    return out
