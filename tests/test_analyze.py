"""`peergraph analyze`: network views, evidence strength, centrality, communities and paths on the
essay, and the files it writes (GraphML/GEXF read back, deterministic figures)."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from peergraph.analysis.metrics import (
    DESIGN_WEIGHTS,
    EmptyGraph,
    NoPath,
    UnknownNode,
    analysis_exports,
    analyze,
    explain_path,
    result_files,
)
from peergraph.analysis.network import evidence_network
from peergraph.cli import main

PG = "https://w3id.org/peergraph/ontology/"
PGV = "https://w3id.org/peergraph/vocab/"
SMIT = "https://doi.org/10.1017/s0033291722002422"


@pytest.fixture(scope="module")
def result(graph):
    return analyze(graph, paths=[("structured supervision", "retention of peer workers")])


@pytest.fixture(scope="module")
def files(result):
    return result_files(result)


def _row(rows, **match):
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    return hits[0]


def test_network_holds_typed_iri_nodes_with_literals_as_attributes(result, essay_text):
    net = result.network
    assert all(not str(n).startswith('"') for n in net)  # no literal became a node
    f06 = net.nodes["https://w3id.org/peergraph/data/finding/F06"]
    assert f06["class"] == "Finding" and f06["short_id"] == "F06"
    assert essay_text[f06["start"] : f06["end"]] == f06["quote"]
    assert f06["quote"].startswith("Studies indicate that these clinical improvements")
    assert f06["uncited"] is False
    smit = net.nodes[SMIT]
    assert (smit["class"], smit["short_id"], smit["year"]) == ("Paper", "smit2023", 2023)
    assert smit["study_design"] == "meta-analysis systematic-review"
    assert net.nodes[PGV + "hospital"]["hospital_based"] is True
    horizon = net.nodes["https://w3id.org/peergraph/data/finding/F06-horizon"]
    assert horizon["class"] == "FollowUpHorizon" and "minimum" not in horizon
    assert (horizon["horizon_lower"], horizon["horizon_upper"], horizon["unit"]) == (
        6.0, 9.0, "month"
    )  # fmt: skip
    assert net.edges["https://w3id.org/peergraph/data/finding/F06", SMIT]["property"] == (
        "cito:citesAsEvidence"
    )
    assert net.edges[PGV + "structured-supervision", PGV + "organisational-support"][
        "property"
    ] == "skos:broader"
    assert net.edges[PGV + "hope", PGV + "personal-recovery"]["property"] == "pg:recoveryGroup"
    assert net.nodes["https://w3id.org/peergraph/data/finding/F20"]["uncited"] is True


def test_rdflib_graph_and_oxigraph_store_give_the_same_network(graph):
    from peergraph.export.store import open_store

    a, b = evidence_network(graph), evidence_network(open_store(graph))
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert list(a.edges(data=True)) == list(b.edges(data=True))
    assert a.number_of_nodes() > 150


def test_co_support_links_papers_cited_by_the_same_finding(result):
    view = result.co_support
    andreas, boisvert = "https://doi.org/10.1016/j.jsat.2016.03.003", "https://doi.org/10.2147/sar.s82471"
    assert view.edges[andreas, boisvert] == {"weight": 2, "findings": "F16a F16b"}
    assert view.edges[SMIT, "https://doi.org/10.1176/appi.ps.201300244"]["findings"] == "F05"
    assert view.number_of_nodes() == 11  # every paper, linked or not


def test_hospital_has_evidence_on_personal_recovery_and_online_none(result):
    pairs = result.tables["evidence-by-setting-outcome"]
    hospital = _row(pairs, setting="hospital", outcome="personal-recovery")
    # repper2023 via hope (narrower), smit2023 via F11, chinman2014/davidson2022 via F14's
    # unnamed "benefits"
    assert hospital["paper_ids"] == "chinman2014 davidson2022 repper2023 smit2023"
    # F11 says online results are less consistent: online is no setting where it improves
    assert not [r for r in pairs if (r["setting"], r["outcome"]) == ("online", "personal-recovery")]
    view = result.setting_outcome
    assert view.edges[PGV + "hospital", PGV + "personal-recovery"]["weight"] == 4
    assert not view.has_edge(PGV + "online", PGV + "personal-recovery")
    assert view.nodes[PGV + "hospital"]["bipartite"] == 0


def test_evidence_strength_weights_designs_and_counts_uncited_claims_apart(result):
    assert DESIGN_WEIGHTS["meta-analysis"] > DESIGN_WEIGHTS["systematic-review"] > (
        DESIGN_WEIGHTS["qualitative-study"]
    )
    outcomes = result.tables["evidence-by-outcome"]
    assert outcomes[0]["outcome"] == "personal-recovery"  # hope, self-efficacy count there
    retention = _row(outcomes, outcome="peer-worker-retention")
    # F19 cites davidson2022 only; the uncited organisational claims are not evidence
    assert retention["paper_ids"] == "davidson2022" and retention["papers"] == 1
    unsupported = _row(outcomes, outcome="programme-sustainability")
    assert unsupported["papers"] == 0 and unsupported["score"] == 0
    assert unsupported["uncited_findings"] == 2
    personal = _row(outcomes, outcome="personal-recovery")
    assert personal["uncited_findings"] == 6  # F02, F03, F10, F13, F21, F22a (F01 is background)
    assert personal["papers"] == len(personal["paper_ids"].split())


def test_most_cited_papers_rank_highest_and_davidson_bridges(result):
    papers = [r for r in result.tables["centrality"] if r["class"] == "Paper"]
    # Tomas & Larkin 2023 back four findings, Smit et al. 2023 three (F05, F06, F11)
    assert [r["id"] for r in papers[:2]] == ["tomas2023", "smit2023"]
    assert papers[1]["label"] == "Smit et al. 2023"
    # Davidson et al. 2022 backs both a clinical (F14) and an organisational claim (F19)
    assert max(papers, key=lambda r: r["betweenness"])["id"] == "davidson2022"
    outcomes = [r for r in result.tables["centrality"] if r["class"] == "Outcome"]
    assert {outcomes[0]["id"], outcomes[1]["id"]} == {"personal-recovery", "clinical-recovery"}
    factors = [r for r in result.tables["centrality"] if r["class"] == "OrganisationalFactor"]
    assert factors[0]["id"] == "organisational-support"
    assert result.betweenness_samples is None  # small graph: exact betweenness


def test_communities_are_labelled_by_central_members_and_cover_the_network(result):
    rows = result.tables["communities"]
    assert len(rows) >= 3
    members = set().union(*(r["members"].split() for r in rows))
    assert {"smit2023", "F19", "peer-worker-retention"} <= members
    assert all(r["label"] and not r["label"].startswith("finding ") for r in rows)
    by_member = {m: r["community"] for r in rows for m in r["members"].split()}
    assert by_member["andreas2016"] == by_member["boisvert2016"]  # substance-use evidence


def test_path_from_organisational_support_to_peer_worker_retention(graph, result):
    path = explain_path(result.network, "Organisational Support", "peer-worker-retention")
    assert path["nodes"][0] == "organisational-support"
    assert path["nodes"][-1] == "peer-worker-retention"
    assert "F19" in path["nodes"]
    assert any("reports on the outcome \u2018peer worker retention\u2019" in s
               for s in path["sentences"])  # fmt: skip
    named = result.paths[0]  # "structured supervision" -> altLabel "retention of peer workers"
    assert named["from"] == "structured-supervision" and named["to"] == "peer-worker-retention"
    assert len(named["sentences"]) == len(named["nodes"]) - 1


def test_unknown_node_name_suggests_close_names(result):
    with pytest.raises(UnknownNode, match=r"did you mean 'structured supervision'\?"):
        explain_path(result.network, "structured supervison", "hope")


def test_disconnected_nodes_give_a_clear_no_path_message():
    g = Graph()
    for fid, outcome in (("A", "hope"), ("B", "relapse")):
        f = URIRef(f"https://w3id.org/peergraph/data/finding/{fid}")
        o = URIRef(PGV + outcome)
        g.add((f, RDF.type, URIRef(PG + "Finding")))
        g.add((o, RDF.type, URIRef(PG + "Outcome")))
        g.add((o, RDFS.label, Literal(outcome)))
        g.add((f, URIRef(PG + "outcome"), o))
    result = analyze(g)
    assert result.tables["evidence-by-outcome"][0]["uncited_findings"] == 1
    with pytest.raises(NoPath, match="no path between 'hope' and 'relapse': they lie in separate"):
        explain_path(result.network, "hope", "relapse")


def test_empty_graph_is_refused_with_a_clear_message():
    with pytest.raises(EmptyGraph, match="holds no findings"):
        analyze(Graph())


def test_graphml_and_gexf_read_back_with_attribute_types(result, files, tmp_path):
    for stem, original in (("evidence-network", result.network), ("co-support", result.co_support),
                           ("setting-outcome", result.setting_outcome)):  # fmt: skip
        for ext, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
            path = tmp_path / f"{stem}.{ext}"
            path.write_bytes(files[f"{stem}.{ext}"])
            back = reader(path)
            assert back.number_of_nodes() == original.number_of_nodes(), path
            assert back.number_of_edges() == original.number_of_edges(), path
            for node, data in original.nodes(data=True):
                assert back.nodes[node] == data, (path, node)
            for u, v, data in original.edges(data=True):
                got = dict(back.edges[u, v])
                if ext == "gexf":
                    assert got.pop("id").isdigit()  # GEXF numbers edges
                if ext == "gexf" and "weight" in data:  # GEXF defines weight as a float
                    assert got.pop("weight") == float(data["weight"])
                    data = {k: x for k, x in data.items() if k != "weight"}
                assert got == data, (path, u, v)
    back = nx.read_graphml(tmp_path / "evidence-network.graphml")
    assert type(back.nodes[SMIT]["year"]) is int
    assert back.nodes[PGV + "hospital"]["hospital_based"] is True


def test_outputs_are_deterministic_and_complete(graph, files):
    again = result_files(analyze(graph, paths=[("structured supervision",
                                                "retention of peer workers")]))  # fmt: skip
    assert again == files
    assert {"analysis.json", "tables/centrality.csv", "tables/evidence-by-setting-outcome.csv",
            "tables/communities.csv", "tables/paths.csv", "evidence-matrix.png",
            "evidence-matrix.svg", "setting-outcome.gexf"} <= set(files)  # fmt: skip
    assert files["evidence-matrix.png"].startswith(b"\x89PNG")
    svg = files["evidence-matrix.svg"].decode()
    assert "<dc:date>" not in svg and "<!-- hospital -->" in svg  # no date; data labels drawn
    assert b"lastmodifieddate" not in files["evidence-network.gexf"]
    payload = json.loads(files["analysis.json"])
    assert payload["design_weights"]["meta-analysis"] == 3.0
    assert files["tables/centrality.csv"].startswith(b"class,rank,id,label,")


def test_analysis_exports_prefixes_paths_for_the_build(graph):
    exports = analysis_exports(graph, None)
    assert "analysis/evidence-matrix.svg" in exports
    assert all(isinstance(v, bytes) for v in exports.values())


def test_sampled_betweenness_is_seeded_and_says_how_it_was_sampled(graph):
    from peergraph.analysis.metrics import report_text

    a = analyze(graph, betweenness_samples=20, seed=7)
    b = analyze(graph, betweenness_samples=20, seed=7)
    assert a.betweenness_samples == 20
    assert a.tables["centrality"] == b.tables["centrality"]
    assert analyze(graph, betweenness_samples=20, seed=8).tables["centrality"] != a.tables[
        "centrality"]  # fmt: skip
    assert "Most central items (PageRank; betweenness sampled from 20 pivots, seed 7)" in (
        report_text(a)
    )
    payload = json.loads(result_files(a)["analysis.json"])
    assert payload["betweenness"] == {"samples": 20, "seed": 7}


def test_cli_reports_and_writes_files(tmp_path, capsys):
    out = tmp_path / "analysis"
    code = main(["analyze", "--out", str(out), "--path", "hospital", "personal recovery"])
    text = capsys.readouterr().out
    assert code == 0
    assert "Smit et al. 2023" in text
    assert "concerns the setting \u2018hospital\u2019" in text
    assert (out / "evidence-matrix.png").is_file() and (out / "tables" / "paths.csv").is_file()


def test_cli_reads_an_rdf_file_through_oxigraph(graph, tmp_path, capsys):
    ttl = tmp_path / "g.ttl"
    graph.serialize(ttl, format="turtle")
    code = main(["analyze", "--input", str(ttl), "--no-files", "--top", "1"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Tomas & Larkin 2023" in out and "Smit et al. 2023" not in out  # top 1 only


def test_cli_unknown_name_and_empty_input_exit_2(tmp_path, capsys):
    code = main(["analyze", "--no-files", "-q", "--path", "structured supervison", "hope"])
    assert code == 2
    assert "Error: no node named 'structured supervison' in the graph (did you mean " \
        "'structured supervision'?)" in capsys.readouterr().err
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    assert main(["analyze", "--input", str(empty), "--no-files"]) == 2
    assert "Error: the graph holds no findings" in capsys.readouterr().err


def test_peergraph_analyze_is_callable_even_after_importing_the_module(graph):
    import peergraph
    import peergraph.analysis.metrics  # noqa: F401  (sets the package attribute to the module)

    result = peergraph.analyze(graph)
    assert result.tables["evidence-by-outcome"][0]["outcome"] == "personal-recovery"


def test_graphml_and_gexf_writers_escape_odd_text(tmp_path):
    from peergraph.analysis.network import to_gexf, to_graphml

    g = nx.DiGraph()
    odd = 'Ünïcødé & <tags> "quoted" \u2014 \U0001f600 bell\x07'
    g.add_node("a&b", label=odd, count=3, share=0.5, flag=False)
    g.add_node("c", label="plain", count=4, share=1.0, flag=True)
    g.add_edge("a&b", "c", property="pg:outcome", weight=2)
    for ext, data, reader in (("graphml", to_graphml(g), nx.read_graphml),
                              ("gexf", to_gexf(g), nx.read_gexf)):  # fmt: skip
        path = tmp_path / f"odd.{ext}"
        path.write_bytes(data)
        back = reader(path)
        assert back.nodes["a&b"] == {"label": odd.replace("\x07", ""), "count": 3, "share": 0.5,
                                     "flag": False}  # fmt: skip
        assert back.nodes["c"]["flag"] is True
        assert back.edges["a&b", "c"]["property"] == "pg:outcome"



ODD_CONTROL = "quote with a bell\x07 and a form feed\x0c"


def _odd_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_node("a", label=ODD_CONTROL, year=2023)
    g.add_node("b", label="plain", year=2024)
    g.add_edge("a", "b", property="pg:outcome")
    return g


def test_networkx_graphml_writer_fails_on_control_characters_that_ours_drops(tmp_path):
    """Why to_graphml is ours (see the comment above it in analysis/network.py)."""
    import io
    from xml.etree.ElementTree import ParseError

    from peergraph.analysis.network import to_graphml

    buf = io.BytesIO()
    try:
        nx.write_graphml(_odd_graph(), buf)  # lxml writer: refuses
    except ValueError:
        pass
    else:  # the ElementTree writer (no lxml): writes XML that cannot be read back
        with pytest.raises(ParseError):
            nx.read_graphml(io.BytesIO(buf.getvalue()))
    back = nx.read_graphml(io.BytesIO(to_graphml(_odd_graph())))
    assert back.nodes["a"] == {"label": "quote with a bell and a form feed", "year": 2023}


def test_networkx_gexf_writer_is_ill_formed_on_control_characters_and_dated(tmp_path):
    """Why to_gexf is ours: networkx's GEXF cannot be read back and carries today's date."""
    import io
    import time
    from xml.etree.ElementTree import ParseError

    from peergraph.analysis.network import to_gexf

    buf = io.BytesIO()
    nx.write_gexf(_odd_graph(), buf)
    with pytest.raises(ParseError):
        nx.read_gexf(io.BytesIO(buf.getvalue()))
    clean = nx.DiGraph(_odd_graph())
    clean.nodes["a"]["label"] = "clean"
    buf = io.BytesIO()
    nx.write_gexf(clean, buf)
    assert f'lastmodifieddate="{time.strftime("%Y-%m-%d")}"'.encode() in buf.getvalue()
    ours = to_gexf(_odd_graph())
    assert b"lastmodifieddate" not in ours
    back = nx.read_gexf(io.BytesIO(ours))
    assert back.nodes["a"]["label"] == "quote with a bell and a form feed"


def test_our_graphml_and_gexf_read_back_as_networkx_own_files_do(result):
    """On the essay's three graphs (no control characters), ours and networkx's writers give the
    same graph back: node and edge data, types, order."""
    import io

    from peergraph.analysis.network import to_gexf, to_graphml

    for graph in (result.network, result.co_support, result.setting_outcome):
        for ours, write, read in ((to_graphml, nx.write_graphml, nx.read_graphml),
                                  (to_gexf, nx.write_gexf, nx.read_gexf)):  # fmt: skip
            theirs = io.BytesIO()
            write(graph, theirs)
            a = read(io.BytesIO(ours(graph)))
            b = read(io.BytesIO(theirs.getvalue()))
            assert list(a.nodes(data=True)) == list(b.nodes(data=True))
            assert list(a.edges(data=True)) == list(b.edges(data=True))


def test_large_graphs_run_louvain_on_the_second_core_with_the_same_result(graph, monkeypatch):
    """Above PARALLEL_MIN_NODES, Louvain runs in a forked child beside betweenness; forcing that
    path on the essay gives the tables of the one-process run."""
    from peergraph.analysis import metrics

    serial = analyze(graph, seed=7)
    monkeypatch.setattr(metrics, "PARALLEL_MIN_NODES", 1)
    parallel = analyze(graph, seed=7)
    assert parallel.tables == serial.tables
    assert len(parallel.tables["communities"]) >= 3


def test_communities_above_the_louvain_limit_come_from_label_propagation_and_say_so(
    graph, monkeypatch
):
    from peergraph.analysis import metrics

    monkeypatch.setattr(metrics, "LOUVAIN_MAX_NODES", 10)
    first = analyze(graph, seed=3)
    assert first.community_method == "label propagation"
    assert "Communities (label propagation):" in metrics.report_text(first)
    payload = json.loads(result_files(first)["analysis.json"])
    assert payload["communities"] == "label propagation"
    members = [m for r in first.tables["communities"] for m in r["members"].split()]
    assert len(members) == len(set(members)) == metrics.topic_view(first.network).number_of_nodes()
    assert analyze(graph, seed=3).tables["communities"] == first.tables["communities"]


@pytest.mark.parametrize(
    "name", ["peergraph.ttl", "peergraph.jsonld", "peergraph.owl", "peergraph.nt"]
)
def test_every_export_format_streams_to_the_projection_of_the_graph(graph, tmp_path, name):
    """The projection reads a file through pyoxigraph's parser, whatever the export format, and
    gets what it gets from the rdflib Graph the file was written from."""
    from pathlib import Path

    from peergraph.analysis.projection import project

    exports = Path(__file__).resolve().parents[1] / "exports"
    from_file, from_graph = project(exports / name), project(graph)
    assert dict(from_file.nodes(data=True)) == dict(from_graph.nodes(data=True))
    assert list(from_file.edges(data=True)) == list(from_graph.edges(data=True))
    assert from_file.nodes[SMIT]["label"].startswith("Smit et al. 2023")


# --- at scale: the same results, computed faster -------------------------------------------------


def test_sparse_betweenness_and_pagerank_give_networkx_numbers(result):
    """The block-BFS betweenness draws the pivots networkx draws and scales as it does; PageRank
    runs networkx's iteration on the same matrix: both on the essay's topic view."""
    from peergraph.analysis import metrics, sparse

    view = metrics.topic_view(result.network)
    assert view.number_of_nodes() == 103
    matrix = sparse.adjacency(view)
    for k, seed in ((None, None), (25, 7), (1, 3)):
        ours = sparse.betweenness(view, k, seed, matrix)
        theirs = nx.betweenness_centrality(view, k=k, seed=seed)
        assert list(ours) == list(theirs)
        for node, value in theirs.items():
            if value != value:  # NaN: networkx's scaling of a lone pivot
                assert ours[node] != ours[node]
            else:
                assert ours[node] == pytest.approx(value, rel=1e-12, abs=1e-15), (k, node)
    assert max(sparse.betweenness(view, matrix=matrix).values()) > 0.05
    assert sparse.pagerank(view, matrix) == nx.pagerank(view)


def test_an_ntriples_file_gives_the_projection_of_its_rdflib_graph(graph, tmp_path):
    from peergraph.analysis import projection

    nt = tmp_path / "g.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    from_file, from_graph = projection.project(nt), projection.project(graph)
    assert list(from_file.nodes(data=True)) == list(from_graph.nodes(data=True))
    assert list(from_file.edges(data=True)) == list(from_graph.edges(data=True))


def test_a_syntax_error_near_the_end_names_its_line_in_the_whole_file(graph, tmp_path):
    from peergraph.analysis import projection
    from peergraph.errors import UsageError

    nt = tmp_path / "g.nt"
    graph.serialize(nt, format="nt", encoding="utf-8")
    lines = nt.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = len(lines) - 3  # 1-based number of the broken line, near the end
    lines[bad - 1] = '<https://example.org/a> <https://example.org/b> "unterminated .\n'
    nt.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(UsageError, match=rf"g\.nt: cannot be read as RDF \(.*line {bad}\b"):
        projection.project(nt)


def test_files_written_on_two_cores_equal_the_files_in_memory(result, files, tmp_path,
                                                              monkeypatch):  # fmt: skip
    from peergraph.analysis import metrics

    monkeypatch.setattr(metrics, "PARALLEL_MIN_NODES", 1)
    sizes = metrics.write_analysis(result, tmp_path)
    assert sizes == {rel: len(data) for rel, data in files.items()}
    for rel, data in files.items():
        assert (tmp_path / rel).read_bytes() == data, rel
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_failed_write_leaves_the_earlier_files_as_they_were(result, tmp_path, monkeypatch):
    from peergraph.analysis import metrics

    metrics.write_analysis(result, tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken(view):
        raise OSError("disk full")

    monkeypatch.setattr("peergraph.analysis.figures.evidence_matrix_svg", broken)
    result.tables["evidence-by-outcome"] = result.tables["evidence-by-outcome"][:1]
    with pytest.raises(OSError, match="disk full"):
        metrics.write_analysis(result, tmp_path)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
