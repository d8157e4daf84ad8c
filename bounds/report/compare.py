"""Side-by-side budgets for one marginal rate: a registry of comparison rows.

``bounds compare`` and the demo print one row per registered function; a model
family adds its rows with :func:`comparison_row`, without editing this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

from bounds.models.independent import Independent
from bounds.numeric.parse import decimal_digits, probability, to_mpf
from bounds.numeric.parse import threshold as as_threshold

__all__ = ["ComparisonRow", "compare", "comparison_row"]


@dataclass(frozen=True)
class ComparisonRow:
    """One line of a comparison.

    ``budget`` is the exact integer (``None`` when unbounded); ``kind`` is
    ``"model"`` for a model's certified budget and ``"bound"`` for a bound on
    the budget that holds for a whole class of models.
    """

    label: str
    budget: int | None
    kind: str
    assumption: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "budget": self.budget,
            "unbounded": self.budget is None,
            "kind": self.kind,
            "assumption": self.assumption,
        }


RowFunction = Callable[[Fraction, Fraction, dict[str, Any]], "ComparisonRow | None"]
_ROWS: list[RowFunction] = []


def comparison_row(function: RowFunction) -> RowFunction:
    """Register ``function(epsilon, threshold, options) -> ComparisonRow | None``."""
    _ROWS.append(function)
    return function


def compare(epsilon: Any, threshold: Any, **options: Any) -> list[ComparisonRow]:
    """Budgets of every registered comparison for marginal rate ``epsilon`` and threshold ``T``.

    Examples
    --------
    >>> for row in compare("0.001", "0.605")[:4]:
    ...     print(row.label, row.budget)
    independent 502
    any dependence (Frechet worst case) 395
    sandwich lower floor((1-T)/eps) 395
    sandwich upper floor(ln(1/T)/eps) 502
    """
    rate = probability(epsilon, "epsilon")
    target = as_threshold(threshold)
    rows = (function(rate, target, options) for function in _ROWS)
    return [row for row in rows if row is not None]


@comparison_row
def _independent(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    result = Independent(epsilon=epsilon).budget(threshold)
    return ComparisonRow("independent", result.n, "model", "failures independent across generations")


@comparison_row
def _worst_case(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    # Boole: S(N) >= 1 - N*eps, attained by disjoint failure events (Frechet sharp)
    budget = None if epsilon == 0 else math.floor((1 - threshold) / epsilon)
    return ComparisonRow(
        "any dependence (Frechet worst case)", budget, "bound",
        "only the marginal rate is known; disjoint failure events attain it",
    )


@comparison_row
def _sandwich_lower(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    budget = None if epsilon == 0 else math.floor((1 - threshold) / epsilon)
    return ComparisonRow("sandwich lower floor((1-T)/eps)", budget, "bound", "(1-eps)^N >= 1 - N eps")


@comparison_row
def _sandwich_upper(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow:
    if epsilon == 0:
        return ComparisonRow("sandwich upper floor(ln(1/T)/eps)", None, "bound", "(1-eps)^N <= exp(-N eps)")
    if threshold == 1:
        return ComparisonRow("sandwich upper floor(ln(1/T)/eps)", 0, "bound", "(1-eps)^N <= exp(-N eps)")
    # ln(1/T)/eps is irrational for T < 1, so rising precision always separates it from an integer
    dps = 30 + decimal_digits(epsilon.denominator) + decimal_digits(threshold.denominator)
    while True:
        with mpmath.workdps(dps):
            value = -mpmath.log(to_mpf(threshold)) / to_mpf(epsilon)
            floor = int(mpmath.floor(value))
            margin = mpmath.mpf(10) ** (-dps // 2)
            if value - floor > margin and floor + 1 - value > margin:
                break
        dps *= 2
    return ComparisonRow("sandwich upper floor(ln(1/T)/eps)", floor, "bound", "(1-eps)^N <= exp(-N eps)")
