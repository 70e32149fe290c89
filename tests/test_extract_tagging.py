"""Tagging by SKOS labels/synonyms and direction cue words, with the spans that matched."""

from __future__ import annotations

import pytest

from peergraph.curate.tagging import tag_sentence


def _ids(sentence: str, field: str) -> list[str]:
    return tag_sentence(sentence).ids(field)


@pytest.mark.parametrize(
    ("sentence", "field", "expected"),
    [
        ("Peer Support Groups helped.", "intervention", ["peer-support-group"]),  # case
        ("a peer support group helped", "intervention", ["peer-support-group"]),  # singular alt
        ("They reported more hopefulness.", "outcomes", ["hope"]),
        ("Psychotic symptom severity fell.", "outcomes", ["psychosis"]),  # plural label, singular
        ("self efficacy and self-esteem rose", "outcomes", ["self-efficacy", "self-esteem"]),
        ("hospital based settings", "settings", ["hospital"]),  # hyphen-tolerant
        ("community-based and online programmes", "settings", ["community", "online"]),
        ("people with SMI", "populations", ["serious-mental-illness"]),
        ("people with smi", "populations", []),  # acronyms are case-sensitive
        (
            "mutual aid and shared experiences",
            "mechanisms",
            ["mutual-support", "shared-experience"],
        ),
    ],
)
def test_terms_match_labels_and_synonyms(sentence: str, field: str, expected: list[str]) -> None:
    assert _ids(sentence, field) == expected


def test_every_tag_records_the_exact_span() -> None:
    sentence = "Hospital-integrated peer services improved personal recovery outcomes."
    tagging = tag_sentence(sentence)
    for tag in tagging.tags + tagging.cues:
        assert sentence[tag.start : tag.end] == tag.text
    spans = {(t.field, t.concept): t.text for t in tagging.tags + tagging.cues}
    assert spans[("settings", "hospital")] == "Hospital-integrated peer services"  # longest label
    assert spans[("outcomes", "personal-recovery")] == "personal recovery outcomes"
    assert spans[("direction", "improves")] == "improved"


@pytest.mark.parametrize(
    ("sentence", "directions"),
    [
        ("Peer support reduces anxiety.", {"anxiety": "reduces"}),
        ("Peer support groups improve hope.", {"hope": "improves"}),
        ("Empowerment is often enhanced by peer work.", {"empowerment": "improves"}),
        ("There was no difference in depression.", {"depression": "no-difference"}),
        ("Effects on stigma were less consistent.", {"stigma": "inconsistent"}),
        ("Showing improvements in relapse rates.", {"relapse": "reduces"}),  # negative outcome
        ("improved self-esteem, reduced stigma", {"self-esteem": "improves", "stigma": "reduces"}),
        ("Clinical recovery refers to improvements in anxiety.", {"clinical-recovery": None,
                                                                   "anxiety": None}),
    ],
)  # fmt: skip
def test_directions_come_from_the_nearest_cue(sentence: str, directions: dict) -> None:
    assert tag_sentence(sentence).outcome_directions == directions


def test_recovery_oriented_is_not_a_recovery_outcome() -> None:
    assert _ids("modern recovery-oriented mental health services", "outcomes") == []


def test_these_outcomes_takes_the_previous_sentence_outcomes() -> None:
    first = tag_sentence("Personal recovery encompasses empowerment, hope and identity.")
    second = tag_sentence("Peer support promotes these outcomes.", previous=first)
    assert second.ids("outcomes") == ["personal-recovery", "empowerment", "hope", "identity"]
    assert set(second.outcome_directions.values()) == {"improves"}
    symptoms = tag_sentence("It led to reductions in these symptoms.", previous=tag_sentence(
        "Clinical recovery means fewer symptoms such as anxiety or psychosis."))  # fmt: skip
    assert symptoms.ids("outcomes") == ["symptoms", "anxiety", "psychosis"]


# --- what a sentence names without a vocabulary label (issue 14, point 4) --------------------


def test_a_pronoun_stands_for_the_intervention_of_the_sentence_before() -> None:
    previous = tag_sentence("Peer support groups meet weekly on the ward.")
    t = tag_sentence("As a low-cost approach, it offers members more hope.", previous=previous)
    [tag] = [x for x in t.tags if x.field == "intervention"]
    assert (tag.concept, tag.text) == ("peer-support-group", "it")
    chained = tag_sentence("Its value lies in shared experience.", previous=t)
    assert chained.ids("intervention") == ["peer-support-group"]


def test_an_expletive_it_or_no_intervention_before_names_none() -> None:
    previous = tag_sentence("Peer support groups meet weekly on the ward.")
    t = tag_sentence("It is important to note that hope rose.", previous=previous)
    assert t.ids("intervention") == []
    assert tag_sentence("Its members report more hope.").ids("intervention") == []
    assert (
        tag_sentence("It helps.", previous=tag_sentence("Wards are busy.")).ids("intervention")
        == []
    )


def test_who_delivers_it_names_the_intervention() -> None:
    assert _ids("Teams that keep skilled peer workers report less stigma.", "intervention") == [
        "peer-support-worker"
    ]
    assert _ids("Peer-designed programs foster agency.", "intervention") == ["peer-support"]


def test_a_cue_governing_to_deliver_binds_to_the_outcome() -> None:
    t = tag_sentence(
        "Online programmes foster agency but may lack the consistency or resourcing to deliver "
        "strong clinical outcomes."
    )
    assert t.outcome_directions == {"agency": "improves", "clinical-recovery": "inconsistent"}


def test_these_outcomes_do_not_mean_the_ones_set_aside_before() -> None:
    previous = tag_sentence(
        "The role goes beyond symptom management, encompassing hope and identity."
    )
    assert previous.set_aside == ("symptoms",)
    t = tag_sentence("Peer support promotes these outcomes.", previous=previous)
    assert t.outcome_directions == {"hope": "improves", "identity": "improves"}
