"""`peergraph query` on the command line, `build --store`, and the Python API `peergraph.query`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.conftest import DATA, ROOT


def cli(capsys, *args):
    from peergraph.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_named_query_with_its_description(capsys):
    code, out, _ = cli(capsys, "query", "--list")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "persistence" in lines and "papers-ranked" in lines
    assert "how long an effect lasts" in lines["persistence"]
    assert "params: [outcome=]" in lines["outcomes-by-direction"]


def test_default_output_is_an_aligned_table(capsys):
    code, out, _ = cli(capsys, "query", "papers-ranked", "--data", str(DATA))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["paper", "key", "year", "sentences", "findingCount"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:5] == [
        "<https://doi.org/10.1017/s0033291722002422>"[1:-1], "smit2023", "2023", "3", "3"
    ]  # fmt: skip
    key_column = lines[0].index("key")
    assert all(line[key_column - 2 : key_column] == "  " for line in lines[2:-1])
    assert lines[-1] == "(11 rows)"


def test_csv_tsv_json_xml_outputs(capsys):
    _, out, _ = cli(capsys, "query", "persistence", "-f", "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert (row["finding"], row["lower"], row["upper"], row["authority"]) == (
        "F06", "6", "9", "smit2023"
    )  # fmt: skip
    _, out, _ = cli(capsys, "query", "persistence", "-f", "tsv")
    header, first = out.splitlines()[:2]
    assert header.startswith("?finding\t?outcomeLabel\t?stated\t?lower")
    assert '"6"^^<http://www.w3.org/2001/XMLSchema#decimal>' in first
    _, out, _ = cli(capsys, "query", "persistence", "-f", "json")
    data = json.loads(out)
    assert data["head"]["vars"][0] == "finding"
    assert data["results"]["bindings"][0]["authority"] == {"type": "literal", "value": "smit2023"}
    _, out, _ = cli(capsys, "query", "persistence", "-f", "xml")
    assert '<binding name="finding"><literal>F06</literal></binding>' in out


def test_construct_prints_turtle(capsys):
    query = (
        "CONSTRUCT { ?f <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?f "
        '<http://purl.org/dc/terms/identifier> "F11" ; '
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    code, out, _ = cli(capsys, "query", query)
    assert code == 0
    assert "finding:F11 rdfs:label" in out
    from rdflib import Graph

    assert len(Graph().parse(data=out, format="turtle")) == 1
    code, out, _ = cli(capsys, "query", query, "-f", "nt")
    assert out.startswith("<https://w3id.org/peergraph/data/finding/F11> ")


def test_rq_file_and_param_binding(capsys, tmp_path):
    rq = tmp_path / "by-setting.rq"
    rq.write_text(
        "PREFIX pg: <https://w3id.org/peergraph/ontology/>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT ?id WHERE { ?f pg:setting ?setting ; dcterms:identifier ?id } ORDER BY ?id\n"
    )
    code, out, _ = cli(capsys, "query", str(rq), "-p", "setting=pgv:peer-run", "-f", "csv")
    assert code == 0
    assert out.split() == ["id", "F15a", "F15b"]
    code, out, _ = cli(
        capsys,
        "query",
        str(rq),
        "-p",
        "setting=<https://w3id.org/peergraph/vocab/criminal-justice>",
        "-f",
        "csv",
    )  # noqa: E501
    assert out.split() == ["id", "F16a", "F16b"]


def test_param_values_cannot_inject_sparql(capsys):
    evil = 'x" } } ; DROP ALL ; SELECT * { ?s ?p "'
    code, out, err = cli(capsys, "query", "papers-by-year", "-p", f"journal={evil}", "-f", "csv")
    assert code == 0, err
    assert out.split("\r\n")[0] == "year,key,journal,title,doi"
    assert out.strip().count("\r\n") == 0  # header only: no journal has that title
    code, out, _ = cli(capsys, "query", "finding-provenance", "-p", "finding=F12b", "-f", "csv")
    assert out.count("F12b") == 1


def test_unknown_param_and_unknown_query_are_usage_errors(capsys):
    code, _, err = cli(capsys, "query", "support-levels", "-p", "outcome=hope")
    assert code == 2
    assert err == (
        "Error: query 'support-levels' has no parameter 'outcome' (parameters: limit, offset)\n"
    )
    code, _, err = cli(capsys, "query", "papers-rankd")
    assert code == 2 and "did you mean 'papers-ranked'?" in err
    code, _, err = cli(capsys, "query", "persistence", "-p", "oops")
    assert code == 2 and "expected NAME=VALUE" in err


def test_syntax_error_reports_line_and_column_without_traceback():
    query = "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    query += "SELECT ?id WHERE {\n  ?f dcterms:identifier\n}"
    proc = subprocess.run(
        [sys.executable, "-m", "peergraph.cli", "query", query],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: SPARQL syntax error at line 4, column 1")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "UPDATE/LOAD is refused"),
        ("LOAD <http://127.0.0.1:9/x.ttl>", "UPDATE/LOAD is refused"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        (
            "SELECT * FROM <https://example.org/g> WHERE { ?s ?p ?o }",
            "FROM <https://example.org/g>",
        ),
    ],
)
def test_updates_and_remote_access_are_refused(capsys, query, message):
    code, out, err = cli(capsys, "query", query)
    assert code == 2 and out == ""
    assert message in err and err.startswith("Error: ")


def test_build_store_then_query_store_read_only(capsys, tmp_path):
    out_dir, store_dir = tmp_path / "exports", tmp_path / "store"
    code, _, _ = cli(capsys, "build", "--out", str(out_dir), "--store", str(store_dir), "-q")
    assert code == 0
    assert (store_dir / "CURRENT").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    code, out, _ = cli(capsys, "query", "persistence", "--store", str(store_dir), "-f", "csv")
    assert code == 0
    assert 'F06,clinical recovery,"effects still reported up to (follow-up horizon, not a ' in out
    assert 'minimum)",6,9,month' in out
    # rebuilding replaces the store atomically; a non-store folder is never overwritten
    assert cli(capsys, "build", "--out", str(out_dir), "--store", str(store_dir), "-q")[0] == 0
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    code, _, err = cli(capsys, "build", "--out", str(out_dir), "--store", str(tmp_path / "notes"))
    assert code == 2 and "is not a peergraph store" in err
    assert (tmp_path / "notes" / "keep.txt").read_text() == "mine"


def test_query_on_exported_graph_file(capsys, tmp_path):
    from peergraph.pipeline import build

    build(DATA, tmp_path / "out")
    code, out, _ = cli(
        capsys,
        "query",
        "uncited-claims",
        "--graph",
        str(tmp_path / "out" / "peergraph.ttl"),
        "-f",
        "csv",
    )  # noqa: E501
    assert code == 0
    # F01 frames the topic (background), so the uncited claims start at F02
    assert [line.split(",")[0] for line in out.splitlines()[1:4]] == ["F02", "F03", "F10"]


def test_python_api_returns_rows_and_columns():
    import peergraph

    result = peergraph.query("papers-ranked")
    assert result.columns == ["paper", "key", "year", "sentences", "findingCount"]
    assert result.rows[0] == {
        "paper": "https://doi.org/10.1017/s0033291722002422",
        "key": "smit2023",
        "year": 2023,
        "sentences": 3,
        "findingCount": 3,
    }
    assert list(result)[0]["key"] == "smit2023"
    hope = peergraph.query("outcomes-by-direction", params={"outcome": "hope"}, source=DATA)
    assert [(r["outcomeLabel"], r["findingCount"]) for r in hope] == [("hope", 3)]
    cell = peergraph.query("findings", params={"outcome": "hope", "direction": "improves"})
    assert [r["finding"] for r in cell] == ["F07", "F09", "F22a"]
    assert "query" in peergraph.__all__


def test_param_binding_ignores_keywords_inside_names_strings_and_comments():
    from peergraph.sparql.engine import bind_params

    text = (
        "PREFIX where: <urn:x:>\n# WHERE { in a comment }\nSELECT ?where WHERE {\n"
        '  ?s where:p ?where . FILTER(?where != "}WHERE{")\n} ORDER BY ?where'
    )
    bound = bind_params(text, {"where": "a"})
    assert bound.endswith('FILTER(?where != "}WHERE{")\n} } ORDER BY ?where')
    assert 'SELECT ?where WHERE { VALUES (?where) { ("a") } {\n' in bound


def test_limit_keeps_the_first_rows(capsys):
    code, out, _ = cli(capsys, "query", "papers-ranked", "--limit", "2", "-f", "csv")
    assert code == 0
    assert [line.split(",")[1] for line in out.splitlines()[1:]] == ["smit2023", "tomas2023"]


def test_inline_sparql_knows_the_prefixes_the_output_uses(capsys):
    # the table prints pg:/pgv:/finding: names; the same names work in a query without PREFIX
    code, out, err = cli(
        capsys, "query", "SELECT ?o WHERE { finding:F07 pg:outcome ?o } ORDER BY ?o", "-f", "csv"
    )
    assert code == 0, err
    assert out.split("\r\n")[:2] == ["o", "https://w3id.org/peergraph/vocab/hope"]
    code, out, err = cli(capsys, "query", "ASK { pgv:hope a ?class }")
    assert (code, out) == (0, "true\n"), err


def test_unknown_prefix_is_one_short_line_with_line_and_column(capsys):
    code, out, err = cli(capsys, "query", "SELECT ?s WHERE {\n  ?s a nope:Thing\n}")
    assert code == 2 and out == ""
    assert err.startswith("Error: SPARQL syntax error at line 2, column ")
    assert "unknown prefix 'nope:'" in err and "PREFIX nope: <...>" in err
    assert err.count("\n") == 1 and "\\u{" not in err


def test_oxigraph_character_class_dump_is_not_shown(capsys):
    code, _, err = cli(capsys, "query", "SELECT * {\n?s")
    assert code == 2
    assert err.startswith("Error: SPARQL syntax error at line 2, column 3: expected one of")
    assert err.count("\n") == 1 and "\\u{" not in err and len(err) < 200


def test_unknown_vocabulary_id_in_a_param_suggests_the_closest(capsys):
    code, out, err = cli(capsys, "query", "outcomes-by-direction", "-p", "outcome=hopee")
    assert (code, out) == (2, "")
    assert err == (
        "Error: --param outcome=hopee: unknown vocabulary id 'hopee' (did you mean 'hope'?)\n"
    )
    code, _, err = cli(capsys, "query", "evidence-gaps", "-p", "setting=pgv:onlin")
    assert code == 2 and "unknown vocabulary id 'onlin' (did you mean 'online'?)" in err
    code, out, err = cli(
        capsys, "query", "outcomes-by-direction", "-p", "outcome=hope", "-f", "csv"
    )
    assert code == 0, err
    assert out.split("\r\n")[1].startswith("https://w3id.org/peergraph/vocab/hope,")
