"""Sanity checks for the gold annotations in this folder.

The corpus itself is not part of the project; it is read from
<repo parent>/shared/corpus. If it is missing, the check is skipped (exit 0).
Run: python tests/gold/corpus/check_gold.py
"""
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
NUM = re.compile(r"\d")


def check(path: Path) -> list[str]:
    errs = []
    g = json.loads(path.read_text(encoding="utf-8"))
    name = path.name
    refs = g["references"]
    if g["reference_count"] != len(refs):
        errs.append(f"{name}: reference_count {g['reference_count']} != {len(refs)}")
    if [r["n"] for r in refs] != list(range(1, len(refs) + 1)):
        errs.append(f"{name}: reference n not 1..N")
    for r in refs:
        if r.get("doi") and (r["doi"] != r["doi"].lower() or not r["doi"].startswith("10.")):
            errs.append(f"{name}: bad doi {r['doi']!r}")
    cits = g.get("citations", [])
    items = 0
    for c in cits:
        items += len(c["refs"])
        for n in c["refs"]:
            if not 1 <= n <= len(refs):
                errs.append(f"{name}: citation ref {n} out of range")
    if "citation_item_count" in g and cits and g["citation_item_count"] != items:
        errs.append(f"{name}: citation_item_count {g['citation_item_count']} != {items}")
    src = CORPUS / g["file"]
    if not src.exists():
        errs.append(f"{name}: source {g['file']} missing")
        return errs
    if g["format"] == "text":
        text = src.read_text(encoding="utf-8")
        for c in cits:
            s, e = c["start"], c["end"]
            if not (0 <= s < e <= len(text)):
                errs.append(f"{name}: citation offsets out of range {s}-{e}")
                continue
            if not NUM.search(text[s:e]):
                errs.append(f"{name}: citation span {s}-{e} has no number/year")
        last = -1
        prev_end = -1
        for c in cits:
            if c["start"] < last:
                errs.append(f"{name}: citations not sorted at {c['start']}")
            last = c["start"]
        for st in g.get("sentences", []):
            s, e = st["start"], st["end"]
            if not (0 <= s < e <= len(text)):
                errs.append(f"{name}: sentence offsets out of range {s}-{e}")
            if s < prev_end:
                errs.append(f"{name}: sentences overlap/unsorted at {s}")
            if text[s:e] != text[s:e].strip():
                errs.append(f"{name}: sentence {s}-{e} not stripped")
            if not isinstance(st["claim"], bool):
                errs.append(f"{name}: claim not bool at {s}")
            prev_end = e
    elif g["format"] == "jats":
        xml = src.read_text(encoding="utf-8")
        ids = set(re.findall(r'<ref id="([^"]+)"', xml))
        for c in cits:
            for rid in c["rids"]:
                if rid not in ids:
                    errs.append(f"{name}: unknown rid {rid}")
    return errs


def main() -> int:
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}; skipping gold checks")
        return 0
    files = sorted(HERE.glob("*.json"))
    errs = []
    for f in files:
        errs += check(f)
    for e in errs:
        print("ERROR", e)
    print(f"checked {len(files)} gold files, {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
