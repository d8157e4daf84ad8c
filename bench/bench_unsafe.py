"""Absorbing chains and persistent floors at N = 1e15 against the baselines they replace.

Each measurement also checks its answer, so ``--quick`` runs in CI test the
harness and the numbers without timing anything.
"""

from __future__ import annotations

import time
from typing import Any

import mpmath
import numpy as np

from bounds import AbsorbingChain, Geometric, PersistentUnsafe

REFERENCE_Q = [["0.995", "0.004"], ["0.3", "0.6"]]


def _timed(function: Any, repeat: int = 1) -> tuple[Any, float]:
    start = time.perf_counter()
    for _ in range(repeat):
        value = function()
    return value, (time.perf_counter() - start) / repeat


def run(quick: bool) -> list[dict[str, Any]]:
    results = []
    chain = AbsorbingChain(REFERENCE_Q, [1, 0])
    q = np.array([[0.995, 0.004], [0.3, 0.6]])
    alpha = np.array([1.0, 0.0])

    # 1. absorbing-chain log-survival at N = 1e15: rescaled repeated squaring (float64) against
    #    numpy.linalg.matrix_power, which underflows to 0 (log = -inf) long before N = 1e15
    n = 10**15
    fresh = AbsorbingChain(REFERENCE_Q, [1, 0])  # no cached powers: time includes building them
    value, seconds = _timed(lambda: fresh.log_survival(n))
    cached, cached_seconds = _timed(lambda: chain.log_survival(n), repeat=5 if quick else 200)
    with np.errstate(under="ignore"):
        naive, naive_seconds = _timed(lambda: alpha @ np.linalg.matrix_power(q, n) @ np.ones(2))
    with mpmath.workdps(30):
        exact_log = mpmath.log(chain.survival_mp(n, 20))
    relative = abs(value / float(exact_log) - 1)
    assert relative < 1e-9 and value == cached, (value, exact_log)
    results.append(
        {
            "name": "absorbing log_survival(1e15)",
            "seconds": seconds,
            "baseline": "numpy.linalg.matrix_power(Q, N) (underflows)",
            "baseline_seconds": naive_seconds,
            "ratio": seconds / naive_seconds,
            "notes": f"ln S = {value:.12g} (relative error {relative:.1e} against mpmath); repeated call "
            f"{cached_seconds * 1e6:.0f} us; baseline gives S = {naive} (ln = -inf)",
        }
    )

    # 2. the certifying path at N = 1e15: mpmath repeated squaring against the float path
    high, high_seconds = _timed(lambda: chain.survival_mp(n, 30))
    results.append(
        {
            "name": "absorbing survival_mp(1e15, 30 digits)",
            "seconds": high_seconds,
            "baseline": "float64 log_survival(1e15)",
            "baseline_seconds": cached_seconds,
            "ratio": high_seconds / cached_seconds,
            "notes": f"S(1e15) = {mpmath.nstr(high, 12)}",
        }
    )

    # 3. a persistent floor under a geometric schedule at N = 1e15: O(log N) switch search
    #    against a term-by-term sum (baseline timed on 1e6 terms, scaled linearly to 1e15)
    model = PersistentUnsafe(Geometric(epsilon1="0.01", ratio="0.5"), "0.001")
    floor_value, floor_seconds = _timed(lambda: PersistentUnsafe(model.base, "0.001").log_survival(n))
    terms = 10**5 if quick else 10**6
    index = np.arange(1, terms + 1, dtype=np.float64)
    _, direct_seconds = _timed(lambda: np.sum(np.log1p(-np.maximum(model.base.rate(index), 0.001))))
    scaled = direct_seconds * n / terms
    results.append(
        {
            "name": "persistent floor log_survival(1e15)",
            "seconds": floor_seconds,
            "baseline": "term-by-term sum (timed on 1e6 terms, scaled to 1e15)",
            "baseline_seconds": scaled,
            "ratio": floor_seconds / scaled,
            "notes": f"ln S = {floor_value:.12g}",
        }
    )
    return results


if __name__ == "__main__":
    import sys

    for row in run("--quick" in sys.argv):
        print(row)
