"""SHACL shapes: the essay conforms; broken data is reported per record and field in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from peergraph.check.shacl import check_graph, validate_file, validate_graph
from peergraph.cli import main
from peergraph.errors import ValidationFailed

FIXTURES = Path(__file__).parent / "fixtures"


def test_essay_graph_conforms_to_the_shapes(graph):
    assert validate_graph(graph) == []


def test_invalid_finding_and_paper_are_reported_by_record_and_field():
    messages = [str(v) for v in validate_file(FIXTURES / "invalid-finding.ttl")]
    assert messages == [
        "Paper <https://doi.org/10.1000/bad-paper>, field 'citation key': missing: expected at "
        "least 1 value",
        "Paper <https://doi.org/10.1000/bad-paper>, field 'doi': value \"doi:10.1000/bad paper\" "
        "does not match the pattern ^10\\.[0-9]{4,9}/[^\\s]+$",
        "Paper <https://doi.org/10.1000/bad-paper>, field 'year': value \"twenty-twenty\" "
        "should be a literal of datatype xsd:gYear",
        "finding X01, field 'cites': cites papers but its evidence type is obo:ECO_0000034 "
        "(author statement without traceable support) (value <https://doi.org/10.1000/bad-paper>)",
        "finding X01, field 'direction': value pgv:hope is not allowed (expected one of: "
        "pgv:improves, pgv:inconsistent, pgv:no-difference, pgv:reduces)",
        "finding X01, field 'outcomes': missing: expected at least 1 value",
        "finding X01, field 'quote': missing: expected at least 1 value",
        "finding X01, field 'quote end offset': missing: expected at least 1 value",
        "finding X01, field 'quote start offset': missing: expected at least 1 value",
    ]


def test_build_check_fails_when_a_finding_breaks_the_shapes(graph):
    from peergraph.check.shacl import read_turtle

    broken = graph + read_turtle(FIXTURES / "inconsistent-finding.ttl")
    with pytest.raises(ValidationFailed) as err:
        check_graph(broken)
    lines = str(err.value).splitlines()
    assert (
        "SHACL: finding X02, field 'direction': value pgv:hope is not allowed (expected one "
        "of: pgv:improves, pgv:inconsistent, pgv:no-difference, pgv:reduces)" in lines
    )
    assert "SHACL: finding X02, field 'quote': missing: expected at least 1 value" in lines
    assert (
        "SHACL: finding X02, field 'settings': value pg:Setting is not a pg:Setting (declare "
        "it in the vocabulary or fix the id)" in lines
    )


def test_quote_start_must_come_before_its_end(graph):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    g = graph + Graph()  # a copy
    oa = "http://www.w3.org/ns/oa#"
    pos = URIRef("https://w3id.org/peergraph/data/finding/F06-position")
    g.remove((pos, URIRef(oa + "start"), None))
    g.add((pos, URIRef(oa + "start"), Literal("2000", datatype=XSD.nonNegativeInteger)))
    messages = [str(v) for v in validate_graph(g)]
    assert messages == [
        "TextPositionSelector finding:F06-position, field 'start': value \"2000\" "
        "must be less than oa:end"
    ]


def test_validate_command_exit_codes(graph, tmp_path, capsys):
    good = tmp_path / "essay.ttl"
    graph.serialize(good, format="turtle")
    assert main(["validate", str(good)]) == 0
    assert "conforms to the peergraph SHACL shapes" in capsys.readouterr().out

    assert main(["validate", str(FIXTURES / "invalid-finding.ttl")]) == 1
    err = capsys.readouterr().err
    assert "Error: finding X01, field 'outcomes': missing: expected at least 1 value" in err
    assert err.rstrip().endswith("invalid-finding.ttl: 9 SHACL violation(s)")

    assert main(["validate", str(FIXTURES / "not-turtle.ttl")]) == 2
    err = capsys.readouterr().err
    assert "not-turtle.ttl: not valid Turtle (line 3, column 14:" in err
    assert "Traceback" not in err

    assert main(["validate", str(tmp_path / "missing.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_build_check_names_the_yaml_file_and_line_of_the_finding(dataset):
    from rdflib import URIRef

    from peergraph.mapping.triples import build_graph

    g = build_graph(dataset)
    f05 = URIRef("https://w3id.org/peergraph/data/finding/F05")
    g.remove((f05, URIRef("https://w3id.org/peergraph/ontology/outcome"), None))
    with pytest.raises(ValidationFailed) as err:
        check_graph(g, dataset)
    assert str(err.value) == (
        "SHACL: data/findings.yaml:53, finding F05, field 'outcomes': missing: expected at least "
        "1 value"
    )


# --- the SPARQL engine (the build's) against pySHACL (the reference) ---------------------------


def _broken_essay(graph):
    """The essay graph with one breach of nearly every kind of constraint in shapes.ttl."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import SKOS, XSD

    pg, pgv = "https://w3id.org/peergraph/ontology/", "https://w3id.org/peergraph/vocab/"
    finding = "https://w3id.org/peergraph/data/finding/"
    oa, cito = "http://www.w3.org/ns/oa#", "http://purl.org/spar/cito/"
    g = Graph()
    g += graph
    f05, f06, f11 = (URIRef(finding + x) for x in ("F05", "F06", "F11"))
    g.remove((f05, URIRef(pg + "outcome"), None))  # minCount
    g.add((f05, URIRef(pg + "direction"), URIRef(pgv + "hope")))  # in + maxCount
    g.add((f06, URIRef(pg + "setting"), URIRef(pgv + "no-such-setting")))  # class
    pos = URIRef(finding + "F06-position")
    g.set((pos, URIRef(oa + "start"), Literal(5000, datatype=XSD.nonNegativeInteger)))  # lessThan
    quote = URIRef(finding + "F06-quote")
    g.set((quote, URIRef(oa + "exact"), Literal("")))  # minLength
    g.set((URIRef(finding + "F06-persistence"), URIRef(pg + "minimum"),
           Literal("-1", datatype=XSD.decimal)))  # minInclusive, lessThanOrEquals  # fmt: skip
    g.set((URIRef(finding + "F11-comparison-1"), URIRef(pg + "favours"),
           URIRef(pgv + "hope")))  # or  # fmt: skip
    g.add((f11, URIRef(cito + "citesAsEvidence"), URIRef("https://doi.org/10.1/x")))
    g.set((f11, URIRef("http://purl.obolibrary.org/obo/SEPIO_0000398"),
           URIRef("http://purl.obolibrary.org/obo/ECO_0000034")))  # SPARQL constraint  # fmt: skip
    hope = URIRef(pgv + "chime-hope")
    g.add((hope, SKOS.prefLabel, Literal("hope", lang="en")))
    g.add((hope, SKOS.prefLabel, Literal("hoping", lang="en")))  # uniqueLang
    g.add((URIRef(finding + "F12a"), URIRef("http://purl.org/dc/terms/identifier"),
           Literal("bad id!")))  # pattern  # fmt: skip
    return g


