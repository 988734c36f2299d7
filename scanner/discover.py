"""Walk a checkout and classify each file by kind (which frontend reads it) and role (where it sits).

Git's view of the tree decides what is scanned: ``.gitignore`` at every level and
``.git/info/exclude`` (pathspec's git-style matching, deeper files overriding shallower ones),
asked only about directories and files some frontend reads, then the default excludes (dependencies, build output, minified bundles) and the user's
``exclude``. Symlinks are never followed, not even to read an ignore file: git stores them as
links, and following one could leave the root or loop. Every skipped file gets a ``Diagnostic``
except the default excludes, which are counted in ``Discovery.excluded``. File names that are not
valid UTF-8 are reported with the bad bytes escaped (``caf\\xe9.ts``), as git quotes them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ._io import link_state, read_source, stat_signature
from .config import Config
from .findings import Diagnostic

if TYPE_CHECKING:
    import pathspec  # imported when an ignore file or ``exclude`` needs it: a tree without either, or a
    # re-scan answered from its snapshot, never loads it

DEFAULT_EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", "dist", "build",
    "coverage", ".nyc_output", ".next", ".nuxt", ".svelte-kit", ".turbo", ".vercel", ".output",
    ".cache", ".parcel-cache", "vendor", "third_party", "__pycache__", ".venv", "venv",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", ".eggs",
    ".terraform", ".serverless", ".yarn", ".pnpm-store", ".idea", ".vscode",
})
#: Skipped even when ``exclude`` replaces the built-in excludes.
VCS_DIRS = frozenset({".git", ".hg", ".svn"})
DEFAULT_EXCLUDED_FILES = (
    "*.min.js", "*.min.mjs", "*.min.css", "*.bundle.js", "*.chunk.js", "*.map",
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "Pipfile.lock",
    "uv.lock", "bun.lockb", "*.d.ts", "*.snap",
)

_EXCLUDED_FILES = re.compile("|".join(fnmatch.translate(p) for p in DEFAULT_EXCLUDED_FILES))

#: Bytes of one ignore file that are read (a real one is a few kB).
MAX_IGNORE_BYTES = 1024 * 1024
#: Directory levels walked below the root (the walk recurses; real trees stay far below this).
MAX_DIR_DEPTH = 200

TEXT_EXTENSIONS = frozenset({
    ".md", ".mdx", ".rst", ".txt", ".adoc", ".sh", ".bash", ".zsh", ".fish", ".ps1", ".conf",
    ".ini", ".cfg", ".toml", ".properties", ".json", ".jsonc", ".json5", ".tf", ".hcl",
    ".nginx", ".service", ".sql", ".prisma", ".http", ".rb", ".go", ".java", ".kt", ".rs",
    ".php", ".cs", ".tpl", ".j2", ".jinja", ".html", ".xml",
})
TEXT_NAMES = frozenset({"Makefile", "Procfile", "Justfile", "Caddyfile", "Tiltfile", "Jenkinsfile"})

KIND_BY_SUFFIX = {
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".py": "python", ".pyi": "python",
    ".yml": "yaml", ".yaml": "yaml",
}

_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__test__", "spec", "specs", "e2e",
                        "__mocks__", "mocks", "fixtures", "__fixtures__", "testdata",
                        "test-data", "cypress", "playwright", "testing", "integration-tests",
                        "integration_tests", "e2e-tests", "test-utils", "test_utils", "testutils",
                        "test-helpers", "test_helpers"})
#: File stems of test doubles and helpers: ``mock.ts``, ``mocks.py``, ``test-utils.ts``.
_TEST_FILE_STEMS = frozenset({"mock", "mocks", "mock-data", "mock_data", "test-utils", "test_utils",
                              "testutils", "test-helpers", "test_helpers"})
#: Words of a Python settings module for a non-production environment: Django's
#: ``settings/local.py``, ``settings/ci.py``, ``local_settings.py``, ``settings_dev.py``.
_DEV_SETTINGS_WORDS = frozenset({"local", "dev", "development", "test", "testing", "ci", "e2e"})
_SETTINGS_DIRS = frozenset({"settings", "config", "conf", "configs"})
_DOCS_DIRS = frozenset({"docs", "doc", "documentation", "examples", "example", "samples",
                        "website", "site"})
_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "tools", "hack", "seeds", "seeders"})
_INFRA_DIRS = frozenset({"k8s", "kubernetes", "helm", "charts", "deploy", "deployment",
                         "deployments", "infra", "infrastructure", "terraform", "ops",
                         ".github", ".gitlab", ".circleci", "docker"})
_DOC_SUFFIXES = frozenset({".md", ".mdx", ".rst", ".txt", ".adoc"})
_TEST_CONFIG = re.compile(r"^(?:vitest|jest|playwright|cypress|karma|ava|mocha|wdio|nightwatch)(?:\.[\w-]+)*\.(?:config|conf)\.[cm]?[jt]s$|^\.mocharc\.")
_DEV_ENV_NAMES = frozenset({"development", "dev", "local", "test", "testing"})


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to scan. ``path`` is POSIX, relative to the root; ``abspath`` is how to open it."""

    path: str
    abspath: str
    kind: str
    role: str
    size: int
    stamp: tuple[int, int, int] = (0, 0, 0)  # (mtime_ns, ctime_ns, inode): unchanged-file check of the facts cache


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    excluded: int = 0  # directories, and files a frontend reads, skipped by the default excludes
    ignored: int = 0  # directories, and files a frontend reads, skipped by .gitignore or the user's exclude
    #: Everything else the walk's answer depends on besides ``files`` (``snapshot.py`` re-checks
    #: it): (absolute path, ``stat_signature``) of each directory listed, ignore file read and
    #: file stat'ed but not scanned; None where the path could not be stat'ed or was absent.
    watched: list[tuple[str, tuple[int, ...] | None]] = field(default_factory=list)
    #: (absolute path, ``link_state``) of each symlink met: its diagnostic depends on its target.
    links: list[tuple[str, tuple[str, int]]] = field(default_factory=list)
    #: (absolute path, ``stat_signature``, ``listing_digest``) of each directory listed.
    listings: list[tuple[str, tuple[int, ...] | None, bytes]] = field(default_factory=list)
    #: Told of each file as the walk finds it (``extraction.WarmAhead``); not a result.
    on_file: Callable[["SourceFile"], None] | None = field(default=None, repr=False, compare=False)


