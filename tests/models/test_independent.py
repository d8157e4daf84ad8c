"""Independent model: reference values, exact ties, certification and properties."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given

from bounds import Independent, ParameterError
from bounds.testing import epsilons, generations, thresholds
from tests.conftest import load_reference

ROWS = load_reference("independent")


def relative_error(actual: float, expected: str) -> float:
    expected_value = mpmath.mpf(expected)
    if expected_value == 0:
        return abs(actual)
    return float(abs((mpmath.mpf(actual) - expected_value) / expected_value))


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"eps={row['epsilon']},T={row['threshold']}")
def test_reference_budgets_and_survivals(row: dict) -> None:
    result = Independent(epsilon=row["epsilon"]).budget(row["threshold"])
    assert result.n == row["budget"]
    assert result.unbounded is row["unbounded"]
    assert result.certified
    if row["budget"] is not None:
        assert relative_error(result.survival_at_budget, row["survival_at_budget"]) < 1e-12
        assert relative_error(result.survival_after_budget, row["survival_after_budget"]) < 1e-12


@pytest.mark.parametrize(
    ("keep", "threshold", "expected"),
    [(0.9, 0.81, 2), (0.7, 0.343, 3), (0.95, 0.9025, 2)],
)
def test_ties_that_the_bare_float_formula_gets_wrong(keep: float, threshold: float, expected: int) -> None:
    # DESIGN §2: the float formula floor(log T / log p) is off by one on exact ties
    bare = math.floor(math.log(threshold) / math.log(keep))
    assert Independent(p=keep).budget(threshold).n == expected
    assert Fraction(str(keep)) ** expected == Fraction(str(threshold))
    assert bare != expected or keep == 0.95  # documents why these cases are here


def test_running_example() -> None:
    model = Independent(epsilon="0.001")
    assert round(model.survival(50), 4) == 0.9512
    assert round(model.survival(500), 4) == 0.6064
    assert round(model.survival(502), 4) == 0.6052  # the "60.5%" of the essay
    assert model.budget("0.605").n == 502
    assert model.budget("0.5").n == 692


def test_epsilon_given_directly_keeps_tiny_rates_exact() -> None:
    # 1 - 1e-20 is 1.0 in float; the string stays exact
    assert Independent(epsilon="1e-20").epsilon == Fraction(1, 10**20)
    assert Independent(epsilon="1e-20").budget("0.5").n == 69314718055994530941


def test_survival_of_tiny_probabilities_stays_in_log_space() -> None:
    model = Independent(epsilon="0.05")
    with mpmath.workdps(40):
        expected = 10**7 * mpmath.log1p(-mpmath.mpf("0.05"))
    assert model.log_survival(10**7) == pytest.approx(float(expected), rel=1e-14)
    assert model.survival(10**7) == 0.0


def test_survival_broadcasts_and_returns_scalars_for_scalars() -> None:
    model = Independent(epsilon="0.001")
    assert isinstance(model.survival(3), float)
    values = model.survival(np.array([[0, 1], [2, 3]]))
    assert values.shape == (2, 2)
    np.testing.assert_allclose(values, [[1, 0.999], [0.998001, 0.997002999]], rtol=1e-15)


@given(epsilons(), generations(max_value=10**5))
@example(Fraction(1, 10**20), 10**5)
@example(Fraction(1), 0)
@example(1 - Fraction(1, 10**17), 3)  # eps rounds to 1.0 in float
def test_survival_matches_mpmath(epsilon: Fraction, n: int) -> None:
    with mpmath.workdps(50):
        expected = (1 - mpmath.mpf(epsilon.numerator) / epsilon.denominator) ** n
    actual = Independent(epsilon=epsilon).survival(n)
    if expected < 1e-300:
        assert actual < 1e-290
    else:
        assert actual == pytest.approx(float(expected), rel=1e-13)


@given(epsilons(max_exponent=12), thresholds(max_exponent=12))
@example(Fraction(1, 10), Fraction(81, 100))
@example(Fraction(3, 10), Fraction(343, 1000))
def test_certificate_rechecked_exactly(epsilon: Fraction, threshold: Fraction) -> None:
    result = Independent(epsilon=epsilon).budget(threshold)
    if result.unbounded:
        assert epsilon == 0
        return
    n = result.n
    keep = 1 - epsilon
    if n < 5000 and keep.denominator.bit_length() * (n + 1) < 200_000:
        assert keep**n >= threshold > keep ** (n + 1)
    else:
        with mpmath.workdps(60 + len(str(n))):
            log_keep = mpmath.log1p(-mpmath.mpf(epsilon.numerator) / epsilon.denominator)
            log_t = mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator)
            assert n * log_keep >= log_t > (n + 1) * log_keep


@given(epsilons(max_exponent=15), thresholds(max_exponent=15), thresholds(max_exponent=15))
def test_budget_non_increasing_in_threshold(epsilon: Fraction, t1: Fraction, t2: Fraction) -> None:
    low, high = sorted((t1, t2))
    model = Independent(epsilon=epsilon)
    b_low, b_high = model.budget(low), model.budget(high)
    if b_low.unbounded:
        return
    assert b_high.n is not None and b_high.n <= b_low.n


@given(epsilons(max_exponent=15), epsilons(max_exponent=15), thresholds(max_exponent=15))
def test_budget_non_increasing_in_epsilon(e1: Fraction, e2: Fraction, threshold: Fraction) -> None:
    low, high = sorted((e1, e2))
    b_low, b_high = Independent(epsilon=low).budget(threshold), Independent(epsilon=high).budget(threshold)
    if b_low.unbounded:
        return
    assert b_high.n is not None and b_high.n <= b_low.n


@given(epsilons(min_value=Fraction(1, 10**15), max_value=Fraction(1, 2)), thresholds(max_exponent=15))
def test_sandwich(epsilon: Fraction, threshold: Fraction) -> None:
    # floor((1-T)/eps) <= N* <= floor(ln(1/T)/eps)
    n = Independent(epsilon=epsilon).budget(threshold).n
    lower = math.floor((1 - threshold) / epsilon)
    with mpmath.workdps(60):
        upper = int(mpmath.floor(-mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator)
                                 / (mpmath.mpf(epsilon.numerator) / epsilon.denominator)))
    assert lower <= n <= upper


@given(epsilons(), generations())
@example(1 - Fraction(1, 10**17), 0)  # float(eps) == 1.0: log1p(-1) was -inf
def test_survival_non_increasing(epsilon: Fraction, n: int) -> None:
    model = Independent(epsilon=epsilon)
    values = model.log_survival(np.array([n, n + 1, 2 * n + 1]))
    assert values[0] >= values[1] >= values[2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epsilon": float("nan")}, "epsilon must be a finite number, got nan"),
        ({"epsilon": float("inf")}, "epsilon must be a finite number, got inf"),
        ({"epsilon": -0.1}, "epsilon must be in [0, 1], got -0.1"),
        ({"epsilon": 1.5}, "epsilon must be in [0, 1], got 1.5"),
        ({"epsilon": "abc"}, "epsilon must be a decimal number"),
        ({"epsilon": True}, "epsilon must be a number, not a boolean"),
        ({"epsilon": [0.1]}, "epsilon must be a number"),
        ({"p": 2}, "p must be in [0, 1], got 2"),
        ({}, "epsilon or p must be given, not both"),
        ({"epsilon": 0.1, "p": 0.9}, "epsilon or p must be given, not both"),
    ],
)
def test_bad_parameters(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError) as error:
        Independent(**kwargs)
    assert str(error.value).startswith(message)
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize("bad", [0, -0.5, 1.5, float("nan"), "x", None])
def test_bad_threshold(bad: object) -> None:
    with pytest.raises(ParameterError, match="threshold must be"):
        Independent(epsilon="0.1").budget(bad)


@pytest.mark.parametrize("bad", [-1, 2.5, float("inf"), "1.5", True])
def test_bad_generations(bad: object) -> None:
    with pytest.raises(ParameterError, match="n must be"):
        Independent(epsilon="0.1").survival(bad)


def test_symbolic_agrees_with_numeric() -> None:
    model = Independent(epsilon="0.003")
    expression = model.symbolic()
    for n in (0, 1, 7, 500, 10**6):
        assert expression.evaluate(n, dps=40) == pytest.approx(float(model.survival_mp(n, 40)), rel=1e-14)


def test_simulation_agrees_with_closed_form() -> None:
    from bounds.batch.simulate import simulate

    model = Independent(epsilon="0.002")
    counts = [1, 100, 500, 2000]
    result = simulate(model, counts, trials=200_000, seed=7)
    assert result.agrees_with(model.survival(counts))
    # the same check rejects a wrong formula (epsilon off by 10%)
    assert not result.agrees_with(Independent(epsilon="0.0022").survival(counts))


# -- the kernel: balls against independent truths, and the solver's certificate rechecked ---------------

from bounds.numeric.contexts import BallContext  # noqa: E402
from bounds.testing.strategies import models  # noqa: E402
from tests.models._truths import assert_encloses, mp_log_independent, sign_against  # noqa: E402


@given(epsilons(max_exponent=40), generations(max_value=10**15))
@example(Fraction(1, 10**20), 10**15)
@example(Fraction(1), 3)
@example(Fraction(0), 10**15)
@example(1 - Fraction(1, 10**17), 3)  # eps near 1: ln(1 - eps) from the exact 1 - eps
def test_ball_encloses_mpmath_power_and_shrinks(epsilon: Fraction, n: int) -> None:
    model = Independent(epsilon=epsilon)

    def ball_at(prec: int):
        with BallContext(prec) as ctx:
            return model.log_survival(ctx, n)

    assert_encloses(ball_at, mp_log_independent(epsilon, n))


def _independent_survival_ball(epsilon: Fraction, n: int, extra: int):
    """``(1 - eps)**n`` as an arb integer power of the exact ``1 - eps`` (not the model's log1p)."""
    import flint

    keep = 1 - epsilon
    prec = extra + 2 * keep.denominator.bit_length() + 2 * n.bit_length()
    with BallContext(prec):
        return flint.arb(flint.fmpq(keep.numerator, keep.denominator)) ** n


@given(models("independent"), thresholds(max_exponent=20))
@example(Independent(p="0.9"), Fraction(81, 100))
def test_solved_budget_rechecked_from_the_parameters(model: Independent, threshold: Fraction) -> None:
    result = model.budget(threshold)
    assert result.certificate in ("exact", "ball")
    if result.unbounded:
        assert model.epsilon == 0
        return
    n, keep = result.n, 1 - model.epsilon
    def survival(count: int):
        small = keep.denominator.bit_length() * count < 100_000
        return lambda extra: keep**count if small else _independent_survival_ball(model.epsilon, count, extra)

    assert sign_against(survival(n), threshold) >= 0
    assert sign_against(survival(n + 1), threshold) == -1


@pytest.mark.parametrize(
    ("epsilon", "threshold"), [("0.001", "0.605"), ("1e-20", "0.5"), ("1e-300", "0.9"), ("0.3", "1e-4000")]
)
def test_candidate_is_within_one_of_the_budget(epsilon: str, threshold: str) -> None:
    model = Independent(epsilon=epsilon)
    guess = model.candidate(Fraction(threshold) if "e" not in threshold else Fraction(1, 10**4000))
    assert guess is not None and abs(guess - model.budget(threshold).n) <= 1


def test_rate_in_every_context_and_the_limit() -> None:
    model = Independent(epsilon="0.001")
    assert model.rate(np.array([1.0, 7.0])).tolist() == [0.001, 0.001]
    with BallContext(64) as ctx:
        assert model.rate(ctx, 5).contains(ctx.number(Fraction(1, 1000)))
        assert model.log_limit(ctx) < -10**300
        assert Independent(epsilon=0).log_limit(ctx) == 0
    assert Independent(epsilon=0).budget("0.5").certificate == "exact"


@pytest.mark.parametrize("p", ["1e-400", "3e-308", "2.2250738585072014e-308", "0.4999"])
def test_float_log_survival_for_p_below_and_near_the_float_range(p: str) -> None:
    # ln S(n) = n ln p; p = 1e-400 has the float 0, whose log was a math domain error (found by the fuzzer)
    model = Independent(p=p)
    with mpmath.workdps(40):
        truth = mpmath.log(mpmath.mpf(p))
    assert model.log_survival(1) == pytest.approx(float(truth), rel=4e-16)
    assert model.log_survival(3) == pytest.approx(3 * float(truth), rel=4e-16)


@given(epsilons())
@example(Fraction(1, 3))
@example(1 - Fraction(1, 10**400))  # p = 1e-400 once printed as Independent(epsilon=1)
@example(Fraction(1, 10**5))
def test_repr_never_rounds_a_parameter(epsilon: Fraction) -> None:
    shown = repr(Independent(epsilon=epsilon))
    assert Fraction(shown.removeprefix("Independent(epsilon=").removesuffix(")")) == epsilon
    if epsilon == Fraction(1, 10**5):
        assert shown == "Independent(epsilon=1e-5)"  # short where short is exact
