"""Ontology documentation as one offline HTML page (``exports/ontology/index.html``).

A small generator of our own instead of pyLODE: no network, no external CSS/JS/fonts, and
deterministic bytes (terms sorted, no dates). Every class, property and vocabulary concept is
listed with its label, definition, logical axioms (in a Manchester-like syntax), alignments to
external vocabularies, and examples from the data; defined classes show the individuals the
reasoner put in them. All text from the ontology or data is HTML-escaped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from peergraph.iris import ONTOLOGY_NS as ONTOLOGY
from peergraph.iris import PG_NS as PG
from peergraph.iris import PGV_NS as PGV

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph
    from rdflib.term import Node

    from peergraph.check.reason import ReasonResult

EXAMPLES = 5

CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:0 auto;
padding:1rem 1.5rem;color:#1d1d1f}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;margin-top:2.5rem}
h3{margin:1.8rem 0 .3rem;font-size:1.1rem}
code,.iri{font:13px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.iri{color:#555}.term{border-left:3px solid #7a9cc6;padding:.1rem 0 .4rem .9rem;margin:1rem 0}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem 1rem;margin:.4rem 0}
dt{color:#555}dd{margin:0}nav ul{columns:3;font-size:14px}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #ddd;padding:.2rem .5rem;
text-align:left;vertical-align:top}
"""


class RowGraph:
    """The few read methods of ``rdflib.Graph`` the page uses, over the build's sorted rows.

    The build has its triples as sorted rows (``peergraph.mapping.triples.Row``); indexing them
    takes milliseconds where adding them to an rdflib Graph took about 0.3 s on the essay (and
    memory in proportion at 100k findings). Terms come back as rdflib terms, equal to those
    ``rdflib_triples`` makes, so the page is byte-identical to one drawn from ``build_graph``.
    """

    def __init__(self, rows: Sequence[tuple[Any, ...]]):
        self.rows = rows
        self._by_p: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows:
            self._by_p[row[3]].append(row)
        self._by_po: dict[str, dict[tuple[int, str], list[tuple[Any, ...]]]] = {}
        self._terms: dict[tuple[Any, ...], Node] = {}

    def _term(self, kind: int, value: str, dt: str = "", lang: str = "") -> Node:
        key = (kind, value, dt, lang)
        hit = self._terms.get(key)
        if hit is None:
            from rdflib import BNode, Literal, URIRef

            if kind == 0:
                hit = URIRef(value)
            elif kind == 1:
                hit = BNode(value)
            else:
                hit = Literal(value, datatype=URIRef(dt) if dt else None, lang=lang or None)
            self._terms[key] = hit
        return hit

    @staticmethod
    def _key(term: Node) -> tuple[int, str]:
        from rdflib import BNode

        return (1 if isinstance(term, BNode) else 0), str(term)

    def _subject_rows(self, s: Node) -> Sequence[tuple[Any, ...]]:
        key = self._key(s)
        rows = self.rows
        start = bisect_left(rows, key, key=lambda r: (r[0], r[1]))
        end = start
        while end < len(rows) and rows[end][0] == key[0] and rows[end][1] == key[1]:
            end += 1
        return rows[start:end]

    def objects(self, s: Node, p: Node) -> Iterator[Node]:
        prop = str(p)
        for row in self._subject_rows(s):
            if row[3] == prop:
                yield self._term(row[4], row[5], row[6], row[7])

    def value(self, s: Node, p: Node) -> Node | None:
        return next(self.objects(s, p), None)

    def subjects(self, p: Node, o: Node) -> Iterator[Node]:
        prop = str(p)
        index = self._by_po.get(prop)
        if index is None:
            index = self._by_po[prop] = defaultdict(list)
            for row in self._by_p.get(prop, ()):
                if row[4] != 2:
                    index[row[4], row[5]].append(row)
        for row in index.get(self._key(o), ()):
            yield self._term(row[0], row[1])

    def subject_objects(self, p: Node) -> Iterator[tuple[Node, Node]]:
        for row in self._by_p.get(str(p), ()):
            yield self._term(row[0], row[1]), self._term(row[4], row[5], row[6], row[7])


