"""``peergraph synth``: write a synthetic evidence base (data folder) for scale tests."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--papers", type=int, default=1000, help="papers in the reference list")
    parser.add_argument(
        "--findings", type=int, help="findings to write (default: five per paper)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    parser.add_argument("--out", type=Path, required=True, help="data folder to write")
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def run(args: argparse.Namespace) -> int:
    from peergraph.curate.synth import synthesize

    files = synthesize(args.out, papers=args.papers, seed=args.seed, findings=args.findings)
    if not args.quiet:
        total = sum(files.values())
        print(f"wrote {len(files)} files ({total:,} bytes) to {args.out}")
        print(f"build it with: peergraph build --data {args.out} --out OUT")
    return 0
