"""Named competency queries: one test per question, checking the rows against the essay."""

from __future__ import annotations

import pytest

from tests.conftest import DATA

QUESTION_QUERIES = [
    "outcomes-by-direction",
    "clinical-vs-personal",
    "setting-outcomes",
    "setting-comparisons",
    "persistence",
    "uncited-claims",
    "papers-ranked",
    "organisational-factors",
    "personal-recovery-mechanisms",
    "substance-use-justice",
    "chime-domains",
    "evidence-gaps",
    "qualitative-only",
    "finding-provenance",
    "papers-by-year",
    "population-outcomes",
    "findings",
]


@pytest.fixture(scope="session")
def store():
    from peergraph.export.store import open_store

    return open_store(DATA)


@pytest.fixture(scope="session")
def run(store):
    from peergraph.sparql.engine import query

    def _run(name, **params):
        return query(name, params or None, store)

    return _run


def split(cell):
    return set(cell.split(", ")) if cell else set()


def by(rows, key):
    return {row[key]: row for row in rows}


def test_every_issue_question_has_a_named_query_with_title_and_description():
    from peergraph.sparql.engine import named_queries

    queries = named_queries()
    assert set(QUESTION_QUERIES) <= set(queries)
    for q in queries.values():
        assert q.title and q.title != q.name, q.name
        assert q.description and "\n" not in q.description, q.name


def test_named_queries_use_only_standard_sparql_11(run):
    # rdflib's parser knows standard SPARQL 1.1 only; a pyoxigraph extension would fail here
    from rdflib.plugins.sparql import prepareQuery

    from peergraph.sparql.engine import named_queries

    for q in named_queries().values():
        prepareQuery(q.text)


def test_outcomes_by_direction_gives_counts_and_designs(run):
    rows = run("outcomes-by-direction").rows
    anxiety = [r for r in rows if r["outcomeLabel"] == "anxiety"]
    assert len(anxiety) == 1
    assert anxiety[0]["direction"] == "reduces"
    assert (anxiety[0]["findingCount"], anxiety[0]["paperCount"]) == (1, 2)  # F05: 2 papers
    assert split(anxiety[0]["designs"]) == {"meta-analysis", "systematic review"}
    stigma = [r for r in rows if r["outcomeLabel"] == "stigma"]
    assert [(r["direction"], r["findingCount"], r["paperCount"]) for r in stigma] == [
        ("reduces", 1, 1)  # F12b, tomas2023
    ]
    hope = by([r for r in rows if r["direction"] == "improves"], "outcomeLabel")["hope"]
    assert hope["findingCount"] == 3  # F07, F09, F22a
    listed = run("findings", outcome="hope", direction="improves").rows
    assert [r["finding"] for r in listed] == ["F07", "F09", "F22a"]
    assert {r["direction"] for r in rows} == {"improves", "reduces"}


def test_outcomes_by_direction_binds_an_outcome_parameter(run):
    rows = run("outcomes-by-direction", outcome="relapse").rows
    assert [(r["outcomeLabel"], r["direction"], r["findingCount"]) for r in rows] == [
        ("relapse", "reduces", 1)
    ]
    assert [r["finding"] for r in run("findings", outcome="relapse").rows] == ["F16a"]


def test_clinical_vs_personal_lists_both_groups_side_by_side(run):
    rows = run("clinical-vs-personal").rows
    clinical = {r["finding"] for r in rows if r["groupLabel"] == "clinical recovery"}
    personal = {r["finding"] for r in rows if r["groupLabel"] == "personal recovery"}
    assert {"F05", "F06", "F14", "F15b", "F22b"} <= clinical
    assert {"F09", "F10", "F11", "F12a", "F12b", "F15a"} <= personal
    assert not {"F11", "F12b", "F15a"} & clinical
    assert not {"F05", "F06", "F15b"} & personal
    # hope and self-efficacy are personal recovery (CHIME), although the essay calls them
    # clinical markers; F14's "clearer benefits" names no outcome, so it is in both groups
    assert "F07" in personal and "F07" not in clinical
    assert "F14" in clinical and "F14" in personal
    f05 = by([r for r in rows if r["groupLabel"] == "clinical recovery"], "finding")["F05"]
    assert split(f05["magnitude"]) == {"small", "statistically significant"}
    assert f05["direction"] == "reduces"


