"""The one certifier: proved signs from balls, exact arithmetic for ties, errors for the undecidable."""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bounds.errors import CertificationError
from bounds.numeric.certify import MAX_PREC, ball_to_mpf, decide, exp_ball
from bounds.numeric.contexts import BallContext


def _independent(epsilon: Fraction, n: int):
    return lambda ctx: n * ctx.log1p(-ctx.number(epsilon))


@given(st.integers(1, 10**6), st.integers(1, 999), st.integers(1, 10**4))
@example(502, 1, 605)  # the running example: S(502) = 0.6052 >= 0.605
@example(503, 1, 605)
def test_sign_agrees_with_mpmath_at_high_precision(n: int, per_mille: int, threshold_permyriad: int) -> None:
    epsilon, target = Fraction(per_mille, 1000), Fraction(threshold_permyriad, 10**4)
    with mpmath.workdps(80):
        truth = n * mpmath.log1p(-mpmath.mpf(per_mille) / 1000) - mpmath.log(mpmath.mpf(threshold_permyriad) / 10**4)
    decision = decide(_independent(epsilon, n), target, exact=lambda: (1 - epsilon) ** n if n < 2000 else None)
    assert decision.sign == (1 if truth > 0 else -1 if truth < 0 else 0)


@pytest.mark.parametrize(("p", "n", "threshold"), [("0.9", 2, "0.81"), ("0.7", 3, "0.343"), ("0.95", 2, "0.9025")])
def test_exact_ties_are_settled_exactly(p: str, n: int, threshold: str) -> None:
    epsilon = 1 - Fraction(p)
    decision = decide(_independent(epsilon, n), Fraction(threshold), exact=lambda: (1 - epsilon) ** n)
    assert (decision.sign, decision.method, decision.exact_value) == (0, "exact", Fraction(threshold))


def test_a_tie_without_an_exact_value_raises() -> None:
    epsilon = Fraction(1, 10)
    with pytest.raises(CertificationError, match="could not decide whether S"):
        decide(_independent(epsilon, 2), Fraction(81, 100), what="S(2)")


def test_a_ball_that_does_not_tighten_stops_early() -> None:
    # a model whose enclosure never shrinks (a fixed radius) cannot be decided at any precision
    def stuck(ctx: BallContext) -> flint.arb:
        return flint.arb(0, 1)

    with pytest.raises(CertificationError, match="overlap"):
        decide(stuck, Fraction(1, 2))


def test_a_near_tie_at_the_4000_digit_limit_is_decided() -> None:
    # T = S(1) - 1e-3999: only a ball above 13,000 bits separates them (and MAX_PREC allows it)
    epsilon = Fraction(1, 1000)
    target = (1 - epsilon) - Fraction(1, 10**3999)
    decision = decide(_independent(epsilon, 1), target)
    assert decision.sign == 1 and 13_000 < decision.prec <= MAX_PREC


def test_zero_survival_is_below_every_threshold() -> None:
    decision = decide(lambda ctx: ctx.log(ctx.zero), Fraction(1, 10**4000))
    assert decision.sign == -1


def test_value_for_display_is_the_ball_midpoint() -> None:
    decision = decide(_independent(Fraction(1, 1000), 500), Fraction(605, 1000))
    with mpmath.workdps(30):
        assert abs(decision.value_mpf() - mpmath.mpf("0.999") ** 500) < mpmath.mpf(10) ** -15
        ball = exp_ball(flint.arb(-1), 128)
        assert abs(ball_to_mpf(ball, 128) - mpmath.exp(-1)) < mpmath.mpf(10) ** -25
