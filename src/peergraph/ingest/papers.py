"""``data/papers.yaml``: papers imported with ``peergraph import-bib`` and accepted by a curator.

The loader reads them here (stage 1); ``peergraph.curate.bibimport`` writes them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from peergraph.errors import Problem
from peergraph.text.references import Author, Reference

__all__ = ["format_apa", "normalise_doi", "read_papers"]

_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalise_doi(value: str | None) -> str | None:
    """``"https://doi.org/10.1/X"``, ``"doi:10.1/X"``, ``"10.1/X"`` → ``"10.1/X"`` (case kept)."""
    if not value or not value.strip():
        return None
    return _DOI_PREFIX.sub("", value.strip()).rstrip(".,; ")


def format_apa(ref: Reference) -> str:
    """An APA 7 rendering, used as the imported paper's citation text (never as 'printed')."""
    names = [
        a.family if a.corporate else f"{a.family}, {a.given}".rstrip(", ") for a in ref.authors
    ]
    if len(names) == 1:
        who = names[0]
    else:
        who = ", ".join(names[:-1]) + ", & " + names[-1]
    out = f"{who} ({ref.year}{ref.year_suffix}). {ref.title.rstrip('.')}."
    if ref.journal:
        out += f" {ref.journal}"
        if ref.volume:
            out += f", {ref.volume}"
            if ref.issue:
                out += f"({ref.issue})"
        if ref.article_number:
            out += f", Article {ref.article_number}"
        elif ref.first_page:
            out += f", {ref.first_page}" + (f"\u2013{ref.last_page}" if ref.last_page else "")
        out += "."
    if ref.doi:
        out += f" https://doi.org/{ref.doi}"
    elif ref.url:
        out += f" {ref.url}"
    return out


def read_papers(
    data_dir: str | Path, *, include_drafts: bool = False
) -> tuple[list[Reference], list[Problem]]:
    """The papers of ``data/papers.yaml`` as :class:`Reference` records (drafts only if asked)."""
    import yaml

    path = Path(data_dir) / "papers.yaml"
    if not path.is_file():
        return [], []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        return [], [Problem(str(path), f"malformed YAML: {exc}", kind="input")]
    refs, problems = [], []
    for i, rec in enumerate(doc.get("papers") or [], 1):
        if not isinstance(rec, dict) or (rec.get("draft") and not include_drafts):
            continue
        try:
            refs.append(_from_record(rec))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(str(path), f"cannot read paper: {exc}", f"paper #{i}"))
    return refs, problems


def _from_record(rec: dict[str, Any]) -> Reference:
    authors = []
    for name in rec["authors"]:
        family, _, given = str(name).partition(", ")
        authors.append(Author(family, given, corporate=not given))
    pages = str(rec.get("pages") or "")
    first, _, last = pages.partition("\u2013") if "\u2013" in pages else pages.partition("-")
    ref = Reference(
        key=str(rec["key"]),
        raw="",
        start=0,
        end=0,
        authors=tuple(authors),
        year=int(rec["year"]),
        year_suffix="",
        title=str(rec["title"]),
        journal=rec.get("journal"),
        volume=None if rec.get("volume") is None else str(rec["volume"]),
        issue=None if rec.get("issue") is None else str(rec["issue"]),
        first_page=first or None,
        last_page=last or None,
        article_number=rec.get("article_number"),
        doi=normalise_doi(rec.get("doi")),
        url=rec.get("url"),
    )
    return replace(ref, raw=format_apa(ref))
