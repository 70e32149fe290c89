"""The bounded-memory build: external sort, worker processes, streamed JSON-LD and YAML.

A large graph takes other code paths than the essay (rows spilled to sorted runs, Turtle and
RDF/XML converted from the N-Triples in worker processes, JSON-LD spilled per prefix, checks in
a worker). These tests force those paths on small inputs with a tiny ``CHUNK_ROWS`` and check
that the bytes are those of the in-memory path; the benchmark measures the speed and memory.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from peergraph import pipeline
from peergraph.curate.synth import synthesize
from peergraph.errors import PeergraphError
from peergraph.ingest.dataset import load
from peergraph.mapping import triples
from peergraph.mapping.triples import SortedRows, data_rows, ontology_rows, sorted_rows

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synth_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bounded") / "data"
    synthesize(out, papers=30, seed=5)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_external_sort_gives_the_rows_of_a_global_sort_with_repeats_across_runs_dropped(
    tmp_path: Path,
) -> None:
    ds = load(ROOT / "data")
    rows = [*data_rows(ds), *ontology_rows()]
    random.Random(1).shuffle(rows)
    rows += rows[:500]  # repeats that land in other runs
    spilled = SortedRows(rows, tmp_path, chunk=700)
    assert spilled.large and len(spilled.runs) > 5
    expected = sorted_rows(rows)
    assert list(spilled) == expected
    assert spilled.count == len(set(rows)) == len(expected)
    assert list(spilled) == expected  # iterable again


def test_a_build_split_into_runs_and_workers_writes_the_same_bytes_as_one_in_memory(
    synth_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = pipeline.build(synth_data, tmp_path / "whole")
    monkeypatch.setattr(triples, "CHUNK_ROWS", 2_000)
    monkeypatch.setattr(pipeline, "IN_MEMORY_STORE_MAX_TRIPLES", 0)  # the large-graph checks
    split = pipeline.build(synth_data, tmp_path / "split")
    assert split.triples == whole.triples
    assert {"shacl", "reason"} <= set(split.seconds)  # the checks ran, in a worker
    first, second = _files(tmp_path / "whole"), _files(tmp_path / "split")
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []


def test_the_essay_split_into_runs_writes_the_committed_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triples, "CHUNK_ROWS", 1_500)
    pipeline.build(None, tmp_path / "out", steps=pipeline.RDF_ONLY)
    for name in ("peergraph.nt", "peergraph.ttl", "peergraph.owl", "peergraph.jsonld"):
        assert (tmp_path / "out" / name).read_bytes() == (ROOT / "exports" / name).read_bytes()


def test_streamed_jsonld_is_the_bytes_of_the_in_memory_writer(
    synth_data: Path, tmp_path: Path
) -> None:
    from peergraph.export.writers import jsonld_rows, jsonld_stream

    onto = ontology_rows()
    rows = sorted_rows([*data_rows(load(synth_data)), *onto])
    whole, streamed = io.BytesIO(), io.BytesIO()
    jsonld_rows(rows, onto, whole)
    jsonld_stream(iter(rows), onto, streamed, tmp_path)
    assert streamed.getvalue() == whole.getvalue()
    assert list(tmp_path.iterdir()) == []  # spill files removed


def test_a_violation_found_in_a_worker_fails_the_build_and_leaves_exports_untouched(
    synth_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pipeline.build(synth_data, out, steps=pipeline.RDF_ONLY)
    before = _files(out)
    monkeypatch.setattr(triples, "CHUNK_ROWS", 2_000)

    def broken_check(store, ds) -> None:  # a real check raising as SHACL does on a violation
        from peergraph.errors import ValidationFailed

        raise ValidationFailed(f"SHACL: {len(store)} triples, one violation")

    monkeypatch.setattr("peergraph.check.shacl.check_graph", broken_check)
    with pytest.raises(PeergraphError, match="one violation"):
        pipeline.build(synth_data, out)
    assert _files(out) == before  # no export replaced, no temporary file left


def test_a_failed_first_build_leaves_no_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_check(store, ds) -> None:
        from peergraph.errors import ValidationFailed

        raise ValidationFailed("SHACL: one violation")

    monkeypatch.setattr("peergraph.check.shacl.check_graph", broken_check)
    with pytest.raises(PeergraphError):
        pipeline.build(None, tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_streaming_yaml_reader_hands_a_file_that_leaves_the_layout_to_pyyaml(
    synth_data: Path, tmp_path: Path
) -> None:
    """Records read before the layout breaks are not read twice, and line numbers hold."""
    import shutil

    from peergraph.ingest.dataset import finding_files

    data = tmp_path / "data"
    shutil.copytree(synth_data, data)
    plain = load(data)
    path = finding_files(data)[0]
    lines = path.read_text(encoding="utf-8").split("\n")
    items = [i for i, line in enumerate(lines) if line.startswith("  - id: ")]
    assert len(items) > 10
    # a comment after a value is outside the plain layout: the rest goes to PyYAML
    lines[items[5]] += "  # a comment"
    path.write_text("\n".join(lines), encoding="utf-8")
    mixed = load(data)
    assert [f.id for f in mixed.findings] == [f.id for f in plain.findings]
    assert [(f.file, f.line) for f in mixed.findings] == [(f.file, f.line) for f in plain.findings]


def test_streaming_yaml_reader_reads_a_plain_file_as_load_simple_does(synth_data: Path) -> None:
    from peergraph.ingest.dataset import finding_files
    from peergraph.ingest.fastyaml import iter_records, load_simple

    path = finding_files(synth_data)[0]
    whole = load_simple(path.read_text(encoding="utf-8"))
    assert whole is not None
    with open(path, encoding="utf-8") as fh:
        assert list(iter_records(fh, "findings")) == whole["findings"]


def test_ntriples_conversion_is_the_bytes_of_the_row_writers(synth_data: Path, tmp_path: Path):
    from peergraph import __version__
    from peergraph.export.writers import convert_ntriples, stream_rows

    rows = sorted_rows([*data_rows(load(synth_data)), *ontology_rows()])
    nt = tmp_path / "g.nt"
    with open(nt, "wb") as fh:
        stream_rows(rows, "nt", __version__).write(fh)
    for fmt in ("turtle", "rdfxml"):
        expected = io.BytesIO()
        stream_rows(rows, fmt, __version__).write(expected)
        convert_ntriples(nt, tmp_path / fmt, fmt, __version__)
        assert (tmp_path / fmt).read_bytes() == expected.getvalue()


def test_the_findings_size_limit_guards_only_builds_with_checks_views_or_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading and the RDF exports are bounded; only a build with checks, views or docs is
    refused."""
    from peergraph.errors import DataError

    monkeypatch.setenv("PEERGRAPH_MAX_FINDINGS_MB", "0.01")  # the essay's file is ~30 KiB
    assert len(load(ROOT / "data").findings) > 0
    done = pipeline.build(None, tmp_path / "rdf", steps=pipeline.RDF_ONLY)
    assert done.triples == sum(1 for _ in open(tmp_path / "rdf" / "peergraph.nt")) - 1
    with pytest.raises(DataError, match="limit is 0.01 MiB"):
        pipeline.build(None, tmp_path / "all")
    assert not (tmp_path / "all").exists()


