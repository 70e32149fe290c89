"""``peergraph push``: upload the graph to a triple store via the SPARQL Graph Store Protocol.

Credentials come from PEERGRAPH_TOKEN, PEERGRAPH_USER/PEERGRAPH_PASSWORD or ~/.netrc, never from
the command line.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the Graph Store endpoint, e.g. http://127.0.0.1:7878/store",
    )
    parser.add_argument(
        "--graph", metavar="IRI", help="named graph to write (default: the default graph)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--replace",
        dest="replace",
        action="store_true",
        default=True,
        help="replace the graph's content (HTTP PUT; the default)",
    )
    mode.add_argument(
        "--add", dest="replace", action="store_false", help="add to the graph's content (HTTP POST)"
    )
    parser.add_argument(
        "--source",
        type=Path,
        metavar="PATH",
        help="store, RDF file or data folder to push (default: the bundled data)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    from peergraph.export.push import push

    result = push(args.endpoint, args.graph, replace=args.replace, source=args.source)
    if not args.quiet:
        print(
            f"{result.method} {result.url}: HTTP {result.status}, "
            f"{result.triples} triples ({result.size:,} bytes)"
        )
    return 0
