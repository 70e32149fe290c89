"""Time every named query on a pyoxigraph store: one cold run, then the median of 5 warm runs.

Each query runs in its own subprocess (pyoxigraph cannot interrupt a query, so a slow one is
stopped by killing its process after ``--timeout`` seconds), opening the store read-only, as
``peergraph query --store PATH NAME`` does: an aggregate query whose results ``peergraph build
--store`` kept beside the store is read from them (``via: view``), unless ``--live`` asks for
every query to run on the store. CPU time is reported beside wall time, because the project
machine is shared and wall time is noisy.

    python benchmarks/queries.py /work/bench/store20k
    python benchmarks/queries.py STORE --live
    python benchmarks/queries.py STORE --dir OLD_QUERIES/ --timeout 60 --json /tmp/q.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

WARM_RUNS = 5


def time_one(
    store: str, name: str, folder: str | None, live: bool = False, params: list[str] = ()
) -> dict:
    """Run in the child: open ``store`` read-only and time ``name`` cold, then warm.

    ``params`` (``NAME=VALUE``) are bound where the query declares that parameter.
    """
    import pyoxigraph as ox

    from peergraph.sparql.engine import from_views, named_queries, prepare, run_on_store

    declared = {p.name for p in named_queries()[name].params} if name in named_queries() else set()
    bound = dict(item.split("=", 1) for item in params)
    bound = {k: v for k, v in bound.items() if k in declared}
    target = str(Path(folder) / f"{name}.rq") if folder else name
    text, _form = prepare(target, bound or None)
    if folder:  # a .rq file path has no declared defaults: bind the named query's own
        from peergraph.sparql.engine import named_queries

        named = named_queries().get(name)
        defaults = (
            {p.name: p.default for p in named.params if p.default and p.kind != "page"}
            if named
            else {}
        )
        if defaults:
            from peergraph.sparql.engine import bind_params

            text = bind_params(text, defaults, named.params)
    named = None if folder or live else named_queries().get(name)
    store_ = ox.Store.read_only(store)
    wall, cpu = [], []
    rows, via = 0, "live"
    for _ in range(1 + WARM_RUNS):
        t, c = time.perf_counter(), time.process_time()
        kept = from_views(store, named, bound) if named is not None else None
        via = "view" if kept is not None else "live"
        rows = len(kept if kept is not None else run_on_store(store_, text))
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "cold_ms": round(wall[0] * 1000, 1),
        "warm_median_ms": round(statistics.median(wall[1:]) * 1000, 1),
        "warm_cpu_median_ms": round(statistics.median(cpu[1:]) * 1000, 1),
        "rows": rows,
        "via": via,
        **({"params": " ".join(f"{k}={v}" for k, v in bound.items())} if bound else {}),
    }


def run(
    store: str,
    names: list[str],
    folder: str | None,
    timeout: float,
    live: bool = False,
    params: list[str] = (),
) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name in names:
        cmd = [sys.executable, __file__, "--child", store, name]
        cmd += [f"--param={p}" for p in params]
        cmd += ["--dir", folder] if folder else []
        cmd += ["--live"] if live else []
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            out[name] = {"stopped_after_s": timeout}
        else:
            if proc.returncode:
                out[name] = {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
            else:
                out[name] = json.loads(proc.stdout)
        print(f"{name:<30} {out[name]}", file=sys.stderr, flush=True)
    return out


def table(results: dict[str, dict], limit_ms: float = 100.0) -> str:
    lines = [
        "| query | warm median ms | warm CPU ms | cold ms | rows | via |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        if "warm_median_ms" in r:
            flag = " ⚠" if r["warm_median_ms"] > limit_ms else ""
            lines.append(
                f"| {name} | {r['warm_median_ms']}{flag} | {r['warm_cpu_median_ms']} "
                f"| {r['cold_ms']} | {r['rows']} | {r.get('via', 'live')} "
                f"{r.get('params', '')} |"
            )
        elif "stopped_after_s" in r:
            lines.append(f"| {name} | > {r['stopped_after_s']:g} s (stopped) | | | | |")
        else:
            lines.append(f"| {name} | error: {r['error']} | | | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="a pyoxigraph store folder (peergraph build --store)")
    parser.add_argument("names", nargs="*", help="query names (default: every named query)")
    parser.add_argument("--dir", help="take NAME.rq from this folder instead of the package")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per query process")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument(
        "--live", action="store_true", help="run every query on the store, not from kept results"
    )
    parser.add_argument(
        "--param", "-p", action="append", default=[], metavar="NAME=VALUE",
        help="bind NAME in the queries that declare it (e.g. setting=hospital), to time them live",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_intermixed_args()
    if args.child:
        print(json.dumps(time_one(args.store, args.names[0], args.dir, args.live, args.param)))
        return
    from peergraph.sparql.engine import named_queries

    names = args.names or list(named_queries())
    print(f"load average {os.getloadavg()[0]:.2f}", file=sys.stderr)
    results = run(args.store, names, args.dir, args.timeout, args.live, args.param)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
