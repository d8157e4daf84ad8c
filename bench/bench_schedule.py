"""Schedule models against the direct product they replace.

Each measurement also checks that the fast path agrees with its baseline, so
that ``--quick`` runs in CI test the harness and the numbers without timing.
"""

from __future__ import annotations

import time
from typing import Any

import mpmath
import numpy as np

from bounds import Geometric, Power


def _timed(function: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def run(quick: bool) -> list[dict[str, Any]]:
    results = []

    # 1. the q-Pochhammer limit for r = 0.999 (mpmath.qp does not converge) against a direct product
    terms = 20_000 if quick else 80_000
    model = Geometric(epsilon1="0.001", ratio="0.999")

    def series() -> mpmath.mpf:
        with mpmath.workdps(40):
            return model.limit_mp(30)

    def direct() -> mpmath.mpf:
        with mpmath.workdps(40):
            a, q = mpmath.mpf("0.001"), mpmath.mpf("0.999")
            return mpmath.fprod(1 - a * q**k for k in range(terms))

    fast, fast_seconds = _timed(series)
    slow, slow_seconds = _timed(direct)
    with mpmath.workdps(40):
        tail = mpmath.mpf("0.001") * mpmath.mpf("0.999") ** terms / mpmath.mpf("0.001")
        assert abs(fast / slow - 1) <= 2 * tail
    results.append({
        "name": "geometric limit (0.001; 0.999)_inf, 30 digits",
        "seconds": fast_seconds,
        "baseline": f"mpmath direct product of {terms} factors (truncation error {mpmath.nstr(tail, 2)})",
        "baseline_seconds": slow_seconds,
        "ratio": fast_seconds / slow_seconds,
        "notes": "mpmath.qp(0.001, 0.999) does not converge; the series needs about 100 terms",
    })

    # 2. float survival at many N against numpy cumsum of log1p (which needs every generation)
    count = 10**5 if quick else 10**7
    counts = np.arange(1, count + 1, dtype=np.float64)
    fast_values, fast_seconds = _timed(lambda: model.log_survival(counts[:: max(1, count // 1000)]))
    slow_values, slow_seconds = _timed(
        lambda: np.cumsum(np.log1p(-0.001 * 0.999 ** (counts - 1)))[:: max(1, count // 1000)]
    )
    assert np.allclose(fast_values, slow_values, rtol=1e-9, atol=0)
    results.append({
        "name": f"geometric log S(N) at 1000 N up to {count}",
        "seconds": fast_seconds,
        "baseline": "numpy cumsum of log1p over every generation",
        "baseline_seconds": slow_seconds,
        "ratio": fast_seconds / slow_seconds,
        "notes": "the series costs the same at N = 1e15, where the baseline cannot run",
    })

    # 3. power law at large N: Hurwitz-zeta series against a direct float sum
    count = 10**5 if quick else 10**7
    power = Power(epsilon1="0.3", exponent="1.5")
    fast_value, fast_seconds = _timed(lambda: power.log_survival(count))
    slow_value, slow_seconds = _timed(
        lambda: float(np.sum(np.log1p(-0.3 * np.arange(1, count + 1, dtype=np.float64) ** -1.5)))
    )
    assert abs(fast_value - slow_value) <= 1e-9 * abs(slow_value)
    results.append({
        "name": f"power-law log S({count})",
        "seconds": fast_seconds,
        "baseline": "numpy sum of log1p over every generation",
        "baseline_seconds": slow_seconds,
        "ratio": fast_seconds / slow_seconds,
        "notes": "zeta series after 64 direct generations",
    })
    return results


if __name__ == "__main__":
    import sys

    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']}: {row['seconds']:.4g} s vs {row['baseline_seconds']:.4g} s "
              f"(ratio {row['ratio']:.3g}); {row['notes']}")
