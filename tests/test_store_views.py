"""Results kept with a saved store: equal to the live rows, and never used once they are stale.

``save_store(..., finish=materialise)`` (what ``peergraph build --store`` does) runs every query
marked ``# materialize: store`` on the new store and keeps its rows inside the store folder.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA

MARKED = [
    "chime-domains", "evidence-gaps", "organisational-factors", "outcomes-by-direction",
    "papers-ranked", "personal-recovery-mechanisms", "population-outcomes", "qualitative-only",
    "setting-outcomes",
]  # fmt: skip


@pytest.fixture(scope="module")
def synth30(tmp_path_factory):
    from peergraph.curate.synth import synthesize

    data = tmp_path_factory.mktemp("synth30") / "data"
    synthesize(data, papers=30, seed=3)
    return data


@pytest.fixture(scope="module")
def stores(tmp_path_factory, synth30):
    from peergraph.export.store import save_store
    from peergraph.sparql.materialise import materialise

    folder = tmp_path_factory.mktemp("stores")
    return {
        "essay": save_store(folder / "essay", DATA, finish=materialise),
        "synth30": save_store(folder / "synth30", synth30, finish=materialise),
    }


def _live(path, name, params=None):
    """The query run on the store itself, as it would be without kept results."""
    import pyoxigraph as ox

    from peergraph.sparql.engine import named_queries, prepare, run_on_store

    paged = any(p.kind == "page" for p in named_queries()[name].params)
    text, _ = prepare(name, {**(params or {}), **({"limit": "all"} if paged else {})})
    store = ox.Store.read_only(str(path))
    try:
        return run_on_store(store, text)
    finally:
        del store


def _paged(name):
    from peergraph.sparql.engine import named_queries

    return any(p.kind == "page" for p in named_queries()[name].params)


def test_the_marked_queries_are_the_whole_graph_aggregates():
    from peergraph.sparql.engine import named_queries

    assert sorted(n for n, q in named_queries().items() if q.materialize) == MARKED


@pytest.mark.parametrize("name", MARKED)
@pytest.mark.parametrize("where", ["essay", "synth30"])
def test_kept_rows_equal_the_live_rows(stores, where, name):
    from peergraph.sparql.engine import query

    path = stores[where]
    kept = query(name, {"limit": "all"} if _paged(name) else None, path)
    assert kept.origin.startswith(f"materialised view of '{name}'")
    live = _live(path, name)
    assert (kept.columns, kept.terms) == (live.columns, live.terms)
    assert kept.terms or name == "evidence-gaps"


def test_a_page_of_kept_rows_is_that_slice_of_all_rows(stores):
    from peergraph.sparql.engine import query

    path = stores["synth30"]
    everything = _live(path, "papers-ranked").terms
    assert len(everything) == 30
    page = query("papers-ranked", {"limit": 7, "offset": 21}, path)
    assert page.origin and page.terms == everything[21:28]
    default = query("papers-ranked", None, path)
    assert default.origin and default.terms == everything[:100]
    assert query("papers-ranked", {"offset": 40}, path).terms == []


def test_a_parameter_other_than_its_default_runs_live(stores):
    from peergraph.sparql.engine import query

    path = stores["essay"]
    hospital = query("setting-outcomes", {"setting": "hospital"}, path)
    assert hospital.origin == ""
    assert {r["settingLabel"] for r in hospital.rows} == {"hospital"}
    assert query("evidence-gaps", {"includeHedged": "true"}, path).origin  # the default
    strict = query("evidence-gaps", {"includeHedged": "false"}, path)
    assert strict.origin == "" and strict.terms == _live(path, "evidence-gaps",
                                                         {"includeHedged": "false"}).terms


def test_a_stale_fingerprint_is_ignored(tmp_path, synth30):
    from peergraph.export.store import save_store
    from peergraph.sparql.engine import query
    from peergraph.sparql.materialise import materialise

    path = save_store(tmp_path / "store", synth30, finish=materialise)
    manifest = path / "peergraph-views" / "manifest.json"
    assert query("chime-domains", None, path).origin
    data = json.loads(manifest.read_text())
    data["fingerprint"] = "sha256:" + "0" * 64
    manifest.write_text(json.dumps(data))
    result = query("chime-domains", None, path)
    assert result.origin == ""
    assert result.terms == _live(path, "chime-domains").terms


def test_rows_kept_for_another_query_text_are_ignored(tmp_path, synth30):
    from peergraph.export.store import save_store
    from peergraph.sparql.engine import query
    from peergraph.sparql.materialise import materialise

    path = save_store(tmp_path / "store", synth30, finish=materialise)
    manifest = path / "peergraph-views" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["queries"]["setting-outcomes"]["query"] = "sha256:" + "1" * 64  # an older .rq
    manifest.write_text(json.dumps(data))
    assert query("setting-outcomes", None, path).origin == ""
    assert query("population-outcomes", None, path).origin


def test_writing_the_store_again_drops_or_replaces_what_was_kept(tmp_path, synth30):
    from peergraph.export.store import read_fingerprint, save_store
    from peergraph.sparql.engine import query
    from peergraph.sparql.materialise import materialise

    path = save_store(tmp_path / "store", synth30, finish=materialise)
    synth_count = len(query("papers-ranked", {"limit": "all"}, path).terms)
    first = read_fingerprint(path)
    # a write without materialising: the old results go with the old store
    save_store(path, DATA)
    assert not (path / "peergraph-views").exists()
    assert read_fingerprint(path) != first
    live = query("papers-ranked", {"limit": "all"}, path)
    assert live.origin == "" and len(live.terms) == 11 != synth_count
    # with materialising: new results for the new contents
    save_store(path, DATA, finish=materialise)
    kept = query("papers-ranked", {"limit": "all"}, path)
    assert kept.origin and kept.terms == live.terms


def test_the_same_contents_give_the_same_fingerprint(tmp_path):
    from peergraph.export.store import read_fingerprint, save_store

    a = read_fingerprint(save_store(tmp_path / "a", DATA))
    b = read_fingerprint(save_store(tmp_path / "b", DATA))
    assert a == b and a.startswith("sha256:")


def test_build_store_keeps_results_and_query_says_where_rows_came_from(tmp_path, capsys):
    from peergraph.cli import main

    out, store = tmp_path / "exports", tmp_path / "store"
    assert main(["build", "-q", "--out", str(out), "--store", str(store)]) == 0
    assert (store / "peergraph-views" / "manifest.json").is_file()
    capsys.readouterr()
    assert main(["query", "chime-domains", "--store", str(store), "-v", "-f", "csv"]) == 0
    kept = capsys.readouterr()
    assert kept.err.startswith("note: materialised view of 'chime-domains' (5 rows")
    assert main(["query", "chime-domains", "--graph", str(out / "peergraph.nt"), "-v",
                 "-f", "csv"]) == 0  # fmt: skip
    live = capsys.readouterr()
    assert live.err == "note: computed now\n"
    assert live.out == kept.out
