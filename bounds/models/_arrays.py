"""Exact parsing of the vectors and matrices that correlated models take (weights, rates, transitions)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.errors import ParameterError
from bounds.numeric.domains import Domain
from bounds.numeric.parse import format_number, probability

__all__ = [
    "DISTRIBUTION",
    "PROBABILITIES",
    "STATE_NAMES",
    "STOCHASTIC_MATRIX",
    "SUBSTOCHASTIC_MATRIX",
    "chain_distribution",
    "chain_names",
    "probability_matrix",
    "probability_vector",
    "require_sum_one",
    "square_matrix",
]


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
        raise ParameterError(name, f"probabilities summing to exactly 1 (read exactly they sum to {shown})", original)


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


def square_matrix(value: Any) -> list[list[Fraction]]:
    """The transient block ``Q`` of an absorbing chain: a non-empty square list of rows of exact probabilities."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) == 0:
        raise ParameterError("Q", "a non-empty list of rows of probabilities", value)
    rows = []
    for given in value:
        row = given.tolist() if isinstance(given, np.ndarray) else given
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ParameterError("Q", "a list of rows (lists of probabilities)", value)
        rows.append(list(row))
    size = len(rows)
    lengths = [len(row) for row in rows]
    if any(length != size for length in lengths):
        raise ParameterError(
            "Q",
            f"a square matrix (one row and one column per transient state); it has {size} rows of lengths {lengths}",
            value,
        )
    return [[probability(entry, f"Q[{r}][{c}]") for c, entry in enumerate(row)] for r, row in enumerate(rows)]


def chain_names(value: Any, size: int) -> tuple[str, ...]:
    """Distinct state names, one per row of ``Q`` (``aligned``, ``drifted`` by default for two states)."""
    if value is None:
        if size == 2:
            return ("aligned", "drifted")
        return tuple(f"state {index}" for index in range(size))
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ParameterError("names", f"a list of {size} state names", value)
    names = tuple(value)
    if len(names) != size or not all(isinstance(name, str) and name.strip() for name in names):
        raise ParameterError("names", f"a list of {size} non-empty strings (one per row of Q)", value)
    if len(set(names)) != size:
        raise ParameterError("names", "distinct names", value)
    return names


def chain_distribution(value: Any, size: int) -> tuple[Fraction, ...]:
    """An initial distribution over ``size`` transient states: exact entries summing to exactly 1."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ParameterError("initial", f"a list of {size} probabilities (one per state of Q)", value)
    if len(value) != size:
        raise ParameterError(
            "initial", f"a distribution over the {size} transient states (length {size}, like Q)", value
        )
    alpha = tuple(probability(entry, f"initial[{index}]") for index, entry in enumerate(value))
    if sum(alpha, Fraction(0)) != 1:
        raise ParameterError(
            "initial", "a distribution: entries summing to exactly 1", format_number(sum(alpha, Fraction(0)), 12)
        )
    return alpha


def distribution(value: Any, name: str) -> tuple[Fraction, ...]:
    """A probability vector whose entries, read exactly, sum to 1."""
    parsed = probability_vector(value, name)
    require_sum_one(parsed, name, value)
    return parsed


def stochastic_matrix(value: Any, name: str) -> tuple[tuple[Fraction, ...], ...]:
    """A square matrix of exact probabilities whose every row sums to exactly 1."""
    matrix = probability_matrix(value, name)
    rows = list(value.tolist()) if isinstance(value, np.ndarray) else list(value)
    for index, row in enumerate(matrix):
        require_sum_one(row, f"{name} row {index}", rows[index])
    return matrix


def _substochastic(value: Any, name: str) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(tuple(row) for row in square_matrix(value))


#: Non-empty lists of exact probabilities (a length set by another field is checked by the family).
PROBABILITIES = Domain("vector", "a non-empty list of probabilities", probability_vector)
#: Probability vectors summing to exactly 1 (weights, initial distributions).
DISTRIBUTION = Domain("vector", "probabilities summing to exactly 1", distribution)
#: Square matrices of probabilities with rows summing to exactly 1 (regime transitions).
STOCHASTIC_MATRIX = Domain("matrix", "a square matrix of probabilities, each row summing to exactly 1",
                           stochastic_matrix)
#: The transient block of an absorbing chain: rows of probabilities summing to at most 1.
SUBSTOCHASTIC_MATRIX = Domain("matrix", "a non-empty square list of rows of probabilities", _substochastic)
#: Distinct non-empty names, one per state (checked against the number of states by the family).
STATE_NAMES = Domain("text", "a list of distinct non-empty state names")
