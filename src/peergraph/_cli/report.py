"""``peergraph report``: the ontology quality report (SPARQL checks in peergraph/check/qc/*.rq)."""

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
        metavar="FILE.ttl",
        help="check this Turtle file together with the peergraph ontology instead of --data",
    )
    parser.add_argument(
        "--ontology-only", action="store_true", help="check the ontology modules without data"
    )
    parser.add_argument("--tsv", type=Path, metavar="FILE", help="also write the report as TSV")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")


def run(args: argparse.Namespace) -> int:
    from peergraph.check.report import checks, errors, report_tsv, run_report
    from peergraph.errors import ValidationFailed
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph, ontology_graph

    if args.list:
        for check in checks():
            print(f"{check.level:<5} {check.name:<22} {check.title}")
        return 0
    if args.input is not None:
        from peergraph.check.shacl import read_turtle

        graph = read_turtle(args.input) + ontology_graph()
    elif args.ontology_only:
        graph = ontology_graph()
    else:
        graph = build_graph(load(args.data) if args.data else load())
    issues = run_report(graph)
    if args.tsv:
        args.tsv.write_bytes(report_tsv(issues))
    for issue in issues:
        if issue.level != "ERROR":
            print(issue)
    bad = errors(issues)
    if bad:
        raise ValidationFailed("\n".join([*map(str, bad), f"{len(bad)} ontology report error(s)"]))
    print(f"ontology report: {len(checks())} checks, 0 errors, {len(issues)} warning(s)")
    return 0
