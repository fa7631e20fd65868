"""The promises goslim makes about any input, as one function the tests and the fuzzer share.

``problems(text)`` returns every broken promise for one input (empty when all hold):

- ``parse`` and ``rewrite`` raise nothing but ``ParseError``;
- ``print(parse(s)) == s``;
- a second rewrite changes nothing;
- a changed output has as many stages for goslim's parser as for BuildKit's, parses with
  BuildKit and passes ``tests.invariants.violations``
  (scratch, CA bundle, numeric non-root USER, absolute ENTRYPOINT, static flags and,
  when ``lint`` is set, no new hadolint errors);
- every secret-looking ARG/ENV name set in the runtime stage is reported (GS303).
"""

from __future__ import annotations

import re
import traceback

import invariants

import rewriter
from rewriter.diagnostics import Severity

# Said independently of goslim's own pattern, so a gap in that pattern shows up here.
SECRET = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|PRIVATE|CREDENTIAL|API_?KEY|(^|_)KEY($|_)", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _crash(where: str, exc: BaseException) -> str:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{where} raised {type(exc).__name__}: {exc} (at {frame.filename}:{frame.lineno})"


def problems(text: str, *, lint: bool = False) -> list[str]:
    out: list[str] = []
    try:
        tree = rewriter.parse(text)
    except rewriter.ParseError:
        tree = None
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        return [_crash("parse", exc)]
    if tree is not None and rewriter.print(tree) != text:
        out.append("print(parse(s)) != s")

    try:
        result = rewriter.rewrite(text)
    except rewriter.ParseError:
        if tree is not None:
            out.append("rewrite raised ParseError on text that parses")
        return out
    except Exception as exc:  # noqa: BLE001
        return out + [_crash("rewrite", exc)]
    if tree is None:
        out.append("rewrite accepted text that parse rejects")
    if result.code != text and not result.changed:
        out.append("code differs from the input but changed is False")
    if not result.changed:
        return out + secret_problems(text, result)

    try:
        again = rewriter.rewrite(result.code)
    except Exception as exc:  # noqa: BLE001 - even ParseError: goslim's output must parse
        return out + [_crash("second rewrite", exc)]
    if again.code != result.code:
        out.append("rewrite is not idempotent")

    if "\x00" in result.code or _SURROGATE.search(result.code):
        return out  # the BuildKit wrapper cannot take these; the input had them already
    stages = len(rewriter.parse(result.code).stages)
    if stages != _stage_count(result.code):
        out.append(f"goslim reads {stages} stage(s) in its output, BuildKit {_stage_count(result.code)}")
    out += invariants.violations(text, result.code, lint=lint)
    out += secret_problems(text, result)
    return out


def _final_stage(text: str):
    """BuildKit's view of the last stage, or None when there is none."""
    stage = None
    for command in invariants._commands(text):
        if command.cmd.upper() == "FROM":
            stage = []
        elif stage is not None:
            stage.append(command)
    return stage


def _names(stage) -> set[str]:
    names = set()
    for command in stage or ():
        up = command.cmd.upper()
        if up == "ARG":
            names |= {word.split("=", 1)[0] for word in command.value}
        elif up == "ENV":
            names |= set(command.value[0::2])
    return names


def _stage_count(text: str) -> int:
    return sum(1 for c in invariants._commands(text) if c.cmd.upper() == "FROM")


def secret_problems(original: str, result) -> list[str]:
    """Secret-looking names set in the runtime stage (carried from the builder or already
    there) that no GS303 warning reports."""
    if result.status.value in ("skipped", "error") or "\x00" in original or _SURROGATE.search(original):
        return []
    try:
        final = _final_stage(result.code if result.changed else original)
        multi = _stage_count(original) > 1
    except Exception:  # noqa: BLE001 - input BuildKit rejects has no stages to compare
        return []
    if not result.changed and not multi:
        return []  # a single stage left as it was has no runtime stage of its own
    out = []
    for name in sorted(n for n in _names(final) if SECRET.search(n)):
        if not any(
            d.code == "GS303" and d.severity is Severity.WARNING and name in d.message for d in result.diagnostics
        ):
            out.append(f"{name} is set in the runtime stage and no GS303 warning says so")
    return out
