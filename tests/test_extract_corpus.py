"""``peergraph extract`` measured on the shared corpus of real documents against the gold facts.

The documents live beside the checkout (``../shared/corpus``) and are never copied here; the
tests skip when they are absent. Thresholds are the levels measured when this was written
(see README, "Extraction quality on unseen documents") minus a margin, so a regression fails
while small, honest changes in either direction do not.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SCRIPT = ROOT / "benchmarks" / "extract_quality.py"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not beside the repo")


@pytest.fixture(scope="module")
def result() -> dict:
    spec = importlib.util.spec_from_file_location("extract_quality", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate_corpus(CORPUS)


# style -> (references P, R, citation items P, R) measured, minus 0.03
MEASURED = {
    "apa": (0.95, 0.94, 0.94, 0.92),
    "harvard": (0.97, 0.96, 0.95, 0.94),
    "chicago": (0.95, 0.95, 0.95, 0.92),
    "vancouver": (0.95, 0.95, 0.97, 0.97),
    "numbered": (0.97, 0.97, 0.97, 0.97),
}


@pytest.mark.parametrize("style", sorted(MEASURED))
def test_references_and_citation_items_per_style(result: dict, style: str) -> None:
    s = result["styles"][style]
    ref_p, ref_r, cit_p, cit_r = MEASURED[style]
    assert s["references"]["precision"] >= ref_p, s
    assert s["references"]["recall"] >= ref_r, s
    assert s["citation_items"]["precision"] >= cit_p, s
    assert s["citation_items"]["recall"] >= cit_r, s


def test_every_document_reads_references_and_citation_items_at_the_target(result: dict) -> None:
    """The issue's target, 0.95 precision and recall, holds per document, not only per style."""
    low = [
        (row["document"], measure, key, row[measure][key])
        for row in result["documents"]
        for measure in ("references", "citation_items")
        for key in ("precision", "recall")
        if row[measure][key] < 0.95
    ]
    assert low == []


def test_style_is_detected_per_document(result: dict) -> None:
    wrong = [
        (row["document"], row["style"], row["detected_style"])
        for row in result["documents"]
        if row["detected_style"] != row["style"]
    ]
    assert wrong == []


def test_claim_sentences_meet_the_target_recall_and_precision(result: dict) -> None:
    claims = result["styles"]["all"]["claims"]
    assert claims["recall"] >= 0.8 and claims["precision"] >= 0.8, claims


def test_every_format_is_read(result: dict) -> None:
    formats = {row["format"] for row in result["documents"] if row["references"]["tp"]}
    assert formats == {"text", "jats", "pdf"}
