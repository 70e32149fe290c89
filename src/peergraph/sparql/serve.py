"""A read-only SPARQL 1.1 Protocol endpoint over the graph, with a small offline query page.

Standard library HTTP (``http.server.ThreadingHTTPServer``, one thread per connection, a listen
backlog sized to the worker pool and its queue); every query is checked, run and serialised in a
worker process (``peergraph.sparql.pool``) that is killed and replaced when its time is up, so no
query, however slow, keeps the endpoint busy past its time-out. Every query is checked before it
runs (``peergraph.sparql.engine.check_query``): updates, ``LOAD``, ``SERVICE`` and remote ``FROM``
are refused, so the server never makes a request on a client's behalf unless started with
``allow_remote``.

Status codes: 200 with the result; 400 for a malformed query or a dataset the store does not
hold; 403 for updates and network access; 404, 406 (nothing acceptable in ``Accept``), 413, 415;
503 with ``Retry-After`` when a query ran past ``timeout`` (its process is killed), had to yield
its worker to waiting queries after ``preempt_after`` seconds while all were busy, or found more
than ``max_waiting`` queries already waiting. ``max_rows`` cuts long results (the response
carries ``Peergraph-Truncated: true``).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from peergraph.errors import PeergraphError
from peergraph.sparql.pool import WorkerPool, store_source
from peergraph.sparql.protocol import (
    BINDINGS_TYPES,
    FORMAT_TYPES,
    GRAPH_TYPES,
    Reply,
    Request,
    negotiate,
)

__all__ = ["BINDINGS_TYPES", "FORMAT_TYPES", "GRAPH_TYPES", "Endpoint", "ServeConfig",
           "make_server", "negotiate"]  # fmt: skip

MAX_BODY = 1_000_000  # bytes of query text accepted in a POST


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
    preempt_after: float = 0.5  # a query yields to waiting ones after this long if all are busy
    max_waiting: int = 256  # queries allowed to wait for a worker; more get 503 at once

    @property
    def backlog(self) -> int:
        """Listen backlog: room for every worker and every waiting query (Python's default is 5,
        which drops connections under a burst)."""
        return self.workers + self.max_waiting


class Endpoint:
    """The query engine behind the HTTP handler: the worker pool and the limits."""

    def __init__(self, pool: WorkerPool, config: ServeConfig):
        self.pool = pool
        self.config = config

    def answer(self, request: Request) -> Reply:
        return self.pool.run(request)

    def close(self) -> None:
        self.pool.close()


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
        self._answer(args.get("query", [""])[0], args)

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
            for name, values in form.items():
                args.setdefault(name, []).extend(values)
            text = args.get("query", [""])[0]
        else:
            self._error(
                415,
                f"unsupported Content-Type '{ctype}' (use "
                "application/sparql-query or application/x-www-form-urlencoded)",
            )
            return
        self._answer(text, args)

    def _answer(self, text: str, args: dict[str, list[str]]) -> None:
        if not text.strip():
            self._error(400, "missing 'query' parameter")
            return
        request = Request(
            text,
            accept=self.headers.get("Accept"),
            fmt=args.get("format", [None])[0],
            default_graphs=tuple(args.get("default-graph-uri", [])),
            named_graphs=tuple(args.get("named-graph-uri", [])),
        )
        reply = self.endpoint.answer(request)
        self._send(reply.status, reply.body, reply.content_type, **reply.headers)


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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    endpoint: Endpoint
    verbose = False


def make_server(source: Any = None, config: ServeConfig | None = None) -> ThreadingHTTPServer:
    """A bound, not yet running server (``serve_forever()`` it; ``shutdown()``, then
    ``server_close()`` and ``endpoint.close()`` to stop it and its worker processes)."""
    import pyoxigraph as ox

    from peergraph.export.store import open_store

    config = config or ServeConfig()
    store = source if isinstance(source, ox.Store) else open_store(source)
    path = Path(source) if isinstance(source, (str, Path)) else None
    pool = WorkerPool(store_source(store, path), size=config.workers, timeout=config.timeout,
                      preempt_after=config.preempt_after, max_waiting=config.max_waiting,
                      max_rows=config.max_rows, allow_remote=config.allow_remote)  # fmt: skip
    del store  # the workers hold their own copies
    endpoint = Endpoint(pool, config)
    handler = type("BoundHandler", (Handler,), {"endpoint": endpoint})
    server_class = type("Server", (_Server,), {"request_queue_size": config.backlog})
    try:
        server = server_class((config.host, config.port), handler)
    except OSError as exc:
        endpoint.close()
        raise PeergraphError(
            f"cannot listen on {config.host}:{config.port} ({exc.strerror or exc}); "
            "choose another --port"
        ) from None
    server.endpoint = endpoint
    return server
