"""GS001/GS002: files goslim leaves alone, and says why."""

from rewriter.rules import Kind, Rule, register

NOT_GO = register(Rule(
    "GS001", "not-a-go-build", Kind.NOTE,
    "Skipped: the Dockerfile does not build Go (no golang image, no `go build`/`go install`).",
    "goslim only rewrites Dockerfiles that build a Go service. Files for other languages are "
    "reported as skipped and never touched.",
))

IGNORED = register(Rule(
    "GS002", "ignored-by-pragma", Kind.NOTE,
    "Skipped: the file carries a `# goslim: ignore` comment.",
    "A comment `# goslim: ignore` anywhere in the file turns goslim off for it. "
    "`# goslim: ignore=GS104,GS107` turns off only the rules named.",
))
