r"""A persistent unsafe floor under any schedule: what safety work cannot remove.

The Defense Trilemma (Bhatt et al., arXiv:2604.06436) leaves a region of
positive measure unsafe after any continuous, utility-preserving defense. Over
generations that floor changes the shape of the answer: a schedule whose rates
fall fast enough has ``S(infinity) > 0`` and may have an *unbounded* budget, but
with a floor ``delta > 0`` every budget is finite and at most
:math:`\lfloor \ln T / \ln(1 - \delta) \rfloor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from bounds.errors import BoundsError, CertificationError
from bounds.models._floor import DIRECT_LIMIT, FLOAT_DIRECT_LIMIT, GROWTH, Floor, partial_sums
from bounds.models._rates import SCHEDULE_LIKE, base_rate, public_rate
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.independent import Independent
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.models.trends import floored_equivalent, rate_trend
from bounds.numeric.contexts import FLOAT, BallContext
from bounds.numeric.domains import PROBABILITY, choices
from bounds.numeric.parse import format_number, int_text

if TYPE_CHECKING:
    import sympy

__all__ = ["DIRECT_LIMIT", "FLOAT_DIRECT_LIMIT", "PersistentUnsafe", "floored_equivalent", "rate_trend"]

#: Largest number of factors in an exact rational product.
EXACT_DIRECT_LIMIT = 2_000
_EXACT_BITS = 200_000
#: Working precision (bits) of the ball comparisons that place the switch index.
_COMPARE_PREC = (128, 1024)
_MAX_SIMULATED_GENERATIONS = 10_000_000


def _decimal_text(value: Fraction) -> Fraction | str:
    """A parsed threshold handed on as the exact decimal it was read from (``"1e-4000"``).

    The parser reads a 4000-digit decimal, but refuses a Fraction of that size as new input;
    a Fraction that is not a terminating decimal is passed on unchanged.
    """
    denominator = value.denominator
    twos = (denominator & -denominator).bit_length() - 1
    rest, fives = denominator >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return value
    places = max(twos, fives)
    return f"{int_text(value.numerator * (10**places // denominator))}e-{places}"


def _one_minus_rate(expr: sympy.Expr, n: sympy.Symbol, i: sympy.Symbol) -> sympy.Expr:
    """``1 - epsilon_i`` of a base with survival ``expr(n)``: the factor ``S(i) / S(i - 1)``."""
    import sympy

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
        Any model with ``rate(ctx, i)`` and ``log_survival(ctx, n)``
        (``Independent``, the schedule models, or another ``PersistentUnsafe``);
        ``rate_exact(i)`` and ``survival_exact(n)``, when the base has them, settle ties.
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

    The wrapper composes the base: :math:`\varepsilon_i'` is built from
    ``base.rate(ctx, i)`` and :math:`\delta_i` in the same context, so one
    formula serves floats and (rigorous) balls. Cost. A base whose family is
    closed under a constant floor (``Independent``, the periodic ``TwoRate``;
    see :func:`floored_equivalent`) is replaced by that family's model with the
    floor folded into its rates, keeping its closed form. Otherwise additive
    mode factorises, :math:`\ln S' = \ln S_{base} + \sum \ln(1-\delta_i)`: O(1)
    for a constant floor. Floor mode uses the base's monotonicity
    (:func:`rate_trend`): for a constant or falling base rate and a
    non-decreasing floor, :math:`\varepsilon_i - \delta_i` falls, so the base
    rules generations ``1..K`` and the floor the rest,
    :math:`\ln S'(N) = \ln S_{base}(K) + (N - K) \ln(1-\delta)` for a constant
    floor, with ``K`` placed by bisection in O(log N) rate comparisons (exact,
    or by disjoint balls); for a rising base and constant floor the order is
    reversed. Any other base (non-monotone, unknown) is summed term by term,
    up to :data:`FLOAT_DIRECT_LIMIT` generations in float64 and
    :data:`DIRECT_LIMIT` in balls; so is a growing floor, up to the generation
    where it reaches 1 (after which ``S' = 0``).

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

    base: Any = parameter(SCHEDULE_LIKE, "the model whose rates the floor applies to (rate(ctx, i))")
    mass: Any = parameter(PROBABILITY, "the floor delta_1 (for example a trilemma cone mass)")
    mode: str = parameter(choices("floor", "additive"), "floor: max(epsilon_i, delta_i); additive: an independent "
                          "extra cause", default="floor")
    growth: Any = parameter(GROWTH, "g: the floor grows with depth, delta_i = min(1, delta_1 g**(i-1))",
                            default=None)

    name = "persistent-unsafe"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.growth == 1:
            object.__setattr__(self, "growth", None)

    def parameters(self) -> dict[str, Any]:
        """The floor's parameters, then the base's prefixed ``base_`` (flat, for tables and JSON)."""
        base = {f"base_{key}": value for key, value in self.base.parameters().items()}
        return {"mass": self.mass, "mode": self.mode, "growth": self.growth, "base": self.base.name, **base}

    def __repr__(self) -> str:
        growth = "" if self.growth is None else f", growth={format_number(self.growth, 12)}"
        mass = format_number(self.mass, 12)
        return f"PersistentUnsafe({self.base!r}, mass={mass}, mode={self.mode!r}{growth})"

    # -- the floor delta_i ---------------------------------------------------------------------
    @cached_property
    def floor(self) -> Floor:
        r"""The floor :math:`\delta_i` alone (:class:`~bounds.models._floor.Floor`)."""
        return Floor(self.mass, self.growth)

    @property
    def first_certain(self) -> int | None:
        """The first generation at which a growing floor reaches 1 (``S' = 0`` from there), or ``None``."""
        return self.floor.first_certain

    # -- the rate interface (so that wrappers nest) --------------------------------------------
    @public_rate
    def rate(self, ctx: Any, i: Any) -> Any:
        r""":math:`\varepsilon_i'` in ``ctx``: ``max(eps_i, delta_i)`` or ``1 - (1 - eps_i)(1 - delta_i)``."""
        base, delta = base_rate(self.base, ctx, i), self.floor.delta(ctx, i)
        if ctx.kind == "float":
            if self.mode == "floor":
                return np.maximum(base, delta)
            with np.errstate(divide="ignore"):
                return -np.expm1(np.log1p(-base) + np.log1p(-delta))
        if self.mode == "floor":
            return ctx.maximum(base, delta)
        return base + delta * (1 - base)

    def rate_exact(self, i: int) -> Fraction | None:
        exact = getattr(self.base, "rate_exact", None)
        base, delta = (exact(i) if callable(exact) else None), self.floor.delta_exact(i)
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

    # -- where the floor takes over ------------------------------------------------------------
    def _base_minus_floor(self, i: int) -> int:
        """The certified sign of ``epsilon_i - delta_i``: exact when both are rational, else by disjoint balls."""
        exact = getattr(self.base, "rate_exact", None)
        exact_base, exact_delta = (exact(i) if callable(exact) else None), self.floor.delta_exact(i)
        if exact_base is not None and exact_delta is not None:
            return (exact_base > exact_delta) - (exact_base < exact_delta)
        for prec in _COMPARE_PREC:
            with BallContext(prec) as ctx:
                difference = base_rate(self.base, ctx, i) - self.floor.delta(ctx, i)
                if difference > 0:
                    return 1
                if difference < 0:
                    return -1
        raise CertificationError(
            f"cannot tell the base rate from the floor at generation {i}: they agree to "
            f"{_COMPARE_PREC[-1]} bits and the base gives no exact rate"
        )

    @cached_property
    def _equivalent(self) -> Any:
        """The base's own family with the floor folded into its rates (constant floor only), or ``None``."""
        if self.growth is not None:
            return None
        if isinstance(self.base, Independent):
            # built without re-reading the combined rate as input (it may carry more digits than an input may)
            rate = self.base.epsilon
            combined = max(rate, self.mass) if self.mode == "floor" else 1 - (1 - rate) * (1 - self.mass)
            return Independent.exactly(combined)
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
        """``K``: the leading generations ``1..K`` (capped at ``top``) are ruled by the first part.

        The first part (base, or floor for a rising base) rules while its sign test holds, and by
        monotonicity it fails for good once it fails; the index is found by galloping and bisection
        and remembered.
        """
        first = 1 if self._layout_kind == "base-then-floor" else -1

        def leads(i: int) -> bool:
            return self._base_minus_floor(i) == first

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

    # -- survival ----------------------------------------------------------------------------
    def _base_log(self, ctx: Any, n: Any) -> Any:
        """``ln S_base(n)`` in ``ctx``; a base without a ball ``log_survival`` is summed term by term."""
        if ctx.kind == "float":
            return np.asarray(self.base.log_survival(FLOAT, np.asarray(n, dtype=np.float64)), dtype=np.float64)
        if n == 0:
            return ctx.zero
        try:
            return self.base.log_survival(ctx, n)
        except NotImplementedError:
            return self._direct_log(ctx, n, lambda i: base_rate(self.base, ctx, i))

    def _direct_log(self, ctx: Any, n: Any, rate: Any) -> Any:
        r""":math:`\sum_{i \le n} \ln(1 - rate(i))` term by term (float: chunked; ball: up to DIRECT_LIMIT)."""
        if ctx.kind == "float":
            points = np.unique(n.ravel())
            if self.first_certain is not None:
                points = points[points < self.first_certain]
            with np.errstate(divide="ignore"):
                sums = partial_sums(points, lambda i: np.log1p(-rate(i)), repr(self))
            table = dict(zip(points.tolist(), sums.tolist(), strict=True))
            return np.array([table.get(value, -np.inf) for value in n.ravel().tolist()]).reshape(n.shape)
        total = ctx.zero
        for i in range(1, n + 1):
            if i > DIRECT_LIMIT:
                raise BoundsError(
                    f"{self!r}: S({n}) needs {n} rate evaluations term by term (limit {DIRECT_LIMIT}); "
                    "give the base a rate_trend to use the O(log N) method"
                )
            value = rate(i)
            if value == 1:
                return -ctx.inf  # certain failure at generation i: S(n) = 0 from there on
            total += ctx.log1p(-value)
        return total

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """``ln S'(n)``, composed from the base's survival and rates and the floor (see Notes)."""
        if self._equivalent is not None:
            return self._equivalent.log_survival(ctx, n)
        if self.mass == 0:
            return self._base_log(ctx, n)
        if ctx.kind == "float":
            with np.errstate(invalid="ignore"):
                return np.where(n == 0, 0.0, self._compose(ctx, n, int(n.max()) if n.size else 0))
        if n == 0:
            return ctx.zero
        if self.first_certain is not None and n >= self.first_certain:
            return -ctx.inf
        return self._compose(ctx, n, n)

    def _compose(self, ctx: Any, n: Any, top: int) -> Any:
        kind = self._layout_kind
        if kind == "factorised":
            return self._base_log(ctx, n) + self.floor.log_sum(ctx, 0, n)
        if kind == "direct":
            return self._direct_log(ctx, n, lambda i: self.rate(ctx, i))
        switch = self._switch(top)
        lead = np.minimum(n, float(switch)) if ctx.kind == "float" else min(n, switch)
        if kind == "base-then-floor":
            return self._base_log(ctx, lead) + self.floor.log_sum(ctx, switch, n)
        if ctx.kind == "float":
            tail = np.where(n > switch, self._base_log(ctx, n) - self._base_log(ctx, np.full(n.shape, switch)), 0.0)
        else:
            tail = self._base_log(ctx, n) - self._base_log(ctx, switch) if n > switch else ctx.zero
        return self.floor.log_sum(ctx, 0, lead) + tail

    def survival_mp(self, n: int, dps: int) -> Any:
        """``S'(n)`` as an mpmath number (display); the equivalent model's own when the floor folds into it.

        Transitional: a folded ``TwoRate`` has no ball yet until the schedule port lands.
        """
        if self._equivalent is not None:
            return self._equivalent.survival_mp(n, dps)
        return super().survival_mp(n, dps)

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
        if self.floor.constant:
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
            delta = self.floor.delta_exact(i)
            if delta is None:
                return None
            value *= 1 - delta
        return value

    def log_limit(self, ctx: Any) -> Any:
        """``ln S'(infinity)``: ``-inf`` when ``delta > 0`` (``S' <= (1 - delta)**N``), else the base's."""
        if self.mass > 0:
            return -ctx.inf
        method = getattr(self.base, "log_limit", None)
        if method is None:
            raise BoundsError(f"{type(self.base).__name__} has no log_limit: its limit cannot be proved")
        return method(ctx)

    def limit_exact(self) -> Fraction | None:
        if self.mass > 0:
            return Fraction(0)  # S'(N) <= (1 - delta_1)**N -> 0
        method = getattr(self.base, "limit_exact", None)
        return method() if method is not None else None

    # -- the cap --------------------------------------------------------------------------------
    def floor_model(self) -> Any:
        r"""The floor alone: ``Independent(delta)``, or the growing floor on a zero base.

        Since :math:`1 - \varepsilon_i' \le 1 - \delta_i` in both modes, its
        survival bounds this model's and its budget is the cap.
        """
        if self.growth is None:
            return Independent.exactly(self.mass)
        return PersistentUnsafe(Independent.exactly(Fraction(0)), self.mass, "floor", self.growth)

    def cap(self, threshold: Any) -> Any:
        r"""The certified cap on budgets: :math:`\lfloor \ln T / \ln(1 - \delta) \rfloor`.

        Returns the :class:`~bounds.solve.budget.Budget` of :meth:`floor_model` (the
        ``Independent(delta)`` budget for a constant floor; unbounded when ``delta = 0``).
        Every threshold the parser accepts, down to ``1e-4000``, and every floor, is computed.
        """
        if isinstance(threshold, Fraction):
            threshold = _decimal_text(threshold)
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
        import sympy  # the report layer's dependency, loaded only for symbolic forms

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
            rates = self.rate(FLOAT, np.arange(start, start + 4096, dtype=np.float64))
            for offset, rate in enumerate(rates):
                if not alive.size:
                    break
                fails = rng.random(alive.size) < rate
                failure[alive[fails]] = start + offset
                alive = alive[~fails]
            start += 4096
        return failure
