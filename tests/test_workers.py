"""One job in a forked child (``peergraph.workers.Worker``, used by the build and by analyze):
same bytes as in-process, errors come back as they were, no process outlives a build (failed
or not)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from peergraph import pipeline, workers
from peergraph.errors import DataError, PeergraphError, Problem
from peergraph.workers import Worker

from .conftest import DATA, ROOT

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")


def _children() -> list[int]:
    """Live (or unreaped) child processes of this process, read from /proc."""
    me = os.getpid()
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == me:
                out.append(int(entry.name))
    return out


@needs_fork
def test_a_forked_result_is_the_value_and_the_child_is_reaped():
    job = Worker(
        lambda: {"peergraph.html": b"<html>\xe2\x9c\x93</html>", "n": os.getpid()}, fork=True
    )
    pid = job._pid
    assert pid > 0
    value = job.result()
    assert value["peergraph.html"] == b"<html>\xe2\x9c\x93</html>"
    assert value["n"] == pid != os.getpid()  # computed in the child
    assert pid not in _children()


@needs_fork
def test_the_childs_exception_is_raised_in_the_parent():
    def broken() -> None:
        raise ValueError("no view today")

    job = Worker(broken, fork=True)
    pid = job._pid
    with pytest.raises(ValueError, match="no view today"):
        job.result()
    assert pid not in _children()


@needs_fork
def test_cancel_kills_and_reaps_a_running_child():
    job = Worker(lambda: time.sleep(60), fork=True)
    pid = job._pid
    assert pid in _children()
    job.cancel()
    job.cancel()  # twice is harmless
    assert pid not in _children()


@needs_fork
def test_a_data_error_in_the_child_comes_back_with_its_problems():
    def invalid() -> None:
        raise DataError([Problem("findings.yaml", "F99: 'outcome' is empty", record="F99")])

    job = Worker(invalid, fork=True)
    with pytest.raises(DataError) as caught:
        job.result()
    assert [p.record for p in caught.value.problems] == ["F99"]
    assert "F99: 'outcome' is empty" in str(caught.value)


@needs_fork
def test_cancel_lets_the_child_unwind_before_it_is_reaped(tmp_path):
    """SIGTERM first: a child with a handler that unwinds (as the CLI installs) runs its
    ``finally`` blocks, so its temporary files are removed."""
    import signal

    temp = tmp_path / "partial.tmp"

    def unwind(*_: object) -> None:
        raise SystemExit(143)

    def writing() -> None:
        signal.signal(signal.SIGTERM, unwind)
        temp.write_text("half", encoding="utf-8")
        try:
            time.sleep(60)
        finally:
            temp.unlink()

    job = Worker(writing, fork=True)
    while not temp.exists():
        time.sleep(0.01)
    job.cancel()
    assert not temp.exists()
    assert job._pid == 0


def test_without_fork_the_function_runs_here():
    job = Worker(os.getpid, fork=False)
    assert job._pid == 0
    assert job.result() == os.getpid()


def test_a_process_running_other_threads_draws_in_process():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        job = Worker(os.getpid)
        assert job._pid == 0
        assert job.result() == os.getpid()
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_build_with_and_without_the_forked_views_writes_the_same_bytes(tmp_path, monkeypatch):
    if not (workers.CAN_FORK and workers.single_threaded()):
        pytest.skip("this test process runs other threads: the build would not fork")
    before = set(_children())  # e.g. servers other tests left running
    forked = pipeline.build(DATA, tmp_path / "forked")
    monkeypatch.setattr(workers, "CAN_FORK", False)
    here = pipeline.build(DATA, tmp_path / "here")
    assert forked.files == here.files
    assert {"peergraph.html", "evidence-map.html", "ontology/index.html"} <= set(forked.files)
    for name in forked.files:
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
    assert set(_children()) <= before


@needs_fork
def test_a_build_that_fails_its_checks_leaves_no_worker_and_no_files(tmp_path, monkeypatch):
    onto = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", onto)
    with (onto / "statements.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n<https://w3id.org/peergraph/ontology/Unlabelled> a "
                 "<http://www.w3.org/2002/07/owl#Class> .\n")  # fmt: skip
    monkeypatch.setenv("PEERGRAPH_ONTOLOGY", str(onto))
    before = set(_children())  # e.g. servers other tests left running
    with pytest.raises(PeergraphError):
        pipeline.build(DATA, tmp_path / "out")
    assert set(_children()) <= before
    assert not (tmp_path / "out" / "peergraph.html").exists()
