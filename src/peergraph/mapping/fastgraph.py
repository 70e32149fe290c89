"""The large-data build path: the triples of ``peergraph.mapping.triples`` as plain-string rows.

``graph.data_triples`` makes an rdflib term for every node (IRI checks, literal casting): ~7 µs a
triple, 28 s for the 3.7M triples of 100k findings. Here each triple is a flat tuple of strings,
already in the sort order of ``export.sort_key``::

    (subject kind, subject, predicate is not rdf:type, predicate,
     object kind, object value, object datatype, object language)

with kind 0 = IRI, 1 = blank node, 2 = literal, and literal values in rdflib's lexical form. Sorting
and de-duplicating these rows gives exactly ``export.canonical_triples(build_graph(ds))``; a test
checks that the exports written from them are byte-for-byte those of the rdflib path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache

from peergraph.ingest.records import Dataset, Finding, Source
from peergraph.text.references import Reference

Row = tuple[int, str, bool, str, int, str, str, str]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCT = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_BASE = "https://w3id.org/peergraph/"
_PG = _BASE + "ontology/"
_PGV = _BASE + "vocab/"
_FINDING = _BASE + "data/finding/"
_SOURCE = _BASE + "data/source/"
_PERSON = _BASE + "data/person/"
_JOURNAL = _BASE + "data/journal/"
_AUTHORSHIP = _BASE + "data/authorship/"
_FABIO = "http://purl.org/spar/fabio/"
_PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
_CITO = "http://purl.org/spar/cito/"
_OA = "http://www.w3.org/ns/oa#"
_OBO = "http://purl.obolibrary.org/obo/"
_TIME = "http://www.w3.org/2006/time#"

TYPE = _RDF + "type"
LABEL = _RDFS + "label"
TITLE = _DCT + "title"
IDENTIFIER = _DCT + "identifier"
STRING = ""  # plain literal: no datatype
TIME_UNITS = {u: f"{_TIME}unit{u.capitalize()}" for u in ("day", "week", "month", "year")}


def _iri_row(s: str, p: str, o: str) -> Row:
    return (0, s, p != TYPE, p, 0, o, "", "")


def _lit_row(s: str, p: str, value: str, datatype: str = STRING) -> Row:
    return (0, s, True, p, 2, value, datatype, "")


@lru_cache(maxsize=4096)
def _lexical(value: object, datatype: str) -> str:
    """rdflib's lexical form of a typed Python value (decimals, years), cached."""
    from rdflib import Literal, URIRef

    return str(Literal(value, datatype=URIRef(datatype)))


@lru_cache(maxsize=65536)
def _person(family: str, given: str) -> str:
    from peergraph.iris import slug

    return _PERSON + slug(f"{family} {given}")


@lru_cache(maxsize=4096)
def _journal(title: str) -> str:
    from peergraph.iris import slug

    return _JOURNAL + slug(title)


def paper_iri(ref: Reference) -> str:
    from peergraph.mapping.triples import paper_node

    return str(paper_node(ref))


def source_rows(source: Source) -> Iterator[Row]:
    node = _SOURCE + source.id
    yield _iri_row(node, TYPE, _PG + "SourceDocument")
    yield _lit_row(node, TITLE, source.title)
    yield _lit_row(node, LABEL, source.title)
    yield _lit_row(node, IDENTIFIER, source.id)
    yield _lit_row(node, _DCT + "format", "text/plain")
    for ref in sorted(source.references.values(), key=lambda r: r.key):
        yield _iri_row(node, _DCT + "references", paper_iri(ref))


