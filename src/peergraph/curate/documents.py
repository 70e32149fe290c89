"""Read the documents users bring: plain text, JATS XML and PDF, into one verbatim text.

``peergraph extract`` anchors every draft by character offsets into the text it stores under
``data/sources/``. For a plain-text file that text is the file itself. A JATS article or a PDF is
first turned into text here, and that text is what gets stored, so the offsets stay true:

* JATS: the title, the abstract and every ``<p>`` of the body become one line each; the
  ``<ref-list>`` becomes a "References" section, one entry per line with its DOI as printed in
  ``<pub-id>``; ``<xref ref-type="bibr">`` runs become numeric citations at their offsets.
* PDF: the text layer, read with PyMuPDF (optional extra ``peergraph[pdf]``); blocks in
  two-column reading order, running headers and footers (text repeated at the top or bottom of
  pages, page numbers) dropped, words hyphenated at a line end joined.

A document that cannot give text (unreadable, empty, a scanned PDF without a text layer) raises
:class:`~peergraph.errors.UsageError` with one line that says what to do.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from peergraph.errors import UsageError
from peergraph.text.citations import Citation
from peergraph.text.references import Author, Reference, ReferenceParseError, assign_keys
from peergraph.text.styles import ParsedList, detect_style, parse_entry

__all__ = ["Document", "load_document", "read_jats", "read_pdf"]


@dataclass
class Document:
    """A document as text; ``parsed``/``citations`` are set when the format marks them up."""

    text: str
    format: str  # "text", "jats" or "pdf"
    wrapped: bool  # paragraphs run over several lines (blank line between paragraphs)
    parsed: ParsedList | None = None
    citations: list[Citation] | None = None
    page_starts: list[int] = field(default_factory=list)  # PDF: offset where each page starts
    suffix: str = ".txt"  # of the stored copy

    def page_of(self, offset: int) -> int:
        """1-based page of an offset (PDF); 0 when the document has no pages."""
        page = 0
        for i, start in enumerate(self.page_starts, 1):
            if start <= offset:
                page = i
        return page


def is_wrapped(text: str) -> bool:
    """True for text converted from PDF: lines are hard-wrapped, paragraphs end at blank lines."""
    lengths = sorted(len(line) for line in text.splitlines() if line.strip())
    return len(lengths) > 20 and lengths[len(lengths) // 2] < 110


def load_document(path: str | Path, read_text) -> Document:  # noqa: ANN001
    """The document at ``path`` by its content: PDF, JATS XML or text (``read_text(path)``)."""
    path = Path(path)
    try:
        head = path.read_bytes()[:2048]
    except OSError:
        head = b""  # read_text reports the error
    if head.startswith(b"%PDF-"):
        return read_pdf(path)
    if path.suffix.lower() in (".xml", ".nxml") or (
        head.lstrip().startswith(b"<") and (b"<article" in head or b"JATS" in head)
    ):
        return read_jats(path)
    text = read_text(path)
    suffix = path.suffix.lower() if path.suffix.lower() in (".md", ".txt") else ".txt"
    return Document(text, "text", is_wrapped(text), suffix=suffix)


# --- JATS --------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_BETWEEN_XREFS = re.compile(r"^[\s,\-\u2010-\u2014\u2212]*$")
_DASH = re.compile(r"[\-\u2010-\u2014\u2212]")


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Writer:
    """Builds the text; remembers where every bibliographic xref landed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.xrefs: list[tuple[int, int, str]] = []  # start, end, rid

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.size += len(s)

    def paragraph(self, elem: ET.Element) -> None:
        """One element's text as one line (whitespace runs collapsed to one blank)."""
        pieces: list[tuple[str, str | None]] = []  # (text, rid of an xref or None)

        def walk(e: ET.Element) -> None:
            tag = _local(e.tag)
            if tag in ("table-wrap", "fig", "disp-formula", "supplementary-material"):
                return
            if tag == "xref" and e.get("ref-type") == "bibr":
                pieces.append(("".join(e.itertext()), e.get("rid", "")))
            else:
                if e.text:
                    pieces.append((e.text, None))
                for child in e:
                    walk(child)
            if e is not elem and e.tail:
                pieces.append((e.tail, None))

        walk(elem)
        line = ""
        marks: list[tuple[int, int, str]] = []
        for text, rid in pieces:
            text = _SPACE.sub(" ", text)
            if line.endswith(" ") and text.startswith(" "):
                text = text[1:]
            if rid is not None:
                marks.append((len(line), len(line) + len(text), rid))
            line += text
        stripped = line.lstrip()
        shift = len(line) - len(stripped)
        line = stripped.rstrip()
        if not line:
            return
        for s, e, rid in marks:
            self.xrefs.append((self.size + s - shift, self.size + e - shift, rid))
        self.add(line + "\n")


