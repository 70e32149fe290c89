"""The measured tagging quality on the curated essay stays where the README says it is."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "extract_quality.py"


@pytest.fixture(scope="module")
def scores() -> dict:
    spec = importlib.util.spec_from_file_location("extract_quality", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.evaluate()


@pytest.mark.parametrize(
    ("field", "recall"),
    [
        ("sentences", 1.0),
        ("sentences (cited)", 1.0),
        ("cites", 1.0),
        ("settings", 1.0),
        ("outcomes (cited)", 0.9),
        # directions come only from an effect phrase bound to a named outcome (issue 14); the
        # curators also inferred some from context ("supports its value"), which extract must
        # not: measured 0.86 (cited) and 0.81
        ("direction (cited)", 0.83),
        ("direction", 0.78),
        # an intervention only when the sentence names it: by a label, by who delivers it
        # ("skilled peer workers") or by "it"/"its" for the one the sentence before named;
        # definitions and sentences about settings or integration name none: measured 0.70
        ("intervention", 0.65),
        ("mechanisms", 0.9),
    ],
)
def test_recall_on_the_curated_essay(scores: dict, field: str, recall: float) -> None:
    assert scores[field]["recall"] >= recall, scores["_misses"]


@pytest.mark.parametrize(
    "field", ["cites", "settings", "outcomes", "direction", "mechanisms", "intervention"]
)
def test_precision_on_the_curated_essay(scores: dict, field: str) -> None:
    assert scores[field]["precision"] >= 0.85


def test_direction_precision_is_high_because_directions_are_not_guessed(scores: dict) -> None:
    assert scores["direction"]["precision"] >= 0.95  # measured 1.00 (17 of 17)


def test_document_figures(scores: dict) -> None:
    doc = scores["_document"]
    assert (doc["references"], doc["citations_resolved"], doc["citations_unresolved"]) == (
        11,
        17,
        0,
    )
    assert doc["gold_sentences"] == 23
