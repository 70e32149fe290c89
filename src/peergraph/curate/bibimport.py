"""Papers from reference-manager exports (BibTeX, RIS) into ``data/papers.yaml``.

Sources are verbatim documents, so imported papers never go into a source's reference list.
They go into their own curated file, ``data/papers.yaml``: one record per paper, fields as the
export gave them, ``draft: true`` until a curator confirms them, and the export's file and entry
named in ``imported_from`` (provenance). The same DOI rules as reference lists apply: DOIs are
stored bare (``10.xxxx/...``, any ``https://doi.org/`` or ``doi:`` prefix removed), compared
case-insensitively, and a paper whose DOI is already in the data is not added twice: if its
details agree it is skipped, if they differ it is reported as a conflict for a curator.

BibTeX is read with bibtexparser 2 and RIS (and Web of Science tagged files) with rispy;
:func:`read_papers` gives the build :class:`Reference` records.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from peergraph.errors import Problem, UsageError
from peergraph.ingest.papers import DOI_RE, format_apa, normalise_doi, read_papers
from peergraph.text.references import Author, Reference, _letters, citation_key, fold_name

__all__ = [
    "BibEntry",
    "ImportResult",
    "format_apa",
    "import_bib",
    "normalise_doi",
    "parse_bibtex",
    "parse_ris",
    "read_bibliography",
    "read_papers",
]

@dataclass
class BibEntry:
    """One entry of an export: its fields (lower-case names) and where it came from."""

    key: str
    fields: dict[str, Any]
    line: int
    kind: str = "article"


@dataclass
class ImportResult:
    added: list[Reference] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # same DOI, same details: skipped
    conflicts: list[str] = field(default_factory=list)  # same DOI, other details: not added
    problems: list[Problem] = field(default_factory=list)  # entries that could not be used
    papers_file: Path | None = None
    dry_run: bool = False

    def summary(self) -> str:
        added = _count(len(self.added), "paper")
        return ", ".join(
            [
                f"would add {added}" if self.dry_run else f"{added} added",
                f"{len(self.duplicates)} already present",
                _count(len(self.conflicts), "conflicting duplicate"),
                _count(len(self.problems), "entry", "entries") + " skipped",
            ]
        )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --- BibTeX -------------------------------------------------------------------------------------

_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a",
}  # fmt: skip
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł",
    "aa": "å", "AA": "Å", "i": "ı", "&": "&", "%": "%", "_": "_", "$": "$", "#": "#",
}  # fmt: skip
_ACCENT_RE = re.compile(
    r"\\([`'^\"~=.]|[uvHckr](?![A-Za-z]))\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"
)
_LETTER_RE = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLi](?![A-Za-z])|[&%_$#])")


def latex_to_text(value: str) -> str:
    """Decode the LaTeX escapes reference managers write (``{\\v{S}}imi{\\'c}`` → ``Šimić``)."""

    def accent(m: re.Match[str]) -> str:
        base = (m.group(2) or m.group(3) or "").lstrip("\\")
        base = {"i": "i", "j": "j"}.get(base, base)
        return unicodedata.normalize("NFC", base + _ACCENTS[m.group(1)])

    value = _ACCENT_RE.sub(accent, value)
    value = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], value)
    value = value.replace("--", "\u2013").replace("~", " ")
    value = re.sub(r"\\[A-Za-z]+\s*", "", value)  # \textit etc.: keep the argument text
    value = value.replace("{", "").replace("}", "")
    return " ".join(value.split())


def _initials(given: str) -> str:
    """``"John Bernard"`` → ``"J. B."``; ``"Jean-Paul"`` → ``"J.-P."``; initials stay."""
    out = []
    if re.fullmatch(r"[A-Z]{2,3}", given.strip()):  # Web of Science / Vancouver "PS"
        given = " ".join(given.strip())
    for word in given.replace(".", ". ").split():
        parts = [p for p in word.split("-") if p]
        out.append("-".join(p[0].upper() + "." for p in parts if p[0].isalpha()))
    return " ".join(o for o in out if o)


