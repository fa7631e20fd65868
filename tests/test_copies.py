"""Mapping the folder a build runs in back to the build context through COPY."""

from __future__ import annotations

import pytest

from rewriter.context.copies import context_dir, copy_sources

DIRS = {".", "services", "services/api", "services/api/cmd", "cmd", "internal"}


def where(image_dir, copies):
    return context_dir(image_dir, copies, lambda rel: rel in DIRS)


@pytest.mark.parametrize(
    "copies, image_dir, expected",
    [
        ([("/app", (".",), ".")], "/app", "."),
        ([("/app", (".",), ".")], "/app/cmd/api", "cmd/api"),
        ([("/", (".",), "/src/")], "/src/x", "x"),
        (
            [("/app", ("go.mod", "go.sum"), "./"), ("/app", ("services/api",), "./services/api")],
            "/app/services/api",
            "services/api",
        ),
        ([("/app", ("go.mod", "go.sum"), "./"), ("/app", ("services/api",), "./services/api")], "/app", "."),
        ([("/app", ("services/api",), ".")], "/app/cmd", "services/api/cmd"),
        ([("/app", ("services/api/go.mod",), "./")], "/app", "services/api"),
        ([("/app", ("go.mod",), "go.mod")], "/app", "."),
        ([("/app", ("cmd",), "cmd")], "/app/internal", None),
        ([("/app", (".",), "."), ("/app", ("services/api",), ".")], "/app/cmd", "services/api/cmd"),
        ([("/app", ("$SRC",), ".")], "/app", None),
        ([("/app", ("https://example.com/x.tgz",), ".")], "/app", None),
        ([(None, (".",), ".")], "/app", None),
    ],
)
def test_context_dir(copies, image_dir, expected):
    assert where(image_dir, copies) == expected


def test_copy_sources():
    assert copy_sources(
        [("/a", ("go.mod", "go.sum"), "./"), ("/a", (".", "go.mod"), "."), ("/a", ("https://x/y",), ".")]
    ) == ["go.mod", "go.sum", "."]
