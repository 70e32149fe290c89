"""One job on the second core: a forked child that sends back only its result.

The build converts N-Triples to Turtle and RDF/XML, runs its checks and draws its HTML views in
workers; ``analyze`` reads half of a large N-Triples file, finds communities and writes half its
files in one. All of them use :class:`Worker`, so there is one answer to how a child is started,
how its result or error comes back and how it is stopped.

A fork rather than ``multiprocessing``'s spawn: nothing is pickled on the way in (the child has
the parent's memory: the dataset, the store, the rows' files), only the result comes back through
a pipe, and the caller's main script is never re-run. The result is computed by the same code as
in the parent, so output bytes never depend on whether a fork was used. No child outlives its
worker: :meth:`Worker.result` waits for it, :meth:`Worker.cancel` (called on any error in the
parent, Ctrl-C included) stops and reaps it, and on Linux a child ends when its parent dies
outright (SIGKILL, a timeout).
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

# Linux only: on macOS a fork without exec is unsafe once system frameworks have started
# (which is why multiprocessing spawns there). Off Linux every job runs in-process.
CAN_FORK = hasattr(os, "fork") and sys.platform.startswith("linux")

# how long a cancelled child may take to unwind (remove its temporary files) before SIGKILL
_GRACE_SECONDS = 5.0


def single_threaded() -> bool:
    """True when this process runs one thread: forking a threaded process (a Jupyter kernel,
    a server, an open on-disk store) can leave a lock held forever in the child."""
    import threading

    if threading.active_count() > 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # native threads too
    except OSError:  # pragma: no cover - no /proc
        return True


class Worker:
    """``job()`` started in a forked child; :meth:`result` returns its value or raises its error.

    ``fork``: ``None`` forks when this process is single-threaded (the safe default), ``True``
    forks whenever the platform can (the caller knows its threads hold no lock the job needs),
    ``False`` runs the job here, at once. ``what`` names the job in errors.
    """

    def __init__(self, job: Callable[[], Any], *, what: str = "a worker", fork: bool | None = None):
        self.what = what
        self._pid = 0
        self._fd = -1
        self._outcome: tuple[str, Any] | None = None
        if not CAN_FORK or not (single_threaded() if fork is None else fork):
            self._outcome = _run(job, Exception)  # Ctrl-C here stops the caller at once
            return
        read, write = os.pipe()
        # objects made so far move to a generation the collector never scans: a collection in
        # the child would otherwise write to every object's header and copy every page of the
        # build's rows (gigabytes at 100k findings) instead of sharing them
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (EAGAIN, ENOMEM): run here instead
            gc.unfreeze()
            os.close(read)
            os.close(write)
            self._outcome = _run(job, Exception)
            return
        if pid == 0:  # pragma: no cover - the child; measured through the parent's result
            try:
                os.close(read)
                _end_with_parent()
                view = memoryview(_pickled(_run(job, BaseException)))
                while view:
                    view = view[os.write(write, view) :]
                os.close(write)
            finally:
                os._exit(0)  # no atexit handlers, no flushing of the parent's buffers
        gc.unfreeze()
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> Any:
        """Wait for the child and return ``job()``'s value, or raise the exception it raised
        (a ``DataError`` with its problems; any other exception as it was, when it pickles)."""
        if self._outcome is None:
            try:
                chunks = []
                while chunk := os.read(self._fd, 1 << 20):
                    chunks.append(chunk)
                data = b"".join(chunks)
            finally:
                os.close(self._fd)
                self._fd = -1
                self._reap()
            if not data:
                raise RuntimeError(f"{self.what} stopped without a result (out of memory?)")
            try:
                self._outcome = pickle.loads(data)  # noqa: S301 - our own child's bytes
            except Exception as exc:  # e.g. an exception class that cannot be rebuilt
                raise RuntimeError(f"{self.what}: its result cannot be read: {exc}") from exc
        kind, value = self._outcome
        if kind == "data":
            from peergraph.errors import DataError

            raise DataError(value)
        if kind == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child (if still running) and reap it; safe to call more than once.

        SIGTERM first, so a child running the CLI's handler unwinds and removes its temporary
        files; SIGKILL if it has not ended within a few seconds (a long call into Rust)."""
        if self._fd >= 0:  # closed first: a child blocked writing its result gets EPIPE
            os.close(self._fd)
            self._fd = -1
        if not self._pid:
            return
        pid, self._pid = self._pid, 0
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:  # pragma: no cover - already gone
            pass
        deadline = time.monotonic() + _GRACE_SECONDS
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.01)

    def _reap(self) -> None:
        if self._pid:
            pid, self._pid = self._pid, 0
            os.waitpid(pid, 0)


def _run(job: Callable[[], Any], catch: type[BaseException]) -> tuple[str, Any]:
    """``("ok", value)``, ``("data", problems)`` or ``("error", exception)``: a DataError travels
    as its problems, because its constructor's argument is not what ``args`` holds."""
    from peergraph.errors import DataError

    try:
        return "ok", job()
    except DataError as exc:
        return "data", exc.problems
    except catch as exc:  # handed to the parent, which raises it
        return "error", exc


def _pickled(outcome: tuple[str, Any]) -> bytes:
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an exception or value that cannot be pickled
        kind, value = outcome
        return pickle.dumps(("error", RuntimeError(f"{value!r} (from a worker: {exc})")))


def _end_with_parent() -> None:
    """Have Linux stop this child when its parent dies (killed by a timeout, say), instead of
    leaving it running as an orphan."""
    import ctypes

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        pass
