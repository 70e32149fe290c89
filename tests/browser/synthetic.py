"""A synthetic peergraph-shaped RDF graph of any size, for scale tests of the HTML views."""

from __future__ import annotations

import random


def synthetic_graph(n_nodes: int = 20_000, *, seed: int = 1):
    """About ``n_nodes`` drawable individuals: 70 % findings, 20 % papers, the rest vocabulary.

    Each finding names one intervention, 1-3 outcomes, 0-1 setting and cites 0-2 papers.
    """
    from rdflib import RDF, RDFS, Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, SKOS

    pg = "https://w3id.org/peergraph/ontology/"
    pgv = "https://w3id.org/peergraph/vocab/"
    data = "https://w3id.org/peergraph/data/"
    cito = URIRef("http://purl.org/spar/cito/citesAsEvidence")
    rng = random.Random(seed)
    g = Graph()
    n_findings = int(n_nodes * 0.7)
    n_papers = int(n_nodes * 0.2)
    n_vocab = n_nodes - n_findings - n_papers
    kinds = {
        "Outcome": ("outcome", 0.3),
        "Setting": ("setting", 0.1),
        "Intervention": ("intervention", 0.05),
        "Population": ("population", 0.15),
        "Mechanism": ("mechanism", 0.2),
        "OrganisationalFactor": ("organisationalFactor", 0.2),
    }
    vocab: dict[str, list[URIRef]] = {}
    for cls, (_, share) in kinds.items():
        items = []
        for i in range(max(1, int(n_vocab * share))):
            c = URIRef(f"{pgv}{cls.lower()}-{i}")
            g.add((c, RDF.type, URIRef(pg + cls)))
            g.add((c, SKOS.prefLabel, Literal(f"{cls.lower()} {i}")))
            items.append(c)
        vocab[cls] = items
    groups = vocab["Outcome"][:4]
    for o in vocab["Outcome"][4:]:
        g.add((o, URIRef(pg + "recoveryGroup"), rng.choice(groups)))
    papers = []
    for i in range(n_papers):
        p = URIRef(f"https://doi.org/10.9999/synthetic.{i}")
        g.add((p, RDF.type, URIRef(pg + "Paper")))
        g.add((p, RDFS.label, Literal(f"Author{i} et al. {1990 + i % 35}: a study")))
        g.add((p, URIRef(pg + "citationKey"), Literal(f"author{i}")))
        papers.append(p)
    for i in range(n_findings):
        f = URIRef(f"{data}finding/S{i:05d}")
        g.add((f, RDF.type, URIRef(pg + "Finding")))
        g.add((f, DCTERMS.identifier, Literal(f"S{i:05d}")))
        g.add((f, RDFS.label, Literal(f"synthetic finding {i}")))
        g.add((f, URIRef(pg + "intervention"), rng.choice(vocab["Intervention"])))
        for o in rng.sample(vocab["Outcome"], rng.randint(1, 3)):
            g.add((f, URIRef(pg + "outcome"), o))
        if rng.random() < 0.5:
            g.add((f, URIRef(pg + "setting"), rng.choice(vocab["Setting"])))
        for prop in ("Population", "Mechanism", "OrganisationalFactor"):
            if rng.random() < 0.3:
                g.add((f, URIRef(pg + kinds[prop][0]), rng.choice(vocab[prop])))
        for p in rng.sample(papers, rng.randint(0, 2)):
            g.add((f, cito, p))
    return g
