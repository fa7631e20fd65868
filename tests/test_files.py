"""read_source / write_atomic: bytes in, the same kind of bytes out, or a clear one-line error."""

from __future__ import annotations

import codecs
import errno
import os
import pickle
import shutil
import subprocess

import pytest

from rewriter import files
from rewriter.files import SourceError, decode_source, encode_source, read_source, write_atomic

GO = 'FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\nCMD ["./main"]\n'


def write(path, data: bytes):
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- reading


def test_plain_utf8(tmp_path):
    source = read_source(write(tmp_path / "Dockerfile", GO.encode()))
    assert (source.text, source.encoding, source.bom, source.newline) == (GO, "utf-8", False, "\n")
    assert source.stat.st_size == len(GO)


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_bom_encodings_keep_the_bom_in_the_text_and_round_trip(tmp_path, encoding, bom):
    text = GO.replace("\n", "\r\n") + "# café ☕\r\n"
    path = write(tmp_path / "Dockerfile", bom + text.encode(encoding))
    source = read_source(path)
    assert source.encoding == encoding and source.bom
    assert source.text == "\ufeff" + text
    assert source.newline == "\r\n"

    write_atomic(path, source.text.replace("golang", "GOLANG"), source.encoding, expected=source.stat)
    assert path.read_bytes() == bom + text.replace("golang", "GOLANG").encode(encoding)


def test_crlf_is_kept(tmp_path):
    source = read_source(write(tmp_path / "Dockerfile", GO.replace("\n", "\r\n").encode()))
    assert source.newline == "\r\n" and source.text.count("\r\n") == 5


def test_decode_source_reads_stdin_bytes_the_same_way():
    source = decode_source(codecs.BOM_UTF16_LE + GO.encode("utf-16-le"))
    assert str(source.path) == "-" and source.text == "\ufeff" + GO and source.stat is None


# ---------------------------------------------------------------- refusing


@pytest.mark.parametrize(
    "data, message, line, column",
    [
        ("FROM x\nRUN é\n".encode("utf-16-le"), "looks like UTF-16 LE without a byte order mark", None, None),
        ("FROM x\nRUN y\n".encode("utf-16-be"), "looks like UTF-16 BE without a byte order mark", None, None),
        ("FROM x\nRUN y\n".encode("utf-32-le"), "looks like UTF-32 LE without a byte order mark", None, None),
        (b"FROM x\nRUN a\x00b\n", "binary file (NUL byte)", 2, 6),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)), "binary file (NUL byte)", 1, 8),
        (b"FROM x\nRUN \xc3\xa9\xff\n", "invalid UTF-8 (byte 0xff)", 2, 6),
        (b"FROM x\n\xc3\n", "invalid UTF-8 (byte 0xc3)", 2, 1),
        (b"", "file is empty", None, None),
        (codecs.BOM_UTF8, "file is empty", None, None),
        (codecs.BOM_UTF16_LE + "FROM\x00x".encode("utf-16-le"), "binary file (NUL byte)", 1, 5),
        (codecs.BOM_UTF16_LE + b"F\x00\x00\xd8", "invalid UTF-16-LE after its byte order mark", None, None),
    ],
)
def test_bad_bytes_are_refused_with_a_position(tmp_path, data, message, line, column):
    path = write(tmp_path / "Dockerfile", data)
    with pytest.raises(SourceError) as caught:
        read_source(path)
    error = caught.value
    assert error.message.startswith(message)
    assert (error.line, error.column) == (line, column)
    assert "\n" not in str(error) and str(error).startswith(str(path))


def test_directory(tmp_path):
    (tmp_path / "Dockerfile").mkdir()
    with pytest.raises(SourceError, match="is a directory"):
        read_source(tmp_path / "Dockerfile")


def test_dangling_symlink_names_its_target(tmp_path):
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "gone")
    with pytest.raises(SourceError, match=r"broken symlink \(points to .*gone"):
        read_source(tmp_path / "Dockerfile")


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "Dockerfile")


def test_fifo_is_not_opened(tmp_path):
    os.mkfifo(tmp_path / "Dockerfile")
    with pytest.raises(SourceError, match="not a regular file"):
        read_source(tmp_path / "Dockerfile")


def test_too_large(tmp_path):
    path = tmp_path / "Dockerfile"
    with open(path, "wb") as handle:
        handle.truncate(files.MAX_BYTES + 1)
    with pytest.raises(SourceError, match=r"too large \(10.0 MB; the limit is 10.0 MB\)"):
        read_source(path)
    with pytest.raises(SourceError, match="too large"):
        decode_source(b"#" * (files.MAX_BYTES + 1))


