"""APA reference-list parsing: plain text in, :class:`Reference` records out.

Pure standard library (no rdflib) so that loading and validating data stays fast. The parser is
heuristic by nature: it aims at APA 6/7 journal references and their common variants, records
bibliographic fields *as printed* (the design's honesty rule) and reports what it could not parse
instead of guessing silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

__all__ = [
    "Author",
    "Reference",
    "ReferenceParseError",
    "ReferenceListError",
    "assign_keys",
    "citation_key",
    "find_reference_section",
    "fold_name",
    "parse_reference",
    "parse_reference_lines",
    "parse_references",
    "study_designs",
]

DOI_RESOLVER = "https://doi.org/"


@dataclass(frozen=True)
class Author:
    """One entry of a reference's author list, kept as printed."""

    family: str
    given: str  # initials as printed, e.g. "J. B."; "" for corporate authors
    corporate: bool = False


@dataclass(frozen=True)
class Reference:
    """One reference-list entry; every field is as printed, nothing is verified."""

    key: str
    raw: str
    start: int
    end: int
    authors: tuple[Author, ...]
    year: int
    year_suffix: str
    title: str
    journal: str | None
    volume: str | None
    issue: str | None
    first_page: str | None
    last_page: str | None
    article_number: str | None
    doi: str | None
    url: str | None = None  # a trailing URL that is not a DOI
    authors_truncated: bool = False  # author list ends in "et al." or an APA 7 ellipsis

    @property
    def doi_iri(self) -> str | None:
        """The DOI as an IRI; lower-cased because DOIs compare case-insensitively."""
        return DOI_RESOLVER + self.doi.lower() if self.doi else None


class ReferenceParseError(ValueError):
    """A reference (or reference list) that could not be parsed; the message says why."""

    def __init__(
        self, message: str, raw: str = "", start: int | None = None, line: int | None = None
    ):
        super().__init__(message)
        self.raw = raw
        self.start = start
        self.line = line


