r"""Series written once against a number context: q-Pochhammer logarithms and power sums.

``log_qpochhammer(ctx, a, q, count)`` is

.. math:: \sum_{j=0}^{M-1} \log(1 - a q^j) = \log (a; q)_M, \qquad 0 < q < 1,

for a real ``a`` with ``a q^j < 1`` (``M = count``, ``None`` meaning infinity). Leading
terms with ``|a q^j| > 1/2`` are multiplied directly ("peeled"); for the rest,
``log(1 - x) = -sum_m x**m / m`` turns the sum over ``j`` into

.. math:: -\sum_{m\ge1} \frac{b^m}{m}\,\frac{1 - q^{mR}}{1 - q^m}
          \qquad (b = a q^P,\ |b| \le 1/2,\ R = M - P),

evaluated with ``expm1`` so that neither ``R = 1`` nor ``q`` near 1 cancels. In the
ball context the series stops after ``J`` terms and the rest is bounded inside the
ball: since ``(1 - q^{mR})/(1 - q^m) = sum_{t<R} q^{mt} <= F = min(R, 1/(1-q))``,
the omitted terms sum to at most ``F |b|^{J+1} / ((J+1)(1 - |b|))``.

``power_sum(ctx, x, low, high)`` is :math:`\sum_{i=low}^{high} i^{-x}` through the
Hurwitz zeta function, ``zeta(x, low) - zeta(x, high + 1)`` (an identity for every
``x != 1``, by analytic continuation), and ``psi(high + 1) - psi(low)`` at ``x = 1``.

``mpmath.qp`` is not used: it fails to converge for ``q = 0.999``.

References
----------
G. Gasper and M. Rahman, *Basic Hypergeometric Series*, 2nd ed., CUP 2004, §1.3.

Examples
--------
>>> from fractions import Fraction
>>> from bounds.numeric.contexts import BallContext
>>> with BallContext(128) as ctx:
...     value = log_qpochhammer(ctx, ctx.number(Fraction(1, 100)), ctx.number(Fraction(1, 2)), None)
...     print(value.exp().str(10, radius=False))
0.9801329529
"""

from __future__ import annotations

import math
from typing import Any

import flint
import numpy as np

from bounds.errors import BoundsError

__all__ = ["PEEL_MAX", "PEEL_RATE", "log_qpochhammer", "power_sum", "too_many"]

#: Terms with ``|a q^j|`` above this are multiplied directly; below it the m-series halves each term.
PEEL_RATE = 0.5
#: Most terms multiplied directly (ball: ~0.3 µs each; float: vectorised) before giving up.
PEEL_MAX = 10**6
_CHUNK = 2**16


def too_many(what: str, count: float) -> BoundsError:
    """The refusal when more than :data:`PEEL_MAX` terms would be summed one by one."""
    return BoundsError(
        f"{what}: about {count:.3g} generations would have to be summed one by one (rates above "
        f"{PEEL_RATE} or a slowly varying schedule); this is outside the supported range"
    )


def _float_terms(b: float) -> int:
    """Terms of sum_m b**m/m needed for float64 accuracy (|b| <= 1/2 gives about 60)."""
    b = abs(b)
    if b == 0:
        return 0
    return int(math.ceil(-40.0 / math.log(b))) + 2


def log_qpochhammer(ctx: Any, a: Any, q: Any, count: Any, log_q: Any = None, c: Any = None) -> Any:
    """``sum_{j < count} log(1 - a q**j)`` in ``ctx`` (``count=None``: infinity), ``0 < q < 1``.

    FLOAT: ``a``, ``q`` are floats and ``count`` an array of whole numbers (``inf``
    allowed); returns an array. Ball: ``a``, ``q`` (and optionally ``log_q``) are
    ``arb`` balls and ``count`` a Python int or None; returns an ``arb`` with the
    truncated tail inside its radius. See the module docstring for the bound.

    With ``c >= 0`` it is the ratio ``sum_j [log(1 - c a q**j) - log(1 - a q**j)]``
    (``log (ca; q)_M - log (a; q)_M``), summed as one series with coefficients
    ``(1 - c**m)`` so that nothing cancels when ``c`` is near 1; the tail bound
    then uses ``|a| max(1, c)`` in place of ``|a|``.
    """
    if ctx.kind == "float":
        return _log_qp_float(float(a), float(q), np.asarray(count, dtype=np.float64), None if c is None else float(c))
    return _log_qp_ball(a, q, count, log_q, c)


