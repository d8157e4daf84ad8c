"""Schedule families on the ball kernel, against truths computed here independently.

* the ball of ``ln S(n)`` (and ``ln S(infinity)``) at 64, 128 and 256 bits contains the value
  mpmath gives at 90 digits from a direct product or sum (small ``n``), ``mpmath.qp`` or a closed
  form (large ``n``: sin(pi x)/(pi x), Gamma ratios), and its radius shrinks as the precision grows;
* random logistic schedules against a direct mpmath product;
* random models of every schedule family from :mod:`bounds.testing.strategies`, solved, and the
  certificate ``S(N*) >= T > S(N*+1)`` re-derived in ball (or exact) arithmetic from the model's
  parameters, never through its own ``log_survival``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import flint
import mpmath
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from bounds import Expression, Geometric, Logistic, Power, Rates, TwoRate
from bounds.errors import ExpressionError
from bounds.numeric.contexts import BallContext
from bounds.testing.strategies import models, thresholds

DPS = 90


def mpf(value: Fraction | int | str) -> mpmath.mpf:
    value = Fraction(value)
    return mpmath.mpf(value.numerator) / value.denominator


def log_direct(rates: Any, n: int) -> mpmath.mpf:
    """sum_{i<=n} log(1 - rate(i)) in mpmath at DPS digits (rate(i) an mpf at the working precision)."""
    keep = getattr(rates, "keep", lambda i: 1 - rates(i))
    with mpmath.workdps(DPS):
        return mpmath.fsum(mpmath.log(keep(i)) for i in range(1, n + 1))


def arb_of(value: mpmath.mpf) -> flint.arb:
    with mpmath.workdps(DPS):
        return flint.arb(mpmath.nstr(value, DPS - 5, strip_zeros=False))


def assert_enclosed(compute: Any, truth: mpmath.mpf) -> None:
    """The balls at 64/128/256 bits contain ``truth`` (to its own 85 digits) and tighten."""
    radii = []
    for prec in (64, 128, 256):
        with BallContext(prec) as ctx:
            ball = compute(ctx)
            with mpmath.workdps(DPS):
                error = abs(mpmath.mpf(ball.mid().str(DPS - 5, radius=False)) - truth)
            radius = mpmath.mpf(ball.rad().mid().str(30, radius=False))
        assert error <= radius + mpmath.mpf(10) ** -(DPS - 8) * max(1, abs(truth)), (prec, error, radius)
        radii.append(radius)
    assert radii[1] < radii[0] and radii[2] < radii[1], radii


def geometric_rate(epsilon1: str, ratio: str) -> Any:
    return lambda i: min(mpmath.mpf(1), mpf(epsilon1) * mpf(ratio) ** (i - 1))


class logistic_rate:  # noqa: N801 (used like the rate lambdas)
    """epsilon_max / (1 + e^{-t}); ``keep`` gives 1 - epsilon_i = ((1 - epsilon_max) + e^{-t})/(1 + e^{-t})."""

    def __init__(self, epsilon_max: Fraction, k: Fraction, i0: Fraction) -> None:
        self.epsilon_max, self.k, self.i0 = Fraction(epsilon_max), Fraction(k), Fraction(i0)

    def __call__(self, i: int) -> mpmath.mpf:  # at the caller's working precision
        return mpf(self.epsilon_max) / (1 + mpmath.exp(-mpf(self.k * (i - self.i0))))

    def keep(self, i: int) -> mpmath.mpf:
        u = mpmath.exp(-mpf(self.k * (i - self.i0)))
        return (mpf(1 - self.epsilon_max) + u) / (1 + u)


# -- enclosures -------------------------------------------------------------------------------------------

SMALL_N = [
    (Geometric(epsilon1="0.001", ratio="0.999"), geometric_rate("0.001", "0.999"), [1, 7, 3000]),
    (Geometric(epsilon1="0.7", ratio="0.9"), geometric_rate("0.7", "0.9"), [2, 100, 3000]),
    (Geometric(epsilon1="0.2", ratio="1.3"), geometric_rate("0.2", "1.3"), [1, 5, 7]),
    (Power(epsilon1="0.999", exponent="0.25"), lambda i: mpf("0.999") * mpmath.power(i, -mpf("0.25")), [3, 4000]),
    (Power(epsilon1="0.5", exponent="1.0001"), lambda i: mpf("0.5") * mpmath.power(i, -mpf("1.0001")), [65, 4000]),
    (TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=7),
     lambda i: mpf("0.01") if i % 7 == 0 else mpf("0.0001"), [6, 7, 4000]),
    (Rates(["0.01", "0.2", "0.003"]), lambda i: mpf(["0.01", "0.2", "0.003"][min(i, 3) - 1]), [2, 3, 500]),
    (Expression("min(1, 1e-3 * exp(0.01 * i) + sqrt(i) / 1e4)"),
     lambda i: min(1, mpf("1e-3") * mpmath.exp(mpf("0.01") * i) + mpmath.sqrt(i) / 10**4), [1, 300]),
    (Logistic(epsilon_max="0.01", steepness="0.1", midpoint=50), logistic_rate(Fraction(1, 100), Fraction(1, 10),
                                                                              Fraction(50)), [10, 3000, 20000]),
    (Logistic(epsilon_max="0.999", steepness="-0.3", midpoint=2000),
     logistic_rate(Fraction(999, 1000), Fraction(-3, 10), Fraction(2000)), [10, 3000, 20000]),
]


@pytest.mark.parametrize(("model", "rate", "counts"), SMALL_N, ids=lambda value: repr(value)[:50])
def test_ball_contains_the_direct_sum(model: Any, rate: Any, counts: list[int]) -> None:
    for n in counts:
        assert_enclosed(lambda ctx, n=n: model.log_survival(ctx, n), log_direct(rate, n))


def test_geometric_balls_contain_mpmath_qp_at_large_counts() -> None:
    model = Geometric(epsilon1="0.01", ratio="0.5")
    with mpmath.workdps(DPS):
        limit = mpmath.log(mpmath.qp(mpf("0.01"), mpf("0.5")))
        # (a; q)_N = (a; q)_inf / (a q^N; q)_inf
        at = limit - mpmath.log(mpmath.qp(mpf("0.01") * mpf("0.5") ** 200, mpf("0.5")))
    assert_enclosed(model.log_limit, limit)
    assert_enclosed(lambda ctx: model.log_survival(ctx, 200), at)
    assert_enclosed(lambda ctx: model.log_survival(ctx, 10**12), limit)


def test_power_balls_contain_closed_forms() -> None:
    # prod (1 - x^2/i^2) = sin(pi x)/(pi x); prod_{i<=N} (1 - e/i) = Gamma(N+1-e) / (Gamma(1-e) Gamma(N+1))
    with mpmath.workdps(DPS):
        x = mpf("0.1")
        sine = mpmath.log(mpmath.sin(mpmath.pi * x) / (mpmath.pi * x))
        e = mpf("0.3")
        n = 10**12
        gamma = mpmath.loggamma(n + 1 - e) - mpmath.loggamma(1 - e) - mpmath.loggamma(n + 1)
    assert_enclosed(Power(epsilon1="0.01", exponent=2).log_limit, sine)
    assert_enclosed(lambda ctx: Power(epsilon1="0.3", exponent=1).log_survival(ctx, n), gamma)


def test_two_rate_and_rates_balls_at_huge_counts() -> None:
    n = 10**15
    with mpmath.workdps(DPS):
        keys = n // 1000
        closed = keys * mpmath.log1p(-mpf("1e-6")) + (n - keys) * mpmath.log1p(-mpf("1e-12"))
        listed = mpmath.log1p(-mpf("0.1")) + (n - 1) * mpmath.log1p(-mpf("0.2"))
    assert_enclosed(lambda ctx: TwoRate(epsilon_key="1e-6", epsilon_other="1e-12", key_every=1000)
                    .log_survival(ctx, n), closed)
    assert_enclosed(lambda ctx: Rates(["0.1", "0.2"]).log_survival(ctx, n), listed)


def test_logistic_maturing_defense_has_a_positive_limit() -> None:
    model = Logistic(epsilon_max="0.3", steepness="-0.02", midpoint=300)
    # the rates after 20000 generations are below 0.3 e^-394: the direct sum to 20000 is the limit to 90 digits
    truth = log_direct(logistic_rate(Fraction(3, 10), Fraction(-2, 100), Fraction(300)), 20000)
    assert_enclosed(model.log_limit, truth)
    assert model.limit() == pytest.approx(float(mpmath.exp(truth)), rel=1e-14)
    assert Logistic(epsilon_max="0.3", steepness="0.02", midpoint=300).limit_exact() == 0


@settings(max_examples=25, deadline=None)
@given(models("logistic"), st.sampled_from([1, 17, 400, 2500]))
def test_random_logistic_against_a_direct_mpmath_product(model: Logistic, n: int) -> None:
    truth = log_direct(logistic_rate(model.epsilon_max, model.steepness, model.midpoint), n)
    with BallContext(128) as ctx:
        ball = model.log_survival(ctx, n)
        assert ball.overlaps(arb_of(truth))
        assert float(ball.rad()) <= 1e-25 * max(1.0, abs(float(truth)))
    if truth > -700:
        assert model.survival(n) == pytest.approx(float(mpmath.exp(truth)), rel=1e-12)


# -- the certificate, re-derived from the parameters ---------------------------------------------------------

def ball_rate(model: Any, i: int) -> flint.arb:
    """epsilon_i from the model's parameters, written here (not the model's rate)."""
    number = BallContext(flint.ctx.prec).number
    if isinstance(model, Geometric):
        return (number(model.epsilon1) * number(model.ratio) ** (i - 1)).min(flint.arb(1))
    if isinstance(model, Power):
        return number(model.epsilon1) * flint.arb(i) ** -number(model.exponent)
    if isinstance(model, TwoRate):
        return number(model.epsilon_key if i % model.key_every == 0 else model.epsilon_other)
    if isinstance(model, Rates):
        return number(model.rates[i - 1] if i <= len(model.rates) else (model.rates[-1] if model.tail == "repeat"
                                                                           else 0))
    assert isinstance(model, Logistic)
    t = number(model.steepness * (i - model.midpoint))
    return number(model.epsilon_max) / (1 + (-t).exp())


def exact_rate(model: Any, i: int) -> Fraction | None:
    if isinstance(model, Geometric):
        return min(Fraction(1), model.epsilon1 * model.ratio ** (i - 1))
    if isinstance(model, Power) and (model.exponent.denominator == 1 or i == 1):
        return model.epsilon1 / Fraction(i) ** int(model.exponent) if i > 1 else model.epsilon1
    if isinstance(model, TwoRate):
        return model.epsilon_key if i % model.key_every == 0 else model.epsilon_other
    if isinstance(model, Rates):
        return model.rates[i - 1] if i <= len(model.rates) else (model.rates[-1] if model.tail == "repeat" else 0)
    if isinstance(model, Logistic) and (model.epsilon_max == 0 or model.steepness * (i - model.midpoint) == 0):
        return model.epsilon_max / 2  # exp(0) = 1; every other exp of a rational is irrational
    return None


def sign_against(model: Any, n: int, threshold: Fraction) -> int:
    """The sign of S(n) - T, from a ball product at 256 or 2048 bits, else exact rationals (ties)."""
    for prec in (256, 2048):
        with BallContext(prec):
            product = flint.arb(1)
            for i in range(1, n + 1):
                product *= 1 - ball_rate(model, i)
            target = flint.arb(flint.fmpq(threshold.numerator, threshold.denominator))
            if product > target:
                return 1
            if product < target:
                return -1
    exact = Fraction(1)
    for i in range(1, n + 1):
        rate = exact_rate(model, i)
        assert rate is not None, "a tie the ball cannot decide and the rates are not rational"
        exact *= 1 - rate
    return (exact > threshold) - (exact < threshold)


def expression_sign(model: Expression, n: int, threshold: Fraction) -> int:
    """For the strategy's expressions ('a * b**(i - 1) + c'): the sign of S(n) - T from mpmath at 80 digits."""
    import sympy

    i = sympy.Symbol("i")
    rate = sympy.lambdify(i, sympy.sympify(model.expr, rational=True), modules="mpmath")  # test-generated text
    with mpmath.workdps(80):
        value = mpmath.fprod(1 - rate(mpmath.mpf(k)) for k in range(1, n + 1))
        gap = value - mpf(threshold)
        if abs(gap) > mpmath.mpf(10) ** -70 * mpf(threshold):
            return 1 if gap > 0 else -1
    # a near tie: the strategy's rates are rational, so settle it exactly
    formula = sympy.sympify(model.expr, rational=True)
    product = math.prod((1 - Fraction(str(formula.subs(i, k))) for k in range(1, n + 1)), start=Fraction(1))
    return (product > threshold) - (product < threshold)


