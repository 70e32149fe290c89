"""`peergraph serve` under load and attack: no resets, no lost good queries, no lock-up.

Runs the load code of ``benchmarks/serve_load.py`` with small counts against a real server on
127.0.0.1 (real HTTP connections, a fresh one per query). Asserts only on correctness (statuses,
answers, reset counts, worker replacement), never on wall-clock time: the latency figures are the
benchmark's job.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from peergraph.sparql.pool import SPARES
from tests.conftest import DATA

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[1]


def _load_module():
    spec = importlib.util.spec_from_file_location(
        "serve_load", ROOT / "benchmarks" / "serve_load.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("serve_load", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


load = _load_module()


@pytest.fixture(scope="module")
def server():
    from peergraph.sparql.serve import ServeConfig, make_server

    # the time-out bounds the slow queries' share of the test; the good queries need
    # milliseconds each, so 10 s leaves them ample room on a busy machine
    srv = make_server(DATA, ServeConfig(port=0, timeout=10, workers=8))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    host, port = srv.server_address[:2]
    yield srv, f"http://{host}:{port}/sparql"
    srv.shutdown()
    srv.server_close()
    srv.endpoint.close()


def test_listen_backlog_has_room_for_every_worker_and_waiting_query(server):
    srv, _ = server
    config = srv.endpoint.config
    assert srv.request_queue_size == config.workers + config.max_waiting
    assert srv.request_queue_size > 5  # Python's default, which dropped connections


def test_crowd_with_slow_and_malformed_queries_loses_no_good_query(server):
    _, url = server
    report = load.mixed_load(url, clients=20, queries=5, bad_clients=4, bad_queries=4)
    assert report.resets == 0, report.transport_errors
    assert len(report.good) == 100
    assert report.good_wrong == 0, [(o.status, o.body[:80]) for o in report.good if o.status != 200]
    # every bad query got its proper refusal: 503 for the slow ones, 400 for the malformed
    assert dict(report.bad) == {("slow", 503): 8, ("malformed", 400): 8}
    summary = report.summary()
    assert summary["good p95 ms"] >= summary["good p50 ms"] > 0


def test_ask_is_answered_while_nine_slow_queries_hold_every_worker(server):
    srv, url = server
    pool = srv.endpoint.pool
    _wait_until_settled(pool)
    before = pool.stats()["replaced"]
    original = [w.process.pid for w in list(pool._idle)]
    assert len(original) == pool.size + SPARES  # eight workers and the spares
    ask, slow = load.ask_under_slow_load(url, slow=9)
    assert ask.status == 200
    assert json.loads(ask.body) == {"head": {}, "boolean": True}
    # the slow ones never finish by themselves (a three-way cross join): each was stopped, 503
    assert [o.status for o in slow] == [503] * 9
    assert all(b"stopped" in o.body or b"timed out" in o.body for o in slow)
    # ...its process killed (not left running) and replaced, so capacity is back
    assert pool.stats()["replaced"] - before >= 9
    assert sum(not _alive(pid) for pid in original) >= 8
    again = [load.request(url, load.ASK) for _ in range(9)]
    assert [o.status for o in again] == [200] * 9


def _wait_until_settled(pool, limit: float = 120.0) -> None:
    """Wait (bounded) until no query runs and every replacement process has started."""
    give_up = time.monotonic() + limit
    while time.monotonic() < give_up:
        stats = pool.stats()
        if stats["busy"] == stats["starting"] == stats["waiting"] == 0:
            return
        time.sleep(0.05)
    pytest.fail(f"the pool did not settle: {pool.stats()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_stopped_server_leaves_no_worker_running_a_slow_query(how):
    import signal

    proc, url = load.start_server("--workers", "2", "--timeout", "60")
    try:
        sender = threading.Thread(target=load.request, args=(url, load.SLOW), daemon=True)
        sender.start()
        forkservers = _children(proc.pid)
        workers = set().union(*(_children(p) for p in forkservers))
        assert len(workers) >= 2  # two workers and the spares, one of them busy
        proc.send_signal(getattr(signal, how))
        proc.wait(timeout=30)
        give_up = time.monotonic() + 30
        while time.monotonic() < give_up and any(_alive(p) for p in workers | forkservers):
            time.sleep(0.1)
        # a zombie is gone for good, but reaped by init; only live processes count
        still = [p for p in workers | forkservers if _alive(p) and not _zombie(p)]
        assert still == []
    finally:
        if proc.poll() is None:
            proc.kill()


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
