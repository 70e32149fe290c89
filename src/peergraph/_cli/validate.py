"""``peergraph validate``: check a Turtle file (or the built graph) against the SHACL shapes."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE.ttl",
        help="Turtle file to check (default: build the graph from --data and check that)",
    )
    parser.add_argument(
        "--data", type=Path, help="data folder (default: ./data or the bundled data)"
    )
    parser.add_argument(
        "--no-ontology",
        action="store_true",
        help="do not add the peergraph ontology and vocabularies to FILE before validating",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing when it conforms")


def run(args: argparse.Namespace) -> int:
    from peergraph.check.shacl import validate_file, validate_graph
    from peergraph.errors import ValidationFailed

    if args.file is not None:
        violations = validate_file(args.file, with_ontology=not args.no_ontology)
        what = str(args.file)
    else:
        from peergraph.ingest.dataset import load
        from peergraph.mapping.triples import build_graph

        violations = validate_graph(build_graph(load(args.data) if args.data else load()))
        what = "the built graph"
    if violations:
        raise ValidationFailed(
            "\n".join(
                [*(str(v) for v in violations), f"{what}: {len(violations)} SHACL violation(s)"]
            )
        )
    if not args.quiet:
        print(f"{what}: conforms to the peergraph SHACL shapes")
    return 0
