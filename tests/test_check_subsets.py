"""SHACL and the reasoning on stores of only the triples they read give the whole graph's answers.

At scale (``pipeline.IN_MEMORY_STORE_MAX_TRIPLES``) the build runs them on in-memory subsets of
its N-Triples (``peergraph.check.subset``); these tests show, on the essay and on the essay with
one breach of nearly every constraint, that nothing is lost by leaving the other triples out.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from peergraph.check import reason, subset
from peergraph.check.shacl import validate_graph, validate_nt
from tests.test_shacl import FIXTURES, _broken_essay

ROOT = Path(__file__).resolve().parents[1]


def _nt(graph, path: Path) -> Path:
    graph.serialize(path, format="nt", encoding="utf-8")
    return path


def test_shacl_on_the_triples_the_shapes_read_reports_exactly_what_pyshacl_reports(
    graph, tmp_path: Path
) -> None:
    from peergraph.check.shacl import read_turtle
    from peergraph.mapping.triples import ontology_graph

    cases = {
        "broken essay": _broken_essay(graph),
        "invalid finding": read_turtle(FIXTURES / "invalid-finding.ttl") + ontology_graph(),
    }
    for name, g in cases.items():
        reference = validate_graph(g, engine="pyshacl")
        assert len(reference) >= 3, name  # the case breaks the shapes
        assert validate_nt(_nt(g, tmp_path / "g.nt")) == reference, name


def test_the_shacl_subset_leaves_out_triples_no_shape_reads() -> None:
    from peergraph.check import shacl_sparql
    from peergraph.check.shacl import read_predicates, shapes_graph

    keep = read_predicates(shacl_sparql.compile_shapes(shapes_graph()))
    assert keep is not None
    nt = ROOT / "exports" / "peergraph.nt"
    kept = b"".join(subset.lines(nt, keep)).count(b"\n")
    total = sum(1 for line in open(nt, "rb") if not line.startswith(b"#"))
    assert "http://www.w3.org/ns/oa#exact" in keep and "http://purl.org/dc/terms/title" in keep
    assert "https://w3id.org/peergraph/ontology/printedText" not in keep
    assert 0 < kept < total


def test_a_variable_or_negated_predicate_means_every_triple_may_be_read() -> None:
    oa = "http://www.w3.org/ns/oa#"
    used, open_ended = subset.predicates(
        [f"SELECT ?x WHERE {{ ?a ^<{oa}hasBody>/<{oa}hasTarget>* ?x }}"]
    )
    assert used == {oa + "hasBody", oa + "hasTarget"} and not open_ended
    assert subset.predicates(["SELECT * WHERE { ?s ?p ?o }"])[1]
    assert subset.predicates([f"SELECT * WHERE {{ ?s !<{oa}exact> ?o }}"])[1]
    assert subset.predicates([f"ASK {{ FILTER NOT EXISTS {{ ?s ?p <{oa}x> }} }}"])[1]
    inside = f"ASK {{ ?s <{oa}a> ?o FILTER EXISTS {{ ?s <{oa}b>/<{oa}c>* ?v ; <{oa}d> ?u }} }}"
    assert subset.predicates([inside]) == ({oa + x for x in "abcd"}, False)


def test_the_rules_on_the_triples_they_read_infer_the_committed_types() -> None:
    nt = ROOT / "exports" / "peergraph.nt"
    whole = ox.Store()
    whole.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    expected = reason.sparql_rules(whole).inferred
    ours = reason.rules_nt(nt)
    assert len(expected) > 50 and ours.inferred == expected
    committed = (ROOT / "exports" / "peergraph-inferred.ttl").read_bytes()
    assert reason.inferred_turtle(ours) == committed
    keep = reason.rule_predicates(nt)
    assert "https://w3id.org/peergraph/ontology/outcome" in keep  # has a domain and range
    assert "http://www.w3.org/ns/oa#exact" not in keep  # no axiom names it


def test_a_clash_found_on_the_subset_is_explained_as_on_the_whole_graph(tmp_path: Path) -> None:
    from peergraph.check.shacl import read_turtle
    from peergraph.mapping.triples import ontology_graph

    g = read_turtle(FIXTURES / "inconsistent-finding.ttl") + ontology_graph()
    whole_error = subset_error = None
    try:
        reason.sparql_rules(g)
    except reason.Inconsistent as exc:
        whole_error = exc.explanations
    try:
        reason.rules_nt(_nt(g, tmp_path / "g.nt"))
    except reason.Inconsistent as exc:
        subset_error = exc.explanations
    assert whole_error and subset_error == whole_error
