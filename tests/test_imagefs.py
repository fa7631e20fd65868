"""The image file-system model: Docker's COPY/ADD semantics, WORKDIR, the RUN commands it
reads, what base images hold, and MAYBE wherever it cannot know.

Each case is a Dockerfile, the files of its build context, and what the model must say of
some paths. tests/test_imagefs_e2e.py builds some of them for real and compares."""

from __future__ import annotations

import fnmatch
import posixpath

import pytest

import rewriter
from rewriter.analysis import analyze
from rewriter.imagefs import Origin, Presence, base_image, model

YES, NO, MAYBE = Presence.YES, Presence.NO, Presence.MAYBE


class FakeContext:
    """A build context made of a list of files (folders are implied)."""

    def __init__(self, files):
        self.files = set(files)
        self.dirs = {"."} | {posixpath.dirname(f) for f in self.files} - {""}
        for d in list(self.dirs):
            while d not in (".", ""):
                self.dirs.add(d)
                d = posixpath.dirname(d) or "."

    def exists(self, rel):
        rel = posixpath.normpath(rel)
        return rel in self.files or rel in self.dirs

    def is_dir(self, rel):
        return posixpath.normpath(rel) in self.dirs

    def glob(self, pattern, *, limit=1000):
        pattern = posixpath.normpath(pattern)
        depth = pattern.count("/")
        found = [p for p in sorted(self.files | self.dirs) if p.count("/") == depth and fnmatch.fnmatchcase(p, pattern)]
        return found[:limit]


def fs_of(text, files=None, stage=-1):
    tree = rewriter.parse(text)
    context = None if files is None else FakeContext(files)
    image = model(analyze(tree), context)
    return image.stage(len(image.stages) + stage if stage < 0 else stage)


CONTEXT = [
    "go.mod",
    "main.go",
    "config.yaml",
    "data/seed.json",
    "data/sub/x.txt",
    "templates/a.html",
    "templates/b.html",
    "ui/static/app.css",
    "cmd/api/main.go",
]


@pytest.mark.parametrize(
    "text, path, presence, source",
    [
        # a folder source copies its contents, with or without a trailing slash on the destination
        ("COPY data /app/data/", "/app/data/seed.json", YES, "data/seed.json"),
        ("COPY data /app/data/", "/app/data/data", NO, None),
        ("COPY data /app/data", "/app/data/sub/x.txt", YES, "data/sub/x.txt"),
        ("COPY data/ /srv/", "/srv/seed.json", YES, "data/seed.json"),
        # a file into a folder: trailing slash, ".", or a folder that exists
        ("COPY config.yaml /etc/svc/", "/etc/svc/config.yaml", YES, "config.yaml"),
        ("COPY config.yaml .", "/app/config.yaml", YES, "config.yaml"),
        ("COPY config.yaml /usr/local/bin", "/usr/local/bin/config.yaml", YES, "config.yaml"),
        ("COPY config.yaml /app/settings.yml", "/app/settings.yml", YES, "config.yaml"),
        ("COPY config.yaml /app/settings.yml", "/app/config.yaml", NO, None),
        # several sources, or a glob, make the destination a folder
        ("COPY go.mod main.go /src/", "/src/main.go", YES, "main.go"),
        ("COPY templates/* /templates/", "/templates/b.html", YES, "templates/b.html"),
        ("COPY templates/*.html /t/", "/t/a.html", YES, "templates/a.html"),
        ("COPY templates/*.tmpl /t/", "/t/a.html", NO, None),
        # the whole context into the WORKDIR
        ("COPY . .", "/app/ui/static/app.css", YES, "ui/static/app.css"),
        ("COPY . .", "/app/ui/static", YES, "ui/static"),
        ("COPY . .", "/app/missing.txt", NO, None),
        # not from the context at all
        ("COPY nothing-here /x", "/x", NO, None),
    ],
)
def test_copy_from_the_context(text, path, presence, source):
    fs = fs_of(f'FROM golang:1.22\nWORKDIR /app\n{text}\nRUN go build -o /app/server .\nCMD ["/app/server"]\n', CONTEXT)
    found = fs.lookup(path)
    assert (found.presence, found.source) == (presence, source)
    if presence is YES:
        assert found.origin is Origin.CONTEXT


