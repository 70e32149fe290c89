"""The hand-written BibTeX and RIS readers peergraph used before bibtexparser 2 and rispy.

Kept only so ``benchmarks/bib_readers.py`` can repeat the comparison that replaced them
(issue 15 point 8); nothing in ``src/`` uses them.
"""

from __future__ import annotations

import re
from typing import Any

from peergraph.curate.bibimport import BibEntry, _initials, latex_to_text
from peergraph.text.references import Author


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
    return Author(family, _initials(given.split(",")[0]))


def with_authors(entries: list[BibEntry]) -> list[BibEntry]:
    """Authors split the old way, in the field the shared ``_to_reference`` now reads."""
    for e in entries:
        if e.kind != "ris":
            names = e.fields.get("author", "") or e.fields.get("editor", "")
            e.fields["authors"] = _bib_authors(names)
    return entries


def parse_bibtex_old(text: str) -> tuple[list[BibEntry], list[str]]:
    entries, errors = parse_bibtex(text)
    return with_authors(entries), errors
