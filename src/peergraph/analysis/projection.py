"""The one projection of the RDF graph onto typed nodes and edges: analysis, views and figures.

Literals never become nodes: they are node attributes (label, quote, year, ...), so the projection
holds only the things a user reasons about (findings, papers, outcomes, settings, ...) and stays
small enough for centrality on a million-triple graph. It reads

* an ``rdflib.Graph``,
* a ``pyoxigraph.Store`` (see :func:`peergraph.export.store.open_store`), or
* a path: an RDF file, parsed once by pyoxigraph as a stream (never loaded into rdflib, never held
  as a store), or a data folder / persistent store folder (through ``open_store``),

with one pattern per predicate it needs, never by loading every triple into Python. The result is
a ``networkx.DiGraph``: nodes are IRIs with ``iri``, ``class``, ``short_id``, ``label`` and typed
literal attributes; an edge per linked pair carries ``property`` (a CURIE such as ``pg:outcome``)
and ``properties`` when one pair is linked by several. Nodes and edges are inserted in sorted
order, so everything computed from it is repeatable.

:func:`project` gives every class in :data:`CLASSES`; the analysis network
(:func:`peergraph.analysis.network.evidence_network`) keeps :data:`NETWORK_CLASSES`, the HTML
views also read authorships and support levels.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from peergraph.analysis.gcpause import gc_paused
from peergraph.iris import PREFIXES as _NS

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

RDF_TYPE = _NS["rdf"] + "type"
RDFS = _NS["rdfs"]
SKOS = _NS["skos"]
DCT = _NS["dcterms"]
PG = _NS["pg"]
PGV = _NS["pgv"]
OA = _NS["oa"]
XSD = _NS["xsd"]
FOAF = _NS["foaf"]
ECO_UNCITED = _NS["obo"] + "ECO_0000034"
HAS_EVIDENCE_TYPE = _NS["obo"] + "SEPIO_0000398"
TIME_UNIT = _NS["time"] + "unitType"

# CURIE prefixes of edge properties (``pg:outcome``)
PREFIXES = {p: _NS[p] for p in ("pg", "pgv", "cito", "dcterms", "skos", "time")}

# rdf:type -> node class; the first match in this order wins (papers are also fabio:JournalArticle)
NETWORK_CLASSES: dict[str, str] = {
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
    FOAF + "Person": "Person",
    _NS["fabio"] + "Journal": "Journal",
}
# ... plus what only the HTML views show: who wrote a paper in which position, audit verdicts
CLASSES: dict[str, str] = {
    **NETWORK_CLASSES,
    PG + "Authorship": "Authorship",
    PG + "SupportLevel": "SupportLevel",
    PG + "CertaintyLevel": "CertaintyLevel",
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
    _NS["cito"] + "citesAsEvidence",
    SKOS + "broader",
    DCT + "creator",
    DCT + "isPartOf",
    PG + "authorship",
    PG + "author",
    PG + "supportLevel",
    PG + "certainty",
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
    (_NS["fabio"] + "hasPublicationYear", "year", "int"),
    (_NS["prism"] + "doi", "doi", "str"),
    (FOAF + "name", "name", "str"),
    (SKOS + "editorialNote", "note", "str"),
    (PG + "hospitalBased", "hospital_based", "bool"),
    (PG + "draft", "draft", "bool"),
    (PG + "minimum", "minimum", "float"),
    (PG + "maximum", "maximum", "float"),
    (PG + "horizonLowerBound", "horizon_lower", "float"),
    (PG + "horizonUpperBound", "horizon_upper", "float"),
    (PG + "position", "position", "int"),
)
# predicates that concern one class only (its rdfs:domain or range): not read without it
ONLY_FOR: dict[str, str] = {
    PG + "authorship": "Authorship",
    PG + "author": "Authorship",
    PG + "position": "Authorship",
    PG + "supportLevel": "SupportLevel",
    PG + "certainty": "CertaintyLevel",
}
_QUOTE_PROPERTIES = tuple(OA + p for p in ("hasBody", "hasTarget", "hasSelector", "exact",
                                            "start", "end"))  # fmt: skip
# every predicate the projection reads: a file is parsed once, keeping only these
PREDICATES: frozenset[str] = frozenset(
    (RDF_TYPE, HAS_EVIDENCE_TYPE, TIME_UNIT, *EDGE_PROPERTIES, *_QUOTE_PROPERTIES)
    + tuple(p for p, _, _ in LITERAL_ATTRIBUTES)
)

_INT_TYPES = {XSD + t for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}


class Lit(NamedTuple):
    """A literal as read from any backend: lexical form, datatype IRI, language tag (a tuple:
    millions are made when a large file is read)."""

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


def _file_format(path: Path) -> Any:
    import pyoxigraph as ox

    from peergraph.export.store import RDF_SUFFIXES

    suffix = path.suffix.lower()
    if suffix == ".jsonld":
        return ox.RdfFormat.JSON_LD
    if suffix in RDF_SUFFIXES:
        return getattr(ox.RdfFormat, RDF_SUFFIXES[suffix])
    from peergraph.errors import UsageError

    raise UsageError(
        f"{path}: unknown RDF format '{path.suffix}' (give .ttl, .nt, .owl or .jsonld)"
    )


class TripleSource:
    """Pattern access to an rdflib ``Graph``, a pyoxigraph ``Store`` or an RDF file: IRIs as
    ``str``, literals as :class:`Lit`, blank nodes dropped (the domain data never uses them)."""

    def __init__(self, source: Any, predicates: frozenset[str] = PREDICATES):
        from peergraph.errors import UsageError

        self.source = source
        self.kind = "rdflib"
        self._by_predicate: dict[str, list[tuple[str, str | Lit]]] | None = None
        self._typed: dict[str, list[str]] | None = None
        self._consumed: set[str] = set()
        self.predicates = predicates  # those a file is read for (the others read as none)
        if hasattr(source, "quads_for_pattern"):
            self.kind = "oxigraph"
        elif isinstance(source, (str, Path)):
            path = Path(source)
            if path.is_dir():  # a data folder or a persistent store
                from peergraph.export.store import open_store

                self.source, self.kind = open_store(path), "oxigraph"
            elif not path.is_file():
                raise UsageError(f"{path}: no such file or folder")
            else:
                self.source, self.kind = path, "file"
        elif not hasattr(source, "triples"):
            raise UsageError(
                f"cannot project a {type(source).__name__}: give an rdflib Graph, a pyoxigraph "
                "Store (peergraph.export.store.open_store) or the path of an RDF file"
            )

    def pairs(self, predicate: str) -> Iterable[tuple[str, str | Lit]]:
        """(subject IRI, object) for every triple with this predicate (one of PREDICATES)."""
        if self.kind == "file":
            if self._by_predicate is None:
                self._by_predicate = self._read_file()
            # handed over once: the projection reads each predicate once, and a large file's
            # triples are freed as they are used rather than held to the end; the list itself
            # (a generator over 2.9M pairs cost 1.5 s at 100k findings)
            if predicate in self._consumed:
                raise RuntimeError(f"{predicate} was already read from {self.source}")
            self._consumed.add(predicate)
            return self._by_predicate.pop(predicate, [])
        return self._stored_pairs(predicate)

    def _stored_pairs(self, predicate: str) -> Iterator[tuple[str, str | Lit]]:
        if self.kind == "oxigraph":
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

    def typed(self, class_iri: str) -> Iterator[str]:
        """Subjects (IRIs) of ``rdf:type class_iri``: one index lookup per class on a store,
        instead of every rdf:type triple (most of them are owl:NamedIndividual, prov:Entity ...).
        """
        if self.kind == "file":
            if self._typed is None:
                self._typed = defaultdict(list)
                for s, o in self.pairs(RDF_TYPE):
                    self._typed[o].append(s)  # type: ignore[index]
            yield from self._typed.get(class_iri, ())
        elif self.kind == "oxigraph":
            import pyoxigraph as ox

            for quad in self.source.quads_for_pattern(
                None, ox.NamedNode(RDF_TYPE), ox.NamedNode(class_iri), None
            ):
                if isinstance(quad.subject, ox.NamedNode):
                    yield quad.subject.value
        else:
            from rdflib import RDF, URIRef

            for s in self.source.subjects(RDF.type, URIRef(class_iri)):
                if isinstance(s, URIRef):
                    yield str(s)

    def _read_file(self) -> dict[str, list[tuple[str, str | Lit]]]:
        """The triples of :data:`PREDICATES`, by predicate, in file order: one streaming pass of
        pyoxigraph's parser, in one process (reading a 100k-finding file in two halves on two
        cores cost 46 % more CPU, the child's 1.4M pairs pickled back, and was slower in wall
        time on a 2-core machine: 32 against 20 s)."""
        path: Path = self.source
        return _scan(path, _file_format(path), self.predicates)


def _scan(
    path: Path, fmt: Any, predicates: frozenset[str]
) -> dict[str, list[tuple[str, str | Lit]]]:
    """(subject, object) pairs of the triples of ``predicates`` in a file, by predicate;
    rdf:type only for :data:`CLASSES`. IRIs are interned: a finding's IRI is one string however
    many triples name it."""
    import pyoxigraph as ox

    from peergraph.errors import UsageError

    wanted: dict[str, list[tuple[str, str | Lit]]] = {p: [] for p in predicates}
    bucket_of, types = wanted.get, wanted[RDF_TYPE]
    class_iri = {c: c for c in CLASSES}.get
    named, literal, intern, new_tuple = ox.NamedNode, ox.Literal, sys.intern, tuple.__new__
    try:
        for t in ox.parse(path=str(path), format=fmt):
            bucket = bucket_of(t.predicate.value)
            if bucket is None:
                continue
            s, o = t.subject, t.object
            if type(s) is not named:
                continue
            if type(o) is named:
                if bucket is not types:
                    bucket.append((intern(s.value), intern(o.value)))
                elif (c := class_iri(o.value)) is not None:
                    types.append((intern(s.value), c))
            elif type(o) is literal and bucket is not types:
                lit = new_tuple(Lit, (o.value, intern(o.datatype.value), o.language))
                bucket.append((intern(s.value), lit))
    except SyntaxError as exc:
        raise UsageError(f"{path}: cannot be read as RDF ({exc})") from None
    return wanted


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


def is_projection(source: Any) -> bool:
    """True for a networkx graph, taken as made by :func:`project` (so it is not read again)."""
    import networkx as nx

    return isinstance(source, nx.DiGraph)


@gc_paused()
def project(source: Any, classes: Iterable[str] | None = None) -> nx.DiGraph:
    """The typed nodes and the links between them, as an IRI-only ``networkx.DiGraph``.

    Parameters
    ----------
    source : rdflib.Graph, pyoxigraph.Store, RDF file path, data or store folder, or a graph made
        by this function (then only filtered to ``classes``)
    classes : node classes to keep (names, values of :data:`CLASSES`); default all

    Returns
    -------
    DiGraph whose nodes are IRIs with attributes ``iri``, ``short_id`` (record id, citation key
    or local name), ``label``, ``class`` (and, by class, ``quote``/``start``/``end``/``uncited``
    for findings, ``year``/``doi``/``title``/``study_design`` for papers, ``hospital_based`` for
    settings, ``position`` for authorships ...). Missing values are left out rather than stored
    as ``None`` so GraphML and GEXF keep one type per attribute.
    """
    import networkx as nx

    keep = set(CLASSES.values() if classes is None else classes)
    if is_projection(source):
        if {c for _, c in source.nodes(data="class")} <= keep:
            return source
        sub = nx.DiGraph()
        sub.add_nodes_from((n, d) for n, d in source.nodes(data=True) if d["class"] in keep)
        sub.add_edges_from((u, v, d) for u, v, d in source.edges(data=True)
                           if u in sub and v in sub)  # fmt: skip
        return sub

    src = TripleSource(
        source, frozenset(p for p in PREDICATES if p not in ONLY_FOR or ONLY_FOR[p] in keep)
    )
    node_class: dict[str, str] = {}
    for class_iri, name in CLASSES.items():  # the first class in CLASSES order wins
        if name in keep:
            for s in src.typed(class_iri):
                node_class.setdefault(s, name)

    # subject -> object -> the properties linking them, in EDGE_PROPERTIES order
    links: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for prop in EDGE_PROPERTIES:
        name = curie(prop)
        for s, o in src.pairs(prop):
            if type(o) is str and s in node_class and o in node_class:
                out = links[s]
                if o in out:
                    out[o].append(name)
                else:
                    out[o] = [name]

    attrs: dict[str, dict[str, Any]] = defaultdict(dict)
    for prop, key, kind in LITERAL_ATTRIBUTES:
        found: dict[str, list[Lit]] = defaultdict(list)
        for s, o in src.pairs(prop):
            if type(o) is Lit and s in node_class:
                found[s].append(o)
        for s, values in found.items():
            if kind == "list":
                attrs[s][key] = "; ".join(sorted({v.value for v in values}))
            else:
                value = (values[0] if len(values) == 1 else _pick(values)).as_python(kind)
                if value is not None:
                    attrs[s][key] = value
    for s, o in src.pairs(HAS_EVIDENCE_TYPE):
        if node_class.get(s) == "Finding":
            attrs[s]["uncited"] = o == ECO_UNCITED
    for s, o in src.pairs(TIME_UNIT):
        if s in node_class and isinstance(o, str):
            attrs[s]["unit"] = local_name(o).removeprefix("unit").lower()
    _add_quotes(src, node_class, attrs)

    order = sorted(node_class)
    nodes = [_node_attributes(iri, node_class[iri], attrs.pop(iri, {})) for iri in order]
    del attrs
    for data in nodes:
        out = links.get(data["iri"])
        if out is None:
            designs = []
        else:
            designs = [local_name(o) for o, props in out.items() if props[0] == "pg:studyDesign"]
        if designs:
            data["study_design"] = " ".join(sorted(designs))
        if data["class"] == "Finding" and "uncited" not in data:
            data["uncited"] = out is None or not any(
                props[0] == "cito:citesAsEvidence" for props in out.values()
            )
    graph = nx.DiGraph()
    graph.add_nodes_from(zip(order, nodes, strict=True))
    del node_class, nodes
    graph.add_edges_from(
        (s, o, {"property": props[0]} if len(props) == 1
         else {"property": props[0], "properties": " ".join(props)})
        for s in order if s in links
        for o, props in sorted(links[s].items())
    )  # fmt: skip
    return graph


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
    # skos:prefLabel is the display label of a concept; rdfs:label that of everything else
    data["label"] = (
        data.pop("pref_label", None)
        or found.get("label")
        or found.get("name")
        or found.get("title")
        or local_name(iri)
    )
    data.setdefault("short_id", found.get("citation_key") or local_name(iri))
    return data


# --- reading the projection ---------------------------------------------------------------------


def nodes_of(graph: nx.DiGraph, cls: str) -> list[str]:
    return [n for n, c in graph.nodes(data="class") if c == cls]


def targets(graph: nx.DiGraph, node: str, prop: str) -> list[str]:
    """Objects of ``node``'s ``prop`` links (a CURIE), in IRI order."""
    return [o for o, data in graph.adj[node].items() if _has_property(data, prop)]


