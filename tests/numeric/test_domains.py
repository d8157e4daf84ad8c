"""The module-level domains: what their bounds admit, their parsers read, and what they refuse, with which phrase.

Every value is generated inside (or just outside) the domain from its declared bounds; the truth is
the bounds themselves, compared in exact rationals, and the parsers of :mod:`bounds.numeric.parse`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bounds.errors import ParameterError
from bounds.numeric import domains
from bounds.numeric.domains import COUNT, GENERATIONS, POSITIVE, PROBABILITY, choices, interval, whole
from bounds.testing.strategies import from_domain, outside_domain

NUMERIC = {name: value for name, value in vars(domains).items()
           if isinstance(value, domains.Domain) and value.numeric}


def test_the_numeric_domains() -> None:
    assert set(NUMERIC) == {"PROBABILITY", "POSITIVE", "NONNEGATIVE", "BOUNDED_REAL", "GENERATIONS", "COUNT"}


@pytest.mark.parametrize("name", sorted(NUMERIC))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_values_inside_are_read_as_themselves(name: str, data: st.DataObject) -> None:
    domain = NUMERIC[name]
    value = data.draw(from_domain(domain))
    assert domain.contains(Fraction(value))
    assert domain.parse(value, "x") == value
    assert domain.parse(str(value) if isinstance(value, int) else _decimal(value), "x") == value


def _decimal(value: Fraction) -> str:
    """``value`` (an exact decimal) as the string a user would type."""
    digits = 0
    while (value * 10**digits).denominator != 1:
        digits += 1
    scaled = int(value * 10**digits)
    return f"{scaled}e-{digits}"


@pytest.mark.parametrize("name", sorted(NUMERIC))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_values_just_outside_are_refused_with_the_phrase(name: str, data: st.DataObject) -> None:
    domain = NUMERIC[name]
    value = data.draw(outside_domain(domain))
    if not isinstance(value, float):
        assert not domain.contains(value)
    with pytest.raises(ParameterError) as caught:
        domain.parse(value, "x")
    finite = not (isinstance(value, float) and not math.isfinite(value))
    assert str(caught.value).startswith("x must be " + (domain.phrase if finite else "a finite number"))


def test_phrases_are_those_of_the_parsers() -> None:
    assert (PROBABILITY.phrase, POSITIVE.phrase, GENERATIONS.phrase) == ("in [0, 1]", "a positive number",
                                                                        "a whole number >= 0")
    assert COUNT.phrase == whole(1).phrase == "a whole number >= 1"
    assert interval(0, 1, low_open=True).phrase == "in (0, 1]"
    assert interval(-(10**300), 10**300).phrase == "in [-1e300, 1e300]"
    assert choices("independent", "mgl", "any").phrase == "one of 'independent', 'mgl', 'any'"
    with pytest.raises(ParameterError, match=r"mode must be 'floor' or 'additive', got \['floor'\]"):
        choices("floor", "additive").parse(["floor"], "mode")


@settings(max_examples=60, deadline=None)
@given(st.fractions(), st.fractions(), st.booleans(), st.booleans(), st.data())
def test_narrowed_ranges_stay_inside(a: Fraction, b: Fraction, low_open: bool, high_open: bool,
                                     data: st.DataObject) -> None:
    low, high = sorted((a, b))
    high += 1  # a range with room inside, open or closed at each end
    domain = interval(low, high, low_open=low_open, high_open=high_open)
    value = data.draw(from_domain(domain, max_exponent=6))
    assert domain.contains(value)