def _items(g: Graph | RowGraph, head: Node) -> list[Node]:
    """The members of the RDF list at ``head`` (``rdflib.collection.Collection`` needs a Graph)."""
    from rdflib import RDF

    out: list[Node] = []
    seen = set()
    while head is not None and head != RDF.nil and head not in seen:
        seen.add(head)
        first = g.value(head, RDF.first)
        if first is not None:
            out.append(first)
        head = g.value(head, RDF.rest)
    return out


def _q(g: Graph | RowGraph) -> Callable[[Node], str]:
    """Compact name of a term (prefix:local) for display."""
    from peergraph.iris import PREFIXES

    pairs = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))

    def short(term: Node) -> str:
        text = str(term)
        for prefix, ns in pairs:
            if text.startswith(ns) and len(text) > len(ns):
                return f"{prefix}:{text[len(ns) :]}"
        return text

    return short


def _anchor(term: Node) -> str:
    text = str(term)
    if text.startswith(PG):
        return "pg-" + text[len(PG) :]
    if text.startswith(PGV):
        return "pgv-" + text[len(PGV) :]
    return ""


def _link(term: Node, short: Callable[[Node], str]) -> str:
    from rdflib import Literal, URIRef

    if isinstance(term, Literal):
        return f"<code>{escape(str(term))}</code>"
    if not isinstance(term, URIRef):
        return "<code>[ ]</code>"
    anchor = _anchor(term)
    label = escape(short(term))
    if anchor:
        return f'<a href="#{anchor}"><code>{label}</code></a>'
    return f'<code title="{escape(str(term))}">{label}</code>'


def _expr(g: Graph | RowGraph, node: Node, short: Callable[[Node], str], depth: int = 0) -> str:
    """An OWL class expression in Manchester-like syntax (HTML)."""
    from rdflib import OWL, BNode

    if not isinstance(node, BNode) or depth > 6:
        return _link(node, short)

    def items(head: Node) -> list[str]:
        return [_expr(g, x, short, depth + 1) for x in _items(g, head)]

    for pred, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
        head = g.value(node, pred)
        if head is not None:
            return "(" + word.join(items(head)) + ")"
    head = g.value(node, OWL.oneOf)
    if head is not None:
        return "{" + ", ".join(items(head)) + "}"
    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        p = _link(prop, short)
        for pred, word in (
            (OWL.someValuesFrom, "some"),
            (OWL.allValuesFrom, "only"),
            (OWL.hasValue, "value"),
        ):
            v = g.value(node, pred)
            if v is not None:
                return f"{p} <b>{word}</b> {_expr(g, v, short, depth + 1)}"
        for pred, word in (
            (OWL.qualifiedCardinality, "exactly"),
            (OWL.cardinality, "exactly"),
            (OWL.minQualifiedCardinality, "min"),
            (OWL.maxQualifiedCardinality, "max"),
        ):
            n = g.value(node, pred)
            if n is not None:
                filler = g.value(node, OWL.onClass) or g.value(node, OWL.onDataRange)
                rest = f" {_expr(g, filler, short, depth + 1)}" if filler is not None else ""
                return f"{p} <b>{word}</b> {escape(str(n))}{rest}"
    return "<code>[ ]</code>"


def _label(g: Graph | RowGraph, term: Node) -> str:
    from rdflib import RDFS
    from rdflib.namespace import SKOS

    for p in (RDFS.label, SKOS.prefLabel):
        values = sorted(str(o) for o in g.objects(term, p))
        if values:
            return values[0]
    return ""


def _row(name: str, html_values: list[str]) -> str:
    if not html_values:
        return ""
    return f"<dt>{escape(name)}</dt><dd>{', '.join(html_values)}</dd>"


