"""Network analysis of the evidence: how strong, how central, which clusters, how things connect.

Every metric is a pure function of the networkx graphs built by :mod:`peergraph.analysis.network`;
nothing
here prints or writes files (see :func:`report_text` and :func:`analysis_exports`). What each
metric means, for a reader who is not a network scientist:

* **evidence strength** — how many *different* papers the essay cites for claims about an outcome
  (or about an outcome in a setting), each paper weighted by its study design
  (:data:`DESIGN_WEIGHTS`); claims that cite nothing are counted in their own column, never as
  evidence.
* **degree** — the share of all other items an item is directly linked to: how much is said
  about it.
* **betweenness** — how often an item lies on the shortest route between two other items: a
  bridge between otherwise separate parts of the evidence.
* **PageRank** — importance that flows along links: an item is important if important items link
  to it (the idea behind Google's first ranking).
* **communities** — groups of items more tightly linked to each other than to the rest (Louvain
  method), each named after its most central members.
* **explanation path** — the shortest chain of stated links from one item to another, read aloud.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peergraph.analysis.gcpause import gc_paused
from peergraph.errors import EXIT_VIOLATIONS, UsageError
from peergraph.workers import Worker

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

# Weight of one cited paper by its study design. Pooled quantitative evidence counts most (a
# meta-analysis combines many trials' data; a systematic review appraises all eligible studies
# but may not pool them); a paper whose design is not recognised is most often a primary
# empirical study, so it sits between syntheses and narrative/qualitative work, which describe
# experiences or summarise selectively and so count least. A paper with several designs (e.g.
# "systematic review and meta-analysis") counts at its highest weight.
DESIGN_WEIGHTS: dict[str, float] = {
    "meta-analysis": 3.0,
    "systematic-review": 2.5,
    "unknown": 1.5,
    "qualitative-study": 1.0,
    "literature-review": 1.0,
}

RANKED_CLASSES = ("Outcome", "Setting", "Paper", "OrganisationalFactor")
# Left out of centrality and communities (kept in the network files): what nearly every finding
# shares by construction (the essay, the intervention, the effect direction and magnitude, the
# time point durations are measured from) and bibliographic detail (study designs, authors,
# journals). Without them, an item is central because of the evidence topics it links, not
# because of bookkeeping, and Louvain runs on about half the links.
CENTRALITY_EXCLUDED = (
    "SourceDocument", "TimeReference", "Intervention", "EffectDirection", "Magnitude",
    "StudyDesign", "Person", "Journal",
)  # fmt: skip
# Links that are true of almost every finding or paper; explanation paths avoid them when they can
# (each costs this much instead of 1), so paths run through shared evidence, not through the essay.
PATH_HUB_COST = 5.0
PATH_HUB_PROPERTIES = frozenset({
    "pg:assertedIn", "pg:citedIn", "pg:intervention", "pg:direction", "pg:magnitude",
    "pg:measuredFrom", "pg:studyDesign",
})  # fmt: skip
# Exact betweenness up to this many nodes; above it, a seeded sample of ``k`` pivots (each pivot
# costs one breadth-first search over every link), k = BETWEENNESS_WORK / links, within bounds.
EXACT_BETWEENNESS_MAX_NODES = 5000
# From this many nodes in the topic view, communities are found in a forked child process on the
# second core while this one computes betweenness and PageRank (the slowest steps; same results).
PARALLEL_MIN_NODES = 5000
# Louvain up to this many topic-view nodes; above, seeded fast label propagation (networkx's
# ``fast_label_propagation_communities``), and the report says so. Measured on 2 shared cores:
# Louvain takes 2.9 s CPU at 13k nodes (10k findings) but 42 s at 128k (100k findings); label
# propagation 0.6 s at 13k (modularity 0.25 against Louvain's 0.30).
LOUVAIN_MAX_NODES = 50_000
BETWEENNESS_WORK = 2_000_000
BETWEENNESS_SAMPLES_MIN, BETWEENNESS_SAMPLES_MAX = 8, 64
DEFAULT_SEED = 42

# How an edge reads in a sentence: "<subject> <phrase> <object>".
PHRASES: dict[str, str] = {
    "pg:outcome": "reports on the outcome",
    "pg:setting": "concerns the setting",
    "pg:organisationalFactor": "names the organisational factor",
    "pg:mechanism": "names the mechanism",
    "pg:population": "concerns the population",
    "pg:intervention": "is about the intervention",
    "pg:direction": "states the direction",
    "pg:magnitude": "states the magnitude",
    "pg:persistence": "states the persistence",
    "pg:followUpHorizon": "reports effects up to the horizon",
    "pg:comparison": "makes the comparison",
    "pg:favours": "favours",
    "pg:comparator": "is compared with",
    "pg:comparedOn": "is a comparison on the outcome",
    "pg:recoveryGroup": "belongs to the recovery group",
    "pg:chimeDomain": "belongs to the CHIME domain",
    "pg:studyDesign": "has the study design",
    "pg:measuredFrom": "is measured from",
    "pg:assertedIn": "is asserted in",
    "pg:citedIn": "is cited in",
    "cito:citesAsEvidence": "cites as evidence",
    "skos:broader": "is a kind of",
    "dcterms:creator": "is written by",
    "dcterms:isPartOf": "is published in",
}


class UnknownNode(UsageError):
    """A name given for a path matches no node."""


class NoPath(UsageError):
    """Two nodes are not connected."""

    exit_code = EXIT_VIOLATIONS


class EmptyGraph(UsageError):
    """The graph holds nothing to analyse."""


@dataclass
class Analysis:
    """Everything ``peergraph analyze`` computes: the graphs and one list of rows per table."""

    network: nx.DiGraph
    co_support: nx.Graph
    setting_outcome: nx.Graph
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    paths: list[dict[str, Any]] = field(default_factory=list)
    betweenness_samples: int | None = None  # pivots of the estimate; None = exact
    seed: int = DEFAULT_SEED  # of the pivots' draw and of the communities
    community_method: str = "Louvain"


# --- evidence strength ------------------------------------------------------------------------


def design_weight(graph: nx.DiGraph, paper: str) -> float:
    """The highest :data:`DESIGN_WEIGHTS` entry among a paper's study designs."""
    designs = str(graph.nodes[paper].get("study_design", "")).split()
    return max((DESIGN_WEIGHTS.get(d, DESIGN_WEIGHTS["unknown"]) for d in designs),
               default=DESIGN_WEIGHTS["unknown"])  # fmt: skip


