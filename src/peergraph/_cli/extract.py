"""``peergraph extract DOC``: draft sources/findings data from a new document for curation."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "document",
        type=Path,
        help="plain-text or Markdown (UTF-8), JATS XML or PDF (needs the [pdf] extra) file",
    )
    parser.add_argument(
        "--data", type=Path, help="data folder to add the drafts to (default: ./data or bundled)"
    )
    parser.add_argument("--id", dest="source_id", help="source id (default: from the title)")
    parser.add_argument("--title", help="source title (default: the document's first line)")
    parser.add_argument(
        "--heading", default="References", help="line that starts the reference list"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the draft findings YAML, write nothing"
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing drafts file")
    parser.add_argument("--quiet", "-q", action="store_true", help="print warnings only")


def run(args: argparse.Namespace) -> int:
    from peergraph.curate.extract import extract_document, render_findings_yaml, write_drafts

    options = {"source_id": args.source_id, "title": args.title, "heading": args.heading}
    if args.dry_run:
        ex = extract_document(args.document, data_dir=args.data, **options)
        print(render_findings_yaml(ex), end="")
    else:
        written = write_drafts(args.document, args.data, force=args.force, **options)
        ex = written.extraction
    for warning in ex.warnings():
        print(f"Warning: {warning}", file=sys.stderr)
    if not args.quiet and not args.dry_run:
        print(ex.summary())
        stored = f", {written.references_file}" if written.references_file else ""
        print(
            f"wrote {written.source_file}{stored}, {written.findings_file}; "
            f"added to {written.sources_yaml}"
        )
        print("review them, then: peergraph build --include-drafts --out /tmp/check")
    return 0
