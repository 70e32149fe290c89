"""Rewritten named queries return the rows their earlier, slower forms returned.

``tests/fixtures/queries-before/`` keeps the form each query had before it was rewritten for
speed at 100k findings (a page picked first, aggregates on the page only). With ``limit=all``
the new form must give the same rows in the same order, on the essay and on a 30-paper
synthetic set; pages must split those rows without losing or repeating any.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BEFORE = Path(__file__).parent / "fixtures" / "queries-before"
REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    from peergraph.curate.synth import synthesize
    from peergraph.export.store import open_store

    data = tmp_path_factory.mktemp("synth30") / "data"
    synthesize(data, papers=30, seed=3)
    return {"essay": open_store(None), "synth30": open_store(data)}


def _before(name: str) -> str:
    """The earlier form, with the named query's default parameters bound as it had them."""
    from peergraph.sparql.engine import bind_params, named_queries

    declared = named_queries()[name].params
    defaults = {p.name: p.default for p in declared if p.default and p.kind != "page"}
    text = (BEFORE / f"{name}.rq").read_text(encoding="utf-8")
    return bind_params(text, defaults, declared) if defaults else text


def _paged(name: str) -> bool:
    from peergraph.sparql.engine import named_queries

    return any(p.kind == "page" for p in named_queries()[name].params)


def test_the_rewritten_queries_are_the_slow_ones():
    assert {"finding-provenance", "support-levels", "persistence", "uncited-claims"} <= set(
        REWRITTEN
    )


@pytest.mark.parametrize("name", REWRITTEN)
@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_rewritten_query_returns_the_rows_of_its_earlier_form(stores, name, where):
    from peergraph.sparql.engine import prepare, run_on_store

    store = stores[where]
    old = run_on_store(store, _before(name))
    text, _ = prepare(name, {"limit": "all"} if _paged(name) else None)
    new = run_on_store(store, text)
    assert new.columns == old.columns
    assert new.terms == old.terms
    assert len(new.terms) > 0 or name in ("moderators", "evidence-gaps")  # none in synth30


@pytest.mark.parametrize("name", [n for n in REWRITTEN if n != "evidence-gaps"])
def test_pages_split_the_rows_without_loss_or_repeat(stores, name):
    from peergraph.sparql.engine import prepare, run_on_store

    if not _paged(name):
        pytest.skip(f"{name} is not paged")
    store = stores["synth30"]
    everything = run_on_store(store, prepare(name, {"limit": "all"})[0]).terms
    pages, offset = [], 0
    while True:
        page = run_on_store(store, prepare(name, {"limit": 7, "offset": offset})[0]).terms
        if not page:
            break
        pages += page
        offset += 7
    assert sorted(map(repr, pages)) == sorted(map(repr, everything))


def test_default_page_is_one_hundred_findings(stores):
    from peergraph.sparql.engine import query

    rows = query("finding-provenance", None, stores["synth30"]).rows
    assert len(rows) == 100  # 150 findings in the 30-paper set: the first page holds 100
    rest = query("finding-provenance", {"offset": 100}, stores["synth30"]).rows
    assert len(rest) == 50
    assert not {r["finding"] for r in rows} & {r["finding"] for r in rest}


def test_a_parameter_narrows_the_page_before_it_is_taken(stores):
    from peergraph.sparql.engine import query

    store = stores["synth30"]
    first = {r["finding"] for r in query("finding-provenance", None, store).rows}
    later = query("finding-provenance", {"offset": 100}, store).rows[0]["finding"]
    assert later not in first
    # a finding not on the first page of all findings: binding it pages that one finding
    rows = query("finding-provenance", {"finding": later}, store).rows
    assert [r["finding"] for r in rows] == [later]


def test_a_bad_page_value_is_a_usage_error(stores):
    from peergraph.errors import UsageError
    from peergraph.sparql.engine import prepare

    with pytest.raises(UsageError, match="limit=0: must be a positive integer or 'all'"):
        prepare("support-levels", {"limit": 0})
    with pytest.raises(UsageError, match="offset=-3: must be an integer >= 0"):
        prepare("support-levels", {"offset": -3})


@pytest.mark.parametrize(
    ("where", "name", "params"),
    [
        ("essay", "moderators", {"moderator": "hospital"}),
        ("essay", "moderators", {"effect": "favours", "includeHedged": "false"}),
        ("synth30", "persistence", {"includeHedged": "false"}),  # the essay's F06 is hedged
        ("essay", "clinical-vs-personal", {"group": "personal-recovery"}),
        ("essay", "finding-provenance", {"finding": "F06"}),
    ],
)
def test_rewritten_query_with_parameters_returns_the_rows_of_its_earlier_form(
    stores, where, name, params
):
    from peergraph.sparql.engine import bind_params, named_queries, prepare, run_on_store

    declared = named_queries()[name].params
    defaults = {p.name: p.default for p in declared if p.default and p.kind != "page"}
    old_text = (BEFORE / f"{name}.rq").read_text(encoding="utf-8")
    old = run_on_store(stores[where], bind_params(old_text, {**defaults, **params}, declared))
    new = run_on_store(stores[where], prepare(name, {**params, "limit": "all"})[0])
    assert new.terms == old.terms
    assert old.terms  # each of these has rows there
