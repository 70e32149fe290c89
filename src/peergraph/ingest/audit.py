"""Evidence integrity as data: the reference and claim audit (``data/reference-audit.yaml``).

The essay's printed references are not all real. The audit records, per printed reference, a
status (confirmed, mismatched, not-found) and the real published record(s) it resolves to; per
finding, whether those records bear the claim out. This module reads the audit and turns it into
RDF *beside* the printed metadata: a Paper node keeps what the essay printed plus an explicit
``pg:referenceStatus``; real records get their own IRIs (``data/record/<id>``) with their real
DOI, authors and the effect sizes they report (STATO). Every paper gets a status, ``unchecked``
when no audit covers it, so nothing reads as verified by default.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from peergraph.ingest.records import Dataset, Finding

AUDIT_FILE = "reference-audit.yaml"
# Two axes, never mixed. Bibliographic status of a printed reference:
STATUSES = ("confirmed", "mismatched", "chimera", "not-found")
UNCHECKED = "unchecked"
# Claim support, from the claim audit (the only axis pg:supportLevel is derived from):
VERDICTS = (
    "supported",
    "partly-supported",
    "overstated",
    "unverified",
    "misattributed",
    "not-checked",
    "uncited",
)
REPORTED = frozenset({"supported"})  # a checked cited record reports the claim
REPORTED_DIFFERENTLY = frozenset({"partly-supported", "overstated"})  # weaker or different
# verdicts saying the cited records do not report the claim as the source credits it
NOT_REPORTED = frozenset({"unverified", "misattributed"})
LEVELS = (
    "verified-support",
    "partial-support",
    "unverified-support",
    "unchecked-claim",
    "no-support",
)
DIFF_FIELDS = ("authors", "year", "title", "journal", "volume", "issue", "pages", "doi", "record")
MEASURES = {"hedges-g": "STATO_0000319", "smd": "STATO_0000100"}
MEASURE_LABELS = {"hedges-g": "Hedges's g", "smd": "SMD"}
MATCH_KEYS = ("outcome", "direction", "setting", "favours", "compared_on", "persistence")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


@dataclass(frozen=True)
class Effect:
    """An effect size a published record reports (Hedges's g or SMD, 95% CI, I² in per cent)."""

    id: str
    measure: str
    value: Decimal
    ci: tuple[Decimal, Decimal] | None = None
    i2: Decimal | None = None
    outcome: str | None = None
    outcome_label: str | None = None
    significant: bool | None = None
    timepoint: str | None = None  # a pgv:time-references id (when it was measured)


@dataclass(frozen=True)
class Subgroup:
    """A subgroup result a record reports, in the record's words (no number when none was read)."""

    id: str
    setting: str
    outcome: str | None
    reported_as: str
    significant: bool | None = None


@dataclass(frozen=True)
class Record:
    """A real published record found by the audit; never merged into a printed Paper."""

    id: str
    doi: str | None
    authors: tuple[str, ...]
    title: str
    journal: str | None
    year: int
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pmid: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()
    subgroups: tuple[Subgroup, ...] = ()
    authors_complete: bool = True

    def short(self) -> str:
        families = [a.split(",")[0] for a in self.authors]
        who = families[0] + (" et al." if len(families) > 2 or not self.authors_complete else "")
        if len(families) == 2 and self.authors_complete:
            who = f"{families[0]} & {families[1]}"
        return f"{who} {self.year}"


@dataclass(frozen=True)
class ReferenceCheck:
    """The audit of one printed reference (by citation key, in one source)."""

    source: str
    key: str
    status: str
    differs: tuple[str, ...] = ()
    note: str | None = None
    resolves_to: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)  # in the audit file


@dataclass(frozen=True)
class ClaimCheck:
    """The audit of one finding's claim against the records behind its citations."""

    finding: str
    verdict: str
    checked_against: tuple[str, ...] = ()
    reported_in: tuple[str, ...] = ()
    note: str | None = None
    candidates: tuple[str, ...] = ()  # records that could bear the claim, not read for it
    line: int | None = field(default=None, compare=False)  # in the audit file


@dataclass(frozen=True)
class Conclusion:
    """A conclusion-level question for the fragility check, matched against findings."""

    id: str
    label: str
    match: tuple[tuple[str, Any], ...]


