"""Where the files a COPY put in the image came from in the build context.

The builder runs ``go build`` in an image folder (its WORKDIR, after any ``cd``); the Go
reader needs the context folder that holds the same files. The COPY/ADD instructions
from the context say it: the last one whose destination holds the folder wins, as the
last write wins in the image.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence

# (WORKDIR at that point, sources as written, destination as written), as analysis records them
Copy = tuple[str | None, tuple[str, ...], str]
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip")


def copy_sources(copies: Sequence[Copy]) -> list[str]:
    """Every source the COPY/ADD instructions take from the context, in order."""
    out: list[str] = []
    for _, sources, _ in copies:
        out += [s for s in sources if s not in out and not _remote(s)]
    return out


def context_dir(
    image_dir: str,
    copies: Sequence[Copy],
    is_dir: Callable[[str], bool],
    expand: Callable[[str], str | None] = lambda s: s,
) -> str | None:
    """The context folder whose files are at ``image_dir`` (absolute), or None when no
    COPY from the context put anything there.

    ``is_dir(rel)`` tells a folder source (its contents are copied) from a file one;
    ``expand`` resolves variables in a destination (None when it cannot)."""
    image_dir = posixpath.normpath(image_dir)
    for workdir, sources, dest in reversed(copies):
        dest_x = expand(dest)
        if dest_x is None or (not dest_x.startswith("/") and workdir is None):
            continue
        dest_abs = posixpath.normpath(posixpath.join(workdir or "/", dest_x))
        into_folder = dest.endswith("/") or len(sources) > 1 or dest_x in (".", "./")
        for src in reversed(sources):
            if _remote(src) or "$" in src or any(c in src for c in "*?[") or src.endswith(_ARCHIVES):
                continue
            rel = posixpath.normpath("/" + src).lstrip("/") or "."
            if rel == "." or is_dir(rel):
                if image_dir == dest_abs or image_dir.startswith(dest_abs.rstrip("/") + "/"):
                    inner = posixpath.relpath(image_dir, dest_abs)
                    return posixpath.normpath(posixpath.join(rel, inner))
            else:
                folder = dest_abs if into_folder else posixpath.dirname(dest_abs)
                if image_dir == folder:
                    return posixpath.dirname(rel) or "."
    return None


def _remote(src: str) -> bool:
    return "://" in src or src.startswith("git@")
