"""Worker processes that can really be stopped: what keeps ``peergraph serve`` from locking up.

pyoxigraph cannot interrupt a query: an aggregate over a cross join runs to its end however long
that takes, so a thread pool that merely stops waiting for it (as ``serve`` used to) stays
occupied, and a handful of such queries starve the endpoint until a restart. Here every query is
checked, run and serialised in a child process (``peergraph.sparql.protocol.answer``); when its
time is up the process is killed and a fresh one takes its place. Capacity always comes back.

Scheduling, in one place:

- ``size`` queries run at once, in as many processes plus two loaded spares, each with its own
  copy of the store (an in-memory store is sent to each one as N-Quads at start; a persistent
  ``--store`` folder is opened read-only by each).
- A request waits for a free process; its time-out counts from its arrival, so every client has
  an answer or a 503 within ``timeout`` seconds.
- A query is *heavy* once it has run ``preempt_after`` seconds and used 0.05 s of CPU
  time (read from ``/proc``; elsewhere wall time stands in). Counting CPU time keeps a cheap
  query that merely waited for a CPU on a busy machine from being taken for a heavy one.
- When all processes are busy and requests are waiting, the heavy query that has used the most
  CPU yields: its process is killed, its client gets 503 with ``Retry-After``, and the freed place
  (a spare) goes to a waiting request. A fast query therefore waits about ``preempt_after``
  seconds, however many slow queries arrive.
- A heavy query is moved to the lowest CPU priority (``nice``), so fast queries and replacement
  processes are not slowed by it; its process is replaced once it finishes (an unprivileged
  process cannot raise its priority again).
- At most ``max_waiting`` requests wait; beyond that the answer is 503 at once.

Processes come from a fork server (``multiprocessing`` "forkserver" start method) that has
pyoxigraph and rdflib already imported, so a replacement starts in milliseconds, and the HTTP
server's threads are never forked.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from peergraph.errors import PeergraphError
from peergraph.sparql.protocol import Reply, Request, answer, text_reply

START_TIMEOUT = 120.0  # seconds a new process may take to load the store
_PRELOAD = ["peergraph.sparql._preload"]
HEAVY_CPU = 0.05  # CPU seconds a query must have used to count as heavy (ours use ~0.01-0.03)
SPARES = 2  # processes kept loaded beyond ``size``, so a stopped query's place is filled at once


@dataclass(frozen=True)
class StoreSource:
    """Where a worker gets its store: a read-only RocksDB folder, or N-Quads sent at start."""

    path: str | None = None
    nquads: bytes | None = None


def _load(conn: Connection, source: StoreSource) -> Any:
    import pyoxigraph as ox

    if source.path is not None:
        return ox.Store.read_only(source.path)
    store = ox.Store()
    data = conn.recv_bytes()
    if data:
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
    return store


def _watch(server_pid: int) -> None:
    """Exit when the server is gone, even mid-query (a killed server leaves no busy workers)."""
    while True:
        time.sleep(1.0)
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass


def _worker_main(conn: Connection, source: StoreSource, max_rows: int, allow_remote: bool,
                 server_pid: int) -> None:  # fmt: skip
    """A worker process: load the store, then answer requests until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    threading.Thread(target=_watch, args=(server_pid,), daemon=True).start()
    try:
        store = _load(conn, source)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the start failure
        conn.send(f"cannot open the store: {exc}")
        return
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(store, request, max_rows=max_rows, allow_remote=allow_remote)
        except Exception as exc:  # noqa: BLE001 - a bug must not take the worker down silently
            reply = text_reply(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(reply)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux ``/proc``), or None where unavailable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, IndexError, ValueError):
        return None


try:
    _TICKS = os.sysconf("SC_CLK_TCK")
except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
    _TICKS = 100


