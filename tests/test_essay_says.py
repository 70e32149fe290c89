"""Say what the essay says, and no more (issue 13): one test per point, on the essay itself.

Expected values are written from the essay's sentences (data/sources/) and the reference and claim
audit (data/reference-audit.yaml, /work/shared/research/claim-audit.csv).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from peergraph.iris import OA, PG, PGD, PGV, finding_iri

MESH = "http://id.nlm.nih.gov/mesh/"


def _local(node) -> str:
    return str(node).rsplit("/", 1)[-1]


def _levels(graph) -> dict[str, str]:
    return {_local(f): _local(lv) for f, lv in graph.subject_objects(PG.supportLevel)}


# --- 1. two axes: bibliographic status vs claim support -------------------------------------


def test_f05_is_not_verified_although_chinman_2014_is_a_confirmed_reference(graph) -> None:
    levels = _levels(graph)
    chinman = URIRef("https://doi.org/10.1176/appi.ps.201300244")
    assert graph.value(chinman, PG.referenceStatus) == PGV["confirmed"]
    # Smit et al. report a clinical-recovery effect, not specifically in SMI; Chinman's abstract
    # does not report symptom reduction: partly supported, never verified
    assert levels["F05"] == "partial-support"
    assert "verified-support" not in levels.values()


def test_every_cited_finding_has_a_claim_audit_and_unread_ones_say_not_checked(
    graph, dataset
) -> None:
    from peergraph.check.audit import support_levels
    from peergraph.ingest.audit import finding_support_level, read_audit

    audit = read_audit(dataset.data_dir)
    cited = [f for f in dataset.findings if f.cites and f.kind == "finding"]
    assert all(graph.value(finding_iri(f.id), PG.claimAudit) is not None for f in cited)
    for fid in ("F09", "F14", "F15b", "F18", "F19"):
        assert audit.claims[fid].verdict == "not-checked"
        assert _levels(graph)[fid] == "unchecked-claim"
    # the Python rule and the SPARQL rule agree on every finding
    sparql = {_local(iri): lv for iri, lv in support_levels(graph).items()}
    python = {
        f.id: finding_support_level(f, audit) for f in dataset.findings if f.kind == "finding"
    }
    assert sparql == python


def test_f15a_is_unverified_because_only_a_record_it_does_not_cite_reports_it(graph) -> None:
    claim = graph.value(finding_iri("F15a"), PG.claimAudit)
    assert graph.value(claim, PG.claimVerdict) == PGV["overstated"]
    assert list(graph.objects(claim, PG.reportedIn)) == [PGD["record/egmose2023"]]
    assert _levels(graph)["F15a"] == "unverified-support"


def test_chimeras_are_their_own_bibliographic_status(graph) -> None:
    chimeras = {
        str(graph.value(p, PG.citationKey))
        for p in graph.subjects(PG.referenceStatus, PGV["chimera"])
    }
    assert chimeras == {"boisvert2016", "davidson2022", "tomas2023"}


# --- 2. certainty as data, horizons not minimums ---------------------------------------------


def test_f06_is_hedged_and_states_a_horizon_not_a_minimum(graph, essay_text) -> None:
    f06 = finding_iri("F06")
    assert graph.value(f06, PG.certainty) == PGV["hedged"]
    assert graph.value(f06, PG.persistence) is None
    horizon = graph.value(f06, PG.followUpHorizon)
    assert graph.value(horizon, RDF.type) == PG.FollowUpHorizon
    low, high = (graph.value(horizon, p) for p in (PG.horizonLowerBound, PG.horizonUpperBound))
    assert (int(low), int(high)) == (6, 9)
    assert graph.value(horizon, PG.minimum) is None
    # the cue is the word "can" of the sentence, at its offsets in the essay
    cue = graph.value(f06, PG.certaintyCue)
    selectors = list(graph.objects(graph.value(cue, OA.hasTarget), OA.hasSelector))
    exact = next(str(graph.value(s, OA.exact)) for s in selectors if graph.value(s, OA.exact))
    start = next(int(graph.value(s, OA.start)) for s in selectors if graph.value(s, OA.start))
    assert exact == "can"
    assert essay_text[start : start + 3] == "can"
    assert essay_text[start:].startswith("can also persist for up to six to nine months")


def test_certainty_levels_follow_the_sentences(graph) -> None:
    by_level: dict[str, set[str]] = {}
    for f, level in graph.subject_objects(PG.certainty):
        by_level.setdefault(_local(level), set()).add(_local(f))
    assert by_level["hedged"] == {"F03", "F06", "F10", "F11", "F14", "F15b", "F19"}
    assert by_level["necessary-condition"] == {"F17", "F23"}  # "hinge on", "must"
    assert graph.value(finding_iri("F14"), PG.mechanismCertainty) == PGV["speculative"]
    # a necessary condition is not stored as an improvement
    assert graph.value(finding_iri("F17"), PG.direction) is None
    total = sum(len(v) for v in by_level.values())
    assert total == 27  # every statement of the essay, findings and definitions alike


def test_the_gap_map_can_leave_hedged_claims_out(graph) -> None:
    from peergraph.view.evidence_map import evidence_map

    everything = evidence_map(graph)
    asserted = evidence_map(graph, include_hedged=False)
    assert "F15b" in everything.cell("community", "clinical-recovery").findings
    assert asserted.cell("community", "clinical-recovery").findings == []
    assert "F06" not in asserted.findings and "F07" in asserted.findings


# --- 3. moderation as data -------------------------------------------------------------------


def _moderations(graph, fid: str) -> set[tuple[str, str, frozenset, frozenset]]:
    out = set()
    for m in graph.objects(finding_iri(fid), PG.moderation):
        who = graph.value(m, PG.moderator)
        out.add(
            (
                _local(who) if who is not None else "",
                _local(graph.value(m, PG.moderationEffect)),
                frozenset(_local(x) for x in graph.objects(m, PG.relativeTo)),
                frozenset(_local(x) for x in graph.objects(m, PG.moderatesOutcome)),
            )
        )
    return out


def test_f07_favours_hospital_on_hope_and_self_efficacy(graph) -> None:
    assert _moderations(graph, "F07") == {
        ("hospital", "favours", frozenset(), frozenset({"hope", "self-efficacy"}))
    }


def test_f15a_states_the_reverse_community_and_peer_designed_programmes_excel(graph) -> None:
    on = frozenset({"agency", "self-advocacy"})
    assert _moderations(graph, "F15a") == {
        ("community", "favours", frozenset(), on),
        ("peer-run", "favours", frozenset(), on),
    }


def test_f11_community_and_online_are_less_consistent_not_improving(graph) -> None:
    f11 = finding_iri("F11")
    assert {_local(s) for s in graph.objects(f11, PG.setting)} == {"hospital"}
    pr = frozenset({"personal-recovery"})
    assert _moderations(graph, "F11") == {
        ("hospital", "favours", frozenset({"community", "online"}), pr),
        ("community", "disfavours", frozenset({"hospital"}), pr),
        ("online", "disfavours", frozenset({"hospital"}), pr),
    }


def test_f14_takes_no_comparator_or_outcome_from_the_next_sentence(graph) -> None:
    f14 = finding_iri("F14")
    assert graph.value(f14, PG.comparison) is None
    assert _moderations(graph, "F14") == {
        ("hospital", "favours", frozenset(), frozenset()),
        ("formal-psychiatric", "favours", frozenset(), frozenset()),
    }
    assert _moderations(graph, "F13") == {("", "differs", frozenset(), frozenset())}


# --- 4. definitions and framing are not evidence ---------------------------------------------


def test_definitions_are_kept_with_provenance_but_are_not_evidence(graph) -> None:
    from peergraph.analysis.network import evidence_network, nodes_of
    from peergraph.view.evidence_map import evidence_map

    for fid, cls in (
        ("F04", PG.Definition),
        ("F08", PG.Definition),
        ("F01", PG.BackgroundStatement),
    ):
        node = finding_iri(fid)
        assert (node, RDF.type, cls) in graph
        assert (node, RDF.type, PG.Finding) not in graph
        assert graph.value(node, PG.supportLevel) is None
        assert graph.value(node, PG.assertedIn) is not None  # provenance kept
        assert any(graph.subjects(OA.hasBody, node))  # and its quote
    network = evidence_network(graph)
    assert not {n for n in nodes_of(network, "Finding") if _local(n) in {"F01", "F04", "F08"}}
    assert not {"F01", "F04", "F08"} & set(evidence_map(graph).findings)


# --- 5. the essay's classification vs the field's --------------------------------------------


def test_hope_is_personal_recovery_and_the_essays_clinical_marker_is_its_statement(graph) -> None:
    for outcome in ("hope", "self-efficacy"):
        assert set(graph.objects(PGV[outcome], PG.recoveryGroup)) == {PGV["personal-recovery"]}
    filed = {
        (_local(graph.value(c, PG.classifiedConcept)), _local(graph.value(c, PG.classifiedUnder)))
        for c in graph.objects(finding_iri("F07"), PG.essayClassification)
    }
    assert filed == {("hope", "clinical-recovery"), ("self-efficacy", "clinical-recovery")}


# --- 6. audited results are triples ----------------------------------------------------------


def test_audited_results_are_triples(graph) -> None:
    egmose = PGD["record/egmose2023"]
    subgroups = {
        _local(graph.value(s, PG.subgroupSetting)): s
        for s in graph.objects(egmose, PG.subgroupResult)
    }
    assert set(subgroups) == {"hospital", "community", "online"}
    assert graph.value(subgroups["online"], PG.statisticallySignificant) == Literal(False)
    assert graph.value(subgroups["hospital"], PG.subgroupOutcome) == PGV["personal-recovery"]
    # Smit et al.: clinical recovery g = 0.19 (0.11 to 0.27), I² = 10%, at post-test
    effect = PGD["record/smit2023-effect-clinical-recovery"]
    ci = graph.value(effect, PG.confidenceInterval)
    assert (float(graph.value(ci, PG.lowerBound)), float(graph.value(ci, PG.upperBound))) == (
        0.11,
        0.27,
    )
    assert float(graph.value(graph.value(effect, PG.heterogeneity), PG.estimate)) == 10
    assert graph.value(effect, PG.timePoint) == PGV["end-of-intervention"]
    # the printed Davidson et al. 2022 resembles Joo et al. 2022, whose author list is truncated
    joo = PGD["record/joo2022"]
    assert joo in set(graph.objects(None, PG.relatedRecord))
    for rid in ("joo2022", "reeves2024", "mulvale2019"):
        assert graph.value(PGD[f"record/{rid}"], PG.authorListComplete) == Literal(False)
    # claims nobody read a record for name the candidate records
    f18 = graph.value(finding_iri("F18"), PG.claimAudit)
    assert {_local(r) for r in graph.objects(f18, PG.candidateRecord)} == {
        "reeves2024",
        "mirbahaeddin2022",
        "mulvale2019",
    }


# --- 7. mappings mean what they say ----------------------------------------------------------


def test_mappings_carry_their_kind_and_reason(graph) -> None:
    peer_group = URIRef(MESH + "D010379")
    assert (PGV["peer-support"], SKOS.exactMatch, peer_group) not in graph
    assert (PGV["peer-support"], SKOS.relatedMatch, peer_group) in graph
    assert (PGV["criminal-justice"], SKOS.narrowMatch, URIRef(MESH + "D000081682")) in graph
    assert (PGV["relapse"], SKOS.broadMatch, URIRef(MESH + "D012008")) in graph
    mapping_props = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                     SKOS.relatedMatch)  # fmt: skip
    reasons = {
        (graph.value(a, OWL.annotatedSource), graph.value(a, OWL.annotatedProperty),
         graph.value(a, OWL.annotatedTarget)): graph.value(a, RDFS.comment)
        for a in graph.subjects(RDF.type, OWL.Axiom)
    }  # fmt: skip
    pairs = [(s, p, o) for p in mapping_props for s, o in graph.subject_objects(p)
             if str(s).startswith(str(PGV))]  # fmt: skip
    assert len(pairs) == 60
    assert all(reasons.get(t) for t in pairs)


def test_settings_split_into_facets_and_insertion_is_not_organisational_support(graph) -> None:
    def members(scheme: str) -> set[str]:
        return {_local(c) for c in graph.subjects(SKOS.inScheme, PGV[scheme])}

    assert members("delivery-modes") == {"online"}
    assert members("provider-models") == {"peer-run"}
    assert {"hospital", "community", "formal-psychiatric"} <= members("setting-places")
    assert not members("setting-places") & (members("delivery-modes") | members("provider-models"))
    insertion = PGV["isolated-programme-insertion"]
    assert PGV["organisational-support"] not in set(graph.objects(insertion, SKOS.broader))


# --- 8. README's evidence-integrity section is real output -----------------------------------


def test_readme_audit_excerpt_is_what_peergraph_audit_prints() -> None:
    from peergraph.check.audit import report_text, run_audit

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- audit-excerpt:start -->\n```text\n(.*?)\n```", readme, re.S)
    if m is None:
        pytest.fail("README has no audit excerpt")
    blocks = report_text(run_audit()).split("\n\n")
    heads = ("References (", "Claims audited", "Support levels", "Not evidence", "Findings not")
    assert m.group(1) == "\n\n".join(b for b in blocks if b.startswith(heads))
