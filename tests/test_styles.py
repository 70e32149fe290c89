"""Reference lists and citations in the common styles (invented entries, one per style)."""

from __future__ import annotations

import pytest

from peergraph.text.styles import (
    find_numeric_citations,
    find_style_citations,
    parse_reference_list,
    resolve_style_citations,
)

BODY = "Peer support helps (Arden and Boyle, 2019; Cole et al., 2020).\n\n"

LISTS = {
    "apa": (
        "Arden, K., & Boyle, M. (2019). Peer work on wards. Journal of Care, 3(1), 22–27.\n"
        "Cole, D. P., Dunn, E., & Ford, G. (2020). Hope and recovery: A trial.\n"
        "Psychiatric Services, 71, 1–9. https://doi.org/10.1000/\nps.2020.001\n"
    ),
    "harvard": (
        "Arden, K., Boyle, M., 2019. Peer work on wards. J. Care 3, 22–27.\n"
        "Cole, D.P., Dunn, E., Ford, G., 2020. Hope and recovery: a trial. Psychiatr.\n"
        "Serv. 71, 1–9. doi: 10.1000/ps.2020. 001 .\n"
    ),
    "chicago": (
        "Arden, K., and M. Boyle. 2019. “Peer Work on Wards.” Journal of Care 3, no. 1:\n"
        "22–27.\n"
        "Cole, D. P., E. Dunn, and G. Ford. 2020. “Hope and Recovery: A Trial.”\n"
        "Psychiatric Services 71: 1–9. https://doi.org/10.1000/ps.2020.001.\n"
    ),
}


@pytest.mark.parametrize("style", sorted(LISTS))
def test_author_date_lists_give_style_first_author_year_and_doi(style: str) -> None:
    body = BODY
    if style == "chicago":  # no comma before the year
        body = BODY.replace(", 2019", " 2019").replace(", 2020", " 2020")
    text = body + "References\n" + LISTS[style]
    parsed = parse_reference_list(text)
    assert parsed.style == style
    got = [(r.authors[0].family, r.year, r.doi) for r in parsed.references]
    assert got == [("Arden", 2019, None), ("Cole", 2020, "10.1000/ps.2020.001")]
    pairs, missing = resolve_style_citations(find_style_citations(text, parsed), parsed)
    assert [r.key for _, r in pairs] == ["arden2019", "cole2020"] and missing == []


def test_cambridge_harvard_names_without_commas_are_harvard() -> None:
    text = (
        "Text (Arden and Boyle, 2019).\n\nReferences\n"
        "Arden K and Boyle M (2019) Peer work on wards. Journal of Care 3, 22–27.\n"
        "Cole DP, Dunn E and Ford G (2020) Hope and recovery: a trial. Psychiatric\n"
        "Services 71, 1–9.\n"
    )
    parsed = parse_reference_list(text)
    assert parsed.style == "harvard"
    assert [(r.authors[0].family, r.year) for r in parsed.references] == [
        ("Arden", 2019),
        ("Cole", 2020),
    ]


def test_vancouver_numbered_list_with_bracket_citations_and_ranges() -> None:
    text = (
        "Peer support helps [1]. It also helps hope [2–4] and more [1, 3].\n\nReferences\n"
        "1. Arden K, Boyle M. Peer work on wards. J Care. 2019;3(1):22–7.\n"
        "2. Cole DP, Dunn E, Ford G. Hope and recovery: a trial. Psychiatr Serv.\n"
        "2020;71:1–9. doi:10.1000/ps.2020.001\n"
        "3. World Health Organization. Mental health atlas. Geneva: WHO; 2021.\n"
        "4. Li W, Yu T. Ward climate. Chin J Nurs. 2018;12:3–5.\n"
    )
    parsed = parse_reference_list(text)
    assert parsed.style == "vancouver"
    assert [(r.authors[0].family, r.year) for r in parsed.references] == [
        ("Arden", 2019),
        ("Cole", 2020),
        ("World Health Organization", 2021),
        ("Li", 2018),
    ]
    assert parsed.references[1].doi == "10.1000/ps.2020.001"
    citations = find_style_citations(text, parsed)
    assert [c.number for c in citations] == [1, 2, 3, 4, 1, 3]
    pairs, missing = resolve_style_citations(citations, parsed)
    assert [r.authors[0].family for _, r in pairs][:2] == ["Arden", "Cole"] and missing == []


