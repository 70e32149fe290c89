"""A source's reference list and in-text citations: read from its text, or as extract stored them.

The curated sources print one APA reference per line, and a quote's citations are found in the
quote itself. Documents drafted by ``peergraph extract`` come in any common style, or as JATS and
PDF whose references and citations were read from markup or layout the stored text no longer has.
So extract stores what it read beside the text (``references_file:`` in ``sources.yaml``, a
``*.refs.yaml`` under ``data/sources/``) and the build reads that back instead of re-parsing: a
draft's ``cites`` are then the keys the build gives, and numeric citations ("[3]", "(1,3)", a
superscript xref) resolve to the numbered list. A source without a stored file whose list is not
APA one-per-line is read by :mod:`peergraph.text.styles` in its detected style.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from peergraph.errors import Problem
from peergraph.ingest.records import Source, display_path
from peergraph.text.references import Author, Reference
from peergraph.text.styles import (
    STYLES,
    find_style_citations,
    read_reference_list,
    resolve_style_citations,
)

__all__ = ["REFS_SUFFIX", "read_references", "render_references"]

REFS_SUFFIX = ".refs.yaml"
_OPTIONAL = ("title", "journal", "volume", "issue", "first_page", "last_page", "article_number")


def _q(value: object) -> str:
    """A YAML flow scalar (JSON is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def render_references(
    refs: Sequence[Reference],
    labels: dict[str, str],
    citations: Iterable[tuple[int, int, str | None]],
    *,
    style: str,
    text_file: str,
    text_sha256: str,
    notes: Sequence[str] = (),
) -> str:
    """The stored reading of a source: one reference and one citation per line, offsets into
    ``text_file``. ``notes`` (entries that could not be read) become comments."""
    lines = [
        f"# References and in-text citations of {text_file}, as read by 'peergraph extract'.",
        "# Offsets are characters into that file. The build reads this file and does not re-parse",
        "# the list: correct a wrong reading here (key, authors, year, doi, or a citation's key).",
        *(f"# NOT READ: {' '.join(n.split())}" for n in notes),
        f"style: {style}",
        f"text_sha256: {text_sha256}  # of the text the offsets point into",
        "references:" if refs else "references: []",
    ]
    for ref in refs:
        authors = [
            [a.family, a.given, True] if a.corporate else [a.family, a.given] for a in ref.authors
        ]
        item = {"key": ref.key}
        if ref.key in labels:
            item["label"] = labels[ref.key]
        item |= {"start": ref.start, "end": ref.end, "authors": authors}
        if ref.authors_truncated:
            item["et_al"] = True
        item["year"] = ref.year
        if ref.year_suffix:
            item["suffix"] = ref.year_suffix
        for name in ("doi", "url", *_OPTIONAL):
            if getattr(ref, name):
                item[name] = getattr(ref, name)
        body = ", ".join(f"{k}: {_q(v)}" for k, v in item.items())
        lines.append(f"  - {{{body}}}")
    cites = sorted(citations, key=lambda t: (t[0], t[1], t[2] or ""))
    lines.append("citations:" if cites else "citations: []")
    lines += [f"  - [{s}, {e}, {_q(k)}]" for s, e, k in cites]
    return "\n".join(lines) + "\n"


def read_references(
    data_dir: Path, rec: dict[str, Any], source: Source, problems: list[Problem], label: str
) -> list[Reference]:
    """The references of ``source``; sets its style, labels and (when known) citations.

    Problems (an unreadable stored file, an entry no style reads) are added to ``problems``.
    """
    stored = rec.get("references_file")
    if stored:
        return _read_stored(data_dir / str(stored), source, problems, label)
    return _parse(source, problems, label)


def _parse(source: Source, problems: list[Problem], label: str) -> list[Reference]:
    heading = source.references_heading
    shown = display_path(source.path)
    parsed = read_reference_list(source.text, heading)
    if parsed is None:
        if heading.strip():
            problems.append(
                Problem(
                    shown,
                    f"cannot parse reference: no '{heading}' heading line found",
                    label,
                    "references",
                    suggestion='set references_heading ("" when the source has no list)',
                )
            )
        return []
    for err in parsed.errors:
        hint = (
            "write it in APA style: Authors (Year). Title. Journal, vol(issue), pages. "
            "https://doi.org/…"
            if parsed.by_line
            else f"write it like the other entries ({STYLES[parsed.style]}) or delete it"
        )
        problems.append(
            Problem(shown, f"cannot parse reference: {err}", label, "references", suggestion=hint)
        )
    for ref in parsed.references:
        if not ref.year:
            problems.append(
                Problem(
                    shown,
                    f"reference {ref.key} prints no year ({' '.join(ref.raw.split())[:60]!r})",
                    label,
                    "references",
                    suggestion="a paper in the graph needs its year: add it to the entry",
                )
            )
    source.style, source.labels = parsed.style, dict(parsed.labels)
    if not parsed.by_line:  # numeric or non-APA author-date: read once for the whole text
        resolved, unresolved = resolve_style_citations(
            find_style_citations(source.text, parsed), parsed
        )
        source.citations = tuple(
            sorted(
                [(c.start, c.end, ref.key) for c, ref in resolved]
                + [(c.start, c.end, None) for c in unresolved],
                key=lambda t: (t[0], t[1], t[2] or ""),
            )
        )
    return parsed.references


def _read_stored(
    path: Path, source: Source, problems: list[Problem], label: str
) -> list[Reference]:
    import yaml

    shown = display_path(path)
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())  # noqa: S506
    except FileNotFoundError:
        problems.append(
            Problem(shown, "references file not found", label, "references_file", kind="input")
        )
        return []
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        problems.append(Problem(where, f"unreadable references file ({exc})", kind="input"))
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("references"), list):
        problems.append(Problem(shown, "expected a mapping with a 'references' list", label))
        return []
    text = source.text
    digest = doc.get("text_sha256")
    if digest is not None and str(digest) != source.sha256:
        problems.append(
            Problem(
                shown,
                f"{source.path.name} changed since this reading was stored: its offsets no "
                "longer point at the references and citations",
                label,
                "references_file",
                suggestion="restore the text, or re-run 'peergraph extract' on the document",
            )
        )
        return []
    refs: list[Reference] = []
    labels: dict[str, str] = {}
    for i, item in enumerate(doc["references"], 1):
        where = f"reference #{i}"
        try:
            key, start, end = str(item["key"]), int(item["start"]), int(item["end"])
            authors = tuple(
                Author(str(a[0]), str(a[1]) if len(a) > 1 else "", len(a) > 2 and a[2] is True)
                for a in item["authors"]
            )
            year = int(item.get("year") or 0)
        except (KeyError, TypeError, ValueError, IndexError):
            problems.append(
                Problem(
                    shown,
                    "each reference needs key, start, end, authors and year",
                    where,
                    suggestion="e.g. {key: smith2020, start: 120, end: 240, authors: "
                    '[["Smith", "J"]], year: 2020}',
                )
            )
            continue
        if not 0 <= start < end <= len(text):
            problems.append(
                Problem(shown, f"offsets {start}-{end} are outside {source.path.name}", where)
            )
            continue
        refs.append(
            Reference(
                key=key, raw=text[start:end], start=start, end=end, authors=authors, year=year,
                year_suffix=str(item.get("suffix") or ""),
                **{name: _text(item.get(name)) for name in _OPTIONAL[1:]},
                title=str(item.get("title") or ""), doi=_text(item.get("doi")),
                url=_text(item.get("url")), authors_truncated=item.get("et_al") is True,
            )  # type: ignore[arg-type]
        )  # fmt: skip
        if item.get("label") is not None:
            labels[key] = str(item["label"])
    keys = {r.key for r in refs}
    citations: list[tuple[int, int, str | None]] = []
    for i, item in enumerate(doc.get("citations") or [], 1):
        ok = isinstance(item, list) and len(item) == 3
        ok = ok and all(isinstance(x, int) for x in item[:2])
        ok = ok and 0 <= item[0] < item[1] <= len(text)
        if not ok or (item[2] is not None and str(item[2]) not in keys):
            problems.append(
                Problem(
                    shown,
                    "a citation is [start, end, key of a reference above] (key null: unresolved)",
                    f"citation #{i}",
                )
            )
            continue
        citations.append((item[0], item[1], None if item[2] is None else str(item[2])))
    source.style = str(doc.get("style") or "apa")
    source.labels = labels
    source.citations = tuple(sorted(citations, key=lambda t: (t[0], t[1], t[2] or "")))
    return refs


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)
