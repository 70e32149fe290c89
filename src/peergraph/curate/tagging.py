"""Candidate vocabulary terms and effect directions in a sentence, each with the span it matched.

The extractor drafts findings from new documents; a curator confirms them. Tagging is therefore
recall-first and transparent: every tag carries the exact text it matched, so a wrong tag is easy
to see and delete. Terms are found by the SKOS labels and synonyms of ``ontology/vocabulary.ttl``
(case-, plural- and hyphen-tolerant); directions by cue words, attached to the nearest outcome.
Pure standard library apart from the vocabulary loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from peergraph.ingest.vocabulary import Vocabulary, load_vocabulary

__all__ = [
    "FIELDS",
    "NEGATIVE_OUTCOMES",
    "Tag",
    "Tagging",
    "direction_cues",
    "tag_sentence",
]

# record field -> pg class of its values (the order in which drafts list them)
FIELDS: dict[str, str] = {
    "intervention": "Intervention",
    "outcomes": "Outcome",
    "settings": "Setting",
    "populations": "Population",
    "mechanisms": "Mechanism",
    "organisational_factors": "OrganisationalFactor",
    "magnitude": "Magnitude",
}

# outcomes where "improvement" means less of it ("improvements in relapse rates" reduce relapse)
NEGATIVE_OUTCOMES = frozenset(
    {"symptoms", "anxiety", "depression", "psychosis", "relapse", "stigma"}
)

# Cue words beyond the EffectDirection labels/synonyms in the vocabulary. Regex fragments,
# matched case-insensitively at word boundaries; the longest cue at a position wins.
_EXTRA_CUES: dict[str, tuple[str, ...]] = {
    "improves": (
        r"improv\w*", r"enhanc\w*", r"increas\w*", r"promot\w*", r"foster\w*", r"benefit\w*",
        r"greater", r"better", r"amplif\w*", r"strengthen\w*", r"boost\w*", r"excel\w*",
        r"higher", r"gains?", r"positive (?:effects?|impacts?|outcomes?)", r"effective",
        r"helps?", r"support(?:s|ed)", r"yields?", r"more likely", r"maximi[sz]\w*",
    ),
    "reduces": (
        r"reduc\w*", r"decreas\w*", r"lower(?:s|ed|ing)?", r"fewer", r"declin\w*",
        r"alleviat\w*", r"diminish\w*", r"less (?:severe|frequent)", r"less likely",
    ),
    "no-difference": (
        r"no (?:significant |statistically significant )?(?:difference|effect|change)s?",
        r"did not (?:differ|improve|reduce|change)", r"not (?:significantly )?differ\w*",
        r"no (?:evidence of )?(?:benefit|improvement)",
    ),
    "inconsistent": (
        r"less consistent", r"inconsistent\w*", r"mixed (?:results|evidence|findings)",
        r"var(?:y|ies|ied)", r"lack(?:s|ed|ing)? (?:the )?consistency", r"unclear",
        r"equivocal",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Tag:
    """One match: ``text == sentence[start:end]``; ``field`` is the finding field it fills."""

    field: str
    concept: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Tagging:
    """All tags of a sentence plus the direction given to each tagged outcome."""

    tags: tuple[Tag, ...]
    cues: tuple[Tag, ...]  # direction cue words, field "direction"
    outcome_directions: dict[str, str | None]  # outcome id -> direction id (None: no cue)

    def ids(self, field: str) -> list[str]:
        """Concept ids of one field, in order of first appearance, without repeats."""
        return list(dict.fromkeys(t.concept for t in self.tags if t.field == field))

    def directions(self) -> list[str]:
        """Directions of the sentence's claims, in order of first appearance."""
        found = [d for d in self.outcome_directions.values() if d]
        if not found and not self.outcome_directions:
            found = [c.concept for c in self.cues]
        return list(dict.fromkeys(found))


