"""OWL reasoning: consistency and inferred types, with HermiT (owlready2) or OWL 2 RL rules.

Why several reasoners: HermiT (OWL 2 DL, Java) is complete but realising every individual grows
steeply (about 10 s for 1k findings, 6 min for 5k); OWL 2 RL rules are incomplete but polynomial
and need no Java: owlrl (pure Python, the full RL rule set, seconds for a few thousand triples)
and our SPARQL subset of it (``owl-rl-rules.ru`` on pyoxigraph, 0.1 s for the essay, used by
``peergraph build`` so that its export is fast and identical on every machine).
``method="auto"`` uses HermiT for everything on small graphs; on large graphs HermiT classifies
the ontology alone and the SPARQL rules materialise the data; without Java it falls back to
OWL 2 RL and says what is lost. Every result names which reasoner
produced which inferences (``ReasonResult.reasoners`` and ``prov:wasGeneratedBy`` in the export).

HermiT rejects ``xsd:gYear`` (not an OWL 2 datatype): the copy handed to the reasoner has those
literals retyped as ``xsd:integer`` (``ReasonResult.notices`` says how many). owlready2 leaves
its temporary N-Triples file behind when the reasoner fails, so every call runs with a private
temporary directory that is removed afterwards.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from peergraph.errors import PeergraphError, ValidationFailed
from peergraph.iris import PG_NS as PG
from peergraph.iris import PGD_NS as PGD

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import pyoxigraph
    from rdflib import Graph
    from rdflib.term import Node, URIRef

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# above this many triples, "auto" realises individuals with OWL 2 RL instead of HermiT
HERMIT_MAX_TRIPLES = 20_000
# datatypes that are not in the OWL 2 datatype map, and what the reasoner copy uses instead
NON_OWL2_DATATYPES = {XSD + "gYear": XSD + "integer", XSD + "date": XSD + "dateTime"}

HERMIT = "HermiT (OWL 2 DL) via owlready2"
OWL_RL = "OWL 2 RL rules (owlrl)"
RULES = "OWL 2 RL rule subset as SPARQL updates (peergraph, pyoxigraph)"
RL_LOSSES = (
    "OWL 2 RL is incomplete for OWL 2 DL: it finds types that follow from the stated facts by "
    "rules (domains, ranges, sub-classes, hasValue, someValuesFrom and unionOf on the defining "
    "side) but not those needing case analysis or cardinality reasoning, does not classify "
    "defined classes against each other, and detects only the inconsistencies its rules cover"
)


class Inconsistent(ValidationFailed):
    """The ontology plus data has no model; ``explanations`` say which individuals and axioms."""

    def __init__(self, reasoner: str, explanations: list[str]):
        self.reasoner = reasoner
        self.explanations = explanations
        lines = [f"{reasoner}: the ontology and data are inconsistent"]
        lines += [f"  {e}" for e in explanations] or [
            "  no explanation found by OWL 2 RL rules; check the latest data changes"
        ]
        super().__init__("\n".join(lines))


class ReasonerUnavailable(PeergraphError):
    """HermiT was asked for explicitly but Java (or owlready2) is missing."""


@dataclass
class ReasonResult:
    """Inferred rdf:type triples (not asserted in the input) and where they came from."""

    inferred: list[tuple[Node, Node, Node]]
    reasoners: dict[str, str]  # "ontology classification" / "data (types)" -> reasoner name
    notices: list[str] = field(default_factory=list)
    subclass_axioms: list[tuple[Node, Node, Node]] = field(default_factory=list)

    def instances(self, cls: str) -> list[str]:
        """Sorted local names of the individuals inferred to be a ``pg:`` class."""
        from rdflib import RDF, URIRef

        target = URIRef(PG + cls)
        return sorted(
            str(s).rsplit("/", 1)[-1] for s, p, o in self.inferred if p == RDF.type and o == target
        )


def java_available() -> bool:
    return shutil.which("java") is not None


def reason(graph: Graph, *, method: str = "auto") -> ReasonResult:
    """Check consistency and infer types of ``graph`` (ontology + data).

    ``method``: ``auto``, ``hermit`` (all with HermiT), ``rl`` (all with OWL 2 RL, owlrl),
    ``rules`` (the OWL 2 RL subset in ``owl-rl-rules.ru`` on pyoxigraph: fast, used by the build).
    Raises ``Inconsistent`` (exit 1) naming individuals and axioms, ``ReasonerUnavailable``
    when ``hermit`` is asked for without Java.
    """
    from peergraph.errors import UsageError

    if method not in ("auto", "hermit", "rl", "rules"):
        raise UsageError(f"unknown reasoning method {method!r} (use auto, hermit, rl or rules)")
    if method == "rules":
        return sparql_rules(graph)
    notices: list[str] = []
    if method == "hermit" and not java_available():
        raise ReasonerUnavailable(
            "HermiT needs Java, and no 'java' is on PATH (install openjdk-17-jre-headless, "
            "or use --method rl)"
        )
    large = len(graph) > HERMIT_MAX_TRIPLES
    if method == "auto" and not java_available():
        data_reasoner = RULES if large else OWL_RL
        notices.append(f"no Java found: falling back to {data_reasoner}. {RL_LOSSES}.")
        result = sparql_rules(graph) if large else owl_rl(graph)
        result.notices = notices + result.notices
        return result
    if method == "auto" and large:
        notices.append(
            f"{len(graph)} triples > {HERMIT_MAX_TRIPLES}: HermiT classifies the ontology, "
            f"the {RULES} materialise the data. {RL_LOSSES}."
        )
        from peergraph.mapping.triples import ontology_graph

        tbox = hermit(ontology_graph())
        result = sparql_rules(graph)
        result.subclass_axioms = tbox.subclass_axioms
        result.reasoners = {"ontology classification": HERMIT, "data (types)": RULES}
        result.notices = notices + tbox.notices + result.notices
        return result
    result = hermit(graph) if method in ("auto", "hermit") else owl_rl(graph)
    result.notices = notices + result.notices
    return result


# ---------------------------------------------------------------------------------------------
# reasoner input


def reasoner_copy(graph: Graph) -> tuple[Graph, list[str]]:
    """A copy of ``graph`` that OWL 2 DL reasoners accept, and notices of what was changed."""
    from rdflib import Graph, Literal, URIRef

    out = Graph()
    changed: dict[str, int] = {}
    for s, p, o in graph:
        if isinstance(o, Literal) and str(o.datatype) in NON_OWL2_DATATYPES:
            old = str(o.datatype)
            new = NON_OWL2_DATATYPES[old]
            value = str(o) if new != XSD + "dateTime" else f"{o}T00:00:00"
            o = Literal(value, datatype=URIRef(new))
            changed[old] = changed.get(old, 0) + 1
        out.add((s, p, o))
    notices = [
        f"{n} {old.rsplit('#', 1)[1]} literal(s) retyped as xsd:"
        f"{NON_OWL2_DATATYPES[old].rsplit('#', 1)[1]} in the reasoner's copy "
        f"(not an OWL 2 datatype; HermiT rejects it)"
        for old, n in sorted(changed.items())
    ]
    return out, notices


def _asserted_types(graph: Graph) -> set[tuple[Node, Node]]:
    from rdflib import RDF

    return set(graph.subject_objects(RDF.type))


# ---------------------------------------------------------------------------------------------
# HermiT


def hermit(graph: Graph) -> ReasonResult:
    """Consistency + realisation with HermiT; owlready2 runs in a private temp dir."""
    import os
    import tempfile

    try:
        import owlready2
    except ImportError as exc:  # pragma: no cover - owlready2 is a core dependency
        raise ReasonerUnavailable("owlready2 is not installed (pip install owlready2)") from exc

    copy, notices = reasoner_copy(graph)
    private = tempfile.mkdtemp(prefix="peergraph-reason-")
    saved_tempdir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = private
    os.environ["TMPDIR"] = private
    world = owlready2.World()
    try:
        path = os.path.join(private, "input.nt")
        copy.serialize(path, format="nt", encoding="utf-8")
        world.get_ontology("file://" + path).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise Inconsistent(HERMIT, explain_inconsistency(graph)) from exc
        except owlready2.OwlReadyJavaError as exc:
            raise ReasonerUnavailable(f"HermiT failed to run: {str(exc).strip()[:300]}") from exc
        inferred, subclasses = _hermit_results(world, graph)
    finally:
        world.close()
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(private, ignore_errors=True)
    return ReasonResult(
        inferred=inferred,
        reasoners={"ontology classification": HERMIT, "data (types)": HERMIT},
        notices=notices,
        subclass_axioms=subclasses,
    )


def _hermit_results(world: object, graph: Graph) -> tuple[list, list]:
    import owlready2
    from rdflib import RDF, RDFS, URIRef

    asserted = _asserted_types(graph)
    inferred = set()
    # world.individuals() lists only owl:NamedIndividual-declared ones; look up every typed IRI
    for s in sorted({s for s, _ in asserted if isinstance(s, URIRef)}):
        ind = world[str(s)]  # type: ignore[index]
        if not isinstance(ind, owlready2.Thing):
            continue
        for cls in ind.INDIRECT_is_a:
            if isinstance(cls, owlready2.ThingClass) and cls.iri.startswith(PG):
                if (s, URIRef(cls.iri)) not in asserted:
                    inferred.add((s, RDF.type, URIRef(cls.iri)))
    told = set(graph.subject_objects(RDFS.subClassOf))
    subclasses = set()
    for cls in world.classes():  # type: ignore[attr-defined]
        if not cls.iri.startswith(PG):
            continue
        for sup in cls.ancestors(include_self=False):
            if sup is owlready2.Thing or not sup.iri.startswith(PG):
                continue
            pair = (URIRef(cls.iri), URIRef(sup.iri))
            if pair not in told:
                subclasses.add((pair[0], RDFS.subClassOf, pair[1]))
    return sorted(inferred), sorted(subclasses)


# ---------------------------------------------------------------------------------------------
# OWL 2 RL


def _rl_input(graph: Graph) -> Graph:
    """The triples OWL 2 RL rules can use: drops string literals and annotations (3x faster)."""
    from rdflib import OWL, RDF, Graph, Literal

    annotation = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
    out = Graph()
    for s, p, o in graph:
        if p in annotation:
            continue
        if isinstance(o, Literal) and (o.datatype is None or o.language):
            continue
        out.add((s, p, o))
    return out


def owl_rl(graph: Graph) -> ReasonResult:
    """OWL 2 RL closure with owlrl; its inconsistency messages become ``Inconsistent``."""
    import owlrl
    from rdflib import RDF, URIRef

    copy, notices = reasoner_copy(_rl_input(graph))
    closure = owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    )
    closure.expand(copy)
    errors = _rl_errors(copy)
    if errors:
        raise Inconsistent(OWL_RL, [_why(m, graph) for m in errors])
    asserted = _asserted_types(graph)
    inferred = sorted(
        (s, RDF.type, o)
        for s, o in copy.subject_objects(RDF.type)
        if isinstance(s, URIRef)
        and isinstance(o, URIRef)
        and str(o).startswith(PG)
        and (s, o) not in asserted
    )
    return ReasonResult(inferred=inferred, reasoners={"data (types)": OWL_RL}, notices=notices)


def sparql_rules(graph: Graph | pyoxigraph.Store, max_rounds: int = 20) -> ReasonResult:
    """Materialise types with the SPARQL rule subset on pyoxigraph until a fixpoint.

    Much faster than owlrl (no Python-level triple loop), and deterministic; it covers the
    constructs peergraph's defined classes use. Clashes with disjoint classes raise
    ``Inconsistent`` with the same plain-words explanations as the other reasoners.
    ``graph`` may be a pyoxigraph Store (any size: nothing goes through rdflib); the rules then
    add their triples to that store.
    """
    from importlib import resources

    import pyoxigraph as ox
    from rdflib import RDF, URIRef

    from peergraph.export.store import open_store

    text = (
        resources.files("peergraph.check").joinpath("owl-rl-rules.ru").read_text(encoding="utf-8")
    )
    head, _, body = text.partition("#---")
    prefixes = "\n".join(ln for ln in head.splitlines() if ln.startswith("PREFIX"))
    blocks = [b for b in [head, *body.split("#---")] if _rule_text(b)]
    stages: dict[str, list[str]] = {"properties": [], "once": [], "types": []}
    for block in blocks:
        stage = re.search(r"^# stage: (\w+)$", block, re.MULTILINE)
        stages[stage[1] if stage else "types"].append(prefixes + "\n" + _rule_text(block))
    store = open_store(graph)
    pg_type = ox.NamedNode(str(RDF.type))
    asserted = {
        (q.subject.value, q.object.value)
        for q in store.quads_for_pattern(None, pg_type, None)
        if isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
        and q.object.value.startswith(PG)
    }
    if bool(store.query(_TYPE_IS_SCHEMA_PROPERTY)):  # types feed every rule: no stages
        _fixpoint(store, [u for s in stages.values() for u in s], max_rounds)
    else:
        # rules on property triples to their fixpoint, then the ones that only read those once,
        # then only the rules that read types loop: about 3x less work than looping them all
        _fixpoint(store, stages["properties"], max_rounds)
        for update in stages["once"]:
            store.update(update)
        _fixpoint(store, stages["types"], max_rounds)
    clash_query = (
        resources.files("peergraph.check").joinpath("owl-rl-clashes.rq").read_text("utf-8")
    )
    clashes = [
        f"Disjoint classes {r['c1'].value} and {r['c2'].value} have a common individual "
        f"{r['x'].value}"
        for r in store.query(clash_query)
        if isinstance(r["x"], ox.NamedNode)
    ]
    if clashes:
        explain = (
            graph if not isinstance(graph, ox.Store) else _clash_graph(graph, clashes, asserted)
        )
        raise Inconsistent(RULES, [_why(m, explain) for m in clashes])
    inferred = sorted(
        (URIRef(q.subject.value), RDF.type, URIRef(q.object.value))
        for q in store.quads_for_pattern(None, pg_type, None)
        if isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
        and q.object.value.startswith(PG)
        and (q.subject.value, q.object.value) not in asserted
    )
    return ReasonResult(inferred=inferred, reasoners={"data (types)": RULES})


# the schema properties whose subjects or objects are the properties the rules' variable
# predicates stand for (``?p rdfs:domain ?c . ?x ?p ?y`` and the like in owl-rl-rules.ru)
_PROPERTY_AXIOMS = (
    "http://www.w3.org/2000/01/rdf-schema#domain",
    "http://www.w3.org/2000/01/rdf-schema#range",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#inverseOf",
    "http://www.w3.org/2002/07/owl#onProperty",
)


def _rule_texts() -> list[str]:
    from importlib import resources

    folder = resources.files("peergraph.check")
    return [folder.joinpath(n).read_text("utf-8") for n in ("owl-rl-rules.ru", "owl-rl-clashes.rq")]


def rule_predicates(nt_file: Path) -> frozenset[str]:
    """Every predicate the rules can read or write in the graph of ``nt_file``.

    The IRIs the rules name (an over-approximation: classes too), ``rdf:type``, and the
    properties the schema names in a domain, range, sub-property, inverse or restriction axiom:
    every variable predicate of a rule is joined to one of those axioms, and every triple a rule
    adds has ``rdf:type`` or such a property as predicate, so the rules' fixpoint on these
    triples alone holds the same types as on the whole graph (53 % of the triples at 100k
    findings). ``tests/test_reason_subset.py`` checks the equality on a synthetic graph.
    """
    import pyoxigraph as ox

    from peergraph.check import subset

    names: set[str] = {RDF_TYPE, *_PROPERTY_AXIOMS}
    for text in [*_rule_texts(), _TYPE_IS_SCHEMA_PROPERTY]:
        prefixes = dict(re.findall(r"^PREFIX (\w*): <([^>]*)>", text, re.MULTILINE))
        body = re.sub(r"#[^\n]*", "", text)
        names.update(re.findall(r"<([^>\s]+)>", body))
        for prefix, local in re.findall(r"\b(\w+):(\w+)\b", body):
            if prefix in prefixes:
                names.add(prefixes[prefix] + local)
    axioms = b"".join(subset.lines(nt_file, frozenset(_PROPERTY_AXIOMS)))
    for t in ox.parse(axioms, format=ox.RdfFormat.N_TRIPLES):
        if t.predicate.value in _PROPERTY_AXIOMS[:4] and isinstance(t.subject, ox.NamedNode):
            names.add(t.subject.value)
        if t.predicate.value in _PROPERTY_AXIOMS[2:] and isinstance(t.object, ox.NamedNode):
            names.add(t.object.value)
    return frozenset(names)


def rules_nt(nt_file: Path) -> ReasonResult:
    """``sparql_rules`` on an in-memory store of only the triples the rules read
    (``rule_predicates``): the build's reasoning at any size, in bounded memory."""
    from peergraph.check import subset

    return sparql_rules(subset.load(nt_file, rule_predicates(nt_file)))


