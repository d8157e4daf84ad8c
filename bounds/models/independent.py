"""Constant failure rate: ``S(N) = (1 - epsilon)**N``."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy
from mpmath import iv

from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numeric.interval import endpoints, interval_fraction, interval_precision
from bounds.numeric.parse import ExactLike, decimal_digits, resolve_epsilon, to_mpf

__all__ = ["Independent"]

_EXACT_BITS = 200_000


def _digits_bits(value: Fraction) -> int:
    """Bits needed to see ``value`` next to 1: about log2(1/value) (0 for large values)."""
    if value == 0:
        return 0
    return max(0, value.denominator.bit_length() - value.numerator.bit_length() + 1)



@register("independent")
@dataclass(frozen=True, repr=False, init=False)
class Independent(SurvivalModel):
    r"""The same failure probability ``epsilon`` at every generation.

    Parameters
    ----------
    epsilon : number, optional
        Probability that alignment is lost at each generation, given it held
        before; exact (``"1e-20"`` stays ``10**-20``).
    p : number, optional
        Per-generation preservation probability ``1 - epsilon``; give exactly one
        of ``epsilon`` and ``p``.

    Notes
    -----
    .. math:: S(N) = (1 - \varepsilon)^N, \qquad
              N^* = \left\lfloor \frac{\ln T}{\ln(1 - \varepsilon)} \right\rfloor

    The budget formula is only a candidate: rounding in ``ln`` decides ties such
    as ``0.9**2 == 0.81`` wrongly in floats, so the solver certifies
    ``S(N*) >= T > S(N*+1)``. By the chain rule the formula needs no
    independence assumption when ``epsilon`` is the rate *conditional on the
    past*. Sandwich: ``floor((1-T)/eps) <= N* <= floor(ln(1/T)/eps)``.

    Examples
    --------
    >>> model = Independent(epsilon=0.001)
    >>> round(model.survival(500), 4)
    0.6064
    >>> model.budget(0.605).n
    502
    >>> Independent(p=0.9).budget(0.81).n
    2
    """

    epsilon: Fraction

    name = "independent"

    def __init__(self, epsilon: ExactLike | None = None, *, p: ExactLike | None = None) -> None:
        object.__setattr__(self, "epsilon", resolve_epsilon(epsilon, p))

    @classmethod
    def from_spec(cls, spec: Spec) -> Independent:
        if spec.has("p"):
            return cls(p=spec.get("p"), epsilon=spec.get("epsilon", None))
        return cls(epsilon=spec.get("epsilon"))

    def parameters(self) -> dict[str, Any]:
        return {"epsilon": self.epsilon}

    def log_keep_mp(self) -> mpmath.mpf:
        """``ln(1 - epsilon)`` at the working precision, accurate at both ends of [0, 1)."""
        if self.epsilon <= Fraction(1, 2):
            return mpmath.log1p(-to_mpf(self.epsilon))
        # 1 - eps is exact as a Fraction: no cancellation when eps is close to 1
        return mpmath.log(to_mpf(1 - self.epsilon))

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        if self.epsilon == 1:
            rate = -np.inf
        elif self.epsilon <= Fraction(1, 2):
            rate = np.log1p(-float(self.epsilon))
        else:
            rate = np.log(float(1 - self.epsilon))
        with np.errstate(invalid="ignore"):
            return np.where(n == 0, 0.0, n * rate)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        if n == 0:  # S(0) = 1 even when epsilon = 1 (0 * log(0) would be nan)
            return mpmath.mpf(1)
        # the error of n*log1p(-eps) grows with |log S|: carry its digits as guard digits
        guard = 10 + decimal_digits(n) + decimal_digits(self.epsilon.denominator)
        with mpmath.workdps(dps + guard):
            value = mpmath.exp(n * self.log_keep_mp()) if self.epsilon < 1 else mpmath.mpf(0 if n else 1)
        return +value

    def survival_bounds(self, n: int, dps: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        if self.epsilon in (0, 1):
            return None
        # 1 - eps must keep dps digits of eps, and n magnifies the error of the log
        bits = int(3.33 * dps) + _digits_bits(self.epsilon) + n.bit_length() + 32
        with interval_precision(bits):
            enclosure = iv.exp(n * iv.log(interval_fraction(1 - self.epsilon)))
            return endpoints(enclosure)

    def survival_exact(self, n: int) -> Fraction | None:
        keep = 1 - self.epsilon
        if keep in (0, 1):
            return keep**n if n else Fraction(1)
        # An exact tie (1 - eps)**n == T needs denominator(1 - eps)**n == denominator(T),
        # which inputs bounded by MAX_DECIMAL_EXPONENT digits allow only for small n.
        if n * keep.denominator.bit_length() > _EXACT_BITS:
            return None
        return keep**n

    def limit_exact(self) -> Fraction:
        return Fraction(1) if self.epsilon == 0 else Fraction(0)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        return mpmath.mpf(self.limit_exact())

    def budget_candidate(self, threshold: Fraction) -> int | None:
        if self.epsilon == 1:
            return 0
        digits = 30 + decimal_digits(self.epsilon.denominator) + decimal_digits(threshold.denominator)
        with mpmath.workdps(digits):
            ratio = mpmath.log(to_mpf(threshold)) / self.log_keep_mp()
            return int(mpmath.floor(ratio))

    def symbolic(self) -> SurvivalExpr:
        n, epsilon = sympy.symbols("N varepsilon", nonnegative=True)
        return SurvivalExpr(
            (1 - epsilon) ** n,
            n,
            {epsilon: sympy.Rational(self.epsilon.numerator, self.epsilon.denominator)},
            ("epsilon is the probability of losing alignment at a generation, given it held before",),
        )

    def rate(self, i: np.ndarray) -> np.ndarray:
        """``epsilon_i = epsilon`` for every generation index ``i >= 1``."""
        return np.full(np.shape(i), float(self.epsilon))

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.epsilon)

    def rate_exact(self, i: int) -> Fraction:
        return self.epsilon

    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Generation of first failure in ``size`` lineages: geometric with parameter epsilon."""
        if self.epsilon == 0:
            return np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        return rng.geometric(float(self.epsilon), size=size).astype(np.int64)

    def max_epsilon(self, n: Any, threshold: Any) -> Any:
        """Largest ``epsilon`` that still allows ``n`` generations at ``threshold``.

        See :func:`bounds.max_epsilon`; the model's own ``epsilon`` is not used.
        """
        from bounds.solve.api import max_epsilon

        return max_epsilon(n, threshold)
