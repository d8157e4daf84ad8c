r"""The logistic schedule: risk that rises with capability and saturates (or a defense that matures).

.. math:: \varepsilon_i = \frac{\varepsilon_{max}}{1 + e^{-k (i - i_0)}}

One module: the family, its spec name ``logistic`` and its series. With
``t_i = k (i - i_0)``, ``v = e^{t}``, ``u = e^{-t}`` and ``w = 1 - epsilon_max``,
two exact identities turn the product into q-Pochhammer symbols with ratio
``q = e^{-|k|}``:

.. math:: 1 - \varepsilon_i = \frac{1 + w v_i}{1 + v_i}
          = \frac{w (1 + u_i / w)}{1 + u_i} \quad (w > 0), \qquad
          = \frac{u_i}{1 + u_i} \quad (w = 0).

Where ``t_i <= -ln 2`` (rates below ``epsilon_max / 3``) the ``v_i`` fall
geometrically away from the transition, so the sum of ``log(1 + w v_i)`` over
that run is ``log (-w v_s; q)_M`` (:func:`~bounds.numeric.series.log_qpochhammer`,
with its proved tail bound); likewise for ``u_i`` where the rates have settled
near ``epsilon_max``. Only the transition (about ``(2 ln 2 + ln(1/w)) / |k|``
generations) is multiplied term by term, so ``S(N)`` costs the same for every
``N`` (``10**15`` included). For ``k < 0`` (a defense that matures) the rates
fall to 0 geometrically and ``S(infinity) > 0``; for ``k >= 0`` and
``epsilon_max > 0`` the limit is 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from bounds.models._schedule_base import EXACT_BITS, RateSchedule, bits, rational
from bounds.models.base import SurvivalExpr
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.numeric.contexts import FLOAT
from bounds.numeric.domains import BOUNDED_REAL, PROBABILITY
from bounds.numeric.series import PEEL_MAX, log_qpochhammer, too_many

__all__ = ["Logistic"]

#: Up to this many generations the base's term-by-term sums are used (float prefix / ball product).
_DIRECT_FLOAT = 2048
_DIRECT_BALL = 2048


@register("logistic")
@dataclass(frozen=True, repr=False)
class Logistic(RateSchedule):
    r"""Logistic schedule ``epsilon_i = epsilon_max / (1 + exp(-k (i - i0)))``.

    Parameters
    ----------
    epsilon_max : number
        The rate the schedule saturates at, in ``[0, 1]``.
    steepness : number
        ``k``, any real: ``k > 0`` risk rising with capability, ``k < 0`` a
        defense that matures (rates falling to 0), ``k = 0`` the constant
        rate ``epsilon_max / 2``.
    midpoint : number
        ``i0``, any real: the generation where the rate is ``epsilon_max / 2``.

    Spec fields: ``model = "logistic"``, ``epsilon_max``, ``steepness``, ``midpoint``.

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{N} \Bigl(1 - \frac{\varepsilon_{max}}{1 + e^{-k(i - i_0)}}\Bigr),
              \qquad S(\infty) > 0 \iff k < 0 \text{ or } \varepsilon_{max} = 0

    Evaluated through q-Pochhammer symbols with ratio ``e^{-|k|}`` away from
    the transition (see the module docstring), with proved tails in the ball
    context.

    Examples
    --------
    >>> model = Logistic(epsilon_max="0.01", steepness="0.1", midpoint=50)
    >>> float(model.rate(np.array([50.0]))[0])
    0.005
    >>> model.budget("0.5").n
    118
    >>> Logistic(epsilon_max="0.01", steepness="-0.5", midpoint=10).budget("0.9").unbounded
    True
    """

    epsilon_max: Fraction = parameter(PROBABILITY, "the rate the schedule saturates at")
    steepness: Fraction = parameter(BOUNDED_REAL, "k: > 0 risk rising with capability, < 0 a defense that matures")
    midpoint: Fraction = parameter(BOUNDED_REAL, "i0: the generation where the rate is epsilon_max / 2")

    name = "logistic"

    @property
    def _constant(self) -> bool:
        return self.epsilon_max == 0 or self.steepness == 0

    # -- rates --------------------------------------------------------------------------------------
    def rate(self, ctx: Any, i: Any = None) -> Any:
        """``epsilon_max / (1 + exp(-t))``, ``t = k (i - i0)``, in the stable form for either sign of ``t``."""
        if ctx.kind == "float":
            t, t_low = self._float_t(np.asarray(i, dtype=np.float64))
            with np.errstate(over="ignore"):
                # exp(-|t|) with t = t + t_low: exp(t) has condition number |t|, so the rounding of t is
                # carried as a first-order correction (a few ulp at t = -100, not 100 ulp)
                e = np.exp(-np.abs(t)) * (1 - np.sign(t) * t_low)
                return float(self.epsilon_max) * np.where(t >= 0, 1 / (1 + e), e / (1 + e))
        exact = self.rate_exact(int(i))
        if exact is not None:
            return ctx.number(exact)
        t = ctx.number(self.steepness * (int(i) - self.midpoint))
        epsilon_max = ctx.number(self.epsilon_max)
        if t >= 0:
            return epsilon_max / (1 + (-t).exp())
        e = t.exp()
        return epsilon_max * e / (1 + e)

    def _float_t(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``t = k (i - i0)`` rounded to float64 and its rounding error (exact rationals for small arrays)."""
        t = float(self.steepness) * (index - float(self.midpoint))
        if index.size > 65536 or not np.all(np.abs(index) < 2.0**53):
            return t, np.zeros(index.shape)
        k, i0 = self.steepness, self.midpoint
        exact = [k * (int(value) - i0) for value in index.ravel()]
        high = np.array([float(value) for value in exact]).reshape(index.shape)
        low = np.array([float(value - Fraction(float(value))) for value in exact]).reshape(index.shape)
        return high, low

    def _float_log_keep(self, i: np.ndarray) -> np.ndarray:
        """``log1p(-epsilon_i)``, or ``log(w + u) - log1p(u)`` where the rate is near 1 (``eps_max > 1/2``)."""
        t = self._float_t(np.asarray(i, dtype=np.float64))[0]
        w = float(1 - self.epsilon_max)
        with np.errstate(over="ignore", divide="ignore"):
            plain = np.log1p(-np.asarray(self.rate(FLOAT, i)))
            if self.epsilon_max <= Fraction(1, 2):
                return plain
            # rates near 1: log(1 - eps_i) = log(w + u) - log1p(u), u = exp(-t), w = 1 - eps_max exact here
            u = np.exp(-np.maximum(t, 0.0))
            settled = (np.log(w + u) if w > 0 else -t) - np.log1p(u)
        return np.where(t < 0, plain, settled)

    def _ball_keep(self, ctx: Any, i: int) -> flint.arb:
        """``1 - epsilon_i = (1 + w v)/(1 + v)`` (t < 0) or ``(w + u)/(1 + u)``: no cancellation near rate 1."""
        t = ctx.number(self.steepness * (i - self.midpoint))
        w = ctx.number(1 - self.epsilon_max)
        if t < 0:
            v = t.exp()
            return (1 + w * v) / (1 + v)
        u = (-t).exp()
        return (w + u) / (1 + u)

    def rate_exact(self, i: int) -> Fraction | None:
        """Rational only where ``t = 0`` (``exp`` of a nonzero rational is irrational) or without risk."""
        if self.epsilon_max == 0:
            return Fraction(0)
        if self.steepness == 0 or i == self.midpoint:
            return self.epsilon_max / 2
        return None

    # -- survival -----------------------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            n = np.asarray(n, dtype=np.float64)
            if self._constant:
                return n * math.log1p(-float(self.epsilon_max) / 2)
            if not n.size or np.max(n) <= _DIRECT_FLOAT:
                return self._float_direct(n)
            values = np.array([self._log_regions(FLOAT, int(count)) for count in n.ravel()])
            return values.reshape(n.shape)
        if ctx.kind != "ball":
            return super().log_survival(ctx, n)
        n = int(n)
        if self._constant:
            return n * ctx.log1p(-ctx.number(self.epsilon_max / 2))
        if n <= _DIRECT_BALL:
            return self._ball_direct(n)
        return self._log_regions(ctx, n)

    def log_limit(self, ctx: Any) -> Any:
        """``ln S(infinity)``: 0 without risk, ``-inf`` for ``k >= 0``, q-Pochhammer tails for ``k < 0``."""
        if self.epsilon_max == 0:
            return ctx.zero
        if self.steepness >= 0:
            return -ctx.inf
        return self._log_regions(ctx, None)

    def _boundaries(self, n: float) -> tuple[int, int, str, str]:
        """``(a, b, first, last)``: generations ``1..a`` and ``b..n`` are geometric runs (``first``/``last``
        name their kind, ``"low"`` (``t <= -ln 2``) or ``"high"`` (settled)); ``a+1..b-1`` is the transition."""
        k, i0 = float(self.steepness), float(self.midpoint)
        w = 1 - float(self.epsilon_max)
        low_t, high_t = -math.log(2), math.log(2) + (math.log(1 / w) if w > 0 else 0.0)
        if k > 0:
            a, b, first, last = math.floor(i0 + low_t / k), math.ceil(i0 + high_t / k), "low", "high"
        else:
            a, b, first, last = math.floor(i0 + high_t / k), math.ceil(i0 + low_t / k), "high", "low"
        a = int(min(max(a, 0), n))
        b = int(max(min(b, n + 1), a + 1))
        return a, b, first, last

    def _log_regions(self, ctx: Any, n: int | None) -> Any:
        top = math.inf if n is None else n
        a, b, first, last = self._boundaries(top)
        if b - a - 1 > PEEL_MAX:
            raise too_many("logistic schedule (a slow transition, |steepness| too small)", b - a - 1)
        total = self._run(ctx, 1, a, first) if a >= 1 else ctx.zero
        if b - 1 > a:
            total = total + self._direct_run(ctx, a + 1, b - 1)
        if n is None or b <= n:
            total = total + self._run(ctx, b, n, last)
        return total

    def _direct_run(self, ctx: Any, first: int, last: int) -> Any:
        if ctx.kind == "float":
            return float(np.sum(self._float_log_keep(np.arange(first, last + 1, dtype=np.float64))))
        return self._ball_block(ctx, first, last).log()

    def _run(self, ctx: Any, first: int, last: int | None, kind: str) -> Any:
        """``sum_{i=first}^{last} log(1 - epsilon_i)`` over a geometric run (``last=None``: infinity)."""
        k, i0 = self.steepness, self.midpoint
        count = None if last is None else last - first + 1
        # the run starts where its geometric variable is largest and falls by q = exp(-|k|) per step
        larger_t_at_first = k < 0
        if kind == "low":  # v = exp(t), largest where t is largest
            start = first if larger_t_at_first else last
        else:  # u = exp(-t), largest where t is smallest
            start = last if larger_t_at_first else first
        if start is None:
            raise ValueError("an infinite run starts at its finite end")
        t_start = k * (start - i0)
        w = 1 - self.epsilon_max
        if ctx.kind == "float":
            q, t = math.exp(-abs(float(k))), float(t_start)
            g: Any = math.exp(t if kind == "low" else -t)
            counts = np.array([math.inf if count is None else float(count)])
            number: Any = float

            def qp(a: Any, c: Any = None) -> Any:
                return float(log_qpochhammer(FLOAT, a, q, counts, c=c)[0])
        else:
            log_q = -ctx.number(abs(k))
            ball_q, ball_t = log_q.exp(), ctx.number(t_start)
            g = ball_t.exp() if kind == "low" else (-ball_t).exp()
            number = ctx.number

            def qp(a: Any, c: Any = None) -> Any:
                return log_qpochhammer(ctx, a, ball_q, count, log_q=log_q, c=c)
        # sum_j log(1 + c x_j) - log(1 + x_j) as one series (log_qpochhammer's ratio form: no cancellation)
        if kind == "low":
            return qp(-g, number(w))
        if w > 0:
            head = 0 if count is None else count * ctx.log1p(-number(self.epsilon_max))
            return head + qp(-g, 1 / number(w))
        # epsilon_max = 1: 1 - epsilon_i = u/(1+u), log = -t_i - log1p(u_i); sum_i t_i in closed form
        assert count is not None
        t_sum = k * (Fraction(count * (first + (first + count - 1)), 2) - count * i0)
        return -number(t_sum) - qp(-g)

    def survival_exact(self, n: int) -> Fraction | None:
        if self._constant:
            keep = 1 - self.epsilon_max / 2
            return keep**n if n * bits(keep) <= EXACT_BITS else None
        return super().survival_exact(n)

    def limit_exact(self) -> Fraction | None:
        if self.epsilon_max == 0:
            return Fraction(1)
        if self.steepness >= 0:
            return Fraction(0)
        return None

    def rate_trend(self) -> str:
        """``"constant"``, ``"nondecreasing"`` (``k > 0``) or ``"nonincreasing"`` (``k < 0``)."""
        if self._constant:
            return "constant"
        return "nondecreasing" if self.steepness > 0 else "nonincreasing"

    def symbolic(self) -> SurvivalExpr:
        import sympy
        n, i = sympy.Symbol("N", integer=True, nonnegative=True), sympy.Symbol("i", integer=True, positive=True)
        top, k, i0 = sympy.symbols("varepsilon_max k i_0", real=True)
        rate = top / (1 + sympy.exp(-k * (i - i0)))
        return SurvivalExpr(
            sympy.Product(1 - rate, (i, 1, n)),
            n,
            {top: rational(self.epsilon_max), k: rational(self.steepness), i0: rational(self.midpoint)},
            ("generation i fails with probability epsilon_max / (1 + exp(-k (i - i_0))), given it held before",),
        )
