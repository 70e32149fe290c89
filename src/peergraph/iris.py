"""IRIs: every namespace and prefix of the project, the vocabularies it reuses, and IRI minting.

The one place that spells a peergraph IRI (a test greps ``src/`` for the base elsewhere). Each
namespace exists twice: as a plain string (``PG_NS``: for SPARQL, HTML and code that does not load
rdflib) and as an rdflib namespace (``PG``). ``PG`` is closed: ``PG.suportedBy`` raises instead of
silently minting a new IRI. Data IRIs are minted here and only here, from stable record ids
(never from labels), so no blank nodes need canonicalising in the data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:  # pragma: no cover
    from rdflib.term import URIRef

BASE = "https://w3id.org/peergraph/"
ONTOLOGY_NS = BASE + "ontology"  # the ontology's own IRI (no slash)
PG_NS = BASE + "ontology/"
PGV_NS = BASE + "vocab/"
PGD_NS = BASE + "data/"
FINDING_NS = PGD_NS + "finding/"
SOURCE_NS = PGD_NS + "source/"
PERSON_NS = PGD_NS + "person/"
JOURNAL_NS = PGD_NS + "journal/"
AUTHORSHIP_NS = PGD_NS + "authorship/"
INFERRED_GRAPH = PGD_NS + "inferred"  # provenance node of ``peergraph-inferred.ttl``

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS_NS = "http://purl.org/dc/terms/"
PROV_NS = "http://www.w3.org/ns/prov#"
FOAF_NS = "http://xmlns.com/foaf/0.1/"
FABIO_NS = "http://purl.org/spar/fabio/"
PRISM_NS = "http://prismstandard.org/namespaces/basic/2.0/"
CITO_NS = "http://purl.org/spar/cito/"
OA_NS = "http://www.w3.org/ns/oa#"
OBO_NS = "http://purl.obolibrary.org/obo/"
PICO_NS = "http://data.cochrane.org/ontologies/pico/"
TIME_NS = "http://www.w3.org/2006/time#"
SH_NS = "http://www.w3.org/ns/shacl#"

# Prefixes written into every export and declared for every SPARQL query, in this order.
PREFIXES: dict[str, str] = {
    "pg": PG_NS,
    "pgv": PGV_NS,
    "pgd": PGD_NS,
    "finding": FINDING_NS,
    "source": SOURCE_NS,
    "person": PERSON_NS,
    "journal": JOURNAL_NS,
    "authorship": AUTHORSHIP_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "owl": OWL_NS,
    "xsd": XSD_NS,
    "skos": SKOS_NS,
    "dcterms": DCTERMS_NS,
    "prov": PROV_NS,
    "foaf": FOAF_NS,
    "fabio": FABIO_NS,
    "prism": PRISM_NS,
    "cito": CITO_NS,
    "oa": OA_NS,
    "obo": OBO_NS,
    "pico": PICO_NS,
    "time": TIME_NS,
}


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """``PREFIX`` lines for a SPARQL query (default: every prefix above)."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or PREFIXES).items())


_URIREF: Any = None  # rdflib's URIRef class, imported on the first IRI minted


def _uriref() -> Any:
    """rdflib's ``URIRef``, imported on first use: commands that only need the strings above
    (``peergraph query --list``, ``--help``) start without loading rdflib."""
    global _URIREF
    if _URIREF is None:
        from rdflib.term import URIRef

        _URIREF = URIRef
    return _URIREF


def mint(iri: str) -> URIRef:
    """An ``rdflib.URIRef`` without rdflib's per-call validity check.

    Only for IRIs assembled here from a namespace and a validated record id or slug: the mapping
    mints several per finding, and the check costs more than the rest of the triple.
    """
    return str.__new__(_URIREF or _uriref(), iri)


def version_iri(version: str) -> URIRef:
    return _uriref()(f"{BASE}ontology/releases/{version}")


