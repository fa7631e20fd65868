"""Builds through make or a script of the build context (GS118, GS211, rewriter/recipes.py).

A plain recipe (one go build with flags and env, maybe an -o, maybe a cd) is rewritten
without touching the file: CGO_ENABLED and GOFLAGS go on the RUN line. Anything more is
refused, and the refusal says what goslim could not follow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from invariants import violations

import rewriter
from rewriter.diagnostics import Severity, Status
from rewriter.recipes import parse_makefile

MAIN = 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n'
CLOCK = (
    'package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\nfunc main() {\n'
    '\tloc, _ := time.LoadLocation("Asia/Tokyo")\n\tfmt.Println(time.Now().In(loc))\n}\n'
)


def service(tmp_path: Path, dockerfile: str, files: dict[str, str], go: str = MAIN) -> Path:
    (tmp_path / "go.mod").write_text("module example.com/server\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text(go)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    return tmp_path


def rewrite(folder: Path):
    return rewriter.rewrite((folder / "Dockerfile").read_text(), context=folder)


def errors(result) -> list[tuple[str, str]]:
    return [(d.code, d.message) for d in result.diagnostics if d.severity is Severity.ERROR]


MAKE = """FROM golang:1.23
WORKDIR /app
COPY . .
RUN make {target}
CMD ["/app/bin/server"]
"""


def test_a_plain_make_target_is_rewritten_and_the_makefile_left_alone(tmp_path):
    makefile = "BINARY := server\n\nbuild:\n\t@echo building\n\tgo build -o bin/$(BINARY) .\n"
    folder = service(tmp_path, MAKE.format(target="build"), {"Makefile": makefile})
    result = rewrite(folder)
    assert result.status is Status.REWRITTEN, errors(result)
    assert 'RUN CGO_ENABLED=0 GOOS=linux GOFLAGS="-trimpath -ldflags=-s -tags=timetzdata" make build\n' in result.code
    assert "COPY --from=builder /app/bin/server /app/bin/server\n" in result.code
    assert (folder / "Makefile").read_text() == makefile
    notes = [d.message for d in result.diagnostics if d.code == "GS118"]
    assert notes == ["the binary is built by `make build`, which runs `go build -o bin/server .`"]
    assert violations(MAKE.format(target="build"), result.code) == []
    assert not rewriter.rewrite(result.code, context=folder).changed


def test_the_default_goal_and_an_alias_target(tmp_path):
    makefile = "all: build\n\nbuild:\n\tCGO_ENABLED=0 go build -o bin/server ./\n"
    folder = service(tmp_path, MAKE.format(target="").replace("make \n", "make\n"), {"Makefile": makefile})
    result = rewrite(folder)
    assert result.status is Status.REWRITTEN, errors(result)
    assert "GOFLAGS=" in result.code and "COPY --from=builder /app/bin/server" in result.code


def test_goflags_already_in_the_environment_are_kept(tmp_path):
    text = MAKE.format(target="build").replace("WORKDIR /app\n", "WORKDIR /app\nENV GOFLAGS=-mod=vendor\n")
    folder = service(tmp_path, text, {"Makefile": "build:\n\tgo build -o bin/server .\n"})
    result = rewrite(folder)
    assert 'GOFLAGS="$GOFLAGS -trimpath -ldflags=-s -tags=timetzdata" make build' in result.code


def test_the_recipes_own_ldflags_win_and_the_note_says_so(tmp_path):
    makefile = 'build:\n\tgo build -ldflags "-X main.version=1.2" -o bin/server .\n'
    folder = service(tmp_path, MAKE.format(target="build"), {"Makefile": makefile})
    result = rewrite(folder)
    assert result.status is Status.REWRITTEN
    assert "-ldflags=-s" not in result.code and 'GOFLAGS="-trimpath -tags=timetzdata" make build' in result.code
    note = next(d.message for d in result.diagnostics if d.code == "GS118")
    assert "its own -ldflags override GOFLAGS" in note


def test_time_zones_go_through_goflags(tmp_path):
    folder = service(
        tmp_path, MAKE.format(target="build"), {"Makefile": "build:\n\tgo build -o bin/server .\n"}, go=CLOCK
    )
    result = rewrite(folder)
    assert 'GOFLAGS="-trimpath -ldflags=-s -tags=timetzdata" make build' in result.code


def test_own_tags_that_would_drop_the_zone_data_are_refused(tmp_path):
    makefile = "build:\n\tgo build -tags netgo -o bin/server .\n"
    folder = service(tmp_path, MAKE.format(target="build"), {"Makefile": makefile}, go=CLOCK)
    result = rewrite(folder)
    assert result.status is Status.REFUSED
    [(code, message)] = errors(result)
    assert code == "GS211" and "add timetzdata to them" in message


@pytest.mark.parametrize(
    ("makefile", "why"),
    [
        ("build: deps\n\tgo build -o bin/server .\ndeps:\n\tgo mod download\n", "first makes deps"),
        ("build:\n\tgo generate ./...\n\tgo build -o bin/server .\n", "go generate"),
        ("build:\n\tnpm run build\n\tgo build -o bin/server .\n", "also runs `npm run build`"),
        ("ifeq ($(OS),Windows_NT)\nEXT=.exe\nendif\nbuild:\n\tgo build -o bin/server$(EXT) .\n", "uses `ifeq`"),
        ("VERSION := $(shell git describe)\nbuild:\n\tgo build -o bin/$(VERSION) .\n", "make functions"),
        ("build:\n\tgo build -o bin/a ./cmd/a\n\tgo build -o bin/server .\n", "2 go builds"),
    ],
)
def test_more_than_a_plain_build_is_refused_with_the_reason(tmp_path, makefile, why):
    folder = service(tmp_path, MAKE.format(target="build"), {"Makefile": makefile})
    result = rewrite(folder)
    assert result.status is Status.REFUSED
    [(code, message)] = errors(result)
    assert code == "GS207" and message.startswith("the binary is built by `make build`: ") and why in message


def test_make_with_no_makefile_in_the_context_says_so(tmp_path):
    folder = service(tmp_path, MAKE.format(target="build"), {})
    [(code, message)] = errors(rewrite(folder))
    assert (code, message) == (
        "GS207",
        "the binary is built by `make build`: the build context has no Makefile in its top folder",
    )


def test_make_in_another_folder(tmp_path):
    text = 'FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN make -C services/api build\nCMD ["/src/services/api/api"]\n'
    folder = service(
        tmp_path, text, {"services/api/Makefile": "build:\n\tgo build -o api .\n", "services/api/main.go": MAIN}
    )
    result = rewrite(folder)
    assert result.status is Status.REWRITTEN, errors(result)
    assert "COPY --from=builder /src/services/api/api /src/services/api/api\n" in result.code


SCRIPT = """FROM golang:1.23
WORKDIR /app
COPY . .
RUN {run}
CMD ["server"]
"""


@pytest.mark.parametrize("run", ["./scripts/build.sh", "sh scripts/build.sh"])
def test_a_plain_build_script(tmp_path, run):
    script = '#!/bin/sh\nset -eu\nOUT=/usr/local/bin/server\necho building\ngo build -o "$OUT" .\n'
    folder = service(tmp_path, SCRIPT.format(run=run), {"scripts/build.sh": script})
    result = rewrite(folder)
    assert result.status is Status.REWRITTEN, errors(result)
    assert f'RUN CGO_ENABLED=0 GOOS=linux GOFLAGS="-trimpath -ldflags=-s -tags=timetzdata" {run}\n' in result.code
    assert "COPY --from=builder /usr/local/bin/server /usr/local/bin/server\n" in result.code
    assert violations(SCRIPT.format(run=run), result.code) == []


def test_a_script_that_reads_its_arguments_is_refused(tmp_path):
    script = '#!/bin/sh\ngo build -o "/usr/local/bin/$1" .\n'
    folder = service(tmp_path, SCRIPT.format(run="./build.sh server"), {"build.sh": script})
    [(code, message)] = errors(rewrite(folder))
    assert code == "GS207" and "reads its arguments" in message


def test_makefile_reading():
    makefile = parse_makefile(
        "export CGO_ENABLED := 0\nGO ?= go\nGO ?= gotip\nX += y\n\n"
        ".PHONY: a\na b: c ; echo hi\n\tgo build\n%.o: %.c\n\tcc\n"
    )
    assert makefile.variables == {"CGO_ENABLED": "0", "GO": "go", "X": None}
    assert makefile.exports == {"CGO_ENABLED"}
    assert makefile.default == "a"
    assert makefile.rules["a"] == (("c",), ("echo hi", "go build"))
    assert "%.o" not in makefile.rules


def test_a_recipe_on_a_toolchain_before_go_1_5_is_refused(tmp_path):
    """Go 1.4 links its cgo-built net unless the go command gets -a, which goslim cannot
    add to the Makefile (and GOFLAGS came with Go 1.11)."""
    makefile = "build:\n\tgo build -o bin/server .\n"
    folder = service(tmp_path, MAKE.format(target="build").replace("golang:1.23", "golang:1.4"), {"Makefile": makefile})
    result = rewrite(folder)
    assert result.status is Status.REFUSED
    [(code, message)] = errors(result)
    assert code == "GS210" and "add -a -installsuffix cgo to its go command" in message
