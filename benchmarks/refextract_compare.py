"""Score refextract (a maintained reference parser) on the corpus, the way ours is scored.

refextract is not a peergraph dependency; run it from a throwaway virtual environment::

    .venv/bin/python benchmarks/refextract_compare.py dump /tmp/sections.json
    python3 -m venv /tmp/refx && /tmp/refx/bin/pip install refextract
    /tmp/refx/bin/python benchmarks/refextract_compare.py score /tmp/sections.json

``dump`` writes each corpus document's reference section as peergraph locates it (JATS and PDF
through peergraph's readers); ``score`` gives it to refextract and prints, per document, the
entries found, gold entries, matches, precision and recall on first author + year (+DOI when
the gold has one). Only the first word of a surname is compared (refextract splits names
differently), which favours refextract slightly.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "corpus"
CORPUS = ROOT.parent / "shared" / "corpus"


def dump(out: Path) -> None:
    from peergraph.curate.documents import load_document
    from peergraph.curate.extract import read_document
    from peergraph.text.references import find_reference_section

    sections = {}
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        doc = load_document(CORPUS / gold["file"], read_document)
        start, end = find_reference_section(doc.text)
        sections[gold["file"]] = doc.text[start:end]
    out.write_text(json.dumps(sections), encoding="utf-8")


def _fold(s: str) -> str:
    d = unicodedata.normalize("NFKD", s)
    return "".join(c for c in d if c.isascii() and c.isalnum()).lower()


def _first_word(s: str) -> str:
    s = s.strip()
    return _fold(re.split(r"[,\s]", s)[0]) if s else ""


def score(sections_file: Path) -> None:
    from refextract import extract_references_from_string

    sections = json.loads(sections_file.read_text(encoding="utf-8"))
    print("| document | found | gold | matched | P | R |")
    print("|---|---|---|---|---|---|")
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        found = extract_references_from_string("References\n" + sections[gold["file"]])
        grouped: dict[str, dict] = {}  # refextract may give one raw entry several records
        for r in found:
            raw = (r.get("raw_ref") or [""])[0]
            if raw.strip().lower() == "references":
                continue
            slot = grouped.setdefault(raw, {})
            for k in ("author", "year", "doi", "misc"):
                if r.get(k) and k not in slot:
                    slot[k] = r[k]
        predicted = []
        for r in grouped.values():
            author = (r.get("author") or [""])[0] or (r.get("misc") or [""])[0]
            doi = (r.get("doi") or [None])[0]
            doi = doi.lower().replace("doi:", "") if doi else None
            predicted.append((_first_word(author), (r.get("year") or [None])[0], doi))
        wanted = [
            (_first_word(g["first_author"] or ""), g["year"], g["doi"]) for g in gold["references"]
        ]
        free = list(range(len(wanted)))
        tp = 0
        for fam, year, doi in predicted:
            hit = next(
                (i for i in free if wanted[i][:2] == (fam, year)
                 and (wanted[i][2] is None or wanted[i][2] == doi)),
                None,
            )  # fmt: skip
            if hit is not None:
                free.remove(hit)
                tp += 1
        p = tp / len(predicted) if predicted else 0.0
        print(
            f"| {Path(gold['file']).stem} | {len(predicted)} | {len(wanted)} | {tp} "
            f"| {p:.2f} | {tp / len(wanted):.2f} |"
        )


if __name__ == "__main__":
    command, file = sys.argv[1], Path(sys.argv[2])
    dump(file) if command == "dump" else score(file)
