"""The evidence graph as networkx graphs: one IRI-only network plus two derived views.

Literals never become nodes: they are node attributes (label, quote, year, ...), so the network
holds only the things a user reasons about (findings, papers, outcomes, settings, ...) and stays
small enough for centrality on a million-triple graph. The reader works on an ``rdflib.Graph`` or
a ``pyoxigraph.Store`` (see :func:`peergraph.export.store.open_store`) through one pattern-matching
call
per predicate, never by loading every triple into Python.

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peergraph.iris import PG_NS as PG
from peergraph.iris import PREFIXES as _ALL_PREFIXES

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ECO_UNCITED = "http://purl.obolibrary.org/obo/ECO_0000034"
HAS_EVIDENCE_TYPE = "http://purl.obolibrary.org/obo/SEPIO_0000398"

PREFIXES = {p: _ALL_PREFIXES[p] for p in ("pg", "pgv", "cito", "dcterms", "skos", "time")}

# rdf:type -> node class; the first match in this order wins (papers are also fabio:JournalArticle)
CLASSES: dict[str, str] = {
    PG + "Finding": "Finding",
    PG + "Paper": "Paper",
    PG + "Outcome": "Outcome",
    PG + "Setting": "Setting",
    PG + "OrganisationalFactor": "OrganisationalFactor",
    PG + "Mechanism": "Mechanism",
    PG + "Population": "Population",
    PG + "Intervention": "Intervention",
    PG + "StudyDesign": "StudyDesign",
    PG + "ChimeDomain": "ChimeDomain",
    PG + "Comparison": "Comparison",
    PG + "DurationOfEffect": "DurationOfEffect",
    PG + "FollowUpHorizon": "FollowUpHorizon",
    PG + "EffectDirection": "EffectDirection",
    PG + "Magnitude": "Magnitude",
    PG + "TimeReference": "TimeReference",
    PG + "SourceDocument": "SourceDocument",
    "http://xmlns.com/foaf/0.1/Person": "Person",
    "http://purl.org/spar/fabio/Journal": "Journal",
}

# IRI -> IRI properties kept as edges, most specific first (pg:recoveryGroup ⊑ skos:broader)
EDGE_PROPERTIES: tuple[str, ...] = tuple(
    PG + name
    for name in (
        "outcome", "setting", "organisationalFactor", "mechanism", "population", "intervention",
        "direction", "magnitude", "persistence", "followUpHorizon", "comparison", "favours",
        "comparator",
        "comparedOn", "recoveryGroup", "chimeDomain", "studyDesign", "measuredFrom", "assertedIn",
        "citedIn",
    )
) + (
    "http://purl.org/spar/cito/citesAsEvidence",
    SKOS + "broader",
    DCT + "creator",
    DCT + "isPartOf",
)  # fmt: skip

# literal properties -> (node attribute, kind); kind "str" keeps the first value in sorted order
LITERAL_ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    (RDFS + "label", "label", "str"),
    (SKOS + "prefLabel", "pref_label", "str"),
    (SKOS + "altLabel", "alt_labels", "list"),
    (SKOS + "definition", "definition", "str"),
    (DCT + "identifier", "short_id", "str"),
    (PG + "citationKey", "citation_key", "str"),
    (DCT + "title", "title", "str"),
    (DCT + "bibliographicCitation", "citation", "str"),
    ("http://purl.org/spar/fabio/hasPublicationYear", "year", "int"),
    ("http://prismstandard.org/namespaces/basic/2.0/doi", "doi", "str"),
    ("http://xmlns.com/foaf/0.1/name", "name", "str"),
    (SKOS + "editorialNote", "note", "str"),
    (PG + "hospitalBased", "hospital_based", "bool"),
    (PG + "draft", "draft", "bool"),
    (PG + "minimum", "minimum", "float"),
    (PG + "maximum", "maximum", "float"),
    (PG + "horizonLowerBound", "horizon_lower", "float"),
    (PG + "horizonUpperBound", "horizon_upper", "float"),
)

_INT_TYPES = {XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}


@dataclass(frozen=True)
class Lit:
    """A literal as read from either backend: lexical form, datatype IRI, language tag."""

    value: str
    datatype: str | None = None
    language: str | None = None

    def as_python(self, kind: str) -> Any:
        if kind == "bool":
            return self.value.strip().lower() in ("true", "1")
        if kind == "int":
            try:
                return int(self.value.strip()[:4] if self.datatype == XSD + "gYear" else self.value)
            except ValueError:
                return None
        if kind == "float" or self.datatype in _FLOAT_TYPES:
            try:
                return float(self.value)
            except ValueError:
                return None
        if self.datatype in _INT_TYPES:
            return int(self.value)
        return self.value


class TripleSource:
    """Pattern access to an rdflib ``Graph`` or a pyoxigraph ``Store``: IRIs as ``str``, literals as
    :class:`Lit`, blank nodes dropped (the domain data never uses them)."""

    def __init__(self, source: Any):
        self.source = source
        self.is_oxigraph = hasattr(source, "quads_for_pattern")
        if not self.is_oxigraph and not hasattr(source, "triples"):
            from peergraph.errors import UsageError

            raise UsageError(
                f"cannot analyse a {type(source).__name__}: give an rdflib Graph or a pyoxigraph "
                "Store (peergraph.export.store.open_store)"
            )

    def pairs(self, predicate: str) -> Iterator[tuple[str, str | Lit]]:
        """(subject IRI, object) for every triple with this predicate."""
        if self.is_oxigraph:
            import pyoxigraph as ox

            for quad in self.source.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                s, o = quad.subject, quad.object
                if not isinstance(s, ox.NamedNode):
                    continue
                if isinstance(o, ox.NamedNode):
                    yield s.value, o.value
                elif isinstance(o, ox.Literal):
                    yield s.value, Lit(o.value, o.datatype.value, o.language)
        else:
            from rdflib import Literal, URIRef

            for s, _, o in self.source.triples((None, URIRef(predicate), None)):
                if not isinstance(s, URIRef):
                    continue
                if isinstance(o, URIRef):
                    yield str(s), str(o)
                elif isinstance(o, Literal):
                    dt = str(o.datatype) if o.datatype is not None else None
                    yield str(s), Lit(str(o), dt, o.language)


def curie(iri: str) -> str:
    """``pg:outcome`` for a known namespace, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _pick(values: list[Lit]) -> Lit:
    """English or untagged first, then the smallest lexical form: deterministic across stores."""
    return min(values, key=lambda v: (v.language not in (None, "", "en"), v.value))


