"""FiniteMixture: exact sums, mpmath, limits, Monte Carlo, bad input."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds import FiniteMixture, Independent, ParameterError
from bounds.batch.simulate import simulate
from bounds.models import load_spec
from bounds.testing.strategies import epsilons

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"


def test_closed_form_against_exact_and_mpmath() -> None:
    model = FiniteMixture(weights=["0.9", "0.1"], rates=["0.0001", "0.01"])
    for n in (0, 1, 2, 50, 1000):
        exact = Fraction(9, 10) * Fraction(9999, 10000) ** n + Fraction(1, 10) * Fraction(99, 100) ** n
        assert model.survival_exact(n) == exact
        assert model.survival(n) == pytest.approx(float(exact), rel=1e-14)
    # far in the tail the mild flaw dominates: S ~ 0.9 (1 - 1e-4)^N, beyond float range
    with mpmath.workdps(40):
        n = 10**9
        expected = mpmath.mpf("0.9") * mpmath.exp(n * mpmath.log1p(mpmath.mpf("-0.0001")))
        assert abs(model.survival_mp(n, 30) / expected - 1) < mpmath.mpf(10) ** -29
        assert model.log_survival(n) == pytest.approx(float(mpmath.log(expected)), rel=1e-14)


def test_limit_and_unbounded_budget() -> None:
    model = FiniteMixture(weights=["0.3", "0.7"], rates=["0", "0.2"])
    assert model.limit_exact() == Fraction(3, 10)
    assert model.budget("0.3").unbounded
    result = model.budget("0.31")
    # S(N) = 0.3 + 0.7 * 0.8^N >= 0.31  <=>  0.8^N >= 1/70
    assert result.n == 19 and Fraction(4, 5) ** 19 >= Fraction(1, 70) > Fraction(4, 5) ** 20


@given(st.lists(epsilons(max_exponent=6), min_size=1, max_size=4), st.integers(0, 3000))
def test_mixture_of_one_rate_is_independent(rates: list[Fraction], n: int) -> None:
    weights = [Fraction(1, len(rates))] * len(rates)
    same = FiniteMixture(weights=weights, rates=[rates[0]] * len(rates))
    assert same.log_survival(n) == pytest.approx(
        Independent(epsilon=rates[0]).log_survival(n), rel=1e-12, abs=1e-300
    )
    mixed = FiniteMixture(weights=weights, rates=rates)
    mean = sum(rates, Fraction(0)) / len(rates)
    # Jensen: the mixture survives at least as well as independence at the mean rate
    assert mixed.log_survival(n) >= Independent(epsilon=mean).log_survival(n) - 1e-12 * max(1, n)


def test_monte_carlo_agrees() -> None:
    model = FiniteMixture(weights=["0.5", "0.3", "0.2"], rates=["0.001", "0.01", "0.1"])
    counts = [1, 5, 20, 100, 500, 2000]
    result = simulate(model, counts, trials=200_000, seed=11)
    assert result.agrees_with(model.survival(counts))
    assert not result.agrees_with(Independent(epsilon=model.mean).survival(counts))


@pytest.mark.parametrize(
    ("weights", "rates", "message"),
    [
        (["0.5", "0.4"], ["0.1", "0.2"], "weights must be probabilities summing to exactly 1"),
        ([0.1, 0.2, 0.6], [0.1, 0.2, 0.3], "they sum to 0.9"),
        (["0.5", "0.5"], ["0.1"], "rates must be a list of 2 entries"),
        ([], [], "weights must be a non-empty list"),
        (["1"], ["1.5"], "rates[0] must be in [0, 1], got '1.5'"),
        (["0.5", "0.5"], ["nan", "0.1"], "rates[0] must be a finite number"),
        ("0.5", ["0.1"], "weights must be a list of probabilities"),
    ],
)
def test_bad_input(weights: object, rates: object, message: str) -> None:
    with pytest.raises(ParameterError) as info:
        FiniteMixture(weights=weights, rates=rates)
    assert message in str(info.value)


def test_decimal_floats_summing_to_one_are_accepted() -> None:
    # 0.1 + 0.2 + 0.7 != 1.0 in binary floats, but the decimals the user wrote sum to 1 exactly
    assert FiniteMixture(weights=[0.1, 0.2, 0.7], rates=[0.1, 0.2, 0.3]).weights[0] == Fraction(1, 10)


def test_example_spec() -> None:
    model = load_spec(EXAMPLES / "finite-mixture.toml")
    assert model == FiniteMixture(weights=["0.9", "0.1"], rates=["0.0001", "0.01"])
    assert model.budget("0.9").n == 181


def test_symbolic_matches_exact() -> None:
    model = FiniteMixture(weights=["0.9", "0.1"], rates=["0.0001", "0.01"])
    exact = model.survival_exact(1000)
    with mpmath.workdps(40):
        value = model.symbolic().evaluate(1000, 40)
        assert abs(value - mpmath.mpf(exact.numerator) / exact.denominator) < mpmath.mpf(10) ** -38


# -- the kernel: few-ulp floats near S = 1, balls against a direct sum, the certificate rechecked ---------

import flint  # noqa: E402
import numpy as np  # noqa: E402
from hypothesis import example  # noqa: E402

from bounds.numeric.contexts import BallContext  # noqa: E402
from bounds.testing.strategies import models, thresholds  # noqa: E402
from tests.models._truths import assert_encloses, mp_log_mixture, sign_against  # noqa: E402


def test_float_log_survival_near_one_is_within_a_few_ulp() -> None:
    # issue 11: logsumexp gave -1.0000050000291694e-05 (4e-12 relative off)
    model = FiniteMixture(weights=["0.5", "0.5"], rates=["0.00001", "0.00001"])
    assert model.log_survival(1) == -1.0000050000333337e-05


@given(
    st.lists(epsilons(max_exponent=12), min_size=1, max_size=4),
    st.lists(st.integers(1, 1000), min_size=4, max_size=4),
    st.integers(0, 10**6),
)
@example([Fraction(1, 10**5)] * 2, [1, 1, 1, 1], 1)
@example([Fraction(1, 10**12), Fraction(1)], [999, 1, 1, 1], 3)
def test_float_log_survival_matches_mpmath_to_a_few_ulp(rates: list[Fraction], raw: list[int], n: int) -> None:
    weights = [Fraction(w, sum(raw[: len(rates)])) for w in raw[: len(rates)]]
    model = FiniteMixture(weights=weights, rates=rates)
    truth = mp_log_mixture(weights, rates, n, dps=40)
    value = model.log_survival(n)
    if mpmath.isinf(truth):
        assert value == -np.inf
        return
    spacing = np.spacing(abs(float(truth))) if truth != 0 else 0.0
    # a few ulp of ln S (the weights and rates are themselves rounded to floats: 8 ulp in all)
    assert abs(mpmath.mpf(value) - truth) <= 8 * spacing + 1e-300, (value, truth)


@given(
    st.lists(epsilons(max_exponent=30), min_size=1, max_size=4),
    st.integers(1, 1000),
    st.lists(st.integers(0, 1000), min_size=3, max_size=3),
    st.sampled_from([0, 1, 2, 17, 1000, 10**6, 10**12]),
)
@example([Fraction(1, 10**5)] * 2, 1, [1, 0, 0], 1)
@example([Fraction(0), Fraction(1)], 2, [1, 0, 0], 20)  # a certain flaw and a harmless one
@example([Fraction(1, 10**30), Fraction(0), Fraction(1, 10**29), Fraction(0)], 1, [15, 234, 416], 0)  # ln S(0) = 0
@example([Fraction(1, 10**27)], 1, [0, 0, 0], 1)  # the truth lost relative accuracy in log(S) near S = 1
def test_ball_encloses_the_direct_sum_and_shrinks(
    rates: list[Fraction], first: int, rest: list[int], n: int
) -> None:
    raw = [first, *rest]
    weights = [Fraction(w, sum(raw[: len(rates)])) for w in raw[: len(rates)]]
    model = FiniteMixture(weights=weights, rates=rates)

    def ball_at(prec: int) -> flint.arb:
        with BallContext(prec) as ctx:
            return model.log_survival(ctx, n)

    assert_encloses(ball_at, mp_log_mixture(weights, rates, n))


def _mixture_survival(model: FiniteMixture, n: int, extra: int) -> Fraction | flint.arb:
    """``sum w_k (1 - eps_k)**n``: exact while small, else arb integer powers of the exact ``1 - eps_k``."""
    if n * max((1 - e).denominator.bit_length() for e in model.rates) < 100_000:
        return sum((w * (1 - e) ** n for w, e in zip(model.weights, model.rates, strict=True)), Fraction(0))
    with BallContext(extra + 2 * n.bit_length() + max((1 - e).denominator.bit_length() for e in model.rates)):
        return sum(
            (flint.arb(flint.fmpq(w.numerator, w.denominator)) * flint.arb(flint.fmpq((1 - e).numerator,
             (1 - e).denominator)) ** n for w, e in zip(model.weights, model.rates, strict=True)),
            flint.arb(0),
        )


@given(models("finite-mixture"), thresholds(max_exponent=12))
def test_solved_budget_rechecked_from_the_parameters(model: FiniteMixture, threshold: Fraction) -> None:
    result = model.budget(threshold)
    assert result.certificate in ("exact", "ball")
    if result.unbounded:
        assert model.limit_exact() >= threshold
        return
    assert sign_against(lambda extra: _mixture_survival(model, result.n, extra), threshold) >= 0
    assert sign_against(lambda extra: _mixture_survival(model, result.n + 1, extra), threshold) == -1


def test_log_limit_is_the_harmless_weight() -> None:
    model = FiniteMixture(weights=["0.3", "0.7"], rates=["0", "0.2"])
    with BallContext(64) as ctx:
        assert model.log_limit(ctx).overlaps(flint.arb("0.3").log())
        assert FiniteMixture(weights=["1"], rates=["0.2"]).log_limit(ctx) < -(10**300)
