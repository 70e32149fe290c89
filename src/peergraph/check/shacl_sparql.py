"""``ontology/shapes.ttl`` compiled to SPARQL and run on a pyoxigraph store: SHACL at any size.

pySHACL walks the graph in Python (minutes and gigabytes at millions of triples); the same
constraints as SPARQL queries run inside oxigraph. Each (shape, constraint) becomes one
``SELECT ?this ?value`` query over the shape's targets, and each solution becomes a result like
pySHACL's (focus node, source shape, constraint component, value, path, message), which
``peergraph.check.shacl`` phrases in plain words. ``tests/test_shacl.py`` checks on fixtures
that the violations equal pySHACL's, one for one.

Supported: targets (``sh:targetClass`` with ``rdfs:subClassOf*``, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, SPARQL targets), every SHACL path form, and the
components ``shapes.ttl`` uses (``minCount``, ``maxCount``, ``datatype``, ``class``, ``in``,
``pattern``, ``or`` of ``sh:class`` shapes, ``lessThan``, ``lessThanOrEquals``, ``minInclusive``,
``minLength``, ``uniqueLang``, SPARQL constraints). Anything else raises
``UnsupportedShape`` so a new kind of rule cannot be silently ignored. Not checked: whether a
``xsd:integer`` literal apart from one of a type derived from it (``xsd:nonNegativeInteger``):
oxigraph stores both as ``xsd:integer``; the mapping writes the declared types, and a value
outside the derived type's range (``-1``) is still reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peergraph.iris import RDF_NS, RDFS_NS, SH_NS

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph
    from rdflib import Graph
    from rdflib.term import Node

SH = SH_NS
_PATH_KINDS = {
    "inversePath": "^({})",
    "zeroOrMorePath": "({})*",
    "oneOrMorePath": "({})+",
    "zeroOrOnePath": "({})?",
}
# constraint parameters handled per value node; the rest are handled per focus node
_IGNORED = {"path", "name", "description", "message", "order", "group", "severity",
            "deactivated", "property", "sparql", "targetClass", "targetNode",
            "targetSubjectsOf", "targetObjectsOf", "target", "defaultValue"}  # fmt: skip


class UnsupportedShape(ValueError):
    """A construct in the shapes that this compiler does not translate (yet)."""


@dataclass(frozen=True)
class Query:
    """One compiled check: every solution is a violation of ``component`` on ``shape``."""

    shape: Any  # the rdflib node of the (property or node) shape in the shapes graph
    component: str  # e.g. "MinCountConstraintComponent"
    path: Any  # rdflib node of sh:path (or None)
    message: Any  # rdflib Literal of sh:message (or None)
    sparql: str  # SELECT ?this ?value (?path) WHERE ...


@dataclass(frozen=True)
class Result:
    """One validation result, with rdflib terms as pySHACL's results graph holds them."""

    focus: Any
    shape: Any
    component: str
    value: Any
    path: Any
    message: Any


def _sh(name: str) -> Any:
    from rdflib import URIRef

    return URIRef(SH + name)


def _n3(term: Node) -> str:
    from rdflib import BNode, Literal

    if isinstance(term, BNode):
        raise UnsupportedShape(f"a blank node where a term is expected: {term}")
    if isinstance(term, Literal):
        return term.n3()
    return f"<{term}>"


def _list(shapes: Graph, head: Node) -> list[Node]:
    from rdflib.collection import Collection

    return list(Collection(shapes, head))


