"""The layer miss probability against independent truths: enumeration, mpmath, Monte Carlo, IEC 61508-6."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product
from math import comb

import mpmath
import numpy as np
import pytest

from bounds.errors import ParameterError
from bounds.oversight import layer
from bounds.oversight.sharp import any_miss, certified_lp_max

F = Fraction


def brute_independent(miss: list[Fraction], vote: int) -> Fraction:
    """Sum over the 2**n miss patterns with exact probabilities."""
    n, total = len(miss), Fraction(0)
    for pattern in product((0, 1), repeat=n):
        weight = Fraction(1)
        for missed, q in zip(pattern, miss, strict=True):
            weight *= q if missed else 1 - q
        if n - sum(pattern) < vote:
            total += weight
    return total


def brute_groups(groups: list[Fraction], vote: int) -> Fraction:
    """Enumerate which of the 2**n - 1 specific groups fail (each independently with Q_|G|)."""
    n = len(groups)
    subsets = [frozenset(c) for size in range(1, n + 1) for c in combinations(range(n), size)]
    total = Fraction(0)
    for failed in product((0, 1), repeat=len(subsets)):
        weight, union = Fraction(1), set()
        for flag, group in zip(failed, subsets, strict=True):
            q = groups[len(group) - 1]
            weight *= q if flag else 1 - q
            if flag:
                union |= group
        if n - len(union) < vote:
            total += weight
    return total


@pytest.mark.parametrize("miss", [[F(1, 10)] * 3, [F(1, 10), F(1, 5), F(7, 20)], [F(1, 2), F(1, 3), F(1, 4), F(1, 5)]])
def test_independent_equals_enumeration(miss: list[Fraction]) -> None:
    for vote in range(1, len(miss) + 1):
        assert layer.independent_miss(miss, vote) == brute_independent(miss, vote)


def test_three_independent_layers_miss_one_in_a_thousand() -> None:
    assert layer.independent_miss([F(1, 10)] * 3, 1) == F(1, 1000)


@pytest.mark.parametrize(
    ("groups", "n"),
    [([F(1, 20), F(1, 50), F(1, 100)], 3), ([F(1, 10), F(0), F(1, 30)], 3), ([F(1, 7), F(1, 11)], 2),
     ([F(1, 5), F(1, 20), F(1, 40), F(1, 80)], 4)],
)
def test_group_model_equals_enumeration(groups: list[Fraction], n: int) -> None:
    for vote in range(1, n + 1):
        assert layer.group_miss(groups, vote) == brute_groups(groups, vote)


def test_beta_factor_is_mgl_with_higher_letters_one() -> None:
    q, beta = F(3, 100), F(1, 10)
    for n in (2, 3, 4):
        for vote in range(1, n + 1):
            assert layer.beta_factor_miss(q, n, vote, beta) == layer.mgl_miss(q, n, vote, [beta] + [F(1)] * (n - 2))


@pytest.mark.parametrize(("q", "beta"), [(F(1, 1000), F(1, 10)), (F(1, 100), F(1, 20)), (F(1, 10), F(1, 2))])
def test_iec_61508_forms(q: Fraction, beta: Fraction) -> None:
    """The exact forms this model implies, and IEC 61508-6 Annex D's leading terms."""
    p = (1 - beta) * q
    exact_1oo2 = beta * q + (1 - beta * q) * p**2
    exact_2oo3 = beta * q + (1 - beta * q) * (3 * p**2 * (1 - p) + p**3)
    assert layer.beta_factor_miss(q, 2, 1, beta) == exact_1oo2
    assert layer.beta_factor_miss(q, 3, 2, beta) == exact_2oo3
    # IEC's approximations drop terms of order beta q p**2 and p**3
    assert abs(exact_1oo2 - (beta * q + p**2)) <= beta * q * p**2
    assert abs(exact_2oo3 - (beta * q + 3 * p**2)) <= 3 * beta * q * p**2 + 2 * p**3


def test_mgl_and_alpha_factor_groups_sum_to_the_total() -> None:
    """Each monitor belongs to C(n-1, j-1) groups of size j: sum_j C(n-1, j-1) Q_j = Q_t."""
    q = F(1, 10)
    groups = layer.mgl_groups(q, 4, [F(1, 5), F(1, 3), F(1, 2)])
    assert sum(comb(3, j - 1) * g for j, g in enumerate(groups, start=1)) == q
    alpha = [F(7, 10), F(1, 10), F(1, 10), F(1, 10)]
    groups = layer.alpha_factor_groups(q, 4, alpha)
    alpha_t = sum(j * a for j, a in enumerate(alpha, start=1))
    # non-staggered: Q_j C(n-1, j-1) = j alpha_j Q_t / alpha_t, which sums to Q_t
    assert sum(comb(3, j - 1) * g for j, g in enumerate(groups, start=1)) == q
    assert groups[0] == F(7, 10) * q / alpha_t


