"""The per-file stage: read each file, pre-filter it, answer from the cache, parse the rest.

``extract_all`` returns one ``FileFacts`` per discovered file, in input order, whatever ran
where. In order:

0. the stat index (``cache.StatIndex``): a file whose size and stamp are those of the last scan
   is not read; its facts come from the cache, or it is known to be pre-filtered out;
1. read the bytes (size-capped), sniff binaries and minified bundles;
2. the frontend's literal pre-filter (``languages.may_have_facts``): a file that cannot hold a
   fact is not parsed;
3. the facts cache (``cache.py``), keyed by content, path, options and frontend code;
4. the misses are parsed in this process, or, when there is enough to read
   (``POOL_MIN_READ_BYTES``; ``Config.jobs`` overrides), steps 1-4 run in worker processes
   (``pool.py``, ``process_file``) and this one only collects;
5. a second pass for config indirection: a file skipped in step 2 that names a property some
   other file binds to a variable (``config.dbUrl``) is parsed after all, since its use of that
   property is a fact the inventory shows. Repeated until no new property appears.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ._io import NotRegularFile, read_source
from .config import Config
from .discover import SourceFile
from ._factcodec import pack, unpack
from .facts import ConfigBinding, FileFacts
from .languages import ExtractOptions, may_have_facts, sniff
from .pool import Task, can_start_workers, cpu_count, run_task

ProgressFn = Callable[[int, int], None]

#: Parse work (bytes to parse) below which worker processes cost more than they save. Measured on
#: a 2-core machine (novu's TypeScript): two forked workers cost about 17 ms to start and stop and
#: 8% of the parse time in the parent (pipes, unpickling), against about 3 MB/s parsed per core;
#: that breaks even near 120 KB. Twice that leaves room for a slower fork or a busy machine.
POOL_MIN_BYTES = 256_000
#: The same judgement before the pre-filter has run: about 40% of the bytes of a TypeScript tree
#: pass it, and the workers then also pre-filter.
POOL_MIN_READ_BYTES = 640_000
#: Bytes of pre-filtered files kept for the second pass; past this they are read again.
RETAIN_BYTES = 4 * 1024 * 1024
#: Bytes of Python, among the files to read, from which the zygote imports libcst before it
#: forks the workers. Workers wait for that warming (about 0.27 s): nine vendored Python files
#: (150 KB) held back novu's workers by that much after the walk had ended. Below this size the
#: few Python files fall to one worker or two, each importing libcst when it meets the first.
#: Every other kind is warmed whatever its size: a TypeScript grammar and its queries take 0.07 s,
#: and built in a worker instead they raised its peak by 4 MiB (healthchecks: 59.7 against 55.6).
WARM_MIN_BYTES = POOL_MIN_BYTES
#: Kinds the zygote builds only past ``WARM_MIN_BYTES`` (see there).
_WARM_IF_LARGE = frozenset({"python"})


def extract_all(files: list[SourceFile], config: Config, progress: ProgressFn | None = None,
                root: str | os.PathLike[str] | None = None, zygote=None, stat_index=None) -> list[FileFacts]:
    """Facts for every file, in input order. Unreadable files become diagnostics.

    ``stat_index``: the ``cache.StatIndex`` of this root and config when the caller opened it
    already (``WarmAhead``), so that it is read once.

    ``zygote`` (``WarmAhead``'s), when given, forks the first pass's workers and, when the first
    pass ran in workers, the second pass's: its parsers are built already, where this process
    would build them for a few files. It is closed once no pass needs it."""
    started_ns = time.time_ns()
    cache = _open_cache(config, root)
    index = stat_index if stat_index is not None and cache is not None else _open_index(cache, config, root)
    out: list[FileFacts | None] = [None] * len(files)
    keys: dict[int, str] = {}  # parsed files: index -> cache key (for the stat index)
    skipped: dict[int, bytes | None] = {}  # pre-filtered: index -> bytes (None: not kept or not read)
    unread: set[int] = set()  # skipped on the stat index's word, never read this run
    retained = 0
    unknown: list[int] = []  # files the stat index cannot answer for
    for i, sf in enumerate(files):
        known, key = index.lookup(sf.path, sf.size, sf.stamp) if index is not None else (False, None)
        if known and key is None:
            out[i] = FileFacts(sf.path)
            skipped[i] = None
            unread.add(i)
        elif known and (hit := cache.get(key, sf.path)) is not None:
            out[i] = hit
            keys[i] = key
        else:
            unknown.append(i)
    jobs = _jobs_for_reading([files[i] for i in unknown], config)
    if not (jobs > 1 and can_start_workers()) and zygote is not None:
        zygote.close()  # not needed: stop its warming at once
        zygote = None
    if jobs > 1 and can_start_workers():
        # Workers read, pre-filter, consult the cache and parse; this process only collects.
        cold: set[str] = set()  # kinds whose parsers the zygote does not build (a little Python)
        if zygote is not None:
            sizes: dict[str, int] = {}
            for i in unknown:
                sizes[files[i].kind] = sizes.get(files[i].kind, 0) + files[i].size
            warmed = worth_warming(sizes)
            zygote.warm(warmed)
            cold = set(sizes) - warmed
        cache_dir = str(cache.root.parent) if cache is not None else None
        options = {kind: options_for(kind, config) for kind in {files[i].kind for i in unknown}}  # one per chunk on the pipe
        tasks = [FileTask(i, files[i].path, files[i].abspath, options[files[i].kind],
                          config.max_file_size, config.prefilter, cache_dir) for i in unknown]
        tasks, together = cold_first(tasks, cold)
        from . import pool

        first_pass = pool.run_raw(tasks, jobs, config.file_timeout, process_file, zygote=zygote, warm=_warm,
                                  first=together)
        for done, (task, result, lost) in enumerate(first_pass, 1):
            i = task.index
            if lost is not None:
                out[i] = FileFacts(task.path, diagnostics=(lost,))
            elif result[0] == "skipped":
                out[i] = FileFacts(task.path)
                keep = retained + len(result[1]) <= RETAIN_BYTES
                skipped[i] = result[1] if keep else None
                retained += len(result[1]) if keep else 0
            else:
                status, packed, key = result
                out[i] = unpack(packed)
                if key is not None:
                    keys[i] = key
                if status == "parsed" and cache is not None:
                    cache.put_packed(key, packed)  # here: writes from several workers contend
            if progress:
                progress(len(files) - len(unknown) + done, len(files))
        unknown = []
    for n, i in enumerate(unknown, 1):
        sf = files[i]
        data = _read(sf, config)
        if isinstance(data, FileFacts):
            out[i] = data
        else:
            ready = sniff(sf.path, data, sf.kind)
            if ready is not None:
                out[i] = ready
            elif config.prefilter and not may_have_facts(sf.path, data, options_for(sf.kind, config)):
                out[i] = FileFacts(sf.path)
                data = data if may_be_used(sf.kind, data) else b""
                keep = retained + len(data) <= RETAIN_BYTES
                skipped[i] = data if keep else None
                retained += len(data) if keep else 0
            else:  # parsed at once: one file's bytes held at a time
                keys.update(_extract([Task(i, sf.path, options_for(sf.kind, config), data)], out, cache, config, jobs=1))
        if progress:
            progress(len(files) - len(unknown) + n, len(files))

    if index is not None and unread and _signature(out) != index.signature:
        unread = set()  # the properties looked for changed: every skipped file is read and checked
    seen: set[str] = set()
    while skipped:
        bindings = [b for ff in out if ff is not None for b in ff.facts if isinstance(b, ConfigBinding)]
        leaves = {b.attribute.rsplit(".", 1)[-1] for b in bindings} - seen - {""}
        if not leaves:
            break
        seen |= leaves
        uses = _property_uses(leaves, bindings)
        todo = []
        for i in sorted(skipped):
            if i in unread or files[i].kind not in _USE_KINDS:
                continue  # checked against the same properties when the index was written, or never used
            data = skipped[i]
            if data is None:
                read = _read(files[i], config)
                data = read if isinstance(read, bytes) else b""
            if uses(data, files[i].kind):
                del skipped[i]
                todo.append(Task(i, files[i].path, options_for(files[i].kind, config), data))
        keys.update(_extract(todo, out, cache, config, zygote=zygote))
    if zygote is not None:
        zygote.close()
    if cache is not None and cache.written:
        cache.prune()
    if index is not None:
        entries = {}
        for i, sf in enumerate(files):
            if i in keys:
                entries[sf.path] = (sf.size, sf.stamp, keys[i])
            elif i in skipped:
                entries[sf.path] = (sf.size, sf.stamp, None)
        index.save(entries, _signature(out), started_ns)
    return [ff if ff is not None else FileFacts(files[i].path) for i, ff in enumerate(out)]


@dataclass(frozen=True, slots=True)
class FileTask:
    """One file for a worker that reads it itself (the pool's first pass)."""

    index: int
    path: str
    abspath: str
    options: ExtractOptions
    max_file_size: int
    prefilter: bool
    cache_dir: str | None  # None: no cache

    def __reduce__(self):
        # A slotted dataclass pickles through ``__getstate__``, Python code per object: a tuple
        # of the fields costs a tenth of that, for every file of the first pass.
        return FileTask, (self.index, self.path, self.abspath, self.options, self.max_file_size,
                          self.prefilter, self.cache_dir)


_WORKER_CACHES: dict[str, object] = {}


def process_file(task: FileTask) -> tuple:
    """Read, sniff, pre-filter, look up, parse, store: the first pass for one file, in a worker.

    Returns ``("skipped", bytes)`` for a file the pre-filter rejects (the bytes serve the second
    pass; empty when the file can use no config property, ``may_be_used``), ``("parsed", packed
    facts, cache key)`` for new facts the parent should store (writes
    from several workers into one directory contend), else ``("done", packed facts, cache key or
    None)``.
    """
    if isinstance(task, Task):  # the second pass: read and judged already
        return ("done", pack(run_task(task)), None)
    data = _read_file(task.path, task.abspath, task.max_file_size)
    if isinstance(data, FileFacts):
        return ("done", pack(data), None)
    ready = sniff(task.path, data, task.options.kind)
    if ready is not None:
        return ("done", pack(ready), None)
    if task.prefilter and not may_have_facts(task.path, data, task.options):
        return ("skipped", data if may_be_used(task.options.kind, data) else b"")
    cache = None
    if task.cache_dir is not None:
        from .cache import FactsCache

        cache = _WORKER_CACHES.get(task.cache_dir)
        if cache is None:
            cache = _WORKER_CACHES[task.cache_dir] = FactsCache(task.cache_dir)
    key = cache.key(task.path, data, task.options) if cache is not None else None
    if cache is not None:
        hit = cache.get(key, task.path)
        if hit is not None:
            return ("done", pack(hit), key)
    facts = run_task(Task(task.index, task.path, task.options, data))
    if cache is None or any(code in _UNCACHED for code, _ in facts.diagnostics):
        return ("done", pack(facts), None)
    return ("parsed", pack(facts), key)


def options_for(kind: str, config: Config) -> ExtractOptions:
    """What the frontend of ``kind`` needs from ``config`` (and what the facts cache keys on)."""
    return ExtractOptions(kind, config.extra_local_hosts, config.secret_name_patterns)


def _jobs_for_reading(files: list[SourceFile], config: Config) -> int:
    """Workers for the first pass, judged before any file is read: by the bytes to read."""
    if config.jobs:
        return max(1, min(config.jobs, len(files)))
    size = sum(sf.size for sf in files)
    cpus = cpu_count()
    if cpus < 2 or size < POOL_MIN_READ_BYTES:
        return 1
    return max(2, min(cpus, size // POOL_MIN_READ_BYTES))


def _signature(out: list) -> tuple:
    """The config properties the second pass looks for, as data the stat index can compare."""
    return tuple(sorted({(b.owner, b.attribute, _module_name(b.span.path))
                         for ff in out if ff is not None for b in ff.facts if isinstance(b, ConfigBinding)}))


#: Kinds whose frontends report uses of config properties (``ConfigUse``): the second pass reads no others.
_USE_KINDS = frozenset({"typescript", "tsx", "javascript", "python"})
_JS_KINDS = frozenset({"typescript", "tsx", "javascript"})
#: A relative import or require: a JS/TS frontend resolves only those (``typescript._resolve_module``),
#: and a file without one has no imported name to use a bound property through.
_RELATIVE_IMPORT = re.compile(rb"""(?:from|require\s*\()\s*["'`]\.""")
#: Between two names of a reference as ``project.binding_for`` splits it: "." or "?." (the
#: frontend writes it "."), after a call without arguments ("()" is dropped). Whitespace or
#: anything else inside a reference makes a name that never matches a binding.
_SEP = rb"(?:\(\))?\??\."
#: Bytes before a property access searched for the rest of its reference.
_WINDOW = 1024


def may_be_used(kind: str, data: bytes) -> bool:
    """Whether a file can use a config property some other file binds, whatever the bindings:
    its frontend reports such uses, and (JS/TS) it imports from a relative module."""
    return kind in _USE_KINDS and (kind not in _JS_KINDS or _RELATIVE_IMPORT.search(data) is not None)


def _property_uses(leaves: set[str], bindings: list[ConfigBinding]) -> Callable[[bytes, str], bool]:
    """A test for the bytes of a file of some kind that may use a bound property, as
    ``project.binding_for`` resolves one.

    Python: ``.leaf`` as a property access, and a name the reference can resolve through (the
    owner, or the binding file's module name). JS/TS, where a use must start from a name imported
    from a relative module: a relative import, and before some ``.leaf`` of a binding either
    ``owner.attribute`` (``config.db.url``, ``getConfig().db.url``) or ``.attribute`` in a file
    that names the binding's module. Every test is looser than the frontends, never tighter."""
    def enc(text: str) -> bytes:
        return text.encode("utf-8", "surrogatepass")

    names = sorted(leaves, key=len, reverse=True)
    prop = re.compile(rb"\.(" + b"|".join(re.escape(enc(n)) for n in names) + rb")(?![\w$])")
    anchors = set()
    for b in bindings:
        anchors.add(b.owner.replace("()", ""))
        anchors.add(_module_name(b.span.path))
    anchor_bytes = tuple(enc(a) for a in anchors if a)
    #: JS/TS, per leaf: the bindings that end in it, as (owner, attribute, module name).
    bound: dict[bytes, list[tuple[str, str, str]]] = {}
    for owner, attribute, module in sorted({(b.owner, b.attribute, _module_name(b.span.path)) for b in bindings}):
        leaf = attribute.rsplit(".", 1)[-1]
        if leaf in leaves:
            bound.setdefault(enc(leaf), []).append((owner, attribute, module))
    #: JS/TS, per leaf met: (module name, owner.attribute, .attribute), each matching at a
    #: window's end. Compiled on first use: a tree binds many properties, a file uses few.
    chains: dict[bytes, list[tuple[bytes, re.Pattern, re.Pattern]]] = {}

    def chains_for(leaf: bytes) -> list[tuple[bytes, re.Pattern, re.Pattern]]:
        found = chains.get(leaf)
        if found is None:
            found = chains[leaf] = []
            for owner, attribute, module in bound.get(leaf, ()):
                chain = _SEP.join(re.escape(enc(part)) for part in attribute.split("."))
                owned = rb"(?<![\w$])" + re.escape(enc(owner.replace("()", ""))) + _SEP + chain + rb"\Z"
                found.append((enc(module), re.compile(owned), re.compile(_SEP + chain + rb"\Z")))
        return found

    def uses(data: bytes, kind: str) -> bool:
        if not may_be_used(kind, data) or not prop.search(data):
            return False
        if kind not in _JS_KINDS:
            return any(a in data for a in anchor_bytes)
        for m in prop.finditer(data):
            window = data[max(0, m.start() - _WINDOW):m.end()]
            for module, owned, dotted in chains_for(m.group(1)):
                if owned.search(window) or (module and module in data and dotted.search(window)):
                    return True
        return False

    return uses


def _module_name(path: str) -> str:
    """``src/config.ts`` and ``src/config/index.ts`` are both imported as ``…/config``."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if stem in {"index", "__init__"}:
        stem = posixpath.basename(posixpath.dirname(path))
    return stem


def _read(sf: SourceFile, config: Config) -> bytes | FileFacts:
    return _read_file(sf.path, sf.abspath, config.max_file_size)


def _read_file(path: str, abspath: str, max_size: int) -> bytes | FileFacts:
    """The file's bytes, or why not. ``read_source`` neither follows a link nor waits on a FIFO,
    so a file swapped for either after discovery is refused."""
    try:
        data = read_source(abspath, max_size)
    except FileNotFoundError:
        return FileFacts(path, diagnostics=(("vanished", "skipped: the file disappeared during the scan"),))
    except NotRegularFile:
        return FileFacts(path, diagnostics=(("special-file", "skipped: no longer a regular file"),))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return FileFacts(path, diagnostics=(("symlink", "skipped: became a symlink during the scan; not followed"),))
        return FileFacts(path, diagnostics=(("unreadable", f"skipped: cannot read ({exc.strerror})"),))
    if len(data) > max_size:
        return FileFacts(path, diagnostics=(("too-large", f"skipped: over the {max_size}-byte limit"),))
    return data


def _open_index(cache, config: Config, root: str | os.PathLike[str] | None):
    if cache is None or root is None:
        return None
    from .cache import StatIndex

    options = f"{sorted(config.extra_local_hosts)}|{sorted(config.secret_name_patterns)}|{config.prefilter}|{config.max_file_size}"
    return StatIndex(cache, Path(root), options)


def _open_cache(config: Config, root: str | os.PathLike[str] | None):
    if not config.use_cache:
        return None
    from .cache import FactsCache, default_dir, inside

    directory = default_dir()
    if root is not None and inside(directory, Path(root)):
        return None  # never write inside the scanned tree
    return FactsCache(directory)


def _extract(tasks: list[Task], out: list, cache, config: Config, jobs: int | None = None,
             zygote=None) -> dict[int, str]:
    """Fill ``out`` for ``tasks``: from the cache where it has them, else by parsing (in ``jobs``
    processes; by default as ``workers_for`` judges; with ``zygote``, always in workers it forks).
    Returns the cache key of each task whose facts are (now) in the cache."""
    keys: dict[int, str] = {}
    misses: list[Task] = []
    for task in tasks:
        if cache is not None:
            key = cache.key(task.path, task.data, task.options)
            keys[task.index] = key
            hit = cache.get(key, task.path)
            if hit is not None:
                out[task.index] = hit
                continue
        misses.append(task)
    jobs = workers_for(misses, config) if jobs is None else jobs
    if zygote is not None and misses:
        results = _from_zygote(misses, jobs, config.file_timeout, zygote)
    elif jobs > 1 and can_start_workers():
        from . import pool

        results = pool.run(misses, jobs, config.file_timeout, warm=_warm)
    else:
        results = _in_process(misses, config.file_timeout)
    for index, facts in results:
        out[index] = facts
        if cache is None:
            continue
        if any(code in _UNCACHED for code, _ in facts.diagnostics):
            keys.pop(index, None)
        else:
            cache.put(keys[index], facts)
    return keys


def _from_zygote(tasks: list[Task], jobs: int, timeout: float, zygote):
    """(index, facts) of ``tasks`` extracted by workers of ``zygote`` (whose work is ``process_file``)."""
    from . import pool

    for task, result, lost in pool.run_raw(tasks, jobs, timeout, process_file, zygote=zygote):
        yield task.index, FileFacts(task.path, diagnostics=(lost,)) if lost is not None else unpack(result[1])


_UNCACHED = frozenset({"timeout", "worker-crashed", "out-of-memory"})  # may pass next time


class WarmAhead:
    """The walk's ``on_file``, and the owner of the scan's ``pool.Zygote``.

    Once the files the walk has found that must be read (those the stat index cannot answer for)
    add up to enough bytes that the first pass will run in workers (``POOL_MIN_READ_BYTES``; from
    the first such file when the user set ``--jobs``), it forks the zygote, which builds the
    parsers of the kinds found (``worth_warming``), on another CPU while the walk goes on.
    A small tree, or a re-scan after an edit, never forks one. ``for_config`` is None where no
    workers will run (``--jobs 1``, one CPU, a daemonic process)."""

    def __init__(self, config: Config, root: str | os.PathLike[str] | None = None) -> None:
        self.threshold = 0 if config.jobs else POOL_MIN_READ_BYTES
        self.index = _open_index(_open_cache(config, root), config, root)  # handed on to ``extract_all``
        self.size = 0
        self.sizes: dict[str, int] = {}  # bytes to read, per kind
        self.zygote = None
        self.started = False  # a zygote was asked for (None when this platform cannot fork one)

    @classmethod
    def for_config(cls, config: Config, root: str | os.PathLike[str] | None = None) -> "WarmAhead | None":
        if config.jobs == 1 or (not config.jobs and cpu_count() < 2) or not can_start_workers():
            return None
        return cls(config, root)

    def __call__(self, sf: SourceFile) -> None:
        if self.index is not None and self.index.lookup(sf.path, sf.size, sf.stamp)[0]:
            return  # answered without reading
        self.size += sf.size
        before = self.sizes.get(sf.kind, 0)
        self.sizes[sf.kind] = before + sf.size
        if self.size < self.threshold:
            return
        if self.started and before and not before < WARM_MIN_BYTES <= before + sf.size:
            return  # nothing new to ask for
        if not self.started:
            from .pool import Zygote

            self.started = True
            self.zygote = Zygote.start(process_file, _warm)
        if self.zygote is not None:
            self.zygote.warm(worth_warming(self.sizes))

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()


def cold_first(tasks: list, cold: set[str]) -> tuple[list, int]:
    """``tasks`` with those of a ``cold`` kind (whose parser the zygote did not build) moved to the
    front, and how many they are: the pool sends them to one worker as one chunk (``run_raw``'s
    ``first``), so that one worker imports libcst for them, not every worker that meets one, and
    does so while the others start on the rest. On novu, nine vendored Python files (150 KB) had
    both workers import it: about 0.2 s of CPU each."""
    together = [t for t in tasks if t.options.kind in cold]
    if not together:
        return tasks, 0
    return together + [t for t in tasks if t.options.kind not in cold], len(together)


def worth_warming(sizes: dict[str, int]) -> set[str]:
    """Of the kinds to read (kind -> bytes), those whose parsers the zygote should build before
    it forks the workers: all but Python with less than ``WARM_MIN_BYTES``."""
    return {kind for kind, size in sizes.items() if kind not in _WARM_IF_LARGE or size >= WARM_MIN_BYTES}


def _warm(kinds: set[str]) -> None:
    """Let each frontend build its parsers and queries before the workers fork (``warm(kind)``)."""
    from .languages import frontend_for

    for kind in sorted(kinds):
        frontend = frontend_for(kind)
        warm = getattr(frontend, "warm", None)
        if warm is not None:
            warm(kind)


def workers_for(tasks: list[Task], config: Config) -> int:
    """How many processes extract ``tasks``: ``Config.jobs`` when set, else by the work's size."""
    if config.jobs:
        return max(1, min(config.jobs, len(tasks)))
    work = sum(len(t.data) for t in tasks)
    cpus = cpu_count()
    if cpus < 2 or work < POOL_MIN_BYTES:
        return 1
    return max(2, min(cpus, work // POOL_MIN_BYTES))


class _Timeout(BaseException):
    """Raised by the alarm inside a slow extraction (a BaseException, so frontends cannot catch it)."""


def _alarm(_signum, _frame) -> None:
    raise _Timeout


def _in_process(tasks: list[Task], timeout: float):
    """Extract in this process; the time budget is enforced by an alarm where POSIX allows one."""
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _alarm) if alarm and tasks else None
    try:
        for task in tasks:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                facts = run_task(task)
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except _Timeout:
                facts = FileFacts(task.path, diagnostics=(("timeout", f"skipped: extraction took longer than {timeout:g} s"),))
            except MemoryError:
                facts = FileFacts(task.path, diagnostics=(("out-of-memory", "skipped: ran out of memory"),))
            finally:
                if alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            yield task.index, facts
    finally:
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
