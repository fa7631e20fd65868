"""Build the original and the rewritten image, run both, and say whether the rewrite is safe to ship.

Safe means the rewrite behaves like the original with nothing asked of the user: both
build; it keeps running when the original does (or exits with the same status); it
listens on the same ports, answers GET / on each like the original; its log shows no
new "permission denied" or "no such file"; it sees the same time zone; it answers every
probe the user names like the original; it runs as a non-root user; and its entry
binary is static (scratch has no loader or libc). compare.py names the differences.
"""

from __future__ import annotations

import http.client
import posixpath
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rewriter.verify.compare import Difference, differences
from rewriter.verify.elf import is_static_elf
from rewriter.verify.engine import Container, Engine, EngineError, ImageFacts, ImageFiles
from rewriter.verify.observe import ERROR_LINES_KEPT, PortAnswer, answer_of, error_lines
from rewriter.verify.packages import count_packages
from rewriter.verify.zone import Zone, seen_zone, sets_zone

PROBE_BODY_LIMIT = 1 << 20  # bytes read from an answer
REPORT_BODY_CHARS = 500  # characters of an answer kept in the report
LOG_KEPT_CHARS = 4000
POLL_SECONDS = 0.2
PORT_POLL_SECONDS = 0.3
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
SIDES = ("original", "rewritten")


@dataclass(frozen=True)
class ImageReport:
    tag: str
    built: bool
    build_seconds: float | None = None
    size_bytes: int | None = None
    layers: int | None = None
    user: str | None = None
    non_root: bool = False
    entrypoint: list[str] | None = None
    static: bool | None = None  # checked on the rewritten image only
    started: bool = False  # the engine started the process
    stayed_up: bool = False  # still running after the settle time and the probe
    exit_code: int | None = None  # when it exited
    probe_status: int | None = None  # the answer to the first probe path
    probe_body: str | None = None  # truncated
    log_tail: str = ""  # build log if the build failed, else container output
    answers: dict[str, dict] = field(default_factory=dict)  # every probe path: {"status", "body"}
    ports: list[str] | None = None  # listening, e.g. ["8080/tcp", "5353/udp"]; None: not read
    port_answers: dict[str, dict] = field(default_factory=dict)  # GET / per TCP port (PortAnswer)
    errors: list[str] = field(default_factory=list)  # the first error-looking lines of its log
    zone: dict | None = None  # the local time zone it sees (Zone), when the original sets one
    os_packages: int | None = None  # from the dpkg/apk database


@dataclass(frozen=True)
class VerifyReport:
    original: ImageReport
    rewritten: ImageReport
    probe: str | None  # the first probe path
    size_ratio: float | None  # original / rewritten
    answers_match: bool | None  # None when no probe was asked for
    ok: bool
    reason: str  # every difference's message, joined with "; "
    probes: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    packages_removed: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def http_get(port: int, path: str, timeout: float) -> tuple[int, bytes] | None:
    """GET http://127.0.0.1:port/path; (status, body), or None when nothing answered.

    Proxies and redirects are refused so the request can never leave this host.
    """
    if not path.startswith("/"):
        raise ValueError(f"probe path must start with '/': {path!r}")
    url = f"http://127.0.0.1:{int(port)}{path}"
    if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
        raise ValueError(f"probe path must not change the host: {path!r}")
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read(PROBE_BODY_LIMIT)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read(PROBE_BODY_LIMIT)
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


@dataclass
class _Run:
    """What one container did; compare.py reads it."""

    started: bool = False
    stayed_up: bool = False
    exit_code: int | None = None
    answers: dict[str, tuple[int, bytes] | None] = field(default_factory=dict)
    log: str = ""
    ports: list[str] | None = None
    port_answers: dict[str, PortAnswer] = field(default_factory=dict)
    env: dict[str, str] | None = None  # None: it never started
    ready_seconds: float = 0.0  # from start until its ports stopped changing
    published: int | None = None  # the container port published for the probes
    zone: Zone | None = None


