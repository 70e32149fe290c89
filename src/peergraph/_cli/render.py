"""``peergraph render``: the interactive graph page and the evidence gap map (offline HTML)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="data folder (default: ./data or the bundled data)"
    )
    parser.add_argument(
        "--input",
        type=Path,
        metavar="FILE",
        help="draw this RDF file (e.g. exports/peergraph.ttl) instead of building from --data",
    )
    parser.add_argument("--out", type=Path, help="output folder (default: exports/ beside data/)")
    parser.add_argument(
        "--setting", metavar="ID", help="only findings in this setting (e.g. hospital)"
    )
    parser.add_argument(
        "--outcome", metavar="ID", help="only findings about this outcome or recovery group"
    )
    parser.add_argument(
        "--max-nodes",
        type=int,
        metavar="N",
        help="draw at most N nodes: the best-connected findings and what they link to "
        "(default: all, or a sample of 20,000 with a banner above that)",
    )
    parser.add_argument("--no-evidence-map", action="store_true", help="write only peergraph.html")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def _source(args: argparse.Namespace):
    """What to draw: the --input file as a path (read by pyoxigraph as a stream, never loaded
    into rdflib, so a multi-million-triple export can be drawn), else the graph of --data."""
    from peergraph.errors import UsageError

    if args.input is not None:
        if not args.input.is_file():
            raise UsageError(f"{args.input}: no such file (give an RDF file such as peergraph.ttl)")
        return args.input
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph

    return build_graph(load(args.data) if args.data else load())


def run(args: argparse.Namespace) -> int:
    from peergraph.paths import default_exports_dir
    from peergraph.view.render import render

    out = args.out or default_exports_dir(args.data.resolve() if args.data else None)
    sizes = render(
        _source(args),
        out,
        setting=args.setting,
        outcome=args.outcome,
        max_nodes=args.max_nodes,
        evidence_map=not args.no_evidence_map,
    )
    if not args.quiet:
        for name, size in sorted(sizes.items()):
            print(f"wrote {Path(out) / name}  {size:,} bytes")
    return 0
