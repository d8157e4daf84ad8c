r"""Dependence-free intervals: what survival can be under *any* dependence consistent with what is known.

With ``F_i`` the failure event at generation ``i``, survival is
``S(N) = 1 - P(F_1 u ... u F_N)``, and classical inequalities bound the union
from the binomial moments

.. math:: S_1 = \sum_i P(F_i), \qquad S_2 = \sum_{i<j} P(F_i \cap F_j).

Knowing only the marginals gives the Frechet/Boole interval; knowing the
pairwise intersections (as a matrix, or through a common pairwise correlation
``rho`` with ``P(F_i n F_j) = eps**2 + rho eps (1 - eps)``) narrows it. Every
bound here is computed in exact rational arithmetic, except the binomial-moment
linear programme (HiGHS, float64), which is reported as a cross-check and only
named as an endpoint when it is strictly sharper.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError
from bounds.marginal.dependence_budget import BudgetInterval, dependence_free_budget
from bounds.marginal.union_bounds import (
    LABELS,
    UnionBound,
    bonferroni,
    boole,
    dawson_sankoff,
    frechet_lower,
    hunter_worsley,
    kounias,
    kwerel,
    pairwise_joint,
)
from bounds.numeric.parse import exact, format_number, json_float, probability
from bounds.numeric.parse import generations as as_generations

__all__ = [
    "BudgetInterval",
    "SurvivalInterval",
    "UnionBound",
    "binomial_moments",
    "bonferroni",
    "boole",
    "dawson_sankoff",
    "dependence_free",
    "dependence_free_budget",
    "frechet_lower",
    "hunter_worsley",
    "kounias",
    "kwerel",
    "lp_union_bounds",
    "pairwise_joint",
    "rho_range",
]

#: The binomial-moment LP is run automatically up to this many generations.
LP_AUTO_GENERATIONS = 2_000
#: and on request up to this many (one variable per possible failure count).
LP_MAX_GENERATIONS = 200_000
#: Numerical slack below which the LP is not credited with improving on an exact bound.
LP_TOLERANCE = 1e-9

#: On ties the first name in these orders is reported (closed forms before the float LP).
_LOWER_ORDER = ("dawson-sankoff", "bonferroni", "frechet", "lp")
_UPPER_ORDER = ("kwerel", "hunter-worsley", "kounias", "boole", "lp")


def lp_union_bounds(moments: Sequence[Any], count: int) -> tuple[float, float]:
    r"""Sharp bounds on ``P(u F_i)`` from binomial moments ``S_1..S_m`` by linear programming.

    The variables are the distribution ``p_0..p_N`` of the number of failures
    among the ``N`` generations; the constraints are
    ``sum_k C(k, j) p_k = S_j`` (row ``j`` scaled by ``1/C(N, j)``) and the
    objective is ``1 - p_0`` (Prekopa 1988). Solved with HiGHS's interior-point
    method with crossover (``method="highs-ipm"``), which is about four times faster
    than its simplex on these three-row, ``N + 1``-column programmes.

    Examples
    --------
    >>> low, high = lp_union_bounds(["0.5", "6.3560125"], 500)
    >>> round(low, 9), round(high, 9)   # Dawson-Sankoff and Kwerel
    (0.018928739, 0.47457595)
    """
    from scipy.optimize import linprog

    count = as_generations(count, "generations")
    if not 1 <= count <= LP_MAX_GENERATIONS:
        raise ParameterError("generations", f"between 1 and {LP_MAX_GENERATIONS} for the LP", count)
    values = [exact(moment, f"S{j + 1}") for j, moment in enumerate(moments)]
    if not values:
        raise ParameterError("moments", "at least S1", moments)
    ks = np.arange(count + 1, dtype=np.float64)
    rows = [np.ones(count + 1)]
    targets = [1.0]
    for order, moment in enumerate(values, start=1):
        if order > count:  # no failure count on {0..N} has C(k, order) > 0
            if moment != 0:
                raise BoundsError(f"S{order} = {format_number(moment)} is impossible for {count} generations")
            continue
        scale = math.comb(count, order)
        coefficients = np.ones(count + 1)
        for step in range(order):  # C(k, order)/C(N, order) as a product of ratios, never overflowing
            coefficients *= np.maximum(ks - step, 0) / (count - step)
        rows.append(coefficients)
        targets.append(float(moment / scale))
    a_eq, b_eq = np.vstack(rows), np.array(targets)
    objective = np.zeros(count + 1)
    objective[0] = 1.0  # P(union) = 1 - p_0: minimise/maximise p_0
    results = []
    for sign in (1.0, -1.0):
        solved = linprog(sign * objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs-ipm")
        if solved.status == 2:
            shown = ", ".join(f"S{j + 1} = {format_number(v)}" for j, v in enumerate(values))
            raise BoundsError(
                f"the binomial moments {shown} are inconsistent: no distribution of the number of "
                f"failures among {count} generations has them"
            )
        if solved.status != 0:
            raise BoundsError(f"the binomial-moment LP failed: {solved.message}")
        results.append(solved.x[0])
    high_p0, low_p0 = results  # minimising p_0 maximises the union
    return float(min(1.0, max(0.0, 1 - low_p0))), float(min(1.0, max(0.0, 1 - high_p0)))


def rho_range(epsilon: Any, generations: Any) -> tuple[Fraction, Fraction]:
    r"""The common pairwise correlations that some joint law of ``N`` events with marginal ``eps`` has.

    The failure count ``X`` has mean ``N eps`` and variance
    ``N eps (1-eps) (1 + (N-1) rho)``; a distribution on ``{0..N}`` with that mean
    exists iff the variance lies in ``[f(1-f), (N eps)(N - N eps)]`` with
    ``f = frac(N eps)`` (symmetrising it gives exchangeable events), so
    ``rho_min = (f(1-f)/(N eps (1-eps)) - 1)/(N - 1)`` and ``rho_max = 1``.

    Examples
    --------
    >>> rho_range("0.5", 2)
    (Fraction(-1, 1), Fraction(1, 1))
    >>> rho_range("0.001", 500)   # half a failure expected: at most one failure, never two
    (Fraction(-1, 999), Fraction(1, 1))
    """
    rate, count = probability(epsilon, "epsilon"), as_generations(generations, "generations")
    if count < 2 or rate in (0, 1):
        return Fraction(-1), Fraction(1)
    mean = count * rate
    fraction = mean - math.floor(mean)
    variance = count * rate * (1 - rate)
    return (fraction * (1 - fraction) / variance - 1) / (count - 1), Fraction(1)


def _check_rho(rate: Fraction, rho: Any, count: int) -> Fraction:
    correlation = exact(rho, "rho")
    low, high = rho_range(rate, count)
    if not low <= correlation <= high:
        raise ParameterError(
            "rho",
            f"in [{format_number(low, 12)}, 1] for epsilon = {format_number(rate)} and "
            f"N = {count} generations (no joint law of the failures has a smaller common correlation)",
            rho,
        )
    return correlation


def binomial_moments(epsilon: Any, generations: Any, rho: Any = None) -> tuple[Fraction, Fraction | None]:
    """``(S1, S2)`` for ``N`` generations with identical marginals (``S2`` is ``None`` without ``rho``).

    Examples
    --------
    >>> binomial_moments("0.001", 500, "0.05")
    (Fraction(1, 2), Fraction(508481, 80000))
    """
    rate, count = probability(epsilon, "epsilon"), as_generations(generations, "generations")
    s1 = count * rate
    if rho is None:
        return s1, None
    correlation = _check_rho(rate, rho, count)
    return s1, Fraction(count * (count - 1), 2) * pairwise_joint(rate, correlation)


@dataclass(frozen=True)
class SurvivalInterval(Displayed):
    """The interval ``[lower, upper]`` holding ``S(N)`` under every dependence consistent with the inputs.

    ``lower_bound`` and ``upper_bound`` name the inequality attaining each end
    (a bound on the union's upper side gives survival's lower end). ``bounds``
    lists every bound computed, so that users can see which were weaker.
    """

    generations: int
    lower: Fraction | float
    upper: Fraction | float
    lower_bound: str
    upper_bound: str
    s1: Fraction
    s2: Fraction | None
    bounds: tuple[UnionBound, ...] = field(repr=False)
    epsilon: Fraction | None = None
    rho: Fraction | None = None

    @property
    def survival_lower(self) -> float:
        return float(self.lower)

    @property
    def survival_upper(self) -> float:
        return float(self.upper)

    def contains(self, survival: float, tolerance: float = 0.0) -> bool:
        """Whether ``survival`` lies in the interval (widened by ``tolerance``)."""
        return self.survival_lower - tolerance <= survival <= self.survival_upper + tolerance

    def to_dict(self) -> dict[str, Any]:
        return {
            "generations": self.generations,
            "epsilon": None if self.epsilon is None else json_float(self.epsilon),
            "rho": None if self.rho is None else json_float(self.rho),
            "S1": json_float(self.s1),
            "S2": None if self.s2 is None else json_float(self.s2),
            "survival_lower": self.survival_lower,
            "survival_upper": self.survival_upper,
            "survival_lower_bound": LABELS[self.lower_bound],
            "survival_upper_bound": LABELS[self.upper_bound],
            "survival_lower_exact": str(self.lower) if isinstance(self.lower, Fraction) else None,
            "survival_upper_exact": str(self.upper) if isinstance(self.upper, Fraction) else None,
            "bounds": [bound.to_dict() for bound in self.bounds],
        }

    def __str__(self) -> str:
        return (
            f"S({self.generations}) in [{format_number(self.lower, 12)}, {format_number(self.upper, 12)}]"
            f"  (lower: {LABELS[self.lower_bound]}; upper: {LABELS[self.upper_bound]})"
        )


def _pick(bounds: list[UnionBound], side: str) -> UnionBound:
    candidates = [bound for bound in bounds if bound.side == side]
    order = _LOWER_ORDER if side == "lower" else _UPPER_ORDER
    exact_ones = [bound for bound in candidates if bound.name != "lp"]
    best = (
        max(exact_ones, key=lambda b: b.value) if side == "lower" else min(exact_ones, key=lambda b: b.value)
    )
    ties = [bound for bound in exact_ones if bound.value == best.value]
    best = min(ties, key=lambda bound: order.index(bound.name))
    for bound in candidates:
        if bound.name == "lp":
            better = bound.value - float(best.value) if side == "lower" else float(best.value) - bound.value
            if better > LP_TOLERANCE:
                best = bound
    return best


def _pairwise_matrix(pairwise: Any, epsilon: Any, count: int | None) -> list[list[Fraction]]:
    rows = pairwise.tolist() if isinstance(pairwise, np.ndarray) else pairwise
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, (list, tuple)) for r in rows):
        raise ParameterError(
            "pairwise", "a square matrix (list of rows) of joint failure probabilities", pairwise
        )
    size = len(rows)
    if any(len(row) != size for row in rows):
        raise ParameterError(
            "pairwise", f"a square matrix; got rows of lengths {[len(r) for r in rows]}", "..."
        )
    if count is not None and size != count:
        raise ParameterError(
            "pairwise", f"a {count} x {count} matrix (one row per generation)", f"{size} x {size}"
        )
    matrix = [
        [probability(value, f"pairwise[{i}][{j}]") for j, value in enumerate(row)]
        for i, row in enumerate(rows)
    ]
    marginals = [matrix[i][i] for i in range(size)]
    if epsilon is not None:
        rate = probability(epsilon, "epsilon")
        if any(value != rate for value in marginals):
            raise ParameterError(
                "pairwise", f"a matrix whose diagonal is epsilon = {format_number(rate)}", "diagonal differs"
            )
    for i in range(size):
        for j in range(i + 1, size):
            if matrix[i][j] != matrix[j][i]:
                raise ParameterError(
                    f"pairwise[{i}][{j}]", f"equal to pairwise[{j}][{i}] (symmetric)", str(matrix[i][j])
                )
            low = max(Fraction(0), marginals[i] + marginals[j] - 1)
            high = min(marginals[i], marginals[j])
            if not low <= matrix[i][j] <= high:
                raise ParameterError(
                    f"pairwise[{i}][{j}]",
                    f"in [{format_number(low)}, {format_number(high)}] (Frechet bounds of the two marginals)",
                    format_number(matrix[i][j]),
                )
    return matrix


def _maximum_spanning_tree_weight(matrix: list[list[Fraction]]) -> Fraction:
    from scipy.sparse.csgraph import minimum_spanning_tree

    size = len(matrix)
    weights = np.zeros((size, size))
    for i in range(size):
        for j in range(i + 1, size):
            weights[i, j] = -float(matrix[i][j])  # scipy finds a minimum tree: negate
    tree = minimum_spanning_tree(weights).tocoo()
    # the tree's exact weight: any spanning tree (or forest) gives a valid Hunter-Worsley bound
    return sum((matrix[min(i, j)][max(i, j)] for i, j in zip(tree.row, tree.col, strict=True)), Fraction(0))


def dependence_free(
    epsilon: Any = None,
    generations: Any = None,
    *,
    rho: Any = None,
    pairwise: Any = None,
    lp: bool | None = None,
) -> SurvivalInterval:
    r"""Interval on ``S(N)`` valid under every dependence consistent with the given information.

    Parameters
    ----------
    epsilon : number or sequence
        The marginal failure probability ``P(F_i)`` of each generation (one
        number for identical marginals, or one per generation).
    generations : int
        ``N`` (implied by a sequence of marginals or a pairwise matrix).
    rho : number, optional
        Common pairwise correlation of the failure indicators, so that
        ``P(F_i n F_j) = eps**2 + rho eps (1 - eps)``; must be feasible for ``eps`` and ``N``
        (see :func:`rho_range`).
    pairwise : square matrix, optional
        ``P(F_i n F_j)`` for every pair, with the marginals on the diagonal.
    lp : bool, optional
        Also solve the binomial-moment LP (default: when ``N <= 2000``).

    Returns
    -------
    SurvivalInterval

    Notes
    -----
    Marginals only: ``max(0, 1 - S_1) <= S(N) <= 1 - max_i eps_i`` (Frechet;
    both ends attained). With pairwise information the lower end is
    ``1 - min(Kwerel, Hunter-Worsley, Kounias, Boole)`` and the upper end
    ``1 - max(Dawson-Sankoff, Bonferroni, Frechet)``; Dawson-Sankoff and Kwerel
    are the sharp bounds given ``(S_1, S_2)`` alone.

    References
    ----------
    - Dawson, D. A. and Sankoff, D. (1967). Proc. Amer. Math. Soc. 18, 504-507.
    - Kwerel, S. M. (1975). J. Amer. Statist. Assoc. 70, 472-479.
    - Kounias, E. G. (1968). Ann. Math. Statist. 39, 2154-2158.
    - Hunter, D. (1976). J. Appl. Probab. 13, 597-603.
    - Worsley, K. J. (1982). Biometrika 69, 297-302.
    - Prekopa, A. (1988). Ann. Oper. Res. 11, 507-526.

    Examples
    --------
    >>> interval = dependence_free("0.001", 500, rho="0.05")
    >>> interval.lower, interval.lower_bound
    (Fraction(10508481, 20000000), 'kwerel')
    >>> round(interval.survival_upper, 9), interval.upper_bound
    (0.981071261, 'dawson-sankoff')
    >>> print(dependence_free("0.001", 500))
    S(500) in [0.5, 0.999]  (lower: Boole / Frechet (S1); upper: Frechet (largest marginal))
    """
    if pairwise is not None and rho is not None:
        raise ParameterError("rho and pairwise", "given one at a time", (rho, "matrix"))
    count = None if generations is None else as_generations(generations, "generations")
    rate: Fraction | None = None
    correlation: Fraction | None = None
    if pairwise is not None:
        matrix = _pairwise_matrix(pairwise, epsilon, count)
        count = len(matrix)
        marginals = [matrix[i][i] for i in range(count)]
        s1 = sum(marginals, Fraction(0))
        s2: Fraction | None = sum(
            (matrix[i][j] for i in range(count) for j in range(i + 1, count)), Fraction(0)
        )
        largest_row = max(
            sum((matrix[i][j] for i in range(count) if i != j), Fraction(0)) for j in range(count)
        )
        tree = _maximum_spanning_tree_weight(matrix)
        if len(set(marginals)) == 1:
            rate = marginals[0]
    elif isinstance(epsilon, (list, tuple, np.ndarray)):
        if rho is not None:
            raise ParameterError(
                "rho", "used with one common marginal epsilon (give a pairwise matrix instead)", rho
            )
        items = list(np.asarray(epsilon, dtype=object).ravel())
        marginals = [probability(value, f"epsilon[{i}]") for i, value in enumerate(items)]
        if not marginals or (count is not None and count != len(marginals)):
            raise ParameterError("epsilon", f"a list of {count} marginal rates (one per generation)", epsilon)
        count, s1, s2 = len(marginals), sum(marginals, Fraction(0)), None
    else:
        if count is None:
            raise ParameterError("generations", "given with a single marginal epsilon", None)
        rate = probability(epsilon, "epsilon")
        s1, s2 = binomial_moments(rate, count, rho)
        correlation = None if rho is None else exact(rho, "rho")
        marginals = [rate]
        if s2 is not None:
            joint = pairwise_joint(rate, correlation)
            largest_row = tree = (count - 1) * joint
    if count == 0:
        return SurvivalInterval(
            0, Fraction(1), Fraction(1), "frechet", "boole", Fraction(0), None, (), rate, correlation
        )
    bounds = [frechet_lower(marginals), boole(s1)]
    if s2 is not None:
        bounds += [
            bonferroni(s1, s2),
            dawson_sankoff(s1, s2),
            kounias(s1, largest_row),
            hunter_worsley(s1, tree),
            kwerel(s1, s2, count),
        ]
        if lp or (lp is None and count <= LP_AUTO_GENERATIONS):
            low, high = lp_union_bounds([s1, s2], count)
            bounds += [UnionBound("lp", "lower", low), UnionBound("lp", "upper", high)]
    union_low, union_high = _pick(bounds, "lower"), _pick(bounds, "upper")
    if union_low.value > union_high.value:
        raise BoundsError(
            f"the pairwise information is inconsistent: {union_low.label} gives P(any failure) >= "
            f"{format_number(union_low.value)} > {format_number(union_high.value)} from {union_high.label}"
        )
    return SurvivalInterval(
        count,
        1 - union_high.value,
        1 - union_low.value,
        union_high.name,
        union_low.name,
        s1,
        s2,
        tuple(bounds),
        rate,
        correlation,
    )
