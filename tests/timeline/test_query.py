"""Timeline queries: the seed's horizon, Zeno versus a persistent floor, and P(aligned) against Monte Carlo."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from bounds import Geometric, Independent, PersistentUnsafe
from bounds.errors import ParameterError
from bounds.timeline import (
    ConstantCadence,
    GeometricCadence,
    StartDistribution,
    aligned_probability,
    format_month,
    horizon,
    parse_month,
    survival_at,
)

SEED_CADENCE = GeometricCadence(first="12", ratio="0.8")


def test_seed_horizon_is_completion_of_generation_503() -> None:
    result = horizon(Independent(epsilon="0.001"), SEED_CADENCE, "0.605")
    assert result.budget.n == 502 and result.generation == 503
    assert result.months_exact == 60 * (1 - Fraction(4, 5) ** 503)
    assert result.months_exact < 60 and result.zeno == 60 and result.months == pytest.approx(60)


def test_improving_schedule_has_no_horizon_but_a_floor_gives_one() -> None:
    base = Geometric(epsilon1="0.01", ratio="0.5")
    assert horizon(base, SEED_CADENCE, "0.9").unbounded
    floored = PersistentUnsafe(base, mass="0.001")
    result = horizon(floored, SEED_CADENCE, "0.9")
    assert result.budget.n is not None and result.generation == result.budget.n + 1
    assert result.months_exact == 60 * (1 - Fraction(4, 5) ** result.generation)
    # the horizon is where survival first drops below T
    n_before, s_before = survival_at(floored, SEED_CADENCE, result.months_exact - Fraction(1, 10**30))
    n_at, s_at = survival_at(floored, SEED_CADENCE, result.months_exact)
    assert (n_before, n_at) == (result.budget.n, result.generation)
    assert s_before >= 0.9 > s_at


def test_survival_past_zeno_is_the_limit() -> None:
    model = Geometric(epsilon1="0.01", ratio="0.5")
    n, value = survival_at(model, SEED_CADENCE, 61)
    assert n is None and math.isclose(value, 0.98013, rel_tol=1e-5)


def test_months_and_dates() -> None:
    assert format_month(parse_month("2027-12")) == "2027-12"
    assert format_month(parse_month("2027-12") + Fraction(1, 2)) == "2027-12"
    assert format_month(parse_month("2027-12") + 1) == "2028-01"
    for bad in ("2027-00", "2027-1", "27-12", "2027/12", "", "2027-12-01", None):
        with pytest.raises(ParameterError):
            parse_month(bad)


@pytest.mark.parametrize(
    "text",
    ["2028-12:0.6,2027-12:0.3", "2027-12:0.6,2028-12:0.3", "2027-12:1.2", "2027-12:-0.1",
     "2027-12:nan", "2027-12", "2027-12:0.3,2027-12:0.4", "2027-13:0.3", ""],
)
def test_bad_start_cdf_is_refused(text: str) -> None:
    with pytest.raises(ParameterError):
        StartDistribution.from_text(text)


def test_cdf_is_piecewise_linear_with_a_jump_at_the_first_quantile() -> None:
    start = StartDistribution.from_text("2027-12:0.3, 2028-12:0.6")
    first = parse_month("2027-12")
    assert start.cdf(first - Fraction(1, 1000)) == 0
    assert start.cdf(first) == Fraction(3, 10)
    assert start.cdf(first + 3) == Fraction(3, 10) + Fraction(3, 10) * Fraction(3, 12)
    assert start.cdf(first + 100) == Fraction(6, 10) and start.never == Fraction(2, 5)


def _monte_carlo(model_epsilon: float, cadence: GeometricCadence, start: StartDistribution, t: float,
                 size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    starts = start.sample(rng, size)
    first_failure = rng.geometric(model_epsilon, size)  # generation at which alignment is lost
    aligned = np.ones(size, dtype=bool)
    for i in np.flatnonzero(starts <= t):
        n = cadence.generations_by(Fraction(repr(float(t - starts[i]))))
        aligned[i] = n is not None and first_failure[i] > n
    return aligned


@pytest.mark.parametrize("date", ["2031-06", "2032-09", "2032-12", "2033-03"])
def test_aligned_probability_matches_monte_carlo(date: str) -> None:
    start = StartDistribution.from_text("2027-06:0,2027-12:0.3,2028-12:0.6")
    cadence = GeometricCadence(first="12", ratio="0.9")
    epsilon = 0.01
    t = float(parse_month(date))
    exact = aligned_probability(Independent(epsilon=str(epsilon)), cadence, start, parse_month(date))
    size = 4000
    aligned = _monte_carlo(epsilon, cadence, start, t, size, seed=14)
    sigma = math.sqrt(max(exact.value * (1 - exact.value), 1e-4) / size)
    assert abs(aligned.mean() - exact.value) <= 4 * sigma + exact.error


def test_fixed_start_is_survival_at_the_elapsed_time() -> None:
    model = Independent(epsilon="0.001")
    start = StartDistribution.fixed("2027-12")
    t = parse_month("2031-01")
    p = aligned_probability(model, SEED_CADENCE, start, t)
    _, value = survival_at(model, SEED_CADENCE, t - parse_month("2027-12"))
    assert p.value == pytest.approx(value, rel=1e-14)
    assert aligned_probability(model, SEED_CADENCE, start, parse_month("2027-01")).value == 1


def test_aligned_probability_with_constant_cadence_by_hand() -> None:
    # start uniform over [0, 12] months (F linear from 0), one generation a month, epsilon = 0.1:
    # P(aligned at 12) = (1/12) sum_{k=0}^{11} 0.9^k
    start = StartDistribution(points=((Fraction(0), Fraction(0)), (Fraction(12), Fraction(1))))
    p = aligned_probability(Independent(epsilon="0.1"), ConstantCadence(interval=1), start, 12)
    assert p.value == pytest.approx(sum(0.9**k for k in range(12)) / 12, rel=1e-13)


class MinimalUser:
    """The documented minimum of a user's model: log_survival(ctx, n) (and here log_limit)."""

    def log_survival(self, ctx, n):  # type: ignore[no-untyped-def]
        return n * ctx.log1p(-ctx.number(Fraction(1, 1000)))

    def log_limit(self, ctx):  # type: ignore[no-untyped-def]
        return -ctx.inf

    def __repr__(self) -> str:
        return "MinimalUser()"


def test_a_duck_typed_user_model_gets_every_timeline_query() -> None:
    user, reference = MinimalUser(), Independent(epsilon="0.001")
    assert horizon(user, SEED_CADENCE, "0.605").generation == 503
    assert survival_at(user, SEED_CADENCE, 48) == pytest.approx(survival_at(reference, SEED_CADENCE, 48))
    assert survival_at(user, SEED_CADENCE, 61) == (None, 0.0)
    start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    when = parse_month("2032-12")
    assert aligned_probability(user, SEED_CADENCE, start, when).value == pytest.approx(
        aligned_probability(reference, SEED_CADENCE, start, when).value, rel=1e-12)
