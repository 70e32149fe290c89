"""An emptied findings file must not replace every export with a graph of no findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from peergraph.cli import main


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("text", ["", "findings: []\n", "# nothing yet\n"])
def test_empty_findings_is_refused_and_exports_stay(data_copy, tmp_path, capsys, text):
    out = tmp_path / "out"
    out.mkdir()
    (out / "peergraph.ttl").write_text("earlier export\n", encoding="utf-8")
    before = _snapshot(out)
    (data_copy / "findings.yaml").write_text(text, encoding="utf-8")
    code = main(["build", "--data", str(data_copy), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.startswith("Error: ") and "findings.yaml" in err and "--allow-empty" in err
    assert len(err.strip().splitlines()) == 1
    assert _snapshot(out) == before


def test_allow_empty_builds_a_graph_without_findings(data_copy, tmp_path, capsys):
    from rdflib import Graph

    from peergraph.iris import PG

    (data_copy / "findings.yaml").write_text("findings: []\n", encoding="utf-8")
    (data_copy / "reference-audit.yaml").unlink()  # its claim audits would name no finding
    out = tmp_path / "out"
    code = main(["build", "--data", str(data_copy), "--out", str(out), "--quiet", "--allow-empty"])
    assert code == 0, capsys.readouterr().err
    graph = Graph().parse(out / "peergraph.nt")
    from rdflib.namespace import RDF

    assert list(graph.subjects(RDF.type, PG.Finding)) == []
    assert len(list(graph.subjects(RDF.type, PG.Paper))) > 0  # the reference list is still built
