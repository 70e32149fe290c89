"""The build's JSON-LD writer: rdflib's compact JSON-LD, written straight from sorted rows.

The writer never builds an rdflib graph (so it serves 100k findings); these tests hold it to
rdflib's serializer byte for byte on small graphs, and to real parsers (rdflib, pyoxigraph)
reading the written file back to the graph of the N-Triples export.
"""

from __future__ import annotations

import io
import json

import pytest

from peergraph.export.writers import _jsonld, jsonld_rows
from peergraph.mapping.triples import rdflib_triples, rows, sorted_rows

from .conftest import EXPORTS


def _written(row_list: list) -> bytes:
    buf = io.BytesIO()
    jsonld_rows(row_list, None, buf)
    return buf.getvalue()


def _rows_of_turtle(text: str) -> list:
    from rdflib import Graph

    return sorted_rows(rows(Graph().parse(data=text, format="turtle")))


LISTS_AND_BLANK_NODES = """
@prefix pg: <https://w3id.org/peergraph/ontology/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
pg:chain a owl:ObjectProperty ; owl:propertyChainAxiom ( pg:outcome pg:recoveryGroup ) .
pg:Either a owl:Class ; owl:equivalentClass [ a owl:Class ;
    owl:unionOf ( pg:Setting [ a owl:Restriction ; owl:onProperty pg:setting ;
                               owl:someValuesFrom pg:Setting ] ) ] .
pg:Nested a owl:Class ; rdfs:comment "lists of lists" ;
    pg:matrix ( ( 1 2 ) ( "a"@en true ) ) ;
    pg:empty () ;
    pg:number "2.50"^^xsd:decimal , 3 , "x"^^xsd:token .
"""


def test_lists_blank_nodes_and_literals_are_written_as_rdflibs_serializer_writes_them():
    row_list = _rows_of_turtle(LISTS_AND_BLANK_NODES)
    written = _written(row_list)
    assert written == _jsonld(list(rdflib_triples(row_list)))
    doc = json.loads(written)
    chain = next(n for n in doc["@graph"] if n["@id"] == "pg:chain")
    assert chain["owl:propertyChainAxiom"] == {
        "@list": [{"@id": "pg:outcome"}, {"@id": "pg:recoveryGroup"}]
    }
    nested = next(n for n in doc["@graph"] if n["@id"] == "pg:Nested")
    assert nested["pg:matrix"] == {
        "@list": [{"@list": [1, 2]}, {"@list": [{"@language": "en", "@value": "a"}, True]}]
    }
    assert nested["pg:empty"] == {"@list": []}
    # list cells get no node object of their own: only the union and the restriction remain
    blank = [n["@id"] for n in doc["@graph"] if n["@id"].startswith("_:")]
    assert len(blank) == 2


def test_lists_read_back_isomorphic_with_rdflib():
    from rdflib import Graph
    from rdflib.compare import isomorphic

    row_list = _rows_of_turtle(LISTS_AND_BLANK_NODES)
    back = Graph().parse(data=_written(row_list), format="json-ld")
    assert isomorphic(back, Graph().parse(data=LISTS_AND_BLANK_NODES, format="turtle"))


def _canonical(triples: object) -> object:
    """A pyoxigraph Dataset with canonical blank node labels: equal iff the graphs are
    isomorphic (rdflib's ``isomorphic`` takes half a minute on the ontology's blank nodes)."""
    import pyoxigraph as ox

    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def test_essay_jsonld_export_is_the_nt_export_for_rdflib_and_pyoxigraph():
    import pyoxigraph as ox
    from rdflib import Graph

    jsonld, nt = EXPORTS / "peergraph.jsonld", EXPORTS / "peergraph.nt"
    expected = _canonical(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
    assert len(expected) > 5000
    by_pyoxigraph = _canonical(ox.parse(path=str(jsonld), format=ox.RdfFormat.JSON_LD))
    assert len(by_pyoxigraph) == len(expected)
    assert by_pyoxigraph == expected
    by_rdflib = Graph().parse(jsonld, format="json-ld").serialize(format="nt", encoding="utf-8")
    rdflib_read = _canonical(ox.parse(by_rdflib, format=ox.RdfFormat.N_TRIPLES))
    assert len(rdflib_read) == len(expected)
    assert rdflib_read == expected


@pytest.mark.parametrize("papers", [30])
def test_synthetic_jsonld_is_rdflibs_bytes(tmp_path, papers):
    from peergraph.curate.synth import synthesize
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import data_rows, ontology_rows

    synthesize(tmp_path / "data", papers=papers, seed=5)
    row_list = sorted_rows([*data_rows(load(tmp_path / "data")), *ontology_rows()])
    assert _written(row_list) == _jsonld(list(rdflib_triples(row_list)))