def _examples(
    data: Graph | RowGraph,
    term: Node,
    kind: str,
    short: Callable[[Node], str],
    inferred: dict[Node, list[Node]],
) -> list[str]:
    from rdflib import RDF, Literal

    if kind == "class":
        members = sorted(set(data.subjects(RDF.type, term)) | set(inferred.get(term, [])), key=str)
        members = [m for m in members if not str(m).startswith((PG, "http://www.w3.org/"))]
        out = [f"{_link(m, short)} {escape(_label(data, m))}".strip() for m in members[:EXAMPLES]]
        if len(members) > EXAMPLES:
            out.append(f"… {len(members)} in all")
        return out
    triples = sorted(data.subject_objects(term), key=lambda so: (str(so[0]), str(so[1])))
    triples = [(s, o) for s, o in triples if not str(s).startswith(PG)]
    out = []
    for s, o in triples[:EXAMPLES]:
        value = (
            escape(str(o)[:80] + ("…" if len(str(o)) > 80 else ""))
            if isinstance(o, Literal)
            else _link(o, short)
        )
        out.append(f"{_link(s, short)} → {value}")
    return out


def _term_section(
    g: Graph | RowGraph,
    term: Node,
    kind: str,
    short: Callable[[Node], str],
    inferred: dict[Node, list[Node]],
) -> str:
    from rdflib import OWL, RDF, RDFS, URIRef
    from rdflib.namespace import SKOS

    rows = [
        _row("IRI", [f'<span class="iri">{escape(str(term))}</span>']),
        _row("definition", [escape(str(o)) for o in sorted(g.objects(term, SKOS.definition))]),
        _row("note", [escape(str(o)) for o in sorted(g.objects(term, SKOS.scopeNote))]),
        _row("comment", [escape(str(o)) for o in sorted(g.objects(term, RDFS.comment))]),
    ]
    if kind == "class":
        rows.append(
            _row(
                "equivalent to",
                [_expr(g, o, short) for o in sorted(g.objects(term, OWL.equivalentClass))],
            )
        )
        supers = sorted(
            g.objects(term, RDFS.subClassOf), key=lambda o: (not isinstance(o, URIRef), str(o))
        )
        rows.append(
            _row(
                "subclass of",
                [
                    _expr(g, o, short)
                    for o in supers
                    if isinstance(o, URIRef) and str(o).startswith(PG)
                ],
            )
        )
        rows.append(
            _row("restrictions", [_expr(g, o, short) for o in supers if not isinstance(o, URIRef)])
        )
        rows.append(
            _row(
                "aligned to (subclass of)",
                [
                    _link(o, short)
                    for o in supers
                    if isinstance(o, URIRef) and not str(o).startswith(PG)
                ],
            )
        )
        subs = sorted(g.subjects(RDFS.subClassOf, term), key=str)
        rows.append(_row("subclasses", [_link(s, short) for s in subs if isinstance(s, URIRef)]))
        rows.append(
            _row(
                "examples from the data"
                if term not in inferred
                else "members (asserted or inferred by the reasoner)",
                _examples(g, term, kind, short, inferred),
            )
        )
    else:
        characteristics = [
            short(t)
            for t in sorted(g.objects(term, RDF.type))
            if t
            in (
                OWL.FunctionalProperty,
                OWL.InverseFunctionalProperty,
                OWL.TransitiveProperty,
                OWL.SymmetricProperty,
            )
        ]
        rows.append(_row("characteristics", [f"<code>{escape(c)}</code>" for c in characteristics]))
        rows.append(
            _row("domain", [_expr(g, o, short) for o in sorted(g.objects(term, RDFS.domain))])
        )
        rows.append(
            _row("range", [_expr(g, o, short) for o in sorted(g.objects(term, RDFS.range))])
        )
        rows.append(
            _row(
                "aligned to (subproperty of)",
                [_link(o, short) for o in sorted(g.objects(term, RDFS.subPropertyOf))],
            )
        )
        rows.append(
            _row("inverse of", [_link(o, short) for o in sorted(g.objects(term, OWL.inverseOf))])
        )
        rows.append(_row("examples from the data", _examples(g, term, kind, short, inferred)))
    title = escape(_label(g, term) or short(term))
    return (
        f'<section class="term" id="{_anchor(term)}"><h3>{title} '
        f"<code>{escape(short(term))}</code></h3><dl>{''.join(rows)}</dl></section>"
    )


