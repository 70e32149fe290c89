"""Bad input: one clear line per problem (file, record, field), non-zero exit, no traceback,
every problem in one run, and earlier exports left untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peergraph.cli import main

FINDINGS = "findings.yaml"


def run_build(data: Path, out: Path, capsys) -> tuple[int, str]:
    code = main(["build", "--data", str(data), "--out", str(out), "--quiet"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def edit(data: Path, old: str, new: str, name: str = FINDINGS, count: int = 1) -> None:
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_malformed_yaml_names_file_line_and_column(data_copy, tmp_path, capsys):
    edit(data_copy, "  - id: F05\n", "  - id: F05\n   bad: [unclosed\n")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 2
    assert re.search(r"Error: .*findings\.yaml:\d+:\d+: malformed YAML", err)


def test_unknown_outcome_suggests_the_closest_known_term(data_copy, tmp_path, capsys):
    edit(
        data_copy,
        "outcomes: [anxiety, depression, psychosis]\n    direction: reduces",
        "outcomes: [anxiety, depresion, psychosis]\n    direction: reduces",
    )
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert (
        "finding F05, field 'outcomes': unknown outcome 'depresion' (did you mean 'depression'?)"
        in err
    )


def test_unknown_setting_suggests_the_closest_known_term(data_copy, tmp_path, capsys):
    edit(data_copy, "settings: [hospital]", "settings: [hopsital]")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert "field 'settings': unknown setting 'hopsital' (did you mean 'hospital'?)" in err


def test_duplicate_ids_are_reported_with_the_first_use(data_copy, tmp_path, capsys):
    edit(data_copy, "  - id: F06\n", "  - id: F05\n")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert re.search(
        r"finding F05, field 'id': duplicate id 'F05' \(first used at .*findings\.yaml:\d+\)", err
    )


def test_citing_a_paper_not_among_the_references_is_reported(data_copy, tmp_path, capsys):
    edit(data_copy, "cites: [chinman2014, smit2023]", "cites: [chinman2014, smith2023]")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert (
        "finding F05, field 'cites': cites 'smith2023', which is not in the reference list" in err
    )
    assert "did you mean 'smit2023'?" in err


def test_cites_that_differ_from_the_in_text_citations_are_reported(data_copy, tmp_path, capsys):
    edit(data_copy, "cites: [chinman2014, smit2023]", "cites: [chinman2014]")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert (
        "finding F05, field 'cites': lists ['chinman2014'] but the sentence cites "
        "['chinman2014', 'smit2023'] in-text"
    ) in err


def test_malformed_doi_in_the_reference_list_is_reported(data_copy, tmp_path, capsys):
    essay = next((data_copy / "sources").iterdir())
    text = essay.read_text(encoding="utf-8").replace(
        "https://doi.org/10.2975/27.2004.392.401", "https://doi.org/27.2004.392.401"
    )
    essay.write_text(text, encoding="utf-8")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert "reference solomon2004, field 'doi': malformed DOI '27.2004.392.401'" in err


def test_quote_not_in_source_is_reported_with_the_closest_sentence(data_copy, tmp_path, capsys):
    edit(data_copy, "persist for up to six to nine months", "persist for up to six to ten months")
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert "field 'quote': quote not found verbatim in 000_97aa45ef93b773ce.txt" in err
    assert 'closest sentence: "Studies indicate that these clinical improvements' in err


def test_missing_required_field_is_reported(data_copy, tmp_path, capsys):
    edit(data_copy, "    intervention: peer-support\n", "", count=1)
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert "finding F01, field 'intervention': required field is missing" in err


def test_all_problems_are_reported_in_one_run(data_copy, tmp_path, capsys):
    edit(data_copy, "settings: [hospital]", "settings: [hopsital]")
    edit(data_copy, "cites: [chinman2014, smit2023]", "cites: [chinman2014, smith2023]")
    edit(data_copy, "    intervention: peer-support\n", "", count=1)
    code, err = run_build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert len([line for line in err.splitlines() if line.startswith("Error: ")]) >= 3


def test_a_failed_build_leaves_the_previous_exports_untouched(data_copy, tmp_path, capsys):
    out = tmp_path / "out"
    assert run_build(data_copy, out, capsys)[0] == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(data_copy, "settings: [hospital]", "settings: [hopsital]")
    assert run_build(data_copy, out, capsys)[0] == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("args", [["build", "--data", "/nonexistent/peergraph-data"]])
def test_missing_data_folder_is_bad_input(args, capsys):
    assert main(args) == 2
    assert "Error: /nonexistent/peergraph-data: data folder not found" in capsys.readouterr().err


def test_findings_too_large_to_build_fail_at_once_with_one_line(tmp_path, capsys, monkeypatch):
    """A findings file over the memory limit is refused before it is read; exports stay."""
    import shutil

    from peergraph.cli import main

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    out = tmp_path / "exports"
    assert main(["build", "--data", str(data), "--out", str(out), "-q"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setenv("PEERGRAPH_MAX_FINDINGS_MB", "0.01")  # the essay's file is ~30 KiB
    assert main(["build", "--data", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: ")
    assert "findings.yaml" in err[0] and "limit is 0.01 MiB" in err[0]
    assert "PEERGRAPH_MAX_FINDINGS_MB" in err[0] and "Traceback" not in err[0]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
