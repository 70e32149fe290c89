"""The HTML views without a browser: what is drawn, details, filters, escaping, determinism, CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peergraph.cli import main
from peergraph.errors import UsageError

PG = "https://w3id.org/peergraph/ontology/"
PGV = "https://w3id.org/peergraph/vocab/"
FINDING = "https://w3id.org/peergraph/data/finding/"
XSS_SCRIPT = "<script>window.__xss = 'script'</script>"
XSS_IMG = "<img src=x onerror=\"window.__xss = 'img'\">"


@pytest.fixture(scope="module")
def view(graph):
    from peergraph.view.model import build_view

    return build_view(graph)


def node(view, node_id):
    return next(n for n in view.nodes if n.id == node_id)


def details(n) -> dict:
    return dict((k, v) for k, v in n.details)


def hostile_graph(graph):
    """The essay graph plus labels, a quote and a setting carrying HTML/JS payloads and "href"."""
    from rdflib import RDFS, Graph, Literal, URIRef
    from rdflib.namespace import SKOS

    g = Graph()
    for triple in graph:
        g.add(triple)
    f06 = URIRef(FINDING + "F06")
    g.set((f06, RDFS.label, Literal(f"F06 {XSS_SCRIPT} label")))
    quote = URIRef(FINDING + "F06-quote")
    g.set((quote, URIRef("http://www.w3.org/ns/oa#exact"), Literal(f"quote {XSS_IMG} href")))
    hospital = URIRef(PGV + "hospital")
    g.set((hospital, SKOS.prefLabel, Literal(f"hospital {XSS_IMG}")))
    link = 'hope <a href="javascript:alert(1)">x</a>'
    g.set((URIRef(PGV + "hope"), SKOS.prefLabel, Literal(link)))
    return g


def test_view_draws_domain_individuals_by_class_and_no_literals(view):
    counts: dict[str, int] = {}
    for n in view.nodes:
        counts[n.cls] = counts.get(n.cls, 0) + 1
    assert counts["finding"] == 24  # F01, F04, F08 are background and definitions, not findings
    assert counts["paper"] == 11
    assert counts["setting"] == 6  # no finding is set online (F11 names it as less consistent)
    assert set(counts) <= {
        "finding",
        "paper",
        "outcome",
        "setting",
        "intervention",
        "population",
        "mechanism",
        "organisational-factor",
        "study-design",
    }
    ids = {n.id for n in view.nodes}
    assert all(a in ids and b in ids for a, b, _ in view.edges)
    assert ("finding:F06", "paper:smit2023", "cites as evidence") in view.edges
    assert view.nodes == sorted(view.nodes, key=lambda n: n.id)


def test_finding_details_give_sentence_direction_duration_settings_outcomes(view):
    f06 = details(node(view, "finding:F06"))
    assert f06["Sentence"].startswith("Studies indicate that these clinical improvements")
    assert "six to nine months post-treatment (Smit et al., 2023)." in f06["Sentence"]
    assert f06["Direction"] == ["improves"]
    assert f06["Duration"] == [
        "effects still reported up to 6–9 months after the end of intervention "
        "(a follow-up horizon, not a minimum duration)"
    ]
    assert f06["Outcomes"] == ["clinical recovery"]
    assert f06["Cites"] == ["Smit et al. 2023"]
    f14 = node(view, "finding:F14")
    assert f14.settings == ["formal-psychiatric", "hospital"]
    assert details(f14)["Settings"] == ["formal psychiatric setting", "hospital"]


def test_paper_details_give_authors_year_journal_and_doi_link(view):
    smit = node(view, "paper:smit2023")
    d = details(smit)
    assert smit.label == "Smit et al. 2023"
    assert d["Authors"].startswith("Smit, D.; Miguel, C.; Vrijsen, J. N.")
    assert d["Year"] == "2023"
    assert d["Journal"] == "Psychological Medicine"
    assert d["DOI"] == "10.1017/S0033291722002422"
    assert smit.link == "https://doi.org/10.1017/s0033291722002422"


def test_outcome_details_give_chime_domain_and_recovery_groups(view):
    hope = details(node(view, "outcome:hope"))
    assert hope["CHIME domain"] == ["CHIME hope and optimism about the future"]
    assert hope["Recovery group"] == ["personal recovery"]  # CHIME, not the essay's wording


def test_filter_by_setting_keeps_its_findings_and_their_neighbours(view):
    from peergraph.view.model import filter_view

    hospital = filter_view(view, setting="hospital")
    findings = sorted(n.id for n in hospital.nodes if n.cls == "finding")
    assert findings == ["finding:F07", "finding:F11", "finding:F14"]
    assert "paper:smit2023" in {n.id for n in hospital.nodes}  # F11 cites it
    assert hospital.note == "Showing 17 of 99 nodes: setting = hospital"
    organisational = filter_view(view, outcome="organisational-outcomes")
    assert sorted(n.id for n in organisational.nodes if n.cls == "finding") == [
        "finding:F17",
        "finding:F18",
        "finding:F19",
        "finding:F20",
        "finding:F23",
    ]


def test_unknown_filter_value_names_the_known_ones(view):
    from peergraph.view.model import filter_view

    with pytest.raises(UsageError, match=r"--setting 'hospitl'.*hospital"):
        filter_view(view, setting="hospitl")
    with pytest.raises(UsageError, match=r"--outcome 'hop'.*hope"):
        filter_view(view, outcome="hop")


def banner_counts(html: str, banner_id: str = "sample-banner") -> dict[str, int]:
    """The numbers of a page's sample banner, parsed from the HTML as a browser would see them."""
    from html.parser import HTMLParser

    class Banner(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.key, self.counts = 0, None, {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("id") == banner_id or self.depth:
                self.depth += 1
            if self.depth and "data-count" in attrs:
                self.key = attrs["data-count"]

        def handle_endtag(self, tag):
            if self.depth:
                self.depth -= 1
            self.key = None

        def handle_data(self, data):
            if self.key:
                self.counts[self.key] = int(data.replace(",", ""))

    parser = Banner()
    parser.feed(html)
    return parser.counts


def test_view_above_the_page_limit_is_drawn_from_a_sample_under_a_banner(graph):
    from peergraph.view.render import graph_html

    html = graph_html(graph, limit=50).decode()
    data = page_data(html)
    assert len(data["nodes"]) == 50
    assert data["note"] == (
        "Showing 50 of 99 nodes: the best-connected findings and their links, 50 nodes"
    )
    ids = {n["id"] for n in data["nodes"]}
    linked = {e["from"] for e in data["edges"]} | {e["to"] for e in data["edges"]}
    assert ids == linked  # no node drawn without its edges
    # F09 (11 links: 5 outcomes, 3 mechanisms, 2 papers, 1 intervention) comes first
    assert {"finding:F09", "finding:F14", "finding:F16b"} <= ids
    counts = banner_counts(html)
    findings = sum(1 for n in data["nodes"] if n["group"] == "finding")
    assert counts["nodes"] == 50 and counts["total_nodes"] == 99
    assert counts["left_nodes"] == 49  # 99 - 50
    assert counts["edges"] == len(data["edges"]) and counts["total_edges"] == 171
    assert counts["findings"] == findings and counts["total_findings"] == 24
    assert counts["left_findings"] == 24 - findings
    for option in ("--max-nodes", "--setting", "--outcome"):
        assert option in html
    assert graph_html(graph, limit=50) == graph_html(graph, max_nodes=50, limit=50)
    assert "sample-banner" not in graph_html(graph).decode()  # nothing left out, no banner


def page_data(html: str) -> dict:
    import json

    m = re.search(r'<script id="pg-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


def test_pages_are_self_contained_with_no_external_resources(graph):
    from peergraph.view.evidence_map import evidence_map_html
    from peergraph.view.render import graph_html

    for html in (graph_html(graph).decode(), evidence_map_html(graph).decode()):
        assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
        assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    html = graph_html(graph).decode()
    assert "@license" in html and "Apache" in html  # vis-network's notice is kept
    assert "vis.Network" in html


def test_text_from_data_is_escaped_in_both_pages(graph):
    from peergraph.view.evidence_map import evidence_map_html
    from peergraph.view.render import graph_html

    g = hostile_graph(graph)
    for html in (graph_html(g).decode(), evidence_map_html(g).decode()):
        assert "<script>window.__xss" not in html
        assert "<img src=x" not in html
        assert '<a href="javascript' not in html
    data = page_data(graph_html(g).decode())
    f06 = next(n for n in data["nodes"] if n["id"] == "finding:F06")
    assert XSS_SCRIPT in f06["label"]  # kept as text, shown as text
    em = evidence_map_html(g).decode()
    assert "hospital &lt;img src=x onerror=" in em  # the row heading, escaped by the template


def test_pages_are_byte_identical_between_builds(graph):
    from peergraph.view.render import html_exports

    first = html_exports(graph, None)
    second = html_exports(graph, None)
    assert set(first) == {"peergraph.html", "evidence-map.html"}
    assert first == second


def test_support_levels_from_the_audit_become_badges_and_a_filter(graph):
    from peergraph.view.model import build_view
    from peergraph.view.render import graph_html

    view = build_view(graph)
    assert view.has_support
    # from the claim audit only: F05 is partly supported, F09 (two confirmed references) unchecked
    assert node(view, "finding:F05").support == "partial-support"
    assert node(view, "finding:F09").support == "unchecked-claim"
    assert node(view, "finding:F06").support == "unverified-support"
    assert node(view, "finding:F20").support == "no-support"
    data = page_data(graph_html(graph).decode())
    assert data["has_support"] is True
    f05 = next(n for n in data["nodes"] if n["id"] == "finding:F05")
    assert f05["support"] == "partial-support" and "borderWidth" not in f05
    assert not [n for n in data["nodes"] if n.get("support") == "verified-support"]


def test_evidence_map_counts_findings_papers_and_directions_per_cell(graph):
    from peergraph.view.evidence_map import NO_SETTING, evidence_map

    em = evidence_map(graph)
    assert [r[0] for r in em.rows][-1] == NO_SETTING
    assert len(em.rows) == 8
    groups = [c.group for c in em.columns]
    assert groups.index("clinical-recovery") < groups.index("personal-recovery")
    assert groups.index("substance-use-justice-outcomes") < groups.index("organisational-outcomes")
    hospital_clinical = em.cell("hospital", "clinical-recovery")
    assert hospital_clinical.findings == ["F14"]
    assert hospital_clinical.papers == ["Chinman et al. 2014", "Davidson et al. 2022"]
    assert hospital_clinical.directions == ["improves"]
    assert em.cell("substance-use-treatment", "relapse").findings == ["F16a"]
    assert em.cell("criminal-justice", "anxiety").findings == []  # a gap
    hope_cols = [c for c in em.columns if c.id == "hope"]
    assert {c.group for c in hope_cols} == {"personal-recovery"}
    assert all(c.chime == "hope" for c in hope_cols)


def test_render_command_writes_both_pages(tmp_path: Path, capsys):
    assert main(["render", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "peergraph.html" in out and "evidence-map.html" in out
    assert (tmp_path / "peergraph.html").stat().st_size > 400_000
    assert "hospital" in (tmp_path / "evidence-map.html").read_text(encoding="utf-8")


def test_render_command_reports_bad_filter_and_large_graph(tmp_path: Path, capsys):
    assert main(["render", "--out", str(tmp_path), "--setting", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: --setting 'nowhere': no finding has this setting")
    assert "hospital" in err
    assert not (tmp_path / "peergraph.html").exists()
    assert main(["render", "--out", str(tmp_path), "--max-nodes", "0"]) == 2
    assert "--max-nodes must be at least 1" in capsys.readouterr().err


def test_render_command_draws_an_rdf_file_filtered_by_outcome(tmp_path: Path, graph):
    ttl = tmp_path / "g.ttl"
    graph.serialize(ttl, format="turtle")
    out = tmp_path / "out"
    args = ["render", "--input", str(ttl), "--out", str(out), "--outcome", "relapse"]
    assert main([*args, "--no-evidence-map", "-q"]) == 0
    data = page_data((out / "peergraph.html").read_text(encoding="utf-8"))
    findings = sorted(n["id"] for n in data["nodes"] if n["group"] == "finding")
    assert findings == ["finding:F16a"]
    assert not (out / "evidence-map.html").exists()


def test_pages_do_not_depend_on_python_hash_seed(tmp_path: Path):
    import os
    import subprocess
    import sys

    digests = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "peergraph.cli", "render", "--out", str(out), "-q"]
        subprocess.run(cmd, check=True, env=env)
        digests.append(
            [(out / name).read_bytes() for name in ("peergraph.html", "evidence-map.html")]
        )
    assert digests[0] == digests[1]
