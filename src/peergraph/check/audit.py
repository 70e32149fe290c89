"""Evidence integrity report: which citations hold up, and which claims rest on them.

``support_levels(graph)`` computes, from any peergraph graph, what each finding rests on (the rule
lives in ``queries/support-levels.rq``). ``fragility(graph, conclusions)`` finds, for each
conclusion-level question, the single source whose removal would leave it unsupported.
``crossref_check`` compares printed references with Crossref ``/works/{doi}`` JSON files that a
user downloaded, so the same audit runs offline on any document. ``run_audit`` gathers it all for
``peergraph audit``; ``report_text`` and ``write_report`` format it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peergraph.errors import DataError, Problem, UsageError
from peergraph.ingest.audit import (
    LEVELS,
    NOT_REPORTED,
    STATUSES,
    UNCHECKED,
    VERDICTS,
    Audit,
    Conclusion,
    effect_text,
    read_audit,
)
from peergraph.iris import PGV_NS as PGV
from peergraph.iris import finding_iri
from peergraph.mapping.triples import audit_triples

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

    from peergraph.ingest.records import Dataset

__all__ = [
    "audit_triples",
    "crossref_check",
    "fragility",
    "read_audit",
    "report_text",
    "run_audit",
    "support_levels",
    "write_report",
]



def support_levels(graph: Any) -> dict[str, str]:
    """What each finding rests on, computed from the graph's citations and claim audits.

    Parameters
    ----------
    graph: an rdflib Graph, a pyoxigraph Store, or anything ``peergraph.export.store.open_store``
    takes.

    Returns ``{finding IRI: level id}`` with the level ids of ``ingest.audit.LEVELS`` (the
    local names of the ``pgv:`` IRIs that ``pg:supportLevel`` takes). It reads
    ``cito:citesAsEvidence``, ``pg:resolvesTo`` and the claim audits (never the reference
    status, never a materialised ``pg:supportLevel``).

    Examples
    --------
    >>> levels = support_levels(build_graph(load()))
    >>> levels[str(finding_iri("F06"))]
    'unverified-support'
    """
    from peergraph.sparql.engine import query

    return {
        row["iri"]: str(row["level"]).removeprefix(PGV)
        for row in query("support-levels", {"limit": "all"}, source=graph).rows
    }


# --- fragility ----------------------------------------------------------------------------------


@dataclass
class FindingFacts:
    """What the fragility check needs of a finding, read from the graph."""

    id: str
    iri: str
    outcomes: set[str] = field(default_factory=set)  # with their recovery groups / broader
    settings: set[str] = field(default_factory=set)
    direction: str | None = None
    favours: set[str] = field(default_factory=set)
    compared_on: set[str] = field(default_factory=set)
    persistence: bool = False
    cites: dict[str, str] = field(default_factory=dict)  # paper key -> status id
    reported_in: list[str] = field(default_factory=list)  # record labels from the claim audit


@dataclass
class ConclusionResult:
    """Fragility of one conclusion: the findings behind it and its single points of failure."""

    id: str
    label: str
    findings: list[str]
    papers: list[str]
    level: str  # best support level among its findings
    fragile_on: list[str]  # removing any one of these leaves no finding citing anything
    verified_fragile_on: list[str]  # removing any one of these leaves no verified support
    reported_in: list[str]  # records the claim audit says do report the claims

    @property
    def summary(self) -> str:
        if not self.findings:
            return "no finding states it"
        if self.level == "no-support":
            return "no finding behind it cites anything"
        parts = []
        if self.fragile_on:
            parts.append(f"removing {' or '.join(self.fragile_on)} leaves it unsupported")
        elif not self.papers:
            parts.append("it cites nothing")
        else:
            parts.append("no single source carries it alone")
        if self.level == "verified-support":
            if self.verified_fragile_on:
                parts.append(
                    f"removing {' or '.join(self.verified_fragile_on)} leaves no verified support"
                )
        else:
            parts.append("it has no verified support")
        return "; ".join(parts)


def _local(iri: Any) -> str:
    text = str(iri)
    return text.rsplit("/", 1)[-1]


def finding_facts(graph: Graph) -> dict[str, FindingFacts]:
    """Per finding id, its outcomes (with groups), settings, comparisons and cited papers."""
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

    from peergraph.iris import CITO, PG, PGV

    levels_up: dict[Any, set[str]] = {}

    def widen(concept: Any) -> set[str]:
        if concept not in levels_up:
            out, todo = {_local(concept)}, [concept]
            while todo:
                c = todo.pop()
                for p in (PG.recoveryGroup, SKOS.broader):
                    for up in graph.objects(c, p):
                        if _local(up) not in out:
                            out.add(_local(up))
                            todo.append(up)
            levels_up[concept] = out
        return levels_up[concept]

    facts: dict[str, FindingFacts] = {}
    for f in graph.subjects(RDF.type, PG.Finding):
        fid = str(graph.value(f, DCTERMS.identifier) or _local(f))
        ff = FindingFacts(fid, str(f))
        for o in graph.objects(f, PG.outcome):
            ff.outcomes |= widen(o)
        ff.settings = {_local(s) for s in graph.objects(f, PG.setting)}
        d = graph.value(f, PG.direction)
        ff.direction = _local(d) if d is not None else None
        ff.persistence = (
            graph.value(f, PG.persistence) is not None
            or graph.value(f, PG.followUpHorizon) is not None
        )
        for comp in graph.objects(f, PG.comparison):
            ff.favours |= {_local(x) for x in graph.objects(comp, PG.favours)}
            for o in graph.objects(comp, PG.comparedOn):
                ff.compared_on |= widen(o)
        for mod in graph.objects(f, PG.moderation):  # "X favours peer support on Y" (issue 13)
            if graph.value(mod, PG.moderationEffect) != PGV["favours"]:
                continue
            ff.favours |= {_local(x) for x in graph.objects(mod, PG.moderator)}
            for o in graph.objects(mod, PG.moderatesOutcome):
                ff.compared_on |= widen(o)
        for paper in graph.objects(f, CITO.citesAsEvidence):
            key = str(graph.value(paper, PG.citationKey) or paper)
            status = graph.value(paper, PG.referenceStatus)
            ff.cites[key] = _local(status) if status is not None else UNCHECKED
        for claim in graph.objects(f, PG.claimAudit):
            for rec in graph.objects(claim, PG.reportedIn):
                label = str(graph.value(rec, RDFS.label) or rec)
                ff.reported_in.append(label.split(":", 1)[0] if ": " in label else label)
        facts[fid] = ff
    return facts


def _matches(ff: FindingFacts, match: tuple[tuple[str, Any], ...]) -> bool:
    for key, want in match:
        if key == "outcome" and want not in ff.outcomes:
            return False
        if key == "direction" and ff.direction != want:
            return False
        if key == "setting" and want not in ff.settings:
            return False
        if key == "favours" and want not in ff.favours:
            return False
        if key == "compared_on" and want not in ff.compared_on:
            return False
        if key == "persistence" and bool(want) != ff.persistence:
            return False
    return True


def fragility(
    graph: Graph, conclusions: list[Conclusion], levels: dict[str, str] | None = None
) -> list[ConclusionResult]:
    """For each conclusion, the single sources whose removal would leave it unsupported.

    A conclusion is borne by the findings that match it (outcome or its recovery group, direction,
    setting, comparison). It is supported while one of them cites something; it has verified
    support while one of them has ``verified-support``. A source is a single point of failure when
    every supporting finding cites it (for verified support: every verified finding's confirmed
    sources include it).
    """
    facts = finding_facts(graph)
    levels = levels if levels is not None else support_levels(graph)
    results = []
    for c in conclusions:
        found = sorted((ff for ff in facts.values() if _matches(ff, c.match)), key=lambda x: x.id)
        cited = [set(ff.cites) for ff in found if ff.cites]
        verified = [set(ff.cites) for ff in found if levels.get(ff.iri) == "verified-support"]
        ranks = [LEVELS.index(levels.get(ff.iri, "no-support")) for ff in found]
        level = LEVELS[min(ranks)] if ranks else "no-support"
        reported = sorted({r for ff in found for r in ff.reported_in})
        results.append(
            ConclusionResult(
                id=c.id,
                label=c.label,
                findings=[ff.id for ff in found],
                papers=sorted(set().union(*cited)) if cited else [],
                level=level,
                fragile_on=_single_points(cited),
                verified_fragile_on=_single_points(verified),
                reported_in=reported,
            )
        )
    return results


def _single_points(supports: list[set[str]]) -> list[str]:
    """Sources whose removal leaves none of ``supports`` (one set per supporting finding)."""
    if not supports:
        return []
    every = set().union(*supports)
    return sorted(p for p in every if not any(s - {p} for s in supports))


# --- Crossref ------------------------------------------------------------------------------------


@dataclass
class CrossrefResult:
    """A printed reference compared with the Crossref record for its DOI."""

    source: str
    key: str
    doi: str | None
    status: str  # confirmed | mismatched | not-found | unchecked (no DOI printed)
    differs: list[str]
    file: str | None = None
    details: list[str] = field(default_factory=list)  # "issue: printed 5, Crossref 11"


def read_crossref(folder: str | Path) -> dict[str, tuple[dict, str]]:
    """Crossref ``/works/{doi}`` JSON files in ``folder``, by lower-case DOI: (message, file)."""
    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"{path}: no such folder (--crossref takes a folder of .json files)")
    problems: list[Problem] = []
    out: dict[str, tuple[dict, str]] = {}
    for file in sorted(path.glob("*.json")):
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(
                Problem(
                    str(file),
                    f"not valid JSON: {exc}",
                    kind="input",
                    suggestion="save the body of https://api.crossref.org/works/{doi} as it is",
                )
            )
            continue
        msg = doc.get("message") if isinstance(doc, dict) and "message" in doc else doc
        if not isinstance(msg, dict) or not isinstance(msg.get("DOI"), str):
            problems.append(
                Problem(str(file), "not a Crossref works record (no message.DOI)", kind="input")
            )
            continue
        out[msg["DOI"].lower()] = (msg, file.name)
    if problems:
        raise DataError(problems)
    return out


def _norm(text: str | None) -> str:
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    return " ".join(w for w in words if w not in ("a", "an", "the", "and"))


def _pages(text: str | None) -> tuple[str, str]:
    first, _, last = re.sub(r"\s*[–—-]\s*", "-", text or "").partition("-")
    return first.strip(), last.strip()


def compare_with_crossref(ref: Any, msg: dict) -> list[tuple[str, str, str]]:
    """Fields of a printed reference that differ from a Crossref record: (field, printed, real).

    Only fields both sides give are compared (APA may omit an issue; Crossref may lack pages).
    """
    from peergraph.text.references import fold_name

    diffs: list[tuple[str, str, str]] = []
    real_families = [
        fold_name(a.get("family") or a.get("name") or "") for a in msg.get("author") or []
    ]
    printed = [fold_name(a.family) for a in ref.authors]
    if real_families and printed:
        n = len(printed) if not ref.authors_truncated else min(len(printed), len(real_families))
        if printed[:n] != real_families[:n] or (
            not ref.authors_truncated and len(printed) != len(real_families)
        ):
            diffs.append(
                (
                    "authors",
                    ", ".join(a.family for a in ref.authors),
                    ", ".join(
                        a.get("family") or a.get("name") or "" for a in msg.get("author") or []
                    ),
                )
            )
    for key in ("issued", "published-print", "published-online", "published"):
        parts = (msg.get(key) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and parts[0][0]:
            if int(parts[0][0]) != ref.year:
                diffs.append(("year", str(ref.year), str(parts[0][0])))
            break
    titles = [t for t in msg.get("title") or [] if t]
    if titles and ref.title:
        subtitle = " ".join(msg.get("subtitle") or [])
        options = {_norm(titles[0]), _norm(f"{titles[0]} {subtitle}")}
        if _norm(ref.title) not in options:
            diffs.append(("title", ref.title, titles[0] + (f": {subtitle}" if subtitle else "")))
    journals = [
        j
        for j in (msg.get("container-title") or []) + (msg.get("short-container-title") or [])
        if j
    ]
    if journals and ref.journal and _norm(ref.journal) not in {_norm(j) for j in journals}:
        diffs.append(("journal", ref.journal, journals[0]))
    for fld, attr in (("volume", "volume"), ("issue", "issue")):
        real, mine = msg.get(fld), getattr(ref, attr)
        if real and mine and str(real).strip() != str(mine).strip():
            diffs.append((fld, str(mine), str(real)))
    if msg.get("page") and ref.first_page:
        real_first, real_last = _pages(msg["page"])
        if (ref.first_page, ref.last_page or "") != (real_first, real_last or ""):
            printed_pages = ref.first_page + (f"-{ref.last_page}" if ref.last_page else "")
            diffs.append(("pages", printed_pages, msg["page"]))
    if msg.get("article-number") and ref.article_number:
        if str(msg["article-number"]) != ref.article_number:
            diffs.append(("pages", ref.article_number, str(msg["article-number"])))
    return diffs


def crossref_check(ds: Dataset, folder: str | Path) -> list[CrossrefResult]:
    """Every printed reference of ``ds`` compared with the Crossref record for its DOI."""
    records = read_crossref(folder)
    out = []
    for source, ref in ds.papers():
        if not ref.doi:
            out.append(
                CrossrefResult(source.id, ref.key, None, UNCHECKED, [], details=["no DOI printed"])
            )
            continue
        found = records.get(ref.doi.lower())
        if found is None:
            out.append(
                CrossrefResult(
                    source.id,
                    ref.key,
                    ref.doi,
                    "not-found",
                    ["record"],
                    details=["no Crossref record for this DOI in the folder"],
                )
            )
            continue
        msg, file = found
        diffs = compare_with_crossref(ref, msg)
        out.append(
            CrossrefResult(
                source.id,
                ref.key,
                ref.doi,
                "mismatched" if diffs else "confirmed",
                [d[0] for d in diffs],
                file,
                [f"{f}: printed {mine!r}, Crossref {real!r}" for f, mine, real in diffs],
            )
        )
    return out


# --- the whole audit ----------------------------------------------------------------------------


@dataclass
class AuditReport:
    """Everything ``peergraph audit`` prints and writes; plain values, ready for CSV/JSON."""

    references: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    not_reported: list[dict[str, Any]]
    conclusions: list[dict[str, Any]]
    effects: list[dict[str, Any]]
    crossref: list[dict[str, Any]] | None = None
    warnings: list[str] = field(default_factory=list)
    not_evidence: list[str] = field(default_factory=list)  # definitions, background statements
    subgroups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unverified_only(self) -> list[str]:
        """Findings resting only on unverified references (what ``--strict`` fails on)."""
        return [f["finding"] for f in self.findings if f["level"] == "unverified-support"]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record_label(audit: Audit, rid: str) -> str:
    r = audit.records.get(rid)
    return f"{r.short()} (doi {r.doi})" if r and r.doi else (r.short() if r else rid)


def run_audit(
    data_dir: str | Path | None = None,
    *,
    crossref: str | Path | None = None,
    include_drafts: bool = False,
) -> AuditReport:
    """Load the data, build the graph and audit it (optionally against Crossref files)."""

    from peergraph.ingest.dataset import load
    from peergraph.iris import PG, concept_iri
    from peergraph.mapping.triples import build_graph, paper_node

    ds = load(data_dir, include_drafts=include_drafts)
    audit = read_audit(ds.data_dir)
    graph = build_graph(ds)
    warnings = _warnings(ds, audit)
    xref: list[CrossrefResult] | None = None
    if crossref is not None:
        xref = crossref_check(ds, crossref)
        # where the audit file is silent, the Crossref check is the audit
        for x in xref:
            if (x.source, x.key) in audit.references or x.status == UNCHECKED:
                continue
            paper = paper_node(ds.sources[x.source].references[x.key])
            graph.remove((paper, PG.referenceStatus, None))
            graph.add((paper, PG.referenceStatus, concept_iri(x.status)))
    levels = support_levels(graph)

    references = []
    xref_by_key = {(x.source, x.key): x for x in xref or []}
    for source, ref in ds.papers():
        check = audit.references.get((source.id, ref.key))
        x = xref_by_key.get((source.id, ref.key))
        status = check.status if check else (x.status if x else UNCHECKED)
        references.append(
            {
                "source": source.id,
                "key": ref.key,
                "printed_doi": ref.doi or "",
                "status": status,
                "status_from": "audit" if check else ("crossref" if x else ""),
                "differs": ", ".join(check.differs if check else (x.differs if x else [])),
                "resolves_to": "; ".join(_record_label(audit, r) for r in check.resolves_to)
                if check
                else "",
                "related": "; ".join(_record_label(audit, r) for r in check.related)
                if check
                else "",
                "note": (check.note or "") if check else "",
                "sources": " ".join(check.sources) if check else "",
            }
        )
    findings_by_id = {f.id: f for f in ds.findings}
    claims = []
    for fid, claim in sorted(audit.claims.items()):
        if fid not in findings_by_id:
            continue
        claims.append(
            {
                "finding": fid,
                "verdict": claim.verdict,
                "cites": ", ".join(findings_by_id[fid].cites),
                "checked_against": "; ".join(
                    _record_label(audit, r) for r in claim.checked_against
                ),
                "reported_in": "; ".join(_record_label(audit, r) for r in claim.reported_in),
                "note": claim.note or "",
            }
        )
    findings = []
    not_reported = []
    status_of = {(r["source"], r["key"]): r["status"] for r in references}
    not_evidence = [f"{f.id} ({f.kind})" for f in ds.findings if f.kind != "finding"]
    for f in ds.findings:
        if f.kind != "finding":  # definitions and background statements are not evidence
            continue
        iri = str(finding_iri(f.id))
        claim = audit.claims.get(f.id)
        findings.append(
            {
                "finding": f.id,
                "level": levels.get(iri, "no-support"),
                "cites": ", ".join(
                    f"{k} ({status_of.get((f.source, k), UNCHECKED)})" for k in f.cites
                ),
                "verdict": claim.verdict if claim else "",
                "certainty": f.certainty.level if f.certainty else "",
                "label": f.label,
            }
        )
        if claim and f.cites and claim.verdict in NOT_REPORTED:
            resolved = {
                r
                for k in f.cites
                for r in (
                    audit.references[(f.source, k)].resolves_to
                    if (f.source, k) in audit.references
                    else ()
                )
            }
            if not resolved & set(claim.reported_in):
                not_reported.append(
                    {
                        "finding": f.id,
                        "cites": ", ".join(f.cites),
                        "records": "; ".join(_record_label(audit, r) for r in sorted(resolved)),
                        "verdict": claim.verdict,
                        "reported_instead_in": "; ".join(
                            _record_label(audit, r) for r in claim.reported_in
                        ),
                        "label": f.label,
                    }
                )
    conclusions = [
        {
            "conclusion": c.id,
            "label": c.label,
            "findings": ", ".join(c.findings),
            "papers": ", ".join(c.papers),
            "level": c.level,
            "fragile_on": ", ".join(c.fragile_on),
            "verified_fragile_on": ", ".join(c.verified_fragile_on),
            "reported_in": "; ".join(c.reported_in),
            "summary": c.summary,
        }
        for c in fragility(graph, audit.conclusions, levels)
    ]
    for c in conclusions:
        if not c["findings"]:
            warnings.append(f"conclusion {c['conclusion']}: no finding matches it")
    effects = [
        {
            "record": r.id,
            "effect": e.id,
            "measure": e.measure,
            "outcome": e.outcome or e.outcome_label or "",
            "value": float(e.value),
            "ci_low": float(e.ci[0]) if e.ci else None,
            "ci_high": float(e.ci[1]) if e.ci else None,
            "i2_percent": float(e.i2) if e.i2 is not None else None,
            "timepoint": e.timepoint or "",
            "text": effect_text(r, e),
        }
        for r in audit.records.values()
        for e in r.effects
    ]
    return AuditReport(
        references=references,
        claims=claims,
        findings=findings,
        not_reported=not_reported,
        conclusions=conclusions,
        effects=effects,
        crossref=[asdict(x) for x in xref] if xref is not None else None,
        warnings=warnings,
        not_evidence=not_evidence,
        subgroups=[
            {
                "record": r.id,
                "subgroup": g.id,
                "setting": g.setting,
                "outcome": g.outcome or "",
                "reported_as": g.reported_as,
                "text": f"{r.short()}: {g.setting.replace('-', ' ')}, "
                f"{(g.outcome or 'outcome not named').replace('-', ' ')}: {g.reported_as}",
            }
            for r in audit.records.values()
            for g in r.subgroups
        ],
    )


def _warnings(ds: Dataset, audit: Audit) -> list[str]:
    import difflib

    out = []
    where = str(audit.path) if audit.path else "data/reference-audit.yaml"
    for source_id, key in sorted(audit.references):
        source = ds.sources.get(source_id)
        if source is None:
            out.append(f"{where}: reference {key}: unknown source '{source_id}'")
        elif key not in source.references:
            close = difflib.get_close_matches(key, list(source.references), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            out.append(f"{where}: reference {key}: not in the reference list of {source_id}{hint}")
    ids = {f.id for f in ds.findings}
    for fid in sorted(set(audit.claims) - ids):
        close = difflib.get_close_matches(fid, list(ids), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        out.append(f"{where}: claim {fid}: no such finding{hint}")
    return out


# --- output -------------------------------------------------------------------------------------


def _group(rows: list[dict], key: str, order: tuple[str, ...], name: str = "finding") -> list[str]:
    lines = []
    width = max((len(k) for k in order), default=0)
    for value in order:
        items = [r[name] for r in rows if r[key] == value]
        if items:
            lines.append(f"  {value:<{width}}  {len(items):>2}  {', '.join(items)}")
    return lines


def report_text(report: AuditReport) -> str:
    """The audit as a readable plain-text report."""
    refs = report.references
    lines = [f"References ({len(refs)}) by status"]
    lines += _group(refs, "status", (*STATUSES, UNCHECKED), "key")
    lines.append("")
    for r in refs:
        if r["status"] == "confirmed":
            continue
        text = f"  {r['key']}: {r['status']}"
        if r["differs"]:
            text += f" (differs: {r['differs']})"
        if r["resolves_to"]:
            text += f"; is really {r['resolves_to']}"
        if r["related"]:
            text += f"; close but not it: {r['related']}"
        lines.append(text)
    lines += ["", f"Claims audited ({len(report.claims)}) by verdict"]
    verdicts = VERDICTS
    lines += _group(report.claims, "verdict", verdicts)
    lines += ["", "Findings resting only on references whose records do not report them"]
    for r in report.not_reported or []:
        records = r["records"] or "no record"
        text = f"  {r['finding']}  cites {r['cites']} -> {records}: {r['verdict']}"
        if r["reported_instead_in"]:
            text += f"; reported instead in {r['reported_instead_in']}"
        lines.append(text)
    if not report.not_reported:
        lines.append("  none")
    lines += ["", f"Support levels ({len(report.findings)} findings; from the claim audit only)"]
    lines += _group(report.findings, "level", LEVELS)
    if report.not_evidence:
        lines += ["", f"Not evidence ({len(report.not_evidence)}): definitions and background"]
        lines.append("  " + ", ".join(report.not_evidence))
    hedged = [r["finding"] for r in report.findings if r.get("certainty", "") != "asserted"]
    if hedged:
        lines += ["", "Findings not stated as plain assertions (certainty from the sentence)"]
        lines += _group(
            report.findings, "certainty", ("hedged", "speculative", "necessary-condition")
        )
    if report.conclusions:
        lines += [
            "",
            "Fragility of conclusions (single sources whose removal leaves them unsupported)",
        ]
        for c in report.conclusions:
            lines.append(f"  {c['conclusion']}: {c['label']}")
            lines.append(
                f"      findings {c['findings'] or '-'}; papers {c['papers'] or '-'}; {c['level']}"
            )
            lines.append(f"      {c['summary']}")
            if c["reported_in"]:
                lines.append(f"      the audit finds it reported in {c['reported_in']}")
    if report.effects:
        lines += ["", "Effect sizes reported by the resolved records"]
        lines += [
            f"  {e['text']}"
            + (f" (at {e['timepoint'].replace('-', ' ')})" if e["timepoint"] else "")
            for e in report.effects
        ]
    if report.subgroups:
        lines += ["", "Subgroup results reported by the resolved records"]
        lines += [f"  {g['text']}" for g in report.subgroups]
    if report.crossref is not None:
        lines += ["", "Crossref check (records supplied as files)"]
        for x in report.crossref:
            text = f"  {x['key']}: {x['status']}"
            if x["details"]:
                text += " (" + "; ".join(x["details"]) + ")"
            lines.append(text)
    if report.warnings:
        lines += ["", "Warnings"] + [f"  {w}" for w in report.warnings]
    return "\n".join(lines)


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in row.items()}
            )
    return buf.getvalue()


def write_report(report: AuditReport, out: str | Path) -> list[Path]:
    """Write ``audit.json`` and one CSV per table into ``out``; returns the paths written."""
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot create the output folder ({exc.strerror})") from None
    files = {"audit.json": json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"}
    tables = {
        "references": report.references,
        "claims": report.claims,
        "findings": report.findings,
        "not-reported": report.not_reported,
        "conclusions": report.conclusions,
        "effects": report.effects,
        "subgroups": report.subgroups,
    }
    if report.crossref is not None:
        tables["crossref"] = report.crossref
    for name, rows in tables.items():
        files[f"audit-{name}.csv"] = _csv(rows)
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
