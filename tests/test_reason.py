"""OWL reasoning: the defined classes classify the essay's findings, outcomes and settings; a
wrong finding is reported as an inconsistency naming the individual and the axioms."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from peergraph.check.reason import (
    HERMIT,
    RULES,
    Inconsistent,
    inferred_turtle,
    reason,
    sparql_rules,
)
from peergraph.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")

# F01 (background) and F04, F08 (definitions) are not findings; hope and self-efficacy are
# personal recovery (CHIME), so F07 is no longer a clinical-recovery finding
CLINICAL = ["F02", "F03", "F05", "F06", "F13", "F14", "F15b", "F21", "F22b"]
PERSONAL = [
    "F02", "F03", "F07", "F09", "F10", "F11", "F12a", "F12b", "F13", "F14", "F15a", "F21", "F22a",
]  # fmt: skip
# F05, F06 and F11 cite smit2023, F07 cites repper2023: both are meta-analyses by title
META = ["F05", "F06", "F07", "F11"]
HOPE_CLASH = (
    "pgv:hope is both a pg:EffectDirection (from finding:X02 pg:direction pgv:hope; axiom: "
    "pg:direction rdfs:range pg:EffectDirection) and a pg:Outcome (asserted), but these classes "
    "are disjoint (axiom: owl:AllDisjointClasses / owl:disjointWith in the ontology)"
)


@pytest.fixture(scope="module")
def hermit_result(graph):
    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java")
    return reason(graph, method="hermit")


@pytest.fixture(scope="module")
def broken(graph):
    from peergraph.check.shacl import read_turtle

    return graph + read_turtle(FIXTURES / "inconsistent-finding.ttl")


def _assert_essay_classes(result):
    assert result.instances("ClinicalRecoveryFinding") == CLINICAL
    assert result.instances("PersonalRecoveryFinding") == PERSONAL
    assert result.instances("MetaAnalyticFinding") == META
    assert "F11" in result.instances("PersonalRecoveryFinding")  # hospital-integrated finding
    assert result.instances("StructuredSetting") == ["formal-psychiatric", "hospital"]
    assert result.instances("ClinicalOutcome") == ["anxiety", "depression", "psychosis", "symptoms"]
    assert result.instances("OrganisationalFinding") == ["F17", "F18", "F19", "F20", "F23"]
    assert "F05" not in result.instances("UncitedFinding")
    assert "F13" in result.instances("UncitedFinding")
    assert "F04" not in result.instances("UncitedFinding")  # a definition is not a finding


@needs_java
def test_hermit_classifies_the_essay_findings(hermit_result):
    assert hermit_result.reasoners["data (types)"] == HERMIT
    _assert_essay_classes(hermit_result)
    assert any("gYear literal(s) retyped as xsd:integer" in n for n in hermit_result.notices)


@needs_java
def test_hermit_classifies_defined_classes_under_their_parents(hermit_result):
    pairs = {
        (str(s).rsplit("/", 1)[1], str(o).rsplit("/", 1)[1])
        for s, _, o in hermit_result.subclass_axioms
    }
    assert ("ClinicalRecoveryFinding", "Finding") in pairs
    assert ("StructuredSetting", "Setting") in pairs


@needs_java
def test_sparql_rules_infer_exactly_what_hermit_infers(graph, hermit_result):
    rules = sparql_rules(graph)
    assert rules.reasoners == {"data (types)": RULES}
    assert rules.inferred == hermit_result.inferred
    assert len(rules.inferred) == 93  # 27 of them: statements typed pg:SourceStatement


def test_owl_rl_fallback_without_java_says_what_is_lost(graph, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on PATH
    result = reason(graph)
    assert result.reasoners == {"data (types)": "OWL 2 RL rules (owlrl)"}
    assert result.notices[0].startswith("no Java found: falling back to OWL 2 RL rules (owlrl).")
    assert "does not classify defined classes against each other" in result.notices[0]
    _assert_essay_classes(result)


@needs_java
def test_hermit_reports_the_inconsistent_finding_and_leaves_no_temp_files(
    broken, tmp_path, monkeypatch
):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(Inconsistent) as err:
        reason(broken, method="hermit")
    assert err.value.reasoner == HERMIT
    assert err.value.explanations == [HOPE_CLASH]
    assert list(scratch.iterdir()) == []
    assert tempfile.tempdir == str(scratch)  # restored


def test_rule_reasoners_report_the_same_inconsistency(broken):
    with pytest.raises(Inconsistent) as err:
        sparql_rules(broken)
    assert err.value.explanations == [HOPE_CLASH]
    with pytest.raises(Inconsistent) as err:
        reason(broken, method="rl")
    assert err.value.explanations == [HOPE_CLASH]


def test_inferred_turtle_is_deterministic_and_queryable(graph):
    import pyoxigraph as ox

    first = inferred_turtle(sparql_rules(graph))
    assert first == inferred_turtle(sparql_rules(graph))
    store = ox.Store()
    store.load(first, format=ox.RdfFormat.TURTLE)
    rows = store.query(
        "PREFIX pg: <https://w3id.org/peergraph/ontology/> "
        "SELECT ?f WHERE { ?f a pg:MetaAnalyticFinding } ORDER BY ?f"
    )
    assert [r["f"].value.rsplit("/", 1)[1] for r in rows] == META
    rows = store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdfs: "
        "<http://www.w3.org/2000/01/rdf-schema#> SELECT ?name WHERE { "
        "<https://w3id.org/peergraph/data/inferred> prov:wasGeneratedBy/rdfs:label ?name }"
    )
    assert [r["name"].value for r in rows] == [RULES]


def test_reason_command_exits_1_on_an_inconsistent_file(capsys):
    code = main(
        ["reason", "--method", "rules", "--input", str(FIXTURES / "inconsistent-finding.ttl")]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "the ontology and data are inconsistent" in err
    assert "pgv:hope is both a pg:EffectDirection" in err


def test_reason_command_prints_classes_and_writes_only_with_out(tmp_path, capsys):
    assert main(["reason", "--method", "rules", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "pg:MetaAnalyticFinding           4  F05 F06 F07 F11" in out
    assert "pg:StructuredSetting             2  formal-psychiatric hospital" in out
    assert (tmp_path / "peergraph-inferred.ttl").is_file()
