"""Precision and recall of ``peergraph extract``: on the curated essay and on the shared corpus.

Run from the repository root::

    python benchmarks/extract_quality.py          # essay table
    python benchmarks/extract_quality.py --json   # machine-readable, used by the tests
    python benchmarks/extract_quality.py --corpus # per document and per style, shared corpus

Corpus gold: ``tests/gold/corpus/*.json`` (facts only; see its README), the documents in
``../shared/corpus``. References are scored on (first author, year) and the DOI when the gold
has one; citation items on (citation, reference) pairs: a text citation matches when its span
overlaps the gold span and cites the same reference, a JATS one by its xref run, a PDF one by
page. Claim sentences are scored against the gold sentence labels (a gold sentence counts as
detected when a drafted sentence overlaps it).

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
        if draft.intervention:  # a draft without one predicts nothing (not a wrong "None")
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


CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "gold" / "corpus"


def _year(value: object) -> str | None:
    return None if value in (None, "n.d.") else str(value)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
    }


def evaluate_document(gold: dict, corpus: Path = CORPUS) -> dict[str, object]:
    """Scores of one corpus document against its gold file."""
    from peergraph.curate.documents import load_document
    from peergraph.curate.extract import extract_text, read_document
    from peergraph.text.references import fold_name

    path = corpus / gold["file"]
    doc = load_document(path, read_document)
    ex = extract_text(doc.text, source_id="bench", title=path.stem, document=doc)
    # references: greedy one-to-one matching in list order
    golds = [
        (fold_name(r["first_author"]), _year(r["year"]), r["doi"], r["n"], r["label"])
        for r in gold["references"]
    ]
    free = set(range(len(golds)))
    n_of: dict[str, int] = {}  # predicted key -> gold n (for citations)
    tp = 0
    for ref in ex.references:
        family = fold_name(ref.authors[0].family) if ref.authors else ""
        year = f"{ref.year}{ref.year_suffix}" if ref.year else None
        hit = next(
            (i for i in sorted(free) if golds[i][0] == family and golds[i][1] == year
             and (golds[i][2] is None or golds[i][2] == (ref.doi or "").lower())),
            None,
        )  # fmt: skip
        if hit is not None:
            free.discard(hit)
            tp += 1
            n_of[ref.key] = golds[hit][3]
        elif not ex.labels:
            near = next((g for g in golds if g[0] == family and g[1] == year), None)
            if near:
                n_of[ref.key] = near[3]
    if ex.labels:  # numbered: a reference is the gold entry with its printed label
        by_label = {str(g[4] or g[3]).strip("[].c"): g[3] for g in golds}
        n_of = {k: by_label[lab] for k, lab in ex.labels.items() if lab in by_label}
    refs = _prf(tp, len(ex.references) - tp, len(golds) - tp)
    items = _citation_scores(gold, ex, doc, n_of)
    claims = _claim_scores(gold, ex)
    return {
        "document": path.stem,
        "format": gold["format"],
        "style": gold["style"],
        "detected_style": ex.style,
        "references": refs,
        "citation_items": items,
        "claims": claims,
    }


def _citation_scores(gold: dict, ex, doc, n_of: dict[str, int]) -> dict[str, float | int]:  # noqa: ANN001
    from collections import Counter

    pairs = [(c, n_of.get(r.key)) for c, r in ex.citations]
    unresolved = len(ex.unresolved)
    gold_count = sum(len(c["refs"]) for c in gold["citations"])
    if gold["format"] == "text":
        wanted = [(c["start"], c["end"], n) for c in gold["citations"] for n in c["refs"]]
        used: set[int] = set()
        tp = 0
        for c, n in pairs:
            hit = next(
                (i for i, (s, e, gn) in enumerate(wanted)
                 if i not in used and gn == n and c.start < e and s < c.end),
                None,
            )  # fmt: skip
            if hit is not None:
                used.add(hit)
                tp += 1
        return _prf(tp, len(pairs) + unresolved - tp, gold_count - tp)
    if gold["format"] == "pdf":
        predicted = Counter((doc.page_of(c.start), n) for c, n in pairs)
        expected = Counter((c["page"], n) for c in gold["citations"] for n in c["refs"])
    else:  # jats: one run of xrefs = one citation, compared by the set it cites
        runs: dict[tuple[int, int], list[int | None]] = {}
        for c, n in pairs:
            runs.setdefault((c.start, c.end), []).append(n)
        predicted = Counter((tuple(sorted(x or 0 for x in ns)), n) for ns in runs.values()
                            for n in ns)  # fmt: skip
        expected = Counter((tuple(sorted(c["refs"])), n) for c in gold["citations"]
                           for n in c["refs"])  # fmt: skip
    tp = sum((predicted & expected).values())
    return _prf(tp, sum(predicted.values()) + unresolved - tp, gold_count - tp)


def _claim_scores(gold: dict, ex) -> dict[str, float | int] | None:  # noqa: ANN001
    sentences = gold.get("sentences") or []
    if not sentences:
        return None
    drafted = [(f.sentence.start, f.sentence.end) for f in ex.findings if f.claim]
    tp = fp = fn = 0
    for s in sentences:
        hit = any(a < s["end"] and s["start"] < b for a, b in drafted)
        if s["claim"] and hit:
            tp += 1
        elif s["claim"]:
            fn += 1
        elif hit:
            fp += 1
    return _prf(tp, fp, fn)


def evaluate_corpus(corpus: Path = CORPUS, gold_dir: Path = GOLD) -> dict[str, object]:
    """Per document rows and per style totals (references, citation items, claim sentences)."""
    rows = [
        evaluate_document(json.loads(p.read_text(encoding="utf-8")), corpus)
        for p in sorted(gold_dir.glob("*.json"))
    ]
    totals: dict[str, dict[str, list[int]]] = {}
    for row in rows:
        for group in (str(row["style"]), "all"):
            for measure in ("references", "citation_items", "claims"):
                score = row[measure]
                if not score:
                    continue
                t = totals.setdefault(group, {}).setdefault(measure, [0, 0, 0])
                for i, k in enumerate(("tp", "fp", "fn")):
                    t[i] += score[k]  # type: ignore[index]
    styles = {
        group: {m: _prf(*t) for m, t in measures.items()} for group, measures in totals.items()
    }
    return {"documents": rows, "styles": styles}


def _cell(score: dict | None) -> str:
    if not score:
        return f"{'–':>11}"
    return f"{score['precision']:5.2f} {score['recall']:5.2f}"


def print_corpus_table(result: dict) -> None:
    """Markdown tables: per document, then per style (P R for each measure)."""
    print("| document | format | gold style | detected | references P R | citation items P R "
          "| claim sentences P R |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for row in result["documents"]:
        print(
            f"| {row['document']} | {row['format']} | {row['style']} | {row['detected_style']} "
            f"| {_cell(row['references'])} | {_cell(row['citation_items'])} "
            f"| {_cell(row['claims'])} |"
        )
    print()
    print("| style | references P R | citation items P R | claim sentences P R |")
    print("|---|---|---|---|")
    for style, s in sorted(result["styles"].items(), key=lambda kv: (kv[0] == "all", kv[0])):
        print(
            f"| {style} | {_cell(s.get('references'))} | {_cell(s.get('citation_items'))} "
            f"| {_cell(s.get('claims'))} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--corpus", action="store_true", help="score the shared corpus instead")
    parser.add_argument("--misses", action="store_true", help="list every missed gold id")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    args = parser.parse_args(argv)
    if args.corpus:
        if not CORPUS.is_dir():
            print(f"no corpus at {CORPUS}", file=sys.stderr)
            return 2
        result = evaluate_corpus()
        if args.json:
            print(json.dumps(result, indent=2, sort_keys=True))
        else:
            print_corpus_table(result)
        return 0
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
