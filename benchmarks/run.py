"""Scale benchmark: the essay and synthetic evidence bases through every stage.

    python benchmarks/run.py                      # 1k, 10k, 20k papers
    python benchmarks/run.py --sizes 1000 --baseline-timeout 60
    python benchmarks/run.py --sizes 20000 --data DIR --stages 'build rdf' anchor store

Each stage runs in a fresh subprocess (this script with ``--stage``), which reports its own wall
time, CPU time (user + system, its worker processes included), peak RSS (``ru_maxrss``) and that
of its largest worker, and the load average; the parent prints one Markdown table. ``build`` is
``peergraph build`` with every step (the checks' times in the notes); ``build rdf`` is record-level
validation and every RDF export. ``--data`` uses an existing folder instead of ``synth``.

The anchor, timed in the same run on the same graph, is pyoxigraph streaming the build's own
N-Triples to Turtle (``pyoxigraph.serialize(pyoxigraph.parse(...))``); the build and the store
are reported as multiples of it. The baseline is the plain-rdflib path (``build_graph`` into an
``rdflib.Graph``, then rdflib's JSON-LD serializer and pyoxigraph for the rest, no checks); it is
stopped after ``--baseline-timeout`` seconds. Not a test: figures depend on the machine and its
load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()


# --- stages (run in the child process) ------------------------------------------------------


def stage_synth(work: Path, papers: int) -> dict:
    from peergraph.cli import main

    assert main(["synth", "--papers", str(papers), "--out", str(work / "data"), "-q"]) == 0
    return {}


def stage_load(work: Path, papers: int) -> dict:
    from peergraph.ingest.dataset import load

    ds = load(work / "data")
    return {"findings": len(ds.findings)}


def stage_build(work: Path, papers: int) -> dict:
    """``peergraph build`` with every step; the checks' own times are reported apart."""
    from peergraph.pipeline import build

    result = build(work / "data", work / "out")
    extra: dict = {"triples": result.triples}
    for step, seconds in result.seconds.items():
        extra[f"{step} s"] = round(seconds, 2)
    return extra


def stage_build_rdf(work: Path, papers: int) -> dict:
    """``build(steps=RDF_ONLY)``: record-level validation and every RDF export, no whole-graph
    checks or views (the issue's 3x-the-anchor target; SHACL and reasoning have their own)."""
    from peergraph.pipeline import RDF_ONLY, build

    result = build(work / "data", work / "out", steps=RDF_ONLY)
    extra: dict = {"triples": result.triples}
    for step, seconds in result.seconds.items():
        extra[f"{step} s"] = round(seconds, 2)
    return extra


ESSAY_RUNS = 7


def stage_essay(work: Path, papers: int) -> dict:
    """``peergraph build`` of the bundled essay, every export (the ≤ 1.5 s target), as a user
    runs it: the command in its own process (interpreter start and imports included), one
    warm-up run, then the median of ESSAY_RUNS. Its CPU counts the forked views worker too."""
    exe = Path(sys.executable).with_name("peergraph")
    cmd = [str(exe), "build", "-q", "--out", str(work / "essay")]
    subprocess.run(cmd, check=True)  # warm-up: page cache, .pyc files
    walls, cpus = [], []
    for _ in range(ESSAY_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "measured": {
            "wall": statistics.median(walls),
            "cpu": statistics.median(cpus),
            "rss_mib": peak,
        },
        "median of": ESSAY_RUNS,
        "min wall s": round(min(walls), 2),
        "load average": round(load, 1),
    }


def stage_anchor(work: Path, papers: int) -> dict:
    """pyoxigraph parsing the build's N-Triples and writing Turtle, streamed (no store)."""
    import pyoxigraph as ox

    with open(work / "anchor.ttl", "wb") as out:
        ox.serialize(
            ox.parse(path=str(work / "out" / "peergraph.nt"), format=ox.RdfFormat.N_TRIPLES),
            out,
            format=ox.RdfFormat.TURTLE,
        )
    return {}


def stage_rdflib(work: Path, papers: int) -> dict:
    """The plain-rdflib baseline: rdflib Graph + the original exports, no hooks."""
    from peergraph import __version__
    from peergraph.export.writers import rdf_exports, write_atomically
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph, ontology_graph

    graph = build_graph(load(work / "data"))
    write_atomically(work / "rdflib", rdf_exports(graph, ontology_graph(), __version__))
    return {"triples": len(graph)}


def stage_store(work: Path, papers: int) -> dict:
    from peergraph.export.store import save_built_store

    save_built_store(work / "store", work / "out")
    return {}


