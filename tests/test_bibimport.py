"""``peergraph import-bib``: BibTeX and RIS exports become draft records of data/papers.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from peergraph.cli import main
from peergraph.curate.bibimport import (
    format_apa,
    import_bib,
    latex_to_text,
    normalise_doi,
    parse_bibtex,
    read_bibliography,
    read_papers,
)

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
BIB = FIXTURES / "library.bib"
RIS = FIXTURES / "library.ris"


def test_bibtex_fields_accents_macros_and_dois() -> None:
    refs, problems = read_bibliography(BIB)
    by_key = {r.key: r for r in refs}
    assert sorted(by_key) == ["repper2012", "simic2021", "smit2023", "worldhealthorganization2019"]
    smit = by_key["smit2023"]
    assert smit.journal == "Psychological Medicine"  # @string macro
    assert (smit.volume, smit.issue, smit.first_page, smit.last_page) == ("53", "5", "1234", "1245")
    assert smit.doi == "10.1017/S0033291722002422" and len(smit.authors) == 6
    assert smit.authors[2].family == "Vrijsen" and smit.authors[2].given == "J. N."
    simic = by_key["simic2021"]
    assert [(a.family, a.given) for a in simic.authors] == [("Šimić", "A."), ("Müller", "J.-P.")]
    assert simic.doi == "10.1080/09638237.2021.0000001"  # https://doi.org/ prefix removed
    assert simic.article_number == "e12" and simic.first_page is None
    assert by_key["repper2012"].doi == "10.3109/09638237.2011.583947"  # doi: prefix removed
    who = by_key["worldhealthorganization2019"]
    assert who.authors[0].corporate and who.url == "https://www.who.int/publications/peer-support"
    [problem] = problems
    assert "entry noyear (line 41): no year" in str(problem)


def test_ris_with_windows_line_endings() -> None:
    refs, problems = read_bibliography(RIS)
    assert problems == []
    muller, tomas = refs
    assert [(a.family, a.given) for a in muller.authors] == [("Müller", "K."), ("O'Brien", "S.")]
    assert (muller.year, muller.journal, muller.first_page) == (2022, "BMC Psychiatry", "101")
    assert muller.doi == "10.1186/s12888-022-00001-1"
    assert (tomas.key, tomas.first_page, tomas.last_page) == ("tomas2023", "45", "53")


def test_apa_rendering_of_an_imported_paper() -> None:
    refs, _ = read_bibliography(BIB)
    simic = next(r for r in refs if r.key == "simic2021")
    assert format_apa(simic) == (
        "Šimić, A., & Müller, J.-P. (2021). Peer mentoring and hope in community mental health. "
        "Journal of Mental Health, 30, Article e12. https://doi.org/10.1080/09638237.2021.0000001"
    )


def test_import_adds_new_papers_skips_same_doi_and_reports_conflicts(data_copy: Path) -> None:
    result = import_bib(BIB, data_copy)
    assert [r.key for r in result.added] == ["simic2021", "worldhealthorganization2019"]
    assert result.duplicates == [
        "smit2023: DOI 10.1017/S0033291722002422 is already smit2023 in source peer-support-essay"
    ]
    [conflict] = result.conflicts
    assert conflict.startswith("repper2012: DOI 10.3109/09638237.2011.583947 is already repper2011")
    assert "year 2012 vs 2011" in conflict
    records = yaml.safe_load((data_copy / "papers.yaml").read_text("utf-8"))["papers"]
    assert [r["key"] for r in records] == ["simic2021", "worldhealthorganization2019"]
    assert all(r["draft"] is True for r in records)
    assert records[0]["imported_from"] == "library.bib, entry simic2021 (line 15)"

    again = import_bib(BIB, data_copy)  # idempotent: nothing is doubled
    assert again.added == [] and len(again.duplicates) == 3
    ris = import_bib(RIS, data_copy)  # RIS DOI in upper case matches the essay's tomas2023
    assert [r.key for r in ris.added] == ["muller2022"]
    assert ris.duplicates[0].startswith("tomas2023: DOI 10.1016/J.SCHRES.2023.01.012")


def test_papers_file_is_read_back_drafts_only_on_request(data_copy: Path) -> None:
    import_bib(BIB, data_copy)
    assert read_papers(data_copy) == ([], [])
    papers, problems = read_papers(data_copy, include_drafts=True)
    assert problems == [] and [p.key for p in papers] == [
        "simic2021",
        "worldhealthorganization2019",
    ]
    assert papers[0].doi_iri == "https://doi.org/10.1080/09638237.2021.0000001"
    path = data_copy / "papers.yaml"
    path.write_text(path.read_text("utf-8").replace("    draft: true\n", "", 1), "utf-8")
    assert [p.key for p in read_papers(data_copy)[0]] == ["simic2021"]


def test_key_collision_gets_a_letter(data_copy: Path, tmp_path: Path) -> None:
    bib = tmp_path / "s.bib"
    bib.write_text(
        "@article{a, author={Smit, D.}, title={Other}, journal={J}, year={2023}, doi={10.1000/x}}",
        "utf-8",
    )
    assert [r.key for r in import_bib(bib, data_copy).added] == ["smit2023b"]


def test_cli_exit_codes(data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["import-bib", str(BIB), "--data", str(data_copy)]) == 1  # a conflict
    captured = capsys.readouterr()
    assert "Warning: conflicting duplicate repper2012" in captured.err
    assert "2 papers added, 1 already present, 1 conflicting duplicate, 1 entry skipped" in (
        captured.out
    )
    empty = tmp_path / "empty.bib"
    empty.write_text("% nothing here\n", "utf-8")
    assert main(["import-bib", str(empty), "--data", str(data_copy)]) == 2
    assert "no BibTeX entries found" in capsys.readouterr().err
    binary = tmp_path / "x.ris"
    binary.write_bytes(b"\x00\x01\x02")
    assert main(["import-bib", str(binary), "--data", str(data_copy)]) == 2
    assert "binary file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1000/ABC", "10.1000/ABC"),
        ("http://dx.doi.org/10.1000/abc.", "10.1000/abc"),
        ("doi: 10.1000/x(1)2", "10.1000/x(1)2"),
        ("10.1000/x", "10.1000/x"),
        ("  ", None),
    ],
)
def test_normalise_doi(raw: str, doi: str | None) -> None:
    assert normalise_doi(raw) == doi


def test_latex_escapes() -> None:
    assert latex_to_text(r"{\v{S}}imi{\'c} and M{\"u}ller, {\o}stby \& {\ss}") == (
        "Šimić and Müller, østby & ß"
    )


@given(st.text(max_size=300))
def test_bibtex_parser_never_crashes(text: str) -> None:
    entries, errors = parse_bibtex(text)
    assert isinstance(entries, list) and isinstance(errors, list)


def test_imported_papers_enter_the_graph_once_accepted_and_never_as_printed_references(
    data_copy: Path,
) -> None:
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS, RDF

    from peergraph import load
    from peergraph.iris import PG
    from peergraph.mapping.triples import build_graph

    main(["import-bib", str(BIB), "--data", str(data_copy)])
    assert len(set(build_graph(load(data_copy)).subjects(RDF.type, PG.Paper))) == 11
    g = build_graph(load(data_copy, include_drafts=True))
    papers = set(g.subjects(RDF.type, PG.Paper))
    assert len(papers) == 13
    imported = URIRef("https://w3id.org/peergraph/data/paper/worldhealthorganization2019")
    assert imported in papers
    assert g.value(imported, PG.citedIn) is None
    assert g.value(imported, DCTERMS.bibliographicCitation) is None
