"""The large-data code paths give the same graph and the same bytes as the rdflib path.

Checked on small inputs (the essay and 30 synthetic papers); the benchmarks measure the speed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml

from peergraph import pipeline
from peergraph.curate.synth import synthesize
from peergraph.ingest.dataset import _loader_class, load
from peergraph.ingest.fastyaml import load_simple

ROOT = Path(__file__).resolve().parents[1]
RDF_FILES = [
    "peergraph.ttl",
    "peergraph.nt",
    "peergraph.jsonld",
    "peergraph.owl",
    "peergraph-ontology.ttl",
]


@pytest.fixture(scope="module")
def synth_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "data"
    synthesize(out, papers=30, seed=3)
    return out


@pytest.fixture(scope="module")
def builds(synth_data: Path, tmp_path_factory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("builds")
    return {
        "first": pipeline.build(synth_data, base / "first", steps=pipeline.RDF_ONLY),
        "again": pipeline.build(synth_data, base / "again", steps=pipeline.RDF_ONLY),
    }


def _reference_bytes(data: Path, tmp_path: Path) -> dict[str, bytes]:
    """The exports as rdflib's JSON-LD and pyoxigraph's serializers write ``build_graph``'s
    triples, sorted (no row streaming, none of our own writers)."""
    from peergraph import __version__
    from peergraph.export.writers import serialize, sort_key
    from peergraph.mapping.triples import build_graph, ontology_graph

    everything = sorted(build_graph(data), key=sort_key)
    onto = sorted(ontology_graph(), key=sort_key)
    formats = {"peergraph.ttl": "turtle", "peergraph.nt": "nt", "peergraph.jsonld": "jsonld",
               "peergraph.owl": "rdfxml"}  # fmt: skip
    out = {name: serialize(everything, fmt, __version__) for name, fmt in formats.items()}
    out["peergraph-ontology.ttl"] = serialize(onto, "turtle", __version__)
    return out


@pytest.mark.parametrize("name", RDF_FILES)
def test_streamed_exports_are_the_bytes_rdflib_writes_from_build_graph(
    builds, synth_data, tmp_path_factory, name: str
) -> None:
    reference = _reference_bytes(synth_data, tmp_path_factory.mktemp("ref"))
    assert (builds["first"].out_dir / name).read_bytes() == reference[name]


@pytest.mark.parametrize("name", RDF_FILES)
def test_exports_are_deterministic(builds, name: str) -> None:
    first, again = builds["first"].out_dir / name, builds["again"].out_dir / name
    assert first.read_bytes() == again.read_bytes()


def test_build_graph_holds_the_triples_the_build_counts(builds, synth_data) -> None:
    from peergraph.mapping.triples import build_graph

    assert len(build_graph(synth_data)) == builds["first"].triples
    assert builds["first"].findings == 150 and builds["first"].papers == 30


def test_essay_streamed_exports_are_the_bytes_rdflib_writes(tmp_path) -> None:
    built = pipeline.build(ROOT / "data", tmp_path / "built", steps=pipeline.RDF_ONLY)
    reference = _reference_bytes(ROOT / "data", tmp_path)
    for name in RDF_FILES:
        assert (built.out_dir / name).read_bytes() == reference[name], name


def test_exports_parse_back_to_the_same_number_of_triples(builds) -> None:
    import pyoxigraph as ox
    from pyld import jsonld
    from rdflib import Graph

    result = builds["first"]
    out = result.out_dir
    nt = list(ox.parse(path=str(out / "peergraph.nt"), format=ox.RdfFormat.N_TRIPLES))
    owl = list(ox.parse(path=str(out / "peergraph.owl"), format=ox.RdfFormat.RDF_XML))
    ttl = Graph().parse(out / "peergraph.ttl", format="turtle")
    doc = json.loads((out / "peergraph.jsonld").read_text(encoding="utf-8"))
    quads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    assert len(nt) == len(owl) == len(ttl) == result.triples
    assert len(set(quads.splitlines())) == result.triples


def test_every_step_runs_on_a_synthetic_set_and_nothing_is_skipped(synth_data, tmp_path):
    result = pipeline.build(synth_data, tmp_path / "out")
    assert {"peergraph.html", "evidence-map.html", "peergraph-inferred.ttl"} <= set(result.files)
    assert "ontology/index.html" in result.files
    summary = result.summary()
    assert "skipped" not in summary
    assert "SHACL     whole graph valid" in summary


def test_simple_yaml_reader_matches_pyyaml_on_generated_files(synth_data: Path) -> None:
    path = synth_data / "findings" / "part-0001.yaml"
    text = path.read_text(encoding="utf-8")
    fast = load_simple(text)
    assert fast is not None
    assert fast == yaml.load(text, Loader=_loader_class(False))  # noqa: S506 - safe loader


@pytest.mark.parametrize(
    "text",
    [
        "findings:\n  - id: F1\n    draft: yes\n",  # YAML 1.1 boolean
        "findings:\n  - id: F1\n    start: 017\n",  # octal
        "findings:\n  - id: F1\n    on: x\n",  # key that is a boolean
        'findings:\n  - id: F1\n    quote: "a \\" b"\n',  # escapes
        "findings:\n  - id: F1\n    label: two words\n",  # plain scalar with spaces
        "findings:\n  - id: F1\n    persistence:\n      min: 6\n",  # block mapping
        "findings:\n  - id: F1\n    cites: [a, b]  # comment\n",
    ],
)
def test_simple_yaml_reader_leaves_anything_else_to_pyyaml(text: str) -> None:
    assert load_simple(text) is None


def test_essay_findings_file_goes_through_pyyaml_with_line_numbers() -> None:
    text = (ROOT / "data" / "findings.yaml").read_text(encoding="utf-8")
    assert load_simple(text) is None
    ds = load(ROOT / "data")
    f06 = next(f for f in ds.findings if f.id == "F06")
    assert text.splitlines()[f06.line - 1].strip() == "- id: F06"


def test_indexed_citation_resolution_agrees_with_the_plain_resolver() -> None:
    from peergraph.ingest.validate import CitationIndex
    from peergraph.text.citations import resolve_all

    ds = load(ROOT / "data")
    source = ds.sources["peer-support-essay"]
    index = CitationIndex(source)
    for finding in ds.findings:
        plain = resolve_all(finding.quote, list(source.references.values()))
        fast = index.resolve_all(finding.quote)
        assert [r.key for _, r in fast[0]] == [r.key for _, r in plain[0]]
        assert fast[1] == plain[1]
    f05 = next(f for f in ds.findings if f.id == "F05")
    assert [r.key for _, r in index.resolve_all(f05.quote)[0]] == ["chinman2014", "smit2023"]


def test_progress_bars_draw_on_a_terminal_and_stay_silent_otherwise(capsys) -> None:
    from peergraph.progress import Reporter

    stream = io.StringIO()
    with Reporter(stream=stream)("export", 5) as bar:
        bar.advance(5)
    assert "export" in stream.getvalue() and "5/5" in stream.getvalue()
    with Reporter()("export", 5) as bar:  # pytest's stderr is not a terminal
        bar.advance(5)
    with Reporter(quiet=True, stream=stream)("quiet", 1) as bar:
        bar.advance()
    assert capsys.readouterr().err == ""
    assert "quiet" not in stream.getvalue()


def test_ntriples_writer_escapes_like_pyoxigraph() -> None:
    import pyoxigraph as ox

    from peergraph.export.writers import write_ntriples

    texts = ["a\tb", "a\x01b", "a\x7fb", "a\u0085b", 'q"\\', "x\ny\rz", "\x08\x0c", "naïve — ok"]
    xsd = "http://www.w3.org/2001/XMLSchema#"
    rows = [(0, "http://e/s", True, "http://e/p", 2, t, "", "") for t in texts]
    rows += [
        (0, "http://e/s", True, "http://e/p", 2, "5", xsd + "integer", ""),
        (0, "http://e/s", True, "http://e/p", 2, "s", xsd + "string", ""),
        (0, "http://e/s", True, "http://e/p", 2, "hi", "", "en"),
        (1, "b1", True, "http://e/p", 1, "b2", "", ""),
    ]
    ours = io.BytesIO()
    write_ntriples(rows, ours)
    s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
    theirs = [ox.Triple(s, p, ox.Literal(t)) for t in texts] + [
        ox.Triple(s, p, ox.Literal("5", datatype=ox.NamedNode(xsd + "integer"))),
        ox.Triple(s, p, ox.Literal("s", datatype=ox.NamedNode(xsd + "string"))),
        ox.Triple(s, p, ox.Literal("hi", language="en")),
        ox.Triple(ox.BlankNode("b1"), p, ox.BlankNode("b2")),
    ]
    assert ours.getvalue() == ox.serialize(theirs, format=ox.RdfFormat.N_TRIPLES)


def test_ontology_rows_are_the_ontology_files_as_rdflib_reads_them() -> None:
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from peergraph.mapping.triples import ontology_files, ontology_graph

    parsed = Graph()
    for path in ontology_files():
        parsed.parse(path, format="turtle")
    ours = ontology_graph()
    assert len(ours) == len(parsed) > 2000
    assert isomorphic(ours, parsed)


def test_ontology_blank_node_labels_are_the_same_on_every_run() -> None:
    from peergraph.mapping.triples import ontology_rows

    first, again = ontology_rows(), ontology_rows()
    assert first == again
    assert {r[1] for r in first if r[0] == 1} >= {"b001", "b002"}
