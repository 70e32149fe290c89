"""Static figures of the analysis: the setting x outcome evidence matrix as PNG and SVG.

matplotlib runs headless (the Agg canvas, no pyplot state) and the files are byte-deterministic:
fixed size, DPI and font, no creation date, a fixed SVG id salt.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

SVG_HASHSALT = "peergraph"


def evidence_matrix(view: nx.Graph) -> tuple[list[str], list[str], list[list[int]]]:
    """(setting labels, outcome labels, papers[setting][outcome]) from the setting-outcome view,
    keeping only settings and outcomes with at least one linked finding, in graph order."""
    settings = [n for n, b in view.nodes(data="bipartite") if b == 0 and view.degree(n)]
    outcomes = [n for n, b in view.nodes(data="bipartite") if b == 1 and view.degree(n)]
    matrix = [
        [view.edges[s, o]["weight"] if view.has_edge(s, o) else 0 for o in outcomes]
        for s in settings
    ]
    label = view.nodes
    return [label[s]["label"] for s in settings], [label[o]["label"] for o in outcomes], matrix


def _figure(view: nx.Graph):
    import matplotlib
    from matplotlib.figure import Figure

    rows, cols, matrix = evidence_matrix(view)
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 8,
                                "svg.hashsalt": SVG_HASHSALT}):  # fmt: skip
        fig = Figure(figsize=(max(6.0, 0.38 * len(cols) + 3), max(3.0, 0.4 * len(rows) + 2.4)))
        ax = fig.add_subplot()
        if not rows or not cols:
            ax.text(0.5, 0.5, "no finding links a setting to an outcome", ha="center")
            ax.set_axis_off()
            return fig
        top = max(max(r) for r in matrix) or 1
        image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=top, aspect="auto")
        ax.set_xticks(range(len(cols)), cols, rotation=55, ha="right")
        ax.set_yticks(range(len(rows)), rows)
        for i, row in enumerate(matrix):
            for j, value in enumerate(row):
                if value:
                    ax.text(j, i, str(value), ha="center", va="center",
                            color="white" if value > top / 2 else "black")  # fmt: skip
        ax.set_title("Evidence matrix: distinct cited papers per setting and outcome")
        fig.colorbar(image, ax=ax, label="papers")
        fig.tight_layout()
    return fig


def _render(view: nx.Graph, fmt: str) -> bytes:
    import matplotlib

    fig = _figure(view)
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        fig.savefig(buf, format=fmt, dpi=120, metadata=metadata)
    return buf.getvalue()


def evidence_matrix_png(view: nx.Graph) -> bytes:
    """The evidence matrix heatmap as PNG bytes."""
    return _render(view, "png")


def evidence_matrix_svg(view: nx.Graph) -> bytes:
    """The evidence matrix heatmap as SVG bytes."""
    return _render(view, "svg")
