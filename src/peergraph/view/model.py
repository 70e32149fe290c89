"""The drawable view of the graph: domain individuals as nodes, their links as edges.

Literals (quotes, years, DOIs, durations) are not nodes; they become the ``details`` shown when a
node is hovered or clicked. The view is plain data (lists and dicts, sorted) so the HTML built from
it is byte-deterministic and the same view can be filtered before drawing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from peergraph.analysis.projection import nodes_of, project, targets
from peergraph.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

# projection class -> (key, legend label, colour, vis shape); legend order
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
    # when a node budget cut the view: drawn and total counts, for the page's banner
    sample: dict[str, int] | None = None

    def degree(self) -> dict[str, int]:
        deg = dict.fromkeys((n.id for n in self.nodes), 0)
        for a, b, _ in self.edges:
            deg[a] += 1
            deg[b] += 1
        return deg


def _local(iri: object) -> str:
    text = str(iri)
    return text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _number(value: Any) -> str:
    """A decimal as written in the data: 6.0 -> "6", 6.5 -> "6.5"."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


class _Reader:
    """Small accessors over the projection (:func:`peergraph.analysis.projection.project`)."""

    def __init__(self, graph: nx.DiGraph):
        self.g = graph

    def objects(self, s: str, prop: str) -> list[str]:
        """Nodes ``s`` links to by ``prop`` (a CURIE), in IRI order."""
        return targets(self.g, s, prop)

    def attr(self, s: str, key: str) -> Any:
        return self.g.nodes[s].get(key)

    def label(self, s: str) -> str:
        return str(self.g.nodes[s]["label"])

    def labels(self, s: str, prop: str) -> list[str]:
        return sorted(self.label(o) for o in self.objects(s, prop))


def build_view(source: Any) -> View:
    """The full drawable view of ``source``: anything
    :func:`peergraph.analysis.projection.project` reads (an rdflib Graph such as
    ``build_graph(load())``, a pyoxigraph Store, an RDF file path) or a projection already made.
    """
    g = project(source)
    r = _Reader(g)

    nodes: dict[str, Node] = {}
    edges: set[tuple[str, str, str]] = set()
    vocab_keys = {name: key for name, key, *_ in CLASSES[2:]}
    concept_cls = {n: vocab_keys[c] for n, c in g.nodes(data="class") if c in vocab_keys}

    def concept(iri: str, default: str) -> Node:
        if iri not in nodes:
            key = concept_cls.get(iri, default)
            nodes[iri] = Node(id=f"{key}:{_local(iri)}", iri=iri, cls=key, label=r.label(iri))
        return nodes[iri]

    outcome_groups: dict[str, list[str]] = {}

    def groups_of(outcome: str) -> list[str]:
        if outcome not in outcome_groups:
            groups = [_local(o) for o in r.objects(outcome, "pg:recoveryGroup")]
            outcome_groups[outcome] = sorted(groups) or [_local(outcome)]
        return outcome_groups[outcome]

    # papers
    for p in nodes_of(g, "Paper"):
        key = r.attr(p, "citation_key") or _local(p)
        full = r.label(p)
        short = full.split(": ", 1)[0] if ": " in full else full
        authors = _authors(r, p)
        doi = r.attr(p, "doi")
        year = r.attr(p, "year")
        journal = [r.attr(j, "title") or r.label(j) for j in r.objects(p, "dcterms:isPartOf")]
        node = Node(id=f"paper:{key}", iri=p, cls="paper", label=short)
        node.details = [
            ["Title", r.attr(p, "title") or full],
            ["Authors", "; ".join(authors) if authors else "not given"],
            ["Year", str(year) if year is not None else "not given"],
            ["Journal", journal[0] if journal else "not given"],
            ["DOI", doi or "none printed"],
            ["Study design", r.labels(p, "pg:studyDesign") or "not derived"],
            ["Note", "bibliographic fields as printed in the essay's reference list"],
        ]
        if p.startswith("https://doi.org/"):
            node.link = p
        nodes[p] = node
        for d in r.objects(p, "pg:studyDesign"):
            edges.add((node.id, concept(d, "study-design").id, "study design"))

    # findings
    has_support = False
    for f in nodes_of(g, "Finding"):
        fid = str(r.attr(f, "short_id"))
        node = Node(id=f"finding:{fid}", iri=f, cls="finding", label=r.label(f))
        details: list[list[Any]] = [["Finding", fid]]
        details.append(["Sentence", r.attr(f, "quote") or "not recorded"])
        details.append(["Direction", r.labels(f, "pg:direction") or "not stated"])
        details.append(["Magnitude", r.labels(f, "pg:magnitude") or "not stated"])
        details.append(["Duration", _durations(r, f) or "not stated"])
        for prop, edge_label, heading in FINDING_LINKS:
            linked = r.objects(f, "pg:" + prop)
            if prop in ("setting", "outcome") or linked:
                details.append([heading, sorted(r.label(t) for t in linked) or "not stated"])
            for t in linked:
                edges.add((node.id, concept(t, edge_label.replace(" ", "-")).id, edge_label))
            if prop == "setting":
                node.settings = sorted(_local(t) for t in linked)
            if prop == "outcome":
                node.groups = sorted({grp for t in linked for grp in groups_of(t)})
        comparisons = _comparisons(r, f)
        if comparisons:
            details.append(["Comparisons", comparisons])
        cited = r.objects(f, "cito:citesAsEvidence")
        for p in cited:
            edges.add((node.id, nodes[p].id, "cites as evidence"))
        details.append(
            [
                "Cites",
                sorted(nodes[p].label for p in cited) or "nothing: the sentence cites no source",
            ]
        )
        support = r.objects(f, "pg:supportLevel")
        if support:
            has_support = True
            node.support = _local(support[0])
            details.append(["Support", r.label(support[0])])
        note = r.attr(f, "note")
        if note:
            details.append(["Curator note", note])
        node.details = details
        nodes[f] = node

    # vocabulary structure between drawn concepts: outcome -> recovery group, factor -> broader
    for iri in sorted(nodes):
        node = nodes[iri]
        if node.cls == "outcome":
            node.groups = groups_of(iri)
            for grp in r.objects(iri, "pg:recoveryGroup"):
                edges.add((node.id, concept(grp, "outcome").id, "recovery group"))
        elif node.cls == "organisational-factor":
            for b in r.objects(iri, "skos:broader"):
                if concept_cls.get(b) == "organisational-factor":
                    edges.add((node.id, concept(b, "organisational-factor").id, "broader"))
    for iri, node in nodes.items():
        if node.cls in ("finding", "paper"):
            continue
        details = [[CLASS_BY_KEY[node.cls][0].capitalize(), node.label]]
        if node.cls == "outcome":
            chime = r.labels(iri, "pg:chimeDomain")
            groups = r.labels(iri, "pg:recoveryGroup")
            details.append(["CHIME domain", chime or "none (not a CHIME recovery process)"])
            details.append(["Recovery group", groups or "a recovery group itself"])
        definition = r.attr(iri, "definition")
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
    group_ids = {grp for n in nodes.values() if n.cls == "finding" for grp in n.groups}
    order = {grp: i for i, grp in enumerate(RECOVERY_GROUP_ORDER)}
    groups = sorted(group_ids, key=lambda grp: (order.get(grp, 99), grp))
    group_labels = {_local(i): r.label(i) for i in nodes_of(g, "Outcome")}
    view = View(
        nodes=sorted(nodes.values(), key=lambda n: n.id),
        edges=sorted(edges),
        settings=settings,
        groups=[(grp, group_labels.get(grp, grp)) for grp in groups],
        has_support=has_support,
    )
    view.total_nodes = len(view.nodes)
    return view