class _Worker:
    __slots__ = ("conn", "cpu", "niced", "process", "retired", "since")

    def __init__(self, process: Any, conn: Connection):
        self.process = process
        self.conn = conn
        self.since = 0.0  # when its current query was handed over
        self.cpu: float | None = None  # its CPU time then
        self.retired = ""  # why it was killed ("" while alive)
        self.niced = False  # demoted to the lowest CPU priority during a long query


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class WorkerPool:
    """``size`` killable query processes with the scheduling described in the module docstring."""

    def __init__(
        self,
        source: StoreSource,
        *,
        size: int = 8,
        timeout: float = 10.0,
        preempt_after: float = 0.5,
        max_waiting: int = 256,
        max_rows: int = 10_000,
        allow_remote: bool = False,
    ):
        self.source = source
        self.size = size
        self.timeout = timeout
        self.preempt_after = preempt_after
        self.max_waiting = max_waiting
        self._args = (source, max_rows, allow_remote, os.getpid())
        self._ctx = _context()
        self._cond = threading.Condition()
        self._idle: deque[_Worker] = deque()
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._queue: deque[object] = deque()  # tickets of waiting requests, oldest first
        self._closed = False
        self._failure: str | None = None
        self.replaced = 0  # processes killed and replaced so far (time-outs and preemptions)
        self.start_failures = 0  # replacements that failed to start (and were tried again)
        self._ready = False
        for _ in range(size + SPARES):
            self._spawn()
        threading.Thread(target=self._demote_long_queries, name="sparql-nice", daemon=True).start()
        with self._cond:
            while self._starting and self._failure is None:
                self._cond.wait()
            failure = self._failure
        if failure is not None:
            self.close()
            raise PeergraphError(f"cannot start the query workers: {failure}")
        self._ready = True

    # --- processes ---------------------------------------------------------------------------
    def _spawn(self) -> None:
        """Start one process in the background (caller holds the lock or is initialising)."""
        self._starting += 1
        threading.Thread(target=self._start_one, name="sparql-worker-start", daemon=True).start()

    def _start_one(self, delay: float = 0.0) -> None:
        if delay:
            time.sleep(delay)
        worker: _Worker | None = None
        failure = None
        try:
            parent, child = self._ctx.Pipe()
            process = self._ctx.Process(
                target=_worker_main, args=(child, *self._args), name="peergraph-sparql", daemon=True
            )
            process.start()
            child.close()
            worker = _Worker(process, parent)
            if self.source.path is None:
                parent.send_bytes(self.source.nquads or b"")
            if not parent.poll(START_TIMEOUT):
                failure = f"a worker did not load the store within {START_TIMEOUT:g} s"
            else:
                message = parent.recv()
                if message != "ready":
                    failure = str(message)
        except (OSError, EOFError) as exc:
            failure = f"a worker process died while starting ({exc})"
        with self._cond:
            self._starting -= 1
            if failure is None and worker is not None and not self._closed:
                self._idle.append(worker)
            else:
                if failure is not None and self._failure is None:
                    self._failure = failure
                if worker is not None:
                    worker.retired = "start failed" if failure else "closed"
                    self._kill(worker)
                if failure is not None and self._ready and not self._closed:
                    # a replacement failed (e.g. memory was short): try again, so the pool
                    # does not shrink for good; the first start's failures stop the server
                    self.start_failures += 1
                    self._starting += 1
                    retry = min(10.0, 0.5 * self.start_failures)
                    threading.Thread(
                        target=self._start_one, args=(retry,), name="sparql-worker-start",
                        daemon=True,
                    ).start()  # fmt: skip
            self._cond.notify_all()

    @staticmethod
    def _kill(worker: _Worker) -> None:
        try:
            worker.process.kill()
        except (OSError, ValueError):
            pass

    def _retire(self, worker: _Worker, why: str) -> None:
        """Kill a busy worker and start its replacement (caller holds the lock)."""
        if worker.retired:
            return
        worker.retired = why
        self._busy.discard(worker)
        self._kill(worker)
        self.replaced += 1
        if not self._closed:
            self._spawn()
        self._cond.notify_all()

    def _reap(self, worker: _Worker) -> None:
        """Collect a killed process so no zombie is left (outside the lock: join may block)."""
        worker.process.join(timeout=5)
        worker.conn.close()

    def _heaviness(self, worker: _Worker, now: float) -> float | None:
        """CPU seconds the worker's current query has used, if it counts as heavy, else None."""
        ran = now - worker.since
        if ran < self.preempt_after:
            return None
        cpu = _cpu_seconds(worker.process.pid)
        used = ran if cpu is None or worker.cpu is None else cpu - worker.cpu
        return used if used >= HEAVY_CPU else None

    def _demote_long_queries(self) -> None:
        while True:
            time.sleep(min(0.1, self.preempt_after / 2))
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                due = [
                    w for w in self._busy
                    if not w.niced and self._heaviness(w, now) is not None
                ]  # fmt: skip
                for worker in due:
                    worker.niced = True
                    try:
                        os.setpriority(os.PRIO_PROCESS, worker.process.pid, 19)
                    except (OSError, AttributeError):
                        pass

    # --- scheduling --------------------------------------------------------------------------
    def _preempt(self, now: float) -> float:
        """Kill the heaviest query if one is due; returns seconds until one may be due."""
        if len(self._busy) < self.size or not self._queue:
            return self.preempt_after
        heavy = [(used, w) for w in self._busy if (used := self._heaviness(w, now)) is not None]
        if not heavy:
            oldest = min(w.since for w in self._busy)
            return max(self.preempt_after - (now - oldest), 0.05)
        used, victim = max(heavy, key=lambda pair: pair[0])
        self._retire(victim, f"preempted after {now - victim.since:.1f} s ({used:.1f} s CPU)")
        return 0.0

    def _acquire(self, deadline: float) -> _Worker:
        """A free worker for this request; requests are served first come, first served."""
        with self._cond:
            if self._closed:
                raise PoolBusy("the endpoint is shutting down")
            if len(self._queue) >= self.max_waiting:
                raise PoolBusy(f"the endpoint is full ({self.max_waiting} queries waiting)")
            ticket = object()
            self._queue.append(ticket)
            try:
                while (
                    not self._idle or len(self._busy) >= self.size or self._queue[0] is not ticket
                ):
                    if self._closed:
                        raise PoolBusy("the endpoint is shutting down")
                    now = time.monotonic()
                    if now >= deadline:
                        raise PoolTimeout(
                            f"no query worker came free within {self.timeout:g} s "
                            f"(all {self.size} busy)"
                        )
                    due = self._preempt(now)
                    self._cond.wait(min(deadline - now, max(due, 0.01)))
                worker = self._idle.popleft()
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()  # the next in line may go
            worker.since = time.monotonic()
            worker.cpu = _cpu_seconds(worker.process.pid)
            self._busy.add(worker)
            return worker

    def run(self, request: Request) -> Reply:
        """The reply for one request, or a 503 reply when it timed out or had to yield."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._acquire(deadline)
        except PoolBusy as exc:
            return text_reply(503, f"{exc}; try again shortly", Retry_After="1")
        except PoolTimeout as exc:
            return text_reply(503, f"query timed out: {exc}", Retry_After="1")
        reply: Reply | None = None
        try:
            worker.conn.send(request)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                reply = worker.conn.recv()
        except (EOFError, OSError):
            reply = None
        with self._cond:
            if reply is not None and not worker.retired and worker.niced:
                self._retire(worker, "demoted")
            elif reply is not None and not worker.retired:
                self._busy.discard(worker)
                self._idle.append(worker)
                self._cond.notify_all()
                return reply
            why = worker.retired
            if not why:
                why = "timeout" if worker.process.is_alive() else "died"
                self._retire(worker, why)
        self._reap(worker)
        if reply is not None:  # answered just before it was preempted: the answer still counts
            return reply
        if why == "timeout":
            return text_reply(
                503,
                f"query timed out after {self.timeout:g} s and was stopped "
                "(raise the limit with peergraph serve --timeout)",
                Retry_After="1",
            )
        if why.startswith("preempted"):
            return text_reply(
                503,
                f"query stopped: it was {why} while other queries waited for a worker "
                "(all busy); try again shortly",
                Retry_After="1",
            )
        if why == "closed":
            return text_reply(503, "the endpoint is shutting down")
        return text_reply(500, "the query worker died (out of memory?) and was replaced")

    def close(self) -> None:
        """Kill every process (running queries included)."""
        with self._cond:
            self._closed = True
            workers = list(self._idle) + list(self._busy)
            self._idle.clear()
            for worker in workers:
                worker.retired = worker.retired or "closed"
                self._kill(worker)
            self._busy.clear()
            self._cond.notify_all()
        for worker in workers:
            self._reap(worker)

    def stats(self) -> dict[str, int]:
        """Counts for tests and the benchmark: idle, busy, starting, waiting, replaced."""
        with self._cond:
            return {"idle": len(self._idle), "busy": len(self._busy),
                    "starting": self._starting, "waiting": len(self._queue),
                    "replaced": self.replaced}  # fmt: skip


class PoolBusy(Exception):
    """No place for this request (queue full or shutting down)."""


class PoolTimeout(Exception):
    """No worker came free before the request's deadline."""


def store_source(store: Any, path: Path | None = None) -> StoreSource:
    """How workers get ``store``: reopen ``path`` read-only if it is a store, else N-Quads."""
    if path is not None and path.is_dir() and (path / "CURRENT").is_file():
        return StoreSource(path=str(path))
    import pyoxigraph as ox

    quads = store.quads_for_pattern(None, None, None, None)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return StoreSource(nquads=data or b"")
