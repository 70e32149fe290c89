"""Stage 3: the one mapping from a validated ``Dataset`` to RDF under the peergraph ontology.

Everything that needs the data as triples takes them from here: the exports and ``--store``
(through ``data_rows``), the build hooks and ``peergraph.build_graph`` (an ``rdflib.Graph``).

Each ``*_triples`` function yields ``(subject, predicate, object)``: IRIs are ``rdflib.URIRef``
(from ``peergraph.iris``, made without rdflib's per-call check), literals are ``Lit`` tuples made
by ``_lit`` holding the lexical form rdflib would write. That keeps the mapping at about a
microsecond a triple, so the same code serves the essay and 100k findings. ``rows`` turns triples
into the sortable rows the writers stream; ``build_graph`` turns them into rdflib terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from rdflib import BNode, Graph, Literal
from rdflib.term import Node, URIRef

from peergraph import iris
from peergraph.errors import DataError, Problem
from peergraph.ingest.audit import (
    AUDIT_FILE,
    MEASURES,
    UNCHECKED,
    Effect,
    Record,
    Subgroup,
    citation_text,
    effect_text,
    finding_support_level,
    format_number,
    read_audit,
)
from peergraph.ingest.dataset import load
from peergraph.ingest.records import Cue, Dataset, Finding, Persistence, Source
from peergraph.iris import (
    CITO,
    DCTERMS,
    ECO_CITED,
    ECO_UNCITED,
    FABIO,
    FOAF,
    HAS_EVIDENCE_TYPE,
    OA,
    OBO,
    OWL,
    PG,
    PREFIXES,
    PRISM,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    TIME_UNITS,
    XSD,
    authorship_iri,
    concept_iri,
    data_iri,
    finding_iri,
    journal_iri,
    mint,
    paper_iri,
    source_iri,
)
from peergraph.paths import ontology_dir
from peergraph.text.references import Reference, fold_name, study_designs


class _Terms:
    """A namespace whose terms, once looked up, are plain attributes.

    rdflib's ``DefinedNamespace`` checks and builds the term on every attribute read (a third
    of the mapping's time at 100k findings); the first read here still goes through it, so a
    misspelt term raises as before.
    """

    def __init__(self, namespace: Any):
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return self._namespace[name]

    def __str__(self) -> str:
        return str(self._namespace)


CITO, DCTERMS, FABIO, FOAF, OA, OWL, PRISM, PROV, RDF, RDFS, SKOS, TIME = (
    _Terms(ns) for ns in (CITO, DCTERMS, FABIO, FOAF, OA, OWL, PRISM, PROV, RDF, RDFS, SKOS, TIME)
)

CONTEXT_CHARS = 32  # length of oa:prefix / oa:suffix around a quote


class Lit(NamedTuple):
    """A literal: lexical form, datatype IRI ("" for a plain string) and language ("" for none)."""

    value: str
    datatype: str = ""
    language: str = ""


Term = URIRef | Lit
Triple = tuple[URIRef, URIRef, Term]
# A triple as the writers take it, already in their sort order (``export.writers.sort_key``):
# (subject kind, subject, predicate is not rdf:type, predicate, object kind, object value,
#  object datatype, object language) with kind 0 = IRI, 1 = blank node, 2 = literal.
Row = tuple[int, str, bool, str, int, str, str, str]
_BOOLEAN = str(XSD.boolean)
_TYPE = str(RDF.type)


def new_graph() -> Graph:
    """An empty graph with peergraph's prefixes and no others."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def ontology_graph(directory: Path | None = None) -> Graph:
    """The ontology and its vocabularies, as edited in ``ontology/`` (``ontology_rows``)."""
    g = new_graph()
    add = g.add
    for triple in rdflib_triples(ontology_rows(directory)):
        add(triple)
    return g


def ontology_files(directory: Path | None = None) -> list[Path]:
    """Every Turtle module of the ontology: ``peergraph.ttl`` first, then the others sorted.

    ``shapes.ttl`` holds SHACL shapes, which check data but are not part of the ontology.
    """
    folder = directory or ontology_dir()
    others = sorted(
        p for p in folder.glob("*.ttl") if p.name not in ("peergraph.ttl", "shapes.ttl")
    )
    return [folder / "peergraph.ttl", *others]


