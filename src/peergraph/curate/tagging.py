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
    "Candidate",
    "candidate_terms",
    "certainty",
    "is_claim",
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
    # outcomes named only to be set aside ("goes beyond symptom management"): "these outcomes"
    # in the next sentence does not mean them
    set_aside: tuple[str, ...] = ()

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
# Mentions that name who delivers an intervention: "skilled peer workers" are peer support
# workers, "peer-designed programs" are peer support (tagged at the same words)
_DELIVERED_BY = {
    ("populations", "peer-workers"): "peer-support-worker",
    ("settings", "peer-run"): "peer-support",
}
# "it" / "its" standing for the intervention of the sentence before; not the "it" of "it is
# important to note that" or "it may be that"
_PRONOUN = re.compile(r"\b(?:it|its)\b", re.IGNORECASE)
_EXPLETIVE = re.compile(
    r"\s+(?:is|was|has\s+been|seems|appears|may\s+be|might\s+be|remains)\s+(?:\w+\s+){0,2}"
    r"(?:to|that|whether|how|why|when)\b",
    re.IGNORECASE,
)


def _named_intervention(sentence: str, tags: list[Tag], previous: Tagging | None) -> list[Tag]:
    """Intervention tags for a sentence that names none by a vocabulary label, but names it all
    the same: by who delivers it, or by a pronoun for the previous sentence's intervention
    ("As a lived-experience-based approach, it offers ..."). Empty when it names one already."""
    if any(t.field == "intervention" for t in tags):
        return []
    implied = [
        Tag("intervention", _DELIVERED_BY[(t.field, t.concept)], t.start, t.end, t.text)
        for t in tags
        if (t.field, t.concept) in _DELIVERED_BY
    ]
    if implied:
        return implied[:1]
    before = previous.ids("intervention") if previous is not None else []
    if len(before) != 1:
        return []
    for m in _PRONOUN.finditer(sentence):
        if m.group().lower() == "it" and _EXPLETIVE.match(sentence, m.end()):
            continue
        return [Tag("intervention", before[0], m.start(), m.end(), m.group())]
    return []


_BEYOND = re.compile(r"\b(?:beyond|rather\s+than|other\s+than|apart\s+from)\s+$", re.IGNORECASE)
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
    tags += _named_intervention(sentence, tags, previous)
    if previous is not None:
        for m in _ANAPHOR.finditer(sentence):
            inherited = [o for o in previous.ids("outcomes") if o not in previous.set_aside]
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
    cues = [_negated(sentence, c) for c in cues]
    outcome_directions: dict[str, str | None] = {}
    last: tuple[Tag, Tag] | None = None  # the previous outcome and the cue bound to it
    for tag in tags:
        if tag.field != "outcomes" or tag.concept in outcome_directions:
            continue
        before = [
            c
            for c in cues
            if tag.start <= c.start < tag.end
            or (c.end <= tag.start and _bound_before(sentence, c, tag))
        ]
        after = [c for c in cues if c.start >= tag.end and _bound_after(sentence, tag, c)]
        cue = before[-1] if before else (after[0] if after else None)
        if (
            cue is None
            and last is not None
            and _COORDINATED.match(sentence, last[0].end, tag.start)
        ):  # "improvements in relapse rates, treatment engagement, and reintegration"
            cue = last[1]
        last = (tag, cue) if cue else None
        direction = cue.concept if cue else None
        if direction == "improves" and tag.concept in NEGATIVE_OUTCOMES:
            direction = "reduces"
        outcome_directions[tag.concept] = direction
    set_aside = tuple(
        t.concept
        for t in tags
        if t.field == "outcomes" and _BEYOND.search(sentence, 0, t.start)
    )
    return Tagging(tuple(tags), tuple(cues), outcome_directions, set_aside)