@pytest.mark.parametrize(("q", "rho", "n"), [(F(1, 10), F(1, 2), 3), (F(3, 10), F(1, 7), 4), (F(1, 100), F(1, 3), 5)])
def test_exchangeable_against_mpmath_beta(q: Fraction, rho: Fraction, n: int) -> None:
    with mpmath.workdps(50):
        scale = (1 - mpmath.mpf(rho.numerator) / rho.denominator) / (mpmath.mpf(rho.numerator) / rho.denominator)
        a = mpmath.mpf(q.numerator) / q.denominator * scale
        b = scale - a
        whole = mpmath.beta(a, b)
        for vote in range(1, n + 1):
            expected = sum(comb(n, j) * mpmath.beta(a + j, b + n - j) for j in range(n - vote + 1, n + 1)) / whole
            value = layer.exchangeable_miss(q, n, vote, rho)
            assert abs(mpmath.mpf(value.numerator) / value.denominator - expected) < mpmath.mpf(10) ** -45
        # 1-of-n is E[theta**n] = B(a + n, b) / B(a, b) >= q**n (Jensen)
        first = layer.exchangeable_miss(q, n, 1, rho)
        assert abs(mpmath.mpf(first.numerator) / first.denominator - mpmath.beta(a + n, b) / whole) < 1e-45
        assert first >= q**n


def test_exchangeable_ends() -> None:
    q = F(1, 10)
    assert layer.exchangeable_miss(q, 3, 1, F(0)) == q**3
    assert layer.exchangeable_miss(q, 3, 2, F(1)) == q


def test_three_readings_of_ninety_percent_layers() -> None:
    q, rho = F(1, 10), F(1, 2)
    assert layer.beta_factor_miss(q, 3, 1, rho) == F(8019, 160000)  # ~0.050
    assert layer.exchangeable_miss(q, 3, 1, rho) == F(77, 2000)  # ~0.039


# --- Monte Carlo: every dependence model from its mechanism -----------------------------------------------------------
_DRAWS = 200_000


def _within(value: Fraction, hits: np.ndarray) -> None:
    p = float(value)
    sigma = max(np.sqrt(p * (1 - p) / hits.size), 1 / hits.size)
    assert abs(hits.mean() - p) <= 4 * sigma, (hits.mean(), p)


def _passes(misses: np.ndarray, vote: int) -> np.ndarray:
    return (misses.shape[1] - misses.sum(axis=1)) < vote


def test_monte_carlo_independent() -> None:
    rng = np.random.default_rng(1)
    q = [F(1, 5), F(3, 10), F(1, 2)]
    misses = rng.random((_DRAWS, 3)) < np.array([float(x) for x in q])
    for vote in (1, 2, 3):
        _within(layer.independent_miss(q, vote), _passes(misses, vote))


def _group_draws(groups: list[Fraction], rng: np.random.Generator) -> np.ndarray:
    n = len(groups)
    misses = np.zeros((_DRAWS, n), dtype=bool)
    for size in range(1, n + 1):
        for group in combinations(range(n), size):
            failed = rng.random(_DRAWS) < float(groups[size - 1])
            misses[:, list(group)] |= failed[:, None]
    return misses


def test_monte_carlo_beta_factor() -> None:
    rng = np.random.default_rng(2)
    q, beta = F(1, 5), F(3, 10)
    common = rng.random(_DRAWS) < float(beta * q)
    misses = (rng.random((_DRAWS, 3)) < float((1 - beta) * q)) | common[:, None]
    for vote in (1, 2, 3):
        _within(layer.beta_factor_miss(q, 3, vote, beta), _passes(misses, vote))