def ontology_rows(directory: Path | None = None) -> list[Row]:
    """The ontology modules as sorted rows, blank nodes labelled ``b1``, ``b2``, … in the order
    they first appear in the files (``ontology_files`` order).

    Stable for the same files without rdflib's canonicalisation (seconds for the ontology's
    OWL axioms): pyoxigraph parses in document order. A test checks the rows are isomorphic to
    rdflib's parse of the same files.
    """
    import pyoxigraph as ox

    raw: list[tuple[Any, ...]] = []
    order: dict[str, int] = {}
    string, lang_string = f"{XSD}string", f"{RDF}langString"

    def term(t: Any) -> tuple[int, str, str, str]:
        if isinstance(t, ox.NamedNode):
            return 0, t.value, "", ""
        if isinstance(t, ox.BlankNode):
            order.setdefault(t.value, len(order) + 1)
            return 1, t.value, "", ""
        dt = t.datatype.value
        return 2, t.value, "" if dt in (string, lang_string) else dt, t.language or ""

    from peergraph.errors import unreadable_rdf

    for path in ontology_files(directory):
        try:
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                raw.append((term(t.subject), t.predicate.value, term(t.object)))
        except (OSError, SyntaxError, ValueError) as exc:
            raise unreadable_rdf(path, exc) from exc
    width = len(str(len(order)))

    def label(kind: int, value: str) -> str:
        return f"b{order[value]:0{width}d}" if kind == 1 else value

    type_iri = _TYPE
    return sorted(
        {
            (sk, label(sk, s), p != type_iri, p, ok, label(ok, o), dt, lang)
            for (sk, s, _, _), p, (ok, o, dt, lang) in raw
        }
    )


_INTEGERS = frozenset(str(XSD[n]) for n in ("integer", "nonNegativeInteger", "positiveInteger"))


def _lit(value: object, datatype: str | None = None) -> Lit:
    """The literal rdflib's ``Literal(value, datatype=datatype)`` would be, as a ``Lit``."""
    if type(value) is str:
        return Lit(value, str(datatype) if datatype else "")
    if type(value) is bool:
        return Lit("true" if value else "false", _BOOLEAN)
    if type(value) is int and datatype and str(datatype) in _INTEGERS:  # too many to cache
        return Lit(str(value), str(datatype))
    return _typed(value, str(datatype) if datatype else "", repr(value))


@lru_cache(maxsize=65536, typed=True)
def _typed(value: Any, datatype: str, _key: str) -> Lit:
    """Cached by ``repr`` too: ``Decimal("1.0") == Decimal("1")`` but their lexical forms differ."""
    literal = Literal(value, datatype=URIRef(datatype) if datatype else None)
    return Lit(str(literal), str(literal.datatype or ""), literal.language or "")


def paper_node(ref: Reference) -> URIRef:
    """The DOI IRI when the reference has a DOI; otherwise an IRI from its citation key."""
    if ref.doi:
        return paper_iri(ref.doi)
    return data_iri(f"paper/{ref.key}")


def work_triples(
    node: URIRef,
    title: str,
    year: int,
    doi: str | None,
    volume: str | None,
    issue: str | None,
    first_page: str | None,
    last_page: str | None,
    journal: str | None,
) -> Iterator[Triple]:
    """What a paper as cited and the published record it resolves to say alike: title, year,
    DOI, volume, issue, pages and journal, with the same properties, so the two compare."""
    yield node, DCTERMS.title, _lit(title)
    yield node, FABIO.hasPublicationYear, _lit(f"{year:04d}", XSD.gYear)
    if doi:
        yield node, PRISM.doi, _lit(doi)
    if volume:
        yield node, PRISM.volume, _lit(volume)
    if issue:
        yield node, PRISM.issueIdentifier, _lit(issue)
    if first_page:
        yield node, PRISM.startingPage, _lit(first_page)
    if last_page:
        yield node, PRISM.endingPage, _lit(last_page)
    if journal:
        yield from journal_triples(node, journal)


def paper_triples(source: Source | None, ref: Reference) -> Iterator[Triple]:
    """A paper as printed in ``source``'s reference list, or (``source`` None) imported from a
    reference manager, which has no printed citation string and no citing source."""
    paper = paper_node(ref)
    yield paper, RDF.type, PG.Paper
    if ref.journal:
        yield paper, RDF.type, FABIO.JournalArticle
    yield paper, RDFS.label, _lit(f"{_short_citation(ref)}: {ref.title}")
    yield paper, PG.citationKey, _lit(ref.key)
    if source is not None:
        yield paper, DCTERMS.bibliographicCitation, _lit(ref.raw)
        yield paper, PG.citedIn, source_iri(source.id)
    yield from work_triples(
        paper, ref.title, ref.year, ref.doi, ref.volume, ref.issue,
        ref.first_page, ref.last_page, ref.journal,
    )  # fmt: skip
    if ref.article_number:
        yield paper, PG.articleNumber, _lit(ref.article_number)
    for design in study_designs(ref.title):
        yield paper, PG.studyDesign, concept_iri(design)
    for position, author in enumerate(ref.authors, 1):
        person = person_iri(author.family, author.given, ref.key)
        link = authorship_iri(ref.key, position)
        yield paper, DCTERMS.creator, person
        yield paper, PG.authorship, link
        yield link, RDF.type, PG.Authorship
        yield link, PG.author, person
        yield link, PG.position, _lit(position, XSD.positiveInteger)
        yield from person_triples(author.family, author.given, ref.key, corporate=author.corporate)


