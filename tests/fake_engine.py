"""A fake container engine for the verify tests, so they run without docker or podman.

Only building and running images is faked. A fake container is a local HTTP server on
127.0.0.1 with fixed answers, so probing, the report and the cleanup are exercised for real.
"""

from __future__ import annotations

import struct
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rewriter.verify import BuildOutcome, Container, ContainerState, EngineError, ImageFacts


def static_elf() -> bytes:
    """The smallest ELF is_static_elf accepts: a 64-bit header and one PT_LOAD."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    header = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
    return header + struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, 0, 0, 8)


@dataclass
class FakeImage:
    """What a build makes and how its container behaves.

    `answers` maps a path to (status, body); None means nothing listens. `ports` are
    the ports its process listens on (8080/tcp is the one `answers` serves). `build_error`
    is the build log of a failed build, `start_error` what the engine says when it
    cannot start the container; a container that `exits` does so with `exit_code`.
    `files` are what image_files reads (symlinks are not modelled); `env` is the image's.
    """

    user: str = "10001:10001"
    entrypoint: tuple[str, ...] = ("/main",)
    cmd: tuple[str, ...] = ()
    workdir: str = ""
    size: int = 5_000_000
    files: dict = field(default_factory=lambda: {"/main": static_elf()})
    answers: dict | None = field(default_factory=lambda: {"/": (200, b"ok\n")})
    build_error: str | None = None
    start_error: str | None = None
    exits: bool = False
    exit_code: int = 1
    log: str = "listening on :8080\n"
    ports: tuple[str, ...] = ("8080/tcp",)
    env: dict = field(default_factory=dict)
    content_type: str = "text/plain; charset=utf-8"


ORIGINAL = FakeImage(user="", entrypoint=(), cmd=("./main",), workdir="/app", size=750_000_000, files={})


class _Answers(BaseHTTPRequestHandler):
    def do_GET(self):
        status, body = self.server.answers.get(self.path, (404, b"404 page not found\n"))
        self.send_response(status)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class FakeEngine:
    """Tells the images apart by the Dockerfile text: FROM scratch is the rewrite.

    A rewrite builds `per_context[<context folder name>]` when there is one, else
    `rewritten`; anything else builds `original`. Running a tag that contains
    `interrupt_on` raises KeyboardInterrupt, as Ctrl-C would.
    """

    name = "fake"

    def __init__(
        self,
        rewritten: FakeImage | None = None,
        original: FakeImage = ORIGINAL,
        *,
        per_context: dict[str, FakeImage] | None = None,
        interrupt_on: str | None = None,
    ):
        self.rewritten = rewritten or FakeImage()
        self.original = original
        self.per_context = per_context or {}
        self.interrupt_on = interrupt_on
        self.images: dict[str, FakeImage] = {}
        self.builds: list[tuple[str, Path]] = []
        self.runs: list[dict] = []
        self.exported: list[str] = []
        self.servers: dict[str, ThreadingHTTPServer] = {}
        self.removed_containers: set[str] = set()
        self.removed_images: set[str] = set()

    @property
    def started(self) -> list[str]:
        """The names of the containers that started."""
        return [run["name"] for run in self.runs]

    def build(self, text, context, tag, *, no_cache=False, timeout=None):
        self.builds.append((text, Path(context)))
        if "FROM scratch" in text:
            image = self.per_context.get(Path(context).name, self.rewritten)
        else:
            image = self.original
        self.images[tag] = image
        failed = image.build_error is not None
        return BuildOutcome(ok=not failed, log_tail=image.build_error if failed else "done\n", seconds=0.1)

    def inspect(self, tag):
        image = self.images[tag]
        return ImageFacts(
            size_bytes=image.size,
            layers=3,
            user=image.user,
            entrypoint=list(image.entrypoint),
            cmd=list(image.cmd),
            workdir=image.workdir,
            exposed_ports=["8080/tcp"],
        )

    def run(self, tag, *, port=None, env=None, name=None, command=None):
        if self.interrupt_on and self.interrupt_on in tag:
            raise KeyboardInterrupt
        image = self.images[tag]
        if image.start_error:
            raise EngineError(image.start_error)
        self.runs.append({"tag": tag, "name": name, "port": port, "env": env, "command": command})
        host_port = None
        if not image.exits and image.answers is not None:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
            server.answers = image.answers
            server.content_type = image.content_type
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
            self.servers[name] = server
            host_port = server.server_address[1]
        return Container(name=name, tag=tag, host_port=host_port, container_port=port)

    def is_running(self, container):
        return not self.images[container.tag].exits and container.name not in self.removed_containers

    def state(self, container):
        image = self.images[container.tag]
        running = self.is_running(container)
        run = next(run for run in self.runs if run["name"] == container.name)
        return ContainerState(
            running=running,
            exit_code=None if running else image.exit_code,
            pid=None,
            env={**image.env, **(run["env"] or {})},
        )

    def listening_ports(self, container, state):
        return sorted(self.images[container.tag].ports) if state.running else None

    def address(self, container, state, port):
        server = self.servers.get(container.name)
        if server is None or port != 8080:
            return None
        return "127.0.0.1", server.server_address[1]

    def logs(self, container):
        return self.images[container.tag].log

    def remove_container(self, container):
        name = getattr(container, "name", container)
        self.removed_containers.add(name)
        server = self.servers.pop(name, None)
        if server:
            server.shutdown()
            server.server_close()

    def remove_image(self, tag):
        self.removed_images.add(tag)

    def export_file(self, tag, path):
        with self.image_files(tag) as files:
            return files.read(path)

    @contextmanager
    def image_files(self, tag):
        yield _Files(self, self.images[tag].files)

    def assert_clean(self, keep: bool = False) -> None:
        """Every container that ran is gone, and every image built too unless kept (a run
        stopped before its second build also removes the tag it never built)."""
        assert set(self.started) <= self.removed_containers
        assert not self.servers
        if keep:
            assert self.removed_images == set()
        else:
            assert set(self.images) <= self.removed_images


class _Files:
    def __init__(self, engine: FakeEngine, files: dict):
        self.engine, self.files = engine, files

    def read(self, path):
        self.engine.exported.append(path)
        try:
            return self.files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    def read_folder(self, path):
        prefix = path.rstrip("/") + "/"
        found = {
            name[len(prefix) :]: data
            for name, data in self.files.items()
            if name.startswith(prefix) and "/" not in name[len(prefix) :]
        }
        if not found:
            raise FileNotFoundError(path)
        return found
