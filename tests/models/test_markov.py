"""MarkovModulated: reference chain (to N = 1e12 via log_survival), certification, Monte Carlo, bad input."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import flint
import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bounds import AbsorbingChain, Independent, MarkovModulated, ParameterError
from bounds.batch.simulate import simulate
from bounds.models import load_spec
from bounds.numeric.contexts import FLOAT, BallContext
from bounds.testing.strategies import epsilons, models
from tests.conftest import load_reference
from tests.models.chain_truths import assert_balls_contain, mp_markov_log_survival

REFERENCE = load_reference("markov")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"


def reference_model() -> MarkovModulated:
    return MarkovModulated(REFERENCE["transition"], REFERENCE["failure"], REFERENCE["initial"])


def arb_of_mpf(value: flint.arb) -> mpmath.mpf:
    """An exact arb (endpoint or midpoint) as an mpf without rounding."""
    mantissa, exponent = (int(part) for part in value.man_exp())
    with mpmath.workprec(max(mantissa.bit_length(), 53)):
        return mpmath.mpf((mantissa, exponent))


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
        # the reference carries 30 significant digits; the ball (132 bits) is far tighter
        with BallContext(132) as ctx:
            ball = model.log_survival(ctx, n).exp()
            low, high, middle = (arb_of_mpf(x) for x in (ball.lower(), ball.upper(), ball.mid()))
        assert abs(middle / expected - 1) < mpmath.mpf(10) ** -28
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
    assert np.allclose(model.log_survival(counts), Independent(epsilon="0.01").log_survival(counts), rtol=1e-12)


def test_limit_with_failure_free_absorbing_regime() -> None:
    # regime 0 is safe and absorbing; from regime 1 (fail 1/2) one moves there w.p. 1/10
    model = MarkovModulated([[1, 0], ["0.1", "0.9"]], [0, "0.5"], [0, 1])
    # h = 1/2 (0.1 + 0.9 h)  =>  h = 1/11
    assert model.limit_exact() == Fraction(1, 11)
    assert model.survival(10**6) == pytest.approx(1 / 11, rel=1e-12)
    assert model.budget(Fraction(1, 11)).unbounded


@pytest.mark.slow
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


# -- one implementation: the Markov model is an absorbing chain --------------------------------------------------
def test_is_the_absorbing_chain_with_q_equal_to_diag_keep_times_p() -> None:
    model = reference_model()
    keep = [1 - Fraction(f) for f in REFERENCE["failure"]]
    q = [[keep[i] * Fraction(p) for p in row] for i, row in enumerate(REFERENCE["transition"])]
    chain = AbsorbingChain(q, REFERENCE["initial"], ["regime 0", "regime 1"])
    assert isinstance(model, AbsorbingChain) and model.Q == chain.Q
    counts = np.array([1, 10, 1000, 10**6, 10**12])
    assert model.log_survival(counts).tolist() == chain.log_survival(counts).tolist()
    assert model.survival_exact(50) == chain.survival_exact(50)
    assert model.mean_generations_exact() == chain.mean_generations_exact()
    assert model.name == "markov" and model.describe()["decay_rate"] == chain.decay_rate()


@pytest.mark.parametrize(
    ("failure", "counts"),
    [
        (["1e-9", "1e-7"], [1, 2, 10, 1000, 10**5]),
        (["1e-12", "3e-10"], [1, 7, 100, 10**4, 10**6]),
        (["0.0001", "0.05"], [1, 2, 10, 100]),
    ],
)
def test_near_one_agrees_with_the_direct_product(failure: list[str], counts: list[int]) -> None:
    # the old duplicate drifted (relative error 7e-6 in ln S near S = 1); now ~1e-15 against
    # DESIGN's pi D (P D)^(N-1) 1 evaluated by mpmath at 60 digits
    transition = [["0.99", "0.01"], ["0.2", "0.8"]]
    model = MarkovModulated(transition, failure, [1, 0])
    for n in counts:
        truth = mp_markov_log_survival(transition, failure, [1, 0], n)
        assert model.log_survival(n) == pytest.approx(float(truth), rel=3e-15), n


@settings(max_examples=25)
@given(models("markov"), st.sampled_from([1, 2, 50, 10**4, 10**9, 10**15]))
def test_balls_contain_the_direct_product(model: MarkovModulated, n: int) -> None:
    truth = mp_markov_log_survival(model.transition, model.failure, model.initial, n)
    assert_balls_contain(model, n, truth)


def test_decay_rate_ignores_unreachable_regimes() -> None:
    # regime 1 is the slowest (rate 1e-3) but the lineage starts in regime 0 and never switches
    model = MarkovModulated([[1, 0], ["0.5", "0.5"]], ["0.1", "0.001"], [1, 0])
    assert model.decay_rate() == pytest.approx(0.9, rel=1e-15)
    assert model.log_survival(1001) - model.log_survival(1000) == pytest.approx(math.log(0.9), rel=1e-12)
    # rho(P D) would have said 0.9995 (the unreachable regime)
    assert MarkovModulated([[1, 0], ["0.5", "0.5"]], ["0.1", "0.001"], [0, 1]).decay_rate() == pytest.approx(0.9)
    assert model.mean_generations_exact() == 10


def test_positive_limit_is_enclosed_and_mean_time_is_infinite() -> None:
    model = MarkovModulated([[1, 0], ["0.1", "0.9"]], [0, "0.5"], [0, 1])
    with BallContext(128) as ctx:
        ball = model.log_limit(ctx)
        assert ball.contains(flint.arb(1 / flint.arb(11)).log()) or ball.overlaps((1 / flint.arb(11)).log())
    assert model.log_limit(FLOAT) == pytest.approx(-math.log(11), rel=1e-15)
    assert model.mean_generations() == math.inf and model.mean_generations_exact() is None
    assert model.describe()["mean_generations"] is None
    # S(N) = 1/11 + (10/11) (9/20)^N exactly (h solves h = (1/2)(0.1 + 0.9 h) after one step)
    for n in (1, 2, 5):
        assert model.survival_exact(n) == Fraction(1, 11) + Fraction(10, 11) * Fraction(9, 20) ** n


def test_certificates_are_balls_without_a_hump() -> None:
    # near N* = 2000 the old code certified in exact rationals for 10.5 s; now a ball decides
    model = reference_model()
    result = model.budget("0.0153")
    assert 1000 < result.n < 5000
    assert result.certificate.startswith("ball")