def journal_triples(work: URIRef, title: str) -> Iterator[Triple]:
    """``work`` is part of the journal ``title``; the journal's IRI comes from its title."""
    journal = journal_iri(title)
    yield work, DCTERMS.isPartOf, journal
    yield journal, RDF.type, FABIO.Journal
    yield journal, DCTERMS.title, _lit(title)
    yield journal, RDFS.label, _lit(title)


@lru_cache(maxsize=65536)
def person_iri(family: str, given: str, work: str) -> URIRef:
    """The author as printed in ``work`` (see ``peergraph.iris.person_iri``)."""
    return iris.person_iri(family, given, work)


def person_triples(
    family: str, given: str, work: str, *, corporate: bool = False
) -> Iterator[Triple]:
    """An author (person or corporate body) of one work: papers and resolved records."""
    person = person_iri(family, given, work)
    name = iris.person_name(family, given)
    yield person, RDF.type, FOAF.Organization if corporate else FOAF.Person
    yield person, FOAF.name, _lit(name)
    yield person, RDFS.label, _lit(name)
    if not corporate and given:  # a whole name in a caseless script has no family part we know
        yield person, FOAF.familyName, _lit(family)


def same_person_triples(ref: Reference, record_id: str, record_authors: Sequence[str]):
    """``owl:sameAs`` from each printed author of ``ref`` to the same author of the record the
    audit resolved it to, matched by position, transliterated family name and first initial.

    Called only where the audit found the printed authors right: identity is then established.
    """
    for author, printed in zip(ref.authors, record_authors, strict=False):
        family, _, given = (p.strip() for p in printed.partition(","))
        if author.corporate or fold_name(author.family) != fold_name(family):
            continue
        if fold_name(author.given)[:1] != fold_name(given)[:1]:
            continue
        yield (
            person_iri(author.family, author.given, ref.key),
            OWL.sameAs,
            person_iri(family, given, f"record-{record_id}"),
        )


def _short_citation(ref: Reference) -> str:
    families = [a.family for a in ref.authors]
    if len(families) >= 3:
        who = f"{families[0]} et al."
    elif len(families) == 2:
        who = f"{families[0]} & {families[1]}"
    else:
        who = families[0] if families else "Anonymous"
    return f"{who} {ref.year}{ref.year_suffix}"


def source_triples(source: Source) -> Iterator[Triple]:
    node = source_iri(source.id)
    yield node, RDF.type, PG.SourceDocument
    yield node, DCTERMS.title, _lit(source.title)
    yield node, RDFS.label, _lit(source.title)
    yield node, DCTERMS.identifier, _lit(source.id)
    yield node, DCTERMS.format, _lit("text/plain")
    for ref in sorted(source.references.values(), key=lambda r: r.key):
        yield node, DCTERMS.references, paper_node(ref)


def finding_triples(ds: Dataset, f: Finding) -> Iterator[Triple]:
    source = ds.sources[f.source]
    node = finding_iri(f.id)
    yield node, RDF.type, STATEMENT_CLASSES[f.kind]
    yield node, DCTERMS.identifier, _lit(f.id)
    yield node, RDFS.label, _lit(f.label)
    yield node, PG.assertedIn, source_iri(f.source)
    yield node, HAS_EVIDENCE_TYPE, ECO_CITED if f.cites else ECO_UNCITED
    for key in f.cites:
        yield node, CITO.citesAsEvidence, paper_node(source.references[key])
    yield node, PG.intervention, concept_iri(f.intervention)
    for prop, values in (
        (PG.outcome, f.outcomes),
        (PG.population, f.populations),
        (PG.setting, f.settings),
        (PG.mechanism, f.mechanisms),
        (PG.organisationalFactor, f.organisational_factors),
        (PG.magnitude, f.magnitude),
    ):
        for value in values:
            yield node, prop, concept_iri(value)
    if f.direction:
        yield node, PG.direction, concept_iri(f.direction)
    if f.note:
        yield node, SKOS.editorialNote, _lit(f.note)
    if f.draft:
        yield node, PG.draft, _lit(True)
    if f.persistence and f.persistence.horizon:
        yield from horizon_triples(f)
    elif f.persistence:
        p = f.persistence
        dur = finding_iri(f.id, "persistence")
        yield node, PG.persistence, dur
        yield dur, RDF.type, PG.DurationOfEffect
        yield dur, PG.minimum, _lit(Decimal(str(p.minimum)).normalize(), XSD.decimal)
        yield dur, PG.maximum, _lit(Decimal(str(p.maximum)).normalize(), XSD.decimal)
        yield dur, TIME.unitType, TIME_UNITS[p.unit]
        yield dur, PG.measuredFrom, concept_iri(p.measured_from)
        yield (
            dur,
            RDFS.label,
            _lit(
                f"{_num(p.minimum)}–{_num(p.maximum)} {p.unit}s after the "
                f"{p.measured_from.replace('-', ' ')}"
            ),
        )
    for n, comp in enumerate(f.comparisons, 1):
        cnode = finding_iri(f.id, f"comparison-{n}")
        yield node, PG.comparison, cnode
        yield cnode, RDF.type, PG.Comparison
        yield cnode, PG.favours, concept_iri(comp.favours)
        for other in comp.over:
            yield cnode, PG.comparator, concept_iri(other)
        for outcome in comp.outcomes or f.outcomes:
            yield cnode, PG.comparedOn, concept_iri(outcome)
        yield cnode, RDFS.label, _lit(f"{comp.favours} better than {' or '.join(comp.over)}")
    yield from quote_triples(source, f)