def paper_rows(source: Source, ref: Reference, paper: str) -> Iterator[Row]:
    from peergraph.mapping.triples import _short_citation
    from peergraph.text.references import study_designs

    yield _iri_row(paper, TYPE, _PG + "Paper")
    if ref.journal:
        yield _iri_row(paper, TYPE, _FABIO + "JournalArticle")
    yield _lit_row(paper, LABEL, f"{_short_citation(ref)}: {ref.title}")
    yield _lit_row(paper, TITLE, ref.title)
    yield _lit_row(paper, _PG + "citationKey", ref.key)
    yield _lit_row(paper, _DCT + "bibliographicCitation", ref.raw)
    yield _lit_row(paper, _FABIO + "hasPublicationYear", f"{ref.year:04d}", _XSD + "gYear")
    yield _iri_row(paper, _PG + "citedIn", _SOURCE + source.id)
    if ref.doi:
        yield _lit_row(paper, _PRISM + "doi", ref.doi)
    if ref.volume:
        yield _lit_row(paper, _PRISM + "volume", ref.volume)
    if ref.issue:
        yield _lit_row(paper, _PRISM + "issueIdentifier", ref.issue)
    if ref.first_page:
        yield _lit_row(paper, _PRISM + "startingPage", ref.first_page)
    if ref.last_page:
        yield _lit_row(paper, _PRISM + "endingPage", ref.last_page)
    if ref.article_number:
        yield _lit_row(paper, _PG + "articleNumber", ref.article_number)
    if ref.journal:
        journal = _journal(ref.journal)
        yield _iri_row(paper, _DCT + "isPartOf", journal)
        yield _iri_row(journal, TYPE, _FABIO + "Journal")
        yield _lit_row(journal, TITLE, ref.journal)
        yield _lit_row(journal, LABEL, ref.journal)
    for design in study_designs(ref.title):
        yield _iri_row(paper, _PG + "studyDesign", _PGV + design)
    for position, author in enumerate(ref.authors, 1):
        name = f"{author.family}, {author.given}".strip(", ") if author.given else author.family
        person = _person(author.family, author.given)
        link = f"{_AUTHORSHIP}{ref.key}-{position}"
        yield _iri_row(paper, _DCT + "creator", person)
        yield _iri_row(paper, _PG + "authorship", link)
        yield _iri_row(link, TYPE, _PG + "Authorship")
        yield _iri_row(link, _PG + "author", person)
        yield _lit_row(link, _PG + "position", str(position), _XSD + "positiveInteger")
        yield _iri_row(person, TYPE, _FOAF + ("Organization" if author.corporate else "Person"))
        yield _lit_row(person, _FOAF + "name", name)
        yield _lit_row(person, LABEL, name)
        if not author.corporate:
            yield _lit_row(person, _FOAF + "familyName", author.family)


_FIELDS = (
    ("outcomes", _PG + "outcome"),
    ("populations", _PG + "population"),
    ("settings", _PG + "setting"),
    ("mechanisms", _PG + "mechanism"),
    ("organisational_factors", _PG + "organisationalFactor"),
    ("magnitude", _PG + "magnitude"),
)


def finding_rows(source: Source, f: Finding, papers: dict[str, str]) -> Iterator[Row]:
    from peergraph.mapping.triples import CONTEXT_CHARS, STATEMENT_CLASSES, _num, horizon_label

    node = _FINDING + f.id
    yield _iri_row(node, TYPE, str(STATEMENT_CLASSES[f.kind]))
    yield _lit_row(node, IDENTIFIER, f.id)
    yield _lit_row(node, LABEL, f.label)
    yield _iri_row(node, _PG + "assertedIn", _SOURCE + f.source)
    yield _iri_row(
        node, _OBO + "SEPIO_0000398", _OBO + ("ECO_0000033" if f.cites else "ECO_0000034")
    )
    for key in f.cites:
        yield _iri_row(node, _CITO + "citesAsEvidence", papers[key])
    yield _iri_row(node, _PG + "intervention", _PGV + f.intervention)
    for name, prop in _FIELDS:
        for value in getattr(f, name):
            yield _iri_row(node, prop, _PGV + value)
    if f.direction:
        yield _iri_row(node, _PG + "direction", _PGV + f.direction)
    if f.note:
        yield _lit_row(node, _SKOS + "editorialNote", f.note)
    if f.draft:
        yield _lit_row(node, _PG + "draft", "true", _XSD + "boolean")
    if f.persistence and f.persistence.horizon:
        p = f.persistence
        hor = f"{node}-horizon"
        decimal = _XSD + "decimal"
        yield _iri_row(node, _PG + "followUpHorizon", hor)
        yield _iri_row(hor, TYPE, _PG + "FollowUpHorizon")
        low = _lexical(Decimal(str(p.minimum)).normalize(), decimal)
        high = _lexical(Decimal(str(p.maximum)).normalize(), decimal)
        yield _lit_row(hor, _PG + "horizonLowerBound", low, decimal)
        yield _lit_row(hor, _PG + "horizonUpperBound", high, decimal)
        yield _iri_row(hor, _TIME + "unitType", TIME_UNITS[p.unit])
        yield _iri_row(hor, _PG + "measuredFrom", _PGV + p.measured_from)
        yield _lit_row(hor, LABEL, horizon_label(p))
    elif f.persistence:
        p = f.persistence
        dur = f"{node}-persistence"
        decimal = _XSD + "decimal"
        yield _iri_row(node, _PG + "persistence", dur)
        yield _iri_row(dur, TYPE, _PG + "DurationOfEffect")
        yield _lit_row(
            dur, _PG + "minimum", _lexical(Decimal(str(p.minimum)).normalize(), decimal), decimal
        )
        yield _lit_row(
            dur, _PG + "maximum", _lexical(Decimal(str(p.maximum)).normalize(), decimal), decimal
        )
        yield _iri_row(dur, _TIME + "unitType", TIME_UNITS[p.unit])
        yield _iri_row(dur, _PG + "measuredFrom", _PGV + p.measured_from)
        label = (
            f"{_num(p.minimum)}–{_num(p.maximum)} {p.unit}s after the "
            f"{p.measured_from.replace('-', ' ')}"
        )
        yield _lit_row(dur, LABEL, label)
    for n, comp in enumerate(f.comparisons, 1):
        cnode = f"{node}-comparison-{n}"
        yield _iri_row(node, _PG + "comparison", cnode)
        yield _iri_row(cnode, TYPE, _PG + "Comparison")
        yield _iri_row(cnode, _PG + "favours", _PGV + comp.favours)
        for other in comp.over:
            yield _iri_row(cnode, _PG + "comparator", _PGV + other)
        for outcome in comp.outcomes or f.outcomes:
            yield _iri_row(cnode, _PG + "comparedOn", _PGV + outcome)
        yield _lit_row(cnode, LABEL, f"{comp.favours} better than {' or '.join(comp.over)}")
    # the Web Annotation anchoring (graph.quote_triples)
    ann, target = f"{node}-annotation", f"{node}-target"
    quote, position = f"{node}-quote", f"{node}-position"
    text = source.text
    yield _iri_row(ann, TYPE, _OA + "Annotation")
    yield _iri_row(ann, _OA + "motivatedBy", _OA + "describing")
    yield _iri_row(ann, _OA + "hasBody", node)
    yield _iri_row(ann, _OA + "hasTarget", target)
    yield _iri_row(target, TYPE, _OA + "SpecificResource")
    yield _iri_row(target, _OA + "hasSource", _SOURCE + f.source)
    yield _iri_row(target, _OA + "hasSelector", quote)
    yield _iri_row(target, _OA + "hasSelector", position)
    yield _iri_row(quote, TYPE, _OA + "TextQuoteSelector")
    yield _lit_row(quote, _OA + "exact", f.quote)
    yield _lit_row(quote, _OA + "prefix", text[max(0, f.start - CONTEXT_CHARS) : f.start])
    yield _lit_row(quote, _OA + "suffix", text[f.end : f.end + CONTEXT_CHARS])
    yield _iri_row(position, TYPE, _OA + "TextPositionSelector")
    nonneg = _XSD + "nonNegativeInteger"
    yield _lit_row(position, _OA + "start", str(f.start), nonneg)
    yield _lit_row(position, _OA + "end", str(f.end), nonneg)


