"""The evidence graph as networkx graphs: one IRI-only network plus two derived views.

The network is the one projection of RDF onto nodes and edges
(:mod:`peergraph.analysis.projection`, shared with the HTML views and the figures), restricted to
the domain classes; it reads an ``rdflib.Graph``, a ``pyoxigraph.Store`` or an RDF file.

Views:

* ``evidence_network`` — a ``DiGraph``; nodes carry ``iri``, ``short_id`` (record id, citation
  key or local name), ``label``, ``class``; edges carry ``property`` (a CURIE such as
  ``pg:outcome``) and ``properties`` when one pair is linked by several.
* ``co_support_view`` — papers linked when they are cited by the same finding (``weight`` = how
  many findings, ``findings`` = their ids).
* ``setting_outcome_view`` — bipartite settings x outcomes, ``weight`` = distinct supporting papers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from peergraph.analysis.projection import (  # noqa: F401  (re-exported: the network's vocabulary)
    NETWORK_CLASSES,
    NO_SETTING,
    PREFIXES,
    Lit,
    PairEvidence,
    TripleSource,
    broader_closure,
    cited_papers,
    curie,
    local_name,
    nodes_of,
    pair_evidence,
    project,
    targets,
)

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx


def evidence_network(source: Any) -> nx.DiGraph:
    """The domain individuals and the links between them (:func:`project` restricted to
    :data:`NETWORK_CLASSES`): what the analysis ranks, clusters and exports.

    ``source`` is anything :func:`peergraph.analysis.projection.project` reads: an rdflib Graph,
    a pyoxigraph Store, an RDF file path, or a projection already made.
    """
    return project(source, NETWORK_CLASSES.values())


def display_name(graph: nx.DiGraph, node: str) -> str:
    """How a node is named in sentences: ``finding F05``, ``Smit et al. 2023``, ``hope``."""
    data = graph.nodes[node]
    cls = data.get("class")
    if cls == "Finding":
        return f"finding {data['short_id']}"
    if cls == "Paper":
        return str(data["label"]).split(":", 1)[0]
    return str(data["label"])


def _copy_node(view: nx.Graph, graph: nx.DiGraph, node: str, **extra: Any) -> None:
    keep = ("iri", "short_id", "label", "class", "year", "study_design", "hospital_based")
    data = graph.nodes[node]
    view.add_node(node, **{k: data[k] for k in keep if k in data}, **extra)


def co_support_view(graph: nx.DiGraph) -> nx.Graph:
    """Papers as nodes, linked when one finding cites both; ``weight`` = number of such findings."""
    import networkx as nx

    view = nx.Graph(name="co-support")
    for paper in nodes_of(graph, "Paper"):
        _copy_node(view, graph, paper)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for finding in nodes_of(graph, "Finding"):
        papers = sorted(cited_papers(graph, finding))
        for i, a in enumerate(papers):
            for b in papers[i + 1 :]:
                shared[a, b].append(graph.nodes[finding]["short_id"])
    for (a, b), ids in sorted(shared.items()):
        view.add_edge(a, b, weight=len(ids), findings=" ".join(sorted(ids)))
    return view


def setting_outcome_view(
    graph: nx.DiGraph, pairs: dict[tuple[str | None, str], PairEvidence] | None = None
) -> nx.Graph:
    """Bipartite settings (``bipartite=0``) x outcomes (``bipartite=1``); an edge per pair some
    finding links, ``weight`` = distinct supporting papers (narrower outcomes included),
    ``direct_papers``, ``findings`` and ``uncited_findings`` counts. ``pairs``: the
    :func:`pair_evidence` of ``graph``, if already computed."""
    import networkx as nx

    view = nx.Graph(name="setting-outcome")
    for node in nodes_of(graph, "Setting"):
        _copy_node(view, graph, node, bipartite=0)
    for node in nodes_of(graph, "Outcome"):
        _copy_node(view, graph, node, bipartite=1)
    pairs = pair_evidence(graph) if pairs is None else pairs
    for (setting, outcome), e in sorted(pairs.items(), key=_pair_key):
        if setting is None or setting == NO_SETTING:
            continue
        view.add_edge(
            setting,
            outcome,
            weight=len(e.papers),
            direct_papers=len(e.direct_papers),
            findings=len(e.findings),
            uncited_findings=len(e.uncited_findings),
            papers=" ".join(sorted(graph.nodes[p]["short_id"] for p in e.papers)),
        )
    return view


def _pair_key(item: tuple[tuple[str | None, str], Any]) -> tuple[str, str]:
    (setting, outcome), _ = item
    return (setting or "", outcome)


def undirected(
    graph: nx.DiGraph, exclude_classes: Iterable[str] = (), *, attributes: bool = True
) -> nx.Graph:
    """The network as a simple undirected graph (node and edge attributes kept unless
    ``attributes`` is false: the centrality view needs only the links), minus some classes."""
    import networkx as nx

    drop = set(exclude_classes)
    view = nx.Graph()  # not graph.to_undirected(): that deep-copies every attribute dict
    kept = [(n, d) for n, d in graph.nodes(data=True) if d.get("class") not in drop]
    if attributes:
        view.add_nodes_from(kept)
        view.add_edges_from(
            (u, v, d) for u, v, d in graph.edges(data=True) if u in view and v in view
        )
    else:
        view.add_nodes_from(n for n, _ in kept)
        view.add_edges_from((u, v) for u, v in graph.edges() if u in view and v in view)
    return view


# --- GraphML and GEXF ---------------------------------------------------------------------------
# Our own streaming writers, kept on purpose (issue 12, point 8): networkx's writers read our
# graphs back identically (tests/test_analyze.py checks that ours give the same graph back as
# networkx's), but on this data they get three things wrong that these get right:
# * a control character in a text (a stray BEL or form feed in a quote or a title) makes
#   ``nx.write_graphml`` (lxml) raise ValueError, and ``nx.write_gexf`` write ill-formed XML that
#   its own ``read_gexf`` cannot parse; these drop the characters XML 1.0 cannot hold;
# * ``nx.write_gexf`` stamps ``lastmodifieddate`` with today's date, so the file is not
#   byte-deterministic from one day to the next;
# * they build a tree of the whole graph first: 2.4x (GraphML) and 4.8x (GEXF) the CPU time of
#   these on the 10,000-finding network (15k nodes, 93k edges), which matters for analyze at scale.
# These write the same structure in graph order, one type per attribute (bool, int, float,
# string), and read back with networkx.read_graphml / read_gexf with those types.

_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
CHUNK_LINES = 4096  # elements per chunk a writer yields
CACHED_DATA = 4096  # distinct edge data whose XML is kept for the next edge with the same data


def _attribute_types(items: Iterable[dict[str, Any]], skip: tuple[str, ...] = ()) -> dict:
    """{attribute: Python type} in order of first appearance: one type per attribute (bool, int,
    float or str); ints and floats together are floats, any other mix is text. With a few
    attributes (edges), one ``map`` over the dicts per attribute: a million edges' dicts cost
    half as much as with a loop over each dict's items (which is faster with many)."""
    from itertools import chain
    from operator import methodcaller

    dicts = list(items)
    keys = dict.fromkeys(chain.from_iterable(dicts))
    kinds: dict[str, set[type]] = {}
    if len(keys) <= FEW_ATTRIBUTES:
        for key in keys:
            kinds[key] = set(map(type, map(methodcaller("get", key, _ABSENT), dicts)))
            kinds[key].discard(_Absent)
    else:
        for key, kind in set(chain.from_iterable(
            zip(d, map(type, d.values()), strict=True) for d in dicts
        )):  # fmt: skip
            kinds.setdefault(key, set()).add(kind)
    types: dict[str, type] = {}
    for key in keys:
        if key in skip:
            continue
        found = {kind if kind in _GRAPHML_TYPES else str for kind in kinds[key]}
        types[key] = found.pop() if len(found) == 1 else float if found == {int, float} else str
    return types


