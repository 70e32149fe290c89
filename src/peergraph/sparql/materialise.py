"""Run the aggregate queries once on a saved store and keep their rows (``sparql.views``).

``peergraph build --store PATH`` passes :func:`materialise` to ``export.store.save_store`` as its
``finish`` step, so the results are written inside the new store before it replaces the old one.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from peergraph.errors import UsageError
from peergraph.export.store import read_fingerprint
from peergraph.sparql import views
from peergraph.sparql.engine import (
    _json_term,
    bind_params,
    keep_lines_for,
    named_queries,
    run_on_store,
    set_page,
)


def _rows(store: Any, text: str) -> tuple[list[str], list[list]]:
    """A query's columns and its rows as SPARQL JSON terms."""
    result = run_on_store(store, text)
    return result.columns, [
        [None if t is None else _json_term(t) for t in row] for row in result.terms
    ]


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
    marked = [named for named in named_queries().values() if named.materialize]
    # the bundled text as ``prepare`` would give it with no parameters, without rdflib's parse
    # (a second a build at small sizes): these files are ours, parsed by the test suite
    texts = []
    for n in marked:
        defaults = {p.name: p.default for p in n.params if p.default and p.kind != "page"}
        text = keep_lines_for(n.text, defaults)
        text = bind_params(text, defaults, n.params, into_subselects=True)
        texts.append(set_page(text, "all", 0) if any(p.kind == "page" for p in n.params) else text)
    store = ox.Store.read_only(str(folder))
    try:
        # pyoxigraph lets go of the GIL while it evaluates: two threads use both cores
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(_rows, [store] * len(texts), texts))
    finally:
        del store
    computed = [
        (n.name, n.text, columns, rows) for n, (columns, rows) in zip(marked, results, strict=True)
    ]
    return views.write_views(folder, fingerprint, computed)
