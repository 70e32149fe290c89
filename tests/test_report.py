"""Ontology report (SPARQL checks in peergraph/check/qc/*.rq): the shipped ontology and essay pass;
each kind of defect is caught with a message naming the term."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peergraph.check.report import check_graph, checks, run_report
from peergraph.cli import main
from peergraph.errors import ValidationFailed

FIXTURES = Path(__file__).parent / "fixtures"

TINY = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pg: <https://w3id.org/peergraph/ontology/> .
<https://w3id.org/peergraph/ontology> a owl:Ontology ; owl:versionInfo "0" .
pg:Thing a owl:Class ; rdfs:label "thing"@en ; skos:definition "A thing." .
pg:Nameless a owl:Class .
pg:relatesTo a owl:ObjectProperty ; rdfs:label "relates to"@en ; skos:definition "Relates." .
pg:Twice a owl:Class , owl:ObjectProperty ; rdfs:label "twice"@en ; skos:definition "Both." ;
    rdfs:domain pg:Thing ; rdfs:range pg:Thing .
skos:definition a owl:AnnotationProperty .
<https://w3id.org/peergraph/data/x> a pg:Thing ; pg:relatesTo "a literal" .
<https://w3id.org/peergraph/data/y> a pg:Undeclared .
"""


def _tiny_issues():
    from rdflib import Graph

    return {(i.check, i.term, i.problem) for i in run_report(Graph().parse(data=TINY))}


def test_every_check_is_a_sparql_file_with_a_level_and_title():
    found = checks()
    assert len(found) == 11
    assert {c.level for c in found} == {"ERROR", "WARN"}
    assert all(c.title and "SELECT" in c.query for c in found)


def test_the_ontology_and_the_essay_have_no_errors_only_the_gyear_warning(graph):
    issues = run_report(graph)
    assert [(i.level, i.check, i.term) for i in issues] == [
        ("WARN", "non-owl2-datatype", "fabio:hasPublicationYear")
    ]
    # printed papers (11 in the essay's reference list), plus any audited records
    assert re.fullmatch(
        r"\d+ literal\(s\) of http://www.w3.org/2001/XMLSchema#gYear, not an OWL 2 datatype",
        issues[0].problem,
    )
    assert int(issues[0].problem.split()[0]) >= 11
    check_graph(graph)  # does not raise


def test_ontology_only_report_covers_every_module_without_errors():
    from peergraph.mapping.triples import ontology_files, ontology_graph

    assert [p.name for p in ontology_files()][0] == "peergraph.ttl"
    assert "shapes.ttl" not in [p.name for p in ontology_files()]
    assert [i for i in run_report(ontology_graph()) if i.level == "ERROR"] == []


def test_missing_labels_definitions_domains_and_header_are_errors():
    issues = _tiny_issues()
    assert ("missing-label", "pg:Nameless", "no English rdfs:label") in issues
    assert ("missing-definition", "pg:Nameless", "no skos:definition") in issues
    assert ("missing-domain-range", "pg:relatesTo", "no rdfs:domain") in issues
    assert ("missing-domain-range", "pg:relatesTo", "no rdfs:range") in issues
    assert (
        "ontology-header",
        "<https://w3id.org/peergraph/ontology>",
        "ontology header lacks http://purl.org/dc/terms/title",
    ) in issues


def test_owl2_dl_punning_undeclared_classes_and_literal_values_are_errors():
    issues = _tiny_issues()
    assert (
        "undeclared-class",
        "pg:Undeclared",
        "used as the type of an individual but not declared as an owl:Class",
    ) in issues
    assert (
        "dl-punning",
        "pg:Twice",
        "declared both http://www.w3.org/2002/07/owl#Class and "
        "http://www.w3.org/2002/07/owl#ObjectProperty",
    ) in issues
    assert (
        "dl-property-values",
        "pg:relatesTo",
        "object property with a literal value: "
        "https://w3id.org/peergraph/data/x https://w3id.org/peergraph/ontology/relatesTo "
        "a literal",
    ) in issues


def test_the_wrong_finding_fixture_fails_the_report(graph):
    from peergraph.check.shacl import read_turtle

    broken = graph + read_turtle(FIXTURES / "inconsistent-finding.ttl")
    with pytest.raises(ValidationFailed) as err:
        check_graph(broken)
    lines = str(err.value).splitlines()
    assert lines == [
        "ontology report: ERROR class-as-individual: pg:Setting: class used as an individual: "
        "https://w3id.org/peergraph/data/finding/X02 https://w3id.org/peergraph/ontology/setting "
        "https://w3id.org/peergraph/ontology/Setting",
        "ontology report: ERROR undeclared-property: pg:supportedBy: used as a property but not "
        "declared as an owl:ObjectProperty, owl:DatatypeProperty or owl:AnnotationProperty "
        "(declare it in ontology/peergraph.ttl or fix the typo)",
    ]


def test_report_command_exit_codes_and_tsv(tmp_path, capsys):
    tsv = tmp_path / "report.tsv"
    assert main(["report", "--tsv", str(tsv)]) == 0
    assert "ontology report: 11 checks, 0 errors, 1 warning(s)" in capsys.readouterr().out
    assert tsv.read_text().splitlines()[0] == "level\tcheck\tterm\tproblem"
    assert main(["report", "--input", str(FIXTURES / "inconsistent-finding.ttl")]) == 1
    err = capsys.readouterr().err
    assert "Error: ERROR undeclared-property: pg:supportedBy:" in err
    assert "Error: ERROR untyped-individual: source:peer-support-essay:" in err