# --- RIS ----------------------------------------------------------------------------------------

def _ris_author(value: str) -> Author:
    if "," not in value:
        return Author(value, "", corporate=True)
    family, given = (p.strip() for p in value.split(",", 1))
    given = given.split(",")[0]  # "Smith, John, Jr." keeps the name
    return Author(family, _initials(given))


# --- readers: maintained libraries (bibtexparser 2, rispy) --------------------------------------
#
# They replaced hand-written readers after a measurement on exports with Zotero, Mendeley, EndNote
# and JabRef quirks (tests/bib_quirks.py; benchmarks/bib_readers.py keeps the old readers for the
# comparison): same records, but right authors for brace-wrapped LaTeX names and "First von Last",
# and Web of Science files read at all.


def parse_bibtex(text: str) -> tuple[list[BibEntry], list[str]]:
    """BibTeX through bibtexparser 2 (entries, @string macros, concatenation), LaTeX decoded by
    pylatexenc, names split into first / von / last / jr by bibtexparser, so "Pieter van der
    Berg" has the family name "van der Berg" and ``{World Health Organization}`` stays one body.
    """
    import logging

    import bibtexparser
    from bibtexparser.model import DuplicateBlockKeyBlock, Entry

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # failures are reported below
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # noqa: BLE001 - a third-party parser: any failure is bad input
        return [], [f"cannot read the file as BibTeX: {exc}"]
    recovered = [  # a repeated key is still a whole entry: keep it, as reference managers do
        b.ignore_error_block
        for b in library.failed_blocks
        if isinstance(b, DuplicateBlockKeyBlock) and isinstance(b.ignore_error_block, Entry)
    ]
    entries = []
    for e in sorted([*library.entries, *recovered], key=lambda e: e.start_line):
        fields: dict[str, Any] = {}
        for f in e.fields:
            if isinstance(f.value, str):  # URLs and DOIs are verbatim ('%' is no comment there)
                verbatim = f.key.lower() in _VERBATIM
                fields.setdefault(f.key.lower(), f.value if verbatim else _decode_latex(f.value))
        raw = e.fields_dict.get("author") or e.fields_dict.get("editor")
        fields["author"] = ""
        fields["authors"] = _bibtex_authors(raw.value if raw and isinstance(raw.value, str) else "")
        entries.append(BibEntry(e.key, fields, e.start_line + 1, e.entry_type.lower()))
    errors = [
        f"line {b.start_line + 1}: cannot read entry: {getattr(b, 'error', 'syntax error')}"
        for b in library.failed_blocks
        if not isinstance(b, DuplicateBlockKeyBlock)
    ]
    return entries, errors


_VERBATIM = frozenset({"url", "doi", "file", "eprint"})


@lru_cache(maxsize=1)
def _latex_converter() -> Any:
    """One pylatexenc converter: building one per value made a 200-record file take seconds."""
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text()


def _decode_latex(value: str) -> str:
    """pylatexenc's LaTeX → text (``{\\v{S}}imi{\\'c}`` → ``Šimić``), braces and spacing cleaned."""
    if "\\" not in value and "{" not in value and "$" not in value and "%" not in value:
        return " ".join(unicodedata.normalize("NFC", value.replace("--", "\u2013")).split())
    try:
        text = _latex_converter().latex_to_text(value)
    except Exception:  # noqa: BLE001 - malformed LaTeX: fall back to the simple decoder
        text = latex_to_text(value)
    return " ".join(unicodedata.normalize("NFC", text).replace("{", "").replace("}", "").split())