def listing_digest(entries: list[os.DirEntry]) -> bytes:
    """What of a directory listing (sorted by name) a walk depends on: the names and types of
    its subdirectories, symlinks, ignore file and files some frontend reads. Other files (a
    report written next to the code, an editor's swap file) may come and go without changing
    the scan. Types come from the listing, without a system call."""
    digest = hashlib.blake2b(digest_size=16)
    for entry in entries:
        name = entry.name
        try:
            tag = b"l" if entry.is_symlink() else b"d" if entry.is_dir(follow_symlinks=False) else None
        except OSError:
            tag = b"?"
        if tag is None:
            if name != ".gitignore" and classify_kind(display_name(name)) is None:
                continue
            tag = b"f"
        digest.update(tag + name.encode("utf-8", "surrogateescape") + b"\0")
    return digest.digest()


def listing_digest_of(abs_dir: str) -> bytes | None:
    """``listing_digest`` of the directory at ``abs_dir`` now; None when it cannot be listed."""
    try:
        return listing_digest(sorted(os.scandir(abs_dir), key=lambda e: e.name))
    except OSError:
        return None


def classify_kind(path: str) -> str | None:
    """The frontend kind for a root-relative POSIX path, or None when no frontend reads it."""
    name = path.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower in {"dockerfile", "containerfile"} or lower.startswith(("dockerfile.", "containerfile.")) \
            or lower.endswith((".dockerfile", ".containerfile")):
        return "dockerfile"
    if (lower.startswith(("docker-compose", "compose")) and lower.endswith((".yml", ".yaml"))):
        return "compose"
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return "dotenv"
    suffix = _suffix(lower)
    if suffix in KIND_BY_SUFFIX:
        return KIND_BY_SUFFIX[suffix]
    if suffix in TEXT_EXTENSIONS or name in TEXT_NAMES:
        return "text"
    return None


