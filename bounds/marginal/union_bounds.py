r"""Classical bounds on the probability of a union from binomial moments (used by :mod:`bounds.marginal.dependence`).

Each function returns a :class:`UnionBound` on ``P(F_1 u ... u F_N)``, exact in rational arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bounds.numeric.parse import exact, probability

__all__ = [
    "LABELS",
    "UnionBound",
    "bonferroni",
    "boole",
    "dawson_sankoff",
    "frechet_lower",
    "hunter_worsley",
    "kounias",
    "kwerel",
    "pairwise_joint",
]

#: Human-readable names of the bounds, keyed by their short names.
LABELS = {
    "frechet": "Frechet (largest marginal)",
    "boole": "Boole / Frechet (S1)",
    "bonferroni": "Bonferroni (S1 - S2)",
    "kounias": "Kounias",
    "hunter-worsley": "Hunter-Worsley (maximum spanning tree)",
    "dawson-sankoff": "Dawson-Sankoff",
    "kwerel": "Kwerel / Sathe-Pradhan-Shah",
    "lp": "binomial-moment LP (Prekopa)",
}


@dataclass(frozen=True)
class UnionBound:
    """One bound on ``P(any failure in N generations)``.

    ``side`` is ``"lower"`` or ``"upper"``; ``value`` is exact (a Fraction) for the
    closed forms and a float for the LP.
    """

    name: str
    side: str
    value: Fraction | float

    @property
    def label(self) -> str:
        return LABELS[self.name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "side": self.side,
            "union": float(self.value),
            "survival": float(1 - self.value),
        }


def boole(s1: Fraction) -> UnionBound:
    r"""Boole's inequality ``P(u F_i) <= min(1, S_1)`` (sharp given marginals: disjoint events)."""
    return UnionBound("boole", "upper", min(Fraction(1), s1))


def frechet_lower(marginals: Sequence[Fraction]) -> UnionBound:
    r"""``P(u F_i) >= max_i P(F_i)`` (sharp given marginals: nested events)."""
    return UnionBound("frechet", "lower", max(marginals))


def bonferroni(s1: Fraction, s2: Fraction) -> UnionBound:
    r"""Bonferroni's second inequality ``P(u F_i) >= S_1 - S_2``."""
    return UnionBound("bonferroni", "lower", s1 - s2)


def kounias(s1: Fraction, largest_row: Fraction) -> UnionBound:
    r"""Kounias (1968): ``P(u F_i) <= S_1 - max_j sum_{i != j} P(F_i n F_j)``."""
    return UnionBound("kounias", "upper", min(Fraction(1), s1 - largest_row))


def hunter_worsley(s1: Fraction, tree_weight: Fraction) -> UnionBound:
    r"""Hunter (1976) / Worsley (1982): ``P(u F_i) <= S_1 - sum_{(i,j) in T} P(F_i n F_j)``.

    Valid for every spanning tree ``T`` of the complete graph; the maximum
    spanning tree gives the best such bound.
    """
    return UnionBound("hunter-worsley", "upper", min(Fraction(1), s1 - tree_weight))


def dawson_sankoff(s1: Fraction, s2: Fraction) -> UnionBound:
    r"""Dawson & Sankoff (1967): ``P(u F_i) >= 2 S_1/(k+1) - 2 S_2/(k(k+1))``, ``k = 1 + floor(2 S_2/S_1)``.

    Sharp given ``(S_1, S_2)``: it equals the binomial-moment LP minimum.
    """
    if s1 == 0:
        return UnionBound("dawson-sankoff", "lower", Fraction(0))
    k = 1 + math.floor(2 * s2 / s1)
    return UnionBound("dawson-sankoff", "lower", 2 * s1 / (k + 1) - 2 * s2 / (k * (k + 1)))


def kwerel(s1: Fraction, s2: Fraction, count: int) -> UnionBound:
    r"""Kwerel (1975), Sathe, Pradhan & Shah (1980): ``P(u F_i) <= min(1, S_1 - 2 S_2 / N)``.

    Sharp given ``(S_1, S_2)``: it equals the binomial-moment LP maximum.
    """
    return UnionBound("kwerel", "upper", min(Fraction(1), s1 - 2 * s2 / count))


def pairwise_joint(epsilon: Any, rho: Any) -> Fraction:
    r"""``P(F_i n F_j) = eps**2 + rho eps (1 - eps)`` for identical marginals with correlation ``rho``."""
    rate, correlation = probability(epsilon, "epsilon"), exact(rho, "rho")
    return rate * rate + correlation * rate * (1 - rate)