# rdf:type as a property the rules read (sub-property, inverse, domain, range, restriction):
# then types can feed the property rules, and every rule must loop
_TYPE_IS_SCHEMA_PROPERTY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { { rdf:type rdfs:subPropertyOf|rdfs:domain|rdfs:range|owl:inverseOf ?x }
      UNION { ?y rdfs:subPropertyOf|owl:inverseOf|owl:onProperty rdf:type } }
"""


def _rule_text(block: str) -> str:
    """A rule block without its PREFIX and comment lines."""
    return "\n".join(
        ln for ln in block.splitlines() if ln.strip() and not ln.startswith(("PREFIX", "#"))
    )


def _fixpoint(store: pyoxigraph.Store, updates: list[str], max_rounds: int) -> None:
    """Apply ``updates`` in order, round after round, until a round adds nothing."""
    size = -1
    for _ in range(max_rounds):
        if len(store) == size:
            return
        size = len(store)
        for update in updates:
            store.update(update)


def _clash_graph(
    store: pyoxigraph.Store, clashes: list[str], asserted: set[tuple[str, str]]
) -> Graph:
    """Ontology + the triples of each clashing individual: what ``_why`` reads to explain.

    Without the ``pg:`` types the rules inferred (not in ``asserted``): ``_why`` would call them
    asserted instead of naming the domain or range axiom they come from.
    """
    import re

    import pyoxigraph as ox

    from peergraph.check.shacl_sparql import _rdflib
    from peergraph.mapping.triples import ontology_graph

    g = ontology_graph()
    for message in clashes:
        ind = ox.NamedNode(re.findall(r"\S+$", message)[0])
        around = [*store.quads_for_pattern(ind, None, None)]
        around += store.quads_for_pattern(None, None, ind)
        for q in around:
            if (
                q.predicate.value == RDF_TYPE
                and q.object.value.startswith(PG)
                and (q.subject.value, q.object.value) not in asserted
            ):
                continue
            g.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return g


def _rl_errors(closed: Graph) -> list[str]:
    from rdflib import URIRef

    err = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    return sorted(str(o) for o in closed.objects(None, err))


# ---------------------------------------------------------------------------------------------
# explanations


def explain_inconsistency(graph: Graph) -> list[str]:
    """Plain-words reasons HermiT may have found no model, from OWL 2 RL rules + provenance
    of the clashing types (asserted, or from which property's domain or range)."""
    try:
        sparql_rules(graph)
    except Inconsistent as exc:
        return exc.explanations
    try:
        owl_rl(graph)
    except Inconsistent as exc:
        return exc.explanations
    return _functional_clashes(graph)


def _functional_clashes(graph: Graph) -> list[str]:
    """Functional datatype properties with two different values (RL rules do not report these)."""
    from rdflib import OWL, RDF

    out = []
    for p in sorted(set(graph.subjects(RDF.type, OWL.FunctionalProperty))):
        if (p, RDF.type, OWL.DatatypeProperty) not in graph:
            continue
        for s in sorted(set(graph.subjects(p, None))):
            values = sorted({str(o) for o in graph.objects(s, p)})
            if len(values) > 1:
                out.append(
                    f"{_n(s, graph)} has {len(values)} values for {_n(p, graph)} "
                    f"({', '.join(values)}), but {_n(p, graph)} is a functional property "
                    f"(axiom: {_n(p, graph)} a owl:FunctionalProperty)"
                )
    return out


def _n(term: Node, graph: Graph) -> str:
    from peergraph.iris import PREFIXES

    text = str(term)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def _why(message: str, graph: Graph) -> str:
    """Rephrase an owlrl message; for disjoint classes, say where each clashing type comes from."""
    import re

    from rdflib import URIRef

    m = re.match(r"Disjoint classes (\S+) and (\S+) have a common individual (\S+)", message)
    if not m:
        return re.sub(r"https?://\S+", lambda x: _n(URIRef(x.group(0)), graph), message)
    a, b, ind = (URIRef(x) for x in m.groups())
    a, b = sorted((a, b), key=str)
    return (
        f"{_n(ind, graph)} is both a {_n(a, graph)} ({_type_source(ind, a, graph)}) and a "
        f"{_n(b, graph)} ({_type_source(ind, b, graph)}), but these classes are disjoint "
        f"(axiom: owl:AllDisjointClasses / owl:disjointWith in the ontology)"
    )


def _type_source(ind: URIRef, cls: URIRef, graph: Graph) -> str:
    from rdflib import RDF, RDFS

    if (ind, RDF.type, cls) in graph:
        return "asserted"
    for p in sorted(graph.subjects(RDFS.range, cls)):
        for s in sorted(graph.subjects(p, ind)):
            return (
                f"from {_n(s, graph)} {_n(p, graph)} {_n(ind, graph)}; "
                f"axiom: {_n(p, graph)} rdfs:range {_n(cls, graph)}"
            )
    for p in sorted(graph.subjects(RDFS.domain, cls)):
        for o in sorted(graph.objects(ind, p)):
            return (
                f"from {_n(ind, graph)} {_n(p, graph)} {_n(o, graph)}; "
                f"axiom: {_n(p, graph)} rdfs:domain {_n(cls, graph)}"
            )
    return "inferred"


# ---------------------------------------------------------------------------------------------
# export


def inferred_graph(result: ReasonResult) -> Graph:
    """The inferred triples plus a provenance node saying which reasoner produced them."""
    from rdflib import RDF, RDFS, Literal, URIRef
    from rdflib.namespace import PROV

    from peergraph.iris import INFERRED_GRAPH
    from peergraph.mapping.triples import new_graph

    g = new_graph()
    for t in result.inferred + result.subclass_axioms:
        g.add(t)
    doc = URIRef(INFERRED_GRAPH)
    g.add((doc, RDF.type, PROV.Entity))
    g.add((doc, RDFS.label, Literal("types inferred by the peergraph reasoner step")))
    for part, name in sorted(result.reasoners.items()):
        slug = {HERMIT: "hermit", OWL_RL: "owlrl", RULES: "sparql-rules"}[name]
        activity = URIRef(PGD + "reasoning/" + slug)
        g.add((doc, PROV.wasGeneratedBy, activity))
        g.add((activity, RDF.type, PROV.Activity))
        g.add((activity, RDFS.label, Literal(name)))
        g.add((activity, RDFS.comment, Literal(f"produced: {part}")))
    for notice in result.notices:
        g.add((doc, RDFS.comment, Literal(notice)))
    return g


def inferred_turtle(result: ReasonResult) -> bytes:
    from peergraph import __version__
    from peergraph.export.writers import canonical_triples, serialize

    return serialize(canonical_triples(inferred_graph(result)), "turtle", __version__)


def build_reasoning(graph: Graph | pyoxigraph.Store) -> ReasonResult:
    """The build's reasoning: SPARQL rules (fast, no Java, same bytes on every machine). The
    pipeline runs it once, on its store, and hands the result to ``inferred_exports`` and the
    ontology docs."""
    import pyoxigraph as ox

    return sparql_rules(graph) if isinstance(graph, ox.Store) else reason(graph, method="rules")


def inferred_exports(result: ReasonResult) -> dict[str, object]:
    """``peergraph-inferred.ttl`` for ``exports/``."""
    return {"peergraph-inferred.ttl": lambda: inferred_turtle(result)}
