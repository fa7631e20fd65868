"""What the builder's Go version allows: the questions the trimpath, time zone and
old-toolchain rules ask together, so that they get one answer.

``-trimpath`` arrived in Go 1.13 and ``-tags timetzdata`` in Go 1.15. Before 1.15 the zone
database comes from Go's own ``$GOROOT/lib/time/zoneinfo.zip``, which the time package
finds through ``runtime.GOROOT()`` (for ``TZ``) and, from Go 1.10, through ``$ZONEINFO``
(for ``time.LoadLocation``): the runtime gets the file at the same path. ``-trimpath``
hides the build's GOROOT from ``runtime.GOROOT()``, so with that file it is left out.
Where that GOROOT is unknown (golang images before Go 1.5), the builder image's
/usr/share/zoneinfo, the first place Go looks, is copied instead.
"""

from __future__ import annotations

from rewriter import paths
from rewriter.analysis import GO_IMAGE, Facts, StageFacts
from rewriter.needs import tzdata_reason
from rewriter.plan import Plan

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Any, Final

TRIMPATH: Final = (1, 13)
TIMETZDATA: Final = (1, 15)
ZONEINFO_ENV: Final = (1, 10)


def go_root(facts: Facts, stage: StageFacts) -> str | None:
    """Where the builder's Go toolchain lives: ENV GOROOT, else /usr/local/go in golang images
    from Go 1.5 (earlier ones built Go from source in a folder that changed over the years)."""
    for s in facts.chain(stage):
        if "GOROOT" in s.env and s.env["GOROOT"].startswith("/"):
            return paths.normpath(s.env["GOROOT"])
    root = facts.chain(stage)[-1]
    if not GO_IMAGE.match(root.base):
        return None
    version = root.go_version
    return None if version is not None and version < (1, 5) else "/usr/local/go"


def zoneinfo_zip(facts: Facts, stage: StageFacts) -> str | None:
    """Go's own copy of the time zone database in the builder, when its place is known."""
    root = go_root(facts, stage)
    return None if root is None else paths.join(root, "lib/time/zoneinfo.zip")


def zone_folder(facts: Facts, stage: StageFacts) -> str | None:
    """The distribution's /usr/share/zoneinfo in the builder's image (Debian-based golang
    images have it), which Go's time package of every version reads first."""
    from rewriter.imagefs import ZONEINFO, base_image

    root = facts.chain(stage)[-1]
    return ZONEINFO if base_image(root.base).find(ZONEINFO).is_dir else None


def shown(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def old_zones(facts: Facts, plan: Plan, go: Any) -> tuple[str, str | None] | None:
    """(why the runtime needs zone data, what to copy: Go's zoneinfo.zip, else the builder
    image's /usr/share/zoneinfo, None when neither is known) for a builder older than Go
    1.15; None when it needs none or -tags timetzdata does it."""
    version = plan.builder.go_version
    if version is None or version >= TIMETZDATA:
        return None
    why = tzdata_reason(go, plan)
    if why is None:
        return None
    return why, zoneinfo_zip(facts, plan.builder) or zone_folder(facts, plan.builder)


def zip_copied(facts: Facts, plan: Plan) -> bool:
    """Whether the runtime already gets Go's zoneinfo.zip (a rewrite of an old toolchain)."""
    from rewriter.analysis import copies_to

    path = zoneinfo_zip(facts, plan.builder)
    return path is not None and plan.runtime is not None and copies_to(plan.runtime, path)


def trimpath_left_out(facts: Facts, plan: Plan, go: Any, zones_copied: bool = True) -> str | None:
    """Why -trimpath stays out of the build, or None when it goes in. ``zones_copied``: the
    rule that copies zoneinfo.zip (GS117) is on."""
    version = plan.builder.go_version
    if version is None or version >= TIMETZDATA:
        return None
    if version < TRIMPATH:
        return f"left out -trimpath: the build uses Go {shown(version)} and -trimpath needs Go 1.13"
    if not zones_copied:
        return None
    zones = old_zones(facts, plan, go) if plan.runtime is None or not zip_copied(facts, plan) else ("copied", None)
    if zones is not None:
        return (
            f"left out -trimpath: with Go {shown(version)} the time zones come from $GOROOT/lib/time/zoneinfo.zip, "
            "which the binary finds through the build's GOROOT, and -trimpath would erase that from it"
        )
    return None