def _label_pattern(label: str) -> str:
    """Regex for a label: words joined by blanks or hyphens, last word singular or plural.

    All-capital labels (PSI, SMI) match case-sensitively so that ordinary words never match.
    """
    words = [w for w in re.split(r"[\s\-\u2010\u2011]+", label.strip()) if w]
    if not words:
        return ""
    last = words[-1]
    if len(last) > 3 and re.search(r"[^s]s$", last, re.IGNORECASE) and last.isalpha():
        stem = re.escape(last[:-1])
        last_re = rf"{stem}(?:s|es)?"
    elif last.endswith("y") and len(last) > 3 and last[-2] not in "aeiou":
        last_re = rf"{re.escape(last[:-1])}(?:y|ies)"
    else:
        last_re = rf"{re.escape(last)}(?:s|es)?"
    parts = [re.escape(w) for w in words[:-1]] + [last_re]
    body = r"[\s\-\u2010\u2011]+".join(parts)
    if label.isupper() and len(label) <= 5:
        return rf"(?-i:\b{body}\b)"
    return rf"\b{body}\b"


@lru_cache(maxsize=4)
def _term_patterns(vocab_key: int) -> dict[str, list[tuple[re.Pattern[str], str]]]:
    vocab = _VOCABS[vocab_key]
    out: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for field, cls in FIELDS.items():
        entries: list[tuple[int, str, str]] = []
        for cid, concept in vocab.of_class(cls).items():
            for label in {concept.label, cid.replace("-", " "), *concept.alt_labels}:
                pattern = _label_pattern(label)
                if pattern:
                    entries.append((len(label), pattern, cid))
        entries.sort(key=lambda e: (-e[0], e[1]))
        out[field] = [(re.compile(p, re.IGNORECASE), cid) for _, p, cid in entries]
    return out


_VOCABS: dict[int, Vocabulary] = {}


def _patterns(vocab: Vocabulary) -> dict[str, list[tuple[re.Pattern[str], str]]]:
    key = id(vocab)
    _VOCABS[key] = vocab
    return _term_patterns(key)


def direction_cues(vocab: Vocabulary | None = None) -> dict[str, list[str]]:
    """Direction id -> cue regex fragments (vocabulary labels and synonyms + built-in cues)."""
    vocab = vocab or load_vocabulary()
    cues: dict[str, list[str]] = {d: list(extra) for d, extra in _EXTRA_CUES.items()}
    for cid, concept in vocab.of_class("EffectDirection").items():
        for label in [concept.label, *concept.alt_labels]:
            cues.setdefault(cid, []).append(r"[\s-]+".join(map(re.escape, label.split())))
    return cues


@lru_cache(maxsize=4)
def _cue_pattern(vocab_key: int) -> re.Pattern[str]:
    cues = direction_cues(_VOCABS[vocab_key])
    alternatives = [
        (len(fragment), f"(?P<{d.replace('-', '_')}_{i}>{fragment})")
        for d, fragments in cues.items()
        for i, fragment in enumerate(fragments)
    ]
    alternatives.sort(key=lambda a: -a[0])  # longer cues first: "no difference" before "no"
    return re.compile(rf"\b(?:{'|'.join(a for _, a in alternatives)})\b", re.IGNORECASE)


# "recovery-oriented care" is about the services, not a recovery outcome
_COMPOUND_MODIFIER = re.compile(r"[-\u2010\u2011](?:oriented|focused|focussed|based)\b", re.I)
# "substance use and criminal justice settings": the head noun is shared by both conjuncts
_CONJUNCT = re.compile(r"((?:[\w'-]+\s+){0,2}[\w'-]+)\s*(?:,\s*(?:and|or)?|\s+and|\s+or|&)\s*$")


