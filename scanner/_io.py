"""Writing reports: atomically, so a reader never sees half a file and a crash keeps the old one."""

from __future__ import annotations

import os
import tempfile

from .errors import OutputError


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to a temporary file in the same directory, then rename it over ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".envmatrix-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write `{path}`: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