def evidence_network(source: Any) -> nx.DiGraph:
    """The domain individuals and the links between them, as an IRI-only ``networkx.DiGraph``.

    Parameters
    ----------
    source : rdflib.Graph or pyoxigraph.Store
        Ontology + data, e.g. ``build_graph(load())`` or ``open_store(path)``.

    Returns
    -------
    DiGraph whose nodes are IRIs with attributes ``iri``, ``short_id`` (record id, citation key
    or local name), ``label``, ``class`` (and, by class, ``quote``/``start``/``end``/``uncited``
    for findings, ``year``/``doi``/``title``/``study_design`` for papers, ``hospital_based`` for
    settings, ...). Missing values are left
    out rather than stored as ``None`` so GraphML and GEXF keep one type per attribute.
    Nodes and edges are inserted in sorted order, so every algorithm run on it is repeatable.
    """
    import networkx as nx

    src = TripleSource(source)
    node_class: dict[str, str] = {}
    rank = {iri: i for i, iri in enumerate(CLASSES)}
    for s, o in src.pairs(RDF_TYPE):
        if isinstance(o, str) and o in rank:
            if s not in node_class or rank[o] < rank[_class_iri(node_class[s])]:
                node_class[s] = CLASSES[o]

    edges: dict[tuple[str, str], list[str]] = {}
    for prop in EDGE_PROPERTIES:
        for s, o in src.pairs(prop):
            if isinstance(o, str) and s in node_class and o in node_class:
                edges.setdefault((s, o), []).append(curie(prop))

    attrs: dict[str, dict[str, Any]] = defaultdict(dict)
    for prop, key, kind in LITERAL_ATTRIBUTES:
        found: dict[str, list[Lit]] = defaultdict(list)
        for s, o in src.pairs(prop):
            if isinstance(o, Lit) and s in node_class:
                found[s].append(o)
        for s, values in found.items():
            if kind == "list":
                attrs[s][key] = "; ".join(sorted({v.value for v in values}))
            else:
                value = _pick(values).as_python(kind)
                if value is not None:
                    attrs[s][key] = value
    for s, o in src.pairs(HAS_EVIDENCE_TYPE):
        if node_class.get(s) == "Finding":
            attrs[s]["uncited"] = o == ECO_UNCITED
    for s, o in src.pairs("http://www.w3.org/2006/time#unitType"):
        if s in node_class and isinstance(o, str):
            attrs[s]["unit"] = local_name(o).removeprefix("unit").lower()
    _add_quotes(src, node_class, attrs)

    graph = nx.DiGraph()
    for iri in sorted(node_class):
        graph.add_node(iri, **_node_attributes(iri, node_class[iri], attrs.get(iri, {})))
    designs: dict[str, list[str]] = defaultdict(list)
    for (s, o), props in sorted(edges.items()):
        data = {"property": props[0]}
        if len(props) > 1:
            data["properties"] = " ".join(props)
        graph.add_edge(s, o, **data)
        if props[0] == "pg:studyDesign":
            designs[s].append(local_name(o))
    for paper, names in designs.items():
        graph.nodes[paper]["study_design"] = " ".join(sorted(names))
    for node, data in graph.nodes(data=True):
        if data["class"] == "Finding":
            data.setdefault("uncited", not any(
                graph.edges[node, o]["property"] == "cito:citesAsEvidence"
                for o in graph.successors(node)
            ))  # fmt: skip
    return graph


