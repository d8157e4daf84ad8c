r"""Schedules: independent generations with a failure rate that varies with the generation.

Generation ``i = 1, 2, ...`` loses alignment with probability ``epsilon_i``
given that it held before, so by the chain rule

.. math:: S(N) = \prod_{i=1}^{N} (1 - \varepsilon_i)

with no independence assumption when ``epsilon_i`` is the conditional rate.
This module holds the geometric and two-rate ("key decisions") schedules;
:mod:`bounds.models.power` the power law, :mod:`bounds.models.logistic` the
logistic schedule and :mod:`bounds.models.explicit` explicit lists of rates and
expressions in ``i``. Every family writes ``rate(ctx, i)`` once
(:class:`~bounds.models._schedule_base.RateSchedule`) and closed forms or series
for large ``n``, in the float and the ball context.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from bounds.errors import CertificationError
from bounds.models._schedule_base import EXACT_BITS, RateSampler, RateSchedule, float_log, floor_int
from bounds.models._schedule_base import bits as _bits
from bounds.models._schedule_base import rational as _rational
from bounds.models.base import SurvivalExpr
from bounds.models.parameters import parameter
from bounds.models.power import Power
from bounds.models.registry import register
from bounds.numeric.contexts import FLOAT as FLOAT_CTX
from bounds.numeric.contexts import BallContext
from bounds.numeric.domains import COUNT, POSITIVE, PROBABILITY
from bounds.numeric.series import log_qpochhammer

__all__ = ["EXACT_BITS", "Geometric", "Power", "RateSampler", "TwoRate"]

_EXACT_POWER_BITS = 2_000_000


# ==================================================================================================
@register("geometric")
@dataclass(frozen=True, repr=False)
class Geometric(RateSchedule):
    r"""Geometric schedule ``epsilon_i = min(1, epsilon1 * ratio**(i-1))``.

    Parameters
    ----------
    epsilon1 : number
        Failure probability at the first generation, in ``[0, 1]``.
    ratio : number
        Factor between consecutive rates, ``> 0``. Below 1 safety improves
        with each generation; above 1 risk grows with capability (the rate is
        capped at 1, after which alignment is certainly lost); 1 is the
        constant-rate (:class:`~bounds.Independent`) case.

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{N}\bigl(1 - \varepsilon_1 r^{i-1}\bigr) = (\varepsilon_1; r)_N,
              \qquad S(\infty) = (\varepsilon_1; r)_\infty \quad (r < 1)

    For ``r < 1`` the limit is positive (when ``epsilon1 < 1``), so the budget
    is unbounded exactly when :math:`(\varepsilon_1; r)_\infty \ge T`. Both are
    :func:`~bounds.numeric.series.log_qpochhammer`: rates above 1/2 multiplied
    directly, the rest as :math:`-\sum_j b^j (1 - r^{jM}) / (j (1 - r^j))` with a
    proved tail bound inside the ball, at the same cost for every ``N``
    (``10**15`` included). For ``r > 1`` the sum runs down from the top rate
    (ratio ``1/r``), and ``S(N) = 0`` from the first generation whose rate
    reaches 1, found exactly.

    References
    ----------
    G. Gasper and M. Rahman, *Basic Hypergeometric Series*, 2nd ed. (2004), §1.3.

    Examples
    --------
    >>> model = Geometric(epsilon1="0.01", ratio="0.5")
    >>> round(model.limit(), 5)
    0.98013
    >>> model.budget("0.9").unbounded
    True
    >>> Geometric(epsilon1="0.001", ratio="0.999").budget("0.5").n
    1180
    """

    epsilon1: Fraction = parameter(PROBABILITY, "failure probability at the first generation")
    ratio: Fraction = parameter(POSITIVE, "factor between consecutive rates (below 1 safety improves)")
    _saturation: int | None = field(init=False, repr=False, compare=False, default=None)

    name = "geometric"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "_saturation", self._first_certain_failure())

    def _first_certain_failure(self) -> int | None:
        """The first generation ``i`` with ``epsilon1 ratio**(i-1) >= 1``, or None; decided exactly.

        ``k = i - 1`` is the least integer with ``ratio**k >= 1/epsilon1``: a ball
        of ``ln(1/epsilon1) / ln(ratio)`` strictly between two integers names it;
        a ball around an integer ``m`` is settled by comparing ``ratio**m`` with
        ``1/epsilon1`` in exact integers.
        """
        if self.epsilon1 == 0:
            return None
        if self.epsilon1 == 1:
            return 1
        if self.ratio <= 1:
            return None
        target = 1 / self.epsilon1
        size = _bits(target) + _bits(self.ratio)
        for prec in (64 + 2 * size, 256 + 8 * size):
            with BallContext(prec) as ctx:
                steps = ctx.log(ctx.number(target)) / ctx.log(ctx.number(self.ratio))
                low, high = floor_int(steps.lower()), floor_int(steps.upper())
                if low == high and steps.lower() > low:
                    return low + 2
                nearest = floor_int(steps + flint.arb(1) / 2)
                if abs(steps - nearest) > 1 / flint.arb(4):
                    continue
            if nearest * _bits(self.ratio) <= _EXACT_POWER_BITS:
                reaches = self.ratio**nearest >= target
                return nearest + 1 if reaches else nearest + 2
        raise CertificationError(
            f"could not decide at which generation epsilon1 * ratio**(i-1) reaches 1 for {self!r}"
        )

    # -- rates --------------------------------------------------------------------------------------
    def rate(self, ctx: Any, i: Any = None) -> Any:
        """``epsilon_i = min(1, epsilon1 ratio**(i-1))``: float64 array for an array ``i``, or a ball."""
        if ctx.kind != "float":
            if self._saturation is not None and i >= self._saturation:
                return ctx.one
            return ctx.number(self.epsilon1) * ctx.number(self.ratio) ** (int(i) - 1)
        index = np.asarray(i, dtype=np.float64)
        with np.errstate(over="ignore"):
            values = np.minimum(1.0, float(self.epsilon1) * np.exp((index - 1) * math.log(self.ratio)))
        if self._saturation is not None:
            # below the saturation generation the rate is < 1 even where float64 rounds it to 1
            values = np.where(index >= self._saturation, 1.0, np.minimum(values, np.nextafter(1.0, 0.0)))
        return values

    def rate_exact(self, i: int) -> Fraction | None:
        if self._saturation is not None and i >= self._saturation:
            return Fraction(1)
        if (i - 1) * _bits(self.ratio) > EXACT_BITS:
            return None
        return self.epsilon1 * self.ratio ** (i - 1)

    # -- survival -----------------------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            return self._log_float(np.asarray(n, dtype=np.float64))
        if ctx.kind != "ball":
            return super().log_survival(ctx, n)
        n = int(n)
        if n == 0 or self.epsilon1 == 0:
            return ctx.zero
        if self._saturation is not None and n >= self._saturation:
            return flint.arb.neg_inf()
        epsilon1, ratio = ctx.number(self.epsilon1), ctx.number(self.ratio)
        if self.ratio == 1:
            return n * ctx.log1p(-epsilon1)
        if self.ratio < 1:
            return log_qpochhammer(ctx, epsilon1, ratio, n)
        # rates rise: sum down from the top rate epsilon1 r**(n-1) with ratio 1/r
        return log_qpochhammer(ctx, epsilon1 * ratio ** (n - 1), 1 / ratio, n, log_q=-ratio.log())

    def _log_float(self, n: np.ndarray) -> np.ndarray:
        if self.epsilon1 == 0:
            return np.zeros(n.shape)
        dead = np.zeros(n.shape, dtype=bool) if self._saturation is None else n >= self._saturation
        alive = np.where(dead, 0.0, n)
        if self.ratio == 1:
            values = alive * math.log1p(-float(self.epsilon1))
        elif self.ratio < 1:
            values = log_qpochhammer(FLOAT_CTX, float(self.epsilon1), float(self.ratio), alive.ravel())
            values = values.reshape(n.shape)
        else:
            values = np.zeros(n.shape)
            log_ratio = math.log(self.ratio)
            for count in np.unique(alive[alive > 0]):
                # count < saturation: the top rate is < 1 even where float64 would round it to 1
                top = min(float(self.epsilon1) * math.exp((count - 1) * log_ratio), np.nextafter(1.0, 0.0))
                values[alive == count] = log_qpochhammer(FLOAT_CTX, top, 1 / float(self.ratio), np.array([count]))[0]
        return np.where(dead, -np.inf, values)

    def log_limit(self, ctx: Any) -> Any:
        """``ln S(infinity) = ln (epsilon1; ratio)_infinity`` (ratio < 1), with the tail inside the ball."""
        if self.epsilon1 == 0:
            return ctx.zero
        if self._saturation is not None or self.ratio >= 1:
            return -ctx.inf
        if ctx.kind == "float":
            return log_qpochhammer(ctx, float(self.epsilon1), float(self.ratio), np.array([np.inf]))[0]
        return log_qpochhammer(ctx, ctx.number(self.epsilon1), ctx.number(self.ratio), None)

    def survival_exact(self, n: int) -> Fraction | None:
        if n == 0 or self.epsilon1 == 0:
            return Fraction(1)
        if self._saturation is not None and n >= self._saturation:
            return Fraction(0)
        if n * (_bits(self.epsilon1) + n * _bits(self.ratio)) > EXACT_BITS:
            return None
        product, rate = Fraction(1), self.epsilon1
        for _ in range(n):
            product *= 1 - rate
            rate *= self.ratio
        return product

    def limit_exact(self) -> Fraction | None:
        if self.epsilon1 == 0:
            return Fraction(1)
        if self._saturation is not None or self.ratio >= 1:
            return Fraction(0)
        return None

    def candidate(self, threshold: Fraction) -> int | None:
        """A guess at ``N*``: closed forms for ``r = 1`` and, near the limit, for ``r < 1``.

        For ``r < 1``, ``ln S(N) = L(epsilon1) - L(epsilon1 r**N)`` with
        ``L(a) = ln (a; r)_inf``, and ``-L(a)`` is about ``a / (1 - r)`` for small
        ``a``: where ``gap = ln T - L(epsilon1)`` is tiny (a threshold just above
        the limit), ``N`` is about ``ln(gap (1 - r) / epsilon1) / ln r``, read off
        one ball evaluation at a precision set by the digits of ``T``. Never trusted.
        """
        if self.epsilon1 == 0:
            return None
        if self._saturation == 1:
            return 0
        if self.ratio == 1:
            return int(math.floor(float_log(threshold) / math.log1p(-float(self.epsilon1))))
        if self.ratio > 1:
            return None
        with BallContext(128 + 2 * _bits(threshold) + _bits(self.epsilon1) + _bits(self.ratio)) as ctx:
            gap = ctx.log(ctx.number(threshold)) - self.log_limit(ctx)
            if not 0 < gap < 1e-6:
                return None
            scale = gap * (1 - ctx.number(self.ratio)) / ctx.number(self.epsilon1)
            steps = ctx.log(scale) / ctx.log(ctx.number(self.ratio))
            return max(floor_int(steps), 0)

    def symbolic(self) -> SurvivalExpr:
        import sympy
        n, i = sympy.symbols("N i", integer=True, nonnegative=True)
        epsilon1, ratio = sympy.symbols("varepsilon_1 r", positive=True)
        rate = epsilon1 * ratio ** (i - 1)
        if self.ratio > 1:
            rate = sympy.Min(1, rate)
        return SurvivalExpr(
            sympy.Product(1 - rate, (i, 1, n)),
            n,
            {epsilon1: _rational(self.epsilon1), ratio: _rational(self.ratio)},
            (
                "generation i fails with probability epsilon_1 r^(i-1) (capped at 1), given it held before",
                "for r < 1 the limit is the q-Pochhammer symbol (epsilon_1; r)_infinity",
            ),
        )


# ==================================================================================================
@register("two-rate")
@dataclass(frozen=True, repr=False)
class TwoRate(RateSchedule):
    r"""Key decisions: every ``key_every``-th generation fails with ``epsilon_key``, others ``epsilon_other``.

    Parameters
    ----------
    epsilon_key : number
        Failure probability at a key generation (``i = m, 2m, 3m, ...``), in ``[0, 1]``.
    epsilon_other : number
        Failure probability at every other generation, in ``[0, 1]``.
    key_every : int
        ``m >= 1``: the spacing of key generations (1 makes every generation key).

    Spec fields: ``model = "two-rate"``, ``epsilon_key``, ``epsilon_other``, ``key_every``.

    Notes
    -----
    With :math:`k(N) = \lfloor N/m \rfloor` key generations among the first ``N``,

    .. math:: S(N) = (1-\varepsilon_{key})^{k(N)}\,(1-\varepsilon_{other})^{N-k(N)}

    the same closed form in every context.

    Examples
    --------
    >>> model = TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=10)
    >>> model.survival_exact(20) == Fraction(99, 100)**2 * Fraction(9999, 10000)**18
    True
    >>> model.budget("0.5").n
    639
    """

    epsilon_key: Fraction = parameter(PROBABILITY, "failure probability at a key generation (i = m, 2m, 3m, ...)")
    epsilon_other: Fraction = parameter(PROBABILITY, "failure probability at every other generation")
    key_every: int = parameter(COUNT, "m: the spacing of key generations (1 makes every generation key)")

    name = "two-rate"

    def rate(self, ctx: Any, i: Any = None) -> Any:
        if ctx.kind != "float":
            return ctx.number(self.rate_exact(int(i)))
        index = np.asarray(i, dtype=np.float64)
        is_key = np.mod(index, self.key_every) == 0
        return np.where(is_key, float(self.epsilon_key), float(self.epsilon_other))

    def rate_exact(self, i: int) -> Fraction:
        return self.epsilon_key if i % self.key_every == 0 else self.epsilon_other

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            n = np.asarray(n, dtype=np.float64)
            keys = np.floor(n / self.key_every)
            # exact for n < 2**53; beyond, floor(n/m) in float64 is a candidate-grade approximation
            counts: tuple[Any, Any] = (keys, n - keys)
        elif ctx.kind == "ball":
            counts = (int(n) // self.key_every, int(n) - int(n) // self.key_every)
        else:
            return super().log_survival(ctx, n)
        total = ctx.zero
        for count, rate in zip(counts, (self.epsilon_key, self.epsilon_other), strict=True):
            if ctx.kind == "float":
                log_keep = math.log1p(-float(rate)) if rate < 1 else -math.inf
                with np.errstate(invalid="ignore"):
                    total = total + np.where(count == 0, 0.0, count * log_keep)
            elif count:
                total = total + (count * ctx.log1p(-ctx.number(rate)) if rate < 1 else flint.arb.neg_inf())
        return total

    def survival_exact(self, n: int) -> Fraction | None:
        keys, others = n // self.key_every, n - n // self.key_every
        keep_key, keep_other = 1 - self.epsilon_key, 1 - self.epsilon_other
        cost = (keys if keep_key not in (0, 1) else 0) * _bits(keep_key)
        cost += (others if keep_other not in (0, 1) else 0) * _bits(keep_other)
        if cost > EXACT_BITS:
            return None
        return keep_key**keys * keep_other**others

    def limit_exact(self) -> Fraction:
        no_risk = self.epsilon_key == 0 and (self.epsilon_other == 0 or self.key_every == 1)
        return Fraction(1) if no_risk else Fraction(0)

    def log_limit(self, ctx: Any) -> Any:
        """0 without risk, else ``-inf`` (a constant rate recurs every block)."""
        return ctx.zero if self.limit_exact() == 1 else -ctx.inf

    def candidate(self, threshold: Fraction) -> int | None:
        """Whole blocks of ``m`` generations first, then the non-key generations of the next block.

        One ball evaluation at a precision set by the digits of ``T`` and the rates (budgets may
        have hundreds of digits); never trusted.
        """
        if self.epsilon_key == 1 or self.epsilon_other == 1:
            return None
        size = _bits(threshold) + _bits(self.epsilon_key) + _bits(self.epsilon_other)
        with BallContext(128 + 2 * size) as ctx:
            log_key = ctx.log1p(-ctx.number(self.epsilon_key))
            log_other = ctx.log1p(-ctx.number(self.epsilon_other))
            block = log_key + (self.key_every - 1) * log_other
            if block == 0:
                return None
            target = ctx.log(ctx.number(threshold))
            blocks = floor_int(target / block)
            rest = target - blocks * block
            within = self.key_every - 1
            if log_other != 0:
                within = min(within, floor_int(rest / log_other))
        return blocks * self.key_every + max(within, 0)

    def symbolic(self) -> SurvivalExpr:
        import sympy
        n = sympy.Symbol("N", integer=True, nonnegative=True)
        key, other = sympy.symbols("varepsilon_key varepsilon_other", nonnegative=True)
        every = sympy.Symbol("m", integer=True, positive=True)
        keys = sympy.floor(n / every)
        return SurvivalExpr(
            (1 - key) ** keys * (1 - other) ** (n - keys),
            n,
            {
                key: _rational(self.epsilon_key),
                other: _rational(self.epsilon_other),
                every: sympy.Integer(self.key_every),
            },
            ("generations m, 2m, ... are key decisions with failure probability epsilon_key; "
             "the others fail with probability epsilon_other",),
        )

