"""Worker processes for extraction, each file isolated: a hang or a crash costs that file, not the scan.

``run(tasks, jobs, timeout)`` hands chunks of ``Task`` to ``jobs`` worker processes and yields
``(index, FileFacts)`` as results arrive; callers place them by index, so the order of completion
never shows. A worker answers file by file, so the parent always knows which file a worker is on
and since when. A file that takes longer than ``timeout`` seconds gets the diagnostic ``timeout``
and its worker is killed; a worker that dies (a segfault in a parser, the OOM killer) costs the
file it was on a ``worker-crashed`` diagnostic. Either way a fresh worker takes the rest of the
chunk. Workers build their parsers and compiled queries once (the frontends ``lru_cache`` them).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from ._factcodec import pack, unpack
from .facts import FileFacts

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .languages import ExtractOptions

CHUNK_FILES = 16  # files per message: amortises the pipe without starving a worker at the end


@dataclass(frozen=True, slots=True)
class Task:
    """One file to extract: everything a worker needs, the bytes included (no second read)."""

    index: int
    path: str
    options: "ExtractOptions"
    data: bytes


def run_task(task: Task) -> FileFacts:
    """The per-file unit, in whichever process runs it."""
    from .languages import extract_bytes

    return extract_bytes(task.path, task.data, task.options)


def _extract_packed(task: Task):
    """``run_task`` as a worker runs it: facts packed for the pipe."""
    return pack(run_task(task))


_OUT_OF_MEMORY = "out-of-memory"  # what a worker sends instead of a result when the work ran out of memory
LOST_MEMORY = ("out-of-memory", "skipped: ran out of memory")


def _worker(conn: "Connection", work) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for task in chunk:
            try:
                result = work(task)
            except MemoryError:
                result = _OUT_OF_MEMORY
            conn.send((task.index, result))


def _context():
    import multiprocessing  # here, not at the top: a scan that never forks does not pay for it

    methods = multiprocessing.get_all_start_methods()
    # fork starts in milliseconds and shares the parent's imports; elsewhere (macOS, Windows) spawn.
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") and "fork" in methods else "spawn")


class _Worker:
    def __init__(self, ctx, work) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker, args=(child, work), daemon=True)
        self.proc.start()
        child.close()
        self.inflight: deque = deque()
        self.since = 0.0

    def give(self, chunk: list) -> None:
        self.inflight.extend(chunk)
        self.since = time.monotonic()
        self.conn.send(chunk)

    def stop(self, kill: bool = False) -> None:
        if kill and self.proc.is_alive():
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(timeout=1.0)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=1.0)
        self.conn.close()


def run(tasks: list[Task], jobs: int, timeout: float) -> Iterator[tuple[int, FileFacts]]:
    """Extract ``tasks`` in ``jobs`` processes; yields (index, facts) once per task, in any order."""
    for task, result, lost in run_raw(tasks, jobs, timeout, _extract_packed):
        yield task.index, FileFacts(task.path, diagnostics=(lost,)) if lost else unpack(result)


def run_raw(tasks: list, jobs: int, timeout: float, work) -> Iterator[tuple[object, object, tuple[str, str] | None]]:
    """Run ``work(task)`` for every task in ``jobs`` processes; yields (task, result, lost) once per
    task, in any order. ``lost`` is a (code, message) diagnostic when the task got no result (its
    worker timed out, died or ran out of memory); ``work`` must be a module-level function and
    each task needs ``index`` and ``path``."""
    import gc
    from multiprocessing.connection import wait

    ctx = _context()
    gc.freeze()  # forked workers then leave the parent's objects alone: no GC passes, no copied pages
    queue: deque[list] = deque(tasks[i:i + CHUNK_FILES] for i in range(0, len(tasks), CHUNK_FILES))
    workers = [_Worker(ctx, work) for _ in range(max(1, min(jobs, len(queue))))]
    remaining = len(tasks)
    try:
        while remaining:
            for w in workers:
                if not w.inflight and queue:
                    w.give(queue.popleft())
            busy = [w for w in workers if w.inflight]
            now = time.monotonic()
            wait_for = max(0.0, min(w.since + timeout - now for w in busy))
            wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=wait_for)
            for i, w in enumerate(workers):
                if not w.inflight:
                    continue
                lost = None
                try:
                    while w.inflight and w.conn.poll():
                        _index, result = w.conn.recv()
                        task = w.inflight.popleft()
                        w.since = time.monotonic()
                        remaining -= 1
                        yield (task, None, LOST_MEMORY) if result == _OUT_OF_MEMORY else (task, result, None)
                except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
                    lost = ("worker-crashed", "skipped: the worker process reading it died")
                if not w.inflight:
                    continue
                if lost is None and not w.proc.is_alive():
                    lost = ("worker-crashed", "skipped: the worker process reading it died "
                            f"(exit code {w.proc.exitcode})")
                if lost is None and time.monotonic() - w.since > timeout:
                    lost = ("timeout", f"skipped: extraction took longer than {timeout:g} s")
                if lost is None:
                    continue
                task = w.inflight.popleft()
                rest = list(w.inflight)
                w.inflight.clear()
                w.stop(kill=True)
                if rest:
                    queue.appendleft(rest)
                workers[i] = _Worker(ctx, work)
                remaining -= 1
                yield task, None, lost
    finally:
        for w in workers:
            w.stop(kill=bool(w.inflight))
        gc.unfreeze()


def can_start_workers() -> bool:
    """False inside a daemonic process (a multiprocessing worker), which may not have children."""
    import multiprocessing

    return not multiprocessing.current_process().daemon


def cpu_count() -> int:
    """CPUs this process may use (affinity and cgroup-limited where the platform tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
