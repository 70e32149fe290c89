"""Running analyze at scale: one job on the second core (a forked child that sees this process's
memory and sends back only its result: half of an N-Triples file, communities beside
betweenness, half the files), and bulk building without the cyclic garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of objects that hold no reference cycles
    are made (triples, node and edge dicts, lines of XML): each full pass walks the whole growing
    heap, a quarter of the projection's CPU time at 10,000 findings. Reference counting still
    frees everything; the collector's state is restored on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

_DONE = object()


class ChildResult:
    """The pending result of :func:`in_child_process`: call it to wait for the value, or
    :meth:`cancel` it when the value is no longer wanted (the parent failed first)."""

    def __init__(self, proc: Any = None, recv: Any = None, what: str = "", value: Any = _DONE):
        self._proc, self._recv, self._what, self._value = proc, recv, what, value

    def __call__(self) -> Any:
        if self._proc is None:
            return self._value
        try:
            ok, value = self._recv.recv()
        except EOFError:  # pragma: no cover - the child died (e.g. killed for memory)
            ok, value = False, f"exit code {self._proc.exitcode}"
        finally:
            self._recv.close()
            self._proc.join()
            self._proc = None
        if not ok:
            if isinstance(value, BaseException):
                raise value
            raise RuntimeError(f"{self._what} failed: {value}")  # pragma: no cover
        self._value = value
        return value

    def cancel(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._recv.close()
            self._proc = None


def in_child_process(fn: Callable[[], Any], what: str = "a child process") -> ChildResult:
    """Start ``fn()`` in a forked child; the returned :class:`ChildResult` waits for its value.
    ``fn()`` runs here when the platform cannot fork.

    Nothing is pickled but the result: the child reads the parent's data as it was at the fork.
    An exception of ours (:class:`peergraph.errors.PeergraphError`) is raised again in the parent
    as it was; any other is a RuntimeError naming ``what``.
    """
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:  # pragma: no cover - no fork (Windows)
        return ChildResult(value=fn())
    recv, send = ctx.Pipe(duplex=False)

    def run() -> None:
        from peergraph.errors import PeergraphError

        try:
            send.send((True, fn()))
        except PeergraphError as exc:
            send.send((False, exc))
        except BaseException as exc:  # pragma: no cover - reported by the parent
            send.send((False, f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    proc = ctx.Process(target=run, daemon=True)
    proc.start()
    send.close()
    return ChildResult(proc, recv, what)
