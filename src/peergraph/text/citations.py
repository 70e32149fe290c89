"""In-text APA citations: find them in prose and resolve them against a parsed reference list.

Used by validation to check that a finding's ``cites`` agrees with what its sentence actually cites.
Pure standard library so that it imports fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from peergraph.text.references import UPPER, Reference, fold_name

__all__ = ["NOT_NAMES", "Citation", "find_citations", "resolve", "resolve_all"]


@dataclass(frozen=True)
class Citation:
    """One cited work (author names + one year) as it appears in the text.

    ``raw == text[start:end]``. For a parenthetical citation ``raw`` runs from the first name to
    the year (prefixes such as "e.g.," and locators such as ", p. 5" are left out); for a narrative
    one it is the whole ``Name et al. (2023)``.
    """

    raw: str
    start: int
    end: int
    families: tuple[str, ...]
    et_al: bool
    year: int
    year_suffix: str
    number: int = 0  # a numeric citation's reference number ("[3]"); 0 for author-date


# Capitalised words that open sentences or clauses and are never read as a first author
# ("However, Smith and Jones (2019)" cites Smith and Jones).
NOT_NAMES = frozenset(
    """According Accordingly Additionally Also Although And As Because Both But By Cf
    Consequently Conversely E.g Finally First For Furthermore Hence Here However If Importantly In
    Indeed Interestingly Issue Likewise Meanwhile Moreover Nevertheless Nonetheless Notably Overall
    Recently Research Second See Similarly Since Specifically Studies Such That The Then There
    These Third This Those Thus Though When Whereas While With Yet""".split()
)
_STOP = "|".join(re.escape(w) for w in sorted(NOT_NAMES))
_PARTICLE = r"(?:van|von|de|der|den|del|della|da|di|du|dos|das|le|la|ten|ter|op|zu)"
_CAP_PARTICLE = r"(?:Van|Von|De|Der|Den|Del|Della|Da|Di|Du|Dos|Das|Le|La|Ten|Ter)"
_WORD = rf"(?!(?:{_STOP})(?![\w'’-]))[{UPPER}][\w'’]*(?:-[\w'’]+)*"
# narrative names: particles + one capitalised (possibly hyphenated) word, so that the prose
# before a name is never swallowed ("In Smit et al." is Smit)
# ("López-López JA et al (2019)": initials "JA" are never the cited surname)
_NNAME = rf"(?:(?:{_PARTICLE}|{_CAP_PARTICLE})\s+)*(?:[dD]['’])?(?![{UPPER}]{{1,2}}\b){_WORD}"
# parenthetical names may also be corporate: "World Health Organization", "Department of Health"
_PNAME = rf"(?:{_PARTICLE}\s+)*(?:[dD]['’])?{_WORD}(?:\s+(?:(?:of|for|the|on|in)\s+)*{_WORD})*"
_AND = r"(?:\s*&\s*|\s+and\s+)"
_ET_AL = r"(?P<etal>\s*,?\s+et\s+al\.?|\s+and\s+colleagues)?"
_YEAR = r"\d{4}[a-z]?(?![\w])"
_YEARS = rf"(?P<years>{_YEAR}(?:\s*,\s*{_YEAR})*)"


def _names(name: str, *, commas_need_and: bool) -> str:
    if commas_need_and:  # narrative: "A, B, and C" but never "However, Smith"
        return rf"{name}(?:(?:\s*,\s*{name})*\s*,?{_AND}{name})?"
    return rf"{name}(?:\s*,\s*{name})*(?:\s*,?{_AND}{name})?"


_LEFT = r"(?<![\w'’-])"


@cache
def _item_patterns(year_comma: bool = True) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(parenthetical item, narrative) patterns; compiled on first use, as that takes ~15 ms.

    Without ``year_comma`` the comma before the year is optional (Chicago "(Smit et al. 2023)").
    """
    comma = r"\s*,\s*" if year_comma else r"\s*,?\s*"
    paren_item = re.compile(
        rf"{_LEFT}(?P<names>{_names(_PNAME, commas_need_and=False)}){_ET_AL}{comma}{_YEARS}"
    )
    narrative = re.compile(
        rf"{_LEFT}(?P<names>{_names(_NNAME, commas_need_and=True)}){_ET_AL}(?:['’]s?)?"
        rf"\s*\(\s*{_YEARS}(?:\s*,\s*(?:pp?|paras?|chap|ch)\.\s*[^()]*)?\s*\)"
    )
    return paren_item, narrative


