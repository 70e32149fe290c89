"""Draft data from a new document: its papers, citations and candidate findings, for a curator.

``extract_document`` reads a plain-text or Markdown file and proposes, without writing anything,
what the curated data would hold: the parsed reference list, one draft finding per claim-bearing
sentence (tags from :mod:`peergraph.curate.tagging`, citations resolved by
:mod:`peergraph.text.citations`),
the citations that resolve to nothing, and papers whose DOI is already in the data with different
details. ``write_drafts`` copies the document under ``data/sources/`` with the reading of its
references and citations beside it (``*.refs.yaml``, which the build reads back instead of
re-parsing), appends a ``draft: true`` source entry to ``sources.yaml`` and writes
``data/findings/<source>.yaml``; every record is
``draft: true`` and carries the matched spans as YAML comments, so it validates with
``--include-drafts`` and a curator accepts it by deleting that line.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from pathlib import Path

from peergraph.curate.documents import Document, is_wrapped, load_document
from peergraph.curate.tagging import (
    FIELDS,
    Candidate,
    Tagging,
    candidate_terms,
    certainty,
    is_claim,
    tag_sentence,
)
from peergraph.errors import Problem, UsageError
from peergraph.ingest.sourcerefs import REFS_SUFFIX, render_references
from peergraph.ingest.vocabulary import Vocabulary, load_vocabulary
from peergraph.text.citations import Citation, resolve_all
from peergraph.text.references import (
    Reference,
    ReferenceParseError,
    find_reference_section,
    fold_name,
)
from peergraph.text.sentences import Span, split_sentences
from peergraph.text.styles import (
    STYLES,
    ParsedList,
    find_style_citations,
    read_reference_list,
    resolve_style_citations,
)

__all__ = [
    "DraftFinding",
    "Extraction",
    "PaperConflict",
    "WrittenDrafts",
    "differences",
    "doi_conflicts",
    "extract_document",
    "extract_text",
    "read_document",
    "render_findings_yaml",
    "render_references_file",
    "write_drafts",
]

_SENTENCE_END = re.compile(r"[.!?\u2026][)\]\"'\u201d\u2019*_]*$")


@dataclass(frozen=True)
class DraftFinding:
    """One proposed finding; ``blocked`` says why it is written commented out (else None)."""

    id: str
    sentence: Span
    cites: tuple[str, ...]
    intervention: str | None  # only when the sentence names one
    outcomes: tuple[str, ...]
    direction: str | None
    values: dict[str, tuple[str, ...]]  # settings, populations, mechanisms, ... -> ids
    tagging: Tagging
    unresolved: tuple[Citation, ...] = ()
    repeated: bool = False  # the sentence occurs more than once: the record needs start:
    blocked: str | None = None
    claim: bool = True  # the sentence reads as an empirical claim (tagging.is_claim)
    claim_cue: str = ""  # the words that decided it
    certainty: tuple[str, str | None] = ("asserted", None)  # level id, cue words
    candidates: tuple[Candidate, ...] = ()  # terms the vocabulary lacks


@dataclass(frozen=True)
class PaperConflict:
    """A reference whose DOI is already a paper of another source, printed differently."""

    reference: Reference
    source_id: str
    existing: Reference
    differences: tuple[str, ...]

    def __str__(self) -> str:
        where = f"source {self.source_id} as {self.existing.key}"
        if not self.differences:
            return (
                f"reference {self.reference.key} (DOI {self.reference.doi}) is already cited by "
                f"{where} with the same details; the graph keeps one paper"
            )
        return (
            f"conflicting duplicate: reference {self.reference.key} has DOI {self.reference.doi}, "
            f"already cited by {where} but printed differently ({'; '.join(self.differences)}); "
            "correct the reading that is wrong"
        )


@dataclass
class Extraction:
    """Everything drafted from one document; nothing is written yet."""

    source_id: str
    title: str
    text: str
    heading: str | None  # the reference-list heading, None when the document has none
    references: list[Reference]
    reference_errors: list[ReferenceParseError]
    findings: list[DraftFinding]
    unresolved: list[Citation]
    citations_resolved: int
    conflicts: list[PaperConflict] = field(default_factory=list)
    style: str | None = None  # reference style id (peergraph.text.styles.STYLES)
    format: str = "text"  # of the document read: text, jats or pdf
    labels: dict[str, str] = field(default_factory=dict)  # key -> printed number (numbered)
    citations: list[tuple[Citation, Reference]] = field(default_factory=list)  # resolved, all

    def summary(self) -> str:
        ready = sum(1 for f in self.findings if not f.blocked)
        lines = [
            f"source {self.source_id}: {len(self.references)} references parsed"
            + (
                f", {len(self.reference_errors)} could not be parsed"
                if self.reference_errors
                else ""
            ),
            f"reference style: {STYLES.get(self.style or '', 'none found')}"
            + (f" ({self.format})" if self.format != "text" else ""),
            f"citations: {self.citations_resolved} resolved, {len(self.unresolved)} unresolved",
            f"draft findings: {ready} ready to review, {len(self.findings) - ready} commented out",
        ]
        return "\n".join(lines)

    def warnings(self) -> list[str]:
        out = [
            f"reference list: {e} (left out of the stored references; add it to the "
            "sources/*.refs.yaml file by hand if a finding cites it)"
            for e in self.reference_errors
        ]
        if self.heading is None:
            out.append("no reference list found: citations cannot be resolved")
        for c in self.unresolved:
            line = self.text.count("\n", 0, c.start) + 1
            out.append(f"line {line}: citation '{c.raw}' matches no reference")
        out += [str(c) for c in self.conflicts]
        return out


def read_document(path: str | Path) -> str:
    """The text of a UTF-8 plain-text or Markdown file, verbatim except a leading BOM.

    Raises ``UsageError`` (exit 2) with a fix for a missing, empty, binary or non-UTF-8 file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, expected a text file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data[:8192] or data[:5] == b"%PDF-" or data[:2] == b"PK":
        raise UsageError(
            f"{path}: looks like a binary file (PDF, Word, ...), not plain text "
            "(convert it first, e.g. 'pdftotext -layout file.pdf file.txt')"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason}); "
            "re-save it as UTF-8, e.g. 'iconv -f latin1 -t utf-8'"
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise UsageError(f"{path}: the document is empty")
    return text


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold_name_spaced(text))
    slug = ""
    for word in words:
        if slug and len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug[:40] or "document"