# --- binding a direction cue to an outcome ----------------------------------------------------
# A cue gives an outcome its direction only inside one effect phrase: "reduced stigma",
# "improvements in the levels of hope", "anxiety was significantly reduced". A cue that
# modifies another noun ("increasing attention to anxiety") or sits in another clause does not.
_BEFORE_WORDS = frozenset(
    """in of the a an their its his her these those such this participants' patients' people's
    levels level rates rate
    scores score and or on for self-reported overall sense feelings feeling both perceived
    personal social subjective significant significantly greater general mean""".split()
)
_AFTER_WORDS = frozenset(
    """was were is are has have had been being be significantly also further substantially
    markedly greatly often levels level scores rates symptoms both consistently all clearly can
    may might could to tend tended tends appear appears appeared seem seems seemed not
    statistically slightly modestly largely generally""".split()
)


def _between_words(text: str) -> list[str] | None:
    if re.search(r"[;:()\[\]]|,\s", text):
        return None  # another clause or a parenthesis
    return [w.lower() for w in text.split()]


_COORDINATED = re.compile(
    r"\s*(?:rates?|levels?|scores?)?\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)$"
)
_LIST_BEFORE = re.compile(r"^(?:\s*[\w'-]+(?:\s+[\w'-]+)?\s*,){1,4}\s*(?:and|or)?\s*$")
_APPOSITIVE = re.compile(r"^\s*,[^,;:()]{1,60},")
# a cue that governs an infinitive of producing the outcome
_TO_DELIVER = re.compile(
    r"^\s+(?:or\s+[\w-]+\s+)?to\s+(?:deliver|produce|achieve|generate|yield|sustain)\s+"
    r"(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)


def _bound_before(sentence: str, cue: Tag, outcome: Tag) -> bool:
    between = sentence[cue.end : outcome.start]
    if _LIST_BEFORE.match(between):  # "fostering connection, validation, and self-advocacy"
        return True
    if _TO_DELIVER.match(between):  # "lack the consistency or resourcing to deliver strong ..."
        return True
    words = _between_words(between)
    return words is not None and len(words) <= 4 and all(w in _BEFORE_WORDS for w in words)


def _bound_after(sentence: str, outcome: Tag, cue: Tag) -> bool:
    # "Empowerment, a core dimension of recovery, is often enhanced": skip the appositive
    words = _between_words(_APPOSITIVE.sub("", sentence[outcome.end : cue.start], count=1))
    return words is not None and len(words) <= 5 and all(w in _AFTER_WORDS for w in words)


# ConText-style negation: a trigger shortly before an effect cue turns it into "no difference"
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|neither|nor|failed\s+to|did\s+not|does\s+not|do\s+not|"
    r"absence\s+of|lack\s+of|cannot|could\s+not|was\s+not|were\s+not)\b(?:\s+\w+){0,2}\s*$",
    re.IGNORECASE,
)


def _negated(sentence: str, cue: Tag) -> Tag:
    if cue.concept in ("improves", "reduces") and _NEGATION.search(sentence, 0, cue.start):
        m = _NEGATION.search(sentence, 0, cue.start)
        assert m is not None
        return Tag("direction", "no-difference", m.start(), cue.end, sentence[m.start() : cue.end])
    return cue


# --- certainty (hedging) ----------------------------------------------------------------------
# Ids of the certainty levels (pgv:certainty-levels); the cue words are the evidence. Checked in
# order: a necessary condition or a speculation outranks a hedge.
_CERTAINTY: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "necessary-condition",
        re.compile(
            r"\b(?:only\s+(?:when|if|where)|provided\s+that|as\s+long\s+as|"
            r"depends?\s+on|depending\s+on|contingent\s+on|requires?|necessary|prerequisite)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "speculative",
        re.compile(
            r"\b(?:might|could|possibly|perhaps|potentially|hypothes\w*|speculat\w*|"
            r"it\s+is\s+possible)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "hedged",
        re.compile(
            r"\b(?:may|suggest(?:s|ed|ing)?|appears?|appeared|seems?|seemed|likely|tend(?:s|ed)?|"
            r"indicat(?:e|es|ed|ing)|preliminary|tentative\w*|limited\s+evidence)\b",
            re.IGNORECASE,
        ),
    ),
)


