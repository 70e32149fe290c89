"""Synthetic evidence bases in peergraph's own input format, for scale tests and benchmarks.

``synthesize(out_dir, papers=N, seed=S)`` writes ``sources.yaml``, one generated source text (prose
whose sentences cite papers APA-style, then an APA reference list) and ``findings/*.yaml``: about
five findings per paper, valid under every check of ``peergraph.ingest.validate``. The shape
imitates a systematic review: findings cite 1-3 papers (popular papers are cited more), some claims
cite nothing, outcomes and settings follow skewed frequencies, a few sentences carry two findings,
some findings state persistence or a setting comparison. Quotes carry ``start:`` offsets into the
source text. Pure standard library; the same ``(papers, seed)`` always gives the same bytes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from peergraph.ingest.vocabulary import Vocabulary, load_vocabulary

SOURCE_ID = "synthetic-review"
SOURCE_FILE = "sources/synthetic-review.txt"
FINDINGS_PER_PAPER = 5
RECORDS_PER_FILE = 5000
# folded forms are all distinct, so family names built from them stay distinct after folding
_SYLLABLES = (
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fe", "gi", "ha", "jo", "lu", "ma",
    "pe", "ri", "so", "tu", "va", "ze", "bré", "kö", "çi", "ñu", "wa", "yo",
)  # fmt: skip
_JOURNAL_WORDS = (
    "Peer Support", "Mental Health", "Recovery", "Psychiatric Rehabilitation", "Community Care",
    "Addiction Services", "Forensic Psychiatry", "Health Services", "Lived Experience",
    "Social Psychiatry", "Nursing", "Digital Mental Health",
)  # fmt: skip
_JOURNAL_FORMS = ("Journal of {}", "{} Research", "International Journal of {}", "{} Quarterly")
_TOPICS = (
    "peer support", "peer-led groups", "peer support workers", "mutual help", "peer mentoring",
    "recovery colleges", "peer navigation", "online peer communities",
)  # fmt: skip
_DESIGN_TAILS = (
    ("", 40), (": A systematic review", 12), (": A systematic review and meta-analysis", 8),
    (": A qualitative study", 15), (": A narrative review", 5), (": A randomised trial", 20),
)  # fmt: skip
_VERBS = {
    "improves": "improved",
    "reduces": "reduced",
    "inconsistent": "had inconsistent effects on",
    "no-difference": "made no difference to",
}


@dataclass
class _Paper:
    authors: list[tuple[str, str]]  # (family, initials)
    year: int
    suffix: str
    reference: str

    def in_text(self) -> str:
        names = [a[0] for a in self.authors]
        who = (
            names[0]
            if len(names) == 1
            else " & ".join(names)
            if len(names) == 2
            else (f"{names[0]} et al.")
        )
        return f"{who}, {self.year}{self.suffix}"


def _family(index: int) -> str:
    """A distinct family name per index (a bijection of the index mixes the syllables)."""
    block = len(_SYLLABLES) ** 3
    index = index // block * block + index % block * 15485863 % block
    parts = []
    for _ in range(3):
        index, r = divmod(index, len(_SYLLABLES))
        parts.append(_SYLLABLES[r])
    parts.append(_SYLLABLES[index % len(_SYLLABLES)] if index else "")
    name = "".join(parts)
    return name[0].upper() + name[1:]


def _initials(index: int) -> str:
    letters = "ABCDEFGHJKLMNPRSTW"
    first = letters[index % len(letters)]
    return f"{first}." if index % 3 else f"{first}. {letters[(index // 7) % len(letters)]}."


def _skewed(rng: random.Random, items: list[str], k: int = 1) -> list[str]:
    """``k`` distinct items, item i drawn with weight 1/(i+1) (Zipf-like frequencies)."""
    weights = [1 / (i + 1) for i in range(len(items))]
    out: list[str] = []
    while len(out) < min(k, len(items)):
        pick = rng.choices(items, weights)[0]
        if pick not in out:
            out.append(pick)
    return out


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _papers(rng: random.Random, n: int) -> list[_Paper]:
    journals = [form.format(w) for w in _JOURNAL_WORDS for form in _JOURNAL_FORMS]
    rng.shuffle(journals)
    pool = max(n, 10)
    papers: list[_Paper] = []
    i = 0
    while i < n:
        first = (_family(i), _initials(i))
        twins = 2 if i + 1 < n and rng.random() < 0.01 else 1  # same author, same year: 2020a/b
        year = rng.randint(1995, 2025)
        for t in range(twins):
            count = rng.choices([1, 2, 3, 4, 5, 6], [8, 20, 25, 22, 15, 10])[0]
            others: list[tuple[str, str]] = []
            while len(others) < count - 1:
                j = rng.randrange(pool)
                person = (_family(j), _initials(j))
                if person != first and person not in others:
                    others.append(person)
            authors = [first, *others]
            suffix = "ab"[t] if twins == 2 else ""
            topic = rng.choice(_TOPICS)
            title = (
                f"{topic[0].upper()}{topic[1:]} and {rng.choice(_OUTCOME_WORDS)} in "
                f"{rng.choice(_SETTING_WORDS)} settings, cohort {i + t + 1}"
                f"{_weighted(rng, _DESIGN_TAILS)}"
            )
            journal = _skewed(rng, journals)[0]
            volume, issue = rng.randint(1, 80), rng.randint(1, 12)
            if rng.random() < 0.15:
                locator = f"{volume}, Article {rng.randint(100, 9999)}"
            else:
                page = rng.randint(1, 900)
                locator = f"{volume}({issue}), {page}–{page + rng.randint(5, 30)}"
            if len(authors) == 1:
                names = f"{authors[0][0]}, {authors[0][1]}"
            else:
                names = ", ".join(f"{f}, {g}" for f, g in authors[:-1])
                names += f", & {authors[-1][0]}, {authors[-1][1]}"
            doi = (
                "" if rng.random() < 0.02 else f" https://doi.org/10.5555/pg-synth.{i + t + 1:07d}"
            )
            reference = f"{names} ({year}{suffix}). {title}. {journal}, {locator}.{doi}"
            papers.append(_Paper(authors, year, suffix, reference))
        i += twins
    return papers


_OUTCOME_WORDS = ("hope", "recovery", "wellbeing", "engagement", "empowerment", "symptoms")
_SETTING_WORDS = ("community", "hospital", "online", "justice", "peer-run", "inpatient")


def _record_yaml(rec: dict[str, object]) -> str:
    lines = []
    for i, (key, value) in enumerate(rec.items()):
        lead = "  - " if i == 0 else "    "
        if isinstance(value, list):
            text = "[" + ", ".join(_scalar(v) for v in value) + "]"
        elif isinstance(value, dict):
            text = "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
        else:
            text = _scalar(value)
        lines.append(f"{lead}{key}: {text}")
    return "\n".join(lines) + "\n"


def _scalar(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, str) and (" " in value or not value.isascii() or ":" in value):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    return str(value)


def synthesize(
    out_dir: str | Path,
    *,
    papers: int = 1000,
    seed: int = 0,
    findings: int | None = None,
    vocabulary: Vocabulary | None = None,
) -> dict[str, int]:
    """Write a synthetic data folder to ``out_dir``; returns {relative path: size in bytes}.

    ``findings`` defaults to five per paper. Deterministic in ``(papers, findings, seed)``.
    """
    from peergraph.errors import UsageError
    from peergraph.export.writers import write_atomically

    if papers < 1:
        raise UsageError(f"--papers must be at least 1 (got {papers})")
    total = FINDINGS_PER_PAPER * papers if findings is None else findings
    if total < 1:
        raise UsageError(f"--findings must be at least 1 (got {total})")
    vocab = vocabulary or load_vocabulary()
    rng = random.Random(f"peergraph-synth-{seed}")
    refs = _papers(rng, papers)
    terms = {
        cls: sorted(vocab.of_class(cls))
        for cls in ("Intervention", "Outcome", "Setting", "Population", "Mechanism", "Magnitude")
    }
    for cls in terms:  # a fixed, seed-dependent popularity order
        rng.shuffle(terms[cls])
    settings = [s for s in terms["Setting"]]
    hospital = [s for s in settings if vocab.concepts[s].hospital_based]
    others = [s for s in settings if not vocab.concepts[s].hospital_based]
    org = sorted(vocab.of_class("OrganisationalFactor"))
    paper_order = list(range(len(refs)))
    rng.shuffle(paper_order)  # citation popularity: Zipf over a shuffled order
    cumulative = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(refs))))
    ranks = range(len(refs))

    head = f"A synthetic review of peer support evidence (seed {seed})\n\n"
    body: list[str] = [head]
    pos = len(head)
    records: list[dict[str, object]] = []
    width = len(str(total))
    fid = 0
    sentence_no = 0
    while fid < total:
        sentence_no += 1
        cited: list[int] = []
        if rng.random() >= 0.15:
            k = rng.choices([1, 2, 3], [60, 28, 12])[0]
            while len(cited) < k:
                j = paper_order[rng.choices(ranks, cum_weights=cumulative)[0]]
                if j not in cited:
                    cited.append(j)
        intervention = _skewed(rng, terms["Intervention"])[0]
        outcomes = _skewed(rng, terms["Outcome"], rng.choices([1, 2, 3], [60, 30, 10])[0])
        direction = rng.choices(list(_VERBS), [60, 25, 10, 5])[0]
        chosen_settings = _skewed(rng, settings, rng.choices([0, 1, 2], [40, 50, 10])[0])
        populations = _skewed(rng, terms["Population"], rng.choices([0, 1], [50, 50])[0])
        sentence = (
            f"In synthetic study {sentence_no}, {intervention.replace('-', ' ')} "
            f"{_VERBS[direction]} {' and '.join(o.replace('-', ' ') for o in outcomes)}"
        )
        if chosen_settings:
            sentence += f" in {' and '.join(s.replace('-', ' ') for s in chosen_settings)} settings"
        if populations:
            sentence += f" for people with {populations[0].replace('-', ' ')}"
        persistence = None
        if rng.random() < 0.05:
            lo = rng.randint(1, 12)
            persistence = {"min": lo, "max": lo + rng.randint(0, 6), "unit": "month"}
            sentence += f", lasting {lo} to {persistence['max']} months after the intervention"
        comparison = None
        if rng.random() < 0.03 and hospital and others:
            comparison = {"favours": rng.choice(hospital), "over": sorted(rng.sample(others, 2))}
            sentence += f", with {comparison['favours']} doing better than the alternatives"
        elif rng.random() < 0.01 and len(org) >= 2:
            comparison = {
                "favours": "whole-of-system-approach",
                "over": ["isolated-programme-insertion"],
            }
        if cited:
            sentence += " (" + "; ".join(refs[j].in_text() for j in cited) + ")"
        sentence += "."
        start = pos
        sep = "\n\n" if sentence_no % 6 == 0 else " "
        body.append(sentence + sep)
        pos += len(sentence) + len(sep)
        keys = [_key(refs[j]) for j in cited]
        claims = 2 if rng.random() < 0.08 and fid + 1 < total else 1
        for c in range(claims):
            fid += 1
            rec: dict[str, object] = {
                "id": f"S{fid:0{width}d}",
                "source": SOURCE_ID,
                "label": f"{intervention} {direction} {outcomes[0]} (synthetic claim {fid})",
                "quote": sentence,
                "start": start,
                "cites": keys,
                "intervention": intervention,
                "outcomes": outcomes if c == 0 else outcomes[:1],
                "direction": direction,
                # the synthetic sentences state their claims without hedges
                "certainty": {"level": "asserted"},
            }
            if rng.random() < 0.3:
                rec["magnitude"] = _skewed(rng, terms["Magnitude"])
            if populations:
                rec["populations"] = populations
            if chosen_settings:
                rec["settings"] = chosen_settings
            if rng.random() < 0.3:
                rec["mechanisms"] = _skewed(rng, terms["Mechanism"], 2)
            if comparison and c == 0:
                if comparison["favours"] in org:
                    rec["organisational_factors"] = [comparison["favours"], *comparison["over"]]
                rec["comparisons"] = [comparison]
            if persistence and c == 0:
                rec["persistence"] = persistence
            if not cited and rng.random() < 0.2:
                rec["note"] = "Uncited claim in the synthetic source."
            records.append(rec)
    text = "".join(body).rstrip() + "\n\nReferences\n"
    text += "".join(p.reference + "\n" for p in sorted(refs, key=lambda p: p.reference))
    contents: dict[str, bytes] = {
        "sources.yaml": (
            "# generated by `peergraph synth` — synthetic data for scale tests\n"
            "sources:\n"
            f"  - id: {SOURCE_ID}\n"
            f"    title: Synthetic review of peer support evidence, {papers} papers, seed {seed}\n"
            f"    file: {SOURCE_FILE}\n"
            "    references_heading: References\n"
        ).encode(),
        SOURCE_FILE: text.encode("utf-8"),
    }
    for n in range(0, len(records), RECORDS_PER_FILE):
        chunk = records[n : n + RECORDS_PER_FILE]
        doc = "# generated by `peergraph synth`\nfindings:\n" + "".join(map(_record_yaml, chunk))
        contents[f"findings/part-{n // RECORDS_PER_FILE + 1:04d}.yaml"] = doc.encode("utf-8")
    return write_atomically(Path(out_dir), contents)  # type: ignore[arg-type]


def _key(paper: _Paper) -> str:
    from peergraph.text.references import fold_name

    return f"{fold_name(paper.authors[0][0])}{paper.year}{paper.suffix}"


__all__ = ["synthesize"]
