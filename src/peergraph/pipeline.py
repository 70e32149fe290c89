"""The whole ``peergraph build``: load → validate → build → export, as one library call."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peergraph.paths import default_data_dir, default_exports_dir

# Checks run on the built graph before anything is written: "module:function", called as
# function(graph, dataset) and raising a PeergraphError (e.g. ValidationFailed) on violations.
GRAPH_CHECKS: list[str] = []

# Files written by `peergraph build` besides the RDF exports: "module:function", called as
# function(graph, dataset) and returning {path relative to exports/: bytes or () -> bytes}.
EXTRA_EXPORTS: list[str] = ["peergraph.render:html_exports"]


def _call(spec: str, *args: object) -> object:
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)(*args)


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

    def summary(self) -> str:
        """A one-screen summary for the terminal."""
        lines = [
            f"peergraph build: {self.data_dir}",
            f"  sources   {self.sources}",
            f"  papers    {self.papers}",
            f"  findings  {self.findings} ({self.uncited_findings} cite no source)",
            f"  triples   {self.triples} (ontology + data)",
            f"wrote {len(self.files)} files to {self.out_dir}:",
        ]
        width = max((len(n) for n in self.files), default=0)
        for name, size in sorted(self.files.items()):
            lines.append(f"  {name:<{width}}  {size:>10,} bytes")
        return "\n".join(lines)


def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    include_drafts: bool = False,
) -> BuildResult:
    """Build the graph from ``data_dir`` and write every export to ``out_dir``.

    Nothing is written unless the data is valid; then all files are replaced at once.
    """
    from peergraph import __version__
    from peergraph.export import rdf_exports, write_atomically
    from peergraph.graph import build_graph, ontology_graph
    from peergraph.load import load

    data = Path(data_dir) if data_dir is not None else default_data_dir()
    out = Path(out_dir) if out_dir is not None else default_exports_dir(data)
    ds = load(data, include_drafts=include_drafts)
    graph = build_graph(ds)
    for check in GRAPH_CHECKS:
        _call(check, graph, ds)
    contents = rdf_exports(graph, ontology_graph(), __version__)
    for extra in EXTRA_EXPORTS:
        contents.update(_call(extra, graph, ds))  # type: ignore[arg-type]
    files = write_atomically(out, contents)
    return BuildResult(
        data_dir=data,
        out_dir=out,
        sources=len(ds.sources),
        papers=len({ref.doi or ref.key for _, ref in ds.papers()}),
        findings=len(ds.findings),
        uncited_findings=sum(1 for f in ds.findings if not f.cites),
        triples=len(graph),
        files=files,
    )
