"""Number semantics (DESIGN §2): exact decimals in, clear errors out."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bounds.errors import ParameterError
from bounds.numeric.parse import (
    MAX_DECIMAL_EXPONENT,
    exact,
    format_number,
    generations,
    positive,
    probability,
    resolve_epsilon,
    threshold,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.9, Fraction(9, 10)),
        (0.1, Fraction(1, 10)),
        ("1e-20", Fraction(1, 10**20)),
        (" 0.999 ", Fraction(999, 1000)),
        (Decimal("0.605"), Fraction(121, 200)),
        (Fraction(1, 3), Fraction(1, 3)),
        (3, Fraction(3)),
        (np.float64(0.81), Fraction(81, 100)),
        (np.float32(0.1), Fraction(1, 10)),
        (np.int64(7), Fraction(7)),
        (1e-300, Fraction(1, 10**300)),
    ],
)
def test_exact_reads_the_printed_decimal(value: object, expected: Fraction) -> None:
    assert exact(value, "x") == expected


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_means_its_repr(value: float) -> None:
    assert exact(value, "x") == Fraction(Decimal(repr(value)))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (float("nan"), "a finite number"),
        (float("-inf"), "a finite number"),
        ("nan", "a finite number"),
        ("Infinity", "a finite number"),
        ("0x10", "a decimal number"),
        ("", "a decimal number"),
        ("1/3", "a decimal number"),
        (True, "not a boolean"),
        (np.bool_(False), "not a boolean"),
        (None, "a number"),
        ([0.1], "a number"),
        (complex(1, 0), "a number"),
        ("1e-5000", "decimal exponent within"),
        ("1" * 9_000, "a decimal number"),
        (Fraction(1, 2**50_000), "at most"),
    ],
)
def test_exact_rejects(value: object, fragment: str) -> None:
    with pytest.raises(ParameterError, match="epsilon must be") as error:
        exact(value, "epsilon")
    assert fragment in str(error.value)


def test_limits_are_documented_numbers() -> None:
    assert exact(f"1e-{MAX_DECIMAL_EXPONENT}", "x") == Fraction(1, 10**MAX_DECIMAL_EXPONENT)


@pytest.mark.parametrize("value", [-1e-300, 1.0000001, "2"])
def test_probability_range(value: object) -> None:
    with pytest.raises(ParameterError, match=r"epsilon must be in \[0, 1\]"):
        probability(value)


@pytest.mark.parametrize("value", [0, "0", -0.5, 1.5])
def test_threshold_range(value: object) -> None:
    with pytest.raises(ParameterError, match=r"threshold must be in \(0, 1\]"):
        threshold(value)


def test_threshold_one_is_allowed() -> None:
    assert threshold(1) == 1


@pytest.mark.parametrize(("value", "expected"), [(0, 0), ("1e12", 10**12), (1e15, 10**15), (Fraction(6, 2), 3)])
def test_generations(value: object, expected: int) -> None:
    assert generations(value) == expected


@pytest.mark.parametrize("value", [-1, 0.5, "2.5", float("nan"), "many", True])
def test_generations_rejects(value: object) -> None:
    with pytest.raises(ParameterError, match="generations must be"):
        generations(value)


def test_positive() -> None:
    assert positive("0.5", "ratio") == Fraction(1, 2)
    with pytest.raises(ParameterError, match="ratio must be a positive number, got 0"):
        positive(0, "ratio")


def test_resolve_epsilon_keeps_tiny_rates() -> None:
    assert resolve_epsilon(epsilon="1e-20") == Fraction(1, 10**20)
    # p = 1 - 1e-20 is 1.0 as a float, so its epsilon is 0: the reason epsilon exists
    assert resolve_epsilon(p=1 - 1e-20) == 0
    assert resolve_epsilon(p="0.99999999999999999999") == Fraction(1, 10**20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e-20, "1e-20"),
        (0.6064256, "0.606426"),
        (0.99999999, "0.99999999"),
        (123456789, "123456789"),
        (10**40, "1" + "0" * 40),
        (Fraction(1, 10**30), "1e-30"),
        (mpmath.mpf("6.16968115937295182950785284163e-918556498"), "6.16968e-918556498"),
        (0.0, "0"),
    ],
)
def test_format_number_never_hides_small_values(value: object, expected: str) -> None:
    assert format_number(value) == expected


@given(st.floats(min_value=1e-300, max_value=1.0))
def test_format_number_round_trips_to_six_figures(value: float) -> None:
    text = format_number(value)
    assert float(text) == pytest.approx(value, rel=5e-6)
    assert float(text) > 0


@given(st.fractions(min_value=0, max_value=1, max_denominator=10**30))
@example(Fraction(1, 2**24))  # issue 11: a 17-digit terminating decimal was cut to 14 digits
@example(Fraction(3, 2**1000 * 5**3))  # and a 1000-digit one to 28
def test_json_value_loses_nothing(value: Fraction) -> None:
    from bounds.numeric.parse import json_value

    encoded = json_value(value)
    if isinstance(encoded, float):
        assert Fraction(Decimal(repr(encoded))) == value
    elif isinstance(encoded, int):
        assert encoded == value
    elif "/" in encoded:
        numerator, denominator = encoded.split("/")
        assert Fraction(int(numerator), int(denominator)) == value
    else:
        assert Fraction(Decimal(encoded)) == value


@st.composite
def extreme_decimals(draw: st.DrawFn) -> str:
    """Decimal strings the parser accepts, out to its limits: up to 4000 digits, exponent within ±4000."""
    from bounds.numeric.parse import MAX_DECIMAL_EXPONENT

    count = draw(st.integers(1, MAX_DECIMAL_EXPONENT))
    digits = str(draw(st.integers(1, 9))) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                     min_size=count - 1, max_size=count - 1)))
    adjusted = draw(st.integers(-MAX_DECIMAL_EXPONENT, MAX_DECIMAL_EXPONENT))
    return f"{digits[0]}.{digits[1:]}e{adjusted}" if count > 1 else f"{digits}e{adjusted}"


@settings(max_examples=40, deadline=None)
@example("1e-4000")  # issue 10: its Fraction (13,288 bits) was refused when passed on inside max_epsilon
@example("1e4000")
@example("9." + "9" * 3999 + "e-4000")  # the largest denominator: 10**7999
@given(extreme_decimals())
def test_every_accepted_decimal_reads_back_as_its_fraction(text: str) -> None:
    value = exact(text, "x")
    assert value == Fraction(Decimal(text))  # the decimal's exact value
    assert exact(value, "x") == value  # what the library builds from an input is never refused when passed on
    if value.denominator > 1:
        assert exact(1 / value, "x") == 1 / value
