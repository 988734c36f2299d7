"""scanner/_io.py: reports replace the old file whole or not at all; sources are read defensively."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from scanner import _io
from scanner._io import NotRegularFile, read_source, write_atomic
from scanner.errors import OutputError


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".envmatrix-"))


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    write_atomic(str(target), "new ✓\n")
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert not _leftovers(tmp_path)


def test_an_unchanged_report_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    write_atomic(str(target), "same ✓\n")
    before = target.stat()
    write_atomic(str(target), "same ✓\n")  # same bytes: the file, its inode and mtime stay
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    write_atomic(str(target), "same ✓ but longer\n")
    assert target.stat().st_ino != before.st_ino and target.read_text(encoding="utf-8") == "same ✓ but longer\n"
    write_atomic(str(target), "same ✓ but LONGER\n")  # same size, other bytes
    assert target.read_text(encoding="utf-8") == "same ✓ but LONGER\n"


def test_new_report_is_world_readable_by_default(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_atomic(str(target), "x")
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(143)])
def test_interrupted_rename_keeps_the_old_file(tmp_path: Path, monkeypatch, exc: BaseException) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")

    def interrupted(src, dst):
        raise exc

    monkeypatch.setattr(_io.os, "replace", interrupted)
    with pytest.raises(type(exc)):
        write_atomic(str(target), "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert not _leftovers(tmp_path)


def test_disk_full_is_an_output_error_and_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_io.os, "fsync", full)
    with pytest.raises(OutputError, match="No space left"):
        write_atomic(str(target), "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert not _leftovers(tmp_path)


def test_output_that_is_a_directory_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    with pytest.raises(OutputError, match="cannot write"):
        write_atomic(str(tmp_path / "dir"), "x")
    assert not _leftovers(tmp_path)


def test_symlink_output_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "report.txt"
    link.symlink_to(victim)
    write_atomic(str(link), "report\n")
    assert victim.read_text(encoding="utf-8") == "keep\n"
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "report\n"


def test_unencodable_text_is_escaped_not_fatal(tmp_path: Path) -> None:
    target = tmp_path / "r.txt"
    write_atomic(str(target), "caf\udce9\n")
    assert target.read_bytes() == b"caf\\udce9\n"


def test_read_source_reads_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.ts"
    path.write_bytes(b"x" * 100)
    assert len(read_source(str(path), 10)) == 11
    assert read_source(str(path), 1000) == b"x" * 100


def test_read_source_refuses_symlinks_and_special_files(tmp_path: Path) -> None:
    (tmp_path / "real.ts").write_text("x", encoding="utf-8")
    (tmp_path / "link.ts").symlink_to(tmp_path / "real.ts")
    with pytest.raises(OSError) as info:
        read_source(str(tmp_path / "link.ts"), 10)
    assert info.value.errno == errno.ELOOP
    with pytest.raises(FileNotFoundError):
        read_source(str(tmp_path / "gone.ts"), 10)
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.ts")
        with pytest.raises(NotRegularFile):
            read_source(str(tmp_path / "pipe.ts"), 10)


def test_read_source_can_follow_a_link_the_user_named_but_never_to_a_device(tmp_path: Path) -> None:
    (tmp_path / "real.toml").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    assert read_source(str(tmp_path / "link.toml"), 100, follow_symlinks=True) == b"x = 1\n"
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile):
        read_source(str(tmp_path / "zero.toml"), 100, follow_symlinks=True)
