"""Evidence gap map: settings × outcomes (grouped by recovery type and CHIME domain).

Each cell counts the findings about that outcome in that setting, their distinct cited papers and
the directions of effect; an empty cell is a gap. Every outcome and setting of the vocabulary gets
a row or column, so gaps are visible, not hidden by omission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

NO_SETTING = "not-stated"
DIRECTION_SYMBOLS = {
    "improves": "▲",
    "reduces": "▼",
    "inconsistent": "≈",
    "no-difference": "=",
    "not stated": "?",
}


@dataclass
class Column:
    id: str  # outcome id
    label: str
    group: str  # recovery group id
    group_label: str
    chime: str  # CHIME domain label, "" when none


@dataclass
class Cell:
    findings: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    directions: list[str] = field(default_factory=list)


@dataclass
class EvidenceMap:
    rows: list[tuple[str, str]]  # (setting id, label)
    columns: list[Column]
    cells: dict[tuple[str, str], Cell]  # (setting id, outcome id) -> cell, non-empty only
    findings: dict[str, dict[str, Any]]  # id -> label, sentence, papers, directions, support

    def cell(self, setting: str, outcome: str) -> Cell:
        return self.cells.get((setting, outcome), Cell())


HEDGED = ("hedged", "speculative")  # certainty levels left out with include_hedged=False


def evidence_map(
    graph: Graph, *, include_hedged: bool = True, setting: str | None = None
) -> EvidenceMap:
    """Count findings per (setting, outcome) cell; a finding without a setting counts in the
    "setting not stated" row, and one about a recovery group as a whole in that group's
    "(overall)" column. ``include_hedged=False`` leaves out findings the source hedges or
    speculates about, so cells resting only on them show as gaps. Definitions and background
    statements are not findings and never count. ``setting`` (``render --setting``) keeps that
    row and its findings only, as the graph page does."""
    from peergraph.view.model import RECOVERY_GROUP_ORDER, _local, _Reader, build_view

    r = _Reader(graph)
    view = build_view(graph)
    outcomes = sorted(graph.subjects(r.RDF.type, r.pg("Outcome")), key=str)
    group_ids = [o for o in outcomes if not r.objects(o, r.pg("recoveryGroup"))]
    order = {g: i for i, g in enumerate(RECOVERY_GROUP_ORDER)}
    group_ids.sort(key=lambda g: (order.get(_local(g), 99), _local(g)))
    columns: list[Column] = []
    for g in group_ids:
        gid, glabel = _local(g), r.label(g)
        columns.append(Column(gid, f"{glabel} (overall)", gid, glabel, ""))
        members = [o for o in outcomes if g in r.objects(o, r.pg("recoveryGroup"))]
        members.sort(
            key=lambda o: (
                not r.objects(o, r.pg("chimeDomain")),
                _chime(r, o),
                r.label(o).lower(),
            )
        )
        for o in members:
            chime = _chime(r, o)
            columns.append(Column(_local(o), r.label(o), gid, glabel, chime))
    settings = sorted(graph.subjects(r.RDF.type, r.pg("Setting")), key=lambda s: r.label(s).lower())
    rows = [(_local(s), r.label(s)) for s in settings] + [(NO_SETTING, "setting not stated")]
    if setting is not None:
        rows = [row for row in rows if row[0] == setting]

    nodes = {n.id: n for n in view.nodes}
    outcome_of: dict[str, list[str]] = {}
    papers_of: dict[str, list[str]] = {}
    for a, b, label in view.edges:
        if label == "outcome":
            outcome_of.setdefault(a, []).append(b.split(":", 1)[1])
        elif label == "cites as evidence":
            papers_of.setdefault(a, []).append(nodes[b].label)
    cells: dict[tuple[str, str], Cell] = {}
    findings: dict[str, dict[str, Any]] = {}
    hedged = {
        _local(f)
        for f in graph.subjects(r.RDF.type, r.pg("Finding"))
        if any(_local(c) in HEDGED for c in r.objects(f, r.pg("certainty")))
    }
    for n in view.nodes:
        if n.cls != "finding" or (setting is not None and setting not in n.settings):
            continue
        fid = n.id.split(":", 1)[1]
        if not include_hedged and fid in hedged:
            continue
        details = dict((k, v) for k, v in n.details)
        direction = details.get("Direction", "not stated")
        directions = direction if isinstance(direction, list) else [direction]
        papers = sorted(papers_of.get(n.id, []))
        findings[fid] = {
            "label": n.label,
            "sentence": details.get("Sentence", ""),
            "papers": papers,
            "directions": directions,
            "support": n.support or "",
        }
        for s in n.settings or [NO_SETTING]:
            if setting is not None and s != setting:
                continue
            for o in outcome_of.get(n.id, []):
                cell = cells.setdefault((s, o), Cell())
                cell.findings.append(fid)
                cell.papers = sorted(set(cell.papers) | set(papers))
                cell.directions = sorted(set(cell.directions) | set(directions))
    return EvidenceMap(rows=rows, columns=columns, cells=cells, findings=findings)


def _chime(r: Any, outcome: object) -> str:
    """Short CHIME domain name(s): the concept id without its ``chime-`` prefix."""
    from peergraph.view.model import _local

    ids = [_local(d).removeprefix("chime-") for d in r.objects(outcome, r.pg("chimeDomain"))]
    return ", ".join(sorted(ids))


def _header_runs(columns: list[Column], key: str) -> list[tuple[str, int, str]]:
    """Consecutive runs of equal ``key`` (label, colspan, group id) for the table header."""
    runs: list[tuple[str, int, str]] = []
    prev = None
    for c in columns:
        value = (c.group, getattr(c, key))
        if value == prev:
            label, span, group = runs[-1]
            runs[-1] = (label, span + 1, group)
        else:
            runs.append((getattr(c, key), 1, c.group))
        prev = value
    return runs


def evidence_map_html(
    graph: Graph,
    *,
    title: str = "peergraph evidence gap map",
    include_hedged: bool = True,
    setting: str | None = None,
) -> bytes:
    """The evidence map page (offline, escaped), as UTF-8 bytes; ``setting`` keeps one row."""
    from peergraph.view.page import template_env

    em = evidence_map(graph, include_hedged=include_hedged, setting=setting)
    if setting is not None:
        title = f"{title} (setting: {setting})"
    max_count = max((len(c.findings) for c in em.cells.values()), default=1)
    table = []
    for sid, slabel in em.rows:
        row = []
        for col in em.columns:
            cell = em.cell(sid, col.id)
            n = len(cell.findings)
            row.append(
                {
                    "key": f"{sid}|{col.id}",
                    "n": n,
                    "papers": len(cell.papers),
                    "arrows": "".join(DIRECTION_SYMBOLS.get(d, "?") for d in cell.directions),
                    "directions": ", ".join(cell.directions),
                    "level": 0 if n == 0 else min(4, 1 + (3 * (n - 1)) // max(max_count - 1, 1)),
                    "title": f"{slabel} × {col.label}: {n} finding(s), {len(cell.papers)} paper(s)"
                    + (f", {', '.join(cell.directions)}" if n else " (gap)"),
                }
            )
        table.append({"id": sid, "label": slabel, "cells": row})
    page = {
        "title": title,
        "cells": {f"{s}|{o}": c.findings for (s, o), c in sorted(em.cells.items())},
        "findings": em.findings,
        "rows": dict(em.rows),
        "columns": {c.id: c.label for c in em.columns},
    }
    filled = len(em.cells)
    total = len(em.rows) * len({c.id for c in em.columns})
    html = (
        template_env()
        .get_template("evidence-map.html")
        .render(
            page=page,
            table=table,
            columns=em.columns,
            group_runs=_header_runs(em.columns, "group_label"),
            chime_runs=_header_runs(em.columns, "chime"),
            stats={
                "findings": len(em.findings),
                "filled": filled,
                "total": total,
                "rows": len(em.rows),
                "columns": len(em.columns),
            },
            symbols=DIRECTION_SYMBOLS,
        )
    )
    return html.encode("utf-8")
