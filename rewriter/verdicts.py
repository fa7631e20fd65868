"""Rules decided below the passes, by the engine and the plan. They live here, under all
of them, so that the plan can return a rule and no rule module imports another.
"""

from __future__ import annotations

from rewriter.rules import Kind, Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Final

# --- files left alone (the engine) --------------------------------------------------------

NOT_GO: Final = Rule(
    "GS001",
    "not-a-go-build",
    Kind.NOTE,
    "Skipped: the Dockerfile does not build Go (no golang image, no `go build`/`go install`).",
    "goslim only rewrites Dockerfiles that build a Go service. Files for other languages are "
    "reported as skipped and never touched.",
)
IGNORED: Final = Rule(
    "GS002",
    "ignored-by-pragma",
    Kind.NOTE,
    "Skipped: the file carries a `# goslim: ignore` comment.",
    "A comment `# goslim: ignore` anywhere in the file turns goslim off for it. "
    "`# goslim: ignore=GS104,GS107` turns off only the rules named.",
)

# --- what the image runs (the plan) -------------------------------------------------------

NEEDS_SHELL: Final = Rule(
    "GS203",
    "needs-shell",
    Kind.REFUSAL,
    "Refused: the CMD/ENTRYPOINT needs a shell (shell syntax, `sh -c`, or a script) and scratch has none.",
    """GS203: refuse when what the image runs needs a shell.

``FROM scratch`` has no ``/bin/sh``. A shell-form CMD/ENTRYPOINT that uses variables,
``&&``, pipes, redirections or globs, an explicit ``sh -c``, or an entrypoint script
cannot run there. Plain shell-form commands (words only) are converted to exec form by
GS107 instead.
""",
)
GO_RUN: Final = Rule(
    "GS205",
    "go-run",
    Kind.REFUSAL,
    "Refused: the image starts with `go run`, which needs the Go toolchain at run time.",
    """GS205: refuse ``CMD go run ...``.

``go run`` compiles at every start and needs the Go toolchain in the image. Build the
binary in the Dockerfile (``RUN go build -o /app/server ./cmd/server``) and run it with
``CMD ["/app/server"]``; then goslim can move it to scratch.
""",
)

_WHICH_BINARY = """GS207, GS208, GS209: refuse when goslim cannot tell which binary the image runs.

The runtime stage receives exactly one file from the build: the binary the image starts.
When there is no Go build, when several builds could be it, or when the build does not
say where it writes the binary, any guess could produce an image whose entrypoint does
not exist. Naming the output (``go build -o /app/server ./cmd/server``) and running it by
that path (``CMD ["/app/server"]``) settles it.
"""
NO_BUILD: Final = Rule(
    "GS207",
    "no-go-build",
    Kind.REFUSAL,
    "Refused: a Go image, but no `go build`/`go install` of the service to move to scratch.",
    _WHICH_BINARY,
)
UNCLEAR_ENTRYPOINT: Final = Rule(
    "GS208",
    "unclear-entrypoint",
    Kind.REFUSAL,
    "Refused: it is not clear which built binary the image runs (or it runs none).",
    _WHICH_BINARY,
)
UNKNOWN_OUTPUT: Final = Rule(
    "GS209",
    "unknown-binary-path",
    Kind.REFUSAL,
    "Refused: the build does not say where it writes the binary the image runs.",
    _WHICH_BINARY,
)

# --- the engine's check after every pass --------------------------------------------------

INCOMPLETE: Final = Rule(
    "GS299",
    "rewrite-incomplete",
    Kind.REFUSAL,
    "Refused: the rewrite could not be completed with certainty, so the file is left unchanged.",
    "After each step goslim checks that it can still follow the build to the binary the image "
    "runs. When it cannot, it stops and leaves the file exactly as it was; please report the "
    "file, it is a case goslim should learn.",
)

# The rules no pass reports: the engine's own.
ENGINE_RULES: Final = (NOT_GO, IGNORED, INCOMPLETE)