def test_without_a_context_what_a_copy_brings_is_maybe():
    fs = fs_of("FROM golang:1.22\nWORKDIR /app\nCOPY data /app/data/\n")
    assert fs.lookup("/app/data/anything").presence is MAYBE
    assert fs.lookup("/app/data").presence is MAYBE
    assert fs.lookup("/app").presence is YES  # WORKDIR made it
    assert fs.lookup("/app/other").presence is NO  # no COPY reached it, and golang has no /app


def test_workdir_and_run_make_folders_and_files():
    fs = fs_of(
        "FROM golang:1.22\nWORKDIR /app/svc\nRUN mkdir -p data /var/cache/svc && touch /app/ready "
        "&& echo 'x' > /etc/passwd.runtime\nRUN rm -rf /app/ready\n",
        CONTEXT,
    )
    assert fs.lookup("/app/svc").is_dir
    assert fs.lookup("/app/svc/data").is_dir
    assert fs.lookup("/var/cache/svc").is_dir
    assert fs.lookup("/etc/passwd.runtime").kind == "file"
    assert fs.lookup("/app/ready").presence is NO


def test_the_go_build_output_exists():
    fs = fs_of("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN cd cmd/api && go build -o ../../bin/api .\n", CONTEXT)
    found = fs.lookup("/src/bin/api")
    assert (found.presence, found.origin) == (YES, Origin.BUILD)


def test_cp_in_a_run_makes_its_destination():
    fs = fs_of(
        "FROM golang:1.22\nWORKDIR /app\nCOPY . .\nRUN mkdir -p /etc/svc /srv/conf\n"
        "RUN cp config.json /etc/svc/svc.conf && cp -r assets /srv/conf\n",
        CONTEXT,
    )
    copied = fs.lookup("/etc/svc/svc.conf")
    assert (copied.presence, copied.origin) == (YES, Origin.RUN)
    assert fs.lookup("/srv/conf/assets").presence is YES  # into a folder that was there
    assert fs.lookup("/srv/conf/assets/logo.png").presence is MAYBE  # what a copied folder holds
    assert fs.lookup("/srv/conf/other").presence is not YES  # the rest of the folder: as before


def test_a_run_the_model_cannot_read_may_make_anything():
    fs = fs_of("FROM golang:1.22\nWORKDIR /app\nRUN make assets\n", CONTEXT)
    assert fs.lookup("/app/public/index.html").presence is MAYBE


def test_copy_from_another_stage_reads_from_its_root():
    text = (
        "FROM golang:1.22 AS build\nWORKDIR /w\nCOPY . .\nRUN go build -o /w/server .\n"
        "FROM scratch\nCOPY --from=build w/server /server\nCOPY --from=build /w/data /data\n"
        "COPY --from=build /w/nope /nope\n"
    )
    fs = fs_of(text, CONTEXT)
    assert fs.lookup("/server").origin is Origin.BUILD
    seed = fs.lookup("/data/seed.json")
    assert (seed.presence, seed.origin, seed.source) == (YES, Origin.CONTEXT, "data/seed.json")
    assert fs.lookup("/nope").presence is NO
    assert fs.lookup("/etc/passwd").presence is NO  # scratch


def test_a_stage_from_a_stage_sees_what_it_built():
    text = "FROM golang:1.22 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS build\nRUN go build -o /out/app .\n"
    fs = fs_of(text, CONTEXT)
    assert fs.lookup("/app/config.yaml").source == "config.yaml"
    assert fs.lookup("/out/app").origin is Origin.BUILD


@pytest.mark.parametrize(
    "base, path, presence",
    [
        ("golang:1.22", "/etc/ssl/certs/ca-certificates.crt", YES),
        ("golang:1.22", "/usr/share/zoneinfo/Europe/Paris", YES),
        ("golang:1.22-alpine", "/usr/share/zoneinfo/Europe/Paris", NO),
        ("golang:1.22-alpine", "/usr/local/go/lib/time/zoneinfo.zip", YES),
        ("alpine:3.20", "/etc/ssl/certs/ca-certificates.crt", YES),
        ("debian:bookworm-slim", "/etc/ssl/certs/ca-certificates.crt", NO),
        ("scratch", "/tmp", NO),
        ("gcr.io/distroless/static-debian12", "/etc/passwd", YES),
        ("registry.example.com/base:1", "/etc/passwd", MAYBE),
    ],
)
def test_what_base_images_hold(base, path, presence):
    assert base_image(base).find(path).presence is presence


