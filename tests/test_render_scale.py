"""The HTML views at every size: above the page limits they are drawn from a deterministic sample
under a banner giving the counts left out, never skipped; a large RDF file is read by pyoxigraph,
never loaded into rdflib.

The limits are lowered for the test (the real ones are 20,000 nodes and 5,000 findings), so a
30-paper synthetic evidence base (``peergraph synth``) stands above them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_render import banner_counts, page_data

GRAPH_LIMIT = 120
LISTED_LIMIT = 40
CELL_LIST = 3


@pytest.fixture(scope="module")
def synth_nt(tmp_path_factory) -> Path:
    from peergraph.curate.synth import synthesize
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph

    base = tmp_path_factory.mktemp("synth")
    synthesize(base / "data", papers=30, seed=3)
    path = base / "peergraph.nt"
    build_graph(load(base / "data")).serialize(path, format="nt", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sampled_pages(synth_nt: Path) -> dict[str, str]:
    """``html_exports`` (the build's hook) on the N-Triples file, with the limits lowered."""
    from peergraph.view import evidence_map, render

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render, "DEFAULT_MAX_NODES", GRAPH_LIMIT)
        mp.setattr(evidence_map, "MAX_LISTED_FINDINGS", LISTED_LIMIT)
        mp.setattr(evidence_map, "CELL_LIST", CELL_LIST)
        pages = render.html_exports(synth_nt, None)
    return {name: html.decode("utf-8") for name, html in pages.items()}


def test_graph_page_above_the_limit_draws_a_sample_and_says_what_was_left_out(
    synth_nt, sampled_pages
):
    from peergraph.view.model import build_view

    full = build_view(synth_nt)
    findings = sum(1 for n in full.nodes if n.cls == "finding")
    assert findings == 150 and len(full.nodes) > GRAPH_LIMIT
    html = sampled_pages["peergraph.html"]
    data = page_data(html)
    counts = banner_counts(html)
    drawn = sum(1 for n in data["nodes"] if n["group"] == "finding")
    assert len(data["nodes"]) == GRAPH_LIMIT
    assert counts["nodes"] == GRAPH_LIMIT and counts["total_nodes"] == len(full.nodes)
    assert counts["left_nodes"] == len(full.nodes) - GRAPH_LIMIT
    assert counts["edges"] == len(data["edges"]) and counts["total_edges"] == len(full.edges)
    assert counts["left_edges"] == len(full.edges) - len(data["edges"])
    assert counts["findings"] == drawn and counts["total_findings"] == 150
    assert counts["left_findings"] == 150 - drawn > 0
    assert counts["papers"] == sum(1 for n in data["nodes"] if n["group"] == "paper")
    assert counts["total_papers"] == 30
    assert data["sample"] == {k: v for k, v in counts.items() if not k.startswith("left_")}


def test_evidence_map_above_the_limit_keeps_every_count_and_lists_a_sample(
    synth_nt, sampled_pages
):
    from peergraph.view.evidence_map import evidence_map

    em = evidence_map(synth_nt)
    html = sampled_pages["evidence-map.html"]
    m = re.search(r'<script id="pg-data" type="application/json">(.*?)</script>', html, re.S)
    import json

    data = json.loads(m.group(1))
    counts = banner_counts(html)
    assert counts["findings"] == len(em.findings) == 150
    assert counts["listed"] == len(data["findings"]) < 150
    assert counts["left_out"] == 150 - len(data["findings"])
    assert counts["per_cell"] == CELL_LIST
    cut = [c for c in em.cells.values() if len(c.findings) > CELL_LIST]
    assert counts["cells_cut"] == len(cut) > 0
    for (setting, outcome), cell in em.cells.items():
        listed = data["cells"][f"{setting}|{outcome}"]
        assert listed == cell.findings[:CELL_LIST]  # the lowest ids, in order
        assert all(i in data["findings"] for i in listed)
        # the count shown in the cell is the whole count, not the listed one
        n = re.search(rf'data-cell="{re.escape(setting)}\|{re.escape(outcome)}" data-n="(\d+)"',
                      html)  # fmt: skip
        assert int(n.group(1)) == len(cell.findings)


def test_pages_below_the_limits_carry_no_banner(synth_nt):
    from peergraph.view.render import html_exports

    pages = html_exports(synth_nt, None)
    for html in pages.values():
        assert "sample-banner" not in html.decode("utf-8")
    assert len(page_data(pages["peergraph.html"].decode())["nodes"]) > GRAPH_LIMIT


def test_sampled_pages_are_deterministic(synth_nt, sampled_pages):
    from peergraph.view import evidence_map, render

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render, "DEFAULT_MAX_NODES", GRAPH_LIMIT)
        mp.setattr(evidence_map, "MAX_LISTED_FINDINGS", LISTED_LIMIT)
        mp.setattr(evidence_map, "CELL_LIST", CELL_LIST)
        again = render.html_exports(synth_nt, None)
    assert {k: v.decode("utf-8") for k, v in again.items()} == sampled_pages


def test_render_input_file_is_read_by_pyoxigraph_not_rdflib(synth_nt, tmp_path, monkeypatch):
    """``render --input big.ttl`` streams the file: rdflib's parser is never called."""
    import rdflib

    from peergraph.cli import main

    def refuse(*args, **kwargs):
        raise AssertionError("rdflib.Graph.parse called on the --input file")

    monkeypatch.setattr(rdflib.Graph, "parse", refuse)
    out = tmp_path / "out"
    assert main(["render", "--input", str(synth_nt), "--out", str(out), "-q"]) == 0
    data = page_data((out / "peergraph.html").read_text(encoding="utf-8"))
    assert sum(1 for n in data["nodes"] if n["group"] == "finding") == 150
    assert (out / "evidence-map.html").stat().st_size > 10_000


def test_store_file_and_rdflib_graph_give_the_same_pages(synth_nt):
    """One projection, three readers: an rdflib Graph, a pyoxigraph Store and the file itself."""
    from rdflib import Graph

    from peergraph.export.store import open_store
    from peergraph.view.render import html_exports

    from_file = html_exports(synth_nt)
    assert html_exports(open_store(synth_nt)) == from_file
    assert html_exports(Graph().parse(synth_nt, format="nt")) == from_file
