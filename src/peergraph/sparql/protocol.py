"""The SPARQL 1.1 Protocol without the HTTP: one request in, one response (status, body) out.

``answer`` is everything the endpoint does with a query once the HTTP handler has read it: check
it (updates, ``SERVICE`` and remote ``FROM`` refused), pick the result format from the ``Accept``
header, apply the protocol's dataset (``default-graph-uri``, ``named-graph-uri``), run it on
pyoxigraph and serialise the result. It runs inside a worker process (``peergraph.sparql.pool``),
so that everything a client can make slow, parsing included, can be stopped by killing that
process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from peergraph.errors import PeergraphError
from peergraph.sparql.engine import QueryRefused, check_query, run_on_store

BINDINGS_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
FORMAT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
}


@dataclass(frozen=True)
class Request:
    """A query as the protocol delivers it (picklable: it crosses to a worker process).

    ``default_graphs`` and ``named_graphs`` are the ``default-graph-uri`` and
    ``named-graph-uri`` parameters; both empty means the query's own dataset (or the store's).
    """

    text: str
    accept: str | None = None
    fmt: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """What the HTTP handler sends back."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def text_reply(status: int, message: str, **headers: str) -> Reply:
    """A plain-text error or notice: one line."""
    return Reply(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)


def negotiate(accept: str | None, graph: bool) -> str | None:
    """The output format for an Accept header (None when nothing acceptable is offered)."""
    table = GRAPH_TYPES if graph else BINDINGS_TYPES
    default = "turtle" if graph else "json"
    if not accept:
        return default
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media in table:
            choices.append((-quality, index, table[media]))
        elif media in ("*/*", "application/*", "text/*"):
            choices.append((-quality, index + 1000, default))
    return min(choices)[2] if choices else None


def _dataset(store: Any, request: Request) -> dict[str, Any] | Reply:
    """pyoxigraph keyword arguments for the protocol's dataset, or a 400 reply.

    SPARQL 1.1 Protocol 2.1.4: a dataset given in the request replaces the query's ``FROM`` /
    ``FROM NAMED``. The graphs are taken from the store (the server fetches nothing). A graph IRI
    the store does not hold is refused with 400 instead of silently evaluating over an empty
    graph: a store built by ``peergraph build`` holds everything in its default graph and no
    named graphs, so on it any ``default-graph-uri`` is refused.
    """
    if not request.default_graphs and not request.named_graphs:
        return {}
    import pyoxigraph as ox

    held = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    for iri in (*request.default_graphs, *request.named_graphs):
        if iri not in held:
            listing = ", ".join(f"<{g}>" for g in sorted(held)[:5]) or "none"
            return text_reply(
                400,
                f"graph <{iri}> is not in this store: default-graph-uri and named-graph-uri "
                f"name graphs the store holds (named graphs here: {listing}; the data is in the "
                "default graph, which a query reaches with no dataset parameters)",
            )
    try:
        default = [ox.NamedNode(iri) for iri in request.default_graphs]
        named = [ox.NamedNode(iri) for iri in request.named_graphs]
    except ValueError as exc:
        return text_reply(400, f"invalid graph IRI ({exc})")
    # Only named-graph-uri given: the default graph is empty (the spec's dataset has none).
    return {"default_graph": default, "named_graphs": named}


def answer(store: Any, request: Request, *, max_rows: int, allow_remote: bool = False) -> Reply:
    """Check, run and serialise one query; every user error becomes a 4xx reply."""
    try:
        form = check_query(request.text, allow_remote=allow_remote)
    except QueryRefused as exc:
        return text_reply(403, str(exc))
    except PeergraphError as exc:
        return text_reply(400, str(exc))
    graph = form in ("CONSTRUCT", "DESCRIBE")
    fmt = request.fmt
    if fmt and fmt in FORMAT_TYPES and (fmt in ("turtle", "nt")) == graph:
        chosen: str | None = fmt
    else:
        chosen = negotiate(request.accept, graph)
    if chosen is None:
        offered = ", ".join(GRAPH_TYPES if graph else BINDINGS_TYPES)
        return text_reply(406, f"cannot produce any type in the Accept header (offered: {offered})")
    dataset = _dataset(store, request)
    if isinstance(dataset, Reply):
        return dataset
    try:
        result = run_on_store(store, request.text, limit=max_rows, **dataset)
    except PeergraphError as exc:
        return text_reply(400, str(exc))
    headers = {"Peergraph-Truncated": "true"} if result.truncated else {}
    content_type = FORMAT_TYPES[chosen]
    if chosen != "json":
        content_type += "; charset=utf-8"
    return Reply(200, result.serialize(chosen).encode("utf-8"), content_type, headers)
