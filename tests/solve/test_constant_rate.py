"""One ball per element for the constant-rate floors the float path cannot certify."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds.solve.constant_rate import certified_floor, float_decimal, log_ball


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