def test_plain_numbered_list_with_bracket_labels() -> None:
    text = (
        "See [2].\n\nReferences\n"
        "[1] K. Arden, Peer work on wards, in: Care Now, Springer, 2019.\n"
        "[2] D. Cole, Hope and recovery, PhD thesis, 2020.\n"
    )
    parsed = parse_reference_list(text)
    assert parsed.style == "numbered"
    assert parsed.labels == {r.key: str(i) for i, r in enumerate(parsed.references, 1)}
    assert [r.year for r in parsed.references] == [2019, 2020]


def test_parenthesised_numbers_count_only_when_the_document_uses_them() -> None:
    text = "Hope rose (1,3) and fell (2–4). Stigma (2) too."
    assert [c.number for c in find_numeric_citations(text, 4)] == [1, 3, 2, 3, 4, 2]
    # a number above the list's length is not a citation ("(2019)" or a figure)
    assert find_numeric_citations("In (2019) and [7].", 4) == []
    # bracketed citations win: then "(2)" is a list item, not a citation
    mixed = "As shown [1], [2]; the steps were (1) ask and (2) listen, see [3]."
    assert [c.raw for c in find_numeric_citations(mixed, 3)] == ["[1]", "[2]", "[3]"]


def test_access_dates_and_doi_digits_are_not_the_year() -> None:
    text = (
        "Body [1], [2].\n\nReferences\n"
        "1. Ebrahim Z. Teen suicide rise. Dawn; 2012. http://dawn.com/1. Accessed 15 Jan 2017.\n"
        "2. Yu T, Yao H. Causes of accidents. Prev Med. 2018;30:5. "
        "doi: 10.19485/j.cnki.issn2096-5087.2018.06.023\n"
    )
    parsed = parse_reference_list(text)
    assert [r.year for r in parsed.references] == [2012, 2018]
    assert parsed.references[0].authors[0].family == "Ebrahim"


def test_in_this_issue_is_not_an_author() -> None:
    from peergraph.text.citations import find_citations

    [c] = find_citations("In This Issue, Bakic and Ajdukovic (2021) argue for care.")
    assert c.families == ("Bakic", "Ajdukovic")


# --- layouts PDF converters produce (invented entries) ------------------------------------------


def test_labels_printed_as_a_column_of_their_own_are_given_out_in_sequence() -> None:
    # a converter wrote "2." and "3." before the entries, and no label for two of them
    text = (
        "Seen in [2] and [4].\n\nReferences\n"
        "1. Arden K. Peer work on wards. World\n\n2.\n\n3.\n\n"
        "Health Care, 2014. Accessed 15 Jan 2017.\n"
        "Boyle M, Reza H. Hope on wards. J Care. 1998;28:62–8.\n"
        "Cole DP, Dunn E. Ward climate. J Nurs. 2012;9:985–94.\n"
        "Ford G. Recovery in teams. Crisis. 2008;29:102–6.\n"
        "5. Gray A. Peer roles. BMC Psychiatry. 2014;14:1.\n"
    )
    parsed = parse_reference_list(text)
    got = {parsed.labels[r.key]: (r.authors[0].family, r.year) for r in parsed.references}
    assert got == {
        "1": ("Arden", 2014),
        "2": ("Boyle", 1998),
        "3": ("Cole", 2012),
        "4": ("Ford", 2008),
        "5": ("Gray", 2014),
    }
    pairs, missing = resolve_style_citations(find_style_citations(text, parsed), parsed)
    assert [r.authors[0].family for _, r in pairs] == ["Boyle", "Ford"] and missing == []


def test_corporate_author_before_the_year_in_cambridge_harvard() -> None:
    text = (
        "Rates rose (Arden and Boyle, 2019; National Institute for Ward Care, 2009).\n\n"
        "References\n"
        "Arden K and Boyle M (2019) Peer work on wards. Journal of Care 3, 22–27.\n"
        "National Institute for Ward Care (2009) Peer Support in Adults. London, England:\n"
        "National Institute for Ward Care.\n"
    )
    parsed = parse_reference_list(text)
    assert [(r.authors[0].family, r.year) for r in parsed.references] == [
        ("Arden", 2019),
        ("National Institute for Ward Care", 2009),
    ]
    pairs, missing = resolve_style_citations(find_style_citations(text, parsed), parsed)
    assert len(pairs) == 2 and missing == []


