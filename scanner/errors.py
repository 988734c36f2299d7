"""The exception tree. Every error the CLI turns into ``envmatrix: error: …`` and exit 2.

    EnvmatrixError
    ├── UsageError      bad option values, unknown rule codes
    ├── ConfigError     a bad [tool.envmatrix] key or value (names the key and the file)
    └── OutputError     a report could not be written
"""

from __future__ import annotations


class EnvmatrixError(Exception):
    """Base of every error envmatrix raises on purpose."""


class UsageError(EnvmatrixError):
    pass


class ConfigError(EnvmatrixError):
    pass


class OutputError(EnvmatrixError):
    pass


def describe(exc: BaseException) -> str:
    """``KeyError at typescript.py:412``: an unexpected exception's type and where it was raised.

    Never its message: a parser's message can quote the scanned file, and with it a credential.
    Diagnostics use this; ``--debug`` is the way to see the whole traceback.
    """
    import os
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {os.path.basename(last.filename)}:{last.lineno}"