def certainty(sentence: str) -> tuple[str, str | None]:
    """``(level, cue words)``: how firmly the sentence states its claim; asserted has no cue."""
    for level, pattern in _CERTAINTY:
        m = pattern.search(sentence)
        if m:
            return level, m.group()
    return "asserted", None


# --- claim sentences --------------------------------------------------------------------------
# An empirical claim says something found about the world. Aims, methods, search and screening
# counts, recommendations, explanations offered as possibilities, definitions and statements about
# the paper itself are not claims (tests/gold/corpus/README.md). Cue lists in the manner of
# ConText: each cue has a kind and a scope; a report of a finding outranks everything but page
# furniture and a method label, a paper-level cue (aim, method, limitation, recommendation)
# vetoes the sentence, and a clause-level cue (speculation, explanation, caveat) only its clause.
_SECTION_LABEL = re.compile(
    r"^\s*(?:abstract\s+)?(?:background|introduction|objectives?|aims?|methods?|results?|"
    r"conclusions?|discussion|findings|purpose|design|setting|participants)\s*:\s*",
    re.IGNORECASE,
)
_NOT_CLAIM_LABEL = re.compile(
    r"^\s*(?:abstract\s+)?(?:objectives?|aims?|methods?|design|purpose|trial\s+registration|"
    r"(?:systematic\s+)?review\s+registration)\s*:",
    re.I,
)
# captions, licence lines, citation lines: page furniture, never a claim
_FURNITURE = re.compile(
    r"^\s*(?:(?:fig(?:ure)?s?\.?|table|box|appendix)\s*[A-Z]?\d+\b|citation\b|copyright\b|©)|"
    r"\b(?:creative\s+commons|open[-\s]access\s+article|distributed\s+under\s+the\s+terms|"
    r"reproduction\s+(?:in\s+)?(?:any|other)|is\s+permitted|all\s+rights\s+reserved)\b",
    re.IGNORECASE,
)
# a report of something found: a claim whatever else the sentence says
_REPORT = re.compile(
    r"\b(?:(?:we|studies|study|trials?|reviews?|analys[ie]s|results?|findings?|data|authors|"
    r"research|work|evidence|al\.?(?:\s*\(\d{4}\w?\))?|\)|\]|who|and|also|consistently|"
    r"previously|(?:have|has|had)(?:\s+also)?)\s+"
    r"(?:found|find|finds|show(?:s|ed|n)?|demonstrat(?:e|es|ed)|reveal(?:s|ed)|observed|"
    r"report(?:s|ed)|indicat(?:e|es|ed)(?!\s+(?:the\s+)?need)|confirm(?:s|ed)|"
    r"document(?:s|ed)|establish(?:es|ed))|"
    r"(?:studies|study|trials?|reviews?|analys[ie]s|results?|findings?|data|authors|research|"
    r"work|evidence|al\.?(?:\s*\(\d{4}\w?\))?|\)|\]|this|these|which|also)\s+"
    r"(?:suggest(?:s|ed)?\s+that|highlight(?:s|ed)?|illustrat(?:es|ed)|identified|"
    r"point(?:s|ed)?\s+to)|"
    r"(?:was|were|been)\s+(?:found|shown|observed|demonstrated|reported|noted)|"
    r"(?:provides?|offers?|yielded|produced?)\s+(?:\w+\s+){0,2}evidence\s+(?:that|for)|"
    r"(?:is|was|were|are)\s+(?:significantly|statistically|strongly|positively|negatively|"
    r"inversely|independently|not\s+significantly)\s+(?:\w+\s+)?(?:associated|correlated|"
    r"related|different|higher|lower|reduced|increased|improved)|"
    r"there\s+(?:was|were|is|are)\s+(?:a|an|no|some|little|strong|moderate|substantial|"
    r"considerable|significant)\s+(?:\w+\s+){0,2}(?:evidence|difference|differences|"
    r"association|associations|effect|effects|trend|heterogeneity|increase|decrease|reduction|"
    r"improvement|variation|correlation|relationship))\b",
    re.IGNORECASE,
)
# aims, methods, limitations, recommendations and statements about the paper: the whole sentence
_PAPER = re.compile(
    r"\b(?:aim(?:s|ed)?\s+(?:to|of|at|was|were)|the\s+aim|objectives?\s+(?:was|were|is)|"
    r"(?:we|this\s+(?:study|review|trial|paper))\s+(?:aimed|sought|set\s+out|"
    r"intended|wanted)|to\s+explore|to\s+examine|to\s+investigate|to\s+evaluate|"
    r"we\s+(?:compared|conducted|searched|also\s+fitted|fitted|used|performed|extracted|"
    r"assessed|analy[sz]ed|reviewed|describe|present|propose|recruited|included|excluded|"
    r"calculated|estimated|defined|categori[sz]ed|classified|collected|measured|adjusted|"
    r"applied|selected|designed|developed|provided|separated|combined|investigated|examined|"
    r"coded|identified|screened|summari[sz]ed|chose|referred|asked|administered|obtained|"
    r"speculated|suggest|acknowledge|have\s+utili[sz]ed|utili[sz]ed|only\s+analy[sz]ed)|"
    r"(?:were|was)\s+(?:last\s+|initially\s+|systematically\s+|then\s+|also\s+|randomly\s+)?"
    r"(?:searched|screened|included|excluded|extracted|pooled|retrieved|applied|developed|"
    r"read\s+in\s+full|quality\s+assessed|coded|recruited|interviewed|randomi[sz]ed|used\s+to|"
    r"used\s+as|categori[sz]ed|obtained|collected|measured|asked|administered|calculated|"
    r"defined\s+as|classified|conducted|assessed\s+(?:using|with|by|for)|tested\s+(?:using|by)|"
    r"summari[sz]ed|performed|approved|registered)|"
    r"inclusion\s+criteria|exclusion\s+criteria|eligibility|databases?|search\s+strategy|"
    r"literature\s+search|PRISMA|PROSPERO|preregistered|synthesis\s+(?:method|approach)|"
    r"data\s+synthesis|intention[-\s]to[-\s]treat|primary\s+outcome\s+was|"
    r"^(?:\w+,\s+)?(?:this|the\s+present|our|the\s+current)\s+(?:review|study|paper|article|"
    r"scoping\s+review|research|trial|work|analysis)\s+(?:provides|is|was|aims|aimed|focuse[sd]|"
    r"describes|presents|examines|explores|set\s+out|has|had|adds|relied|used|chose|"
    r"contributes|may|might|could|did\s+not|does\s+not|was\s+not|is\s+not|cannot|only)|"
    r"in\s+this\s+(?:review|paper|article|study|trial),?\s+we|is\s+the\s+first|"
    r"our\s+(?:definition|results\s+may|findings\s+(?:may|might|could|support)|"
    r"analys[ie]s\s+(?:was|were|did))|"
    r"limitations?|strengths?\s+of|(?:recall|selection|volunteer|response|publication)\s+bias|"
    r"generali[sz]ab\w*|is\s+provided|are\s+provided|supplementary|knowledge\s+gaps?|"
    r"refers?\s+to|(?:is|are)\s+defined\s+as|(?:the\s+)?following\s+(?:was|were|is|are)|"
    r"as\s+follows|(?:conducted|performed|carried\s+out|undertook)\s+an?\s+(?:\w+\s+){0,2}"
    r"(?:review|meta-analysis|study|survey|trial|analysis)|"
    # recommendations and norms
    r"should|must|ought\s+to|are\s+required|is\s+required|(?:are|is|was|were)\s+needed|"
    r"warranted|merited|recommend\w*|(?:future|further)\s+(?:research|trials?|"
    r"studies|work|investigations?)|more\s+(?:research|work|studies)\s+(?:is|are)|"
    r"next\s+steps?|would\s+be\s+required|(?:is|are|will\s+be)\s+(?:critical|essential|crucial)|"
    r"considered\s+essential|(?:is|are)\s+an?\s+(?:necessary|key|core|essential)\s+"
    r"(?:criterion|component|element|condition|part))\b",
    re.IGNORECASE,
)
# speculation, explanation, hypothetical, caveat: only the clause they stand in
_CLAUSE_NOT = re.compile(
    r"\b(?:(?:may|might|could|would|can)\s+(?:also\s+|partly\s+|in\s+part\s+|largely\s+)?"
    r"(?:be\s+(?:due|explained|attributed|accounted|ascribed|related\s+to\s+the\s+fact|because|"
    r"the\s+(?:reason|result)|a\s+(?:reason|result|consequence)|useful|a\s+useful|considered)|"
    r"explain|reflect|account\s+for|contribute\s+to\s+(?:this|these|the\s+(?:difference|"
    r"discrepancy))|have\s+(?:been\s+)?(?:due|affected|influenced|led|resulted|biased|"
    r"contributed|motivated)|help\s+to|significantly\s+improve|generate|re-?normali[sz]e|"
    r"alter|influence|affect\s+the)|"
    r"due\s+to\s+the\s+fact|one\s+(?:possibility|explanation|possible)|possible\s+"
    r"(?:reasons?|explanations?|that)|possibl[ey]\s+because|it\s+is\s+possible|"
    r"plausible|speculat\w*|hypothes(?:is|es|i[sz]e)|theor(?:y|ies|etically)|"
    r"needs?\s+to\s+be|cannot\s+be\s+emphasi[sz]ed|insights?|been\s+proposed|argued|"
    r"suggest\s+\w+ing|may\s+be\s+misleading|difficult\s+to\s+tell|in\s+this\s+vein|"
    r"to\s+(?:determine|assess|establish|explore|examine)\s+(?:whether|if))\b",
    re.IGNORECASE,
)
_CLAIM = re.compile(
    r"\b(?:associated\s+with|associations?|evidence|effective(?:ness)?|efficac\w*|"
    r"significant(?:ly)?|impact\w*|effects?|reduc\w*|increas\w*|decreas\w*|improv\w*|higher|"
    r"lower|more\s+common|most\s+common|common\s+in|most\s+frequent(?:ly)?|majority|"
    r"most\s+studies|comparable|mixed|unclear|insufficient|inconsistent|appears?|suggest\w*|"
    r"reported|risk\s+factors?|prevalen\w*|themes?|percent|predict\w*|related\s+to|linked\s+to|"
    r"correlat\w*|no\s+adverse|observed|not\s+adequately|benefit\w*|outcomes?\s+(?:of|for)|"
    r"more\s+likely|less\s+likely|odds|incidence|rates?\b|contribut\w*|lead\s+to|leads\s+to|"
    r"resulted\s+in|helps?|enhanc\w*|fosters?|promot\w*|heterogene\w*|studies\s+were|"
    r"sub-?optimal|defined\s+in\s+different\s+ways|poor\s+quality|few\s+studies|"
    r"no\s+(?:studies|trials?|data)|little\s+is\s+known|remains?\s+unclear)\b|\d\s?%",
    re.IGNORECASE,
)
# where one clause ends and the next begins, for the clause-level cues' scope
_CLAUSE_BREAK = re.compile(
    r";|,\s*(?=(?:and|but|whereas|while|although|though|however|yet)\b)|"
    r"\s(?=(?:but|whereas)\s)",
    re.IGNORECASE,
)


