"""Load benchmark for ``peergraph serve``: can a crowd, slow queries or bad input starve it?

    python benchmarks/serve_load.py                  # 50 clients x 20 queries + 10 bad clients
    python benchmarks/serve_load.py --clients 10 --queries 5 --bad-clients 2

Starts ``peergraph serve --port 0`` (the real command, on 127.0.0.1 only) and measures:

1. mixed load: ``--clients`` threads each send ``--queries`` good SELECTs (a new connection per
   query, as a crowd of browsers would), while ``--bad-clients`` threads send, in turn, slow
   cross-join aggregates and malformed queries. Reported: connection resets and other transport
   errors, good queries that did not get their correct answer, the statuses the bad ones got,
   p50/p95/max latency of the good queries.
2. ASK under slow load: nine slow queries are sent at once, then ``ASK {?s ?p ?o}``; its latency
   is reported (``--rounds`` times), and the slow ones' statuses.

Everything is bounded: every request has a client time-out, the server is stopped at the end.
Figures depend on the machine and its load; this is a benchmark, not a test (``tests/
test_serve_load.py`` runs the same code with small counts and asserts only on correctness).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PAPERS = (
    "PREFIX pg: <https://w3id.org/peergraph/ontology/>\n"
    "SELECT ?key WHERE { ?p a pg:Paper ; pg:citationKey ?key } ORDER BY ?key"
)
FINDINGS = "SELECT (COUNT(?f) AS ?n) WHERE { ?f a pg:Finding }"  # default prefixes
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != 1) }"
MALFORMED = ["SELECT * WHERE { ?s ?p", "SELEC ?x WHERE { }", "ASK { ?s foo:bar ?o }", "\x00{}"]
ASK = "ASK { ?s ?p ?o }"


@dataclass
class Outcome:
    """One request: HTTP status (None on a transport error), body, latency, error class."""

    status: int | None
    body: bytes
    seconds: float
    error: str = ""


def request(url: str, query: str, *, method: str = "GET", timeout: float = 60.0) -> Outcome:
    """One query on a fresh connection (``Connection: close``)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.monotonic()
    try:
        headers = {"Accept": "application/sparql-results+json", "Connection": "close"}
        if method == "POST":
            headers["Content-Type"] = "application/sparql-query"
            conn.request("POST", parts.path, body=query.encode("utf-8"), headers=headers)
        else:
            conn.request("GET", parts.path + "?" + urlencode({"query": query}), headers=headers)
        response = conn.getresponse()
        body = response.read()
        return Outcome(response.status, body, time.monotonic() - started)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, b"", time.monotonic() - started, type(exc).__name__)
    finally:
        conn.close()


def good_answer(query: str, outcome: Outcome, expected: dict[str, object]) -> bool:
    """True when a good query got 200 and exactly the expected result."""
    if outcome.status != 200:
        return False
    data = json.loads(outcome.body)
    if query == PAPERS:
        return [b["key"]["value"] for b in data["results"]["bindings"]] == expected[PAPERS]
    return data["results"]["bindings"][0]["n"]["value"] == expected[FINDINGS]


@dataclass
class LoadReport:
    good: list[Outcome] = field(default_factory=list)
    good_wrong: int = 0
    good_wrong_kinds: Counter = field(default_factory=Counter)  # (status, first line) -> count
    bad: Counter = field(default_factory=Counter)  # (kind, status) -> count
    resets: int = 0  # transport errors: reset, refused, closed without a response
    transport_errors: Counter = field(default_factory=Counter)

    def summary(self) -> dict[str, object]:
        times = sorted(o.seconds for o in self.good)
        pct = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times
        return {
            "good queries": len(self.good),
            "good queries without their correct answer": self.good_wrong,
            "what the good queries without their answer got": dict(self.good_wrong_kinds),
            "connection resets / transport errors": self.resets,
            "transport errors by kind": dict(self.transport_errors),
            "bad queries by (kind, status)": {f"{k} {s}": n for (k, s), n in self.bad.items()},
            "good p50 ms": round(pct[49] * 1000) if len(times) > 1 else None,
            "good p95 ms": round(pct[94] * 1000) if len(times) > 1 else None,
            "good max ms": round(times[-1] * 1000) if times else None,
        }


def expected_answers(url: str) -> dict[str, object]:
    """The good queries' answers, asked once on an idle server (then checked on every reply)."""
    answers = {query: request(url, query) for query in (PAPERS, FINDINGS)}
    for query, outcome in answers.items():
        if outcome.status != 200:
            raise SystemExit(
                f"the idle server answered {outcome.status} to {query!r}: {outcome.body!r}"
            )
    papers = json.loads(answers[PAPERS].body)
    findings = json.loads(answers[FINDINGS].body)
    return {
        PAPERS: [b["key"]["value"] for b in papers["results"]["bindings"]],
        FINDINGS: findings["results"]["bindings"][0]["n"]["value"],
    }