def test_the_findings_size_limit_follows_the_memory_this_machine_has_available(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without PEERGRAPH_MAX_FINDINGS_MB the limit is what MemAvailable allows at the measured
    memory per MiB of findings; the one-line refusal names the estimate and the memory."""
    from peergraph.errors import DataError
    from peergraph.ingest import dataset

    monkeypatch.delenv("PEERGRAPH_MAX_FINDINGS_MB", raising=False)
    files = dataset.finding_files(ROOT / "data")
    meminfo = tmp_path / "meminfo"
    kib = int(dataset.BUILD_BASE_GIB * 2**20)  # room for a build of no findings at all
    meminfo.write_text(f"MemTotal:       {4 * kib} kB\nMemAvailable:   {kib} kB\n")
    with pytest.raises(DataError) as refused:
        dataset.check_input_size(files, meminfo)
    message = str(refused.value)
    assert "findings.yaml" in message and "limit is 0 MiB" in message
    assert f"{dataset.BUILD_BASE_GIB:.1f} GiB of memory available" in message
    assert "PEERGRAPH_MAX_FINDINGS_MB" in message
    meminfo.write_text(f"MemAvailable:   {16 * 2**20} kB\n")  # 16 GiB: the essay builds
    dataset.check_input_size(files, meminfo)
    meminfo.write_text("MemTotal:       1 kB\n")  # unknown: the default limit, 8 MiB, holds
    dataset.check_input_size(files, meminfo)
    assert dataset.available_gib(tmp_path / "no-such-file") is None