def _has_property(data: dict[str, str], prop: str) -> bool:
    # "properties" (all of them) is there only when one pair is linked by several
    return data["property"] == prop or ("properties" in data and prop in data["properties"].split())


def _props(data: dict[str, str]) -> tuple[str, ...]:
    extra = data.get("properties")
    return tuple(extra.split()) if extra else (data["property"],)


def cited_papers(graph: nx.DiGraph, finding: str) -> list[str]:
    return [
        p for p, data in graph.adj[finding].items() if data["property"] == "cito:citesAsEvidence"
    ]  # fmt: skip


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


# --- the setting x outcome matrix (analysis tables, the figure and the evidence map) ------------

NO_SETTING = ""  # key of findings that state no setting


@dataclass
class PairEvidence:
    """Evidence for one (setting, outcome) pair, or one outcome (setting ``None``), or the
    outcome's findings that state no setting (setting :data:`NO_SETTING`)."""

    papers: set[str]
    direct_papers: set[str]
    findings: set[str]
    uncited_findings: set[str]
    direct_findings: set[str]


def pair_evidence(graph: nx.DiGraph) -> dict[tuple[str | None, str], PairEvidence]:
    """Which findings and papers support each outcome and each (setting, outcome) pair.

    A finding counts for its outcomes and for every broader outcome (hope → personal recovery);
    ``direct_papers`` and ``direct_findings`` only for the outcomes it names.
    """
    closure = broader_closure(graph)
    table: dict[tuple[str | None, str], PairEvidence] = {}

    def entry(key: tuple[str | None, str]) -> PairEvidence:
        if key not in table:
            table[key] = PairEvidence(set(), set(), set(), set(), set())
        return table[key]

    adj = graph.adj
    for finding in nodes_of(graph, "Finding"):
        papers: set[str] = set()
        named: list[str] = []
        settings: list[str] = []
        for o, data in adj[finding].items():  # one pass: cited_papers and targets together
            if data["property"] == "cito:citesAsEvidence":
                papers.add(o)
            if _has_property(data, "pg:outcome"):
                named.append(o)
            if _has_property(data, "pg:setting"):
                settings.append(o)
        outcomes = set().union(*(closure.get(o, {o}) for o in named)) if named else set()
        for setting in [None, *(settings or [NO_SETTING])]:
            for outcome in outcomes:
                e = entry((setting, outcome))
                e.papers |= papers
                if outcome in named:
                    e.direct_papers |= papers
                    e.direct_findings.add(finding)
                (e.findings if papers else e.uncited_findings).add(finding)
    return table
