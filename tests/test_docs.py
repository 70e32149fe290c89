"""Ontology documentation: one offline, deterministic HTML page with every term."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import OWL

from peergraph.view.docs import docs_exports, ontology_html

PG = "https://w3id.org/peergraph/ontology/"


@pytest.fixture(scope="module")
def page(graph) -> str:
    return docs_exports(graph)["ontology/index.html"]().decode("utf-8")


def test_page_is_deterministic(graph, page):
    assert docs_exports(graph)["ontology/index.html"]().decode("utf-8") == page


def test_page_loads_nothing_from_outside(page):
    assert re.findall(r'(?:src|href)\s*=\s*"(?!#)([^"]*)"', page) == []
    assert "<script" not in page and "<link" not in page and "@import" not in page


def test_every_class_and_property_has_a_section_with_its_definition(graph, page):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(PG):
                assert f'id="pg-{str(term)[len(PG) :]}"' in page, term
    assert "A single claim made by a source document about the effect of a peer support" in page


def test_defined_classes_show_their_definition_and_reasoned_members(page):
    section = page.split('id="pg-MetaAnalyticFinding"', 1)[1].split("</section>", 1)[0]
    assert "<b>some</b>" in section and "pgv:meta-analysis" in section
    assert "members (asserted or inferred by the reasoner)" in section
    assert [m for m in re.findall(r"finding:(F\w+)", section)] == ["F05", "F06", "F07", "F11"]


def test_examples_from_the_data_and_alignments(page):
    comparison = page.split('id="pg-Comparison"', 1)[1].split("</section>", 1)[0]
    assert "finding:F11-comparison-1" in comparison
    assert "hospital better than community or online" in comparison
    assert 'title="http://purl.org/spar/fabio/Expression">fabio:Expression' in page
    assert 'id="alignments"' in page and "pico:Setting" in page
    assert 'id="pgv-meta-analysis"' in page and "exact:" in page


def test_text_from_the_ontology_is_escaped():
    g = Graph()
    g.add((URIRef(PG + "Evil"), RDF.type, OWL.Class))
    from rdflib import RDFS, Literal

    g.add((URIRef(PG + "Evil"), RDFS.label, Literal("<script>alert(1)</script>")))
    html = ontology_html(g).decode("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
