"""Ontology quality report in the spirit of ROBOT report / ODK SPARQL checks.

Each check is a SPARQL query in ``peergraph/check/qc/*.rq``; every row it returns is a problem. The
header comments give its level (``# level: ERROR`` fails the build, ``WARN`` is only reported)
and title. Checks run over every ontology module (``ontology/*.ttl`` except ``shapes.ttl``)
together with the data, so "a term used in data is undeclared" is caught too. Queries run on
pyoxigraph (tens of milliseconds each); rdflib's SPARQL would take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from peergraph.errors import ValidationFailed

if TYPE_CHECKING:  # pragma: no cover
    import pyoxigraph
    from rdflib import Graph


@dataclass(frozen=True)
class Check:
    name: str
    level: str
    title: str
    query: str


@dataclass(frozen=True, order=True)
class Issue:
    level: str
    check: str
    term: str
    problem: str

    def __str__(self) -> str:
        return f"{self.level} {self.check}: {self.term}: {self.problem}"


def checks() -> list[Check]:
    """Every ``qc/*.rq`` check, sorted by name."""
    out = []
    for entry in sorted(
        (resources.files("peergraph.check") / "qc").iterdir(), key=lambda e: e.name
    ):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        meta = {}
        for line in text.splitlines():
            if line.startswith("# ") and ":" in line:
                key, _, value = line[2:].partition(":")
                meta[key.strip()] = value.strip()
        out.append(Check(entry.name[:-3], meta.get("level", "ERROR"), meta.get("title", ""), text))
    return out


def _short(iri: str) -> str:
    from peergraph.iris import PREFIXES

    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


def run_report(graph: Graph | pyoxigraph.Store) -> list[Issue]:
    """All issues found in ``graph`` (ontology + optional data; rdflib or pyoxigraph), sorted."""
    import pyoxigraph as ox

    from peergraph.export.store import open_store

    store = open_store(graph)
    issues = []
    for check in checks():
        for row in store.query(check.query):
            term, problem = row["term"], row["problem"]
            term_text = _short(term.value) if isinstance(term, ox.NamedNode) else str(term)
            issues.append(Issue(check.level, check.name, term_text, problem.value))
    return sorted(set(issues))


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == "ERROR"]


def check_graph(graph: Graph | pyoxigraph.Store, dataset: object = None) -> None:
    """Build hook: fail on any ERROR-level issue."""
    bad = errors(run_report(graph))
    if bad:
        raise ValidationFailed("\n".join(f"ontology report: {i}" for i in bad))


def report_tsv(issues: list[Issue]) -> bytes:
    """Deterministic tab-separated report (level, check, term, problem), ROBOT-report style."""
    lines = ["level\tcheck\tterm\tproblem"]
    for i in issues:
        lines.append(
            "\t".join(
                x.replace("\t", " ").replace("\n", " ")
                for x in (i.level, i.check, i.term, i.problem)
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")