def _log_qp_ball(a: flint.arb, q: flint.arb, count: int | None, log_q: flint.arb | None,
                 c: flint.arb | None = None) -> flint.arb:
    if a == 0 or count == 0 or (c is not None and c == 1):
        return flint.arb(0)
    prec = flint.ctx.prec
    grow = flint.arb(1) if c is None else flint.arb(1).max(c)
    product, x, peel = flint.arb(1), flint.arb(a), 0
    while not abs(x) * grow <= PEEL_RATE and (count is None or peel < count):
        if peel >= PEEL_MAX:
            raise too_many("q-Pochhammer sum", PEEL_MAX)
        product *= 1 - x if c is None else (1 - c * x) / (1 - x)
        x *= q
        peel += 1
    if product == 0:
        return flint.arb.neg_inf()
    total = product.log() if peel else flint.arb(0)
    if count is not None and peel == count:
        return total
    remaining = None if count is None else count - peel
    log_q = q.log() if log_q is None else log_q
    b = x
    b_up = float((abs(b) * grow).upper())
    if b_up == 0:
        return total
    # terms beyond J: F |b|^(J+1) / ((J+1)(1-|b|)); pick J from floats, then bound rigorously in balls
    one_minus_q = -(log_q.expm1())
    if not one_minus_q > 0:
        # q is not separated from 1 at this precision: no bound here (the certifier raises the precision)
        return flint.arb(0, math.inf)
    # log2 of the spread 1/(1-q) (or of the remaining count), taken in arb: it may exceed the float range
    spread_ball = 1 / one_minus_q if remaining is None else (1 / one_minus_q).min(flint.arb(remaining))
    log2_spread = float(((spread_ball + 1).log() / flint.arb(2).log()).upper())
    target_log2 = -(prec + 10) + math.log2(max(b_up, 2.0**-1000))
    terms = max(1, int(math.ceil((target_log2 - log2_spread) / math.log2(b_up))) + 1)
    terms = min(terms, 4 * prec + 64)
    series = flint.arb(0)
    power = flint.arb(1)
    log_c = None if c is None or c == 0 else c.log()
    for m in range(1, terms + 1):
        power *= b
        denominator = -((m * log_q).expm1())
        numerator = flint.arb(1) if remaining is None else -((m * remaining * log_q).expm1())
        if c is not None:  # coefficient c**m - 1, without cancellation
            numerator *= flint.arb(-1) if log_c is None else (m * log_c).expm1()
        series += power * numerator / (m * denominator)
    abs_b = abs(b) * grow
    spread = 1 / one_minus_q
    if remaining is not None:
        spread = spread.min(flint.arb(remaining))
    tail = spread * abs_b ** (terms + 1) / ((terms + 1) * (1 - abs_b))
    return total - series + (-tail).union(tail)


def _log_qp_float(a: float, q: float, counts: np.ndarray, c: float | None = None) -> np.ndarray:
    result = np.zeros(counts.shape)
    if a == 0 or c == 1:
        return result
    grow = 1.0 if c is None else max(1.0, c)
    if abs(a) * grow > PEEL_RATE:
        peel = max(0, int(math.ceil(math.log(PEEL_RATE / (abs(a) * grow)) / math.log(q))))
    else:
        peel = 0
    if peel > PEEL_MAX:
        raise too_many("q-Pochhammer sum", peel)
    largest = int(min(peel, np.max(counts))) if counts.size else 0
    direct = np.zeros(largest + 1)
    for start in range(0, largest, _CHUNK):
        j = np.arange(start, min(start + _CHUNK, largest), dtype=np.float64)
        with np.errstate(divide="ignore"):
            x = a * q**j
            direct[start + 1 : start + 1 + j.size] = np.log1p(-x) if c is None else np.log1p(-c * x) - np.log1p(-x)
    prefix = np.cumsum(direct)
    result = prefix[np.minimum(counts, largest).astype(np.int64)]
    rest = counts - peel
    b = a * q**peel
    if not (rest > 0).any() or b == 0:
        return result
    m = np.arange(1, _float_terms(b * grow) + 1, dtype=np.float64)
    log_q = math.log(q)
    weight = b**m / m / -np.expm1(m * log_q)
    if c is not None:  # coefficient c**m - 1, without cancellation
        weight = weight * (np.expm1(m * math.log(c)) if c > 0 else -1.0)
    remaining = rest[rest > 0]
    with np.errstate(invalid="ignore"):
        finite = np.where(np.isinf(remaining), 0.0, remaining)
        factor = np.where(np.isinf(remaining)[:, None], 1.0, -np.expm1(np.outer(finite, m) * log_q))
    result[rest > 0] += -(factor * weight).sum(axis=1)
    return result


def power_sum(ctx: Any, x: Any, low: int, high: int | None) -> Any:
    """``sum_{i=low}^{high} i**-x`` in the ball context (``high=None``: infinity, needs ``x > 1``).

    Hurwitz zeta differences for ``x != 1`` (arb's ``zeta(s, a)``, analytically
    continued), digamma differences at ``x == 1``.

    >>> from bounds.numeric.contexts import BallContext
    >>> with BallContext(64) as ctx:
    ...     print(power_sum(ctx, 2, 1, 3).str(8, radius=False), power_sum(ctx, 1, 1, 3).str(8, radius=False))
    1.3611111 1.8333333
    """
    x = flint.arb(x)
    if x == 1:
        if high is None:
            return flint.arb.pos_inf()
        return flint.arb(high + 1).digamma() - flint.arb(low).digamma()
    first = x.zeta(flint.arb(low))
    if high is None:
        return first
    return first - x.zeta(flint.arb(high + 1))
