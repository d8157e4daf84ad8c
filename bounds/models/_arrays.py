"""Exact parsing of the vectors and matrices that correlated models take (weights, rates, transitions)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from bounds.errors import ParameterError
from bounds.numeric.parse import format_number, probability

__all__ = ["probability_matrix", "probability_vector", "require_sum_one"]


def _items(value: Any, name: str) -> list[Any]:
    if isinstance(value, np.ndarray):
        return list(value.tolist()) if value.ndim else [value.item()]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ParameterError(name, "a list of probabilities", value)


def probability_vector(value: Any, name: str, length: int | None = None) -> tuple[Fraction, ...]:
    """A non-empty list of exact probabilities in ``[0, 1]`` (of ``length`` entries when given)."""
    items = _items(value, name)
    if not items:
        raise ParameterError(name, "a non-empty list of probabilities", value)
    if length is not None and len(items) != length:
        raise ParameterError(name, f"a list of {length} entries (one per regime or component)", value)
    if any(isinstance(item, (list, tuple, np.ndarray)) for item in items):
        raise ParameterError(name, "a flat list of probabilities", value)
    return tuple(probability(item, f"{name}[{index}]") for index, item in enumerate(items))


def require_sum_one(values: tuple[Fraction, ...], name: str, original: Any) -> None:
    """Refuse a probability vector whose entries, read exactly, do not sum to 1."""
    total = sum(values, Fraction(0))
    if total != 1:
        shown = format_number(total, 12)
        raise ParameterError(
            name, f"probabilities summing to exactly 1 (read exactly they sum to {shown})", original
        )


def probability_matrix(value: Any, name: str) -> tuple[tuple[Fraction, ...], ...]:
    """A square matrix of exact probabilities given as a list of rows."""
    rows = _items(value, name)
    if not rows:
        raise ParameterError(name, "a non-empty square matrix (list of rows)", value)
    size = len(rows)
    parsed = []
    for index, row in enumerate(rows):
        if not isinstance(row, (list, tuple, np.ndarray)):
            raise ParameterError(name, "a square matrix given as a list of rows", value)
        entries = probability_vector(row, f"{name} row {index}")
        if len(entries) != size:
            raise ParameterError(
                name, f"a square matrix: row {index} has {len(entries)} entries, expected {size}", value
            )
        parsed.append(entries)
    return tuple(parsed)
