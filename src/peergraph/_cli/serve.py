"""``peergraph serve``: a read-only SPARQL 1.1 endpoint and query page on 127.0.0.1."""

from __future__ import annotations

import argparse
import signal
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
        "--workers",
        type=int,
        default=8,
        help="worker processes, i.e. queries evaluated at once (default 8)",
    )
    parser.add_argument(
        "--preempt-after",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="when every worker is busy and queries wait, the longest-running query is stopped "
        "(503) once it has run this long (default 0.5)",
    )
    parser.add_argument(
        "--queue",
        type=int,
        default=256,
        metavar="N",
        help="queries allowed to wait for a worker; more get 503 at once (default 256)",
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

    if min(args.timeout, args.max_rows, args.workers, args.preempt_after, args.queue) <= 0:
        raise UsageError(
            "--timeout, --max-rows, --workers, --preempt-after and --queue must be positive"
        )
    config = ServeConfig(host=args.host, port=args.port, timeout=args.timeout,
                         max_rows=args.max_rows, cors_origin=args.cors,
                         allow_remote=args.allow_remote, workers=args.workers,
                         preempt_after=args.preempt_after, max_waiting=args.queue)  # fmt: skip
    server = make_server(source_of(args), config)
    server.verbose = args.verbose  # type: ignore[attr-defined]
    if args.workers > 64:
        print(f"warning: {args.workers} worker processes each hold a copy of the graph",
              file=sys.stderr)  # fmt: skip
    host, port = server.server_address[:2]
    if host not in ("127.0.0.1", "::1", "localhost"):
        print(f"warning: listening on {host}, reachable from other machines", file=sys.stderr)
    print(
        f"peergraph SPARQL endpoint: http://{host}:{port}/sparql  (query page: "
        f"http://{host}:{port}/)  Ctrl-C to stop",
        flush=True,
    )
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # leave serve_forever through the same path as Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.endpoint.close()  # type: ignore[attr-defined]
    return 0