def _bibtex_authors(raw: str) -> tuple[Author, ...]:
    """Authors of a raw (LaTeX) ``author`` field; ``and others`` dropped."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    authors = []
    for name in split_multiple_persons_names(raw):
        name = name.strip()
        if not name or name.lower() == "others":
            continue
        if _wrapped(name):  # {World Health Organization}: a body, not a person
            authors.append(Author(_decode_latex(name[1:-1]), "", corporate=True))
            continue
        try:
            parts = parse_single_name_into_parts(_decode_latex(name), strict=False)
        except Exception:  # noqa: BLE001 - an odd name is kept whole rather than lost
            authors.append(Author(_decode_latex(name), "", corporate=True))
            continue
        family = " ".join([*parts.von, *parts.last]).strip()
        given = " ".join(parts.first)
        if parts.jr:
            given += ", " + " ".join(parts.jr)
        authors.append(Author(family, _initials(given), corporate=not given))
    return tuple(authors)


def _wrapped(name: str) -> bool:
    """``{...}`` whose first brace closes at the very end (not ``{\\L}ukasiewicz, Pawe{\\l}``)."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, c in enumerate(name):
        depth += c == "{"
        depth -= c == "}"
        if depth == 0:
            return i == len(name) - 1
    return False


_WOK_FIELDS = {
    "document_title": "title", "publication_name": "journal", "publication_year": "year",
    "volume": "volume", "issue": "number", "beginning_page": "start_page",
    "ending_page": "end_page", "doi": "doi", "article_number": "article_number",
}  # fmt: skip
_RISPY_FIELDS = {
    "title": "title", "primary_title": "title", "journal_name": "journal",
    "secondary_title": "journal", "alternate_title3": "journal", "alternate_title1": "journal",
    "alternate_title2": "journal", "year": "year", "publication_year": "year", "date": "date",
    "volume": "volume", "number": "number", "start_page": "start_page", "end_page": "end_page",
    "doi": "doi", "note": "article_number",
}  # fmt: skip


def parse_ris(text: str) -> tuple[list[BibEntry], list[str]]:
    """RIS through rispy, or Web of Science tagged files (``FN``/``PT`` tags) through its WoK
    parser, which the hand-written reader does not read at all."""
    import rispy

    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    wok = re.match(r"^(?:FN|PT) ", text) is not None
    try:
        records = rispy.loads(text, implementation=rispy.WokParser if wok else rispy.RisParser)
    except (IndexError, KeyError, ValueError, TypeError) as exc:
        return [], [f"cannot read the file as {'Web of Science' if wok else 'RIS'}: {exc!r}"]
    mapping = _WOK_FIELDS if wok else _RISPY_FIELDS
    entries = []
    for n, rec in enumerate(records, 1):
        fields: dict[str, Any] = {"author": []}
        for key, name in mapping.items():
            value = rec.get(key)
            if value and name not in fields:
                fields[name] = str(value)
        for key in ("authors", "first_authors", "author_full_name"):
            if rec.get(key):
                fields["author"] = list(rec[key])
                break
        if rec.get("urls"):
            fields["url"] = rec["urls"][0]
        entries.append(BibEntry(f"ris-{n}", fields, n, "ris"))
    return entries, []


# --- entries -> references ---------------------------------------------------------------------


def _to_reference(entry: BibEntry, label: str) -> Reference:
    f = entry.fields
    if entry.kind == "ris":
        authors = tuple(_ris_author(a) for a in f.get("author", []))
        year_text = f.get("year") or f.get("date") or ""
        pages = (f.get("start_page"), f.get("end_page"))
        if pages[0] and not pages[1]:
            pages = _split_pages(pages[0])
        get = f.get
    else:
        authors = f.get("authors", ())
        year_text = f.get("year") or f.get("date") or ""
        pages = _split_pages(latex_to_text(f.get("pages", "")))

        def get(name: str) -> str | None:
            return latex_to_text(f[name]) if f.get(name) else None

    year = re.search(r"\d{4}", str(year_text))
    if not authors:
        raise ValueError(f"{label}: no author")
    if not year:
        raise ValueError(f"{label}: no year")
    title = (get("title") or "").rstrip(".")
    if not title:
        raise ValueError(f"{label}: no title")
    doi = normalise_doi(get("doi"))
    if doi is None and get("url") and "doi.org/" in (get("url") or ""):
        doi = normalise_doi(get("url"))
    if doi is not None and not DOI_RE.match(doi):
        raise ValueError(f"{label}: malformed DOI '{doi}' (a DOI looks like 10.1017/S0033291722)")
    first, last = pages
    article = get("article_number") or get("eid")
    if first and not last and not first.isdigit() and not article:
        article, first = first, None
    ref = Reference(
        key="",
        raw="",
        start=0,
        end=0,
        authors=authors,
        year=int(year.group()),
        year_suffix="",
        title=title,
        journal=get("journal") or get("journaltitle") or get("booktitle") or get("journal_abbrev"),
        volume=get("volume"),
        issue=get("number") or get("issue"),
        first_page=first,
        last_page=last,
        article_number=article,
        doi=doi,
        url=None if doi else get("url"),
    )
    return replace(ref, raw=format_apa(ref), key=citation_key(ref))


