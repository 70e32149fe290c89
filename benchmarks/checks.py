"""Time whole-graph SHACL and OWL 2 RL types on a build's N-Triples, against the anchor.

Three stages, each in its own subprocess (so each peak RSS is its own), on the same file:

- anchor: ``pyoxigraph.serialize(pyoxigraph.parse(nt), TURTLE)`` streamed to /dev/null;
- shacl: the triples the compiled ``ontology/shapes.ttl`` read (``peergraph.check.subset``)
  loaded into a fresh in-memory ``pyoxigraph.Store``, then the compiled queries run on it
  (what ``peergraph.check.shacl.validate_nt`` and so ``peergraph build`` do above
  ``pipeline.IN_MEMORY_STORE_MAX_TRIPLES``);
- reason: the same with the triples the OWL 2 RL rules read (``reason.rule_predicates``), then
  ``peergraph.check.reason.sparql_rules`` (what ``reason.rules_nt`` does);
- shacl-whole / reason-whole: the whole file in memory, then the same checks (the small-graph
  path of the build, for comparison).

The load is reported apart from the check itself; the multiple of the anchor is given for the
check alone and for load + check. CPU time is the better figure on a shared machine.

    python benchmarks/checks.py /work/bench/out20k/peergraph.nt
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(t: tuple[float, float]) -> dict[str, float]:
    return {"wall_s": round(time.perf_counter() - t[0], 2),
            "cpu_s": round(time.process_time() - t[1], 2)}  # fmt: skip


def stage(name: str, path: str) -> dict:
    import pyoxigraph as ox

    out: dict = {}
    if name == "anchor":
        t = _now()
        with open(os.devnull, "wb") as sink:
            ox.serialize(
                ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES), sink, format=ox.RdfFormat.TURTLE
            )
        out["check"] = _since(t)
    else:
        from pathlib import Path

        from peergraph.check import reason, shacl_sparql, subset
        from peergraph.check.shacl import _focus_graph, _violations, read_predicates, shapes_graph

        t = _now()
        shapes = shapes_graph()
        queries = shacl_sparql.compile_shapes(shapes)
        if name == "shacl":
            keep = read_predicates(queries)
        elif name == "reason":
            keep = reason.rule_predicates(Path(path))
        else:
            keep = None
        store = subset.load(Path(path), keep)
        out["load"] = _since(t)
        out["triples"] = len(store)
        t = _now()
        if name.startswith("shacl"):
            results = shacl_sparql.run(store, queries)
            out["violations"] = len(set(_violations(results, _focus_graph(store, results), shapes)))
        else:
            out["inferred types"] = len(reason.sparql_rules(store).inferred)
        out["check"] = _since(t)
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nt", help="a build's peergraph.nt")
    parser.add_argument(
        "stages", nargs="*", default=["anchor", "shacl", "reason"],
        help="anchor, shacl, reason, shacl-whole, reason-whole",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stage(args.stages[0], args.nt)))
        return
    print(f"load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = {}
    for name in args.stages:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", args.nt, name], capture_output=True, text=True
        )
        if proc.returncode:
            sys.exit(f"{name} failed: {proc.stderr.strip()[-2000:]}")
        results[name] = json.loads(proc.stdout)
        print(f"{name:<8} {results[name]}", file=sys.stderr, flush=True)
    anchor = results.get("anchor", {}).get("check")
    print("| stage | load wall s | load CPU s | check wall s | check CPU s | peak RSS MiB "
          "| × anchor (CPU, check) | × anchor (CPU, load+check) |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        load = r.get("load", {"wall_s": 0.0, "cpu_s": 0.0})
        ratio = ratio_all = ""
        if anchor and name != "anchor":
            ratio = f"{r['check']['cpu_s'] / anchor['cpu_s']:.1f}"
            ratio_all = f"{(r['check']['cpu_s'] + load['cpu_s']) / anchor['cpu_s']:.1f}"
        check = r["check"]
        print(f"| {name} | {load['wall_s']} | {load['cpu_s']} | {check['wall_s']} "
              f"| {check['cpu_s']} | {r['peak_rss_mib']} | {ratio} | {ratio_all} |")  # fmt: skip


if __name__ == "__main__":
    main()
