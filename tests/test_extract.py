"""``peergraph extract``: drafts from a document, written so that the build accepts them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from peergraph import load
from peergraph.cli import main
from peergraph.curate.extract import extract_text, read_document, render_findings_yaml, write_drafts
from peergraph.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
REVIEW = FIXTURES / "review.md"
CURATED_FINDINGS = 27  # records in data/findings.yaml, none of them drafts


@pytest.fixture(scope="module")
def essay_drafts(request: pytest.FixtureRequest):
    text = (Path(__file__).parents[1] / "data/sources/000_97aa45ef93b773ce.txt").read_text("utf-8")
    return extract_text(text, source_id="essay", title="The essay")


@pytest.fixture(scope="module")
def review():
    return extract_text(REVIEW.read_text("utf-8"), source_id="review", title="Peer mentoring")


def _by_quote(extraction, start: str):
    return [f for f in extraction.findings if f.sentence.text.startswith(start)]


# --- the essay ------------------------------------------------------------------------------------


def test_essay_symptom_sentence_draft_matches_curated_f05(essay_drafts) -> None:
    [draft] = _by_quote(essay_drafts, "Peer support interventions (PSIs)")
    assert draft.cites == ("chinman2014", "smit2023")
    assert draft.direction == "reduces"
    assert {"anxiety", "depression", "psychosis"} <= set(draft.outcomes)  # via "these symptoms"
    assert draft.values["magnitude"] == ("small", "statistically-significant")
    assert "serious-mental-illness" in draft.values["populations"]
    assert draft.blocked is None


def test_essay_mixed_direction_sentence_splits_like_f12a_f12b(essay_drafts) -> None:
    drafts = _by_quote(essay_drafts, "Peer-led initiatives also contribute")
    by_direction = {d.direction: set(d.outcomes) for d in drafts}
    assert by_direction == {
        "improves": {"self-esteem", "social-connectedness", "subjective-wellbeing"},
        "reduces": {"stigma"},
    }
    assert [d.id[-1] for d in drafts] == ["a", "b"]
    assert {d.intervention for d in drafts} == {"peer-led-initiative"}


def test_essay_settings_comparison_and_shared_head_noun(essay_drafts) -> None:
    [f11] = _by_quote(essay_drafts, "However, the effects vary")
    assert f11.values["settings"] == ("hospital", "community", "online")
    assert (f11.outcomes, f11.direction) == (("personal-recovery",), "improves")
    f16 = _by_quote(essay_drafts, "Substance use and criminal justice settings")
    assert set(f16[0].values["settings"]) == {"substance-use-treatment", "criminal-justice"}
    assert {d.direction: d.outcomes for d in f16}["reduces"] == ("relapse",)


def test_essay_every_citation_resolves_and_reference_list_is_not_drafted(essay_drafts) -> None:
    assert (essay_drafts.citations_resolved, essay_drafts.unresolved) == (17, [])
    assert len(essay_drafts.references) == 11
    assert not any(f.sentence.text.startswith("Smit, D.") for f in essay_drafts.findings)
    assert not any(f.sentence.text.startswith("Peer Support and") for f in essay_drafts.findings)


# --- a Markdown document with reference variants -------------------------------------------------


def test_review_references_in_common_variants(review) -> None:
    refs = {r.key: r for r in review.references}
    assert sorted(refs) == [
        "lee2023a", "lee2023b", "novak2020", "oconnor2019", "simic2021",
        "worldhealthorganization2019",
    ]  # fmt: skip
    assert (refs["lee2023a"].first_page, refs["lee2023a"].last_page) == ("210", "218")  # hyphen
    assert (refs["lee2023b"].issue, refs["lee2023b"].last_page) == (None, "309")  # en dash
    assert refs["lee2023b"].doi == "10.1176/appi.ps.2023.0002"  # "doi:" prefix
    assert refs["novak2020"].doi == "10.1016/j.jad.2020.07.001"  # bare DOI
    assert refs["novak2020"].article_number == "112" and refs["novak2020"].authors_truncated
    assert [a.family for a in refs["oconnor2019"].authors] == ["O'Connor", "Tanaka"]
    assert [a.family for a in refs["simic2021"].authors] == ["Šimić", "Müller"]
    assert refs["worldhealthorganization2019"].authors[0].corporate


def test_review_citations_resolve_in_all_forms(review) -> None:
    cites = {f.sentence.text[:20]: f.cites for f in review.findings}
    assert cites["Early trials reporte"] == ("novak2020", "simic2021")  # et al.; "&" + non-ASCII
    assert cites["Novak et al. (2020) "] == ("novak2020",)  # narrative
    assert cites["Inpatient peer suppo"] == ("lee2023a", "lee2023b")  # 2023a, 2023b
    assert cites["Online peer support "] == ("oconnor2019",)  # "and"
    assert cites["Results for stigma w"] == ("worldhealthorganization2019",)  # corporate


def test_review_unresolved_citation_is_listed_and_its_record_commented_out(review) -> None:
    assert [c.raw for c in review.unresolved] == ["Ghost et al., 2018"]
    [ghost] = _by_quote(review, "Some authors argue")
    assert ghost.blocked and "Ghost et al., 2018" in ghost.blocked


def test_review_directions_from_cue_words(review) -> None:
    direction = {f.sentence.text[:20]: (f.direction, f.outcomes) for f in review.findings}
    assert direction["Novak et al. (2020) "] == ("reduces", ("depression",))
    assert direction["Online peer support "] == ("no-difference", ("anxiety",))
    assert direction["Results for stigma w"] == ("inconsistent", ("stigma",))
    assert direction["Inpatient peer suppo"] == (
        "improves", ("self-efficacy", "social-connectedness")
    )  # fmt: skip


# --- writing drafts and the curation loop ---------------------------------------------------------


def _records(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text("utf-8"))["findings"]


def test_drafts_validate_only_with_include_drafts_and_accepting_one_adds_it(
    data_copy: Path,
) -> None:
    written = write_drafts(REVIEW, data_copy)
    records = _records(written.findings_file)
    # 3 ready; 4 commented out: two name no intervention, one no outcome, one cites a
    # reference the list lacks
    assert len(records) == 3 and all(r["draft"] is True for r in records)
    assert written.source_file.read_bytes() == REVIEW.read_bytes()
    assert len(load(data_copy).findings) == CURATED_FINDINGS
    with_drafts = load(data_copy, include_drafts=True)
    assert len(with_drafts.findings) == CURATED_FINDINGS + 3
    assert with_drafts.sources["peer-mentoring-on-acute-wards-a-short"].references

    text = written.findings_file.read_text("utf-8")
    accepted = text.replace("    draft: true\n", "", 1)  # the curator confirms the first record
    written.findings_file.write_text(accepted, encoding="utf-8")
    with pytest.raises(
        DataError, match="source 'peer-mentoring-on-acute-wards-a-short' is still a"
    ):
        load(data_copy)  # its source must be accepted too
    sources = data_copy / "sources.yaml"
    text = sources.read_text("utf-8")
    sources.write_text(re.sub(r"\n\s*draft: true[^\n]*", "", text), encoding="utf-8")
    ids = {f.id for f in load(data_copy).findings}
    assert len(ids) == CURATED_FINDINGS + 1 and "peer-mentoring-on-acute-wards-a-short.003" in ids


def test_sources_yaml_keeps_its_comments_and_gains_a_draft_entry(data_copy: Path) -> None:
    before = (data_copy / "sources.yaml").read_text("utf-8")
    write_drafts(REVIEW, data_copy, source_id="review")
    after = (data_copy / "sources.yaml").read_text("utf-8")
    assert after.startswith(before)
    [_, entry] = yaml.safe_load(after)["sources"]
    assert entry["id"] == "review" and entry["draft"] is True
    assert entry["file"].startswith("sources/001_") and entry["file"].endswith(".md")


def test_build_without_drafts_ignores_a_draft_source(data_copy: Path) -> None:
    write_drafts(REVIEW, data_copy, source_id="review")
    assert list(load(data_copy).sources) == ["peer-support-essay"]


def test_windows_line_endings_give_quotes_without_carriage_returns(
    data_copy: Path, tmp_path: Path
) -> None:
    crlf = tmp_path / "review-crlf.txt"
    crlf.write_bytes(REVIEW.read_bytes().replace(b"\n", b"\r\n"))
    written = write_drafts(crlf, data_copy, source_id="crlf")
    records = _records(written.findings_file)
    assert len(records) == 3 and not any("\r" in r["quote"] for r in records)
    assert len(load(data_copy, include_drafts=True).findings) == CURATED_FINDINGS + 3


def test_same_doi_printed_differently_is_reported_not_doubled(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "other.txt"
    doc.write_text(
        "Another review\nPeer support reduced stigma (Smit et al., 2021).\nReferences\n"
        "Smit, D., Miguel, C., & Cuijpers, P. (2021). Peer support in mental illness. "
        "Psychological Medicine, 53, 1-2. https://doi.org/10.1017/s0033291722002422\n",
        encoding="utf-8",
    )
    assert main(["extract", str(doc), "--data", str(data_copy)]) == 0
    err = capsys.readouterr().err
    assert (
        "Warning: conflicting duplicate: reference smit2021 has DOI 10.1017/s0033291722002422"
        in err
    )
    assert "already cited by source peer-support-essay as smit2023" in err
    assert "year 2021 vs 2023" in err
    drafts = (data_copy / "findings" / "another-review.yaml").read_text("utf-8")
    assert "# WARNING: conflicting duplicate" in drafts


def test_document_without_references_is_drafted_with_an_empty_heading(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "notes.md"
    doc.write_text("# Notes\n\nPeer support groups improved hope and reduced stigma.\n", "utf-8")
    assert main(["extract", str(doc), "--data", str(data_copy), "--id", "notes"]) == 0
    assert "no reference list found" in capsys.readouterr().err
    entry = yaml.safe_load((data_copy / "sources.yaml").read_text("utf-8"))["sources"][-1]
    assert entry["references_heading"] == ""
    ds = load(data_copy, include_drafts=True)
    drafted = sorted((f.id, f.direction, tuple(f.outcomes)) for f in ds.findings if f.draft)
    assert drafted == [
        ("notes.001a", "improves", ("hope",)),
        ("notes.001b", "reduces", ("stigma",)),
    ]


# --- bad input: clear messages, exit 2, never a traceback ----------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the document is empty"),
        (b"  \r\n\n\t ", "the document is empty"),
        (b"%PDF-1.7\n\x00\x01binary", "cannot open the PDF"),
        (b"PK\x03\x04\x00\x00", "looks like a binary file"),
        ("Müller (2020) fand".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_unusable_documents_exit_2_with_a_message(
    content: bytes, message: str, tmp_path: Path, data_copy: Path, capsys
) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_bytes(content)
    assert main(["extract", str(doc), "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in err and "Traceback" not in err
    assert not (data_copy / "findings").exists()


def test_missing_document_and_same_document_twice(data_copy: Path, tmp_path: Path, capsys) -> None:
    assert main(["extract", str(tmp_path / "nope.txt"), "--data", str(data_copy)]) == 2
    assert "nope.txt: file not found" in capsys.readouterr().err
    essay = data_copy / "sources" / "000_97aa45ef93b773ce.txt"
    copy = tmp_path / "essay.txt"
    shutil.copyfile(essay, copy)
    assert main(["extract", str(copy), "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "this document is already in" in err and "as source 'peer-support-essay'" in err


def test_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    doc = tmp_path / "bom.txt"
    doc.write_bytes("\ufeffTitle\nText.".encode())
    assert read_document(doc) == "Title\nText."


def test_dry_run_prints_yaml_and_writes_nothing(data_copy: Path, capsys) -> None:
    assert main(["extract", str(REVIEW), "--data", str(data_copy), "--dry-run"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert len(printed["findings"]) == 3
    assert not (data_copy / "findings").exists()


_doc_text = st.lists(
    st.sampled_from(
        ["Peer support", " improved hope", " reduced stigma", " (Smit et al., 2019)", " vs. ", ".",
         " e.g. ", ";", "\r\n", "\n", "References\n", "Smit, D. (2019). T. J, 1, 2.\n", "Šimić",
         " & ", "\"", "\\", "#", ": "]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(_doc_text)
def test_any_text_drafts_verbatim_quotes_that_render_as_valid_yaml(text: str) -> None:
    ex = extract_text(text, source_id="x", title="x")
    for draft in ex.findings:
        assert text[draft.sentence.start : draft.sentence.end] == draft.sentence.text
    doc = yaml.safe_load(render_findings_yaml(ex))
    ready = [f for f in ex.findings if not f.blocked]
    assert [r["quote"] for r in doc["findings"]] == [f.sentence.text for f in ready]


def test_the_build_reads_the_stored_reading_and_refuses_it_once_the_text_changed(
    data_copy: Path,
) -> None:
    written = write_drafts(REVIEW, data_copy)
    refs_file = written.source_file.with_name(written.source_file.stem + ".refs.yaml")
    stored = yaml.safe_load(refs_file.read_text("utf-8"))
    assert stored["style"] == "apa" and len(stored["references"]) == 6
    source = load(data_copy, include_drafts=True).sources[written.extraction.source_id]
    assert sorted(source.references) == sorted(r["key"] for r in stored["references"])
    assert [None] == [k for _, _, k in source.citations or () if k is None]  # 'Ghost et al.'
    text = written.source_file.read_text("utf-8")
    written.source_file.write_text(text.replace("Peer", "Peer-", 1), encoding="utf-8")
    with pytest.raises(DataError, match="changed since this reading was stored"):
        load(data_copy, include_drafts=True)
