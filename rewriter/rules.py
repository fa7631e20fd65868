"""The rule registry: every rule code goslim can apply or report, with its rationale.

Each pass module under ``rewriter/passes`` declares its rules as module-level ``Rule``
objects; the registry collects them so the CLI (``goslim rules``), SARIF output and the
docs all read the same text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(str, enum.Enum):
    FIX = "fix"            # changes the file
    REFUSAL = "refusal"    # leaves the file unchanged because the rewrite would break it
    WARNING = "warning"    # reported, file still rewritten
    NOTE = "note"          # why a file was skipped or what was not checked


@dataclass(frozen=True)
class Rule:
    code: str         # e.g. "GS101"
    name: str         # kebab-case, e.g. "split-builder-runtime"
    kind: Kind
    summary: str      # one line: what it changes or refuses, and why
    explanation: str  # the long help shown by `goslim rules CODE` (a pass keeps it in EXPLANATION, not in its
                      # module docstring: compiled modules have none)


_REGISTRY: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.code in _REGISTRY and _REGISTRY[rule.code] != rule:
        raise ValueError(f"rule code {rule.code} registered twice")
    _REGISTRY[rule.code] = rule
    return rule


def all_rules() -> list[Rule]:
    """Every rule, sorted by code."""
    import rewriter.engine  # noqa: F401  (importing the engine and its passes registers every rule)

    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def get_rule(code: str) -> Rule | None:
    all_rules()
    return _REGISTRY.get(code.upper())