@dataclass
class Audit:
    """The whole audit file, validated."""

    references: dict[tuple[str, str], ReferenceCheck] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    claims: dict[str, ClaimCheck] = field(default_factory=dict)
    conclusions: list[Conclusion] = field(default_factory=list)
    path: Path | None = None

    def status(self, source: str, key: str) -> str:
        check = self.references.get((source, key))
        return check.status if check else UNCHECKED


# --- reading ------------------------------------------------------------------------------------


def read_audit(data_dir: str | Path) -> Audit:
    """The audit in ``data_dir/reference-audit.yaml`` (an empty audit if there is none).

    Raises ``DataError`` naming file, record and field for anything malformed.
    """
    path = Path(data_dir) / AUDIT_FILE
    if not path.is_file():
        return Audit()
    stat = path.stat()
    return _read_audit(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_audit(path: Path, _mtime: int, _size: int) -> Audit:
    from peergraph.ingest.dataset import read_yaml
    from peergraph.ingest.records import display_path

    problems: list[Problem] = []
    doc = read_yaml(path, problems)
    if problems:
        raise DataError(problems)
    shown = display_path(path)
    if doc is None:
        return Audit(path=path)
    if not isinstance(doc, dict):
        raise DataError(
            [
                Problem(
                    shown,
                    "expected a mapping with 'references', 'records', "
                    "'claims' and 'conclusions' lists",
                    kind="input",
                )
            ]
        )
    parser = _Parser(shown, problems)
    audit = Audit(path=path)
    default_source = str(doc.get("source") or "")
    for rec in parser.items(doc, "records"):
        record = parser.record(rec)
        if record and record.id in audit.records:
            parser.problem(f"record {record.id}", "id", "duplicate record id")
        elif record:
            audit.records[record.id] = record
    for rec in parser.items(doc, "references"):
        check = parser.reference(rec, default_source, audit.records)
        if check and (check.source, check.key) in audit.references:
            parser.problem(f"reference {check.key}", "key", "duplicate reference key")
        elif check:
            audit.references[(check.source, check.key)] = check
    for rec in parser.items(doc, "claims"):
        claim = parser.claim(rec, audit.records)
        if claim and claim.finding in audit.claims:
            parser.problem(f"claim {claim.finding}", "finding", "duplicate finding id")
        elif claim:
            audit.claims[claim.finding] = claim
    for rec in parser.items(doc, "conclusions"):
        conclusion = parser.conclusion(rec)
        if conclusion:
            audit.conclusions.append(conclusion)
    if problems:
        raise DataError(problems)
    return audit


def _line(rec: dict) -> int | None:
    line = rec.get("__line__")
    return line if isinstance(line, int) else None


def dangling_entries(ds: Dataset, audit: Audit) -> list[Problem]:
    """Audit entries that name a citation key or finding the data does not hold.

    Without this check such an entry is silently ignored and the record it meant to audit
    stays "unchecked". Entries for drafts (not built without --include-drafts) are not dangling.
    """
    from peergraph.ingest.records import display_path

    shown = display_path(audit.path) if audit.path else AUDIT_FILE
    problems: list[Problem] = []

    def where(line: int | None) -> str:
        return f"{shown}:{line}" if line else shown

    for (source_id, key), check in sorted(audit.references.items()):
        if source_id in ds.draft_sources:
            continue
        source = ds.sources.get(source_id)
        if source is None:
            close = difflib.get_close_matches(source_id, list(ds.sources), n=1)
            problems.append(
                Problem(
                    where(check.line),
                    f"unknown source '{source_id}'",
                    f"reference {key}",
                    "source",
                    f"did you mean '{close[0]}'?" if close else "see the ids in sources.yaml",
                )
            )
        elif key not in source.references:
            close = difflib.get_close_matches(key, list(source.references), n=1)
            problems.append(
                Problem(
                    where(check.line),
                    f"unknown citation key '{key}' (not in the reference list of '{source_id}')",
                    f"reference {key}",
                    "key",
                    f"did you mean '{close[0]}'?" if close else "check the key or remove the entry",
                )
            )
    finding_ids = {f.id for f in ds.findings}
    for fid, claim in sorted(audit.claims.items()):
        if fid in finding_ids or fid in ds.draft_findings:
            continue
        close = difflib.get_close_matches(fid, sorted(finding_ids), n=1)
        problems.append(
            Problem(
                where(claim.line),
                f"claim audit for a finding that does not exist: '{fid}'",
                f"claim {fid}",
                "finding",
                f"did you mean '{close[0]}'?" if close else "check the id, or remove the entry",
            )
        )
    return problems


class _Parser:
    """Field checks for the audit file; collects every problem for one report."""

    def __init__(self, shown: str, problems: list[Problem]):
        self.shown = shown
        self.problems = problems

    def problem(self, record: str | None, fld: str | None, msg: str, hint: str | None = None):
        self.problems.append(Problem(self.shown, msg, record, fld, hint))

    def items(self, doc: dict, name: str) -> list[dict]:
        value = doc.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(None, name, f"'{name}' must be a list of mappings")
            return []
        return value

    def _where(self, rec: dict, kind: str, id_field: str) -> str:
        line = rec.get("__line__")
        where = f"{kind} {rec.get(id_field, '?')}"
        return f"line {line}, {where}" if line else where

    def text(self, rec: dict, where: str, name: str, *, required: bool = False) -> str | None:
        value = rec.get(name)
        if value is None or value == "":
            if required:
                self.problem(where, name, "missing", f"add '{name}:'")
            return None
        return str(value)

    def ids(self, rec: dict, where: str, name: str, known: dict | None = None) -> tuple[str, ...]:
        value = rec.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(where, name, "must be a list")
            return ()
        out = tuple(str(v) for v in value)
        for v in out:
            if known is not None and v not in known:
                close = difflib.get_close_matches(v, list(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "add it under 'records:'"
                self.problem(where, name, f"unknown record '{v}'", hint)
        return out

    def iris(self, rec: dict, where: str) -> tuple[str, ...]:
        out = self.ids(rec, where, "sources")
        for iri in out:
            if not re.match(r"^https?://\S+$", iri):
                self.problem(where, "sources", f"not an http(s) IRI: '{iri}'")
        return out

    def number(self, value: Any, where: str, name: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.problem(where, name, f"not a number: {value!r}")
            return None
        try:
            return Decimal(str(value))
        except ArithmeticError:
            self.problem(where, name, f"not a number: {value!r}")
            return None

    def choice(self, rec: dict, where: str, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(rec, where, name, required=True)
        if value is not None and value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(allowed)
            self.problem(where, name, f"unknown {name} '{value}'", hint)
            return None
        return value

    def record(self, rec: dict) -> Record | None:
        where = self._where(rec, "record", "id")
        before = len(self.problems)
        rid = self.text(rec, where, "id", required=True) or ""
        if rid and not _ID.match(rid):
            self.problem(where, "id", f"bad id '{rid}'", "use letters, digits, '.', '_' or '-'")
        doi = self.text(rec, where, "doi")
        if doi and not _DOI.match(doi):
            self.problem(where, "doi", f"not a DOI: '{doi}'", "write it bare, e.g. 10.1017/xyz")
        authors = self.ids(rec, where, "authors")
        title = self.text(rec, where, "title", required=True) or ""
        year = rec.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            self.problem(where, "year", f"not a year: {year!r}", "e.g. year: 2023")
            year = 0
        effects = []
        for i, eff in enumerate(rec.get("effects") or [], 1):
            effect = self.effect(eff, f"{where}, effect {i}") if isinstance(eff, dict) else None
            if effect:
                effects.append(effect)
        subgroups = []
        for i, sub in enumerate(rec.get("subgroups") or [], 1):
            sg = self.subgroup(sub, f"{where}, subgroup {i}") if isinstance(sub, dict) else None
            if sg:
                subgroups.append(sg)
        complete = rec.get("authors_complete", True)
        if not isinstance(complete, bool):
            self.problem(where, "authors_complete", "must be true or false")
        if len(self.problems) > before:
            return None
        return Record(
            id=rid,
            doi=doi,
            authors=authors,
            title=title,
            journal=self.text(rec, where, "journal"),
            year=year,
            volume=self.text(rec, where, "volume"),
            issue=self.text(rec, where, "issue"),
            pages=self.text(rec, where, "pages"),
            pmid=self.text(rec, where, "pmid"),
            note=self.text(rec, where, "note"),
            sources=self.iris(rec, where),
            effects=tuple(effects),
            subgroups=tuple(subgroups),
            authors_complete=bool(complete),
        )

    def subgroup(self, sub: dict, where: str) -> Subgroup | None:
        before = len(self.problems)
        sid = self.text(sub, where, "id", required=True) or ""
        setting = self.text(sub, where, "setting", required=True) or ""
        reported = self.text(sub, where, "reported_as", required=True) or ""
        significant = sub.get("significant")
        if significant is not None and not isinstance(significant, bool):
            self.problem(where, "significant", "must be true or false")
        if len(self.problems) > before:
            return None
        return Subgroup(sid, setting, self.text(sub, where, "outcome"), reported, significant)

    def effect(self, eff: dict, where: str) -> Effect | None:
        before = len(self.problems)
        eid = self.text(eff, where, "id", required=True) or ""
        measure = self.choice(eff, where, "measure", tuple(MEASURES))
        value = self.number(eff.get("value"), where, "value")
        ci = eff.get("ci")
        bounds = None
        if ci is not None:
            if not isinstance(ci, list) or len(ci) != 2:
                self.problem(where, "ci", "must be [lower, upper]")
            else:
                low, high = (self.number(v, where, "ci") for v in ci)
                if low is not None and high is not None:
                    if low > high:
                        self.problem(where, "ci", f"lower bound {low} above upper bound {high}")
                    bounds = (low, high)
        i2 = self.number(eff["i2"], where, "i2") if eff.get("i2") is not None else None
        significant = eff.get("significant")
        if significant is not None and not isinstance(significant, bool):
            self.problem(where, "significant", "must be true or false")
        if len(self.problems) > before or measure is None or value is None:
            return None
        return Effect(
            id=eid,
            measure=measure,
            value=value,
            ci=bounds,
            i2=i2,
            outcome=self.text(eff, where, "outcome"),
            outcome_label=self.text(eff, where, "outcome_label"),
            significant=significant,
            timepoint=self.text(eff, where, "timepoint"),
        )

    def reference(self, rec: dict, default_source: str, records: dict) -> ReferenceCheck | None:
        where = self._where(rec, "reference", "key")
        before = len(self.problems)
        key = self.text(rec, where, "key", required=True) or ""
        source = self.text(rec, where, "source") or default_source
        if not source:
            self.problem(where, "source", "no source", "add 'source: <source id>' at the top")
        status = self.choice(rec, where, "status", STATUSES)
        differs = self.ids(rec, where, "differs")
        for d in differs:
            if d not in DIFF_FIELDS:
                self.problem(
                    where, "differs", f"unknown field '{d}'", "one of: " + ", ".join(DIFF_FIELDS)
                )
        if status == "confirmed" and differs:
            self.problem(
                where,
                "differs",
                "a confirmed reference differs in nothing",
                "use status: mismatched, or empty 'differs'",
            )
        resolves = self.ids(rec, where, "resolves_to", records)
        if status == "not-found" and resolves:
            self.problem(
                where,
                "resolves_to",
                "a not-found reference resolves to no record",
                "list close records under 'related:'",
            )
        related = self.ids(rec, where, "related", records)
        sources = self.iris(rec, where)
        if len(self.problems) > before or status is None:
            return None
        return ReferenceCheck(
            source,
            key,
            status,
            differs,
            self.text(rec, where, "note"),
            resolves,
            related,
            sources,
            line=_line(rec),
        )

    def claim(self, rec: dict, records: dict) -> ClaimCheck | None:
        where = self._where(rec, "claim", "finding")
        before = len(self.problems)
        finding = self.text(rec, where, "finding", required=True) or ""
        verdict = self.choice(rec, where, "verdict", VERDICTS)
        checked = self.ids(rec, where, "checked_against", records)
        reported = self.ids(rec, where, "reported_in", records)
        candidates = self.ids(rec, where, "candidates", records)
        if verdict == "not-checked" and (checked or reported):
            self.problem(
                where,
                "verdict",
                "a claim checked against records is not 'not-checked'",
                "give the verdict the records support, or list them under 'candidates:'",
            )
        if verdict == "supported" and not reported:
            self.problem(where, "reported_in", "a supported claim names the records reporting it")
        if len(self.problems) > before or verdict is None:
            return None
        note = self.text(rec, where, "note")
        return ClaimCheck(finding, verdict, checked, reported, note, candidates, line=_line(rec))

    def conclusion(self, rec: dict) -> Conclusion | None:
        where = self._where(rec, "conclusion", "id")
        before = len(self.problems)
        cid = self.text(rec, where, "id", required=True) or ""
        label = self.text(rec, where, "label", required=True) or ""
        match = rec.get("match")
        if not isinstance(match, dict) or not match:
            self.problem(
                where,
                "match",
                "must be a mapping",
                "e.g. match: {favours: hospital, compared_on: personal-recovery}",
            )
            match = {}
        for k in match:
            if k not in MATCH_KEYS and k != "__line__":
                hint = "one of: " + ", ".join(MATCH_KEYS)
                self.problem(where, "match", f"unknown key '{k}'", hint)
        if len(self.problems) > before:
            return None
        items = tuple(sorted((k, v) for k, v in match.items() if k != "__line__"))
        return Conclusion(cid, label, items)


# --- support levels (from the dataset; peergraph.check.audit.support_levels computes them from a
# graph)


def finding_support_level(f: Finding, audit: Audit) -> str:
    """The support level of one cited or uncited finding, from the claim axis only.

    - ``no-support``: the finding cites nothing;
    - ``unchecked-claim``: it cites something but no claim audit read the records for it (a
      confirmed *reference* is not a confirmed *claim*);
    - ``unverified-support``: the records checked do not report it (unverified, misattributed),
      or only records the finding does not cite report it;
    - ``partial-support``: a record a cited reference resolves to reports a weaker or different
      claim (partly supported, overstated);
    - ``verified-support``: a record a cited reference resolves to reports the claim.

    Same rule as ``queries/support-levels.rq``; the bibliographic status plays no part.
    """
    if not f.cites:
        return "no-support"
    claim = audit.claims.get(f.id)
    if claim is None or claim.verdict in ("not-checked", "uncited"):
        return "unchecked-claim"
    if claim.verdict in NOT_REPORTED:
        return "unverified-support"
    cited_records = {
        rid
        for key in f.cites
        if (check := audit.references.get((f.source, key))) is not None
        for rid in check.resolves_to
    }
    if not cited_records & set(claim.reported_in):
        return "unverified-support"
    return "verified-support" if claim.verdict in REPORTED else "partial-support"


# --- formatting -------------------------------------------------------------------------------


def format_number(d: Decimal) -> str:
    """``0.2`` as ``0.20`` (YAML drops the zero), ``10`` as ``10``."""
    exponent = d.as_tuple().exponent
    if isinstance(exponent, int) and -2 < exponent < 0:
        d = d.quantize(Decimal("0.01"))
    return format(d, "f")


def citation_text(r: Record) -> str:
    text = f"{'; '.join(r.authors)} ({r.year}). {r.title}."
    if r.journal:
        text += f" {r.journal}"
        if r.volume:
            text += f", {r.volume}" + (f"({r.issue})" if r.issue else "")
        if r.pages:
            text += f", {r.pages}"
        text += "."
    if r.doi:
        text += f" https://doi.org/{r.doi}"
    return text


def effect_text(r: Record, eff: Effect) -> str:
    """``Smit et al. 2023: clinical recovery, Hedges's g = 0.19 (95% CI 0.11 to 0.27), I² = 10%``"""
    what = eff.outcome_label or (eff.outcome or eff.id).replace("-", " ")
    text = f"{r.short()}: {what}, {MEASURE_LABELS[eff.measure]} = {format_number(eff.value)}"
    if eff.ci:
        text += f" (95% CI {format_number(eff.ci[0])} to {format_number(eff.ci[1])})"
    if eff.i2 is not None:
        text += f", I² = {format(eff.i2, 'f')}%"
    if eff.significant is False:
        text += ", not significant"
    return text
