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