def evidence_strength(
    graph: nx.DiGraph, pairs: dict[tuple[str | None, str], Any] | None = None
) -> tuple[list[dict], list[dict]]:
    """Rows per outcome and per (setting, outcome) pair, strongest first.

    ``papers`` counts distinct cited papers (claims on narrower outcomes included: a finding on
    hope is evidence on personal recovery), ``score`` sums their design weights, ``direct_papers``
    counts only claims naming the outcome itself, ``uncited_findings`` counts claims citing nothing.
    """
    from peergraph.analysis.projection import NO_SETTING, pair_evidence

    by_outcome, by_pair = [], []
    pairs = pair_evidence(graph) if pairs is None else pairs
    weights: dict[str, float] = {}
    for (setting, outcome), e in pairs.items():
        if setting == NO_SETTING:
            continue
        for p in e.papers.difference(weights):
            weights[p] = design_weight(graph, p)
        row = {
            "outcome": graph.nodes[outcome]["short_id"],
            "outcome_label": graph.nodes[outcome]["label"],
            "papers": len(e.papers),
            "score": round(sum(weights[p] for p in e.papers), 2),
            "direct_papers": len(e.direct_papers),
            "cited_findings": len(e.findings),
            "uncited_findings": len(e.uncited_findings),
            "paper_ids": " ".join(sorted(graph.nodes[p]["short_id"] for p in e.papers)),
        }
        if setting is None:
            by_outcome.append(row)
        else:
            s = graph.nodes[setting]
            by_pair.append({"setting": s["short_id"], "setting_label": s["label"], **row})

    def order(r: dict) -> tuple:
        return (-r["score"], -r["papers"], r.get("setting", ""), r["outcome"])

    return sorted(by_outcome, key=order), sorted(by_pair, key=order)


# --- centrality and communities ---------------------------------------------------------------


def topic_view(graph: nx.DiGraph) -> nx.Graph:
    """The undirected network without :data:`CENTRALITY_EXCLUDED` classes: nodes and links only
    (no attributes), for centrality and communities."""
    from peergraph.analysis.network import undirected

    return undirected(graph, CENTRALITY_EXCLUDED, attributes=False)