_PAGES = re.compile(r"^\s*(\S+?)\s*(?:[-\u2010-\u2014]+\s*(\S+))?\s*$")


def _split_pages(text: str) -> tuple[str | None, str | None]:
    m = _PAGES.match(text)
    return (m.group(1), m.group(2)) if m else (None, None)


def read_bibliography(path: str | Path) -> tuple[list[Reference], list[Problem]]:
    """Papers of a BibTeX (``.bib``) or RIS (``.ris``) file and the entries that were unusable.

    Raises ``UsageError`` for a file that is missing, binary, not UTF-8 or holds no entry.
    """
    refs, problems, _ = _read_with_origins(path)
    return refs, problems


def _read_with_origins(path: str | Path) -> tuple[list[Reference], list[Problem], list[str]]:
    """Papers of a BibTeX (``.bib``) or RIS (``.ris``, ``.txt`` with ``TY  -``) file.

    Raises ``UsageError`` for a file that is missing, binary, not UTF-8 or holds no entry.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise UsageError(f"{path}: file not found") from None
    if b"\x00" in data[:4096]:
        raise UsageError(f"{path}: binary file; export BibTeX (.bib) or RIS (.ris) as text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # older reference managers export Windows-1252
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 text; re-export it as UTF-8") from None
    is_ris = (
        path.suffix.lower() == ".ris"
        or re.search(r"^TY  - ", text, re.MULTILINE)
        or re.match(r"^\ufeff?(?:FN|PT) ", text)  # Web of Science tagged export
    )
    entries, errors = parse_ris(text) if is_ris else parse_bibtex(text)
    if not entries and not errors:
        raise UsageError(
            f"{path}: no {'RIS' if is_ris else 'BibTeX'} entries found "
            "(expected '@article{key, ...}' or 'TY  - JOUR' ... 'ER  - ')"
        )
    shown = str(path)
    problems = [Problem(shown, e, kind="input") for e in errors]
    refs, origins = [], []
    for entry in entries:
        label = f"entry {entry.key} (line {entry.line})"
        try:
            refs.append(_to_reference(entry, label))
        except ValueError as exc:
            problems.append(Problem(shown, str(exc), suggestion="complete the entry and re-export"))
        else:
            origins.append(label)
    return refs, problems, origins


# --- data/papers.yaml --------------------------------------------------------------------------


def _record(ref: Reference, origin: str) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "key": ref.key,
        "doi": ref.doi,
        "authors": [a.family if a.corporate else f"{a.family}, {a.given}" for a in ref.authors],
        "year": ref.year,
        "title": ref.title,
        "journal": ref.journal,
        "volume": ref.volume,
        "issue": ref.issue,
        "pages": (
            f"{ref.first_page}\u2013{ref.last_page}" if ref.first_page and ref.last_page
            else ref.first_page
        ),
        "article_number": ref.article_number,
        "url": ref.url,
        "imported_from": origin,
        "draft": True,
    }  # fmt: skip
    return {k: v for k, v in rec.items() if v is not None}


def import_bib(
    path: str | Path, data_dir: str | Path | None = None, *, dry_run: bool = False
) -> ImportResult:
    """Add the papers of a BibTeX/RIS file to ``data_dir/papers.yaml`` as drafts.

    A paper whose DOI is already in the data (a source's reference list or papers.yaml) is
    skipped when its details agree and reported as a conflict, not added, when they differ.
    Keys follow the reference-list rule (``smith2020``), with b, c, ... when a key is taken.
    """
    import yaml

    from peergraph.curate.extract import differences
    from peergraph.ingest.dataset import read_sources
    from peergraph.paths import default_data_dir

    data = Path(data_dir) if data_dir is not None else default_data_dir()
    refs, problems, _origins = _read_with_origins(path)
    result = ImportResult(problems=problems, papers_file=data / "papers.yaml", dry_run=dry_run)
    existing: dict[str, tuple[str, Reference]] = {}
    keys: set[str] = set()
    known: list[Reference] = []
    if (data / "sources.yaml").is_file():
        for sid, source in read_sources(data, []).items():
            for ref in source.references.values():
                keys.add(ref.key)
                known.append(ref)
                if ref.doi:
                    existing.setdefault(ref.doi.lower(), (f"source {sid}", ref))
    papers, paper_problems = read_papers(data, include_drafts=True)
    if paper_problems:
        raise UsageError("; ".join(str(p) for p in paper_problems))
    for ref in papers:
        keys.add(ref.key)
        if ref.doi:
            existing.setdefault(ref.doi.lower(), ("papers.yaml", ref))
    seen = {_fingerprint(r) for r in [*known, *papers]}
    records = []
    origins = {id(r): o for r, o in zip(refs, _origins, strict=True)}
    for ref_in in refs:
        ref = ref_in
        if ref.doi and ref.doi.lower() in existing:
            where, other = existing[ref.doi.lower()]
            diffs = differences(ref, other)
            if diffs:
                result.conflicts.append(
                    f"{ref.key}: DOI {ref.doi} is already {other.key} in {where}, printed "
                    f"differently ({'; '.join(diffs)}); not added — correct the wrong one"
                )
            else:
                result.duplicates.append(
                    f"{ref.key}: DOI {ref.doi} is already {other.key} in {where}"
                )
            continue
        if not ref.doi and _fingerprint(ref) in seen:  # no DOI: same author, year and title
            result.duplicates.append(f"{ref.key}: same first author, year and title as a paper")
            continue
        seen.add(_fingerprint(ref))
        key, n = ref.key, 1
        while key in keys:  # b, c, ..., z, aa, ab, ...: any number of clashes
            key, n = ref.key + _letters(n), n + 1
        ref = replace(ref, key=key)
        keys.add(key)
        if ref.doi:
            existing[ref.doi.lower()] = ("papers.yaml", ref)
        result.added.append(ref)
        records.append(_record(ref, f"{Path(path).name}, {origins[id(ref_in)]}"))
    if records and not dry_run:
        target = data / "papers.yaml"
        header = (
            "# Papers imported from reference-manager exports by 'peergraph import-bib'.\n"
            "# Fields are as exported, not verified. Delete 'draft: true' to accept a paper.\n"
            "papers:\n"
        )
        before = target.read_text(encoding="utf-8") if target.is_file() else header
        chunk = yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=100)
        after = before + ("" if before.endswith("\n") else "\n") + _indent(chunk)
        check = yaml.safe_load(after)
        if not isinstance(check, dict) or len(check.get("papers") or []) != len(papers) + len(
            records
        ):
            raise UsageError(f"{target}: cannot append (the 'papers:' list must end the file)")
        data.mkdir(parents=True, exist_ok=True)
        target.write_text(after, encoding="utf-8")
    return result


def _fingerprint(ref: Reference) -> tuple[str, int, str]:
    family = fold_name(ref.authors[0].family) if ref.authors else ""
    return family, ref.year, fold_name(ref.title)


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())
