"""discover(): which files a run picks up from the paths on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rewriter.discovery import discover, is_dockerfile_name


def tree(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM golang\n")


def found(root: Path, *paths) -> list[str]:
    return [p.relative_to(root).as_posix() for p in discover(paths or [root])]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Dockerfile", True),
        ("Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("Containerfile", True),
        ("Containerfile.dev", True),
        ("Dockerfile.dockerignore", False),
        ("api.Dockerfile.dockerignore", False),
        ("dockerfile", False),
        ("Dockerfiles", False),
        ("README.md", False),
        (".Dockerfile.x1y2.goslim.tmp", False),
    ],
)
def test_dockerfile_names(name, expected):
    assert is_dockerfile_name(name) is expected


def test_directory_is_searched_recursively_and_sorted(tmp_path):
    tree(
        tmp_path,
        "b/Dockerfile",
        "a/Dockerfile.prod",
        "a/api.Dockerfile",
        "c/d/Containerfile",
        "Containerfile.dev",
        "a/README.md",
        "a/Dockerfile.dockerignore",
    )
    assert found(tmp_path) == [
        "Containerfile.dev",
        "a/Dockerfile.prod",
        "a/api.Dockerfile",
        "b/Dockerfile",
        "c/d/Containerfile",
    ]


def test_git_vendor_and_node_modules_are_always_skipped(tmp_path):
    tree(tmp_path, ".git/Dockerfile", "vendor/x/Dockerfile", "web/node_modules/pkg/Dockerfile", "svc/Dockerfile")
    assert found(tmp_path) == ["svc/Dockerfile"]


def test_gitignore_root_and_nested(tmp_path):
    tree(
        tmp_path,
        "legacy/Dockerfile",
        "svc/Dockerfile",
        "svc/Dockerfile.local",
        "svc/gen/Dockerfile",
        "svc/keep/Dockerfile",
        "tools/Dockerfile.ci",
        "tools/Dockerfile",
    )
    (tmp_path / ".gitignore").write_text("legacy/\n*.local\n")
    (tmp_path / "svc" / ".gitignore").write_text("gen/\n")
    (tmp_path / "tools" / ".gitignore").write_text("Dockerfile*\n!Dockerfile.ci\n")
    assert found(tmp_path) == ["svc/Dockerfile", "svc/keep/Dockerfile", "tools/Dockerfile.ci"]


def test_gitignore_above_the_searched_directory_applies_from_the_repo_root(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("services/old/\n")
    tree(tmp_path, "services/old/Dockerfile", "services/new/Dockerfile")
    assert found(tmp_path, tmp_path / "services") == ["services/new/Dockerfile"]


def test_git_info_exclude(tmp_path):
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("scratchpad/\n")
    tree(tmp_path, "scratchpad/Dockerfile", "svc/Dockerfile")
    assert found(tmp_path) == ["svc/Dockerfile"]


def test_gitignore_outside_the_repository_does_not_apply(tmp_path):
    (tmp_path / ".gitignore").write_text("*\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    tree(repo, "svc/Dockerfile")
    assert found(repo) == ["svc/Dockerfile"]


def test_explicit_files_are_always_taken(tmp_path):
    tree(tmp_path, "legacy/Dockerfile", "deploy/prod.docker")
    (tmp_path / ".gitignore").write_text("legacy/\n")
    assert found(tmp_path, tmp_path / "legacy/Dockerfile", tmp_path / "deploy/prod.docker") == [
        "deploy/prod.docker",
        "legacy/Dockerfile",
    ]


def test_duplicates_collapse(tmp_path):
    tree(tmp_path, "svc/Dockerfile")
    assert found(
        tmp_path,
        tmp_path,
        tmp_path / "svc",
        tmp_path / "svc" / "Dockerfile",
        tmp_path / "svc" / ".." / "svc" / "Dockerfile",
    ) == ["svc/Dockerfile"]


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    tree(outside, "Dockerfile", "deep/Dockerfile")
    root = tmp_path / "repo"
    tree(root, "svc/Dockerfile")
    (root / "linked").mkdir()
    (root / "linked" / "Dockerfile").symlink_to(outside / "Dockerfile")
    (root / "outdir").symlink_to(outside / "deep")
    assert found(root) == ["svc/Dockerfile"]


def test_symlinks_inside_the_tree_are_one_file(tmp_path):
    tree(tmp_path, "common/Dockerfile")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").symlink_to(tmp_path / "common" / "Dockerfile")
    (tmp_path / "alias").symlink_to(tmp_path / "common")  # a symlinked folder is not walked
    assert found(tmp_path) == ["common/Dockerfile"]


def test_stdin_and_missing_paths_pass_through(tmp_path):
    assert discover(["-"]) == [Path("-")]
    missing = tmp_path / "nope" / "Dockerfile"
    assert discover([missing]) == [missing]


def test_a_directory_named_dockerfile_is_kept_to_be_reported(tmp_path):
    (tmp_path / "Dockerfile").mkdir()
    assert discover([tmp_path / "Dockerfile"]) == [tmp_path / "Dockerfile"]
    assert discover([tmp_path]) == []


def test_empty_directory(tmp_path):
    assert discover([tmp_path]) == []
