"""One ball per element for the constant-rate floors the float path cannot certify."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds.models.independent import Independent
from bounds.solve.constant_rate import certified_floor, float_decimal, lean_budget, log_ball


@given(st.integers(-16, -1), st.integers(1, 9999), st.integers(1, 9999))
@example(-16, 1234, 605)  # a budget near 4e15: beyond the float path
def test_the_floor_agrees_with_mpmath_at_60_digits(exponent: int, mantissa: int, permyriad: int) -> None:
    epsilon = Fraction(mantissa, 10**4) * Fraction(10) ** exponent
    threshold = Fraction(permyriad, 10**4)
    floor = certified_floor(float_decimal(float(f"{mantissa}e{exponent - 4}")), log_ball(threshold))
    with mpmath.workdps(60):
        rate = mpmath.mpf(epsilon.numerator) / epsilon.denominator
        ratio = mpmath.log(mpmath.mpf(permyriad) / 10**4) / mpmath.log1p(-rate)
        truth = int(mpmath.floor(ratio))
    assert floor == truth


def test_a_tie_is_left_to_the_exact_solver() -> None:
    assert certified_floor(float_decimal(0.1), log_ball(Fraction(81, 100))) is None
    assert bounds.budget(epsilon=np.array([0.1]), threshold=0.81).n.tolist() == [2]


def test_float_decimal_is_the_repr() -> None:
    for value in (0.1, 1e-300, 5e-324, 1.7976931348623157e308, 0.30000000000000004, 123.0):
        text = repr(value)
        exact = float_decimal(value)
        assert Fraction(int(exact.p), int(exact.q)) == Fraction(text)


# a decade, then a mantissa: tiny rates drawn inside their range, nothing filtered
_tiny_rates = st.builds(
    lambda decade, mantissa: float(f"{mantissa}e{decade}"), st.integers(-19, -16), st.integers(1, 9999)
)


@given(st.lists(_tiny_rates, min_size=1, max_size=20), st.sampled_from(["0.5", "0.605", "0.9"]))
def test_tiny_rates_in_arrays_equal_the_scalar_certified_budgets(rates: list[float], threshold: str) -> None:
    floats = np.array(rates)
    array = bounds.budget(epsilon=floats, threshold=threshold).n
    scalar = [bounds.budget(epsilon=float(rate), threshold=threshold).n for rate in floats]
    assert array.tolist() == scalar


# -- the scalar fast path: the general solver's own certificate, field for field -------------------------------------
def _general(epsilon: float, threshold: float) -> bounds.Budget:
    return bounds.solve(Independent(epsilon=epsilon), threshold)


def _assert_same_budget(lean: bounds.Budget, general: bounds.Budget) -> None:
    assert lean == general  # every field, certificate_values (exact ball midpoints) included
    assert lean.to_dict() == general.to_dict()
    assert str(lean) == str(general)
    assert (lean.certificate, lean.certificate_bits, lean.certified) == ("ball", 64, True)
    assert type(lean.n) is int and lean.survival_at_budget == general.survival_at_budget
    # the model's derived fields too (not compared by ==): the fast constructor skips deriving them
    assert (lean.model._small, lean.model._log_keep) == (general.model._small, general.model._log_keep)
    assert type(lean.model.epsilon) is Fraction and lean.model.epsilon == general.model.epsilon


@given(
    st.floats(min_value=1e-15, max_value=0.5, exclude_min=True),
    st.floats(min_value=2.3e-308, max_value=1.0, exclude_min=True, exclude_max=True),
)
@example(0.001, 0.605)
@example(0.5, 0.5000000000000001)
@example(0.3, 0.99)  # budget 0
@example(1e-15, 1e-300)  # a budget near 7e17: beyond the lean range
@example(0.49999999999999994, 2.3000000000000003e-308)
def test_lean_budget_is_the_general_solvers_budget(epsilon: float, threshold: float) -> None:
    lean = lean_budget(epsilon, threshold)
    general = _general(epsilon, threshold)
    if lean is not None:
        _assert_same_budget(lean, general)
    assert bounds.budget(epsilon=epsilon, threshold=threshold) == general


@pytest.mark.parametrize(
    ("epsilon", "threshold", "truth"),
    [(0.1, 0.81, 2), (0.5, 0.25, 2), (0.3, 0.343, 3), (0.05, 0.9025, 2), (0.5, 0.125, 3)],
)
def test_exact_ties_leave_the_lean_path(epsilon: float, threshold: float, truth: int) -> None:
    # (1 - eps)**truth == T exactly: no 64-bit ball separates it, the general solver proves it exactly
    assert lean_budget(epsilon, threshold) is None
    result = bounds.budget(epsilon=epsilon, threshold=threshold)
    assert result.n == truth and result == _general(epsilon, threshold)
    assert result.certificate_values[0] == Fraction(repr(threshold))  # S(N*) == T, proved exactly
    assert (1 - Fraction(repr(epsilon))) ** truth == Fraction(repr(threshold))


def test_a_near_tie_beyond_64_bits_leaves_the_lean_path() -> None:
    # T = the 30-digit decimal of 0.999**500: S(500) - T is below 2**-64 relative
    with mpmath.workdps(40):
        exact = (1 - mpmath.mpf("0.001")) ** 500
    threshold = float(mpmath.nstr(exact, 17))
    general = _general(0.001, threshold)
    lean = lean_budget(0.001, threshold)
    assert lean is None or lean == general
    assert bounds.budget(epsilon=0.001, threshold=threshold) == general


def test_the_lean_path_leaves_other_inputs_alone() -> None:
    for epsilon, threshold in [(0.6, 0.5), (0.0, 0.5), (0.1, 1.0), (1e-300, 0.5), (0.1, 1e-310)]:
        assert lean_budget(epsilon, threshold) is None
        assert bounds.budget(epsilon=epsilon, threshold=threshold) == _general(epsilon, threshold)


def test_budget_has_no_post_init_to_skip() -> None:
    # deferred_budget builds the instance without __init__: sound only while Budget derives nothing there
    from bounds.solve.budget import Budget

    assert not hasattr(Budget, "__post_init__")


@pytest.mark.parametrize("use", ["pickle", "copy", "deepcopy", "replace", "repr", "hash", "str", "json"])
def test_a_deferred_budget_behaves_as_the_eager_one(use: str) -> None:
    # the lean path's fields beyond n and the certificate are derived on first use: every way of
    # reading a Budget must see the general solver's values (compared with a fresh lean result each time)
    general = _general(0.001, 0.605)
    lean = lean_budget(0.001, 0.605)
    assert set(vars(lean)) == {"n", "certified", "certificate", "certificate_bits", "_deferred"}
    seen = lean  # the Budget whose fields were read
    if use == "pickle":
        seen = pickle.loads(pickle.dumps(lean))
        assert seen == general
    elif use == "copy":
        seen = copy.copy(lean)
        assert seen == general
    elif use == "deepcopy":
        seen = copy.deepcopy(lean)
        assert seen == general
    elif use == "replace":
        assert dataclasses.replace(lean, n=7) == dataclasses.replace(general, n=7)
    elif use == "repr":
        assert repr(lean) == repr(general)
    elif use == "hash":
        assert hash(lean) == hash(general)
    elif use == "str":
        assert str(lean) == str(general)
    else:
        assert lean.to_dict() == general.to_dict()
    assert vars(seen) == vars(general)  # every field now stored, the deferred recipe gone


def test_a_deferred_budget_still_refuses_unknown_attributes() -> None:
    lean = lean_budget(0.001, 0.605)
    with pytest.raises(AttributeError, match="no attribute 'nn'"):
        lean.nn  # noqa: B018
    assert "_deferred" in vars(lean)  # a misspelt name derives nothing


@given(st.floats(min_value=5e-324, max_value=1e300))
@example(1e-5)
@example(1e16)
@example(0.1)
@example(123.0)
@example(5e-324)
def test_float_decimal_is_the_repr_for_any_positive_float(value: float) -> None:
    assert Fraction(str(float_decimal(value))) == Fraction(repr(value))
