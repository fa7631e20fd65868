"""Diffs in the format `git apply` takes: one per file, and ``--patch FILE`` with all of them."""

from __future__ import annotations

from pathlib import Path

from rewriter.cli.entry import Fail
from rewriter.cli.outcome import Options, Outcome
from rewriter.cli.style import echo


def unified_diff(old: str, new: str, path: str) -> str:
    """A unified diff that `git apply` accepts, with a/ and b/ prefixes like git's."""
    import difflib  # only when a file changed

    name = path.lstrip("/")
    lines = difflib.unified_diff(_split_lines(old), _split_lines(new), fromfile=f"a/{name}", tofile=f"b/{name}")
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def _split_lines(text: str) -> list[str]:
    """Lines as git sees them: split at \\n only (str.splitlines also splits at \\f, U+2028...)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def write_patch(patch_file: Path, outcomes: list[Outcome], opts: Options) -> None:
    """One patch of every change; files that are not UTF-8 cannot travel in it."""
    parts = []
    for outcome in outcomes:
        if not outcome.diff or outcome.not_verified:
            continue
        if outcome.encoding != "utf-8":
            echo(
                f"goslim: {outcome.path}: left out of {patch_file} "
                f"({outcome.encoding.upper()} cannot be patched as text)",
                err=True,
            )
            continue
        parts.append(outcome.diff)
    try:
        with open(patch_file, "w", encoding="utf-8", newline="") as handle:
            handle.write("".join(parts))
    except OSError as exc:
        raise Fail(f"goslim: cannot write {patch_file}: {exc.strerror or exc}") from None
    if not opts.quiet and opts.output_format == "text":
        echo(f"goslim: wrote {len(parts)} change(s) to {patch_file}", err=True)
