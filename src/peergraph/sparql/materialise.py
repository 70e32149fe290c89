"""Run the aggregate queries once on a saved store and keep their rows (``sparql.views``).

``peergraph build --store PATH`` passes :func:`materialise` to ``export.store.save_store`` as its
``finish`` step, so the results are written inside the new store before it replaces the old one.
"""

from __future__ import annotations

from pathlib import Path

from peergraph.errors import UsageError
from peergraph.export.store import read_fingerprint
from peergraph.sparql import views
from peergraph.sparql.engine import _json_term, named_queries, prepare, run_on_store


def materialise(folder: str | Path) -> dict[str, int]:
    """Every ``# materialize: store`` query, with its default parameters and all its rows.

    Returns the rows kept per query. The store must carry the fingerprint ``save_store``
    records; a store from elsewhere is refused rather than given results tied to nothing.
    """
    import pyoxigraph as ox

    folder = Path(folder)
    fingerprint = read_fingerprint(folder)
    if fingerprint is None:
        raise UsageError(
            f"{folder}: the store has no fingerprint; write it with `peergraph build --store`"
        )
    store = ox.Store.read_only(str(folder))
    try:
        computed = []
        for named in named_queries().values():
            if not named.materialize:
                continue
            paged = any(p.kind == "page" for p in named.params)
            text, _ = prepare(named.name, {"limit": "all"} if paged else None)
            result = run_on_store(store, text)
            rows = [[None if t is None else _json_term(t) for t in row] for row in result.terms]
            computed.append((named.name, named.text, result.columns, rows))
    finally:
        del store
    return views.write_views(folder, fingerprint, computed)