STATEMENT_CLASSES = {
    "finding": PG.Finding,
    "definition": PG.Definition,  # not evidence: defines a term
    "background": PG.BackgroundStatement,  # not evidence: frames the topic
}


def horizon_triples(f: Finding) -> Iterator[Triple]:
    """ "Still reported up to L-U units": a follow-up horizon, deliberately without pg:minimum."""
    p = f.persistence
    assert p is not None
    node, hor = finding_iri(f.id), finding_iri(f.id, "horizon")
    yield node, PG.followUpHorizon, hor
    yield hor, RDF.type, PG.FollowUpHorizon
    yield hor, PG.horizonLowerBound, _lit(Decimal(str(p.minimum)).normalize(), XSD.decimal)
    yield hor, PG.horizonUpperBound, _lit(Decimal(str(p.maximum)).normalize(), XSD.decimal)
    yield hor, TIME.unitType, TIME_UNITS[p.unit]
    yield hor, PG.measuredFrom, concept_iri(p.measured_from)
    yield hor, RDFS.label, _lit(horizon_label(p))


def horizon_label(p: Persistence) -> str:
    span = _num(p.minimum) if p.minimum == p.maximum else f"{_num(p.minimum)}–{_num(p.maximum)}"
    return (
        f"effects still reported up to {span} {p.unit}s after the "
        f"{p.measured_from.replace('-', ' ')} (a follow-up horizon, not a minimum duration)"
    )


def statement_triples(ds: Dataset, f: Finding) -> Iterator[Triple]:
    """What the sentence's own words add: certainty and its cue, moderators, and the source's
    own classification of outcomes. Kept apart from ``finding_triples`` so it ports easily."""
    source = ds.sources[f.source]
    node = finding_iri(f.id)
    for prop, cue_prop, cue, name in (
        (PG.certainty, PG.certaintyCue, f.certainty, "certainty"),
        (PG.mechanismCertainty, PG.certaintyCue, f.mechanism_certainty, "mechanism-certainty"),
    ):
        if cue is None:
            continue
        yield node, prop, concept_iri(cue.level)
        if cue.text is not None:
            ann = finding_iri(f.id, f"{name}-cue")
            yield node, cue_prop, ann
            yield from cue_triples(source, f, ann, cue, concept_iri(cue.level))
    for n, m in enumerate(f.moderators, 1):
        mnode = finding_iri(f.id, f"moderation-{n}")
        yield node, PG.moderation, mnode
        yield mnode, RDF.type, PG.Moderation
        yield mnode, PG.moderatorKind, concept_iri(m.kind)
        yield mnode, PG.moderationEffect, concept_iri(m.effect)
        if m.moderator:
            yield mnode, PG.moderator, concept_iri(m.moderator)
        for other in m.relative_to:
            yield mnode, PG.relativeTo, concept_iri(other)
        for outcome in m.outcomes:
            yield mnode, PG.moderatesOutcome, concept_iri(outcome)
        who = (m.moderator or m.kind).replace("-", " ")
        label = f"{who} {m.effect} peer support"
        if m.relative_to:
            label += " relative to " + " or ".join(m.relative_to)
        if m.outcomes:
            label += " on " + ", ".join(o.replace("-", " ") for o in m.outcomes)
        yield mnode, RDFS.label, _lit(label)
        yield mnode, PROV.wasDerivedFrom, finding_iri(f.id, "quote")
    for n, c in enumerate(f.essay_classifications, 1):
        cnode = finding_iri(f.id, f"essay-classification-{n}")
        yield node, PG.essayClassification, cnode
        yield cnode, RDF.type, PG.EssayClassification
        yield cnode, PG.classifiedConcept, concept_iri(c.concept)
        yield cnode, PG.classifiedUnder, concept_iri(c.group)
        yield cnode, PROV.wasAttributedTo, source_iri(f.source)
        yield (
            cnode,
            RDFS.label,
            _lit(f"the source files {c.concept} under {c.group.replace('-', ' ')}"),
        )
        if c.cue is not None and c.cue.text is not None:
            ann = finding_iri(f.id, f"essay-classification-{n}-cue")  # body: the classification
            yield from cue_triples(source, f, ann, c.cue, cnode)


