"""In-text citations: found with exact offsets, resolved to the essay's reference list."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peergraph.text.citations import NOT_NAMES, Citation, find_citations, resolve, resolve_all
from peergraph.text.references import (
    Reference,
    assign_keys,
    find_reference_section,
    parse_reference,
    parse_references,
)

ESSAY = Path(__file__).parents[1] / "data" / "sources" / "000_97aa45ef93b773ce.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return ESSAY.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def refs(text: str) -> list[Reference]:
    return parse_references(text)


@pytest.fixture(scope="module")
def body(text: str) -> str:
    """The essay before its reference list (the list itself is not prose)."""
    start, _ = find_reference_section(text)
    return text[:start]


def _one(text: str) -> Citation:
    [citation] = find_citations(text)
    return citation


# --- the essay ----------------------------------------------------------------------------------


def test_every_essay_citation_resolves(body: str, refs: list[Reference]) -> None:
    resolved, unresolved = resolve_all(body, refs)
    assert unresolved == []
    assert len(resolved) == 17
    assert {ref.key for _, ref in resolved} == {r.key for r in refs}


def test_essay_citation_offsets_slice_the_text(body: str) -> None:
    for c in find_citations(body):
        assert body[c.start : c.end] == c.raw


def test_two_citations_in_one_bracket_resolve_in_order(text: str, refs: list[Reference]) -> None:
    start = text.index("Peer support interventions (PSIs)")
    sentence = text[start : text.index("\n", start)]
    resolved, unresolved = resolve_all(sentence, refs)
    assert [ref.key for _, ref in resolved] == ["chinman2014", "smit2023"]
    assert [c.raw for c, _ in resolved] == ["Chinman et al., 2014", "Smit et al., 2023"]
    assert unresolved == []


def test_repper_and_carter_resolve_by_year(body: str, refs: list[Reference]) -> None:
    resolved, _ = resolve_all(body, refs)
    repper = [(c.year, ref.key) for c, ref in resolved if c.families[0] == "Repper"]
    assert repper == [(2023, "repper2023"), (2011, "repper2011"), (2011, "repper2011")]


# --- finding citations --------------------------------------------------------------------------


def test_parenthetical_et_al() -> None:
    c = _one("as shown (Smit et al., 2023).")
    assert (c.raw, c.families, c.et_al, c.year, c.year_suffix) == (
        "Smit et al., 2023",
        ("Smit",),
        True,
        2023,
        "",
    )


def test_several_in_one_bracket_with_ampersand() -> None:
    text = "(Repper & Carter, 2011; Solomon, 2004)"
    cs = find_citations(text)
    assert [(c.families, c.et_al, c.year) for c in cs] == [
        (("Repper", "Carter"), False, 2011),
        (("Solomon",), False, 2004),
    ]
    assert [text[c.start : c.end] for c in cs] == ["Repper & Carter, 2011", "Solomon, 2004"]


def test_and_instead_of_ampersand() -> None:
    assert _one("(Repper and Carter, 2011)").families == ("Repper", "Carter")


@pytest.mark.parametrize(
    ("text", "raw", "families", "et_al"),
    [
        ("Smit et al. (2023) found", "Smit et al. (2023)", ("Smit",), True),
        ("Repper and Carter (2023) argue", "Repper and Carter (2023)", ("Repper", "Carter"), False),
        ("Repper & Carter (2023) argue", "Repper & Carter (2023)", ("Repper", "Carter"), False),
        ("In Smit et al. (2023), x", "Smit et al. (2023)", ("Smit",), True),
        ("However, Smith and Jones (2019) x", "Smith and Jones (2019)", ("Smith", "Jones"), False),
        ("Moreover, Smith (2019) x", "Smith (2019)", ("Smith",), False),
        (
            "Smith, Jones, and Lee (2019)",
            "Smith, Jones, and Lee (2019)",
            ("Smith", "Jones", "Lee"),
            False,
        ),
        ("Smit et al.'s (2023, p. 4) study", "Smit et al.'s (2023, p. 4)", ("Smit",), True),
        ("Smit and colleagues (2023) x", "Smit and colleagues (2023)", ("Smit",), True),
        ("De Souza (2020) x", "De Souza (2020)", ("De Souza",), False),
        ("as van Os (2020) says", "van Os (2020)", ("van Os",), False),
    ],
)
def test_narrative_citations(text: str, raw: str, families: tuple[str, ...], et_al: bool) -> None:
    c = _one(text)
    assert (c.raw, c.families, c.et_al) == (raw, families, et_al)
    assert text[c.start : c.end] == raw


def test_year_suffix() -> None:
    c = _one("(Smit et al., 2023a)")
    assert (c.year, c.year_suffix) == (2023, "a")


@pytest.mark.parametrize(
    "text",
    [
        "(e.g., Smit et al., 2023)",
        "(see Smit et al., 2023, p. 5)",
        "(see also Smit et al., 2023)",
        "(cf. Smit et al., 2023)",
    ],
)
def test_prefixes_and_page_locators_are_left_out_of_raw(text: str) -> None:
    c = _one(text)
    assert c.raw == "Smit et al., 2023"
    assert text[c.start : c.end] == c.raw


def test_non_ascii_surnames_and_particles() -> None:
    cs = find_citations("(Šimić & Müller, 2019; van Os, 2020)")
    assert [c.families for c in cs] == [("Šimić", "Müller"), ("van Os",)]


def test_several_years_for_one_author_list() -> None:
    text = "(Smith, 2019, 2020b)"
    cs = find_citations(text)
    assert [(c.families, c.year, c.year_suffix) for c in cs] == [
        (("Smith",), 2019, ""),
        (("Smith",), 2020, "b"),
    ]
    assert [text[c.start : c.end] for c in cs] == ["Smith, 2019", "Smith, 2019, 2020b"]


def test_secondary_source_gives_both_citations() -> None:
    cs = find_citations("(Smith, 2000, as cited in Jones, 2010)")
    assert [(c.families, c.year) for c in cs] == [(("Smith",), 2000), (("Jones",), 2010)]


def test_corporate_author_in_parentheses() -> None:
    assert _one("(World Health Organization, 2019)").families == ("World Health Organization",)


@pytest.mark.parametrize(
    "text",
    [
        "serious mental illness (SMI) and (PSIs)",
        "from 2019 to 2020 (2019–2020)",
        "(n.d.)",
        "(p. 5)",
    ],
)
def test_non_citations_are_ignored(text: str) -> None:
    assert find_citations(text) == []


# --- resolving ----------------------------------------------------------------------------------

SMITH_2019 = parse_reference("Smith, J. (2019). One. Journal, 1, 2.")
SMITH_JONES_2019 = parse_reference("Smith, J., & Jones, K. (2019). Two. Journal, 1, 2.")
SMITH_LEE_2019 = parse_reference("Smith, J., & Lee, K. (2018). Three. Journal, 1, 2.")
SIMIC_2020 = parse_reference("Šimić, A., Müller, B., & Ng, C. (2020). Four. Journal, 1, 2.")


def test_resolve_never_matches_a_different_year() -> None:
    assert resolve(_one("(Smith, 2020)"), [SMITH_2019, SMITH_JONES_2019]) is None


def test_resolve_is_accent_and_case_insensitive() -> None:
    assert resolve(_one("(Simic et al., 2020)"), [SIMIC_2020]) is SIMIC_2020
    assert resolve(_one("(ŠIMIĆ et al., 2020)"), [SIMIC_2020]) is SIMIC_2020


def test_resolve_two_authors_requires_the_second_name() -> None:
    refs = [SMITH_2019, SMITH_JONES_2019]
    assert resolve(_one("(Smith & Jones, 2019)"), refs) is SMITH_JONES_2019
    assert resolve(_one("(Smith & Brown, 2019)"), refs) is None


def test_resolve_prefers_exact_author_count() -> None:
    assert resolve(_one("(Smith, 2019)"), [SMITH_2019, SMITH_JONES_2019]) is SMITH_2019


def test_resolve_et_al_accepts_two_or_more_authors_but_not_one() -> None:
    assert resolve(_one("(Smith et al., 2019)"), [SMITH_JONES_2019]) is SMITH_JONES_2019
    assert resolve(_one("(Smith et al., 2019)"), [SMITH_2019]) is None


def test_resolve_year_suffix_against_printed_or_assigned_suffix() -> None:
    a = parse_reference("Smith, J. (2019a). A. Journal, 1, 2.")
    b = parse_reference("Smith, J. (2019b). B. Journal, 1, 2.")
    assert resolve(_one("(Smith, 2019b)"), [a, b]) is b
    assert resolve(_one("(Smith, 2019)"), [a, b]) is None  # ambiguous, not guessed
    c, d = assign_keys(
        [
            parse_reference("Smith, J. (2019). C. J, 1, 2."),
            parse_reference("Smith, K. (2019). D. J, 1, 2."),
        ]
    )
    assert (c.key, d.key) == ("smith2019a", "smith2019b")
    assert resolve(_one("(Smith, 2019b)"), [c, d]) is d


def test_resolve_corporate_author_containing_and() -> None:
    ref = parse_reference(
        "Substance Abuse and Mental Health Services Administration. (2017). Peers. Journal, 1, 2."
    )
    citation = _one("(Substance Abuse and Mental Health Services Administration, 2017)")
    assert resolve(citation, [ref]) is ref


def test_resolve_all_splits_resolved_and_unresolved() -> None:
    resolved, unresolved = resolve_all("(Smith, 2019; Brown, 2019)", [SMITH_2019])
    assert [(c.raw, r) for c, r in resolved] == [("Smith, 2019", SMITH_2019)]
    assert [c.raw for c in unresolved] == ["Brown, 2019"]


# --- properties ---------------------------------------------------------------------------------

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
).filter(lambda name: name not in NOT_NAMES)
years = st.integers(1900, 2099)
suffixes = st.sampled_from(["", "", "a", "b"])
prose = st.sampled_from(["", "Peer support helps ", "as shown by ", "However, "])


@given(prose, families, years, suffixes)
def test_parenthetical_et_al_is_recovered(before: str, name: str, year: int, suffix: str) -> None:
    text = f"{before}recovery improves ({name} et al., {year}{suffix})."
    c = _one(text)
    assert (c.families, c.et_al, c.year, c.year_suffix) == ((name,), True, year, suffix)
    assert text[c.start : c.end] == c.raw == f"{name} et al., {year}{suffix}"


@given(prose, families, years)
def test_narrative_single_author_is_recovered(before: str, name: str, year: int) -> None:
    text = f"{before}{name} ({year}) reported gains."
    c = _one(text)
    assert (c.families, c.et_al, c.year) == ((name,), False, year)
    assert text[c.start : c.end] == c.raw == f"{name} ({year})"


@given(families, families, families, years, years, st.sampled_from(["&", "and"]))
def test_bracket_list_is_recovered(a: str, b: str, c: str, y1: int, y2: int, conj: str) -> None:
    text = f"Findings ({a} {conj} {b}, {y1}; {c}, {y2}) agree."
    found = find_citations(text)
    assert [(x.families, x.year) for x in found] == [((a, b), y1), ((c,), y2)]
    for x in found:
        assert text[x.start : x.end] == x.raw


@given(families, families, years)
def test_generated_citation_resolves_to_generated_reference(a: str, b: str, year: int) -> None:
    assume(a.casefold() != b.casefold())
    ref = parse_reference(f"{a}, J., & {b}, K. ({year}). Title. Journal, 1, 2.")
    other = parse_reference(f"{a}, J. ({year + 1}). Title. Journal, 1, 2.")
    for text in (f"({a} & {b}, {year})", f"{a} and {b} ({year})", f"({a} et al., {year})"):
        resolved, unresolved = resolve_all(text, [other, ref])
        assert [r for _, r in resolved] == [ref] and unresolved == []


# --- robustness on arbitrary text (issue 8) -------------------------------------------


@given(st.text(max_size=400))
def test_any_text_gives_citations_that_slice_the_text(text: str) -> None:
    found = find_citations(text)
    for c in found:
        assert text[c.start : c.end] == c.raw and str(c.year) in c.raw
    assert [(c.start, c.end) for c in found] == sorted((c.start, c.end) for c in found)


_citation_noise = st.text(alphabet=st.sampled_from("Aa ;,&().-1920éŠ\r\n"), max_size=120)


@given(_citation_noise, st.sampled_from(["", "\r\n", "\n"]))
def test_citation_like_noise_never_raises_and_every_citation_is_accounted(
    noise: str, eol: str
) -> None:
    text = f"Peer support helps (Smit et al., 2023).{eol}{noise}"
    refs = parse_references(ESSAY.read_text(encoding="utf-8"))
    resolved, unresolved = resolve_all(text, refs)
    assert len(resolved) + len(unresolved) == len(find_citations(text))
    assert resolved[0][1].key == "smit2023"


@given(families, years, st.lists(st.sampled_from("abcd"), min_size=2, max_size=4, unique=True))
def test_year_suffix_lists_give_one_citation_per_year(name: str, year: int, sfx: list[str]) -> None:
    years_text = ", ".join(f"{year}{s}" for s in sfx)
    text = f"Shown before ({name}, {years_text})."
    found = find_citations(text)
    assert [(c.families, c.year, c.year_suffix) for c in found] == [((name,), year, s) for s in sfx]
    refs = assign_keys(
        parse_reference(f"{name}, A. ({year}{s}). Title {s}. Journal, 1, 2.") for s in sfx
    )
    resolved, unresolved = resolve_all(text, refs)
    assert [r.key[-1] for _, r in resolved] == sfx and unresolved == []


# --- numeric citations in curated data: validation against the numbered list ----------------------

NUMBERED_SOURCE = (
    "Peer support raised hope (1,3) and lowered stigma (2–4).\n\n"
    "References\n"
    "1. Arden K, Boyle M. Peer work on wards. J Care. 2019;3(1):22–7.\n"
    "2. Cole DP, Dunn E. Hope and recovery. Psychiatr Serv. 2020;71:1–9.\n"
    "3. Ford G. Ward climate. J Nurs. 2018;12:3–5.\n"
    "4. Gray A, Hill B. Peer roles. BMC Psychiatry. 2021;21:10.\n"
)


def _numbered_data(tmp_path: Path, cites: str, refs_file: str | None = None) -> Path:
    """The bundled data plus a hand-added Vancouver source and one finding on its sentence."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parents[1] / "data", data)
    (data / "sources" / "vanc.txt").write_text(NUMBERED_SOURCE, encoding="utf-8")
    entry = "  - id: vanc\n    title: A numbered review\n    file: sources/vanc.txt\n"
    if refs_file is not None:
        (data / "sources" / "vanc.refs.yaml").write_text(refs_file, encoding="utf-8")
        entry += "    references_file: sources/vanc.refs.yaml\n"
    with (data / "sources.yaml").open("a", encoding="utf-8") as f:
        f.write(entry)
    (data / "findings").mkdir(exist_ok=True)
    (data / "findings" / "vanc.yaml").write_text(
        "findings:\n  - id: V1\n    source: vanc\n    label: Hope rose\n"
        '    quote: "Peer support raised hope (1,3) and lowered stigma (2–4)."\n'
        f"    cites: {cites}\n    intervention: peer-support\n    outcomes: [hope, stigma]\n"
        "    certainty: asserted\n",
        encoding="utf-8",
    )
    return data


