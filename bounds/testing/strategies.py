"""Hypothesis strategies for the numbers :mod:`bounds` takes.

Values are exact decimals drawn on a logarithmic spread (``m * 10**-k``), which
reaches the regimes where float arithmetic fails (``epsilon = 1e-20``, ties such
as ``0.9**2 == 0.81``) far more often than uniform floats would.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

__all__ = ["epsilons", "generations", "probabilities", "thresholds"]


def _decimal_fractions(max_exponent: int) -> st.SearchStrategy[Fraction]:
    """``m / 10**k`` with ``1 <= m <= 999`` and ``k`` up to ``max_exponent``: values in (0, 999]."""
    return st.builds(
        lambda mantissa, exponent: Fraction(mantissa, 10**exponent),
        st.integers(1, 999),
        st.integers(0, max_exponent),
    )


def probabilities(*, min_value: Fraction | int = 0, max_value: Fraction | int = 1,
                  max_exponent: int = 30) -> st.SearchStrategy[Fraction]:
    """Exact probabilities in ``[min_value, max_value]``, near both ends and in between."""
    low, high = Fraction(min_value), Fraction(max_value)
    small = _decimal_fractions(max_exponent)
    candidates = st.one_of(
        small,
        small.map(lambda value: 1 - value),
        st.sampled_from([Fraction(0), Fraction(1), Fraction(1, 2)]),
    )
    return candidates.filter(lambda value: low <= value <= high)


def epsilons(*, min_value: Fraction | int = 0, max_value: Fraction | int = 1,
             max_exponent: int = 30) -> st.SearchStrategy[Fraction]:
    """Per-generation failure probabilities (``0`` and ``1`` included unless excluded by the range)."""
    return probabilities(min_value=min_value, max_value=max_value, max_exponent=max_exponent)


def thresholds(*, max_exponent: int = 30) -> st.SearchStrategy[Fraction]:
    """Thresholds ``T`` in ``(0, 1]``."""
    return probabilities(min_value=Fraction(1, 10**max_exponent), max_value=1, max_exponent=max_exponent).filter(
        lambda value: value > 0
    )


def generations(*, max_value: int = 10**6) -> st.SearchStrategy[int]:
    """Generation counts ``0 <= N <= max_value``, small ones more often."""
    return st.one_of(st.integers(0, 20), st.integers(0, max_value))
