r"""A persistent unsafe floor under any schedule: what safety work cannot remove.

The Defense Trilemma (Bhatt et al., arXiv:2604.06436) leaves a region of
positive measure unsafe after any continuous, utility-preserving defense. Over
generations that floor changes the shape of the answer: a schedule whose rates
fall fast enough has ``S(infinity) > 0`` and may have an *unbounded* budget, but
with a floor ``delta > 0`` every budget is finite and at most
:math:`\lfloor \ln T / \ln(1 - \delta) \rfloor`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import mpmath
import numpy as np
import sympy

from bounds.errors import BoundsError, CertificationError, ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.independent import Independent
from bounds.models.registry import Spec, model_from_spec, register
from bounds.models.trends import floored_equivalent, rate_trend
from bounds.numeric.parse import format_number, positive, probability, to_mpf

__all__ = ["PersistentUnsafe", "floored_equivalent", "rate_trend"]

#: Largest number of generations summed term by term in float64 (about a second of work).
FLOAT_DIRECT_LIMIT = 2**26
#: Largest number of generations multiplied term by term in mpmath (certification path).
MP_DIRECT_LIMIT = 200_000
#: Largest number of factors in an exact rational product.
EXACT_DIRECT_LIMIT = 2_000
_EXACT_BITS = 200_000
_CHUNK = 2**20
_COMPARE_DPS = 60
_MAX_SIMULATED_GENERATIONS = 10_000_000
_REQUIRED = ("rate", "rate_mp", "rate_exact", "log_survival", "survival_mp")


def _partial_sums(points: np.ndarray, terms: Any, what: str) -> np.ndarray:
    """``sum(terms(i) for i in 1..p)`` for every ``p`` in ``points`` (float64, chunked, O(max p))."""
    top = int(points.max()) if points.size else 0
    if top > FLOAT_DIRECT_LIMIT:
        raise BoundsError(
            f"{what}: summing {top} generations term by term exceeds the limit of {FLOAT_DIRECT_LIMIT}; "
            "a base whose rates are monotone (rate_trend) is evaluated in O(log N) instead"
        )
    out = np.zeros(points.shape, dtype=np.float64)
    total, start = 0.0, 1
    while start <= top:
        stop = min(top, start + _CHUNK - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            sums = np.cumsum(terms(np.arange(start, stop + 1, dtype=np.float64))) + total
        inside = (points >= start) & (points <= stop)
        out[inside] = sums[(points[inside] - start).astype(np.int64)]
        total, start = float(sums[-1]), stop + 1
    return out


def _one_minus_rate(expr: sympy.Expr, n: sympy.Symbol, i: sympy.Symbol) -> sympy.Expr:
    """``1 - epsilon_i`` of a base with survival ``expr(n)``: the factor ``S(i) / S(i - 1)``."""
    if isinstance(expr, sympy.Product) and len(expr.limits) == 1:
        index, low, high = expr.limits[0]
        if low == 1 and high == n:
            return expr.function.subs(index, i)  # a product's factor, not a ratio of products
    return expr.subs(n, i) / expr.subs(n, i - 1)


@register("persistent-unsafe")
@dataclass(frozen=True, repr=False)
class PersistentUnsafe(SurvivalModel):
    r"""A schedule with a persistent unsafe mass ``delta`` that no defense removes.

    Parameters
    ----------
    base : schedule-like model
        Any model with the rate interface ``rate(i)``, ``rate_mp(i, dps)``,
        ``rate_exact(i)`` (``Independent``, the schedule models, or another
        ``PersistentUnsafe``).
    mass : number
        The floor :math:`\delta_1` in ``[0, 1]`` (for example a trilemma cone
        mass from :func:`bounds.geometry.cone.cone_mass`).
    mode : {"floor", "additive"}
        ``"floor"``: :math:`\varepsilon_i' = \max(\varepsilon_i, \delta_i)`, the
        unsafe region is one of the causes the base rate already counts;
        ``"additive"``: :math:`\varepsilon_i' = 1 - (1 - \varepsilon_i)(1 - \delta_i)`,
        an independent extra cause.
    growth : number, optional
        ``g >= 1``: the floor grows with depth, :math:`\delta_i = \min(1, \delta_1 g^{i-1})`.
        Omitted, the floor is constant.

    Notes
    -----
    .. math:: S'(N) = \prod_{i=1}^{N} (1 - \varepsilon_i'), \qquad
              S'(N) \le \prod_{i=1}^{N} (1 - \delta_i), \qquad
              N^* \le \left\lfloor \frac{\ln T}{\ln(1 - \delta)} \right\rfloor
              \text{ (constant } \delta\text{)},

    so ``S'(infinity) = 0`` whenever :math:`\delta_1 > 0` and every budget is
    finite, however fast the base improves. :meth:`cap` gives the certified cap.

    Cost. A base whose family is closed under the floor (``Independent``,
    the periodic ``TwoRate``; see :func:`floored_equivalent`) is replaced by
    that family's model with the floor folded into its rates, keeping its
    closed form. Otherwise additive mode factorises, :math:`\ln S' = \ln S_{base} + \sum \ln(1-\delta_i)`:
    O(1) for a constant floor. Floor mode uses the base's monotonicity
    (:func:`rate_trend`): for a constant or falling base rate and a
    non-decreasing floor, :math:`\varepsilon_i - \delta_i` falls, so the base
    rules generations ``1..K`` and the floor rules the rest,
    :math:`S'(N) = S_{base}(K) \prod_{i>K}(1-\delta_i)`, with ``K`` found by
    bisection in O(log N) rate comparisons (exact or at 60 digits); for a
    rising base and constant floor the order is reversed. Any other base
    (non-monotone, unknown) is summed term by term, O(N), up to
    :data:`FLOAT_DIRECT_LIMIT` generations in float64 and
    :data:`MP_DIRECT_LIMIT` in mpmath; a growing floor is also multiplied term
    by term up to the generation where it reaches 1 (after which ``S' = 0``).

    References
    ----------
    Bhatt et al., "The Defense Trilemma", arXiv:2604.06436.

    Examples
    --------
    >>> model = PersistentUnsafe(Independent(epsilon="1e-4"), mass="0.001")
    >>> model.budget("0.9").n  # the floor rules: the Independent(0.001) budget
    105
    >>> model.cap("0.9").n
    105
    >>> PersistentUnsafe(Independent(epsilon="0.01"), mass="0.001", mode="additive").rate_exact(1)
    Fraction(1099, 100000)
    >>> model.limit()
    0.0
    """

    base: Any
    mass: Any
    mode: str = "floor"
    growth: Any = None

    name = "persistent-unsafe"

    def __post_init__(self) -> None:
        missing = [attr for attr in _REQUIRED if not callable(getattr(self.base, attr, None))]
        if missing:
            raise ParameterError(
                "base", f"a schedule-like model (it lacks {', '.join(missing)})", type(self.base).__name__
            )
        object.__setattr__(self, "mass", probability(self.mass, "mass"))
        if self.mode not in ("floor", "additive"):
            raise ParameterError("mode", "'floor' or 'additive'", self.mode)
        growth = None if self.growth is None else positive(self.growth, "growth")
        if growth is not None and growth < 1:
            raise ParameterError(
                "growth", ">= 1 (a persistent floor may grow with depth, not shrink)", self.growth
            )
        object.__setattr__(self, "growth", None if growth == 1 else growth)

    @classmethod
    def from_spec(cls, spec: Spec) -> PersistentUnsafe:
        base = model_from_spec(spec.sub("base"))
        return cls(base, spec.get("mass"), spec.get("mode", "floor"), spec.get("growth", None))

    def parameters(self) -> dict[str, Any]:
        base = {f"base_{key}": value for key, value in self.base.parameters().items()}
        return {"mass": self.mass, "mode": self.mode, "growth": self.growth, "base": self.base.name, **base}

    def __repr__(self) -> str:
        growth = "" if self.growth is None else f", growth={format_number(self.growth, 12)}"
        mass = format_number(self.mass, 12)
        return f"PersistentUnsafe({self.base!r}, mass={mass}, mode={self.mode!r}{growth})"

    # -- the floor delta_i -------------------------------------------------------------------
    @cached_property
    def first_certain(self) -> int | None:
        """The first generation at which a growing floor reaches 1 (``S' = 0`` from there), or ``None``."""
        if self.mass == 1:
            return 1
        if self.growth is None or self.mass == 0:
            return None
        with mpmath.workdps(60):
            steps = mpmath.log(1 / to_mpf(self.mass)) / mpmath.log(to_mpf(self.growth))
            estimate = int(mpmath.ceil(steps))
            near_integer = abs(steps - mpmath.nint(steps)) < mpmath.mpf(10) ** -40
        if estimate * self.growth.numerator.bit_length() <= 10**6:
            # confirm exactly: the smallest j with mass * g**j >= 1, then i = j + 1
            j = max(estimate - 1, 0)
            while self.mass * self.growth**j < 1:
                j += 1
            while j > 0 and self.mass * self.growth ** (j - 1) >= 1:
                j -= 1
            return j + 1
        if near_integer:
            raise CertificationError(
                "cannot decide where the growing floor reaches 1: an exact tie is too large to check"
            )
        return estimate + 1

    def _delta_float(self, i: np.ndarray) -> np.ndarray:
        if self.growth is None or self.mass == 0:
            return np.full(np.shape(i), float(self.mass))
        with np.errstate(over="ignore"):
            value = float(self.mass) * np.exp(
                (np.asarray(i, dtype=np.float64) - 1) * math.log(float(self.growth))
            )
        return np.where(np.asarray(i) >= self.first_certain, 1.0, np.minimum(value, 1.0))

    def _delta_mp(self, i: int) -> mpmath.mpf:
        """``delta_i`` at the current mpmath precision."""
        if self.growth is None or self.mass == 0:
            return to_mpf(self.mass)
        if i >= self.first_certain:  # type: ignore[operator]
            return mpmath.mpf(1)
        return min(to_mpf(self.mass) * to_mpf(self.growth) ** (i - 1), mpmath.mpf(1))

    def _delta_exact(self, i: int) -> Fraction | None:
        if self.growth is None or self.mass == 0:
            return self.mass
        if i >= self.first_certain:  # type: ignore[operator]
            return Fraction(1)
        if (i - 1) * self.growth.denominator.bit_length() > _EXACT_BITS // 10:
            return None
        return min(self.mass * self.growth ** (i - 1), Fraction(1))

    # -- the rate interface (so that wrappers nest) ---------------------------------------------
    def rate(self, i: Any) -> Any:
        """``epsilon_i'`` as float64, vectorised over ``i >= 1``."""
        base = np.asarray(self.base.rate(i), dtype=np.float64)
        delta = self._delta_float(i)
        if self.mode == "floor":
            return np.maximum(base, delta)
        with np.errstate(divide="ignore"):
            return -np.expm1(np.log1p(-base) + np.log1p(-delta))

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps + 5):
            base, delta = self.base.rate_mp(i, dps + 5), self._delta_mp(i)
            value = max(base, delta) if self.mode == "floor" else 1 - (1 - base) * (1 - delta)
        return +value

    def rate_exact(self, i: int) -> Fraction | None:
        base, delta = self.base.rate_exact(i), self._delta_exact(i)
        if base is None or delta is None:
            return None
        return max(base, delta) if self.mode == "floor" else 1 - (1 - base) * (1 - delta)

    def rate_trend(self) -> str | None:
        """Monotone in ``i`` when the base is and the floor does not work against it."""
        trend = rate_trend(self.base)
        floor = "constant" if self.growth is None else "nondecreasing"
        if trend == "constant":
            return floor
        if trend == "nondecreasing" or (trend == "nonincreasing" and floor == "constant"):
            return trend
        return None

    # -- where the floor takes over -------------------------------------------------------------
    def _base_minus_floor(self, i: int) -> int:
        """The sign of ``epsilon_i - delta_i`` (0 for an exact tie, or agreement to 50 digits)."""
        with mpmath.workdps(_COMPARE_DPS):
            base, delta = self.base.rate_mp(i, _COMPARE_DPS), self._delta_mp(i)
            difference = base - delta
            if abs(difference) > mpmath.mpf(10) ** -50 * max(abs(base), abs(delta)):
                return 1 if difference > 0 else -1
        exact_base, exact_delta = self.base.rate_exact(i), self._delta_exact(i)
        if exact_base is not None and exact_delta is not None:
            return (exact_base > exact_delta) - (exact_base < exact_delta)
        return 0  # equal to 50 digits: either side gives the same factor to that precision

    @cached_property
    def _equivalent(self) -> Any:
        """The base's own family with the floor folded into its rates (constant floor only), or ``None``."""
        if self.growth is not None:
            return None
        return floored_equivalent(self.base, self.mass, self.mode)

    @cached_property
    def _layout_kind(self) -> str:
        if self._equivalent is not None:
            return "equivalent"
        if self.mode == "additive" or self.mass == 0:
            return "factorised"
        trend = rate_trend(self.base)
        if trend in ("constant", "nonincreasing"):
            return "base-then-floor"
        if trend == "nondecreasing" and self.growth is None:
            return "floor-then-base"
        return "direct"

    def _switch(self, top: int) -> int:
        """``K``: the leading generations ``1..K`` (capped at ``top``) are ruled by the first part."""
        if self._layout_kind == "base-then-floor":

            def leads(i: int) -> bool:
                return self._base_minus_floor(i) > 0
        else:

            def leads(i: int) -> bool:
                return self._base_minus_floor(i) < 0

        state = self.__dict__.setdefault("_switch_state", {"known": 0, "first_false": None})
        if state["first_false"] is not None:
            return min(state["first_false"] - 1, top)
        good = state["known"]
        if top <= good:
            return top
        step = 1
        while True:
            probe = min(good + step, top)
            if leads(probe):
                good = probe
                state["known"] = good
                if probe == top:
                    return top
                step *= 2
                continue
            bad = probe
            while bad - good > 1:
                middle = (good + bad) // 2
                if leads(middle):
                    good = middle
                else:
                    bad = middle
            state["known"], state["first_false"] = good, bad
            return good

    # -- float path ------------------------------------------------------------------------------
    def _base_log(self, n: np.ndarray) -> np.ndarray:
        return np.asarray(self.base.log_survival(np.asarray(n, dtype=np.float64)), dtype=np.float64)

    def _floor_log(self, start: np.ndarray | float, n: np.ndarray) -> np.ndarray:
        r""":math:`\sum_{start < i \le n} \ln(1 - \delta_i)` (zero where ``n <= start``)."""
        n = np.asarray(n, dtype=np.float64)
        start = np.broadcast_to(np.asarray(start, dtype=np.float64), n.shape)
        if self.growth is None or self.mass == 0:
            rate = np.log1p(-float(self.mass)) if self.mass < 1 else -np.inf
            with np.errstate(invalid="ignore"):
                return np.where(n > start, (n - start) * rate, 0.0)
        certain = float(self.first_certain)  # type: ignore[arg-type]
        points = np.unique(np.concatenate([n.ravel(), start.ravel()]))
        finite = points[points < certain]
        sums = _partial_sums(finite, lambda i: np.log1p(-self._delta_float(i)), "growing floor")
        table = dict(zip(finite.tolist(), sums.tolist(), strict=True))

        def cumulative(values: np.ndarray) -> np.ndarray:
            return np.array([table[v] if v < certain else -np.inf for v in values.ravel().tolist()]).reshape(
                values.shape
            )

        with np.errstate(invalid="ignore"):
            return np.where(n > start, cumulative(n) - cumulative(start), 0.0)

    def _direct_log(self, n: np.ndarray) -> np.ndarray:
        points = np.unique(n.ravel())
        if self.first_certain is not None:
            points = points[points < self.first_certain]
        sums = _partial_sums(points, lambda i: np.log1p(-self.rate(i)), repr(self))
        table = dict(zip(points.tolist(), sums.tolist(), strict=True))
        return np.array([table.get(value, -np.inf) for value in n.ravel().tolist()]).reshape(n.shape)

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        if self._equivalent is not None:
            return np.asarray(self._equivalent.log_survival(n), dtype=np.float64)
        if self.mass == 0:
            return self._base_log(n)
        top = int(n.max())
        kind = self._layout_kind
        with np.errstate(invalid="ignore"):
            if kind == "factorised":
                value = self._base_log(n) + self._floor_log(0.0, n)
            elif kind == "direct":
                value = self._direct_log(n)
            else:
                switch = float(self._switch(top))
                lead = np.minimum(n, switch)
                if kind == "base-then-floor":
                    value = self._base_log(lead) + self._floor_log(switch, n)
                else:
                    tail = np.where(
                        n > switch, self._base_log(n) - self._base_log(np.full(n.shape, switch)), 0.0
                    )
                    value = self._floor_log(0.0, lead) + tail
        return np.where(n == 0, 0.0, value)

    # -- high precision --------------------------------------------------------------------------
    def _base_mp(self, n: int, dps: int) -> mpmath.mpf:
        return mpmath.mpf(1) if n == 0 else self.base.survival_mp(n, dps)

    def _floor_mp(self, start: int, n: int, dps: int) -> mpmath.mpf:
        r""":math:`\prod_{start < i \le n} (1 - \delta_i)` at the current precision (``dps`` digits)."""
        if n <= start:
            return mpmath.mpf(1)
        if self.growth is None or self.mass == 0:
            if self.mass == 1:
                return mpmath.mpf(0)
            return mpmath.exp((n - start) * mpmath.log1p(-to_mpf(self.mass)))
        if n >= self.first_certain:  # type: ignore[operator]
            return mpmath.mpf(0)
        if n - start > MP_DIRECT_LIMIT:
            raise BoundsError(
                f"{self!r}: the growing floor over {n - start} generations exceeds {MP_DIRECT_LIMIT}"
            )
        growth, delta = to_mpf(self.growth), self._delta_mp(start + 1)
        product = mpmath.mpf(1)
        for _ in range(n - start):
            product *= 1 - delta
            delta *= growth
        return product

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        n = int(n)
        if n == 0:
            return mpmath.mpf(1)
        if self._equivalent is not None:
            return self._equivalent.survival_mp(n, dps)
        if self.mass == 0:
            return self.base.survival_mp(n, dps)
        work = dps + 10 + len(str(n))
        kind = self._layout_kind
        with mpmath.workdps(work):
            if kind == "factorised":
                value = self._base_mp(n, work) * self._floor_mp(0, n, work)
            elif kind == "base-then-floor":
                switch = self._switch(n)
                value = self._base_mp(min(n, switch), work) * self._floor_mp(switch, n, work)
            elif kind == "floor-then-base":
                switch = self._switch(n)
                value = self._floor_mp(0, min(n, switch), work)
                if n > switch:
                    value *= self._base_mp(n, work) / self._base_mp(switch, work)
            else:
                if n > MP_DIRECT_LIMIT:
                    raise BoundsError(
                        f"{self!r}: S({n}) needs {n} rate evaluations in high precision (limit "
                        f"{MP_DIRECT_LIMIT}); give the base a rate_trend to use the O(log N) method"
                    )
                value = mpmath.mpf(1)
                for i in range(1, n + 1):
                    value *= 1 - max(self.base.rate_mp(i, work), self._delta_mp(i))
        return +value

    def survival_exact(self, n: int) -> Fraction | None:
        n = int(n)
        if n == 0:
            return Fraction(1)
        exact_base = getattr(self.base, "survival_exact", None)

        def base(m: int) -> Fraction | None:
            return Fraction(1) if m == 0 else (exact_base(m) if exact_base is not None else None)

        if self._equivalent is not None:
            return self._equivalent.survival_exact(n)
        if self.mass == 0:
            return base(n)
        kind = self._layout_kind
        if kind == "direct":
            if n > EXACT_DIRECT_LIMIT:
                return None
            value = Fraction(1)
            for i in range(1, n + 1):
                rate = self.rate_exact(i)
                if rate is None:
                    return None
                value *= 1 - rate
            return value
        if kind == "factorised":
            parts = [base(n), self._floor_exact(0, n)]
        elif kind == "base-then-floor":
            switch = self._switch(n)
            parts = [base(min(n, switch)), self._floor_exact(switch, n)]
        else:
            switch = self._switch(n)
            lead, tail, head = self._floor_exact(0, min(n, switch)), base(n), base(min(n, switch))
            if lead is None or tail is None or not head:
                return None
            return lead * tail / head
        if parts[0] is None or parts[1] is None:
            return None
        return parts[0] * parts[1]

    def _floor_exact(self, start: int, n: int) -> Fraction | None:
        if n <= start:
            return Fraction(1)
        if self.growth is None or self.mass == 0:
            keep = 1 - self.mass
            if keep in (0, 1):
                return keep
            if (n - start) * keep.denominator.bit_length() > _EXACT_BITS:
                return None
            return keep ** (n - start)
        if n >= self.first_certain:  # type: ignore[operator]
            return Fraction(0)
        if n - start > EXACT_DIRECT_LIMIT:
            return None
        value = Fraction(1)
        for i in range(start + 1, n + 1):
            delta = self._delta_exact(i)
            if delta is None:
                return None
            value *= 1 - delta
        return value

    def limit_exact(self) -> Fraction | None:
        if self.mass > 0:
            return Fraction(0)  # S'(N) <= (1 - delta_1)**N -> 0
        method = getattr(self.base, "limit_exact", None)
        return method() if method is not None else None

    def limit_mp(self, dps: int) -> mpmath.mpf:
        return mpmath.mpf(0) if self.mass > 0 else self.base.limit_mp(dps)

    # -- the cap --------------------------------------------------------------------------------
    def floor_model(self) -> Any:
        r"""The floor alone: ``Independent(delta)``, or the growing floor on a zero base.

        Since :math:`1 - \varepsilon_i' \le 1 - \delta_i` in both modes, its
        survival bounds this model's and its budget is the cap.
        """
        if self.growth is None:
            return Independent(epsilon=self.mass)
        return PersistentUnsafe(Independent(epsilon=Fraction(0)), self.mass, "floor", self.growth)

    def cap(self, threshold: Any) -> Any:
        r"""The certified cap on budgets: :math:`\lfloor \ln T / \ln(1 - \delta) \rfloor`.

        Returns the :class:`~bounds.solve.budget.Budget` of :meth:`floor_model` (the
        ``Independent(delta)`` budget for a constant floor; unbounded when ``delta = 0``).
        """
        return self.floor_model().budget(threshold)

    def budget_context(self, threshold: Fraction) -> dict[str, Any]:
        """What ``Budget.to_dict`` reports beside the budget: the cap the floor imposes."""
        cap = self.cap(threshold)
        formula = (
            "floor(ln T / ln(1 - delta))" if self.growth is None else "budget of the growing floor alone"
        )
        return {"cap": cap.n, "cap_unbounded": cap.unbounded, "cap_formula": formula}

    def describe(self) -> dict[str, Any]:
        """Summary: the floor, the limit (0 when ``delta > 0``), the cap's formula and the base's summary."""
        describe_base = getattr(self.base, "describe", None)
        base = describe_base() if callable(describe_base) else {"model": self.base.name}
        summary: dict[str, Any] = {"model": self.name, "mass": self.mass, "mode": self.mode}
        summary["growth"] = self.growth
        if self.first_certain is not None:
            summary["certain_failure_from"] = self.first_certain
        summary["limit"] = self.limit()
        summary["cap_formula"] = (
            "floor(ln T / ln(1 - delta))" if self.growth is None else "budget of the growing floor alone"
        )
        summary["base"] = base
        return summary

    # -- symbolic -----------------------------------------------------------------------------------
    def symbolic(self) -> SurvivalExpr:
        inner = self.base.symbolic()
        n = inner.n
        i = sympy.Symbol("i", integer=True, positive=True)
        delta = sympy.Symbol("delta", nonnegative=True)
        values = dict(inner.values)
        values[delta] = sympy.Rational(self.mass.numerator, self.mass.denominator)
        if self.growth is None:
            floor: sympy.Expr = delta
        else:
            g = sympy.Symbol("g", positive=True)
            values[g] = sympy.Rational(self.growth.numerator, self.growth.denominator)
            floor = sympy.Min(1, delta * g ** (i - 1))
        assumptions = (
            *inner.assumptions,
            "a persistent unsafe mass delta_i fails alignment at every generation",
        )
        if self.mode == "additive":
            if self.growth is None:
                expr = inner.expr * (1 - delta) ** n
            else:
                expr = inner.expr * sympy.Product(1 - floor, (i, 1, n))
            assumptions += ("the unsafe mass is a cause independent of the base rate",)
        else:
            keep = _one_minus_rate(inner.expr, n, i)
            expr = sympy.Product(sympy.Min(keep, 1 - floor), (i, 1, n))
            assumptions += ("floor mode: epsilon_i' = max(epsilon_i, delta_i)",)
        return SurvivalExpr(expr, n, values, assumptions)

    # -- simulation ----------------------------------------------------------------------------------
    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Run ``size`` lineages generation by generation, each failing with probability ``epsilon_i'``."""
        failure = np.empty(size, dtype=np.int64)
        alive = np.arange(size)
        start = 1
        while alive.size:
            if start > _MAX_SIMULATED_GENERATIONS:
                raise BoundsError(f"simulation stopped after {_MAX_SIMULATED_GENERATIONS} generations")
            rates = self.rate(np.arange(start, start + 4096, dtype=np.float64))
            for offset, rate in enumerate(rates):
                if not alive.size:
                    break
                fails = rng.random(alive.size) < rate
                failure[alive[fails]] = start + offset
                alive = alive[~fails]
            start += 4096
        return failure
