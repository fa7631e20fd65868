"""``--format json``: one document with every file and the summary
(tests/data/report.schema.json describes it)."""

from __future__ import annotations

from rewriter.cli.outcome import Outcome
from rewriter.diagnostics import Severity, Status


def summary_counts(outcomes: list[Outcome], *, verify: bool = False) -> dict:
    """Counts per status, and the refusals grouped by the rule that refused.

    With --verify, also how many rewrites verified and how many did not.
    """
    counts = {
        "files": len(outcomes),
        "rewritten": 0,
        "unchanged": 0,
        "refused": 0,
        "skipped": 0,
        "errors": 0,
        "written": 0,
    }
    refused_by_rule: dict[str, int] = {}
    for outcome in outcomes:
        key = "errors" if outcome.status is Status.ERROR else outcome.status.value
        counts[key] = counts.get(key, 0) + 1
        counts["written"] += outcome.written
        if outcome.status is Status.REFUSED:
            codes = {d.code for d in outcome.diagnostics if d.severity is Severity.ERROR} or {"other"}
            for code in codes:
                refused_by_rule[code] = refused_by_rule.get(code, 0) + 1
    counts["refused_by_rule"] = dict(sorted(refused_by_rule.items()))
    if verify:
        checked = [o.verify for o in outcomes if o.verify is not None]
        counts["verified"] = sum(1 for v in checked if v.ok)
        counts["not_verified"] = len(checked) - counts["verified"]
    return counts


def json_report(outcomes: list[Outcome], *, verify: bool = False) -> dict:
    """The --format json document.

    Each file says which build context its Go sources were read from ("context", null
    when none was found or looked for), what decided it ("context_source") and who read
    the sources ("go_reader": "go list", or "static" with why when go list failed).
    With --verify each file also has "verify": {"ok", "reason", "report"} (null when
    there was no rewrite to verify) and the summary counts verified and not_verified.
    """
    files = []
    for outcome in outcomes:
        entry: dict = {
            "path": outcome.path,
            "status": outcome.status.value,
            "applied": list(outcome.applied),
            "diagnostics": [d.as_dict() for d in outcome.diagnostics],
            "diff": outcome.diff,
            "written": outcome.written,
            "context": outcome.context,
            "context_source": outcome.context_source,
            "go_reader": outcome.go_reader,
        }
        if outcome.error is not None:
            error = outcome.error
            entry["error"] = {"message": error.message, "line": error.line, "column": error.column}
        if verify:
            entry["verify"] = outcome.verify.as_dict() if outcome.verify is not None else None
        files.append(entry)
    return {"files": files, "summary": summary_counts(outcomes, verify=verify)}
