"""The aggregate queries count per cell; their counts equal those computed from the records.

Each query's counts are checked against a second, simple route: the validated records
(``peergraph.ingest.dataset.load``) and the vocabulary, counted in Python, on the essay and on a
30-paper synthetic set. Every cell can be listed, page by page, with the ``findings`` query.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.conftest import DATA

PGV = "https://w3id.org/peergraph/vocab/"


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """(records, store) for the essay and for a 30-paper synthetic set."""
    from peergraph.curate.synth import synthesize
    from peergraph.export.store import open_store
    from peergraph.ingest.dataset import load

    synth = tmp_path_factory.mktemp("synth30") / "data"
    synthesize(synth, papers=30, seed=3)
    return {
        "essay": (load(DATA), open_store(DATA)),
        "synth30": (load(synth), open_store(synth)),
    }


def _run(store, name, **params):
    from peergraph.sparql.engine import query

    return query(name, params or None, store).rows


def _evidence(ds):
    """Findings proper: definitions and background statements are not typed pg:Finding."""
    return [f for f in ds.findings if f.kind == "finding"]


def _label(ds, cid):
    return ds.vocabulary.concepts[cid].label if cid else "unstated"


def _cells(ds, dims):
    """{cell: (finding ids, cited keys)} where ``dims(f)`` gives a finding's cells."""
    found = defaultdict(lambda: (set(), set()))
    for f in _evidence(ds):
        for cell in dims(f):
            found[cell][0].add(f.id)
            found[cell][1].update(f.cites)
    return {cell: (len(ids), len(keys)) for cell, (ids, keys) in found.items()}


def _counts(rows, *keys):
    return {tuple(r[k] for k in keys): (r["findingCount"], r["paperCount"]) for r in rows}


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_setting_outcomes_counts_findings_and_papers_per_cell(sets, where):
    ds, store = sets[where]
    expected = _cells(ds, lambda f: [
        (PGV + s, PGV + o, _label(ds, f.direction)) for s in f.settings for o in f.outcomes
    ])  # fmt: skip
    rows = _run(store, "setting-outcomes")
    assert _counts(rows, "setting", "outcome", "direction") == expected
    assert len(expected) > 5


def test_setting_outcomes_hospital_hope_is_one_finding_listed_by_findings(sets):
    ds, store = sets["essay"]
    rows = _run(store, "setting-outcomes", setting="hospital", outcome="hope")
    assert [(r["direction"], r["findingCount"], r["paperCount"]) for r in rows] == [
        ("improves", 1, 1)
    ]
    cell = _run(store, "findings", setting="hospital", outcome="hope")
    assert [(r["finding"], r["papers"]) for r in cell] == [("F07", "repper2023")]


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_population_outcomes_counts_per_cell_and_keeps_populations_without_evidence(sets, where):
    ds, store = sets[where]
    expected = _cells(ds, lambda f: [
        (PGV + p, PGV + o, _label(ds, f.direction)) for p in f.populations for o in f.outcomes
    ])  # fmt: skip
    rows = _run(store, "population-outcomes")
    assert _counts([r for r in rows if r["outcome"]], "population", "outcome", "direction") == (
        expected
    )
    empty = {r["population"] for r in rows if r["outcome"] is None}
    studied = {p for p, _, _ in expected}
    assert empty == {PGV + p for p in ds.vocabulary.of_class("Population")} - studied


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_outcomes_by_direction_counts_improves_and_reduces(sets, where):
    ds, store = sets[where]
    expected = _cells(ds, lambda f: [
        (PGV + o, _label(ds, f.direction)) for o in f.outcomes
        if f.direction in ("improves", "reduces")
    ])  # fmt: skip
    assert _counts(_run(store, "outcomes-by-direction"), "outcome", "direction") == expected


