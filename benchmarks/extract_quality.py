"""Precision and recall of ``peergraph extract`` against the curated essay data.

Run from the repository root::

    python benchmarks/extract_quality.py          # table
    python benchmarks/extract_quality.py --json   # machine-readable, used by the tests

Gold standard: ``data/findings.yaml`` (records with the same quote are one sentence; their values
are united). Scored per (sentence, id) pair, micro-averaged:

* sentences: does extract draft a record for every curated sentence?
* outcomes, settings, populations, mechanisms, organisational factors, intervention, direction:
  the tags extract puts on that sentence vs the curated ids;
* citations: keys resolved from the sentence's in-text citations vs the curated ``cites``.

A setting the sentence names as a moderator (``moderators:``, e.g. F11's "community or online
programs, where results are less consistent") counts as a setting the sentence names: extract tags
mentions, the curated ``settings`` only the settings where the stated effect holds.

"cited" rows restrict to sentences that cite at least one paper. The vocabulary's synonyms were
written while curating this essay, so these figures are an upper bound for unseen documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIELDS = (
    "outcomes",
    "settings",
    "populations",
    "mechanisms",
    "organisational_factors",
    "intervention",
    "direction",
    "cites",
)


def _gold(data_dir: Path) -> dict[str, dict[str, set[str]]]:
    import yaml

    from peergraph.ingest.vocabulary import load_vocabulary

    settings = load_vocabulary().of_class("Setting")
    records = yaml.safe_load((data_dir / "findings.yaml").read_text(encoding="utf-8"))["findings"]
    gold: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rec in records:
        if rec.get("draft"):
            continue
        for f in FIELDS:
            value = rec.get(f)
            values = value if isinstance(value, list) else [value] if value else []
            gold[rec["quote"]][f].update(values)
        for m in rec.get("moderators") or []:
            named = [m.get("moderator"), *(m.get("relative_to") or [])]
            gold[rec["quote"]]["settings"].update(s for s in named if s in settings)
    return gold


def evaluate(data_dir: Path = ROOT / "data") -> dict[str, dict[str, float | int]]:
    """Scores per field (and per field on cited sentences): tp, fp, fn, precision, recall."""
    from peergraph.curate.extract import extract_text
    from peergraph.ingest.dataset import load

    ds = load(data_dir)
    source = next(iter(ds.sources.values()))
    ex = extract_text(source.text, source_id="benchmark", title=source.title)
    predicted: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for draft in ex.findings:
        p = predicted[draft.sentence.text]
        p["outcomes"].update(draft.outcomes)
        p["intervention"].add(draft.intervention)
        p["cites"].update(draft.cites)
        if draft.direction:
            p["direction"].add(draft.direction)
        for f, ids in draft.values.items():
            p[f].update(ids)
    gold = _gold(data_dir)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    for quote, g in gold.items():
        p = predicted.get(quote)
        cited = bool(g["cites"])
        _add(counts, "sentences", {quote}, {quote} if p else set(), cited)
        p = p or defaultdict(set)
        for f in FIELDS:
            _add(counts, f, g[f], p[f], cited)
            for miss in sorted(g[f] - p[f]):
                misses[f].append(f"{miss}  <- {quote[:70]}")
    extra = [q for q in predicted if q not in gold]
    counts["sentences"][1] += len(extra)
    scores: dict[str, dict[str, float | int]] = {}
    for name, (tp, fp, fn) in sorted(counts.items()):
        scores[name] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        }
    scores["_document"] = {
        "references": len(ex.references),
        "citations_resolved": ex.citations_resolved,
        "citations_unresolved": len(ex.unresolved),
        "drafts": len(ex.findings),
        "gold_sentences": len(gold),
    }
    scores["_misses"] = {f: "\n".join(m) for f, m in misses.items()}  # type: ignore[dict-item]
    return scores


def _add(counts: dict[str, list[int]], name: str, g: set[str], p: set[str], cited: bool) -> None:
    for key in (name, f"{name} (cited)") if cited else (name,):
        counts[key][0] += len(g & p)
        counts[key][1] += len(p - g)
        counts[key][2] += len(g - p)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--misses", action="store_true", help="list every missed gold id")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    scores = evaluate(args.data)
    if args.json:
        print(json.dumps(scores, indent=2, sort_keys=True))
        return 0
    print(f"{'field':34} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, s in scores.items():
        if name.startswith("_"):
            continue
        p, r = s["precision"], s["recall"]
        print(f"{name:34} {p:9.2f} {r:7.2f} {s['tp']:4} {s['fp']:4} {s['fn']:4}")
    print("document:", ", ".join(f"{k} {v}" for k, v in scores["_document"].items()))
    if args.misses:
        for f, text in scores["_misses"].items():
            print(f"\nmissed {f}:\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
