"""A read-only SPARQL 1.1 Protocol endpoint over the graph, with a small offline query page.

Standard library only (``http.server.ThreadingHTTPServer``): each request has its own thread and
queries run in a bounded worker pool on pyoxigraph (which releases the GIL), so a slow query does
not hold up fast ones. Every query is checked before it runs
(``peergraph.sparql.engine.check_query``):
updates, ``LOAD``, ``SERVICE`` and remote ``FROM`` are refused, so the server never makes a
request on a client's behalf unless started with ``allow_remote``.

Limits: ``timeout`` seconds per query (the client gets 503; a query that streams rows is also
stopped, but an aggregate that pyoxigraph is still evaluating finishes in its worker thread, which
is why the pool is bounded) and ``max_rows`` rows per result (the rest is cut and the response
carries ``Peergraph-Truncated: true``).
"""

from __future__ import annotations

import html
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from peergraph.errors import PeergraphError
from peergraph.sparql.engine import (
    QueryRefused,
    QueryResult,
    QueryTimeout,
    check_query,
    run_on_store,
)

MAX_BODY = 1_000_000  # bytes of query text accepted in a POST

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


@dataclass
class ServeConfig:
    """How the endpoint behaves; every field is a ``peergraph serve`` option."""

    host: str = "127.0.0.1"
    port: int = 7879
    timeout: float = 10.0
    max_rows: int = 10_000
    cors_origin: str | None = None  # None: no CORS headers; "*" or an origin
    allow_remote: bool = False
    workers: int = 8


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


class Endpoint:
    """The query engine behind the HTTP handler: a store, a worker pool and the limits."""

    def __init__(self, store: Any, config: ServeConfig):
        self.store = store
        self.config = config
        self.pool = ThreadPoolExecutor(max_workers=config.workers, thread_name_prefix="sparql")

    def run(self, text: str) -> QueryResult:
        form = check_query(text, allow_remote=self.config.allow_remote)
        del form
        cancelled = threading.Event()
        future = self.pool.submit(
            run_on_store, self.store, text, limit=self.config.max_rows, cancelled=cancelled
        )
        try:
            return future.result(timeout=self.config.timeout)
        except FutureTimeout:
            cancelled.set()
            raise QueryTimeout(
                f"query timed out after {self.config.timeout:g} s "
                "(raise it with peergraph serve --timeout)"
            ) from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


class Handler(BaseHTTPRequestHandler):
    server_version = "peergraph"
    protocol_version = "HTTP/1.1"
    endpoint: Endpoint  # set on the subclass made by make_server

    # --- plumbing ------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes | str, content_type: str, **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Content-Type-Options", "nosniff")
        origin = self.endpoint.config.cors_origin
        if origin:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, message + "\n", "text/plain; charset=utf-8")

    # --- methods -------------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:  # noqa: N802 - stdlib naming
        headers = {}
        if self.endpoint.config.cors_origin:
            headers = {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600",
            }
        self._send(204, b"", "text/plain", Allow="GET, POST, OPTIONS", **headers)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        args = parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/", "/index.html") and "query" not in args and "update" not in args:
            self._send(200, page(), "text/html; charset=utf-8", **SECURITY_HEADERS)
            return
        if url.path == "/app.js":
            self._send(200, APP_JS, "text/javascript; charset=utf-8")
            return
        if url.path == "/queries.json":
            self._send(200, queries_json(), "application/json")
            return
        if url.path not in ("/", "/sparql", "/query"):
            self._error(404, f"not found: {url.path} (the SPARQL endpoint is /sparql)")
            return
        if "update" in args:
            self._error(403, "SPARQL UPDATE is refused: this endpoint is read-only")
            return
        self._answer(args.get("query", [""])[0], args.get("format", [None])[0])

    do_HEAD = do_GET

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path not in ("/", "/sparql", "/query"):
            self._error(404, f"not found: {url.path} (the SPARQL endpoint is /sparql)")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._error(413, f"request body must be 0-{MAX_BODY} bytes")
            self.close_connection = True
            return
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        args = parse_qs(url.query, keep_blank_values=True)
        if ctype == "application/sparql-update":
            self._error(403, "SPARQL UPDATE is refused: this endpoint is read-only")
            return
        if ctype == "application/sparql-query":
            text = body
        elif ctype in ("application/x-www-form-urlencoded", ""):
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                self._error(403, "SPARQL UPDATE is refused: this endpoint is read-only")
                return
            args.update(form)
            text = args.get("query", [""])[0]
        else:
            self._error(
                415,
                f"unsupported Content-Type '{ctype}' (use "
                "application/sparql-query or application/x-www-form-urlencoded)",
            )
            return
        self._answer(text, args.get("format", [None])[0])

    def _answer(self, text: str, fmt: str | None) -> None:
        if not text.strip():
            self._error(400, "missing 'query' parameter")
            return
        try:
            result = self.endpoint.run(text)
        except QueryTimeout as exc:
            self._error(503, str(exc))
            return
        except QueryRefused as exc:
            self._error(403, str(exc))
            return
        except PeergraphError as exc:
            self._error(400, str(exc))
            return
        graph = result.kind == "graph"
        if fmt and fmt in FORMAT_TYPES and (fmt in ("turtle", "nt")) == graph:
            chosen: str | None = fmt
        else:
            chosen = negotiate(self.headers.get("Accept"), graph)
        if chosen is None:
            offered = ", ".join(GRAPH_TYPES if graph else BINDINGS_TYPES)
            self._error(406, f"cannot produce any type in the Accept header (offered: {offered})")
            return
        extra = {"Peergraph-Truncated": "true"} if result.truncated else {}
        content_type = FORMAT_TYPES[chosen]
        if chosen != "json":
            content_type += "; charset=utf-8"
        self._send(200, result.serialize(chosen), content_type, **extra)


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def queries_json() -> str:
    from peergraph.sparql.engine import named_queries

    return json.dumps(
        [
            {"name": q.name, "title": q.title, "description": q.description, "text": q.text}
            for q in named_queries().values()
        ],  # fmt: skip
        ensure_ascii=False,
    )


