"""Build, run and look inside images with whichever container engine this machine has.

Everything engine-specific (command names, flags, quirks) lives in the Engine
subclasses; callers only see the logical steps.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import resource
import shlex
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LOG_TAIL_LINES = 40
LOG_TAIL_CHARS = 4000
MAX_SYMLINK_HOPS = 40
_MISSING_HINTS = (
    "no such file",
    "could not be found",
    "could not find",  # podman, docker
    "no such container:path",
)  # docker 20.10
NPROC_CEILING = 32768  # podman caps its own RLIMIT_NPROC here; asking for more fails
GO_BUILD_CACHE = "/root/.cache/go-build"  # where `go build` run as root keeps its cache
BUILD_TRIES = 3


class EngineUnavailable(RuntimeError):
    """No container engine can be used; `reason` says what was tried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EngineError(RuntimeError):
    """An engine command failed; the message carries the tail of its error output."""


@dataclass(frozen=True)
class BuildOutcome:
    ok: bool
    log_tail: str
    seconds: float


@dataclass(frozen=True)
class Container:
    name: str
    tag: str
    host_port: int | None = None  # on 127.0.0.1
    container_port: int | None = None


@dataclass(frozen=True)
class ImageFacts:
    size_bytes: int
    layers: int
    user: str
    entrypoint: list[str]
    cmd: list[str]
    workdir: str
    exposed_ports: list[str]  # e.g. ["8080/tcp"]


@dataclass(frozen=True)
class ContainerState:
    """A container as the engine's `inspect` sees it, alive or exited."""

    running: bool
    exit_code: int | None = None  # once it has exited
    pid: int | None = None  # on the host, while it runs
    addresses: tuple[str, ...] = ()  # its IP addresses on the engine's networks
    env: dict[str, str] = field(default_factory=dict)  # what the process was given


@dataclass(frozen=True)
class _Done:
    code: int | None  # None: killed after the timeout
    out: bytes
    err: bytes

    @property
    def ok(self) -> bool:
        return self.code == 0


