"""Materialised results of the whole-graph aggregate queries, kept inside a saved store.

Counting every finding by setting × outcome takes pyoxigraph about a second at 100k findings,
whatever the query's shape, and a read-mostly store answers it the same way each time; so, as a
database keeps a materialised view, ``peergraph build --store PATH`` runs each query marked
``# materialize: store`` once and keeps its rows (``peergraph.sparql.materialise``). The
``.rq`` text stays the one definition: these files are its output, tied to the store's contents.

Inside the store folder (RocksDB leaves files it did not write alone)::

    peergraph-store.json           {"fingerprint": "sha256:..."}  (``export.store.save_store``)
    peergraph-views/manifest.json  {"fingerprint": ..., "queries": {NAME: {"query": sha256 of
                                   the .rq text, "rows": n}}}
    peergraph-views/NAME.srj       SPARQL 1.1 Query Results JSON, one binding per line
    peergraph-views/NAME.idx       n + 1 row offsets into NAME.srj (little-endian uint64)

Rows are read only when the manifest's fingerprint is the store's and the query text is the
one that made them; a page is read by seeking to its rows, not by parsing the whole file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from peergraph.export.store import read_fingerprint

VIEWS_DIR = "peergraph-views"
MANIFEST = "manifest.json"
_OFFSET = struct.Struct("<Q")


def query_digest(text: str) -> str:
    """What ties a view to the query text that made it (a changed .rq is recomputed live)."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_views(
    folder: Path, fingerprint: str, views: Iterable[tuple[str, str, list[str], list[list]]]
) -> dict[str, int]:
    """Write ``(name, query text, columns, rows of JSON terms)`` views into ``folder``.

    Written to a temporary folder and renamed into place, so a reader sees all of them or none.
    Returns the row count of each view.
    """
    target = Path(folder) / VIEWS_DIR
    tmp = Path(folder) / (VIEWS_DIR + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    entries: dict[str, dict[str, Any]] = {}
    for name, text, columns, rows in views:
        offsets = []
        with open(tmp / f"{name}.srj", "wb") as out:
            out.write(b'{"head": {"vars": ' + json.dumps(columns).encode() + b'},\n')
            out.write(b' "results": {"bindings": [\n')
            for i, row in enumerate(rows):
                offsets.append(out.tell())
                line = json.dumps(
                    {c: t for c, t in zip(columns, row, strict=True) if t is not None},
                    ensure_ascii=False,
                    separators=(",", ":"),
                )
                out.write(("," if i else " ").encode() + line.encode("utf-8") + b"\n")
            offsets.append(out.tell())
            out.write(b"]}}\n")
        with open(tmp / f"{name}.idx", "wb") as idx:
            idx.write(b"".join(_OFFSET.pack(o) for o in offsets))
        entries[name] = {"query": query_digest(text), "rows": len(offsets) - 1}
    manifest = {"fingerprint": fingerprint, "queries": entries}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    drop(folder)
    os.replace(tmp, target)
    return {name: e["rows"] for name, e in entries.items()}


def drop(folder: str | Path) -> None:
    """Remove a store's materialised results (before anything writes to the store)."""
    shutil.rmtree(Path(folder) / VIEWS_DIR, ignore_errors=True)


def entry(folder: str | Path, name: str, text: str) -> dict[str, Any] | None:
    """The manifest entry for ``name`` if it is current: same store contents, same query text."""
    views = Path(folder) / VIEWS_DIR
    try:
        manifest = json.loads((views / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = manifest.get("queries", {}).get(name)
    if found is None or found.get("query") != query_digest(text):
        return None
    fingerprint = read_fingerprint(folder)
    if fingerprint is None or manifest.get("fingerprint") != fingerprint:
        return None
    return {**found, "fingerprint": fingerprint}


def read_rows(folder: str | Path, name: str, rows: int, start: int, stop: int | None) -> Any:
    """Rows ``start:stop`` of a view as pyoxigraph ``QuerySolutions`` (seeks; parses the page).

    ``rows`` is the manifest's count; ``stop`` None reads to the end.
    """
    import pyoxigraph as ox

    views = Path(folder) / VIEWS_DIR
    start = min(start, rows)
    stop = rows if stop is None else min(stop, rows)
    with open(views / f"{name}.idx", "rb") as idx:
        idx.seek(start * _OFFSET.size)
        begin = _OFFSET.unpack(idx.read(_OFFSET.size))[0]
        idx.seek(max(stop, start) * _OFFSET.size)
        end = _OFFSET.unpack(idx.read(_OFFSET.size))[0]
    with open(views / f"{name}.srj", "rb") as srj:
        head = srj.readline()
        srj.seek(begin)
        body = srj.read(end - begin)
    # every row line starts with " " (the first) or ","; a page starts with a comma-less row
    body = b" " + body[1:] if body else body
    document = head + b' "results": {"bindings": [\n' + body + b"]}}\n"
    return ox.parse_query_results(document, format=ox.QueryResultsFormat.JSON)
