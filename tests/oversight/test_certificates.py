"""Oversight budgets re-derived from the parameters: the layer's miss probability by enumeration, S(N) by balls.

The model computes ``M`` with the Poisson-binomial recursion; here every pattern of
misses and catches is enumerated (``2**n`` products), and ``S(N) = (1 - d M)**N`` is
compared with ``T`` exactly when small and otherwise in a ball built from the exact
rate, at precisions the test raises itself (:func:`tests.models._truths.sign_against`).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import flint
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from bounds.oversight import Oversight
from bounds.testing.strategies import epsilons, probabilities, thresholds
from tests.models._truths import sign_against


def enumerated_miss(miss: list[Fraction], vote: int) -> Fraction:
    """``P(fewer than vote monitors flag the defect)`` over all ``2**n`` miss/catch patterns."""
    total = Fraction(0)
    for pattern in itertools.product((True, False), repeat=len(miss)):  # True: monitor j misses
        flags = sum(not missed for missed in pattern)
        if flags < vote:
            total += math.prod((q if missed else 1 - q for q, missed in zip(miss, pattern, strict=True)), start=1)
    return total


def survival_against(rate: Fraction, n: int, threshold: Fraction) -> int:
    """The proved sign of ``(1 - rate)**n - T``."""

    def value_at(extra: int) -> Fraction | flint.arb:
        if n * max(rate.numerator.bit_length(), rate.denominator.bit_length()) < 20_000:
            return (1 - rate) ** n
        saved, flint.ctx.prec = flint.ctx.prec, extra
        try:
            return flint.arb(flint.fmpq((1 - rate).numerator, (1 - rate).denominator)) ** n
        finally:
            flint.ctx.prec = saved

    return sign_against(value_at, threshold)


@st.composite
def layers(draw: st.DrawFn) -> tuple[Fraction, list[Fraction], int]:
    size = draw(st.integers(1, 5))
    miss = draw(st.lists(probabilities(max_exponent=4), min_size=size, max_size=size))
    return draw(epsilons(max_exponent=6)), miss, draw(st.integers(1, size))


@settings(max_examples=60, deadline=None)
@example((Fraction(1, 10**5), [Fraction(1, 10)], 1), Fraction(605, 1000))  # the issue's example: eps' = 1e-6
@example((Fraction(1, 2), [Fraction(1, 2), Fraction(1, 2)], 2), Fraction(9, 16))  # S(1) = 1 - 3/8 < T; S(0) = 1
@given(layers(), thresholds(max_exponent=6))
def test_independent_layer_budgets_are_certified(layer: tuple[Fraction, list[Fraction], int],
                                                 threshold: Fraction) -> None:
    defect, miss, vote = layer
    result = Oversight(defect, miss, vote, "independent").budget(threshold)
    rate = defect * enumerated_miss(miss, vote)
    note(f"d = {defect}, miss = {miss}, vote = {vote}: rate {rate}, N* = {result.n} ({result.certificate})")
    assert result.certified and result.certificate in ("exact", "ball")
    if result.n is None:
        assert rate == 0
        return
    assert survival_against(rate, result.n, threshold) >= 0
    assert survival_against(rate, result.n + 1, threshold) < 0
