"""The result snapshot: a re-scan of an unchanged tree answers without reading a file.

The stat index (``cache.StatIndex``) spares reading unchanged files, but a scan still walks the
tree, matches every path against the ignore files, loads each file's facts and runs every rule.
When nothing the last scan looked at has changed, its analysis (``engine.Analysis``: findings
before the baseline and level filters, inventory, diagnostics, files) is the answer, so it is
kept per root and settings, with what it depended on:

- the size and stamp (mtime, ctime, inode) of every file scanned;
- the stat signature (mode, size, mtime, ctime, inode) of every ignore file read and every
  other file stat'ed (``Discovery.watched``);
- for every directory listed, its stat signature and a digest of the entries a walk depends on
  (``discover.listing_digest``). The signature is checked first (adding, removing or renaming
  an entry changes a directory's mtime); when it differs the directory is listed again, so a
  report written next to the code does not throw the snapshot away;
- where every symlink met leads (``_io.link_state``): its diagnostic depends on that.

A later scan of the same root with the same settings and the same envmatrix code checks those
(an ``lstat`` each) and, when all agree, takes the analysis. The command line goes one step
further (``report``/``keep_report``): it keeps the rendered report of each set of report options
beside the snapshot, so an unchanged tree is answered without unpickling the analysis at all.

Like git's index, a snapshot is not written when something it depends on changed within
``RACY_NS`` of the scan's start (a second edit in the same clock tick would not show), nor when
the analysis holds an outcome that may differ next time (a timeout, a crashed worker, a file that
vanished). Files are written atomically, readable by this user only, in the facts cache
directory; a corrupt one is a miss. This module imports no parser and no fact model, so the
command line's fast path stays fast.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import struct
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._io import link_state, stat_signature
from .cache import fields_text

if TYPE_CHECKING:
    from .config import Config
    from .discover import Discovery
    from .engine import Analysis

FORMAT = 1  # bump when the stored layout changes
RACY_NS = 2_000_000_000
_MAGIC = b"envmatrix-snapshot-1\n"
_LENGTH = struct.Struct(">Q")
#: Settings that only filter or judge the analysis afterwards: they are not part of the key.
_AFTER_ANALYSIS = frozenset({"min_level", "fail_level", "hidden_roles", "jobs", "use_cache"})
#: Diagnostics of an outcome that may differ on the next run: such a scan is not kept.
VOLATILE = frozenset({"timeout", "worker-crashed", "out-of-memory", "vanished", "unreadable"})


@lru_cache(maxsize=1)
def package_fingerprint() -> str:
    """A digest of the path, size and modification time of every module and query of
    envmatrix: any code change is a miss. Stamps, as Python's own bytecode cache checks its
    sources, not contents: reading and hashing the package's 600 KB cost every scan, warm ones
    included, about 3 ms (35 million instructions)."""
    digest = hashlib.sha256()
    for name, stamp in sorted(_source_stamps(os.path.dirname(os.path.abspath(__file__)), "")):
        digest.update(f"{name}\0{stamp}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _source_stamps(directory: str, prefix: str) -> list[tuple[str, str]]:
    """(relative path, "size:mtime_ns") of every ``.py`` and ``.scm`` file below ``directory``."""
    found: list[tuple[str, str]] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return [(prefix or ".", "?")]
    for entry in entries:
        name = prefix + entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    found.extend(_source_stamps(entry.path, name + "/"))
            elif entry.name.endswith((".py", ".scm")):
                st = entry.stat()
                found.append((name, f"{st.st_size}:{st.st_mtime_ns}"))
        except OSError:
            found.append((name, "?"))
    return found


class Snapshot:
    """The snapshot file of one root (as given and as resolved) and one set of settings.

    The file is ``MAGIC``, the length of the header, the header (what the analysis depends on,
    as plain tuples, and a token naming the analysis) and the analysis, each pickled.
    """

    def __init__(self, cache_dir: str | os.PathLike[str], root: str | os.PathLike[str], config: "Config") -> None:
        ident = "\0".join((str(FORMAT), package_fingerprint(), fields_text(config, _AFTER_ANALYSIS), os.fspath(root),
                           os.path.realpath(root)))
        name = hashlib.sha256(ident.encode("utf-8", "surrogateescape")).hexdigest()[:40]
        self.file = Path(cache_dir) / f"snapshot-v{FORMAT}" / name

    def check(self) -> str | None:
        """The token of the stored analysis when nothing it depends on has changed, else None."""
        found = self._read(body=False)
        return found[0] if found is not None else None

    def load(self) -> "Analysis | None":
        """The stored analysis when nothing it depends on has changed, else None."""
        found = self._read(body=True)
        if found is None:
            return None
        token, body = found
        try:
            analysis = pickle.loads(body)
        except Exception:  # noqa: BLE001 - any corruption is a miss
            return None
        analysis.token = token
        return analysis

    def _read(self, body: bool) -> tuple[str, bytes] | None:
        try:
            with open(self.file, "rb") as fh:
                head = fh.read(len(_MAGIC) + _LENGTH.size)
                if len(head) != len(_MAGIC) + _LENGTH.size or not head.startswith(_MAGIC):
                    return None
                (length,) = _LENGTH.unpack(head[len(_MAGIC):])
                header = pickle.loads(fh.read(length))
                rest = fh.read() if body else b""
        except Exception:  # noqa: BLE001 - missing, unreadable or corrupt: a miss
            return None
        try:
            token, files, watched, listings, links = header
            if not _unchanged(files, watched, listings, links):
                return None
        except Exception:  # noqa: BLE001 - a header of an unexpected shape is a miss
            return None
        return token, rest

    def save(self, analysis: "Analysis", found: "Discovery", started_ns: int) -> str | None:
        """Keep ``analysis`` unless it is volatile or something changed too recently to tell.
        Returns its token, or None when it was not kept."""
        from .cache import _write_private

        if analysis.internal_error or any(d.code in VOLATILE for d in analysis.diagnostics):
            return None
        limit = started_ns - RACY_NS
        files = [(sf.abspath, sf.size, sf.stamp) for sf in found.files]
        if any(stamp[0] >= limit or stamp == (0, 0, 0) for _, _, stamp in files) \
                or any(sig is not None and sig[2] >= limit for _, sig in found.watched) \
                or any(sig is None or sig[2] >= limit for _, sig, _ in found.listings):
            return None
        try:
            body = pickle.dumps(dataclasses.replace(analysis, token=None), protocol=pickle.HIGHEST_PROTOCOL)
            token = hashlib.sha256(body).hexdigest()[:32]
            header = pickle.dumps((token, files, found.watched, found.listings, found.links), protocol=pickle.HIGHEST_PROTOCOL)
            self.file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except (OSError, pickle.PicklingError):
            return None
        blob = _MAGIC + _LENGTH.pack(len(header)) + header + body
        return token if _write_private(f"{self.file}.tmp-{os.getpid()}", str(self.file), blob) else None

    def _report_file(self, key: str) -> str:
        return f"{self.file}.report-{hashlib.sha256(key.encode('utf-8', 'surrogateescape')).hexdigest()[:24]}"

    def report(self, key: str, token: str):
        """What ``keep_report`` kept under ``key`` for the analysis ``token``, or None."""
        try:
            with open(self._report_file(key), "rb") as fh:
                blob = fh.read()
            if not blob.startswith(_MAGIC):
                return None
            kept_token, kept_key, payload = pickle.loads(blob[len(_MAGIC):])
        except Exception:  # noqa: BLE001 - missing or corrupt: a miss
            return None
        return payload if kept_token == token and kept_key == key else None

    def keep_report(self, key: str, token: str, payload) -> None:
        """Keep ``payload`` (plain data: a rendered report and what goes with it) for ``token``."""
        from .cache import _write_private

        try:
            blob = _MAGIC + pickle.dumps((token, key, payload), protocol=pickle.HIGHEST_PROTOCOL)
        except pickle.PicklingError:
            return
        final = self._report_file(key)
        _write_private(f"{final}.tmp-{os.getpid()}", final, blob)


def _unchanged(files: list, watched: list, listings: list, links: list) -> bool:
    lstat = os.lstat
    for abspath, size, stamp in files:
        try:
            st = lstat(abspath)
        except OSError:
            return False
        if st.st_size != size or (st.st_mtime_ns, st.st_ctime_ns, st.st_ino) != stamp:
            return False
    for path, signature in watched:
        if stat_signature(path) != signature:
            return False
    relisted = None
    for path, signature, digest in listings:
        if stat_signature(path) != signature:
            if relisted is None:
                from .discover import listing_digest_of as relisted
            if relisted(path) != digest:
                return False
    return all(link_state(path) == state for path, state in links)


def open_snapshot(root: str | os.PathLike[str], config: "Config") -> Snapshot | None:
    """The snapshot for this scan, or None when the cache is off or would sit inside the tree."""
    if not config.use_cache:
        return None
    from .cache import default_dir, inside

    directory = default_dir()
    if inside(directory, Path(root)):
        return None  # never write inside the scanned tree
    return Snapshot(directory, root, config)
