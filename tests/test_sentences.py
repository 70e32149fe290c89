"""Sentence splitting: exact spans for the essay, abbreviations, brackets, headings, line ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peergraph.text.references import find_reference_section
from peergraph.text.sentences import Span, split_sentences

ESSAY = Path(__file__).parents[1] / "data" / "sources" / "000_97aa45ef93b773ce.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return ESSAY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def body_spans(text: str) -> list[Span]:
    start, _ = find_reference_section(text)
    return [s for s in split_sentences(text) if s.end <= start]


def _texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


# --- the essay ----------------------------------------------------------------------------------


def test_persistence_sentence_is_one_span(text: str) -> None:
    [span] = [s for s in split_sentences(text) if "six to nine months" in s.text]
    assert span.text == (
        "Studies indicate that these clinical improvements are not only observed immediately "
        "after intervention but can also persist for up to six to nine months post-treatment "
        "(Smit et al., 2023)."
    )
    assert text[span.start : span.end] == span.text


def test_two_citation_sentence_is_one_span(text: str) -> None:
    [span] = [s for s in split_sentences(text) if "(Chinman et al., 2014; Smit" in s.text]
    assert span.text.startswith("Peer support interventions (PSIs) have been shown")
    assert span.text.endswith("(Chinman et al., 2014; Smit et al., 2023).")


def test_every_span_equals_its_slice_of_the_essay(text: str) -> None:
    spans = split_sentences(text)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_essay_body_sentence_count_and_headings(body_spans: list[Span]) -> None:
    assert len(body_spans) == 30
    headings = [s.text for s in body_spans if not s.text.endswith(".")]
    assert headings == [
        "The Role of Peer Support in Mental Health Recovery Programs",
        "Peer Support and Clinical Recovery",
        "Peer Support and Personal Recovery",
        "Setting Matters: Where Peer Support Works Best",
        "Organisational Supports That Sustain Peer Programs",
        "Conclusion",
        "References",
    ]


def test_essay_paragraph_splits_into_its_sentences(text: str) -> None:
    start = text.index("Clinical recovery refers")
    end = text.index("\n", start)
    inner = [s.text[:40] for s in split_sentences(text) if start <= s.start < end]
    assert inner == [
        "Clinical recovery refers to improvements",
        "Peer support interventions (PSIs) have b",
    ]


# --- rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Smit et al. (2023) found this. Next one.",
            ["Smit et al. (2023) found this.", "Next one."],
        ),
        ("Use e.g. Peer work. Next.", ["Use e.g. Peer work.", "Next."]),
        ("That is, i.e. The rest. Next.", ["That is, i.e. The rest.", "Next."]),
        ("Peers vs. Clinicians differ. Next.", ["Peers vs. Clinicians differ.", "Next."]),
        ("Ask Dr. Smith today. Next.", ["Ask Dr. Smith today.", "Next."]),
        ("See cf. Smith here. Next.", ["See cf. Smith here.", "Next."]),
        ("As on p. 5 of it. Next.", ["As on p. 5 of it.", "Next."]),
        ("J. B. Smith wrote it. Yes.", ["J. B. Smith wrote it.", "Yes."]),
        ("The effect was 0.19 here. Next.", ["The effect was 0.19 here.", "Next."]),
        ("The effect was 0.19. Next.", ["The effect was 0.19.", "Next."]),
        ("In the U.S. Army it is. Next.", ["In the U.S. Army it is.", "Next."]),
        ("What? Yes! No.", ["What?", "Yes!", "No."]),
    ],
)
def test_abbreviations_initials_and_decimals(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_closing_parenthesis_and_quotes_stay_with_the_sentence() -> None:
    assert _texts("(This is bracketed.) Next.") == ["(This is bracketed.)", "Next."]
    assert _texts('He said "Stop." Then left.') == ['He said "Stop."', "Then left."]
    assert _texts("She wrote “Stop.” Then left.") == ["She wrote “Stop.”", "Then left."]


def test_lowercase_after_period_does_not_split() -> None:
    assert _texts("Values of approx. three were seen.") == ["Values of approx. three were seen."]


def test_heading_line_without_period_is_its_own_span() -> None:
    assert _texts("Conclusion\nPeer support works. It helps.") == [
        "Conclusion",
        "Peer support works.",
        "It helps.",
    ]


def test_windows_line_endings_and_blank_lines() -> None:
    text = "Heading\r\n\r\nFirst line. Second line.\r\nLast\r\n"
    spans = split_sentences(text)
    assert [s.text for s in spans] == ["Heading", "First line.", "Second line.", "Last"]
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert not any("\r" in s.text for s in spans)


def test_empty_and_blank_text_give_no_spans() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\r\n\t") == []


# --- properties ---------------------------------------------------------------------------------

_WORDS = st.sampled_from(
    [
        "peer",
        "support",
        "et al.",
        "e.g.",
        "0.19",
        "(Smit et al., 2023)",
        "Dr.",
        "J. B.",
        "hope",
        "x",
    ]
)
# a sentence never ends in an abbreviation here: "et al. Next" is ambiguous even to a reader
sentences = st.builds(
    lambda first, rest, last, end: " ".join([first, *rest, last]) + end,
    st.sampled_from(["Peer", "Hope", "Šimić", "Support"]),
    st.lists(_WORDS, max_size=12),
    st.sampled_from(["recovery", "2023", "(Smit et al., 2023)", "Šimić"]),
    st.sampled_from([".", "!", "?", ".)", '."']),
)


@given(st.lists(st.lists(sentences, min_size=1, max_size=4), min_size=1, max_size=4))
def test_generated_paragraphs_split_back_into_their_sentences(
    paragraphs: list[list[str]],
) -> None:
    text = "\r\n".join(" ".join(p) for p in paragraphs)
    spans = split_sentences(text)
    assert [s.text for s in spans] == [s for p in paragraphs for s in p]
    assert all(text[s.start : s.end] == s.text for s in spans)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_spans_are_ordered_slices_covering_all_non_blank_text(text: str) -> None:
    spans = split_sentences(text)
    assert all(text[s.start : s.end] == s.text and s.text == s.text.strip() for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    covered = "".join(s.text for s in spans)
    assert "".join(covered.split()) == "".join(text.split())