def sparql_path(shapes: Graph, path: Node) -> str:
    """A SHACL path as a SPARQL property path."""
    from rdflib import RDF, BNode

    if not isinstance(path, BNode):
        return _n3(path)
    if shapes.value(path, RDF.first) is not None:
        return "(" + "/".join(sparql_path(shapes, p) for p in _list(shapes, path)) + ")"
    alternatives = shapes.value(path, _sh("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(sparql_path(shapes, p) for p in _list(shapes, alternatives)) + ")"
    for kind, pattern in _PATH_KINDS.items():
        inner = shapes.value(path, _sh(kind))
        if inner is not None:
            return pattern.format(sparql_path(shapes, inner))
    raise UnsupportedShape(f"unknown SHACL path {path}")


def _prologue(shapes: Graph, node: Node) -> str:
    """PREFIX lines from ``sh:prefixes`` (SHACL-SPARQL prefix declarations)."""
    lines = []
    for owner in shapes.objects(node, _sh("prefixes")):
        for decl in shapes.objects(owner, _sh("declare")):
            prefix = shapes.value(decl, _sh("prefix"))
            ns = shapes.value(decl, _sh("namespace"))
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def _targets(shapes: Graph, shape: Node) -> tuple[str, str]:
    """(prologue, group pattern binding ?this to every focus node of ``shape``)."""
    parts: list[str] = []
    prologue: list[str] = []
    for cls in shapes.objects(shape, _sh("targetClass")):
        parts.append(f"?this <{RDF_NS}type>/<{RDFS_NS}subClassOf>* {_n3(cls)} .")
    for node in shapes.objects(shape, _sh("targetNode")):
        parts.append(f"VALUES ?this {{ {_n3(node)} }}")
    for prop in shapes.objects(shape, _sh("targetSubjectsOf")):
        parts.append(f"?this {_n3(prop)} ?_t .")
    for prop in shapes.objects(shape, _sh("targetObjectsOf")):
        parts.append(f"?_t {_n3(prop)} ?this .")
    for target in shapes.objects(shape, _sh("target")):
        select = shapes.value(target, _sh("select"))
        if select is None:
            raise UnsupportedShape(f"target of {shape} is not a SPARQL target")
        prologue.append(_prologue(shapes, target))
        parts.append("{ " + str(select) + " }")
    if not parts:
        return "", ""
    body = " UNION ".join("{ " + p + " }" for p in parts)
    return "\n".join(prologue), body


def _conforms_to(shapes: Graph, member: Node, var: str) -> str:
    """A SPARQL expression: ``var`` conforms to ``member`` (only ``sh:class`` shapes)."""
    params = {str(p)[len(SH) :] for p in shapes.predicates(member, None) if str(p).startswith(SH)}
    if params != {"class"}:
        raise UnsupportedShape(f"sh:or member with {sorted(params)}: only sh:class is compiled")
    cls = shapes.value(member, _sh("class"))
    return f"EXISTS {{ {var} <{RDF_NS}type>/<{RDFS_NS}subClassOf>* {_n3(cls)} }}"


def _value_filter(shapes: Graph, shape: Node, name: str, param: Node) -> str:
    """A FILTER that keeps the value nodes ``?value`` violating ``sh:name param``."""
    if name == "datatype":
        # not ``datatype(?value) = D``: oxigraph stores xsd:integer-derived literals (e.g.
        # xsd:nonNegativeInteger) as xsd:integer, but keeps an ill-formed lexical form apart
        return f"FILTER(!(isLiteral(?value) && sameTerm(?value, STRDT(STR(?value), {_n3(param)}))))"
    if name == "class":
        # MINUS, not FILTER NOT EXISTS: oxigraph finds the class's instances once and subtracts
        # them (a hash join), instead of one path search per value: ~6x faster at 100k findings.
        # Same result: the one shared variable, ?value, is always bound.
        return f"MINUS {{ ?value <{RDF_NS}type>/<{RDFS_NS}subClassOf>* {_n3(param)} }}"
    if name == "in":
        allowed = " || ".join(f"sameTerm(?value, {_n3(t)})" for t in _list(shapes, param))
        return f"FILTER(!({allowed or 'false'}))"
    if name == "pattern":
        flags = shapes.value(shape, _sh("flags"))
        regex = _n3(type(param)(str(param)))
        extra = f", {_n3(flags)}" if flags is not None else ""
        return f"FILTER(isBlank(?value) || !regex(str(?value), {regex}{extra}))"
    if name == "or":
        members = [_conforms_to(shapes, m, "?value") for m in _list(shapes, param)]
        return f"FILTER(!({' || '.join(members)}))"
    if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">",
              "maxExclusive": "<"}[name]  # fmt: skip
        return f"FILTER(!COALESCE(?value {op} {_n3(param)}, false))"
    if name in ("minLength", "maxLength"):
        op = "<" if name == "minLength" else ">"
        return f"FILTER(isBlank(?value) || strlen(str(?value)) {op} {int(param)})"
    if name in ("lessThan", "lessThanOrEquals"):
        op = "<" if name == "lessThan" else "<="
        return f"?this {_n3(param)} ?_other . FILTER(!COALESCE(?value {op} ?_other, false))"
    raise UnsupportedShape(f"sh:{name} is not compiled to SPARQL")


def compile_shapes(shapes: Graph) -> list[Query]:
    """Every check of ``shapes`` as a SPARQL query (see the module docstring for coverage)."""
    from rdflib import RDF

    queries: list[Query] = []
    node_shapes = set(shapes.subjects(RDF.type, _sh("NodeShape")))
    node_shapes |= {s for p in ("targetClass", "target") for s in shapes.subjects(_sh(p), None)}
    for shape in sorted(node_shapes, key=str):
        prologue, target = _targets(shapes, shape)
        if not target:
            continue
        for prop in shapes.objects(shape, _sh("property")):
            queries.extend(_property_queries(shapes, prop, prologue, target))
        for constraint in shapes.objects(shape, _sh("sparql")):
            queries.append(_sparql_constraint(shapes, shape, constraint, target))
        unknown = {
            str(p)[len(SH) :]
            for p in shapes.predicates(shape, None)
            if str(p).startswith(SH) and str(p)[len(SH) :] not in _IGNORED
        }
        if unknown:
            raise UnsupportedShape(f"node-level {sorted(unknown)} on {shape} is not compiled")
    return queries


