"""IRIs: the project's closed namespaces, the standard vocabularies it reuses, and IRI minting.

``PG`` is a closed namespace: ``PG.suportedBy`` raises instead of silently minting a new IRI.
Data IRIs are minted here and only here, from stable record ids (never from labels).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef

BASE = "https://w3id.org/peergraph/"
ONTOLOGY_IRI = URIRef(BASE + "ontology")


def version_iri(version: str) -> URIRef:
    return URIRef(f"{BASE}ontology/releases/{version}")


class PG(DefinedNamespace):
    """peergraph ontology terms (``ontology/peergraph.ttl``)."""

    _NS = Namespace(BASE + "ontology/")
    _fail = True

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


PGV = Namespace(BASE + "vocab/")
PGD = Namespace(BASE + "data/")
FINDING = Namespace(BASE + "data/finding/")
SOURCE = Namespace(BASE + "data/source/")
PERSON = Namespace(BASE + "data/person/")
JOURNAL = Namespace(BASE + "data/journal/")
AUTHORSHIP = Namespace(BASE + "data/authorship/")

FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
CITO = Namespace("http://purl.org/spar/cito/")
OA = Namespace("http://www.w3.org/ns/oa#")
OBO = Namespace("http://purl.obolibrary.org/obo/")
PICO = Namespace("http://data.cochrane.org/ontologies/pico/")
TIME = Namespace("http://www.w3.org/2006/time#")

ECO_CITED = OBO["ECO_0000033"]  # author statement supported by traceable reference
ECO_UNCITED = OBO["ECO_0000034"]  # author statement without traceable support
HAS_EVIDENCE_TYPE = OBO["SEPIO_0000398"]

# Prefixes written into every export, in this order.
PREFIXES: dict[str, str] = {
    "pg": str(PG),
    "pgv": str(PGV),
    "pgd": str(PGD),
    "finding": str(FINDING),
    "source": str(SOURCE),
    "person": str(PERSON),
    "journal": str(JOURNAL),
    "authorship": str(AUTHORSHIP),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "fabio": str(FABIO),
    "prism": str(PRISM),
    "cito": str(CITO),
    "oa": str(OA),
    "obo": str(OBO),
    "pico": str(PICO),
    "time": str(TIME),
}

TIME_UNITS = {
    "day": TIME["unitDay"],
    "week": TIME["unitWeek"],
    "month": TIME["unitMonth"],
    "year": TIME["unitYear"],
}

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII slug for IRIs minted from names (journals, persons)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_RE.sub("-", ascii_text.lower()).strip("-") or "x"


def paper_iri(doi: str) -> URIRef:
    """A Paper's IRI is its DOI IRI; DOIs are case-insensitive, so the IRI uses lower case."""
    return URIRef("https://doi.org/" + quote(doi.strip().lower(), safe="/:;()._-<>[]"))


def concept_iri(concept_id: str) -> URIRef:
    return PGV[concept_id]


def finding_iri(finding_id: str, part: str | None = None) -> URIRef:
    return FINDING[finding_id if part is None else f"{finding_id}-{part}"]


def source_iri(source_id: str) -> URIRef:
    return SOURCE[source_id]
