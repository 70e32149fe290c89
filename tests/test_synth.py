"""The synthetic evidence generator: valid data in our format, deterministic, realistic."""

from __future__ import annotations

import filecmp
from collections import Counter
from pathlib import Path

import pytest

from peergraph.cli import main
from peergraph.curate.synth import synthesize
from peergraph.ingest.dataset import load


@pytest.fixture(scope="module")
def synth30(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    synthesize(out, papers=30, seed=7)
    return out


@pytest.fixture(scope="module")
def ds30(synth30: Path):
    return load(synth30)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_same_seed_writes_the_same_bytes(synth30: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synthesize(again, papers=30, seed=7)
    assert _files(again) == _files(synth30)
    match, mismatch, errors = filecmp.cmpfiles(synth30, again, _files(synth30), shallow=False)
    assert mismatch == [] and errors == []


def test_another_seed_writes_other_data(synth30: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    synthesize(other, papers=30, seed=8)
    text = (other / "sources" / "synthetic-review.txt").read_bytes()
    assert text != (synth30 / "sources" / "synthetic-review.txt").read_bytes()


def test_generated_data_passes_every_check(ds30) -> None:
    source = ds30.sources["synthetic-review"]
    assert len(source.references) == 30
    assert len(ds30.findings) == 150  # five findings per paper


def test_quotes_sit_at_their_offsets_in_the_generated_text(ds30) -> None:
    text = ds30.sources["synthetic-review"].text
    for finding in ds30.findings:
        assert text[finding.start : finding.end] == finding.quote


def test_findings_cite_one_to_three_papers_and_some_cite_nothing(ds30) -> None:
    counts = Counter(len(f.cites) for f in ds30.findings)
    assert set(counts) <= {0, 1, 2, 3}
    assert counts[0] > 0 and counts[1] > counts[3] > 0


def test_outcome_and_setting_frequencies_are_skewed(ds30) -> None:
    outcomes = Counter(o for f in ds30.findings for o in f.outcomes)
    settings = Counter(s for f in ds30.findings for s in f.settings)
    assert outcomes.most_common()[0][1] >= 4 * outcomes.most_common()[-1][1]
    assert settings.most_common()[0][1] >= 2 * settings.most_common()[-1][1]


def test_some_sentences_carry_two_findings(ds30) -> None:
    per_sentence = Counter(f.start for f in ds30.findings)
    assert max(per_sentence.values()) == 2


def test_reference_list_is_apa_with_dois(ds30) -> None:
    refs = ds30.sources["synthetic-review"].references.values()
    assert sum(1 for r in refs if r.doi) >= 25
    assert all(r.journal and r.year and r.authors for r in refs)


def test_synth_command_writes_a_buildable_folder(tmp_path: Path, capsys) -> None:
    assert main(["synth", "--papers", "3", "--seed", "1", "--out", str(tmp_path / "d")]) == 0
    assert "wrote 3 files" in capsys.readouterr().out
    assert len(load(tmp_path / "d").findings) == 15


def test_synth_command_rejects_zero_papers(tmp_path: Path, capsys) -> None:
    assert main(["synth", "--papers", "0", "--out", str(tmp_path / "d")]) == 2
    assert "Error: --papers must be at least 1 (got 0)" in capsys.readouterr().err
