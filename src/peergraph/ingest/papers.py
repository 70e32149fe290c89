"""``data/papers.yaml``: papers imported with ``peergraph import-bib`` and accepted by a curator.

The loader reads them here (stage 1); ``peergraph.curate.bibimport`` writes them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from peergraph.errors import Problem
from peergraph.ingest.records import display_path
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
    shown = display_path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return [], [Problem(shown, f"not UTF-8 text ({exc.reason})", kind="input")]
    except OSError as exc:
        return [], [Problem(shown, f"cannot read ({exc.strerror})", kind="input")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return [], [Problem(where, f"malformed YAML: {reason}", kind="input")]
    if doc is None:
        return [], []
    if not isinstance(doc, dict) or not isinstance(doc.get("papers", []), (list, type(None))):
        return [], [
            Problem(
                shown,
                "expected a mapping with a 'papers' list",
                suggestion="start the file with 'papers:' and list records under it",
                kind="input",
            )
        ]
    refs, problems = [], []
    for i, rec in enumerate(doc.get("papers") or [], 1):
        if not isinstance(rec, dict):
            problems.append(Problem(shown, "each paper must be a mapping", f"paper #{i}"))
            continue
        if rec.get("draft") and not include_drafts:
            continue
        label = f"paper {rec['key']}" if isinstance(rec.get("key"), str) else f"paper #{i}"
        try:
            refs.append(_from_record(rec))
        except KeyError as exc:
            problems.append(Problem(shown, "required field is missing", label, str(exc.args[0])))
        except (TypeError, ValueError, AttributeError) as exc:
            problems.append(Problem(shown, f"cannot read paper: {exc}", label))
    return refs, problems


def _from_record(rec: dict[str, Any]) -> Reference:
    authors = []
    if not isinstance(rec["authors"], list):
        raise TypeError("'authors' must be a list of 'Family, Given' names")
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
        journal=_text(rec.get("journal")),
        volume=None if rec.get("volume") is None else str(rec["volume"]),
        issue=None if rec.get("issue") is None else str(rec["issue"]),
        first_page=first or None,
        last_page=last or None,
        article_number=_text(rec.get("article_number")),
        doi=normalise_doi(_text(rec.get("doi"))),
        url=_text(rec.get("url")),
    )
    return replace(ref, raw=format_apa(ref))


def _text(value: object) -> str | None:
    """An optional text field: None stays None, numbers become text, lists and maps are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, (list, dict)):
        raise TypeError(f"expected text, got a {type(value).__name__}")
    return str(value)
