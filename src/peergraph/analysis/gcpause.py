"""Running analyze at scale: bulk building without the cyclic garbage collector. (Jobs on the
second core use :class:`peergraph.workers.Worker`, as the build does.)"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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
