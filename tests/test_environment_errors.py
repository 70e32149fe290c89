"""Environment errors are one clear line with exit 2; dangling audit references are errors.

A full disk and a read-only output folder are made real with a tiny tmpfs where this machine
lets us mount one (root in CI); the same failure is also injected at the write itself, so the
behaviour is checked everywhere.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from peergraph.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _build(data: Path, out: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["build", "--data", str(data), "--out", str(out), "--quiet", *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- full disk, read-only folder -----------------------------------------------------------------


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a tmpfs with the given options; skip where mounting is not allowed."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", str(point)], check=False)


def test_full_disk_is_one_line_exit_2_and_leaves_no_temp_files(data_copy, tmpfs, capsys):
    out = tmpfs("size=256k")  # the exports are several MB
    code, err = _build(data_copy, out, capsys)
    assert code == 2
    line = _one_error_line(err)
    assert "No space left on device" in line and "--out" in line
    assert list(out.rglob("*.tmp")) == []


def test_read_only_output_folder_is_one_line_exit_2(data_copy, tmpfs, capsys):
    out = tmpfs("ro,size=64k")
    code, err = _build(data_copy, out / "exports", capsys)
    assert code == 2
    line = _one_error_line(err)
    assert "Read-only file system" in line and "exports" in line


def test_no_space_at_the_write_keeps_earlier_exports(data_copy, tmp_path, capsys, monkeypatch):
    """The same full disk, injected at the write: earlier exports stay byte for byte."""
    out = tmp_path / "out"
    assert _build(data_copy, out, capsys)[0] == 0
    before = _snapshot(out)
    import peergraph.export.writers as writers

    real_fdopen = os.fdopen
    written = {"n": 0}

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            written["n"] += 1
            if written["n"] > 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self.fh.write(data)

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(writers.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    code, err = _build(data_copy, out, capsys)
    assert code == 2
    assert "No space left on device" in _one_error_line(err)
    assert _snapshot(out) == before


def test_output_path_that_is_a_file_is_one_line_exit_2(data_copy, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    code, err = _build(data_copy, blocker, capsys)
    assert code == 2
    assert "not-a-folder" in _one_error_line(err)


# --- ontology files ------------------------------------------------------------------------------


@pytest.fixture
def ontology_copy(tmp_path, monkeypatch) -> Path:
    import shutil

    from peergraph.ingest.vocabulary import _load_vocabulary

    folder = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", folder)
    monkeypatch.setenv("PEERGRAPH_ONTOLOGY", str(folder))
    _load_vocabulary.cache_clear()
    yield folder
    _load_vocabulary.cache_clear()


def _break_line(path: Path, number: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = lines[number - 1].rstrip("\n") + " @@@ broken\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "line"), [("vocabulary.ttl", 20), ("peergraph.ttl", 30), ("shapes.ttl", 40)]
)
def test_malformed_ontology_file_names_path_and_line(
    data_copy, tmp_path, ontology_copy, capsys, name, line
):
    _break_line(ontology_copy / name, line)
    code, err = _build(data_copy, tmp_path / "out", capsys)
    assert code == 2
    text = _one_error_line(err)
    assert f"{ontology_copy / name}:{line}: malformed Turtle" in text


def test_unreadable_vocabulary_file_names_its_path(data_copy, tmp_path, ontology_copy, capsys):
    (ontology_copy / "vocabulary.ttl").write_bytes(b"\xff\xfe not utf-8 \x80\x81")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    assert code == 2
    assert str(ontology_copy / "vocabulary.ttl") in _one_error_line(err)


# --- wrong YAML shapes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("papers.yaml", "- key: a2020\n  title: T\n", "expected a mapping with a 'papers' list"),
        ("papers.yaml", "papers: {a: 1}\n", "expected a mapping with a 'papers' list"),
        ("papers.yaml", "papers:\n  - just a string\n", "each paper must be a mapping"),
        ("papers.yaml", "papers:\n  - key: a2020\n    authors: Smith\n", "'authors' must be a"),
        ("sources.yaml", "- id: x\n", "expected a mapping with a 'sources' list"),
        ("sources.yaml", "sources:\n- {file: t, id: [a], title: t}\n", "field 'id': expected text"),
        ("findings.yaml", "findings: {F01: x}\n", "expected a mapping with a 'findings' list"),
        ("reference-audit.yaml", "[1, 2]\n", "expected a mapping with 'references'"),
        ("reference-audit.yaml", "references: 7\n", "'references' must be a list of mappings"),
    ],
)
def test_wrong_yaml_shape_is_a_clear_error(data_copy, tmp_path, capsys, name, text, expected):
    (data_copy / name).write_text(text, encoding="utf-8")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    assert code in (1, 2)
    assert expected in err and name in err


# --- dangling references in the audit (point 5) --------------------------------------------------


def _audit_line(data: Path, needle: str) -> int:
    lines = (data / "reference-audit.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_audit_entry_for_an_unknown_citation_key_is_an_error(data_copy, tmp_path, capsys):
    path = data_copy / "reference-audit.yaml"
    path.write_text(path.read_text("utf-8").replace("- key: solomon2004", "- key: solomon2005"))
    line = _audit_line(data_copy, "- key: solomon2005")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    assert (
        f"reference-audit.yaml:{line}, reference solomon2005, field 'key': unknown citation key "
        "'solomon2005' (not in the reference list of 'peer-support-essay') "
        "(did you mean 'solomon2004'?)"
    ) in _one_error_line(err)


def test_claim_audit_for_a_missing_finding_is_an_error(data_copy, tmp_path, capsys):
    path = data_copy / "reference-audit.yaml"
    path.write_text(path.read_text("utf-8").replace("- finding: F11\n", "- finding: F99\n"))
    line = _audit_line(data_copy, "- finding: F99")
    code, err = _build(data_copy, tmp_path / "out", capsys)
    assert code == 1
    text = _one_error_line(err)
    assert f"reference-audit.yaml:{line}, claim F99, field 'finding'" in text
    assert "claim audit for a finding that does not exist: 'F99'" in text


def test_claim_audit_for_a_draft_finding_is_not_dangling(data_copy, tmp_path, capsys):
    findings = data_copy / "findings.yaml"
    text = findings.read_text("utf-8")
    assert "  - id: F11\n" in text
    findings.write_text(text.replace("  - id: F11\n", "  - id: F11\n    draft: true\n"))
    code, err = _build(data_copy, tmp_path / "out", capsys)
    assert code == 0, err
