"""SHACL validation against ``ontology/shapes.ttl``, with violations in plain words.

pySHACL's own text prints Python reprs and is not stable across runs, so each result is read
from the results graph and phrased here: the record (``finding F05``), the field (the shape's
``sh:name``, which matches the YAML field) and what was expected. Used by ``peergraph build``
(``check_graph``, a GRAPH_CHECKS hook) and ``peergraph validate FILE.ttl`` (``validate_file``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from peergraph.errors import UsageError, ValidationFailed
from peergraph.iris import SH_NS, XSD_NS

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph
    from rdflib import Graph
    from rdflib.term import Node

SH = SH_NS
XSD_STRING = XSD_NS + "string"
SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, located by record and field."""

    record: str
    field: str
    message: str
    focus: str = ""

    def __str__(self) -> str:
        return f"{self.record}, field '{self.field}': {self.message}"


def shapes_path() -> Path:
    from peergraph.paths import ontology_dir

    return ontology_dir() / SHAPES_FILE


def shapes_graph(path: Path | None = None) -> Graph:
    """The shapes, parsed once per call (about 10 ms).

    A shapes file that cannot be read or parsed is a ``DataError`` naming its path and line,
    like the other ontology files, never a traceback.
    """
    from rdflib import Graph

    from peergraph.errors import unreadable_rdf

    target = path or shapes_path()
    try:
        return Graph().parse(target, format="turtle")
    except Exception as exc:  # rdflib raises BadSyntax, OSError, UnicodeDecodeError, ...
        raise unreadable_rdf(target, exc) from exc


def validate_graph(
    graph: Graph, shapes: Graph | None = None, *, engine: str = "sparql"
) -> list[Violation]:
    """Validate ``graph`` (ontology + data, types stated) and return sorted violations.

    ``engine="sparql"`` runs the shapes compiled to SPARQL on pyoxigraph (``shacl_sparql``: the
    build's engine, fast at any size); ``"pyshacl"`` runs pySHACL, the reference the SPARQL
    engine is tested against. No RDFS/OWL inference is run: the build states every rdf:type.
    """
    shapes = shapes if shapes is not None else shapes_graph()
    if engine == "sparql":
        from peergraph.export.store import open_store

        return validate_store(open_store(graph), shapes)
    from pyshacl import validate

    _conforms, results, _text = validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False
    )
    return sorted(set(_violations(_pyshacl_results(results), graph, shapes)))


def validate_store(store: pyoxigraph.Store, shapes: Graph | None = None) -> list[Violation]:
    """Validate the whole of ``store`` against the shapes, compiled to SPARQL; sorted."""
    from peergraph.check import shacl_sparql

    shapes = shapes if shapes is not None else shapes_graph()
    results = shacl_sparql.run(store, shacl_sparql.compile_shapes(shapes))
    return sorted(set(_violations(results, _focus_graph(store, results), shapes)))


def validate_nt(nt_file: Path, shapes: Graph | None = None) -> list[Violation]:
    """``validate_store`` on an in-memory store of only the triples the compiled shapes read.

    The whole graph is never held: at 100k findings the store keeps 84 % of the N-Triples
    (1.9 GiB where the whole took 2.2 GiB) and runs at in-memory speed (RocksDB: 2-3x slower).
    Same violations as ``validate_store`` on the whole graph: a query whose predicates are all
    IRIs reads no other triples (``peergraph.check.subset``); ``rdf:type`` and
    ``dcterms:identifier`` are kept for phrasing the results.
    """
    from peergraph.check import shacl_sparql, subset

    shapes = shapes if shapes is not None else shapes_graph()
    queries = shacl_sparql.compile_shapes(shapes)
    store = subset.load(nt_file, read_predicates(queries))
    results = shacl_sparql.run(store, queries)
    return sorted(set(_violations(results, _focus_graph(store, results), shapes)))


def read_predicates(queries: list) -> frozenset[str] | None:
    """The predicates compiled ``queries`` and the phrasing of their results read (None: any)."""
    from peergraph.check import subset
    from peergraph.iris import DCTERMS, RDF

    used, open_ended = subset.predicates(q.sparql for q in queries)
    return None if open_ended else used | {str(RDF.type), str(DCTERMS.identifier)}