def test_outcomes_by_direction_hope_rests_on_three_findings_and_three_papers(sets):
    _, store = sets["essay"]
    rows = _run(store, "outcomes-by-direction", outcome="hope")
    assert [(r["direction"], r["findingCount"], r["paperCount"]) for r in rows] == [
        ("improves", 3, 3)
    ]
    listed = _run(store, "findings", outcome="hope", direction="improves")
    assert [r["finding"] for r in listed] == ["F07", "F09", "F22a"]


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_organisational_factors_count_per_factor_and_outcome(sets, where):
    ds, store = sets[where]
    expected = _cells(ds, lambda f: [
        (PGV + k, PGV + o, _label(ds, f.direction))
        for k in f.organisational_factors for o in f.outcomes
    ])  # fmt: skip
    rows = _run(store, "organisational-factors")
    assert _counts(rows, "factor", "outcome", "direction") == expected


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_chime_domains_count_the_findings_on_their_outcomes(sets, where):
    ds, store = sets[where]
    concepts = ds.vocabulary.concepts
    expected = _cells(ds, lambda f: {
        PGV + d for o in f.outcomes for d in concepts[o].chime_domains
    })  # fmt: skip
    rows = _run(store, "chime-domains")
    got = {r["domain"]: (r["findingCount"], r["paperCount"]) for r in rows}
    assert {d: c for d, c in got.items() if c != (0, 0)} == expected
    assert len(rows) == len(ds.vocabulary.of_class("ChimeDomain"))


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_personal_recovery_mechanisms_count_non_speculative_findings(sets, where):
    ds, store = sets[where]
    concepts = ds.vocabulary.concepts

    def personal(o):
        return o == "personal-recovery" or "personal-recovery" in concepts[o].recovery_groups

    expected = _cells(ds, lambda f: [
        (PGV + m,) for m in f.mechanisms
        if any(personal(o) for o in f.outcomes)
        and not (f.mechanism_certainty and f.mechanism_certainty.level == "speculative")
    ])  # fmt: skip
    rows = _run(store, "personal-recovery-mechanisms")
    assert _counts(rows, "mechanism") == expected


@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_papers_ranked_counts_the_findings_citing_each_paper(sets, where):
    ds, store = sets[where]
    citing = defaultdict(set)
    for f in ds.findings:
        for key in f.cites:
            citing[key].add(f.id)
    rows = _run(store, "papers-ranked", limit="all")
    got = {r["key"]: r["findingCount"] for r in rows if r["findingCount"]}
    assert got == {k: len(v) for k, v in citing.items()}
    first = _run(store, "papers-ranked", limit=3)
    assert [r["key"] for r in first] == [r["key"] for r in rows[:3]]


def test_findings_lists_a_cell_page_by_page_without_loss(sets):
    ds, store = sets["synth30"]
    cells = _run(store, "setting-outcomes")
    big = max(cells, key=lambda r: r["findingCount"])
    setting, outcome = big["setting"][len(PGV) :], big["outcome"][len(PGV) :]
    expected = sorted(
        f.id for f in _evidence(ds) if setting in f.settings and outcome in f.outcomes
    )
    assert len(expected) == sum(
        r["findingCount"] for r in cells if r["setting"] == big["setting"]
        and r["outcome"] == big["outcome"]
    )  # fmt: skip
    pages, offset = [], 0
    while page := _run(store, "findings", setting=setting, outcome=outcome, limit=2,
                       offset=offset):  # fmt: skip
        assert len(page) <= 2
        pages += [r["finding"] for r in page]
        offset += 2
    assert sorted(pages) == expected


def test_findings_without_parameters_pages_every_finding(sets):
    ds, store = sets["synth30"]
    everything = [r["finding"] for r in _run(store, "findings", limit="all")]
    assert sorted(everything) == sorted(f.id for f in _evidence(ds))
    assert len(_run(store, "findings")) == min(100, len(everything))


@pytest.mark.parametrize(
    ("name", "param", "column"),
    [
        ("setting-outcomes", "setting", "setting"),
        ("setting-outcomes", "outcome", "outcome"),
        ("population-outcomes", "population", "population"),
        ("organisational-factors", "factor", "factor"),
        ("outcomes-by-direction", "outcome", "outcome"),
        ("chime-domains", "domain", "domain"),
        ("personal-recovery-mechanisms", "mechanism", "mechanism"),
    ],
)
@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_a_parameter_bound_inside_the_counting_gives_the_filtered_rows(
    sets, where, name, param, column
):
    """The value is bound inside each sub-SELECT that projects it (so the store looks it up);
    the rows must be those of the unbound query with that value."""
    from peergraph.sparql.engine import prepare

    _, store = sets[where]
    everything = _run(store, name)
    values = sorted({r[column] for r in everything if r[column]})
    assert values
    for value in values[:4]:
        text, _ = prepare(name, {param: f"<{value}>"})
        assert text.count("VALUES (?" + param) >= 2  # outside, and inside the counting
        assert _run(store, name, **{param: f"<{value}>"}) == [
            r for r in everything if r[column] == value
        ]