def _suffix(name: str) -> str:
    """``PurePosixPath(name).suffix`` without building a path object (discovery calls this per file)."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def classify_role(path: str, kind: str) -> str:
    """source, test, docs, script, infra or dev, from path conventions alone."""
    directory, _, base = path.rpartition("/")
    in_test, in_docs, in_infra, in_script = _directory_roles(directory)
    name = base.lower()
    suffix = _suffix(name)
    stem_parts = name.split(".")
    if kind == "dotenv":
        scope = env_file_scope(name)
        if scope in {"development", "test"}:
            return "dev"
        return "infra"
    if kind == "compose" and (".dev." in name or "override" in name or name.startswith(("docker-compose.dev", "compose.dev"))
                              or "-dev." in name or ".local." in name):
        return "dev"
    if _TEST_CONFIG.match(name):
        return "test"
    if in_test or not _TEST_STEMS.isdisjoint(stem_parts[1:-1]) or stem_parts[0] in _TEST_FILE_STEMS \
            or (kind == "python" and (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")):
        return "test"
    if suffix in _DOC_SUFFIXES or in_docs:
        return "docs"
    if not _DEV_STEMS.isdisjoint(stem_parts[1:-1]):
        return "dev"
    if kind == "python" and _is_dev_settings(directory, stem_parts[0]):
        return "dev"
    if kind in {"dockerfile", "compose"} or in_infra:
        return "infra"
    if in_script or suffix in {".sh", ".bash", ".zsh", ".ps1"} or base in TEXT_NAMES:
        return "script"
    return "source"


_TEST_STEMS = frozenset({"test", "spec", "e2e", "cy", "stories", "story"})
_DEV_STEMS = frozenset({"dev", "development", "local"})


def _is_dev_settings(directory: str, stem: str) -> bool:
    """``settings/local_dev.py``, ``config/settings/test.py``, ``local_settings.py``: the settings of
    a non-production environment (its local endpoints are that environment's, not a leak)."""
    words = set(stem.replace("-", "_").split("_"))
    if words.isdisjoint(_DEV_SETTINGS_WORDS):
        return False
    return "settings" in words or not _SETTINGS_DIRS.isdisjoint(directory.lower().split("/"))


@lru_cache(maxsize=4096)
def _directory_roles(directory: str) -> tuple[bool, bool, bool, bool]:
    """Whether a directory path lies under test, docs, infra or script directories (once per directory)."""
    parts = {s.lower() for s in directory.split("/")} if directory else set()
    return (not _TEST_DIRS.isdisjoint(parts), not _DOCS_DIRS.isdisjoint(parts),
            not _INFRA_DIRS.isdisjoint(parts), not _SCRIPT_DIRS.isdisjoint(parts))


def env_file_scope(name: str) -> str | None:
    """``.env.production`` gives production, ``.env.example`` example, ``.env`` None."""
    lower = name.lower()
    if lower.endswith(".env") and lower != ".env":
        tail = lower[: -len(".env")].rsplit(".", 1)[-1]
    elif lower.startswith(".env."):
        tail = lower.split(".")[-1]
        if tail == "local" and lower.count(".") > 2:  # .env.production.local
            tail = lower.split(".")[2]
    else:
        return None
    if tail in {"example", "sample", "template", "dist", "defaults", "tpl"}:
        return "example"
    if tail in {"prod", "production", "live"}:
        return "production"
    if tail in {"staging", "stage", "preprod"}:
        return "staging"
    if tail in {"demo"}:
        return "demo"
    if tail in {"test", "testing", "ci", "e2e"}:
        return "test"
    if tail in _DEV_ENV_NAMES:
        return "development"
    return tail or None


class _IgnoreStack:
    """The .gitignore files that apply to one directory, shallowest first."""

    def __init__(self, specs: tuple["_Spec", ...] = ()) -> None:
        self.specs = specs

    def push(self, base: str, spec: pathspec.PathSpec) -> "_IgnoreStack":
        return _IgnoreStack(self.specs + (_Spec(base, spec),))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        decision: bool | None = None
        for spec in self.specs:
            include = spec.check(rel, is_dir)
            if include is not None:
                decision = include
        return bool(decision)


class _Spec:
    """One .gitignore. Once it has been asked often enough to pay for compiling one regex of all
    its patterns, that regex screens paths first: most match no pattern, and one search is much
    cheaper than pathspec's pattern-by-pattern loop."""

    SCREEN_AFTER = 64  # checks before the screen is compiled (compiling costs about 100 checks)

    def __init__(self, base: str, spec: pathspec.PathSpec) -> None:
        self.base = base
        self.spec = spec
        self.checks = 0
        self.screen = None  # a compiled RE2 pattern once built

    def check(self, rel: str, is_dir: bool) -> bool | None:
        sub = rel[len(self.base) + 1:] if self.base else rel
        sub = sub + "/" if is_dir else sub
        self.checks += 1
        if self.checks == self.SCREEN_AFTER:
            self.screen = _screen(self.spec)
        if self.screen is not None and self.screen.match(sub) is None:
            return None  # no pattern of this file matches: it has no say
        return self.spec.check_file(sub).include


def _screen(spec: pathspec.PathSpec):  # -> a compiled RE2 pattern, or None
    """One regex that matches where any pattern of ``spec`` does: most paths match none, and one
    search is much cheaper than pathspec's pattern-by-pattern loop. None when it cannot be built."""
    sources = []
    flags = 0
    for pattern in spec.patterns:
        if pattern.include is None:
            continue
        regex = getattr(pattern, "regex", None)
        if not isinstance(regex, re.Pattern) or (flags and regex.flags != flags):
            return None
        flags = regex.flags
        sources.append("(?:" + _NAMED_GROUP.sub("(?:", regex.pattern) + ")")
    if not sources:
        return None
    try:
        import re2  # linear time, like pathspec's own matching: a backtracking screen would let
    except ImportError:  # one hostile pattern (a*a*a*a*a*b) stall the scan for minutes
        return None
    try:
        return re2.compile("|".join(sources))
    except Exception:  # noqa: BLE001 - re2.error, or a construct RE2 does not support
        return None


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _read_spec(path: str, rel: str | None = None, out: Discovery | None = None) -> pathspec.PathSpec | None:
    """An ignore file's patterns. pathspec matches them with RE2 (``google-re2``), in linear
    time: with Python's backtracking ``re``, one hostile pattern (``a*a*a*a*a*b``) against one
    long name takes minutes. Past ``MAX_IGNORE_BYTES`` the rest of the file is not read."""
    if out is not None:
        out.watched.append((path, stat_signature(path)))
    try:
        data = read_source(path, MAX_IGNORE_BYTES)
    except OSError:
        return None
    if len(data) > MAX_IGNORE_BYTES:
        data = data[:MAX_IGNORE_BYTES].rsplit(b"\n", 1)[0]
        if out is not None and rel is not None:
            out.diagnostics.append(Diagnostic(rel, "too-large", f"read in part: only the first {MAX_IGNORE_BYTES} bytes of patterns apply"))
    lines = data.decode("utf-8", "replace").splitlines()
    lines = [line for line in lines if line.strip() and not line.startswith("#")]
    if not lines:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(root: str | os.PathLike[str], config: Config,
             on_file: Callable[[SourceFile], None] | None = None) -> Discovery:
    """Every scannable file below ``root`` in a stable (sorted) order, with what was skipped.
    ``on_file(source_file)`` hears of each file as the walk finds it."""
    root_path = Path(root)
    result = Discovery(on_file=on_file)
    user_spec = None
    if config.exclude:
        import pathspec  # here and in ``_read_spec``: a tree without ignore files never loads it (15 ms)

        user_spec = pathspec.GitIgnoreSpec.from_lines(config.exclude)
    stack = _IgnoreStack()
    for parts in ((".git",), (".git", "info"), (".git", "info", "exclude")):
        path = os.path.join(str(root_path), *parts)
        result.watched.append((path, stat_signature(path)))
    if _regular_below(str(root_path), (".git", "info", "exclude")):
        spec = _read_spec(str(root_path / ".git" / "info" / "exclude"), ".git/info/exclude", result)
        if spec:
            stack = stack.push("", spec)
    _walk(str(root_path), "", stack, user_spec, config, result, os.path.realpath(root_path))
    result.files.sort(key=lambda f: f.path)
    result.diagnostics.sort(key=Diagnostic.sort_key)
    return result


def _regular_below(root: str, parts: tuple[str, ...]) -> bool:
    """True when ``root/parts…`` is a regular file reached without passing through a symlink."""
    path = root
    for i, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return False
        if not (stat.S_ISREG(mode) if i == len(parts) - 1 else stat.S_ISDIR(mode)):
            return False
    return True


def display_name(name: str) -> str:
    """A file name as reports show it: bytes that are not UTF-8 escaped as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _walk(abs_dir: str, rel_dir: str, stack: _IgnoreStack, user_spec: pathspec.PathSpec | None,
          config: Config, out: Discovery, root_real: str, depth: int = 0) -> None:
    if depth > MAX_DIR_DEPTH:
        out.diagnostics.append(Diagnostic(rel_dir, "too-deep", f"skipped: directories nested over {MAX_DIR_DEPTH} levels"))
        return
    signature = stat_signature(abs_dir)  # an entry added, removed or renamed changes its mtime
    try:
        entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
    except OSError as exc:
        out.watched.append((abs_dir, signature))
        out.diagnostics.append(Diagnostic(rel_dir or ".", "unreadable", f"cannot list directory: {exc.strerror}"))
        return
    out.listings.append((abs_dir, signature, listing_digest(entries)))
    # The directory's own .gitignore, when it is a regular file (the listing says so without a
    # system call; a symlinked .gitignore is not followed).
    if any(e.name == ".gitignore" and e.is_file(follow_symlinks=False) for e in entries):
        spec = _read_spec(os.path.join(abs_dir, ".gitignore"), f"{rel_dir}/.gitignore" if rel_dir else ".gitignore", out)
        if spec:
            stack = stack.push(rel_dir, spec)
    excluded_dirs = DEFAULT_EXCLUDED_DIRS if config.default_excludes else VCS_DIRS
    for entry in entries:
        name = display_name(entry.name)
        rel = f"{rel_dir}/{name}" if rel_dir else name
        # File types come from the listing (d_type); only files worth scanning are stat'ed.
        try:
            is_link = entry.is_symlink()
            is_dir = not is_link and entry.is_dir(follow_symlinks=False)
        except OSError as exc:
            out.watched.append((entry.path, None))
            out.diagnostics.append(Diagnostic(rel, "unreadable", f"cannot stat: {exc.strerror}"))
            continue
        if is_link:
            state = link_state(entry.path)
            out.links.append((entry.path, state))
            out.diagnostics.append(symlink_diagnostic(rel, root_real, state))
            continue
        if is_dir:
            if entry.name in excluded_dirs:
                out.excluded += 1
            elif stack.ignored(rel, True) or (user_spec and user_spec.check_file(rel + "/").include):
                out.ignored += 1
            else:
                _walk(entry.path, rel, stack, user_spec, config, out, root_real, depth + 1)
            continue
        kind = classify_kind(rel)
        if kind is None or rel in config.output_paths:
            continue  # no frontend reads it (or it is this run's report): neither ignore rules nor its metadata matter
        if stack.ignored(rel, False) or (user_spec and user_spec.check_file(rel).include):
            out.ignored += 1
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            out.watched.append((entry.path, None))
            out.diagnostics.append(Diagnostic(rel, "unreadable", f"cannot stat: {exc.strerror}"))
            continue
        if stat.S_ISLNK(st.st_mode):  # replaced by a link since the listing
            state = link_state(entry.path)
            out.links.append((entry.path, state))
            out.diagnostics.append(symlink_diagnostic(rel, root_real, state))
            continue
        if stat.S_ISDIR(st.st_mode):
            out.watched.append((entry.path, None))  # replaced by a directory since the listing: gone
            continue  # from this scan, and never the same answer twice
        if not stat.S_ISREG(st.st_mode):
            out.watched.append((entry.path, (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
            out.diagnostics.append(Diagnostic(rel, "special-file", "skipped: not a regular file (a FIFO, socket or device)"))
            continue
        if config.default_excludes and _EXCLUDED_FILES.match(entry.name):
            out.excluded += 1
            continue
        if st.st_size > config.max_file_size:
            out.watched.append((entry.path, (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
            out.diagnostics.append(Diagnostic(
                rel, "too-large", f"skipped: {st.st_size} bytes is over the {config.max_file_size}-byte limit"))
            continue
        out.files.append(SourceFile(rel, entry.path, kind, classify_role(rel, kind), st.st_size,
                                    (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)))
        if out.on_file is not None:
            out.on_file(out.files[-1])


def symlink_diagnostic(rel: str, root_real: str, state: tuple[str, int]) -> Diagnostic:
    """Symlinks are not followed; say why it matters for this one, never naming a path outside.
    ``state`` is the link's ``link_state``: its resolved target, and how following it went."""
    target, errno_ = state
    inside = os.path.commonpath([root_real, target]) == root_real
    shown = f" `{display_name(os.path.relpath(target, root_real)).replace(os.sep, '/')}`" if inside else ""
    if errno_ == errno.ELOOP:
        return Diagnostic(rel, "symlink-loop", "skipped: symlink loop", "note")
    if errno_:
        where = shown or " outside the scanned root"
        return Diagnostic(rel, "dangling-symlink", f"skipped: symlink to missing{where}", "note")
    if not inside:
        return Diagnostic(rel, "symlink-outside-root", "skipped: symlink to a target outside the scanned root; not followed", "note")
    return Diagnostic(rel, "symlink", f"skipped: symlinks are not followed (target{shown})", "note")
