"""Imported once by the worker pool's fork server so each worker process starts warm.

The first SPARQL parse in a process costs about 0.4 s (rdflib's pyparsing grammar sets itself up)
and the first answer of each kind pulls in more lazily built state; doing that here, before the
fork server forks, means a replacement worker answers its first query in milliseconds (and a
cheap query is never mistaken for a heavy one because it paid for that set-up).
"""

from __future__ import annotations

import pyoxigraph as ox

from peergraph.sparql.protocol import Request, answer


def _warm_up() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("o")))
    queries = [
        "ASK { ?s ?p ?o FILTER(?o != 1) }",
        "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s a pg:Paper ; ?p ?o OPTIONAL { ?s rdfs:label ?l } }"
        " GROUP BY ?s ORDER BY DESC(?n) LIMIT 5",
        "PREFIX x: <urn:x:> CONSTRUCT { ?s x:p ?o } WHERE { ?s x:p ?o FILTER(STRSTARTS(?o, 'o')) }",
        "SELECT * WHERE { ?s",  # the syntax-error path
    ]
    for text in queries:
        for fmt in ("json", "xml", "csv", "turtle"):
            answer(store, Request(text, fmt=fmt), max_rows=10)


_warm_up()