def centrality(
    graph: nx.DiGraph,
    *,
    seed: int = DEFAULT_SEED,
    betweenness_samples: int | None = None,
    view: nx.Graph | None = None,
) -> tuple[dict[str, dict[str, float]], int | None]:
    """Degree, betweenness and PageRank of every node of the topic view (:func:`topic_view`).

    Parameters
    ----------
    graph : the evidence network (:func:`peergraph.analysis.network.evidence_network`)
    seed : seeds the betweenness sample, so results repeat
    betweenness_samples : pivots for sampled betweenness; ``None`` = exact up to
        :data:`EXACT_BETWEENNESS_MAX_NODES` nodes, else chosen from :data:`BETWEENNESS_WORK`
    view : the topic view, if already built

    Returns
    -------
    ({node: {"degree": .., "betweenness": .., "pagerank": ..}}, pivots used or None when exact)
    """
    import networkx as nx

    from peergraph.analysis import sparse

    view = topic_view(graph) if view is None else view
    n = view.number_of_nodes()
    if n == 0:
        return {}, None
    k = betweenness_samples
    if k is None and n > EXACT_BETWEENNESS_MAX_NODES:
        k = BETWEENNESS_WORK // max(1, view.number_of_edges())
        k = min(BETWEENNESS_SAMPLES_MAX, max(BETWEENNESS_SAMPLES_MIN, k))
    if k is not None and k >= n:
        k = None
    degree = nx.degree_centrality(view)
    if view.number_of_edges():
        matrix = sparse.adjacency(view)
        between = sparse.betweenness(view, k, seed, matrix)
        pagerank = sparse.pagerank(view, matrix)
    else:
        between, pagerank = dict.fromkeys(view, 0.0), {v: 1 / n for v in view}
    return {
        v: {"degree": degree[v], "betweenness": between[v], "pagerank": pagerank[v]} for v in view
    }, k


def centrality_rows(graph: nx.DiGraph, scores: dict[str, dict[str, float]]) -> list[dict]:
    """One row per outcome, setting, paper and organisational factor, ranked within its class by
    PageRank (then degree, betweenness, id)."""
    from peergraph.analysis.network import display_name

    rows = []
    for cls in RANKED_CLASSES:
        members = [n for n, c in graph.nodes(data="class") if c == cls and n in scores]
        members.sort(key=lambda n: (
            -round(scores[n]["pagerank"], 12),
            -round(scores[n]["degree"], 12),
            -round(scores[n]["betweenness"], 12),
            graph.nodes[n]["short_id"],
        ))  # fmt: skip
        for rank, node in enumerate(members, 1):
            rows.append({
                "class": cls,
                "rank": rank,
                "id": graph.nodes[node]["short_id"],
                "label": display_name(graph, node),
                "degree": round(scores[node]["degree"], 6),
                "betweenness": round(scores[node]["betweenness"], 6),
                "pagerank": round(scores[node]["pagerank"], 6),
            })  # fmt: skip
    return rows


def louvain(view: nx.Graph, seed: int = DEFAULT_SEED) -> list[set[str]]:
    """Communities of ``view`` (seeded: the same on every run): Louvain up to
    :data:`LOUVAIN_MAX_NODES` nodes, else fast label propagation (see :func:`community_method`)."""
    import networkx as nx

    if not view.number_of_edges():
        return []
    if community_method(view) == "label propagation":
        return sorted(
            (set(c) for c in nx.community.fast_label_propagation_communities(view, seed=seed)),
            key=lambda c: (-len(c), min(c)),
        )
    return nx.community.louvain_communities(view, seed=seed)


def community_method(view: nx.Graph) -> str:
    return "Louvain" if view.number_of_nodes() <= LOUVAIN_MAX_NODES else "label propagation"


