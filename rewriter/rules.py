"""What a rule is: a code, a name, its kind, a one-line why, the long explanation, and
the input line its diagnostics point at.

The table of every rule, in the order the passes run, is ``rewriter.passes.RULES``; this
module only holds the types, so any layer can declare a rule without importing the
layers above it.
"""

from __future__ import annotations

import enum

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final


class Kind(str, enum.Enum):
    FIX = "fix"  # changes the file
    REFUSAL = "refusal"  # leaves the file unchanged because the rewrite would break it
    WARNING = "warning"  # reported, file still rewritten
    KEEP = "keep"  # reported as a warning, and the file is left as it is (chosen on purpose)
    NOTE = "note"  # why a file was skipped or what was not checked


class Anchor(str, enum.Enum):
    """The input line a rule's diagnostics name. Fix passes work on intermediate trees
    whose lines are not the file's, so a fix rule names a place of the original file."""

    NODE = "node"  # the instruction the pass points at, in the tree it was given
    BUILD = "build"  # the RUN line of the planned Go build
    BUILDER = "builder"  # the FROM line of the builder stage
    RUNTIME = "runtime"  # the FROM line of the runtime stage (the builder's, when split from it)
    ENTRY = "entry"  # the ENTRYPOINT/CMD the image runs (the runtime's FROM when it has none)


class Rule(Record):
    _fields: ClassVar[tuple[str, ...]] = ("code", "name", "kind", "summary", "explanation", "anchor")

    code: Final[str]  # e.g. "GS101"
    name: Final[str]  # kebab-case, e.g. "split-builder-runtime"
    kind: Final[Kind]
    summary: Final[str]  # one line: what it changes or refuses, and why
    explanation: Final[str]  # the long help shown by `goslim rules CODE` (a pass keeps it in EXPLANATION, not in its
    # module docstring: compiled modules have none)
    anchor: Final[Anchor]

    def __init__(
        self, code: str, name: str, kind: Kind, summary: str, explanation: str, anchor: Anchor = Anchor.NODE
    ) -> None:
        self.code = code
        self.name = name
        self.kind = kind
        self.summary = summary
        self.explanation = explanation
        self.anchor = anchor