def fold_name_spaced(text: str) -> str:
    """ASCII-folded lower-case text with word breaks kept (for slugs)."""
    return " ".join(fold_name(w) for w in text.split())


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 200 and not _SENTENCE_END.search(line) else fallback
    return fallback


def _is_heading(span: Span) -> bool:
    return span.text.lstrip().startswith("#") or not _SENTENCE_END.search(span.text)


def extract_text(
    text: str,
    *,
    source_id: str,
    title: str,
    heading: str = "References",
    vocab: Vocabulary | None = None,
    document: Document | None = None,
) -> Extraction:
    """Draft references and findings from ``text`` (the verbatim document).

    A reference list that parses line by line as APA (the curated sources' form) is read as
    before; any other list is read by :mod:`peergraph.text.styles`, which detects its style.
    ``document`` carries what a JATS or PDF reader already knows (references, citations).
    """
    vocab = vocab or load_vocabulary()
    document = document or Document(text, "text", is_wrapped(text))
    try:
        body_end, _ = find_reference_section(text, heading)  # its heading line is skipped below
        found_heading: str | None = heading
    except ReferenceParseError:
        body_end, found_heading = len(text), None
    refs: list[Reference] = []
    errors: list[ReferenceParseError] = []
    parsed: ParsedList | None = document.parsed
    if parsed is None and found_heading:
        parsed = read_reference_list(text, heading)
    style = None
    if parsed is not None and parsed.by_line:  # APA, one per line: resolved sentence by sentence
        refs, errors, parsed = parsed.references, parsed.errors, None
        style = "apa" if refs and not errors else None
    labels: dict[str, str] = {}
    by_sentence: dict[int, tuple[list, list]] | None = None
    all_pairs: list[tuple[Citation, Reference]] = []
    if parsed is not None:
        refs, errors, style, labels = parsed.references, parsed.errors, parsed.style, parsed.labels
        found_heading = found_heading or "References"
        body_end = min(body_end, parsed.start)
        citations = document.citations
        if citations is None:
            citations = find_style_citations(text, parsed, body_end)
        pairs, missing = resolve_style_citations(citations, parsed)
        all_pairs = pairs
        by_sentence = {}
        spans = split_sentences(text, wrapped=document.wrapped)
        starts = [sp.start for sp in spans]
        for kind, items in (("r", pairs), ("u", missing)):
            for item in items:
                c = item[0] if kind == "r" else item
                i = bisect_right(starts, c.start) - 1
                slot = by_sentence.setdefault(i, ([], []))
                slot[0 if kind == "r" else 1].append(item)
    findings: list[DraftFinding] = []
    unresolved_all: list[Citation] = []
    resolved_count = 0
    n = 0
    previous = None
    for i, span in enumerate(split_sentences(text, wrapped=document.wrapped)):
        if span.start >= body_end or _is_heading(span):
            continue
        if by_sentence is None:
            resolved, unresolved = resolve_all(span.text, refs)
            all_pairs += [(_shift(c, span.start), r) for c, r in resolved]
            unresolved_all += [_shift(c, span.start) for c in unresolved]
        else:
            resolved, unresolved = by_sentence.get(i, ([], []))
            unresolved_all += unresolved
        resolved_count += len(resolved)
        tagging = previous = tag_sentence(span.text, vocab, previous)
        claim = is_claim(span.text, cited=bool(resolved or unresolved))
        if not (claim[0] or tagging.tags or tagging.cues or resolved or unresolved):
            continue  # nothing to say about it
        n += 1
        cites = tuple(dict.fromkeys(ref.key for _, ref in resolved))
        undated = tuple(ref.key for _, ref in resolved if not ref.year)
        findings += _drafts(
            f"{source_id}.{n:03d}", span, text, cites, tuple(unresolved), tagging, claim, undated
        )
    return Extraction(
        source_id=source_id,
        title=title,
        text=text,
        heading=found_heading,
        references=refs,
        reference_errors=errors,
        findings=findings,
        unresolved=unresolved_all,
        citations_resolved=resolved_count,
        style=style,
        format=document.format,
        labels=labels,
        citations=all_pairs,
    )