def communities(
    graph: nx.DiGraph,
    scores: dict[str, dict[str, float]],
    *,
    seed: int = DEFAULT_SEED,
    view: nx.Graph | None = None,
    groups: list[set[str]] | None = None,
) -> list[dict]:
    """Louvain communities of the topic view (:func:`topic_view`), largest first, each labelled
    with its three most central members (by PageRank) that are not findings. ``groups``: the
    :func:`louvain` communities of the view, if already computed."""
    from peergraph.analysis.network import display_name

    view = topic_view(graph) if view is None else view
    if view.number_of_edges() == 0:
        return []
    groups = louvain(view, seed) if groups is None else groups
    rows = []
    for members in groups:
        ranked = sorted(members, key=lambda n: (-round(scores[n]["pagerank"], 12), n))
        named = [n for n in ranked if graph.nodes[n]["class"] != "Finding"] or ranked
        classes: dict[str, int] = {}
        for n in members:
            classes[graph.nodes[n]["class"]] = classes.get(graph.nodes[n]["class"], 0) + 1
        rows.append({
            "label": " / ".join(display_name(graph, n) for n in named[:3]),
            "size": len(members),
            "findings": classes.get("Finding", 0),
            "papers": classes.get("Paper", 0),
            "members": " ".join(sorted(graph.nodes[n]["short_id"] for n in members)),
            "_nodes": members,
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["size"], r["label"]))
    for i, row in enumerate(rows, 1):
        row["community"] = i
        for node in row.pop("_nodes"):
            graph.nodes[node]["community"] = i
    return [{"community": r.pop("community"), **r} for r in rows]


# --- explanation paths ------------------------------------------------------------------------


def _names(data: dict[str, Any]) -> list[tuple[int, str]]:
    """(priority, casefolded name): id and label first, then alternative labels and the IRI."""
    names = [(0, str(data.get("short_id", ""))), (0, str(data.get("label", "")))]
    if data.get("class") == "Paper":
        names.append((0, str(data["label"]).split(":", 1)[0]))
    names += [(1, a) for a in str(data.get("alt_labels", "")).split("; ") if a]
    names.append((1, str(data.get("iri", ""))))
    return [(p, n.casefold().strip()) for p, n in names if n]


def find_node(graph: nx.DiGraph, name: str) -> str:
    """The node called ``name`` (case-insensitive id, label, alternative label or IRI).

    Raises
    ------
    UnknownNode
        naming up to three close matches.
    """
    import difflib

    wanted = " ".join(name.casefold().split())
    hits: list[tuple[int, int, str]] = []
    for node, data in graph.nodes(data=True):
        for priority, candidate in _names(data):
            if candidate == wanted or candidate == wanted.replace(" ", "-"):
                finding = data.get("class") == "Finding"
                hits.append((priority, finding, node))
    if hits:
        return min(hits)[2]
    pool: dict[str, str] = {}
    for _, data in sorted(graph.nodes(data=True)):
        if data.get("class") in ("Person", "Journal"):
            continue
        for _, candidate in _names(data)[:3]:
            pool.setdefault(candidate, str(data.get("label")))
    close = difflib.get_close_matches(wanted, list(pool), n=3, cutoff=0.6)
    if not close:
        close = [c for c in pool if wanted in c or (len(c) > 3 and c in wanted)][:3]
    hint = ", ".join(f"'{label}'" for label in dict.fromkeys(pool[c] for c in close))
    raise UnknownNode(
        f"no node named '{name}' in the graph"
        + (
            f" (did you mean {hint}?)"
            if hint
            else " (give a label, alternative label or id, "
            "e.g. 'hope', 'hospital', 'F06' or 'smit2023')"
        )  # fmt: skip
    )


def explain_path(graph: nx.DiGraph, start: str, end: str) -> dict[str, Any]:
    """The shortest chain of links from ``start`` to ``end`` (names as in :func:`find_node`),
    avoiding links every finding has (:data:`PATH_HUB_PROPERTIES`) unless nothing else connects.

    Returns
    -------
    {"from", "to", "nodes": [ids], "sentences": ["structured supervision ...", ...]}

    Raises
    ------
    UnknownNode, NoPath
    """
    import networkx as nx

    from peergraph.analysis.network import display_name, undirected

    a, b = find_node(graph, start), find_node(graph, end)
    view = undirected(graph)  # a copy in insertion order: networkx's views iterate sets

    def cost(u: str, v: str, data: dict) -> float:
        return PATH_HUB_COST if data["property"] in PATH_HUB_PROPERTIES else 1.0

    try:
        nodes = nx.dijkstra_path(view, a, b, weight=cost)
    except nx.NetworkXNoPath:
        raise NoPath(
            f"no path between '{display_name(graph, a)}' and '{display_name(graph, b)}': "
            f"they lie in separate parts of the graph "
            f"({len(nx.node_connected_component(view, a))} and "
            f"{len(nx.node_connected_component(view, b))} connected items)"
        ) from None
    sentences = []
    for u, v in zip(nodes, nodes[1:], strict=False):
        s, o = (u, v) if graph.has_edge(u, v) else (v, u)
        prop = graph.edges[s, o]["property"]
        sentences.append(
            f"{_described(graph, s)} {PHRASES.get(prop, prop)} {_described(graph, o, kind=False)}."
        )
    return {
        "from": graph.nodes[a]["short_id"],
        "to": graph.nodes[b]["short_id"],
        "nodes": [graph.nodes[n]["short_id"] for n in nodes],
        "sentences": [s[0].upper() + s[1:] for s in sentences],
    }