def page() -> str:
    """The query page: no external resources; every data value is escaped."""
    from peergraph.sparql.engine import named_queries

    options = "".join(
        f'<option value="{html.escape(q.name)}">{html.escape(q.title)}</option>'
        for q in named_queries().values()
    )
    from peergraph.iris import PG_NS

    return PAGE.replace("{{options}}", options).replace("{{pg}}", PG_NS)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>peergraph SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:1.5em;max-width:80em}
textarea{width:100%;height:16em;font:13px/1.3 monospace}
table{border-collapse:collapse;margin-top:1em;font-size:13px}
td,th{border:1px solid #bbb;padding:.2em .4em;vertical-align:top;text-align:left}
#status{margin-left:1em;color:#555} #desc{color:#444}
</style></head><body>
<h1>peergraph SPARQL endpoint</h1>
<p>Read-only SPARQL 1.1 over the peer-support evidence graph. Endpoint: <code>/sparql</code>
(GET or POST). Updates, SERVICE and remote FROM are refused.</p>
<form id="form" method="post" action="/sparql">
<label>Named query <select id="named"><option value="">(choose)</option>{{options}}</select></label>
<p id="desc"></p>
<textarea id="query" name="query" spellcheck="false">SELECT ?finding ?label WHERE {
  ?f a &lt;{{pg}}Finding&gt; ;
     &lt;http://purl.org/dc/terms/identifier&gt; ?finding ;
     &lt;http://www.w3.org/2000/01/rdf-schema#label&gt; ?label .
} ORDER BY ?finding</textarea>
<button type="submit">Run</button><span id="status"></span>
</form>
<div id="out"></div>
<script src="/app.js"></script>
</body></html>
"""

APP_JS = """'use strict';
// Renders results with textContent only: nothing from the data is parsed as HTML.
let queries = [];
const $ = (id) => document.getElementById(id);
fetch('/queries.json').then((r) => r.json()).then((q) => { queries = q; });
$('named').addEventListener('change', () => {
  const q = queries.find((x) => x.name === $('named').value);
  if (q) { $('query').value = q.text; $('desc').textContent = q.description; }
});
$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('out');
  out.replaceChildren();
  $('status').textContent = 'running...';
  const started = performance.now();
  try {
    const response = await fetch('/sparql', {
      method: 'POST',
      headers: {'Content-Type': 'application/sparql-query',
                'Accept': 'application/sparql-results+json, text/turtle;q=0.9'},
      body: $('query').value,
    });
    const text = await response.text();
    const ms = Math.round(performance.now() - started);
    if (!response.ok) { $('status').textContent = 'error ' + response.status;
      const pre = document.createElement('pre'); pre.textContent = text; out.append(pre); return; }
    if (!(response.headers.get('Content-Type') || '').includes('json')) {
      const pre = document.createElement('pre'); pre.textContent = text; out.append(pre);
      $('status').textContent = ms + ' ms'; return; }
    const data = JSON.parse(text);
    if ('boolean' in data) { out.textContent = String(data.boolean); return; }
    const vars = data.head.vars, table = document.createElement('table');
    const head = table.insertRow();
    for (const v of vars) {
      const th = document.createElement('th'); th.textContent = v; head.append(th);
    }
    for (const b of data.results.bindings) {
      const row = table.insertRow();
      for (const v of vars) { row.insertCell().textContent = b[v] ? b[v].value : ''; }
    }
    out.append(table);
    const truncated = response.headers.get('Peergraph-Truncated') ? ' (truncated)' : '';
    $('status').textContent = data.results.bindings.length + ' rows, ' + ms + ' ms' + truncated;
  } catch (error) { $('status').textContent = String(error); }
});
"""


def make_server(source: Any = None, config: ServeConfig | None = None) -> ThreadingHTTPServer:
    """A bound, not yet running server (``serve_forever()`` it, ``shutdown()`` to stop)."""
    import pyoxigraph as ox

    from peergraph.export.store import open_store

    config = config or ServeConfig()
    store = source if isinstance(source, ox.Store) else open_store(source)
    endpoint = Endpoint(store, config)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint})
    try:
        server = ThreadingHTTPServer((config.host, config.port), handler)
    except OSError as exc:
        endpoint.close()
        raise PeergraphError(
            f"cannot listen on {config.host}:{config.port} ({exc.strerror or exc}); "
            "choose another --port"
        ) from None
    server.daemon_threads = True
    server.endpoint = endpoint  # type: ignore[attr-defined]
    return server
