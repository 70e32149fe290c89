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
