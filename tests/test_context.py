"""Finding a Dockerfile's build context: each source of the answer, its order, bad input."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from rewriter.context import BuildContext, clear_cache, find_context
from rewriter.context.build_context import ContextSource
from rewriter.context.dockerignore import DockerIgnore

MONO_COPY = ["go.mod", "go.sum", "services/api"]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"))
    return root


@pytest.fixture(autouse=True)
def _fresh():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def mono(tmp_path) -> Path:
    """A repository whose api service is built from the root by `-f deploy/api.Dockerfile .`."""
    (tmp_path / ".git").mkdir()
    return write(
        tmp_path,
        {
            "go.mod": "module example.com/mono\n\ngo 1.22\n",
            "go.sum": "",
            "services/api/main.go": "package main\n\nfunc main() {}\n",
            "deploy/api.Dockerfile": "FROM golang:1.22\nCOPY go.mod go.sum ./\nCOPY services/api ./services/api\n",
            "deploy/go.mod": "module example.com/decoy\n",
        },
    )


def found(ctx: BuildContext) -> tuple[str | None, str, str | None]:
    return (str(ctx.root) if ctx.root else None, ctx.source.kind, ctx.source.detail or None)


def test_explicit_folder_wins(mono):
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY, explicit=mono / "deploy")
    assert found(ctx) == (str(mono / "deploy"), "flag", None)


def test_ancestor_search_finds_the_folder_holding_every_copy_source(mono):
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY)
    assert found(ctx) == (str(mono), "ancestor", None)
    assert ctx.describe() == f"{mono} (nearest folder holding every COPY source)"


def test_ancestor_search_stops_at_the_repository_root(mono, tmp_path):
    ctx = find_context(mono / "deploy/api.Dockerfile", ["go.mod", "not-there/"])
    assert ctx.root is None and ctx.source.kind == "none"
    assert f"no folder from {mono / 'deploy'} up to {mono} holds go.mod, not-there" in ctx.source.detail


def test_a_source_dropped_by_dockerignore_does_not_count(mono):
    (mono / ".dockerignore").write_text("services\n")
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY)
    assert ctx.root is None


def test_globs_and_dot_sources(mono):
    ctx = find_context(mono / "deploy/api.Dockerfile", ["go.*", "services/*/main.go", "./"])
    assert ctx.root == mono
    assert find_context(mono / "deploy/api.Dockerfile", ["*.rs"]).root is None


def test_sources_with_variables_are_not_looked_for(mono):
    ctx = find_context(mono / "deploy/api.Dockerfile", ["$APP_DIR", "services/api"])
    assert ctx.root == mono


def test_no_copy_from_the_context_means_the_dockerfile_folder(mono):
    ctx = find_context(mono / "deploy/api.Dockerfile", [])
    assert found(ctx) == (str(mono / "deploy"), "ancestor", "the build copies nothing from the context")


def test_config_mapping(mono):
    mappings = [(str(mono), "deploy/*.Dockerfile", "."), (str(mono), "deploy/api.Dockerfile", "deploy")]
    ctx = find_context(mono / "deploy/api.Dockerfile", ["nothing-matches"], mappings=mappings)
    assert found(ctx) == (str(mono), "config", "deploy/*.Dockerfile → .")


def test_config_mapping_to_a_missing_folder_warns_and_falls_back(mono):
    mappings = [(str(mono), "deploy/api.Dockerfile", "gone")]
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY, mappings=mappings)
    assert ctx.source.kind == "ancestor"
    assert ctx.warnings == (f"goslim config in {mono}: context 'gone' for 'deploy/api.Dockerfile' is not a folder",)


COMPOSE = """
services:
  api:
    build:
      context: ..
      dockerfile: deploy/api.Dockerfile
  web:
    build: ../web
  db:
    image: postgres
