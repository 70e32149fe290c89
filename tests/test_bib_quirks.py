"""Reference-manager exports import without a traceback and with the right people and years.

Files with the quirks of Zotero, Mendeley, EndNote and JabRef (``tests/bib_quirks.py``: LaTeX
accents, protective braces, ``and others``, macros, biblatex dates, "First von Last" names, CRLF,
a byte-order mark, missing years; 250 records each) are generated here with known answers; the
RIS files of ``../shared/corpus/bib/`` are read where they are (skipped if absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from peergraph.cli import main
from peergraph.curate.bibimport import import_bib, read_bibliography
from peergraph.text.references import fold_name
from tests.bib_quirks import MANAGERS, bibtex, ris

ROOT = Path(__file__).resolve().parents[1]
CORPUS_BIB = ROOT.parent / "shared" / "corpus" / "bib"
N = 250
FILES = [(m, "bib") for m in MANAGERS] + [(m, "ris") for m in ("zotero", "mendeley", "endnote")]


def _write(tmp_path: Path, manager: str, ext: str):
    text, truths = (bibtex if ext == "bib" else ris)(manager, N)
    path = tmp_path / f"{manager}.{ext}"
    path.write_bytes(text.encode("utf-8"))
    return path, truths


@pytest.mark.parametrize(("manager", "ext"), FILES)
def test_every_record_is_read_right_or_reported(tmp_path, manager, ext):
    path, truths = _write(tmp_path, manager, ext)
    refs, problems = read_bibliography(path)
    dated = [t for t in truths if t.year is not None]
    assert len(refs) == len(dated)
    assert len(problems) == len(truths) - len(dated)
    assert all("no year" in p.message for p in problems)
    by_title = {r.title: r for r in refs}
    for truth in dated:
        ref = by_title[truth.title]
        assert ref.year == truth.year
        assert ref.doi == truth.doi
        got = [(fold_name(a.family), fold_name(a.given)[:1]) for a in ref.authors]
        assert got == [(fold_name(f), fold_name(i)[:1]) for f, i in truth.authors], truth.key
    # names come back in their own letters, not as LaTeX
    families = {a.family for r in refs for a in r.authors}
    assert {"Müller", "Šimić", "Øvretveit", "Łukasiewicz", "van der Berg"} <= families


@pytest.mark.parametrize(("manager", "ext"), FILES)
def test_import_bib_takes_a_few_hundred_records_with_unique_keys(
    data_copy, tmp_path, capsys, manager, ext
):
    path, truths = _write(tmp_path, manager, ext)
    code = main(["import-bib", str(path), "--data", str(data_copy), "--quiet"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    result = import_bib(path, data_copy, dry_run=True)  # a second import: all already present
    assert result.added == []
    keys = [r.key for r in read_bibliography(path)[0]]
    from peergraph.ingest.papers import read_papers

    papers, problems = read_papers(data_copy, include_drafts=True)
    assert problems == []
    assert len(papers) == len(keys) == len({p.key for p in papers})


def test_corpus_ris_files_import_in_place(data_copy, capsys):
    if not CORPUS_BIB.is_dir():
        pytest.skip("../shared/corpus/bib is not here")
    full, problems = read_bibliography(CORPUS_BIB / "rispy-example_full.ris")
    assert problems == []
    assert [(r.year, r.title) for r in full] == [
        (2014, "Title of reference"),
        (2006, "The title of the reference"),
    ]
    assert [(a.family, a.given) for a in full[0].authors] == [("Marx", "K."), ("Lindgren", "A.")]
    wos, problems = read_bibliography(CORPUS_BIB / "rispy-example_wos.ris")  # Web of Science
    assert problems == []
    assert wos[0].doi == "10.1021/bi049798f" and wos[0].year == 2004
    assert [(a.family, a.given) for a in wos[0].authors][:2] == [
        ("Parkes-Loach", "P. S."),
        ("Majeed", "A. P."),
    ]
    for name in ("rispy-example_full.ris", "rispy-example_wos.ris"):
        code = main(["import-bib", str(CORPUS_BIB / name), "--data", str(data_copy), "-q"])
        assert code == 0
        assert "Traceback" not in capsys.readouterr().err