def _class_iri(name: str) -> str:
    return next(iri for iri, n in CLASSES.items() if n == name)


def _add_quotes(src: TripleSource, node_class: dict[str, str], attrs: dict) -> None:
    """Finding <- oa:hasBody annotation -> oa:hasTarget -> oa:hasSelector -> exact/start/end."""
    body = {a: f for a, f in src.pairs(OA + "hasBody") if node_class.get(f) == "Finding"}  # type: ignore[call-overload]
    if not body:
        return
    target = {a: t for a, t in src.pairs(OA + "hasTarget") if a in body}
    finding_of_target = {t: body[a] for a, t in target.items()}
    selectors = {
        sel: finding_of_target[t] for t, sel in src.pairs(OA + "hasSelector")
        if t in finding_of_target
    }  # fmt: skip
    for prop, key, kind in (("exact", "quote", "str"), ("start", "start", "int"),
                            ("end", "end", "int")):  # fmt: skip
        for sel, value in src.pairs(OA + prop):
            if sel in selectors and isinstance(value, Lit):
                attrs[selectors[sel]][key] = value.as_python(kind)


def _node_attributes(iri: str, cls: str, found: dict[str, Any]) -> dict[str, Any]:
    data = {"iri": iri, "class": cls}
    data.update(found)
    if "label" not in data:
        data["label"] = (
            found.get("pref_label") or found.get("name") or found.get("title") or local_name(iri)
        )
    data.pop("pref_label", None)
    data.setdefault("short_id", found.get("citation_key") or local_name(iri))
    return data


def display_name(graph: nx.DiGraph, node: str) -> str:
    """How a node is named in sentences: ``finding F05``, ``Smit et al. 2023``, ``hope``."""
    data = graph.nodes[node]
    cls = data.get("class")
    if cls == "Finding":
        return f"finding {data['short_id']}"
    if cls == "Paper":
        return str(data["label"]).split(":", 1)[0]
    return str(data["label"])


def nodes_of(graph: nx.DiGraph, cls: str) -> list[str]:
    return [n for n, c in graph.nodes(data="class") if c == cls]


def cited_papers(graph: nx.DiGraph, finding: str) -> list[str]:
    return [
        p for p in graph.successors(finding)
        if graph.edges[finding, p]["property"] == "cito:citesAsEvidence"
    ]  # fmt: skip


def targets(graph: nx.DiGraph, node: str, prop: str) -> list[str]:
    return [o for o in graph.successors(node) if graph.edges[node, o]["property"] == prop]