def cue_triples(source: Source, f: Finding, ann: URIRef, cue: Cue, body: Node) -> Iterator[Triple]:
    """A Web Annotation (oa:classifying) selecting the cue words in the source by quote and
    offsets; the body is what the cue sets (a certainty level, a classification)."""
    target, quote, position = (URIRef(f"{ann}-{part}") for part in ("target", "quote", "position"))
    yield ann, RDF.type, OA.Annotation
    yield ann, OA.motivatedBy, OA.classifying
    yield ann, OA.hasBody, body
    yield ann, OA.hasTarget, target
    yield from _selector_triples(
        source, f.source, (target, quote, position), cue.text, cue.start, cue.end
    )


def _selector_triples(
    source: Source,
    source_id: str,
    nodes: tuple[URIRef, URIRef, URIRef],
    exact: str,
    start: int,
    end: int,
) -> Iterator[Triple]:
    """An annotation's target: the source text selected both by quote (with context) and by
    character offsets, so a reader can find the words even if one selector breaks."""
    target, quote, position = nodes
    text = source.text
    yield target, RDF.type, OA.SpecificResource
    yield target, OA.hasSource, source_iri(source_id)
    yield target, OA.hasSelector, quote
    yield target, OA.hasSelector, position
    yield quote, RDF.type, OA.TextQuoteSelector
    yield quote, OA.exact, _lit(exact)
    yield quote, OA.prefix, _lit(text[max(0, start - CONTEXT_CHARS) : start])
    yield quote, OA.suffix, _lit(text[end : end + CONTEXT_CHARS])
    yield position, RDF.type, OA.TextPositionSelector
    yield position, OA.start, _lit(start, XSD.nonNegativeInteger)
    yield position, OA.end, _lit(end, XSD.nonNegativeInteger)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def quote_triples(source: Source, f: Finding) -> Iterator[Triple]:
    """Web Annotation anchoring the finding to its exact sentence in the source."""
    node = finding_iri(f.id)
    ann, target = finding_iri(f.id, "annotation"), finding_iri(f.id, "target")
    quote, position = finding_iri(f.id, "quote"), finding_iri(f.id, "position")
    yield ann, RDF.type, OA.Annotation
    yield ann, OA.motivatedBy, OA.describing
    yield ann, OA.hasBody, node
    yield ann, OA.hasTarget, target
    yield from _selector_triples(
        source, f.source, (target, quote, position), f.quote, f.start, f.end
    )


def data_triples(ds: Dataset) -> Iterator[Triple]:
    """Every data triple of the dataset (no ontology), in record order; repeats are possible
    (a journal per paper), ``rows`` callers de-duplicate."""
    for source in ds.sources.values():
        yield from source_triples(source)
    seen: set[URIRef] = set()
    for source, ref in ds.papers():
        paper = paper_node(ref)
        if paper not in seen:
            seen.add(paper)
            yield from paper_triples(source, ref)
    for f in ds.findings:
        yield from finding_triples(ds, f)
    for ref in ds.library:  # data/papers.yaml (peergraph import-bib); a cited paper wins
        if paper_node(ref) not in seen:
            seen.add(paper_node(ref))
            yield from paper_triples(None, ref)
    for f in ds.findings:
        yield from statement_triples(ds, f)
    yield from audit_triples(ds)


def rows(triples: Iterable[tuple[Any, Any, Any]]) -> Iterator[Row]:
    """Triples (``Lit`` or rdflib terms) → the writers' rows, as plain strings."""
    type_iri = _TYPE
    uriref = URIRef
    for s, p, o in triples:
        p = str(p)
        kind = type(o)
        if kind is Lit:
            yield (0, str(s), p != type_iri, p, 2, o[0], o[1], o[2])
            continue
        if kind is uriref and type(s) is uriref:  # the usual case: no isinstance on rdflib's ABCs
            yield (0, str(s), p != type_iri, p, 0, str(o), "", "")
            continue
        sk = 1 if isinstance(s, BNode) else 0
        if isinstance(o, Literal):
            dt = str(o.datatype or "")
            yield (sk, str(s), p != type_iri, p, 2, str(o), dt, o.language or "")
        else:
            yield (sk, str(s), p != type_iri, p, 1 if isinstance(o, BNode) else 0, str(o), "", "")


