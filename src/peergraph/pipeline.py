"""The whole ``peergraph build``: load → validate → build → export, as one library call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from peergraph.paths import default_data_dir, default_exports_dir, ontology_origin

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.ingest.records import Dataset
    from peergraph.progress import Reporter

# Checks run on the built graph before anything is written: "module:function", called as
# function(graph, dataset) and raising a PeergraphError (e.g. ValidationFailed) on violations.
GRAPH_CHECKS: list[str] = [
    "peergraph.check.shacl:check_graph",
    "peergraph.check.report:check_graph",
]

# Files written by `peergraph build` besides the RDF exports: "module:function", called as
# function(graph, dataset) and returning {path relative to exports/: bytes or () -> bytes}.
EXTRA_EXPORTS: list[str] = [
    "peergraph.view.render:html_exports",
    "peergraph.check.reason:inferred_exports",
    "peergraph.view.docs:docs_exports",
]


def _call(spec: str, *args: object) -> object:
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


# Above this many findings the build takes the large-data path (``peergraph.mapping.fastgraph``):
# rows of
# strings instead of an rdflib Graph, streamed exports. Same bytes either way (tested).
LARGE_FINDINGS = 1000
# The hooks above take an rdflib Graph (SHACL, HTML views, reasoning); above this many triples
# they are skipped, and the build says so. Record-level validation has already run.
HOOK_MAX_TRIPLES = 50_000


@dataclass
class BuildResult:
    """What a build produced: counts for the summary and the files written."""

    data_dir: Path
    out_dir: Path
    ontology: tuple[Path, str]  # folder and why it was chosen (peergraph.paths.ontology_origin)
    sources: int
    papers: int
    findings: int
    uncited_findings: int
    triples: int
    files: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # hooks not run on a large graph, and why
    stale_removed: list[Path] = field(default_factory=list)  # temp files of killed runs
    stale_unknown: list[Path] = field(default_factory=list)  # temp files reported, not removed

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
            f"  triples   {self.triples} (ontology + data)",
        ]
        lines += [f"  skipped   {note}" for note in self.skipped]
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
    fast: bool | None = None,
    progress: Reporter | None = None,
    allow_empty: bool = False,
) -> BuildResult:
    """Build the graph from ``data_dir`` and write every export to ``out_dir``.

    Nothing is written unless the data is valid; then all files are replaced at once.
    ``fast`` forces (True) or forbids (False) the large-data path; by default it is taken above
    ``LARGE_FINDINGS`` findings. ``progress`` draws progress bars (see ``peergraph.progress``).
    A data folder with no findings is refused (``DataError``, exit 1) unless ``allow_empty``:
    an emptied ``findings.yaml`` must not silently replace every export with an empty graph.
    """
    from peergraph import __version__
    from peergraph.ingest.dataset import load
    from peergraph.progress import QUIET

    bars = progress or QUIET
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    ds = load(data, include_drafts=include_drafts, progress=bars)
    out = Path(out_dir) if out_dir is not None else default_exports_dir(data)
    if not ds.findings and not allow_empty:
        _refuse_empty(data)
    _check_audit_references(ds)
    large = len(ds.findings) > LARGE_FINDINGS if fast is None else fast
    skipped: list[str] = []
    if large:
        contents, triples, skipped = _large_exports(ds, __version__, bars)
    else:
        from peergraph.export.writers import rdf_exports
        from peergraph.mapping.triples import build_graph, ontology_graph

        with bars("build") as bar:
            graph = build_graph(ds)
            for check in GRAPH_CHECKS:
                _call(check, graph, ds)
            bar.advance()
        contents = rdf_exports(graph, ontology_graph(), __version__)
        for extra in EXTRA_EXPORTS:
            contents.update(_call(extra, graph, ds))  # type: ignore[arg-type]
        triples = len(graph)
    from peergraph.export.writers import remove_stale_temps

    removed, unknown = remove_stale_temps(out)
    files = _write(out, contents, bars)
    return BuildResult(
        data_dir=data,
        out_dir=out,
        ontology=ontology_origin(),
        sources=len(ds.sources),
        papers=len({ref.doi or ref.key for _, ref in ds.papers()}),
        findings=len(ds.findings),
        uncited_findings=sum(1 for f in ds.findings if not f.cites),
        triples=triples,
        files=files,
        skipped=skipped,
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


def _large_exports(ds: Dataset, version: str, bars: Reporter) -> tuple[dict, int, list[str]]:
    """Rows instead of an rdflib Graph; the graph hooks only while the graph is small."""
    from peergraph.export.writers import canonical_triples, row_exports
    from peergraph.mapping.fastgraph import data_rows, rows_from_triples, sorted_rows
    from peergraph.mapping.triples import ontology_graph

    with bars("build", 3) as bar:
        onto = sorted_rows(rows_from_triples(canonical_triples(ontology_graph())))
        bar.advance()
        rows = list(data_rows(ds))
        bar.advance()
        rows.extend(onto)
        rows = sorted_rows(rows)
    contents: dict = row_exports(rows, onto, version)
    skipped: list[str] = []
    hooks = GRAPH_CHECKS + EXTRA_EXPORTS
    if hooks and len(rows) <= HOOK_MAX_TRIPLES:
        from peergraph.mapping.triples import build_graph

        graph = build_graph(ds)
        for check in GRAPH_CHECKS:
            _call(check, graph, ds)
        for extra in EXTRA_EXPORTS:
            contents.update(_call(extra, graph, ds))  # type: ignore[arg-type]
    else:
        skipped = [
            f"{hook} ({len(rows):,} triples > {HOOK_MAX_TRIPLES:,}; record-level checks ran)"
            for hook in hooks
        ]
    return contents, len(rows), skipped


def _write(out: Path, contents: dict, bars: Reporter) -> dict[str, int]:
    from peergraph.export.writers import write_atomically

    with bars("export", len(contents)) as bar:
        return write_atomically(out, contents, on_file=lambda _name: bar.advance())
