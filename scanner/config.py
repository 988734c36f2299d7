"""Settings for one scan: one frozen ``Config``, with every default as a named constant.

Command-line options and ``[tool.envmatrix]`` both end here; nothing else reads the
environment or the file system for settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Level

DEFAULT_MAX_FILE_SIZE = 1024 * 1024  # bytes; larger files are skipped with a diagnostic
DEFAULT_MIN_LEVEL = Level.NOTE
DEFAULT_FAIL_LEVEL = Level.WARNING
#: Roles whose findings are counted but not reported unless asked for.
DEFAULT_HIDDEN_ROLES = frozenset({"test", "docs"})
DEFAULT_FILE_TIMEOUT = 10.0  # seconds one file may take in a worker before it is skipped


@dataclass(frozen=True)
class Config:
    """Everything a scan needs to know besides the tree."""

    select: frozenset[str] = frozenset()  # codes or prefixes ("URL", "SEC001"); empty: all
    ignore: frozenset[str] = frozenset()
    min_level: Level = DEFAULT_MIN_LEVEL
    fail_level: Level = DEFAULT_FAIL_LEVEL
    exclude: tuple[str, ...] = ()  # gitignore-style patterns, relative to the root
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    hidden_roles: frozenset[str] = DEFAULT_HIDDEN_ROLES
    jobs: int = 0  # worker processes; 0 chooses from the work size, 1 scans in-process
    use_cache: bool = True
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    prefilter: bool = True  # skip files no frontend could get a fact from; off only to test that claim
    extra_local_hosts: frozenset[str] = frozenset()
    areas: tuple[tuple[str, str], ...] = ()  # (variable glob, area) checked before the built-ins
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = field(default=())

    def selects(self, code: str) -> bool:
        """True when ``code`` is selected and not ignored (prefixes match families)."""
        def matches(patterns: frozenset[str]) -> bool:
            return any(code.startswith(p) for p in patterns)

        if self.select and not matches(self.select):
            return False
        return not matches(self.ignore)
