"""`peergraph push` and `peergraph query --endpoint` against a real Oxigraph server on loopback."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import DATA

GRAPH_IRI = "https://w3id.org/peergraph/data/graph/test"


def oxigraph_binary() -> str:
    local = Path(sys.executable).parent / "oxigraph"
    found = str(local) if local.is_file() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`, stopped after the module."""
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"oxigraph exited: {process.stderr.read().decode()}")
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("oxigraph did not start")
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def count(base: str, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    request = urllib.request.Request(
        base + "/query?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "text/csv"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.read().decode().split()[1])


def test_push_replaces_then_adds_to_the_default_and_a_named_graph(oxigraph):
    from peergraph.export.push import push
    from peergraph.export.store import open_store

    store = open_store(DATA)
    expected = len(store)
    result = push(oxigraph + "/store", source=store)
    assert result.method == "PUT" and result.status in (200, 201, 204)
    assert result.triples == expected
    assert count(oxigraph) == expected
    # replace again: still the same graph, not twice the triples
    push(oxigraph + "/store", source=store)
    assert count(oxigraph) == expected

    named = push(oxigraph + "/store", GRAPH_IRI, replace=False, source=store)
    assert named.method == "POST"
    assert "graph=https%3A%2F%2Fw3id.org" in named.url
    assert count(oxigraph, GRAPH_IRI) == expected


def test_push_cli_and_query_endpoint_give_the_same_rows_as_local(oxigraph, capsys):
    from peergraph.cli import main
    from peergraph.sparql.engine import query

    assert main(["push", "--endpoint", oxigraph + "/store"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"PUT {oxigraph}/store?default: HTTP 20")
    from peergraph.sparql.engine import named_queries

    for name in named_queries():
        remote = query(name, endpoint=oxigraph + "/query")
        local = query(name, source=DATA)
        assert remote.rows == local.rows, name
    assert main(["query", "--endpoint", oxigraph + "/query", "persistence", "-f", "csv"]) == 0
    out = capsys.readouterr().out
    assert (
        'F06,clinical recovery,"effects still reported up to (follow-up horizon, not a minimum)",'
        "6,9,month,end of intervention,hedged,smit2023," in out
    )


def test_push_reports_an_unreachable_store_without_traceback(capsys):
    from peergraph.cli import main

    url = f"http://127.0.0.1:{free_port()}/store"
    assert main(["push", "--endpoint", url, "--source", str(DATA)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: {url}?default: cannot reach the triple store")
    assert "Traceback" not in err


def test_push_refuses_credentials_on_the_command_line_and_bad_urls(capsys):
    from peergraph.cli import main

    with pytest.raises(SystemExit):
        main(["push", "--endpoint", "http://127.0.0.1:1/store", "--password", "x"])
    assert main(["push", "--endpoint", "ftp://example.org/store"]) == 2
    assert "is not an http(s) URL" in capsys.readouterr().err


class AuthSpy:
    """A loopback Graph Store stand-in that records the Authorization header it receives."""

    def __init__(self):
        self.seen: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                outer.seen.append(self.headers.get("Authorization"))
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(401 if self.headers.get("Authorization") is None else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/store"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def spy():
    server = AuthSpy()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture(scope="module")
def small_store():
    import pyoxigraph as ox

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b"), ox.Literal("c")))
    return store


def test_push_takes_credentials_from_environment_or_netrc(spy, small_store, monkeypatch, tmp_path):
    from peergraph.export.push import PushError, push

    for name in ("PEERGRAPH_TOKEN", "PEERGRAPH_USER", "PEERGRAPH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc yet
    with pytest.raises(PushError, match="HTTP 401.*PEERGRAPH_TOKEN"):
        push(spy.url, source=small_store)

    monkeypatch.setenv("PEERGRAPH_USER", "ana")
    monkeypatch.setenv("PEERGRAPH_PASSWORD", "s3cret:x")
    push(spy.url, source=small_store)
    monkeypatch.setenv("PEERGRAPH_TOKEN", "tok-123")
    push(spy.url, source=small_store)
    for name in ("PEERGRAPH_TOKEN", "PEERGRAPH_USER", "PEERGRAPH_PASSWORD"):
        monkeypatch.delenv(name)
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login nina password from-netrc\n")
    os.chmod(netrc, 0o600)
    push(spy.url, source=small_store)

    basic = "Basic " + base64.b64encode(b"ana:s3cret:x").decode()
    from_netrc = "Basic " + base64.b64encode(b"nina:from-netrc").decode()
    assert spy.seen == [None, basic, "Bearer tok-123", from_netrc]
