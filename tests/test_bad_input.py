"""Bad input at the command line, the classes tests/test_cli.py and tests/test_files.py do
not already cover: each gives one line and exit 2 (or is left alone in directory mode),
never a traceback, never a partial write, and never stops the other files of a batch.

Covered elsewhere: binary files, NUL bytes, invalid UTF-8, UTF-16 LE without a BOM, empty
files, a directory or a dangling symlink named on the command line, a file changed on
disk between read and write (test_cli.py); a UTF-16 LE file with a BOM rewritten in place
(test_cli.py); symlinks out of the tree at the discovery level (test_discovery.py).
"""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dockerfile
import pytest
from click.testing import CliRunner

from rewriter.cli import cli

GO = 'FROM golang:1.23\nWORKDIR /app\nCOPY . .\nRUN go build -o main .\nCMD ["./main"]\n'


def goslim(*args, cwd: Path, stdin: bytes = b"", timeout: float = 120):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "rewriter.cli", *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=timeout,
    )


def lines(stream: bytes | str) -> list[str]:
    text = stream.decode() if isinstance(stream, bytes) else stream
    return [line for line in text.splitlines() if line.strip()]


def errors(result) -> list[str]:
    return [line for line in lines(result.stderr) if ": error: " in line]


def _chattr(flag: str, path: Path) -> bool:
    return (
        shutil.which("chattr") is not None
        and subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0
    )