"""


def test_compose_file(mono):
    write(mono, {"deploy/compose.yaml": COMPOSE})
    ctx = find_context(mono / "deploy/api.Dockerfile", ["not-needed"])
    assert found(ctx) == (str(mono), "compose", "service api")
    assert ctx.source.file == "deploy/compose.yaml"
    assert ctx.describe() == f"{mono} (compose file: deploy/compose.yaml (service api))"


@pytest.mark.parametrize(
    "name", ["docker-compose.yml", "compose.yml", "docker-compose.prod.yaml", "compose.override.yaml"]
)
def test_compose_names(mono, name):
    write(mono, {name: "services:\n  api:\n    build:\n      context: .\n      dockerfile: deploy/api.Dockerfile\n"})
    assert find_context(mono / "deploy/api.Dockerfile", ["x"]).source.kind == "compose"


def test_compose_string_build_and_default_dockerfile(mono):
    write(mono, {"web/Dockerfile": "FROM golang\n", "compose.yaml": "services:\n  web:\n    build: ./web\n"})
    ctx = find_context(mono / "web/Dockerfile", ["x"])
    assert found(ctx) == (str(mono / "web"), "compose", "service web")


def test_compose_variables_take_their_default(mono):
    write(
        mono,
        {
            "compose.yaml": "services:\n  api:\n    build:\n      context: ${CTX:-.}\n"
            "      dockerfile: deploy/api.Dockerfile\n"
            "  other:\n    build:\n      context: ${UNSET}\n"
        },
    )
    assert find_context(mono / "deploy/api.Dockerfile", ["x"]).root == mono


BAKE_HCL = """
variable "ROOT" { default = "." }
target "common" {
  context = "${ROOT}"
}
target "api" {
  inherits = ["common"]
  dockerfile = "deploy/api.Dockerfile"
  tags = ["api:latest"]
}
"""


def test_bake_hcl_with_inherits_and_variables(mono):
    write(mono, {"docker-bake.hcl": BAKE_HCL})
    ctx = find_context(mono / "deploy/api.Dockerfile", ["x"])
    assert found(ctx) == (str(mono), "bake", "target api")


def test_bake_json(mono):
    write(mono, {"docker-bake.json": '{"target": {"api": {"context": ".", "dockerfile": "deploy/api.Dockerfile"}}}'})
    assert found(find_context(mono / "deploy/api.Dockerfile", ["x"])) == (str(mono), "bake", "target api")


SKAFFOLD = """
apiVersion: skaffold/v4beta6
kind: Config
build:
  artifacts:
    - image: api
      context: .
      docker:
        dockerfile: deploy/api.Dockerfile
    - image: jvm
      jib: {}
---
apiVersion: skaffold/v4beta6
kind: Config
profiles:
  - name: dev
    build:
      artifacts:
        - image: web
          context: web
"""


def test_skaffold_with_several_documents_and_profiles(mono):
    write(mono, {"skaffold.yaml": SKAFFOLD, "web/Dockerfile": "FROM golang\n"})
    assert found(find_context(mono / "deploy/api.Dockerfile", ["x"])) == (str(mono), "skaffold", "artifact api")
    assert found(find_context(mono / "web/Dockerfile", ["x"])) == (str(mono / "web"), "skaffold", "artifact web")


WORKFLOW = """
name: images
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: api image
        uses: docker/build-push-action@v6
        with:
          context: .
          file: deploy/api.Dockerfile
          push: false
      - name: web image
        working-directory: web
        run: |
          docker build -t web:${{ github.sha }} \\
            -f Dockerfile .
