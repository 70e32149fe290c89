"""The graph as a pyoxigraph ``Store``: the fast engine behind query, serve and analyze.

``open_store()`` accepts what users have: nothing (build the bundled data in memory), a data
folder, a loaded ``Dataset``, an ``rdflib.Graph``, an RDF file
(``.ttl``/``.nt``/``.owl``/``.jsonld``) or a persistent store folder written by
``peergraph build --store PATH``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

RDF_SUFFIXES = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".owl": "RDF_XML", ".rdf": "RDF_XML",
                ".xml": "RDF_XML", ".nq": "N_QUADS", ".trig": "TRIG"}  # fmt: skip


# Beside RocksDB's own files: the SHA-256 of the N-Triples (or N-Quads) the store was loaded from,
# which ties results kept with the store (``peergraph.sparql.views``) to its contents.
STORE_INFO = "peergraph-store.json"


def read_fingerprint(path: str | Path) -> str | None:
    """The fingerprint ``save_store`` recorded for the store at ``path`` (None if none)."""
    try:
        info = json.loads((Path(path) / STORE_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = info.get("fingerprint") if isinstance(info, dict) else None
    return value if isinstance(value, str) else None


def _file_digest(path: Path, out: list[str]) -> None:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)  # releases the GIL: runs beside the bulk load
    out.append("sha256:" + digest.hexdigest())


def _store_from_graph(graph: Any) -> pyoxigraph.Store:
    import pyoxigraph as ox

    from peergraph.export.writers import to_oxigraph

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in to_oxigraph(graph))
    return store


def _store_from_dataset(source: Any) -> pyoxigraph.Store:
    """Ontology + data straight from the mapping's rows (no rdflib graph of the data)."""
    import pyoxigraph as ox

    from peergraph.export.writers import ox_triples
    from peergraph.ingest.dataset import load
    from peergraph.ingest.records import Dataset
    from peergraph.mapping.triples import data_rows, ontology_rows

    ds = source if isinstance(source, Dataset) else load(source)
    store = ox.Store()
    onto = ontology_rows()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox_triples(onto))
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object) for t in ox_triples(set(data_rows(ds)))
    )
    return store


def open_store(source: Any = None) -> pyoxigraph.Store:
    """A pyoxigraph Store holding ontology + data from ``source`` (see module docstring)."""
    import pyoxigraph as ox

    from peergraph.ingest.records import Dataset

    if isinstance(source, ox.Store):
        return source
    if source is None or isinstance(source, Dataset):
        return _store_from_dataset(source)
    if hasattr(source, "triples") and hasattr(source, "serialize"):  # an rdflib Graph
        return _store_from_graph(source)
    path = Path(source)
    if path.is_dir():
        if (path / "sources.yaml").is_file():
            return _store_from_dataset(path)
        try:
            return ox.Store.read_only(str(path))
        except OSError as exc:
            raise UsageError(f"{path}: not a peergraph data folder or store ({exc})") from None
    if not path.is_file():
        raise UsageError(f"{path}: no such file or folder")
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        if path.suffix.lower() == ".jsonld":
            from rdflib import Graph

            return _store_from_graph(Graph().parse(path, format="json-ld"))
        raise UsageError(
            f"{path}: unknown RDF format '{path.suffix}'",
        )
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, fmt))
    except SyntaxError as exc:
        raise UsageError(f"{path}: not valid {fmt.replace('_', '-')}: {exc}") from None
    return store


def save_store(
    path: str | Path, source: Any = None, *, finish: Callable[[Path], Any] | None = None
) -> Path:
    """Write ``source`` (anything ``open_store`` accepts) as a persistent RocksDB store at ``path``.

    Atomic: the store is built in a temporary folder beside ``path`` and renamed into place, so
    readers see the old store or the new one, never a half-written one. An existing folder at
    ``path`` is replaced only if it is a store (holds RocksDB's ``CURRENT`` file) or is empty;
    whatever was kept beside the old store goes with it. The SHA-256 of what was loaded is
    recorded in ``STORE_INFO``. ``finish(folder)`` runs on the new, closed store before the
    rename (``peergraph.sparql.materialise.materialise`` keeps the aggregates' results there).
    """
    import shutil
    import tempfile

    import pyoxigraph as ox

    target = Path(path)
    if target.exists() and not (
        target.is_dir() and ((target / "CURRENT").is_file() or not any(target.iterdir()))
    ):
        raise UsageError(
            f"{target}: exists and is not a peergraph store; choose a new --store folder"
        )
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    nt_file = (
        Path(source) if isinstance(source, (str, Path)) and str(source).endswith(".nt") else None
    )
    memory = None if nt_file else source if isinstance(source, ox.Store) else open_store(source)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
    old = None
    try:
        store = ox.Store(str(tmp))
        digest: list[str] = []
        if nt_file is not None:  # stream the export straight to disk: no in-memory copy
            hashing = threading.Thread(target=_file_digest, args=(nt_file, digest))
            hashing.start()
            try:
                store.bulk_load(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES)
            finally:
                hashing.join()
        else:
            assert memory is not None
            store.bulk_extend(memory.quads_for_pattern(None, None, None, None))
            dump = ox.serialize(memory, format=ox.RdfFormat.N_QUADS) or b""
            digest.append("sha256:" + hashlib.sha256(dump).hexdigest())
        store.flush()
        store.optimize()
        del store
        info = {"fingerprint": digest[0]}
        (tmp / STORE_INFO).write_text(json.dumps(info) + "\n", encoding="utf-8")
        if finish is not None:
            finish(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
            old.rmdir()
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        if old is not None and not target.exists():
            old.rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def save_built_store(
    path: str | Path, out_dir: str | Path, *, finish: Callable[[Path], Any] | None = None
) -> Path:
    """``peergraph build --store PATH``: the store from the N-Triples export just written."""
    from peergraph.export.writers import GRAPH_NT

    return save_store(path, Path(out_dir) / GRAPH_NT, finish=finish)
