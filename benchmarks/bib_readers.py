"""Compare the hand-written BibTeX/RIS readers with bibtexparser 2 / rispy (issue 15 point 8).

    python benchmarks/bib_readers.py [N]

On reference-manager exports with each manager's quirks (``tests/bib_quirks.py``: N records per
file, known right answers) and the RIS files in ``../shared/corpus/bib/`` (read in place), counts
per reader: records recovered, records skipped with a message, tracebacks, and how many records
have exactly the right authors (family name + first initial, in order), year, title and DOI.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import handwritten_bib as old  # noqa: E402
from peergraph.curate import bibimport as bi  # noqa: E402
from tests.bib_quirks import MANAGERS, Truth, bibtex, ris  # noqa: E402

READERS = {
    "bibtex": {"hand-written": old.parse_bibtex_old, "bibtexparser 2": bi.parse_bibtex},
    "ris": {"hand-written": old.parse_ris, "rispy": bi.parse_ris},
}


def _fold(text: str) -> str:
    from peergraph.text.references import fold_name

    return fold_name(text)


def measure(kind: str, reader, text: str, truths: list[Truth] | None) -> dict[str, int]:
    """Counts for one reader on one file (``truths`` None: only records and errors)."""
    import time

    row = {"records": 0, "skipped": 0, "tracebacks": 0}
    start = time.perf_counter()
    try:
        entries, errors = reader(text.removeprefix("\ufeff"))
        row["ms"] = round(1000 * (time.perf_counter() - start))
    except Exception:  # noqa: BLE001 - a traceback is what we count
        traceback.print_exc(limit=1)
        row["tracebacks"] += 1
        return row
    row["skipped"] += len(errors)
    refs: dict[str, object] = {}
    for entry in entries:
        try:
            refs[entry.key] = bi._to_reference(entry, entry.key)
        except ValueError:
            row["skipped"] += 1
        except Exception:  # noqa: BLE001
            row["tracebacks"] += 1
    row["records"] = len(refs)
    if truths is None:
        return row
    good = {"authors": 0, "year": 0, "title": 0, "doi": 0, "rightly skipped": 0}
    for truth in truths:
        ref = refs.get(truth.key)
        if truth.year is None:
            good["rightly skipped"] += ref is None
            continue
        if ref is None:
            continue
        got = [(_fold(a.family), _fold(a.given)[:1]) for a in ref.authors]
        want = [(_fold(f), _fold(i)[:1]) for f, i in truth.authors]
        good["authors"] += got == want
        good["year"] += ref.year == truth.year
        good["title"] += ref.title == truth.title
        good["doi"] += ref.doi == truth.doi
    return row | good


def main(n: int = 200) -> None:
    files: list[tuple[str, str, str, list[Truth] | None]] = []
    for manager in MANAGERS:
        text, truths = bibtex(manager, n)
        files.append((f"{manager}.bib", "bibtex", text, truths))
    for manager in ("zotero", "mendeley", "endnote"):
        text, truths = ris(manager, n)
        files.append((f"{manager}.ris", "ris", text, truths))
    corpus = ROOT.parent / "shared" / "corpus" / "bib"
    for path in sorted(corpus.glob("*.ris")) if corpus.is_dir() else []:
        files.append((f"corpus/{path.name}", "ris", path.read_text(encoding="utf-8"), None))
    cols = ["records", "skipped", "tracebacks", "authors", "year", "title", "doi"]
    cols += ["rightly skipped", "ms"]
    print(f"| file | reader | {' | '.join(cols)} |")
    print("|---|---|" + "---|" * len(cols))
    for name, kind, text, truths in files:
        expected = len([t for t in truths if t.year is not None]) if truths else "?"
        for reader_name, reader in READERS[kind].items():
            row = measure(kind, reader, text, truths)
            cells = [str(row.get(c, "")) for c in cols]
            print(f"| {name} (of {expected}) | {reader_name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
