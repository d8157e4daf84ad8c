r"""Certified Beta quantiles: the smallest float whose decimal ``x`` has ``I_x(a, b) >= level``.

The upper confidence bounds of :mod:`bounds.evidence.confidence` are Beta quantiles
(Clopper–Pearson: ``a = k + 1``, ``b = n - k``; Jeffreys: ``a = k + 1/2``, ``b = n - k + 1/2``).
scipy's float quantile is only the start: each candidate ``x`` is decided by exact
binomial tails in integers when they are small, Markov's inequality on the Beta
moments far in the tail, and otherwise a python-flint ball of ``ln I_x(a, b)``
(a binomial tail term by term, or Euler's positive series for ``2F1`` with a proved
remainder), never by two agreeing floats.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.errors import CertificationError
from bounds.numeric.certify import decide
from bounds.numeric.floats import smallest_float
from bounds.numeric.parse import format_number

__all__ = ["beta_quantile_upper"]

#: Exact rational tail sums are used while ``trials * bits(epsilon)`` stays below this.
_EXACT_BITS = 4_000


def _beta_cdf_at_least(a: Fraction, b: Fraction, level: Fraction, x: Fraction) -> bool:
    """Certified ``I_x(a, b) >= level`` at escalating precision (absolute error ``10**-dps``).

    The one exact value reachable with rational ``x`` and ``level`` in practice,
    ``I_{1/2}(a, a) = 1/2`` (symmetry), is decided exactly; any other tie would
    need ``level`` with hundreds of digits and ends in a CertificationError.
    """
    if a == b and x == Fraction(1, 2):
        return Fraction(1, 2) >= level
    if _upper_tail_below(a, b, 1 - level, x):
        return True
    if _upper_tail_below(b, a, level, 1 - x, strict=True):  # 1 - X ~ Beta(b, a): I_x(a, b) < level
        return False
    # a ball of ln I_x(a, b) against ln(level): a proof, never two agreeing values
    try:
        decision = decide(
            lambda ctx: ctx.log(_regularized_beta_ball(ctx, a, b, x)), level,
            what=f"I_x({format_number(a)}, {format_number(b)}) at x = {format_number(x)}",
        )
    except CertificationError:
        raise CertificationError(
            f"could not decide whether I_x({format_number(a)}, {format_number(b)}) >= "
            f"{format_number(level)} at x = {format_number(x)}"
        ) from None
    return decision.sign >= 0


#: Largest integer ``a`` summed as a binomial tail (beyond it, arb's incomplete beta).
_BINOMIAL_TERMS = 10_000


def _regularized_beta_ball(ctx: Any, a: Fraction, b: Fraction, x: Fraction) -> Any:
    """A ball containing ``I_x(a, b)``.

    For whole ``a`` (the Clopper-Pearson case, ``a = k + 1``) and whole ``b`` it is a binomial
    tail, ``I_x(a, b) = 1 - sum_{j<a} C(m, j) x^j (1-x)^(m-j)`` with ``m = a + b - 1``, summed
    term by term in balls (each term from the last: no huge binomial coefficients), which stays
    finite however large ``b`` is; otherwise arb's rigorous regularized incomplete beta.
    """
    if a.denominator == 1 and b.denominator == 1 and a <= _BINOMIAL_TERMS:
        m, point = int(a + b - 1), ctx.number(x)
        odds = point / (1 - point)
        term = ctx.exp(m * ctx.log1p(-point))
        below = term
        for j in range(int(a) - 1):
            term = term * (m - j) / (j + 1) * odds
            below += term
        return (1 - below).max(ctx.zero)
    if x > Fraction(1, 2):
        return 1 - _regularized_beta_ball(ctx, b, a, 1 - x)
    # Euler's transformation, every series term positive: x^a (1-x)^b / (a B(a, b)) 2F1(a+b, 1; a+1; x)
    big_a, big_b, point = ctx.number(a), ctx.number(b), ctx.number(x)
    log_beta = ctx.lgamma(big_a) + ctx.lgamma(big_b) - ctx.lgamma(big_a + big_b)
    log_front = big_a * ctx.log(point) + big_b * ctx.log1p(-point) - ctx.log(big_a) - log_beta
    return ctx.exp(log_front) * _positive_2f1(big_a + big_b, big_a + 1, point)


#: Most series terms :func:`_positive_2f1` sums before it gives up (far tails are settled before it).
_SERIES_TERMS = 1_000_000


def _positive_2f1(top: Any, bottom: Any, point: Any) -> Any:
    r"""``2F1(top, 1; bottom; x) = sum_k (top)_k / (bottom)_k x^k`` for ``0 < x <= 1/2``, in balls.

    Summed directly, with a proved tail: term ``k+1`` is term ``k`` times
    ``r_k = (top + k) x / (bottom + k)``, which for ``k >= K`` is at most ``r_K`` when
    ``top >= bottom`` (the ratio falls) and at most ``x`` otherwise, so once that bound ``r``
    is below 1 the rest is at most ``t_K r / (1 - r)``. (arb's own ``hypgeom_2f1`` returns NaN
    for ``top`` near ``1e300``, the case of trial counts beyond the float range.)
    """
    import flint

    total, term = flint.arb(1), flint.arb(1)
    scale = flint.arb(2) ** -(flint.ctx.prec + 10)
    falling = top >= bottom
    for k in range(_SERIES_TERMS):
        ratio = (top + k) * point / (bottom + k)
        term *= ratio
        total += term
        bound = (top + k + 1) * point / (bottom + k + 1) if falling else point
        if bound < 1 and term < scale * total:
            tail = term * bound / (1 - bound)
            return total + flint.arb(0, 1) * tail.upper()
    raise CertificationError(f"the incomplete-beta series needs more than {_SERIES_TERMS} terms")


def _log10(value: Fraction) -> float:
    # of the int parts, so that values far beyond the float range work
    return math.log10(value.numerator) - math.log10(value.denominator)


def _upper_tail_below(a: Fraction, b: Fraction, alpha: Fraction, x: Fraction, strict: bool = False) -> bool:
    """Whether Markov's inequality proves ``P(X >= x) <= alpha`` (``<`` if strict) for ``X ~ Beta(a, b)``.

    ``P(X >= x) <= E[X^m] / x^m`` with ``E[X^m] = prod_{i<m} (a+i)/(a+b+i)``, in
    exact rationals. Far above the mean (``(a+b) x`` huge), where the series of
    :func:`_regularized_beta_ball` would need about ``(a+b) x`` terms, this settles
    the comparison at once.
    """
    moment = power = Fraction(1)
    for i in range(8):
        moment *= (a + i) / (a + b + i)
        power *= x
        if moment < alpha * power or (not strict and moment == alpha * power):
            return True
    return False


def _binomial_cdf_exact(k: int, n: int, p: Fraction) -> tuple[int, int] | None:
    """``P(X <= k)`` for ``X ~ Binomial(n, p)`` as an exact ratio ``(numerator, denominator)``, if cheap.

    With ``p = P/Q`` every term is ``C(n, j) P^j (Q-P)^(n-j) / Q^n``: integer
    arithmetic only (no gcd per step, which makes Fraction sums slow).
    """
    if n * max(p.denominator.bit_length(), 1) > _EXACT_BITS:
        return None
    top, bottom = p.numerator, p.denominator
    rest = bottom - top
    total = sum(math.comb(n, j) * top**j * rest ** (n - j) for j in range(k + 1))
    return total, bottom**n


def beta_quantile_upper(
    a: Fraction, b: Fraction, level: Fraction, binomial: tuple[int, int] | None
) -> float:
    """Smallest float whose decimal ``x`` has ``I_x(a, b) >= level``: the ``level`` quantile, rounded up.

    With ``binomial = (k, n)`` (so ``a = k+1, b = n-k``) the identity
    ``I_x(k+1, n-k) = 1 - P(Binomial(n, x) <= k)`` settles exact ties in
    rational arithmetic (0 failures in 1 trial at 95% gives exactly 0.95).
    """

    def holds(x: Fraction) -> bool:
        if binomial is not None:
            tail = _binomial_cdf_exact(*binomial, x)
            if tail is not None:
                # 1 - P(X <= k) >= level  <=>  P(X <= k) <= 1 - level
                numerator, denominator = tail
                alpha = 1 - level
                return numerator * alpha.denominator <= alpha.numerator * denominator
        return _beta_cdf_at_least(a, b, level, x)

    return smallest_float(holds, _quantile_guess(a, b, level))


def _quantile_guess(a: Fraction, b: Fraction, level: Fraction) -> float:
    """scipy's float quantile; for ``b`` beyond its reach, ``b X ~ Gamma(a)``; else 1/2 (only a start)."""
    from scipy import special

    with np.errstate(all="ignore"):
        if max(a, b) < 1e300:
            guess = float(special.betaincinv(float(a), float(b), float(level)))
            if np.isfinite(guess) and 0 < guess < 1:
                return guess
        if a < 1e300 and b > 1000 * a:
            gamma_quantile = float(special.gammaincinv(float(a), float(level)))
            return gamma_quantile / float(b) if b < 1e300 else 0.0
        if b < 1e300 and a > 1000 * b:  # mirrored: a (1 - X) ~ Gamma(b)
            gamma_quantile = float(special.gammaincinv(float(b), float(1 - level)))
            return 1 - gamma_quantile / float(a) if a < 1e300 else 1.0
    return 0.5
