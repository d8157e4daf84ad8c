"""A small geometric schedule written independently of ``bounds.models.schedule``: a test double.

``epsilon_i = epsilon1 * ratio**(i - 1)`` (capped at 1), summed term by term; it implements the
kernel's rate interface (``rate(ctx, i)``, ``rate_exact(i)``, ``log_survival(ctx, n)``,
``log_limit(ctx)``) that :class:`PersistentUnsafe` wraps. ``trend`` is what it reports through
``rate_trend()`` (``None``: unknown, forcing the direct path).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from bounds.models._rates import public_rate
from bounds.models.base import SurvivalExpr, SurvivalModel


@dataclass(frozen=True, repr=False)
class GeometricDouble(SurvivalModel):
    epsilon1: Fraction
    ratio: Fraction
    trend: str | None = None

    name = "geometric-double"

    def parameters(self) -> dict[str, Any]:
        return {"epsilon1": self.epsilon1, "ratio": self.ratio}

    def rate_trend(self) -> str | None:
        return self.trend

    def rate_exact(self, i: int) -> Fraction:
        return min(Fraction(1), self.epsilon1 * self.ratio ** (int(i) - 1))

    @public_rate
    def rate(self, ctx: Any, i: Any) -> Any:
        if ctx.kind == "float":
            i = np.asarray(i, dtype=np.float64)
            return np.minimum(1.0, float(self.epsilon1) * np.power(float(self.ratio), i - 1))
        value = ctx.number(self.epsilon1) * ctx.number(self.ratio) ** (int(i) - 1)
        return ctx.minimum(value, ctx.one)

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            top = int(n.max())
            with np.errstate(divide="ignore"):  # a rate capped at 1 gives log 0 = -inf
                return self._sums(top)[n.astype(np.int64)]
        return ctx.sum(ctx.log1p(-self.rate(ctx, i)) for i in range(1, int(n) + 1))

    def _sums(self, top: int) -> np.ndarray:
        with np.errstate(divide="ignore"):
            sums = (
                np.concatenate([[0.0], np.cumsum(np.log1p(-self.rate(np.arange(1, top + 1))))])
                if top
                else [0.0]
            )
        return np.asarray(sums)

    def survival_exact(self, n: int) -> Fraction | None:
        # denominators grow like 10**(n**2): exact products only for small n (as a real model would)
        if n * n * max(self.ratio.denominator, self.epsilon1.denominator).bit_length() > 2_000_000:
            return None
        value = Fraction(1)
        for i in range(1, int(n) + 1):
            value *= 1 - self.rate_exact(i)
        return value

    def log_limit(self, ctx: Any) -> Any:
        """``ln (eps1; r)_inf``: M terms, then the tail ``|sum_{i>M} log1p(-x_i)| <= x_M+1 / ((1-r)(1-x_M+1))``."""
        if self.epsilon1 == 0:
            return ctx.zero
        if self.ratio >= 1 or self.epsilon1 >= 1:
            return -ctx.inf
        # enough terms that the tail bound is below 2**-prec: the ball shrinks as the precision grows
        prec = flint.ctx.prec if ctx.kind == "ball" else 53
        terms = max(64, math.ceil((prec * math.log(2) + math.log(self.epsilon1)) / -math.log(self.ratio)) + 1)
        head, rate, ratio = ctx.zero, ctx.number(self.epsilon1), ctx.number(self.ratio)
        for _ in range(terms):
            head, rate = head + ctx.log1p(-rate), rate * ratio
        first = self.epsilon1 * self.ratio**terms
        bound = first / ((1 - self.ratio) * (1 - first))
        if ctx.kind == "float":
            return head
        return head + ctx.number(bound) * flint.arb(0, 1)  # the ball [-bound, bound]

    def limit_exact(self) -> Fraction | None:
        return Fraction(0) if self.ratio >= 1 or self.epsilon1 >= 1 else None

    def symbolic(self) -> SurvivalExpr:
        n = sympy.Symbol("N", nonnegative=True, integer=True)
        i = sympy.Symbol("j", integer=True, positive=True)
        e, r = sympy.symbols("varepsilon_1 r", positive=True)
        return SurvivalExpr(
            sympy.Product(1 - e * r ** (i - 1), (i, 1, n)),
            n,
            {
                e: sympy.Rational(self.epsilon1.numerator, self.epsilon1.denominator),
                r: sympy.Rational(self.ratio.numerator, self.ratio.denominator),
            },
        )