def _property_queries(shapes: Graph, prop: Node, prologue: str, target: str) -> Iterator[Query]:
    from rdflib import URIRef

    path_node = shapes.value(prop, _sh("path"))
    path = sparql_path(shapes, path_node)
    chain = _chain(shapes, path_node)
    message = shapes.value(prop, _sh("message"))
    for p, param in sorted(shapes.predicate_objects(prop), key=lambda po: str(po[0])):
        if not str(p).startswith(SH):
            continue
        name = str(p)[len(SH) :]
        if name in _IGNORED or name == "flags":
            continue
        component = name[0].upper() + name[1:] + "ConstraintComponent"
        focus = f"{{ SELECT DISTINCT ?this WHERE {{ {target} }} }}"
        if name == "minCount" and int(param) == 1 and isinstance(path_node, URIRef):
            # no aggregate: about 3x faster (oxigraph evaluates a complex path inside NOT EXISTS
            # from scratch, so only for a plain property)
            sparql = f"{prologue}\nSELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?value }} }}"
        elif name == "maxCount" and int(param) == 1 and isinstance(path_node, URIRef):
            # two distinct values instead of a count per focus node: ~3x faster
            sparql = (
                f"{prologue}\nSELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?value , ?_b . "
                f"FILTER(!sameTerm(?value, ?_b)) }}"
            )
        elif name == "minCount" and int(param) == 1 and chain is not None:
            # a sequence of plain or inverse properties as a chain of triple patterns: MINUS
            # then works as for a plain property (~2x faster than counting per focus node)
            sparql = f"{prologue}\nSELECT ?this WHERE {{ {focus} MINUS {{ {chain} }} }}"
        elif name == "maxCount":
            # no OPTIONAL: a focus node without values never has more than maxCount of them
            sparql = (
                f"{prologue}\nSELECT ?this WHERE {{ {focus} ?this {path} ?value }}"
                f" GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {int(param)})"
            )
        elif name in ("minCount", "maxCount"):
            op = "<" if name == "minCount" else ">"
            sparql = (
                f"{prologue}\nSELECT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE "
                f"{{ {target} }} }} OPTIONAL {{ ?this {path} ?value }} }}"
                f" GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {int(param)})"
            )
        elif name == "uniqueLang":
            if not param.toPython():
                continue
            sparql = (
                f"{prologue}\nSELECT DISTINCT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE "
                f"{{ {target} }} }} ?this {path} ?value, ?_b . FILTER(!sameTerm(?value, ?_b) "
                f'&& lang(?value) != "" && lang(?value) = lang(?_b)) }}'
            )
        else:
            sparql = (
                f"{prologue}\nSELECT DISTINCT ?this ?value WHERE {{ {{ SELECT DISTINCT ?this "
                f"WHERE {{ {target} }} }} ?this {path} ?value . "
                f"{_value_filter(shapes, prop, name, param)} }}"
            )
        yield Query(prop, component, path_node, message, sparql)


def _chain(shapes: Graph, path: Node) -> str | None:
    """A sequence path of IRIs and inverse IRIs as triple patterns from ``?this`` to
    ``?value`` through fresh variables (None for any other path)."""
    from rdflib import RDF, BNode, URIRef

    if not isinstance(path, BNode) or shapes.value(path, RDF.first) is None:
        return None
    steps = []
    for step in _list(shapes, path):
        inverse = shapes.value(step, _sh("inversePath")) if isinstance(step, BNode) else None
        if isinstance(step, URIRef):
            steps.append((step, False))
        elif isinstance(inverse, URIRef):
            steps.append((inverse, True))
        else:
            return None
    names = ["?this", *(f"?_s{i}" for i in range(1, len(steps))), "?value"]
    return " ".join(
        f"{names[i + 1]} <{p}> {names[i]} ." if inverse else f"{names[i]} <{p}> {names[i + 1]} ."
        for i, (p, inverse) in enumerate(steps)
    )


def _sparql_constraint(shapes: Graph, shape: Node, constraint: Node, target: str) -> Query:
    """A SHACL-SPARQL constraint: its SELECT with ``$this`` bound to each focus node."""
    select = str(shapes.value(constraint, _sh("select")))
    body = select.replace("$this", "?this")
    sparql = (
        f"{_prologue(shapes, constraint)}\nSELECT * WHERE {{ {{ SELECT DISTINCT ?this WHERE "
        f"{{ {target} }} }} {{ {body} }} }}"
    )
    return Query(
        shape, "SPARQLConstraintComponent", None, shapes.value(constraint, _sh("message")), sparql
    )


def run(store: pyoxigraph.Store, queries: list[Query]) -> list[Result]:
    """Run compiled checks on ``store``; results carry rdflib terms."""
    results = []
    for q in queries:
        for solution in store.query(q.sparql):
            focus = _rdflib(solution["this"])
            value = _rdflib(_get(solution, "value"))
            path = _rdflib(_get(solution, "path")) or q.path
            if q.component == "SPARQLConstraintComponent" and value is None:
                value = focus  # SHACL: ?value unbound → the focus node (as pySHACL reports)
            results.append(Result(focus, q.shape, q.component, value, path, q.message))
    return results


def _get(solution: Any, name: str) -> Any:
    try:
        return solution[name]
    except (KeyError, IndexError, TypeError):
        return None


def _rdflib(term: Any) -> Any:
    """pyoxigraph term → rdflib term (None stays None)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype.value
    if dt == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(dt))
