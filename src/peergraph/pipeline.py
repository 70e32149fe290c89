"""The whole ``peergraph build``: load → validate → build → export, as one library call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from peergraph.paths import default_data_dir, default_exports_dir, ontology_origin, scratch_dir

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from peergraph.ingest.records import Dataset
    from peergraph.mapping.triples import Row, SortedRows
    from peergraph.progress import Reporter


@dataclass(frozen=True)
class Steps:
    """The steps of a build beyond the RDF exports; all run by default, at every size.

    Plain switches rather than a registry: the steps are called in ``build`` in this order.
    """

    shacl: bool = True  # whole-graph SHACL against ontology/shapes.ttl (fails the build)
    report: bool = True  # the ontology quality checks in check/qc/*.rq (ERRORs fail the build)
    reason: bool = True  # peergraph-inferred.ttl (OWL 2 RL types by SPARQL rules)
    views: bool = True  # peergraph.html and evidence-map.html
    docs: bool = True  # ontology/index.html


ALL_STEPS = Steps()
RDF_ONLY = Steps(shacl=False, report=False, reason=False, views=False, docs=False)


@dataclass
class BuildResult:
    """What a build produced: counts for the summary and the files written."""

    data_dir: Path
    out_dir: Path
    ontology: tuple[Path, str]  # folder and why it was chosen (peergraph.paths.ontology_origin)
    sources: int
    papers: int
    findings: int  # records of kind "finding" (evidence)
    uncited_findings: int
    triples: int
    statements: int = 0  # definitions and background statements: kept, not evidence
    files: dict[str, int] = field(default_factory=dict)
    stale_removed: list[Path] = field(default_factory=list)  # temp files of killed runs
    stale_unknown: list[Path] = field(default_factory=list)  # temp files reported, not removed
    seconds: dict[str, float] = field(default_factory=dict)  # step -> wall time

    def summary(self) -> str:
        """A one-screen summary for the terminal."""
        onto, why = self.ontology
        lines = [
            "peergraph build",
            f"  data      {self.data_dir.resolve()}",
            f"  ontology  {onto.resolve()} ({why})",
            f"  exports   {self.out_dir.resolve()}",
            f"  sources   {self.sources}",
            f"  papers    {self.papers}",
            f"  findings  {self.findings} ({self.uncited_findings} cite no source)",
            f"  statements {self.statements} (definitions and background, not counted as evidence)",
            f"  triples   {self.triples} (ontology + data)",
        ]
        if "shacl" in self.seconds:
            lines.append(f"  SHACL     whole graph valid ({self.seconds['shacl']:.2f} s)")
        if self.stale_removed:
            lines.append(
                f"  removed   {len(self.stale_removed)} temporary file(s) left by a killed run"
            )
        lines += [f"  leftover  {p} (remove it by hand)" for p in self.stale_unknown]
        lines.append(f"wrote {len(self.files)} files to {self.out_dir}:")
        width = max((len(n) for n in self.files), default=0)
        for name, size in sorted(self.files.items()):
            lines.append(f"  {name:<{width}}  {size:>10,} bytes")
        return "\n".join(lines)


def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    include_drafts: bool = False,
    steps: Steps = ALL_STEPS,
    progress: Reporter | None = None,
    allow_empty: bool = False,
) -> BuildResult:
    """Build the graph from ``data_dir`` and write every export to ``out_dir``.

    One path at every size: records → rows (``mapping.triples``) → sorted, de-duplicated rows
    (an external merge sort, bounded memory) → streamed files. The checks and views run on a
    store loaded from the N-Triples just written. Every file goes to a temporary file first;
    nothing replaces an export unless the data is valid, then all files are replaced at once.
    ``progress`` draws progress bars.
    A data folder with no findings is refused (``DataError``, exit 1) unless ``allow_empty``:
    an emptied ``findings.yaml`` must not silently replace every export with an empty graph.
    """
    from itertools import chain

    from peergraph.export.writers import Ready, remove_stale_temps
    from peergraph.ingest.dataset import check_input_size, finding_files, load
    from peergraph.mapping.triples import SortedRows, data_rows, ontology_rows
    from peergraph.progress import QUIET

    bars = progress or QUIET
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    if steps != RDF_ONLY:  # the steps whose memory still grows with the data
        check_input_size(finding_files(data))
    ds = load(data, include_drafts=include_drafts, progress=bars)
    out = Path(out_dir) if out_dir is not None else default_exports_dir(data)
    if not ds.findings and not allow_empty:
        _refuse_empty(data)
    _check_audit_references(ds)
    seconds: dict[str, float] = {}
    removed, unknown = remove_stale_temps(out)
    created = not out.exists()
    staged: dict[str, Path] = {}  # export name -> its temporary file in ``out``
    with scratch_dir("rows") as scratch:
        try:
            with bars("build", 2) as bar:
                onto = ontology_rows()
                bar.advance()
                rows = SortedRows(chain(data_rows(ds), onto), Path(scratch))
                bar.advance()
            triples = _export(rows, onto, ds, out, steps, seconds, staged, bars)
            files = _write(out, {name: Ready(path) for name, path in staged.items()}, bars)
        except BaseException as exc:
            for path in staged.values():
                path.unlink(missing_ok=True)
            if created:
                _remove_empty(out)
            if isinstance(exc, OSError):  # full disk, read-only folder: one line, as for writes
                from peergraph.errors import output_error
                from peergraph.ingest.records import display_path

                where = Path(exc.filename) if isinstance(exc.filename, str) else out
                raise output_error(display_path(where), exc) from exc
            raise
    return BuildResult(
        data_dir=data,
        out_dir=out,
        ontology=ontology_origin(),
        sources=len(ds.sources),
        papers=len({ref.doi or ref.key for _, ref in ds.papers()}),
        findings=sum(1 for f in ds.findings if f.kind == "finding"),
        uncited_findings=sum(1 for f in ds.findings if f.kind == "finding" and not f.cites),
        statements=sum(1 for f in ds.findings if f.kind != "finding"),
        triples=triples,
        files=files,
        seconds=seconds,
        stale_removed=removed,
        stale_unknown=unknown,
    )


def _check_audit_references(ds: Dataset) -> None:
    """An audit entry for an unknown citation key or finding is an error, not a silent skip."""
    from peergraph.errors import DataError
    from peergraph.ingest.audit import dangling_entries, read_audit

    problems = dangling_entries(ds, read_audit(ds.data_dir))
    if problems:
        raise DataError(problems)


def _refuse_empty(data: Path) -> None:
    from peergraph.errors import DataError, Problem
    from peergraph.ingest.dataset import finding_files
    from peergraph.ingest.records import display_path

    files = ", ".join(display_path(p) for p in finding_files(data)) or display_path(data)
    raise DataError(
        [
            Problem(
                files,
                "no findings to build (every export would be replaced by a graph without findings)",
                suggestion="add findings, or pass --allow-empty to build an empty graph on purpose",
            )
        ]
    )


def _checked_extras(
    data_part: Iterable[Row],
    nt_file: Path,
    ds: Dataset,
    steps: Steps,
    seconds: dict[str, float],
    whole_store: bool = True,
) -> dict[str, object]:
    """Run the checks (raising on violations) and return the files of the other steps.

    ``whole_store`` (small graphs): SHACL, the quality report and the reasoning run as SPARQL
    on one in-memory pyoxigraph store bulk-loaded from the build's N-Triples file ``nt_file``
    (the reasoning last: it adds its triples to that store), and the views are drawn from its
    projection, taken before the reasoning. Otherwise no store of the whole graph is kept: each
    check loads its own in-memory subset of ``nt_file`` (``_checks_and_docs``) and the views
    project ``nt_file`` as pyoxigraph streams it. The views are drawn in a forked child on the
    second core (``peergraph.workers``) while this process runs the checks; the ontology docs
    read the rows themselves (``RowGraph``, which holds them all). No rdflib Graph of the data
    is built.
    """
    import pyoxigraph as ox

    store = None
    if whole_store:
        store = ox.Store()
        store.bulk_load(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES)
    views = None
    if steps.views:
        from peergraph.view.render import html_exports
        from peergraph.workers import Worker

        # the asserted triples only: the store before the reasoning, or the file
        drawn = store if store is not None else nt_file
        views = Worker(lambda: html_exports(drawn), what="drawing the HTML views")
    try:
        subsets = None if store is not None else nt_file
        extras = _checks_and_docs(store, data_part, ds, steps, seconds, subsets)
        if views is not None:
            # draw the docs now, while the worker may still be drawing the views
            extras = {k: v() if k.endswith(".html") and callable(v) else v
                      for k, v in extras.items()}  # fmt: skip
            extras.update(views.result())
    except BaseException:
        if views is not None:
            views.cancel()  # no worker outlives a failed build
        raise
    return extras


def _checks_and_docs(
    store: object,
    rows: Iterable[Row],
    ds: Dataset,
    steps: Steps,
    seconds: dict[str, float],
    nt_file: Path | None = None,
) -> dict[str, object]:
    """The checks on ``store`` (raising on violations), then the inferred triples and the docs.

    With ``nt_file`` (and no ``store``), SHACL, the report and the reasoning each run on a fresh
    in-memory store of only the triples they read, loaded from that file and dropped after
    (``peergraph.check.subset``):
    several times faster than on RocksDB, and each under about 2.2 GiB at 100k findings,
    where an in-memory store of the whole graph alone takes 2.2 GiB and grows with the rules.
    """
    import time

    from peergraph.check.subset import release

    if steps.shacl:
        from peergraph.check.shacl import check_graph, check_nt

        start = time.perf_counter()
        if nt_file is not None:
            check_nt(nt_file, ds)
            release()
        else:
            check_graph(store, ds)
        seconds["shacl"] = time.perf_counter() - start
    if steps.report:
        from peergraph.check import report

        start = time.perf_counter()
        if nt_file is not None:
            # its queries read every predicate; on RocksDB they ran over 8 CPU minutes at 100k
            # findings, in memory seconds: an in-memory store of the whole graph, dropped after
            from peergraph.check.subset import load

            report.check_graph(load(nt_file, None), ds)
            release()
        else:
            report.check_graph(store, ds)
        seconds["report"] = time.perf_counter() - start
    extras: dict[str, object] = {}
    reasoning = None
    if steps.reason or steps.docs:
        from peergraph.check.reason import build_reasoning, inferred_exports

        start = time.perf_counter()
        if nt_file is not None:
            from peergraph.check.reason import rules_nt

            reasoning = rules_nt(nt_file)
            release()
        else:
            reasoning = build_reasoning(store)
        seconds["reason"] = time.perf_counter() - start
        if steps.reason:
            extras.update(inferred_exports(reasoning))
    if steps.docs:
        from peergraph.view.docs import RowGraph, docs_exports

        memory = getattr(rows, "memory", None)  # SortedRows keeps a small graph as a list
        listed = memory if memory is not None else list(rows)
        extras.update(docs_exports(RowGraph(listed), reasoning))
    return extras


def _export(
    rows: SortedRows,
    onto: list[Row],
    ds: Dataset,
    out: Path,
    steps: Steps,
    seconds: dict[str, float],
    staged: dict[str, Path],
    bars: Reporter,
) -> int:
    """Write every file to a temporary file in ``out`` (listed in ``staged``); return the count
    of triples.

    N-Triples first, from the sorted rows; Turtle and RDF/XML are converted from it by pyoxigraph
    and the checks load it into a store. On a large graph those run in worker processes beside
    this one (JSON-LD and the ontology here), so both cores work; a small graph (one chunk of
    rows, such as the essay) runs them in turn here, where starting processes would cost more.
    The order of work never changes the bytes.
    """
    import os
    import time
    from functools import partial

    from peergraph import __version__ as version
    from peergraph.export.writers import (
        GRAPH_JSONLD,
        GRAPH_NT,
        GRAPH_OWL,
        GRAPH_TTL,
        ONTOLOGY_TTL,
        banner,
        convert_ntriples,
        jsonld_stream,
        open_temp,
        stream_rows,
        temp_path,
        write_ntriples,
    )

    out.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    from peergraph.workers import Worker

    # large graphs: one job per format on the second core; small ones run each job at once
    run = partial(Worker, what="a build worker", fork=rows.large)
    workers: list[Worker] = []
    with bars("export", 5 + (steps != RDF_ONLY)) as bar:
        start = time.perf_counter()
        nt = staged[GRAPH_NT] = temp_path(out, GRAPH_NT)
        with open_temp(nt) as fh:
            fh.write(f"# {banner(version)}\n".encode())
            triples = write_ntriples(rows, fh)
        seconds["n-triples"] = time.perf_counter() - start
        bar.advance()
        for name, fmt in ((GRAPH_TTL, "turtle"), (GRAPH_OWL, "rdfxml")):
            staged[name] = temp_path(out, name)
            workers.append(run(partial(convert_ntriples, nt, staged[name], fmt, version)))
        checks = None
        if steps != RDF_ONLY:
            checks = run(partial(_checks_to_files, rows, nt, ds, steps, out, pid))
        try:
            start = time.perf_counter()
            staged[GRAPH_JSONLD] = temp_path(out, GRAPH_JSONLD)
            with open_temp(staged[GRAPH_JSONLD]) as fh:
                if rows.memory is None:
                    jsonld_stream(rows, onto, fh, rows.folder)
                else:
                    stream_rows(rows.memory, "jsonld", version, onto).write(fh)
            seconds["json-ld"] = time.perf_counter() - start
            bar.advance()
            staged[ONTOLOGY_TTL] = temp_path(out, ONTOLOGY_TTL)
            with open_temp(staged[ONTOLOGY_TTL]) as fh:
                stream_rows(onto, "turtle", version).write(fh)
            bar.advance()
            for worker in workers:
                worker.result()
                bar.advance()
            if checks is not None:
                files, check_seconds = checks.result()
                staged.update(files)
                seconds.update(check_seconds)
                bar.advance()
        finally:
            for worker in (*workers, checks):
                if worker is not None:
                    worker.cancel()
    return triples


IN_MEMORY_STORE_MAX_TRIPLES = 2_000_000


def _checks_to_files(
    rows: SortedRows, nt: Path, ds: Dataset, steps: Steps, out: Path, pid: int
) -> tuple[dict[str, Path], dict[str, float]]:
    """``_checked_extras``, its files written to temporary files in ``out`` named for ``pid``
    (the build's process, so a worker's files are not taken for a killed run's)."""
    from peergraph.export.writers import write_temp

    seconds: dict[str, float] = {}
    # The rule: up to IN_MEMORY_STORE_MAX_TRIPLES (about 0.9 GiB: pyoxigraph takes ~0.45 KiB a
    # triple in memory) one in-memory store of the whole graph serves the views and every check
    # (several times faster than RocksDB: 1,000 papers, whole build 68 s -> 27 s CPU). Above,
    # no store of the whole graph is kept: the views project the N-Triples as pyoxigraph streams
    # them, and SHACL, the report and the reasoning each load, one after the other, an in-memory
    # store of only the triples they read, dropped after (``_checks_and_docs``): the worker's
    # peak is then the largest of those stores, not the whole graph plus the rules' growth (see
    # README, "Large builds", for the figures at 100k findings). Same bytes either way.
    in_memory = rows.count is not None and rows.count <= IN_MEMORY_STORE_MAX_TRIPLES
    if not in_memory:  # the views read the file itself: give its format by name, not ".tmp"
        named = rows.folder / "graph.nt"
        named.unlink(missing_ok=True)
        named.symlink_to(nt.resolve())
        nt = named
    extras = _checked_extras(rows, nt, ds, steps, seconds, whole_store=in_memory)
    files: dict[str, Path] = {}
    try:
        for name, producer in extras.items():
            files[name] = write_temp(out, name, producer, pid)
    except BaseException:
        for path in files.values():
            path.unlink(missing_ok=True)
        raise
    return files, seconds


def _remove_empty(folder: Path) -> None:
    """Remove ``folder`` if this build created it and left it empty (a failed first build)."""
    try:
        folder.rmdir()
    except OSError:
        pass


def _write(out: Path, contents: dict, bars: Reporter) -> dict[str, int]:
    from peergraph.export.writers import write_atomically

    with bars("export", len(contents)) as bar:
        return write_atomically(out, contents, on_file=lambda _name: bar.advance())
