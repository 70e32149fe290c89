"""Evidence integrity (issue 9): reference audit as data, resolved records, STATO effect sizes,
support levels per finding, fragility of conclusions, and ``peergraph audit``."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from peergraph.iris import CITO, OA, OBO, PG, PGD, PGV, PRISM, finding_iri

CROSSREF = Path(__file__).parent / "fixtures" / "crossref"
SMIT = URIRef("https://doi.org/10.1017/s0033291722002422")
REPPER2023 = URIRef("https://doi.org/10.1176/appi.ps.202100138")
CHINMAN = URIRef("https://doi.org/10.1176/appi.ps.201300244")
EGMOSE = PGD["record/egmose2023"]
SMIT_RECORD = PGD["record/smit2023"]

# support levels from the claim audit only (issue 13): no claim is reported as stated by a record
# its citation resolves to, so nothing is verified
PARTIAL = {"F05", "F16a", "F16b"}  # partly supported by the records the citations resolve to
UNVERIFIED = {"F06", "F07", "F11", "F12a", "F12b", "F15a"}  # not reported, or only by Egmose
UNCHECKED = {"F09", "F14", "F15b", "F18", "F19"}  # cited, but no record read for the claim


def _statuses(graph) -> dict[str, str]:
    return {
        str(graph.value(p, PG.citationKey)): str(s).rsplit("/", 1)[-1]
        for p, s in graph.subject_objects(PG.referenceStatus)
    }


@pytest.fixture(scope="module")
def report():
    from peergraph.check.audit import run_audit

    return run_audit()


def test_every_printed_reference_has_the_audited_status(graph) -> None:
    statuses = _statuses(graph)
    assert len(statuses) == 11
    by_status: dict[str, set[str]] = {}
    for key, status in statuses.items():
        by_status.setdefault(status, set()).add(key)
    assert by_status == {
        "confirmed": {"chinman2014", "repper2011", "solomon2004"},
        "mismatched": {"repper2023", "smit2023"},
        "chimera": {"boisvert2016", "davidson2022", "tomas2023"},
        "not-found": {"andreas2016", "byrne2023", "mulvale2019"},
    }
    assert all(
        len(list(graph.objects(p, PG.referenceStatus))) == 1
        for p in graph.subjects(RDF.type, PG.Paper)
    )


def test_resolved_record_has_its_own_iri_and_real_authors_not_the_printed_paper(graph) -> None:
    # the printed DOI of "Repper & Carter 2023" belongs to Egmose et al. 2023
    assert (REPPER2023, PG.resolvesTo, EGMOSE) in graph
    assert graph.value(EGMOSE, PRISM.doi) == Literal("10.1176/appi.ps.202100138")
    record_authors = {
        str(graph.value(p, URIRef("http://xmlns.com/foaf/0.1/familyName")))
        for p in graph.objects(EGMOSE, DCTERMS.creator)
    }
    assert "Egmose" in record_authors and "Repper" not in record_authors
    printed = {str(p).rsplit("/", 1)[-1] for p in graph.objects(REPPER2023, DCTERMS.creator)}
    assert printed == {"repper2023-repper-j-96aab7", "repper2023-carter-t-a9d7eb"}
    # no real-record fact lands on the Paper node
    assert list(graph.objects(REPPER2023, PRISM.doi)) == [Literal("10.1176/appi.ps.202100138")]
    assert (REPPER2023, RDF.type, PG.PublishedRecord) not in graph
    assert (EGMOSE, RDF.type, PG.Paper) not in graph


def test_smit_record_carries_the_real_issue_and_pages_and_the_paper_the_printed_ones(graph):
    assert graph.value(SMIT_RECORD, PRISM.issueIdentifier) == Literal("11")
    assert graph.value(SMIT_RECORD, PRISM.startingPage) == Literal("5332")
    assert graph.value(SMIT_RECORD, PRISM.endingPage) == Literal("5341")
    assert graph.value(SMIT, PRISM.issueIdentifier) == Literal("5")
    assert graph.value(SMIT, PRISM.startingPage) == Literal("1234")
    audit_node = next(graph.subjects(PG.auditOf, SMIT))
    assert {str(d) for d in graph.objects(audit_node, PG.discrepancy)} == {"issue", "pages"}
    assert any("cambridge.org" in str(s) for s in graph.objects(audit_node, PROV.wasDerivedFrom))


def test_effect_sizes_are_stato_estimates_with_ci_heterogeneity_and_provenance(graph) -> None:
    effects = {str(e).rsplit("/", 1)[-1]: e for e in graph.objects(SMIT_RECORD, PG.reportsEffect)}
    clinical = effects["smit2023-effect-clinical-recovery"]
    assert (clinical, RDF.type, OBO["STATO_0000085"]) in graph
    assert (clinical, RDF.type, OBO["STATO_0000319"]) in graph  # Hedges's g
    assert graph.value(clinical, PG.estimate).toPython() == Decimal("0.19")
    assert graph.value(clinical, PG.measuresOutcome) == PGV["clinical-recovery"]
    ci = graph.value(clinical, PG.confidenceInterval)
    assert (ci, RDF.type, OBO["STATO_0000231"]) in graph
    assert (
        graph.value(ci, PG.lowerBound).toPython(),
        graph.value(ci, PG.upperBound).toPython(),
    ) == (Decimal("0.11"), Decimal("0.27"))
    i2 = graph.value(clinical, PG.heterogeneity)
    assert (i2, RDF.type, OBO["STATO_0000420"]) in graph
    assert graph.value(i2, PG.estimate).toPython() == Decimal("10")
    assert any("cambridge.org" in str(s) for s in graph.objects(clinical, PROV.wasDerivedFrom))
    anxiety = PGD["record/egmose2023-effect-anxiety"]
    assert (anxiety, RDF.type, OBO["STATO_0000100"]) in graph  # standardized mean difference
    assert graph.value(anxiety, PG.estimate).toPython() == Decimal("-0.21")
    ci = graph.value(anxiety, PG.confidenceInterval)
    assert graph.value(ci, PG.lowerBound).toPython() == Decimal("-0.40")


def test_each_in_text_citation_is_a_node_with_printed_text_and_offsets(graph, essay_text) -> None:
    citations = set(graph.subjects(RDF.type, PG.InTextCitation))
    assert len(citations) == 22  # 14 cited findings, 22 (finding, citation) pairs
    node = finding_iri("F05", "citation-1")
    assert (node, RDF.type, CITO.Citation) in graph
    assert str(graph.value(node, PG.printedText)) == "Chinman et al., 2014"
    assert graph.value(node, CITO.hasCitingEntity) == finding_iri("F05")
    assert graph.value(node, CITO.hasCitedEntity) == CHINMAN
    for c in citations:
        pos = graph.value(c, PG.textPosition)
        start, end = (int(graph.value(pos, p)) for p in (OA.start, OA.end))
        assert essay_text[start:end] == str(graph.value(c, PG.printedText))
    f06 = [c for c in citations if graph.value(c, CITO.hasCitingEntity) == finding_iri("F06")]
    assert [str(graph.value(c, PG.printedText)) for c in f06] == ["Smit et al., 2023"]
    assert graph.value(f06[0], CITO.hasCitedEntity) == SMIT


def test_support_levels_computed_from_the_graph(graph) -> None:
    from peergraph.check.audit import support_levels

    levels = {iri.rsplit("/", 1)[-1]: lvl for iri, lvl in support_levels(graph).items()}
    assert len(levels) == 24  # F01, F04, F08 are not findings (background, definitions)
    assert not {f for f, lv in levels.items() if lv == "verified-support"}
    assert {f for f, lv in levels.items() if lv == "partial-support"} == PARTIAL
    assert {f for f, lv in levels.items() if lv == "unverified-support"} == UNVERIFIED
    assert {f for f, lv in levels.items() if lv == "unchecked-claim"} == UNCHECKED
    assert levels["F20"] == "no-support" and "F01" not in levels
    # the materialised pg:supportLevel agrees with the query, for every finding
    for iri, level in support_levels(graph).items():
        assert graph.value(URIRef(iri), PG.supportLevel) == PGV[level]


def test_claim_verdicts_are_data_per_finding(graph) -> None:
    def verdict(fid: str) -> str:
        audit = graph.value(finding_iri(fid), PG.claimAudit)
        return str(graph.value(audit, PG.claimVerdict)).rsplit("/", 1)[-1]

    assert verdict("F06") == "unverified"
    assert verdict("F07") == verdict("F11") == "misattributed"
    assert verdict("F15a") == "overstated"
    assert verdict("F20") == "uncited"
    f11 = graph.value(finding_iri("F11"), PG.claimAudit)
    assert list(graph.objects(f11, PG.reportedIn)) == [EGMOSE]


def test_f06_persistence_rests_only_on_a_reference_whose_record_does_not_report_it(report):
    rows = {r["finding"]: r for r in report.not_reported}
    assert set(rows) == {"F06", "F11", "F12a", "F12b"}
    assert rows["F06"]["cites"] == "smit2023"
    assert rows["F06"]["records"].startswith("Smit et al. 2023")
    assert rows["F06"]["verdict"] == "unverified"
    assert rows["F11"]["reported_instead_in"].startswith("Egmose et al. 2023")


def test_fragility_names_the_single_source_a_conclusion_hangs_on(report) -> None:
    c = {row["conclusion"]: row for row in report.conclusions}
    # F07 (hospitals amplify hope, self-efficacy) now counts through its moderator
    assert c["hospital-personal-recovery"]["findings"] == "F07, F11"
    assert c["hospital-personal-recovery"]["fragile_on"] == ""
    assert c["hospital-personal-recovery"]["level"] == "unverified-support"
    assert c["clinical-benefits-persist"]["fragile_on"] == "smit2023"
    assert c["peer-worker-retention"]["fragile_on"] == "davidson2022"
    # F14 names no outcome; it counts for clinical recovery only as part of "benefits"
    assert c["hospital-clinical-recovery"]["findings"] == "F14"
    assert c["hospital-clinical-recovery"]["level"] == "unchecked-claim"
    assert c["hospital-clinical-recovery"]["verified_fragile_on"] == ""
    assert c["substance-use-justice"]["level"] == "partial-support"


def test_crossref_check_against_records_written_for_the_test(dataset) -> None:
    from peergraph.check.audit import crossref_check

    results = {r.key: r for r in crossref_check(dataset, CROSSREF)}
    assert (results["smit2023"].status, results["smit2023"].differs) == (
        "mismatched",
        ["issue", "pages"],
    )
    assert (results["repper2023"].status, results["repper2023"].differs) == (
        "mismatched",
        ["authors"],
    )
    assert results["repper2011"].status == "confirmed"
    assert results["chinman2014"].status == "confirmed"
    assert results["andreas2016"].status == "not-found"


def test_without_an_audit_nothing_reads_as_verified_and_crossref_fills_in(data_copy) -> None:
    from peergraph.check.audit import run_audit
    from peergraph.ingest.dataset import load
    from peergraph.mapping.triples import build_graph

    (data_copy / "reference-audit.yaml").unlink()
    g = build_graph(load(data_copy))
    assert set(_statuses(g).values()) == {"unchecked"}
    assert not list(g.subjects(PG.supportLevel, PGV["verified-support"]))
    report = run_audit(data_copy, crossref=CROSSREF)
    levels = {f["finding"]: f["level"] for f in report.findings}
    # repper2011 is confirmed by its Crossref record, but a confirmed reference is not a
    # confirmed claim: with no claim audit, F09 stays "not checked"
    assert levels["F09"] == "unchecked-claim"
    assert "verified-support" not in levels.values()
    assert levels["F06"] == "unchecked-claim"  # smit2023's Crossref record differs
    refs = {r["key"]: r for r in report.references}
    assert (refs["repper2011"]["status"], refs["repper2011"]["status_from"]) == (
        "confirmed",
        "crossref",
    )


def test_cli_strict_fails_on_unverified_findings_and_writes_csv_json(tmp_path, capsys) -> None:
    from peergraph.cli import main

    assert main(["audit", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "smit2023: mismatched (differs: issue, pages)" in out
    assert "F06  cites smit2023" in out
    data = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    assert len(data["references"]) == 11 and len(data["findings"]) == 24
    with (tmp_path / "audit-findings.csv").open(encoding="utf-8") as fh:
        rows = {r["finding"]: r for r in csv.DictReader(fh)}
    assert rows["F06"]["level"] == "unverified-support"
    assert rows["F06"]["cites"] == "smit2023 (mismatched)"
    assert main(["audit", "--strict", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: 6 finding(s) rest only on unverified references: ")
    assert "F06" in err and "F05" not in err


def test_a_typo_in_the_audit_file_names_file_record_and_field(data_copy, capsys) -> None:
    from peergraph.cli import main

    path = data_copy / "reference-audit.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace("    status: confirmed", "    status: confrimed", 1)
    path.write_text(broken, encoding="utf-8")
    assert main(["audit", "--data", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "reference-audit.yaml" in err and "reference chinman2014" in err
    assert "field 'status': unknown status 'confrimed' (did you mean 'confirmed'?)" in err
    assert "Traceback" not in err


def test_a_broken_crossref_file_is_bad_input(tmp_path, capsys) -> None:
    from peergraph.cli import main

    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    assert main(["audit", "--crossref", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "x.json: not valid JSON" in err


def test_support_levels_is_a_named_query() -> None:
    from peergraph.sparql.engine import named_queries

    q = named_queries()["support-levels"]
    assert q.title.startswith("What each finding rests on")


def test_support_levels_covers_every_finding_past_the_query_s_first_page(tmp_path) -> None:
    """The support-levels query pages (100 findings by default); the audit needs them all: the
    30-paper synthetic set has 150 findings, each with a level equal to the mapping's."""
    from peergraph.check.audit import support_levels
    from peergraph.curate.synth import synthesize
    from peergraph.export.store import open_store
    from peergraph.sparql.engine import query

    data = tmp_path / "data"
    synthesize(data, papers=30, seed=3)
    store = open_store(data)
    levels = support_levels(store)
    written = query(
        "SELECT ?f ?l WHERE { ?f <https://w3id.org/peergraph/ontology/supportLevel> ?l }",
        source=store,
    ).rows
    assert len(levels) == len(written) == 150
    assert levels == {r["f"]: str(r["l"]).rsplit("/", 1)[-1] for r in written}