def test_doi_digits_wrapped_onto_their_own_line_stay_in_the_doi() -> None:
    text = (
        "See [1].\n\nReferences\n"
        "1. Arden K, Boyle M. Peer work on wards. J Care. (2002) 7:51–61. doi: 10.1000/135581902\n"
        "7674\n"
        "2. NICE. Peer support in adults. Clinical guideline CG90 2009.\n"
    )
    parsed = parse_reference_list(text)
    assert parsed.references[0].doi == "10.1000/1355819027674"
    assert (parsed.references[1].authors[0].family, parsed.references[1].year) == ("NICE", 2009)


def test_a_name_split_across_lines_and_an_empty_author_slot() -> None:
    text = (
        "Body (Arden et al., 2018; Cole et al., 2014).\n\nReferences\n"
        "Arden, K., de Bont, P. A. J. M., van der\n"
        "Vleugel, B. M., & Boyle, M. (2018). Peer work. Journal of Care, 3, 22–27.\n"
        "Cole, D., ., Dunn, E., & Ford, G. (2014). Hope on wards. Trials, 27(15), 335.\n"
    )
    parsed = parse_reference_list(text)
    assert [(r.authors[0].family, r.year) for r in parsed.references] == [
        ("Arden", 2018),
        ("Cole", 2014),
    ]
    assert [a.family for a in parsed.references[1].authors] == ["Cole", "Dunn", "Ford"]


def test_initials_before_et_al_are_not_a_citation() -> None:
    from peergraph.text.citations import find_citations

    assert find_citations("Cite this article: Arden-Boyle KA et al (2019). Peer work.") == []


# --- styles the shared corpus has no document for (invented references) -------------------------


def test_cite_them_right_harvard_list_and_citations() -> None:
    # Cite Them Right: "Surname, I. (Year) Title. Edition. Place: Publisher." / journal articles
    # "Surname, I. and Surname, I. (Year) 'Title', Journal, Vol(Issue), pp. x-y. doi:"
    text = (
        "Peer workers help (Arden and Boyle, 2019), as Cole (2021) and others argue "
        "(Dunn, Ford and Gray, 2020, p. 4; World Health Organization, 2018).\n\n"
        "Reference list\n"
        "Arden, K. and Boyle, M. (2019) 'Peer work on wards', Journal of Care, 3(1), pp. "
        "22-27. doi:10.1000/jc.2019.3.\n"
        "Cole, D.P. (2021) Hope and recovery. 2nd edn. London: Ward Press.\n"
        "Dunn, E., Ford, G. and Gray, A. (2020) 'Ward climate', Nursing Times, 116(4), pp. 1-9.\n"
        "World Health Organization (2018) Peer support in mental health. Geneva: WHO.\n"
    )
    parsed = parse_reference_list(text, "Reference list")
    assert parsed.style == "harvard"
    got = [(r.authors[0].family, r.year, r.doi) for r in parsed.references]
    assert got == [
        ("Arden", 2019, "10.1000/jc.2019.3"),
        ("Cole", 2021, None),
        ("Dunn", 2020, None),
        ("World Health Organization", 2018, None),
    ]
    pairs, missing = resolve_style_citations(find_style_citations(text, parsed), parsed)
    assert [r.key for _, r in pairs] == [
        "arden2019", "cole2021", "dunn2020", "worldhealthorganization2018"
    ] and missing == []  # fmt: skip


def test_parenthesised_numeric_citations_resolve_to_a_numbered_list() -> None:
    text = (
        "Peer support raised hope (1,3) and lowered stigma (2–4). Readmission fell (4).\n\n"
        "References\n"
        "1. Arden K, Boyle M. Peer work on wards. J Care. 2019;3(1):22–7.\n"
        "2. Cole DP, Dunn E. Hope and recovery. Psychiatr Serv. 2020;71:1–9.\n"
        "3. Ford G. Ward climate. J Nurs. 2018;12:3–5.\n"
        "4. Gray A, Hill B. Peer roles. BMC Psychiatry. 2021;21:10.\n"
    )
    parsed = parse_reference_list(text)
    assert parsed.style == "vancouver"
    citations = find_style_citations(text, parsed)
    assert [(c.raw, c.number) for c in citations] == [
        ("(1,3)", 1), ("(1,3)", 3), ("(2–4)", 2), ("(2–4)", 3), ("(2–4)", 4), ("(4)", 4)
    ]  # fmt: skip
    pairs, missing = resolve_style_citations(citations, parsed)
    assert [r.key for _, r in pairs] == [
        "arden2019", "ford2018", "cole2020", "ford2018", "gray2021", "gray2021"
    ] and missing == []  # fmt: skip