def broader_closure(graph: nx.DiGraph, cls: str = "Outcome") -> dict[str, set[str]]:
    """Each concept of ``cls`` with every broader concept of the same class (itself included), via
    pg:recoveryGroup and skos:broader: a finding on hope is also evidence on personal recovery."""
    up = {
        n: {
            o for o in graph.successors(n)
            if graph.nodes[o]["class"] == cls
            and graph.edges[n, o]["property"] in ("pg:recoveryGroup", "skos:broader")
        }
        for n in nodes_of(graph, cls)
    }  # fmt: skip
    closure: dict[str, set[str]] = {}
    for start in up:
        seen, todo = {start}, [start]
        while todo:
            for parent in up.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[start] = seen
    return closure


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


@dataclass
class PairEvidence:
    """Evidence for one (setting, outcome) pair or one outcome (setting ``None``)."""

    papers: set[str]
    direct_papers: set[str]
    findings: set[str]
    uncited_findings: set[str]


def pair_evidence(graph: nx.DiGraph) -> dict[tuple[str | None, str], PairEvidence]:
    """Which findings and papers support each outcome and each (setting, outcome) pair.

    A finding counts for its outcomes and for every broader outcome (hope → personal recovery);
    ``direct_papers`` only for the outcomes it names.
    """
    closure = broader_closure(graph)
    table: dict[tuple[str | None, str], PairEvidence] = {}

    def entry(key: tuple[str | None, str]) -> PairEvidence:
        if key not in table:
            table[key] = PairEvidence(set(), set(), set(), set())
        return table[key]

    for finding in nodes_of(graph, "Finding"):
        papers = set(cited_papers(graph, finding))
        named = targets(graph, finding, "pg:outcome")
        outcomes = set().union(*(closure.get(o, {o}) for o in named)) if named else set()
        for setting in [None, *targets(graph, finding, "pg:setting")]:
            for outcome in outcomes:
                e = entry((setting, outcome))
                e.papers |= papers
                if outcome in named:
                    e.direct_papers |= papers
                (e.findings if papers else e.uncited_findings).add(finding)
    return table


def setting_outcome_view(graph: nx.DiGraph) -> nx.Graph:
    """Bipartite settings (``bipartite=0``) x outcomes (``bipartite=1``); an edge per pair some
    finding links, ``weight`` = distinct supporting papers (narrower outcomes included),
    ``direct_papers``, ``findings`` and ``uncited_findings`` counts."""
    import networkx as nx

    view = nx.Graph(name="setting-outcome")
    for node in nodes_of(graph, "Setting"):
        _copy_node(view, graph, node, bipartite=0)
    for node in nodes_of(graph, "Outcome"):
        _copy_node(view, graph, node, bipartite=1)
    for (setting, outcome), e in sorted(pair_evidence(graph).items(), key=_pair_key):
        if setting is None:
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


def undirected(graph: nx.DiGraph, exclude_classes: Iterable[str] = ()) -> nx.Graph:
    """The network as a simple undirected graph (edge attributes kept), minus some classes."""
    import networkx as nx

    drop = set(exclude_classes)
    view = nx.Graph()  # not graph.to_undirected(): that deep-copies every attribute dict
    view.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d.get("class") not in drop)
    view.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if u in view and v in view)
    return view


# --- GraphML and GEXF ---------------------------------------------------------------------------
# Streaming writers: networkx's own build an ElementTree of the whole graph (~20 s for GraphML +
# GEXF of a 1M-triple graph) and GEXF stamps today's date. These write the same structure in
# graph order, one type per attribute (bool, int, float, string), and read back with
# networkx.read_graphml / read_gexf with those types.

_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _attribute_types(items: Iterable[dict[str, Any]], skip: tuple[str, ...] = ()) -> dict:
    types: dict[str, type] = {}
    for data in items:
        for key, value in data.items():
            if key in skip:
                continue
            kind = bool if isinstance(value, bool) else type(value)
            if kind not in _GRAPHML_TYPES:
                kind = str
            if types.get(key, kind) is not kind:
                types[key] = float if {types[key], kind} == {int, float} else str
            else:
                types[key] = kind
    return types


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 cannot hold these


