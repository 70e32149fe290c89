"""Where a build's files come from: the working folder's ontology wins, the summary says where
each folder is, and ``--data`` outside a project folder needs ``--out`` (no surprise /tmp/exports).

The CLI runs in a real subprocess with its own working folder, as a user in another project would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _peergraph(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "PEERGRAPH_ONTOLOGY"}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "peergraph.cli", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "ontology", project / "ontology")
    return project


def test_working_folder_ontology_wins_and_its_errors_show(tmp_path):
    project = _project(tmp_path)
    vocab = project / "ontology" / "vocabulary.ttl"
    lines = vocab.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[19] = lines[19].rstrip("\n") + " @@@ broken\n"
    vocab.write_text("".join(lines), encoding="utf-8")
    done = _peergraph(project, "build", "--quiet")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Error: {vocab.resolve()}:20: malformed Turtle: "
        "A language code should always start with a letter (fix the ontology file near that line)"
    )
    assert not (project / "exports").exists()


def test_build_summary_names_data_ontology_and_exports(tmp_path):
    project = _project(tmp_path)
    done = _peergraph(project, "build")
    assert done.returncode == 0, done.stderr
    summary = done.stdout.splitlines()
    assert f"  data      {(project / 'data').resolve()}" in summary
    assert f"  ontology  {(project / 'ontology').resolve()} (working folder)" in summary
    assert f"  exports   {(project / 'exports').resolve()}" in summary
    assert (project / "exports" / "peergraph.ttl").is_file()


def test_peergraph_ontology_variable_is_used_as_given(tmp_path):
    project = _project(tmp_path)
    elsewhere = tmp_path / "onto"
    shutil.copytree(ROOT / "ontology", elsewhere)
    done = _peergraph(project, "build", env={"PEERGRAPH_ONTOLOGY": str(elsewhere)})
    assert done.returncode == 0, done.stderr
    assert f"  ontology  {elsewhere.resolve()} ($PEERGRAPH_ONTOLOGY)" in done.stdout.splitlines()
    missing = _peergraph(project, "build", env={"PEERGRAPH_ONTOLOGY": str(tmp_path / "nope")})
    assert missing.returncode == 2
    assert "nope" in missing.stderr and "Traceback" not in missing.stderr


def test_data_outside_a_project_folder_needs_out(tmp_path):
    loose = tmp_path / "x"
    shutil.copytree(ROOT / "data", loose)
    here = tmp_path / "cwd"
    here.mkdir()
    done = _peergraph(here, "build", "--data", str(loose))
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ") and "pass --out FOLDER" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "exports").exists() and not (here / "exports").exists()
    done = _peergraph(here, "build", "--data", str(loose), "--out", str(tmp_path / "o"), "-q")
    assert done.returncode == 0, done.stderr