class ReferenceListError(ReferenceParseError):
    """Raised by :func:`parse_references` with *every* failing line, not only the first."""

    def __init__(self, errors: list[ReferenceParseError], references: list[Reference]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors
        self.references = references  # the lines that did parse, keys assigned


# --- character classes -------------------------------------------------------------------------


# Python's re has no \p{Lu}: build the classes once, as ranges, from the code points below U+2000
# (Latin, Greek, Cyrillic, ...), which covers the names of a reference list.
def _char_class(predicate: Callable[[str], bool]) -> str:
    points = [c for c in range(0x2000) if predicate(chr(c))]
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


UPPER = _char_class(str.isupper)  # use inside [...]
LOWER = _char_class(str.islower)
# letters of scripts without case (Han, Kana, Hangul, Arabic, Hebrew, ...): no initials by case

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, dashes, minus

# --- whole-document structure -------------------------------------------------------------------

_HEADING_WORDS = ("references", "reference list", "bibliography", "works cited", "literature cited")
_BACK_MATTER = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+.*|(?:appendix|appendices|notes|footnotes|acknowledge?ments|"
    r"supplementary material)\b.*)$",
    re.IGNORECASE | re.MULTILINE,
)


def find_reference_section(text: str, heading: str = "References") -> tuple[int, int]:
    """Offsets ``(start, end)`` of the reference list that follows its heading line.

    The heading matches case-insensitively, alone on its line, optionally as a Markdown heading
    (``## References``) or with a trailing colon; the usual synonyms are accepted too. The last
    such heading wins (a table of contents may name it earlier). The list ends at the next
    Markdown heading or back-matter heading (Appendix, Notes, ...) or at the end of the text.
    """
    words = dict.fromkeys([heading.strip().lower(), *_HEADING_WORDS])
    alternatives = "|".join(re.escape(w) for w in words if w)
    pattern = re.compile(
        rf"^[ \t]*(?:#{{1,6}}[ \t]*)?(?:{alternatives})[ \t]*:?[ \t]*\r?$",
        re.IGNORECASE | re.MULTILINE,
    )
    matches = list(pattern.finditer(text))
    if not matches:
        raise ReferenceParseError(f"no '{heading}' heading line found")
    start = matches[-1].end()
    if text.startswith("\r\n", start):
        start += 2
    elif start < len(text) and text[start] in "\r\n":
        start += 1
    stop = _BACK_MATTER.search(text, start)
    end = stop.start() if stop else len(text)
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- one reference ------------------------------------------------------------------------------

_YEAR = re.compile(r"\(\s*(?P<year>\d{4})(?P<suffix>[a-z]?)\s*(?:[,/\u2013-][^()]*)?\)\.?")
# a trailing DOI: whatever follows a resolver or "doi:" (kept even if malformed, so that
# validation can report it), or a bare "10.NNNN/..."
_DOI = re.compile(
    r"(?:(?:https?://)?(?:dx\.)?doi\.org/|\bdoi:\s*)(?P<doi>\S+?)[.,;]?\s*$"
    r"|(?<!\S)(?P<bare>10\.\d{4,9}/\S+?)[.,;]?\s*$",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:Retrieved\s+(?:[^.]*?,\s*)?from\s+)?(?P<url>https?://\S+?)[.,;]?\s*$", re.I)
_EDITOR = re.compile(r"\s*\((?:Eds?|Ed\.s)\.?\)\.?\s*$")
_ET_AL = re.compile(r",?\s*\bet\s+al\.?", re.IGNORECASE)
_ELLIPSIS = re.compile(r",?\s*(?:\.\s?){3}|,?\s*\u2026")
_SPLIT_AUTHORS = re.compile(r"\s*,\s*(?:&\s*|and\s+)?|\s*&\s*|\s+and\s+")
_INITIALS = re.compile(rf"^(?:[{UPPER}](?:[{LOWER}]\.|\.)?(?:\s*[{_DASHES}]\s*|\s+)?)+$")
_FAMILY_INITIALS = re.compile(rf"^(.*[{LOWER}].*?)\s+([{UPPER}]{{1,3}})$")
_AMPERSAND = re.compile(r"\s&\s|&|\s+and\s+")
_NAME_SUFFIX = re.compile(r"^(?:Jr\.?|Sr\.?|II|III|IV)$")
_TAIL = re.compile(
    rf""",\s*(?P<volume>[A-Za-z]?\d+[A-Za-z]?(?:[{_DASHES}/]\d+)?)
    (?:\s*\((?P<issue>[^()]+)\))?
    (?:,\s*(?:
        (?:[Aa]rticle|[Aa]rt\.)\s+(?:[Nn]o\.\s*)?(?P<article>[A-Za-z]*\d[\w.]*)
      | (?:pp?\.\s*)?(?P<first>[A-Za-z]{{0,2}}\d+)(?:\s*[{_DASHES}]\s*(?P<last>[A-Za-z]{{0,2}}\d+))?
    ))?\s*\.?\s*$""",
    re.VERBOSE,
)
# a title/journal boundary: sentence punctuation followed by space and a non-lowercase character
_BOUNDARY = re.compile(rf"(?P<punct>[.?!])\s+(?=[^{LOWER}\s])")
_NOT_A_BOUNDARY = {"vs", "cf", "no", "vol", "st", "dr", "ed", "eds", "al"}


def parse_reference(raw: str) -> Reference:
    """Parse one APA reference; offsets are ``0..len(raw)`` (surrounding blanks excluded).

    Raises :class:`ReferenceParseError` naming the part that could not be parsed.
    """
    text = raw.strip()
    offset = raw.find(text) if text else 0
    if not text:
        raise ReferenceParseError("empty reference", raw)

    year_match = _YEAR.search(text)
    if year_match is None:
        if re.search(r"\(\s*n\.\s?d\.?\s*\)", text):
            raise ReferenceParseError("undated reference '(n.d.)': a year is required", raw)
        raise ReferenceParseError("no year in parentheses, e.g. '(2019).'", raw)
    authors_text = text[: year_match.start()].strip()
    if not authors_text:
        raise ReferenceParseError("no authors before the year", raw)
    authors, truncated = _parse_authors(authors_text)
    if not authors:
        raise ReferenceParseError(f"no author names in {authors_text!r}", raw)

    rest = text[year_match.end() :].strip()
    doi = url = None
    doi_match = _DOI.search(rest)
    if doi_match:
        doi = doi_match.group("doi") or doi_match.group("bare")
        rest = rest[: doi_match.start()].rstrip()
    else:
        url_match = _URL.search(rest)
        if url_match:
            url = url_match.group("url")
            rest = rest[: url_match.start()].rstrip()
    rest = rest.rstrip(" .")
    if not rest:
        raise ReferenceParseError("no title after the year", raw)

    volume = issue = first = last = article = None
    tail = _TAIL.search(rest)
    head = rest
    if tail is not None:
        head = rest[: tail.start()]
        volume, issue = tail.group("volume"), tail.group("issue")
        first, last, article = tail.group("first"), tail.group("last"), tail.group("article")
    title, journal = _split_title(head, need_journal=tail is not None)
    if not title:
        raise ReferenceParseError("no title after the year", raw)
    if tail is not None and journal is None:
        raise ReferenceParseError(
            f"cannot tell the title from the journal name in {head!r} (expected 'Title. Journal')",
            raw,
        )

    ref = Reference(
        key="",
        raw=text,
        start=offset,
        end=offset + len(text),
        authors=authors,
        year=int(year_match.group("year")),
        year_suffix=year_match.group("suffix"),
        title=title,
        journal=journal,
        volume=volume,
        issue=issue.strip() if issue else None,
        first_page=first,
        last_page=last,
        article_number=article,
        doi=doi,
        url=url,
        authors_truncated=truncated,
    )
    return replace(ref, key=citation_key(ref))


def _caseless(c: str) -> bool:
    """A letter of a script without case (Han, Kana, Hangul, Arabic, Hebrew, ...)."""
    return c.isalpha() and not c.isupper() and not c.islower()


def _is_caseless_name(token: str) -> bool:
    """A name written in a caseless script, e.g. "小明" (a word, no initials to go by)."""
    return (
        bool(token)
        and _caseless(token[0])
        and all(_caseless(c) or c.isspace() or c in "\u00b7\u30fb" + _DASHES for c in token)
    )


def _is_initials(token: str) -> bool:
    """Latin/Greek/Cyrillic initials ("J. B."), or one caseless letter with a full stop ("م.")
    in alphabets below U+2E80: Han, Kana and Hangul have no initials, so "李, 华." is a
    one-character given name followed by the list's full stop."""
    if _INITIALS.match(token):
        return True
    letters = token.replace(" ", "").split(".")
    return (
        len(letters) > 1
        and letters[-1] == ""
        and all(len(x) == 1 and _caseless(x) and ord(x) < 0x2E80 for x in letters[:-1])
    )


def _caseless_pairs(text: str, tokens: list[str]) -> bool:
    """Whether names in a script without case come as "Family, Given" pairs ("王, 小明, & 李, 华")
    or as whole names ("王小明, & 李华"). APA puts '&' before the last author, so the number of
    comma-separated parts after it tells; without '&', one short family name and a given name."""
    parts = _AMPERSAND.split(text)
    if len(parts) > 1:
        return len([t for t in _SPLIT_AUTHORS.split(parts[-1]) if t.strip(" .")]) == 2
    return len(tokens) == 2 and len(tokens[0]) <= 2


def _parse_authors(text: str) -> tuple[tuple[Author, ...], bool]:
    """Split an APA author list; a list without any initials is one corporate author.

    Names in scripts without case (Chinese, Japanese, Korean, Arabic) have no initials to go by:
    "Family, Given" pairs and whole names are both read as persons (``_caseless_pairs``).
    """
    text = _EDITOR.sub("", text).strip()
    truncated = False
    if _ET_AL.search(text):
        text, truncated = _ET_AL.sub("", text), True
    if _ELLIPSIS.search(text):
        text, truncated = _ELLIPSIS.sub(", ", text), True
    text = text.strip(" ,")
    tokens = [t.strip() for t in _SPLIT_AUTHORS.split(text) if t and t.strip(" .")]
    caseless = len(tokens) > 1 and any(_is_caseless_name(t.rstrip(".")) for t in tokens)
    if not caseless and not any(_is_initials(t) for t in tokens[1:]):
        inverted = [_FAMILY_INITIALS.match(t.rstrip(".")) for t in tokens]
        if tokens and all(inverted):  # Vancouver style "Smith JB, Jones K"
            return tuple(Author(m[1], m[2]) for m in inverted if m), truncated
        name = text.rstrip(" .,")
        return ((Author(name, "", corporate=True),) if name else ()), truncated
    pairs = caseless and _caseless_pairs(text, tokens)
    authors: list[Author] = []
    i = 0
    while i < len(tokens):
        family = tokens[i]
        if i + 1 < len(tokens) and _is_initials(tokens[i + 1]):
            given = tokens[i + 1]
            i += 2
            # "Jr." after initials is a suffix, unless initials follow it ("Jr, K." is a person)
            is_suffix = i < len(tokens) and _NAME_SUFFIX.match(tokens[i])
            if is_suffix and not (i + 1 < len(tokens) and _is_initials(tokens[i + 1])):
                given, i = f"{given}, {tokens[i]}", i + 1
            authors.append(Author(family, given))
        elif _is_caseless_name(family.rstrip(".")):
            family = family.rstrip(".")
            nxt = tokens[i + 1].rstrip(".") if i + 1 < len(tokens) else ""
            if pairs and _is_caseless_name(nxt):
                authors.append(Author(family, nxt))
                i += 2
            else:  # a whole name, family and given not told apart
                authors.append(Author(family, ""))
                i += 1
        else:
            authors.append(Author(family.rstrip(" ."), "", corporate=True))
            i += 1
    return tuple(authors), truncated


def _split_title(head: str, need_journal: bool) -> tuple[str, str | None]:
    """Split ``"Title. Journal"`` at the last sentence boundary that is not an abbreviation.

    When a journal must be there (volume/pages follow) but every boundary looks like an
    abbreviation ("... Vs. Journal"), the last boundary is used after all.
    """
    head = head.strip()
    cut = last = None
    for m in _BOUNDARY.finditer(head):
        last = m
        if m.group("punct") == ".":
            word = re.split(r"[\s(\[]", head[: m.start()])[-1]
            if len(word) == 1 or "." in word or word.lower() in _NOT_A_BOUNDARY:
                continue
        cut = m
    if cut is None and need_journal:
        cut = last
    if cut is None:
        return head.rstrip(" ."), None
    keep = cut.group("punct") if cut.group("punct") in "?!" else ""
    title = head[: cut.start()].strip() + keep
    journal = head[cut.end() :].strip(" .")
    return title, journal or None


# --- keys ---------------------------------------------------------------------------------------

# letters that NFKD does not decompose into an ASCII base letter
_FOLD_PAIRS = "ß:ss æ:ae Æ:AE ø:o Ø:O œ:oe Œ:OE ł:l Ł:L đ:d Đ:D ð:d þ:th ı:i"
_FOLD_EXTRA = str.maketrans({p[0]: p[2:] for p in _FOLD_PAIRS.split()})


def fold_name(name: str) -> str:
    """Lower-case ASCII letters and digits only: ``"Šimić-van Os"`` → ``"simicvanos"``.

    Letters of other scripts are transliterated (``anyascii``): ``"Иванов"`` → ``"ivanov"``,
    ``"王"`` → ``"wang"``, so a non-Latin first author gives a key, not ``anon``.
    """
    from anyascii import anyascii

    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD_EXTRA))
    folded = "".join(c if c.isascii() else anyascii(c) for c in decomposed)
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