class _PGTerms:
    """peergraph ontology terms (``ontology/peergraph.ttl``): the names ``PG`` allows."""

    # classes
    SourceDocument: URIRef
    Paper: URIRef
    Finding: URIRef
    Intervention: URIRef
    Setting: URIRef
    Outcome: URIRef
    Population: URIRef
    Mechanism: URIRef
    OrganisationalFactor: URIRef
    StudyDesign: URIRef
    ChimeDomain: URIRef
    EffectDirection: URIRef
    Magnitude: URIRef
    DurationOfEffect: URIRef
    Comparison: URIRef
    TimeReference: URIRef
    Authorship: URIRef
    # defined classes
    ClinicalOutcome: URIRef
    PersonalRecoveryOutcome: URIRef
    SubstanceUseJusticeOutcome: URIRef
    OrganisationalOutcome: URIRef
    ClinicalRecoveryFinding: URIRef
    PersonalRecoveryFinding: URIRef
    StructuredSetting: URIRef
    UncitedFinding: URIRef
    MetaAnalyticFinding: URIRef
    OrganisationalFinding: URIRef
    # finding -> vocabulary
    intervention: URIRef
    setting: URIRef
    outcome: URIRef
    population: URIRef
    mechanism: URIRef
    organisationalFactor: URIRef
    direction: URIRef
    magnitude: URIRef
    persistence: URIRef
    comparison: URIRef
    assertedIn: URIRef
    draft: URIRef
    # durations and comparisons
    minimum: URIRef
    maximum: URIRef
    measuredFrom: URIRef
    favours: URIRef
    comparator: URIRef
    comparedOn: URIRef
    # vocabulary structure
    recoveryGroup: URIRef
    chimeDomain: URIRef
    hospitalBased: URIRef
    # papers
    studyDesign: URIRef
    citationKey: URIRef
    articleNumber: URIRef
    authorship: URIRef
    author: URIRef
    position: URIRef
    citedIn: URIRef
    # evidence integrity (issue 9, ontology/integrity.ttl)
    InTextCitation: URIRef
    ReferenceAudit: URIRef
    PublishedRecord: URIRef
    ClaimAudit: URIRef
    ReferenceStatus: URIRef
    ClaimVerdict: URIRef
    SupportLevel: URIRef
    textPosition: URIRef
    referenceStatus: URIRef
    resolvesTo: URIRef
    relatedRecord: URIRef
    auditOf: URIRef
    claimAudit: URIRef
    claimVerdict: URIRef
    checkedAgainst: URIRef
    reportedIn: URIRef
    supportLevel: URIRef
    reportsEffect: URIRef
    measuresOutcome: URIRef
    confidenceInterval: URIRef
    heterogeneity: URIRef
    printedText: URIRef
    discrepancy: URIRef
    authorList: URIRef
    estimate: URIRef
    lowerBound: URIRef
    upperBound: URIRef
    statisticallySignificant: URIRef
    # saying what the source says (issue 13, ontology/statements.ttl)
    Definition: URIRef
    BackgroundStatement: URIRef
    SourceStatement: URIRef
    CertaintyLevel: URIRef
    Moderation: URIRef
    ModerationEffect: URIRef
    ModeratorKind: URIRef
    FollowUpHorizon: URIRef
    EssayClassification: URIRef
    SubgroupResult: URIRef
    certainty: URIRef
    certaintyCue: URIRef
    mechanismCertainty: URIRef
    moderation: URIRef
    moderator: URIRef
    moderatorKind: URIRef
    moderationEffect: URIRef
    relativeTo: URIRef
    moderatesOutcome: URIRef
    followUpHorizon: URIRef
    horizonLowerBound: URIRef
    horizonUpperBound: URIRef
    essayClassification: URIRef
    classifiedConcept: URIRef
    classifiedUnder: URIRef
    candidateRecord: URIRef
    subgroupResult: URIRef
    subgroupSetting: URIRef
    subgroupOutcome: URIRef
    reportedAs: URIRef
    timePoint: URIRef
    authorListComplete: URIRef


