"""``peergraph analyze``: evidence strength, centrality, communities and paths, as a report and
files (JSON, CSV, GraphML, GEXF, PNG/SVG)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="data folder (default: ./data or the bundled data)"
    )
    parser.add_argument(
        "--input",
        metavar="PATH",
        help="analyse this RDF file (.ttl/.nt/.owl/.jsonld) or store folder instead of --data",
    )
    parser.add_argument(
        "--out", type=Path, help="output folder (default: exports/analysis/ beside data/)"
    )
    parser.add_argument(
        "--path",
        nargs=2,
        action="append",
        default=[],
        metavar=("FROM", "TO"),
        help="explain the shortest path between two items, named by label, alternative label or "
        "id (repeatable), e.g. --path 'structured supervision' 'peer worker retention'",
    )
    parser.add_argument("--top", type=int, default=5, metavar="N", help="rows per table shown")
    parser.add_argument(
        "--betweenness-samples",
        type=int,
        metavar="K",
        help="estimate betweenness from K seeded pivots (default: exact up to 5,000 nodes, "
        "else 8 to 64 pivots by the number of links; the report says how many)",
    )
    parser.add_argument("--seed", type=int, default=42, help="seed for sampling and Louvain")
    parser.add_argument("--no-files", action="store_true", help="print the report only")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no report")


def run(args: argparse.Namespace) -> int:
    from peergraph.analysis.metrics import analyze, report_text, write_analysis
    from peergraph.errors import UsageError
    from peergraph.export.store import open_store
    from peergraph.paths import default_exports_dir

    if args.betweenness_samples is not None and args.betweenness_samples < 1:
        raise UsageError("--betweenness-samples must be at least 1")
    if args.input is not None:
        # a file is streamed by pyoxigraph into the projection; a folder is a store or data
        path = Path(args.input)
        source = path if path.is_file() else open_store(path)
    elif args.data is not None:
        from peergraph.ingest.dataset import load
        from peergraph.mapping.triples import build_graph

        source = build_graph(load(args.data))
    else:
        source = None
    result = analyze(
        source,
        paths=[tuple(p) for p in args.path],
        seed=args.seed,
        betweenness_samples=args.betweenness_samples,
    )
    # files first: a reader that stops early (`| head -1`) must not cost the files
    sizes: dict = {}
    if not args.no_files:
        data = args.data.resolve() if args.data else None
        out = args.out or default_exports_dir(data) / "analysis"
        sizes = write_analysis(result, out)
    if not args.quiet:
        print(report_text(result, top=args.top))
        if not args.no_files:
            print(f"\nwrote {len(sizes)} files to {out}")
    return 0
