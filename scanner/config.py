"""Settings for one scan: one frozen ``Config``, with every default as a named constant.

Command-line options and the configuration file both end here; nothing else reads the
environment or the file system for settings. The file is ``.envmatrix.toml`` (top-level keys)
or the ``[tool.envmatrix]`` table of ``pyproject.toml``, found from the scanned root upwards
(``.envmatrix.toml`` wins in the same directory; a ``pyproject.toml`` without the table is
passed over), or named with ``--config``. Keys are kebab-case, like ruff's. An unknown key or a
bad value is a ``ConfigError`` naming the file and the key. Command-line options override the
file (``merge``).
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import ConfigError
from .levels import Level

DEFAULT_MAX_FILE_SIZE = 1024 * 1024  # bytes; larger files are skipped with a diagnostic
DEFAULT_MIN_LEVEL = Level.NOTE
DEFAULT_FAIL_LEVEL = Level.WARNING
#: Roles whose findings are counted but not reported unless asked for.
DEFAULT_HIDDEN_ROLES = frozenset({"test", "docs"})
DEFAULT_FILE_TIMEOUT = 10.0  # seconds one file may take in a worker before it is skipped
#: File names searched in each directory from the scanned root upwards, first match wins.
CONFIG_FILES = (".envmatrix.toml", "pyproject.toml")
MAX_CONFIG_BYTES = 4 * 1024 * 1024  # a configuration file larger than this is refused, not read


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
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = field(default=())  # (path glob, codes)
    extend_select: frozenset[str] = frozenset()  # codes or prefixes added to ``select``
    default_excludes: bool = True  # False when ``exclude`` replaces the built-in excludes
    admin_guards: tuple[str, ...] = ()  # extra names of middleware/decorators that require an admin
    env_guards: tuple[str, ...] = ()  # extra names of guards that refuse production
    demo_route_patterns: tuple[str, ...] = ()  # extra globs for demo/seed/debug route paths
    secret_name_patterns: frozenset[str] = frozenset()  # extra words or globs naming secrets
    environments: tuple[str, ...] = ()  # the team's environment names, as written in its config
    inline_suppressions: bool = True  # False: ignore `envmatrix: ignore[…]` comments
    output_paths: frozenset[str] = frozenset()  # root-relative paths this run writes (its reports): never scanned

    def selects(self, code: str) -> bool:
        """True when ``code`` is selected and not ignored (prefixes match families)."""
        def matches(patterns: frozenset[str]) -> bool:
            return any(code.startswith(p) for p in patterns)

        if self.select and not matches(self.select) and not matches(self.extend_select):
            return False
        return not matches(self.ignore)


# --------------------------------------------------------------------------- finding the file

def find_config_file(root: str | os.PathLike[str]) -> Path | None:
    """The nearest ``.envmatrix.toml``, or ``pyproject.toml`` with ``[tool.envmatrix]``, from ``root`` up."""
    here = Path(root).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and _read_toml(candidate).get("tool", {}).get("envmatrix") is None:
                continue
            return candidate
    return None


def load_config(root: str | os.PathLike[str], explicit_path: str | os.PathLike[str] | None = None) -> Config:
    """The ``Config`` for a scan of ``root``: from ``explicit_path``, else the nearest file, else defaults."""
    if explicit_path is not None:
        path = Path(explicit_path)
        if not path.is_file():
            raise ConfigError(f"{_show(path)}: no such configuration file")
    else:
        path = find_config_file(root)
        if path is None:
            return Config()
    document = _read_toml(path)
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("envmatrix")
        if table is None:
            raise ConfigError(f"{_show(path)}: no [tool.envmatrix] table")
        where = f"{_show(path)} [tool.envmatrix]"
    else:
        table = document
        where = _show(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    return config_from_table(table, where)


def merge(config: Config, **overrides: Any) -> Config:
    """``config`` with every override that is not None applied (command-line options win)."""
    changes = {k: v for k, v in overrides.items() if v is not None}
    return dataclasses.replace(config, **changes) if changes else config


def _read_toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    from ._io import read_source

    try:
        data = read_source(str(path), MAX_CONFIG_BYTES, follow_symlinks=True)  # never a FIFO or /dev/zero
    except OSError as exc:
        raise ConfigError(f"{_show(path)}: cannot read ({exc.strerror})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{_show(path)}: over {MAX_CONFIG_BYTES} bytes, not read")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{_show(path)}: invalid TOML: not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_show(path)}: invalid TOML: {exc}") from None


def _show(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


# --------------------------------------------------------------------------- keys and values

class _Bad(Exception):
    """A value that does not fit its key; ``config_from_table`` adds the file and the key."""


_CODE = re.compile(r"^[A-Z]+[0-9]{0,3}$")
_GLOB = frozenset("*?[")


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad(f"expected a list of strings, got {_type_name(value)}")
    if any(not v.strip() for v in value):
        raise _Bad("expected non-empty strings")
    return tuple(v.strip() for v in value)


def _codes(value: Any) -> frozenset[str]:
    codes = frozenset(c.upper() for c in _strings(value))
    _check_codes(codes)
    return codes


def _check_codes(codes) -> None:
    from .rules import REGISTRY

    known = [r.code for r in REGISTRY]
    for code in sorted(codes):
        if not _CODE.match(code) or not any(k.startswith(code) for k in known):
            raise _Bad(f"unknown rule code or prefix `{code}`")


def _level(value: Any) -> Level:
    if not isinstance(value, str):
        raise _Bad(f"expected a level (note, warning or error), got {_type_name(value)}")
    try:
        return Level.parse(value)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"expected a number of bytes, got {_type_name(value)}")
    if value <= 0:
        raise _Bad(f"expected a positive number of bytes, got {value}")
    return value


def _hosts(value: Any) -> frozenset[str]:
    hosts = _strings(value)
    for host in hosts:
        if any(c.isspace() or c in "/:@" for c in host):
            raise _Bad(f"expected host names such as `db.internal`, got `{host}`")
    return frozenset(h.lower().rstrip(".") for h in hosts)


def _secret_patterns(value: Any) -> frozenset[str]:
    from .lexicon import words

    patterns = _strings(value)
    for p in patterns:
        if not (_GLOB & set(p)) and not words(p):
            raise _Bad(f"expected a word such as `pin` or a glob such as `*_SEED`, got `{p}`")
    return frozenset(patterns)


def _patterns(value: Any) -> tuple[str, ...]:
    patterns = _strings(value)
    import pathspec

    try:
        pathspec.GitIgnoreSpec.from_lines(patterns)
    except Exception as exc:  # noqa: BLE001 - pathspec raises several types for bad patterns
        raise _Bad(f"bad pattern: {exc}") from None
    return patterns


def _string_table(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise _Bad(f"expected a table of glob = \"area\" strings, got {_type_name(value)}")
    return tuple((k, v.strip()) for k, v in value.items())


def _per_file_ignores(value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    if not isinstance(value, dict):
        raise _Bad(f"expected a table of glob = [codes], got {_type_name(value)}")
    out = []
    for pattern, codes in value.items():
        try:
            out.append((_patterns([pattern])[0], _codes(codes)))
        except _Bad as exc:
            raise _Bad(f"`{pattern}`: {exc}") from None
    return tuple(out)


def _type_name(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
             dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


#: key -> (Config field, parser). ``exclude`` also turns the built-in excludes off.
KEYS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "select": ("select", _codes),
    "extend-select": ("extend_select", _codes),
    "ignore": ("ignore", _codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _patterns),
    "extend-exclude": ("exclude", _patterns),
    "min-level": ("min_level", _level),
    "fail-level": ("fail_level", _level),
    "max-file-size": ("max_file_size", _size),
    "extra-local-hosts": ("extra_local_hosts", _hosts),
    "secret-name-patterns": ("secret_name_patterns", _secret_patterns),
    "admin-guards": ("admin_guards", _strings),
    "env-guards": ("env_guards", _strings),
    "demo-route-patterns": ("demo_route_patterns", _strings),
    "areas": ("areas", _string_table),
    "environments": ("environments", _strings),
}


def config_from_table(table: dict, where: str = "configuration") -> Config:
    """Validate a parsed table (kebab-case keys) into a ``Config``; ``where`` names it in errors."""
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(f"{where}: unknown key `{key}`{hint}")
        name, parse = KEYS[key]
        try:
            changes.setdefault(name, []).append((key, parse(value)))
        except _Bad as exc:
            raise ConfigError(f"{where}: `{key}`: {exc}") from None
    values: dict[str, Any] = {}
    for name, parsed in changes.items():
        if name == "exclude":
            values["exclude"] = tuple(p for _, patterns in parsed for p in patterns)
            values["default_excludes"] = "exclude" not in dict(parsed)
        else:
            values[name] = parsed[0][1]
    return Config(**values)
