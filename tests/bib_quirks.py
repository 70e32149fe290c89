"""Reference-manager exports with each manager's quirks, generated with known right answers.

Not a test module: ``tests/test_bib_quirks.py`` and ``benchmarks/bib_readers.py`` use it to
measure how well a BibTeX/RIS reader recovers authors, years and titles. Styles follow what
Zotero, Mendeley, EndNote and JabRef write: LaTeX accents (``M{\\"u}ller``, ``{\\v{S}}imi{\\'c}``),
protective braces (``{{Peer}} support``), ``and others``, ``@string`` macros, biblatex ``date``,
"First von Last" names, upper-case field names, CRLF line ends, missing years.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (family, given, LaTeX family, LaTeX given)
NAMES = [
    ("Müller", "Jörg", 'M{\\"u}ller', 'J{\\"o}rg'),
    ("Šimić", "Ana", "{\\v{S}}imi{\\'c}", "Ana"),
    ("García-López", "María José", "Garc{\\'i}a-L{\\'o}pez", "Mar{\\'i}a Jos{\\'e}"),
    ("Dupont", "Élodie", "Dupont", "{\\'E}lodie"),
    ("Øvretveit", "John", "{\\O}vretveit", "John"),
    ("Smith", "John", "Smith", "John"),
    ("Repper", "Julie", "Repper", "Julie"),
    ("Carter", "Tim", "Carter", "Tim"),
    ("Gonçalves", "Inês", "Gon{\\c{c}}alves", "In{\\^e}s"),
    ("Łukasiewicz", "Paweł", "{\\L}ukasiewicz", "Pawe{\\l}"),
    ("Strauß", "Günter", "Strau{\\ss}", "G{\\\"u}nter"),
    ("van der Berg", "Pieter", "van der Berg", "Pieter"),
    ("O'Brien", "Seán", "O'Brien", "Se{\\'a}n"),
    ("Иванов", "Иван", "Иванов", "Иван"),  # Unicode in the file: no LaTeX for Cyrillic
]
TOPICS = ["Peer support", "Recovery", "Hope", "Peer workers", "Stigma", "Empowerment"]
PLACES = ["Mental Health", "Inpatient Care", "the Community", "Online Groups"]
MANAGERS = ["zotero", "mendeley", "endnote", "jabref"]


@dataclass
class Truth:
    """What a reader should recover from one record (``year`` None: it must be skipped)."""

    authors: list[tuple[str, str]]  # (family, first initial)
    year: int | None
    title: str
    doi: str | None
    key: str = ""  # the entry's key in the file (RIS: ris-1, ris-2, ... in order)


def initials(given: str) -> str:
    return given[0]


def _records(n: int, seed: int) -> list[tuple[list[tuple], bool, int | None, str, str | None]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        people = rng.sample(NAMES, rng.randint(1, 4))
        others = rng.random() < 0.15
        year = None if rng.random() < 0.05 else rng.randint(1995, 2024)
        title = f"{rng.choice(TOPICS)} in {rng.choice(PLACES)}: Study {i}"
        doi = f"10.{1000 + i % 50}/pg.{i}" if rng.random() < 0.8 else None
        out.append((people, others, year, title, doi))
    return out


def _truth(people, year, title, doi) -> Truth:
    return Truth([(p[0], initials(p[1])) for p in people], year, title, doi)


def _protect(title: str) -> str:
    """Braces around capitalised words, as Zotero and Mendeley write them."""
    words = title.split()
    return " ".join("{" + w + "}" if w[:1].isupper() and i else w for i, w in enumerate(words))


def bibtex(manager: str, n: int = 100, seed: int = 1) -> tuple[str, list[Truth]]:
    """A .bib file as ``manager`` exports it, and the truth per entry in file order."""
    chunks, truths = [], []
    used: set[str] = set()
    if manager == "jabref":
        chunks.append("% Encoding: UTF-8\n\n@String{jmh = {Journal of Mental Health}}\n")
    for i, (people, others, year, title, doi) in enumerate(_records(n, seed)):
        truths.append(_truth(people, year, title, doi))
        if manager == "zotero":  # Unicode names, "Family, Given", {{protected}} words, month macro
            names = " and ".join(f"{p[0]}, {p[1]}" for p in people)
            fields = [
                ("title", "{" + _protect(title) + "}"),
                ("volume", "{12}"),
                ("url", "{https://example.org/" + str(i) + "}"),
                ("journal", "{Journal of Mental Health}"),
                ("author", "{" + names + (" and others" if others else "") + "}"),
                ("month", "jan"),
                ("pages", "{101--110}"),
            ]
            key = f"{people[0][0].lower()}_{title.split()[0].lower()}_{year or ''}"
        elif manager == "mendeley":  # LaTeX accents, {{title}}, $\backslash$ in file paths
            names = " and ".join(f"{p[2]}, {p[3]}" for p in people)
            fields = [
                ("abstract", "{A study of peer support; 50{\\%} of {\\&} more.}"),
                ("author", "{" + names + (" and Others" if others else "") + "}"),
                ("file", "{:C$\\backslash$:/Users/me/Mendeley/file" + str(i) + ".pdf:pdf}"),
                ("journal", "{Journal of Mental Health}"),
                ("mendeley-groups", "{Peer support}"),
                ("number", "{3}"),
                ("pages", "{101--110}"),
                ("title", "{{" + title + "}}"),
                ("volume", "{12}"),
            ]
            key = f"{people[0][0].split()[-1]}{year or ''}"
        elif manager == "endnote":  # upper-case field names, plain hyphen pages, ISI URLs
            names = " and ".join(f"{p[0]}, {p[1][0]}." for p in people)  # EndNote: Unicode
            fields = [
                ("author", "{" + names + (" and others" if others else "") + "}"),
                ("title", "{" + title + "}"),
                ("journal", "{Journal of Mental Health}"),
                ("volume", "{12}"),
                ("number", "{3}"),
                ("pages", "{101-10}"),
                ("ISSN", "{0963-8237}"),
                ("URL", "{<Go to ISI>://WOS:0000" + str(i) + "}"),
                ("type", "{Journal Article}"),
            ]
            key = f"RN{i}"
        else:  # jabref: "First von Last" names, {Corporate}, macros, biblatex date, quotes
            names = " and ".join(f"{p[3]} {p[2]}" for p in people)
            fields = [
                ("author", "{" + names + (" and others" if others else "") + "}"),
                ("title", '"' + title + '"'),
                ("journaltitle", "jmh"),
                ("volume", "12"),
                ("pages", "{101--110}"),
                ("comment", "{Imported; see {JabRef}}"),
            ]
            key = f"{people[0][0].split()[-1]}{year or 'nd'}x{i}"
        if year is not None:
            if manager == "jabref":
                fields.append(("date", "{" + f"{year}-03-01" + "}"))
            elif manager == "endnote":
                fields.append(("year", "{" + str(year) + "}"))
            elif manager == "mendeley":
                fields.append(("year", str(year)))  # Mendeley writes bare numbers
            else:
                fields.append(("year", "{" + str(year) + "}"))
        if doi:
            fields.append(("DOI" if manager == "endnote" else "doi", "{" + doi + "}"))
        base, n_dup = key, 0
        while key in used:  # Zotero appends -1, -2; Mendeley a, b; EndNote and JabRef are unique
            n_dup += 1
            key = f"{base}-{n_dup}" if manager == "zotero" else base + "abcdefghijklmnop"[n_dup]
        used.add(key)
        truths[-1].key = key
        kind = "Article" if manager == "jabref" else "article"
        body = ",\n".join(f"  {k} = {v}" for k, v in fields)
        chunks.append(f"@{kind}{{{key},\n{body}\n}}\n")
    if manager == "jabref":
        chunks.append("@Comment{jabref-meta: databaseType:biblatex;}\n")
    return "\n".join(chunks), truths


def ris(manager: str, n: int = 100, seed: int = 2) -> tuple[str, list[Truth]]:
    """A .ris file as ``manager`` exports it (EndNote: CRLF and 'ER  -' without a space)."""
    lines, truths = [], []
    for i, (people, _others, year, title, doi) in enumerate(_records(n, seed)):
        truths.append(_truth(people, year, title, doi))
        truths[-1].key = f"ris-{i + 1}"
        lines.append("TY  - JOUR")
        if manager == "mendeley":
            lines.append(f"ID  - {i}")
        for p in people:
            lines.append(f"AU  - {p[0]}, {p[1] if manager != 'endnote' else p[1][0] + '.'}")
        lines.append(f"{'T1' if manager == 'mendeley' else 'TI'}  - {title}")
        lines.append(f"{'JO' if manager == 'zotero' else 'T2'}  - Journal of Mental Health")
        if year is not None:
            lines.append(f"PY  - {year}" + ("/03/01/" if manager == "mendeley" else ""))
            if manager == "zotero":
                lines.append(f"DA  - {year}/03/01/")
        lines += ["VL  - 12", "IS  - 3", "SP  - 101", "EP  - 110"]
        if doi:
            lines.append(f"DO  - {doi}")
        abstract = "N2  - A study of peer support;" if manager == "endnote" else "AB  - Abstract."
        lines.append(abstract)
        if manager == "zotero":
            lines.append("KW  - peer support")
            lines.append("KW  - recovery")
        lines.append("ER  -" if manager == "endnote" else "ER  - ")
        lines.append("")
    sep = "\r\n" if manager == "endnote" else "\n"
    text = sep.join(lines)
    return ("\ufeff" + text if manager == "endnote" else text), truths
