"""Fixed node positions, computed once in Python so the page opens without a physics simulation.

A force layout in the browser takes minutes to settle beyond a few hundred nodes and lands
somewhere different on every open; positions computed here with a fixed seed are reproducible
and the HTML built from them is byte-identical between builds.
"""

from __future__ import annotations

from collections.abc import Sequence

# up to SPRING_LIMIT nodes a networkx spring layout (about 4 s per 1,000 nodes on 2 cores);
# above it, a spring layout of the best-connected nodes and the rest placed beside their neighbours
SPRING_LIMIT = 600
SCALE = 1000.0
MIN_DISTANCE = 140.0  # canvas units between node centres, so labels rarely overlap


def positions(
    node_ids: Sequence[str], edges: Sequence[tuple[str, str]], *, seed: int = 7
) -> dict[str, tuple[int, int]]:
    """Integer (x, y) per node id, deterministic for the same sorted input and seed.

    Parameters
    ----------
    node_ids: the nodes, in a stable (sorted) order.
    edges: (from, to) pairs between those nodes, in a stable order.
    seed: seed of the spring layout and of the jitter for placed nodes.

    Returns
    -------
    dict mapping every node id to integer canvas coordinates (about ±SCALE·√(n/100)).
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(node_ids)
    g.add_edges_from(edges)
    n = g.number_of_nodes()
    if n == 0:
        return {}
    spread = SCALE * max(1.0, (n / 100) ** 0.5)
    if n <= SPRING_LIMIT:
        # hubs (e.g. the one intervention every finding names) would pull everything into a
        # ball: weaken each edge by the degrees of its ends
        for a, b in g.edges:
            g.edges[a, b]["w"] = 1.0 / (g.degree(a) * g.degree(b)) ** 0.5
        pos = nx.spring_layout(
            g, k=3.5 / n**0.5, seed=seed, iterations=300, weight="w", scale=spread
        )
        return _separate(pos, MIN_DISTANCE)
    return _hub_layout(g, list(node_ids), spread, seed)


def _hub_layout(g, order: list[str], spread: float, seed: int) -> dict[str, tuple[int, int]]:
    """Spring-lay out the SPRING_LIMIT best-connected nodes, then place every other node near the
    mean of its already placed neighbours (breadth first), with seeded jitter; linear time."""
    import math
    import random

    import networkx as nx

    rng = random.Random(seed)
    hubs = sorted(order, key=lambda v: (-g.degree(v), v))[:SPRING_LIMIT]
    hub_pos = nx.spring_layout(g.subgraph(hubs), seed=seed, iterations=100, scale=spread)
    pos: dict[str, tuple[float, float]] = {v: (float(x), float(y)) for v, (x, y) in hub_pos.items()}
    jitter = spread / 12
    frontier = sorted(hubs)
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(g.neighbors(v)):
                if w in pos:
                    continue
                placed = [pos[u] for u in g.neighbors(w) if u in pos]
                cx = sum(p[0] for p in placed) / len(placed)
                cy = sum(p[1] for p in placed) / len(placed)
                a, d = rng.uniform(0, 2 * math.pi), jitter * (0.3 + rng.random())
                pos[w] = (cx + d * math.cos(a), cy + d * math.sin(a))
                nxt.append(w)
        frontier = nxt
    rest = [v for v in order if v not in pos]  # components without a hub: a ring outside
    for i, v in enumerate(rest):
        a = 2 * math.pi * i / max(len(rest), 1)
        pos[v] = (1.3 * spread * math.cos(a), 1.3 * spread * math.sin(a))
    return {v: (round(x), round(y)) for v, (x, y) in pos.items()}


def _separate(pos, min_dist: float, rounds: int = 80) -> dict[str, tuple[int, int]]:
    """Push apart nodes closer than ``min_dist`` (pairwise, deterministic), keeping the shape."""
    import numpy as np

    keys = list(pos)
    p = np.array([pos[k] for k in keys], dtype=float)
    for _ in range(rounds):
        d = p[:, None, :] - p[None, :, :]
        dist = np.hypot(d[..., 0], d[..., 1])
        np.fill_diagonal(dist, np.inf)
        overlap = np.clip(min_dist - dist, 0.0, None)
        if not overlap.any():
            break
        unit = d / np.maximum(dist, 1e-6)[..., None]
        p += (unit * (overlap[..., None] / 2)).sum(axis=1) * 0.5
    return {k: (round(float(x)), round(float(y))) for k, (x, y) in zip(keys, p, strict=True)}
