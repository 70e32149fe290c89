"""The graph as a pyoxigraph ``Store``: the fast engine behind query, serve and analyze.

``open_store()`` accepts what users have: nothing (build the bundled data in memory), a data
folder, a loaded ``Dataset``, an ``rdflib.Graph``, an RDF file
(``.ttl``/``.nt``/``.owl``/``.jsonld``) or a persistent store folder written by
``peergraph build --store PATH``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph

RDF_SUFFIXES = {".ttl": "TURTLE", ".nt": "N_TRIPLES", ".owl": "RDF_XML", ".rdf": "RDF_XML",
                ".xml": "RDF_XML", ".nq": "N_QUADS", ".trig": "TRIG"}  # fmt: skip


def _store_from_graph(graph: Any) -> pyoxigraph.Store:
    import pyoxigraph as ox

    from peergraph.export import to_oxigraph

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in to_oxigraph(graph))
    return store


def open_store(source: Any = None) -> pyoxigraph.Store:
    """A pyoxigraph Store holding ontology + data from ``source`` (see module docstring)."""
    import pyoxigraph as ox

    from peergraph.load import Dataset

    if source is None or isinstance(source, Dataset):
        from peergraph.graph import build_graph

        return _store_from_graph(build_graph(source))
    if hasattr(source, "triples") and hasattr(source, "serialize"):  # an rdflib Graph
        return _store_from_graph(source)
    path = Path(source)
    if path.is_dir():
        if (path / "sources.yaml").is_file():
            from peergraph.graph import build_graph

            return _store_from_graph(build_graph(path))
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
