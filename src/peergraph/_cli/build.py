"""``peergraph build``: the bundled data (or ``--data``) → ``exports/`` (or ``--out``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, help="data folder (default: ./data or the bundled data)"
    )
    parser.add_argument("--out", type=Path, help="output folder (default: exports/ beside data/)")
    parser.add_argument(
        "--include-drafts", action="store_true", help="also build records marked 'draft: true'"
    )
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="build even when there are no findings (refused by default: no silent wipe)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    parser.add_argument(
        "--store", type=Path, metavar="PATH", help="also write a store for query/serve --store PATH"
    )


def run(args: argparse.Namespace) -> int:
    from peergraph.pipeline import build
    from peergraph.progress import Reporter

    result = build(
        args.data,
        args.out,
        include_drafts=args.include_drafts,
        progress=Reporter(quiet=args.quiet),
        allow_empty=args.allow_empty,
    )
    if args.store:
        from peergraph.export.store import save_built_store
        from peergraph.sparql.materialise import materialise

        save_built_store(args.store, result.out_dir, finish=materialise)
    if not args.quiet:
        print(result.summary())
    return 0