def _described(graph: nx.DiGraph, node: str, *, kind: bool = True) -> str:
    from peergraph.analysis.network import display_name

    data = graph.nodes[node]
    if data["class"] == "Finding":
        return f"finding {data['short_id']} (\u201c{data['label']}\u201d)"
    what = {"OrganisationalFactor": "organisational factor", "StudyDesign": "study design",
            "ChimeDomain": "CHIME domain", "DurationOfEffect": "duration",
            "FollowUpHorizon": "follow-up horizon",
            "SourceDocument": "source"}.get(data["class"], data["class"].lower())  # fmt: skip
    if data["class"] in ("Paper", "Person", "Journal"):
        return display_name(graph, node)
    name = f"\u2018{display_name(graph, node)}\u2019"
    return f"{what} {name}" if kind else name


# --- the whole analysis -----------------------------------------------------------------------


@gc_paused()
def analyze(
    source: Any = None,
    *,
    paths: Sequence[tuple[str, str]] = (),
    seed: int = DEFAULT_SEED,
    betweenness_samples: int | None = None,
) -> Analysis:
    """Build the network and its views from ``source`` and compute every table.

    Parameters
    ----------
    source : rdflib.Graph, pyoxigraph.Store, RDF file path (streamed, see
        :mod:`peergraph.analysis.projection`), a projection already made, or anything
        :func:`peergraph.export.store.open_store` accepts (None = the bundled data)
    paths : pairs of node names to explain (see :func:`explain_path`)
    seed, betweenness_samples : see :func:`centrality`

    Raises
    ------
    EmptyGraph when the source holds no findings; UnknownNode / NoPath for ``paths``.

    Examples
    --------
    >>> result = analyze(paths=[("structured supervision", "peer worker retention")])
    >>> result.tables["centrality"][0]["class"]
    'Outcome'
    """
    from pathlib import Path

    from peergraph.analysis.network import co_support_view, evidence_network, setting_outcome_view
    from peergraph.analysis.projection import is_projection, pair_evidence

    readable = (
        hasattr(source, "triples")
        or hasattr(source, "quads_for_pattern")
        or isinstance(source, (str, Path))
        or is_projection(source)
    )
    if source is None or not readable:
        from peergraph.export.store import open_store

        source = open_store(source)
    network = evidence_network(source)
    if not any(c == "Finding" for _, c in network.nodes(data="class")):
        raise EmptyGraph(
            "the graph holds no findings (pg:Finding), so there is nothing to analyse; "
            "give the data folder or an RDF file written by 'peergraph build'"
        )
    view = topic_view(network)
    method = community_method(view)
    groups = None
    if view.number_of_nodes() >= PARALLEL_MIN_NODES:  # the slowest step, on the second core
        groups = Worker(lambda: louvain(view, seed), what="community detection", fork=True)
    try:
        evidence = pair_evidence(network)
        result = Analysis(
            network, co_support_view(network), setting_outcome_view(network, evidence)
        )
        result.community_method, result.seed = method, seed
        outcomes, pairs = evidence_strength(network, evidence)
        scores, result.betweenness_samples = centrality(
            network, seed=seed, betweenness_samples=betweenness_samples, view=view
        )
        ranked = centrality_rows(network, scores)
        comparisons = comparison_rows(network)
    except BaseException:
        if groups is not None:
            groups.cancel()
        raise
    result.tables = {
        "evidence-by-outcome": outcomes,
        "evidence-by-setting-outcome": pairs,
        "centrality": ranked,
        "communities": communities(
            network,
            scores,
            seed=seed,
            view=view,
            groups=groups.result() if groups is not None else None,
        ),
        "comparisons": comparisons,
        "design-weights": [{"study_design": k, "weight": v} for k, v in DESIGN_WEIGHTS.items()],
    }
    for node, s in scores.items():
        network.nodes[node].update({k: round(v, 6) for k, v in s.items()})
    result.paths = [explain_path(network, a, b) for a, b in paths]
    if result.paths:
        result.tables["paths"] = [
            {"from": p["from"], "to": p["to"], "step": i, "sentence": s}
            for p in result.paths
            for i, s in enumerate(p["sentences"], 1)
        ]
    return result


