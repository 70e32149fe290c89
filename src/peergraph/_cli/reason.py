"""``peergraph reason``: consistency check and inferred types (HermiT, or OWL 2 RL without Java)."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFINED = (
    "ClinicalRecoveryFinding",
    "PersonalRecoveryFinding",
    "MetaAnalyticFinding",
    "UncitedFinding",
    "OrganisationalFinding",
    "ClinicalOutcome",
    "PersonalRecoveryOutcome",
    "SubstanceUseJusticeOutcome",
    "OrganisationalOutcome",
    "StructuredSetting",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="data folder (default: ./data or the bundled data)"
    )
    parser.add_argument(
        "--input",
        type=Path,
        metavar="FILE.ttl",
        help="reason over this Turtle file (plus the peergraph ontology) instead of --data",
    )
    parser.add_argument(
        "--method",
        choices=("auto", "hermit", "rl", "rules"),
        default="auto",
        help="auto: HermiT (Java) on small graphs, HermiT for the ontology + OWL 2 RL for data on "
        "large ones, OWL 2 RL without Java; hermit, rl (owlrl) or rules (SPARQL subset): force one",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="write peergraph-inferred.ttl to this folder (`peergraph build` writes the one in "
        "exports/, with the fast SPARQL rules, so that exports do not depend on Java)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    import sys

    from peergraph.check.reason import inferred_turtle, reason
    from peergraph.export.writers import write_atomically
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph, ontology_graph

    if args.input is not None:
        from peergraph.check.shacl import read_turtle

        graph = read_turtle(args.input) + ontology_graph()
    else:
        graph = build_graph(load(args.data) if args.data else load())
    result = reason(graph, method=args.method)
    for notice in result.notices:
        print(f"Notice: {notice}", file=sys.stderr)
    files = {}
    if args.out is not None:
        files = write_atomically(args.out, {"peergraph-inferred.ttl": inferred_turtle(result)})
    if not args.quiet:
        print("consistent: yes")
        for part, name in sorted(result.reasoners.items()):
            print(f"{part}: {name}")
        for cls in DEFINED:
            members = result.instances(cls)
            if members:
                print(f"  pg:{cls:<27} {len(members):>3}  {' '.join(members)}")
        print(f"{len(result.inferred)} inferred types")
        if files:
            print(f"wrote {args.out / 'peergraph-inferred.ttl'}")
    return 0