def rows_from_triples(triples: Iterable[tuple[object, object, object]]) -> Iterator[Row]:
    """rdflib triples (ontology, hooks) → rows."""
    from rdflib import BNode, Literal

    def term(t: object) -> tuple[int, str, str, str]:
        if isinstance(t, BNode):
            return 1, str(t), "", ""
        if isinstance(t, Literal):
            return 2, str(t), str(t.datatype or ""), t.language or ""
        return 0, str(t), "", ""

    for s, p, o in triples:
        sk, sv, _, _ = term(s)
        ok, ov, odt, olang = term(o)
        yield (sk, sv, str(p) != TYPE, str(p), ok, ov, odt, olang)


def triples_from_rows(rows: Iterable[Row]) -> Iterator[tuple[object, object, object]]:
    """Rows → rdflib triples (for the small parts that go through rdflib)."""
    from rdflib import BNode, Literal, URIRef

    def term(kind: int, value: str, dt: str = "", lang: str = "") -> object:
        if kind == 0:
            return URIRef(value)
        if kind == 1:
            return BNode(value)
        return Literal(value, datatype=URIRef(dt) if dt else None, lang=lang or None)

    for sk, s, _, p, ok, o, dt, lang in rows:
        yield term(sk, s), URIRef(p), term(ok, o, dt, lang)


def data_rows(ds: Dataset) -> Iterator[Row]:
    """Every data triple of ``graph.data_triples(ds)`` as a row (same multiset of triples)."""
    from peergraph.mapping.triples import data_triples

    for source in ds.sources.values():
        yield from source_rows(source)
    seen: set[str] = set()
    papers: dict[str, dict[str, str]] = {}
    for source, ref in ds.papers():
        iri = paper_iri(ref)
        papers.setdefault(source.id, {})[ref.key] = iri
        if iri in seen:
            continue
        seen.add(iri)
        yield from paper_rows(source, ref, iri)
    for f in ds.findings:
        yield from finding_rows(ds.sources[f.source], f, papers[f.source])
    # whatever other modules add to graph.data_triples (small: audit records, ...)
    yield from rows_from_triples(data_triples(ds, core=False))


def sorted_rows(rows: Iterable[Row]) -> list[Row]:
    """De-duplicated and sorted: the order of ``export.canonical_triples``."""
    unique = set(rows)
    out = sorted(unique)
    return out
