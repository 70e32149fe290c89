"""The controlled vocabularies (SKOS concepts in ``ontology/vocabulary.ttl``) as plain Python.

Loaded once per process with pyoxigraph (fast to import and parse) so that validation, the
extractor and the renderer can look up ids, labels and synonyms without building a graph.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from peergraph.iris import PG_NS as _PG
from peergraph.iris import PGV_NS as _PGV
from peergraph.paths import ontology_dir

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class Concept:
    id: str
    iri: str
    classes: set[str] = field(default_factory=set)  # local names of pg: classes
    label: str = ""
    alt_labels: list[str] = field(default_factory=list)
    definition: str = ""
    broader: list[str] = field(default_factory=list)  # ids of skos:broader / pg:recoveryGroup
    recovery_groups: list[str] = field(default_factory=list)
    chime_domains: list[str] = field(default_factory=list)
    hospital_based: bool | None = None


@dataclass
class Vocabulary:
    concepts: dict[str, Concept]
    _by_class: dict[str, dict[str, Concept]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def of_class(self, cls: str) -> dict[str, Concept]:
        """Concepts that are individuals of the pg class ``cls`` (e.g. ``"Outcome"``).

        Cached: validation asks this for every field of every record. Treat it as read-only.
        """
        found = self._by_class.get(cls)
        if found is None:
            found = {cid: c for cid, c in self.concepts.items() if cls in c.classes}
            self._by_class[cls] = found
        return found

    def suggest(self, value: str, cls: str) -> str | None:
        """The closest known id of class ``cls`` to a misspelt ``value``, by id or label."""
        candidates = self.of_class(cls)
        names: dict[str, str] = {}
        for cid, concept in candidates.items():
            names[cid] = cid
            for text in [concept.label, *concept.alt_labels]:
                names.setdefault(text.lower(), cid)
        match = difflib.get_close_matches(value.lower(), list(names), n=1, cutoff=0.6)
        return names[match[0]] if match else None


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read the vocabulary Turtle file; cached per path."""
    return _load_vocabulary((path or ontology_dir() / "vocabulary.ttl").resolve())


@lru_cache(maxsize=4)
def _load_vocabulary(path: Path) -> Vocabulary:
    import pyoxigraph as ox

    concepts: dict[str, Concept] = {}

    def concept(iri: str) -> Concept:
        cid = iri[len(_PGV) :]
        if cid not in concepts:
            concepts[cid] = Concept(id=cid, iri=iri)
        return concepts[cid]

    with path.open("rb") as fh:
        triples = list(ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=_PGV))
    for t in triples:
        s = t.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(_PGV):
            continue
        p, o = t.predicate.value, t.object
        c = concept(s.value)
        if p == _RDF_TYPE and isinstance(o, ox.NamedNode) and o.value.startswith(_PG):
            c.classes.add(o.value[len(_PG) :])
        elif p in (_SKOS + "prefLabel",) and isinstance(o, ox.Literal):
            c.label = o.value
        elif p == _RDFS_LABEL and isinstance(o, ox.Literal) and not c.label:
            c.label = o.value
        elif p == _SKOS + "altLabel" and isinstance(o, ox.Literal):
            c.alt_labels.append(o.value)
        elif p == _SKOS + "definition" and isinstance(o, ox.Literal):
            c.definition = o.value
        elif p == _SKOS + "broader" and isinstance(o, ox.NamedNode) and o.value.startswith(_PGV):
            c.broader.append(o.value[len(_PGV) :])
        elif p == _PG + "recoveryGroup" and isinstance(o, ox.NamedNode):
            c.recovery_groups.append(o.value[len(_PGV) :])
        elif p == _PG + "chimeDomain" and isinstance(o, ox.NamedNode):
            c.chime_domains.append(o.value[len(_PGV) :])
        elif p == _PG + "hospitalBased" and isinstance(o, ox.Literal):
            c.hospital_based = o.value == "true"
    for c in concepts.values():
        c.alt_labels.sort()
        c.broader.sort()
        c.recovery_groups.sort()
        c.chime_domains.sort()
    return Vocabulary({cid: concepts[cid] for cid in sorted(concepts)})