def data_rows(ds: Dataset) -> Iterator[Row]:
    """``data_triples(ds)`` as rows (not yet sorted or de-duplicated)."""
    return rows(data_triples(ds))


def sorted_rows(unsorted: Iterable[Row]) -> list[Row]:
    """De-duplicated and sorted: the order every export is written in."""
    return sorted(set(unsorted))


def write_block(fh: Any, items: list[Any]) -> None:
    """A list of plain values (tuples of str, int, bool) to a spill file: length, then marshal.

    Read back with ``read_blocks``: ``marshal.loads`` of whole blocks, since ``marshal.load`` on a
    file object reads in tiny pieces (it took most of the merge's time).
    """
    import marshal

    data = marshal.dumps(items)
    fh.write(len(data).to_bytes(8, "little"))
    fh.write(data)


def read_blocks(fh: Any) -> Iterator[list[Any]]:
    """The blocks ``write_block`` wrote to ``fh``, in order."""
    import marshal

    while head := fh.read(8):
        yield marshal.loads(fh.read(int.from_bytes(head, "little")))


CHUNK_ROWS = 250_000  # rows sorted in memory at a time (about 0.1 GiB)


class SortedRows:
    """Rows de-duplicated and sorted as ``sorted_rows`` orders them, in bounded memory.

    An external merge sort: ``chunk`` rows at a time are de-duplicated, sorted and spilled to a
    ``marshal`` file in ``folder``; iterating merges the runs (``heapq.merge``) and drops repeats
    across runs. Memory stays at about one chunk (``CHUNK_ROWS``) whatever the size of the
    graph, where a list of 4.9M rows plus its set took several GiB. Input that fits in one chunk
    stays in memory (no files: the essay). Iterable any number of times, even from a forked
    worker process; ``count`` (distinct rows) is known after the first full iteration.
    """

    BLOCK = 20_000  # rows per marshal record in a run file

    def __init__(self, rows: Iterable[Row], folder: Path, *, chunk: int | None = None):
        chunk = chunk or CHUNK_ROWS
        self.folder = Path(folder)
        self.runs: list[Path] = []
        self.memory: list[Row] | None = None
        self.count: int | None = None
        self.spilled = 0  # rows read, before de-duplication
        buffer: set[Row] = set()
        add = buffer.add
        for row in rows:
            add(row)
            if len(buffer) >= chunk:
                self.spilled += len(buffer)
                self._spill(sorted(buffer))
                buffer.clear()
        self.spilled += len(buffer)
        if self.runs:
            if buffer:
                self._spill(sorted(buffer))
        else:
            self.memory = sorted(buffer)
            self.count = len(self.memory)

    def _spill(self, run: list[Row]) -> None:

        path = self.folder / f"rows-{len(self.runs):04d}.marshal"
        with open(path, "wb") as fh:
            for start in range(0, len(run), self.BLOCK):
                write_block(fh, run[start : start + self.BLOCK])
        self.runs.append(path)

    def _read(self, path: Path) -> Iterator[Row]:
        with open(path, "rb") as fh:
            for block in read_blocks(fh):
                yield from block

    @property
    def large(self) -> bool:
        """Spilled to disk: worth a worker process per export format."""
        return self.memory is None

    def __iter__(self) -> Iterator[Row]:
        if self.memory is not None:
            return iter(self.memory)
        return self._merged()

    def _merged(self) -> Iterator[Row]:
        import heapq

        previous = None
        n = 0
        for row in heapq.merge(*(self._read(p) for p in self.runs)):
            if row != previous:
                n += 1
                yield row
                previous = row
        self.count = n


def rdflib_triples(rows_: Iterable[Row]) -> Iterator[tuple[Node, Node, Node]]:
    """Rows → rdflib triples (for code that wants an ``rdflib.Graph``)."""
    iris: dict[str, URIRef] = {}

    def term(kind: int, value: str, dt: str = "", lang: str = "") -> Node:
        if kind == 0:
            hit = iris.get(value)
            if hit is None:
                hit = iris[value] = mint(value)
            return hit
        if kind == 1:
            return BNode(value)
        return Literal(value, datatype=term(0, dt) if dt else None, lang=lang or None)

    for sk, s, _, p, ok, o, dt, lang in rows_:
        yield term(sk, s), term(0, p), term(ok, o, dt, lang)


