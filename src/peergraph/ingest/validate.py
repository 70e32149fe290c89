"""Stage 2: record-level checks of the curated findings, before anything becomes a triple.

Every check adds a ``Problem`` that names file, record and field and, where it can, suggests a fix.
All problems are collected; nothing stops at the first one. SHACL (``peergraph.check.shacl``)
re-checks the built graph; these checks exist so that users get messages in terms of their YAML,
not of triples.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, Any

from peergraph.errors import Problem
from peergraph.ingest.records import (
    Comparison,
    Cue,
    EssayClassification,
    Finding,
    InText,
    Moderator,
    Persistence,
    Source,
    display_path,
)
from peergraph.ingest.vocabulary import Vocabulary
from peergraph.text.references import Reference

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.progress import Progress

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")

KNOWN_FIELDS = {
    "id", "source", "label", "quote", "start", "cites", "intervention", "outcomes", "direction",
    "magnitude", "populations", "settings", "mechanisms", "organisational_factors", "persistence",
    "comparisons", "note", "draft", "__line__", "kind", "certainty", "mechanism_certainty",
    "moderators", "essay_classifies",
}  # fmt: skip
KINDS = ("finding", "definition", "background")
MODERATOR_KINDS = {
    "Setting": "setting-moderator",
    "OrganisationalFactor": "organisational-moderator",
}
REQUIRED = ("id", "source", "label", "quote", "cites", "intervention", "outcomes")

# field -> (pg class of its values, many?)
TERM_FIELDS: dict[str, tuple[str, bool]] = {
    "intervention": ("Intervention", False),
    "outcomes": ("Outcome", True),
    "direction": ("EffectDirection", False),
    "magnitude": ("Magnitude", True),
    "populations": ("Population", True),
    "settings": ("Setting", True),
    "mechanisms": ("Mechanism", True),
    "organisational_factors": ("OrganisationalFactor", True),
}
UNITS = ("day", "week", "month", "year")


def check_doi(doi: str) -> bool:
    return bool(DOI_RE.match(doi))


def _did_you_mean(value: str, options: list[str]) -> str | None:
    match = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
    return f"did you mean '{match[0]}'?" if match else None


class _Checker:
    def __init__(self, shown: str, record: str, problems: list[Problem]):
        self.shown, self.record, self.problems = shown, record, problems
        self.ok = True

    def add(self, field: str | None, message: str, suggestion: str | None = None) -> None:
        self.problems.append(Problem(self.shown, message, self.record, field, suggestion))
        self.ok = False


def _as_list(chk: _Checker, rec: dict[str, Any], key: str) -> list[str]:
    value = rec.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [intern(value)]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        chk.add(key, "expected a list of ids", "write e.g. [hope, empowerment]")
        return []
    # ids and keys recur in every record: one string each instead of one per record (memory)
    return [intern(v) for v in value]


def _check_terms(chk: _Checker, vocab: Vocabulary, field: str, values: list[str], cls: str) -> None:
    known = vocab.of_class(cls)
    for value in values:
        if value in known:
            continue
        noun = re.sub(r"(?<!^)([A-Z])", r" \1", cls).lower()
        guess = vocab.suggest(value, cls)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else f"known: {', '.join(sorted(known)[:12])}{', …' if len(known) > 12 else ''}"
        )
        chk.add(field, f"unknown {noun} '{value}'", hint)


def check_references(sources: dict[str, Source], problems: list[Problem]) -> None:
    """DOIs in reference lists must be well formed (10.NNNN/suffix)."""
    for source in sources.values():
        for ref in source.references.values():
            url = ref.url or ""
            doi = ref.doi
            if doi is None and "doi.org/" in url:
                doi = url.split("doi.org/", 1)[1]
            if doi is not None and not check_doi(doi):
                problems.append(
                    Problem(
                        display_path(source.path),
                        f"malformed DOI '{doi}'",
                        f"reference {ref.key}",
                        "doi",
                        "a DOI looks like 10.1017/S0033291722002422",
                    )
                )


def _locate_quote(chk: _Checker, source: Source, quote: str, start: Any) -> tuple[int, int] | None:
    text = source.text
    if start is not None:
        if not isinstance(start, int) or start < 0:
            chk.add("start", "expected a non-negative integer character offset")
            return None
        if text[start : start + len(quote)] != quote:
            chk.add("start", f"the quote does not occur at offset {start} of {source.path.name}")
            return None
        return start, start + len(quote)
    first = text.find(quote)
    if first < 0:
        from peergraph.text.sentences import split_sentences

        sentences = [s.text for s in split_sentences(text)]
        close = difflib.get_close_matches(quote, sentences, n=1, cutoff=0.6)
        hint = f'closest sentence: "{close[0][:80]}…"' if close else "copy the sentence exactly"
        chk.add("quote", f"quote not found verbatim in {source.path.name}", hint)
        return None
    if text.find(quote, first + 1) >= 0:
        chk.add("quote", "quote occurs more than once in the source", "add 'start:' offset")
        return None
    return first, first + len(quote)


class CitationIndex:
    """A source's references by (year, folded first-author name), to resolve in-text citations.

    ``citations.resolve`` compares a citation with every reference; for a list of 20,000
    references and 100,000 findings that is 10^9 comparisons. A non-corporate reference can only
    match a citation whose first name folds to its first author's name and whose year is its year,
    so only those (plus the corporate authors of that year) are handed to ``resolve``: the result
    is the same.
    """

    def __init__(self, source: Source):
        from peergraph.text.references import fold_name

        self.source = source
        self.by_name: dict[tuple[int, str], list[Reference]] = {}
        self.corporate: dict[int, list[Reference]] = {}
        self.memo: dict[tuple[Any, ...], Reference | None] = {}
        self.starts = [c[0] for c in source.citations or ()]
        for ref in source.references.values():
            if not ref.authors:
                continue
            if ref.authors[0].corporate:
                self.corporate.setdefault(ref.year, []).append(ref)
            else:
                key = (ref.year, fold_name(ref.authors[0].family))
                self.by_name.setdefault(key, []).append(ref)

    def in_span(self, start: int, end: int) -> tuple[list[InText], list[str]]:
        """``(resolved, unresolved)`` citations of a source whose citations were read for the
        whole text (stored by extract, or a numbered or non-APA list): those starting in
        ``[start, end)``, resolved ones with their reference key, unresolved ones as printed."""
        from bisect import bisect_left

        cited = self.source.citations or ()
        resolved: list[InText] = []
        unresolved: list[str] = []
        text = self.source.text
        for s, e, key in cited[bisect_left(self.starts, start) : bisect_left(self.starts, end)]:
            if key is None:
                unresolved.append(text[s:e])
            else:
                resolved.append(InText(text[s:e], s, e, key))
        return resolved, unresolved

    def resolve_all(self, text: str) -> tuple[list[tuple[Any, Reference]], list[Any]]:
        """Like ``citations.resolve_all(text, all references of the source)``."""
        from peergraph.text.citations import find_citations, resolve
        from peergraph.text.references import fold_name

        resolved: list[tuple[Any, Reference]] = []
        unresolved: list[Any] = []
        for citation in find_citations(text):
            # resolve() reads only these fields; popular papers are cited again and again
            key = (citation.families, citation.et_al, citation.year, citation.year_suffix)
            if key in self.memo:
                ref = self.memo[key]
            else:
                first = fold_name(citation.families[0]) if citation.families else ""
                candidates = self.by_name.get((citation.year, first), []) + self.corporate.get(
                    citation.year, []
                )
                ref = self.memo[key] = resolve(citation, candidates)
            if ref is None:
                unresolved.append(citation)
            else:
                resolved.append((citation, ref))
        return resolved, unresolved


def _check_cites(
    chk: _Checker, index: CitationIndex, cites: list[str], quote: str, span: tuple[int, int]
) -> list[InText]:
    """Check ``cites`` against the quote's in-text citations; return those citations, resolved
    (the mapping writes them as they are: resolving is done once, here)."""
    source = index.source
    for key in cites:
        if key not in source.references:
            keys = list(source.references)
            chk.add(
                "cites",
                f"cites '{key}', which is not in the reference list of {source.id}",
                _did_you_mean(key, keys) or f"known keys: {', '.join(keys)}",
            )
    if not chk.ok:
        return []
    in_text: list[InText]
    if source.citations is None:
        found, missing = index.resolve_all(quote)
        at = span[0]
        in_text = [InText(c.raw, at + c.start, at + c.end, ref.key) for c, ref in found]
        unresolved = [c.raw for c in missing]
    else:  # numeric ("[3]", "(1,3)") or read for the whole document
        in_text, unresolved = index.in_span(*span)
    printed = [c.key for c in in_text]
    for raw in unresolved:
        chk.add(
            "quote",
            f"in-text citation '{raw}' matches no reference of {source.id}",
            "check the author names and year against the reference list",
        )
    if sorted(set(printed)) != sorted(set(cites)):
        chk.add(
            "cites",
            f"lists {cites or '[]'} but the sentence cites {printed or 'nothing'} in-text",
            f"use cites: [{', '.join(dict.fromkeys(printed))}]",
        )
    return in_text


def _check_persistence(chk: _Checker, vocab: Vocabulary, value: Any) -> Persistence | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        chk.add("persistence", "expected a mapping {min, max, unit, from}")
        return None
    horizon = "up_to" in value
    if horizon:
        if "min" in value or "max" in value:
            chk.add("persistence", "give either up_to (a horizon) or min/max (a duration)")
        up_to = value["up_to"] if isinstance(value["up_to"], list) else [value["up_to"]]
        lo, hi = (up_to[0], up_to[-1]) if up_to else (None, None)
    else:
        lo, hi = value.get("min"), value.get("max", value.get("min"))
    unit, ref = value.get("unit"), value.get("from", "end-of-intervention")
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi))
    if not numeric:
        chk.add("persistence", "min and max must be numbers", "e.g. {min: 6, max: 9, unit: month}")
        return None
    if lo > hi:
        chk.add("persistence", f"min {lo} is greater than max {hi}")
    if unit not in UNITS:
        chk.add("persistence", f"unknown unit '{unit}'", f"use one of {', '.join(UNITS)}")
    if ref not in vocab.of_class("TimeReference"):
        chk.add("persistence", f"unknown time reference '{ref}'", "use 'end-of-intervention'")
    return Persistence(float(lo), float(hi), str(unit), str(ref), horizon)


def _check_cue(
    chk: _Checker, vocab: Vocabulary, name: str, value: Any, quote: str, start: int | None
) -> Cue | None:
    """``{level, cue[, at]}``: the cue must be words of the quote (``at``: which occurrence)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = {"level": value}
    if not isinstance(value, dict) or not value.get("level"):
        chk.add(name, "expected {level, cue}", f'e.g. {name}: {{level: hedged, cue: "may"}}')
        return None
    level = str(value["level"])
    _check_terms(chk, vocab, name, [level], "CertaintyLevel")
    text = value.get("cue")
    if text is None:
        if level != "asserted":
            chk.add(name, f"a {level} claim needs the cue words", 'add cue: "<words of the quote>"')
        return Cue(level)
    text = str(text)
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", quote)]
    at = value.get("at", 1)
    if not hits:
        chk.add(name, f"cue '{text}' is not in the quote", "copy the words from the sentence")
        return None
    if not isinstance(at, int) or not 1 <= at <= len(hits):
        chk.add(name, f"'at' must be 1..{len(hits)} (occurrences of the cue in the quote)")
        return None
    offset = (start or 0) + hits[at - 1]
    return Cue(level, text, offset, offset + len(text))