_BRACKET = re.compile(r"\(([^()]*\d{4}[^()]*)\)")
_PREFIX = re.compile(
    r"^\s*(?:(?:see\s+also|see|e\.g\.|i\.e\.|cf\.|for\s+example|for\s+a\s+review,?\s+see|"
    r"reviewed\s+in|as\s+reviewed\s+in)\s*,?\s*)+",
    re.IGNORECASE,
)
_SPLIT_NAMES = re.compile(rf"\s*,\s*(?:&\s*|and\s+)?|{_AND}")
_YEAR_TOKEN = re.compile(r"(\d{4})([a-z]?)")


def find_citations(text: str, *, year_comma: bool = True) -> list[Citation]:
    """All in-text citations of ``text`` in order of position; one per (author list, year).

    Recognises parenthetical ``(Smit et al., 2023)``, lists ``(A & B, 2011; C, 2004)``, prefixes
    and locators ``(see Smit et al., 2023, p. 5)``, narrative ``Repper and Carter (2023)``, ``and``
    for ``&``, suffixes ``2023a`` and several years per author list. Undated (n.d.) and "in press"
    citations are not reported: they have no year to resolve by.
    """
    paren_item, narrative = _item_patterns(year_comma)
    found: list[Citation] = []
    for bracket in _BRACKET.finditer(text):
        pos = bracket.start(1)
        for part in bracket.group(1).split(";"):
            prefix = _PREFIX.match(part)
            skip = prefix.end() if prefix else 0
            for m in paren_item.finditer(part, skip):
                found.extend(_citations(text, m, pos, narrative=False))
            pos += len(part) + 1
    for m in narrative.finditer(text):
        found.extend(_citations(text, m, 0, narrative=True))
    found.sort(key=lambda c: (c.start, c.end))
    return found


def _citations(text: str, m: re.Match[str], base: int, *, narrative: bool) -> list[Citation]:
    families = tuple(n for n in _SPLIT_NAMES.split(m.group("names")) if n)
    et_al = m.group("etal") is not None
    start = base + m.start("names")
    out = []
    for year in _YEAR_TOKEN.finditer(m.group("years")):
        end = base + (m.end() if narrative else m.start("years") + year.end())
        out.append(Citation(text[start:end], start, end, families, et_al, int(year[1]), year[2]))
    return out


def resolve(citation: Citation, refs: Sequence[Reference]) -> Reference | None:
    """The reference a citation points to, or None when there is none or it is ambiguous.

    Year and first-author family name (accent- and case-insensitive) must match; so must every
    further name the citation lists. A year suffix must match the printed suffix or the key's
    (``smith2020b``). Leniency where APA practice varies: "et al." accepts two or more authors,
    and a citation without a suffix accepts a suffixed reference when it is the only candidate.
    A tie between equally good candidates is treated as unresolved rather than guessed.
    """
    wanted = [fold_name(f) for f in citation.families]
    ranked: list[tuple[int, Reference]] = []
    for ref in refs:
        if ref.year != citation.year or not ref.authors:
            continue
        names = [fold_name(a.family) for a in ref.authors]
        if not _names_match(wanted, names, ref):
            continue
        rank = 0
        if citation.year_suffix:
            if citation.year_suffix not in (ref.year_suffix, _key_suffix(ref)):
                continue
        elif ref.year_suffix:
            rank += 2
        count = len(ref.authors)
        if citation.et_al:
            if count < 2 and not ref.authors_truncated:
                continue
            rank += 0 if count >= 3 or ref.authors_truncated else 1
        elif count != len(wanted) and not ref.authors[0].corporate:
            rank += 1
        ranked.append((rank, ref))
    if not ranked:
        return None
    ranked.sort(key=lambda x: x[0])
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][1]


def _names_match(wanted: list[str], names: list[str], ref: Reference) -> bool:
    if ref.authors[0].corporate:
        # "(Substance Abuse and Mental Health Services Administration, 2019)" was split on "and"
        joined = "".join(wanted)
        corporate = names[0]
        if joined in (corporate, corporate.replace("and", "")) or wanted[0] == corporate:
            return True
    if len(wanted) > len(names) and not ref.authors_truncated:
        return False
    return all(w == n for w, n in zip(wanted, names, strict=False))


def _key_suffix(ref: Reference) -> str:
    tail = ref.key[len(ref.key.rstrip("abcdefghijklmnopqrstuvwxyz")) :]
    return tail if ref.key[: -len(tail) or None].endswith(str(ref.year)) else ""


def resolve_all(
    text: str, refs: Sequence[Reference]
) -> tuple[list[tuple[Citation, Reference]], list[Citation]]:
    """Resolve every citation of ``text``: ``(resolved pairs in text order, unresolved)``."""
    resolved: list[tuple[Citation, Reference]] = []
    unresolved: list[Citation] = []
    for citation in find_citations(text):
        ref = resolve(citation, refs)
        if ref is None:
            unresolved.append(citation)
        else:
            resolved.append((citation, ref))
    return resolved, unresolved