def build_graph(ds: Dataset | str | Path | None = None, *, include_ontology: bool = True) -> Graph:
    """The knowledge graph as an ``rdflib.Graph``: ontology + vocabularies + data.

    ``ds`` is a loaded ``Dataset`` or a data folder (default: the bundled data). Made from
    ``data_triples``, the mapping every export is written from.
    """
    dataset = ds if isinstance(ds, Dataset) else load(ds)
    g = ontology_graph() if include_ontology else new_graph()
    add = g.add
    for triple in rdflib_triples(data_rows(dataset)):
        add(triple)
    return g


__all__ = [
    "Lit",
    "Row",
    "SortedRows",
    "build_graph",
    "data_rows",
    "data_triples",
    "ontology_graph",
    "new_graph",
    "rows",
    "sorted_rows",
]


# --- the reference and claim audit (data/reference-audit.yaml) -------------------------------


def record_iri(record_id: str) -> URIRef:
    return data_iri(f"record/{record_id}")


def audit_triples(ds: Dataset) -> Iterator[Triple]:
    """The audit as RDF: statuses, in-text citations, records, effects, claims, support levels.

    Entries for references or findings the dataset does not hold are skipped here (a data copy
    may drop findings); ``peergraph audit`` reports them.
    """
    audit = read_audit(ds.data_dir)
    used_records: set[str] = set()
    seen_papers: set = set()
    status_of: dict = {}
    # papers: status, resolution, audit node
    for source, ref in ds.papers():
        paper = paper_node(ref)
        status = audit.status(source.id, ref.key)
        if paper in seen_papers:
            if status_of[paper] != status and status != UNCHECKED:
                raise DataError(
                    [
                        Problem(
                            str(audit.path or AUDIT_FILE),
                            f"paper {paper} is audited twice with different statuses",
                            f"reference {ref.key}",
                            "status",
                            "give the same status in every source that cites it",
                        )
                    ]
                )
            continue
        seen_papers.add(paper)
        status_of[paper] = status
        yield paper, PG.referenceStatus, concept_iri(status)
        check = audit.references.get((source.id, ref.key))
        if check is None:
            continue
        node = data_iri(f"reference-audit/{source.id}/{ref.key}")
        yield node, RDF.type, PG.ReferenceAudit
        yield node, RDFS.label, _lit(f"Reference audit of {ref.key}: {status}")
        yield node, PG.auditOf, paper
        for d in check.differs:
            yield node, PG.discrepancy, _lit(d)
        if check.note:
            yield node, SKOS.editorialNote, _lit(check.note)
        for iri in check.sources:
            yield from _source_entity(node, iri)
        authors_right = status != UNCHECKED and "authors" not in check.differs
        for rid in check.resolves_to:
            used_records.add(rid)
            yield paper, PG.resolvesTo, record_iri(rid)
            if authors_right and rid in audit.records:
                yield from same_person_triples(ref, rid, audit.records[rid].authors)
        for rid in check.related:
            used_records.add(rid)
            yield paper, PG.relatedRecord, record_iri(rid)
    # findings: in-text citations, claim audit, support level
    for f in ds.findings:
        node = finding_iri(f.id)
        references = ds.sources[f.source].references
        for n, cit in enumerate(f.in_text, 1):  # resolved by validation
            if cit.key not in f.cites:
                continue
            ref = references[cit.key]
            cnode = finding_iri(f.id, f"citation-{n}")
            pos = finding_iri(f.id, f"citation-{n}-position")
            yield cnode, RDF.type, CITO.Citation
            yield cnode, RDF.type, PG.InTextCitation
            yield cnode, RDFS.label, _lit(cit.printed)
            yield cnode, PG.printedText, _lit(cit.printed)
            yield cnode, CITO.hasCitingEntity, node
            yield cnode, CITO.hasCitedEntity, paper_node(ref)
            yield cnode, PG.textPosition, pos
            yield pos, RDF.type, OA.TextPositionSelector
            yield pos, OA.start, _lit(cit.start, XSD.nonNegativeInteger)
            yield pos, OA.end, _lit(cit.end, XSD.nonNegativeInteger)
        claim = audit.claims.get(f.id)
        if claim:
            anode = finding_iri(f.id, "claim-audit")
            yield node, PG.claimAudit, anode
            yield anode, RDF.type, PG.ClaimAudit
            yield anode, RDFS.label, _lit(f"Claim audit of {f.id}: {claim.verdict}")
            yield anode, PG.claimVerdict, concept_iri(claim.verdict)
            if claim.note:
                yield anode, SKOS.editorialNote, _lit(claim.note)
            for rid in claim.checked_against:
                used_records.add(rid)
                yield anode, PG.checkedAgainst, record_iri(rid)
            for rid in claim.reported_in:
                used_records.add(rid)
                yield anode, PG.reportedIn, record_iri(rid)
                yield anode, PROV.wasDerivedFrom, record_iri(rid)
            for rid in claim.candidates:
                used_records.add(rid)
                yield anode, PG.candidateRecord, record_iri(rid)
        if f.kind == "finding":  # definitions and background statements are not evidence
            yield node, PG.supportLevel, concept_iri(finding_support_level(f, audit))
    # real records, only those the graph links to
    for rid in sorted(used_records):
        r = audit.records[rid]
        rnode = record_iri(rid)
        yield rnode, RDF.type, PG.PublishedRecord
        yield rnode, RDFS.label, _lit(f"{r.short()}: {r.title} (published record)")
        yield rnode, DCTERMS.bibliographicCitation, _lit(citation_text(r))
        first, _, last = (r.pages or "").partition("-")
        yield from work_triples(
            rnode, r.title, r.year, r.doi, r.volume, r.issue,
            first.strip(), last.strip(), r.journal,
        )  # fmt: skip
        if r.pmid:
            yield rnode, FABIO.hasPubMedId, _lit(r.pmid)
        if r.note:
            yield rnode, SKOS.editorialNote, _lit(r.note)
        if r.authors:
            yield rnode, PG.authorList, _lit("; ".join(r.authors))
        if not r.authors_complete:  # the audit saw "et al.": these are not all the authors
            yield rnode, PG.authorListComplete, _lit(False)
        for author in r.authors:
            family, _, given = (p.strip() for p in author.partition(","))
            yield rnode, DCTERMS.creator, person_iri(family, given, f"record-{rid}")
            yield from person_triples(family, given, f"record-{rid}")
        for iri in r.sources:
            yield from _source_entity(rnode, iri)
        for eff in r.effects:
            yield from _effect_triples(r, eff)
        for sub in r.subgroups:
            yield from subgroup_triples(r, sub)


