r"""Float64 sums of ``log(1 - epsilon_i)`` over power-law schedules (candidates and the float API).

Generations whose rate exceeds :data:`~bounds.numeric.series.PEEL_RATE` are
summed directly; for the rest, ``log(1 - x) = -sum_j x**j / j`` turns the sum
over generations into a rapidly converging sum over ``j``, each term a
difference of Hurwitz zeta values:

.. math:: \sum_{i=K+1}^{N} \log(1 - c i^{-s}) = -\sum_{j\ge1} \frac{c^j}{j}
          \bigl(\zeta(sj, K+1) - \zeta(sj, N+1)\bigr)

(analytically continued for ``sj < 1``; ``psi(N+1) - psi(K+1)`` at ``sj = 1``).
The rigorous ball version lives in :mod:`bounds.models.power`; the geometric
(q-Pochhammer) sums in :mod:`bounds.numeric.series`.
"""

from __future__ import annotations

import math

import flint
import numpy as np

from bounds.numeric.contexts import BallContext
from bounds.numeric.series import PEEL_RATE

__all__ = ["power_log_float", "power_peel_count"]


def _float_terms(b: float) -> int:
    """Terms of sum_j b**j/j needed for float64 accuracy (b <= PEEL_RATE gives about 60)."""
    if b <= 0:
        return 0
    return int(math.ceil(-40.0 / math.log(b))) + 2


# -- power law -------------------------------------------------------------------------------------

def power_peel_count(c: float, s: float) -> int:
    """Number of leading generations ``i`` with ``c i**-s`` above PEEL_RATE."""
    if c <= PEEL_RATE:
        return 0
    estimate = (c / PEEL_RATE) ** (1 / s)
    if estimate > 1e12:
        return int(min(estimate, 1e300))
    count = int(estimate)
    while count > 0 and c * count ** (-s) <= PEEL_RATE:
        count -= 1
    while c * (count + 1) ** (-s) > PEEL_RATE:
        count += 1
    return count


def _hurwitz_tail_float(x: float, low: float, high: np.ndarray) -> np.ndarray:
    """``sum_{i=low}^{high} i**-x`` for an array of ``high`` (``inf`` allowed when x > 1)."""
    import scipy.special

    if x > 1 and x - 1 > 1e-2:
        infinite = np.isinf(high)
        with np.errstate(invalid="ignore"):
            upper = np.where(infinite, 0.0, scipy.special.zeta(x, np.where(infinite, 1.0, high + 1)))
        return scipy.special.zeta(x, low) - upper
    if x == 1:
        return scipy.special.digamma(high + 1) - scipy.special.digamma(low)
    # x < 1 (analytic continuation) or x near the pole at 1: scipy cannot; arb's Hurwitz zeta with
    # guard bits for the cancellation near the pole can (this is the float path: only the midpoint is used)
    with BallContext(80 + max(0, int(-math.log2(abs(x - 1))))):
        power = flint.arb(x)
        start = power.zeta(flint.arb(low))
        tails = [flint.arb(0) if np.isinf(value) else power.zeta(flint.arb(int(value) + 1)) for value in high.ravel()]
        return np.array([float((start - tail).mid()) for tail in tails]).reshape(high.shape)


def power_log_float(c: float, s: float, counts: np.ndarray, direct: np.ndarray) -> np.ndarray:
    """``sum_{i<=N} log1p(-c i**-s)`` for each ``N`` in ``counts`` (``inf`` allowed when s > 1).

    ``direct`` holds the prefix sums ``direct[N]`` computed term by term for
    ``N < len(direct)``, which must cover the peeled generations.
    """
    counts = np.asarray(counts, dtype=np.float64)
    last = direct.size - 1
    result = direct[np.minimum(counts, last).astype(np.int64)]
    beyond = counts > last
    if not beyond.any() or c == 0:
        return result
    b = c * (last + 1) ** (-s)
    high = counts[beyond]
    series = np.zeros(high.shape)
    for j in range(1, _float_terms(b) + 1):
        term = c**j / j * _hurwitz_tail_float(s * j, last + 1.0, high)
        series += term
        if np.all(np.abs(term) <= 1e-18 * np.abs(series)):
            break
    result[beyond] += -series
    return result
