"""The behaviour diff of goslim verify, without a container engine: socket tables, GET /,
error lines, the time zone Go would see, package databases, and the differences verify
names when a fake engine's rewrite behaves unlike its original."""

from __future__ import annotations

import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fake_engine import FakeEngine, FakeImage, static_elf

from rewriter.verify import verify
from rewriter.verify.engine import container_state, free_port
from rewriter.verify.observe import (
    TCP_LISTEN,
    UDP_UNCONNECTED,
    answer_of,
    error_lines,
    listening_ports,
    new_errors,
    parse_socket_table,
)
from rewriter.verify.packages import apk_installed, count_packages, dpkg_installed
from rewriter.verify.zone import build_goroot, embedded_zone, seen_zone, sets_zone

ZONEINFO = Path("/usr/share/zoneinfo")
NEW_YORK = ("2024-01-15 07:00 EST -05:00", "2024-07-15 08:00 EDT -04:00")
UTC = ("2024-01-15 12:00 UTC +00:00", "2024-07-15 12:00 UTC +00:00")


def tzif(name: str) -> bytes:
    path = ZONEINFO / name
    if not path.exists():
        pytest.skip(f"this host has no zone data at {path} (Debian's tzdata package)")
    return path.read_bytes()


# ---------------------------------------------------------------------------- socket tables

# Rows of /proc/net/tcp6 and /proc/net/udp as the kernel writes them, cut after the
# columns that are read (sl, local_address, rem_address, st).
TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000
   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D2F0 01 00000000:00000000
   2: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000
"""
UDP = """\
   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4 2 0 0
  2: 0100007F:8F3A 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 5 2 0 0
