"""Reference lists and in-text citations in the common styles, for documents we have never seen.

:mod:`peergraph.text.references` parses APA lists one reference per line, the form the curated
sources use. Documents a user brings are mostly converted from PDF: references wrap over several
lines, page furniture is mixed in, and the style is APA, a Harvard variant (Elsevier, Cambridge,
Cite Them Right), Chicago author-date, Vancouver/NLM or a plain numbered list. This module finds
the entries of such a list, reads what every style prints in a recognisable place (authors,
year, DOI, label) and finds author-date or numeric in-text citations. Fields that are not read
(title, journal, pages) are left empty rather than guessed. Pure standard library.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from peergraph.text.citations import Citation, find_citations, resolve
from peergraph.text.references import (
    UPPER,
    Author,
    Reference,
    ReferenceParseError,
    assign_keys,
    find_reference_section,
    parse_reference_lines,
)

__all__ = [
    "STYLES",
    "ParsedList",
    "detect_style",
    "find_numeric_citations",
    "find_style_citations",
    "parse_reference_list",
    "parse_entry",
    "read_reference_list",
    "resolve_style_citations",
]

# style id -> what `peergraph extract` reports
STYLES = {
    "apa": "APA 6/7 author-date",
    "harvard": "Harvard author-date (Elsevier, Cambridge, Cite Them Right)",
    "chicago": "Chicago author-date",
    "vancouver": "Vancouver/NLM numbered",
    "numbered": "numbered list",
}

_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_YEAR_TOKEN = r"(?:19|20)\d{2}"
# "[12]", "12.", "12 " at the start of an entry
_LABEL = re.compile(r"^\s*(?:\[(?P<b>\d{1,4})\]|(?P<d>\d{1,4})\.)(?:\s+|$)")
_LABEL_ONLY = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,4}\.)\s*$")
# a line that starts an author list: "Surname, A.", "Surname AB,", "van der Berg, K", "Beck AT ("
_PARTICLES = "van|von|de|der|den|da|di|du|la|le|dos|das|del|della|ten|ter|op|d'|d’"
_NAME = rf"(?:(?:{_PARTICLES})\s)*(?:de|di|da|du|la|le|van|von)?[{UPPER}][\w'’{_DASH}]*"
_START_COMMA = re.compile(
    rf"^{_NAME}(?:\s{_NAME}){{0,3}},\s+[{UPPER}](?:[\w]{{0,1}}\.|\s|,|\.?[{_DASH}])"
)
_START_VANC = re.compile(
    rf"^{_NAME}(?:\s{_NAME}){{0,2}}\s[{UPPER}]{{1,3}}(?:,|\.|\s\(|\s(?:and|&)\s|\s*$)"
)
_TWO_VANC_NAMES = re.compile(
    rf"^{_NAME}(?:\s{_NAME})?\s[{UPPER}]{{1,3}},\s{_NAME}(?:\s{_NAME})?\s[{UPPER}]{{1,3}}[,\s]"
)
_START_CORP = re.compile(
    rf"^[{UPPER}][^.;:]{{0,90}}?[.,]\s*\(?(?:{_YEAR_TOKEN}[a-z]?|n\.\s?d\.)\)?[.,;]"
    # Cambridge Harvard prints a corporate author straight before "(Year)": "National Institute
    # for Clinical Excellence (2009) Depression in Adults"
    rf"|^[{UPPER}][\w'’&{_DASH}]*(?:\s+(?:of|for|and|the|on|in|&|[{UPPER}][\w'’&{_DASH}]*)){{1,12}}"
    rf"\s\((?:{_YEAR_TOKEN}[a-z]?|n\.\s?d\.)\)\s"
)
_PARTICLE_END = re.compile(r"(?:^|\s)(?:[Vv]an|[Vv]on|[Dd]e[rn]?|[Dd]el|[Dd]a)\s*$")
_LONE_NAME = re.compile(rf"{_NAME},")
_DOI_CUT = re.compile(r"\b10\.\d{4,9}/\S*[\d.]\s*$")
_SOURCE_TAIL = re.compile(rf"(?<!\d){_YEAR_TOKEN}[a-z]?\s*;\s*\d")
# page furniture in text converted from PDF
_FURNITURE = re.compile(
    r"^\s*(?:\d{1,4}|\d+\s+of\s+\d+|page\s+\d+(?:\s+of\s+\d+)?|[A-Z][\w &]+,\s*\d{4}|"
    r"[A-Z][A-Za-z &]+\s\(\d{4}\)\s*\d+:\d+|\d+\s+[A-Z][A-Za-z &]+\s\(\d{4}\)\s*\d+)\s*$",
    re.IGNORECASE,
)
_CONTINUES = re.compile(
    r"(?:[,&…]|\sand|(?:^|\s)[A-Z]\.|\s(?:[Vv]an|[Vv]on|[Dd]e[rn]?|[Dd]el|[Dd]a|[Ll]a|[Ll]e))\s*$"
)
_ENDS_ENTRY = re.compile(r"(?:[.)\]]|\d|[\w/]{6,}\.?\s*|https?://\S+)\s*$")
_DOI = re.compile(
    rf"(?:doi\.org/|doi:?\s*)?(?P<doi>10\.\s?\d{{4,9}}\s?/"
    rf"(?:[^\s]|\s(?=[\d)])|(?<=[{_DASH}./_(])\s(?=[^\s.]))+)",
    re.IGNORECASE,
)
# access dates and similar notes hold years that are not the publication year
_ACCESSED = re.compile(
    r"(?:\[(?:cited|accessed)[^\]]*\]|\b(?:accessed|retrieved|cited)(?:\s+on)?\s+"
    r"(?:\d{1,2}\s+)?(?:[A-Z][a-z]+\.?\s+)?(?:\d{1,2},?\s+)?(?:19|20)\d{2})",
    re.IGNORECASE,
)
# "A.", "A.B.", "J.-P.", "Th.", "AB": a capital with a lower-case letter needs its point ("Th."),
# so that short surnames ("Bo", "Li", "Yu") are not read as initials
_INITIALS_WORD = re.compile(rf"^(?:[{UPPER}](?:[a-z]\.|\.)?[{_DASH}]?)+$|^[{UPPER}]{{1,3}}$")
_ETAL = re.compile(r"\bet\s*al\b\.?", re.IGNORECASE)


@dataclass
class ParsedList:
    """A reference list read in some style: the references, their labels, what failed."""

    style: str
    references: list[Reference]
    labels: dict[str, str]  # reference key -> printed label ("12") for numbered styles
    errors: list[ReferenceParseError]
    start: int  # offsets of the list in the text
    end: int
    entries: int = 0  # entries found, parsed or not (numbers up to it can be cited)
    by_line: bool = False  # read one APA reference per line (titles, journals and pages too)


def _lines(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out


def _furniture(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) < 70 and bool(_FURNITURE.match(s)) and not _START_CORP.match(s)


def _numbered(lines: list[tuple[int, str]]) -> bool:
    labelled = sum(1 for _, s in lines if _LABEL.match(s))
    content = sum(1 for _, s in lines if s.strip())
    return labelled >= 2 and labelled >= 0.15 * content


def _entry_spans(text: str, start: int, end: int) -> tuple[list[tuple[int, int, str | None]], bool]:
    """``(start, end, label)`` of every entry of the list, and whether the list is numbered.

    Numbered lists start an entry at each label; a label alone on its line (PDF converters
    separate a column of labels from the entries) is queued and given to the next entry that
    starts without one. Author-date lists start an entry at a line that opens with an author
    name, after a line that could end an entry.
    """
    repeated = Counter(s.strip() for s in text.splitlines() if s.strip())
    lines: list[tuple[int, str]] = []
    for p, s in _lines(text, start, end):
        if not s.strip():
            continue
        # digits under a line that ends in a DOI are the rest of it ("10.1258/1355819021" +
        # "7674"), not a page number
        doi_tail = bool(lines and _DOI_CUT.search(lines[-1][1]) and s.strip().isdigit())
        running = repeated[s.strip()] >= 3 and len(s.strip()) < 80 and not _LABEL.match(s)
        if doi_tail or not (_furniture(s) or running):
            lines.append((p, s))
    numbered = _numbered(lines)
    # PDF converters may print the labels as a column of their own, out of step with the entries
    # ("2." "3." before the entries they label, some entries never next to theirs): then an
    # entry also starts without a label at hand, and the labels are given out afterwards
    scrambled = numbered and any(_LABEL_ONLY.match(s) for _, s in lines)
    highest = 0
    spans: list[list] = []
    queue: list[str] = []
    previous = ""
    after_label = False
    for i, (pos, line) in enumerate(lines):
        body = " ".join(line.split())
        if _LONE_NAME.fullmatch(body) and i + 1 < len(lines):  # "Kelleher," / "I., Keeley, H."
            body = f"{body} {' '.join(lines[i + 1][1].split())}"
        label = _LABEL.match(line)
        if (
            label
            and int(label.group("b") or label.group("d")) > highest + 10
            and not _names_follow(line[label.end() :])
        ):
            label = None  # "374." is a page number that wrapped, not label 374
        if label:
            highest = max(highest, int(label.group("b") or label.group("d")))
        if numbered and label and _LABEL_ONLY.match(line):
            queue.append(label.group("b") or label.group("d"))
            after_label = True
            continue
        nxt = " ".join(lines[i + 1][1].split()) if i + 1 < len(lines) else ""
        starts = False
        lab: str | None = None
        if numbered and label:
            starts, lab = True, label.group("b") or label.group("d")
        elif (queue or not numbered or scrambled) and (
            not _CONTINUES.search(previous) or (len(previous) < 25 and not numbered)
        ):
            # in a numbered list an entry without a label needs a queued label; an author-date
            # entry starts at a name after a line that does not end in the middle of a name list
            # (short lines are fragments of a jumbled column, not the name list)
            name_first = not numbered and bool(
                _START_COMMA.match(body) or _TWO_VANC_NAMES.match(body)
            )
            if previous and not _ENDS_ENTRY.search(previous):  # a jumbled or cut line before
                starts = _strong_start(body, nxt) or (
                    len(previous) < 40
                    and (name_first or bool(not numbered and _START_CORP.match(f"{body} {nxt}")))
                )
                if _CONTINUES.search(previous):
                    starts = starts and _strong_start(body, nxt)
            else:
                starts = _starts_entry(body, nxt, numbered) or name_first
            if _PARTICLE_END.search(previous):
                starts = False  # "..., van der" + "Vleugel, B. M.": one name across lines
            ended = bool(re.search(r"[.;)\]\d/]\s*$", previous))
            if scrambled and not ended:
                starts = False  # no label at hand: the entry before must have ended
            # right under a label-only line: names, or (once the entry before ended) a capital
            # or bracket that does not open a source tail ("Intl J Soc. 2005;8:19")
            fresh = ended and bool(re.match(rf"[({UPPER}]", body)) and not _SOURCE_TAIL.search(body)
            starts = starts or (after_label and (fresh or _names_follow(body)))
            if starts and numbered and not scrambled:
                lab = queue.pop(0)
        if starts or not spans:
            spans.append([pos + len(line) - len(line.lstrip()), pos + len(line.rstrip()), lab])
        else:
            spans[-1][1] = pos + len(line.rstrip())
        previous = body
        after_label = False
    if scrambled:
        _number_in_sequence(spans, queue)
    return [(s, e, lab) for s, e, lab in spans], numbered


def _names_follow(rest: str) -> bool:
    """The text after a label opens an author list (so the label is one, however high)."""
    rest = " ".join(rest.split())
    return bool(_START_VANC.match(rest) or _START_COMMA.match(rest))


def _number_in_sequence(spans: list[list], floating: list[str]) -> None:
    """Label the entries of a scrambled list that have none, in place.

    A run of unlabelled entries between entries labelled p and q takes p+1 .. q-1 when it has
    exactly that many entries (before the first labelled entry: from 1; after the last: on
    from it); the entries still unlabelled take the unused label-only lines in their order.
    """
    known = [(i, int(sp[2])) for i, sp in enumerate(spans) if sp[2]]
    bounds = [(-1, 0), *known, (len(spans), None)]
    for (i, p), (j, q) in zip(bounds, bounds[1:], strict=False):
        run = range(i + 1, j)
        if run and (q is None or q - p - 1 == len(run)):
            for k, idx in enumerate(run):
                spans[idx][2] = str(p + 1 + k)
    used = {sp[2] for sp in spans if sp[2]}
    rest = [lab for lab in floating if lab not in used]
    for sp in spans:
        if not sp[2] and rest:
            sp[2] = rest.pop(0)


def _strong_start(body: str, nxt: str) -> bool:
    return bool(
        (_START_COMMA.match(body) or _START_VANC.match(body))
        and re.search(
            rf"\(\s*{_YEAR_TOKEN}[a-z]?\s*\)|(?<!\d){_YEAR_TOKEN}[a-z]?[.;,]", f"{body} {nxt}"[:300]
        )
    )


def _starts_entry(body: str, nxt: str, numbered: bool) -> bool:
    if _START_COMMA.match(body) or _START_VANC.match(body):
        window = f"{body} {nxt}"
        return numbered or bool(re.search(rf"(?<!\d){_YEAR_TOKEN}|n\.\s?d\.", window))
    return not numbered and bool(_START_CORP.match(f"{body} {nxt}"))


def detect_style(entries: Sequence[str], numbered: bool, body: str = "") -> str:
    """The style of a reference list from its entries (and the body's citations).

    Numbered lists are Vancouver when their entries print "Surname AB" authors and "Year;Vol"
    sources, else plain numbered. Author-date lists: "(Year)." after names "Surname, A." is APA;
    "(Year)" after names "Surname A" (Cambridge) or without the point ("(Year) 'Title'", Cite
    Them Right) is Harvard, as is "Surname, A., Year." (Elsevier); "Surname, A., and B. Name.
    Year." is Chicago.
    """
    votes: Counter[str] = Counter()
    for raw in entries:
        e = " ".join(_LABEL.sub("", raw, count=1).split())
        if numbered:
            vanc = bool(re.search(rf"{_YEAR_TOKEN}\s*(?:[A-Z][a-z]{{2}}[^;]*)?;\s*\d", e))
            vanc = vanc or bool(re.search(rf"\({_YEAR_TOKEN}\)\s*\d+:", e))  # Frontiers
            vanc = vanc or bool(_START_VANC.match(e))
            votes["vancouver" if vanc else "numbered"] += 1
            continue
        dated = re.match(rf"^[^()]{{0,400}}?\(\s*(?:{_YEAR_TOKEN}[a-z]?|n\.\s?d\.)\s*\)(.?)", e)
        if dated:
            # APA closes the year with a point, "(2019)."; Cambridge ("Arden K and Boyle M
            # (2019) Title") and Cite Them Right ("Arden, K. and Boyle, M. (2019) 'Title'") do not
            cambridge = _START_VANC.match(e) and not _START_COMMA.match(e)
            votes["harvard" if cambridge or dated.group(1) not in (".", "") else "apa"] += 1
        elif re.match(rf"^[^.]{{0,20}},[^()]{{0,400}}?\.\s(?:{_YEAR_TOKEN}[a-z]?|n\.d\.)\.\s", e):
            votes["chicago"] += 1
        elif re.match(rf"^[^()]{{0,400}}?,\s*(?:{_YEAR_TOKEN}[a-z]?|n\.d\.)\.\s", e):
            votes["harvard"] += 1
        elif re.match(rf"^[^()]{{0,400}}?[.,]\s(?:{_YEAR_TOKEN}[a-z]?)\.\s", e):
            votes["chicago"] += 1
    if not votes:
        return "numbered" if numbered else "apa"
    return votes.most_common(1)[0][0]


def parse_entry(raw: str, style: str) -> tuple[list[Author], bool, str | None, str | None]:
    """``(authors, truncated, year-as-printed, doi)`` of one entry; raises when nothing is read.

    The year is the first printed year after the authors for author-date styles, the
    "Year;" (or "Year.") of the source for Vancouver. DOIs lose the spaces of line breaks.
    """
    e = " ".join(_LABEL.sub("", raw, count=1).split())
    e = _ACCESSED.sub("", e)
    doi = None
    m = _DOI.search(e)
    if m:
        doi = re.sub(r"\s", "", m.group("doi")).rstrip(".,;)").lower()
        doi = doi.replace("\u2010", "-").replace("\u2011", "-")
    # years inside DOIs and URLs ("issn2096-5087") are not the publication year
    year, year_at = _year(re.sub(r"\S*(?:10\.\d{4,9}/|https?://|www\.)\S*", _blank, e), style)
    author_text = e[:year_at] if style not in ("vancouver", "numbered") else _vanc_authors(e)
    authors, truncated = _authors(author_text)
    if not authors or not authors[0].family[:1].isalpha():
        raise ReferenceParseError("no author names found", raw)
    if (
        year is None
        and doi is None
        and style not in ("vancouver", "numbered")  # a numbered entry is one by its label
        and not re.search(r"https?://|www\.|n\.\s?d\.", e)
    ):
        raise ReferenceParseError("no year, DOI or URL found", raw)
    return authors, truncated, year, doi


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


def _year(e: str, style: str) -> tuple[str | None, int]:
    if style in ("vancouver", "numbered"):
        for pattern in (
            rf"\(({_YEAR_TOKEN})[a-z]?\)\s*\d",  # Frontiers: "Journal. (2011) 31:711"
            rf"(?<![\d/])({_YEAR_TOKEN})[a-z]?\s*(?:[A-Z][a-z]{{2}}[^;:]{{0,12}})?[;:]",
            rf"(?<![\d/.])({_YEAR_TOKEN})[a-z]?\s*\.",
            rf"(?<![\d/.])({_YEAR_TOKEN})[a-z]?(?!\d)",
        ):
            found = list(re.finditer(pattern, e))
            if found:
                m = found[0] if pattern.endswith(("[;:]", r"\d")) else found[-1]
                return m.group(1), m.start()
        return None, len(e)
    m = re.search(rf"(?<![\d/{_DASH}])(?:\(\s*)?(({_YEAR_TOKEN})([a-z]?)|n\.\s?d\.)(?![\d])", e)
    if not m:
        return None, min(len(e), 120)
    return (None if m.group(1).startswith("n") else m.group(1)), m.start()


def _vanc_authors(e: str) -> str:
    # authors end at the first ". " that does not follow an initial
    for m in re.finditer(r"\.\s", e):
        head = e[: m.start()]
        if " " not in head and len(head) >= 3:  # "NICE. Depression": one word is the author
            return e[: m.start()]
        word = e[: m.start()].split(" ")[-1].split(",")[-1]
        if not _INITIALS_WORD.match(word + ".") and word.lower() not in ("al", "et"):
            return e[: m.start()]
        if word and word.isupper() and len(word) <= 3 and " " in e[: m.start()]:
            return e[: m.start()]
    return e[:120]


def _authors(text: str) -> tuple[list[Author], bool]:
    text = text.strip(" .,(")
    truncated = bool(_ETAL.search(text))
    text = _ETAL.sub("", text)
    text = re.sub(r"\((?:eds?|ed\.s)\.?\)", "", text, flags=re.IGNORECASE)
    tokens = [t for t in re.split(r"\s*,\s*(?:&|and\s)?\s*|\s+&\s+|\s+and\s+", text) if t.strip()]
    if not any(_person(t) for t in tokens):
        name = text.strip(" .,")
        return ([Author(name, "", corporate=True)] if name else []), truncated
    authors = []
    for t in tokens:
        words = t.split()
        if _person(t):
            words = [w for w in words if not _INITIALS_WORD.match(w.rstrip(","))]
        if words and " ".join(words).strip(" ."):  # "Duggan, C., ., Parry": no empty name
            authors.append(Author(" ".join(words).strip(" ."), ""))
        elif not authors and re.fullmatch(rf"[{UPPER}]{{4,}}", t.strip(" .")):
            authors.append(Author(t.strip(" ."), "", corporate=True))  # "NICE", "SAMHSA"
    return authors, truncated


def _person(token: str) -> bool:
    """"Smith", "A. B.", "Smith AB", "A. B. Smith": initials alone, last or first."""
    words = token.split()
    if not words:
        return False
    initial = [bool(_INITIALS_WORD.match(w.rstrip(","))) for w in words]
    return all(initial) or (len(words) > 1 and (initial[-1] or (initial[0] and "." in words[0])))


def parse_reference_list(text: str, heading: str = "References") -> ParsedList:
    """The reference list of ``text`` in whatever common style it is printed.

    Raises :class:`ReferenceParseError` when there is no reference heading or no entry at all.
    """
    start, end = find_reference_section(text, heading)
    spans, numbered = _entry_spans(text, start, end)
    if not spans:
        raise ReferenceParseError(f"the '{heading}' section is empty")
    style = detect_style([text[s:e] for s, e, _ in spans], numbered)
    refs: list[Reference] = []
    labels: list[str | None] = []
    errors: list[ReferenceParseError] = []
    for s, e, lab in spans:
        raw = text[s:e]
        try:
            authors, truncated, year, doi = parse_entry(raw, style)
        except ReferenceParseError as exc:
            line = text.count("\n", 0, s) + 1
            short = " ".join(raw.split())[:57]
            errors.append(ReferenceParseError(f"line {line}: {exc} in {short!r}", raw, s, line))
            continue
        digits = re.match(r"(\d{4})([a-z]?)", year or "")
        refs.append(
            Reference(
                key="", raw=raw, start=s, end=e, authors=tuple(authors),
                year=int(digits[1]) if digits else 0, year_suffix=digits[2] if digits else "",
                title="", journal=None, volume=None, issue=None, first_page=None,
                last_page=None, article_number=None, doi=doi, authors_truncated=truncated,
            )
        )  # fmt: skip
        labels.append(lab)
    keyed = assign_keys(refs)
    label_of = {r.key: lab for r, lab in zip(keyed, labels, strict=True) if lab}
    if numbered and not label_of:
        label_of = {r.key: str(i) for i, r in enumerate(keyed, 1)}
    elif numbered:  # entries that lost their label take the next free number in order
        used = set(label_of.values())
        n = 0
        for r in keyed:
            if r.key not in label_of:
                n += 1
                while str(n) in used:
                    n += 1
                label_of[r.key] = str(n)
                used.add(str(n))
    return ParsedList(style, keyed, label_of, errors, start, end, len(spans))


def read_reference_list(text: str, heading: str = "References") -> ParsedList | None:
    """The reference list as ``extract`` reads it and as a build re-reads a source's text.

    A list that parses line by line as APA (the curated sources' form) is read that way, with
    titles and journals; any other list by :func:`parse_reference_list` in its detected style.
    None when there is no such heading (or ``heading`` is empty: the source has no list).
    One function for both, so a draft's citation keys are the keys the build gives.
    """
    if not heading.strip():
        return None
    try:
        start, end = find_reference_section(text, heading)
    except ReferenceParseError:
        return None
    refs, errors = parse_reference_lines(text, heading)
    if refs and not errors:
        return ParsedList("apa", refs, {}, [], start, end, len(refs), by_line=True)
    try:
        return parse_reference_list(text, heading)
    except ReferenceParseError:
        return ParsedList("apa", refs, {}, errors, start, end, len(refs) + len(errors), True)


# --- in-text citations ----------------------------------------------------------------------

_NUM = r"\d{1,4}(?:\s*[" + _DASH + r"]\s*\d{1,4})?"
_NUM_LIST = rf"{_NUM}(?:\s*[,;]\s*{_NUM})*"
_BRACKET_NUMS = re.compile(rf"\[\s*({_NUM_LIST})\s*\]")
_PAREN_NUMS = re.compile(rf"\(\s*({_NUM_LIST})\s*\)")


def _expand(group: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", group.strip()):
        bounds = [int(x) for x in re.split(rf"\s*[{_DASH}]\s*", part) if x]
        if len(bounds) == 2 and 0 < bounds[1] - bounds[0] < 100:
            out += range(bounds[0], bounds[1] + 1)
        else:
            out += bounds[:1]
    return list(dict.fromkeys(out))


def find_numeric_citations(text: str, count: int, end: int | None = None) -> list[Citation]:
    """Numeric citations "[1]", "[2–4]", "[1, 5]" or, when a document uses them, "(1,3)".

    ``count`` is the number of references: groups citing a number above it are not citations
    (years, figures). Parenthesised groups are used only when they outnumber bracketed ones, as
    "(2)" is also how lists and equations are numbered.
    """
    end = len(text) if end is None else end
    found: dict[str, list[tuple[re.Match[str], list[int]]]] = {"b": [], "p": []}
    for kind, pattern in (("b", _BRACKET_NUMS), ("p", _PAREN_NUMS)):
        for m in pattern.finditer(text, 0, end):
            numbers = _expand(m.group(1))
            if numbers and all(0 < n <= count for n in numbers):
                found[kind].append((m, numbers))
    chosen = found["b"] if len(found["b"]) >= len(found["p"]) else found["p"]
    out = []
    for m, numbers in chosen:
        for n in numbers:
            out.append(Citation(m.group(), m.start(), m.end(), (), False, 0, "", n))
    return out


def find_style_citations(text: str, parsed: ParsedList, end: int | None = None) -> list[Citation]:
    """Every in-text citation of the body (``text[:end]``) in the list's style."""
    end = parsed.start if end is None else end
    if parsed.style in ("vancouver", "numbered"):
        return find_numeric_citations(text, max(parsed.entries, len(parsed.references)), end)
    # Chicago has no comma before the year; a "year" outside 1800-2099 is a grant or page number
    # Unicode hyphens ("Naragon‐Gainey") read as ASCII ones; same length, so offsets hold
    body = text[:end].replace("\u2010", "-").replace("\u2011", "-")
    found = find_citations(body, year_comma=parsed.style != "chicago")
    found = [replace(c, raw=text[c.start : c.end]) for c in found]
    return [c for c in found if 1800 <= c.year < 2100]


def resolve_style_citations(
    citations: Sequence[Citation], parsed: ParsedList
) -> tuple[list[tuple[Citation, Reference]], list[Citation]]:
    """``(resolved pairs, unresolved)``: numbers by label, author-date by name and year."""
    by_label = {lab: key for key, lab in parsed.labels.items()}
    by_key = {r.key: r for r in parsed.references}
    resolved, unresolved = [], []
    for c in citations:
        if c.number:
            key = by_label.get(str(c.number))
            ref = by_key.get(key) if key else None
        else:
            # narrative possessives ("Shapiro's (2001)") keep the 's in the matched name
            families = tuple(re.sub(r"['’]s?$", "", f) for f in c.families)
            ref = resolve(replace(c, families=families), parsed.references)
        if ref is None:
            unresolved.append(c)
        else:
            resolved.append((c, ref))
    return resolved, unresolved


def relabel(parsed: ParsedList, labels: dict[str, str]) -> ParsedList:
    """A copy with other labels (JATS gives them explicitly)."""
    return replace(parsed, labels=labels)
