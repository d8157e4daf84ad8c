r"""Budget intervals ``[guaranteed, possible]`` under any dependence with given marginals (and pairwise rho).

Re-exported by :mod:`bounds.marginal.dependence`; see :func:`dependence_free_budget`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath

from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError
from bounds.marginal.union_bounds import LABELS, pairwise_joint
from bounds.numeric.parse import decimal_digits, exact, format_number, probability
from bounds.numeric.parse import threshold as as_threshold

__all__ = ["BudgetInterval", "dependence_free_budget"]


@dataclass(frozen=True)
class BudgetInterval(Displayed):
    """Budgets under every dependence consistent with the inputs: ``guaranteed <= N* <= possible``.

    ``None`` means unbounded. ``guaranteed`` is proved for every consistent
    model (``S(guaranteed) >= T``); no consistent model has a budget above
    ``possible``. Both are exact (closed forms in rational arithmetic).
    """

    guaranteed: int | None
    possible: int | None
    threshold: Fraction
    epsilon: Fraction
    rho: Fraction | None
    guaranteed_bound: str
    possible_bound: str

    def contains(self, budget: int | None) -> bool:
        """Whether a model's budget (``None`` = unbounded) lies in ``[guaranteed, possible]``."""
        low, high, value = (math.inf if x is None else x for x in (self.guaranteed, self.possible, budget))
        return low <= value <= high

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": "any dependence",
            "epsilon": float(self.epsilon),
            "rho": None if self.rho is None else float(self.rho),
            "threshold": float(self.threshold),
            "budget": self.guaranteed,
            "unbounded": self.guaranteed is None,
            "guaranteed": self.guaranteed,
            "possible": self.possible,
            "possible_unbounded": self.possible is None,
            "guaranteed_bound": LABELS[self.guaranteed_bound],
            "possible_bound": LABELS[self.possible_bound],
            "certified": True,
            "certificate": "exact",
        }

    def __str__(self) -> str:
        def show(value: int | None) -> str:
            return "unbounded" if value is None else str(value)

        return f"budget in [{show(self.guaranteed)}, {show(self.possible)}] under any consistent dependence"


def _first_crossing(epsilon: Fraction, joint: Fraction, level: Fraction, k: int) -> int | None:
    """Smallest ``N >= 1`` with ``2 N eps/(k+1) - N (N-1) p2/(k (k+1)) > level``, or ``None``."""

    def exceeds(n: int) -> bool:
        return 2 * k * epsilon * n - joint * n * (n - 1) - level * k * (k + 1) > 0

    linear = 2 * k * epsilon + joint
    discriminant = linear * linear - 4 * joint * level * k * (k + 1)
    if discriminant <= 0:
        return None
    digits = 40 + decimal_digits(discriminant.denominator) + decimal_digits(k)  # no str(): 4300-digit limit
    with mpmath.workdps(digits):
        root = (
            mpmath.mpf(linear.numerator) / linear.denominator
            - mpmath.sqrt(mpmath.mpf(discriminant.numerator) / discriminant.denominator)
        ) / (2 * mpmath.mpf(joint.numerator) / joint.denominator)
        vertex = linear / (2 * joint)
        candidate = max(1, int(mpmath.floor(root)) + 1)
    while candidate > 1 and exceeds(candidate - 1):
        candidate -= 1
    while not exceeds(candidate):
        candidate += 1
        if candidate > vertex + 1:
            return None
    return candidate


def dependence_free_budget(
    epsilon: Any, threshold: Any, rho: Any = None, max_steps: int = 100_000
) -> BudgetInterval:
    r"""The budget interval ``[guaranteed, possible]`` under any dependence with marginal rate ``epsilon``.

    Parameters
    ----------
    epsilon : number
        Marginal failure probability of every generation.
    threshold : number
        ``T`` in ``(0, 1]``.
    rho : number, optional
        Common pairwise correlation of the failure indicators, in ``[0, 1]``.

    Notes
    -----
    Marginals only: ``guaranteed = floor((1-T)/eps)`` (Boole; attained by disjoint
    failure events), ``possible`` is unbounded when ``1 - eps >= T`` (one shared
    failure event) and 0 otherwise. With ``rho``, ``p2 = eps**2 + rho eps(1-eps)``:
    the guaranteed budget is the largest ``N`` with Kwerel's
    ``N eps - (N-1) p2 <= 1 - T``, that is ``floor((1 - T - p2)/(eps - p2))``;
    ``possible`` is one less than the first ``N`` at which Dawson-Sankoff's
    ``max_k [2 N eps/(k+1) - N(N-1) p2/(k(k+1))]`` exceeds ``1 - T``, and it is
    unbounded when ``1 - T >= eps**2/p2`` (a lineage that is flawed with
    probability ``eps**2/p2`` and then fails at rate ``p2/eps`` has these
    moments and survives with probability ``1 - eps**2/p2`` forever). A common
    *negative* correlation cannot persist over unboundedly many generations, so
    ``rho`` must be ``>= 0`` here.

    Examples
    --------
    >>> dependence_free_budget("0.001", "0.605").guaranteed
    395
    >>> result = dependence_free_budget("0.001", "0.605", rho=0)
    >>> result.guaranteed, result.possible
    (395, 541)
    """
    rate, target = probability(epsilon, "epsilon"), as_threshold(threshold)
    level = 1 - target
    guaranteed: int | None
    if rho is None:
        guaranteed = None if rate == 0 else math.floor(level / rate)
        possible = None if 1 - rate >= target else 0
        return BudgetInterval(guaranteed, possible, target, rate, None, "boole", "frechet")
    correlation = exact(rho, "rho")
    if not 0 <= correlation <= 1:
        raise ParameterError(
            "rho",
            "in [0, 1] for a budget (a common negative pairwise correlation is infeasible beyond "
            "about 1/|rho| generations)",
            rho,
        )
    if rate in (0, 1):
        value = None if rate == 0 else 0
        return BudgetInterval(value, value, target, rate, correlation, "kwerel", "dawson-sankoff")
    joint = pairwise_joint(rate, correlation)
    if rate > level:
        guaranteed = 0
    elif joint == rate:
        guaranteed = None
    else:
        guaranteed = math.floor((level - joint) / (rate - joint))
    if level >= rate * rate / joint:
        return BudgetInterval(guaranteed, None, target, rate, correlation, "kwerel", "dawson-sankoff")
    best: int | None = None
    k = 1
    # g_k(N) <= 2 N eps/(k+1), so terms with (1-T)(k+1) >= 2 eps best cannot cross earlier
    while best is None or (best > 1 and level * (k + 1) < 2 * rate * best):
        if k > max_steps:
            raise BoundsError(
                f"the possible budget needs more than {max_steps} Dawson-Sankoff terms "
                f"(T = {format_number(target)} is too close to 1 - eps**2/p2); raise max_steps"
            )
        crossing = _first_crossing(rate, joint, level, k)
        if crossing is not None and (best is None or crossing < best):
            best = crossing
        k += 1
    return BudgetInterval(guaranteed, best - 1, target, rate, correlation, "kwerel", "dawson-sankoff")
