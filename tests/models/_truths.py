"""Independent truths for the kernel tests: survival computed from a model's parameters, never through it.

Each function uses a different formula from the model's own: powers instead of ``n log1p``,
beta-function ratios or exact products instead of log-gamma differences, direct sums
instead of the ``expm1`` form. ``mp_*`` return mpmath numbers at ``dps`` digits; ``holds``
decides ``S >= T`` exactly when the numbers are small and otherwise with an arb ball that
this module builds itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import flint
import mpmath

__all__ = [
    "assert_encloses",
    "beta_ratio",
    "mp",
    "mp_log_beta_mixture",
    "mp_log_independent",
    "mp_log_mixture",
    "product",
    "sign_against",
]


def mp(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def mp_log_independent(epsilon: Fraction, n: int, dps: int = 60) -> mpmath.mpf:
    """``ln((1 - eps)**n)`` from mpmath's power of the exact ``1 - eps`` (not ``n log1p(-eps)``)."""
    if n == 0:
        return mpmath.mpf(0)
    # ln of a power near 1 cancels about as many digits as eps has: carry them
    with mpmath.workdps(dps + len(str(n)) + 10 + _digits(epsilon)):
        return +mpmath.log(mpmath.power(mp(1 - epsilon), n))


def mp_log_beta_mixture(a: Fraction, b: Fraction, n: int, dps: int = 60) -> mpmath.mpf:
    """``ln[B(a, b+n) / B(a, b)]`` from mpmath's beta function, with digits for its cancellation."""
    if n == 0:
        return mpmath.mpf(0)
    size = float(a + b) + n + 3.0
    guard = 20 + int(math.log10(size * max(1.0, math.log(size))))
    with mpmath.workdps(dps + 2 * guard):
        return +mpmath.log(mpmath.beta(mp(a), mp(b) + n) / mpmath.beta(mp(a), mp(b)))


def mp_log_mixture(weights: Sequence[Fraction], rates: Sequence[Fraction], n: int, dps: int = 60) -> mpmath.mpf:
    """``ln sum_k w_k (1 - eps_k)**n``: the sum in exact rationals while it is small, else mpmath powers.

    (Rounding each weight to mpmath would turn ``ln 1 = 0`` at ``n = 0`` into ``-1e-112``.)
    """
    if n * max((1 - e).denominator.bit_length() for e in rates) < 20_000:
        exact = sum((w * (1 - e) ** n for w, e in zip(weights, rates, strict=True)), Fraction(0))
        with mpmath.workdps(dps + 20):
            if exact == 0:
                return mpmath.mpf("-inf")
            # near S = 1, log1p of the exact S - 1 keeps relative accuracy (S within 1e-27 of 1)
            return +mpmath.log(mp(exact)) if exact < Fraction(1, 2) else +mpmath.log1p(mp(exact - 1))
    with mpmath.workdps(dps + len(str(n)) + 20 + max(_digits(e) for e in rates)):
        total = mpmath.fsum(mp(w) * mpmath.power(mp(1 - e), n) for w, e in zip(weights, rates, strict=True))
        return +mpmath.log(total) if total > 0 else mpmath.mpf("-inf")


def _digits(value: Fraction) -> int:
    return int(value.denominator.bit_length() * 0.302) + 1


def product(factors: Callable[[int], Fraction], n: int) -> Fraction:
    """``prod_{i=1}^{n} factors(i)`` exactly."""
    value = Fraction(1)
    for i in range(1, n + 1):
        value *= factors(i)
    return value


def beta_ratio(a: Fraction, b: Fraction, n: int) -> Fraction:
    """``B(a, b+n) / B(a, b) = prod_{j<n} (b+j)/(a+b+j)`` exactly."""
    return product(lambda i: (b + i - 1) / (a + b + i - 1), n)


def assert_encloses(ball_at: Callable[[int], flint.arb], truth: mpmath.mpf, precisions: Sequence[int] = (64, 128, 256),
                    digits: int = 55) -> None:
    """The ball at each precision meets ``truth +- 10**-digits |truth|``, and the radius shrinks."""
    radii = []
    for prec in precisions:
        flint.ctx.prec, saved = prec, flint.ctx.prec
        try:
            ball = ball_at(prec)
            if mpmath.isinf(truth):
                assert not ball.is_finite() and ball < 0, (prec, ball)
                continue
            text = mpmath.nstr(truth, digits + 5, min_fixed=1, max_fixed=0)
            flint.ctx.prec = 400
            tolerance = flint.arb(mpmath.nstr(abs(truth) * mpmath.mpf(10) ** -digits + mpmath.mpf(10) ** -300, 5))
            reference = flint.arb(text) + flint.arb(0, 1) * tolerance
            assert ball.overlaps(reference), (prec, ball, truth)
            radii.append(ball.rad())
        finally:
            flint.ctx.prec = saved
    for wide, narrow in zip(radii, radii[1:], strict=False):
        assert narrow <= wide, radii
        assert narrow == 0 or narrow < wide / 2**20, radii


def sign_against(value_at: Callable[[int], Fraction | flint.arb], threshold: Fraction) -> int:
    """The proved sign of ``value - threshold``: ``value_at(prec)`` is exact, or a ball at ``prec`` extra bits.

    The test's own precision rises (256 to 65536 extra bits) until the ball separates from ``T``.
    """
    for extra in (256, 1024, 4096, 16384, 65536):
        value = value_at(extra)
        if isinstance(value, Fraction):
            return (value > threshold) - (value < threshold)
        saved, flint.ctx.prec = flint.ctx.prec, max(flint.ctx.prec, extra)
        try:
            target = flint.arb(flint.fmpq(threshold.numerator, threshold.denominator))
            if value > target:
                return 1
            if value < target:
                return -1
        finally:
            flint.ctx.prec = saved
    raise AssertionError(f"the reference ball {value} does not separate from T = {threshold}")