def _focus_graph(store: pyoxigraph.Store, results: list) -> Graph:
    """The types and identifiers of the focus nodes: all that phrasing a result reads."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from peergraph.check.shacl_sparql import _rdflib
    from peergraph.iris import DCTERMS, RDF
    from peergraph.mapping.triples import new_graph

    g = new_graph()
    wanted = (ox.NamedNode(str(RDF.type)), ox.NamedNode(str(DCTERMS.identifier)))
    for focus in {r.focus for r in results}:
        if not isinstance(focus, URIRef):
            continue
        node = ox.NamedNode(str(focus))
        for p in wanted:
            for q in store.quads_for_pattern(node, p, None, None):
                g.add((focus, _rdflib(q.predicate), _rdflib(q.object)))
    return g


def check_graph(graph: Graph | pyoxigraph.Store, dataset: object = None) -> None:
    """Build check: raise ``ValidationFailed`` listing every violation in plain words.

    ``graph`` is an rdflib Graph or a pyoxigraph Store holding ontology + data.
    """
    import pyoxigraph as ox

    problems = validate_store(graph) if isinstance(graph, ox.Store) else validate_graph(graph)
    _raise(problems, dataset)


def check_nt(nt_file: Path, dataset: object = None) -> None:
    """``check_graph`` of the graph in the N-Triples file ``nt_file`` (``validate_nt``)."""
    _raise(validate_nt(nt_file), dataset)


def _raise(problems: list[Violation], dataset: object) -> None:
    if problems:
        where = {}  # "finding F05" -> "data/findings.yaml:52" when the dataset knows
        for f in getattr(dataset, "findings", []):
            if f.file:
                where[f"finding {f.id}"] = f"{f.file}:{f.line}" if f.line else f.file
        lines = [
            f"SHACL: {where[p.record] + ', ' if p.record in where else ''}{p}" for p in problems
        ]
        raise ValidationFailed("\n".join(lines))


def read_turtle(path: Path) -> Graph:
    """Parse a Turtle file; a syntax error becomes a ``UsageError`` naming line and column."""
    from rdflib import Graph

    if not path.is_file():
        raise UsageError(f"{path}: no such file (give a Turtle file such as exports/peergraph.ttl)")
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises parser-specific types; locate with pyoxigraph
        raise UsageError(f"{path}: not valid Turtle ({_syntax_position(path, exc)})") from exc
    return graph


def _syntax_position(path: Path, exc: Exception) -> str:
    import pyoxigraph as ox

    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as ox_exc:
        text = str(ox_exc).split(" (", 1)[0]
        if ox_exc.lineno is not None:
            return f"line {ox_exc.lineno}, column {ox_exc.offset}: {text}"
        return text
    except (OSError, ValueError) as other:
        return str(other)
    return str(exc).splitlines()[0]


def validate_file(path: Path, *, with_ontology: bool = True) -> list[Violation]:
    """Validate any Turtle file; the peergraph ontology and vocabularies are added unless asked
    not to, so data made by other tools may refer to ``pgv:`` terms without copying them."""
    graph = read_turtle(path)
    if with_ontology:
        from peergraph.mapping.triples import ontology_graph

        graph += ontology_graph()
    return validate_graph(graph)


# ---------------------------------------------------------------------------------------------
# plain-words messages


def _pyshacl_results(results: Graph) -> list:
    """pySHACL's results graph as ``shacl_sparql.Result`` objects."""
    from rdflib import RDF, URIRef

    from peergraph.check.shacl_sparql import Result

    out = []
    for result in results.subjects(RDF.type, URIRef(SH + "ValidationResult")):

        def one(name: str, result: Node = result) -> Node | None:
            return results.value(result, URIRef(SH + name))

        component = str(one("sourceConstraintComponent") or "").rsplit("#", 1)[-1]
        out.append(
            Result(
                one("focusNode"), one("sourceShape"), component, one("value"),
                one("resultPath"), one("resultMessage"),
            )  # fmt: skip
        )
    return out


def _violations(results: list, data: Graph, shapes: Graph) -> list[Violation]:
    from peergraph.iris import PREFIXES

    for prefix, ns in PREFIXES.items():  # IRIs are written with these prefixes, whatever the graph
        data.namespace_manager.bind(prefix, ns, override=False)
    out = []
    for r in results:
        field = _field(r.shape, r.path, shapes, data)
        message = _message(r.component, r.shape, r.value, shapes, data, r.message)
        out.append(Violation(_record(r.focus, data), field, message, str(r.focus)))
    return out