def _authors(r: _Reader, paper: str) -> list[str]:
    ordered = []
    for a in r.objects(paper, "pg:authorship"):
        pos = r.attr(a, "position")
        for person in r.objects(a, "pg:author"):
            name = r.attr(person, "name") or r.label(person)
            ordered.append((pos if isinstance(pos, int) and pos >= 0 else 0, name))
    return [name for _, name in sorted(ordered)]


def _durations(r: _Reader, finding: str) -> list[str]:
    out = []
    for d in r.objects(finding, "pg:persistence"):
        low, high = r.attr(d, "minimum"), r.attr(d, "maximum")
        lo = _number(low) if low is not None else None
        hi = _number(high) if high is not None else None
        unit = r.attr(d, "unit")
        unit_text = unit + "s" if unit else ""
        span = f"{lo}–{hi}" if lo and hi and lo != hi else (hi or lo or "?")
        frm = [r.label(x) for x in r.objects(d, "pg:measuredFrom")]
        text = f"{span} {unit_text}".strip()
        if frm:
            text += f" after {frm[0]}"
        out.append(text)
    for h in r.objects(finding, "pg:followUpHorizon"):  # "up to", never a minimum
        out.append(r.label(h))
    return out


def _comparisons(r: _Reader, finding: str) -> list[str]:
    out = []
    for c in r.objects(finding, "pg:comparison"):
        favours = ", ".join(r.labels(c, "pg:favours"))
        over = ", ".join(r.labels(c, "pg:comparator"))
        on = ", ".join(r.labels(c, "pg:comparedOn"))
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
    sampled = False
    if max_nodes is not None:
        if max_nodes < 1:
            raise UsageError("--max-nodes must be at least 1")
        if len(keep) > max_nodes:
            keep = _best_connected(nodes, adj, keep, max_nodes)
            notes.append(f"the best-connected findings and their links, {max_nodes:,} nodes")
            sampled = True
    if keep == set(nodes):
        return view
    kept = [n for n in view.nodes if n.id in keep]
    edges = [e for e in view.edges if e[0] in keep and e[1] in keep]
    sample = None
    if sampled:
        sample = {
            "nodes": len(kept),
            "total_nodes": len(view.nodes),
            "edges": len(edges),
            "total_edges": len(view.edges),
            "findings": sum(1 for n in kept if n.cls == "finding"),
            "total_findings": sum(1 for n in view.nodes if n.cls == "finding"),
            "papers": sum(1 for n in kept if n.cls == "paper"),
            "total_papers": sum(1 for n in view.nodes if n.cls == "paper"),
        }
    return View(
        nodes=kept,
        edges=edges,
        settings=view.settings,
        groups=view.groups,
        has_support=view.has_support,
        total_nodes=view.total_nodes,
        note=f"Showing {len(kept):,} of {view.total_nodes:,} nodes: " + "; ".join(notes),
        sample=sample,
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
