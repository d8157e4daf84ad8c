r"""The power-law schedule ``epsilon_i = epsilon1 * i**(-s)``, on the ball kernel.

Imported by :mod:`bounds.models.schedule` (which re-exports :class:`Power`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import flint
import numpy as np

from bounds.errors import BoundsError
from bounds.models._schedule_base import EXACT_BITS, RateSchedule, float_log
from bounds.models._schedule_base import bits as _bits
from bounds.models._schedule_base import rational as _rational
from bounds.models._series import power_log_float, power_peel_count
from bounds.models.base import SurvivalExpr
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.numeric.contexts import BallContext
from bounds.numeric.domains import POSITIVE, PROBABILITY
from bounds.numeric.series import PEEL_MAX, power_sum, too_many

__all__ = ["Power"]


@register("power")
@dataclass(frozen=True, repr=False)
class Power(RateSchedule):
    r"""Power-law schedule ``epsilon_i = epsilon1 * i**(-exponent)``.

    Parameters
    ----------
    epsilon1 : number
        Failure probability at the first generation, in ``[0, 1]``.
    exponent : number
        ``s > 0``: how fast the rate falls with the generation.

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{N}\bigl(1 - \varepsilon_1 i^{-s}\bigr), \qquad
              \log S(N) = \sum_{i \le K} \log(1 - \varepsilon_i)
              - \sum_{m\ge1} \frac{\varepsilon_1^m}{m}\bigl(\zeta(sm, K+1) - \zeta(sm, N+1)\bigr)

    with the Hurwitz zeta function (``psi(N+1) - psi(K+1)`` at ``sm = 1``) after
    the first ``K`` generations are multiplied directly. In the ball context the
    ``m`` series stops after ``J`` terms: with ``b = epsilon1 (K+1)**-s`` and
    ``C_m = min(N - K, 1 + (K+1)/(sm - 1))`` (the second only for ``sm > 1``), each
    term is at most ``b**m C_m / m`` and the rest at most
    ``C_{J+1} b**(J+1) / ((J+1)(1-b))``, which goes into the radius.
    ``S(infinity) > 0`` iff ``s > 1`` (and ``epsilon1 < 1``): for ``s <= 1`` the
    rates sum to infinity (harmonic series at ``s = 1``) and every budget is
    finite; budgets beyond ``2**1000`` generations are refused (see
    :meth:`candidate`).

    Examples
    --------
    >>> model = Power(epsilon1="0.01", exponent=2)
    >>> round(model.limit(), 6)  # prod (1 - x**2/i**2) = sin(pi x)/(pi x) with x = 0.1
    0.983632
    >>> Power(epsilon1="0.01", exponent=1).limit()
    0.0
    """

    epsilon1: Fraction = parameter(PROBABILITY, "failure probability at the first generation")
    exponent: Fraction = parameter(POSITIVE, "s: how fast the rate falls with the generation")

    name = "power"
    #: Generations multiplied directly beyond the peeled ones (float and ball).
    _DIRECT_EXTRA: ClassVar[int] = 64
    _DIRECT_MORE: ClassVar[int] = 4096

    def rate(self, ctx: Any, i: Any = None) -> Any:
        """``epsilon_i = epsilon1 i**(-s)``: float64 for an array of indices, a ball for an int."""
        if ctx.kind != "float":
            if self.exponent.denominator == 1:
                return ctx.number(self.epsilon1) / ctx.power(ctx.number(int(i)), int(self.exponent))
            return ctx.number(self.epsilon1) * ctx.power(ctx.number(int(i)), -ctx.number(self.exponent))
        index = np.asarray(i, dtype=np.float64)
        return float(self.epsilon1) * np.exp(-float(self.exponent) * np.log(index))

    def rate_exact(self, i: int) -> Fraction | None:
        if i == 1:
            return self.epsilon1
        if self.exponent.denominator != 1 or self.exponent.numerator * i.bit_length() > EXACT_BITS:
            return None
        return self.epsilon1 / Fraction(i) ** int(self.exponent)

    # -- where the direct product stops -------------------------------------------------------------
    def _split(self) -> int:
        """``K``: generations multiplied directly (the rates above 1/2, 64 more, and up to 4096 more
        while they bring ``b = epsilon1 (K+1)**-s`` below 1/16)."""
        cache = self._cache()
        if "split" not in cache:
            c, s = float(self.epsilon1), float(self.exponent)
            peel = power_peel_count(c, s)
            if peel > PEEL_MAX:
                raise too_many("power schedule", peel)
            wanted = (16 * c) ** (1 / s) if s > 0.05 else math.inf
            cache["split"] = int(min(max(peel + self._DIRECT_EXTRA, wanted), peel + self._DIRECT_MORE))
        return int(cache["split"])

    def _float_prefix_power(self) -> np.ndarray:
        return self._float_prefix(self._split())[: self._split() + 1]

    # -- survival -----------------------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            n = np.asarray(n, dtype=np.float64)
            if self.epsilon1 == 0:
                return np.zeros(n.shape)
            if self.epsilon1 == 1:
                return np.where(n == 0, 0.0, -np.inf)
            values = power_log_float(float(self.epsilon1), float(self.exponent), n.ravel(), self._float_prefix_power())
            return values.reshape(n.shape)
        if ctx.kind != "ball":
            return super().log_survival(ctx, n)
        n = int(n)
        if n == 0 or self.epsilon1 == 0:
            return ctx.zero
        if self.epsilon1 == 1:
            return flint.arb.neg_inf()
        split = self._split()
        if n <= split:
            return self._ball_direct(n)
        return self._ball_direct(split) + self._zeta_series(ctx, split, n)

    def log_limit(self, ctx: Any) -> Any:
        """``ln S(infinity)``: ``-inf`` unless ``s > 1``; then the direct head plus ``-sum_m c^m/m zeta(sm, K+1)``."""
        if self.epsilon1 == 0:
            return ctx.zero
        if self.epsilon1 == 1 or self.exponent <= 1:
            return -ctx.inf
        if ctx.kind == "float":
            return self.log_survival(ctx, np.array([np.inf]))[0]
        split = self._split()
        return self._ball_direct(split) + self._zeta_series(ctx, split, None)

    def _zeta_series(self, ctx: BallContext, split: int, n: int | None) -> flint.arb:
        r"""``sum_{i=K+1}^{n} log1p(-c i**-s)`` as ``-sum_m c^m/m sum_i i^{-sm}``, tail in the radius."""
        prec = flint.ctx.prec
        c, s = ctx.number(self.epsilon1), ctx.number(self.exponent)
        low = split + 1
        b = c * ctx.power(ctx.number(low), -s)
        if not b < 1:
            raise BoundsError(f"power schedule: internal split K = {split} leaves a rate >= 1")
        b_float, s_float = float(b.upper()), float(self.exponent)
        count = None if n is None else n - split

        def spread(m: int) -> float:
            value = math.inf if count is None else float(count)
            if s_float * m > 1:
                value = min(value, 1 + low / (s_float * m - 1))
            return value

        target = -(prec + 10) + math.log2(b_float)
        terms = 1
        while (terms + 1) * math.log2(b_float) + math.log2(spread(terms + 1)) - math.log2(1 - b_float) > target:
            terms += 1
            if terms > 8 * prec + 256:
                raise too_many("power schedule series", terms)
        series = flint.arb(0)
        power = flint.arb(1)
        for m in range(1, terms + 1):
            power *= c
            x = self.exponent * m
            guard = 10 + (int(-math.log2(abs(float(x - 1)))) if x != 1 and abs(x - 1) < 0.5 else 0)
            with BallContext(prec + guard):
                partial = power_sum(ctx, flint.arb(x.numerator) / x.denominator, low, n)
            series += power / m * partial
        following = self.exponent * (terms + 1)
        bound = flint.arb.pos_inf() if count is None else flint.arb(count)
        if following > 1:
            ratio = flint.arb(following.numerator) / following.denominator
            bound = bound.min(1 + low / (ratio - 1))
        tail = bound * b ** (terms + 1) / ((terms + 1) * (1 - b))
        return -series + (-tail).union(tail)

    def survival_exact(self, n: int) -> Fraction | None:
        if n == 0 or self.epsilon1 == 0:
            return Fraction(1)
        if self.epsilon1 == 1:
            return Fraction(0)
        if n == 1:
            return 1 - self.epsilon1
        # with a fractional exponent, 2**-s is irrational, so S(n) for n >= 2 has an irrational factor
        if self.exponent.denominator != 1 or n > 2000:
            return None
        power = int(self.exponent)
        if n * (_bits(self.epsilon1) + power * n.bit_length()) > EXACT_BITS:
            return None
        return super().survival_exact(n)

    def limit_exact(self) -> Fraction | None:
        if self.epsilon1 == 0:
            return Fraction(1)
        if self.epsilon1 == 1 or self.exponent <= 1:
            return Fraction(0)
        return None

    def candidate(self, threshold: Fraction) -> int | None:
        """None (the generic search), after refusing budgets beyond ``2**1000`` generations.

        For ``s <= 1`` the survival decays slowly (like ``N**-epsilon1`` at
        ``s = 1``), so small ``epsilon1`` and small ``T`` give budgets with
        thousands of digits, which certification through the Hurwitz zeta
        function at that precision cannot reach in reasonable time: when
        ``S(2**1000) >= T`` in float64 the budget is refused with a
        :class:`~bounds.errors.BoundsError` (a refusal, never an answer).
        """
        if self.epsilon1 in (0, 1):
            return None
        if self.log_survival(np.array([2.0**1000]))[0] >= float_log(threshold):
            raise BoundsError(
                f"the budget of {self!r} at T = {float(threshold):.6g} exceeds 2**1000 generations "
                "(S(2**1000) >= T in float64); budgets that large are not computed"
            )
        return None

    def symbolic(self) -> SurvivalExpr:
        import sympy
        n, i = sympy.symbols("N i", integer=True, positive=True)
        epsilon1, exponent = sympy.symbols("varepsilon_1 s", positive=True)
        return SurvivalExpr(
            sympy.Product(1 - epsilon1 * i ** (-exponent), (i, 1, n)),
            n,
            {epsilon1: _rational(self.epsilon1), exponent: _rational(self.exponent)},
            ("generation i fails with probability epsilon_1 i^(-s), given it held before",),
        )