class ClosedNamespace(str):
    """A namespace of known terms, each an ``rdflib.URIRef`` made once.

    Same contract as rdflib's ``DefinedNamespace`` (an unknown name raises ``AttributeError``,
    ``ns["x"]`` a ``KeyError``), but a lookup is a plain attribute read: the mapping touches a
    term for each of millions of triples.
    """

    def __new__(cls, base: str, names: object) -> ClosedNamespace:
        ns = super().__new__(cls, base)
        ns.__dict__.update({name: _uriref()(base + name) for name in names})  # type: ignore[attr-defined]
        return ns

    def __getitem__(self, name: str) -> URIRef:  # type: ignore[override]
        try:
            return self.__dict__[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a term of <{self}>") from None

    def __getattr__(self, name: str) -> URIRef:
        raise AttributeError(f"{name!r} is not a term of <{self}>")


_SLUG_RE = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """Lower-case ASCII slug for IRIs minted from names (journals, persons).

    Any script is transliterated (``anyascii``: "Иванов" → "ivanov", "王小明" → "wangxiaoming"),
    so a non-Latin name never collapses to the placeholder ``x``.
    """
    from anyascii import anyascii

    return _SLUG_RE.sub("-", anyascii(text).lower()).strip("-") or "x"


def person_name(family: str, given: str) -> str:
    """A name as printed, "Family, Given" (or the family / corporate name alone)."""
    return f"{family}, {given}".strip(", ") if given else family


def person_iri(family: str, given: str, work: str, orcid: str | None = None) -> URIRef:
    """One person per work as printed: ``person:{work}-{transliterated name}-{hash}``.

    The scope ``work`` (a citation key or record id) keeps a misprinted author list from merging
    its people with the real ones of another work; an ``owl:sameAs`` link is added only where
    the audit establishes identity. The six hex digits hash the exact (NFC) name, so names that
    transliterate alike ("王伟" / "汪伟", "Muller" / "Müller") stay apart. An ORCID, where
    given, identifies the person across works.
    """
    import hashlib
    import unicodedata

    if orcid:
        return mint(PERSON_NS + "orcid-" + orcid.strip().rsplit("/", 1)[-1].upper())
    exact = unicodedata.normalize("NFC", person_name(family, given))
    digest = hashlib.sha1(exact.encode("utf-8")).hexdigest()[:6]
    return mint(f"{PERSON_NS}{slug(work)}-{slug(person_name(family, given))}-{digest}")


def paper_iri(doi: str) -> URIRef:
    """A Paper's IRI is its DOI IRI; DOIs are case-insensitive, so the IRI uses lower case."""
    return _uriref()("https://doi.org/" + quote(doi.strip().lower(), safe="/:;()._-<>[]"))


def concept_iri(concept_id: str) -> URIRef:
    return mint(PGV_NS + concept_id)


def finding_iri(finding_id: str, part: str | None = None) -> URIRef:
    return mint(FINDING_NS + (finding_id if part is None else f"{finding_id}-{part}"))


def source_iri(source_id: str) -> URIRef:
    return mint(SOURCE_NS + source_id)


def journal_iri(title: str) -> URIRef:
    return mint(JOURNAL_NS + slug(title))


def authorship_iri(citation_key: str, position: int) -> URIRef:
    return mint(f"{AUTHORSHIP_NS}{citation_key}-{position}")


def data_iri(path: str) -> URIRef:
    """Other data nodes: ``paper/KEY``, ``record/ID``, ``reference-audit/SOURCE/KEY``, …"""
    return mint(PGD_NS + path)


_TERM_NAMES = frozenset(
    {
        "PG",
        "DCTERMS",
        "FOAF",
        "OWL",
        "PROV",
        "RDF",
        "RDFS",
        "SKOS",
        "XSD",
        "PGV",
        "PGD",
        "FINDING",
        "SOURCE",
        "PERSON",
        "JOURNAL",
        "AUTHORSHIP",
        "FABIO",
        "PRISM",
        "CITO",
        "OA",
        "OBO",
        "PICO",
        "TIME",
        "ECO_CITED",
        "ECO_UNCITED",
        "HAS_EVIDENCE_TYPE",
        "TIME_UNITS",
        "ONTOLOGY_IRI",
    }
)


def _terms() -> dict[str, Any]:
    """The rdflib namespaces and terms, made once on first use (see ``__getattr__``)."""
    from rdflib import Namespace
    from rdflib import namespace as _rdflib_ns

    ONTOLOGY_IRI = _uriref()(ONTOLOGY_NS)
    PG = ClosedNamespace(PG_NS, _PGTerms.__annotations__)

    # The standard vocabularies, with the terms rdflib declares, as fast closed namespaces.
    DCTERMS = ClosedNamespace(DCTERMS_NS, _rdflib_ns.DCTERMS.__annotations__)
    FOAF = ClosedNamespace(FOAF_NS, _rdflib_ns.FOAF.__annotations__)
    OWL = ClosedNamespace(OWL_NS, _rdflib_ns.OWL.__annotations__)
    PROV = ClosedNamespace(PROV_NS, _rdflib_ns.PROV.__annotations__)
    RDF = ClosedNamespace(RDF_NS, _rdflib_ns.RDF.__annotations__)
    RDFS = ClosedNamespace(RDFS_NS, _rdflib_ns.RDFS.__annotations__)
    SKOS = ClosedNamespace(SKOS_NS, _rdflib_ns.SKOS.__annotations__)
    XSD = ClosedNamespace(XSD_NS, _rdflib_ns.XSD.__annotations__)

    PGV = Namespace(PGV_NS)
    PGD = Namespace(PGD_NS)
    FINDING = Namespace(FINDING_NS)
    SOURCE = Namespace(SOURCE_NS)
    PERSON = Namespace(PERSON_NS)
    JOURNAL = Namespace(JOURNAL_NS)
    AUTHORSHIP = Namespace(AUTHORSHIP_NS)

    FABIO = Namespace(FABIO_NS)
    PRISM = Namespace(PRISM_NS)
    CITO = Namespace(CITO_NS)
    OA = Namespace(OA_NS)
    OBO = Namespace(OBO_NS)
    PICO = Namespace(PICO_NS)
    TIME = Namespace(TIME_NS)

    ECO_CITED = OBO["ECO_0000033"]  # author statement supported by traceable reference
    ECO_UNCITED = OBO["ECO_0000034"]  # author statement without traceable support
    HAS_EVIDENCE_TYPE = OBO["SEPIO_0000398"]

    TIME_UNITS = {
        "day": TIME["unitDay"],
        "week": TIME["unitWeek"],
        "month": TIME["unitMonth"],
        "year": TIME["unitYear"],
    }
    return {name: value for name, value in locals().items() if name in _TERM_NAMES}


def __getattr__(name: str) -> Any:
    """PEP 562: ``from peergraph.iris import PG`` builds the rdflib terms on first use."""
    if name in _TERM_NAMES:
        globals().update(_terms())
        return globals()[name]
    raise AttributeError(f"module 'peergraph.iris' has no attribute {name!r}")
