"""Sums of ``log(1 - epsilon_i)`` over geometric and power-law schedules, in float64 and mpmath.

Both use the same device: generations whose rate exceeds :data:`PEEL_RATE`
are summed directly ("peeled off"); for the rest, ``log(1 - x) = -sum_j x**j / j``
turns the sum over generations into a rapidly converging sum over ``j``
(ratio at most ``PEEL_RATE``), each of whose terms is a closed form:

* geometric rates ``a q**k`` (``0 < q < 1``), ``k = 0..M-1``:

  .. math:: \\sum_{k<M} \\log(1 - a q^k) = -\\sum_{j\\ge1} \\frac{a^j}{j}\\,\\frac{1 - q^{jM}}{1 - q^j}

  which for ``M = infinity`` is ``log (a; q)_infinity`` (q-Pochhammer), and is
  evaluated with ``expm1`` so that neither ``M = 1`` nor ``q`` near 1 cancels;
* power-law rates ``c i**-s``, ``i = K+1..N``:

  .. math:: \\sum_{i=K+1}^{N} \\log(1 - c i^{-s}) = -\\sum_{j\\ge1} \\frac{c^j}{j}
            \\bigl(\\zeta(sj, K+1) - \\zeta(sj, N+1)\\bigr)

  with the Hurwitz zeta function (analytically continued for ``sj < 1``;
  ``psi(N+1) - psi(K+1)`` at ``sj = 1``).

The mpmath versions stop the ``j`` series with a rigorous bound on its tail
(module functions document it); the float versions take enough terms for
float64. ``mpmath.qp`` is not used: it fails to converge for ``q = 0.999``.

References
----------
G. Gasper and M. Rahman, *Basic Hypergeometric Series*, 2nd ed., CUP 2004, §1.3.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import scipy.special

from bounds.errors import BoundsError

__all__ = ["PEEL_RATE", "geometric_log_float", "geometric_log_mp", "power_log_float", "power_log_mp"]

#: Rates above this are summed term by term; below it the j-series converges at least like 2**-j.
PEEL_RATE = 0.5
#: Most generations summed term by term (float64 / mpmath) before giving up.
_PEEL_MAX_FLOAT = 10**7
_PEEL_MAX_MP = 10**5
_CHUNK = 2**16


def _too_many(what: str, count: float) -> BoundsError:
    return BoundsError(
        f"{what}: about {count:.3g} generations have a rate above {PEEL_RATE}; this combination of a "
        "rate near 1 with a ratio or exponent this close to the boundary is outside the supported range"
    )


def _float_terms(b: float) -> int:
    """Terms of sum_j b**j/j needed for float64 accuracy (b <= PEEL_RATE gives about 60)."""
    if b <= 0:
        return 0
    return int(math.ceil(-40.0 / math.log(b))) + 2


# -- geometric -------------------------------------------------------------------------------------

def _geometric_peel_count(a: float, q: float) -> int:
    """Number of leading terms ``a q**k`` above PEEL_RATE."""
    if a <= PEEL_RATE:
        return 0
    return max(0, int(math.ceil(math.log(PEEL_RATE / a) / math.log(q))))


def geometric_log_float(a: float, q: float, counts: np.ndarray) -> np.ndarray:
    """``sum_{k < M} log1p(-a q**k)`` for each ``M`` in ``counts`` (inf allowed), 0 <= a < 1, 0 < q < 1."""
    counts = np.asarray(counts, dtype=np.float64)
    result = np.zeros(counts.shape)
    if a == 0:
        return result
    peel = _geometric_peel_count(a, q)
    if peel > _PEEL_MAX_FLOAT:
        raise _too_many("geometric schedule", peel)
    largest = int(min(peel, np.max(counts)))
    direct = np.zeros(largest + 1)
    for start in range(0, largest, _CHUNK):
        k = np.arange(start, min(start + _CHUNK, largest), dtype=np.float64)
        direct[start + 1 : start + 1 + k.size] = np.log1p(-a * q**k)
    prefix = np.cumsum(direct)
    result = prefix[np.minimum(counts, largest).astype(np.int64)]
    rest = counts - peel
    b = a * q**peel
    if not (rest > 0).any() or b == 0:
        return result
    j = np.arange(1, _float_terms(b) + 1, dtype=np.float64)
    log_q = math.log(q)
    weight = b**j / j / -np.expm1(j * log_q)
    remaining = rest[rest > 0]
    with np.errstate(invalid="ignore"):
        finite = np.where(np.isinf(remaining), 0.0, remaining)
        factor = np.where(np.isinf(remaining)[:, None], 1.0, -np.expm1(np.outer(finite, j) * log_q))
    result[rest > 0] += -(factor * weight).sum(axis=1)
    return result


def geometric_log_mp(a: mpmath.mpf, q: mpmath.mpf, count: int | None, tolerance: mpmath.mpf) -> mpmath.mpf:
    """``sum_{k < count} log1p(-a q**k)`` at the working precision; ``count=None`` means infinity.

    The ``j`` series is stopped once its tail is below ``tolerance`` (absolute):
    with ``b`` the first rate not peeled and ``F = min(M, 1/(1-q))`` (since
    ``(1 - q**(jM))/(1 - q**j) = sum_{t<M} q**(jt) <= F``), the terms after ``J``
    sum to at most ``F b**(J+1) / ((J+1)(1-b))``.
    """
    if a == 0 or count == 0:
        return mpmath.mpf(0)
    peel = 0
    if a > PEEL_RATE:
        peel = max(0, int(mpmath.ceil(mpmath.log(PEEL_RATE / a) / mpmath.log(q))))
        while peel > 0 and a * q ** (peel - 1) <= PEEL_RATE:  # float rounding of the estimate
            peel -= 1
        while a * q**peel > PEEL_RATE:
            peel += 1
    direct_count = peel if count is None else min(peel, count)
    if direct_count > _PEEL_MAX_MP:
        raise _too_many("geometric schedule", direct_count)
    # a product of the factors, then one log: mpmath's log1p costs ~100x a multiplication. Each factor
    # is >= 1/2 (no cancellation) and each product rounds once: the count's digits are guard digits.
    with mpmath.workdps(mpmath.mp.dps + len(str(direct_count)) + 5):
        product = mpmath.mpf(1)
        rate = +a
        for _ in range(direct_count):
            product *= 1 - rate
            rate *= q
        total = mpmath.log(product)
    if count is not None and count <= peel:
        return total
    b = a * q**peel
    remaining = None if count is None else count - peel
    log_q = mpmath.log(q)
    spread = 1 / -mpmath.expm1(log_q)
    if remaining is not None:
        spread = min(spread, mpmath.mpf(remaining))
    terms = []
    power = mpmath.mpf(1)
    j = 0
    while True:
        j += 1
        power *= b
        factor = 1 if remaining is None else -mpmath.expm1(j * remaining * log_q)
        terms.append(power / j * factor / -mpmath.expm1(j * log_q))
        if spread * power * b / ((j + 1) * (1 - b)) < tolerance:
            break
    return total - mpmath.fsum(terms)


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
    if x > 1 and x - 1 > 1e-2:
        infinite = np.isinf(high)
        with np.errstate(invalid="ignore"):
            upper = np.where(infinite, 0.0, scipy.special.zeta(x, np.where(infinite, 1.0, high + 1)))
        return scipy.special.zeta(x, low) - upper
    if x == 1:
        return scipy.special.digamma(high + 1) - scipy.special.digamma(low)
    # x < 1 (analytic continuation) or x near the pole at 1: scipy cannot, mpmath with guard digits can
    with mpmath.workdps(25 + max(0, int(-math.log10(abs(x - 1))))):
        start = mpmath.zeta(x, low)
        tails = [0 if np.isinf(value) else mpmath.zeta(x, value + 1) for value in high.ravel()]
        return np.array([float(start - tail) for tail in tails]).reshape(high.shape)


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


def _mpf(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def _power_sum_mp(x: Fraction, low: int, high: int | None) -> mpmath.mpf:
    """``sum_{i=low}^{high} i**-x`` (``high=None``: infinity, x > 1) by Hurwitz zeta or digamma."""
    if x == 1:
        assert high is not None
        return mpmath.digamma(high + 1) - mpmath.digamma(low)
    # near the pole at x = 1 both zeta values are about 1/(x-1): carry those digits as guard digits
    guard = 5 + max(0, int(-math.log10(abs(float(x - 1)) or 1e-300)))
    with mpmath.workdps(mpmath.mp.dps + guard):
        value = _mpf(x)
        partial = mpmath.zeta(value, low) - (mpmath.zeta(value, high + 1) if high is not None else 0)
    return +partial


def power_log_mp(c: mpmath.mpf, s: Fraction, start: int, count: int | None,
                 tolerance: mpmath.mpf) -> mpmath.mpf:
    """``sum_{i=start+1}^{count} log1p(-c i**-s)`` by the zeta series (``count=None``: infinity, s > 1).

    Requires ``b = c (start+1)**-s <= PEEL_RATE``. Tail bound after ``J`` terms:
    ``sum_{i>start} i**(-sj) <= (start+1)**(-sj) (1 + (start+1)/(sj-1))`` for
    ``sj > 1``, and the sum has at most ``count - start`` terms, so the
    remaining terms sum to at most ``C b**(J+1)/((J+1)(1-b))`` with ``C`` the
    smaller of the two factors at ``j = J+1``.
    """
    if c == 0 or count == start:
        return mpmath.mpf(0)
    low = start + 1
    b = c * mpmath.mpf(low) ** (-_mpf(s))
    assert b <= PEEL_RATE
    terms = []
    power = mpmath.mpf(1)
    j = 0
    while True:
        j += 1
        power *= c
        terms.append(power / j * _power_sum_mp(s * j, low, count))
        following = s * (j + 1)
        spread = mpmath.inf if count is None else mpmath.mpf(count - start)
        if following > 1:
            spread = min(spread, 1 + low / _mpf(following - 1))
        bound = spread * b ** (j + 1) / ((j + 1) * (1 - b))
        if bound < tolerance:
            break
    return -mpmath.fsum(terms)
