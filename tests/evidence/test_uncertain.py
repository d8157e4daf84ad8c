"""Uncertain epsilon: interval fits and the Monte Carlo distribution of exact budgets.

Trusted results: the defining quantile equations of the fits (evaluated with
scipy.stats, not with the code's own cdf), the scalar certified solver for
individual draws, and the distribution of epsilon itself: since the budget is
non-increasing in epsilon, ``P(N* >= N) = P(epsilon <= max_epsilon(N, T))`` and
the q-quantile of the budget is the budget at the (1-q)-quantile of epsilon.
Monte Carlo comparisons use 4 standard errors.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from bounds import Independent, max_epsilon
from bounds.errors import BoundsError, ParameterError
from bounds.evidence.uncertain import (
    BetaEpsilon,
    BudgetDistribution,
    LogNormalEpsilon,
    SampledEpsilon,
    budget_distribution,
    epsilon_interval,
)

INTERVALS = [
    ("1e-4", "1e-2", "0.9"),
    ("0.001", "0.005", "0.5"),
    ("1e-9", "1e-3", "0.99"),
    ("0.05", "0.3", "0.8"),
]


@pytest.mark.parametrize(("low", "high", "credibility"), INTERVALS)
def test_lognormal_fit_puts_the_interval_at_the_central_quantiles(
    low: str, high: str, credibility: str
) -> None:
    fitted = epsilon_interval(low, high, credibility)
    assert isinstance(fitted, LogNormalEpsilon)
    level = float(credibility)
    untruncated = stats.lognorm(s=fitted.sigma, scale=math.exp(fitted.mu))
    assert untruncated.cdf(float(low)) == pytest.approx((1 - level) / 2, rel=1e-12)
    assert untruncated.cdf(float(high)) == pytest.approx((1 + level) / 2, rel=1e-12)
    # conditioning on epsilon <= 1 moves the quantiles by at most the removed mass
    kept = untruncated.cdf(1.0)
    assert fitted.mass_above_one == pytest.approx(1 - kept, abs=1e-15)
    assert fitted.cdf(float(high)) == pytest.approx(untruncated.cdf(float(high)) / kept, rel=1e-12)


@pytest.mark.parametrize(("low", "high", "credibility"), INTERVALS)
def test_beta_fit_puts_the_interval_at_the_central_quantiles(low: str, high: str, credibility: str) -> None:
    fitted = epsilon_interval(low, high, credibility, distribution="beta")
    assert isinstance(fitted, BetaEpsilon)
    level = float(credibility)
    distribution = stats.beta(fitted.a, fitted.b)
    assert distribution.cdf(float(low)) == pytest.approx((1 - level) / 2, abs=1e-9)
    assert distribution.cdf(float(high)) == pytest.approx((1 + level) / 2, abs=1e-9)


def test_lognormal_interval_reaching_one_reports_the_removed_mass() -> None:
    fitted = epsilon_interval("0.1", "1", "0.9")
    assert fitted.mass_above_one == pytest.approx(0.05, rel=1e-12)
    draws = fitted.sample(100_000, np.random.default_rng(3))
    assert draws.max() <= 1.0 and draws.min() > 0


@pytest.mark.parametrize(
    ("distribution", "low", "high", "credibility"),
    [
        ("lognormal", "1e-4", "1e-2", "0.9"),
        ("beta", "1e-4", "1e-2", "0.9"),
        ("beta", "0.05", "0.3", "0.8"),
    ],
)
def test_budget_distribution_matches_the_distribution_of_epsilon(
    distribution: str, low: str, high: str, credibility: str
) -> None:
    fitted = epsilon_interval(low, high, credibility, distribution)
    draws, threshold = 200_000, Fraction(9, 10)
    result = budget_distribution(fitted, "0.9", draws=draws, seed=11, required=50)
    # P(N* >= 50) = P(epsilon <= max_epsilon(50, T)), exactly (the budget is non-increasing in epsilon)
    expected = float(fitted.cdf(max_epsilon(50, threshold)))
    assert abs(result.probability_required - expected) <= 4 * math.sqrt(expected * (1 - expected) / draws)
    # the q-quantile of N* is the budget at the (1-q)-quantile of epsilon; bracket it by the epsilon
    # quantiles at (1-q) -/+ 4 standard errors of an empirical quantile level
    scipy_distribution = (
        stats.lognorm(s=fitted.sigma, scale=math.exp(fitted.mu))
        if distribution == "lognormal"
        else stats.beta(fitted.a, fitted.b)
    )
    for level, value in result.quantiles.items():
        spread = 4 * math.sqrt(level * (1 - level) / draws)
        slow = Independent(epsilon=float(scipy_distribution.ppf(1 - level + spread))).budget(threshold).n
        fast = Independent(epsilon=float(scipy_distribution.ppf(1 - level - spread))).budget(threshold).n
        assert slow <= value <= fast


def test_every_draw_gets_its_exact_certified_budget() -> None:
    fitted = epsilon_interval("1e-4", "1e-2", "0.9")
    result = budget_distribution(fitted, "0.9", draws=2000, seed=5)
    draws = fitted.sample(2000, np.random.default_rng(5))  # same seed, same draws
    for index in range(0, 2000, 10):
        assert result.budgets[index] == Independent(epsilon=float(draws[index])).budget("0.9").n


def test_threshold_that_is_not_a_float_decimal_stays_exact() -> None:
    # 1/3 has no finite decimal: the budgets must be those of T = 1/3 exactly, not of 0.3333333333333333
    samples = [0.1, 0.001, 0.5]
    result = budget_distribution(samples, Fraction(1, 3))
    expected = [Independent(epsilon=value).budget(Fraction(1, 3)).n for value in samples]
    assert result.budgets.tolist() == expected


def test_near_tie_draws_are_exact() -> None:
    # (1 - 0.1)**2 == 0.81 exactly: the float formula says 1, the budget is 2
    result = budget_distribution([0.1, 0.1, 0.3], "0.81")
    assert result.budgets.tolist() == [2, 2, 0]


def test_quantiles_are_order_statistics() -> None:
    samples = np.array([0.5, 0.1, 0.01, 0.001, 0.0001])
    result = budget_distribution(samples, "0.9", quantiles=(0.0, 0.2, 0.21, 0.5, 1.0))
    budgets = sorted(Independent(epsilon=value).budget("0.9").n for value in samples.tolist())
    assert result.quantiles == {
        0.0: budgets[0],
        0.2: budgets[0],
        0.21: budgets[1],
        0.5: budgets[2],
        1.0: budgets[4],
    }
    assert result.probability_at_least(budgets[2]) == 3 / 5
    assert result.seed is None and result.draws == 5


def test_unbounded_draws_sort_last_and_count_as_reaching_any_requirement() -> None:
    result = budget_distribution([0.0, 0.0, 0.1], "0.9")
    assert result.unbounded_fraction == pytest.approx(2 / 3)
    assert result.quantile(0.2) == 1 and result.quantile(0.9) is None
    assert result.probability_at_least(10**30) == pytest.approx(2 / 3)


def test_seed_reproduces_and_is_reported() -> None:
    fitted = epsilon_interval("1e-4", "1e-2", "0.9")
    first = budget_distribution(fitted, "0.9", draws=1000, seed=42)
    again = budget_distribution(fitted, "0.9", draws=1000, seed=42)
    assert first.seed == 42 and np.array_equal(first.budgets, again.budgets)
    fresh = budget_distribution(fitted, "0.9", draws=1000)
    assert isinstance(fresh.seed, int)
    replay = budget_distribution(fitted, "0.9", draws=1000, seed=fresh.seed)
    assert np.array_equal(fresh.budgets, replay.budgets)
    assert first.to_dict()["seed"] == 42


def test_to_dict_has_quantiles_probability_and_seed() -> None:
    result = budget_distribution(
        epsilon_interval("1e-4", "1e-2", "0.9"), "0.9", draws=1000, seed=1, required=50
    )
    data = result.to_dict()
    assert data["seed"] == 1 and data["draws"] == 1000 and data["threshold"] == 0.9
    assert set(data["quantiles"]) == {"0.05", "0.25", "0.5", "0.75", "0.95"}
    assert data["probability_budget_at_least_required"] == result.probability_at_least(50)
    assert (
        data["epsilon_distribution"]["low"] == 0.0001 and data["epsilon_distribution"]["credibility"] == 0.9
    )


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1e-2", "1e-4", "0.9"), r"epsilon interval must be \(low, high\) with low < high"),
        (("1e-2", "1e-2", "0.9"), r"epsilon interval must be \(low, high\) with low < high"),
        (("0", "1e-2", "0.9"), r"epsilon interval low must be in \(0, 1\], got '0'"),
        (("-1e-3", "1e-2", "0.9"), r"epsilon interval low must be in \(0, 1\]"),
        (("1e-3", "1.5", "0.9"), r"epsilon interval high must be in \(0, 1\], got '1.5'"),
        (("1e-3", "nan", "0.9"), "epsilon interval high must be a finite number"),
        (("1e-4", "1e-2", "1"), r"credibility must be in \(0, 1\), got '1'"),
        (("1e-4", "1e-2", "0"), r"credibility must be in \(0, 1\), got '0'"),
        (("1e-4", "1e-2", "90"), r"credibility must be in \(0, 1\), got '90'"),
    ],
)
def test_bad_interval_is_a_clear_error(args: tuple[str, str, str], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        epsilon_interval(*args)


def test_unknown_distribution_and_infeasible_beta() -> None:
    with pytest.raises(ParameterError, match="distribution must be one of lognormal, beta, got 'normal'"):
        epsilon_interval("1e-4", "1e-2", "0.9", "normal")
    with pytest.raises(BoundsError, match="a Beta distribution cannot have epsilon interval high = 1"):
        epsilon_interval("0.1", "1", "0.9", "beta")


@pytest.mark.parametrize(
    ("samples", "message"),
    [
        ([], "epsilon samples must be a non-empty array"),
        ([0.1, float("nan")], r"epsilon samples must be in \[0, 1\], got nan"),
        ([0.1, 1.5], r"epsilon samples must be in \[0, 1\], got 1.5"),
        (["a"], "epsilon samples must be an array of numbers"),
    ],
)
def test_bad_samples(samples: list, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        SampledEpsilon(np.asarray(samples))


def test_bad_draws_seed_threshold_and_levels() -> None:
    fitted = epsilon_interval("1e-4", "1e-2", "0.9")
    with pytest.raises(ParameterError, match="draws must be a whole number from 1 to 100000000 .*, got 0"):
        budget_distribution(fitted, "0.9", draws=0)
    with pytest.raises(ParameterError, match="draws must be a whole number from 1 to 100000000"):
        budget_distribution(fitted, "0.9", draws="1e9")
    with pytest.raises(ParameterError, match="seed must be a whole number >= 0, got -1"):
        budget_distribution(fitted, "0.9", seed=-1)
    with pytest.raises(ParameterError, match=r"threshold must be in \(0, 1\], got 0"):
        budget_distribution(fitted, 0)
    with pytest.raises(ParameterError, match=r"quantile level must be in \[0, 1\], got 1.5"):
        budget_distribution(fitted, "0.9", quantiles=(0.5, 1.5))


def test_draws_below_the_float_range_are_refused() -> None:
    fitted = epsilon_interval("1e-400", "1e-300", "0.9")
    assert fitted.mu == pytest.approx(-350 * math.log(10))
    with pytest.raises(BoundsError, match="below the float range"):
        budget_distribution(fitted, "0.9", draws=100_000, seed=0)


@pytest.mark.parametrize(
    ("low", "high", "credibility"),
    [
        ("1e-12", "1e-10", "0.5"),  # both tails tiny: found from the Gamma approximation
        ("0.9", "0.99", "0.9"),  # near 1: the mirrored Gamma start
        ("1e-6", "0.999", "0.999"),  # spans almost all of (0, 1)
        ("1e-300", "1e-200", "0.9"),
        ("0.999", "0.9999999", "0.9"),
    ],
)
def test_beta_fit_in_hard_corners(low: str, high: str, credibility: str) -> None:
    fitted = epsilon_interval(low, high, credibility, distribution="beta")
    level = float(credibility)
    distribution = stats.beta(fitted.a, fitted.b)
    assert distribution.cdf(float(low)) == pytest.approx((1 - level) / 2, abs=1e-9)
    assert distribution.cdf(float(high)) == pytest.approx((1 + level) / 2, abs=1e-9)


def test_beta_fit_below_float_range_is_refused() -> None:
    with pytest.raises(BoundsError, match="reaches below 1e-300, where a Beta cannot be fitted"):
        epsilon_interval("1e-400", "1e-399", "0.5", distribution="beta")
    # the log-normal fit works in exact logarithms
    assert epsilon_interval("1e-400", "1e-399", "0.5").mu == pytest.approx(-399.5 * math.log(10))


def _solver_overflows_beyond_float_range() -> bool:
    try:
        Independent(epsilon=1e-320).budget("0.9")
    except OverflowError:
        return True
    return False


@pytest.mark.xfail(
    _solver_overflows_beyond_float_range(),
    raises=OverflowError,
    strict=True,
    reason="bounds.solve.budget.solve on this base converts N* to float for S(N*), which overflows above 1.8e308 "
    "(fixed on main)",
)
def test_subnormal_draws_get_exact_budgets() -> None:
    samples = [1e-320, 5e-324, 1e-300]
    result = budget_distribution(samples, "0.9")
    assert result.budgets.tolist() == [Independent(epsilon=value).budget("0.9").n for value in samples]


def test_interval_source_is_kept_exact() -> None:
    fitted = epsilon_interval("1e-400", "1e-399", "0.5")
    assert fitted.to_dict()["low"] == "1e-400" and fitted.to_dict()["high"] == "1e-399"
    # the text names the interval exactly although its ends underflow a float
    summary = BudgetDistribution(fitted, Fraction(9, 10), 1, 0, np.ma.masked_array([1]), (0.5,))
    assert "1e-400 to 1e-399 with 50% credibility" in str(summary)
