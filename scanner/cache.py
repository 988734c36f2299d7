"""The facts cache: each file's ``FileFacts``, pickled, keyed by what they are a function of.

A key is the SHA-256 of the file's bytes and path, the envmatrix version, the frontend's options
(``ExtractOptions``) and a fingerprint of the frontend code (``scanner/languages``, ``lexicon.py``,
``facts.py``), so an edit to any of them misses. Entries live in the user cache directory
(``$ENVMATRIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/envmatrix``, else ``~/.cache/envmatrix``), one
file per entry, written to a temporary name and renamed: concurrent runs never see half an entry.
An entry that cannot be read or is not what it claims is ignored (and rewritten by the scan).
The directory is pruned, oldest first, when it outgrows ``MAX_ENTRIES`` or ``MAX_BYTES``; a cache
that cannot be written costs speed, never the scan. The cache never writes inside the scanned tree.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import time
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .facts import FileFacts

FORMAT = 2  # bump when the entry layout changes
MAX_ENTRIES = 200_000
MAX_BYTES = 512 * 1024 * 1024
PRUNE_EVERY = 3600.0  # seconds between two size checks of the directory
INDEX_MAX_AGE = 30 * 86400.0  # seconds an unused per-root index or snapshot is kept
_PRUNE_TO = 0.8  # prune down to this share of the limits
_MAGIC = b"envmatrix-facts\n"


def default_dir() -> Path:
    """Where the cache lives for this user (see the module docstring)."""
    override = os.environ.get("ENVMATRIX_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "envmatrix"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code facts depend on: every frontend module and query, the lexicon, the fact model."""
    package = Path(__file__).resolve().parent
    sources = sorted((package / "languages").glob("*.py")) + sorted((package / "languages").glob("*.scm"))
    sources += [package / "lexicon.py", package / "facts.py", package / "_factcodec.py"]
    digest = hashlib.sha256(__version__.encode())
    for source in sources:
        try:
            digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
        except OSError:
            digest.update(source.name.encode() + b"\0?\0")
    return digest.hexdigest()