def _short(term: Node | None, graph: Graph) -> str:
    from rdflib import Literal, URIRef

    if term is None:
        return "?"
    if isinstance(term, Literal):
        dt = "" if _bare(term) else f" ({_short(term.datatype, graph)})"
        return f'"{term}"{dt}'
    if isinstance(term, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(term)
        except Exception:  # rdflib refuses some IRIs as QNames
            return f"<{term}>"
    return "a blank node"


def _bare(literal: Node) -> bool:
    """Written without its datatype: strings (plain or xsd:string are one in RDF 1.1) and
    integers (oxigraph keeps xsd:nonNegativeInteger and the like as xsd:integer, so the SPARQL
    engine could not tell them apart; the shape's message names the expected type)."""
    dt = getattr(literal, "datatype", None)
    return dt is None or str(dt) == XSD_STRING or str(dt)[len(XSD_NS) :] in _INTEGER_TYPES


_INTEGER_TYPES = {"integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                  "negativeInteger", "long", "int", "short", "byte", "unsignedLong",
                  "unsignedInt", "unsignedShort", "unsignedByte"}  # fmt: skip


def _record(focus: Node | None, data: Graph) -> str:
    from rdflib import RDF, Literal
    from rdflib.namespace import DCTERMS, OWL

    from peergraph.iris import PREFIXES

    PG = PREFIXES["pg"]

    for prefix, ns in PREFIXES.items():
        data.namespace_manager.bind(prefix, ns, override=False)
    types = sorted(data.objects(focus, RDF.type), key=lambda t: (not str(t).startswith(PG), str(t)))
    types = [t for t in types if not str(t).startswith(str(OWL))]
    kind = types[0] if types else None
    kind_name = _short(kind, data).split(":")[-1] if kind is not None else "node"
    idents = sorted(data.objects(focus, DCTERMS.identifier)) if focus is not None else []
    ident = idents[0] if idents else None  # the first, should there be two
    if isinstance(ident, Literal) and kind_name == "Finding":
        return f"finding {ident}"
    return f"{kind_name} {_short(focus, data)}"


def _field(shape: Node | None, path: Node | None, shapes: Graph, data: Graph) -> str:
    from rdflib import URIRef

    name = shapes.value(shape, URIRef(SH + "name")) if shape is not None else None
    if name is None and path is not None:  # a node-level (SPARQL) result: name of its property
        for prop in shapes.objects(shape, URIRef(SH + "property")):
            if shapes.value(prop, URIRef(SH + "path")) == path:
                name = shapes.value(prop, URIRef(SH + "name"))
    if name is not None:
        return str(name)
    return _short(path, data) if isinstance(path, URIRef) else "(node)"


def _param(shape: Node | None, name: str, shapes: Graph) -> Node | None:
    from rdflib import URIRef

    return shapes.value(shape, URIRef(SH + name)) if shape is not None else None


def _message(
    component: str,
    shape: Node | None,
    value: Node | None,
    shapes: Graph,
    data: Graph,
    fallback: Node | None,
) -> str:
    from rdflib.collection import Collection

    v = _short(value, data)
    if component == "MinCountConstraintComponent":
        n = _param(shape, "minCount", shapes)
        return f"missing: expected at least {n} value{'s' if str(n) != '1' else ''}"
    if component == "MaxCountConstraintComponent":
        n = _param(shape, "maxCount", shapes)
        return f"too many values: expected at most {n}"
    if component == "DatatypeConstraintComponent":
        dt = _short(_param(shape, "datatype", shapes), data)
        return f"value {v} should be a literal of datatype {dt}"
    if component == "PatternConstraintComponent":
        return f"value {v} does not match the pattern {_param(shape, 'pattern', shapes)}"
    if component == "InConstraintComponent":
        head = _param(shape, "in", shapes)
        allowed = sorted(_short(x, data) for x in Collection(shapes, head)) if head else []
        return f"value {v} is not allowed (expected one of: {', '.join(allowed)})"
    if component == "ClassConstraintComponent":
        cls = _short(_param(shape, "class", shapes), data)
        return f"value {v} is not a {cls} (declare it in the vocabulary or fix the id)"
    if component == "OrConstraintComponent":
        return (
            f"value {v} is none of the allowed kinds (e.g. a pg:Setting or pg:OrganisationalFactor)"
        )
    if component in ("LessThanConstraintComponent", "LessThanOrEqualsConstraintComponent"):
        other = _short(
            _param(shape, "lessThan", shapes) or _param(shape, "lessThanOrEquals", shapes), data
        )
        return (
            f"value {v} must be less than {'or equal to ' if 'Equals' in component else ''}{other}"
        )
    bounds = {"MinInclusive": "at least", "MaxInclusive": "at most",
              "MinExclusive": "more than", "MaxExclusive": "less than"}  # fmt: skip
    if component.removesuffix("ConstraintComponent") in bounds:
        name = component.removesuffix("ConstraintComponent")
        limit = _param(shape, name[0].lower() + name[1:], shapes)
        return f"value {v} must be {bounds[name]} {limit}"
    if component == "MinLengthConstraintComponent":
        return f"value {v} is empty"
    if component == "UniqueLangConstraintComponent":
        return "more than one value in the same language"
    text = str(fallback) if fallback is not None else component
    return f"{text} (value {v})" if value is not None and v not in text else text
