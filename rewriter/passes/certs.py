"""GS105: copy the CA certificate bundle into the runtime image."""

from __future__ import annotations

from rewriter.analysis import CERT_BUNDLE, copies_to, ships_certs_and_users
from rewriter.edit import insert_after, make_items
from rewriter.passes.base import FixContext, Result, unchanged
from rewriter.rules import Anchor, Kind, Rule

EXPLANATION = """GS105: copy the CA certificate bundle into the runtime image.

Go's TLS client reads the system roots from /etc/ssl/certs/ca-certificates.crt. Scratch
has no such file: every HTTPS call would fail with ``x509: certificate signed by unknown
authority``. The golang images (Debian and Alpine) carry the bundle, so it is copied
from the builder.
"""

RULE = Rule(
    "GS105",
    "ca-certificates",
    Kind.FIX,
    "Copy /etc/ssl/certs/ca-certificates.crt from the builder: scratch has no CA bundle, so TLS would fail.",
    EXPLANATION,
    anchor=Anchor.RUNTIME,
)
RULES = (RULE,)


def apply(ctx: FixContext) -> Result:
    plan = ctx.plan
    if plan.runtime is None:
        return unchanged(ctx)
    final = plan.runtime
    if copies_to(final, CERT_BUNDLE) or ships_certs_and_users(final.base):
        return unchanged(ctx)
    builder = plan.builder.name or str(plan.builder.index)
    new = make_items([f"COPY --from={builder} {CERT_BUNDLE} {CERT_BUNDLE}"], ctx.newline, ctx.escape)
    tree = insert_after(ctx.tree, final.stage.from_instruction, new, ctx.newline)
    return Result(tree, (ctx.diagnostic(RULE, f"copy {CERT_BUNDLE} from `{builder}`", final.stage.from_instruction),))
