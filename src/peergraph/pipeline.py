"""The whole ``peergraph build``: load → validate → build → export, as one library call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from peergraph.paths import default_data_dir, default_exports_dir, ontology_origin

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.ingest.records import Dataset
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

    One path at every size: records → rows (``mapping.triples``) → sorted, de-duplicated rows →
    streamed files. The checks and views run on the same triples. Nothing is written unless the
    data is valid; then all files are replaced at once. ``progress`` draws progress bars.
    A data folder with no findings is refused (``DataError``, exit 1) unless ``allow_empty``:
    an emptied ``findings.yaml`` must not silently replace every export with an empty graph.
    """
    from peergraph import __version__
    from peergraph.export.writers import row_exports
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import data_rows, ontology_rows, sorted_rows
    from peergraph.progress import QUIET

    bars = progress or QUIET
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    ds = load(data, include_drafts=include_drafts, progress=bars)
    out = Path(out_dir) if out_dir is not None else default_exports_dir(data)
    if not ds.findings and not allow_empty:
        _refuse_empty(data)
    _check_audit_references(ds)
    seconds: dict[str, float] = {}
    with bars("build", 2) as bar:
        onto = ontology_rows()
        bar.advance()
        data_part = list(data_rows(ds))
        everything = sorted_rows([*data_part, *onto])
        bar.advance()
    contents: dict = row_exports(everything, onto, __version__)
    if steps != RDF_ONLY:
        contents.update(_checked_extras(everything, ds, steps, seconds))
    del data_part
    from peergraph.export.writers import remove_stale_temps

    removed, unknown = remove_stale_temps(out)
    files = _write(out, contents, bars)
    return BuildResult(
        data_dir=data,
        out_dir=out,
        ontology=ontology_origin(),
        sources=len(ds.sources),
        papers=len({ref.doi or ref.key for _, ref in ds.papers()}),
        findings=sum(1 for f in ds.findings if f.kind == "finding"),
        uncited_findings=sum(1 for f in ds.findings if f.kind == "finding" and not f.cites),
        statements=sum(1 for f in ds.findings if f.kind != "finding"),
        triples=len(everything),
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
    everything: list,
    ds: Dataset,
    steps: Steps,
    seconds: dict[str, float],
) -> dict[str, object]:
    """Run the checks (raising on violations) and return the files of the other steps.

    SHACL, the quality report and the reasoning run as SPARQL on one pyoxigraph store of the
    build's rows (the reasoning last: it adds its triples to that store). The HTML views are
    drawn from that store's projection, taken before the reasoning, in a forked child on the
    second core (``view.background``) while this process runs the checks; the ontology docs
    read the rows themselves (``RowGraph``). No rdflib Graph of the data is built.
    """

    import pyoxigraph as ox

    from peergraph.export.writers import ox_triples

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox_triples(everything))
    views = None
    if steps.views:
        from peergraph.view.background import Background
        from peergraph.view.render import html_exports

        views = Background(lambda: html_exports(store))  # the store as it is now: asserted only
    try:
        extras = _checks_and_docs(store, everything, ds, steps, seconds)
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
    store: object, everything: list, ds: Dataset, steps: Steps, seconds: dict[str, float]
) -> dict[str, object]:
    """The checks on ``store`` (raising on violations), then the inferred triples and the docs."""
    import time

    if steps.shacl:
        from peergraph.check.shacl import check_graph

        start = time.perf_counter()
        check_graph(store, ds)
        seconds["shacl"] = time.perf_counter() - start
    if steps.report:
        from peergraph.check import report

        report.check_graph(store, ds)
    extras: dict[str, object] = {}
    reasoning = None
    if steps.reason or steps.docs:
        from peergraph.check.reason import build_reasoning, inferred_exports

        start = time.perf_counter()
        reasoning = build_reasoning(store)
        seconds["reason"] = time.perf_counter() - start
        if steps.reason:
            extras.update(inferred_exports(reasoning))
    if steps.docs:
        from peergraph.view.docs import RowGraph, docs_exports

        extras.update(docs_exports(RowGraph(everything), reasoning))
    return extras


def _write(out: Path, contents: dict, bars: Reporter) -> dict[str, int]:
    from peergraph.export.writers import write_atomically

    with bars("export", len(contents)) as bar:
        return write_atomically(out, contents, on_file=lambda _name: bar.advance())
