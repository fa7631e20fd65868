"""GS113: copy into the runtime stage every file of the original image the service reads at run time."""

from __future__ import annotations

from rewriter.analysis import copies_to
from rewriter.edit import insert_after, make_items
from rewriter.needs import Carried, copied_by_name, runtime_files
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule
from rewriter.syntax.nodes import Instruction

EXPLANATION = """GS113: copy into the runtime stage every file of the original image the service reads at run time.

A single-stage image carries its whole build context, so a service that reads a config
named in its command, a ``.env``, templates whose folder sits in a struct field, or
static files finds them. The runtime stage holds only what is copied, so each such path
is copied from the builder to the same absolute path. A path counts when something the
service can name resolves to it, from the folder the binary runs in or absolutely:
the arguments of CMD/ENTRYPOINT, ENV values, every string of the compiled Go packages,
and the defaults of well-known config readers (godotenv's ``.env``, viper's config
names). Go sources, go.mod, folders of Go packages and what ``//go:embed`` compiles into
the binary are not copied. Without the build context, what the command and ENV name is
still followed, and data the Dockerfile copies in by a name that says so
(``config.yaml``, ``templates/``) is copied; a folder destination is copied whole. Go's
own settings (GOPATH, GOBIN, PATH...) name the toolchain's folders, not the service's.
The ``extra-copy`` setting adds paths by hand (with the split, GS101).
"""

RULE = Rule(
    "GS113",
    "runtime-files",
    Kind.FIX,
    "Copy the files the service reads at run time (configs, .env, templates, static files) into the runtime stage.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    runtime = plan.runtime
    if runtime is None or ctx.original.plan.runtime is not None:
        return unchanged(ctx)  # only the runtime a split made: a runtime stage of the file keeps its copies
    stage = ctx.original.facts.final
    assert stage is not None
    carried: list[Carried] = []
    if ctx.config.enabled(RULE.code):
        if ctx.go is not None:
            carried = runtime_files(ctx.go, stage, ctx.original.plan, ctx.original.image, ctx.build_context)
        else:  # what the command and ENV name is still known: it is in the Dockerfile
            carried = copied_by_name(stage) + runtime_files(
                None, stage, ctx.original.plan, ctx.original.image, ctx.build_context
            )
    wanted = [
        c for c in {c.path: c for c in carried}.values() if c.path != plan.binary and not copies_to(runtime, c.path)
    ]
    if not wanted:
        return unchanged(ctx)
    builder = plan.builder.name or str(plan.builder.index)
    anchor = _binary_copy(ctx) or runtime.stage.from_instruction
    lines = [f"COPY --from={builder} {c.path} {c.path}" for c in wanted]
    tree = insert_after(ctx.tree, anchor, make_items(lines, ctx.newline, ctx.escape), ctx.newline)
    return Result(tree, tuple(ctx.diagnostic(RULE, f"copied {c.path} into the runtime: {c.why}") for c in wanted))


def _binary_copy(ctx: FixContext) -> Instruction | None:
    """The runtime's COPY of the binary: the files it reads go right after it."""
    runtime = ctx.plan.runtime
    assert runtime is not None
    for ins in runtime.stage.instructions:
        if ins.name == "COPY" and ins.flag("from") is not None and ins.values and ins.values[0] == ctx.plan.binary:
            return ins
    return None
