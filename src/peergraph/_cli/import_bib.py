"""``peergraph import-bib FILE``: add papers from a BibTeX or RIS export to data/papers.yaml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="BibTeX (.bib) or RIS (.ris) export, UTF-8")
    parser.add_argument(
        "--data", type=Path, help="data folder holding papers.yaml (default: ./data or bundled)"
    )
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    parser.add_argument("--quiet", "-q", action="store_true", help="print warnings only")


def run(args: argparse.Namespace) -> int:
    from peergraph.curate.bibimport import import_bib

    result = import_bib(args.file, args.data, dry_run=args.dry_run)
    for problem in result.problems:
        print(f"Warning: skipped {problem}", file=sys.stderr)
    for conflict in result.conflicts:
        print(f"Warning: conflicting duplicate {conflict}", file=sys.stderr)
    if not args.quiet:
        for dup in result.duplicates:
            print(f"already present: {dup}")
        for ref in result.added:
            print(f"{'would add' if args.dry_run else 'added'} {ref.key}: {ref.raw}")
        print(result.summary())
        if result.added and not args.dry_run:
            print(f"wrote {result.papers_file} (records are 'draft: true')")
    return 1 if result.conflicts else 0
