"""The rules, in the order they run.

CHECKS decide whether a file can be rewritten at all: any error they report leaves the
file unchanged (a refusal). FIXES then transform the tree one step at a time; the facts
are recomputed after each step that changed something.
"""

from __future__ import annotations

from rewriter.passes import (
    build_cache,
    build_selection,
    certs,
    cgo,
    cross_compile,
    entry_shell,
    entrypoint,
    go_run,
    go_version,
    harden_final,
    healthcheck,
    identity,
    onbuild,
    output_path,
    runtime_packages,
    runtime_base,
    runtime_secrets,
    skip,
    split_stages,
    static_build,
    strip_symbols,
    timezones,
    trimpath,
)
from rewriter.passes.base import Check, Fix

CHECKS: tuple[Check, ...] = (onbuild, go_run, entry_shell, build_selection, runtime_base, go_version, cgo,
                             runtime_packages, healthcheck, runtime_secrets)
FIXES: tuple[Fix, ...] = (
    healthcheck,
    output_path,
    static_build,
    trimpath,
    strip_symbols,
    timezones,
    split_stages,
    certs,
    identity,
    entrypoint,
    harden_final,
    cross_compile,
    build_cache,
)

__all__ = ["CHECKS", "FIXES", "skip"]
