"""A small geometric schedule written independently of ``bounds.models.schedule``: a test double.

``epsilon_i = epsilon1 * ratio**(i - 1)`` (capped at 1), summed term by term; it implements the
rate interface (``rate``, ``rate_mp``, ``rate_exact``) that :class:`PersistentUnsafe` wraps.
``trend`` is what it reports through ``rate_trend()`` (``None``: unknown, forcing the direct path).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy

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

    def rate(self, i: Any) -> Any:
        i = np.asarray(i, dtype=np.float64)
        return np.minimum(1.0, float(self.epsilon1) * np.power(float(self.ratio), i - 1))

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps + 5):
            value = mpmath.mpf(self.epsilon1.numerator) / self.epsilon1.denominator
            value *= (mpmath.mpf(self.ratio.numerator) / self.ratio.denominator) ** (int(i) - 1)
            return min(value, mpmath.mpf(1))

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        top = int(n.max())
        with np.errstate(divide="ignore"):  # a rate capped at 1 gives log 0 = -inf
            return self._sums(top)[n.astype(np.int64)]

    def _sums(self, top: int) -> np.ndarray:
        sums = np.concatenate([[0.0], np.cumsum(np.log1p(-self.rate(np.arange(1, top + 1))))]) if top else [0.0]
        return np.asarray(sums)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps + 10 + len(str(n))):
            value = mpmath.fprod(1 - self.rate_mp(i, dps + 10) for i in range(1, int(n) + 1))
        return +value

    def survival_exact(self, n: int) -> Fraction | None:
        # denominators grow like 10**(n**2): exact products only for small n (as a real model would)
        if n * n * max(self.ratio.denominator, self.epsilon1.denominator).bit_length() > 2_000_000:
            return None
        value = Fraction(1)
        for i in range(1, int(n) + 1):
            value *= 1 - self.rate_exact(i)
        return value

    def limit_mp(self, dps: int) -> mpmath.mpf:
        if self.ratio >= 1:
            return mpmath.mpf(0)
        with mpmath.workdps(dps + 10):
            a = mpmath.mpf(self.epsilon1.numerator) / self.epsilon1.denominator
            q = mpmath.mpf(self.ratio.numerator) / self.ratio.denominator
            # log (a; q)_inf = -sum_j a**j / (j (1 - q**j)); mpmath.qp does not converge for q near 1
            if a >= 1:
                return mpmath.mpf(0)
            return mpmath.exp(-mpmath.nsum(lambda j: a**j / (j * (1 - q**j)), [1, mpmath.inf]))

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