def _concepts_section(g: Graph | RowGraph, short: Callable[[Node], str]) -> str:
    from rdflib import RDF, URIRef
    from rdflib.namespace import SKOS

    parts = []
    for scheme in sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        if not str(scheme).startswith(PGV):
            continue
        members = sorted(
            (c for c in g.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)), key=str
        )
        rows = []
        for c in members:
            alts = ", ".join(escape(str(a)) for a in sorted(g.objects(c, SKOS.altLabel)))
            maps = [f"exact: {_link(m, short)}" for m in sorted(g.objects(c, SKOS.exactMatch))]
            maps += [f"close: {_link(m, short)}" for m in sorted(g.objects(c, SKOS.closeMatch))]
            broader = [_link(b, short) for b in sorted(g.objects(c, SKOS.broader))]
            broader += [_link(b, short) for b in sorted(g.objects(c, URIRef(PG + "recoveryGroup")))]
            defs = " ".join(escape(str(d)) for d in sorted(g.objects(c, SKOS.definition)))
            rows.append(
                f'<tr id="{_anchor(c)}"><td><code>{escape(short(c))}</code><br>'
                f"{escape(_label(g, c))}</td><td>{defs}</td><td>{alts}</td>"
                f"<td>{', '.join(broader)}</td><td>{'<br>'.join(maps)}</td></tr>"
            )
        parts.append(
            f'<h3 id="{_anchor(scheme)}">{escape(_label(g, scheme) or short(scheme))} '
            f"<code>{escape(short(scheme))}</code></h3><table><tr><th>concept</th>"
            f"<th>definition</th><th>synonyms</th><th>broader / group</th><th>alignments</th>"
            f"</tr>{''.join(rows)}</table>"
        )
    return "".join(parts)


def _alignments(g: Graph | RowGraph, short: Callable[[Node], str]) -> str:
    """Every peergraph class or property that reuses an external term, one row each."""
    from rdflib import OWL, RDFS, URIRef

    rows = []
    for pred, word in (
        (RDFS.subClassOf, "subclass of"),
        (RDFS.subPropertyOf, "subproperty of"),
        (OWL.equivalentClass, "equivalent to"),
    ):
        for s, o in sorted(g.subject_objects(pred), key=lambda so: (str(so[0]), str(so[1]))):
            if (
                isinstance(s, URIRef)
                and isinstance(o, URIRef)
                and str(s).startswith(PG)
                and not str(o).startswith(PG)
            ):
                rows.append(
                    f"<tr><td>{_link(s, short)}</td><td>{word}</td>"
                    f'<td>{_link(o, short)} <span class="iri">{escape(str(o))}</span>'
                    "</td></tr>"
                )
    return (
        "<p>Vocabulary concepts carry their own mappings (skos:exactMatch, skos:closeMatch) "
        "in the vocabulary tables below.</p><table><tr><th>peergraph term</th><th>relation"
        f"</th><th>external term</th></tr>{''.join(rows)}</table>"
    )