@settings(max_examples=40, deadline=None)
@given(models("geometric", "power", "two-rate", "rates", "expression", "logistic"), thresholds(max_exponent=6))
def test_certificate_rederived_from_the_parameters(model: Any, threshold: Fraction) -> None:
    result = model.budget(threshold)
    note(f"{model!r} at T = {threshold}: {result.n} ({result.certificate})")
    assert result.certificate in ("exact", "ball")
    if result.unbounded:
        return
    n = result.n
    if n > 50_000:
        return  # beyond a term-by-term product in the test; the enclosure tests cover large counts
    sign = expression_sign if isinstance(model, Expression) else sign_against
    assert sign(model, n, threshold) >= 0
    assert sign(model, n + 1, threshold) < 0


# -- bounded work ----------------------------------------------------------------------------------------------

def test_expression_constant_subexpressions_are_bounded_in_every_path() -> None:
    with pytest.raises(ExpressionError, match="too large"):
        Expression("min(1e-3, ((9**1000)**1000)**1000)")
    assert Expression("min(1e-3, 9**1000)").budget("0.5").n == math.floor(math.log(0.5) / math.log1p(-1e-3))


def test_expression_exact_survival_is_bounded() -> None:
    # a constant rate: (1 - c)**n exactly while small, None beyond EXACT_BITS (no unbounded Fraction growth)
    model = Expression("1e-6 + 0*i", horizon=10**7)
    assert model.survival_exact(3) == Fraction(999999, 10**6) ** 3
    assert model.survival_exact(500_000) is None
    assert Expression("1e-6 * (1 + 0.5**i)", horizon=10**7).survival_exact(500_000) is None
