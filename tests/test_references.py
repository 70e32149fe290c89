"""APA reference-list parsing: the essay's 11 references exactly, common variants, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peergraph.text.references import (
    Author,
    Reference,
    ReferenceListError,
    ReferenceParseError,
    assign_keys,
    citation_key,
    find_reference_section,
    fold_name,
    parse_reference,
    parse_reference_lines,
    parse_references,
    study_designs,
)

ESSAY = Path(__file__).parents[1] / "data" / "sources" / "000_97aa45ef93b773ce.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return ESSAY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def refs(text: str) -> dict[str, Reference]:
    return {r.key: r for r in parse_references(text)}


# --- the essay ----------------------------------------------------------------------------------


def test_essay_has_eleven_references_with_expected_keys(text: str) -> None:
    keys = [r.key for r in parse_references(text)]
    assert keys == [
        "andreas2016",
        "boisvert2016",
        "byrne2023",
        "chinman2014",
        "davidson2022",
        "mulvale2019",
        "repper2011",
        "repper2023",
        "smit2023",
        "solomon2004",
        "tomas2023",
    ]


def test_reference_offsets_slice_the_printed_line(text: str, refs: dict[str, Reference]) -> None:
    for ref in refs.values():
        assert text[ref.start : ref.end] == ref.raw
        assert ref.raw in text.splitlines()


def test_reference_section_starts_after_heading(text: str) -> None:
    start, end = find_reference_section(text)
    assert text[start:].startswith("Andreas, J. B.")
    assert text[:end].endswith("j.schres.2023.01.012")


def test_chinman_has_seven_authors_ending_with_delphin_rittmon(refs: dict[str, Reference]) -> None:
    ref = refs["chinman2014"]
    assert len(ref.authors) == 7
    assert ref.authors[0] == Author("Chinman", "M.")
    assert ref.authors[2] == Author("Dougherty", "R. H.")
    assert ref.authors[-1] == Author("Delphin-Rittmon", "M. E.")


def test_chinman_volume_issue_pages_and_doi(refs: dict[str, Reference]) -> None:
    ref = refs["chinman2014"]
    assert (ref.volume, ref.issue, ref.first_page, ref.last_page) == ("65", "4", "429", "441")
    assert ref.doi == "10.1176/appi.ps.201300244"
    assert ref.journal == "Psychiatric Services"
    assert ref.title == (
        "Peer support services for individuals with serious mental illnesses: "
        "Assessing the evidence"
    )


def test_davidson_has_article_number_and_no_issue(refs: dict[str, Reference]) -> None:
    ref = refs["davidson2022"]
    assert ref.article_number == "1234"
    assert ref.volume == "22"
    assert ref.issue is None
    assert ref.first_page is None and ref.last_page is None
    assert ref.journal == "BMC Health Services Research"


def test_byrne_has_journal_but_no_volume_issue_or_pages(refs: dict[str, Reference]) -> None:
    ref = refs["byrne2023"]
    assert ref.journal == "International Journal of Mental Health Nursing"
    assert ref.volume is ref.issue is ref.first_page is ref.last_page is ref.article_number is None
    assert ref.doi == "10.1111/inm.13045"
    assert [a.family for a in ref.authors] == ["Byrne", "Happell", "Reid-Searl"]


def test_smit_journal_volume_issue_pages_and_designs(refs: dict[str, Reference]) -> None:
    ref = refs["smit2023"]
    assert ref.journal == "Psychological Medicine"
    assert (ref.volume, ref.issue, ref.first_page, ref.last_page) == ("53", "5", "1234", "1245")
    assert study_designs(ref.title) == ("systematic-review", "meta-analysis")
    assert len(ref.authors) == 6 and ref.authors[3] == Author("Groeneweg", "B.")


def test_solomon_single_author_volume_and_issue(refs: dict[str, Reference]) -> None:
    ref = refs["solomon2004"]
    assert ref.authors == (Author("Solomon", "P."),)
    assert (ref.volume, ref.issue) == ("27", "4")


def test_pages_with_en_dash_and_no_issue(refs: dict[str, Reference]) -> None:
    andreas = refs["andreas2016"]
    assert (andreas.volume, andreas.issue, andreas.first_page, andreas.last_page) == (
        "67",
        None,
        "1",
        "9",
    )
    assert refs["tomas2023"].volume == "250"


def test_doi_is_as_printed_and_doi_iri_is_lower_case(refs: dict[str, Reference]) -> None:
    ref = refs["boisvert2016"]
    assert ref.doi == "10.2147/SAR.S82471"
    assert ref.doi_iri == "https://doi.org/10.2147/sar.s82471"


@pytest.mark.parametrize(
    ("key", "designs"),
    [
        ("repper2011", ("literature-review",)),
        ("repper2023", ("systematic-review", "meta-analysis")),
        ("byrne2023", ("qualitative-study",)),
        ("davidson2022", ("qualitative-study",)),
        ("mulvale2019", ("systematic-review",)),
        ("tomas2023", ("systematic-review",)),
        ("chinman2014", ()),
        ("solomon2004", ()),
    ],
)
def test_study_designs_of_essay_references(
    refs: dict[str, Reference], key: str, designs: tuple[str, ...]
) -> None:
    assert study_designs(refs[key].title) == designs


# --- variants -----------------------------------------------------------------------------------


def test_corporate_author_with_non_doi_url() -> None:
    ref = parse_reference(
        "World Health Organization. (2019). Mental health action plan. https://www.who.int/x/plan"
    )
    assert ref.authors == (Author("World Health Organization", "", corporate=True),)
    assert ref.key == "worldhealthorganization2019"
    assert ref.title == "Mental health action plan"
    assert ref.doi is None and ref.doi_iri is None
    assert ref.url == "https://www.who.int/x/plan"


def test_corporate_author_containing_and_is_one_author() -> None:
    ref = parse_reference(
        "Substance Abuse and Mental Health Services Administration. (2017). Value of peers. "
        "Retrieved from https://www.samhsa.gov/peers.pdf"
    )
    assert len(ref.authors) == 1 and ref.authors[0].corporate
    assert ref.url == "https://www.samhsa.gov/peers.pdf"


def test_non_ascii_hyphenated_and_particle_names_with_and_doi_prefix() -> None:
    ref = parse_reference(
        "Šimić, A.-M., van der Berg, J., and Müller, H (2020a). Peer work in Europe? "
        "A narrative review. European Psychiatry, 63(1), Article e12. doi:10.1192/j.eurpsy.2020.12"
    )
    assert ref.authors == (
        Author("Šimić", "A.-M."),
        Author("van der Berg", "J."),
        Author("Müller", "H"),
    )
    assert (ref.year, ref.year_suffix, ref.key) == (2020, "a", "simic2020a")
    assert ref.title == "Peer work in Europe? A narrative review"
    assert ref.journal == "European Psychiatry"
    assert (ref.volume, ref.issue, ref.article_number) == ("63", "1", "e12")
    assert ref.doi == "10.1192/j.eurpsy.2020.12"
    assert study_designs(ref.title) == ("literature-review",)


def test_et_al_author_list_hyphen_pages_and_missing_doi() -> None:
    ref = parse_reference(
        "Smith, J. B., et al. (2018, March 3). Title here. Journal of X, 12, e101-e110."
    )
    assert ref.authors == (Author("Smith", "J. B."),)
    assert ref.authors_truncated
    assert (ref.volume, ref.issue, ref.first_page, ref.last_page) == ("12", None, "e101", "e110")
    assert ref.doi is None and ref.url is None


def test_apostrophe_particle_and_dx_doi_prefix() -> None:
    ref = parse_reference(
        "O'Brien, K., & de Vries, P. (2015). Peer support: A meta analysis. "
        "Psychological Bulletin, 141(3), 55-67. https://dx.doi.org/10.1037/A0038"
    )
    assert [a.family for a in ref.authors] == ["O'Brien", "de Vries"]
    assert ref.key == "obrien2015"
    assert ref.doi == "10.1037/A0038"
    assert ref.doi_iri == "https://doi.org/10.1037/a0038"
    assert study_designs(ref.title) == ("meta-analysis",)


@pytest.mark.parametrize(
    ("printed", "doi"),
    [
        ("https://doi.org/10.1037/A0038", "10.1037/A0038"),
        ("doi: 10.1037/a0038.", "10.1037/a0038"),
        ("DOI:10.1037/a0038", "10.1037/a0038"),
        ("10.1037/a0038", "10.1037/a0038"),
        ("https://doi.org/27.2004.392.401", "27.2004.392.401"),  # malformed: kept for validation
    ],
)
def test_doi_prefixes_are_removed_and_the_rest_kept_as_printed(printed: str, doi: str) -> None:
    ref = parse_reference(f"Smith, J. (2019). Title. Journal, 1, 2-3. {printed}")
    assert (ref.doi, ref.url, ref.last_page) == (doi, None, "3")


def test_jr_followed_by_initials_is_a_family_name() -> None:
    ref = parse_reference("Aa, J., & Jr, K. (1900). Title. Journal, 1, 2.")
    assert [a.family for a in ref.authors] == ["Aa", "Jr"]


def test_initials_without_dots_and_name_suffix() -> None:
    ref = parse_reference("Smith JB, Jones K. (2019). No dots. Journal, 5(2), 1-3.")
    assert ref.authors == (Author("Smith", "JB"), Author("Jones", "K"))
    ref = parse_reference("Smith, J., Jr., & Lee, K. (2010). Does it work? Journal of Y, 3, 4.")
    assert ref.authors == (Author("Smith", "J., Jr."), Author("Lee", "K."))
    assert ref.title == "Does it work?"
    assert (ref.volume, ref.first_page, ref.last_page) == ("3", "4", None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("Smith, J. Title. Journal, 5.", "no year in parentheses"),
        ("Smith, J. (n.d.). Title. Journal.", "undated reference"),
        ("(2019). Title. Journal, 1, 2.", "no authors before the year"),
        ("Smith, J. (2019).", "no title after the year"),
        ("   ", "empty reference"),
    ],
)
def test_unparseable_reference_says_what_is_missing(raw: str, message: str) -> None:
    with pytest.raises(ReferenceParseError, match=message):
        parse_reference(raw)


def test_parse_reference_offsets_exclude_surrounding_blanks() -> None:
    raw = "  Solomon, P. (2004). Title. Journal, 27(4), 392–401.  "
    ref = parse_reference(raw)
    assert raw[ref.start : ref.end] == ref.raw == raw.strip()


# --- sections and lists -------------------------------------------------------------------------

ONE_REF = "Solomon, P. (2004). Peer support. Psychiatric Rehabilitation Journal, 27(4), 392–401."


@pytest.mark.parametrize(
    "heading_line", ["References", "REFERENCES", "## References", "Bibliography", "Reference list:"]
)
def test_reference_heading_variants(heading_line: str) -> None:
    text = f"Body text (Solomon, 2004).\n{heading_line}\n{ONE_REF}\n"
    [ref] = parse_references(text)
    assert ref.key == "solomon2004"
    assert text[ref.start : ref.end] == ONE_REF


def test_reference_list_ends_at_next_markdown_heading_and_tolerates_crlf() -> None:
    text = f"Body.\r\n## References\r\n\r\n{ONE_REF}\r\n\r\n## Appendix\r\nNot a reference.\r\n"
    start, end = find_reference_section(text)
    assert text[start:end].strip() == ONE_REF
    [ref] = parse_references(text)
    assert text[ref.start : ref.end] == ONE_REF


def test_missing_heading_is_an_error() -> None:
    with pytest.raises(ReferenceParseError, match="no 'References' heading"):
        parse_references("Just prose.\nNo list here.")


def test_parse_references_reports_every_failing_line() -> None:
    text = f"References\n{ONE_REF}\nBroken line without year.\nSmith, J. (n.d.). Title. J.\n"
    with pytest.raises(ReferenceListError) as info:
        parse_references(text)
    errors = info.value.errors
    assert [e.line for e in errors] == [3, 4]
    assert "line 3: no year in parentheses" in str(errors[0])
    assert [r.key for r in info.value.references] == ["solomon2004"]
    refs, errs = parse_reference_lines(text)
    assert [r.key for r in refs] == ["solomon2004"] and len(errs) == 2


# --- keys ---------------------------------------------------------------------------------------


def test_fold_name_is_lower_case_ascii_alphanumerics() -> None:
    assert fold_name("Šimić-van Os") == "simicvanos"
    assert fold_name("Müller") == "muller"
    assert fold_name("Straße Łukasz Øster") == "strasselukaszoster"


def test_citation_key_uses_first_author_and_year(refs: dict[str, Reference]) -> None:
    assert citation_key(refs["chinman2014"]) == "chinman2014"


def test_assign_keys_adds_suffixes_only_on_collision() -> None:
    a = parse_reference("Smith, J. (2020). First. Journal, 1, 2.")
    b = parse_reference("Smith, K. (2020). Second. Journal, 1, 2.")
    c = parse_reference("Jones, K. (2020). Third. Journal, 1, 2.")
    assert [r.key for r in assign_keys([a, b, c])] == ["smith2020a", "smith2020b", "jones2020"]
    assert [r.key for r in assign_keys([a, c])] == ["smith2020", "jones2020"]


def test_assign_keys_keeps_printed_year_suffixes() -> None:
    a = parse_reference("Smith, J. (2020a). First. Journal, 1, 2.")
    b = parse_reference("Smith, J. (2020b). Second. Journal, 1, 2.")
    assert [r.key for r in assign_keys([a, b])] == ["smith2020a", "smith2020b"]


# --- study designs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "designs"),
    [
        ("A systematic review and meta-analysis", ("systematic-review", "meta-analysis")),
        ("Meta analysis of peer work", ("meta-analysis",)),
        ("A meta-analytic review", ("meta-analysis",)),
        ("Peer roles: a qualitative study", ("qualitative-study",)),
        ("Qualitative insights from peers", ("qualitative-study",)),
        ("A review of the literature on peers", ("literature-review",)),
        ("Peer work: a literature review", ("literature-review",)),
        ("Peer work: a narrative review", ("literature-review",)),
        ("A systematic literature review", ("systematic-review",)),
        ("A randomised controlled trial", ()),
    ],
)
def test_study_designs_from_title_keywords(title: str, designs: tuple[str, ...]) -> None:
    assert study_designs(title) == designs


# --- property: generated APA references round-trip ---------------------------------------------

_UPPER = "ABCDEFGHJKLMNOPRSTUVWZÅÉÖÜŠŽČŁØ"
_LOWER = "abcdefghijklmnoprstuvwyzáéíóäöüšžčćłøñ"

families = st.builds(
    lambda first, rest, second: first + rest + (f"-{second}" if second else ""),
    st.sampled_from(_UPPER),
    st.text(_LOWER, min_size=1, max_size=9),
    st.one_of(
        st.just(""),
        st.builds(str.__add__, st.sampled_from(_UPPER), st.text(_LOWER, min_size=1, max_size=6)),
    ),
)
initials = st.lists(st.sampled_from("ABCDEFGHJKLMNPRST"), min_size=1, max_size=3).map(
    lambda cs: " ".join(f"{c}." for c in cs)
)
words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
titles = st.builds(
    lambda first, rest, subtitle: (
        " ".join([first.capitalize(), *rest]) + (f": {subtitle.capitalize()}" if subtitle else "")
    ),
    words,
    st.lists(words, max_size=8),
    st.one_of(st.just(""), words),
)
journals = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=10).map(str.capitalize),
    min_size=1,
    max_size=4,
).map(" of ".join)


def _author_list(authors: list[tuple[str, str]]) -> str:
    names = [f"{f}, {i}" for f, i in authors]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


@given(
    authors=st.lists(st.tuples(families, initials), min_size=1, max_size=7),
    year=st.integers(1950, 2030),
    title=titles,
    journal=journals,
    volume=st.integers(1, 400),
    issue=st.one_of(st.none(), st.integers(1, 12)),
    pages=st.one_of(
        st.none(),
        st.tuples(st.integers(1, 999), st.integers(0, 50), st.sampled_from(["-", "–"])),
        st.integers(1, 99999).map(lambda n: f"Article {n}"),
    ),
    doi=st.one_of(
        st.none(),
        st.tuples(
            st.sampled_from(["https://doi.org/", "doi:", "http://dx.doi.org/", ""]),
            st.from_regex(
                r"10\.[0-9]{4,5}/[A-Za-z0-9][A-Za-z0-9.()-]{2,20}[A-Za-z0-9]", fullmatch=True
            ),
        ),
    ),
)
def test_generated_apa_reference_round_trips(
    authors: list[tuple[str, str]],
    year: int,
    title: str,
    journal: str,
    volume: int,
    issue: int | None,
    pages: tuple[int, int, str] | str | None,
    doi: tuple[str, str] | None,
) -> None:
    source = f"{journal}, {volume}" + (f"({issue})" if issue else "")
    if isinstance(pages, tuple):
        first, extra, dash = pages
        source += f", {first}{dash}{first + extra}"
    elif isinstance(pages, str):
        source += f", {pages}"
    raw = f"{_author_list(authors)} ({year}). {title}. {source}."
    if doi:
        raw += f" {doi[0]}{doi[1]}"

    ref = parse_reference(raw)

    assert ref.authors == tuple(Author(f, i) for f, i in authors)
    assert (ref.year, ref.year_suffix) == (year, "")
    assert ref.title == title
    assert ref.journal == journal
    assert ref.volume == str(volume)
    assert ref.issue == (str(issue) if issue else None)
    if isinstance(pages, tuple):
        assert (ref.first_page, ref.last_page) == (str(pages[0]), str(pages[0] + pages[1]))
    elif isinstance(pages, str):
        assert ref.article_number == pages.removeprefix("Article ")
    else:
        assert ref.first_page is ref.last_page is ref.article_number is None
    assert ref.doi == (doi[1] if doi else None)
    assert ref.key == fold_name(authors[0][0]) + str(year)
    assert (ref.start, ref.end) == (0, len(raw))


def test_empty_heading_means_the_document_has_no_reference_list() -> None:
    text = "A note citing nobody.\nReferences\nSmit, D. (2023). T. J, 1, 2.\n"
    assert parse_reference_lines(text, heading="") == ([], [])