def _fixture_graphs(graph):
    from peergraph.check.shacl import read_turtle
    from peergraph.mapping.triples import ontology_graph

    yield "essay", graph
    yield "broken essay", _broken_essay(graph)
    for name in ("invalid-finding.ttl", "inconsistent-finding.ttl"):
        yield name, read_turtle(FIXTURES / name) + ontology_graph()


def test_sparql_engine_reports_exactly_the_violations_pyshacl_reports(graph):
    for name, g in _fixture_graphs(graph):
        ours = validate_graph(g, engine="sparql")
        reference = validate_graph(g, engine="pyshacl")
        assert ours == reference, name
    broken = validate_graph(_broken_essay(graph), engine="sparql")
    components = {v.message.split(" ")[0] for v in broken}
    assert len(broken) >= 12 and {"missing:", "value", "too", "more"} <= components


def test_every_shape_in_shapes_ttl_compiles_to_sparql():
    from peergraph.check.shacl import shapes_graph
    from peergraph.check.shacl_sparql import compile_shapes

    queries = compile_shapes(shapes_graph())
    kinds = {q.component for q in queries}
    assert {"MinCountConstraintComponent", "OrConstraintComponent",
            "SPARQLConstraintComponent", "UniqueLangConstraintComponent"} <= kinds  # fmt: skip
    assert len(queries) > 100


def test_a_shape_the_compiler_does_not_know_is_refused_not_skipped():
    from rdflib import Graph

    from peergraph.check.shacl_sparql import UnsupportedShape, compile_shapes

    shapes = Graph().parse(
        data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://e/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ] .""",
        format="turtle",
    )
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)