def test_setting_outcomes_shows_where_what_was_found(run):
    rows = run("setting-outcomes").rows
    pairs = {(r["settingLabel"], r["outcomeLabel"], r["direction"]) for r in rows}
    assert ("hospital", "hope", "improves") in pairs
    assert ("hospital", "personal recovery", "improves") in pairs
    assert ("community", "clinical recovery", "inconsistent") in pairs
    # F11 says online results are less consistent: online is a moderator, not a setting of F11
    assert ("online", "personal recovery", "improves") not in pairs
    hospital = run("setting-outcomes", setting="hospital").rows
    assert {r["settingLabel"] for r in hospital} == {"hospital"}
    assert {r["outcomeLabel"] for r in hospital} == {
        "clinical recovery", "hope", "personal recovery", "self-efficacy"
    }  # fmt: skip


def test_setting_comparisons_state_hospital_over_community_and_online(run):
    rows = by(run("setting-comparisons").rows, "finding")
    assert rows["F11"]["favoursLabel"] == "hospital"
    assert split(rows["F11"]["comparators"]) == {"community", "online"}
    assert rows["F11"]["outcomes"] == "personal recovery"
    assert rows["F11"]["papers"] == "smit2023"
    # F14's sentence names no comparator: none is imported from the next sentence
    assert "F14" not in rows


def test_persistence_is_a_six_to_nine_month_horizon_on_smit_2023_not_a_minimum(run):
    rows = run("persistence").rows
    assert len(rows) == 1
    row = rows[0]
    assert row["finding"] == "F06"
    assert "minimum" not in row
    assert row["stated"].startswith("effects still reported up to")
    assert (row["lower"], row["upper"], row["unit"]) == (6, 9, "month")
    assert row["certainty"] == "hedged"
    assert row["measuredFrom"] == "end of intervention"
    assert row["authority"] == "smit2023"
    assert "six to nine months post-treatment" in row["quote"]


def test_uncited_claims_are_exactly_the_sentences_without_citations(run, dataset):
    rows = run("uncited-claims").rows
    expected = sorted(f.id for f in dataset.findings if not f.cites and f.kind == "finding")
    assert sorted(r["finding"] for r in rows) == expected
    assert {"F13", "F20", "F23"} <= set(expected)
    assert not {"F01", "F04", "F08"} & set(expected)  # background and definitions
    assert all("et al." not in r["quote"] for r in rows)


def test_papers_ranked_puts_smit_2023_first(run):
    rows = run("papers-ranked").rows
    assert rows[0]["key"] == "smit2023"
    assert (rows[0]["sentences"], rows[0]["findingCount"]) == (3, 3)
    smit = run("findings", paper=rows[0]["paper"]).rows
    assert {r["finding"] for r in smit} == {"F05", "F06", "F11"}
    ranked = by(rows, "key")
    assert (ranked["tomas2023"]["sentences"], ranked["tomas2023"]["findingCount"]) == (2, 4)
    assert ranked["repper2023"]["findingCount"] == 1
    assert len(rows) == 11
    sentences = [r["sentences"] for r in rows]
    assert sentences == sorted(sentences, reverse=True)


def test_organisational_factors_lead_to_retention_sustainability_contribution(run):
    rows = run("organisational-factors").rows
    pairs = {(r["factorLabel"], r["outcomeLabel"]): r for r in rows}
    dev = pairs[("professional development", "peer worker retention")]
    assert (dev["findingCount"], dev["paperCount"]) == (1, 1)  # F19, davidson2022
    assert ("professional development", "peer worker contribution") in pairs
    assert pairs[("organisational policy", "programme sustainability")]["findingCount"] == 1
    sup = pairs[("structured supervision", "peer role integration")]
    assert sup["paperCount"] == 2  # byrne2023, mulvale2019
    listed = run("findings", factor="organisational-policy",
                 outcome="programme-sustainability").rows  # fmt: skip
    assert [r["finding"] for r in listed] == ["F17"]
    only = run("organisational-factors", factor="structured-supervision").rows
    assert [r["outcomeLabel"] for r in only] == ["peer role integration"]


