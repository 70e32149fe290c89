"""``peergraph serve``: a read-only SPARQL 1.1 endpoint and query page on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys

from peergraph._cli.query import add_source_arguments, source_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; anything else exposes the graph)",
    )
    parser.add_argument("--port", type=int, default=7879, help="port (default 7879; 0 = any free)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="per-query timeout (default 10)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        default=10_000,
        metavar="N",
        help="result-size limit in rows/triples (default 10000)",
    )
    parser.add_argument(
        "--cors",
        metavar="ORIGIN",
        help="send Access-Control-Allow-Origin: ORIGIN (e.g. '*'); off by default",
    )
    parser.add_argument(
        "--workers", type=int, default=8, help="queries evaluated at once (default 8)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="permit SERVICE and remote FROM (off: the server fetches nothing)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log every request")
    add_source_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from peergraph.errors import UsageError
    from peergraph.sparql.serve import ServeConfig, make_server

    if args.timeout <= 0 or args.max_rows < 1 or args.workers < 1:
        raise UsageError("--timeout, --max-rows and --workers must be positive")
    config = ServeConfig(host=args.host, port=args.port, timeout=args.timeout,
                         max_rows=args.max_rows, cors_origin=args.cors,
                         allow_remote=args.allow_remote, workers=args.workers)  # fmt: skip
    server = make_server(source_of(args), config)
    server.verbose = args.verbose  # type: ignore[attr-defined]
    host, port = server.server_address[:2]
    if host not in ("127.0.0.1", "::1", "localhost"):
        print(f"warning: listening on {host}, reachable from other machines", file=sys.stderr)
    print(
        f"peergraph SPARQL endpoint: http://{host}:{port}/sparql  (query page: "
        f"http://{host}:{port}/)  Ctrl-C to stop",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.endpoint.close()  # type: ignore[attr-defined]
    return 0
