"""Side-by-side budgets for one marginal rate: a registry of comparison rows.

``bounds compare`` and the demo print one row per registered function. The
library's own rows (independent, Frechet, sandwich, beta-mixture, pairwise
dependence, persistent floor and its cap) are registered here, when this module
is imported, so that :func:`compare` returns the same rows whatever else has been
imported; each row kind is one function. A user or plug-in adds rows with
:func:`comparison_row`. Models never import this module (it solves budgets).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import mpmath

from bounds.models.exchangeable import BetaMixture
from bounds.models.independent import Independent
from bounds.models.unsafe import PersistentUnsafe
from bounds.numeric.parse import decimal_digits, exact, format_number, probability, to_mpf
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
    # the inputs of the comparison the row belongs to (set by compare(), shown by its derivation)
    epsilon: Fraction | None = field(default=None, compare=False, repr=False)
    threshold: Fraction | None = field(default=None, compare=False, repr=False)
    options: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

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
    return [replace(row, epsilon=rate, threshold=target, options=dict(options)) for row in rows if row is not None]


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


@comparison_row
def _beta_mixture(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    rho = options.get("rho")
    if rho is None or not 0 < epsilon < 1 or exact(rho, "rho") == 0:
        return None  # rho = 0 is the independent row
    model = BetaMixture(mean=epsilon, rho=rho)
    return ComparisonRow(
        f"beta-mixture (rho={format_number(model.rho)})",
        model.budget(threshold).n,
        "model",
        "exchangeable: one Beta-distributed rate per lineage, same marginal rate",
    )


def _pairwise_row(end: str, assumption: str) -> None:
    """Register the dependence-free interval's ``end`` (``guaranteed`` or ``possible``) as a row."""

    @comparison_row
    def row(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
        rho = options.get("rho")
        if rho is None:
            return None
        from bounds.marginal.dependence_budget import dependence_free_budget

        interval = dependence_free_budget(epsilon, threshold, rho)
        shown = format_number(exact(rho, "rho"))
        return ComparisonRow(
            f"any dependence, pairwise rho={shown}: {end}", getattr(interval, end), "bound", assumption
        )


_pairwise_row(
    "guaranteed", "every joint law with these marginals and pairwise correlations (Kwerel, sharp for N fixed)"
)
_pairwise_row("possible", "no joint law with these marginals and pairwise correlations has a larger budget")


@comparison_row
def _persistent_floor(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if options.get("mass") is None:
        return None
    mass = probability(options["mass"], "mass")
    return ComparisonRow(
        f"persistent floor delta = {format_number(mass)}",
        PersistentUnsafe(Independent(epsilon=epsilon), mass).budget(threshold).n,
        "model",
        "an unsafe mass delta no defense removes: epsilon_i' = max(epsilon, delta)",
    )


@comparison_row
def _floor_cap(epsilon: Fraction, threshold: Fraction, options: dict[str, Any]) -> ComparisonRow | None:
    if options.get("mass") is None:
        return None
    mass = probability(options["mass"], "mass")
    return ComparisonRow(
        "cap floor(ln T/ln(1-delta))",
        Independent.exactly(mass).budget(threshold).n,
        "bound",
        "no budget exceeds it while the unsafe mass persists, however good the defenses",
    )
