"""Drafts say only what the sentence says: intervention, direction, negation, certainty, claims."""

from __future__ import annotations

import pytest

from peergraph.curate.extract import extract_text, render_findings_yaml
from peergraph.curate.tagging import candidate_terms, certainty, is_claim, tag_sentence


def _draft(sentence: str):
    ex = extract_text(sentence + "\n", source_id="t", title="t", heading="")
    return ex, ex.findings


def test_no_intervention_unless_the_sentence_names_one() -> None:
    _, [draft] = _draft("Rates of anxiety rose sharply among flood survivors in 2021.")
    assert draft.intervention is None
    _, [named] = _draft("Peer support groups reduced depressive symptoms in a trial.")
    assert named.intervention == "peer-support-group"


def test_increasing_attention_gives_no_direction() -> None:
    tagging = tag_sentence("There is increasing attention to anxiety among young adults.")
    assert tagging.ids("outcomes") == ["anxiety"]
    assert tagging.outcome_directions == {"anxiety": None}


def test_growing_worry_over_a_threat_is_not_a_reduction() -> None:
    tagging = tag_sentence("The growing anxiety over the existential threat shapes daily life.")
    assert tagging.outcome_directions == {"anxiety": None}


@pytest.mark.parametrize(
    ("sentence", "direction"),
    [
        ("Peer support reduced stigma.", "reduces"),
        ("Hope was significantly improved after the programme.", "improves"),
        ("Improvements in relapse rates, hope, and self-esteem were found.", None),
        ("The programme did not reduce anxiety.", "no-difference"),
        ("Mentoring failed to improve hope.", "no-difference"),
    ],
)
def test_direction_comes_from_an_effect_phrase_bound_to_the_outcome(
    sentence: str, direction: str | None
) -> None:
    directions = set(tag_sentence(sentence).outcome_directions.values())
    if direction is None:  # coordinated outcomes share the cue: relapse reduces, others improve
        assert directions == {"reduces", "improves"}
    else:
        assert directions == {direction}


@pytest.mark.parametrize(
    ("sentence", "level", "cue"),
    [
        ("Peer support reduced stigma.", "asserted", None),
        ("Peer support may reduce stigma.", "hedged", "may"),
        ("Peer support could possibly reduce stigma.", "speculative", "could"),
        ("Peer support reduces stigma only when supervision is in place.", "necessary-condition",
         "only when"),
    ],
)  # fmt: skip
def test_certainty_level_and_cue(sentence: str, level: str, cue: str | None) -> None:
    assert certainty(sentence) == (level, cue)


def test_certainty_is_carried_into_the_draft_with_its_cue() -> None:
    ex, _ = _draft("Peer support groups may reduce depressive symptoms.")
    assert 'certainty: {level: hedged, cue: "may"}' in render_findings_yaml(ex)


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        ("Peer support reduced readmissions by 20%.", True),
        ("We searched five databases for trials.", False),
        ("The aim of this review is to map the literature.", False),
        ("Methods: Two reviewers screened all titles.", False),
        ("Services should offer peer support.", False),
        ("We included 12 studies and found that hope improved.", True),
    ],
)
def test_claim_sentences(sentence: str, claim: bool) -> None:
    assert is_claim(sentence)[0] is claim


def test_unknown_outcome_proposes_a_candidate_term_instead_of_silence() -> None:
    sentence = "Peer support reduced loneliness scores among older carers."
    [candidate] = candidate_terms(sentence, tag_sentence(sentence))
    assert (candidate.field, candidate.label) == ("outcomes", "loneliness scores")
    ex, [draft] = _draft(sentence)
    assert draft.blocked and "no outcome" in draft.blocked
    text = render_findings_yaml(ex)
    assert 'candidate outcomes term: "loneliness scores" <- "reduced loneliness scores"' in text
