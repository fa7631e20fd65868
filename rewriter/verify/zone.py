"""The local time zone a Go program sees in an image, worked out from outside it.

A Go program that finds no zone data does not fail: it quietly runs in UTC. So the zone
cannot be read from its output; instead this follows what Go's time package does when it
starts (time/zoneinfo_unix.go, initLocal) on the image's files, the process's
environment and the program's own binary:

- no TZ: /etc/localtime; TZ="" or "UTC": UTC;
- TZ=/abs/path (or ":/abs/path"): that file;
- TZ=Area/City: /usr/share/zoneinfo, /usr/share/lib/zoneinfo, /usr/lib/locale/TZ,
  /etc/zoneinfo, then the copy compiled into the binary by `-tags timetzdata` or
  `import _ "time/tzdata"`, then $GOROOT/lib/time/zoneinfo.zip (time/zoneinfo_read.go,
  loadLocation), GOROOT being the variable or else the toolchain's root the linker wrote
  into a binary built without -trimpath (runtime.GOROOT);
- anything not found: UTC.

The zone is then described by what `date` would print at two instants, one in January
and one in July, so two copies of the same zone compare equal whatever their tzdata
release, and a lost zone shows as the UTC it became.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

ZONE_DIRS = ("/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/", "/etc/zoneinfo")
INSTANTS = (datetime(2024, 1, 15, 12, 0, tzinfo=UTC), datetime(2024, 7, 15, 12, 0, tzinfo=UTC))
UTC_TIMES = tuple(f"{t:%Y-%m-%d %H:%M} UTC +00:00" for t in INSTANTS)
_ZIP_ENTRY = b"PK\x03\x04"
_ZIP_HEADER = struct.Struct("<4sHHHHHIIIHH")  # a zip local file header


@dataclass(frozen=True)
class Zone:
    """The zone a process sees: its name, where its data came from, and the wall clock at INSTANTS."""

    name: str
    source: str  # "/usr/share/zoneinfo/Europe/Paris", "the binary (timetzdata)", "fallback"...
    times: tuple[str, ...]  # "2024-01-15 07:00 EST -05:00", ...

    def describe(self) -> str:
        return f"{self.name} ({', '.join(self.times)}; from {self.source})"


Reader = Callable[[str], bytes]  # a file of the image, symlinks followed; FileNotFoundError


def sets_zone(env: dict[str, str], read: Reader) -> bool:
    """Whether the process gets a zone of its own: TZ is set, or the image has /etc/localtime."""
    if "TZ" in env:
        return True
    return _load(read, "/etc/localtime") is not None


def seen_zone(env: dict[str, str], read: Reader, binary: Callable[[], bytes | None]) -> Zone:
    """The zone Go's time.Local resolves to; `binary` gives the entry binary when it is needed."""
    if "TZ" not in env:
        data = _load(read, "/etc/localtime")
        return _zone("Local", "/etc/localtime", data) if data else _utc("fallback: no /etc/localtime")
    tz = env["TZ"].removeprefix(":")
    if tz == "" or tz == "UTC":
        return _utc(f"TZ={env['TZ']!r}")
    if tz.startswith("/"):
        data = _load(read, tz)
        return _zone(tz, tz, data) if data else _utc(f"fallback: TZ={tz} is not in the image")
    for folder in ZONE_DIRS:
        path = posixpath.join(folder, tz)
        data = _load(read, path)
        if data:
            return _zone(tz, path, data)
    program = binary()
    data = embedded_zone(program, tz) if program else None
    if data:
        return _zone(tz, "the binary (timetzdata)", data)
    goroot = env.get("GOROOT") or (build_goroot(program) if program else None)
    if goroot:
        archive = posixpath.join(goroot, "lib/time/zoneinfo.zip")
        try:
            data = embedded_zone(read(archive), tz)
        except (FileNotFoundError, IsADirectoryError):
            data = None
        if data:
            return _zone(tz, archive, data)
    return _utc(
        f"fallback: TZ={tz} is neither in /usr/share/zoneinfo nor in the binary"
        + (f" nor in {goroot}/lib/time/zoneinfo.zip" if goroot else "")
    )


# A file of the runtime package as the line table of a binary built without -trimpath names it.
_RUNTIME_SOURCE = re.compile(rb"(?<![\x21-\x7e])(/[\x21-\x7e]{1,200}?)/src/runtime/proc\.go")


def build_goroot(binary: bytes) -> str | None:
    """The GOROOT a Go binary falls back on: the toolchain's root, which the linker writes
    into it unless it was built with -trimpath. Its line table names the runtime's own
    sources under that root, which gives it back."""
    match = _RUNTIME_SOURCE.search(binary)
    return match.group(1).decode() if match else None


def embedded_zone(binary: bytes, name: str) -> bytes | None:
    """The zone's TZif data from the zip that package time/tzdata compiles into a binary."""
    wanted = name.encode()
    for match in re.finditer(re.escape(_ZIP_ENTRY) + b".{26}" + re.escape(wanted), binary, re.DOTALL):
        start = match.start()
        fields = _ZIP_HEADER.unpack_from(binary, start)
        method, size, name_length, extra_length = fields[3], fields[8], fields[9], fields[10]
        if method != 0 or name_length != len(wanted):
            continue  # Go stores the entries uncompressed
        data_start = start + _ZIP_HEADER.size + name_length + extra_length
        return binary[data_start : data_start + size]
    return None


def _load(read: Reader, path: str) -> bytes | None:
    """A TZif file Go would accept, or None."""
    try:
        data = read(path)
    except (FileNotFoundError, IsADirectoryError):
        return None
    return data if data.startswith(b"TZif") else None


def _zone(name: str, source: str, data: bytes) -> Zone:
    try:
        zone = zoneinfo.ZoneInfo.from_file(io.BytesIO(data), key=name)
        times = tuple(_wall_clock(t.astimezone(zone)) for t in INSTANTS)
    except (ValueError, OSError):
        return _utc(f"fallback: {source} is not zone data")
    return Zone(name, source, times)


def _wall_clock(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()} {sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _utc(source: str) -> Zone:
    return Zone("UTC", source, UTC_TIMES)