class FactsCache:
    """One cache directory. Every method swallows I/O errors: the cache is an optimisation."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.root = Path(directory) / f"facts-v{FORMAT}"
        self.base = str(self.root)
        self.written = 0
        self._made: set[str] = set()

    @staticmethod
    def key(path: str, data: bytes, options) -> str:
        """SHA-256 of the code fingerprint, every ``ExtractOptions`` field, the path and the bytes."""
        header = "\0".join((code_fingerprint(), fields_text(options), path))
        return hashlib.sha256(header.encode("utf-8", "surrogatepass") + b"\0" + data).hexdigest()

    def _entry(self, key: str) -> str:
        return os.path.join(self.base, key[:2], key[2:])

    def get(self, key: str, path: str) -> FileFacts | None:
        """The cached facts for ``key``; None when absent, unreadable, corrupt or for another path."""
        try:
            with open(self._entry(key), "rb") as fh:
                blob = fh.read()
        except OSError:
            return None
        if not blob.startswith(_MAGIC):
            return None
        from ._factcodec import unpack
        from .facts import FileFacts

        try:
            facts = unpack(pickle.loads(blob[len(_MAGIC):]))
        except Exception:  # noqa: BLE001 - any corruption is a miss
            return None
        if not isinstance(facts, FileFacts) or facts.path != path:
            return None
        return facts

    def put(self, key: str, facts: FileFacts) -> None:
        """Store ``facts`` under ``key`` atomically (a temporary file of this process, then rename)."""
        from ._factcodec import pack

        self.put_packed(key, pack(facts))

    def put_packed(self, key: str, packed: tuple) -> None:
        """``put`` for facts already packed (``_factcodec.pack``), as they come from a worker."""
        entry = self._entry(key)
        directory = os.path.dirname(entry)
        try:
            blob = _MAGIC + pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL)
            if directory not in self._made:
                os.makedirs(directory, mode=0o700, exist_ok=True)
                self._made.add(directory)
        except (OSError, pickle.PicklingError):
            return
        if _write_private(os.path.join(directory, f".tmp-{os.getpid()}-{key[2:]}"), entry, blob):
            self.written += 1

    def prune(self, now: float | None = None, force: bool = False) -> int:
        """Remove the oldest entries when over the limits (checked at most every ``PRUNE_EVERY`` s).

        Returns how many files were removed. Stray temporary files older than an hour go too.
        """
        now = time.time() if now is None else now
        stamp = self.root / ".pruned"
        try:
            if not force and now - stamp.stat().st_mtime < PRUNE_EVERY:
                return 0
        except OSError:
            pass
        entries: list[tuple[float, int, str]] = []
        removed = 0
        try:
            subdirs = list(os.scandir(self.root))
        except OSError:
            return 0
        for sub in subdirs:
            if not sub.is_dir(follow_symlinks=False):
                continue
            try:
                children = list(os.scandir(sub.path))
            except OSError:
                continue
            for child in children:
                try:
                    st = child.stat(follow_symlinks=False)
                except OSError:
                    continue
                if child.name.startswith(".tmp-"):
                    if now - st.st_mtime > 3600:
                        removed += _unlink(child.path)
                    continue
                entries.append((st.st_mtime, st.st_size, child.path))
        total = sum(size for _, size, _ in entries)
        if len(entries) > MAX_ENTRIES or total > MAX_BYTES:
            entries.sort()
            count = len(entries)
            for _mtime, size, path in entries:
                if count <= MAX_ENTRIES * _PRUNE_TO and total <= MAX_BYTES * _PRUNE_TO:
                    break
                removed += _unlink(path)
                count -= 1
                total -= size
        from .snapshot import FORMAT as SNAPSHOT_FORMAT

        for per_root in (self.root.parent / f"index-v{FORMAT}", self.root.parent / f"snapshot-v{SNAPSHOT_FORMAT}"):
            try:
                for child in os.scandir(per_root):
                    if now - child.stat(follow_symlinks=False).st_mtime > INDEX_MAX_AGE:
                        removed += _unlink(child.path)
            except OSError:
                pass
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
            os.utime(stamp, (now, now))
        except OSError:
            pass
        return removed


class StatIndex:
    """What the last scan of one root learnt per file, keyed by its stat: the warm path.

    ``entries`` maps a path to ``(size, stamp, key)``: ``key`` is the facts-cache key of the parsed
    file, or None when the pre-filter skipped it. A file whose size and stamp (mtime, ctime,
    inode) are unchanged is not read again. A file changed in the second before the index was
    written is not trusted (its mtime may not show a second edit in that second), as git does
    with racily clean entries. ``signature`` records the config properties the second pass
    looked for; skipped files are only re-read when it changes. One file per root and options,
    written atomically; a corrupt one is ignored.
    """

    RACY_NS = 2_000_000_000

    def __init__(self, cache: FactsCache, root: Path, options: str) -> None:
        ident = hashlib.sha256(f"{code_fingerprint()}\0{options}\0{root.resolve()}".encode("utf-8", "surrogatepass"))
        self.file = cache.root.parent / f"index-v{FORMAT}" / ident.hexdigest()[:40]
        self.entries: dict[str, tuple[int, tuple[int, int, int], str | None]] = {}
        self.signature: tuple = ()
        self.written_ns = 0
        self.racy = 0  # entries not trusted this time because they changed just before the last save
        try:
            blob = self.file.read_bytes()
            if blob.startswith(_MAGIC):
                self.written_ns, self.signature, self.entries = pickle.loads(blob[len(_MAGIC):])
        except Exception:  # noqa: BLE001 - missing or corrupt: start empty
            self.entries, self.signature, self.written_ns = {}, (), 0

    def lookup(self, path: str, size: int, stamp: tuple[int, int, int]) -> tuple[bool, str | None]:
        """(known, key): known is False when the file must be read."""
        entry = self.entries.get(path)
        if entry is None or entry[0] != size or entry[1] != stamp or stamp == (0, 0, 0):
            return False, None
        if stamp[0] >= self.written_ns - self.RACY_NS:
            self.racy += 1
            return False, None
        return True, entry[2]

    def save(self, entries: dict, signature: tuple, started_ns: int) -> None:
        if entries == self.entries and signature == self.signature and not self.racy:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            blob = _MAGIC + pickle.dumps((started_ns, signature, entries), protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            return
        _write_private(f"{self.file}.tmp-{os.getpid()}", str(self.file), blob)


def fields_text(options, skip: frozenset[str] = frozenset()) -> str:
    """A dataclass (``ExtractOptions``, ``Config``) as stable text, less the fields in ``skip``:
    sets sorted (their iteration order varies by process)."""
    parts = []
    for f in dataclasses.fields(options):
        if f.name in skip:
            continue
        value = getattr(options, f.name)
        if isinstance(value, (set, frozenset)):
            value = sorted(value)
        parts.append(f"{f.name}={value!r}")
    return ";".join(parts)


def _write_private(tmp: str, final: str, blob: bytes) -> bool:
    """Write ``blob`` to ``final`` atomically and readable by this user only (mode 0600): a
    temporary file of this process, then a rename. False, and no file left behind, on failure."""
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError:
        return False
    try:
        try:
            _write_all(fd, blob)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        return True
    except OSError:
        _unlink(tmp)
        return False


def _write_all(fd: int, blob: bytes) -> None:
    view = memoryview(blob)
    while view:
        view = view[os.write(fd, view):]


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
        return 1
    except OSError:
        return 0


def inside(directory: Path, root: Path) -> bool:
    """True when ``directory`` is ``root`` or below it (after resolving symlinks)."""
    try:
        directory, root = directory.resolve(), root.resolve()
    except OSError:
        return False
    return directory == root or root in directory.parents