def _find_terms(
    sentence: str, field: str, patterns: list[tuple[re.Pattern[str], str]]
) -> list[Tag]:
    taken: list[tuple[int, int]] = []
    found: list[Tag] = []

    def free(start: int, end: int) -> bool:
        return not any(start < e and s < end for s, e in taken)

    for pattern, cid in patterns:  # longest labels first; a shorter one never overlaps them
        for m in pattern.finditer(sentence):
            if not free(m.start(), m.end()) or _COMPOUND_MODIFIER.match(sentence, m.end()):
                continue
            taken.append((m.start(), m.end()))
            found.append(Tag(field, cid, m.start(), m.end(), m.group()))
    for tag in list(found):  # shared head nouns, one conjunct back
        words = tag.text.split()
        if len(words) < 2:
            continue
        conj = _CONJUNCT.search(sentence, 0, tag.start)
        if conj is None:
            continue
        first = conj.group(1).split()
        for k in range(len(first)):
            candidate = " ".join([*first[k:], words[-1]])
            start, end = conj.start(1) + conj.group(1).find(first[k]), conj.end(1)
            hit = next((c for p, c in patterns if p.fullmatch(candidate)), None)
            if hit and free(start, end):
                taken.append((start, end))
                found.append(Tag(field, hit, start, end, sentence[start:end]))
                break
    return found


_ANAPHOR = re.compile(
    r"\b(?:these|those|such|the same)\s+(?:(?P<symptoms>symptoms)|outcomes|benefits|effects|"
    r"domains|dimensions)\b",
    re.IGNORECASE,
)
# a definition ("X refers to improvements in Y") states no effect
_DEFINITION = re.compile(r"\b(?:refers?\s+to|is\s+defined\s+as|defined\s+as)\b", re.IGNORECASE)


def tag_sentence(
    sentence: str, vocab: Vocabulary | None = None, previous: Tagging | None = None
) -> Tagging:
    """Tag ``sentence`` with candidate terms of every finding field and with directions.

    Each outcome gets the direction of the nearest cue *before* it (``"reduced stigma"``), else of
    the nearest cue after it (``"empowerment ... is often enhanced"``); an improvement of a
    negative outcome (relapse, symptoms, stigma ...) is recorded as ``reduces``. A definition
    ("... refers to ...") gets no direction. With ``previous`` (the tagging of the sentence
    before), "these outcomes" / "these symptoms" take that sentence's outcomes (symptoms only
    the clinical, negative ones), tagged at the span of the anaphor.

    Examples:
        >>> t = tag_sentence("Peer-led initiatives contribute to improved self-esteem and reduced stigma.")
        >>> t.ids("outcomes"), t.outcome_directions
        (['self-esteem', 'stigma'], {'self-esteem': 'improves', 'stigma': 'reduces'})
    """  # noqa: E501
    vocab = vocab or load_vocabulary()
    patterns = _patterns(vocab)
    tags: list[Tag] = []
    for field in FIELDS:
        tags += _find_terms(sentence, field, patterns[field])
    if previous is not None:
        for m in _ANAPHOR.finditer(sentence):
            inherited = previous.ids("outcomes")
            if m.group("symptoms"):
                inherited = [o for o in inherited if o in NEGATIVE_OUTCOMES]
            tags += [Tag("outcomes", o, m.start(), m.end(), m.group()) for o in inherited]
    tags.sort(key=lambda t: (t.start, t.end, t.field))
    cue_re = _cue_pattern(id(vocab))
    cues: list[Tag] = []
    for m in cue_re.finditer("" if _DEFINITION.search(sentence) else sentence):
        # a cue inside a term ("reduced stigma" is a synonym of stigma) still counts as a cue
        group = next(name for name, value in m.groupdict().items() if value is not None)
        direction = group.rsplit("_", 1)[0].replace("_", "-")
        cues.append(Tag("direction", direction, m.start(), m.end(), m.group()))
    outcome_directions: dict[str, str | None] = {}
    for tag in tags:
        if tag.field != "outcomes" or tag.concept in outcome_directions:
            continue
        before = [c for c in cues if c.end <= tag.start or tag.start <= c.start < tag.end]
        after = [c for c in cues if c.start >= tag.end]
        cue = before[-1] if before else (after[0] if after else None)
        direction = cue.concept if cue else None
        if direction == "improves" and tag.concept in NEGATIVE_OUTCOMES:
            direction = "reduces"
        outcome_directions[tag.concept] = direction
    return Tagging(tuple(tags), tuple(cues), outcome_directions)
