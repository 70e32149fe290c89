"""Fixed positions of the graph page: deterministic, readable (no overlaps), hubs in the middle."""

from __future__ import annotations

import math

from peergraph.view.layout import MIN_DISTANCE, positions


def _view_layout(graph):
    from peergraph.view.model import build_view
    from peergraph.view.render import vis_payload

    payload = vis_payload(build_view(graph))
    return {n["id"]: (n["x"], n["y"]) for n in payload["nodes"]}


def test_essay_positions_are_the_same_on_every_run(graph):
    assert _view_layout(graph) == _view_layout(graph)


def test_no_two_essay_nodes_overlap(graph):
    pos = list(_view_layout(graph).values())
    closest = min(
        math.dist(a, b) for i, a in enumerate(pos) for b in pos[i + 1 :]
    )  # rounding to integers may take a unit off
    assert closest >= MIN_DISTANCE - 2


def test_peer_support_named_by_most_findings_sits_nearer_the_centre_than_any_finding(graph):
    pos = _view_layout(graph)
    hub = math.hypot(*pos["intervention:peer-support"])
    findings = [math.hypot(*p) for i, p in pos.items() if i.startswith("finding:")]
    assert len(findings) == 24
    assert hub < min(findings)


def test_a_concept_of_one_finding_lies_just_outside_it():
    ring = [f"finding:F{i:02d}" for i in range(12)]
    edges = [(f, "outcome:all") for f in ring] + [("finding:F03", "outcome:only-f03")]
    pos = positions([*ring, "outcome:all", "outcome:only-f03"], edges, ring=ring)
    f03, only = pos["finding:F03"], pos["outcome:only-f03"]
    assert math.hypot(*only) > math.hypot(*f03)  # outside the ring
    assert math.dist(only, f03) < 2 * MIN_DISTANCE  # next to its finding
    nearest = min(ring, key=lambda f: math.dist(pos[f], only))
    assert nearest == "finding:F03"


def test_nodes_at_one_point_and_unlinked_nodes_are_spread_apart():
    ids = ["a", "b", "c", "lone-1", "lone-2"]
    # b and c are linked only to a: both start at the same point beyond it
    pos = positions(ids, [("a", "b"), ("a", "c")], ring=["a"])
    assert set(pos) == set(ids)
    points = list(pos.values())
    assert len(set(points)) == len(points)
    assert min(math.dist(p, q) for i, p in enumerate(points) for q in points[i + 1 :]) >= (
        MIN_DISTANCE - 2
    )


def test_many_ring_nodes_go_on_a_spiral_without_overlaps():
    ring = [f"f{i:03d}" for i in range(300)]
    edges = [(f, f"c{int(f[1:]) // 10:02d}") for f in ring]
    ids = ring + sorted({b for _, b in edges})
    pos = positions(ids, edges, ring=ring)
    pts = [pos[v] for v in ids]
    assert min(math.dist(p, q) for i, p in enumerate(pts) for q in pts[i + 1 :]) >= (
        MIN_DISTANCE - 2
    )
    assert positions(ids, edges, ring=ring) == pos