def _check_moderators(chk: _Checker, vocab: Vocabulary, value: Any) -> list[Moderator]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        chk.add("moderators", "expected a list of {moderator, effect, relative_to, outcomes}")
        return []
    out = []
    for item in value:
        effect = str(item.get("effect") or "")
        _check_terms(chk, vocab, "moderators", [effect], "ModerationEffect")
        concept = item.get("moderator")
        kind = item.get("kind")
        if concept is not None:
            concept = str(concept)
            known = [c for c in MODERATOR_KINDS if concept in vocab.of_class(c)]
            if not known:
                chk.add(
                    "moderators",
                    f"moderator '{concept}' is neither a setting nor an organisational factor",
                )
                continue
            kind = MODERATOR_KINDS[known[0]]
        elif kind not in MODERATOR_KINDS.values():
            chk.add("moderators", "each moderator needs 'moderator' (a concept id) or 'kind'")
            continue
        rel = [str(v) for v in _listify(item.get("relative_to"))]
        outcomes = [str(v) for v in _listify(item.get("outcomes"))]
        cls = "Setting" if kind == "setting-moderator" else "OrganisationalFactor"
        _check_terms(chk, vocab, "moderators", rel, cls)
        _check_terms(chk, vocab, "moderators", outcomes, "Outcome")
        out.append(Moderator(str(kind), effect, concept, rel, outcomes))
    return out