FEW_ATTRIBUTES = 6


class _Absent:
    """The value of an attribute a node or edge does not have (``None`` is a value)."""


_ABSENT = _Absent()


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 cannot hold these
_SPECIAL = re.compile('[&<>"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _escape(text: str) -> str:
    """Text for an XML element or a double-quoted attribute, less what XML cannot hold."""
    if _SPECIAL.search(text) is None:
        return text
    text = _NOT_XML.sub("", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xml_text(value: Any, kind: type) -> str:
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return repr(float(value))
    return _escape(str(value))


def _converter(kind: type) -> Callable[[Any], str]:
    """:func:`_xml_text` for one attribute type, without the type tests per value."""
    if kind is bool:
        return lambda v: "true" if v else "false"
    if kind is float:
        return lambda v: repr(float(v))
    if kind is int:
        return str  # an int attribute holds only ints (a bool among them makes it text)
    return lambda v: _escape(v if type(v) is str else str(v))


def _batched(lines: Iterable[str]) -> Iterator[str]:
    """Lines joined into chunks of :data:`CHUNK_LINES`, each ending in a line break."""
    from itertools import islice

    it = iter(lines)
    while batch := list(islice(it, CHUNK_LINES)):
        yield "\n".join(batch) + "\n"


def _graphml_lines(graph: nx.Graph) -> Iterator[str]:
    node_types = _attribute_types(d for _, d in graph.nodes(data=True))
    edge_types = _attribute_types(d for _, _, d in graph.edges(data=True))
    yield "<?xml version='1.0' encoding='utf-8'?>"
    yield ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')  # fmt: skip
    fields = {}
    for scope, types in (("node", node_types), ("edge", edge_types)):
        for key, kind in types.items():
            name = _escape(key)
            yield (f'  <key id="{scope}-{name}" for="{scope}" attr.name="{name}" '
                   f'attr.type="{_GRAPHML_TYPES[kind]}" />')  # fmt: skip
        fields[scope] = {
            key: (f'\n      <data key="{scope}-{_escape(key)}">', _converter(kind))
            for key, kind in types.items()
        }
    direction = "directed" if graph.is_directed() else "undirected"
    yield f'  <graph edgedefault="{direction}">'

    def data_lines(data: dict, fields: dict) -> str:
        return "".join([
            f"{fields[k][0]}{fields[k][1](v)}</data>" for k, v in data.items()
        ])  # fmt: skip

    ids = {}
    node_fields = fields["node"]
    for node, data in graph.nodes(data=True):
        ids[node] = name = _escape(str(node))
        yield f'    <node id="{name}">{data_lines(data, node_fields)}\n    </node>'
    edge_fields = fields["edge"]
    cache: dict[tuple, str] = {}  # most links share their data (one property, a few values)
    for u, v, data in graph.edges(data=True):
        key = tuple(data.items())
        text = cache.get(key)
        if text is None:
            text = data_lines(data, edge_fields)
            if len(cache) < CACHED_DATA:
                cache[key] = text
        yield f'    <edge source="{ids[u]}" target="{ids[v]}">{text}\n    </edge>'
    yield "  </graph>"
    yield "</graphml>"


def iter_graphml(graph: nx.Graph) -> Iterator[str]:
    """GraphML of ``graph`` in chunks of text (keys named after the attributes, for Gephi and
    Cytoscape): written as it is made, never held whole."""
    return _batched(_graphml_lines(graph))


def to_graphml(graph: nx.Graph) -> bytes:
    """GraphML bytes of ``graph`` (see :func:`iter_graphml`)."""
    return "".join(iter_graphml(graph)).encode("utf-8")


def _gexf_lines(graph: nx.Graph) -> Iterator[str]:
    node_types = _attribute_types((d for _, d in graph.nodes(data=True)), skip=("label",))
    edge_types = _attribute_types((d for _, _, d in graph.edges(data=True)), skip=("weight",))
    direction = "directed" if graph.is_directed() else "undirected"
    yield "<?xml version='1.0' encoding='utf-8'?>"
    yield ('<gexf xmlns="http://www.gexf.net/1.2draft" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.gexf.net/1.2draft '
           'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">')  # fmt: skip
    yield "  <meta>"
    yield "    <creator>peergraph</creator>"
    yield "  </meta>"
    yield f'  <graph defaultedgetype="{direction}" mode="static">'
    fields = {}
    for scope, types in (("node", node_types), ("edge", edge_types)):
        yield f'    <attributes class="{scope}" mode="static">'
        for i, (key, kind) in enumerate(types.items()):
            yield (f'      <attribute id="{i}" title="{_escape(key)}" '
                   f'type="{_GEXF_TYPES[kind]}" />')  # fmt: skip
        yield "    </attributes>"
        fields[scope] = {
            key: (f'\n          <attvalue for="{i}" value="', _converter(kind))
            for i, (key, kind) in enumerate(types.items())
        }

    def attvalues(data: dict, fields: dict, skip: str) -> str:
        values = "".join([
            f'{fields[k][0]}{fields[k][1](v)}" />' for k, v in data.items() if k != skip
        ])  # fmt: skip
        return f"\n        <attvalues>{values}\n        </attvalues>" if values else ""

    yield "    <nodes>"
    ids = {}
    node_fields = fields["node"]
    for node, data in graph.nodes(data=True):
        ids[node] = name = _escape(str(node))
        label = _escape(str(data.get("label", node)))
        yield (f'      <node id="{name}" label="{label}">'
               f"{attvalues(data, node_fields, 'label')}\n      </node>")  # fmt: skip
    yield "    </nodes>"
    yield "    <edges>"
    edge_fields = fields["edge"]
    cache: dict[tuple, str] = {}
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        key = tuple(data.items())
        text = cache.get(key)
        if text is None:
            weight = f' weight="{float(data["weight"])!r}"' if "weight" in data else ""
            text = f'{weight}>{attvalues(data, edge_fields, "weight")}\n      </edge>'
            if len(cache) < CACHED_DATA:
                cache[key] = text
        yield f'      <edge source="{ids[u]}" target="{ids[v]}" id="{i}"{text}'
    yield "    </edges>"
    yield "  </graph>"
    yield "</gexf>"


def iter_gexf(graph: nx.Graph) -> Iterator[str]:
    """GEXF 1.2 of ``graph`` in chunks of text: node ``label`` as the GEXF label, edge ``weight``
    as the GEXF weight (a float by the format's definition), every other attribute as a typed
    attvalue; written as it is made, never held whole."""
    return _batched(_gexf_lines(graph))


def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.2 bytes of ``graph`` (see :func:`iter_gexf`)."""
    return "".join(iter_gexf(graph)).encode("utf-8")
