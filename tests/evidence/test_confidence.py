"""Upper confidence bounds from evidence, their budgets, and the posterior predictive survival.

Trusted results: the reference file (computed independently at high precision),
binomial tail sums and Beta quantiles evaluated here with mpmath (not with the
code under test), closed forms, and a seeded coverage simulation.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import stats

from bounds import Independent
from bounds.errors import BoundsError, ParameterError
from bounds.evidence.confidence import METHODS, epsilon_upper_bound, from_evidence
from bounds.evidence.sensitivity import trials_needed
from bounds.numeric.parse import exact
from bounds.testing import strategies as bst
from tests.conftest import load_reference

REFERENCE = load_reference("evidence")


def _binomial_cdf_mp(k: int, n: int, p: Fraction) -> mpmath.mpf:
    """P(Binomial(n, p) <= k) summed term by term in mpmath (independent of the library)."""
    x = mpmath.mpf(p.numerator) / p.denominator
    return mpmath.fsum(mpmath.binomial(n, j) * x**j * (1 - x) ** (n - j) for j in range(k + 1))


def _previous_float(value: float) -> float:
    return float(np.nextafter(value, 0.0))


# -- reference rows ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", REFERENCE, ids=lambda row: f"{row['failures']}-of-{row['trials']}")
def test_reference_rows(row: dict) -> None:
    result = from_evidence(
        failures=row["failures"],
        trials=row["trials"],
        confidence=row["confidence"],
        threshold=row["threshold"],
    )
    expected = mpmath.mpf(row["clopper_pearson_upper"])
    assert float(abs(result.epsilon_upper - expected) / expected) < 1e-9
    # rounded up: the decimal the float stands for is never below the exact bound (30 digits given)
    with mpmath.workdps(40):
        assert mpmath.mpf(result.epsilon_upper_exact.numerator) / result.epsilon_upper_exact.denominator >= (
            expected * (1 - mpmath.mpf(10) ** -29)
        )
    assert result.budget is not None and result.budget.n == row["budget_at_confidence"]
    assert result.budget.certified
    predictive = mpmath.mpf(row["jeffreys_posterior_predictive_survival_500"])
    assert abs(result.posterior_predictive_survival(500) - predictive) / predictive < 1e-9


def test_reference_budget_is_independent_budget_at_the_bound() -> None:
    row = REFERENCE[0]
    result = from_evidence(row["failures"], row["trials"], row["confidence"], threshold=row["threshold"])
    assert result.budget is not None
    assert result.budget.model == Independent(epsilon=exact(result.epsilon_upper, "e"))
    assert result.budget.n == Independent(epsilon=result.epsilon_upper).budget(row["threshold"]).n


# -- Clopper–Pearson against its definition ----------------------------------------------------

CASES = [
    (0, 1),
    (0, 2),
    (1, 2),
    (0, 1000),
    (3, 10_000),
    (5, 20),
    (17, 40),
    (500, 1000),
    (2, 5000),
    (0, 10**9),
    (7, 10**7),
    (0, 10**30),  # ln B(1, 1e30) cancels 31 digits of log-gammas
    (4, 10**20),
]


@pytest.mark.parametrize(("k", "n"), CASES)
@pytest.mark.parametrize("confidence", ["0.95", "0.5", "0.999"])
def test_clopper_pearson_is_the_smallest_float_at_or_above_the_exact_bound(
    k: int, n: int, confidence: str
) -> None:
    upper = epsilon_upper_bound(k, n, confidence)
    with mpmath.workdps(60):
        alpha = 1 - mpmath.mpf(confidence)
        # the bound: P(Bin(n, u) <= k) <= 1 - c ...
        assert _binomial_cdf_mp(k, n, exact(upper, "u")) <= alpha
        # ... and the next float down is not one (the exact bound lies in between)
        below = _previous_float(upper)
        assert _binomial_cdf_mp(k, n, exact(below, "u")) > alpha


@pytest.mark.parametrize("n", [1, 7, 1000, 123_456])
@pytest.mark.parametrize("confidence", ["0.9", "0.95", "0.99"])
def test_clopper_pearson_zero_failures_closed_form(n: int, confidence: str) -> None:
    with mpmath.workdps(50):
        expected = 1 - (1 - mpmath.mpf(confidence)) ** (mpmath.mpf(1) / n)
        upper = epsilon_upper_bound(0, n, confidence)
        assert mpmath.mpf(exact(upper, "u").numerator) / exact(upper, "u").denominator >= expected
        assert abs(upper - expected) / expected < 4e-16


@pytest.mark.parametrize(
    ("n", "confidence", "expected"), [(1, "0.95", 0.95), (2, "0.99", 0.9), (3, "0.999", 0.9)]
)
def test_exact_ties_are_settled_in_rational_arithmetic(n: int, confidence: str, expected: float) -> None:
    # (1 - 0.9)**2 == 0.01 exactly: the bound is 0.9 itself, not the float above it
    assert epsilon_upper_bound(0, n, confidence) == expected


@pytest.mark.parametrize(
    ("k", "n", "method"), [(3, 6, "jeffreys"), (1000, 2000, "jeffreys"), (1000, 2001, "clopper-pearson")]
)
def test_symmetric_median_is_exactly_one_half(k: int, n: int, method: str) -> None:
    # I_{1/2}(a, a) = 1/2 exactly, so the median bound is 0.5 itself (was an undecidable tie)
    assert epsilon_upper_bound(k, n, "0.5", method) == 0.5


def test_all_failures_give_the_trivial_bound() -> None:
    for method in ("clopper-pearson", "jeffreys", "wilson"):
        assert epsilon_upper_bound(4, 4, "0.95", method) == 1.0


def test_broadcasting_matches_scalar_calls() -> None:
    values = epsilon_upper_bound([0, 3, 0], [1000, 10_000, 1000], ["0.95", "0.95", "0.9"])
    assert isinstance(values, np.ndarray) and values.shape == (3,)
    assert values.tolist() == [
        epsilon_upper_bound(0, 1000, "0.95"),
        epsilon_upper_bound(3, 10_000, "0.95"),
        epsilon_upper_bound(0, 1000, "0.9"),
    ]
    assert isinstance(epsilon_upper_bound(0, 1000), float)


# -- the other methods ---------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 100), (5, 20), (0, 1000), (12, 30)])
def test_jeffreys_is_the_posterior_quantile(k: int, n: int) -> None:
    upper = epsilon_upper_bound(k, n, "0.95", "jeffreys")
    a, b = mpmath.mpf(k) + 0.5, mpmath.mpf(n - k) + 0.5
    with mpmath.workdps(40):
        at = exact(upper, "u")
        below = exact(_previous_float(upper), "u")
        # mpmath's own betainc (a different series from the library's) at the float and the one below
        level = mpmath.mpf(19) / 20
        assert mpmath.betainc(a, b, 0, mpmath.mpf(at.numerator) / at.denominator, regularized=True) >= level
        assert (
            mpmath.betainc(a, b, 0, mpmath.mpf(below.numerator) / below.denominator, regularized=True) < level
        )
    assert upper == pytest.approx(stats.beta.ppf(0.95, k + 0.5, n - k + 0.5), rel=1e-12)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 100), (5, 20), (0, 1000), (12, 30)])
def test_wilson_closed_form(k: int, n: int) -> None:
    z = stats.norm.ppf(0.95)
    p = k / n
    expected = (p + z**2 / (2 * n) + z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))) / (1 + z**2 / n)
    assert epsilon_upper_bound(k, n, "0.95", "wilson") == pytest.approx(expected, rel=1e-13)


def test_rule_of_three() -> None:
    assert epsilon_upper_bound(0, 1000, "0.95", "rule-of-three") == 0.003
    assert epsilon_upper_bound(0, 7, "0.95", "rule-of-three") >= 3 / 7
    assert exact(epsilon_upper_bound(0, 7, "0.95", "rule-of-three"), "u") >= Fraction(3, 7)
    assert epsilon_upper_bound(0, 2, "0.95", "rule-of-three") == 1.0
    # 3/n approximates the exact 95% bound -ln(0.05)/n ~ 2.9957/n from above
    assert epsilon_upper_bound(0, 1000, "0.95", "rule-of-three") > epsilon_upper_bound(0, 1000, "0.95")
    with pytest.raises(ParameterError, match="failures must be 0 for the rule of three"):
        epsilon_upper_bound(1, 1000, "0.95", "rule-of-three")
    with pytest.raises(ParameterError, match="confidence must be 0.95 for the rule of three"):
        epsilon_upper_bound(0, 1000, "0.9", "rule-of-three")


# -- coverage ----------------------------------------------------------------------------------

COVERAGE_DATASETS = 20_000


@pytest.mark.parametrize(
    ("epsilon", "trials"), [(0.001, 1000), (0.01, 200), (0.05, 100), (0.3, 30), (0.002, 5000)]
)
def test_clopper_pearson_coverage(epsilon: float, trials: int) -> None:
    """Coverage >= c for every true epsilon (a theorem), checked exactly and by simulation.

    Simulation: 20 000 binomial data sets with a fixed seed; the observed
    coverage must be at least ``c - 4 * sqrt(c (1-c) / 20000)`` = c - 0.0062 at
    c = 0.95. The exact coverage sum_k P(k) 1[u(k) >= epsilon] must be >= c,
    and the simulation must agree with it within 4 standard errors.
    """
    confidence = 0.95
    rng = np.random.default_rng(20_260_515)
    counts = rng.binomial(trials, epsilon, size=COVERAGE_DATASETS)
    distinct = np.unique(counts)
    upper = dict(zip(distinct.tolist(), epsilon_upper_bound(distinct, trials, "0.95").tolist(), strict=True))
    covered = np.array([upper[int(k)] >= epsilon for k in counts])
    observed = covered.mean()
    spread = math.sqrt(confidence * (1 - confidence) / COVERAGE_DATASETS)
    assert observed >= confidence - 4 * spread
    every_k = np.arange(trials + 1)
    bounds_all = epsilon_upper_bound(every_k[: min(trials, 400) + 1], trials, "0.95")
    pmf = stats.binom.pmf(every_k[: len(bounds_all)], trials, epsilon)
    exact_coverage = float(np.sum(pmf * (bounds_all >= epsilon)))
    assert exact_coverage >= confidence
    assert abs(observed - exact_coverage) <= 4 * math.sqrt(
        exact_coverage * (1 - exact_coverage) / COVERAGE_DATASETS
    )


# -- properties --------------------------------------------------------------------------------

confidences = bst.probabilities(min_value=Fraction(1, 1000), max_value=Fraction(999, 1000), max_exponent=3)


@given(k=st.integers(0, 30), n=bst.generations(max_value=10**6), extra=st.integers(1, 10**4), c=confidences)
@example(k=0, n=1, extra=1, c=Fraction(19, 20))
def test_upper_bound_decreases_as_trials_grow(k: int, n: int, extra: int, c: Fraction) -> None:
    n = max(n, k, 1)
    assert epsilon_upper_bound(k, n + extra, c) <= epsilon_upper_bound(k, n, c)


@given(k=st.integers(0, 30), n=bst.generations(max_value=10**6), c1=confidences, c2=confidences)
@example(k=3, n=6, c1=Fraction(1, 2), c2=Fraction(1, 2))  # Jeffreys I_{1/2}(3.5, 3.5) = 1/2: an exact tie
def test_upper_bound_increases_with_confidence(k: int, n: int, c1: Fraction, c2: Fraction) -> None:
    n = max(n, k, 1)
    low, high = sorted((c1, c2))
    assert epsilon_upper_bound(k, n, low) <= epsilon_upper_bound(k, n, high)
    assert epsilon_upper_bound(k, n, low, "jeffreys") <= epsilon_upper_bound(k, n, high, "jeffreys")


@given(
    k=st.integers(0, 50), n=bst.generations(max_value=10**5), c=confidences, t=bst.thresholds(max_exponent=6)
)
@example(k=1, n=1, c=Fraction(1, 2), t=Fraction(1))
@example(k=1, n=2, c=Fraction(1, 10), t=Fraction(1))  # c < 1/2: the "upper" bound is below k/n
def test_budget_at_confidence_never_exceeds_budget_at_point_estimate(
    k: int, n: int, c: Fraction, t: Fraction
) -> None:
    # a one-sided upper bound at c >= 1/2 is at least the median of Beta(k+1, n-k), which is >= k/n
    c = max(c, 1 - c)
    n = max(n, k, 1)
    result = from_evidence(k, n, c, threshold=t)
    at_point = result.budget_at_point_estimate()
    assert result.budget is not None and result.budget.n is not None
    assert at_point.n is None or result.budget.n <= at_point.n
    assert result.epsilon_upper_exact >= result.point_estimate


# -- posterior predictive ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "prior", "horizon"),
    [
        (0, 1000, ("0.5", "0.5"), 500),
        (3, 10_000, ("0.5", "0.5"), 500),
        (2, 50, ("1", "1"), 10),
        (0, 10, ("2", "30"), 1000),
        (5, 5, ("0.5", "0.5"), 3),
        (0, 1, ("0.1", "0.1"), 10**6),
    ],
)
def test_posterior_predictive_survival_formula(k: int, n: int, prior: tuple[str, str], horizon: int) -> None:
    result = from_evidence(k, n, "0.95", prior=prior)
    a, b = (mpmath.mpf(value) for value in prior)
    with mpmath.workdps(50):
        expected = mpmath.beta(a + k, b + n - k + horizon) / mpmath.beta(a + k, b + n - k)
    assert abs(result.posterior_predictive_survival(horizon) - expected) / expected < 1e-9
    model = result.posterior
    assert float(model.a) == pytest.approx(float(a + k)) and float(model.b) == pytest.approx(float(b + n - k))


def test_posterior_predictive_by_monte_carlo() -> None:
    # independent check: average (1 - eps)^H over posterior draws eps ~ Beta(k + 1/2, n - k + 1/2)
    rng = np.random.default_rng(7)
    draws = rng.beta(3.5, 10_000 - 3 + 0.5, size=400_000)
    values = np.exp(500 * np.log1p(-draws))
    estimate, error = values.mean(), values.std() / math.sqrt(values.size)
    exact_value = from_evidence(3, 10_000).posterior_predictive_survival(500)
    assert abs(estimate - exact_value) < 4 * error


def test_posterior_predictive_broadcasts_over_horizon() -> None:
    values = from_evidence(0, 1000).posterior_predictive_survival([0, 500, 5000])
    assert values.shape == (3,) and values[0] == 1.0 and values[1] > values[2]


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"failures": 5, "trials": 3}, "failures must be at most trials = 3, got 5"),
        ({"failures": -1, "trials": 3}, "failures must be a whole number >= 0, got -1"),
        ({"failures": 0, "trials": -3}, "trials must be a whole number >= 0, got -3"),
        ({"failures": 0, "trials": 0}, "trials must be a whole number >= 1, got 0"),
        ({"failures": 1.5, "trials": 3}, "failures must be a whole number >= 0, got 1.5"),
        ({"failures": 1, "trials": "10.5"}, "trials must be a whole number >= 0, got '10.5'"),
        ({"failures": True, "trials": 3}, "failures must be a number, not a boolean"),
        ({"failures": 0, "trials": 3, "confidence": 0}, r"confidence must be in \(0, 1\), got 0"),
        ({"failures": 0, "trials": 3, "confidence": 1}, r"confidence must be in \(0, 1\), got 1"),
        ({"failures": 0, "trials": 3, "confidence": 95}, r"confidence must be in \(0, 1\), got 95"),
        ({"failures": 0, "trials": 3, "confidence": float("nan")}, "confidence must be a finite number"),
        ({"failures": 0, "trials": 3, "method": "wald"}, "method must be one of clopper-pearson, jeffreys"),
        ({"failures": 0, "trials": 3, "threshold": 0}, r"threshold must be in \(0, 1\], got 0"),
        ({"failures": 0, "trials": 3, "prior": (0, 1)}, "prior a must be a positive number, got 0"),
        ({"failures": 0, "trials": 3, "prior": (1,)}, r"prior must be a pair \(a, b\) of positive numbers"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs: dict, message: str) -> None:
    with pytest.raises(BoundsError, match=message):
        from_evidence(**kwargs)


def test_methods_registry_lists_every_method() -> None:
    assert list(METHODS) == ["clopper-pearson", "jeffreys", "wilson", "rule-of-three"]


def test_result_is_frozen_and_serialisable() -> None:
    result = from_evidence(0, 1000, "0.95", threshold="0.9")
    with pytest.raises(AttributeError):
        result.epsilon_upper = 0.1  # type: ignore[misc]
    data = result.to_dict()
    assert data["epsilon_upper"] == result.epsilon_upper and data["budget"] == 35
    assert data["method"] == "clopper-pearson" and data["posterior"] == [0.5, 1000.5]
    assert "N* = 35" in str(result)


def test_posterior_predictive_budget_is_certified_against_the_formula() -> None:
    result = from_evidence(0, 1000, "0.95", threshold="0.9")
    predictive = result.posterior_predictive_budget()
    assert predictive.n == 234 and predictive.certified
    with mpmath.workdps(40):
        a, b = mpmath.mpf(1) / 2, mpmath.mpf(2001) / 2

        def survival(h: int) -> mpmath.mpf:
            return mpmath.beta(a, b + h) / mpmath.beta(a, b)

        assert survival(234) >= mpmath.mpf("0.9") > survival(235)
    with pytest.raises(ParameterError, match="threshold must be given"):
        from_evidence(0, 1000).posterior_predictive_budget()


@pytest.mark.parametrize("method", ["jeffreys", "wilson"])
def test_approximate_methods_can_undercover_as_documented(method: str) -> None:
    # 0 failures in n: Wilson gives z^2/(n+z^2) ~ 2.7/n and Jeffreys ~ 1.9/n, below the exact
    # -ln(0.05)/n ~ 3.0/n, so at a true epsilon just under 3/n the exact coverage falls below 95%
    trials, epsilon = 1000, 0.0029
    every_k = np.arange(trials + 1)
    upper = epsilon_upper_bound(every_k[:60], trials, "0.95", method)
    coverage = float(np.sum(stats.binom.pmf(every_k[:60], trials, epsilon) * (upper >= epsilon)))
    assert coverage < 0.95
    exact_upper = epsilon_upper_bound(every_k[:60], trials, "0.95")
    assert float(np.sum(stats.binom.pmf(every_k[:60], trials, epsilon) * (exact_upper >= epsilon))) >= 0.95


def test_json_numbers_are_lossless() -> None:
    # a threshold of 1e-400 is 0.0 as a float; the JSON keeps it exact
    data = from_evidence(1, 3, "0.95", threshold="1e-400").to_dict()
    assert data["threshold"] == "1e-400" and data["point_estimate"] == "1/3" and data["confidence"] == 0.95


@pytest.mark.parametrize(
    ("generations", "threshold", "confidence"),
    [(502, "0.605", "0.95"), (35, "0.9", "0.95"), (10**6, "0.5", "0.99"), (1, "0.5", "0.9")],
)
def test_trials_needed_for_a_clean_run_matches_the_closed_form(
    generations: int, threshold: str, confidence: str
) -> None:
    needed = trials_needed(generations, threshold, confidence)
    # 1 - (1-c)^(1/n) <= 1 - T^(1/N)  <=>  n >= ln(1-c) / ln(1 - eps_N), eps_N = 1 - T^(1/N)
    with mpmath.workdps(50):
        eps_n = 1 - mpmath.mpf(threshold) ** (mpmath.mpf(1) / generations)
        continuous = mpmath.log(1 - mpmath.mpf(confidence)) / mpmath.log(1 - eps_n)
    # the bound is rounded up to a float, so the certified count may exceed the real-number one by a hair
    assert (
        int(mpmath.ceil(continuous))
        <= needed
        <= int(mpmath.ceil(continuous * (1 + mpmath.mpf(10) ** -12))) + 1
    )
    assert from_evidence(0, needed, confidence, threshold=threshold).budget.n >= generations
    if needed > 1:
        assert from_evidence(0, needed - 1, confidence, threshold=threshold).budget.n < generations


def test_trials_needed_with_failures_is_minimal() -> None:
    needed = trials_needed(35, "0.9", failures=3)
    assert (
        from_evidence(3, needed, threshold="0.9").budget.n
        >= 35
        > from_evidence(3, needed - 1, threshold="0.9").budget.n
    )
    assert needed > trials_needed(35, "0.9")
    with pytest.raises(ParameterError, match="threshold must be below 1"):
        trials_needed(5, 1)


@pytest.mark.parametrize("method", ["clopper-pearson", "jeffreys"])
def test_trial_counts_beyond_the_float_range(method: str) -> None:
    # b X ~ Gamma(a) for b >> a: the bound is gammaincinv(a, c) / b to relative error ~ a / b
    a = 4 if method == "clopper-pearson" else 3.5
    upper = epsilon_upper_bound(3, 10**300, "0.95", method)
    assert upper == pytest.approx(stats.gamma.ppf(0.95, a) / 1e300, rel=1e-12)
    # the exact bound ~3e-400 is below every positive float: the smallest one is the rounded-up bound
    assert epsilon_upper_bound(0, 10**400, "0.95", method) == 5e-324
    # mirrored: 2 successes in 1e400 trials, the bound is 1 - O(1e-400), which rounds up to 1.0
    assert epsilon_upper_bound(10**400 - 2, 10**400, "0.95", method) == 1.0
    assert epsilon_upper_bound(10**12, 10**12 + 5, "0.95", method) == pytest.approx(
        1 - stats.gamma.ppf(0.05, 5 if method == "clopper-pearson" else 5.5) / 1e12, abs=2.3e-16  # 2 ulp at 1
    )


def test_too_many_failures_and_successes_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"failures must be such that failures or successes .* 10\*\*10"):
        epsilon_upper_bound(10**11, 10**12, "0.95")