def ontology_html(graph: Graph | RowGraph, inferred: dict[Node, list[Node]] | None = None) -> bytes:
    """The documentation page for ``graph`` (ontology + data). ``inferred`` maps a class to the
    individuals a reasoner put in it, shown as members of defined classes."""
    from rdflib import OWL, RDF, URIRef
    from rdflib.namespace import DCTERMS

    from peergraph import __version__

    inferred = inferred or {}
    short = _q(graph)
    onto = URIRef(ONTOLOGY)

    def terms(kind: Node) -> list[Node]:
        return sorted(
            (
                t
                for t in graph.subjects(RDF.type, kind)
                if isinstance(t, URIRef) and str(t).startswith(PG)
            ),
            key=str,
        )

    kinds = [
        ("Classes", "class", OWL.Class),
        ("Object properties", "prop", OWL.ObjectProperty),
        ("Datatype properties", "prop", OWL.DatatypeProperty),
        ("Annotation properties", "prop", OWL.AnnotationProperty),
    ]
    nav, body = [], []
    for heading, kind, owl_kind in kinds:
        found = terms(owl_kind)
        if not found:
            continue
        nav.append(f"<li><b>{escape(heading)}</b></li>")
        nav += [f'<li><a href="#{_anchor(t)}">{escape(short(t))}</a></li>' for t in found]
        body.append(f"<h2>{escape(heading)}</h2>")
        body += [_term_section(graph, t, kind, short, inferred) for t in found]
    meta = [
        _row("IRI", [f'<span class="iri">{escape(ONTOLOGY)}</span>']),
        _row(
            "version IRI",
            [
                f'<span class="iri">{escape(str(o))}</span>'
                for o in graph.objects(onto, OWL.versionIRI)
            ],
        ),
        _row("version", [escape(str(o)) for o in graph.objects(onto, OWL.versionInfo)]),
        _row("license", [escape(str(o)) for o in graph.objects(onto, DCTERMS.license)]),
        _row("creator", [escape(str(o)) for o in sorted(graph.objects(onto, DCTERMS.creator))]),
    ]
    title = escape(str(graph.value(onto, DCTERMS.title) or "peergraph ontology"))
    desc = " ".join(escape(str(o)) for o in sorted(graph.objects(onto, DCTERMS.description)))
    comment = " ".join(
        escape(str(o))
        for o in sorted(graph.objects(onto, URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    )
    html = (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{CSS}</style></head><body>\n"
        f"<!-- generated by `peergraph build` (peergraph {escape(__version__)}) — do not edit -->\n"
        f"<h1>{title}</h1><p>{desc}</p><p>{comment}</p><dl>{''.join(meta)}</dl>\n"
        f"<nav><h2>Contents</h2><ul>{''.join(nav)}"
        '<li><a href="#alignments"><b>Alignments</b></a></li>'
        '<li><a href="#vocabularies"><b>Vocabularies</b></a></li></ul></nav>\n'
        + "\n".join(body)
        + f'\n<h2 id="alignments">Alignments</h2>{_alignments(graph, short)}'
        + f'\n<h2 id="vocabularies">Vocabularies</h2>{_concepts_section(graph, short)}'
        + "\n</body></html>\n"
    )
    return html.encode("utf-8")


def docs_exports(
    graph: Graph | RowGraph, reasoning: ReasonResult | None = None
) -> dict[str, object]:
    """``ontology/index.html`` for ``exports/``, with defined-class members from ``reasoning``
    (the build's run, the one ``peergraph-inferred.ttl`` is written from; computed from an
    rdflib ``graph`` if None, required with a ``RowGraph``)."""
    if reasoning is None and isinstance(graph, RowGraph):
        raise ValueError("docs_exports of a RowGraph needs the build's reasoning result")

    def produce() -> bytes:
        from rdflib import RDF

        from peergraph.check.reason import build_reasoning

        result = reasoning if reasoning is not None else build_reasoning(graph)  # type: ignore[arg-type]
        members: dict[Node, list[Node]] = {}
        for s, p, o in result.inferred:
            if p == RDF.type:
                members.setdefault(o, []).append(s)
        return ontology_html(graph, members)

    return {"ontology/index.html": produce}
