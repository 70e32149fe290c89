"""Claim-sentence detection of ``peergraph extract``, scored on dev and held-out labels apart.

Run from the repository root::

    python benchmarks/claims.py           # table: per document, then per split
    python benchmarks/claims.py --json    # machine-readable, used by tests/test_claims.py
    python benchmarks/claims.py --misses  # the dev sentences it gets wrong (never held-out)

Gold: the ``sentences`` of ``tests/gold/corpus/*.json`` (offsets and labels only; see its README),
documents read from ``../shared/corpus``. Each gold file says its ``split``: ``dev`` labels are
the ones the rules in ``peergraph.curate.tagging.is_claim`` were tuned on; ``heldout`` labels were
committed before the tuning and are only measured, so only they say how the rules do on documents
they have not seen. ``--misses`` therefore refuses to list held-out sentences.

A gold sentence counts as detected when extract drafts a finding marked as a claim on a sentence
that overlaps it (as in ``extract_quality.py --corpus``), so the score is that of what a user gets.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "gold" / "corpus"
SPLITS = ("dev", "heldout")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(f1, 3)}  # fmt: skip


def gold_files(gold_dir: Path = GOLD) -> list[dict]:
    """Gold files that label sentences, each with its ``split``."""
    out = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if gold.get("sentences"):
            if gold.get("split") not in SPLITS:
                raise ValueError(f"{path.name}: 'split' must be one of {SPLITS}")
            out.append(gold)
    return out


def score_document(gold: dict, corpus: Path = CORPUS) -> dict[str, object]:
    """Detected vs labelled claims in one document; per sentence (start, end, gold, predicted)."""
    from peergraph.curate.documents import load_document
    from peergraph.curate.extract import extract_text, read_document

    path = corpus / gold["file"]
    doc = load_document(path, read_document)
    digest = gold.get("sentences_text_sha256")
    if digest and hashlib.sha256(doc.text.encode("utf-8")).hexdigest() != digest:
        raise ValueError(
            f"{gold['file']}: the reader now gives a different text than the one labelled; "
            "the sentence offsets no longer hold"
        )
    ex = extract_text(doc.text, source_id="bench", title=path.stem, document=doc)
    drafted = sorted({(f.sentence.start, f.sentence.end) for f in ex.findings if f.claim})
    spans = [(f.sentence.start, f.sentence.end, f.claim_cue) for f in ex.findings]
    rows = []
    for s in gold["sentences"]:
        hit = any(a < s["end"] and s["start"] < b for a, b in drafted)
        rows.append((s["start"], s["end"], bool(s["claim"]), hit))
    cue_of = {
        s: next((c for a, b, c in spans if a < e and s < b), "not drafted") for s, e, _, _ in rows
    }
    tp = sum(g and h for _, _, g, h in rows)
    fp = sum(h and not g for _, _, g, h in rows)
    fn = sum(g and not h for _, _, g, h in rows)
    return {
        "document": path.stem,
        "split": gold["split"],
        "sentences": len(rows),
        "labelled_claims": sum(g for _, _, g, _ in rows),
        "scores": _prf(tp, fp, fn),
        "rows": rows,
        "cues": cue_of,
        "text": doc.text,
    }


def evaluate(
    corpus: Path = CORPUS, gold_dir: Path = GOLD, splits_wanted: tuple[str, ...] = SPLITS
) -> dict[str, object]:
    """Per document and per split (dev, heldout) precision, recall and F1 of claim detection."""
    docs = [score_document(g, corpus) for g in gold_files(gold_dir) if g["split"] in splits_wanted]
    splits = {}
    for split in splits_wanted:
        mine = [d for d in docs if d["split"] == split]
        t = [sum(d["scores"][k] for d in mine) for k in ("tp", "fp", "fn")]  # type: ignore[index]
        splits[split] = {
            "documents": len(mine),
            "sentences": sum(d["sentences"] for d in mine),  # type: ignore[misc]
            "labelled_claims": sum(d["labelled_claims"] for d in mine),  # type: ignore[misc]
            **_prf(*t),
        }
    public = [{k: v for k, v in d.items() if k not in ("rows", "cues", "text")} for d in docs]
    return {"documents": public, "splits": splits, "_docs": docs}


def print_table(result: dict) -> None:
    """Markdown tables: per document, then per split."""
    print("| document | split | sentences | labelled claims | P | R | F1 |")
    print("|---|---|---|---|---|---|---|")
    for d in result["documents"]:
        s = d["scores"]
        print(f"| {d['document']} | {d['split']} | {d['sentences']} | {d['labelled_claims']} "
              f"| {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} |")  # fmt: skip
    print()
    print("| split | documents | sentences | labelled claims | P | R | F1 | tp | fp | fn |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s in result["splits"].items():
        print(f"| {name} | {s['documents']} | {s['sentences']} | {s['labelled_claims']} "
              f"| {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} "
              f"| {s['tp']} | {s['fp']} | {s['fn']} |")  # fmt: skip


def print_misses(result: dict) -> None:
    """The dev sentences detection gets wrong, to tune on; held-out ones are never shown."""
    for d in result["_docs"]:
        if d["split"] != "dev":
            continue
        for start, end, gold, hit in d["rows"]:
            if gold != hit:
                text = " ".join(d["text"][start:end].split())
                cue = d["cues"].get(start, "")
                kind = "missed" if gold else "false"
                print(f"{kind:6} {d['document']}:{start} [{cue}] {text}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--misses", action="store_true", help="list dev sentences it gets wrong")
    parser.add_argument("--split", choices=SPLITS, help="score one split only (tune on dev)")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"Error: no corpus at {CORPUS}", file=sys.stderr)
        return 2
    wanted = ("dev",) if args.misses else (args.split,) if args.split else SPLITS
    result = evaluate(splits_wanted=wanted)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "_docs"}, indent=2))
    elif args.misses:
        print_misses(result)
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