"""


def test_a_socket_table_gives_listening_ports_only():
    assert parse_socket_table(TCP6, TCP_LISTEN) == {8080, 631}  # not the accepted connection
    assert parse_socket_table(UDP, UDP_UNCONNECTED) == {5353}  # not the connected DNS client


def test_listening_ports_are_read_from_the_real_proc(tmp_path):
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        udp.bind(("127.0.0.1", 0))
        ports = listening_ports("self", Path("/proc"))
        assert f"{tcp.getsockname()[1]}/tcp" in ports
        assert f"{udp.getsockname()[1]}/udp" in ports
    finally:
        tcp.close()
        udp.close()


def test_listening_ports_in_order_and_none_when_unreadable(tmp_path):
    net = tmp_path / "42" / "net"
    net.mkdir(parents=True)
    (net / "tcp6").write_text(TCP6)
    (net / "udp").write_text(UDP)
    assert listening_ports(42, tmp_path) == ["631/tcp", "8080/tcp", "5353/udp"]
    assert listening_ports(43, tmp_path) is None


# ---------------------------------------------------------------------------- GET /


def _serve(handler_body, content_type="text/plain; charset=utf-8"):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = handler_body()
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


def test_get_slash_gives_status_type_and_a_stable_body_hash():
    server = _serve(lambda: b"ok\n")
    try:
        answer = answer_of("127.0.0.1", server.server_address[1], tries=2)
    finally:
        server.shutdown()
        server.server_close()
    assert (answer.open, answer.http, answer.status) == (True, True, 200)
    assert answer.content_type == "text/plain; charset=utf-8"
    assert answer.body_sha256 == "dc51b8c96c2d745df3bd5590d990230a482fd247123599548e0632fdbf97fc22"
    assert answer.stable and answer.body == "ok"


def test_a_body_that_changes_between_two_gets_is_compared_without_its_hash():
    counter = iter(range(1000))
    server = _serve(lambda: f"hits={next(counter)}\n".encode())
    try:
        first = answer_of("127.0.0.1", server.server_address[1], tries=2)
        later = answer_of("127.0.0.1", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    assert first.stable is False and first.body_sha256 != later.body_sha256
    assert first.same_as(later)
    assert not first.same_as(later.__class__(**{**later.__dict__, "status": 500}))


def test_a_port_that_does_not_speak_http_is_open_and_a_free_one_closed():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def greet():
        conn, _ = listener.accept()
        conn.sendall(b"\x00\x01 not http\r\n\r\n")
        conn.close()

    threading.Thread(target=greet, daemon=True).start()
    try:
        answer = answer_of("127.0.0.1", listener.getsockname()[1], timeout=2)
    finally:
        listener.close()
    assert (answer.open, answer.http) == (True, False)
    assert answer.describe() == "open, not HTTP"
    closed = answer_of("127.0.0.1", free_port(), timeout=1)
    assert (closed.open, closed.describe()) == (False, "closed")


# ---------------------------------------------------------------------------- error lines


def test_error_lines_and_which_are_new():
    original = (
        "2024/05/01 10:00:00 listening on :8080\n"
        "2024/05/01 10:00:00 dial tcp 10.0.0.7:5432: connect: no such file or directory\n"
    )
    rewritten = (
        "2024/06/02 11:11:11 listening on :8080\n"
        "2024/06/02 11:11:11 dial tcp 10.0.0.9:5432: connect: no such file or directory\n"
        "2024/06/02 11:11:11 state: open /app/data/started: permission denied\n"
        "2024/06/02 11:11:11 config: open /app/config.json: no such file or directory\n"
    )
    assert error_lines(original) == ["2024/05/01 10:00:00 dial tcp 10.0.0.7:5432: connect: no such file or directory"]
    assert new_errors(original, rewritten) == [
        "2024/06/02 11:11:11 state: open /app/data/started: permission denied",
        "2024/06/02 11:11:11 config: open /app/config.json: no such file or directory",
    ]
    assert new_errors(rewritten, original) == []
    assert error_lines("time: unknown time zone America/New_York\npanic: boom\nall good") == [
        "time: unknown time zone America/New_York",
        "panic: boom",
    ]


# ---------------------------------------------------------------------------- time zones


def reader(files: dict[str, bytes]):
    def read(path: str) -> bytes:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    return read


def tzdata_zip(name: str, data: bytes) -> bytes:
    """One stored entry as package time/tzdata lays it out, inside unrelated bytes."""
    header = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 0, 0, 0, 0, 0, 0, len(data), len(data), len(name), 0)
    return b"\x7fELF...rodata..." + header + name.encode() + data + b"...more"


def test_tz_names_a_zone_from_the_image_files():
    files = reader({"/usr/share/zoneinfo/America/New_York": tzif("America/New_York")})
    zone = seen_zone({"TZ": "America/New_York"}, files, lambda: None)
    assert zone.times == NEW_YORK and zone.source == "/usr/share/zoneinfo/America/New_York"
    assert seen_zone({"TZ": ":America/New_York"}, files, lambda: None).times == NEW_YORK


def test_tz_without_zone_data_falls_back_to_utc_unless_the_binary_embeds_it():
    binary = tzdata_zip("America/New_York", tzif("America/New_York"))
    lost = seen_zone({"TZ": "America/New_York"}, reader({}), lambda: static_elf())
    assert lost.name == "UTC" and lost.times == UTC
    assert "neither in /usr/share/zoneinfo nor in the binary" in lost.source
    kept = seen_zone({"TZ": "America/New_York"}, reader({}), lambda: binary)
    assert kept.times == NEW_YORK and kept.source == "the binary (timetzdata)"
    assert embedded_zone(binary, "America/New") is None  # a name's prefix is not the zone


def test_tz_falls_back_on_the_zoneinfo_zip_of_the_goroot_the_binary_was_built_with():
    """Go's last source for a zone: $GOROOT/lib/time/zoneinfo.zip, GOROOT being the variable
    or the toolchain root written into a binary built without -trimpath."""
    archive = tzdata_zip("America/New_York", tzif("America/New_York"))
    built_in_opt = b"\x7fELF...\x00/opt/go/src/runtime/proc.go\x00/opt/go/src/runtime/map.go\x00..."
    files = reader({"/opt/go/lib/time/zoneinfo.zip": archive, "/usr/local/go/lib/time/zoneinfo.zip": archive})
    zone = seen_zone({"TZ": "America/New_York"}, files, lambda: built_in_opt)
    assert zone.times == NEW_YORK and zone.source == "/opt/go/lib/time/zoneinfo.zip"
    assert build_goroot(built_in_opt) == "/opt/go"
    trimmed = b"\x7fELF...\x00runtime/proc.go\x00..."  # -trimpath: no GOROOT in the binary
    assert build_goroot(trimmed) is None
    assert seen_zone({"TZ": "America/New_York"}, files, lambda: trimmed).times == UTC
    by_variable = seen_zone({"TZ": "America/New_York", "GOROOT": "/usr/local/go"}, files, lambda: trimmed)
    assert by_variable.source == "/usr/local/go/lib/time/zoneinfo.zip"
    elsewhere = seen_zone({"TZ": "America/New_York"}, reader({}), lambda: built_in_opt)
    assert elsewhere.times == UTC and "/opt/go/lib/time/zoneinfo.zip" in elsewhere.source


def test_localtime_absolute_tz_empty_tz_and_utc():
    paris = tzif("Europe/Paris")
    files = reader({"/etc/localtime": paris, "/zones/paris": paris})
    assert seen_zone({}, files, lambda: None).times[0] == "2024-01-15 13:00 CET +01:00"
    assert seen_zone({"TZ": "/zones/paris"}, files, lambda: None).times[1] == "2024-07-15 14:00 CEST +02:00"
    assert seen_zone({"TZ": ""}, files, lambda: None).times == UTC
    assert seen_zone({"TZ": "UTC"}, files, lambda: None).times == UTC
    assert seen_zone({}, reader({}), lambda: None).times == UTC
    assert seen_zone({}, reader({"/etc/localtime": b"not zone data"}), lambda: None).times == UTC


def test_when_the_original_sets_a_zone():
    assert sets_zone({"TZ": "Europe/Paris"}, reader({}))
    assert sets_zone({}, reader({"/etc/localtime": tzif("Etc/UTC")}))
    assert not sets_zone({"PATH": "/bin"}, reader({}))


# ---------------------------------------------------------------------------- packages

DPKG = """\
Package: base-files
Status: install ok installed
Version: 12.4