def test_unreadable(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", GO.encode())
    if os.geteuid() != 0:
        path.chmod(0)
    else:  # root reads anything: make open itself fail the way it does for other users

        def deny(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(SourceError, match="permission denied"):
        read_source(path)


def test_source_error_survives_pickling():
    error = pickle.loads(pickle.dumps(SourceError("a/Dockerfile", "bad", 3, 4)))
    assert str(error) == "a/Dockerfile:3:4: bad"


# ---------------------------------------------------------------- writing


def test_write_keeps_mode_and_owner(tmp_path):
    path = write(tmp_path / "Dockerfile", GO.encode())
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 5678)
    source = read_source(path)
    write_atomic(path, source.text + "USER 1\n", source.encoding, expected=source.stat)
    st = path.stat()
    assert oct(st.st_mode & 0o7777) == oct(0o640)
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 5678)
    assert path.read_text() == GO + "USER 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_write_through_a_symlink_keeps_the_link(tmp_path):
    real = write(tmp_path / "real.Dockerfile", GO.encode())
    link = tmp_path / "Dockerfile"
    link.symlink_to("real.Dockerfile")
    source = read_source(link)
    write_atomic(link, "FROM scratch\n", source.encoding, expected=source.stat)
    assert link.is_symlink() and real.read_text() == "FROM scratch\n"


def test_changed_on_disk_is_not_overwritten(tmp_path):
    path = write(tmp_path / "Dockerfile", GO.encode())
    source = read_source(path)
    path.write_text(GO + "# edited meanwhile\n")
    with pytest.raises(SourceError, match="changed on disk since it was read"):
        write_atomic(path, "FROM scratch\n", source.encoding, expected=source.stat)
    assert path.read_text() == GO + "# edited meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_changed_while_the_temp_file_was_written(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", GO.encode())
    source = read_source(path)
    real_fsync = os.fsync

    def fsync_and_edit(fd):
        real_fsync(fd)
        path.write_text("# someone else\n")

    monkeypatch.setattr(files.os, "fsync", fsync_and_edit)
    with pytest.raises(SourceError, match="changed on disk"):
        write_atomic(path, "FROM scratch\n", source.encoding, expected=source.stat)
    monkeypatch.undo()
    assert path.read_text() == "# someone else\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]


def test_deleted_since_read(tmp_path):
    path = write(tmp_path / "Dockerfile", GO.encode())
    source = read_source(path)
    path.unlink()
    with pytest.raises(SourceError, match="deleted since it was read"):
        write_atomic(path, "FROM scratch\n", source.encoding, expected=source.stat)
    assert not path.exists()


def test_read_only_file(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", GO.encode())
    source = read_source(path)
    path.chmod(0o444)
    if os.geteuid() == 0:  # root may write anything; access() is what tells a user it cannot
        monkeypatch.setattr(files.os, "access", lambda *a, **k: False)
    with pytest.raises(SourceError, match="cannot write: the file is read-only"):
        write_atomic(path, "FROM scratch\n", source.encoding, expected=source.stat)
    assert path.read_text() == GO


def test_failed_replace_removes_the_temp_file(tmp_path, monkeypatch):
    path = write(tmp_path / "Dockerfile", GO.encode())
    source = read_source(path)

    def refuse(*args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(SourceError, match="permission denied"):
        write_atomic(path, "FROM scratch\n", source.encoding, expected=source.stat)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile"]
    assert path.read_text() == GO


def _chattr(flag: str, path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.mark.parametrize("target", ["directory", "file"])
def test_immutable_target_even_for_root(tmp_path, target):
    folder = tmp_path / "svc"
    folder.mkdir()
    path = write(folder / "Dockerfile", GO.encode())
    source = read_source(path)
    locked = folder if target == "directory" else path
    if not _chattr("+i", locked):
        pytest.skip("chattr +i is not available here (needs root and an ext4/xfs-like file system)")
    try:
        with pytest.raises(SourceError, match="cannot write"):
            write_atomic(path, "FROM scratch\n", source.encoding, expected=source.stat)
    finally:
        _chattr("-i", locked)
    assert path.read_text() == GO
    assert sorted(p.name for p in folder.iterdir()) == ["Dockerfile"]


def test_encode_source_always_marks_utf16_and_32():
    assert encode_source("FROM x\n", "utf-16-le") == codecs.BOM_UTF16_LE + "FROM x\n".encode("utf-16-le")
    assert encode_source("\ufeffFROM x\n", "utf-8", bom=False) == b"FROM x\n"
    assert encode_source("FROM x\n", "utf-8", bom=True) == codecs.BOM_UTF8 + b"FROM x\n"
    with pytest.raises(ValueError):
        encode_source("x", "latin-1")
