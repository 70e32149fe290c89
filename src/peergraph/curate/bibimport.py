"""Papers from reference-manager exports (BibTeX, RIS) into ``data/papers.yaml``.

Sources are verbatim documents, so imported papers never go into a source's reference list.
They go into their own curated file, ``data/papers.yaml``: one record per paper, fields as the
export gave them, ``draft: true`` until a curator confirms them, and the export's file and entry
named in ``imported_from`` (provenance). The same DOI rules as reference lists apply: DOIs are
stored bare (``10.xxxx/...``, any ``https://doi.org/`` or ``doi:`` prefix removed), compared
case-insensitively, and a paper whose DOI is already in the data is not added twice: if its
details agree it is skipped, if they differ it is reported as a conflict for a curator.

Pure standard library; :func:`read_papers` gives the build :class:`Reference` records.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
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


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _braced(text: str, i: int) -> tuple[str, int]:
    """``text[i] == "{"``: the content up to the matching brace, and the index after it."""
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        j += 1
    raise ValueError("unbalanced braces")


def _quoted(text: str, i: int) -> tuple[str, int]:
    depth, j = 0, i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            return text[i + 1 : j], j + 1
        j += 1
    raise ValueError("unterminated quoted value")


def parse_bibtex(text: str) -> tuple[list[BibEntry], list[str]]:
    """Entries of a ``.bib`` file and a message per entry that could not be read.

    Handles ``{...}`` and ``"..."`` values with nested braces, ``#`` concatenation, ``@string``
    macros, numbers, and skips ``@comment`` / ``@preamble``.
    """
    entries: list[BibEntry] = []
    errors: list[str] = []
    macros: dict[str, str] = {}
    for m in re.finditer(r"@\s*([A-Za-z]+)\s*([{(])", text):
        kind = m.group(1).lower()
        line = text.count("\n", 0, m.start()) + 1
        if kind in ("comment", "preamble"):
            continue
        i = m.end()
        try:
            if kind == "string":
                name, _, rest = text[i:].partition("=")
                value, _ = _value(text, _skip_ws(text, i + len(name) + 1), macros)
                macros[name.strip().lower()] = value
                continue
            comma = text.find(",", i)
            if comma < 0:
                raise ValueError("no ',' after the entry key")
            key = text[i:comma].strip()
            fields, _ = _fields(text, comma + 1, macros)
        except ValueError as exc:
            errors.append(f"line {line}: cannot read @{kind} entry: {exc}")
            continue
        entries.append(BibEntry(key, fields, line, kind))
    return entries, errors


def _value(text: str, i: int, macros: dict[str, str]) -> tuple[str, int]:
    parts = []
    while True:
        i = _skip_ws(text, i)
        if i >= len(text):
            raise ValueError("entry ends inside a value")
        if text[i] == "{":
            part, i = _braced(text, i)
        elif text[i] == '"':
            part, i = _quoted(text, i)
        else:
            m = re.compile(r"[\w:./-]+").match(text, i)
            if not m:
                raise ValueError(f"unexpected {text[i]!r}")
            word = m.group()
            part, i = (word if word.isdigit() else macros.get(word.lower(), word)), m.end()
        parts.append(part)
        i = _skip_ws(text, i)
        if i < len(text) and text[i] == "#":
            i += 1
            continue
        return "".join(parts), i


def _fields(text: str, i: int, macros: dict[str, str]) -> tuple[dict[str, str], int]:
    fields: dict[str, str] = {}
    while True:
        i = _skip_ws(text, i)
        if i >= len(text):
            raise ValueError("missing closing brace")
        if text[i] in "})":
            return fields, i + 1
        m = re.compile(r"([A-Za-z][\w-]*)\s*=").match(text, i)
        if not m:
            raise ValueError(f"expected 'name = value' near {text[i : i + 20]!r}")
        value, i = _value(text, m.end(), macros)
        fields[m.group(1).lower()] = value
        i = _skip_ws(text, i)
        if i < len(text) and text[i] == ",":
            i += 1


def _bib_authors(value: str) -> tuple[Author, ...]:
    authors = []
    for name in re.split(r"\s+and\s+", value.strip()):
        name = name.strip()
        if not name or name.lower() == "others":
            continue
        if name.startswith("{") and name.endswith("}"):
            authors.append(Author(latex_to_text(name), "", corporate=True))
            continue
        text = latex_to_text(name)
        if "," in text:
            family, given = (p.strip() for p in text.split(",", 1))
        else:
            words = text.split()
            family, given = words[-1], " ".join(words[:-1])
        authors.append(Author(family, _initials(given)))
    return tuple(authors)


def _initials(given: str) -> str:
    """``"John Bernard"`` → ``"J. B."``; ``"Jean-Paul"`` → ``"J.-P."``; initials stay."""
    out = []
    for word in given.replace(".", ". ").split():
        parts = [p for p in word.split("-") if p]
        out.append("-".join(p[0].upper() + "." for p in parts if p[0].isalpha()))
    return " ".join(o for o in out if o)


# --- RIS ----------------------------------------------------------------------------------------

_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_RIS_FIELDS = {
    "AU": "author", "A1": "author", "A2": None, "TI": "title", "T1": "title",
    "JO": "journal", "JF": "journal", "T2": "journal", "JA": "journal_abbrev",
    "J2": "journal_abbrev", "PY": "year", "Y1": "year", "DA": "date", "VL": "volume",
    "IS": "number", "SP": "start_page", "EP": "end_page", "DO": "doi", "UR": "url",
    "TY": "type", "M1": "article_number", "AR": "article_number",
}  # fmt: skip


def parse_ris(text: str) -> tuple[list[BibEntry], list[str]]:
    """Entries of an ``.ris`` file (``TY  -`` ... ``ER  -``) and a message per broken entry."""
    entries: list[BibEntry] = []
    errors: list[str] = []
    current: dict[str, Any] | None = None
    start = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        m = _RIS_LINE.match(line)
        if not m:
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            if current is not None:
                errors.append(f"line {start}: entry has no 'ER  -' line before the next 'TY  -'")
            current, start = {"type": value, "author": []}, n
            continue
        if current is None:
            continue
        if tag == "ER":
            entries.append(BibEntry(f"ris-{len(entries) + 1}", current, start, "ris"))
            current = None
            continue
        name = _RIS_FIELDS.get(tag)
        if name == "author":
            current["author"].append(value)
        elif name and value and name not in current:
            current[name] = value
    if current is not None:
        errors.append(f"line {start}: entry has no closing 'ER  -' line")
    return entries, errors


def _ris_author(value: str) -> Author:
    if "," not in value:
        return Author(value, "", corporate=True)
    family, given = (p.strip() for p in value.split(",", 1))
    given = given.split(",")[0]  # "Smith, John, Jr." keeps the name
    return Author(family, _initials(given))


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
        authors = _bib_authors(f.get("author", "") or f.get("editor", ""))
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
    is_ris = path.suffix.lower() == ".ris" or re.search(r"^TY  - ", text, re.MULTILINE)
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