"""


def test_github_actions_workflow_action_and_run_line(mono):
    write(mono, {".github/workflows/images.yml": WORKFLOW, "web/Dockerfile": "FROM golang\n"})
    ctx = find_context(mono / "deploy/api.Dockerfile", ["x"])
    assert found(ctx) == (str(mono), "workflow", "job build, step api image")
    assert ctx.source.file == ".github/workflows/images.yml"


def test_workflow_run_line_in_a_working_directory(mono):
    """The tag holds a ${{ }} expression, which is not where the context is: the line counts."""
    write(mono, {".github/workflows/images.yml": WORKFLOW, "web/Dockerfile": "FROM golang\n"})
    ctx = find_context(mono / "web/Dockerfile", ["x"])
    assert found(ctx) == (str(mono / "web"), "workflow", "job build, step web image")


def test_workflow_context_from_an_expression_is_not_used(mono):
    write(mono, {".github/workflows/images.yml": WORKFLOW.replace("context: .", "context: ${{ inputs.dir }}")})
    assert find_context(mono / "deploy/api.Dockerfile", MONO_COPY).source.kind == "ancestor"


def test_makefile(mono):
    write(
        mono,
        {
            "Makefile": """
        IMAGE ?= api
        DOCKERFILE := deploy/api.Dockerfile

        image:
        \t@docker build -t $(IMAGE) \\
        \t  --build-arg VERSION=1 -f $(DOCKERFILE) .
    """
        },
    )
    ctx = find_context(mono / "deploy/api.Dockerfile", ["x"])
    assert found(ctx) == (str(mono), "script", "line 5")
    assert ctx.source.file == "Makefile"


def test_shell_script_with_cd_and_buildx(mono):
    write(
        mono,
        {
            "scripts/images.sh": """
        #!/bin/sh
        set -e
        ROOT=..
        cd "$ROOT" && docker buildx build --platform linux/amd64 --file deploy/api.Dockerfile --load .
    """
        },
    )
    ctx = find_context(mono / "deploy/api.Dockerfile", ["x"])
    assert found(ctx) == (str(mono), "script", "line 4")


def test_podman_and_buildah(mono):
    write(
        mono,
        {"build.sh": "podman build -f=deploy/api.Dockerfile -t api .\nbuildah bud -f deploy/api.Dockerfile services\n"},
    )
    assert find_context(mono / "deploy/api.Dockerfile", ["x"]).root == mono


def test_precedence_compose_before_bake_before_scripts(mono):
    write(
        mono,
        {
            "Makefile": "all:\n\tdocker build -f deploy/api.Dockerfile services\n",
            "docker-bake.hcl": 'target "api" {\n  context = "deploy"\n  dockerfile = "api.Dockerfile"\n}\n',
            "compose.yaml": "services:\n  api:\n    build:\n      context: .\n"
            "      dockerfile: deploy/api.Dockerfile\n",
        },
    )
    assert find_context(mono / "deploy/api.Dockerfile", ["x"]).source.kind == "compose"
    (mono / "compose.yaml").unlink()
    clear_cache()
    assert found(find_context(mono / "deploy/api.Dockerfile", ["x"]))[:2] == (str(mono / "deploy"), "bake")
    (mono / "docker-bake.hcl").unlink()
    clear_cache()
    assert found(find_context(mono / "deploy/api.Dockerfile", ["x"]))[:2] == (str(mono / "services"), "script")


def test_a_definition_naming_another_dockerfile_is_not_used(mono):
    write(mono, {"compose.yaml": "services:\n  x:\n    build:\n      context: services\n"})
    assert find_context(mono / "deploy/api.Dockerfile", MONO_COPY).source.kind == "ancestor"


# --- bad input: a warning naming the file, then the next source ------------------------------


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("compose.yaml", "services: [unclosed\n", "compose.yaml: not valid YAML"),
        ("docker-bake.hcl", 'target "api" {{{\n', "docker-bake.hcl: not valid HCL"),
        ("docker-bake.json", "{nope", "docker-bake.json: not valid JSON"),
        ("skaffold.yaml", "build:\n  artifacts:\n - bad: [\n", "skaffold.yaml: not valid YAML"),
        (".github/workflows/ci.yml", "jobs: {a: [}\n", "ci.yml: not valid YAML"),
    ],
)
def test_unparseable_definitions_warn_and_fall_back(mono, name, text, message):
    write(mono, {name: text})
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY)
    assert ctx.source.kind == "ancestor" and ctx.root == mono
    [warning] = ctx.warnings
    assert message in warning and "not used to find the build context" in warning
    assert str(mono) in warning


def test_odd_shapes_are_ignored_without_a_traceback(mono):
    write(
        mono,
        {
            "compose.yaml": "- just\n- a list\n",
            "docker-compose.yml": "services:\n  a: 3\n  b:\n    build: {context: [1]}\n",
            "skaffold.yaml": "42\n---\nbuild: {artifacts: [1, {docker: 3}]}\n",
            ".github/workflows/x.yml": "jobs:\n  a:\n    steps: [1, {uses: 3}, {run: 4}]\n",
            "Makefile": "x:\n\tdocker build -f 'unclosed .\n",
        },
    )
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY)
    assert (ctx.source.kind, ctx.warnings) == ("ancestor", ())


def test_huge_definition_is_not_read(mono, monkeypatch):
    from rewriter.context import definitions

    monkeypatch.setattr(definitions, "MAX_FILE_BYTES", 100)
    write(mono, {"compose.yaml": "services: {}\n" + "#" * 200 + "\n"})
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY)
    assert "larger than the 100 read for build definitions" in ctx.warnings[0]


def test_unreadable_folders_and_symlink_loops(mono, monkeypatch):
    """Tests run as root, who reads any folder: the refusal is made by hand."""
    (mono / "loop").symlink_to(mono, target_is_directory=True)
    (mono / "self").symlink_to("self")
    (mono / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("locked") or os.fspath(path) == str(mono / "deploy"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    write(
        mono,
        {
            "compose.yaml": "services:\n  api:\n    build:\n      context: loop\n"
            "      dockerfile: deploy/api.Dockerfile\n"
        },
    )
    ctx = find_context(mono / "deploy/api.Dockerfile", MONO_COPY)
    assert found(ctx)[:2] == (str(mono / "loop"), "compose")
    whole = BuildContext(mono, ContextSource("argument"))
    assert whole.read_bytes("self") is None and not whole.is_dir("self")
    assert whole.listdir("locked") == []
    assert "loop/go.mod" not in whole.walk().files  # symlinked folders are not entered


# --- standard input ----------------------------------------------------------------------------


def test_stdin_uses_the_current_folder_only_when_the_sources_are_there(mono, tmp_path_factory):
    assert found(find_context(None, MONO_COPY, cwd=mono))[:2] == (str(mono), "stdin")
    empty = tmp_path_factory.mktemp("empty")
    ctx = find_context(None, MONO_COPY, cwd=empty)
    assert ctx.root is None and "not in the current folder" in ctx.source.detail


# --- BuildContext questions -------------------------------------------------------------------


def test_build_context_answers_inside_the_root_only(tmp_path):
    write(tmp_path, {"a/b.txt": "x", "a/c.log": "y", "keep/z.log": "z"})
    (tmp_path / "escape").symlink_to("/etc")
    ignore, _ = DockerIgnore.parse("**/*.log\n!keep/*.log\n")
    ctx = BuildContext(tmp_path, ContextSource("argument"), None, ignore)
    assert ctx.exists("a/b.txt") and not ctx.exists("a/c.log") and ctx.exists("keep/z.log")
    assert ctx.included("a/new.txt") and not ctx.included("x/y.log")
    assert ctx.path("../outside") is None and ctx.path("escape/hostname") is None
    assert ctx.read_bytes("a/b.txt") == b"x" and ctx.read_bytes("a/c.log") is None
    assert ctx.listdir("a") == [("b.txt", False)]
    assert ctx.is_dir("a") and ctx.is_file("a/b.txt") and not ctx.is_file("a")
    assert ctx.glob("*/*.log") == ["keep/z.log"]
    assert ctx.walk().files == ("escape", "a/b.txt", "keep/z.log")


def test_walk_is_bounded_and_says_so(tmp_path):
    for i in range(50):
        (tmp_path / f"f{i:02d}").write_text("")
    walk = BuildContext(tmp_path, ContextSource("argument")).walk(limit=10)
    assert walk.truncated and len(walk.files) == 10
    assert not BuildContext(tmp_path, ContextSource("argument")).walk().truncated


def test_walk_skips_excluded_folders_whole(tmp_path):
    write(tmp_path, {"node_modules/x/y.js": "", "src/main.go": ""})
    ignore, _ = DockerIgnore.parse("node_modules\n")
    walk = BuildContext(tmp_path, ContextSource("argument"), None, ignore).walk()
    assert walk.files == ("src/main.go",)


def test_no_context_answers_nothing():
    ctx = find_context(None, ["go.mod"], cwd="/nonexistent-folder-for-goslim")
    assert not ctx.found and ctx.path(".") is None and not ctx.exists("go.mod")
    assert ctx.describe().startswith("no build context (not found")
