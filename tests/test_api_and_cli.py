"""The Python API builds the graph without the CLI; the CLI is a thin layer with help for every
command; `import peergraph` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import peergraph
from peergraph.cli import COMMANDS, main

from .conftest import DATA, ROOT


def test_api_loads_and_builds_the_graph_in_a_notebook(tmp_path):
    ds = peergraph.load(DATA)
    assert len(ds.findings) >= 23
    g = peergraph.build_graph(ds)
    assert len(g) > 1000
    result = peergraph.build(DATA, tmp_path)
    assert result.papers == 11
    # F01 is background, F04 and F08 define terms: kept with provenance, not counted as evidence
    assert (result.findings, result.statements, result.uncited_findings) == (24, 3, 10)
    assert "statements 3 (definitions and background" in result.summary()
    assert (tmp_path / "peergraph.ttl").is_file()
    assert "papers    11" in result.summary()


def test_api_raises_data_error_listing_problems(data_copy):
    (data_copy / "findings.yaml").write_text("findings: [{id: X}]\n", encoding="utf-8")
    with pytest.raises(peergraph.DataError) as info:
        peergraph.load(data_copy)
    fields = {p.field for p in info.value.problems}
    assert {"source", "label", "quote", "cites", "intervention", "outcomes"} <= fields


def test_build_prints_a_one_screen_summary(tmp_path, capsys):
    assert main(["build", "--data", str(DATA), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "papers    11" in out
    assert "triples" in out and "peergraph.ttl" in out
    assert len(out.splitlines()) < 25


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_and_is_in_the_readme(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: peergraph " + command)
    assert f"peergraph {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_import_peergraph_does_not_load_heavy_libraries():
    code = (
        "import sys, peergraph, peergraph.cli; "
        "heavy = [m for m in ('rdflib', 'pyoxigraph', 'networkx', 'pyvis', 'owlready2') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_listing_the_named_queries_loads_no_rdf_library():
    # the query catalogue and its prefixes are plain strings (peergraph.iris builds its rdflib
    # terms only when one is first used)
    code = (
        "import sys, io, contextlib; from peergraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['query', '--list'])\n"
        "print([m for m in ('rdflib', 'pyoxigraph') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_readme_setup_commands_are_the_ones_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [
        line
        for line in readme.split("## Set-up", 1)[1].split("\n## ", 1)[0].splitlines()
        if line.startswith((".venv/", "python3 -m venv", "bash tests/"))
    ]
    assert len(commands) == 2
    for command in commands:
        assert command in ci