def test_numeric_citations_in_a_quote_validate_against_the_numbered_list(tmp_path: Path) -> None:
    from peergraph.ingest.dataset import load

    ds = load(_numbered_data(tmp_path, "[arden2019, cole2020, ford2018, gray2021]"))
    source = ds.sources["vanc"]
    assert source.style == "vancouver"
    assert source.labels == {"arden2019": "1", "cole2020": "2", "ford2018": "3", "gray2021": "4"}
    [finding] = [f for f in ds.findings if f.source == "vanc"]
    assert finding.cites == ["arden2019", "cole2020", "ford2018", "gray2021"]


def test_cites_that_disagree_with_the_numbers_name_the_right_keys(tmp_path: Path) -> None:
    from peergraph.errors import DataError
    from peergraph.ingest.dataset import load

    with pytest.raises(DataError) as err:
        load(_numbered_data(tmp_path, "[arden2019]"))
    [problem] = err.value.problems
    assert problem.field == "cites"
    assert "use cites: [arden2019, ford2018, cole2020, gray2021]" in str(problem)


def test_a_stored_reading_is_used_instead_of_the_text_and_checked(tmp_path: Path) -> None:
    from peergraph.errors import DataError
    from peergraph.ingest.dataset import load

    # extract's stored reading: the build takes these keys and offsets, not a re-parse
    stored = (
        "style: vancouver\nreferences:\n"
        '  - {key: "arden2019", label: "1", start: 70, end: 133, authors: [["Arden", "K"]], '
        "year: 2019}\n"
        "citations:\n  - [25, 30, arden2019]\n  - [50, 55, null]\n"
    )
    with pytest.raises(DataError) as err:
        load(_numbered_data(tmp_path, "[arden2019]", stored))
    messages = [str(p) for p in err.value.problems]
    assert any("in-text citation '(2–4)' matches no reference of vanc" in m for m in messages)
    broken = stored.replace("end: 133", "end: 99999")
    with pytest.raises(DataError, match="offsets 70-99999 are outside vanc.txt"):
        load(_numbered_data(tmp_path / "b", "[arden2019]", broken))