def read_jats(path: str | Path) -> Document:
    """A JATS article: text of title, abstract and body; references and citations as marked up."""
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    except ET.ParseError as exc:
        raise UsageError(f"{path}: not well-formed XML ({exc})") from None
    if _local(root.tag) != "article":
        raise UsageError(f"{path}: not a JATS article (root element <{_local(root.tag)}>)")
    w = _Writer()
    title = root.find(".//{*}article-meta/{*}title-group/{*}article-title")
    if title is None:
        title = root.find(".//article-meta/title-group/article-title")
    if title is not None:
        w.paragraph(title)
    for abstract in _all(root, "abstract"):
        for e in abstract.iter():
            if _local(e.tag) in ("p", "title"):
                w.paragraph(e)
    body = _first(root, "body")
    if body is not None:
        for e in body.iter():
            if _local(e.tag) == "title" or (_local(e.tag) == "p" and not _inside_p(e, body)):
                w.paragraph(e)
    refs_elems = [r for r in root.iter() if _local(r.tag) == "ref"]
    if not "".join(w.parts).strip():
        raise UsageError(f"{path}: the JATS article has no title, abstract or body text")
    list_start = w.size
    if refs_elems:
        w.add("References\n")
    refs: list[Reference] = []
    rid_index: dict[str, int] = {}
    for i, ref in enumerate(refs_elems, 1):
        rid_index[ref.get("id", "")] = i
        start = w.size
        raw = _SPACE.sub(" ", " ".join(ref.itertext())).strip()
        w.add(raw + "\n")
        refs.append(_jats_reference(ref, raw, start))
    text = "".join(w.parts)
    keyed = assign_keys(refs)
    labels = {r.key: str(i) for i, r in enumerate(keyed, 1)}
    style = detect_style([r.raw for r in keyed], numbered=True) if keyed else "numbered"
    parsed = ParsedList(style, keyed, labels, [], list_start, len(text))
    citations = _xref_citations(text, w.xrefs, rid_index)
    return Document(text, "jats", False, parsed, citations)


def _all(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if _local(e.tag) == name]


def _first(root: ET.Element, name: str) -> ET.Element | None:
    found = _all(root, name)
    return found[0] if found else None


def _inside_p(e: ET.Element, body: ET.Element) -> bool:
    # ElementTree has no parent links: a <p> inside another <p> (lists in paragraphs) is
    # written with its outer paragraph
    for p in body.iter():
        if _local(p.tag) == "p" and p is not e and any(x is e for x in p.iter()):
            return True
    return False


def _jats_reference(ref: ET.Element, raw: str, start: int) -> Reference:
    names = [e for e in ref.iter() if _local(e.tag) in ("surname", "collab")]
    authors = tuple(
        Author(_SPACE.sub(" ", "".join(n.itertext())).strip(), "", _local(n.tag) == "collab")
        for n in names
    )
    year_el = next((e for e in ref.iter() if _local(e.tag) == "year"), None)
    year_text = "".join(year_el.itertext()) if year_el is not None else ""
    # without <year>, the year printed outside the title and source ("... 2018–19. Trust,
    # 28 Jun 2019"): a year in a title is what the work is about, not when it appeared
    loose = r"(?<!\d)((?:19|20)\d{2})([a-z]?)(?!\d)"
    m = (
        re.search(r"((?:19|20)\d{2})([a-z]?)", year_text)
        or re.search(loose, _text_outside(ref, ("article-title", "source", "chapter-title", "uri")))
        or re.search(loose, raw)
    )
    doi = None
    for e in ref.iter():
        if _local(e.tag) == "pub-id" and e.get("pub-id-type") == "doi":
            doi = "".join(e.itertext()).strip()
            break
    if doi is None:
        d = re.search(r"\b(10\.\d{4,9}/\S+?)[.,;)]?(?:\s|$)", raw)
        doi = d.group(1) if d else None
    if not authors:  # unstructured <mixed-citation>: read it as printed
        printed = "".join(
            "".join(e.itertext()) for e in ref if _local(e.tag) != "label"
        ) or raw
        try:
            authors = tuple(parse_entry(printed, "apa" if "(" in printed[:120] else "vancouver")[0])
        except ReferenceParseError:
            authors = (Author(printed.split(".")[0][:80].strip(), "", True),)
    return Reference(
        key="", raw=raw, start=start, end=start + len(raw), authors=authors,
        year=int(m.group(1)) if m else 0, year_suffix=m.group(2) if m else "", title="",
        journal=None, volume=None, issue=None, first_page=None, last_page=None,
        article_number=None, doi=doi.lower() if doi else None,
        authors_truncated=any(_local(e.tag) == "etal" for e in ref.iter()),
    )  # fmt: skip


