"""The built graph says what the essay says: papers, findings, citations, provenance."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from peergraph.iris import (
    CITO,
    ECO_UNCITED,
    HAS_EVIDENCE_TYPE,
    OA,
    PG,
    PGV,
    PRISM,
    finding_iri,
)

ESSAY_DOIS = {
    "10.1016/j.jsat.2016.03.003",
    "10.2147/SAR.S82471",
    "10.1111/inm.13045",
    "10.1176/appi.ps.201300244",
    "10.1186/s12913-022-08654-3",
    "10.1007/s10488-019-00948-3",
    "10.3109/09638237.2011.583947",
    "10.1176/appi.ps.202100138",
    "10.1017/S0033291722002422",
    "10.2975/27.2004.392.401",
    "10.1016/j.schres.2023.01.012",
}
SMIT = URIRef("https://doi.org/10.1017/s0033291722002422")
CHINMAN = URIRef("https://doi.org/10.1176/appi.ps.201300244")


def findings_quoting(graph, text: str) -> list[URIRef]:
    """Findings whose Web Annotation quote selector contains ``text``."""
    query = """
        SELECT ?finding WHERE {
            ?annotation oa:hasBody ?finding ;
                        oa:hasTarget/oa:hasSelector/oa:exact ?exact .
            FILTER(CONTAINS(?exact, ?text))
        }"""
    rows = graph.query(query, initNs={"oa": OA}, initBindings={"text": Literal(text)})
    return sorted(row.finding for row in rows)


def test_exactly_eleven_papers_with_their_printed_dois(graph):
    papers = set(graph.subjects(RDF.type, PG.Paper))
    assert len(papers) == 11
    assert {str(graph.value(p, PRISM.doi)) for p in papers} == ESSAY_DOIS


def test_paper_iri_is_its_lower_case_doi_iri(graph):
    for paper in graph.subjects(RDF.type, PG.Paper):
        assert str(paper) == "https://doi.org/" + str(graph.value(paper, PRISM.doi)).lower()


def test_smit_2023_is_cited_for_the_six_to_nine_month_horizon_finding(graph):
    [finding] = findings_quoting(graph, "persist for up to six to nine months")
    assert set(graph.objects(finding, CITO.citesAsEvidence)) == {SMIT}
    assert graph.value(finding, PG.persistence) is None  # "up to" is no guaranteed duration
    duration = graph.value(finding, PG.followUpHorizon)
    assert graph.value(duration, PG.minimum) is None
    assert graph.value(duration, PG.horizonLowerBound).toPython() == 6
    assert graph.value(duration, PG.horizonUpperBound).toPython() == 9
    assert graph.value(duration, URIRef("http://www.w3.org/2006/time#unitType")) == URIRef(
        "http://www.w3.org/2006/time#unitMonth"
    )
    assert graph.value(duration, PG.measuredFrom) == PGV["end-of-intervention"]


def test_hospital_integrated_services_do_better_than_community_or_online_for_personal_recovery(
    graph,
):
    [finding] = findings_quoting(graph, "hospital-integrated peer services tend to produce")
    [comparison] = list(graph.objects(finding, PG.comparison))
    assert graph.value(comparison, PG.favours) == PGV.hospital
    assert set(graph.objects(comparison, PG.comparator)) == {PGV.community, PGV.online}
    assert set(graph.objects(comparison, PG.comparedOn)) == {PGV["personal-recovery"]}


def test_every_cited_sentence_is_a_finding_with_the_papers_it_cites(graph, dataset, essay_text):
    from peergraph.text.citations import resolve_all
    from peergraph.text.sentences import split_sentences

    source = dataset.sources["peer-support-essay"]
    refs = list(source.references.values())
    body_end = essay_text.index("\nReferences\n")
    cited_sentences = 0
    for span in split_sentences(essay_text[:body_end]):
        resolved, unresolved = resolve_all(span.text, refs)
        assert not unresolved
        if not resolved:
            continue
        cited_sentences += 1
        findings = findings_quoting(graph, span.text)
        assert findings, f"no finding for: {span.text}"
        expected = {URIRef(ref.doi_iri) for _, ref in resolved}
        for f in findings:
            assert set(graph.objects(f, CITO.citesAsEvidence)) == expected
    assert cited_sentences == 11


def test_symptom_reduction_finding_cites_chinman_and_smit(graph):
    [finding] = findings_quoting(graph, "small but statistically significant reductions")
    assert set(graph.objects(finding, CITO.citesAsEvidence)) == {CHINMAN, SMIT}
    assert graph.value(finding, PG.direction) == PGV.reduces
    assert set(graph.objects(finding, PG.magnitude)) == {
        PGV.small,
        PGV["statistically-significant"],
    }
    assert PGV["serious-mental-illness"] in set(graph.objects(finding, PG.population))


def test_uncited_claims_say_plainly_that_they_cite_nothing(graph):
    [finding] = findings_quoting(graph, "Whole-of-system approaches that embed peer roles")
    assert graph.value(finding, HAS_EVIDENCE_TYPE) == ECO_UNCITED
    assert list(graph.objects(finding, CITO.citesAsEvidence)) == []


def test_every_finding_quote_sits_at_its_offsets_in_the_essay(graph, essay_text):
    findings = list(graph.subjects(RDF.type, PG.Finding))
    assert len(findings) >= 23
    for f in findings:
        fid = str(graph.value(f, URIRef("http://purl.org/dc/terms/identifier")))
        exact = str(graph.value(finding_iri(fid, "quote"), OA.exact))
        start = graph.value(finding_iri(fid, "position"), OA.start).toPython()
        end = graph.value(finding_iri(fid, "position"), OA.end).toPython()
        assert essay_text[start:end] == exact


def test_papers_keep_ordered_authors_and_parsed_fields(graph):
    chinman = CHINMAN
    links = sorted(
        graph.objects(chinman, PG.authorship), key=lambda a: graph.value(a, PG.position).toPython()
    )
    names = [
        str(
            graph.value(
                graph.value(link, PG.author), URIRef("http://xmlns.com/foaf/0.1/familyName")
            )
        )
        for link in links
    ]
    assert names == [
        "Chinman",
        "George",
        "Dougherty",
        "Daniels",
        "Ghose",
        "Swift",
        "Delphin-Rittmon",
    ]
    assert graph.value(chinman, PRISM.volume) == Literal("65")
    assert graph.value(chinman, PRISM.issueIdentifier) == Literal("4")
    assert graph.value(chinman, PRISM.startingPage) == Literal("429")
    assert graph.value(chinman, PRISM.endingPage) == Literal("441")


def test_study_design_comes_from_the_title(graph):
    designs = set(graph.objects(SMIT, PG.studyDesign))
    assert designs == {PGV["systematic-review"], PGV["meta-analysis"]}
    assert set(graph.objects(CHINMAN, PG.studyDesign)) == set()
