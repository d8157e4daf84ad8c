"""Load test of the web calculator: concurrent requests on localhost, latency percentiles.

A live server (two workers, the default limits) answers ``/api/budget`` for a spread of inputs
from 16 concurrent clients: 200 requests (20 with ``--quick``), bounded in count and, through the
server's own per-request limit, in time. Baseline: the same CLI command run in-process, the work
each request does in its worker; the ratio says what the HTTP round trip, the queue and the worker
hand-off cost on top. Every answer is checked against the CLI's own JSON.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from typing import Any

CONCURRENCY = 16
EPSILONS = ["0.001", "0.002", "0.0005", "1e-20", "0.1", "0.25"]


def _cli_budget(epsilon: str) -> str:
    from bounds.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["budget", "--epsilon", epsilon, "--threshold", "0.605", "--json"]) == 0
    return out.getvalue()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run(quick: bool) -> list[dict[str, Any]]:
    import httpx

    from bounds.web.app import create_app
    from bounds.web.server import running
    from bounds.web.workers import Limits

    requests = 20 if quick else 200
    expected = {epsilon: json.loads(_cli_budget(epsilon)) for epsilon in EPSILONS}
    baseline_times = []
    for epsilon in EPSILONS * 3:
        start = time.perf_counter()
        _cli_budget(epsilon)
        baseline_times.append(time.perf_counter() - start)
    baseline = statistics.median(baseline_times)
    with (
        running(create_app(Limits())) as url,
        httpx.Client(base_url=url, timeout=60, limits=httpx.Limits(max_connections=CONCURRENCY)) as client,
    ):

        def ask(k: int) -> float:
            epsilon = EPSILONS[k % len(EPSILONS)]
            start = time.perf_counter()
            response = client.get("/api/budget", params={"epsilon": epsilon, "threshold": "0.605"})
            elapsed = time.perf_counter() - start
            assert response.status_code == 200 and response.json() == expected[epsilon], response.text
            return elapsed

        for k in range(4):
            ask(k)  # warm: the workers' first calls
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            latencies = list(pool.map(ask, range(requests)))
        wall = time.perf_counter() - start
    notes = f"{requests} requests, {CONCURRENCY} concurrent, 2 workers; {requests / wall:.0f} requests/s overall"
    return [
        {
            "name": f"web /api/budget latency p{q}",
            "seconds": _percentile(latencies, q),
            "baseline": "bounds budget --json in-process (median)",
            "baseline_seconds": baseline,
            "ratio": baseline / _percentile(latencies, q),
            "notes": notes,
        }
        for q in (50, 90, 99)
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        print(
            f"{row['name']}: {row['seconds'] * 1e3:.1f} ms (CLI in-process {row['baseline_seconds'] * 1e3:.1f} ms); "
            f"{row['notes']}"
        )
