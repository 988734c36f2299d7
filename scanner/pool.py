"""Worker processes for extraction, each file isolated: a hang or a crash costs that file, not the scan.

``run(tasks, jobs, timeout)`` hands chunks of ``Task`` to ``jobs`` worker processes and yields
``(index, FileFacts)`` as results arrive; callers place them by index, so the order of completion
never shows. A worker answers file by file, so the parent always knows which file a worker is on
and since when. A file that takes longer than ``timeout`` seconds gets the diagnostic ``timeout``
and its worker is killed; a worker that dies (a segfault in a parser, the OOM killer) costs the
file it was on a ``worker-crashed`` diagnostic. Either way a fresh worker takes the rest of the
chunk. Workers build their parsers and compiled queries once (the frontends ``lru_cache`` them).

Where ``fork`` exists, workers come from a ``Zygote``: a process forked during the walk, once it
has found enough to read, which builds the parsers (``warm``) while this one walks on, and forks
each worker on request.
Workers then share its parsers without inheriting the walk's data, and this process loads no
grammar at all unless it parses in-process.
"""

from __future__ import annotations

import math
import os
import select
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

    def __reduce__(self):
        return Task, (self.index, self.path, self.options, self.data)  # see ``FileTask.__reduce__``


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
    from ._gc import collect_less_often

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
    collect_less_often()  # a worker is envmatrix's own process, even under a program that calls the scanner
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