def citation_key(ref: Reference) -> str:
    """First author's folded family name + year (+ printed suffix), e.g. ``smit2023``."""
    # digits in a corporate name ("Global Health Data Exchange 2019") would run into the year
    first = fold_name(ref.authors[0].family) if ref.authors else ""
    family = "".join(c for c in first if c.isalpha())
    return f"{family or 'anon'}{ref.year}{ref.year_suffix}"


def assign_keys(refs: Iterable[Reference]) -> list[Reference]:
    """Give every reference a unique key, adding a, b, ... only where base keys collide."""
    refs = list(refs)
    bases = [citation_key(r) for r in refs]
    counts = Counter(bases)
    taken = {b for b in bases if counts[b] == 1}
    out: list[Reference] = []
    for ref, base in zip(refs, bases, strict=True):
        key = base
        if counts[base] > 1:
            n = 0
            while (key := base + _letters(n)) in taken:
                n += 1
        taken.add(key)
        out.append(replace(ref, key=key))
    return out


def _letters(n: int) -> str:
    """0 → a, 25 → z, 26 → aa: unlimited suffixes, though more than 26 never happens in practice."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


# --- lists --------------------------------------------------------------------------------------


def parse_reference_lines(
    text: str, heading: str = "References"
) -> tuple[list[Reference], list[ReferenceParseError]]:
    """Parse every non-empty line of the reference section; return references *and* failures.

    Offsets are into ``text``; keys are assigned across the successfully parsed references.
    A missing heading is reported as the single failure; an empty ``heading`` means the document
    has no reference list (``references_heading: ""`` in sources.yaml) and gives ``([], [])``.
    """
    if not heading.strip():
        return [], []
    try:
        start, end = find_reference_section(text, heading)
    except ReferenceParseError as exc:
        return [], [exc]
    refs: list[Reference] = []
    errors: list[ReferenceParseError] = []
    line_no = text.count("\n", 0, start) + 1
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        body = line.strip()
        if body:
            at = pos + line.find(body)
            try:
                ref = parse_reference(body)
            except ReferenceParseError as exc:
                short = body if len(body) <= 60 else body[:57] + "..."
                errors.append(
                    ReferenceParseError(f"line {line_no}: {exc} in {short!r}", body, at, line_no)
                )
            else:
                refs.append(replace(ref, start=at, end=at + len(body)))
        pos += len(line)
        line_no += 1
    return assign_keys(refs), errors


def parse_references(text: str, heading: str = "References") -> list[Reference]:
    """All references of ``text``'s reference list, keys assigned, offsets into ``text``.

    Raises :class:`ReferenceListError` (a :class:`ReferenceParseError`) carrying every failing line
    in ``.errors`` and the lines that did parse in ``.references``; use
    :func:`parse_reference_lines` to get both without an exception.
    """
    refs, errors = parse_reference_lines(text, heading)
    if errors:
        raise ReferenceListError(errors, refs)
    return refs


# --- study design -------------------------------------------------------------------------------

_DESIGNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("systematic-review", re.compile(r"\bsystematic(?:\s+literature)?\s+reviews?\b")),
    ("meta-analysis", re.compile(r"\bmeta[\s-]?analy[st]")),
    ("qualitative-study", re.compile(r"\bqualitative\b")),
    (
        "literature-review",
        re.compile(
            r"\breviews?\s+of\s+(?:the\s+)?literature\b|\b(?:literature|narrative)\s+review"
        ),
    ),
)


def study_designs(title: str) -> tuple[str, ...]:
    """Study-design concept ids named by title keywords, in a fixed order.

    A "systematic literature review" is a systematic review only: ``literature-review`` stands for
    the narrative kind, so it is not added when the title already says systematic review.
    """
    lowered = " ".join(title.lower().split())
    found = [d for d, pattern in _DESIGNS if pattern.search(lowered)]
    if "systematic-review" in found and "literature-review" in found:
        found.remove("literature-review")
    return tuple(found)