def _check_classifications(
    chk: _Checker, vocab: Vocabulary, value: Any, quote: str, start: int | None
) -> list[EssayClassification]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        chk.add("essay_classifies", "expected a list of {concept, as, cue}")
        return []
    out = []
    for item in value:
        concept, group = str(item.get("concept") or ""), str(item.get("as") or "")
        _check_terms(chk, vocab, "essay_classifies", [concept, group], "Outcome")
        cue = None
        if item.get("cue"):
            cue = _check_cue(
                chk, vocab, "essay_classifies", {"level": "asserted", "cue": item["cue"]},
                quote, start,
            )  # fmt: skip
        out.append(EssayClassification(concept, group, cue))
    return out


def _listify(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _check_comparisons(chk: _Checker, vocab: Vocabulary, value: Any) -> list[Comparison]:
    if value is None:
        return []
    if not isinstance(value, list):
        chk.add("comparisons", "expected a list of {favours, over, outcomes}")
        return []
    out = []
    for item in value:
        if not isinstance(item, dict) or not item.get("favours") or not item.get("over"):
            chk.add("comparisons", "each comparison needs 'favours' and 'over'")
            continue
        over = item["over"] if isinstance(item["over"], list) else [item["over"]]
        outcomes = item.get("outcomes") or []
        outcomes = outcomes if isinstance(outcomes, list) else [outcomes]
        compared = [str(item["favours"]), *map(str, over)]
        kind = (
            "OrganisationalFactor"
            if compared[0] in vocab.of_class("OrganisationalFactor")
            else "Setting"
        )
        _check_terms(chk, vocab, "comparisons", compared, kind)
        _check_terms(chk, vocab, "comparisons", [str(o) for o in outcomes], "Outcome")
        out.append(
            Comparison(str(item["favours"]), [str(o) for o in over], [str(o) for o in outcomes])
        )
    return out


def validate_findings(
    records: Iterable[tuple[Path, Any]],
    sources: dict[str, Source],
    vocab: Vocabulary,
    problems: list[Problem],
    *,
    include_drafts: bool = False,
    progress: Progress | None = None,
    draft_sources: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Check every finding record and return the valid ones as ``Finding`` objects."""
    check_references(sources, problems)
    findings: list[Finding] = []
    first_seen: dict[str, str] = {}
    shown_paths: dict[Path, str] = {}
    indexes: dict[str, CitationIndex] = {}
    for index, (path, rec) in enumerate(records, 1):
        if progress is not None and not index % 1000:
            progress.advance(1000)
        shown = shown_paths.get(path) or shown_paths.setdefault(path, display_path(path))
        if not isinstance(rec, dict):
            problems.append(Problem(shown, "each finding must be a mapping", f"finding #{index}"))
            continue
        line = rec.get("__line__")
        fid = rec.get("id")
        where = f"{shown}:{line}" if line else shown
        chk = _Checker(where, f"finding {fid}" if fid else f"finding #{index}", problems)
        if rec.get("draft") is True and not include_drafts:
            continue
        for key in REQUIRED:
            if key not in rec or rec[key] is None or rec[key] == "":
                chk.add(key, "required field is missing")
        for key in sorted(set(rec) - KNOWN_FIELDS):
            chk.add(key, "unknown field", _did_you_mean(key, sorted(KNOWN_FIELDS - {"__line__"})))
        if fid is not None:
            fid = str(fid)
            if not ID_RE.match(fid):
                chk.add("id", f"id '{fid}' may use only letters, digits, '.', '_' and '-'")
            elif fid in first_seen:
                chk.add("id", f"duplicate id '{fid}'", f"first used at {first_seen[fid]}")
            else:
                first_seen[fid] = where
        source = sources.get(str(rec.get("source")))
        if rec.get("source") and source is None and str(rec["source"]) in draft_sources:
            chk.add(
                "source",
                f"source '{rec['source']}' is still a draft",
                "accept it too: remove 'draft: true' from its entry in sources.yaml",
            )
        elif rec.get("source") and source is None:
            chk.add(
                "source",
                f"unknown source '{rec.get('source')}'",
                _did_you_mean(str(rec.get("source")), list(sources)),
            )
        values = {f: _as_list(chk, rec, f) for f in TERM_FIELDS}
        for f, (cls, many) in TERM_FIELDS.items():
            if not many and len(values[f]) > 1:
                chk.add(f, "expected a single id, not a list")
            _check_terms(chk, vocab, f, values[f], cls)
        if "outcomes" in rec and not values["outcomes"]:
            chk.add("outcomes", "a finding needs at least one outcome")
        cites = _as_list(chk, rec, "cites")
        quote = rec.get("quote")
        span = None
        in_text: list[InText] = []
        if quote is not None and not isinstance(quote, str):
            chk.add("quote", "expected the sentence as text")
        elif quote and source is not None:
            span = _locate_quote(chk, source, quote, rec.get("start"))
            if span is not None and "cites" in rec:
                if source.id not in indexes:
                    indexes[source.id] = CitationIndex(source)
                in_text = _check_cites(chk, indexes[source.id], cites, quote, span)
        persistence = _check_persistence(chk, vocab, rec.get("persistence"))
        comparisons = _check_comparisons(chk, vocab, rec.get("comparisons"))
        kind = str(rec.get("kind", "finding"))
        if kind not in KINDS:
            chk.add("kind", f"unknown kind '{kind}'", "one of: " + ", ".join(KINDS))
        text = quote if isinstance(quote, str) else ""
        at = span[0] if span else None
        certainty = _check_cue(chk, vocab, "certainty", rec.get("certainty"), text, at)
        mech_certainty = _check_cue(
            chk, vocab, "mechanism_certainty", rec.get("mechanism_certainty"), text, at
        )
        moderators = _check_moderators(chk, vocab, rec.get("moderators"))
        classified = _check_classifications(chk, vocab, rec.get("essay_classifies"), text, at)
        draft = rec.get("draft", False)
        if not isinstance(draft, bool):
            chk.add("draft", "expected true or false")
        if not chk.ok or span is None or source is None:
            continue
        findings.append(
            Finding(
                id=str(fid),
                source=source.id,
                label=str(rec["label"]).strip(),
                quote=str(quote),
                start=span[0],
                end=span[1],
                cites=cites,
                intervention=values["intervention"][0],
                outcomes=values["outcomes"],
                direction=(values["direction"] or [None])[0],
                magnitude=values["magnitude"],
                populations=values["populations"],
                settings=values["settings"],
                mechanisms=values["mechanisms"],
                organisational_factors=values["organisational_factors"],
                persistence=persistence,
                comparisons=comparisons,
                kind=kind,
                certainty=certainty,
                mechanism_certainty=mech_certainty,
                moderators=moderators,
                essay_classifications=classified,
                in_text=in_text,
                note=str(rec["note"]).strip() if rec.get("note") else None,
                draft=bool(draft),
                file=shown,
                line=line,
            )
        )
    findings.sort(key=lambda f: f.id)
    return findings
