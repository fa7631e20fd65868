"""Build the original and the rewritten image, run both, and say whether the rewrite is safe to ship.

Safe means: both build, the rewritten one stays up, it answers every probe exactly like
the original, it runs as a non-root user, and its entry binary is static (scratch has
no loader or libc).
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

from rewriter.verify.elf import is_static_elf
from rewriter.verify.engine import Container, Engine, EngineError, ImageFacts

PROBE_BODY_LIMIT = 1 << 20     # bytes read from an answer
REPORT_BODY_CHARS = 500        # characters of an answer kept in the report
POLL_SECONDS = 0.2
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
    static: bool | None = None         # checked on the rewritten image only
    started: bool = False              # the engine started the process
    stayed_up: bool = False            # still running after the settle time and the probe
    probe_status: int | None = None    # the answer to the first probe path
    probe_body: str | None = None      # truncated
    log_tail: str = ""                 # build log if the build failed, else container output
    answers: dict[str, dict] = field(default_factory=dict)  # every probe path: {"status", "body"}


@dataclass(frozen=True)
class VerifyReport:
    original: ImageReport
    rewritten: ImageReport
    probe: str | None                  # the first probe path
    size_ratio: float | None           # original / rewritten
    answers_match: bool | None         # None when no probe was asked for
    ok: bool
    reason: str
    probes: list[str] = field(default_factory=list)

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
    started: bool = False
    stayed_up: bool = False
    answers: dict[str, tuple[int, bytes] | None] = field(default_factory=dict)
    log_tail: str = ""


def verify(original_text: str, rewritten_text: str, context: Path, *, engine: Engine,
           probe: str | Sequence[str] | None = None, port: int | None = None,
           timeout: float = 30.0, keep: bool = False, env: dict[str, str] | None = None,
           settle: float = 1.0, build_timeout: float = 900.0, no_cache: bool = False,
           on_step: Callable[[str], None] | None = None) -> VerifyReport:
    """Compare the two Dockerfiles by building and running them on `engine`.

    `probe` is one path or several: each is fetched from both containers and the
    answers must be equal, so leave out paths whose answer depends on the uid.
    `port` is the container port to publish (default: the first exposed TCP port);
    `timeout` bounds the wait for each container to answer. `on_step` hears what is
    being done, for a progress display. Containers are always removed, images too
    unless `keep`, even on Ctrl-C.
    """
    probes = _probe_paths(probe)
    step = on_step or (lambda _message: None)
    run_id = uuid.uuid4().hex[:10]
    tags = {side: f"localhost/goslim-verify/{side}-{run_id}:latest" for side in SIDES}
    names = {side: f"goslim-verify-{side}-{run_id}" for side in SIDES}
    texts = {"original": original_text, "rewritten": rewritten_text}
    builds, facts, runs = {}, {}, {}
    static: bool | None = None
    static_problem = ""
    try:
        for side in SIDES:
            step(f"building the {side} image")
            builds[side] = engine.build(texts[side], Path(context), tags[side], no_cache=no_cache,
                                        timeout=build_timeout)
            if builds[side].ok:
                facts[side] = engine.inspect(tags[side])
        container_port = port or _exposed_port(facts) or (8080 if probes else None)
        for side in SIDES:
            if side in facts:
                step(f"running the {side} image")
                runs[side] = _exercise(engine, tags[side], names[side], port=container_port,
                                       probes=probes, timeout=timeout, settle=settle, env=env)
                engine.remove_container(names[side])
        if "rewritten" in facts:
            step("reading the entry binary")
            static, static_problem = _entry_static(engine, tags["rewritten"], facts["rewritten"])
    finally:
        for side in SIDES:
            _quietly(engine.remove_container, names[side])
        if not keep:
            for side in SIDES:
                _quietly(engine.remove_image, tags[side])
    reports = {side: _image_report(tags[side], builds[side], facts.get(side), runs.get(side))
               for side in SIDES}
    reports["rewritten"] = _with(reports["rewritten"], static=static)
    return _judge(reports["original"], reports["rewritten"], runs, probes, static_problem)


def _probe_paths(probe: str | Sequence[str] | None) -> list[str]:
    paths = [probe] if isinstance(probe, str) else list(probe or ())
    for path in paths:
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError(f"probe path must start with '/': {path!r}")
    return list(dict.fromkeys(paths))


def _exercise(engine: Engine, tag: str, name: str, *, port: int | None, probes: list[str],
              timeout: float, settle: float, env: dict[str, str] | None) -> _Run:
    try:
        container = engine.run(tag, port=port, env=env, name=name)
    except EngineError as err:
        return _Run(log_tail=str(err))
    result = _Run(started=True, answers=dict.fromkeys(probes))
    began = time.monotonic()
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
                if result.answers[path] is None:   # not listening yet: try again later
                    break
        answered = all(answer is not None for answer in result.answers.values())
        if not running:
            break
        if elapsed >= timeout or (elapsed >= settle and answered):
            break
        time.sleep(POLL_SECONDS)
    result.stayed_up = engine.is_running(container)
    result.log_tail = _container_log(engine, container)
    return result


def _container_log(engine: Engine, container: Container) -> str:
    try:
        return engine.logs(container).strip()[-4000:]
    except EngineError as err:
        return f"(no logs: {err})"


def _entry_static(engine: Engine, tag: str, facts: ImageFacts) -> tuple[bool | None, str]:
    """(static?, why unknown) for the binary the image starts."""
    candidates = _entry_candidates(facts)
    if not candidates:
        return None, "the image has no ENTRYPOINT or CMD"
    for path in candidates:
        try:
            data = engine.export_file(tag, path)
        except (FileNotFoundError, IsADirectoryError):
            continue
        except EngineError as err:
            return None, f"could not read {path}: {err}"
        if is_static_elf(data):
            return True, ""
        kind = "dynamically linked" if data[:4] == b"\x7fELF" else "not an ELF binary"
        return False, f"entry binary {path} is {kind}"
    return None, f"entry binary {candidates[0]} is not in the image"


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


def _image_report(tag: str, build, facts: ImageFacts | None, run: _Run | None) -> ImageReport:
    if not build.ok:
        return ImageReport(tag=tag, built=False, build_seconds=build.seconds, log_tail=build.log_tail)
    run = run or _Run()
    answers = {path: {"status": answer[0], "body": _body(answer[1])} if answer else
               {"status": None, "body": None} for path, answer in run.answers.items()}
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
        probe_status=first["status"],
        probe_body=first["body"],
        log_tail=run.log_tail,
        answers=answers,
    )


def _body(data: bytes) -> str:
    return data.decode("utf-8", "replace")[:REPORT_BODY_CHARS]


def _judge(original: ImageReport, rewritten: ImageReport, runs: dict[str, _Run], probes: list[str],
           static_problem: str) -> VerifyReport:
    problems: list[str] = []
    for side, report in (("original", original), ("rewritten", rewritten)):
        if not report.built:
            problems.append(f"build failed: {side}: {_last_lines(report.log_tail, 3)}")
    answers_match = None
    if original.built and rewritten.built:
        if not rewritten.started:
            problems.append(f"did not start: {_last_lines(rewritten.log_tail, 3)}")
        elif not rewritten.stayed_up:
            problems.append(f"exited immediately: {_last_lines(rewritten.log_tail, 3) or '(no output)'}")
        if probes:
            answers_match = True
            for path in probes:
                original_answer = runs["original"].answers.get(path)
                rewritten_answer = runs["rewritten"].answers.get(path)
                same = original_answer is not None and original_answer == rewritten_answer
                answers_match = answers_match and same
                explained = rewritten_answer is None and not rewritten.stayed_up
                if not same and not explained:
                    problems.append(f"probe differed: GET {path}: "
                                    f"original {_describe(original_answer, original)}, "
                                    f"rewritten {_describe(rewritten_answer, rewritten)}")
        if rewritten.static is not True:
            problems.append(static_problem or "entry binary is not static")
        if not rewritten.non_root:
            problems.append(f"runs as root (USER {rewritten.user or 'not set'})")
    ratio = None
    if original.size_bytes and rewritten.size_bytes:
        ratio = round(original.size_bytes / rewritten.size_bytes, 2)
    return VerifyReport(original=original, rewritten=rewritten, probe=probes[0] if probes else None,
                        size_ratio=ratio, answers_match=answers_match, ok=not problems,
                        reason="; ".join(problems), probes=list(probes))


def _describe(answer: tuple[int, bytes] | None, report: ImageReport) -> str:
    if answer is None:
        if not report.started:
            return f"did not start ({_last_lines(report.log_tail, 1)})"
        if not report.stayed_up:
            return f"exited ({_last_lines(report.log_tail, 1) or 'no output'})"
        return "no answer"
    status, body = answer
    text = body.decode("utf-8", "replace")
    return f"{status} {text[:80]!r}{'…' if len(text) > 80 else ''}"


def _last_lines(text: str, count: int) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])


def _with(report: ImageReport, **changes) -> ImageReport:
    return ImageReport(**{**asdict(report), **changes})


def _quietly(step, *args) -> None:
    """Cleanup must not hide the real outcome, and must go on after one failure."""
    try:
        step(*args)
    except Exception:
        pass