def test_monte_carlo_mgl_and_alpha_factor() -> None:
    rng = np.random.default_rng(3)
    q = F(1, 5)
    greek = [F(2, 5), F(1, 2)]
    misses = _group_draws(layer.mgl_groups(q, 3, greek), rng)
    for vote in (1, 2, 3):
        _within(layer.mgl_miss(q, 3, vote, greek), _passes(misses, vote))
    alpha = [F(6, 10), F(3, 10), F(1, 10)]
    misses = _group_draws(layer.alpha_factor_groups(q, 3, alpha), rng)
    for vote in (1, 2, 3):
        _within(layer.alpha_factor_miss(q, 3, vote, alpha), _passes(misses, vote))


def test_monte_carlo_exchangeable() -> None:
    rng = np.random.default_rng(4)
    q, rho = F(1, 5), F(1, 4)
    scale = float((1 - rho) / rho)
    theta = rng.beta(float(q) * scale, (1 - float(q)) * scale, size=_DRAWS)
    misses = rng.random((_DRAWS, 3)) < theta[:, None]
    for vote in (1, 2, 3):
        _within(layer.exchangeable_miss(q, 3, vote, rho), _passes(misses, vote))


def test_monte_carlo_any_inside_the_interval() -> None:
    """Comonotone misses (one uniform) attain the upper Frechet end; random mixtures stay inside."""
    rng = np.random.default_rng(5)
    q = [F(1, 5), F(3, 10), F(1, 2)]
    u = rng.random(_DRAWS)
    comonotone = u[:, None] < np.array([float(x) for x in q])
    _within(any_miss(q, 1).high, _passes(comonotone, 1))
    independent = rng.random((_DRAWS, 3)) < np.array([float(x) for x in q])
    mixed = np.where((rng.random(_DRAWS) < 0.5)[:, None], comonotone, independent)
    for vote in (1, 2, 3):
        interval = any_miss(q, vote)
        rate = _passes(mixed, vote).mean()
        slack = 4 * np.sqrt(0.25 / _DRAWS)
        assert float(interval.low) - slack <= rate <= float(interval.high) + slack


# --- the 'any' interval: closed forms and certificates ------------------------------------------------------------
def test_frechet_ends() -> None:
    q = [F(1, 5), F(3, 10), F(1, 2)]
    assert (any_miss(q, 1).low, any_miss(q, 1).high) == (F(0), F(1, 5))
    assert (any_miss(q, 3).low, any_miss(q, 3).high) == (F(1, 2), F(1))
    high = [F(9, 10), F(8, 10), F(7, 10)]
    assert any_miss(high, 1).low == F(4, 10)


def test_lp_interval_is_sharp_and_matches_symmetric_closed_form() -> None:
    """Equal q: max P(T >= m) with E[T] = n q is min(1, n q / m) (Markov, attained on {0, m})."""
    for n, q in ((3, F(1, 10)), (5, F(1, 10)), (4, F(7, 10)), (6, F(1, 3))):
        for vote in range(2, n):
            m = n - vote + 1
            interval = any_miss([q] * n, vote)
            assert interval.sharp
            assert interval.high == min(F(1), n * q / m)
            # the pattern LP (unequal-q code path) agrees on equal q
            nudged = any_miss([q] * (n - 1) + [q], vote)
            assert nudged == interval


def test_pattern_lp_equals_count_lp_for_equal_rates() -> None:
    from bounds.oversight.sharp import _lp_interval

    q = [F(1, 4)] * 4
    symmetric = _lp_interval(q, 2)
    columns = [[F(1), *(F(x) for x in p)] for p in product((0, 1), repeat=4)]
    hit = [F(int(sum(p) >= 2)) for p in product((0, 1), repeat=4)]
    bound, attained = certified_lp_max(columns, hit, [F(1), *q])
    assert bound == attained == symmetric.high


def test_unequal_lp_against_enumerated_extremes() -> None:
    q = [F(1, 10), F(1, 5), F(3, 10)]
    interval = any_miss(q, 2)
    assert interval.sharp
    assert interval.high == F(3, 10)  # (sum q) / 2: disjoint pairs carry all the miss mass
    assert interval.low == 0
    # every independent reading lies inside
    assert interval.low <= layer.independent_miss(q, 2) <= interval.high


def test_bad_votes_and_lengths() -> None:
    with pytest.raises(ParameterError, match="vote"):
        layer.independent_miss([F(1, 2)] * 2, 3)
    with pytest.raises(ParameterError, match="greek"):
        layer.mgl_groups(F(1, 10), 3, [F(1, 2)])
    with pytest.raises(ParameterError, match="alpha"):
        layer.alpha_factor_groups(F(1, 10), 2, [F(1, 2), F(1, 3)])
