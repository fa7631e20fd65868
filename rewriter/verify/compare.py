"""Name every way the rewritten image behaves unlike the original, most telling first.

Each difference has a kind, for tools and the batch table, and a message that quotes
what was seen. Causes come before the symptoms they may explain: an exit, a new error
line or a lost time zone before a port or an answer that differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rewriter.verify.observe import new_errors, without_timestamp

if TYPE_CHECKING:
    from rewriter.verify.check import ImageReport, _Run

KINDS = ("build", "start", "exit", "log", "zone", "ports", "http", "probe", "static", "root")


@dataclass(frozen=True)
class Difference:
    kind: str
    message: str


def differences(
    original: ImageReport, rewritten: ImageReport, runs: dict[str, _Run], probes: list[str], static_problem: str
) -> list[Difference]:
    found: list[Difference] = []
    for side, report in (("original", original), ("rewritten", rewritten)):
        if not report.built:
            found.append(Difference("build", f"build failed: {side}: {last_lines(report.log_tail, 3)}"))
    if not (original.built and rewritten.built):
        return found
    before, after = runs["original"], runs["rewritten"]
    if not before.started:
        found.append(
            Difference(
                "start", f"the original did not start, so there is nothing to compare: {last_lines(before.log, 3)}"
            )
        )
    if not after.started:
        found.append(Difference("start", f"did not start: {last_lines(after.log, 3)}"))
    elif before.started:
        found += _exits(before, after)
        found += _logs(before, after, quoted=" ".join(d.message for d in found))
        found += _zone(before, after)
        if before.stayed_up and after.stayed_up:
            probed = f"{before.published}/tcp" if "/" in probes else None  # the user's probe says it
            found += _ports(before, after, probed)
        found += _probes(before, after, probes, rewritten)
    if rewritten.static is not True:
        found.append(Difference("static", static_problem or "entry binary is not static"))
    if not rewritten.non_root:
        found.append(Difference("root", f"runs as root (USER {rewritten.user or 'not set'})"))
    return found


def _exits(before: _Run, after: _Run) -> list[Difference]:
    tail = last_lines(after.log, 3) or "(no output)"
    if before.stayed_up and not after.stayed_up:
        return [Difference("exit", f"exited (status {after.exit_code}) while the original kept running: {tail}")]
    if not before.stayed_up and after.stayed_up:
        return [Difference("exit", f"kept running while the original exited with status {before.exit_code}")]
    if not before.stayed_up and before.exit_code != after.exit_code:
        return [
            Difference("exit", f"exit status differs: original {before.exit_code}, rewritten {after.exit_code}: {tail}")
        ]
    return []


def _ports(before: _Run, after: _Run, probed: str | None) -> list[Difference]:
    if before.ports is None or after.ports is None:
        return []
    found = []
    if before.ports != after.ports:
        found.append(
            Difference(
                "ports", f"listening ports differ: original {_list(before.ports)}, rewritten {_list(after.ports)}"
            )
        )
    for port, answer in before.port_answers.items():
        other = after.port_answers.get(port)
        if other is not None and port != probed and not answer.same_as(other):
            found.append(
                Difference(
                    "http", f"GET / on {port} differs: original {answer.describe()}, rewritten {other.describe()}"
                )
            )
    return found


def _probes(before: _Run, after: _Run, probes: list[str], rewritten: ImageReport) -> list[Difference]:
    found = []
    for path in probes:
        first, second = before.answers.get(path), after.answers.get(path)
        explained = second is None and not rewritten.stayed_up
        if (first is None or first != second) and not explained:
            found.append(
                Difference(
                    "probe",
                    f"probe differed: GET {path}: original {_describe(first, before)}, "
                    f"rewritten {_describe(second, after)}",
                )
            )
    return found


def _logs(before: _Run, after: _Run, quoted: str) -> list[Difference]:
    """New error lines, except those an earlier difference already quotes (an exit's last lines)."""
    new = [line for line in new_errors(before.log, after.log) if without_timestamp(line) not in quoted]
    if not new:
        return []
    more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
    return [Difference("log", f"new error in the log: {without_timestamp(new[0])!r}{more}")]


def _zone(before: _Run, after: _Run) -> list[Difference]:
    if before.zone is None or after.zone is None or before.zone.times == after.zone.times:
        return []
    return [
        Difference(
            "zone", f"time zone differs: original sees {before.zone.describe()}, rewritten sees {after.zone.describe()}"
        )
    ]


def _describe(answer: tuple[int, bytes] | None, run: _Run) -> str:
    if answer is None:
        if not run.started:
            return f"did not start ({last_lines(run.log, 1)})"
        if not run.stayed_up:
            return f"exited ({last_lines(run.log, 1) or 'no output'})"
        return "no answer"
    status, body = answer
    text = body.decode("utf-8", "replace")
    return f"{status} {text[:80]!r}{'…' if len(text) > 80 else ''}"


def _list(ports: list[str]) -> str:
    return " ".join(ports) if ports else "none"


def last_lines(text: str, count: int) -> str:
    """The last lines of a log on one line, without the loggers' timestamps."""
    lines = [without_timestamp(line).strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])
