"""Number contexts: the ball context encloses mpmath's value, the float context is accurate, the exact one refuses."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds.numeric.contexts import EXACT, FLOAT, BallContext, NotExact


def _mp(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


@given(st.fractions(min_value=Fraction(1, 10**30), max_value=Fraction(999, 1000), max_denominator=10**35))
def test_balls_contain_mpmath_and_tighten_with_precision(x: Fraction) -> None:
    with mpmath.workdps(60):
        truths = {"log1p": mpmath.log1p(-_mp(x)), "lgamma": mpmath.loggamma(1 + _mp(x)),
                  "zeta": mpmath.zeta(3, 1 + _mp(x)), "exp": mpmath.exp(_mp(x))}
    radii = []
    for prec in (64, 128, 192):
        with BallContext(prec) as ctx:
            value = ctx.number(x)
            balls = {"log1p": ctx.log1p(-value), "lgamma": ctx.lgamma(1 + value),
                     "zeta": ctx.zeta(ctx.number(3), 1 + value), "exp": ctx.exp(value)}
            for name, ball in balls.items():
                with mpmath.workdps(60):
                    truth = truths[name]
                    middle = mpmath.mpf(ball.mid().str(60, radius=False))
                    radius = mpmath.mpf(ball.rad().str(20, radius=False)) * (1 + mpmath.mpf(10) ** -15)
                    low, high = middle - radius, middle + radius
                    # the printed midpoint is rounded to 60 digits: allow that rounding, nothing else
                    slack = abs(truth) * mpmath.mpf(10) ** -55
                    assert low - slack <= truth <= high + slack, name
            radii.append(float(balls["log1p"].rad()) / max(float(abs(balls["log1p"].mid())), 1e-300))
    assert radii[2] < radii[0]


def test_logs_of_zero_are_minus_infinity_in_every_context() -> None:
    with BallContext(64) as ctx:
        assert not ctx.log(ctx.zero).is_finite() and ctx.log(ctx.zero) < 0
        assert ctx.log1p(ctx.number(-1)) < -10**100
    assert FLOAT.log(np.float64(0.0)) == -np.inf
    assert FLOAT.log1p(np.float64(-1.0)) == -np.inf


def test_the_float_context_takes_the_nearest_float_and_keeps_the_sign_beyond_range() -> None:
    assert FLOAT.number(Fraction(1, 10)) == 0.1
    assert FLOAT.number(Fraction(10**400)) == np.inf and FLOAT.number(-Fraction(10**400)) == -np.inf
    assert FLOAT.number(Fraction(1, 10**400)) == 0.0


def test_the_exact_context_is_exact_or_refuses() -> None:
    assert EXACT.power(Fraction(9, 10), 2) == Fraction(81, 100)
    half = Fraction(1, 2)
    assert EXACT.matrix_power([[half, half], [0, 1]], 3) == [[Fraction(1, 8), Fraction(7, 8)], [0, 1]]
    with pytest.raises(NotExact):
        EXACT.log1p(Fraction(-1, 10))
    with pytest.raises(NotExact):
        EXACT.power(Fraction(2), Fraction(1, 2))


def test_the_precision_is_restored_after_a_block() -> None:
    import flint

    before = flint.ctx.prec
    with BallContext(300):
        assert flint.ctx.prec == 300
        with BallContext(64):
            assert flint.ctx.prec == 64
        assert flint.ctx.prec == 300
    assert flint.ctx.prec == before
