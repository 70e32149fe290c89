"""``peergraph extract`` on JATS XML and PDF, and the documents it refuses with one clear line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from peergraph.cli import main
from peergraph.curate.documents import read_jats, read_pdf
from peergraph.curate.extract import extract_document
from peergraph.errors import UsageError

ROOT = Path(__file__).parents[1]

JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
<front><article-meta><title-group><article-title>Peer work on wards</article-title>
</title-group><abstract><p>Peer support reduced   readmission.</p></abstract></article-meta>
</front>
<body><sec><title>Introduction</title>
<p>Peer support improved hope<xref ref-type="bibr" rid="r1"><sup>1</sup></xref><sup>,</sup>
<xref ref-type="bibr" rid="r2"><sup>2</sup></xref>. Stigma fell in two trials
<xref ref-type="bibr" rid="r1">1</xref>&#x2013;<xref ref-type="bibr" rid="r3">3</xref>.</p>
</sec></body>
<back><ref-list><title>References</title>
<ref id="r1"><label>1</label><element-citation><person-group><name><surname>Arden</surname>
<given-names>K</given-names></name></person-group><year>2019</year>
<pub-id pub-id-type="doi">10.1000/ABC.1</pub-id></element-citation></ref>
<ref id="r2"><label>2</label><element-citation><collab>World Health Organization</collab>
<year>2021</year></element-citation></ref>
<ref id="r3"><label>3</label><mixed-citation>Cole DP, Dunn E (2020) Hope and recovery.
Psychiatric Services 71: 1-9.</mixed-citation></ref>
</ref-list></back></article>
"""


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_jats_gives_references_with_dois_and_xref_runs_at_their_offsets(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_text(JATS, encoding="utf-8")
    doc = read_jats(path)
    assert doc.text.splitlines()[:3] == [
        "Peer work on wards",
        "Peer support reduced readmission.",
        "Introduction",
    ]
    refs = doc.parsed.references
    assert [(r.authors[0].family, r.year, r.doi) for r in refs] == [
        ("Arden", 2019, "10.1000/abc.1"),
        ("World Health Organization", 2021, None),
        ("Cole", 2020, None),
    ]
    runs: dict[tuple[int, int], list[int]] = {}
    for c in doc.citations:
        assert doc.text[c.start : c.end] == c.raw
        runs.setdefault((c.start, c.end), []).append(c.number)
    assert list(runs.values()) == [[1, 2], [1, 2, 3]]  # "1,2" and the range "1–3"


def test_jats_extract_resolves_citations_and_stores_its_text(
    data_copy: Path, tmp_path: Path
) -> None:
    path = tmp_path / "a.xml"
    path.write_text(JATS, encoding="utf-8")
    assert main(["extract", str(path), "--data", str(data_copy), "-q"]) == 0
    stored = sorted((data_copy / "sources").glob("*.txt"))[-1].read_text("utf-8")
    assert stored == read_jats(path).text
    ex = extract_document(path, data_dir=ROOT / "data")
    assert ex.format == "jats" and ex.style == "numbered"
    assert (ex.citations_resolved, len(ex.unresolved)) == (5, 0)


def _two_column_pdf(path: Path) -> None:
    pymupdf = pytest.importorskip("pymupdf")
    doc = pymupdf.open()
    for n in (1, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_text((60, 30), "Journal of Peer Work (2024) 3:12", fontsize=8)
        page.insert_textbox(
            pymupdf.Rect(60, 80, 290, 400),
            f"Left column {n}. Peer support improved hope in a large multi-\ncentre trial.",
            fontsize=10,
        )
        page.insert_textbox(
            pymupdf.Rect(310, 80, 540, 400), f"Right column {n}. Stigma fell.", fontsize=10
        )
        page.insert_text((290, 820), f"Page {n} of 2", fontsize=8)
    doc.save(path)


def test_pdf_reads_columns_in_order_joins_hyphens_and_drops_headers(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    _two_column_pdf(path)
    doc = read_pdf(path)
    text = " ".join(doc.text.split())
    assert text.index("Left column 1") < text.index("Right column 1") < text.index("Left column 2")
    assert "multicentre" in text
    assert "Journal of Peer Work" not in text and "Page 1 of 2" not in text
    assert doc.page_of(doc.text.index("Left column 2")) == 2


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path, data_copy: Path, capsys) -> None:
    pymupdf = pytest.importorskip("pymupdf")
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    path = tmp_path / "scan.pdf"
    doc.save(path)
    with pytest.raises(UsageError, match="no text layer"):
        read_pdf(path)
    before = (data_copy / "sources.yaml").read_text("utf-8")
    assert main(["extract", str(path), "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "no text layer" in err and err.count("\n") == 1
    assert (data_copy / "sources.yaml").read_text("utf-8") == before
    assert not (data_copy / "findings").exists()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            "Peer support helps (Arden, 2019).\n\nReferences\n"
            "~~ nothing here looks like a reference ~~\n",
            "was not recognised",
        ),
        (
            "Hope rose (Arden, 2019). Stigma fell (Baker, 2018). Mood (Cole, 2017). "
            "Sleep (Dunn, 2016). Work (Ford, 2015). Rest (Arden, 2019).\n\nReferences\n"
            "Arden, K. (2019). Peer work. Journal of Care, 3, 1–2.\n"
            "Zed, Q. (2001). Other work. Journal of Care, 1, 1–2.\n",
            "in-text citations match no reference",
        ),
    ],
)
def test_unusable_reference_lists_exit_2_and_write_nothing(
    document: str, message: str, tmp_path: Path, data_copy: Path, capsys
) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(document, encoding="utf-8")
    before = (data_copy / "sources.yaml").read_text("utf-8")
    assert main(["extract", str(path), "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1
    assert (data_copy / "sources.yaml").read_text("utf-8") == before
    assert not (data_copy / "findings").exists()
