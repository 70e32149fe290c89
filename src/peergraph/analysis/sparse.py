"""Betweenness and PageRank on a sparse adjacency matrix: networkx's numbers, at scale.

networkx runs Brandes' betweenness one breadth-first search at a time in Python (about 0.2 s per
pivot on the 10,000-finding topic view, 2 s on the 100,000-finding one) and builds PageRank's
matrix edge by edge. Here the pivots' searches run together, level by level, as sparse
matrix x dense block products in scipy, and the matrix is built once from integer arrays.

Both give networkx's results, not an approximation of them: the same pivots (drawn as
``nx.betweenness_centrality(G, k, seed=seed)`` draws them), the same accumulation and the same
scaling (networkx 3.6's), the same PageRank power iteration on the same matrix
(``tests/test_analyze.py`` compares them with networkx). Only floating-point summation order
differs, far below the 6 decimals the tables keep.
"""

from __future__ import annotations

import math
import random
from itertools import chain
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import numpy as np
    import scipy.sparse

# Pivots searched together: a block of n x PIVOT_BLOCK floats per array (16 MB at 130k nodes)
PIVOT_BLOCK = 16


def adjacency(graph: nx.Graph) -> scipy.sparse.csr_array:
    """The symmetric 0/1 adjacency matrix of an undirected simple graph, rows in node order,
    built as ``nx.to_scipy_sparse_array(graph)`` builds it (same entry order, so the same sums).
    """
    import numpy as np
    import scipy.sparse

    index = {node: i for i, node in enumerate(graph)}
    n = len(index)
    pairs = np.fromiter(
        map(index.__getitem__, chain.from_iterable(graph.edges())), dtype=np.int64,
        count=2 * graph.number_of_edges(),
    )  # fmt: skip
    row, col = pairs[0::2], pairs[1::2]
    loops = row == col
    r = np.concatenate([row, col[~loops]])
    c = np.concatenate([col, row[~loops]])
    data = np.ones(len(r), dtype=float)
    return scipy.sparse.coo_array((data, (r, c)), shape=(n, n)).tocsr()


def betweenness(
    graph: nx.Graph,
    k: int | None = None,
    seed: int | None = None,
    matrix: scipy.sparse.csr_array | None = None,
) -> dict[Any, float]:
    """Normalised betweenness of every node of an undirected graph: exact, or estimated from
    ``k`` pivots drawn with ``random.Random(seed)``; ``nx.betweenness_centrality(graph, k, seed)``.

    Parameters
    ----------
    graph : undirected simple graph
    k : pivots (1 <= k < number of nodes), or None for every node (exact)
    seed : seeds the draw of pivots
    matrix : :func:`adjacency` of ``graph``, if already built

    Returns
    -------
    {node: betweenness}, in node order
    """
    import numpy as np

    nodes = list(graph)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    if k is not None and k >= n:
        k = None
    if k is None:
        pivots = list(range(n))
    else:
        pivots = [index[p] for p in random.Random(seed).sample(nodes, k)]
    a = adjacency(graph) if matrix is None else matrix
    total = np.zeros(n)
    for start in range(0, len(pivots), PIVOT_BLOCK):
        total += _dependencies(a, np.array(pivots[start : start + PIVOT_BLOCK], dtype=np.int64))
    # networkx 3.6's scaling (normalised, endpoints left out): by the ordered pairs (s, t) that
    # could pass through a node; a sampled pivot is never a pair's end for itself, so pivots are
    # scaled by k - 1 instead of k
    big_n = n - 1
    if big_n >= 2:
        if k is None:
            total *= 1 / (big_n * (big_n - 1))
        else:
            scale = np.full(n, 1 / (k * (big_n - 1)))
            scale[pivots] = 1 / ((k - 1) * (big_n - 1)) if k > 1 else math.nan
            total *= scale
    return dict(zip(nodes, total.tolist(), strict=True))


def _dependencies(a: scipy.sparse.csr_array, sources: np.ndarray) -> np.ndarray:
    """Brandes' dependency of every node on each source, summed over the sources (a source's
    dependency on itself left out): all sources' searches at once, one level per step."""
    import numpy as np

    n, b = a.shape[0], len(sources)
    cols = np.arange(b)
    sigma = np.zeros((n, b))  # shortest paths from each source
    sigma[sources, cols] = 1.0
    depth = np.full((n, b), -1, dtype=np.int32)
    depth[sources, cols] = 0
    frontier = sigma.copy()
    level = 0
    while True:
        reached = a @ frontier
        new = (reached > 0) & (depth < 0)
        if not new.any():
            break
        level += 1
        depth[new] = level
        sigma[new] = reached[new]
        frontier = np.where(new, reached, 0.0)
    delta = np.zeros((n, b))
    for d in range(level, 0, -1):
        at = depth == d
        coeff = np.where(at, (1.0 + delta) / np.where(at, sigma, 1.0), 0.0)
        up = depth == d - 1
        delta[up] += sigma[up] * (a @ coeff)[up]
    delta[sources, cols] = 0.0
    return delta.sum(axis=1)


def pagerank(
    graph: nx.Graph,
    matrix: scipy.sparse.csr_array | None = None,
    *,
    alpha: float = 0.85,
    max_iter: int = 100,
    tol: float = 1.0e-6,
) -> dict[Any, float]:
    """``nx.pagerank(graph)`` of an unweighted undirected graph: the same power iteration on the
    same matrix (:func:`adjacency`), without networkx's edge-by-edge matrix build."""
    import networkx as nx
    import numpy as np
    import scipy.sparse

    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    a = adjacency(graph) if matrix is None else matrix
    s = a.sum(axis=1)
    s[s != 0] = 1.0 / s[s != 0]
    a = scipy.sparse.dia_array((s.T, 0), shape=a.shape).tocsr() @ a
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(s == 0)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ a + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < n * tol:
            return dict(zip(nodes, map(float, x), strict=True))
    raise nx.PowerIterationFailedConvergence(max_iter)
