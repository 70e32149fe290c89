"""Claim-sentence detection: the rules by kind of sentence, and its measured quality.

The rule tests use invented sentences, one per kind the labelling rule names
(tests/gold/corpus/README.md). The quality tests score ``peergraph extract`` against the gold
sentence labels, dev and held-out apart (``benchmarks/claims.py``); the documents are read from
``../shared/corpus`` and the tests skip when it is absent.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from peergraph.curate.tagging import is_claim

ROOT = Path(__file__).parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "gold" / "corpus"
SCRIPT = ROOT / "benchmarks" / "claims.py"


@pytest.mark.parametrize(
    "sentence",
    [
        "Peer mentoring reduced readmissions by 20% at one year.",
        "Smith et al. (2019) found that loneliness fell after six months of group meetings.",
        "Previous studies have shown a weak relationship between sleep and relapse [12].",
        "Anxiety was significantly associated with lower attendance (OR 1.8, 95% CI 1.2-2.6).",
        "There was no significant difference in hope scores between the two arms.",
        "Evidence for benefits on employment was mixed.",
        "Carers are more likely to report distress than non-carers.",
        # a finding clause beside a speculative one is still a claim
        "Group work is effective for stigma, and could be a useful addition to ward care.",
        # a finding stated in a study's own voice outranks the talk of further work around it
        "Our study shows that peer roles are valued, but further research is needed on pay.",
    ],
)
def test_findings_read_as_claims(sentence: str) -> None:
    claim, cue = is_claim(sentence)
    assert claim, cue


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        # aims and methods
        ("This study aimed to evaluate whether coaching improves recovery.", "This study aimed"),
        ("We recruited 300 adults with depression from 12 clinics.", "We recruited"),
        ("Participants were randomised to coaching or usual care.", "were randomised"),
        ("Objective: To estimate the effect of housing support on relapse.", "Objective:"),
        (
            "In 2016, Lee et al. conducted a systematic review on the prevalence of burnout.",
            "conducted a systematic review",
        ),
        # explanations offered as possibilities
        ("This difference might be due to the younger age of our sample.", "might be due"),
        ("One possible explanation is that rural services refer fewer people.", "One possible"),
        # recommendations, in any clause
        ("Services should offer peer support.", "should"),
        (
            "Future trials should measure effects on housing, as employment and income improved.",
            "Future trials",
        ),
        # statements about the paper and its limits
        ("The present study has several limitations.", "The present study has"),
        ("Our results may be affected by recall bias.", "Our results may"),
        # page furniture
        ("Figure 2 Forest plot of the prevalence of relapse.", "Figure 2"),
        ("TABLE 3 Pooled effects of peer support on hope.", "TABLE 3"),
        (
            "This is an open-access article distributed under the terms of the licence.",
            "open-access article",
        ),
        # a question
        ("Does peer support reduce admissions?", "a question"),
    ],
)
def test_aims_methods_explanations_recommendations_and_furniture_are_not_claims(
    sentence: str, cue: str
) -> None:
    assert is_claim(sentence) == (False, cue)


def test_a_citation_alone_does_not_make_a_claim() -> None:
    assert is_claim("Recovery colleges are described elsewhere [4].", cited=True) == (
        False,
        "no finding words, only a citation",
    )


# --- measured on the gold labels ---------------------------------------------------------------

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not beside the repo")


def _golds() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.json"))]


def test_every_labelled_document_says_its_split_and_held_out_ones_label_every_sentence() -> None:
    labelled = [g for g in _golds() if g.get("sentences")]
    assert {g["split"] for g in labelled} == {"dev", "heldout"}
    held = [g for g in labelled if g["split"] == "heldout"]
    assert len(held) >= 4
    assert sum(len(g["sentences"]) for g in held) >= 150
    for g in held:
        spans = [(s["start"], s["end"]) for s in g["sentences"]]
        assert spans == sorted(spans)
        assert all(any(a <= s and e <= b for a, b in g["sentences_ranges"]) for s, e in spans)


@needs_corpus
def test_held_out_labels_cover_every_sentence_of_their_ranges() -> None:
    """No picking: every prose sentence extract sees in the declared ranges is labelled."""
    from peergraph.curate.documents import load_document
    from peergraph.curate.extract import _is_heading, read_document
    from peergraph.text.sentences import split_sentences

    for g in _golds():
        if g.get("split") != "heldout":
            continue
        doc = load_document(CORPUS / g["file"], read_document)
        assert hashlib.sha256(doc.text.encode("utf-8")).hexdigest() == g["sentences_text_sha256"]
        labelled = {(s["start"], s["end"]) for s in g["sentences"]}
        inside = [
            sp
            for sp in split_sentences(doc.text, wrapped=doc.wrapped)
            if any(a <= sp.start and sp.end <= b for a, b in g["sentences_ranges"])
            and not _is_heading(sp)
        ]
        prose = {(sp.start, sp.end) for sp in inside if _is_prose(sp.text)}
        assert labelled == prose, g["file"]


def _is_prose(text: str) -> bool:
    import re

    tokens = text.split()
    words = [t for t in tokens if re.search(r"[A-Za-z]{2,}", t)]
    return len(words) >= 4 and len(words) >= 0.5 * len(tokens)


@pytest.fixture(scope="module")
def measured() -> dict:
    spec = importlib.util.spec_from_file_location("claims_benchmark", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate(CORPUS)["splits"]


# precision and recall measured once per split after the rules were tuned on dev only (README,
# "Claim sentences"); a change that lowers either fails here
MEASURED = {"dev": (0.97, 0.93), "heldout": (0.81, 0.86)}


@needs_corpus
@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_claim_detection_stays_at_its_measured_quality(measured: dict, split: str) -> None:
    s = measured[split]
    precision, recall = MEASURED[split]
    assert s["precision"] >= precision and s["recall"] >= recall, s
