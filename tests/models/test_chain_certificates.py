"""Budgets of random absorbing and Markov chains, re-derived independently of the model's code.

Chains come from the public strategies (``bounds.testing``; generated inside their domain, nothing
filtered); each budget's certificate S(N*) >= T > S(N*+1) is checked again from the parameters:
in exact rationals when N* is small, else in python-flint balls built here (for the Markov model
from DESIGN's pi D (P D)^(N-1) 1, a different formula from the chain's alpha Q^N 1).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
from hypothesis import given, settings
from hypothesis import strategies as st

from bounds import MarkovModulated
from bounds.testing.strategies import epsilons, models, probabilities, thresholds
from tests.models.chain_truths import arb_survival, exact_survival

_EXACT_UP_TO = 300


def _ball(value: Fraction) -> flint.arb:
    return flint.arb(flint.fmpq(value.numerator, value.denominator))


def markov_survival(model: Any, n: int, prec: int) -> flint.arb:
    """pi D (P D)^(n-1) 1 as a ball, from transition, failure and initial."""
    if n == 0:
        return flint.arb(1)
    saved = flint.ctx.prec
    flint.ctx.prec = prec + 2 * n.bit_length() + 20
    try:
        size = len(model.failure)
        keep = flint.arb_mat([[_ball(1 - model.failure[i]) if i == j else 0 for j in range(size)] for i in range(size)])
        step = flint.arb_mat([[_ball(p) for p in row] for row in model.transition]) * keep
        start = flint.arb_mat([[_ball(p) for p in model.initial]]) * keep
        return (start * step ** (n - 1) * flint.arb_mat([[1]] * size))[0, 0]
    finally:
        flint.ctx.prec = saved


def survival(model: Any, n: int) -> Fraction | flint.arb:
    q = [[Fraction(e) for e in row] for row in model.Q]
    if n <= _EXACT_UP_TO:
        return exact_survival(q, list(model.initial), n)
    if model.name == "markov":
        return markov_survival(model, n, 256)
    return arb_survival(q, list(model.initial), n, 256)


def check(model: Any, threshold: Fraction) -> None:
    result = model.budget(threshold)
    assert result.certificate.startswith(("exact", "ball"))
    if result.unbounded:
        # S decreases to S(inf) >= T: S at a huge N is still >= T
        at_large = survival(model, 10**12)
        # (a ball can only show it is not below T: S(inf) = T = 1 is a tie)
        assert not at_large < _ball(threshold) if isinstance(at_large, flint.arb) else at_large >= threshold
        return
    at, after = survival(model, result.n), survival(model, result.n + 1)
    with_prec = flint.ctx.prec
    flint.ctx.prec = 300
    try:
        target = _ball(threshold)
        assert at >= threshold if isinstance(at, Fraction) else at >= target, (result.n, at)
        assert after < threshold if isinstance(after, Fraction) else after < target, (result.n, after)
    finally:
        flint.ctx.prec = with_prec


@settings(max_examples=40)
@given(models("absorbing"), thresholds(max_exponent=6))
def test_absorbing_budgets_are_certified(chain: Any, threshold: Fraction) -> None:
    check(chain, threshold)


@settings(max_examples=40)
@given(models("markov"), thresholds(max_exponent=6))
def test_markov_budgets_are_certified(model: Any, threshold: Fraction) -> None:
    check(model, threshold)


@st.composite
def slow_markov(draw: st.DrawFn) -> MarkovModulated:
    """Markov chains with small failure rates (large budgets: the ball path), from the public strategies."""
    size = draw(st.integers(1, 3))
    transition = []
    for _ in range(size):
        weights = draw(
            st.lists(st.integers(0, 100), min_size=size, max_size=size).map(lambda w: w if sum(w) else [1] * len(w))
        )
        transition.append([Fraction(weight, sum(weights)) for weight in weights])
    failure = draw(st.lists(epsilons(max_value=Fraction(1, 100), max_exponent=12), min_size=size, max_size=size))
    start = draw(
        st.lists(st.integers(0, 100), min_size=size, max_size=size).map(lambda w: w if sum(w) else [1] * len(w))
    )
    return MarkovModulated(transition, failure, [Fraction(weight, sum(start)) for weight in start])


@settings(max_examples=40)
@given(slow_markov(), probabilities(min_value=Fraction(1, 10**6), max_value=Fraction(999, 1000), max_exponent=6))
def test_large_markov_budgets_are_certified(model: MarkovModulated, threshold: Fraction) -> None:
    check(model, threshold)