def is_claim(sentence: str, cited: bool = False) -> tuple[bool, str]:
    """Whether a sentence reads as an empirical claim, and the words that decided it.

    Rules, not a model, so a curator can see why: page furniture (captions, licence lines) is
    never a claim; a report of a finding ("we found", "studies have shown", "was significantly
    associated") always is; an aim, method, limitation or statement about the paper rules the
    sentence out, and so does a recommendation; otherwise a clause with a finding word (effect,
    association, evidence, a percentage, "more common") and no speculation or explanation in it
    makes a claim ("X is effective, and could be added" is a claim; "may be due to" is not).
    ``cited`` is kept for the caller's message: a citation alone does not make a claim.
    """
    label = _NOT_CLAIM_LABEL.match(sentence)
    if label:
        return False, label.group().strip()
    # words hyphenated at a line end ("signifi- cant") and line breaks read as one
    body = re.sub(r"(?<=[a-z])-\s+(?=[a-z])", "", " ".join(sentence.split()))
    furniture = _FURNITURE.search(body)
    if furniture:
        return False, furniture.group()
    body = _SECTION_LABEL.sub("", body, count=1)
    if body.endswith("?"):
        return False, "a question"
    report = _REPORT.search(body)
    if report:
        return True, report.group()
    paper = _PAPER.search(body)
    if paper:
        return False, paper.group()
    negative: str | None = None
    for clause in _CLAUSE_BREAK.split(body):
        blocked = _CLAUSE_NOT.search(clause)
        if blocked:
            negative = negative or blocked.group()
            continue
        positive = _CLAIM.search(clause)
        if positive:
            return True, positive.group()
    if negative:
        return False, negative
    return False, "no finding words" + (", only a citation" if cited else "")


