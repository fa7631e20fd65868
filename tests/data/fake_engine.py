"""A stand-in for ``rewriter.rewrite`` with fixed, known answers, for testing the CLI alone.

The command line is tested against the engine's contract, not its current output: a
``FROM golang`` file is rewritten (or refused when its HEALTHCHECK runs curl), a file
that already has ``FROM scratch`` (or a build stage) is unchanged, anything else is skipped, and a bare
``FROM`` is a parse error. ``install()`` puts it in place (also in a subprocess, through
``python -c "import fake_engine; fake_engine.install(); ..."``).
"""

from __future__ import annotations

import rewriter
import rewriter.passes
from rewriter.diagnostics import Diagnostic, RewriteResult, Severity, Status
from rewriter.rules import Kind, Rule

RULES = (
    Rule(
        "GS901",
        "split-builder-runtime",
        Kind.FIX,
        "Build in a golang stage and run the binary from a minimal runtime stage.",
        "The Go toolchain is ~850 MB and is not needed at run time.\n\n"
        "The build moves to a stage named `build`; the runtime stage copies the binary.",
    ),
    Rule(
        "GS902",
        "non-root-user",
        Kind.FIX,
        "Run as an unprivileged user instead of root.",
        "A numeric USER needs no /etc/passwd, which scratch images do not have.",
    ),
    Rule(
        "GS921",
        "apt-packages-dropped",
        Kind.WARNING,
        "Packages installed with apt-get are not in the runtime image.",
        "Copy what the service needs at run time with extra-copy.",
    ),
    Rule(
        "GS931",
        "healthcheck-needs-shell",
        Kind.REFUSAL,
        "A HEALTHCHECK that runs curl or a shell cannot work from scratch.",
        'Scratch has no shell and no curl; use healthcheck = "drop" or a Go probe.',
    ),
)


def install(monkeypatch=None) -> None:
    """Replace the engine and add its rules to the table (undone after the test when
    monkeypatch is given).

    Its codes are GS9xx, which the real rules leave free, so both can be in the table at once.
    """
    table = rewriter.passes.RULES + RULES
    if monkeypatch is not None:
        monkeypatch.setattr(rewriter.passes, "RULES", table)
        monkeypatch.setattr(rewriter, "rewrite", fake_rewrite)
    else:
        rewriter.passes.RULES = table
        rewriter.rewrite = fake_rewrite


def fake_rewrite(source, config=None, *, context=None, dockerfile=None, cwd=None) -> RewriteResult:
    config = config or rewriter.Config()
    newline = "\r\n" if "\r\n" in source else "\n"
    lines = source.split(newline)
    for number, line in enumerate(lines, 1):
        if line.strip() == "FROM":
            raise rewriter.ParseError("FROM requires an image", number, 1)
    if "FROM scratch" in source or " AS build" in source:
        return RewriteResult(source, source, Status.UNCHANGED)
    first = next((line for line in lines if line.lstrip("\ufeff").startswith("FROM ")), "")
    if not first.lstrip("\ufeff").startswith("FROM golang"):
        info = Diagnostic("GS900", Severity.INFO, "not a Go build", 1, 1)
        return RewriteResult(source, source, Status.SKIPPED, (info,))
    for number, line in enumerate(lines, 1):
        if line.startswith("HEALTHCHECK") and "curl" in line:
            refusal = Diagnostic(
                "GS931", Severity.ERROR, "HEALTHCHECK runs curl, which the runtime image does not have", number, 1
            )
            return RewriteResult(source, source, Status.REFUSED, (refusal,))

    out, diagnostics = [], []
    for number, line in enumerate(lines, 1):
        bare = line.lstrip("\ufeff")
        if bare.startswith("FROM golang"):
            out.append(line + " AS build")
        elif bare.startswith("CMD"):
            out += [
                "",
                f"FROM {config.runtime}",
                "COPY --from=build /app/main /main",
                f"USER {config.uid}:{config.gid}",
                'ENTRYPOINT ["/main"]',
            ]
        else:
            if "apt-get" in bare:
                diagnostics.append(
                    Diagnostic("GS921", Severity.WARNING, "apt packages are not in the runtime image", number, 1)
                )
            out.append(line)
    code = newline.join(out)
    return RewriteResult(source, code, Status.REWRITTEN, tuple(diagnostics), ("GS901", "GS902"))
