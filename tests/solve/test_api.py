"""bounds.budget / survival / max_epsilon: broadcasting, exactness of the float fast path."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds import BudgetArray, ParameterError
from bounds.testing import epsilons, thresholds
from tests.conftest import load_reference


def test_scalar_input_gives_a_budget() -> None:
    result = bounds.budget(epsilon=0.001, threshold=0.605)
    assert isinstance(result, bounds.Budget)
    assert result.n == 502


def test_reference_rows_as_one_array() -> None:
    rows = load_reference("independent")
    result = bounds.budget(epsilon=[row["epsilon"] for row in rows], threshold=[row["threshold"] for row in rows])
    assert isinstance(result, BudgetArray)
    assert result.n.dtype == object  # the 300-digit budget does not fit int64
    for index, row in enumerate(rows):
        assert result.unbounded[index] == row["unbounded"]
        if not row["unbounded"]:
            assert result.n[index] == row["budget"]


def test_float_arrays_decide_ties_exactly() -> None:
    keep = np.array([0.9, 0.7, 0.95, 0.999])
    target = np.array([0.81, 0.343, 0.9025, 0.605])
    result = bounds.budget(p=keep, threshold=target)
    assert result.n.tolist() == [2, 3, 2, 502]
    bare = np.floor(np.log(target) / np.log(keep)).astype(int).tolist()
    assert bare[:2] == [1, 2]  # why the fast path must not trust floats near ties


def test_broadcasting_and_masking() -> None:
    result = bounds.budget(epsilon=np.array([[0.0], [0.001]]), threshold=np.array([0.605, 0.5]))
    assert result.shape == (2, 2)
    assert result.unbounded.tolist() == [[True, True], [False, False]]
    assert result.n[1].tolist() == [502, 692]
    # an unbounded budget has no number: missing (None) in every view of the data, never 0 or 999999
    assert np.asarray(result.n).tolist() == [[None, None], [502, 692]]
    assert result.n.filled().tolist() == [[None, None], [502, 692]]
    assert bounds.budget(epsilon=np.array([0.1, 0.001]), threshold=0.5).n.dtype == np.int64


@given(
    st.lists(st.tuples(epsilons(max_exponent=8), thresholds(max_exponent=8)), min_size=1, max_size=20),
)
@example([(Fraction(1, 10), Fraction(81, 100)), (Fraction(3, 10), Fraction(343, 1000))])
def test_array_equals_scalar(pairs: list[tuple[Fraction, Fraction]]) -> None:
    # floats in the array stand for their repr decimals; the scalar path reads the same decimals
    rates = np.array([float(e) for e, _ in pairs])
    targets = np.array([float(t) for _, t in pairs])
    result = bounds.budget(epsilon=rates, threshold=targets)
    for index, (rate, target) in enumerate(zip(rates, targets, strict=True)):
        scalar = bounds.budget(epsilon=repr(float(rate)), threshold=repr(float(target)))
        assert bool(result.unbounded[index]) == scalar.unbounded
        if not scalar.unbounded:
            assert result.n[index] == scalar.n


@given(
    st.floats(min_value=1e-12, max_value=0.999),
    st.floats(min_value=1e-12, max_value=1.0),
)
def test_float_path_agrees_with_exact_path_on_random_floats(rate: float, target: float) -> None:
    fast = bounds.budget(epsilon=np.array([rate]), threshold=np.array([target])).n[0]
    exact = bounds.budget(epsilon=rate, threshold=target).n
    assert fast == exact


def test_numpy_log_accuracy_assumption() -> None:
    # The fast path trusts np.log and np.log1p to 64 ulp; measure them against mpmath (4 ulp asserted).
    rng = np.random.default_rng(12345)
    x = np.concatenate([rng.uniform(1e-300, 1, 2000), 10.0 ** rng.uniform(-300, 0, 2000)])
    y = -np.concatenate([rng.uniform(0, 0.9999, 2000), 10.0 ** rng.uniform(-300, -0.0001, 2000)])
    worst = 0.0
    with mpmath.workdps(40):
        for value, computed in zip(x, np.log(x), strict=True):
            true = mpmath.log(mpmath.mpf(float(value)))
            worst = max(worst, float(abs((mpmath.mpf(float(computed)) - true) / true)) / 2**-53)
        for value, computed in zip(y, np.log1p(y), strict=True):
            true = mpmath.log1p(mpmath.mpf(float(value)))
            worst = max(worst, float(abs((mpmath.mpf(float(computed)) - true) / true)) / 2**-53)
    assert worst < 4, f"numpy log/log1p error {worst:.2f} ulp breaks the fast path's assumption"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"epsilon": [0.1, float("nan")], "threshold": 0.5}, "epsilon must be in [0, 1], got nan"),
        ({"epsilon": [0.1, 1.5], "threshold": 0.5}, "epsilon must be in [0, 1], got 1.5"),
        ({"epsilon": [0.1], "threshold": [0.5, 0.0]}, "threshold must be in (0, 1], got 0.0"),
        ({"epsilon": [0.1, 0.2], "threshold": [0.5, 0.6, 0.7]}, "broadcastable shapes"),
        ({"epsilon": [], "threshold": 0.5}, "non-empty"),
        ({"epsilon": ["0.1", "x"], "threshold": 0.5}, "epsilon must be a decimal number"),
        ({"epsilon": 0.1}, "threshold must be given"),
        ({"threshold": 0.5}, "epsilon or p must be given"),
    ],
)
def test_bad_array_input(kwargs: dict, fragment: str) -> None:
    with pytest.raises(ParameterError) as error:
        bounds.budget(**kwargs)
    assert fragment in str(error.value)


def test_survival_function() -> None:
    with mpmath.workdps(30):
        expected = float(mpmath.mpf("0.999") ** 500)
    assert bounds.survival(epsilon="0.001", n=500) == pytest.approx(expected, rel=1e-14)
    values = bounds.survival(epsilon=[0.001, 0.01], n=[50, 50])
    np.testing.assert_allclose(values, [0.999**50, 0.99**50], rtol=1e-13)
    assert bounds.survival(epsilon="1e-20", n=10**10) == pytest.approx(1 - 1e-10, rel=1e-15)


@given(st.integers(1, 10**9), thresholds(max_exponent=10))
@example(2, Fraction(81, 100))
def test_max_epsilon_is_the_largest_allowed_rate(n: int, threshold: Fraction) -> None:
    rate = bounds.max_epsilon(n, threshold)
    if threshold == 1:
        assert rate == 0
        return
    assert bounds.budget(epsilon=rate, threshold=threshold).n >= n
    # the next float up (as its decimal) already falls short
    larger = float(np.nextafter(rate, 1.0))
    assert bounds.budget(epsilon=larger, threshold=threshold).n < n or larger == rate


def test_max_epsilon_running_example() -> None:
    assert bounds.max_epsilon(500, 0.605) == pytest.approx(1 - 0.605 ** (1 / 500), rel=1e-12)
    np.testing.assert_allclose(bounds.max_epsilon([50, 500], 0.605), [1 - 0.605**0.02, 1 - 0.605**0.002])
    with pytest.raises(ParameterError, match="n must be a whole number >= 1"):
        bounds.max_epsilon(0, 0.5)


def test_sandwich_relation_used_by_compare() -> None:
    # floor((1-T)/eps) <= N* <= floor(ln(1/T)/eps) for the running example
    assert math.floor((1 - 0.605) / 0.001) == 395 <= 502 <= math.floor(math.log(1 / 0.605) / 0.001)


def test_subnormal_rates_in_arrays_are_settled_exactly() -> None:
    # log(T)/log1p(-5e-324) overflows to inf (a RuntimeWarning, an error under our settings)
    result = bounds.budget(epsilon=np.array([5e-324, 0.001]), threshold=np.array([0.5, 0.605]))
    with mpmath.workdps(400):
        expected = int(mpmath.floor(mpmath.log(mpmath.mpf("0.5")) / mpmath.log1p(-mpmath.mpf("5e-324"))))
    assert result.n.tolist() == [expected, 502]


@given(
    st.lists(st.floats(2.0**-99, 0.5, width=32), min_size=1, max_size=10),
    st.floats(2.0**-99, 1, width=32, exclude_max=True),
)
@example([0.1, 0.05, 0.3], 0.81)
def test_float32_arrays_mean_their_printed_decimals_as_scalars_do(rates: list[float], threshold: float) -> None:
    # np.float32(0.1) stands for 1/10 (DESIGN §2), in an array as on its own: (0.1, 0.81) is a tie, N* = 2
    given = np.array(rates, dtype=np.float32)
    target = np.float32(threshold)
    array = bounds.budget(epsilon=given, threshold=np.full(len(rates), target))
    assert array.n.tolist() == [bounds.budget(epsilon=value, threshold=target).n for value in given]
    assert array.threshold.dtype == np.float32
