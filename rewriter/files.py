"""Reading Dockerfiles exactly as they are on disk and writing them back without surprises.

A rewrite must not change anything it did not mean to: the encoding, the byte order mark,
the line endings and the file mode all survive a round trip, and a write either lands
whole or not at all.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat as stat_mod
from pathlib import Path

from rewriter.record import Record

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import ClassVar, Final

MAX_BYTES = 10 * 1024 * 1024

# Longest marks first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ENCODINGS = frozenset(name for _, name in _BOMS)
BOM = "\ufeff"


class SourceError(Exception):
    """A file that cannot be read or written; the message is one line a user can act on."""

    def __init__(
        self, path: str | os.PathLike, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message)
        self.path = os.fspath(path)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def __reduce__(self):
        return (SourceError, (self.path, self.message, self.line, self.column))


class SourceFile(Record):
    _fields: ClassVar[tuple[str, ...]] = ("path", "text", "encoding", "bom", "newline")

    path: Final[Path]
    text: Final[str]  # starts with "\ufeff" when the file has a byte order mark; CRLF kept
    encoding: Final[str]  # a Python codec name: utf-8, utf-16-le, utf-16-be, utf-32-le, utf-32-be
    bom: Final[bool]
    newline: Final[str]  # "\r\n" when the first line ends that way, else "\n"
    stat: Final[os.stat_result | None]

    def __init__(
        self, path: Path, text: str, encoding: str, bom: bool, newline: str, stat: os.stat_result | None = None
    ) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self.bom = bom
        self.newline = newline
        self.stat = stat


def read_source(path: str | os.PathLike) -> SourceFile:
    """Read one Dockerfile, refusing anything that is not a text file goslim can write back."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourceError(path, _open_error(path, exc)) from None
    if stat_mod.S_ISDIR(st.st_mode):
        raise SourceError(path, "is a directory, not a Dockerfile")
    if not stat_mod.S_ISREG(st.st_mode):
        raise SourceError(path, "not a regular file")
    if st.st_size > MAX_BYTES:
        raise SourceError(path, f"file is too large ({_size(st.st_size)}; the limit is {_size(MAX_BYTES)})")
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            # Sized by the file: read(MAX_BYTES + 1) allocates that much for every file.
            data = handle.read(min(st.st_size, MAX_BYTES) + 1)
            if len(data) > st.st_size:  # it grew since fstat (or /proc-like size 0)
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as exc:
        raise SourceError(path, _open_error(path, exc)) from None
    return decode_source(data, path, stat=st)


def decode_source(data: bytes, path: str | os.PathLike = "-", *, stat: os.stat_result | None = None) -> SourceFile:
    """Decode the bytes of a Dockerfile (from disk or stdin) with the same checks as read_source."""
    path = Path(path)
    if len(data) > MAX_BYTES:
        raise SourceError(path, f"input is too large (more than {_size(MAX_BYTES)})")
    encoding, bom = _detect_encoding(data, path)
    body = data[len(_bom_bytes(encoding)) :] if bom else data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":
            offset = len(data) - len(body) + exc.start
            line, column = _position(data, offset)
            raise SourceError(path, f"invalid UTF-8 (byte 0x{data[offset]:02x})", line, column) from None
        raise SourceError(path, f"invalid {encoding.upper()} after its byte order mark") from None
    if "\x00" in text:
        line, column = _text_position(text, text.index("\x00"))
        raise SourceError(path, "binary file (NUL byte)", line, column)
    if bom:
        text = BOM + text
    if not text.lstrip(BOM):
        raise SourceError(path, "file is empty")
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    return SourceFile(path=path, text=text, encoding=encoding, bom=bom, newline=newline, stat=stat)


def encode_source(text: str, encoding: str, *, bom: bool | None = None) -> bytes:
    """Encode text the way it was read; UTF-16/32 always carry their byte order mark."""
    if encoding not in _ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}")
    if encoding != "utf-8":
        bom = True
    if bom and not text.startswith(BOM):
        text = BOM + text
    elif bom is False and text.startswith(BOM):
        text = text[1:]
    return text.encode(encoding)


def write_atomic(
    path: str | os.PathLike, text: str, encoding: str, *, expected: os.stat_result, bom: bool | None = None
) -> None:
    """Replace a file in one step, or leave it untouched and raise SourceError.

    The new bytes go to a temporary file beside the target, are flushed to disk and then
    renamed over it, so a crash leaves either the old or the new content. A file that
    changed since it was read (``expected``) is not overwritten.
    """
    shown = Path(path)
    target = Path(os.path.realpath(path))
    data = encode_source(text, encoding, bom=bom)
    current = _stat_for_write(shown, target)
    _ensure_unchanged(shown, current, expected)
    if not os.access(target, os.W_OK):
        raise SourceError(shown, "cannot write: the file is read-only")

    import tempfile  # only writes need it; reading and --check start faster without

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".goslim.tmp", dir=target.parent)
    except OSError as exc:
        raise SourceError(shown, f"cannot write: {_write_reason(exc, 'directory')}") from None
    try:
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fchmod(handle.fileno(), stat_mod.S_IMODE(current.st_mode))
                if os.geteuid() == 0:
                    os.fchown(handle.fileno(), current.st_uid, current.st_gid)
                os.fsync(handle.fileno())
            _ensure_unchanged(shown, _stat_for_write(shown, target), expected)
            os.replace(tmp_name, target)
        except OSError as exc:
            raise SourceError(shown, f"cannot write: {_write_reason(exc, 'file')}") from None
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)


def _detect_encoding(data: bytes, path: Path) -> tuple[str, bool]:
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name, True
    if b"\x00" in data:
        guess = _bomless_utf16_32(data)
        if guess:
            raise SourceError(path, f"looks like {guess} without a byte order mark; save it as UTF-8 (or add a BOM)")
        line, column = _position(data, data.index(b"\x00"))
        raise SourceError(path, "binary file (NUL byte)", line, column)
    return "utf-8", False


def _bomless_utf16_32(data: bytes) -> str | None:
    """Name the encoding of mostly-ASCII text saved as UTF-16/32 without a BOM, if it is one."""
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 4:
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        units = [sample[i : i + width] for i in range(0, len(sample), width)]
        for order, high in (("LE", slice(1, None)), ("BE", slice(None, -1))):
            narrow = sum(1 for u in units if not any(u[high]) and any(u))
            if narrow >= 0.9 * len(units):
                return f"{name} {order}"
    return None


def _bom_bytes(encoding: str) -> bytes:
    return next(mark for mark, name in _BOMS if name == encoding)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset in UTF-8-ish data."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[line_start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(prefix) + 1


def _text_position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _open_error(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return f"broken symlink (points to {os.readlink(path)}, which does not exist)"
        return "no such file"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a directory, not a Dockerfile"
    return f"cannot open: {exc.strerror or exc}"


def _stat_for_write(shown: Path, target: Path) -> os.stat_result:
    try:
        return os.stat(target)
    except FileNotFoundError:
        raise SourceError(shown, "was deleted since it was read; not written") from None
    except OSError as exc:
        raise SourceError(shown, f"cannot write: {exc.strerror or exc}") from None


def _ensure_unchanged(shown: Path, current: os.stat_result, expected: os.stat_result) -> None:
    if (current.st_size, current.st_mtime_ns) != (expected.st_size, expected.st_mtime_ns):
        raise SourceError(shown, "changed on disk since it was read; not written")


def _write_reason(exc: OSError, what: str) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied (is the {what} read-only or immutable?)"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    return exc.strerror or str(exc)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