def _xml_text(value: Any, kind: type) -> str:
    if kind is bool:
        return "true" if value else "false"
    if kind is float:
        return repr(float(value))
    text = _NOT_XML.sub("", str(value))
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text or ">" in text or '"' in text:
        text = text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text


def to_graphml(graph: nx.Graph) -> bytes:
    """GraphML bytes of ``graph`` (keys named after the attributes, for Gephi and Cytoscape)."""
    node_types = _attribute_types(d for _, d in graph.nodes(data=True))
    edge_types = _attribute_types(d for _, _, d in graph.edges(data=True))
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for scope, types in (("node", node_types), ("edge", edge_types)):
        for key, kind in types.items():
            name = _xml_text(key, str)
            out.append(f'  <key id="{scope}-{name}" for="{scope}" attr.name="{name}" '
                       f'attr.type="{_GRAPHML_TYPES[kind]}" />')  # fmt: skip
    direction = "directed" if graph.is_directed() else "undirected"
    out.append(f'  <graph edgedefault="{direction}">')

    def data_lines(scope: str, data: dict, types: dict) -> str:
        return "".join(
            f'\n      <data key="{scope}-{_xml_text(k, str)}">{_xml_text(v, types[k])}</data>'
            for k, v in data.items()
        )

    for node, data in graph.nodes(data=True):
        out.append(f'    <node id="{_xml_text(node, str)}">'
                   f"{data_lines('node', data, node_types)}\n    </node>")  # fmt: skip
    for u, v, data in graph.edges(data=True):
        out.append(f'    <edge source="{_xml_text(u, str)}" target="{_xml_text(v, str)}">'
                   f"{data_lines('edge', data, edge_types)}\n    </edge>")  # fmt: skip
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out).encode("utf-8")


def to_gexf(graph: nx.Graph) -> bytes:
    """GEXF 1.2 bytes of ``graph``: node ``label`` as the GEXF label, edge ``weight`` as the GEXF
    weight (a float by the format's definition), every other attribute as a typed attvalue."""
    node_types = _attribute_types((d for _, d in graph.nodes(data=True)), skip=("label",))
    edge_types = _attribute_types((d for _, _, d in graph.edges(data=True)), skip=("weight",))
    direction = "directed" if graph.is_directed() else "undirected"
    out = [
        "<?xml version='1.0' encoding='utf-8'?>",
        '<gexf xmlns="http://www.gexf.net/1.2draft" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
        'version="1.2">',
        "  <meta>",
        "    <creator>peergraph</creator>",
        "  </meta>",
        f'  <graph defaultedgetype="{direction}" mode="static">',
    ]
    ids: dict[str, dict[str, int]] = {}
    for scope, types in (("node", node_types), ("edge", edge_types)):
        ids[scope] = {key: i for i, key in enumerate(types)}
        out.append(f'    <attributes class="{scope}" mode="static">')
        for key, kind in types.items():
            out.append(f'      <attribute id="{ids[scope][key]}" title="{_xml_text(key, str)}" '
                       f'type="{_GEXF_TYPES[kind]}" />')  # fmt: skip
        out.append("    </attributes>")

    def attvalues(scope: str, data: dict, types: dict, skip: str) -> str:
        values = "".join(
            f'\n          <attvalue for="{ids[scope][k]}" value="{_xml_text(v, types[k])}" />'
            for k, v in data.items()
            if k != skip
        )
        return f"\n        <attvalues>{values}\n        </attvalues>" if values else ""

    out.append("    <nodes>")
    for node, data in graph.nodes(data=True):
        label = _xml_text(data.get("label", node), str)
        out.append(f'      <node id="{_xml_text(node, str)}" label="{label}">'
                   f"{attvalues('node', data, node_types, 'label')}\n      </node>")  # fmt: skip
    out.append("    </nodes>")
    out.append("    <edges>")
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        weight = f' weight="{float(data["weight"])!r}"' if "weight" in data else ""
        out.append(f'      <edge source="{_xml_text(u, str)}" target="{_xml_text(v, str)}" '
                   f'id="{i}"{weight}>{attvalues("edge", data, edge_types, "weight")}\n'
                   "      </edge>")  # fmt: skip
    out += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(out).encode("utf-8")