def test_personal_recovery_mechanisms(run):
    rows = by(run("personal-recovery-mechanisms").rows, "mechanismLabel")
    assert set(rows) == {
        "connection", "validation", "shared experience", "mutual support", "lived experience"
    }  # fmt: skip
    assert (rows["connection"]["findingCount"], rows["connection"]["paperCount"]) == (1, 2)
    listed = run("findings", mechanism="connection", group="personal-recovery").rows
    assert [(r["finding"], r["papers"]) for r in listed] == [("F09", "repper2011, solomon2004")]
    assert rows["shared experience"]["outcomes"] == "empowerment"
    # clinical-only mechanisms (F14's integration, training, infrastructure) are not listed
    assert "standardised training" not in rows


def test_substance_use_and_justice_evidence(run):
    rows = by(run("substance-use-justice").rows, "finding")
    assert set(rows) == {"F16a", "F16b"}
    assert (rows["F16a"]["direction"], rows["F16a"]["outcomes"]) == ("reduces", "relapse")
    assert split(rows["F16b"]["outcomes"]) == {"treatment engagement", "social reintegration"}
    assert split(rows["F16a"]["settings"]) == {"criminal justice", "substance use treatment"}
    assert split(rows["F16a"]["papers"]) == {"boisvert2016", "andreas2016"}
    assert "partly supported" in rows["F16a"]["note"]


def test_chime_domains_have_their_findings_and_papers(run):
    rows = by(run("chime-domains").rows, "domain")
    assert len(rows) == 5
    hope = rows["https://w3id.org/peergraph/vocab/chime-hope"]
    # F07, F09, F22a (F08 defines, it is not evidence); repper2023, repper2011, solomon2004
    assert (hope["findingCount"], hope["paperCount"]) == (3, 3)
    assert [r["finding"] for r in run("findings", domain="chime-hope").rows] == [
        "F07", "F09", "F22a"
    ]  # fmt: skip
    identity = rows["https://w3id.org/peergraph/vocab/chime-identity"]
    assert split(identity["outcomes"]) == {"identity", "self-esteem", "stigma"}
    connected = rows["https://w3id.org/peergraph/vocab/chime-connectedness"]
    assert connected["findingCount"] == 2
    listed = run("findings", domain="chime-connectedness").rows
    assert [r["finding"] for r in listed] == ["F12a", "F16b"]


def test_evidence_gaps_are_outcome_setting_pairs_without_findings(run):
    gaps = {(r["settingLabel"], r["outcomeLabel"]) for r in run("evidence-gaps").rows}
    assert ("online", "clinical recovery") in gaps
    assert ("criminal justice", "hope") in gaps
    assert ("peer-run", "stigma") in gaps
    # pairs with evidence are not gaps, also via a specific outcome's recovery group
    # F11 no longer tags online as a setting where peer support improves personal recovery
    assert ("online", "personal recovery") in gaps
    assert ("hospital", "hope") not in gaps
    assert ("hospital", "clinical recovery") not in gaps
    assert ("criminal justice", "substance use and justice outcomes") not in gaps
    online = run("evidence-gaps", setting="online").rows
    assert {r["settingLabel"] for r in online} == {"online"}


def test_qualitative_only_findings(run):
    rows = run("qualitative-only").rows
    assert [(r["finding"], r["papers"], r["designs"]) for r in rows] == [
        ("F19", "davidson2022", "qualitative study")
    ]


def test_finding_provenance_gives_exact_sentence_and_offsets(run, essay_text):
    rows = run("finding-provenance", finding="F06").rows
    assert len(rows) == 1
    row = rows[0]
    assert essay_text[row["start"] : row["end"]] == row["quote"]
    assert row["quote"].startswith("Studies indicate that these clinical improvements")
    assert row["source"] == "https://w3id.org/peergraph/data/source/peer-support-essay"
    assert row["papers"] == "smit2023"
    everything = run("finding-provenance").rows
    assert all(essay_text[r["start"] : r["end"]] == r["quote"] for r in everything)