# ------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
        ("utf-8", codecs.BOM_UTF8),
    ],
)
def test_a_file_with_a_byte_order_mark_is_rewritten_in_its_own_encoding(tmp_path, encoding, bom):
    path = tmp_path / "Dockerfile"
    path.write_bytes(bom + GO.replace("\n", "\r\n").encode(encoding))
    result = goslim("rewrite", "-i", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = path.read_bytes()
    assert data.startswith(bom) and not data[len(bom) :].startswith(bom)
    if encoding == "utf-32-le":
        assert not data.startswith(codecs.BOM_UTF32_LE + codecs.BOM_UTF16_LE)
    text = data[len(bom) :].decode(encoding)
    assert "FROM scratch\r\n" in text and "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    "encoding, name",
    [
        ("utf-16-be", "UTF-16 BE"),
        ("utf-32-le", "UTF-32 LE"),
        ("utf-32-be", "UTF-32 BE"),
    ],
)
def test_a_wide_encoding_without_a_byte_order_mark_is_refused(tmp_path, encoding, name):
    path = tmp_path / "Dockerfile"
    path.write_bytes(GO.encode(encoding))
    result = goslim("rewrite", "-i", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert lines(result.stderr) == [
        f"Dockerfile: error: looks like {name} without a byte order mark; save it as UTF-8 (or add a BOM)"
    ]
    assert path.read_bytes() == GO.encode(encoding)


# ------------------------------------------------------------------------ content


def test_a_file_of_only_comments_is_an_error_and_the_batch_goes_on(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/Dockerfile").write_text("# placeholder\n# nothing here yet\n\n")
    (tmp_path / "b/Dockerfile").write_text(GO)
    result = goslim("rewrite", "-i", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert errors(result) == ["a/Dockerfile:3:1: error: file with no instructions"]
    assert (tmp_path / "a/Dockerfile").read_text() == "# placeholder\n# nothing here yet\n\n"
    assert "FROM scratch" in (tmp_path / "b/Dockerfile").read_text()


def test_an_unterminated_heredoc_is_a_parse_error_with_its_line(tmp_path):
    text = "FROM golang:1.22\nRUN cat <<EOF > /etc/motd\nhello\n"
    (tmp_path / "Dockerfile").write_text(text)
    result = goslim("rewrite", "-i", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert lines(result.stderr) == ["Dockerfile:2:1: error: unterminated heredoc <<EOF"]
    assert (tmp_path / "Dockerfile").read_text() == text


def test_a_fifty_megabyte_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "Dockerfile"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    started = time.monotonic()
    result = goslim("rewrite", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 2
    assert lines(result.stderr) == ["Dockerfile: error: file is too large (50.0 MB; the limit is 10.0 MB)"]
    assert time.monotonic() - started < 10


def test_fifty_megabytes_on_stdin_are_refused(tmp_path):
    result = goslim("rewrite", "-", cwd=tmp_path, stdin=b"#" * (50 * 1024 * 1024))
    assert result.returncode == 2
    assert lines(result.stderr) == ["-: error: input is too large (more than 10.0 MB)"]
    assert result.stdout == b""


def test_a_ten_thousand_line_continuation_is_rewritten_intact(tmp_path):
    steps = [f"    && echo step{i} \\" for i in range(10_000)]
    text = (
        "\n".join(
            [
                "FROM golang:1.22",
                "WORKDIR /app",
                "COPY . .",
                "RUN echo start \\",
                *steps,
                "    && go build -o /app/server .",
                'CMD ["/app/server"]',
            ]
        )
        + "\n"
    )
    path = tmp_path / "Dockerfile"
    path.write_text(text)
    started = time.monotonic()
    result = goslim("rewrite", "-i", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    out = path.read_text()
    assert "FROM scratch" in out
    assert all(step in out for step in steps)
    run = next(c for c in dockerfile.parse_string(out) if c.cmd == "RUN" and "step9999" in c.value[0])
    assert "CGO_ENABLED=0" in run.value[0]


# ------------------------------------------------------------------------ the file system


def test_an_unreadable_file_is_one_line_and_the_others_are_rewritten(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    locked, other = tmp_path / "a/Dockerfile", tmp_path / "b/Dockerfile"
    locked.write_text(GO)
    other.write_text(GO)
    if os.geteuid() != 0:
        locked.chmod(0)
        try:
            result = goslim("rewrite", "-i", ".", cwd=tmp_path)
        finally:
            locked.chmod(0o644)
        assert result.returncode == 2
        assert errors(result) == ["a/Dockerfile: error: permission denied"]
    else:  # root reads anything: make opening that one file fail as it does for a user
        import builtins

        real_open = builtins.open

        def guarded(file, *args, **kwargs):
            if Path(os.fspath(file)).resolve() == locked:
                raise PermissionError(13, "Permission denied", os.fspath(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.chdir(tmp_path)
        monkeypatch.setattr(builtins, "open", guarded)
        result = CliRunner().invoke(cli, ["rewrite", "-i", "--jobs", "1", "."])
        monkeypatch.undo()
        assert result.exit_code == 2, result.output
        assert errors(result) == ["a/Dockerfile: error: permission denied"]
    assert locked.read_text() == GO
    assert "FROM scratch" in other.read_text()


def test_a_read_only_file_is_not_written_in_place(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    locked, other = tmp_path / "a/Dockerfile", tmp_path / "b/Dockerfile"
    locked.write_text(GO)
    other.write_text(GO)
    if os.geteuid() != 0:
        locked.chmod(0o444)
    elif not _chattr("+i", locked):
        pytest.skip("running as root and chattr +i is unavailable: nothing makes a file read-only for root")
    try:
        result = goslim("rewrite", "-i", ".", cwd=tmp_path)
    finally:
        if os.geteuid() == 0:
            _chattr("-i", locked)
    assert result.returncode == 2
    assert errors(result) == ["a/Dockerfile: error: cannot write: the file is read-only"]
    assert locked.read_text() == GO
    assert sorted(p.name for p in locked.parent.iterdir()) == ["Dockerfile"]  # no temporary file left
    assert "FROM scratch" in other.read_text()


def test_a_symlink_out_of_the_tree_is_not_followed_in_directory_mode(tmp_path):
    outside, tree = tmp_path / "outside", tmp_path / "tree"
    (outside).mkdir()
    (tree / "linked").mkdir(parents=True)
    (tree / "svc").mkdir()
    (outside / "Dockerfile").write_text(GO)
    (tree / "linked/Dockerfile").symlink_to(outside / "Dockerfile")
    (tree / "svc/Dockerfile").write_text(GO)
    result = goslim("rewrite", "-i", "-v", ".", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert (outside / "Dockerfile").read_text() == GO
    assert (tree / "linked/Dockerfile").is_symlink()
    assert "linked" not in result.stderr.decode() + result.stdout.decode()
    assert "FROM scratch" in (tree / "svc/Dockerfile").read_text()


def test_a_dangling_symlink_inside_the_tree_is_reported_and_the_batch_goes_on(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a/Dockerfile").symlink_to("Dockerfile.gone")
    (tmp_path / "b/Dockerfile").write_text(GO)
    result = goslim("rewrite", "-i", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert errors(result) == ["a/Dockerfile: error: broken symlink (points to Dockerfile.gone, which does not exist)"]
    assert "FROM scratch" in (tmp_path / "b/Dockerfile").read_text()


def test_a_directory_named_dockerfile_in_a_tree_is_searched_not_read(tmp_path):
    (tmp_path / "svc/Dockerfile").mkdir(parents=True)
    (tmp_path / "svc/Dockerfile/Dockerfile").write_text(GO)
    result = goslim("rewrite", "--check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert errors(result) == []
    assert "would rewrite svc/Dockerfile/Dockerfile" in result.stderr.decode()
