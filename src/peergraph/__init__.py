"""peergraph: the evidence on peer support in mental health recovery as an RDF knowledge graph.

The public API is small and importing it is cheap: heavy libraries (rdflib, pyoxigraph, networkx,
pyvis, owlready2) load only when a function that needs them is called.

>>> import peergraph
>>> ds = peergraph.load()            # curated data + parsed references, validated
>>> g = peergraph.build_graph(ds)    # rdflib.Graph: ontology + data
>>> result = peergraph.build()       # writes exports/ like `peergraph build`
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "PeergraphError",
    "DataError",
    "load",
    "build_graph",
    "build",
    "query",
    "analyze",
]

# name -> module that defines it; resolved on first attribute access (PEP 562)
_LAZY = {
    "PeergraphError": "peergraph.errors",
    "DataError": "peergraph.errors",
    "load": "peergraph.ingest.dataset",
    "build_graph": "peergraph.mapping.triples",
    "build": "peergraph.pipeline",
    "query": "peergraph.sparql.engine",
    "analyze": "peergraph.analysis.metrics",
}

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.analysis.metrics import analyze
    from peergraph.errors import DataError, PeergraphError
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph
    from peergraph.pipeline import build


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'peergraph' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