class Zygote:
    """A process that builds the frontends' parsers, then forks extraction workers on request.

    Started (``start``) while the tree is walked (``extraction.WarmAhead``), it imports and
    compiles what the walk tells it (``warm``) on another CPU while this process walks on; each worker forked from it (``spawn``)
    shares that work copy-on-write, as workers forked from a warmed parent would, but not the
    walk's file list and signatures (about 9 MiB on a 5,000-file tree), and this process never
    loads a grammar or libcst for the workers' sake.

    The channel is a socket pair: messages go one way, worker pipes go the other way as file
    descriptors (``multiprocessing.reduction.send_handle``) and pids come back. The zygote reaps
    its workers and this process reaps the zygote (``close``), so their CPU time and peak memory
    count in this process's RUSAGE_CHILDREN as a worker's did when this process forked it.
    Linux only: ``start`` returns None where ``fork`` is not the start method.
    """

    def __init__(self, pid: int, channel: "Connection") -> None:
        self.pid = pid
        self.channel = channel
        self.warmed: set[str] = set()
        self.spawned = 0

    @classmethod
    def start(cls, work, warm) -> "Zygote | None":
        """Fork a zygote whose workers run ``work(task)`` and whose ``warm(kinds)`` builds parsers."""
        if _context().get_start_method() != "fork" or not can_start_workers():
            return None
        from multiprocessing import Pipe

        ours, theirs = Pipe(duplex=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Signals wait until the zygote has its own handlers: a Ctrl-C landing right after the
        # fork would otherwise unwind the zygote through this process's stack and exit handlers.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            try:
                pid = os.fork()
            except OSError:  # no process to spare (EAGAIN, ENOMEM): the pool forks its own
                ours.close()
                theirs.close()
                return None
            if pid == 0:  # the zygote
                status = 1
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what an interrupt means
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
                    ours.close()
                    _zygote_main(theirs, work, warm)
                    status = 0
                finally:
                    os._exit(status)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        theirs.close()
        return cls(pid, ours)

    def warm(self, kinds) -> None:
        """Ask for the parsers of ``kinds`` (those not asked for yet); returns at once."""
        new = sorted(set(kinds) - self.warmed)
        if new:
            self.warmed.update(new)
            self.channel.send(("warm", tuple(new)))

    def spawn(self) -> tuple[int, "Connection"]:
        """A new worker: (pid, this side of its pipe). Waits for the asked warming to finish."""
        from multiprocessing import Pipe
        from multiprocessing.reduction import send_handle

        ours, theirs = Pipe(duplex=True)
        try:
            self.channel.send(("spawn",))
            send_handle(self.channel, theirs.fileno(), self.pid)
            pid = self.channel.recv()
        except BaseException:
            ours.close()  # a worker forked meanwhile reads EOF and ends
            raise
        finally:
            theirs.close()
        self.spawned += 1
        return pid, ours

    def close(self) -> None:
        """End the zygote (its workers end when their pipes close) and reap it. Idempotent.
        One that forked no worker is killed: it may be in the middle of building a parser
        nobody will use (a re-scan that the stat index answers), and has nothing to reap."""
        if self.channel.closed:
            return
        if not self.spawned:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.channel.send(("exit",))
        except OSError:
            pass
        self.channel.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _zygote_main(channel: "Connection", work, warm) -> None:
    children: set[int] = set()
    try:
        _zygote_serve(channel, work, warm, children)
    finally:
        _end_workers(children)


#: Seconds the zygote, told to end, waits for its workers to end (they were told to, or their
#: pipes closed) before it kills them: one whose pipe a crashed parent left open would wait forever.
ZYGOTE_GRACE = 2.0


def _end_workers(children: set[int]) -> None:
    deadline = time.monotonic() + ZYGOTE_GRACE
    while _reap(children) and time.monotonic() < deadline:
        time.sleep(0.005)
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    while children:
        try:
            pid, _status = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        children.discard(pid)


def _reap(children: set[int]) -> bool:
    """Wait for the workers that have ended; True while some still run. Waiting (not ignoring
    SIGCHLD) keeps their CPU time and peak memory in this process's RUSAGE_CHILDREN, which the
    parent gets when it reaps the zygote."""
    while children:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return False
        if pid == 0:
            return True
        children.discard(pid)
    return False


def _zygote_serve(channel: "Connection", work, warm, children: set[int]) -> None:
    import gc
    from multiprocessing.connection import Connection
    from multiprocessing.reduction import recv_handle

    while True:
        _reap(children)
        try:
            message = channel.recv()
        except (EOFError, OSError):
            return
        if message[0] == "warm":
            try:
                warm(set(message[1]))
            except Exception:  # noqa: BLE001 - a worker builds what is missing itself, and reports
                pass
            gc.freeze()  # workers then leave these objects alone: no GC passes, no copied pages
        elif message[0] == "spawn":
            fd = recv_handle(channel)
            pid = os.fork()
            if pid == 0:  # a worker
                status = 1
                try:
                    channel.close()
                    _worker(Connection(fd), work)
                    status = 0
                finally:
                    os._exit(status)
            children.add(pid)
            os.close(fd)
            channel.send(pid)
        else:
            return


class _ZygoteWorker:
    """A worker forked by the zygote: the parent knows it by its pid and its pipe alone. Its death
    shows as the end of its pipe (nothing else holds the other side)."""

    sentinel = None

    def __init__(self, zygote: Zygote) -> None:
        self.pid, self.conn = zygote.spawn()
        self.inflight: deque = deque()
        self.since = 0.0
        self.has_result = _readiness(self.conn)

    def alive(self) -> bool:
        return True  # a dead worker's pipe reads as EOF: the caller learns it there

    def give(self, chunk: list) -> None:
        self.inflight.extend(chunk)
        self.since = time.monotonic()
        self.conn.send(chunk)

    def stop(self, kill: bool = False) -> None:
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.conn.close()


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
        self.sentinel = self.proc.sentinel
        self.has_result = _readiness(self.conn)

    def alive(self) -> bool:
        return self.proc.is_alive()

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


def run(tasks: list[Task], jobs: int, timeout: float, warm=None) -> Iterator[tuple[int, FileFacts]]:
    """Extract ``tasks`` in ``jobs`` processes; yields (index, facts) once per task, in any order.
    ``warm(kinds)`` builds the parsers the workers share (see ``run_raw``)."""
    for task, result, lost in run_raw(tasks, jobs, timeout, _extract_packed, warm=warm):
        yield task.index, FileFacts(task.path, diagnostics=(lost,)) if lost else unpack(result)


def run_raw(tasks: list, jobs: int, timeout: float, work, zygote: Zygote | None = None,
            warm=None, first: int = 0) -> Iterator[tuple[object, object, tuple[str, str] | None]]:
    """Run ``work(task)`` for every task in ``jobs`` processes; yields (task, result, lost) once per
    task, in any order. ``lost`` is a (code, message) diagnostic when the task got no result (its
    worker timed out, died or ran out of memory); ``work`` must be a module-level function and
    each task needs ``index`` and ``path``.

    Workers come from ``zygote`` when given (it must run ``work``); else, where ``fork`` is the
    start method, from a zygote started here and ended on return (``warm`` then builds the
    parsers they share); else they are spawned. The first ``first`` tasks go to one worker as one
    chunk, before the others (tasks that need a parser no worker has: whoever takes them builds
    it, once)."""
    import gc

    ctx = _context()
    own = zygote is None and warm is not None and (zygote := Zygote.start(work, warm)) is not None
    if own:
        zygote.warm({getattr(getattr(t, "options", None), "kind", None) for t in tasks} - {None})
    queue: deque[list] = deque([tasks[:first]] if first else [])
    queue.extend(tasks[i:i + CHUNK_FILES] for i in range(first, len(tasks), CHUNK_FILES))

    def new_worker():
        return _ZygoteWorker(zygote) if zygote is not None else _Worker(ctx, work)

    if zygote is None:
        gc.freeze()  # forked workers then leave the parent's objects alone: no GC passes, no copied pages
    workers = []
    remaining = len(tasks)
    try:
        for _ in range(max(1, min(jobs, len(queue)))):
            workers.append(new_worker())  # one at a time: each is stopped in ``finally``
        while remaining:
            for w in workers:
                if not w.inflight and queue:
                    w.give(queue.popleft())
            busy = [w for w in workers if w.inflight]
            now = time.monotonic()
            wait_for = max(0.0, min(w.since + timeout - now for w in busy))
            _wait(busy, wait_for)
            for i, w in enumerate(workers):
                if not w.inflight:
                    continue
                lost = None
                try:
                    while w.inflight and w.has_result():
                        _index, result = w.conn.recv()
                        task = w.inflight.popleft()
                        w.since = time.monotonic()
                        remaining -= 1
                        yield (task, None, LOST_MEMORY) if result == _OUT_OF_MEMORY else (task, result, None)
                except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError):
                    lost = ("worker-crashed", "skipped: the worker process reading it died")
                if not w.inflight:
                    continue
                if lost is None and not w.alive():
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
                workers[i] = new_worker()
                remaining -= 1
                yield task, None, lost
    finally:
        for w in workers:
            w.stop(kill=bool(w.inflight))
        if own:
            zygote.close()
        if zygote is None:
            gc.unfreeze()


