"""The triples a set of SPARQL queries can read, loaded alone into an in-memory store.

An in-memory pyoxigraph store of the whole 100k-finding graph (4.9M triples) takes 2.2 GiB; on
RocksDB the same checks run 2-3x slower (every index lookup is a RocksDB seek: 151 s CPU for
SHACL against 64 s in memory). A query whose every predicate is a constant (an IRI, or a path
of IRIs) reads only triples with those predicates, so a store of just those answers it exactly
as the whole graph would. ``predicates`` finds them from rdflib's parse of the queries (a
variable or negated predicate means "all"), and ``load`` streams the build's N-Triples into a
fresh in-memory store keeping only those lines: the SHACL store at 100k findings keeps 84 % of
the triples, the reasoning store (``peergraph.check.reason.rule_predicates``) about half.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

_BLOCK = 8 << 20


def predicates(queries: Iterable[str]) -> tuple[frozenset[str], bool]:
    """(constant predicate IRIs of ``queries``, whether some pattern's predicate is a variable
    or a negated property set, i.e. may be any predicate)."""
    from rdflib.plugins.sparql import prepareQuery

    found: set[str] = set()
    open_ended = False
    for text in queries:
        open_ended |= not _walk(prepareQuery(text).algebra, found)
    return frozenset(found), open_ended


def _path(p: Any, out: set[str]) -> bool:
    """Add the IRIs of a predicate or path to ``out``; False if it may match any predicate."""
    from rdflib import URIRef
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(p, URIRef):
        out.add(str(p))
        return True
    if isinstance(p, (SequencePath, AlternativePath)):
        return all([_path(x, out) for x in p.args])
    if isinstance(p, InvPath):
        return _path(p.arg, out)
    if isinstance(p, MulPath):
        return _path(p.path, out)
    return False  # a variable, a negated property set, or a form not known here


def _walk(node: Any, out: set[str]) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    ok = True
    if isinstance(node, CompValue):
        if node.name == "BGP":
            for _s, p, _o in node.triples:
                ok &= _path(p, out)
        elif node.name == "TriplesBlock":  # in EXISTS, left untranslated by rdflib
            for flat in node.triples:  # s p o (p o)* of one subject, flattened
                for i in range(1, len(flat), 3):
                    ok &= _path(flat[i], out)
        for value in node.values():
            ok &= _walk(value, out)
    elif isinstance(node, (list, tuple)):
        for value in node:
            ok &= _walk(value, out)
    elif isinstance(node, dict):
        for value in node.values():
            ok &= _walk(value, out)
    return ok


def lines(nt_file: Path, keep: frozenset[str] | None) -> Iterator[bytes]:
    """Blocks of the N-Triples file ``nt_file`` (one triple a line, as the build writes it)
    holding only the lines whose predicate is in ``keep`` (every line if None)."""
    wanted = None if keep is None else {f"<{p}>".encode() for p in keep}
    rest = b""
    with open(nt_file, "rb") as fh:
        while True:
            block = fh.read(_BLOCK)
            if not block:
                break
            block = rest + block
            cut = block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
            if wanted is None:
                yield block
                continue
            kept = []
            for line in block.split(b"\n"):
                i = line.find(b" ")
                if i > 0 and line[i + 1 : line.find(b" ", i + 1)] in wanted:
                    kept.append(line)
            if kept:
                kept.append(b"")
                yield b"\n".join(kept)
    if rest:
        yield rest


class _Reader:
    """A binary file-like object over ``lines`` for ``Store.bulk_load`` (which reads small
    pieces: each ``read`` copies only what it returns)."""

    def __init__(self, blocks: Iterator[bytes]):
        self._blocks = blocks
        self._buf = b""
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        if self._at >= len(self._buf):
            self._buf, self._at = next(self._blocks, b""), 0
        if size < 0 or size > len(self._buf) - self._at:
            size = len(self._buf) - self._at
        out = self._buf[self._at : self._at + size]
        self._at += size
        return out


def load(nt_file: Path, keep: frozenset[str] | None) -> pyoxigraph.Store:
    """A fresh in-memory store of the triples of ``nt_file`` whose predicate is in ``keep``."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(_Reader(lines(nt_file, keep)), format=ox.RdfFormat.N_TRIPLES)
    return store


def release() -> None:
    """Hand the memory of dropped stores back to the system.

    glibc keeps freed pages for reuse: after an in-memory store of 1.1 GiB was dropped the
    process still held 0.9 GiB, so the next check's store added to it (the build's checks worker
    reached 4.2 GiB at 100k findings); ``malloc_trim`` gives them back (30 MiB left). A no-op
    where there is no glibc.
    """
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
