"""Every corpus document, drafted by ``peergraph extract``, builds with ``--include-drafts``, and
the accepted drafts cite the papers the gold annotations say their sentences cite.

The documents live beside the checkout (``../shared/corpus``) and are never copied here. A
curator's acceptance is played out as written in the drafts file: a commented-out record is
un-commented and the missing outcome or intervention filled in; records held back because a
citation matches no usable reference stay out.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from peergraph.curate.extract import write_drafts
from peergraph.ingest.dataset import load
from peergraph.pipeline import build
from peergraph.text.references import fold_name

ROOT = Path(__file__).parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "gold" / "corpus"
DOCUMENTS = sorted(
    str(p.relative_to(CORPUS)) for kind in ("text", "jats", "pdf") for p in CORPUS.glob(f"{kind}/*")
)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not beside the repo")


def accept_drafts(findings_file: Path) -> int:
    """Un-comment every held-back record a curator can complete; return how many were."""
    out: list[str] = []
    accepted = 0
    lines = findings_file.read_text("utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        reason = line.removeprefix("  # NOT READY: ")
        if reason != line and not re.search(r"matches no reference|prints no year", reason):
            record = []
            i += 1
            while (
                i < len(lines)
                and lines[i].startswith("  # ")
                and not lines[i].startswith("  # NOT READY")
                and lines[i].strip()
            ):
                record.append("  " + lines[i][4:])
                i += 1
            body = "\n".join(record)
            if "    cites: []" in body:  # only records that cite: those are what is checked
                out += [f"  # {r[2:]}" for r in record]
                continue
            body = body.replace("\n    outcomes: []", "\n    outcomes: [symptoms]")
            if "\n    intervention:" not in body:
                body = body.replace(
                    "\n    outcomes:", "\n    intervention: peer-support\n    outcomes:", 1
                )
            out.append(body)
            accepted += 1
            continue
        out.append(line)
        i += 1
    text = "\n".join(out) + "\n"
    findings_file.write_text(text.replace("findings: []", "findings:", 1), encoding="utf-8")
    return accepted


@pytest.fixture(scope="module", params=DOCUMENTS)
def built(request, tmp_path_factory) -> dict:
    doc = CORPUS / request.param
    if doc.suffix == ".pdf":
        pytest.importorskip("pymupdf")
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(ROOT / "data", data)
    written = write_drafts(doc, data)
    accepted = accept_drafts(written.findings_file)
    out = data.parent / "exports"
    build(data, out, include_drafts=True)
    ds = load(data, include_drafts=True)
    source = ds.sources[written.extraction.source_id]
    gold = json.loads((GOLD / f"{doc.stem}.json").read_text("utf-8"))
    findings = [f for f in ds.findings if f.source == source.id]
    return {
        "doc": doc, "gold": gold, "source": source, "findings": findings, "accepted": accepted,
        "nt": (out / "peergraph.nt").read_text("utf-8"),
    }  # fmt: skip


def _gold_number(ref, label: str | None, gold: dict, source) -> int | None:  # noqa: ANN001
    """The gold reference ``n`` of a reference of ours: by label, else by first author + year
    (the k-th of ours with that author and year, in list order, is the k-th of the gold's)."""
    refs = gold["references"]
    if gold["style"] in ("vancouver", "numbered") and gold["format"] != "jats":
        return next((r["n"] for r in refs if r["label"] == label), None)
    if gold["format"] == "jats":
        return int(label) if label else None

    def same(name: str, year: str) -> bool:
        return fold_name(name) == fold_name(ref.authors[0].family) and year == str(ref.year)

    hits = [r["n"] for r in refs if same(r["first_author"], (r["year"] or "")[:4])]
    ours = sorted(
        (o for o in source.references.values() if same(o.authors[0].family, str(o.year))),
        key=lambda o: o.start,
    )
    k = ours.index(ref)
    return hits[k] if len(hits) == len(ours) else None


def test_drafts_of_every_corpus_document_build_with_include_drafts(built: dict) -> None:
    assert built["source"].references, "the stored reference list was read back"
    cited = [f for f in built["findings"] if f.cites]
    assert built["accepted"] > 0 and cited, "accepted drafts that cite papers were built"
    assert len(built["findings"]) >= built["accepted"]


def test_accepted_drafts_cite_the_papers_the_gold_says_their_sentences_cite(built: dict) -> None:
    """At most 5 % of the cited papers (and, for text, of the findings) differ from the gold:
    the parser's own error rate on these documents, not a tolerance of the build."""
    gold, source = built["gold"], built["source"]
    by_n = {r["n"]: r for r in gold["references"]}
    anywhere = {n for c in gold["citations"] for n in c["refs"]}
    pairs, bad, dois, checked, wrong = 0, [], 0, 0, 0
    for f in built["findings"]:
        ours = set()
        for key in f.cites:
            ref = source.references[key]
            n = _gold_number(ref, source.labels.get(key), gold, source)
            pairs += 1
            if n is None or n not in anywhere:
                bad.append((f.id, key, "not a reference the gold cites"))
                continue
            ours.add(n)
            if by_n[n]["doi"]:
                dois += 1
                if ref.doi != by_n[n]["doi"] or f"<https://doi.org/{ref.doi}>" not in built["nt"]:
                    bad.append((f.id, key, ref.doi, by_n[n]["doi"]))
        if gold["format"] == "text":  # gold citations carry offsets into the same text
            expected = {
                n for c in gold["citations"] if f.start <= c["start"] < f.end for n in c["refs"]
            }
            checked += 1
            wrong += ours != expected
    assert pairs > 0
    assert len(bad) <= 0.05 * pairs, bad
    assert wrong <= 0.05 * checked, f"{wrong} of {checked} findings cite other papers than gold"
    if any(r["doi"] for r in gold["references"]) and gold["format"] != "jats":
        assert dois > 0, "no cited paper with a gold DOI was checked"


def test_every_cited_paper_of_an_accepted_draft_has_its_in_text_citation_in_the_graph(
    built: dict,
) -> None:
    """Numbered and JATS/PDF documents too (their citations were read for the whole document, not
    from the quote): each paper a finding cites is reached through a ``cito:Citation`` whose
    printed text is the source's text at the citation's offsets, inside the finding's sentence."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(built["nt"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    from peergraph.mapping.triples import paper_node

    query = (ROOT / "tests" / "fixtures" / "in-text-citations.rq").read_text("utf-8")
    rows: dict[str, list[tuple[str, int, int, str]]] = {}
    for r in store.query(query):
        fid = r["finding"].value.rsplit("/", 1)[1]
        paper = r["paper"].value
        rows.setdefault(fid, []).append(
            (r["printed"].value, int(r["start"].value), int(r["end"].value), paper)
        )
    text = built["source"].text
    cited = [f for f in built["findings"] if f.cites]
    assert cited
    for f in cited:
        found = rows.get(f.id, [])
        refs = built["source"].references
        assert {paper for *_, paper in found} == {str(paper_node(refs[k])) for k in f.cites}, f.id
        for printed, start, end, _ in found:
            assert f.start <= start < end <= f.end and text[start:end] == printed, (f.id, printed)
