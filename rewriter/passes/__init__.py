"""The rule table: every pass, in the order it runs, and every rule goslim reports.

CHECKS decide whether a file can be rewritten at all: any error they report leaves the
file unchanged (a refusal), and so does a rule of kind KEEP. FIXES then transform the
tree one step at a time; the facts are recomputed after each step that changed
something. REPORTS look at the finished rewrite. Each pass module declares its rules in
``RULES``; a new rule is one module and one line here.
"""

from __future__ import annotations

from rewriter import verdicts
from rewriter.passes import (
    build_cache,
    build_selection,
    certs,
    cgo,
    context_found,
    cross_compile,
    entry_shell,
    entrypoint,
    exec_programs,
    exec_use,
    go_run,
    go_version,
    harden_final,
    healthcheck,
    identity,
    localtime,
    low_port,
    no_context,
    onbuild,
    output_path,
    recipe_build,
    runtime_base,
    runtime_files,
    runtime_packages,
    runtime_secrets,
    sources_unread,
    split_stages,
    static_build,
    strip_symbols,
    timezones,
    trimpath,
    writable,
    zoneinfo_copy,
)
from rewriter.rules import Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from rewriter.protocols import Check, Fix, Report

CHECKS: tuple[Check, ...] = (
    context_found,
    sources_unread,
    onbuild,
    go_run,
    entry_shell,
    build_selection,
    recipe_build,
    runtime_base,
    go_version,
    trimpath,
    cgo,
    exec_programs,
    runtime_packages,
    healthcheck,
    runtime_secrets,
)
FIXES: tuple[Fix, ...] = (
    healthcheck,
    output_path,
    static_build,
    trimpath,
    strip_symbols,
    timezones,
    split_stages,
    runtime_files,
    certs,
    zoneinfo_copy,
    identity,
    entrypoint,
    harden_final,
    writable,
    localtime,
    cross_compile,
    build_cache,
)
REPORTS: tuple[Report, ...] = (
    no_context,
    exec_use,
    low_port,
)


def _every_rule() -> tuple[Rule, ...]:
    """Every rule once, in the order it is first met: the engine's own, then the passes'."""
    found: list[Rule] = list(verdicts.ENGINE_RULES)
    found += [rule for check in CHECKS for rule in check.RULES]
    found += [rule for fix in FIXES for rule in fix.RULES]
    found += [rule for report in REPORTS for rule in report.RULES]
    return tuple(dict.fromkeys(found))


RULES: tuple[Rule, ...] = _every_rule()


def rule_for(code: str) -> Rule | None:
    """The rule with this code (any case), if goslim has one."""
    code = code.upper()
    return next((rule for rule in RULES if rule.code == code), None)


__all__ = ["CHECKS", "FIXES", "REPORTS", "RULES", "rule_for"]