def _shift(c: Citation, offset: int) -> Citation:
    return replace(c, start=c.start + offset, end=c.end + offset)


def _drafts(
    base_id: str,
    span: Span,
    text: str,
    cites: tuple[str, ...],
    unresolved: tuple[Citation, ...],
    tagging: Tagging,
    claim: tuple[bool, str] = (True, ""),
    undated: tuple[str, ...] = (),
) -> list[DraftFinding]:
    """One draft per effect direction of the sentence (like curated F12a/F12b).

    Nothing is filled in that the sentence does not say: no intervention unless one is named,
    a direction only from an effect phrase bound to an outcome (see ``tag_sentence``).
    """
    interventions = tagging.ids("intervention")
    specific = [i for i in interventions if i != "peer-support"]
    intervention = (specific or interventions or [None])[0]
    values = {f: tuple(tagging.ids(f)) for f in FIELDS if f not in ("intervention", "outcomes")}
    groups: dict[str | None, list[str]] = {}
    for outcome, direction in tagging.outcome_directions.items():
        groups.setdefault(direction, []).append(outcome)
    if len(groups) > 1 and None in groups:  # an outcome without a cue joins the first claim
        undirected = groups.pop(None)
        groups[next(iter(groups))] += undirected
    repeated = text.count(span.text) > 1
    blocked = None
    if unresolved:
        names = ", ".join(f"'{c.raw}'" for c in unresolved)
        blocked = f"in-text citation {names} matches no reference: fix the reference list first"
    elif undated:
        blocked = (
            f"cites {', '.join(undated)}, which prints no year (a paper needs one): add its year "
            "to the sources/*.refs.yaml file first"
        )
    elif not claim[0]:
        blocked = f"does not read as an empirical claim (cue: '{claim[1]}'); delete it if so"
    elif not groups:
        blocked = "no outcome recognised: name at least one outcome id"
    elif intervention is None:
        blocked = "the sentence names no intervention: add one if the finding is about one"
    if not groups:
        groups = {None: []}
    level = certainty(span.text)
    candidates = tuple(candidate_terms(span.text, tagging))
    out = []
    for i, (direction, outcomes) in enumerate(groups.items()):
        suffix = "abcdefghijklmnopqrstuvwxyz"[i] if len(groups) > 1 else ""
        out.append(
            DraftFinding(
                id=base_id + suffix,
                sentence=span,
                cites=cites,
                intervention=intervention,
                outcomes=tuple(outcomes),
                direction=direction,
                values=values,
                tagging=tagging,
                unresolved=unresolved,
                repeated=repeated,
                blocked=blocked,
                claim=claim[0],
                claim_cue=claim[1],
                certainty=level,
                candidates=candidates,
            )
        )
    return out