def test_papers_by_year_and_journal(run):
    rows = run("papers-by-year").rows
    assert [r["key"] for r in rows][:3] == ["solomon2004", "repper2011", "chinman2014"]
    assert [r["year"] for r in rows] == sorted(r["year"] for r in rows)
    smit = by(rows, "key")["smit2023"]
    assert (smit["year"], smit["journal"]) == (2023, "Psychological Medicine")
    ps = run("papers-by-year", journal="Psychiatric Services").rows
    assert [r["key"] for r in ps] == ["chinman2014", "repper2023"]


def test_population_outcomes_include_populations_without_evidence(run):
    rows = run("population-outcomes").rows
    pairs = {(r["populationLabel"], r["outcomeLabel"]) for r in rows}
    assert ("serious mental illness", "psychosis") in pairs
    assert ("substance use disorder", "relapse") in pairs
    assert ("schizophrenia", None) in pairs  # named in the vocabulary, no finding
    smi = run("population-outcomes", population="serious-mental-illness").rows
    assert {r["outcomeLabel"] for r in smi} == {"anxiety", "depression", "psychosis"}
    assert {(r["findingCount"], r["paperCount"]) for r in smi} == {(1, 2)}  # F05


def test_hedged_findings_can_be_left_out_of_the_gap_map(run):
    """F15b ("may lack the consistency ... to deliver strong clinical outcomes") is hedged: with
    includeHedged=false, community x clinical recovery has no finding left."""
    gaps = {(r["settingLabel"], r["outcomeLabel"]) for r in run("evidence-gaps").rows}
    strict = {
        (r["settingLabel"], r["outcomeLabel"])
        for r in run("evidence-gaps", includeHedged=False).rows
    }
    assert ("community", "clinical recovery") not in gaps
    assert ("community", "clinical recovery") in strict
    assert gaps < strict
    # F07 ("have been shown to amplify") is asserted: hospital x hope stays covered
    assert ("hospital", "hope") not in strict


def test_where_peer_support_works_better_or_worse_and_according_to_whom(run):
    rows = run("moderators").rows
    got = {(r["finding"], r["moderatorLabel"], str(r["effect"]).rsplit("/", 1)[-1]) for r in rows}
    # F07: hospitals amplify hope and self-efficacy (cited Repper & Carter 2023 = Egmose)
    f07 = [r for r in rows if r["finding"] == "F07"]
    assert len(f07) == 1
    assert f07[0]["moderatorLabel"] == "hospital"
    assert split(f07[0]["outcomes"]) == {"hope", "self-efficacy"}
    assert f07[0]["papers"] == "repper2023"
    assert f07[0]["reportedIn"] == "Egmose et al. 2023"
    # F15a the other way: community and peer-designed programmes excel on agency, self-advocacy
    assert ("F15a", "community", "favours") in got and ("F15a", "peer-run", "favours") in got
    # F11: hospital over community and online; community and online less consistent
    assert {("F11", "hospital", "favours"), ("F11", "community", "disfavours"),
            ("F11", "online", "disfavours")} <= got  # fmt: skip
    # F14 names no comparator and no outcome: none is imported from F15a/F15b
    f14 = [r for r in rows if r["finding"] == "F14"]
    assert {r["moderatorLabel"] for r in f14} == {"hospital", "formal psychiatric setting"}
    assert all(not r["relativeTo"] and not r["outcomes"] for r in f14)
    assert {r["certainty"] for r in f14} == {"hedged"}
    # F13 says only that the setting matters
    f13 = [r for r in rows if r["finding"] == "F13"]
    assert str(f13[0]["effect"]).endswith("differs") and f13[0]["kind"] == "setting moderator"
    # organisational: whole-of-system approaches over isolated insertions (F20, uncited)
    f20 = [r for r in rows if r["finding"] == "F20"][0]
    assert f20["relativeTo"] == "isolated programme insertion"
    assert f20["kind"] == "organisational moderator" and f20["supportLevel"] == "no support"
    hospital = [r["finding"] for r in run("moderators", moderator="hospital").rows]
    assert hospital == ["F07", "F11", "F14"]  # F13's unnamed "context" does not match
    asserted = {r["finding"] for r in run("moderators", includeHedged=False).rows}
    assert {"F07", "F15a", "F20"} <= asserted and not {"F11", "F14", "F15b", "F19"} & asserted
