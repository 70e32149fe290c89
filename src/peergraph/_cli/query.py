"""``peergraph query``: run a named competency query, a .rq file or inline SPARQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ["table", "csv", "tsv", "json", "xml", "turtle", "nt"]


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """--store / --graph / --data: where the graph comes from (default: the bundled data)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--store",
        type=Path,
        metavar="PATH",
        help="a store written by `peergraph build --store PATH` (opened read-only)",
    )
    group.add_argument(
        "--graph",
        type=Path,
        metavar="FILE",
        help="an RDF file (.ttl, .nt, .owl, .jsonld), e.g. exports/peergraph.ttl",
    )
    group.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="a data folder to build in memory (default: the bundled data)",
    )


def source_of(args: argparse.Namespace) -> Path | None:
    return args.store or args.graph or args.data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "query", nargs="?", help="a named query (see --list), a .rq file, or SPARQL text"
    )
    parser.add_argument("--list", action="store_true", help="list the named queries")
    parser.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="table",
        help="output format (default: an aligned table; Turtle for CONSTRUCT)",
    )
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME to VALUE (a vocabulary id like hope, <iri>, pgv:x, or text); repeatable",
    )
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="run on this remote SPARQL endpoint instead of the local graph",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="permit SERVICE and remote FROM (off: nothing fetches the network)",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="keep at most N rows")
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="say on stderr whether the rows were computed or read from the store's kept results",
    )
    add_source_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from peergraph.errors import UsageError
    from peergraph.sparql.engine import named_queries, query

    if args.list:
        queries = named_queries().values()
        width = max(len(q.name) for q in queries)
        for q in queries:
            params = " ".join(f"[{p.name}=]" for p in q.params)
            print(f"{q.name:<{width}}  {q.description}" + (f"  params: {params}" if params else ""))
        return 0
    if not args.query:
        raise UsageError("give a query name, a .rq file or SPARQL text (see --list)")
    params = {}
    for item in args.param:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE, e.g. outcome=hope")
        params[name.strip().lstrip("?$")] = value
    if args.endpoint and source_of(args):
        raise UsageError("--endpoint cannot be combined with --store, --graph or --data")
    result = query(args.query, params, source_of(args), endpoint=args.endpoint,
                   allow_remote=args.allow_remote, limit=args.limit)  # fmt: skip
    if args.verbose:
        print(f"note: {result.origin or 'computed now'}", file=sys.stderr)
    fmt = args.format
    if result.kind == "graph" and fmt == "table":
        fmt = "turtle"
    text = result.serialize(fmt)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
