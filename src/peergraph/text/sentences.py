"""Sentence splitting with character offsets, tuned for academic prose with APA citations.

Findings quote sentences verbatim and are anchored by offsets, so every span must satisfy
``span.text == text[span.start:span.end]``. Pure standard library, so it imports fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peergraph.text.references import UPPER

__all__ = ["ABBREVIATIONS", "Span", "split_sentences"]


@dataclass(frozen=True)
class Span:
    """A sentence (or heading line): ``text == source[start:end]``, no surrounding blanks."""

    start: int
    end: int
    text: str


# Lower-cased words that a period does not end a sentence after (the period itself excluded).
ABBREVIATIONS = frozenset(
    "al e.g i.e vs cf p pp para dr mr mrs ms prof st jr sr fig figs no nos vol vols ed eds ch chap "
    "approx ca c sec eq n.d viz resp dept univ inc ltd co corp".split()
)

# end of a candidate sentence: terminal punctuation, then closing brackets/quotes, then a blank
_END = re.compile(r"[.!?\u2026]+[)\]\"'\u201d\u2019\u00bb]*(?=\s)")
# what may open the next sentence
_OPENER = re.compile(rf"\s+(?=[{UPPER}\d(\[\"'\u201c\u2018\u00ab])")
_WORD_BEFORE = re.compile(r"[(\[\"'\u201c\u2018]*([^\s(\[\"'\u201c\u2018]*)$")
_LINE = re.compile(r"[^\r\n]+")
# a paragraph of hard-wrapped text: non-blank lines up to a blank line
_PARAGRAPH = re.compile(r"[^\r\n]*\S[^\r\n]*(?:\r?\n[^\r\n]*\S[^\r\n]*)*")


def split_sentences(text: str, *, wrapped: bool = False) -> list[Span]:
    """Split ``text`` into sentence spans with offsets into ``text``.

    Every line is a paragraph, so a heading line without a final period is its own span; ``\\r\\n``
    and ``\\r`` line ends are fine. Inside a line a sentence ends at ``.``, ``!``, ``?`` or ``…``
    (plus any closing bracket or quote) followed by a blank and a capital, digit or opening
    bracket/quote, except after abbreviations ("et al.", "e.g.", "p.", "Dr.", ...) and initials
    ("J. B."); decimals ("0.19") never end one because no blank follows the point.

    ``wrapped`` is for text converted from PDF, hard-wrapped: a paragraph then runs to the next
    blank line and a line end inside it is a blank like any other.
    """
    spans: list[Span] = []
    for line in (_PARAGRAPH if wrapped else _LINE).finditer(text):
        pos = line.start()
        for end in _END.finditer(text, line.start(), line.end()):
            if end.end() <= pos or not _ends_sentence(text, end, line.end()):
                continue
            _add(spans, text, pos, end.end())
            pos = end.end()
        _add(spans, text, pos, line.end())
    return spans


def _ends_sentence(text: str, end: re.Match[str], line_end: int) -> bool:
    if not _OPENER.match(text, end.end(), line_end):
        return False
    punct = end.group()
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    # the token before the point; the window keeps long paragraphs linear
    word = _WORD_BEFORE.search(text, max(0, end.start() - 1000), end.start())
    token = word.group(1) if word else ""
    if not token:
        return True
    if token.lower() in ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isupper():
        return False  # an initial, as in "J. B. Smith"
    # a dotted abbreviation ("U.S.", "a.m."); a number ("0.19.") does end the sentence
    return not ("." in token and token.replace(".", "").isalpha())


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append(Span(start, end, text[start:end]))
