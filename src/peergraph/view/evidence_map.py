"""Evidence gap map: settings × outcomes (grouped by recovery type and CHIME domain).

Each cell counts the findings about that outcome in that setting, their distinct cited papers and
the directions of effect; an empty cell is a gap. Every outcome and setting of the vocabulary gets
a row or column, so gaps are visible, not hidden by omission.

The counts are always complete. The page also embeds each listed finding's sentence and papers;
above :data:`MAX_LISTED_FINDINGS` findings it lists, per cell, only the :data:`CELL_LIST` findings
with the lowest ids (a deterministic sample), and a banner gives the counts left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

NO_SETTING = "not-stated"
# Up to this many findings every one is listed; above it, each cell lists its CELL_LIST
# lowest-id findings: about 300 cells x 25 keeps the page near 5 MB at 100,000 findings.
MAX_LISTED_FINDINGS = 5_000
CELL_LIST = 25
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
    source: Any, *, include_hedged: bool = True, setting: str | None = None
) -> EvidenceMap:
    """Count findings per (setting, outcome) cell; a finding without a setting counts in the
    "setting not stated" row, and one about a recovery group as a whole in that group's
    "(overall)" column. ``include_hedged=False`` leaves out findings the source hedges or
    speculates about, so cells resting only on them show as gaps. Definitions and background
    statements are not findings and never count. ``setting`` (``render --setting``) keeps that
    row and the findings in that setting only, as the graph page does.

    ``source`` is anything :func:`peergraph.analysis.projection.project` reads. The cells are the
    findings that name the outcome itself in :func:`peergraph.analysis.projection.pair_evidence`,
    the same matrix the analysis tables and the evidence-matrix figure count papers from.
    """
    from peergraph.analysis.projection import NO_SETTING as NONE_STATED
    from peergraph.analysis.projection import nodes_of, pair_evidence, project, targets
    from peergraph.view.model import RECOVERY_GROUP_ORDER, _local

    g = project(source)

    def label(node: str) -> str:
        return str(g.nodes[node]["label"])

    outcomes = nodes_of(g, "Outcome")
    group_ids = [o for o in outcomes if not targets(g, o, "pg:recoveryGroup")]
    order = {grp: i for i, grp in enumerate(RECOVERY_GROUP_ORDER)}
    group_ids.sort(key=lambda grp: (order.get(_local(grp), 99), _local(grp)))
    columns: list[Column] = []
    for grp in group_ids:
        gid, glabel = _local(grp), label(grp)
        columns.append(Column(gid, f"{glabel} (overall)", gid, glabel, ""))
        members = [o for o in outcomes if grp in targets(g, o, "pg:recoveryGroup")]
        members.sort(
            key=lambda o: (not targets(g, o, "pg:chimeDomain"), _chime(g, o), label(o).lower())
        )
        for o in members:
            columns.append(Column(_local(o), label(o), gid, glabel, _chime(g, o)))
    settings = sorted(nodes_of(g, "Setting"), key=lambda s: label(s).lower())
    rows = [(_local(s), label(s)) for s in settings] + [(NO_SETTING, "setting not stated")]
    if setting is not None:
        rows = [row for row in rows if row[0] == setting]

    findings: dict[str, dict[str, Any]] = {}
    fid_of: dict[str, str] = {}
    short_label: dict[str, str] = {}
    for f in nodes_of(g, "Finding"):
        if not include_hedged and any(_local(c) in HEDGED for c in targets(g, f, "pg:certainty")):
            continue
        if setting is not None and setting not in {_local(s) for s in targets(g, f, "pg:setting")}:
            continue
        fid = fid_of[f] = str(g.nodes[f]["short_id"])
        papers = []
        for p in targets(g, f, "cito:citesAsEvidence"):
            if p not in short_label:
                full = label(p)
                short_label[p] = full.split(": ", 1)[0] if ": " in full else full
            papers.append(short_label[p])
        support = targets(g, f, "pg:supportLevel")
        findings[fid] = {
            "label": label(f),
            "sentence": g.nodes[f].get("quote") or "not recorded",
            "papers": sorted(papers),
            "directions": sorted(label(d) for d in targets(g, f, "pg:direction")) or ["not stated"],
            "support": _local(support[0]) if support else "",
        }
    cells: dict[tuple[str, str], Cell] = {}
    for (place, outcome), e in pair_evidence(g).items():
        if place is None or not e.direct_findings:
            continue
        row = NO_SETTING if place == NONE_STATED else _local(place)
        if setting is not None and row != setting:
            continue
        ids = sorted(fid_of[f] for f in e.direct_findings if f in fid_of)
        if not ids:
            continue
        cells[row, _local(outcome)] = Cell(
            findings=ids,
            papers=sorted({p for i in ids for p in findings[i]["papers"]}),
            directions=sorted({d for i in ids for d in findings[i]["directions"]}),
        )
    return EvidenceMap(rows=rows, columns=columns, cells=cells, findings=findings)


def _chime(g: nx.DiGraph, outcome: str) -> str:
    """Short CHIME domain name(s): the concept id without its ``chime-`` prefix."""
    from peergraph.analysis.projection import targets
    from peergraph.view.model import _local

    ids = [_local(d).removeprefix("chime-") for d in targets(g, outcome, "pg:chimeDomain")]
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
    source: Any,
    *,
    title: str = "peergraph evidence gap map",
    max_listed: int | None = None,
    cell_list: int | None = None,
    include_hedged: bool = True,
    setting: str | None = None,
) -> bytes:
    """The evidence map page (offline, escaped), as UTF-8 bytes; above ``max_listed`` findings
    each cell lists only its ``cell_list`` lowest-id findings (counts stay complete)."""
    from peergraph.view.page import template_env

    em = evidence_map(source, include_hedged=include_hedged, setting=setting)
    if setting is not None:
        title = f"{title} (setting: {setting})"
    max_listed = MAX_LISTED_FINDINGS if max_listed is None else max_listed
    cell_list = CELL_LIST if cell_list is None else cell_list
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
    cells = {f"{s}|{o}": c.findings for (s, o), c in sorted(em.cells.items())}
    findings = em.findings
    sample = None
    if len(em.findings) > max_listed:
        cells = {key: ids[:cell_list] for key, ids in cells.items()}
        listed = {i for ids in cells.values() for i in ids}
        findings = {i: f for i, f in em.findings.items() if i in listed}
        sample = {
            "listed": len(findings),
            "findings": len(em.findings),
            "left_out": len(em.findings) - len(findings),
            "per_cell": cell_list,
            "cells_cut": sum(1 for c in em.cells.values() if len(c.findings) > cell_list),
        }
    page = {
        "title": title,
        "cells": cells,
        "findings": findings,
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
            sample=sample,
        )
    )
    return html.encode("utf-8")
