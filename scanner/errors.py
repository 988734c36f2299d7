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
