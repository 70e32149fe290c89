"""`peergraph serve`: a real server on 127.0.0.1, queried with SPARQLWrapper and urllib."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import DATA

PREFIXES = """PREFIX pg: <https://w3id.org/peergraph/ontology/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
PAPERS = PREFIXES + "SELECT ?key WHERE { ?p a pg:Paper ; pg:citationKey ?key } ORDER BY ?key"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# a cross join of the whole graph with itself: about 10 million pairs, seconds of work
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . FILTER(?c != ?f) }"


@pytest.fixture(scope="module")
def store():
    from peergraph.export.store import open_store

    return open_store(DATA)


@pytest.fixture(scope="module")
def start(store):
    from peergraph.sparql.serve import ServeConfig, make_server

    servers = []

    def _start(**options):
        config = ServeConfig(port=0, **options)
        server = make_server(store, config)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        host, port = server.server_address[:2]
        return f"http://{host}:{port}"

    yield _start
    for server in servers:
        server.shutdown()
        server.server_close()
        server.endpoint.close()


@pytest.fixture(scope="module")
def base(start):
    return start(timeout=60)


def sparql(url, query, fmt="json", method="GET"):
    from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt if fmt != "json" else JSON)
    client.setMethod(POST if method == "POST" else GET)
    return client.query()


