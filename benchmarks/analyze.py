"""Benchmark of ``peergraph analyze`` and the HTML views, step by step, on one graph.

    python benchmarks/analyze.py --input /tmp/out/peergraph.nt     # an export or a store folder
    python benchmarks/analyze.py --papers 2000                      # synth + build first

Prints one Markdown table: wall and CPU (user + system, forked children included) seconds of each
step, the process's peak RSS and the load average. ``peergraph analyze`` = projection + analysis
+ files, as the command runs them (the files streamed into a temporary folder); the HTML views
(``html_exports``, what the build writes) are timed after it, with their own projection. Not a
test: figures depend on the machine and its load (compare CPU seconds on a shared machine).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    """CPU seconds of this process and its finished children (analyze forks one for communities)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Steps:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, str]] = []
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def lap(self, name: str, note: str = "") -> None:
        wall, cpu = time.perf_counter(), _cpu()
        self.rows.append((name, wall - self.wall, cpu - self.cpu, note))
        print(f"  {name:<28} {wall - self.wall:7.1f} s wall {cpu - self.cpu:7.1f} s CPU  {note}",
              file=sys.stderr, flush=True)  # fmt: skip
        self.wall, self.cpu = time.perf_counter(), _cpu()

    def table(self) -> str:
        lines = ["| step | wall s | CPU s | note |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {n} | {w:.1f} | {c:.1f} | {note} |" for n, w, c, note in self.rows]
        return "\n".join(lines)


def _synth_build(papers: int, work: Path) -> Path:
    from peergraph import pipeline
    from peergraph.curate.synth import synthesize

    synthesize(work / "data", papers=papers, seed=0)
    pipeline.build(work / "data", work / "out")
    return work / "out" / "peergraph.nt"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--input", type=Path, help="an RDF export (.nt/.ttl) or a store folder")
    source.add_argument("--papers", type=int, help="synthesise and build this many papers first")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML views")
    parser.add_argument(
        "--anchor", type=Path, metavar="NT",
        help="first time issue 12's anchor on this N-Triples file (pyoxigraph parse -> Turtle) "
        "and give analyze as a multiple of it",
    )  # fmt: skip
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.input or _synth_build(args.papers, Path(tmp))
        anchor = None
        if args.anchor is not None:
            import pyoxigraph as ox

            wall, cpu = time.perf_counter(), _cpu()
            ox.serialize(ox.parse(path=str(args.anchor), format=ox.RdfFormat.N_TRIPLES),
                         str(Path(tmp) / "anchor.ttl"), format=ox.RdfFormat.TURTLE)  # fmt: skip
            anchor = (time.perf_counter() - wall, _cpu() - cpu)
            (Path(tmp) / "anchor.ttl").unlink()
            print(f"  anchor (parse -> Turtle)     {anchor[0]:7.1f} s wall {anchor[1]:7.1f} s CPU",
                  file=sys.stderr, flush=True)  # fmt: skip
        steps = Steps()
        from peergraph.analysis import metrics
        from peergraph.analysis.network import evidence_network

        network = evidence_network(path)  # what `peergraph analyze --input` reads
        steps.lap("projection", f"{network.number_of_nodes():,} nodes, "
                  f"{network.number_of_edges():,} edges")  # fmt: skip
        result = metrics.analyze(network)
        steps.lap("analysis (tables)", f"betweenness samples: {result.betweenness_samples}; "
                  f"communities: {result.community_method}")  # fmt: skip
        sizes = metrics.write_analysis(result, Path(tmp) / "analysis")
        steps.lap("analysis files", f"{len(sizes)} files, {sum(sizes.values()):,} B")
        del network, result
        if not args.no_html:
            from peergraph.analysis.projection import project
            from peergraph.view.render import html_exports

            pages = html_exports(project(path))
            sizes_text = ", ".join(f"{k} {len(v):,} B" for k, v in sorted(pages.items()))
            steps.lap("HTML views (own projection)", sizes_text)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        analyze_wall = sum(r[1] for r in steps.rows[:3])
        analyze_cpu = sum(r[2] for r in steps.rows[:3])
        print(f"\n{path}\n")
        print(steps.table())
        print(f"\n`peergraph analyze` (projection + tables + files): {analyze_wall:.1f} s wall, "
              f"{analyze_cpu:.1f} s CPU; peak RSS {peak:,.0f} MiB "
              f"(largest child {child_peak:,.0f} MiB); load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
        if anchor is not None:
            print(f"anchor (pyoxigraph parse -> Turtle of {args.anchor.name}): {anchor[0]:.1f} s "
                  f"wall, {anchor[1]:.1f} s CPU; analyze = {analyze_wall / anchor[0]:.2f}x wall, "
                  f"{analyze_cpu / anchor[1]:.2f}x CPU")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