def _text_outside(elem: ET.Element, skip: tuple[str, ...]) -> str:
    """The text of ``elem`` without the elements named in ``skip`` (their tails kept)."""
    parts = [elem.text or ""]
    for child in elem:
        if _local(child.tag) not in skip:
            parts.append(_text_outside(child, skip))
        parts.append(child.tail or "")
    return " ".join(parts)


def _xref_citations(
    text: str, xrefs: list[tuple[int, int, str]], rid_index: dict[str, int]
) -> list[Citation]:
    """One citation per run of adjacent xrefs ("1,2", "3–5"), one item per cited number."""
    runs: list[list[tuple[int, int, str]]] = []
    for x in xrefs:
        if runs and _BETWEEN_XREFS.match(text[runs[-1][-1][1] : x[0]]):
            runs[-1].append(x)
        else:
            runs.append([x])
    out: list[Citation] = []
    for run in runs:
        numbers: list[int] = []
        for k, (x_start, _, rid) in enumerate(run):
            dash = k > 0 and bool(_DASH.search(text[run[k - 1][1] : x_start]))
            for one in rid.split():
                n = rid_index.get(one)
                if n is None:
                    continue
                if dash and numbers:  # "1–3": the xrefs name the ends of a range
                    numbers += range(numbers[-1] + 1, n)
                numbers.append(n)
        start, end = run[0][0], run[-1][1]
        for n in dict.fromkeys(numbers):
            out.append(Citation(text[start:end], start, end, (), False, 0, "", n))
    return out


# --- PDF ---------------------------------------------------------------------------------------

_HYPHEN_END = re.compile(r"([a-z])[\-\u00ad\u2010\u2011]$")


def read_pdf(path: str | Path) -> Document:
    """The text layer of a PDF, in reading order; needs PyMuPDF (``pip install peergraph[pdf]``)."""
    path = Path(path)
    try:
        import pymupdf
    except ImportError:
        raise UsageError(
            f"{path}: reading PDF needs PyMuPDF; install it with "
            "\"pip install 'peergraph[pdf]'\" (or convert the PDF to text first)"
        ) from None
    try:
        doc = pymupdf.open(path)
    except Exception as exc:  # PyMuPDF raises its own FileDataError and friends
        raise UsageError(f"{path}: cannot open the PDF ({exc})") from None
    with doc:
        if doc.needs_pass:
            raise UsageError(f"{path}: the PDF is password-protected; remove the password first")
        pages = []
        for page in doc:
            blocks = [b for b in page.get_text("blocks") if b[6] == 0 and b[4].strip()]
            pages.append((page.rect.width, page.rect.height, blocks))
    if sum(len(b[4].strip()) for _, _, blocks in pages for b in blocks) < 50:
        raise UsageError(
            f"{path}: the PDF has no text layer (a scan or images only); run OCR first, e.g. "
            "'ocrmypdf in.pdf out.pdf', then extract the OCRed PDF"
        )
    furniture = _furniture(pages)
    parts: list[str] = []
    page_starts: list[int] = []
    size = 0
    for width, height, blocks in pages:
        page_starts.append(size)
        mid = width / 2
        ordered = sorted(blocks, key=lambda b: (0 if b[0] < mid - 5 else 1, b[1], b[0]))
        for b in ordered:
            if _key(b[4]) in furniture and _margin(b, height):
                continue
            block = _join_lines(b[4])
            if block:
                parts.append(block + "\n\n")
                size += len(block) + 2
    text = "".join(parts)
    return Document(text, "pdf", True, page_starts=page_starts)


def _margin(block: tuple, height: float) -> bool:
    """The block lies wholly in the top or bottom 8 % of the page, where running heads sit."""
    return block[3] < 0.08 * height or block[1] > 0.92 * height


def _key(block: str) -> str:
    return re.sub(r"\d+", "#", " ".join(block.split()))


def _furniture(pages: list) -> set[str]:
    """Blocks at the top or bottom of pages that repeat (digits ignored): headers, footers."""
    counts: Counter[str] = Counter()
    for _, height, blocks in pages:
        for b in blocks:
            if _margin(b, height):
                counts[_key(b[4])] += 1
    threshold = max(2, len(pages) // 3)
    return {k for k, n in counts.items() if n >= threshold or re.fullmatch(r"[#\s]*", k)}


def _join_lines(block: str) -> str:
    """Lines of a block, with words hyphenated at a line end joined and odd spaces normalised."""
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in block.splitlines()]
    lines = [line for line in lines if line]
    out: list[str] = []
    for line in lines:
        if out and _HYPHEN_END.search(out[-1]) and line[:1].islower():
            first, _, rest = line.partition(" ")
            out[-1] = out[-1][:-1] + first
            if rest:
                out.append(rest)
            continue
        out.append(line)
    return "\n".join(out)