def verify(
    original_text: str,
    rewritten_text: str,
    context: Path,
    *,
    engine: Engine,
    probe: str | Sequence[str] | None = None,
    port: int | None = None,
    timeout: float = 30.0,
    keep: bool = False,
    env: dict[str, str] | None = None,
    args: Sequence[str] | None = None,
    settle: float = 1.0,
    build_timeout: float = 900.0,
    no_cache: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Compare the two Dockerfiles by building and running them on `engine`.

    Both containers get the same `env`, the same `args` (they replace CMD, as
    `docker run IMAGE ARGS` does) and the same published `port` (default: the first
    exposed TCP port). `probe` is one path or several: each is fetched from both
    containers and the answers must be equal, so leave out paths whose answer depends
    on the uid. `timeout` bounds the wait for each container to answer; `settle` is
    how long a container must stay up. `on_step` hears what is being done, for a
    progress display. Containers are always removed, images too unless `keep`, even
    on Ctrl-C.
    """
    probes = _probe_paths(probe)
    step = on_step or (lambda _message: None)
    run_id = uuid.uuid4().hex[:10]
    tags = {side: f"localhost/goslim-verify/{side}-{run_id}:latest" for side in SIDES}
    names = {side: f"goslim-verify-{side}-{run_id}" for side in SIDES}
    texts = {"original": original_text, "rewritten": rewritten_text}
    builds, facts, runs, packages = {}, {}, {}, {}
    static: bool | None = None
    static_problem = ""
    try:
        for side in SIDES:
            step(f"building the {side} image")
            builds[side] = engine.build(
                texts[side], Path(context), tags[side], no_cache=no_cache, timeout=build_timeout
            )
            if builds[side].ok:
                facts[side] = engine.inspect(tags[side])
        container_port = port or _exposed_port(facts) or (8080 if probes else None)
        for side in SIDES:
            if side in facts:
                step(f"running the {side} image")
                runs[side] = _exercise(
                    engine,
                    tags[side],
                    names[side],
                    port=container_port,
                    probes=probes,
                    timeout=timeout,
                    settle=settle,
                    env=env,
                    args=args,
                    like=runs.get("original"),
                )
                engine.remove_container(names[side])
        for side in SIDES:
            if side in facts:
                step(f"reading the {side} image")
                with engine.image_files(tags[side]) as files:
                    packages[side] = _packages(files)
                    binary = _EntryBinary(files, facts[side])
                    if side == "rewritten":
                        static, static_problem = binary.static()
                    _see_zone(side, runs, files, binary)
    finally:
        for side in SIDES:
            _quietly(engine.remove_container, names[side])
        if not keep:
            for side in SIDES:
                _quietly(engine.remove_image, tags[side])
    reports = {
        side: _image_report(tags[side], builds[side], facts.get(side), runs.get(side), packages.get(side))
        for side in SIDES
    }
    reports["rewritten"] = _with(reports["rewritten"], static=static)
    found = differences(reports["original"], reports["rewritten"], runs, probes, static_problem)
    return _report(reports["original"], reports["rewritten"], runs, probes, found)


def _probe_paths(probe: str | Sequence[str] | None) -> list[str]:
    paths = [probe] if isinstance(probe, str) else list(probe or ())
    for path in paths:
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"probe path must start with '/': {path!r}")
    return list(dict.fromkeys(paths))


def _exercise(
    engine: Engine,
    tag: str,
    name: str,
    *,
    port: int | None,
    probes: list[str],
    timeout: float,
    settle: float,
    env: dict[str, str] | None,
    args: Sequence[str] | None,
    like: _Run | None,
) -> _Run:
    """Start the image and watch it: the probes, then its ports until they settle, then GET / on each.

    `like` is the original's run when this is the rewrite: its ports are what to wait
    for, and when it exited, the rewrite is given until `timeout` to exit too.
    """
    try:
        container = engine.run(tag, port=port, env=env, name=name, command=list(args) if args else None)
    except EngineError as err:
        return _Run(log=str(err))
    result = _Run(started=True, answers=dict.fromkeys(probes), published=port)
    began = time.monotonic()
    _await_probes(engine, container, result, probes, began, timeout, settle)
    _await_ports(engine, container, result, began, timeout, settle, like)
    if like is not None and like.exit_code is not None:
        while engine.is_running(container) and time.monotonic() - began < timeout:
            time.sleep(POLL_SECONDS)
    state = engine.state(container)
    result.stayed_up, result.exit_code, result.env = state.running, state.exit_code, state.env
    if state.running:
        for number in _tcp_ports(result.ports):
            where = engine.address(container, state, number)
            if where is not None:
                result.port_answers[f"{number}/tcp"] = answer_of(*where, tries=1 if like else 2)
    result.stayed_up = result.stayed_up and engine.is_running(container)
    result.log = _container_log(engine, container)
    return result


def _await_probes(
    engine: Engine, container: Container, result: _Run, probes: list[str], began: float, timeout: float, settle: float
) -> None:
    """Until it has been up for `settle` and answered every probe, or exited, or `timeout`."""
    while True:
        running = engine.is_running(container)
        elapsed = time.monotonic() - began
        if running and container.host_port:
            for path in probes:
                if result.answers[path] is not None:
                    continue
                wait = max(0.5, min(2.0, timeout - elapsed))
                result.answers[path] = http_get(container.host_port, path, timeout=wait)
                elapsed = time.monotonic() - began
                if result.answers[path] is None:  # not listening yet: try again later
                    break
        answered = all(answer is not None for answer in result.answers.values())
        if not running or elapsed >= timeout or (elapsed >= settle and answered):
            return
        time.sleep(POLL_SECONDS)


def _await_ports(
    engine: Engine, container: Container, result: _Run, began: float, timeout: float, settle: float, like: _Run | None
) -> None:
    """Read the listening ports until they stop changing (the original) or match the
    original's (the rewrite, which gets the original's start-up time three times over
    plus `settle` before its own steady answer counts)."""
    patience = max(settle, 3 * like.ready_seconds + settle) if like else settle
    last: list[str] | None = None
    while True:
        state = engine.state(container)
        if not state.running:
            return
        ports = engine.listening_ports(container, state)
        elapsed = time.monotonic() - began
        if ports is None:
            return
        steady = ports == last and elapsed >= settle
        if (like is not None and ports == like.ports) or (steady and elapsed >= patience) or elapsed >= timeout:
            result.ports, result.ready_seconds = ports, elapsed
            return
        last = ports
        time.sleep(PORT_POLL_SECONDS)


def _tcp_ports(ports: list[str] | None) -> list[int]:
    return [int(p.partition("/")[0]) for p in ports or () if p.endswith("/tcp")]


def _container_log(engine: Engine, container: Container) -> str:
    try:
        return engine.logs(container).strip()
    except EngineError as err:
        return f"(no logs: {err})"


class _EntryBinary:
    """The binary an image starts, read once from its files for the static and the zone checks."""

    def __init__(self, files: ImageFiles, facts: ImageFacts):
        self.files, self.facts = files, facts
        self._read = False
        self.path: str | None = None
        self.data: bytes | None = None
        self.problem = ""

    def get(self) -> bytes | None:
        if not self._read:
            self._read = True
            candidates = _entry_candidates(self.facts)
            if not candidates:
                self.problem = "the image has no ENTRYPOINT or CMD"
            for path in candidates:
                try:
                    self.path, self.data = path, self.files.read(path)
                    break
                except (FileNotFoundError, IsADirectoryError):
                    continue
                except EngineError as err:
                    self.problem = f"could not read {path}: {err}"
                    break
            else:
                if candidates:
                    self.problem = f"entry binary {candidates[0]} is not in the image"
        return self.data

    def static(self) -> tuple[bool | None, str]:
        """(static?, why unknown or why not)."""
        data = self.get()
        if data is None:
            return None, self.problem
        if is_static_elf(data):
            return True, ""
        kind = "dynamically linked" if data[:4] == b"\x7fELF" else "not an ELF binary"
        return False, f"entry binary {self.path} is {kind}"


def _packages(files: ImageFiles) -> int | None:
    """The count is reported, not judged: an engine that cannot read the database leaves it unknown."""
    try:
        return count_packages(files.read, files.read_folder)
    except EngineError:
        return None


def _see_zone(side: str, runs: dict[str, _Run], files: ImageFiles, binary: _EntryBinary) -> None:
    """The zone each side sees, worked out when the original sets one (TZ or /etc/localtime)."""
    run, original = runs.get(side), runs.get("original")
    if run is None or run.env is None or original is None or original.env is None:
        return
    if side == "original" and not sets_zone(original.env, files.read):
        return
    if side == "rewritten" and original.zone is None:
        return
    run.zone = seen_zone(run.env, files.read, binary.get)


def _entry_candidates(facts: ImageFacts) -> list[str]:
    argv = facts.entrypoint or facts.cmd
    if not argv:
        return []
    exe = argv[0]
    if "/" not in exe:
        return [posixpath.join(directory, exe) for directory in DEFAULT_PATH]
    return [posixpath.normpath(posixpath.join(facts.workdir or "/", exe))]


def _exposed_port(facts: dict[str, ImageFacts]) -> int | None:
    for side in ("rewritten", "original"):
        for spec in facts[side].exposed_ports if side in facts else []:
            number, _, proto = spec.partition("/")
            if proto in ("", "tcp") and number.isdigit():
                return int(number)
    return None


def is_non_root(user: str) -> bool:
    """USER is set and names neither uid 0 nor root (the group part does not matter)."""
    name = user.split(":", 1)[0].strip()
    return bool(name) and name not in ("0", "root")


def _image_report(tag: str, build, facts: ImageFacts | None, run: _Run | None, packages: int | None) -> ImageReport:
    if not build.ok:
        return ImageReport(tag=tag, built=False, build_seconds=build.seconds, log_tail=build.log_tail)
    run = run or _Run()
    answers = {
        path: {"status": answer[0], "body": _body(answer[1])} if answer else {"status": None, "body": None}
        for path, answer in run.answers.items()
    }
    first = next(iter(answers.values()), {"status": None, "body": None})
    return ImageReport(
        tag=tag,
        built=True,
        build_seconds=build.seconds,
        size_bytes=facts.size_bytes,
        layers=facts.layers,
        user=facts.user,
        non_root=is_non_root(facts.user),
        entrypoint=list(facts.entrypoint or facts.cmd),
        started=run.started,
        stayed_up=run.stayed_up,
        exit_code=run.exit_code,
        probe_status=first["status"],
        probe_body=first["body"],
        log_tail=run.log[-LOG_KEPT_CHARS:],
        answers=answers,
        ports=run.ports,
        port_answers={name: asdict(answer) for name, answer in run.port_answers.items()},
        errors=error_lines(run.log)[:ERROR_LINES_KEPT],
        zone=asdict(run.zone) if run.zone else None,
        os_packages=packages,
    )


def _report(
    original: ImageReport, rewritten: ImageReport, runs: dict[str, _Run], probes: list[str], found: list[Difference]
) -> VerifyReport:
    answers_match = None
    if probes and original.built and rewritten.built:
        answers_match = all(
            runs["original"].answers.get(path) is not None
            and runs["original"].answers.get(path) == runs["rewritten"].answers.get(path)
            for path in probes
        )
    ratio = None
    if original.size_bytes and rewritten.size_bytes:
        ratio = round(original.size_bytes / rewritten.size_bytes, 2)
    removed = None
    if original.os_packages is not None and rewritten.os_packages is not None:
        removed = max(0, original.os_packages - rewritten.os_packages)
    return VerifyReport(
        original=original,
        rewritten=rewritten,
        probe=probes[0] if probes else None,
        size_ratio=ratio,
        answers_match=answers_match,
        ok=not found,
        reason="; ".join(d.message for d in found),
        probes=list(probes),
        differences=found,
        packages_removed=removed,
    )


def _body(data: bytes) -> str:
    return data.decode("utf-8", "replace")[:REPORT_BODY_CHARS]


def _with(report: ImageReport, **changes) -> ImageReport:
    return ImageReport(**{**asdict(report), **changes})


def _quietly(step, *args) -> None:
    """Cleanup must not hide the real outcome, and must go on after one failure."""
    try:
        step(*args)
    except Exception:
        pass
