"""Run one function in a forked child on the second core while the build goes on.

The build draws its HTML views (networkx import, projection, layout, templates: about a quarter
of the essay build's CPU) while the parent runs the checks, the reasoning and the docs. A fork
rather than ``multiprocessing``: nothing is pickled on the way in (the child has the parent's
memory, the store included), only the result comes back through a pipe, and the child never
imports or runs anything the parent would not.

The result is computed by the same code as in the parent, so the bytes do not depend on whether
a fork was used. The child is always reaped: :meth:`Background.result` waits for it, and
:meth:`Background.cancel` (called on any error in the parent, Ctrl-C included) kills and reaps it,
so no process outlives the call; if the parent is killed outright (SIGKILL), the child ends when
it writes its result to the closed pipe. Off Linux, or in a process running other threads, the
function runs in-process.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any

# Linux only: on macOS a fork without exec is unsafe once system frameworks have started
# (which is why multiprocessing spawns there). A switch for tests comparing both paths.
USE_FORK = hasattr(os, "fork") and sys.platform.startswith("linux")


def _single_threaded() -> bool:
    """True when this process runs one thread: forking a threaded process (a Jupyter kernel,
    a server) can leave a lock held forever in the child, so those draw in-process."""
    import threading

    if threading.active_count() > 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1  # native threads too
    except OSError:  # pragma: no cover - no /proc
        return True


class Background:
    """``fn()`` started in a forked child; :meth:`result` returns its value or raises its error."""

    def __init__(self, fn: Callable[[], Any], *, fork: bool | None = None):
        self._pid = 0
        self._fd = -1
        self._outcome: tuple[bool, Any] | None = None
        if not (USE_FORK and _single_threaded() if fork is None else fork):
            self._outcome = _call(fn)
            return
        read, write = os.pipe()
        # objects made so far move to a generation the collector never scans: a collection in
        # the child would otherwise write to every object's header and copy every page of the
        # build's rows (gigabytes at 100k findings) instead of sharing them
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (EAGAIN, ENOMEM): draw here instead
            gc.unfreeze()
            os.close(read)
            os.close(write)
            self._outcome = _call(fn)
            return
        if pid != 0:
            gc.unfreeze()
        if pid == 0:  # pragma: no cover - the child; measured through the parent's result
            try:
                os.close(read)
                view = memoryview(_pickled(_call(fn)))
                while view:
                    view = view[os.write(write, view) :]
                os.close(write)
            finally:
                os._exit(0)  # no atexit handlers, no flushing of the parent's buffers
        os.close(write)
        self._pid, self._fd = pid, read

    def result(self) -> Any:
        """Wait for the child and return ``fn()``'s value, or raise the exception it raised."""
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
                raise RuntimeError("the background worker for the HTML views died without a result")
            try:
                self._outcome = pickle.loads(data)  # noqa: S301 - our own child's bytes
            except Exception as exc:  # e.g. an exception class that cannot be rebuilt
                raise RuntimeError(f"the background worker's result cannot be read: {exc}") from exc
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child (if still running) and reap it; safe to call more than once."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:  # pragma: no cover - already gone
                pass
            self._reap()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _reap(self) -> None:
        if self._pid:
            pid, self._pid = self._pid, 0
            os.waitpid(pid, 0)


def _call(fn: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, fn()
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        return False, exc


def _pickled(outcome: tuple[bool, Any]) -> bytes:
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled
        ok, value = outcome
        return pickle.dumps((False, RuntimeError(f"{value!r} (from the background worker: {exc})")))
