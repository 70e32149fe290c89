"""The drawable view of the graph: domain individuals as nodes, their links as edges.

Literals (quotes, years, DOIs, durations) are not nodes; they become the ``details`` shown when a
node is hovered or clicked. The view is plain data (lists and dicts, sorted) so the HTML built from
it is byte-deterministic and the same view can be filtered before drawing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peergraph.errors import UsageError
from peergraph.iris import PG_NS, PGV_NS

if TYPE_CHECKING:  # pragma: no cover
    from rdflib import Graph

# issue 9 adds pg:supportLevel; issue 13 derives it from the claim audit only (ingest.audit.LEVELS)
SUPPORT_LEVEL = PG_NS + "supportLevel"
VERIFIED = PGV_NS + "verified-support"

# class local name -> (key, legend label, colour, vis shape); legend order
CLASSES: list[tuple[str, str, str, str, str]] = [
    ("Finding", "finding", "finding", "#e69f00", "dot"),
    ("Paper", "paper", "paper", "#0072b2", "square"),
    ("Outcome", "outcome", "outcome", "#009e73", "diamond"),
    ("Setting", "setting", "setting", "#cc79a7", "triangle"),
    ("Intervention", "intervention", "intervention", "#d55e00", "star"),
    ("Population", "population", "population", "#56b4e9", "triangleDown"),
    ("Mechanism", "mechanism", "mechanism", "#8e6c8a", "hexagon"),
    ("OrganisationalFactor", "organisational-factor", "organisational factor", "#7f7f7f", "box"),
    ("StudyDesign", "study-design", "study design", "#b8a400", "ellipse"),
]
CLASS_BY_KEY = {key: (label, colour, shape) for _, key, label, colour, shape in CLASSES}

# finding property -> (edge label, details heading)
FINDING_LINKS: list[tuple[str, str, str]] = [
    ("intervention", "intervention", "Intervention"),
    ("outcome", "outcome", "Outcomes"),
    ("setting", "setting", "Settings"),
    ("population", "population", "Populations"),
    ("mechanism", "mechanism", "Mechanisms"),
    ("organisationalFactor", "organisational factor", "Organisational factors"),
]
RECOVERY_GROUP_ORDER = [
    "clinical-recovery",
    "personal-recovery",
    "substance-use-justice-outcomes",
    "organisational-outcomes",
]


@dataclass
class Node:
    id: str  # short, stable: "finding:F06", "paper:smit2023", "outcome:hope"
    iri: str
    cls: str  # a key of CLASS_BY_KEY
    label: str
    details: list[list[Any]] = field(default_factory=list)  # [heading, text | [texts]]
    link: str | None = None  # a https://doi.org/ URL for papers
    settings: list[str] = field(default_factory=list)  # findings: setting ids
    groups: list[str] = field(default_factory=list)  # findings and outcomes: recovery group ids
    support: str | None = None  # findings: support level id, when the graph has one


@dataclass
class View:
    """Nodes and edges to draw, both sorted; ``edges`` are (from id, to id, label)."""

    nodes: list[Node]
    edges: list[tuple[str, str, str]]
    settings: list[tuple[str, str]]  # (id, label) of settings used by findings, for the filter
    groups: list[tuple[str, str]]  # (id, label) of recovery groups, for the filter
    has_support: bool = False
    total_nodes: int = 0  # before --setting/--outcome/--max-nodes filters
    note: str = ""  # what was filtered out, shown on the page

    def degree(self) -> dict[str, int]:
        deg = dict.fromkeys((n.id for n in self.nodes), 0)
        for a, b, _ in self.edges:
            deg[a] += 1
            deg[b] += 1
        return deg


def _local(iri: object) -> str:
    text = str(iri)
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


class _Reader:
    """Small typed accessors over an rdflib Graph (first/ sorted values, labels)."""

    def __init__(self, graph: Graph):
        from rdflib import RDF, RDFS, URIRef
        from rdflib.namespace import SKOS

        self.g = graph
        self.RDF, self.RDFS, self.SKOS, self.URIRef = RDF, RDFS, SKOS, URIRef
        self._labels: dict[object, str] = {}

    def pg(self, name: str) -> Any:
        return self.URIRef(PG_NS + name)

    def objects(self, s: object, p: object) -> list[Any]:
        return sorted(self.g.objects(s, p), key=str)

    def value(self, s: object, p: object) -> str | None:
        values = self.objects(s, p)
        return str(values[0]) if values else None

    def label(self, s: object) -> str:
        if s not in self._labels:
            text = self.value(s, self.SKOS.prefLabel) or self.value(s, self.RDFS.label)
            self._labels[s] = text or _local(s)
        return self._labels[s]

    def labels(self, s: object, p: object) -> list[str]:
        return sorted(self.label(o) for o in self.objects(s, p))


def build_view(graph: Graph) -> View:
    """The full drawable view of ``graph`` (ontology + data, as from ``build_graph``)."""
    r = _Reader(graph)
    from rdflib.namespace import DCTERMS, SKOS

    fabio_year = r.URIRef("http://purl.org/spar/fabio/hasPublicationYear")
    prism_doi = r.URIRef("http://prismstandard.org/namespaces/basic/2.0/doi")
    cito = r.URIRef("http://purl.org/spar/cito/citesAsEvidence")
    oa_body = r.URIRef("http://www.w3.org/ns/oa#hasBody")
    oa_target = r.URIRef("http://www.w3.org/ns/oa#hasTarget")
    oa_selector = r.URIRef("http://www.w3.org/ns/oa#hasSelector")
    oa_exact = r.URIRef("http://www.w3.org/ns/oa#exact")
    time_unit = r.URIRef("http://www.w3.org/2006/time#unitType")

    nodes: dict[object, Node] = {}
    edges: set[tuple[str, str, str]] = set()
    vocab_classes = {r.pg(local): key for local, key, *_ in CLASSES[2:]}
    concept_cls: dict[object, str] = {}
    for cls_iri, key in vocab_classes.items():
        for s in graph.subjects(r.RDF.type, cls_iri):
            concept_cls.setdefault(s, key)

    def concept(iri: object, default: str) -> Node:
        if iri not in nodes:
            key = concept_cls.get(iri, default)
            nodes[iri] = Node(id=f"{key}:{_local(iri)}", iri=str(iri), cls=key, label=r.label(iri))
        return nodes[iri]

    outcome_groups: dict[object, list[str]] = {}

    def groups_of(outcome: object) -> list[str]:
        if outcome not in outcome_groups:
            groups = [_local(o) for o in r.objects(outcome, r.pg("recoveryGroup"))]
            outcome_groups[outcome] = sorted(groups) or [_local(outcome)]
        return outcome_groups[outcome]

    # papers
    papers = sorted(graph.subjects(r.RDF.type, r.pg("Paper")), key=str)
    for p in papers:
        key = r.value(p, r.pg("citationKey")) or _local(p)
        full = r.label(p)
        short = full.split(": ", 1)[0] if ": " in full else full
        authors = _authors(r, p)
        doi = r.value(p, prism_doi)
        journal = [r.value(j, DCTERMS.title) or r.label(j) for j in r.objects(p, DCTERMS.isPartOf)]
        node = Node(id=f"paper:{key}", iri=str(p), cls="paper", label=short)
        node.details = [
            ["Title", r.value(p, DCTERMS.title) or full],
            ["Authors", "; ".join(authors) if authors else "not given"],
            ["Year", r.value(p, fabio_year) or "not given"],
            ["Journal", journal[0] if journal else "not given"],
            ["DOI", doi or "none printed"],
            ["Study design", r.labels(p, r.pg("studyDesign")) or "not derived"],
            ["Note", "bibliographic fields as printed in the essay's reference list"],
        ]
        if str(p).startswith("https://doi.org/"):
            node.link = str(p)
        nodes[p] = node
        for d in r.objects(p, r.pg("studyDesign")):
            edges.add((node.id, concept(d, "study-design").id, "study design"))

    # findings
    findings = sorted(graph.subjects(r.RDF.type, r.pg("Finding")), key=str)
    quotes: dict[object, str] = {}
    for ann in sorted(set(graph.subjects(oa_body, None)), key=str, reverse=True):
        for f in r.objects(ann, oa_body):
            for target in r.objects(ann, oa_target):
                for sel in r.objects(target, oa_selector):
                    exact = r.value(sel, oa_exact)
                    if exact is not None:
                        quotes[f] = exact
    has_support = False
    for f in findings:
        fid = r.value(f, DCTERMS.identifier) or _local(f)
        node = Node(id=f"finding:{fid}", iri=str(f), cls="finding", label=r.label(f))
        details: list[list[Any]] = [["Finding", fid]]
        details.append(["Sentence", quotes.get(f, "not recorded")])
        details.append(["Direction", r.labels(f, r.pg("direction")) or "not stated"])
        details.append(["Magnitude", r.labels(f, r.pg("magnitude")) or "not stated"])
        details.append(["Duration", _durations(r, f, time_unit) or "not stated"])
        for prop, edge_label, heading in FINDING_LINKS:
            targets = r.objects(f, r.pg(prop))
            if prop in ("setting", "outcome") or targets:
                details.append([heading, sorted(r.label(t) for t in targets) or "not stated"])
            for t in targets:
                edges.add((node.id, concept(t, edge_label.replace(" ", "-")).id, edge_label))
            if prop == "setting":
                node.settings = sorted(_local(t) for t in targets)
            if prop == "outcome":
                node.groups = sorted({g for t in targets for g in groups_of(t)})
        comparisons = _comparisons(r, f)
        if comparisons:
            details.append(["Comparisons", comparisons])
        cited = r.objects(f, cito)
        for p in cited:
            if p in nodes:
                edges.add((node.id, nodes[p].id, "cites as evidence"))
        details.append(
            [
                "Cites",
                sorted(nodes[p].label if p in nodes else str(p) for p in cited)
                or "nothing: the sentence cites no source",
            ]
        )
        support = r.objects(f, r.URIRef(SUPPORT_LEVEL))
        if support:
            has_support = True
            node.support = _local(support[0])
            details.append(["Support", r.label(support[0])])
        note = r.value(f, SKOS.editorialNote)
        if note:
            details.append(["Curator note", note])
        node.details = details
        nodes[f] = node

    # vocabulary structure between drawn concepts: outcome -> recovery group, factor -> broader
    for iri in sorted(list(nodes), key=str):
        node = nodes[iri]
        if node.cls == "outcome":
            node.groups = groups_of(iri)
            for g in r.objects(iri, r.pg("recoveryGroup")):
                edges.add((node.id, concept(g, "outcome").id, "recovery group"))
        elif node.cls == "organisational-factor":
            for b in r.objects(iri, SKOS.broader):
                if concept_cls.get(b) == "organisational-factor":
                    edges.add((node.id, concept(b, "organisational-factor").id, "broader"))
    for iri, node in nodes.items():
        if node.cls in ("finding", "paper"):
            continue
        details = [[CLASS_BY_KEY[node.cls][0].capitalize(), node.label]]
        if node.cls == "outcome":
            chime = r.labels(iri, r.pg("chimeDomain"))
            groups = r.labels(iri, r.pg("recoveryGroup"))
            details.append(["CHIME domain", chime or "none (not a CHIME recovery process)"])
            details.append(["Recovery group", groups or "a recovery group itself"])
        definition = r.value(iri, SKOS.definition)
        if definition:
            details.append(["Definition", definition])
        details.append(["IRI", node.iri])
        node.details = details

    used_settings = {s for n in nodes.values() for s in n.settings}
    settings = sorted(
        ((n.id.split(":", 1)[1], n.label) for n in nodes.values() if n.cls == "setting"),
        key=lambda x: x[1].lower(),
    )
    settings = [s for s in settings if s[0] in used_settings]
    group_ids = {g for n in nodes.values() if n.cls == "finding" for g in n.groups}
    order = {g: i for i, g in enumerate(RECOVERY_GROUP_ORDER)}
    groups = sorted(group_ids, key=lambda g: (order.get(g, 99), g))
    group_labels = {_local(i): r.label(i) for i in graph.subjects(r.RDF.type, r.pg("Outcome"))}
    view = View(
        nodes=sorted(nodes.values(), key=lambda n: n.id),
        edges=sorted(edges),
        settings=settings,
        groups=[(g, group_labels.get(g, g)) for g in groups],
        has_support=has_support,
    )
    view.total_nodes = len(view.nodes)
    return view


def _authors(r: _Reader, paper: object) -> list[str]:
    from rdflib.namespace import FOAF

    ordered = []
    for a in r.objects(paper, r.pg("authorship")):
        pos = r.value(a, r.pg("position"))
        for person in r.objects(a, r.pg("author")):
            name = r.value(person, FOAF.name) or r.label(person)
            ordered.append((int(pos) if pos and pos.isdigit() else 0, name))
    return [name for _, name in sorted(ordered)]


def _durations(r: _Reader, finding: object, time_unit: object) -> list[str]:
    out = []
    for d in r.objects(finding, r.pg("persistence")):
        lo, hi = r.value(d, r.pg("minimum")), r.value(d, r.pg("maximum"))
        unit = r.value(d, time_unit)
        unit_text = _local(unit).removeprefix("unit").lower() + "s" if unit else ""
        span = f"{lo}–{hi}" if lo and hi and lo != hi else (hi or lo or "?")
        frm = [r.label(x) for x in r.objects(d, r.pg("measuredFrom"))]
        text = f"{span} {unit_text}".strip()
        if frm:
            text += f" after {frm[0]}"
        out.append(text)
    for h in r.objects(finding, r.pg("followUpHorizon")):  # "up to", never a minimum
        out.append(r.label(h))
    return out


def _comparisons(r: _Reader, finding: object) -> list[str]:
    out = []
    for c in r.objects(finding, r.pg("comparison")):
        favours = ", ".join(r.labels(c, r.pg("favours")))
        over = ", ".join(r.labels(c, r.pg("comparator")))
        on = ", ".join(r.labels(c, r.pg("comparedOn")))
        out.append(f"{favours} does better than {over} on {on}")
    return out


def filter_view(
    view: View,
    *,
    setting: str | None = None,
    outcome: str | None = None,
    max_nodes: int | None = None,
) -> View:
    """Keep findings in ``setting`` / about ``outcome`` (an outcome or recovery group id) and
    what they link to, then at most ``max_nodes`` nodes: the best-connected findings, each with
    everything it links to, so no drawn node is left without its edges.

    Raises ``UsageError`` naming the known ids when ``setting`` or ``outcome`` matches nothing.
    """
    nodes = {n.id: n for n in view.nodes}
    keep = set(nodes)
    notes = []
    adj: dict[str, set[str]] = defaultdict(set)
    for a, b, _ in view.edges:
        adj[a].add(b)
        adj[b].add(a)

    def around_findings(pred: Any) -> set[str]:
        found = {i for i in keep if nodes[i].cls == "finding" and pred(nodes[i])}
        return found | {j for i in found for j in adj[i] if j in keep}

    if setting:
        known = sorted({s for n in view.nodes for s in n.settings})
        if setting not in known:
            raise UsageError(
                f"--setting {setting!r}: no finding has this setting "
                f"(settings used: {', '.join(known) or 'none'})"
            )
        keep = around_findings(lambda n: setting in n.settings)
        notes.append(f"setting = {setting}")
    if outcome:
        outcome_node = f"outcome:{outcome}"
        known = sorted(i.split(":", 1)[1] for i in nodes if nodes[i].cls == "outcome")
        if outcome_node not in nodes:
            raise UsageError(
                f"--outcome {outcome!r}: unknown outcome or recovery group "
                f"(known: {', '.join(known) or 'none'})"
            )
        keep = around_findings(lambda n: outcome_node in adj[n.id] or outcome in n.groups)
        notes.append(f"outcome = {outcome}")
    if max_nodes is not None:
        if max_nodes < 1:
            raise UsageError("--max-nodes must be at least 1")
        if len(keep) > max_nodes:
            keep = _best_connected(nodes, adj, keep, max_nodes)
            notes.append(f"the best-connected findings and their links, {max_nodes:,} nodes")
    if keep == set(nodes):
        return view
    kept = [n for n in view.nodes if n.id in keep]
    return View(
        nodes=kept,
        edges=[e for e in view.edges if e[0] in keep and e[1] in keep],
        settings=view.settings,
        groups=view.groups,
        has_support=view.has_support,
        total_nodes=view.total_nodes,
        note=f"Showing {len(kept):,} of {view.total_nodes:,} nodes: " + "; ".join(notes),
    )


def _best_connected(
    nodes: dict[str, Node], adj: dict[str, set[str]], keep: set[str], budget: int
) -> set[str]:
    """Findings by degree (then id), each with its kept neighbours, while they fit in ``budget``;
    left-over room goes to the best-connected remaining nodes that touch the chosen ones."""
    deg = {i: len(adj[i] & keep) for i in keep}
    chosen: set[str] = set()
    findings = sorted((i for i in keep if nodes[i].cls == "finding"), key=lambda i: (-deg[i], i))
    for f in findings:
        new = ({f} | (adj[f] & keep)) - chosen
        if len(chosen) + len(new) <= budget:
            chosen |= new
        if len(chosen) == budget:
            return chosen
    rest = sorted(keep - chosen, key=lambda i: (not (adj[i] & chosen), -deg[i], i))
    return chosen | set(rest[: budget - len(chosen)])