def comparison_rows(graph: nx.DiGraph) -> list[dict]:
    """Stated comparisons: which setting or arrangement does better than which, on what, and on
    which cited papers."""
    from peergraph.analysis.network import cited_papers, nodes_of, targets

    rows = []
    for finding in nodes_of(graph, "Finding"):
        for comp in targets(graph, finding, "pg:comparison"):

            def ids(prop: str, node: str = comp) -> str:
                found = targets(graph, node, prop)
                return " ".join(sorted(graph.nodes[n]["short_id"] for n in found))

            rows.append({
                "finding": graph.nodes[finding]["short_id"],
                "favours": ids("pg:favours"),
                "over": ids("pg:comparator"),
                "on": ids("pg:comparedOn"),
                "papers": " ".join(sorted(graph.nodes[p]["short_id"]
                                          for p in cited_papers(graph, finding))),
            })  # fmt: skip
    return sorted(rows, key=lambda r: (r["finding"], r["favours"], r["on"]))


# --- output -----------------------------------------------------------------------------------


def report_text(result: Analysis, *, top: int = 5) -> str:
    """The terminal report: a few lines per table, strongest or most central first."""
    net = result.network
    counts: dict[str, int] = {}
    for _, c in net.nodes(data="class"):
        counts[c] = counts.get(c, 0) + 1
    t = result.tables
    lines = [
        f"Evidence network: {net.number_of_nodes():,} items, {net.number_of_edges():,} links "
        f"({counts.get('Finding', 0)} findings, {counts.get('Paper', 0)} papers, "
        f"{counts.get('Outcome', 0)} outcomes, {counts.get('Setting', 0)} settings)",
        "",
        "Evidence strength by outcome (distinct cited papers, weighted by design: "
        + ", ".join(f"{k} {v:g}" for k, v in DESIGN_WEIGHTS.items())
        + ")",
    ]
    lines += _table(t["evidence-by-outcome"][:top],
                    ["outcome_label", "score", "papers", "uncited_findings"],
                    ["outcome", "score", "papers", "uncited claims"])  # fmt: skip
    lines += ["", "Evidence strength by setting and outcome"]
    lines += _table(t["evidence-by-setting-outcome"][:top],
                    ["setting_label", "outcome_label", "score", "papers", "uncited_findings"],
                    ["setting", "outcome", "score", "papers", "uncited claims"])  # fmt: skip
    k = result.betweenness_samples
    how = "exact" if k is None else f"sampled from {k} pivots, seed {result.seed}"
    lines += ["", f"Most central items (PageRank; betweenness {how})"]
    for cls in RANKED_CLASSES:
        rows = [r for r in t["centrality"] if r["class"] == cls][:top]
        if rows:
            lines.append(f"  {cls}:")
            lines += ["  " + line for line in _table(
                rows, ["rank", "label", "pagerank", "degree", "betweenness"],
                ["#", "name", "pagerank", "degree", "betweenness"])]  # fmt: skip
    lines += ["", f"Communities ({result.community_method}): {len(t['communities'])}"]
    lines += _table(t["communities"][:top], ["community", "size", "findings", "papers", "label"],
                    ["#", "size", "findings", "papers", "named after"])  # fmt: skip
    if t["comparisons"]:
        lines += ["", f"Stated comparisons: {len(t['comparisons'])}"]
        lines += _table(t["comparisons"][: max(top, 10)], ["finding", "favours", "over", "on",
                        "papers"], ["finding", "favours", "over", "on", "papers"])  # fmt: skip
    for path in result.paths:
        lines += ["", f"Path from {path['from']} to {path['to']} ({len(path['sentences'])} links)"]
        lines += [f"  {i}. {s}" for i, s in enumerate(path["sentences"], 1)]
    return "\n".join(lines)


