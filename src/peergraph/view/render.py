"""Offline, self-contained HTML views of the graph: ``peergraph.html`` (pyvis) and the evidence map.

pyvis 0.3.2 loads Bootstrap (and vis-network unless ``in_line``) from CDNs, inserts the heading
and menu entries unescaped and switches tooltips to raw HTML when a title contains "href". So
pyvis holds the nodes, edges and options and renders through *our* Jinja template (autoescape on),
which inlines pyvis's bundled vis-network 9.1.2 and passes all data as one JSON block whose
``<``, ``>`` and ``&`` are ``\\u`` escapes; the page's JavaScript writes text with ``textContent``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import UsageError
from peergraph.view.page import template_env, vis_assets

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

    from peergraph.view.model import View

# Pages above this many nodes are refused (with a hint to filter). Measured in headless Chromium
# on 2 cores: 20,000 nodes / 76,000 edges open in ~7 s, one redraw ~0.5 s; 2,000 nodes
# redraw in 60 ms.
DEFAULT_MAX_NODES = 20_000
FILES = ("peergraph.html", "evidence-map.html")


def _size(degree: int) -> int:
    return min(48, round(9 + 5 * math.sqrt(degree)))


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
    from peergraph.view.model import CLASS_BY_KEY, CLASSES

    degree = view.degree()
    pos = positions([n.id for n in view.nodes], [(a, b) for a, b, _ in view.edges])
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
    }


def graph_html(
    graph: Graph,
    *,
    setting: str | None = None,
    outcome: str | None = None,
    max_nodes: int | None = None,
    limit: int = DEFAULT_MAX_NODES,
    title: str = "peergraph: peer support in mental health recovery",
) -> bytes:
    """The interactive graph page as UTF-8 bytes, built with pyvis and our offline template.

    Raises ``UsageError`` when, after the filters, the view has more than ``limit`` nodes (and
    ``max_nodes`` was not given), naming the options that make it smaller.
    """
    from pyvis.network import Network

    from peergraph.view.model import build_view, filter_view

    view = filter_view(build_view(graph), setting=setting, outcome=outcome, max_nodes=max_nodes)
    if max_nodes is None and len(view.nodes) > limit:
        raise UsageError(
            f"the graph view has {len(view.nodes):,} nodes; the HTML page is limited to "
            f"{limit:,} (it opens slowly and cannot be panned smoothly beyond that). "
            "Draw part of it: --max-nodes N keeps the best-connected findings and their links, "
            "--setting ID or --outcome ID keeps the findings in that setting or about that "
            "outcome / recovery group"
        )
    payload = vis_payload(view, title=title)
    net = Network(
        height="100%", width="100%", directed=True, cdn_resources="in_line", heading=title
    )
    net.nodes = payload["nodes"]
    net.edges = payload["edges"]
    net.node_ids = [n["id"] for n in payload["nodes"]]
    net.node_map = {n["id"]: n for n in payload["nodes"]}
    net.options = payload["options"]
    env = template_env()
    env.globals.update(page=payload, **vis_assets())
    net.templateEnv, net.path = env, "graph.html"
    return net.generate_html().encode("utf-8")


def html_exports(graph: Graph, dataset: object = None) -> dict[str, bytes]:
    """Build hook (``pipeline.EXTRA_EXPORTS``): both pages for ``exports/``."""
    from peergraph.view.evidence_map import evidence_map_html

    return {"peergraph.html": graph_html(graph), "evidence-map.html": evidence_map_html(graph)}


def render(
    graph: Graph,
    out_dir: str | Path,
    *,
    setting: str | None = None,
    outcome: str | None = None,
    max_nodes: int | None = None,
    limit: int = DEFAULT_MAX_NODES,
    evidence_map: bool = True,
) -> dict[str, int]:
    """Write ``peergraph.html`` (and ``evidence-map.html``) into ``out_dir``; returns sizes."""
    from peergraph.export.writers import write_atomically
    from peergraph.view.evidence_map import evidence_map_html

    contents: dict[str, Any] = {
        "peergraph.html": graph_html(
            graph, setting=setting, outcome=outcome, max_nodes=max_nodes, limit=limit
        )
    }
    if evidence_map:
        contents["evidence-map.html"] = evidence_map_html(graph, setting=setting)
    return write_atomically(Path(out_dir), contents)
