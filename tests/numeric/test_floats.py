"""Rounding up to floats as exact decimals (bounds.numeric.floats)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import example, given

from bounds.numeric.floats import float_at_least, smallest_float
from bounds.numeric.parse import exact, json_value
from bounds.testing import strategies as bst


@given(value=bst.probabilities(max_exponent=320))
@example(value=Fraction(3, 7))
@example(value=Fraction(1, 10**400))  # below the smallest subnormal: rounds up to it
def test_float_at_least_is_the_smallest_float_whose_decimal_reaches_the_value(value: Fraction) -> None:
    result = float_at_least(value)
    assert exact(result, "x") >= value
    if result > 0:
        assert exact(float(np.nextafter(result, 0.0)), "x") < value


@given(value=bst.probabilities(min_value=Fraction(1, 10**300), max_exponent=300))
def test_smallest_float_finds_the_threshold_from_a_bad_guess(value: Fraction) -> None:
    # a guess far off (0.5) still converges: gallop then bisection over bit patterns
    assert smallest_float(lambda x: x >= value, 0.5) == float_at_least(value)


@given(value=bst.probabilities(max_exponent=400))
@example(value=Fraction(1, 3))
@example(value=Fraction(1, 10**4000))
def test_json_value_round_trips(value: Fraction) -> None:
    shown = json_value(value)
    back = Fraction(shown) if isinstance(shown, str) and "/" in shown else exact(shown, "value")
    assert back == value
