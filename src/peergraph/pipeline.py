"""The whole ``peergraph build``: load → validate → build → export, as one library call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from peergraph.paths import default_data_dir, default_exports_dir

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
    sources: int
    papers: int
    findings: int
    uncited_findings: int
    triples: int
    files: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # step -> wall time

    def summary(self) -> str:
        """A one-screen summary for the terminal."""
        lines = [
            f"peergraph build: {self.data_dir}",
            f"  sources   {self.sources}",
            f"  papers    {self.papers}",
            f"  findings  {self.findings} ({self.uncited_findings} cite no source)",
            f"  triples   {self.triples} (ontology + data)",
        ]
        if "shacl" in self.seconds:
            lines.append(f"  SHACL     whole graph valid ({self.seconds['shacl']:.2f} s)")
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
) -> BuildResult:
    """Build the graph from ``data_dir`` and write every export to ``out_dir``.

    One path at every size: records → rows (``mapping.triples``) → sorted, de-duplicated rows →
    streamed files. The checks and views run on the same triples. Nothing is written unless the
    data is valid; then all files are replaced at once. ``progress`` draws progress bars.
    """
    from peergraph import __version__
    from peergraph.export.writers import row_exports
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import data_rows, ontology_rows, sorted_rows
    from peergraph.progress import QUIET

    bars = progress or QUIET
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    out = Path(out_dir) if out_dir is not None else default_exports_dir(data)
    ds = load(data, include_drafts=include_drafts, progress=bars)
    seconds: dict[str, float] = {}
    with bars("build", 2) as bar:
        onto = ontology_rows()
        bar.advance()
        data_part = list(data_rows(ds))
        everything = sorted_rows([*data_part, *onto])
        bar.advance()
    contents: dict = row_exports(everything, onto, __version__)
    if steps != RDF_ONLY:
        contents.update(_checked_extras(data_part, everything, ds, steps, seconds))
    del data_part
    files = _write(out, contents, bars)
    return BuildResult(
        data_dir=data,
        out_dir=out,
        sources=len(ds.sources),
        papers=len({ref.doi or ref.key for _, ref in ds.papers()}),
        findings=len(ds.findings),
        uncited_findings=sum(1 for f in ds.findings if not f.cites),
        triples=len(everything),
        files=files,
        seconds=seconds,
    )


def _checked_extras(
    data_part: list,
    everything: list,
    ds: Dataset,
    steps: Steps,
    seconds: dict[str, float],
) -> dict[str, object]:
    """Run the checks (raising on violations) and return the files of the other steps.

    SHACL, the quality report and the reasoning run as SPARQL on one pyoxigraph store of the
    build's rows (the reasoning last: it adds its triples to that store). The HTML views and the
    ontology docs still read an rdflib Graph: ``build_graph``'s graph, made from the same rows.
    """
    import time

    import pyoxigraph as ox

    from peergraph.export.writers import ox_triples
    from peergraph.mapping.triples import ontology_graph, rdflib_triples

    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox_triples(everything))
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
    del store
    if steps.views or steps.docs:
        graph = ontology_graph()
        add = graph.add
        for triple in rdflib_triples(data_part):
            add(triple)
        if steps.views:
            from peergraph.view.render import html_exports

            extras.update(html_exports(graph, ds))
        if steps.docs:
            from peergraph.view.docs import docs_exports

            extras.update(docs_exports(graph, reasoning))
    return extras


def _write(out: Path, contents: dict, bars: Reporter) -> dict[str, int]:
    from peergraph.export.writers import write_atomically

    with bars("export", len(contents)) as bar:
        return write_atomically(out, contents, on_file=lambda _name: bar.advance())
