"""Hypothesis strategies for exact random laws: joint failure patterns, (sub-)stochastic matrices."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import strategies as st


def _normalised(weights: list[int]) -> list[Fraction]:
    total = sum(weights)
    return [Fraction(weight, total) for weight in weights]


@st.composite
def joint_laws(draw: st.DrawFn, max_generations: int = 5) -> dict[tuple[int, ...], Fraction]:
    """An arbitrary law of the failure indicators (F_1, ..., F_n) on {0, 1}^n, with exact probabilities.

    Any dependence is possible: every pattern gets its own weight.
    """
    n = draw(st.integers(1, max_generations))
    patterns = list(itertools.product((0, 1), repeat=n))
    weights = draw(st.lists(st.integers(0, 20), min_size=len(patterns), max_size=len(patterns)))
    if sum(weights) == 0:
        weights[0] = 1
    return dict(zip(patterns, _normalised(weights), strict=True))


@st.composite
def stochastic_matrices(draw: st.DrawFn, size: int, substochastic: bool = False) -> list[list[Fraction]]:
    """Rows of exact non-negative rationals summing to 1 (or to at most 1 when ``substochastic``)."""
    rows = []
    for _ in range(size):
        weights = draw(st.lists(st.integers(0, 9), min_size=size + 1, max_size=size + 1))
        if sum(weights[:size]) == 0:
            weights[0] = 1
        if not substochastic:
            weights[size] = 0
        rows.append(_normalised(weights)[:size])
    return rows


@st.composite
def distributions(draw: st.DrawFn, size: int) -> list[Fraction]:
    weights = draw(st.lists(st.integers(0, 9), min_size=size, max_size=size))
    if sum(weights) == 0:
        weights[0] = 1
    return _normalised(weights)


def survival_of_law(law: dict[tuple[int, ...], Fraction], n: int) -> Fraction:
    """P(no failure in generations 1..n)."""
    return sum((p for pattern, p in law.items() if not any(pattern[:n])), Fraction(0))


def matrix_vector(matrix: list[list[Fraction]], vector: list[Fraction]) -> list[Fraction]:
    return [sum((a * b for a, b in zip(row, vector, strict=True)), Fraction(0)) for row in matrix]