@dataclass(frozen=True)
class Candidate:
    """A term the vocabulary lacks, proposed from the words that suggested it."""

    field: str
    label: str
    words: str  # the words of the sentence that suggested it (the effect phrase)


_CANDIDATE_OUTCOME = re.compile(
    r"\b(?:(?:improv|reduc|increas|decreas|enhanc|declin)(?:e[ds]?|ements?|tions?|ing)\s+"
    r"(?:in\s+|of\s+)?|(?:lower|higher|greater|better|worse)\s+"
    r"(?:the\s+|their\s+)?|associated\s+with\s+(?:an?\s+|the\s+)?(?:increased\s+|reduced\s+|"
    r"higher\s+|lower\s+|worse\s+|better\s+)?|effects?\s+(?:on|of)\s+|risk\s+of\s+|"
    r"prevalence\s+of\s+|rates?\s+of\s+)"
    r"(?P<term>[a-z][a-z\-]+(?:\s+(?!and\b|or\b|in\b|of\b|for\b|with\b|among\b|compared\b|"
    r"was\b|were\b|is\b|are\b)[a-z][a-z\-]+){0,2})",
    re.IGNORECASE,
)
_CANDIDATE_SETTING = re.compile(
    r"\b(?:in|within|across)\s+(?P<term>(?:[a-z\-]+\s+){0,2}(?:settings?|services?|wards?|"
    r"units?|clinics?|hospitals?|prisons?|schools?|communit(?:y|ies)|primary\s+care))\b",
    re.IGNORECASE,
)
_STOP = frozenset("the a an this these that their its such other".split())


def candidate_terms(sentence: str, tagging: Tagging) -> list[Candidate]:
    """Outcome and setting terms a sentence suggests that the vocabulary does not have."""
    out: list[Candidate] = []
    if not tagging.ids("outcomes"):
        for m in _CANDIDATE_OUTCOME.finditer(sentence):
            words = [w for w in m.group("term").lower().split() if w not in _STOP]
            if words and len(words[0]) > 2:
                out.append(Candidate("outcomes", " ".join(words), m.group().strip()))
                break
    if not tagging.ids("settings"):
        for m in _CANDIDATE_SETTING.finditer(sentence):
            words = [w for w in m.group("term").lower().split() if w not in _STOP]
            out.append(Candidate("settings", " ".join(words), m.group().strip()))
            break
    return out