def fetch(url, data=None, headers=None, method=None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def keys(result_json):
    return [b["key"]["value"] for b in result_json["results"]["bindings"]]


def test_sparqlwrapper_get_and_post_return_the_eleven_papers(base):
    got = sparql(base + "/sparql", PAPERS).convert()
    assert keys(got)[:3] == ["andreas2016", "boisvert2016", "byrne2023"]
    assert len(keys(got)) == 11
    assert keys(sparql(base + "/sparql", PAPERS, method="POST").convert()) == keys(got)


def test_post_with_sparql_query_body(base):
    status, headers, body = fetch(
        base + "/sparql",
        data=PAPERS.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/csv")
    assert body.splitlines()[:2] == ["key", "andreas2016"]


@pytest.mark.parametrize(
    ("fmt", "ctype", "check"),
    [
        ("xml", "application/sparql-results+xml", lambda b: "<literal>smit2023</literal>" in b),
        ("csv", "text/csv", lambda b: "\r\nsmit2023\r\n" in b),
        ("tsv", "text/tab-separated-values", lambda b: '\n"smit2023"\n' in b),
    ],
)
def test_content_negotiation_for_select(base, fmt, ctype, check):
    result = sparql(base + "/sparql", PAPERS, fmt=fmt)
    assert result.response.headers["Content-Type"].startswith(ctype)
    body = result.response.read().decode("utf-8")
    assert check(body)


@pytest.mark.parametrize(
    ("accept", "ctype"),
    [("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples")],
)
def test_construct_as_turtle_or_ntriples(base, accept, ctype):
    query = PREFIXES + (
        'CONSTRUCT { ?f rdfs:label ?l } WHERE { ?f dcterms:identifier "F06" ; rdfs:label ?l }'
    )
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    status, headers, body = fetch(url, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    from rdflib import Graph

    graph = Graph().parse(data=body, format="turtle" if "turtle" in accept else "nt")
    assert [str(o) for o in graph.objects()] == [
        "Clinical improvements from peer support persist 6-9 months after the intervention"
    ]


def test_unacceptable_accept_header_is_406(base):
    url = base + "/sparql?" + urllib.parse.urlencode({"query": PAPERS})
    status, _, _ = fetch(url, headers={"Accept": "image/png"})
    assert status == 406


def test_update_is_refused_and_nothing_changes(base):
    from SPARQLWrapper import POST, SPARQLWrapper

    before = sparql(base + "/sparql", COUNT).convert()["results"]["bindings"][0]["n"]["value"]
    client = SPARQLWrapper(base + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    with pytest.raises(urllib.error.HTTPError) as info:
        client.query()
    assert info.value.code == 403
    for ctype in ("application/sparql-update", "application/sparql-query"):
        status, _, body = fetch(
            base + "/sparql",
            data=b"DELETE WHERE { ?s ?p ?o }",
            headers={"Content-Type": ctype},
        )
        assert status == 403, body
        assert "read-only" in body
    after = sparql(base + "/sparql", COUNT).convert()["results"]["bindings"][0]["n"]["value"]
    assert after == before and int(after) > 3000


def test_syntax_error_is_400_with_line_and_column(base):
    status, _, body = fetch(base + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * {\n?s"}))
    assert status == 400
    assert "line 2, column" in body


class Listener:
    """A loopback HTTP server that records every request made to it."""

    def __init__(self):
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                outer.requests.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    spy = Listener()
    yield spy
    spy.close()


def test_server_makes_no_outbound_requests(base, listener):
    attempts = [
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{listener.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{listener.url}>",
    ]
    for query in attempts:
        status, _, body = fetch(
            base + "/sparql",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 403, (query, body)
    status, _, _ = fetch(
        base + "/sparql",
        data=f"LOAD <{listener.url}>".encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    assert status == 403
    assert listener.requests == []


def test_library_refuses_service_and_allow_remote_really_reaches_the_listener(store, listener):
    from peergraph.sparql.engine import QueryRefused, query

    text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryRefused, match="SERVICE"):
        query(text, source=store)
    assert listener.requests == []
    # the control: the same query with --allow-remote does reach the listener
    query(text, source=store, allow_remote=True)
    assert len(listener.requests) == 1


def test_slow_query_does_not_block_twenty_fast_ones(base):
    with ThreadPoolExecutor(max_workers=8) as pool:
        slow = pool.submit(sparql, base + "/sparql", SLOW)
        while not slow.running():
            pass
        time.sleep(0.3)  # let the slow query reach the server first (not a timing assertion)
        fast = [pool.submit(lambda: sparql(base + "/sparql", PAPERS).convert()) for _ in range(20)]
        results = [f.result() for f in fast]
        slow_done_when_fast_finished = slow.done()
        # the slow query really ran to the end: a count of millions of triple pairs
        assert int(slow.result().convert()["results"]["bindings"][0]["n"]["value"]) > 1_000_000
    assert all(len(keys(r)) == 11 for r in results)
    assert not slow_done_when_fast_finished


def test_query_timeout_gives_503_and_server_keeps_answering(start):
    url = start(timeout=0.2, workers=2)
    status, _, body = fetch(url + "/sparql?" + urllib.parse.urlencode({"query": SLOW}))
    assert status == 503
    assert "timed out after 0.2 s" in body
    status, _, body = fetch(url + "/sparql?" + urllib.parse.urlencode({"query": PAPERS}))
    assert status == 200 and len(keys(json.loads(body))) == 11


def test_result_size_limit_truncates_and_says_so(start):
    url = start(max_rows=5)
    status, headers, body = fetch(url + "/sparql?" + urllib.parse.urlencode({"query": PAPERS}))
    assert status == 200
    assert keys(json.loads(body)) == [
        "andreas2016", "boisvert2016", "byrne2023", "chinman2014", "davidson2022"
    ]  # fmt: skip
    assert headers.get("Peergraph-Truncated") == "true"


def test_cors_is_off_by_default_and_configurable(base, start):
    url = "/sparql?" + urllib.parse.urlencode({"query": PAPERS})
    _, headers, _ = fetch(base + url)
    assert "Access-Control-Allow-Origin" not in headers
    cors = start(cors_origin="https://example.org")
    _, headers, _ = fetch(cors + url)
    assert headers["Access-Control-Allow-Origin"] == "https://example.org"
    status, headers, _ = fetch(cors + "/sparql", method="OPTIONS")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]


def test_query_page_is_offline_and_escaped(base, monkeypatch):
    import re

    status, headers, page = fetch(base + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert '<option value="persistence">How long benefits persist' in page
    status, _, script = fetch(base + "/app.js")
    assert status == 200 and "textContent" in script and "innerHTML" not in script
    _, _, listing = fetch(base + "/queries.json")
    assert "persistence" in {q["name"] for q in json.loads(listing)}

    from peergraph.sparql import serve
    from peergraph.sparql.engine import NamedQuery

    evil = NamedQuery('x"><script>alert(1)</script>', "<img src=x onerror=alert(1)>", "", (), "")
    monkeypatch.setattr("peergraph.sparql.engine.named_queries", lambda: {evil.name: evil})
    html = serve.page()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_inline_queries_know_the_export_prefixes_and_errors_are_one_line(base):
    query = "SELECT ?label WHERE { finding:F06 rdfs:label ?label . finding:F06 a pg:Finding }"
    got = sparql(base + "/sparql", query).convert()["results"]["bindings"]
    assert [b["label"]["value"] for b in got] == [
        "Clinical improvements from peer support persist 6-9 months after the intervention"
    ]
    url = base + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * { ?s nope:x ?o }"})
    status, _, body = fetch(url)
    assert status == 400
    assert body.startswith("SPARQL syntax error at line 1, column")
    assert "unknown prefix 'nope:'" in body and body.count("\n") == 1
    assert "\\u{" not in body


NAMED_TRIG = """
<urn:peergraph:test:g1> { <urn:x:a> <urn:x:p> "in g1" . }
<urn:peergraph:test:g2> { <urn:x:b> <urn:x:p> "in g2" . }
<urn:x:c> <urn:x:p> "in the default graph" .
"""
VALUES = "SELECT ?v WHERE { ?s <urn:x:p> ?v } ORDER BY ?v"
GRAPHS = "SELECT ?g ?v WHERE { GRAPH ?g { ?s <urn:x:p> ?v } } ORDER BY ?g"


@pytest.fixture(scope="module")
def named_base(tmp_path_factory):
    """A server on a store that holds two named graphs beside its default graph."""
    from peergraph.sparql.serve import ServeConfig, make_server

    path = tmp_path_factory.mktemp("trig") / "graphs.trig"
    path.write_text(NAMED_TRIG, encoding="utf-8")
    server = make_server(path, ServeConfig(port=0, workers=2))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/sparql"
    server.shutdown()
    server.server_close()
    server.endpoint.close()


def _with_graphs(url, query, default=(), named=(), method="GET"):
    from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    client.setMethod(POST if method == "POST" else GET)
    for iri in default:
        client.addDefaultGraph(iri)
    for iri in named:
        client.addNamedGraph(iri)
    bindings = client.query().convert()["results"]["bindings"]
    return [tuple(b[k]["value"] for k in ("g", "v") if k in b) for b in bindings]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_default_graph_uri_makes_the_named_graphs_the_default_graph(named_base, method):
    g1, g2 = "urn:peergraph:test:g1", "urn:peergraph:test:g2"
    assert _with_graphs(named_base, VALUES, method=method) == [("in the default graph",)]
    assert _with_graphs(named_base, VALUES, [g1], method=method) == [("in g1",)]
    assert _with_graphs(named_base, VALUES, [g1, g2], method=method) == [("in g1",), ("in g2",)]
    # the protocol's dataset replaces the query's FROM (SPARQL 1.1 Protocol 2.1.4)
    from_g2 = VALUES.replace("WHERE", f"FROM <{g2}> WHERE")
    assert _with_graphs(named_base, from_g2, method=method) == [("in g2",)]
    assert _with_graphs(named_base, from_g2, [g1], method=method) == [("in g1",)]


def test_named_graph_uri_limits_graph_and_leaves_the_default_graph_empty(named_base):
    g1, g2 = "urn:peergraph:test:g1", "urn:peergraph:test:g2"
    assert _with_graphs(named_base, GRAPHS) == [(g1, "in g1"), (g2, "in g2")]
    assert _with_graphs(named_base, GRAPHS, named=[g2]) == [(g2, "in g2")]
    assert _with_graphs(named_base, VALUES, named=[g2]) == []


def test_default_graph_uri_naming_a_graph_the_store_lacks_is_400(base):
    query = urllib.parse.urlencode(
        {"query": COUNT, "default-graph-uri": "https://w3id.org/peergraph/data/"}
    )
    status, _, body = fetch(base + "/sparql?" + query)
    assert status == 400
    assert body.startswith("graph <https://w3id.org/peergraph/data/> is not in this store")
    assert "named graphs here: none" in body
    # the same on a POST body with application/sparql-query: the graphs come from the URL
    status, _, body = fetch(
        base + "/sparql?default-graph-uri=urn%3Ax%3Anone",
        data=COUNT.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 400 and "graph <urn:x:none> is not in this store" in body
