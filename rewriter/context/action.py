"""Whether a Dockerfile is the image of a GitHub container action (``runs.using: docker``
in the ``action.yml`` beside it).

Such an image runs as root on purpose: the runner mounts the workspace and the files
behind $GITHUB_ENV and $GITHUB_OUTPUT as root, and GitHub's documentation says not to
set USER.
"""

from __future__ import annotations

import functools
from pathlib import Path

ACTION_FILES = ("action.yml", "action.yaml")
_LIMIT = 1 << 20


def container_action(dockerfile: Path | None) -> Path | None:
    """The action file that builds ``dockerfile`` as a container action, or None."""
    if dockerfile is None:
        return None
    return _action_in(str(dockerfile.parent), dockerfile.name)


@functools.lru_cache(maxsize=256)
def _action_in(folder: str, dockerfile_name: str) -> Path | None:
    for name in ACTION_FILES:
        path = Path(folder) / name
        try:
            if not path.is_file() or path.stat().st_size > _LIMIT:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _runs_this_dockerfile(text, dockerfile_name):
            return path
    return None


def _runs_this_dockerfile(text: str, dockerfile_name: str) -> bool:
    import yaml  # type: ignore[import-untyped, unused-ignore]  # only when an action file is there

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, dict) or str(runs.get("using", "")).lower() != "docker":
        return False
    image = str(runs.get("image", "")).strip()
    return image.removeprefix("./") == dockerfile_name
