"""`goslim verify`: prove a rewritten Dockerfile builds a smaller image that behaves like the original."""

from rewriter.verify.check import ImageReport, VerifyReport, http_get, is_non_root, verify
from rewriter.verify.compare import KINDS, Difference
from rewriter.verify.elf import is_static_elf
from rewriter.verify.engine import (
    BuildOutcome,
    Container,
    ContainerState,
    DockerEngine,
    Engine,
    EngineError,
    EngineUnavailable,
    ImageFacts,
    ImageFiles,
    PodmanEngine,
    detect_engine,
)

__all__ = [
    "KINDS",
    "BuildOutcome",
    "Container",
    "ContainerState",
    "Difference",
    "DockerEngine",
    "Engine",
    "EngineError",
    "EngineUnavailable",
    "ImageFacts",
    "ImageFiles",
    "ImageReport",
    "PodmanEngine",
    "VerifyReport",
    "detect_engine",
    "http_get",
    "is_non_root",
    "is_static_elf",
    "verify",
]