def render_references_file(ex: Extraction, text_file: str) -> str:
    """What extract read of the reference list and citations, for the build to read back.

    The build does not re-parse a drafted source: JATS and PDF references and citations came
    from markup and layout, and any style's numeric citations need the numbered list.
    """
    undated = [r for r in ex.references if not r.year]
    gone = {r.key for r in undated}
    cited = [(c.start, c.end, None if ref.key in gone else ref.key) for c, ref in ex.citations]
    cited += [(c.start, c.end, None) for c in ex.unresolved]
    notes = [str(e) for e in ex.reference_errors] + [
        f"reference {r.key} ({' '.join(r.raw.split())[:60]!r}) prints no year, and a paper in "
        "the graph needs one: add it below with its year if a finding cites it"
        for r in undated
    ]
    return render_references(
        [r for r in ex.references if r.year],
        ex.labels,
        dict.fromkeys(cited),
        style=ex.style or "apa",
        text_file=text_file,
        text_sha256=hashlib.sha256(ex.text.encode("utf-8")).hexdigest(),
        notes=notes,
    )


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _flow(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_findings_yaml(ex: Extraction) -> str:
    """The draft findings file: one record per claim, spans and problems as comments."""
    lines = [
        f"# Draft findings of source {ex.source_id}, written by 'peergraph extract'.",
        "# Nothing here is curated. For each record: check every field against the quote, delete",
        "# wrong tags, then delete 'draft: true' to accept it. Commented-out records need a fix",
        "# first (reason given). Builds ignore drafts unless run with --include-drafts.",
        f"# Read as {ex.format}; reference style: {STYLES.get(ex.style or '', 'none found')}; "
        f"{len(ex.references)} references, {ex.citations_resolved} citations resolved.",
    ]
    for w in ex.warnings():
        lines.append(f"# WARNING: {_comment(w)}")
    lines.append("findings:")
    if not any(not f.blocked for f in ex.findings):
        lines[-1] = "findings: []"
    for f in ex.findings:
        record = _record_lines(f, ex.source_id)
        lines.append("")
        lines += [f"  # {m}" for m in _match_comments(f)]
        if f.blocked:
            lines.append(f"  # NOT READY: {_comment(f.blocked)}")
            lines += [f"  # {r}" for r in record]
        else:
            lines += [f"  {r}" for r in record]
    return "\n".join(lines) + "\n"


def _match_comments(f: DraftFinding) -> list[str]:
    shown = []
    for tag in sorted(f.tagging.tags + f.tagging.cues, key=lambda t: (t.start, t.field)):
        shown.append(f"{tag.field} {tag.concept} <- {_q(tag.text)} [{tag.start}:{tag.end}]")
    out = ["matched: " + "; ".join(shown)] if shown else ["matched: nothing"]
    out.append(f"claim: {'yes' if f.claim else 'no'} <- {_q(f.claim_cue)}")
    out += [
        f"candidate {c.field} term: {_q(c.label)} <- {_q(c.words)} (not in the vocabulary: add "
        "it to ontology/vocabulary.ttl or map it to an existing id)"
        for c in f.candidates
    ]
    return out


def _certainty_field() -> bool:
    """Whether the findings schema has the ``certainty`` field (added by the certainty work)."""
    from peergraph.ingest.validate import KNOWN_FIELDS

    return "certainty" in KNOWN_FIELDS


def _record_lines(f: DraftFinding, source_id: str) -> list[str]:
    label = _comment(f.sentence.text)
    label = label if len(label) <= 90 else label[:87].rstrip() + "..."
    rec = [
        f"- id: {f.id}",
        f"  source: {source_id}",
        f"  label: {_q('DRAFT ' + label)}",
        f"  quote: {_q(f.sentence.text)}",
    ]
    if f.repeated:
        rec.append(f"  start: {f.sentence.start}")
    rec.append(f"  cites: {_flow(f.cites)}")
    if f.intervention:
        rec.append(f"  intervention: {f.intervention}")
    rec.append(f"  outcomes: {_flow(f.outcomes)}")
    if f.direction:
        rec.append(f"  direction: {f.direction}")
    level, cue = f.certainty
    # every finding states its certainty (the graph's shapes require one): "asserted" when no
    # hedge or negation cue was found
    line = f"certainty: {{level: {level}, cue: {_q(cue)}}}" if cue else f"certainty: {level}"
    rec.append(f"  {line}" if _certainty_field() else f"  # {line}")
    for name, ids in f.values.items():
        if ids:
            rec.append(f"  {name}: {_flow(ids)}")
    rec += [
        "  note: Drafted by peergraph extract; confirm every field before accepting.",
        "  draft: true",
    ]
    return rec


# --- duplicates against the existing data ------------------------------------------------


def doi_conflicts(
    refs: list[Reference], existing: dict[str, list[Reference]]
) -> list[PaperConflict]:
    """References whose DOI (case-insensitive) is already a paper of another source.

    ``existing`` maps source id -> its references. Every such paper is reported, with the
    printed details that differ (year, first author, title, journal), so a curator can decide
    which reading is right instead of the build merging two descriptions into one DOI IRI.
    """
    by_doi: dict[str, tuple[str, Reference]] = {}
    for sid, others in existing.items():
        for other in others:
            if other.doi:
                by_doi.setdefault(other.doi.lower(), (sid, other))
    out = []
    for ref in refs:
        if not ref.doi or ref.doi.lower() not in by_doi:
            continue
        sid, other = by_doi[ref.doi.lower()]
        out.append(PaperConflict(ref, sid, other, tuple(differences(ref, other))))
    return out


def differences(a: Reference, b: Reference) -> list[str]:
    """The printed details in which two readings of one paper disagree."""

    def norm(s: str | None) -> str:
        return " ".join((s or "").lower().split()).rstrip(".")

    diffs = []
    if (a.year, a.year_suffix) != (b.year, b.year_suffix):
        diffs.append(f"year {a.year}{a.year_suffix} vs {b.year}{b.year_suffix}")
    fa = fold_name(a.authors[0].family) if a.authors else ""
    fb = fold_name(b.authors[0].family) if b.authors else ""
    if fa != fb:
        diffs.append(f"first author {a.authors[0].family!r} vs {b.authors[0].family!r}")
    if norm(a.title) != norm(b.title):
        diffs.append("title differs")
    if norm(a.journal) != norm(b.journal):
        diffs.append(f"journal {a.journal!r} vs {b.journal!r}")
    return diffs


# --- writing -----------------------------------------------------------------------------


@dataclass
class WrittenDrafts:
    extraction: Extraction
    source_file: Path
    findings_file: Path
    sources_yaml: Path
    references_file: Path | None = None  # the stored reading of the list and citations


def _existing_sources(data_dir: Path) -> tuple[dict[str, list[Reference]], dict[str, str]]:
    """(source id -> references, sha256 of text -> source id) of the data folder."""
    from peergraph.ingest.dataset import read_sources

    if not (data_dir / "sources.yaml").is_file():
        return {}, {}
    problems: list[Problem] = []
    sources = read_sources(data_dir, problems)
    refs = {sid: list(s.references.values()) for sid, s in sources.items()}
    return refs, {s.sha256: sid for sid, s in sources.items()}


def extract_document(
    path: str | Path,
    *,
    data_dir: str | Path | None = None,
    source_id: str | None = None,
    title: str | None = None,
    heading: str = "References",
    vocab: Vocabulary | None = None,
) -> Extraction:
    """Read ``path`` and draft its data; DOIs are checked against ``data_dir``'s sources."""
    from peergraph.paths import default_data_dir

    document = load_document(path, read_document)
    text = document.text
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    existing, by_hash = _existing_sources(data)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest in by_hash:
        raise UsageError(
            f"{path}: this document is already in {data} as source '{by_hash[digest]}'"
        )
    title = title or _title(text, Path(path).stem)
    sid = source_id or _slug(title)
    if source_id is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", source_id):
        raise UsageError(f"--id '{source_id}': use letters, digits, '.', '_' and '-' only")
    if sid in existing:
        if source_id is not None:
            raise UsageError(f"source id '{sid}' is already used in {data / 'sources.yaml'}")
        n = 2
        while f"{sid}-{n}" in existing:
            n += 1
        sid = f"{sid}-{n}"
    ex = extract_text(
        text, source_id=sid, title=title, heading=heading, vocab=vocab, document=document
    )
    ex.conflicts = doi_conflicts(ex.references, existing)
    check_extraction(ex, path)
    return ex


def check_extraction(ex: Extraction, path: str | Path) -> None:
    """Refuse a document whose references or citations cannot be read well enough to draft.

    A reference heading with no parsable entry, or a body whose citations mostly resolve to
    nothing, means the style was not understood: drafts would carry wrong or no ``cites``.
    """
    if ex.heading is not None and not ex.references:
        raise UsageError(
            f"{path}: the reference list after '{ex.heading}' was not recognised (no entry "
            "parsed); supported styles: " + "; ".join(STYLES.values())
        )
    found = ex.citations_resolved + len(ex.unresolved)
    if found >= 5 and len(ex.unresolved) > found / 2:
        raise UsageError(
            f"{path}: {len(ex.unresolved)} of {found} in-text citations match no reference "
            f"(reference style read as {STYLES.get(ex.style or '', 'unknown')}); check that the "
            "reference list is complete and in one of the supported styles"
        )


def write_drafts(
    path: str | Path, data_dir: str | Path | None = None, *, force: bool = False, **options: str
) -> WrittenDrafts:
    """Extract ``path`` and write the draft source, source entry and findings into ``data_dir``.

    ``sources.yaml`` is appended to as text (its comments survive) and re-read to prove it still
    parses; on any failure nothing is left half-written.
    """
    import shutil

    import yaml

    from peergraph.paths import default_data_dir

    data = Path(data_dir) if data_dir is not None else default_data_dir()
    ex = extract_document(path, data_dir=data, **options)  # type: ignore[arg-type]
    sources_yaml = data / "sources.yaml"
    findings_file = data / "findings" / f"{ex.source_id}.yaml"
    if findings_file.exists() and not force:
        raise UsageError(f"{findings_file} exists; pass --force to overwrite it")
    index = len(list((data / "sources").glob("*"))) if (data / "sources").is_dir() else 0
    digest = hashlib.sha256(ex.text.encode("utf-8")).hexdigest()[:16]
    suffix = Path(path).suffix.lower() if Path(path).suffix.lower() in (".md", ".txt") else ".txt"
    if ex.format != "text":
        suffix = ".txt"  # the text read from the JATS or PDF, which the offsets point into
    source_file = data / "sources" / f"{index:03d}_{digest}{suffix}"
    refs_file = source_file.with_name(source_file.stem + REFS_SUFFIX) if ex.heading else None

    before = sources_yaml.read_text(encoding="utf-8") if sources_yaml.is_file() else "sources:\n"
    entry = (
        ("" if before.endswith("\n") else "\n")
        + f"  - id: {ex.source_id}\n"
        + f"    title: {_q(ex.title)}\n"
        + f"    file: sources/{source_file.name}\n"
        + f"    references_heading: {_q(ex.heading or '')}\n"
        + (f"    references_file: sources/{refs_file.name}\n" if refs_file else "")
        + "    draft: true   # added by peergraph extract; delete this line to accept the source\n"
    )
    after = before + entry
    parsed = yaml.safe_load(after)
    old = yaml.safe_load(before) or {}
    if not (
        isinstance(parsed, dict)
        and isinstance(parsed.get("sources"), list)
        and len(parsed["sources"]) == len(old.get("sources") or []) + 1
    ):
        raise UsageError(
            f"{sources_yaml}: cannot append a source entry (the 'sources:' list must be the "
            "last thing in the file, with items indented by two spaces)"
        )
    source_file.parent.mkdir(parents=True, exist_ok=True)
    findings_file.parent.mkdir(parents=True, exist_ok=True)
    if ex.format == "text":
        shutil.copyfile(path, source_file)  # byte-for-byte, line endings kept
    else:
        source_file.write_text(ex.text, encoding="utf-8")
    if refs_file is not None:
        refs_file.write_text(render_references_file(ex, source_file.name), encoding="utf-8")
    findings_file.write_text(render_findings_yaml(ex), encoding="utf-8")
    sources_yaml.write_text(after, encoding="utf-8")
    return WrittenDrafts(ex, source_file, findings_file, sources_yaml, refs_file)
