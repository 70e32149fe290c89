"""Offline, self-contained HTML views of the graph: ``peergraph.html`` (pyvis) and the evidence map.

pyvis 0.3.2 loads Bootstrap (and vis-network unless ``in_line``) from CDNs, inserts the heading
and menu entries unescaped and switches tooltips to raw HTML when a title contains "href". So
the page is *our* Jinja template (autoescape on), which inlines the vis-network 9.1.2 that pyvis
bundles and passes all data as one JSON block whose ``<``, ``>`` and ``&`` are ``\\u`` escapes;
the page's JavaScript writes text with ``textContent``. pyvis's ``Network`` only handed our data
to that template, so it is not imported (its import pulls in IPython: 0.2-0.3 s of every build).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.view.page import template_env, vis_assets

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.view.model import View

# A page draws at most this many nodes. Measured in headless Chromium on 2 cores: 20,000 nodes /
# 76,000 edges open in ~7 s, one redraw ~0.5 s; 2,000 nodes redraw in 60 ms. A larger graph is
# drawn from a deterministic sample (``filter_view(max_nodes=limit)``: findings by number of
# links, then id, each with everything it links to) under a banner giving the counts left out.
DEFAULT_MAX_NODES = 20_000
FILES = ("peergraph.html", "evidence-map.html")


def _size(degree: int) -> int:
    return min(48, round(9 + 5 * math.sqrt(degree)))


def _ring_key(group_order: list[str]):
    """Findings around the ring by recovery group, then setting, then id: findings about the
    same outcomes in the same settings sit side by side, and so do their concepts."""
    rank = {g: i for i, g in enumerate(group_order)}

    def key(node) -> tuple:
        groups = sorted(rank.get(g, len(rank)) for g in node.groups) or [len(rank)]
        return (groups, node.settings, node.id)

    return key


def _tooltip(node) -> str:
    """Plain text (vis-network 9 shows titles with innerText)."""
    lines = []
    for heading, value in node.details:
        text = "; ".join(value) if isinstance(value, list) else str(value)
        if len(text) > 400:
            text = text[:399] + "…"
        lines.append(f"{heading}: {text}")
    return "\n".join(lines)


def vis_payload(view: View, *, title: str = "peergraph") -> dict[str, Any]:
    """Everything the page's script needs, as JSON-ready data (sorted, deterministic)."""
    from peergraph.view.layout import positions
    from peergraph.view.model import CLASS_BY_KEY, CLASSES, RECOVERY_GROUP_ORDER

    degree = view.degree()
    pos = positions(
        [n.id for n in view.nodes],
        [(a, b) for a, b, _ in view.edges],
        ring=[
            n.id
            for n in sorted(view.nodes, key=_ring_key(RECOVERY_GROUP_ORDER))
            if n.cls == "finding"
        ],
    )
    large = len(view.nodes) > 1000
    nodes = []
    for n in view.nodes:
        x, y = pos[n.id]
        item: dict[str, Any] = {
            "id": n.id,
            "label": n.label if n.cls != "finding" else f"{n.id.split(':', 1)[1]} · {n.label}",
            "group": n.cls,
            "x": x,
            "y": y,
            "size": _size(degree[n.id]),
            "details": n.details,
        }
        if not large:
            item["title"] = _tooltip(n)
        if n.link:
            item["link"] = n.link
        if n.settings:
            item["settings"] = n.settings
        if n.groups:
            item["groups"] = n.groups
        if n.support:
            item["support"] = n.support
            if n.support == "verified-support":
                item["borderWidth"] = 4
                item["color"] = {"border": "#1a7f37", "background": CLASS_BY_KEY[n.cls][1]}
        nodes.append(item)
    edges = [
        {"id": i, "from": a, "to": b, "title": label} for i, (a, b, label) in enumerate(view.edges)
    ]
    present = {n.cls for n in view.nodes}
    classes = [
        {
            "key": key,
            "label": label,
            "colour": colour,
            "shape": shape,
            "count": sum(1 for n in view.nodes if n.cls == key),
        }
        for _, key, label, colour, shape in CLASSES
        if key in present
    ]
    groups = {
        c["key"]: {
            "shape": c["shape"],
            "color": {
                "background": c["colour"],
                "border": "#333333",
                "highlight": {"background": c["colour"], "border": "#000000"},
                "hover": {"background": c["colour"], "border": "#000000"},
            },
        }
        for c in classes
    }
    groups.setdefault("finding", {})["widthConstraint"] = {"maximum": 180}
    for key in ("organisational-factor", "study-design"):
        if key in groups:
            groups[key]["font"] = {"color": "#ffffff", "strokeWidth": 0}
    options = {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {
            "hover": not large,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "keyboard": False,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {
                "size": 13,
                "face": "system-ui, -apple-system, 'Segoe UI', sans-serif",
                "color": "#1f2328",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "smooth": False,
            "width": 1,
            "color": {"color": "#b7bec7", "highlight": "#24292f", "hover": "#57606a"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
            "selectionWidth": 2,
        },
        "groups": groups,
    }
    return {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "classes": classes,
        "settings": [{"id": i, "label": label} for i, label in view.settings],
        "groups": [{"id": i, "label": label} for i, label in view.groups],
        "has_support": view.has_support,
        "note": view.note,
        "total_nodes": view.total_nodes,
        "search_list": len(view.nodes) <= 3000,
        **({"sample": view.sample} if view.sample else {}),
    }


def graph_html(
    source: Any,
    *,
    setting: str | None = None,
    outcome: str | None = None,
    max_nodes: int | None = None,
    limit: int | None = None,
    title: str = "peergraph: peer support in mental health recovery",
) -> bytes:
    """The interactive graph page as UTF-8 bytes: vis-network (as bundled with pyvis) in our
    offline template.

    ``source`` is anything :func:`peergraph.analysis.projection.project` reads (an rdflib Graph,
    a pyoxigraph Store, an RDF file path) or a projection already made. When, after the filters,
    the view has more than ``max_nodes`` (default ``limit``, default :data:`DEFAULT_MAX_NODES`)
    nodes, a deterministic sample is drawn and the page says in a banner what was left out.
    """
    from peergraph.view.model import build_view, filter_view

    budget = max_nodes if max_nodes is not None else limit or DEFAULT_MAX_NODES
    view = filter_view(build_view(source), setting=setting, outcome=outcome, max_nodes=budget)
    payload = vis_payload(view, title=title)
    template = template_env().get_template("graph.html")
    return template.render(page=payload, **vis_assets()).encode("utf-8")


def html_exports(source: Any, dataset: object = None) -> dict[str, bytes]:
    """Both pages for ``exports/``, at every size (sampled above the page limits, with a banner).

    ``source`` is an rdflib Graph, a pyoxigraph Store (e.g. the build's store at scale), an RDF
    file path or a projection; it is projected once for both pages. ``dataset`` is unused (the
    build hooks' signature).
    """
    from peergraph.analysis.projection import project
    from peergraph.view.evidence_map import evidence_map_html

    projection = project(source)
    return {
        "peergraph.html": graph_html(projection),
        "evidence-map.html": evidence_map_html(projection),
    }


def render(
    source: Any,
    out_dir: str | Path,
    *,
    setting: str | None = None,
    outcome: str | None = None,
    max_nodes: int | None = None,
    limit: int | None = None,
    evidence_map: bool = True,
) -> dict[str, int]:
    """Write ``peergraph.html`` (and ``evidence-map.html``) into ``out_dir``; returns sizes.

    ``source`` as for :func:`graph_html`; an RDF file is read by pyoxigraph, never into rdflib.
    """
    from peergraph.analysis.projection import project
    from peergraph.export.writers import write_atomically
    from peergraph.view.evidence_map import evidence_map_html

    projection = project(source)
    contents: dict[str, Any] = {
        "peergraph.html": graph_html(
            projection, setting=setting, outcome=outcome, max_nodes=max_nodes, limit=limit
        )
    }
    if evidence_map:
        contents["evidence-map.html"] = evidence_map_html(projection, setting=setting)
    return write_atomically(Path(out_dir), contents)