def _source_entity(node: URIRef, iri: str) -> Iterator[Triple]:
    yield node, PROV.wasDerivedFrom, URIRef(iri)
    yield URIRef(iri), RDF.type, PROV.Entity


def _effect_triples(r: Record, eff: Effect) -> Iterator[Triple]:
    node = data_iri(f"record/{r.id}-effect-{eff.id}")
    yield record_iri(r.id), PG.reportsEffect, node
    yield node, RDF.type, OBO["STATO_0000085"]
    yield node, RDF.type, OBO[MEASURES[eff.measure]]
    yield node, RDFS.label, _lit(effect_text(r, eff))
    yield node, PG.estimate, _lit(eff.value, XSD.decimal)
    if eff.outcome:
        yield node, PG.measuresOutcome, concept_iri(eff.outcome)
    if eff.significant is not None:
        yield node, PG.statisticallySignificant, _lit(eff.significant)
    if eff.timepoint:
        yield node, PG.timePoint, concept_iri(eff.timepoint)
    for iri in r.sources:
        yield node, PROV.wasDerivedFrom, URIRef(iri)
    if eff.ci:
        ci = data_iri(f"record/{r.id}-effect-{eff.id}-ci")
        yield node, PG.confidenceInterval, ci
        yield ci, RDF.type, OBO["STATO_0000231"]
        yield (
            ci,
            RDFS.label,
            _lit(f"95% CI {format_number(eff.ci[0])} to {format_number(eff.ci[1])}"),
        )
        yield ci, PG.lowerBound, _lit(eff.ci[0], XSD.decimal)
        yield ci, PG.upperBound, _lit(eff.ci[1], XSD.decimal)
    if eff.i2 is not None:
        i2 = data_iri(f"record/{r.id}-effect-{eff.id}-i2")
        yield node, PG.heterogeneity, i2
        yield i2, RDF.type, OBO["STATO_0000420"]
        yield i2, RDFS.label, _lit(f"I² = {format(eff.i2, 'f')}%")
        yield i2, PG.estimate, _lit(eff.i2, XSD.decimal)


def subgroup_triples(r: Record, sub: Subgroup) -> Iterator[Triple]:
    """A subgroup result in the record's words (the audit read no number for it)."""
    node = data_iri(f"record/{r.id}-subgroup-{sub.id}")
    yield record_iri(r.id), PG.subgroupResult, node
    yield node, RDF.type, PG.SubgroupResult
    yield node, PG.subgroupSetting, concept_iri(sub.setting)
    if sub.outcome:
        yield node, PG.subgroupOutcome, concept_iri(sub.outcome)
    yield node, PG.reportedAs, _lit(sub.reported_as)
    if sub.significant is not None:
        yield node, PG.statisticallySignificant, _lit(sub.significant)
    what = (sub.outcome or "outcome not named").replace("-", " ")
    yield (
        node,
        RDFS.label,
        _lit(f"{r.short()}: {sub.setting} subgroup, {what}: {sub.reported_as}"),
    )
    for iri in r.sources:
        yield node, PROV.wasDerivedFrom, URIRef(iri)
