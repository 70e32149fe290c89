"""``peergraph audit``: which citations hold up and which claims rest on them, as a report and
files (CSV, JSON); ``--strict`` fails when a finding rests only on unverified references."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="data folder (default: ./data or the bundled data)"
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="also write audit.json and audit-*.csv to DIR"
    )
    parser.add_argument(
        "--crossref",
        type=Path,
        metavar="DIR",
        help="compare printed references with Crossref /works/{doi} JSON files in DIR (offline)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any finding rests only on unverified references",
    )
    parser.add_argument("--include-drafts", action="store_true", help="audit draft findings too")
    parser.add_argument("--quiet", "-q", action="store_true", help="print no report")


def run(args: argparse.Namespace) -> int:
    from peergraph.check.audit import report_text, run_audit, write_report

    report = run_audit(args.data, crossref=args.crossref, include_drafts=args.include_drafts)
    if not args.quiet:
        print(report_text(report))
    if args.out is not None:
        written = write_report(report, args.out)
        if not args.quiet:
            print(f"\nwrote {len(written)} files to {args.out}")
    if args.strict and report.unverified_only:
        ids = ", ".join(report.unverified_only)
        print(
            f"Error: {len(report.unverified_only)} finding(s) rest only on unverified "
            f"references: {ids}",
            file=sys.stderr,
        )
        return 1
    return 0
