"""The HTML views drawn in a forked child: same bytes as in-process, errors come back, no
process outlives a build (failed or not)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from peergraph import pipeline
from peergraph.errors import PeergraphError
from peergraph.view import background
from peergraph.view.background import Background

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
    job = Background(
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

    job = Background(broken, fork=True)
    pid = job._pid
    with pytest.raises(ValueError, match="no view today"):
        job.result()
    assert pid not in _children()


@needs_fork
def test_cancel_kills_and_reaps_a_running_child():
    job = Background(lambda: time.sleep(60), fork=True)
    pid = job._pid
    assert pid in _children()
    job.cancel()
    job.cancel()  # twice is harmless
    assert pid not in _children()


def test_without_fork_the_function_runs_here():
    job = Background(os.getpid, fork=False)
    assert job._pid == 0
    assert job.result() == os.getpid()


def test_a_process_running_other_threads_draws_in_process():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        job = Background(os.getpid)
        assert job._pid == 0
        assert job.result() == os.getpid()
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_build_with_and_without_the_forked_views_writes_the_same_bytes(tmp_path, monkeypatch):
    if not (background.USE_FORK and background._single_threaded()):
        pytest.skip("this test process runs other threads: the build would not fork")
    before = set(_children())  # e.g. servers other tests left running
    forked = pipeline.build(DATA, tmp_path / "forked")
    monkeypatch.setattr(background, "USE_FORK", False)
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
