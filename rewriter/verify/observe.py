"""What a running container does, seen from the host, with nothing added to its image.

- the ports it listens on, from the kernel's socket tables of its network namespace
  (/proc/PID/net/tcp, tcp6, udp, udp6 of its process);
- what each TCP port answers to `GET /` (status, content type, a hash of the body), or
  that it is open but does not speak HTTP;
- the error-looking lines of its log, so that a rewrite that logs a new
  "permission denied" or "no such file" is caught even when it keeps running.
"""

from __future__ import annotations

import hashlib
import http.client
import re
from dataclasses import dataclass
from pathlib import Path

TCP_LISTEN = "0A"  # the `st` column of /proc/net/tcp for a listening socket
UDP_UNCONNECTED = "07"  # a bound UDP socket with no peer: one that receives
BODY_LIMIT = 1 << 20
EXCERPT_CHARS = 80
ERROR_LINES_KEPT = 5


@dataclass(frozen=True)
class PortAnswer:
    """What one TCP port answered to GET /: nothing, something that is not HTTP, or HTTP."""

    port: str  # "8080/tcp"
    open: bool
    http: bool = False
    status: int | None = None
    content_type: str | None = None
    body_sha256: str | None = None
    body: str | None = None  # the start of the body, for the report
    stable: bool = True  # two GETs gave the same body (False: it holds a clock, a counter...)

    def same_as(self, other: PortAnswer) -> bool:
        """Equal in every part that is stable on this (the original's) side."""
        if (self.open, self.http, self.status, self.content_type) != (
            other.open,
            other.http,
            other.status,
            other.content_type,
        ):
            return False
        return not self.stable or self.body_sha256 == other.body_sha256

    def describe(self) -> str:
        if not self.open:
            return "closed"
        if not self.http:
            return "open, not HTTP"
        digest = f"sha256:{self.body_sha256[:12]}" if self.body_sha256 else ""
        body = f" {self.body!r}" if self.body else ""
        return f"{self.status} {self.content_type or '(no content type)'} {digest}{body}".rstrip()


# ---------------------------------------------------------------------------- listening ports


def listening_ports(pid: int, proc: Path = Path("/proc")) -> list[str] | None:
    """The ports the network namespace of `pid` listens on, as "8080/tcp" and "5353/udp".

    None when the tables cannot be read (the process is gone, or this user may not
    look at it).
    """
    ports: set[str] = set()
    read_any = False
    for table, proto, state in (
        ("tcp", "tcp", TCP_LISTEN),
        ("tcp6", "tcp", TCP_LISTEN),
        ("udp", "udp", UDP_UNCONNECTED),
        ("udp6", "udp", UDP_UNCONNECTED),
    ):
        try:
            text = (proc / str(pid) / "net" / table).read_text()
        except FileNotFoundError:
            continue  # no IPv6 in this kernel, or the process is gone
        except OSError:
            return None
        read_any = True
        ports.update(f"{port}/{proto}" for port in parse_socket_table(text, state))
    return sort_ports(ports) if read_any else None


def parse_socket_table(text: str, state: str) -> set[int]:
    """Local ports of the sockets in `state` in one /proc/net/{tcp,udp}[6] table.

    A row reads `sl local_address rem_address st ...`, addresses as HEXIP:HEXPORT; only
    sockets with no remote peer count, so outgoing connections are left out.
    """
    ports = set()
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[3] != state:
            continue
        local, remote = fields[1], fields[2]
        if set(remote.rpartition(":")[2]) != {"0"}:
            continue
        ports.add(int(local.rpartition(":")[2], 16))
    return ports


def sort_ports(ports) -> list[str]:
    return sorted(ports, key=lambda p: (p.partition("/")[2], int(p.partition("/")[0])))


# ---------------------------------------------------------------------------- GET /


def answer_of(host: str, port: int, timeout: float = 2.0, tries: int = 1) -> PortAnswer:
    """GET / on host:port; with tries=2 the body is fetched twice to tell a stable one from one that changes."""
    name = f"{port}/tcp"
    first = _get(host, port, timeout)
    if first is None or first is False:
        return PortAnswer(name, open=first is False)
    status, content_type, body = first
    stable = True
    if tries > 1:
        again = _get(host, port, timeout)
        stable = isinstance(again, tuple) and again == first
    text = body.decode("utf-8", "replace").strip()
    excerpt = text.splitlines()[0][:EXCERPT_CHARS] if text else ""
    return PortAnswer(
        name,
        open=True,
        http=True,
        status=status,
        content_type=content_type,
        body_sha256=hashlib.sha256(body).hexdigest(),
        body=excerpt,
        stable=stable,
    )


def _get(host: str, port: int, timeout: float) -> tuple[int, str | None, bytes] | bool | None:
    """(status, content type, body); False when the port accepts a connection but does not
    answer HTTP; None when it does not accept one. Plain http.client: no proxy, no redirect."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        try:
            connection.connect()
        except OSError:
            return None
        try:
            connection.request("GET", "/", headers={"User-Agent": "goslim-verify"})
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type"), response.read(BODY_LIMIT)
        except (http.client.HTTPException, OSError):
            return False
    finally:
        connection.close()


# ---------------------------------------------------------------------------- error lines

# Phrases with which Go (and most programs) report that the image lacks something the
# program needs, or that it may not use it: a file, a folder, a zone, a user, a binary.
ERROR_PHRASES = (
    "permission denied",
    "no such file",
    "unknown time zone",
    "read-only file system",
    "operation not permitted",
    "not a directory",
    "is a directory",
    "certificate signed by unknown authority",
    "failed to load system roots",
    "unknown user",
    "unknown group",
    "unknown userid",
    "executable file not found",
    "exec format error",
    "cannot allocate memory",
    "address already in use",
    "panic:",
    "fatal error:",
)
_ERROR_LINE = re.compile("|".join(re.escape(p) for p in ERROR_PHRASES), re.IGNORECASE)
_TIMESTAMP = re.compile(r"^\s*(\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?\s*)")
_NUMBERS = re.compile(r"0x[0-9a-f]+|\d+", re.IGNORECASE)


def error_lines(log: str) -> list[str]:
    """The log lines that look like errors, in order, without duplicates."""
    lines = (line.strip() for line in log.splitlines())
    return list(dict.fromkeys(line for line in lines if _ERROR_LINE.search(line)))


def new_errors(original_log: str, rewritten_log: str) -> list[str]:
    """Error lines of the rewrite that the original did not log (timestamps and numbers aside)."""
    seen = {_shape(line) for line in error_lines(original_log)}
    return [line for line in error_lines(rewritten_log) if _shape(line) not in seen]


def without_timestamp(line: str) -> str:
    """The line without the date and time a logger put before it."""
    return _TIMESTAMP.sub("", line)


def _shape(line: str) -> str:
    return _NUMBERS.sub("#", without_timestamp(line)).lower()
