"""Safety under load on a live server: concurrent requests, a runaway request, the memory limit.

No timing is asserted (speed is in bench/bench_web.py); what is asserted is the contract: every
request is answered, a runaway gets 503 naming the limit, and other requests are answered
*while* the runaway still runs.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from .conftest import LIVE_MEMORY_MB, LIVE_TIMEOUT

#: ``interval --lp`` at the largest N it accepts: an LP over 200001 variables, seconds of CPU, little memory.
RUNAWAY = "/api/interval?epsilon=0.001&generations=200000&rho=0.01&lp=true"
SIMPLE = "/api/budget?model=independent&epsilon=0.001&threshold=0.605"


def test_fifty_concurrent_requests_are_all_answered(live_url) -> None:
    epsilons = [f"0.00{k}" for k in range(1, 10)]

    def get(k: int) -> tuple[int, int | None]:
        response = httpx.get(
            f"{live_url}/api/budget", params={"epsilon": epsilons[k % 9], "threshold": "0.605"}, timeout=120
        )
        return response.status_code, response.json().get("budget")

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(get, range(50)))
    assert [status for status, _ in answers] == [200] * 50
    # each answer is the one for its own input: floor(ln 0.605 / ln(1 - eps)) certified; 502 at eps = 0.001
    assert answers[0][1] == 502 and answers[9][1] == 502
    assert len({budget for _, budget in answers}) == 9


def test_a_runaway_is_503_while_other_requests_are_answered(live_url) -> None:
    simple_answers: list[int] = []
    runaway_done = threading.Event()

    def ask_simple_until_runaway_returns() -> None:
        while not runaway_done.is_set():
            simple_answers.append(httpx.get(live_url + SIMPLE, timeout=120).status_code)

    helper = threading.Thread(target=ask_simple_until_runaway_returns)
    helper.start()
    response = httpx.get(live_url + RUNAWAY, timeout=120)
    answered_during_runaway = len(simple_answers)
    runaway_done.set()
    helper.join()
    assert response.status_code == 503
    assert f"longer than the limit of {LIVE_TIMEOUT:g} s" in response.json()["error"]
    assert answered_during_runaway >= 1 and set(simple_answers) == {200}
    # the stopped worker is replaced: the server keeps answering afterwards
    assert httpx.get(live_url + SIMPLE, timeout=120).status_code == 200


def test_over_the_memory_limit_is_503(live_url) -> None:
    # 1e8 Monte Carlo draws need ~4 GB of intermediate arrays (bounds.evidence.uncertain.MAX_DRAWS)
    response = httpx.get(
        f"{live_url}/api/budget",
        params={"epsilon_interval": "1e-4 1e-2", "credibility": "0.9", "threshold": "0.5", "draws": "100000000"},
        timeout=120,
    )
    assert response.status_code == 503
    error = response.json()["error"]
    assert "memory" in error or f"limit of {LIVE_TIMEOUT:g} s" in error, error
    assert httpx.get(live_url + SIMPLE, timeout=120).status_code == 200
    assert LIVE_MEMORY_MB < 4000
