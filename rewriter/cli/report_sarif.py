"""``--format sarif``: a SARIF 2.1.0 log for code-scanning uploads, its rules read from the
rule table."""

from __future__ import annotations

import os
from pathlib import Path

from rewriter.cli.outcome import Outcome
from rewriter.rules import Rule

_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def sarif_report(outcomes: list[Outcome]) -> dict:
    """A SARIF 2.1.0 log: one result per diagnostic, file errors as tool notifications, and
    one artifact per file whose properties say which build context was read (context,
    context_source, go_reader; each result carries them too)."""
    from importlib.metadata import version

    from rewriter.passes import RULES

    rules = sorted(RULES, key=lambda rule: rule.code)
    known = {rule.code for rule in rules}
    extra = sorted({d.code for o in outcomes for d in o.diagnostics} - known)
    descriptors = [_rule(rule) for rule in rules]
    descriptors += [{"id": code, "shortDescription": {"text": code}} for code in extra]
    index = {d["id"]: i for i, d in enumerate(descriptors)}

    results, notifications, artifacts = [], [], []
    for outcome in outcomes:
        context = {"context": outcome.context, "context_source": outcome.context_source, "go_reader": outcome.go_reader}
        artifacts.append(
            {
                "location": _location(outcome.path, None, None)["physicalLocation"]["artifactLocation"],
                "properties": context,
            }
        )
        for diag in outcome.diagnostics:
            results.append(
                {
                    "ruleId": diag.code,
                    "ruleIndex": index[diag.code],
                    "level": _LEVELS[diag.severity.value],
                    "message": {"text": diag.message},
                    "locations": [_location(outcome.path, diag.line, diag.column)],
                    "properties": context,
                }
            )
        if outcome.error is not None:
            error = outcome.error
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": error.message},
                    "locations": [_location(outcome.path, error.line, error.column)],
                }
            )
    run = {
        "tool": {"driver": {"name": "goslim", "version": version("goslim"), "rules": descriptors}},
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().as_uri() + "/"}},
        "artifacts": artifacts,
        "results": results,
    }
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation or rule.summary},
        "help": {"text": rule.explanation or rule.summary},
        "properties": {"kind": rule.kind.value},
    }


def _location(path: str, line: int | None, column: int | None) -> dict:
    from urllib.parse import quote

    if os.path.isabs(path):
        artifact = {"uri": Path(path).as_uri()}
    else:
        artifact = {"uri": quote(Path(path).as_posix()), "uriBaseId": "SRCROOT"}
    location: dict = {"artifactLocation": artifact}
    if line:
        region = {"startLine": line}
        if column:
            region["startColumn"] = column
        location["region"] = region
    return {"physicalLocation": location}