def _exec(argv: list[str], *, timeout: float, merge: bool = False, env: dict[str, str] | None = None) -> _Done:
    """Run a command in its own session so a timeout or Ctrl-C stops it and all its children."""
    proc = subprocess.Popen(
        argv,
        env={**os.environ, **env} if env else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out, err = _stop(proc)
        return _Done(None, out or b"", err or b"")
    except BaseException:
        _stop(proc)
        raise
    return _Done(proc.returncode, out or b"", err or b"")


def _stop(proc: subprocess.Popen) -> tuple[bytes | None, bytes | None]:
    """SIGTERM first so buildah/podman can clean up their working containers, then SIGKILL."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            return proc.communicate(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    return None, None


def tail(text: str, lines: int = LOG_TAIL_LINES, chars: int = LOG_TAIL_CHARS) -> str:
    """The end of a log, short enough for a report."""
    kept = "\n".join(text.rstrip().splitlines()[-lines:])
    return kept[-chars:]


def _error_text(done: _Done) -> str:
    text = (done.err or done.out).decode("utf-8", "replace").strip()
    if done.code is None:
        return f"no answer within the time limit {tail(text, lines=2, chars=300)}".strip()
    for prefix in ("Error: ", "docker: Error response from daemon: ", "Error response from daemon: "):
        text = text.removeprefix(prefix)
    return tail(text, lines=6, chars=1000) or f"exit status {done.code}"


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Engine:
    """The logical steps of building and running images; subclasses supply the command lines."""

    name = "engine"
    command_timeout = 120.0
    _build_races: tuple[str, ...] = ()  # build errors that a concurrent build or removal causes

    # ---- engine-specific pieces --------------------------------------------------------

    def _cli(self) -> list[str]:
        raise NotImplementedError

    def _build_argv(self, dockerfile: Path, context: Path, tag: str, no_cache: bool) -> list[str]:
        raise NotImplementedError

    def _run_flags(self) -> list[str]:
        return []

    def _create_flags(self) -> list[str]:
        return []

    def _force_remove_flags(self) -> list[str]:
        return ["-f"]

    def _build_env(self) -> dict[str, str] | None:
        return None

    # ---- logical steps -----------------------------------------------------------------

    def build(
        self, dockerfile_text: str, context: Path, tag: str, *, no_cache: bool = False, timeout: float = 900.0
    ) -> BuildOutcome:
        """Build from text; the Dockerfile is written outside the context so it cannot leak into it."""
        context = Path(context)
        if not context.is_dir():
            raise ValueError(f"build context {context} is not a directory")
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="goslim-build-") as scratch:
            dockerfile = Path(scratch) / "Dockerfile"
            dockerfile.write_text(dockerfile_text, encoding="utf-8")
            argv = self._build_argv(dockerfile, context, tag, no_cache)
            for _ in range(BUILD_TRIES):
                done = _exec(argv, timeout=timeout, merge=True, env=self._build_env())
                output = done.out.decode("utf-8", "replace")
                if done.ok or not any(race in output for race in self._build_races):
                    break
        seconds = time.monotonic() - started
        log = tail(output)
        if done.code is None:
            log = f"{log}\nbuild timed out after {timeout:g}s".lstrip()
        return BuildOutcome(ok=done.ok, log_tail=log, seconds=round(seconds, 2))

    def run(
        self,
        tag: str,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        name: str | None = None,
        command: list[str] | None = None,
    ) -> Container:
        """Start detached; `port` (in the container) is published on 127.0.0.1 only.

        Raises EngineError when the engine cannot start it (e.g. USER names an unknown
        account); the half-created container is removed first.
        """
        name = name or f"goslim-{uuid.uuid4().hex[:12]}"
        message = ""
        for _ in range(3):
            host_port = free_port() if port else None
            argv = [*self._cli(), "run", "-d", "--name", name, *self._run_flags()]
            if port:
                argv += ["-p", f"127.0.0.1:{host_port}:{port}"]
            for key, value in (env or {}).items():
                argv += ["-e", f"{key}={value}"]
            argv += [tag, *(command or [])]
            done = _exec(argv, timeout=self.command_timeout)
            if done.ok:
                return Container(name=name, tag=tag, host_port=host_port, container_port=port)
            message = _error_text(done)
            self.remove_container(name)
            if not (port and "address already in use" in message.lower()):
                raise EngineError(message)
        raise EngineError(message)

    def logs(self, container: Container | str) -> str:
        done = _exec([*self._cli(), "logs", _name(container)], timeout=self.command_timeout, merge=True)
        return done.out.decode("utf-8", "replace")

    def is_running(self, container: Container | str) -> bool:
        done = _exec(
            [*self._cli(), "container", "inspect", "--format", "{{.State.Running}}", _name(container)],
            timeout=self.command_timeout,
        )
        return done.ok and done.out.strip() == b"true"

    def state(self, container: Container | str) -> ContainerState:
        """Running or not, exit status, host PID, addresses and environment, in one inspect."""
        done = _exec([*self._cli(), "container", "inspect", _name(container)], timeout=self.command_timeout)
        if not done.ok:
            raise EngineError(_error_text(done))
        data = json.loads(done.out)
        return container_state(data[0] if isinstance(data, list) else data)

    def listening_ports(self, container: Container, state: ContainerState) -> list[str] | None:
        """The ports its process listens on ("8080/tcp"), read on the host; None if unreadable."""
        from rewriter.verify.observe import listening_ports

        return listening_ports(state.pid) if state.pid else None

    def address(self, container: Container, state: ContainerState, port: int) -> tuple[str, int] | None:
        """Where this host reaches a container port: the container's own address on the
        engine's bridge, else the published port on 127.0.0.1, else nowhere (None)."""
        if state.addresses:
            return state.addresses[0], port
        if container.host_port and port == container.container_port:
            return "127.0.0.1", container.host_port
        return None

    def remove_container(self, container: Container | str) -> None:
        """Remove it whatever its state; a container that does not exist is fine."""
        _exec([*self._cli(), "rm", *self._force_remove_flags(), _name(container)], timeout=self.command_timeout)

    def remove_image(self, tag: str) -> None:
        _exec([*self._cli(), "rmi", "-f", tag], timeout=self.command_timeout)

    def has_image(self, ref: str) -> bool:
        done = _exec([*self._cli(), "image", "inspect", ref], timeout=self.command_timeout)
        return done.ok

    def inspect(self, tag: str) -> ImageFacts:
        done = _exec([*self._cli(), "image", "inspect", tag], timeout=self.command_timeout)
        if not done.ok:
            raise EngineError(_error_text(done))
        data = json.loads(done.out)
        image = data[0] if isinstance(data, list) else data
        config = image.get("Config") or {}
        return ImageFacts(
            size_bytes=int(image.get("Size") or 0),
            layers=len((image.get("RootFS") or {}).get("Layers") or []),
            user=config.get("User") or "",
            entrypoint=list(config.get("Entrypoint") or []),
            cmd=list(config.get("Cmd") or []),
            workdir=config.get("WorkingDir") or "",
            exposed_ports=sorted(config.get("ExposedPorts") or {}),
        )

    def export_file(self, tag: str, path: str) -> bytes:
        """Read one file out of an image that may have no shell; symlinks are followed inside the image.

        Raises FileNotFoundError when the image has no such file.
        """
        with self.image_files(tag) as files:
            return files.read(path)

    @contextmanager
    def image_files(self, tag: str) -> Iterator[ImageFiles]:
        """Read files out of an image through one container that is created, never started,
        and always removed: images without a shell, and images whose process would not start."""
        name = f"goslim-export-{uuid.uuid4().hex[:12]}"
        done = _exec(
            [
                *self._cli(),
                "create",
                "--name",
                name,
                *self._create_flags(),
                "--user",
                "0:0",
                "--entrypoint",
                "/goslim-never-started",
                tag,
            ],
            timeout=self.command_timeout,
        )
        if not done.ok:
            self.remove_container(name)
            raise EngineError(_error_text(done))
        try:
            yield ImageFiles(self, name)
        finally:
            self.remove_container(name)

    def _copy_archive(self, container: str, path: str) -> tarfile.TarFile:
        done = _exec([*self._cli(), "cp", f"{container}:{path}", "-"], timeout=self.command_timeout)
        if not done.ok:
            message = _error_text(done)
            if any(hint in message.lower() for hint in _MISSING_HINTS):
                raise FileNotFoundError(path)
            raise EngineError(message)
        return tarfile.open(fileobj=io.BytesIO(done.out), mode="r:")

    def _copy_out(self, container: str, path: str) -> bytes:
        path = posixpath.normpath("/" + path.lstrip("/"))
        for _ in range(MAX_SYMLINK_HOPS):
            with self._copy_archive(container, path) as archive:
                member = archive.next()
                if member is None:
                    raise FileNotFoundError(path)
                if member.issym():
                    path = posixpath.normpath(posixpath.join(posixpath.dirname(path), member.linkname))
                    continue
                if not member.isfile():
                    raise IsADirectoryError(path) if member.isdir() else FileNotFoundError(path)
                return archive.extractfile(member).read()
        raise EngineError(f"too many symlinks resolving {path}")

    def _copy_folder(self, container: str, path: str) -> dict[str, bytes]:
        """The regular files directly in a folder (not followed through symlinks), by name."""
        path = posixpath.normpath("/" + path.lstrip("/"))
        with self._copy_archive(container, path) as archive:
            files = {}
            for member in archive:
                parts = member.name.strip("/").split("/")
                if member.isfile() and len(parts) == 2:
                    files[parts[1]] = archive.extractfile(member).read()
            return files


class ImageFiles:
    """Files of one image, read through a container that was never started (see image_files)."""

    def __init__(self, engine: Engine, container: str):
        self._engine = engine
        self._container = container

    def read(self, path: str) -> bytes:
        """The file's bytes, symlinks followed inside the image; FileNotFoundError, IsADirectoryError."""
        return self._engine._copy_out(self._container, path)

    def read_folder(self, path: str) -> dict[str, bytes]:
        """The regular files directly in a folder; FileNotFoundError when there is no such folder."""
        return self._engine._copy_folder(self._container, path)


def container_state(data: dict) -> ContainerState:
    """ContainerState from one `container inspect` object (podman's and docker's agree on these)."""
    state = data.get("State") or {}
    running = bool(state.get("Running"))
    networks = (data.get("NetworkSettings") or {}).get("Networks") or {}
    addresses = [net.get("IPAddress") for net in networks.values() if isinstance(net, dict)]
    addresses.append((data.get("NetworkSettings") or {}).get("IPAddress"))
    env = {}
    for item in (data.get("Config") or {}).get("Env") or []:
        key, _, value = item.partition("=")
        env.setdefault(key, value)
    pid = state.get("Pid") or None
    code = state.get("ExitCode")
    return ContainerState(
        running=running,
        exit_code=None if running or code is None else int(code),
        pid=int(pid) if running and pid else None,
        addresses=tuple(dict.fromkeys(a for a in addresses if a)),
        env=env,
    )


def _name(container: Container | str) -> str:
    return container.name if isinstance(container, Container) else container


class PodmanEngine(Engine):
    """podman runs containers, buildah builds.

    Flags: `--pull=never` (GOSLIM_PULL overrides) because base images may exist only
    locally; `--runtime` (GOSLIM_RUNTIME, default runc when installed) because crun
    cannot start containers on cgroup v1/v2 hybrid hosts; explicit `--ulimit` because
    without CAP_SYS_RESOURCE runc cannot apply podman's default rlimits.

    `go_cache` (GOSLIM_GO_BUILD_CACHE) is a host folder mounted on Go's build cache
    (/root/.cache/go-build) in every RUN step, so builds of many services compile the
    standard library once. The cache then stays out of the images, which makes an
    original that keeps it (`COPY . .` then `go build` as root) look that much smaller.
    """

    name = "podman"
    # buildah before 1.43 looks up its layer cache without a lock: an image removed by
    # another build or verification at that moment fails the build (buildah #5674).
    _build_races = ("layer not known",)

    def __init__(self, runtime: str | None = None, pull: str | None = None, go_cache: str | os.PathLike | None = None):
        self.runtime = runtime
        self.pull = pull or os.environ.get("GOSLIM_PULL") or "never"
        cache = go_cache or os.environ.get("GOSLIM_GO_BUILD_CACHE")
        self.go_cache = Path(cache).resolve() if cache else None

    def _cli(self) -> list[str]:
        return ["podman", "--runtime", self.runtime] if self.runtime else ["podman"]

    def _build_argv(self, dockerfile: Path, context: Path, tag: str, no_cache: bool) -> list[str]:
        argv = ["buildah", "build", f"--pull={self.pull}", "--force-rm", "--layers"]
        if no_cache:
            argv.append("--no-cache")
        if self.runtime:
            argv += ["--isolation", "oci", "--runtime", self.runtime]
        if self.go_cache:
            self.go_cache.mkdir(parents=True, exist_ok=True)
            argv += ["-v", f"{self.go_cache}:{GO_BUILD_CACHE}"]
        return [*argv, "-f", str(dockerfile), "-t", tag, str(context)]

    def _run_flags(self) -> list[str]:
        return [f"--pull={self.pull}", *_ulimit_flags()]

    def _create_flags(self) -> list[str]:
        return [f"--pull={self.pull}"]

    def _force_remove_flags(self) -> list[str]:
        return ["-f", "-t", "2"]


def _ulimit_flags() -> list[str]:
    """Limits runc can set without CAP_SYS_RESOURCE: the hard limits we already hold."""
    override = os.environ.get("GOSLIM_ULIMITS")
    if override:
        return shlex.split(override)
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    if nofile == resource.RLIM_INFINITY:
        nofile = 1048576
    if nproc == resource.RLIM_INFINITY or nproc > NPROC_CEILING:
        nproc = NPROC_CEILING
    return ["--ulimit", f"nofile={nofile}:{nofile}", "--ulimit", f"nproc={nproc}:{nproc}"]


class DockerEngine(Engine):
    """A Docker daemon: it pulls what is missing and applies its own runtime and limits.

    `command` is the client (GOSLIM_DOCKER, default `docker`). Builds use BuildKit when the
    client has it (built in before Docker 23, the buildx plugin since), because
    Dockerfiles may use `RUN --mount`, which the legacy builder rejects; a client with
    neither builds with the legacy builder. `docker build` cannot mount a host folder, so
    Docker shares Go's build cache only through its own layer cache.
    """

    name = "docker"

    def __init__(self, command: str | None = None, buildkit: bool = True):
        self.command = command or os.environ.get("GOSLIM_DOCKER") or "docker"
        self.buildkit = buildkit

    def _cli(self) -> list[str]:
        return [self.command]

    def _build_argv(self, dockerfile: Path, context: Path, tag: str, no_cache: bool) -> list[str]:
        # --force-rm: the legacy builder otherwise keeps the container of a step that failed
        argv = [self.command, "build", "--force-rm", "-f", str(dockerfile), "-t", tag]
        if no_cache:
            argv.append("--no-cache")
        return [*argv, str(context)]

    def _build_env(self) -> dict[str, str]:
        return {"DOCKER_BUILDKIT": "1" if self.buildkit else "0", "BUILDKIT_PROGRESS": "plain"}


def _answers(argv: list[str], timeout: float = 20.0) -> tuple[bool, str]:
    try:
        done = _exec(argv, timeout=timeout)
    except OSError as err:
        return False, str(err)
    if done.code is None:
        return False, f"`{' '.join(argv)}` did not answer within {timeout:.0f}s"
    return done.ok, _error_text(done) if not done.ok else done.out.decode("utf-8", "replace")


ENGINE_CHOICES = ("auto", "docker", "podman", "buildah")


def detect_engine(preference: str = "auto") -> Engine:
    """docker when its daemon answers, else podman+buildah; EngineUnavailable says why neither works.

    "buildah" is the same choice as "podman": buildah builds, and podman is still
    needed to run the containers.
    """
    if preference not in ENGINE_CHOICES:
        raise ValueError(f"engine must be one of {', '.join(ENGINE_CHOICES)}, not {preference!r}")
    if preference == "buildah":
        preference = "podman"
    tried: list[str] = []
    if preference in ("auto", "docker"):
        engine = _try_docker(tried)
        if engine:
            return engine
    if preference in ("auto", "podman"):
        engine = _try_podman(tried)
        if engine:
            return engine
    raise EngineUnavailable("; ".join(tried))


def _try_docker(tried: list[str]) -> Engine | None:
    command = os.environ.get("GOSLIM_DOCKER") or "docker"
    if not shutil.which(command):
        tried.append(
            "docker: not on PATH" if command == "docker" else f"docker: client {command!r} (GOSLIM_DOCKER) not found"
        )
        return None
    ok, text = _answers([command, "--version"])
    if ok and "podman" in text.lower():
        tried.append("docker: is podman's docker shim")
        return None
    ok, text = _answers([command, "info", "--format", "{{.ServerVersion}}"])
    if not ok:
        tried.append(f"docker: daemon not answering ({text.splitlines()[-1] if text else 'no output'})")
        return None
    return DockerEngine(command, buildkit=_has_buildkit(command))


def _has_buildkit(command: str) -> bool:
    """Clients before 23.0 build with BuildKit themselves; later ones need the buildx plugin."""
    ok, version = _answers([command, "version", "--format", "{{.Client.Version}}"])
    major = version.strip().split(".")[0]
    if ok and major.isdigit() and int(major) < 23:
        return True
    ok, _text = _answers([command, "buildx", "version"])
    return ok


def _try_podman(tried: list[str]) -> Engine | None:
    missing = [tool for tool in ("podman", "buildah") if not shutil.which(tool)]
    if missing:
        tried.append(f"podman: {' and '.join(missing)} not on PATH")
        return None
    runtime = os.environ.get("GOSLIM_RUNTIME") or ("runc" if shutil.which("runc") else None)
    if runtime and not shutil.which(runtime):
        tried.append(f"podman: OCI runtime {runtime!r} (GOSLIM_RUNTIME) not found")
        return None
    ok, text = _answers(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"])
    if not ok:
        tried.append(f"podman: `podman info` failed ({text.splitlines()[-1] if text else 'no output'})")
        return None
    return PodmanEngine(runtime=runtime)
