"""Upload the graph to an existing triple store (SPARQL 1.1 Graph Store HTTP Protocol).

``push(endpoint, graph_iri=None, replace=True)`` sends the graph as N-Triples with ``PUT``
(replace) or ``POST`` (add) to the Graph Store endpoint, into the default graph or the named graph
``graph_iri``. Credentials never come from the command line: ``PEERGRAPH_TOKEN`` (bearer), else
``PEERGRAPH_USER``/``PEERGRAPH_PASSWORD`` (basic), else ``~/.netrc`` for the endpoint's host.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from peergraph.errors import PeergraphError, UsageError


class PushError(PeergraphError):
    """The triple store refused the upload or could not be reached."""


@dataclass(frozen=True)
class PushResult:
    url: str
    method: str
    status: int
    triples: int
    size: int


def auth_headers(url: str) -> dict[str, str]:
    """An ``Authorization`` header from the environment or ``~/.netrc`` (empty if none)."""
    token = os.environ.get("PEERGRAPH_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}
    user, password = os.environ.get("PEERGRAPH_USER"), os.environ.get("PEERGRAPH_PASSWORD")
    if user is None:
        import netrc

        host = urlsplit(url).hostname or ""
        try:
            entry = netrc.netrc().authenticators(host)
        except (FileNotFoundError, netrc.NetrcParseError, OSError):
            entry = None
        if entry:
            user, _, password = entry
    if user is None:
        return {}
    raw = f"{user}:{password or ''}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


def store_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store URL: ``endpoint?default`` or ``endpoint?graph=<iri>`` (indirect form)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"--endpoint {endpoint!r} is not an http(s) URL "
            "(e.g. http://127.0.0.1:7878/store for Oxigraph)"
        )
    joiner = "&" if parts.query else "?"
    if graph_iri is None:
        return endpoint + joiner + "default"
    graph_parts = urlsplit(graph_iri)
    if not graph_parts.scheme or any(c in graph_iri for c in ' <>"{}|\\^`'):
        raise UsageError(f"--graph {graph_iri!r} is not an absolute IRI")
    return endpoint + joiner + urlencode({"graph": graph_iri})


def push(
    endpoint: str,
    graph_iri: str | None = None,
    *,
    replace: bool = True,
    source: Any = None,
    timeout: float = 120.0,
) -> PushResult:
    """Upload the graph (``source`` as for ``open_store``; default the bundled data)."""
    import urllib.error
    import urllib.request

    import pyoxigraph as ox

    from peergraph.export.store import open_store

    url = store_url(endpoint, graph_iri)
    store = source if isinstance(source, ox.Store) else open_store(source)
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    method = "PUT" if replace else "POST"
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Content-Type": "application/n-triples", **auth_headers(endpoint)},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()[:1]
        hint = ""
        if exc.code in (401, 403):
            hint = " (set PEERGRAPH_TOKEN, or PEERGRAPH_USER and PEERGRAPH_PASSWORD, or ~/.netrc)"
        raise PushError(f"{url}: HTTP {exc.code} {exc.reason}: {' '.join(detail)}{hint}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PushError(f"{url}: cannot reach the triple store ({exc})") from None
    return PushResult(url, method, status, len(triples), len(body))
