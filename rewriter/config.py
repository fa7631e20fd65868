"""Settings that shape a rewrite. Loaded from [tool.goslim] / .goslim.toml by the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field

RUNTIMES = ("scratch", "distroless-static", "alpine")


@dataclass(frozen=True)
class Config:
    runtime: str = "scratch"            # one of RUNTIMES
    uid: int = 10001
    gid: int = 10001
    disable: frozenset[str] = field(default_factory=frozenset)  # rule codes turned off
    extra_copy: tuple[str, ...] = ()    # extra paths copied from the builder into the runtime stage
    cross_compile: bool = False         # FROM --platform=$BUILDPLATFORM + TARGETOS/TARGETARCH
    cache_mounts: bool = False          # RUN --mount=type=cache for the module and build caches
    healthcheck: str = "refuse"         # "refuse" or "drop" a HEALTHCHECK that needs a shell/curl
    main_package: str | None = None     # which package to build when several mains exist

    def enabled(self, code: str) -> bool:
        return code not in self.disable