def _table(rows: list[dict], keys: list[str], headers: list[str]) -> list[str]:
    if not rows:
        return ["  (none)"]
    cells = [[_fmt(r.get(k, "")) for k in keys] for r in rows]
    widths = [min(48, max(len(h), *(len(c[i]) for c in cells))) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  " + "  ".join(_clip(v, w).ljust(w) for v, w in zip(values, widths, strict=True))

    return [line(headers).rstrip()] + [line(c).rstrip() for c in cells]


def _fmt(value: Any) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _csv(rows: list[dict]) -> bytes:
    if not rows:
        return b""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


GRAPH_FILES = {"evidence-network": "network", "co-support": "co_support",
               "setting-outcome": "setting_outcome"}  # fmt: skip


def result_outputs(result: Analysis) -> dict[str, Callable[[], Iterable[str | bytes]]]:
    """Every output file of an analysis as {relative path: function giving its content in
    chunks}: a large network is written as it is made, never held whole."""
    from peergraph.analysis.figures import evidence_matrix_png, evidence_matrix_svg
    from peergraph.analysis.network import iter_gexf, iter_graphml

    payload = {
        "design_weights": DESIGN_WEIGHTS,
        **({} if result.community_method == "Louvain"
           else {"communities": result.community_method}),
        "betweenness": "exact" if result.betweenness_samples is None
        else {"samples": result.betweenness_samples, "seed": result.seed},
        "tables": result.tables,
        "paths": result.paths,
    }  # fmt: skip
    outputs: dict[str, Callable[[], Iterable[str | bytes]]] = {
        "analysis.json": lambda: [
            json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=True), "\n"
        ],
    }
    for name, rows in result.tables.items():
        outputs[f"tables/{name}.csv"] = lambda rows=rows: [_csv(rows)]
    for stem, attr in GRAPH_FILES.items():
        graph = getattr(result, attr)
        outputs[f"{stem}.graphml"] = lambda graph=graph: iter_graphml(graph)
        outputs[f"{stem}.gexf"] = lambda graph=graph: iter_gexf(graph)
    view = result.setting_outcome
    outputs["evidence-matrix.png"] = lambda: [evidence_matrix_png(view)]
    outputs["evidence-matrix.svg"] = lambda: [evidence_matrix_svg(view)]
    return outputs


def _bytes(chunks: Iterable[str | bytes]) -> bytes:
    return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in chunks)


@gc_paused()
def result_files(result: Analysis) -> dict[str, bytes]:
    """Every output file of an analysis, {relative path: bytes}, byte-deterministic."""
    return {rel: _bytes(make()) for rel, make in result_outputs(result).items()}


def analysis_exports(graph: Any, dataset: Any = None) -> dict[str, bytes]:
    """For ``pipeline.EXTRA_EXPORTS``: the analysis files under ``analysis/``."""
    return {f"analysis/{k}": v for k, v in result_files(analyze(graph)).items()}


# written on the second core when the network is large: about half the bytes, and the figures
SECOND_CORE_FILES = (".gexf", ".png", ".svg")


@gc_paused()
def write_analysis(result: Analysis, out_dir: Any) -> dict[str, int]:
    """Write every output file (:func:`result_outputs`) into ``out_dir``, streamed, and return
    {relative path: size in bytes}. Each file is written beside its place and moved there only
    when all are written: a failed run leaves the earlier files as they were. From
    :data:`PARALLEL_MIN_NODES` nodes the GEXF files and the figures are written by a child on
    the second core."""
    from pathlib import Path

    out = Path(out_dir)
    outputs = result_outputs(result)
    temps = {rel: (out / rel).with_name((out / rel).name + ".tmp") for rel in outputs}
    for tmp in temps.values():
        tmp.parent.mkdir(parents=True, exist_ok=True)

    def write(rels: list[str]) -> dict[str, int]:
        sizes = {}
        for rel in rels:
            with temps[rel].open("wb") as f:
                for chunk in outputs[rel]():
                    f.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                sizes[rel] = f.tell()
        return sizes

    later = [rel for rel in outputs if rel.endswith(SECOND_CORE_FILES)]
    here = [rel for rel in outputs if rel not in later]
    try:
        if result.network.number_of_nodes() >= PARALLEL_MIN_NODES:
            second = Worker(lambda: write(later), what="writing the analysis files", fork=True)
            try:
                sizes = write(here)
            except BaseException:
                second.cancel()
                raise
            sizes.update(second.result())
        else:
            sizes = write(here + later)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    for rel, tmp in temps.items():
        tmp.replace(out / rel)
    return {rel: sizes[rel] for rel in outputs}
