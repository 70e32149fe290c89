"""Fixed node positions, computed once in Python so the page opens without a physics simulation.

A force layout in the browser takes minutes to settle beyond a few hundred nodes and lands
somewhere different on every open; positions computed here are reproducible and the HTML built
from them is byte-identical between builds.

The layout is radial and linear in the number of links, in plain Python: the "ring" nodes (the
findings, in an order that keeps related ones together) sit on a circle, or on a spiral when there
are many; every other node sits at the mean of its already placed neighbours, pushed outwards, so
a concept of one finding lies just outside it and a hub that every finding names (peer support)
lies near the centre. A last pass pushes apart nodes closer than ``MIN_DISTANCE``. It replaced a
networkx spring layout (300 iterations on numpy), whose import and iterations took about a fifth
of the essay build.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

SCALE = 1000.0
MIN_DISTANCE = 140.0  # canvas units between node centres, so labels rarely overlap
RING_SPACING = 1.25 * MIN_DISTANCE  # between neighbours on the ring, and between spiral turns
CIRCLE_LIMIT = 60  # up to this many ring nodes a circle; above it an Archimedean spiral
OUTWARD = 1.1 * MIN_DISTANCE  # how far a placed node sits beyond the mean of its neighbours


def positions(
    node_ids: Sequence[str],
    edges: Sequence[tuple[str, str]],
    *,
    ring: Sequence[str] | None = None,
    seed: int = 7,
) -> dict[str, tuple[int, int]]:
    """Integer (x, y) per node id, deterministic for the same input.

    Parameters
    ----------
    node_ids: the nodes, in a stable (sorted) order.
    edges: (from, to) pairs between those nodes, in a stable order.
    ring: the nodes laid on the circle or spiral, in that order (default: every node with two
        or more links, in ``node_ids`` order); the rest are placed from them.
    seed: turns the direction in which two nodes at the same point are pushed apart.

    Returns
    -------
    dict mapping every node id to integer canvas coordinates.
    """
    if not node_ids:
        return {}
    adj: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        if a != b:
            adj[a].append(b)
            adj[b].append(a)
    if ring is None:
        ring = [v for v in node_ids if len(adj[v]) >= 2] or list(node_ids)
    pos = _ring(ring)
    _place_from(pos, node_ids, adj)
    rest = [v for v in node_ids if v not in pos]  # not linked to the ring: a circle outside
    radius = max((math.hypot(x, y) for x, y in pos.values()), default=SCALE) + 2 * MIN_DISTANCE
    for i, v in enumerate(rest):
        a = 2 * math.pi * i / len(rest)
        pos[v] = (radius * math.cos(a), radius * math.sin(a))
    order = list(node_ids)
    _separate(pos, order, MIN_DISTANCE, seed, rounds=60 if len(order) <= 2000 else 12)
    return {v: (round(pos[v][0]), round(pos[v][1])) for v in order}


def _ring(ring: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Ring nodes on a circle (few) or an Archimedean spiral, RING_SPACING apart along it."""
    n = len(ring)
    pos: dict[str, tuple[float, float]] = {}
    if n <= CIRCLE_LIMIT:
        radius = max(SCALE / 2, n * RING_SPACING / (2 * math.pi))
        for i, v in enumerate(ring):
            a = 2 * math.pi * i / n - math.pi / 2
            pos[v] = (radius * math.cos(a), radius * math.sin(a))
        return pos
    # r = b * theta, turns RING_SPACING apart; arc length ~ b * theta^2 / 2, so theta_i grows
    # as sqrt(i) and consecutive ring nodes stay RING_SPACING apart along the curve
    b = RING_SPACING / (2 * math.pi)
    start = 2 * math.pi  # skip the tight first turn: the centre is for hubs
    for i, v in enumerate(ring):
        theta = math.sqrt(start * start + 2 * i * RING_SPACING / b)
        pos[v] = (b * theta * math.cos(theta), b * theta * math.sin(theta))
    return pos


def _place_from(
    pos: dict[str, tuple[float, float]], order: Sequence[str], adj: dict[str, list[str]]
) -> None:
    """Place every node reachable from the placed ones, layer by layer (breadth first): at the
    mean of its placed neighbours, moved OUTWARD away from the centre."""
    frontier = [v for v in order if v in pos]
    while frontier:
        layer = sorted({w for v in frontier for w in adj[v] if w not in pos})
        placed = {}
        for w in layer:
            near = [pos[u] for u in adj[w] if u in pos]
            cx = sum(p[0] for p in near) / len(near)
            cy = sum(p[1] for p in near) / len(near)
            r = math.hypot(cx, cy)
            if r > 1e-9:
                cx, cy = cx * (r + OUTWARD) / r, cy * (r + OUTWARD) / r
            placed[w] = (cx, cy)
        pos.update(placed)
        frontier = layer


def _separate(
    pos: dict[str, tuple[float, float]],
    order: list[str],
    min_dist: float,
    seed: int,
    rounds: int,
) -> None:
    """Push apart nodes closer than ``min_dist`` (each pair half the overlap each), keeping the
    shape; pairs are found through a grid of ``min_dist`` cells, so a round is linear."""
    import random

    rng = random.Random(seed)
    xs = [pos[v][0] for v in order]
    ys = [pos[v][1] for v in order]
    n = len(order)
    md2 = min_dist * min_dist
    for _ in range(rounds):
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(n):
            grid[int(xs[i] // min_dist), int(ys[i] // min_dist)].append(i)
        dx = [0.0] * n
        dy = [0.0] * n
        moved = False
        for (gx, gy), members in grid.items():
            near = [
                j
                for cx in (gx - 1, gx, gx + 1)
                for cy in (gy - 1, gy, gy + 1)
                for j in grid.get((cx, cy), ())
            ]
            for i in members:
                xi, yi = xs[i], ys[i]
                for j in near:
                    if j <= i:
                        continue
                    ex, ey = xs[j] - xi, ys[j] - yi
                    d2 = ex * ex + ey * ey
                    if d2 >= md2:
                        continue
                    if d2 < 1e-12:  # same point: a seeded direction
                        a = rng.uniform(0, 2 * math.pi)
                        ex, ey, d = math.cos(a), math.sin(a), 1.0
                        push = min_dist / 2
                    else:
                        d = math.sqrt(d2)
                        push = (min_dist - d) / 2
                    ux, uy = ex / d, ey / d
                    dx[i] -= ux * push
                    dy[i] -= uy * push
                    dx[j] += ux * push
                    dy[j] += uy * push
                    moved = True
        if not moved:
            break
        for i in range(n):
            xs[i] += dx[i] * 0.5
            ys[i] += dy[i] * 0.5
    for i, v in enumerate(order):
        pos[v] = (xs[i], ys[i])
