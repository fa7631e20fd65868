"""GS306: warn that a non-root service listening below port 1024 may not be allowed to."""

from __future__ import annotations

import re

from rewriter.analysis import expand
from rewriter.diagnostics import Diagnostic
from rewriter.passes.base import FixContext
from rewriter.rules import Kind, Rule

RULE = Rule(
    "GS306",
    "privileged-port",
    Kind.WARNING,
    "The service listens below port 1024 as a non-root user, which Linux allows only where "
    "net.ipv4.ip_unprivileged_port_start is lowered.",
    """GS306: warn that a non-root service listening below port 1024 may not be allowed to.

Linux lets only root (or a process with CAP_NET_BIND_SERVICE) bind ports below
``net.ipv4.ip_unprivileged_port_start``, 1024 by default. Docker 20.10 and later set it to 0
inside each container, so the rewrite starts there as it did; other runtimes may not, and
then the service fails with ``bind: permission denied``. In Kubernetes, allow it with the
pod's ``securityContext.sysctls`` (``net.ipv4.ip_unprivileged_port_start: "0"``), or listen
on a port above 1023 and map it (a Service's ``port: 80`` to ``targetPort: 8080``).
""",
)
RULES = (RULE,)

_PORT = re.compile(r"^(\d+)(?:/(?:tcp|udp|sctp))?$", re.IGNORECASE)


def report(ctx: FixContext, applied: tuple[str, ...]) -> list[Diagnostic]:
    runtime = ctx.plan.runtime
    if runtime is None:
        return []
    users = [i.args_text for i in runtime.stage.instructions if i.name == "USER"]
    uid = users[-1].split(":")[0] if users else "0"
    if not uid.isdigit() or int(uid) == 0:
        return []
    low = []
    for ins in runtime.stage.instructions:
        if ins.name != "EXPOSE":
            continue
        for value in ins.values:
            m = _PORT.match(expand(value, runtime.env) or "")
            if m and 0 < int(m.group(1)) < 1024:
                low.append((int(m.group(1)), ins))
    if not low:
        return []
    port, ins = low[0]
    return [
        ctx.diagnostic(
            RULE,
            f"EXPOSE {port} with USER {users[-1]}: binding port {port} needs root unless "
            "net.ipv4.ip_unprivileged_port_start is lowered (Docker 20.10+ does; "
            "Kubernetes needs the pod sysctl, or a port above 1023)",
            ins,
        )
    ]