def stage_views(work: Path, papers: int) -> dict:
    """What ``build --store`` adds after the load: the aggregate queries' kept results."""
    from peergraph.sparql.materialise import materialise

    return {"rows kept": sum(materialise(work / "store").values())}


def stage_open(work: Path, papers: int) -> dict:
    """Open the persistent store read-only and answer one ASK (what query/serve/analyze do)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(work / "store"))
    return {"ask": bool(store.query("ASK { ?s a ?o }"))}


def stage_query(work: Path, papers: int, name: str) -> dict:
    """One named competency query on the persistent store: cold, then median of 5 warm runs."""
    import pyoxigraph as ox

    from peergraph.sparql.engine import from_views, named_queries, prepare, run_on_store

    store = ox.Store.read_only(str(work / "store"))
    text, _form = prepare(name)
    times = []
    for _ in range(6):  # one cold run, five warm ones (one warm when a run takes > 2 s)
        t = time.perf_counter()
        kept = from_views(work / "store", named_queries()[name])  # as `query --store` does
        rows = len(kept if kept is not None else run_on_store(store, text))
        times.append(time.perf_counter() - t)
        if times[0] > 2 and len(times) == 2:
            break
    return {"cold_ms": round(times[0] * 1000, 1),
            "warm_median_ms": round(statistics.median(times[1:]) * 1000, 1),
            "rows": rows}  # fmt: skip


def stage_analyze(work: Path, papers: int) -> dict:
    import importlib

    import pyoxigraph as ox

    analyze = importlib.import_module("peergraph.analysis.metrics").analyze
    result = analyze(ox.Store.read_only(str(work / "store")))
    samples = getattr(result, "betweenness_samples", None)
    return {"betweenness samples": "exact" if samples is None else samples}


STAGES = {
    "synth": stage_synth,
    "load+validate": stage_load,
    "essay build": stage_essay,
    "build": stage_build,
    "build rdf": stage_build_rdf,
    "anchor": stage_anchor,
    "store": stage_store,
    "store views": stage_views,
    "store open": stage_open,
    "queries": None,  # one subprocess per named query (see run_queries)
    "analyze": stage_analyze,
    "rdflib build": stage_rdflib,
}


def child(stage: str, work: Path, papers: int) -> None:
    """Run one stage; CPU counts its worker processes too, RSS is this process's peak and
    (``workers_rss_mib``) the largest worker's, since the build runs formats and checks in
    forked workers on the second core."""
    wall, cpu = time.perf_counter(), _cpu()
    if stage.startswith("query:"):
        extra = stage_query(work, papers, stage.partition(":")[2])
    else:
        extra = STAGES[stage](work, papers)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = {
        "wall": time.perf_counter() - wall,
        "cpu": _cpu() - cpu,
        "rss_mib": usage.ru_maxrss / 1024,
        "workers_rss_mib": workers.ru_maxrss / 1024,
        "load": os.getloadavg()[0],
    }
    figures.update(extra.pop("measured", {}))  # a stage that times its own subprocesses
    print(json.dumps({**figures, "extra": extra}))


def _cpu() -> float:
    """User + system seconds of this process and of its finished worker processes."""
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


# --- parent -------------------------------------------------------------------------------------


def run_stage(stage: str, work: Path, papers: int, timeout: float | None) -> dict:
    cmd = [
        sys.executable,
        str(HERE),
        "--stage",
        stage,
        "--work",
        str(work),
        "--papers",
        str(papers),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)  # the stage and its worker processes
        proc.communicate()
        return {"error": f"> {timeout:.0f} s (stopped)", "wall": time.perf_counter() - start}
    if proc.returncode != 0:
        last = (stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:120], "wall": time.perf_counter() - start}
    return json.loads(stdout.strip().splitlines()[-1])


def run_queries(work: Path, papers: int, timeout: float) -> dict:
    """Each named query in its own subprocess, so a slow one is stopped after ``timeout`` s."""
    from peergraph.sparql.engine import named_queries

    out: dict = {}
    for name in named_queries():
        res = run_stage(f"query:{name}", work, papers, timeout)
        out[name] = res.get("extra", res.get("error"))
        print(f"{papers:>6} papers  query {name:<28} {out[name]}", file=sys.stderr, flush=True)
    return {"extra": out, "wall": 0.0, "cpu": 0.0, "rss_mib": 0.0}


def startup_times() -> dict[str, float]:
    """Median wall seconds of 5 runs of ``peergraph --help`` and ``peergraph query --list``."""
    exe = Path(sys.executable).with_name("peergraph")
    out = {}
    for args in (["--help"], ["query", "--list"]):
        times = []
        for _ in range(6):
            t = time.perf_counter()
            subprocess.run([str(exe), *args], capture_output=True, check=False)
            times.append(time.perf_counter() - t)
        out["peergraph " + " ".join(args)] = statistics.median(times[1:])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 20000])
    parser.add_argument("--baseline-timeout", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per other stage")
    parser.add_argument("--query-timeout", type=float, default=20, help="seconds per query")
    parser.add_argument("--stages", nargs="+", default=list(STAGES), choices=list(STAGES))
    parser.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    parser.add_argument(
        "--data",
        type=Path,
        help="an existing data folder (e.g. from `peergraph synth`) instead of synthesising one; "
        "--sizes then only labels the rows",
    )
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--papers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        child(args.stage, args.work, args.papers)
        return 0
    results: dict[int, dict[str, dict]] = {}
    for papers in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"pg-bench-{papers}-") as tmp:
            work = Path(tmp)
            results[papers] = {}
            if args.data is not None:
                (work / "data").symlink_to(args.data.resolve())
            for stage in args.stages:
                if stage == "queries":
                    res = run_queries(work, papers, args.query_timeout)
                    results[papers][stage] = res
                    continue
                timeout = {"rdflib build": args.baseline_timeout}.get(stage, args.timeout)
                res = run_stage(stage, work, papers, timeout)
                results[papers][stage] = res
                print(f"{papers:>6} papers  {stage:<14} {_cell(res)}", file=sys.stderr, flush=True)
    print(_table(results))
    starts = startup_times()
    print()
    for name, seconds in starts.items():
        print(f"- `{name}`: {seconds * 1000:.0f} ms (median of 5)")
    queries = {p: r.get("queries", {}).get("extra", {}) for p, r in results.items()}
    print(_query_table(queries))
    if args.json:
        args.json.write_text(json.dumps({"stages": results, "startup": starts}, indent=1) + "\n")
    return 0


def _cell(res: dict) -> str:
    if "error" in res:
        return res["error"]
    return (
        f"{res['wall']:.2f} s wall, {res['cpu']:.2f} s CPU, {res['rss_mib']:.0f} MiB "
        f"(workers {res.get('workers_rss_mib', 0):.0f} MiB), load {res.get('load', 0):.1f}, "
        f"{res.get('extra', {})}"
    )


def _table(results: dict[int, dict[str, dict]]) -> str:
    lines = [
        "| papers | stage | wall s | CPU s | peak RSS MiB (largest worker) | load | notes |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    for papers, stages in results.items():
        base = stages.get("rdflib build", {})
        for stage, res in stages.items():
            if "error" in res:
                lines.append(f"| {papers:,} | {stage} | — | — | — | — | {res['error']} |")
                continue
            if stage == "queries":
                continue  # own table
            extra = res.get("extra", {})
            notes = []
            if stage != "queries":
                notes = [
                    f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in extra.items()
                ]
            anchor = stages.get("anchor", {})
            if (
                stage in ("build", "build rdf", "store", "store views")
                and "wall" in anchor
                and "error" not in anchor
            ):
                notes.append(
                    f"{res['wall'] / anchor['wall']:.1f}× the anchor (wall), "
                    f"{res['cpu'] / anchor['cpu']:.1f}× (CPU)"
                )
            if stage == "build":
                if "wall" in base and "error" not in base:
                    notes.append(f"rdflib baseline / this: {base['wall'] / res['wall']:.1f}× wall")
                elif "error" in base:
                    notes.append(f"rdflib baseline {base['error']}")
            workers = res.get("workers_rss_mib", 0)
            rss = f"{res['rss_mib']:,.0f}" + (f" ({workers:,.0f})" if workers > 1 else "")
            lines.append(
                f"| {papers:,} | {stage} | {res['wall']:.2f} | {res['cpu']:.2f} | {rss} | "
                f"{res.get('load', 0):.1f} | {'; '.join(notes)} |"
            )
    return "\n".join(lines)


def _query_table(queries: dict[int, dict]) -> str:
    sizes = [p for p in queries if queries[p]]
    if not sizes:
        return ""
    names = sorted({n for p in sizes for n in queries[p]})
    head = "| query | " + " | ".join(f"{p:,} papers: warm median ms (cold)" for p in sizes) + " |"
    lines = ["", head, "|---|" + "---:|" * len(sizes)]
    for name in names:
        cells = []
        for p in sizes:
            q = queries[p].get(name)
            if isinstance(q, dict):
                flag = " ⚠" if q["warm_median_ms"] > 100 else ""
                cells.append(f"{q['warm_median_ms']}{flag} ({q['cold_ms']})")
            else:
                cells.append(str(q))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("PEERGRAPH_MAX_FINDINGS_MB", "100000")  # measure past the memory limit
    sys.exit(main())
