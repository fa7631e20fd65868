"""GS105: copy the CA certificate bundle into the runtime image."""

from __future__ import annotations

import posixpath

from rewriter.analysis import CERT_BUNDLE, expand, ships_certs_and_users, stage_copies
from rewriter.edit import insert_after, make_items
from rewriter.passes.base import Context, Result, unchanged
from rewriter.plan import Plan
from rewriter.rules import Kind, Rule, register

EXPLANATION = """GS105: copy the CA certificate bundle into the runtime image.

Go's TLS client reads the system roots from /etc/ssl/certs/ca-certificates.crt. Scratch
has no such file: every HTTPS call would fail with ``x509: certificate signed by unknown
authority``. The golang images (Debian and Alpine) carry the bundle, so it is copied
from the builder.
"""

RULE = register(Rule(
    "GS105", "ca-certificates", Kind.FIX,
    "Copy /etc/ssl/certs/ca-certificates.crt from the builder: scratch has no CA bundle, so TLS would fail.",
    EXPLANATION,
))


def has_copy_to(stage_facts, path: str) -> bool:
    for ins, source, srcs, dest in stage_copies(stage_facts.stage):
        dest_x = expand(dest, stage_facts.env) or dest
        if posixpath.normpath(dest_x) == path:
            return True
        if dest_x.endswith("/") and any(posixpath.join(dest_x, posixpath.basename(s)) == path for s in srcs):
            return True
        if posixpath.normpath(dest_x) == posixpath.dirname(path) and any(posixpath.basename(s) == posixpath.basename(path) for s in srcs):
            return True
    return False


def apply(ctx: Context) -> Result:
    plan = ctx.plan
    if not isinstance(plan, Plan) or plan.runtime is None:
        return unchanged(ctx)
    final = plan.runtime
    if has_copy_to(final, CERT_BUNDLE) or ships_certs_and_users(final.base):
        return unchanged(ctx)
    builder = plan.builder.name or str(plan.builder.index)
    new = make_items([f"COPY --from={builder} {CERT_BUNDLE} {CERT_BUNDLE}"], ctx.newline, ctx.escape)
    tree = insert_after(ctx.tree, final.stage.from_instruction, new, ctx.newline)
    return Result(tree, (ctx.diagnostic(RULE, f"copy {CERT_BUNDLE} from `{builder}`", final.stage.from_instruction),))
