"""Oversight and control-game budgets re-derived from the parameters, independently of the models' formulas.

The model computes ``M`` with the Poisson-binomial recursion; here every pattern of
misses and catches is enumerated (``2**n`` products), and ``S(N) = (1 - d M)**N`` is
compared with ``T`` exactly when small and otherwise in a ball built from the exact
rate, at precisions the test raises itself (:func:`tests.models._truths.sign_against`).
The control game's closed form is checked against its chain run generation by generation
in exact rationals, with a piecewise ROC interpolated here.
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


# -- the control game --------------------------------------------------------------------------------------

def step_by_step_survival(game: tuple, n: int) -> Fraction:
    """``S(n)`` of the control game by running its chain generation by generation, in exact rationals.

    States: aligned (``a``), misaligned with the game going on (``m``), unsafe (``u``). Each
    generation the misaligned model attacks with probability ``p``; an attack is caught (a safe
    stop) with ``TPR h`` and otherwise succeeds with ``s``; an aligned model turns misaligned with
    ``epsilon`` and plays from the next generation. Without ``epsilon`` it starts misaligned.
    """
    s, h, f, points, p, epsilon = game
    tpr = interpolated_tpr(points, f)
    caught, lost = p * tpr * h, p * (1 - tpr * h) * s
    aligned, playing, unsafe = (Fraction(1), Fraction(0), Fraction(0)) if epsilon is not None else (0, 1, 0)
    turn = epsilon or 0
    for _ in range(n):
        aligned, playing, unsafe = (aligned * (1 - turn), playing * (1 - caught - lost) + aligned * turn,
                                    unsafe + playing * lost)
    return 1 - unsafe


def interpolated_tpr(points: list[tuple[Fraction, Fraction]], f: Fraction) -> Fraction:
    """The piecewise-linear ROC through ``(0, 0)``, the points and ``(1, 1)``, at FPR ``f``."""
    knots = [(Fraction(0), Fraction(0)), *points, (Fraction(1), Fraction(1))]
    for (f0, t0), (f1, t1) in zip(knots, knots[1:], strict=False):
        if f0 <= f <= f1:
            return t0 + (t1 - t0) * (f - f0) / (f1 - f0)
    raise AssertionError(f"FPR {f} outside [0, 1]")


@st.composite
def control_games(draw: st.DrawFn) -> tuple:
    """Games with a piecewise ROC (rational TPR), FPRs strictly inside (0, 1) and non-decreasing TPRs."""
    size = draw(st.integers(1, 3))
    fprs = sorted(draw(st.sets(st.integers(1, 99), min_size=size, max_size=size)))
    tprs = sorted(draw(st.lists(st.integers(0, 100), min_size=size, max_size=size)))
    points = [(Fraction(fpr, 100), Fraction(tpr, 100)) for fpr, tpr in zip(fprs, tprs, strict=True)]
    s, h, f = (draw(probabilities(max_exponent=2)) for _ in range(3))
    p = draw(probabilities(max_exponent=2))
    epsilon = draw(st.one_of(st.none(), epsilons(max_exponent=2)))
    return s, h, f, points, p, epsilon


@settings(max_examples=60, deadline=None)
@example((Fraction(1, 2), Fraction(1, 2), Fraction(1, 10), [(Fraction(1, 5), Fraction(3, 5))], Fraction(1), None),
         Fraction(9, 10))
@given(control_games(), thresholds(max_exponent=2))
def test_control_game_budgets_are_certified(game: tuple, threshold: Fraction) -> None:
    from bounds.oversight import ControlGame

    s, h, f, points, p, epsilon = game
    result = ControlGame(s, h, f, roc_points=points, attack_rate=p, epsilon=epsilon).budget(threshold)
    note(f"{game} at T = {threshold}: N* = {result.n} ({result.certificate})")
    assert result.certified and result.certificate in ("exact", "ball")
    if result.n is None:
        # unbounded: S falls to its limit c / (c + l) (or stays 1), never below T; checked far out
        assert step_by_step_survival(game, 200) >= threshold
        return
    if result.n > 400:
        return  # beyond an exact step-by-step run in the test; the model's closed form is checked elsewhere
    assert step_by_step_survival(game, result.n) >= threshold
    assert step_by_step_survival(game, result.n + 1) < threshold
