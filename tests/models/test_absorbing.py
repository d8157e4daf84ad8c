"""AbsorbingChain: reference values, exact rationals, Monte Carlo, properties and bad input."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds import AbsorbingChain, BoundsError, ParameterError
from bounds.batch.simulate import simulate
from bounds.testing.strategies import models, thresholds
from tests.conftest import load_reference

REFERENCE = load_reference("absorbing")


def reference_chain() -> AbsorbingChain:
    return AbsorbingChain(REFERENCE["Q"], REFERENCE["initial"])


def exact_survival(matrix: list[list[Fraction]], alpha: list[Fraction], n: int) -> Fraction:
    """alpha Q^n 1 with Fractions, written here independently of the code under test."""
    vector = list(alpha)
    for _ in range(n):
        vector = [
            sum((vector[r] * matrix[r][c] for r in range(len(vector))), Fraction(0))
            for c in range(len(vector))
        ]
    return sum(vector, Fraction(0))


@pytest.mark.parametrize("row", REFERENCE["values"], ids=lambda row: f"N={row['generations']}")
def test_reference_survival_through_log_survival(row: dict) -> None:
    chain = reference_chain()
    with mpmath.workdps(40):
        expected_log = mpmath.log(mpmath.mpf(row["survival"]))
        assert float(chain.log_survival(row["generations"])) == pytest.approx(
            float(expected_log), rel=1e-9, abs=1e-15
        )
        # S(N) itself, where it fits a float: 1e-9 relative
        if float(row["survival"]) > 1e-300:
            assert float(chain.survival(row["generations"])) == pytest.approx(
                float(row["survival"]), rel=1e-9
            )
        # the certifying path to 25 digits, even at 1.55e-862948
        value = chain.survival_mp(row["generations"], 30)
        assert abs(value / mpmath.mpf(row["survival"]) - 1) < mpmath.mpf(10) ** -25


def test_reference_mean_generations_and_decay_rate() -> None:
    chain = reference_chain()
    assert chain.mean_generations_exact() == Fraction(REFERENCE["mean_generations_to_unsafe"])
    assert chain.mean_generations() == pytest.approx(
        float(REFERENCE["mean_generations_to_unsafe"]), rel=1e-12
    )
    assert chain.decay_rate() == pytest.approx(float(REFERENCE["decay_rate"]), rel=1e-12)
    with mpmath.workdps(40):
        assert abs(chain.decay_rate_mp(30) - mpmath.mpf(REFERENCE["decay_rate"])) < mpmath.mpf(10) ** -28
    summary = chain.describe()
    assert summary["mean_generations"] == 505.0
    assert summary["decay_rate"] == pytest.approx(float(REFERENCE["decay_rate"]), rel=1e-12)


def test_mean_generations_is_the_sum_of_survivals() -> None:
    # E[T] = sum_{N >= 0} P(T > N) = sum_N S(N): an independent route to alpha (I - Q)^{-1} 1
    chain = AbsorbingChain(
        [["0.5", "0.3", "0.1"], ["0.2", "0.6", "0.1"], ["0", "0.4", "0.5"]], ["0.5", "0.5", "0"]
    )
    total = float(np.sum(chain.survival(np.arange(0, 2000))))
    assert chain.mean_generations() == pytest.approx(total, rel=1e-12)
    assert float(chain.mean_generations_exact()) == pytest.approx(total, rel=1e-12)


def test_three_state_constructor_reproduces_reference_matrix() -> None:
    chain = AbsorbingChain.aligned_drifted(
        drift="0.004", failure="0.125", audit="0.2", recovery="0.125", direct="0.001"
    )
    assert chain.Q == reference_chain().Q
    assert chain.names == ("aligned", "drifted")
    # audits help: detecting drift more often lengthens the expected time to unsafe
    weaker = AbsorbingChain.aligned_drifted(
        drift="0.004", failure="0.125", audit="0.1", recovery="0.125", direct="0.001"
    )
    assert weaker.mean_generations_exact() < chain.mean_generations_exact()
    # a rollback that fails half the time moves audit * 1/2 = 0.1 of the drifted row to unsafe
    risky = AbsorbingChain.aligned_drifted(
        drift="0.004", failure="0.125", audit="0.2", recovery="0.125", direct="0.001", rollback_failure="0.5"
    )
    assert risky.Q[1] == (Fraction(2, 10), Fraction(6, 10))
    assert risky.survival_exact(1) == chain.survival_exact(1)  # starts aligned: no audit yet
    assert risky.survival_exact(2) < chain.survival_exact(2)


def test_exact_path_matches_independent_fractions_and_certifies_budget() -> None:
    chain = reference_chain()
    matrix = [[Fraction(entry) for entry in row] for row in REFERENCE["Q"]]
    alpha = [Fraction(entry) for entry in REFERENCE["initial"]]
    assert chain.survival_exact(37) == exact_survival(matrix, alpha, 37)
    result = chain.budget("0.5")
    assert (
        exact_survival(matrix, alpha, result.n)
        >= Fraction(1, 2)
        > exact_survival(matrix, alpha, result.n + 1)
    )
    assert result.certified


def as_fraction(value: mpmath.mpf) -> Fraction:
    mantissa, exponent = value.man_exp
    return Fraction(int(mantissa)) * Fraction(2) ** int(exponent)


@pytest.mark.parametrize("n", [1, 2, 37, 10**4, 10**9, 10**15])
def test_interval_enclosure_contains_the_value_and_is_tight(n: int) -> None:
    chain = reference_chain()
    low, high = chain.survival_bounds(n, 30)
    with mpmath.workdps(60):
        value = chain.survival_mp(n, 50)
        assert low <= value <= high
        assert (high - low) / value < mpmath.mpf(10) ** -29
    if n <= 37:
        exact = chain.survival_exact(n)
        assert as_fraction(low) <= exact <= as_fraction(high)


def test_log_survival_at_1e15_matches_high_precision() -> None:
    chain = reference_chain()
    value = chain.log_survival(10**15)
    with mpmath.workdps(30):
        expected = mpmath.log(chain.survival_mp(10**15, 20))
    assert np.isfinite(value)
    assert value == pytest.approx(float(expected), rel=1e-9)
    # and the decay rate governs it: ln S(2N) - ln S(N) = N ln rho (up to the transient constant)
    assert (chain.log_survival(2 * 10**15) - value) / 10**15 == pytest.approx(
        np.log(chain.decay_rate()), rel=1e-9
    )


def test_quasi_stationary_is_the_conditional_limit() -> None:
    chain = reference_chain()
    vector = chain.quasi_stationary()
    assert vector.sum() == pytest.approx(1.0)
    # left eigenvector for rho(Q)
    q = np.array([[float(Fraction(e)) for e in row] for row in REFERENCE["Q"]])
    np.testing.assert_allclose(vector @ q, chain.decay_rate() * vector, rtol=1e-12)
    # distribution of a lineage still safe after many generations, from mpmath matrix powers
    with mpmath.workdps(30):
        power = (
            mpmath.matrix(
                [
                    [mpmath.mpf(Fraction(e).numerator) / Fraction(e).denominator for e in row]
                    for row in REFERENCE["Q"]
                ]
            )
            ** 20000
        )
        row = [power[0, 0], power[0, 1]]
        conditional = [float(value / sum(row)) for value in row]
    np.testing.assert_allclose(vector, conditional, rtol=1e-9)


def test_monte_carlo_agrees_with_survival() -> None:
    for chain in (
        reference_chain(),
        AbsorbingChain([["0.9", "0.05", "0"], ["0.1", "0.8", "0.05"], ["0.2", "0", "0.7"]], [1, 0, 0]),
    ):
        generations = [1, 5, 20, 100, 400]
        result = simulate(chain, generations, trials=100_000, seed=7)
        assert result.agrees_with(chain.survival(generations), sigmas=4)


def chains() -> st.SearchStrategy[AbsorbingChain]:
    """Sub-stochastic chains of 1-3 transient states, from the public strategy (bounds.testing)."""
    return models("absorbing")


@given(chains(), st.lists(st.integers(0, 10**6), min_size=2, max_size=8))
def test_survival_is_non_increasing(chain: AbsorbingChain, counts: list[int]) -> None:
    counts = sorted(counts)
    logs = chain.log_survival(np.array(counts))
    for before, after in zip(logs[:-1], logs[1:], strict=True):
        assert after == -np.inf if before == -np.inf else after <= before + 1e-12 * max(1.0, abs(before))
    with mpmath.workdps(30):
        assert chain.survival_mp(counts[0], 20) >= chain.survival_mp(counts[-1], 20)


@given(chains(), thresholds(max_exponent=3))
def test_budget_is_certified(chain: AbsorbingChain, threshold: Fraction) -> None:
    result = chain.budget(threshold)
    with mpmath.workdps(40):
        target = mpmath.mpf(threshold.numerator) / threshold.denominator
        assert chain.survival_mp(result.n, 30) >= target * (1 - mpmath.mpf(10) ** -25)
        assert chain.survival_mp(result.n + 1, 30) < target * (1 + mpmath.mpf(10) ** -25)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([["0.9", "-0.1"], ["0.1", "0.5"]], [1, 0]), r"Q\[0\]\[1\] must be in \[0, 1\], got '-0.1'"),
        (([["0.9", "0.2"], ["0.1", "0.5"]], [1, 0]), r"row 0 of Q \('aligned'\) must be a sum of at most 1"),
        (([["0.9", "0.05"]], [1]), r"Q must be a square matrix"),
        (([["0.9", "0.05"], ["0.1"]], [1, 0]), r"Q must be a square matrix"),
        (
            ([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0, 0]),
            r"initial must be a distribution over the 2 transient",
        ),
        (
            ([["0.9", "0.05"], ["0.1", "0.5"]], ["0.5", "0.4"]),
            r"initial must be a distribution: entries summing",
        ),
        (([["0.9", "0.05"], ["0.1", "0.5"]], ["1.5", "-0.5"]), r"initial\[0\] must be in \[0, 1\]"),
        (([["1", "0"], ["0.1", "0.5"]], [0, 1]), r"singular: transient state\(s\) 'aligned' never leave"),
        (([["0.5", "0.5"], ["0.5", "0.5"]], [1, 0]), r"'aligned', 'drifted' never leave"),
        (("0.9", [1]), r"Q must be a non-empty list of rows"),
        (([], [1]), r"Q must be a non-empty list of rows"),
        (([["nan"]], [1]), r"Q\[0\]\[0\] must be a finite number"),
        (([[True]], [1]), r"Q\[0\]\[0\] must be a number, not a boolean"),
    ],
)
def test_bad_input_is_named(arguments: tuple, message: str) -> None:
    with pytest.raises(BoundsError, match=message):
        AbsorbingChain(*arguments)


def test_bad_names_and_constructor_arguments() -> None:
    with pytest.raises(ParameterError, match="names must be a list of 2 non-empty strings"):
        AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], ["only one"])
    with pytest.raises(ParameterError, match="names must be distinct"):
        AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], ["a", "a"])
    with pytest.raises(ParameterError, match="failure \\+ recovery must be at most 1"):
        AbsorbingChain.aligned_drifted(drift="0.1", failure="0.6", recovery="0.6")
    with pytest.raises(ParameterError, match="audit must be in \\[0, 1\\]"):
        AbsorbingChain.aligned_drifted(drift="0.1", failure="0.1", audit="2")
