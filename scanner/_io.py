"""Files on disk, handled defensively: source files read without following links or blocking,
reports written atomically so a reader never sees half a file and a crash keeps the old one."""

from __future__ import annotations

import errno
import os
import stat

from .errors import OutputError

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def stat_signature(path: str) -> tuple[int, ...] | None:
    """What changes when a path is edited, replaced, renamed over or chmod'ed (not following a
    symlink): type and mode, size, mtime, ctime, inode. None when it cannot be stat'ed."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def link_state(path: str) -> tuple[str, int]:
    """What following the symlink at ``path`` gives: its resolved target, and 0 when that exists,
    else the ``errno`` of trying (``ELOOP`` for a loop). Reading this never opens the target."""
    try:
        os.stat(path)
        outcome = 0
    except OSError as exc:
        outcome = exc.errno or -1
    return os.path.realpath(path), outcome


class NotRegularFile(OSError):
    """The path is a FIFO, socket or device (it was a regular file when discovered)."""


def read_source(path: str, limit: int, follow_symlinks: bool = False) -> bytes:
    """At most ``limit + 1`` bytes of the regular file at ``path`` (one more than allowed tells
    the caller it is too large).

    The file is opened without following a final symlink (``OSError`` with ``errno.ELOOP``) and
    without blocking, so a file swapped for a link out of the root or for a FIFO after discovery
    is refused (``NotRegularFile``), not read. ``FileNotFoundError`` means it vanished.
    ``follow_symlinks`` is for files the user points at (configuration, a baseline): a link is
    followed, but a FIFO or device at its end is still refused.
    """
    flags = _READ_FLAGS & ~getattr(os, "O_NOFOLLOW", 0) if follow_symlinks else _READ_FLAGS
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file")
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to a temporary file in the same directory, then rename it over ``path``.

    An interruption at any point (an error, SIGINT, SIGTERM) removes the temporary file and
    leaves whatever was at ``path`` untouched. A symlink at ``path`` is replaced, not written
    through. A regular file that already holds ``text`` is left as it is (its mtime and inode
    too: a report regenerated unchanged inside the scanned tree does not change the tree). Every
    failure is an ``OutputError`` naming the path.
    """
    if _holds(path, text):
        return
    directory = os.path.dirname(os.path.abspath(path))
    try:
        import tempfile  # here: a scan that prints its report never pays for it

        fd, tmp = tempfile.mkstemp(prefix=".envmatrix-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write `{path}`: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = os.stat(path).st_mode & 0o777
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write `{path}`: {exc.strerror or exc}") from None
        raise
    _sync_directory(directory)


def _holds(path: str, text: str) -> bool:
    """True when ``path`` is a regular file whose bytes are ``text`` as ``write_atomic`` writes it."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return False
        data = text.encode("utf-8", "backslashreplace")
        return st.st_size == len(data) and read_source(path, len(data)) == data
    except (OSError, UnicodeError):
        return False


def _sync_directory(directory: str) -> None:
    """Make the rename durable; best effort (not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