def test_packages_the_model_knows():
    fs = fs_of("FROM alpine:3.20\nRUN apk add --no-cache tzdata ca-certificates\n")
    assert fs.lookup("/usr/share/zoneinfo").is_dir
    fs = fs_of("FROM alpine:3.20\nRUN apk add --no-cache ffmpeg\n")
    assert fs.lookup("/usr/bin/ffmpeg").presence is MAYBE


@pytest.mark.parametrize(
    "run",
    [
        "apk add --no-cache tzdata && apk del tzdata",
        "apt-get install -y tzdata && apt-get purge -y tzdata",
        "apt-get install -y tzdata && apt-get remove -y tzdata",
        "dnf install -y tzdata && dnf erase -y tzdata",
    ],
)
def test_a_removed_package_takes_its_files(run):
    fs = fs_of(f"FROM alpine:3.20\nRUN {run}\n")
    assert fs.lookup("/usr/share/zoneinfo/Asia/Shanghai").presence is Presence.NO


# --- the rewrite's own COPY --from lines ------------------------------------------------------


def emitted_copy_sources(original: str, rewritten: str, context=None) -> list[tuple[str, str, Presence]]:
    """(stage, source, presence in the model) of each COPY --from line the rewrite added."""
    from rewriter.analysis import analyze as facts_of

    tree = rewriter.parse(rewritten)
    facts = facts_of(tree)
    image = model(facts, context)
    before = set(original.splitlines())
    out = []
    for stage in facts.stages:
        for ins in stage.stage.instructions:
            ref = ins.flag("from") if ins.name == "COPY" else None
            if ref is None or ins.code.rstrip("\r\n") in before:
                continue
            origin = facts.stage_named(ref)
            for source in ins.values[:-1]:
                if origin is not None and "$" not in source:
                    path = source if source.startswith("/") else "/" + source
                    out.append((ref, source, image.stage(origin.index).lookup(path).presence))
    return out


@pytest.mark.corpus
def test_no_rewrite_of_the_corpus_copies_what_its_stage_does_not_hold():
    from conftest import corpus_files, requires_corpus  # noqa: F401

    from rewriter.files import decode_source

    files = corpus_files("go-single") + corpus_files("go-multi")
    if not files:
        pytest.skip("the corpus is absent (it ships beside the repository)")
    checked = 0
    for path in files:
        text = decode_source(path.read_bytes(), path).text
        try:
            result = rewriter.rewrite(text)
        except rewriter.ParseError:
            continue
        if not result.changed:
            continue
        missing = [c for c in emitted_copy_sources(text, result.code) if c[2] is NO]
        assert missing == [], path.name
        checked += 1
    assert checked > 50


def test_the_engine_refuses_a_copy_of_what_the_builder_does_not_hold(monkeypatch):
    """GS299: a pass that copies a path the builder lacks never reaches the user."""
    from rewriter import engine
    from rewriter.edit import insert_after, make_items
    from rewriter.passes.base import Result

    class CopiesNothing:
        RULES = ()

        @staticmethod
        def apply(ctx):
            runtime = ctx.plan.runtime
            if runtime is None:
                return Result(ctx.tree)
            line = make_items(["COPY --from=builder /srv-nowhere/app.yaml /app/app.yaml"])
            tree = insert_after(ctx.tree, ctx.tree.stages[runtime.index].from_instruction, line, "\n")
            from rewriter.diagnostics import Diagnostic, Severity

            return Result(tree, (Diagnostic("GS113", Severity.INFO, "copied nothing"),))

    monkeypatch.setattr(engine, "FIXES", (*engine.FIXES, CopiesNothing))
    text = (
        'FROM golang:1.22\nWORKDIR /app\nCOPY main.go go.mod ./\nRUN go build -o /app/server .\nCMD ["/app/server"]\n'
    )
    result = rewriter.rewrite(text)
    assert result.status.value == "refused" and result.code == text
    [error] = [d for d in result.diagnostics if d.severity.value == "error"]
    assert (
        error.code == "GS299" and "/srv-nowhere/app.yaml from stage `builder`, which does not hold it" in error.message
    )