Package: removed-one
Status: deinstall ok config-files

Package: tzdata
Status: install ok installed
Description: time zone and daylight-saving time data
 continued: line
"""


def test_package_databases():
    assert dpkg_installed(DPKG) == 2
    assert apk_installed("C:Q1abc\nP:musl\nV:1.2\n\nC:Q1def\nP:busybox\n") == 2
    files = {
        "/var/lib/dpkg/status": DPKG.encode(),
        "/var/lib/dpkg/status.d/libc6": b"Package: libc6\nVersion: 2.36\n",
        "/var/lib/dpkg/status.d/netbase": b"Package: netbase\n",
    }
    assert count_packages(reader(files), folder_reader(files)) == 4
    assert count_packages(reader({}), folder_reader({})) == 0


def folder_reader(files: dict[str, bytes]):
    def read_folder(path: str) -> dict[str, bytes]:
        found = {name.rpartition("/")[2]: data for name, data in files.items() if name.rpartition("/")[0] == path}
        if not found:
            raise FileNotFoundError(path)
        return found

    return read_folder


# ---------------------------------------------------------------------------- container inspect


def test_container_state_from_inspect():
    running = {
        "State": {"Running": True, "Pid": 4242, "ExitCode": 0},
        "Config": {"Env": ["PATH=/bin", "TZ=Europe/Paris", "TZ=ignored"]},
        "NetworkSettings": {"IPAddress": "", "Networks": {"podman": {"IPAddress": "10.88.0.5"}}},
    }
    state = container_state(running)
    assert (state.running, state.pid, state.exit_code) == (True, 4242, None)
    assert state.addresses == ("10.88.0.5",) and state.env["TZ"] == "Europe/Paris"
    exited = container_state({"State": {"Running": False, "Pid": 0, "ExitCode": 2}, "Config": {"Env": None}})
    assert (exited.running, exited.pid, exited.exit_code, exited.addresses) == (False, None, 2, ())


# ---------------------------------------------------------------------------- differences, end to end with the fake

FAT_TEXT, SLIM_TEXT = "FROM golang:1.23\n", "FROM scratch\n"


def run_verify(rewritten: FakeImage, original: FakeImage | None = None, **kwargs):
    engine = FakeEngine(rewritten, **({"original": original} if original else {}))
    report = verify(FAT_TEXT, SLIM_TEXT, Path("."), engine=engine, timeout=5, settle=0.1, **kwargs)
    engine.assert_clean()
    return report


def original_image(**changes) -> FakeImage:
    base = dict(
        user="",
        entrypoint=(),
        cmd=("./main",),
        workdir="/app",
        size=750_000_000,
        files={"/var/lib/dpkg/status": DPKG.encode()},
    )
    return FakeImage(**{**base, **changes})


def kinds(report) -> list[str]:
    return [d.kind for d in report.differences]


def test_same_behaviour_with_no_probe_is_verified_and_counts_the_packages_removed():
    report = run_verify(FakeImage())
    assert report.ok, report.reason
    assert report.original.ports == report.rewritten.ports == ["8080/tcp"]
    answer = report.rewritten.port_answers["8080/tcp"]
    assert (answer["status"], answer["content_type"], answer["body"]) == (200, "text/plain; charset=utf-8", "ok")
    assert report.original.os_packages == 0 and report.packages_removed == 0
    assert run_verify(FakeImage(), original_image()).packages_removed == 2
    json.dumps(report.as_dict())


def test_a_port_that_moved_is_named():
    report = run_verify(FakeImage(ports=("9090/tcp",), answers=None))
    assert kinds(report) == ["ports"]
    assert report.reason == "listening ports differ: original 8080/tcp, rewritten 9090/tcp"


def test_get_slash_that_differs_is_named_with_both_answers():
    report = run_verify(FakeImage(answers={"/": (404, b"404 page not found\n")}))
    assert kinds(report) == ["http"]
    assert report.reason.startswith("GET / on 8080/tcp differs: original 200 text/plain; charset=utf-8 sha256:")
    assert "rewritten 404 text/plain; charset=utf-8 sha256:" in report.reason
    assert report.reason.endswith("'404 page not found'")


def test_a_new_error_line_fails_even_when_it_keeps_running():
    log = "listening on :8080\nconfig: open /app/config.json: no such file or directory; using defaults\n"
    report = run_verify(FakeImage(log=log))
    assert kinds(report) == ["log"]
    assert report.reason == (
        "new error in the log: 'config: open /app/config.json: no such file or directory; using defaults'"
    )
    assert report.rewritten.errors == ["config: open /app/config.json: no such file or directory; using defaults"]


def test_a_lost_zone_is_named():
    zone = {"/usr/share/zoneinfo/America/New_York": tzif("America/New_York")}
    original = original_image(env={"TZ": "America/New_York"}, files=zone)
    report = run_verify(FakeImage(env={"TZ": "America/New_York"}), original)
    assert kinds(report) == ["zone"]
    assert report.reason.startswith("time zone differs: original sees America/New_York (2024-01-15 07:00 EST")
    assert "rewritten sees UTC (2024-01-15 12:00 UTC +00:00" in report.reason
    assert tuple(report.rewritten.zone["times"]) == UTC
    embedded = {"/main": static_elf() + tzdata_zip("America/New_York", tzif("America/New_York"))}
    assert run_verify(FakeImage(env={"TZ": "America/New_York"}, files=embedded), original).ok


def test_exit_status_is_compared_when_the_original_exits():
    job = original_image(exits=True, exit_code=0, answers=None, ports=())
    assert run_verify(FakeImage(exits=True, exit_code=0, answers=None, ports=()), job).ok
    report = run_verify(FakeImage(exits=True, exit_code=3, log="bad\n"), job)
    assert report.reason == "exit status differs: original 0, rewritten 3: bad"
    report = run_verify(FakeImage(), job)
    assert report.reason == "kept running while the original exited with status 0"


def test_same_env_and_args_reach_both_containers():
    engine = FakeEngine(FakeImage())
    verify(FAT_TEXT, SLIM_TEXT, Path("."), engine=engine, timeout=5, settle=0.1, env={"MODE": "test"}, args=["-v"])
    assert [(run["env"], run["command"]) for run in engine.runs] == [({"MODE": "test"}, ["-v"])] * 2


def test_a_logger_timestamp_is_left_out_of_the_shown_line():
    from rewriter.verify.observe import without_timestamp

    assert without_timestamp("2026/12/06 01:28:08 config: open x: no such file") == "config: open x: no such file"
    assert without_timestamp("2024-01-02T03:04:05.123Z panic: boom") == "panic: boom"
    assert without_timestamp("panic: boom at 2024/01/02 03:04:05") == "panic: boom at 2024/01/02 03:04:05"
