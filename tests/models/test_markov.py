"""MarkovModulated: reference chain (to N = 1e12 via log_survival), certification, Monte Carlo, bad input."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bounds import Independent, MarkovModulated, ParameterError
from bounds.batch.simulate import simulate
from bounds.models import load_spec
from bounds.testing.strategies import epsilons
from tests.conftest import load_reference

REFERENCE = load_reference("markov")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"


def reference_model() -> MarkovModulated:
    return MarkovModulated(REFERENCE["transition"], REFERENCE["failure"], REFERENCE["initial"])


@pytest.mark.parametrize("row", REFERENCE["values"], ids=lambda row: str(row["generations"]))
def test_reference_values(row: dict) -> None:
    model = reference_model()
    n = row["generations"]
    with mpmath.workdps(40):
        expected = mpmath.mpf(row["survival"])
        log_expected = float(mpmath.log(expected))
        assert model.log_survival(n) == pytest.approx(log_expected, rel=1e-12, abs=1e-13)
        if float(expected) > 0:
            assert model.survival(n) == pytest.approx(float(expected), rel=1e-9)
        # the reference carries 30 significant digits
        assert abs(model.survival_mp(n, 35) / expected - 1) < mpmath.mpf(10) ** -28
        low, high = model.survival_bounds(n, 35)
        assert (high - low) / expected < mpmath.mpf(10) ** -34
        assert low * (1 - mpmath.mpf(10) ** -28) <= expected <= high * (1 + mpmath.mpf(10) ** -28)


def test_decay_rate_and_tail() -> None:
    model = reference_model()
    assert model.decay_rate() == pytest.approx(float(REFERENCE["decay_rate"]), rel=1e-13)
    # S(N+1)/S(N) -> spectral radius of P D
    step = model.log_survival(10**6 + 1) - model.log_survival(10**6)
    assert step == pytest.approx(math.log(float(REFERENCE["decay_rate"])), rel=1e-9)


def test_exact_small_n_against_hand_product() -> None:
    model = reference_model()
    keep = [Fraction(9999, 10000), Fraction(19, 20)]
    transition = [[Fraction(99, 100), Fraction(1, 100)], [Fraction(1, 5), Fraction(4, 5)]]
    # enumerate regime paths of length 3 starting in regime 0
    total = Fraction(0)
    for s2 in (0, 1):
        for s3 in (0, 1):
            total += keep[0] * transition[0][s2] * keep[s2] * transition[s2][s3] * keep[s3]
    assert model.survival_exact(3) == total
    assert model.budget("0.5").n == 331


@given(epsilons(max_exponent=8), st.integers(0, 10**6))
@example(1 - Fraction(1, 10**6), 1)  # S(1) = 1e-6: log1p(-float(eps)) would lose 10 digits here
@example(Fraction(1, 10**5), 1)  # S(1) near 1: log(1 - eps) would lose 5 digits here
def test_one_regime_is_independent(epsilon: Fraction, n: int) -> None:
    model = MarkovModulated([[1]], [epsilon], [1])
    with mpmath.workdps(50):
        keep = 1 - mpmath.mpf(epsilon.numerator) / epsilon.denominator
        expected = float(n * mpmath.log(keep)) if keep > 0 and n else (0.0 if n == 0 else -math.inf)
    # float64 squaring of 1 - eps carries a relative error growing like n ulps (certification uses mpmath)
    assert model.log_survival(n) == pytest.approx(expected, rel=1e-13 + 1e-15 * n, abs=1e-300)


def test_identical_regimes_do_not_matter() -> None:
    model = MarkovModulated([["0.3", "0.7"], ["0.6", "0.4"]], ["0.01", "0.01"], ["0.5", "0.5"])
    counts = np.array([1, 10, 10**4, 10**15])
    assert np.allclose(
        model.log_survival(counts), Independent(epsilon="0.01").log_survival(counts), rtol=1e-12
    )


def test_limit_with_failure_free_absorbing_regime() -> None:
    # regime 0 is safe and absorbing; from regime 1 (fail 1/2) one moves there w.p. 1/10
    model = MarkovModulated([[1, 0], ["0.1", "0.9"]], [0, "0.5"], [0, 1])
    # h = 1/2 (0.1 + 0.9 h)  =>  h = 1/11
    assert model.limit_exact() == Fraction(1, 11)
    assert model.survival(10**6) == pytest.approx(1 / 11, rel=1e-12)
    assert model.budget(Fraction(1, 11)).unbounded


def test_monte_carlo_agrees() -> None:
    model = reference_model()
    counts = [1, 10, 100, 300, 1000, 2000]
    result = simulate(model, counts, trials=100_000, seed=7)
    assert result.agrees_with(model.survival(counts))
    # the stationary marginal rate as if independent is a wrong model and is rejected
    wrong = Independent(epsilon=model.stationary_failure_rate())
    assert not result.agrees_with(wrong.survival(counts))


@pytest.mark.parametrize(
    ("transition", "failure", "initial", "message"),
    [
        (
            [["0.9", "0.2"], ["0.2", "0.8"]],
            ["0.1", "0.1"],
            [1, 0],
            "transition row 0 must be probabilities summing",
        ),
        ([["0.9", "0.1"], ["0.2", "0.8"]], ["0.1"], [1, 0], "failure must be a list of 2 entries"),
        ([["0.9", "0.1"], ["0.2", "0.8"]], ["0.1", "0.1"], [1], "initial must be a list of 2 entries"),
        ([["0.9", "0.1"], ["1"]], ["0.1", "0.1"], [1, 0], "row 1 has 1 entries, expected 2"),
        ([["1.5", "-0.5"], ["0.2", "0.8"]], ["0.1", "0.1"], [1, 0], "transition row 0[0] must be in [0, 1]"),
        (
            [["0.9", "0.1"], ["0.2", "0.8"]],
            ["0.1", "0.1"],
            ["0.5", "0.6"],
            "initial must be probabilities summing",
        ),
        ([["0.9", "0.1"], ["0.2", "0.8"]], ["0.1", "2"], [1, 0], "failure[1] must be in [0, 1]"),
        ([], [], [], "transition must be a non-empty square matrix"),
    ],
)
def test_bad_input(transition: object, failure: object, initial: object, message: str) -> None:
    with pytest.raises(ParameterError) as info:
        MarkovModulated(transition, failure, initial)
    assert message in str(info.value)


def test_example_spec_and_symbolic() -> None:
    model = load_spec(EXAMPLES / "markov.toml")
    assert model == reference_model()
    closed_form = model.symbolic()
    assert abs(closed_form.evaluate(1000, 40) / mpmath.mpf(REFERENCE["values"][2]["survival"]) - 1) < 1e-25


def test_symbolic_three_regimes_is_displayable() -> None:
    model = MarkovModulated(
        [["0.5", "0.5", "0"], ["0", "0.5", "0.5"], ["0.5", "0", "0.5"]], ["0.1", "0.2", "0.3"], [1, 0, 0]
    )
    closed_form = model.symbolic()
    assert str(closed_form.substituted()) == "Trace(pi*D*(P*D)**(N - 1)*1)"