def mixed_load(url: str, *, clients: int, queries: int, bad_clients: int, bad_queries: int,
               timeout: float = 60.0) -> LoadReport:  # fmt: skip
    """Good clients and bad clients at once; every thread stops after its fixed count."""
    expected = expected_answers(url)
    report = LoadReport()
    lock = threading.Lock()
    start = threading.Barrier(clients + bad_clients)

    def record_transport(outcome: Outcome) -> None:
        report.resets += 1
        report.transport_errors[outcome.error] += 1

    def good_client(index: int) -> None:
        start.wait()
        for n in range(queries):
            query = PAPERS if (index + n) % 2 else FINDINGS
            outcome = request(url, query, method="POST" if n % 3 == 0 else "GET", timeout=timeout)
            with lock:
                if outcome.status is None:
                    record_transport(outcome)
                report.good.append(outcome)
                if not good_answer(query, outcome, expected):
                    report.good_wrong += 1
                    first = outcome.body.decode("utf-8", "replace").split("\n")[0][:100]
                    report.good_wrong_kinds[(outcome.status, first)] += 1

    def bad_client(index: int) -> None:
        start.wait()
        for n in range(bad_queries):
            slow = (index + n) % 2 == 0
            query = SLOW if slow else MALFORMED[(index + n) % len(MALFORMED)]
            outcome = request(url, query, timeout=timeout)
            with lock:
                if outcome.status is None:
                    record_transport(outcome)
                report.bad[("slow" if slow else "malformed", outcome.status)] += 1

    threads = [threading.Thread(target=good_client, args=(i,)) for i in range(clients)]
    threads += [threading.Thread(target=bad_client, args=(i,)) for i in range(bad_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report


def ask_under_slow_load(url: str, *, slow: int = 9, settle: float = 0.3,
                        timeout: float = 60.0) -> tuple[Outcome, list[Outcome]]:  # fmt: skip
    """Send ``slow`` slow queries at once, then an ASK; the ASK's outcome and the slow ones'."""
    results: list[Outcome] = []
    lock = threading.Lock()

    def send_slow() -> None:
        outcome = request(url, SLOW, timeout=timeout)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=send_slow) for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(settle)  # let the slow ones reach the workers first
    ask = request(url, ASK, timeout=timeout)
    for thread in threads:
        thread.join()
    return ask, results


def start_server(*options: str) -> tuple[subprocess.Popen, str]:
    """``peergraph serve --port 0`` in a child process; returns it and its /sparql URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "peergraph.cli", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"(http://\S+/sparql)", line)
    if not found:
        proc.kill()
        raise SystemExit(f"server did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
    return proc, found[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--queries", type=int, default=20, help="good queries per client")
    parser.add_argument("--bad-clients", type=int, default=10)
    parser.add_argument("--bad-queries", type=int, default=10, help="queries per bad client")
    parser.add_argument("--rounds", type=int, default=5, help="ASK-under-slow-load rounds")
    parser.add_argument(
        "--serve-option",
        action="append",
        default=[],
        metavar="OPT",
        help="extra option for peergraph serve, e.g. --serve-option=--workers=4",
    )
    args = parser.parse_args(argv)
    proc, url = start_server(*args.serve_option)
    try:
        started = time.monotonic()
        report = mixed_load(
            url,
            clients=args.clients,
            queries=args.queries,
            bad_clients=args.bad_clients,
            bad_queries=args.bad_queries,
        )
        summary = report.summary()
        summary["wall s"] = round(time.monotonic() - started, 1)
        print(
            f"## mixed load: {args.clients} clients x {args.queries} good queries, "
            f"{args.bad_clients} clients x {args.bad_queries} slow/malformed"
        )
        for key, value in summary.items():
            print(f"- {key}: {value}")
        print(f"\n## ASK {{?s ?p ?o}} while nine slow queries run ({args.rounds} rounds)")
        latencies = []
        for _ in range(args.rounds):
            ask, slow = ask_under_slow_load(url)
            ok = ask.status == 200 and json.loads(ask.body).get("boolean") is True
            latencies.append(ask.seconds)
            statuses = dict(Counter(o.status for o in slow))
            answer = "true" if ok else f"FAILED {ask.status}"
            print(
                f"- ASK {answer} in {ask.seconds * 1000:.0f} ms; slow queries' statuses: {statuses}"
            )
        print(
            f"- ASK latency: median {statistics.median(latencies) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