def _readiness(conn: "Connection"):
    """A check, without blocking, that ``conn`` has something to read (or has ended).

    ``Connection.poll`` builds a ``selectors`` selector on every call, and so does
    ``multiprocessing.connection.wait``; once per result, the two were about a third of the
    parent's CPU on a 5,000-file tree. A ``select.poll`` object is registered once."""
    if not hasattr(select, "poll"):  # pragma: no cover - Windows
        return conn.poll
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return lambda: bool(poller.poll(0))


def _wait(busy: list, timeout: float) -> None:
    """Block until a busy worker has a result, has died, or ``timeout`` seconds have passed."""
    if not hasattr(select, "poll"):  # pragma: no cover - Windows
        from multiprocessing.connection import wait

        wait([w.conn for w in busy] + [w.sentinel for w in busy if w.sentinel is not None], timeout=timeout)
        return
    poller = select.poll()
    for w in busy:
        poller.register(w.conn.fileno(), select.POLLIN)
        if w.sentinel is not None:
            poller.register(w.sentinel, select.POLLIN)
    poller.poll(math.ceil(timeout * 1000))


def can_start_workers() -> bool:
    """False inside a daemonic process (a multiprocessing worker), which may not have children.
    A process that has not imported multiprocessing is none, and need not import it (15 ms) to
    say so: a small tree is scanned without it."""
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is None or not multiprocessing.current_process().daemon


def cpu_count() -> int:
    """CPUs this process may use (affinity and cgroup-limited where the platform tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
