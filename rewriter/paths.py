"""Path arithmetic for paths inside images (always POSIX), with posixpath's results.

posixpath is plain Python even in the compiled build, and the analysis joins and
normalizes paths for every COPY, WORKDIR and build of every stage; these compile, and
take a shortcut when the path is already normal.
"""

from __future__ import annotations

import posixpath


def join(head: str, tail: str) -> str:
    """``posixpath.join(head, tail)``."""
    if tail.startswith("/"):
        return tail
    if not head or head.endswith("/"):
        return head + tail
    return head + "/" + tail


def normpath(path: str) -> str:
    """``posixpath.normpath(path)``."""
    if path.startswith("/") and "//" not in path and "/." not in path and (len(path) == 1 or not path.endswith("/")):
        return path  # absolute, and nothing to collapse
    return posixpath.normpath(path)


def basename(path: str) -> str:
    """``posixpath.basename(path)``."""
    return path[path.rfind("/") + 1 :]


def dirname(path: str) -> str:
    """``posixpath.dirname(path)``."""
    head = path[: path.rfind("/") + 1]
    if head and head != "/" * len(head):
        head = head.rstrip("/")
    return head
