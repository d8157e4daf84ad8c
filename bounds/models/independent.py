"""Constant failure rate: ``S(N) = (1 - epsilon)**N``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from bounds.models._rates import public_rate
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.parameters import alternative, parameter
from bounds.models.registry import register
from bounds.numeric.contexts import BallContext
from bounds.numeric.domains import PROBABILITY
from bounds.numeric.parse import ExactLike, resolve_epsilon

__all__ = ["Independent"]

#: ``survival_exact`` builds ``(1 - eps)**n`` exactly while it stays below this many bits.
_EXACT_BITS = 200_000


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

    epsilon: Fraction = parameter(
        PROBABILITY, "probability that alignment is lost at each generation, given it held before", instead_of=("p",))
    alternatives = (alternative("p", PROBABILITY, "per-generation preservation probability 1 - epsilon",
                                instead_of=("epsilon",)),)
    _small: bool = field(init=False, repr=False, compare=False)
    _log_keep: float = field(init=False, repr=False, compare=False)
    _ball_log_keep: dict[int, Any] = field(init=False, repr=False, compare=False)

    name = "independent"

    def __init__(self, epsilon: ExactLike | None = None, *, p: ExactLike | None = None) -> None:
        self._set(resolve_epsilon(epsilon, p))

    @classmethod
    def exactly(cls, epsilon: Fraction) -> Independent:
        """The model for an exact rational ``epsilon`` in ``[0, 1]`` of any size (no input parsing).

        For rates the library derives itself (a floor, a combined rate), which may
        carry more digits than a user's input may.

        Examples
        --------
        >>> tiny = Fraction(1, 10**4000) * Fraction(1, 3)
        >>> Independent.exactly(tiny).epsilon == tiny
        True
        """
        epsilon = epsilon if type(epsilon) is Fraction else Fraction(epsilon)
        if not 0 <= epsilon.numerator <= epsilon.denominator:  # 0 <= epsilon <= 1, in ints (the scalar fast path)
            raise ValueError(f"epsilon must be in [0, 1], got {epsilon}")
        model = cls.__new__(cls)
        model._set(epsilon)
        return model

    @classmethod
    def _of_small_rate(cls, epsilon: Fraction, log_keep: float) -> Independent:
        """The model for an exact ``0 < epsilon <= 1/2`` whose ``log1p(-float(epsilon))`` the caller has.

        The scalar fast path's constructor: the fields :meth:`_set` would derive, without deriving them.
        """
        model = cls.__new__(cls)
        # a frozen dataclass blocks setattr, not its instance dictionary; these are _set's four fields
        model.__dict__.update(epsilon=epsilon, _small=True, _log_keep=log_keep, _ball_log_keep={})
        return model

    def _set(self, epsilon: Fraction) -> None:
        object.__setattr__(self, "epsilon", epsilon)
        # derived once: the per-call work of a scalar budget stays a few float operations
        small = 2 * epsilon.numerator <= epsilon.denominator  # epsilon <= 1/2, in ints (the scalar fast path)
        object.__setattr__(self, "_small", small)
        if epsilon == 1:
            log_keep = -math.inf
        elif small:
            log_keep = math.log1p(-_float(epsilon))
        else:
            keep = 1 - epsilon
            # below the normal floats (p = 1e-400) the float of p is 0: take the logs of its integers
            log_keep = math.log(_float(keep)) if keep > _SMALLEST_NORMAL else _log_of_fraction(keep)
        object.__setattr__(self, "_log_keep", log_keep)
        object.__setattr__(self, "_ball_log_keep", {})

    # -- the kernel protocol ---------------------------------------------------------------------
    def log_keep(self, ctx: Any) -> Any:
        """``ln(1 - epsilon)`` in ``ctx``, accurate at both ends of ``[0, 1)`` (``-inf`` at ``epsilon = 1``)."""
        if ctx.kind == "float":
            return np.float64(self._log_keep)
        if self.epsilon == 1:
            return -ctx.inf
        if ctx.kind == "ball":
            # one ball per precision (a budget compares S(N*) and S(N*+1) at the same precision)
            cached = self._ball_log_keep.get(ctx.prec)
            if cached is None:
                cached = self._ball_log_keep[ctx.prec] = self._log_keep_in(ctx)
            return cached
        return self._log_keep_in(ctx)

    def _log_keep_in(self, ctx: Any) -> Any:
        if self._small:
            return ctx.log1p(-ctx.number(self.epsilon))
        # 1 - eps is exact as a Fraction: no cancellation when eps is close to 1
        return ctx.log(ctx.number(1 - self.epsilon))

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """``ln S(n) = n ln(1 - epsilon)`` (``0`` at ``n = 0``, even when ``epsilon = 1``)."""
        if ctx.kind == "float":
            with np.errstate(invalid="ignore"):
                return np.where(n == 0, 0.0, n * self._log_keep)
        if n == 0 or self.epsilon == 0:
            return ctx.zero
        return n * self.log_keep(ctx)

    def survival_exact(self, n: int) -> Fraction | None:
        keep = 1 - self.epsilon
        if keep in (0, 1):
            return keep**n if n else Fraction(1)
        # An exact tie (1 - eps)**n == T needs denominator(1 - eps)**n == denominator(T),
        # which inputs bounded by MAX_DECIMAL_EXPONENT digits allow only for small n.
        if n * keep.denominator.bit_length() > _EXACT_BITS:
            return None
        return keep**n

    def log_limit(self, ctx: Any) -> Any:
        """``ln S(infinity)``: ``0`` when ``epsilon = 0``, else ``-inf``."""
        return ctx.zero if self.epsilon == 0 else -ctx.inf

    def limit_exact(self) -> Fraction:
        return Fraction(1) if self.epsilon == 0 else Fraction(0)

    def candidate(self, threshold: Fraction) -> int | None:
        """``floor(ln T / ln(1 - epsilon))`` in floats, or in a ball when the budget passes 2**50 (a guess)."""
        if self.epsilon == 1 or threshold == 1:
            return 0
        if self.epsilon == 0:
            return None
        log_t = _log(threshold)
        if self._log_keep < 0 and math.isfinite(log_t):
            ratio = log_t / self._log_keep
            if ratio < 2.0**50:
                return math.floor(ratio)
        # beyond float resolution (or range): enough bits for every digit of the answer, plus a margin
        bits = 64 + _bit_size(self.epsilon) + _bit_size(threshold)
        with BallContext(bits):
            keep = flint.arb(flint.fmpq(self.epsilon.numerator, self.epsilon.denominator))
            target = flint.arb(flint.fmpq(threshold.numerator, threshold.denominator))
            ratio_ball = target.log() / (-keep).log1p() if self._small else target.log() / (1 - keep).log()
            return int(ratio_ball.mid().floor().unique_fmpz())  # type: ignore[arg-type]

    # -- the rate interface (so that wrappers nest) ---------------------------------------------
    @public_rate
    def rate(self, ctx: Any, i: Any) -> Any:
        """``epsilon_i = epsilon`` for every generation index ``i >= 1``."""
        if ctx.kind == "float":
            return np.full(np.shape(i), _float(self.epsilon))
        return ctx.number(self.epsilon)

    def rate_exact(self, i: int) -> Fraction:
        return self.epsilon

    def rate_trend(self) -> str:
        """The rate is constant in ``i``."""
        return "constant"

    # -- report and simulation -------------------------------------------------------------------
    def symbolic(self) -> SurvivalExpr:
        import sympy  # the report layer's dependency, loaded only for symbolic forms

        n, epsilon = sympy.symbols("N varepsilon", nonnegative=True)
        return SurvivalExpr(
            (1 - epsilon) ** n,
            n,
            {epsilon: sympy.Rational(self.epsilon.numerator, self.epsilon.denominator)},
            ("epsilon is the probability of losing alignment at a generation, given it held before",),
        )

    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Generation of first failure in ``size`` lineages: geometric with parameter epsilon."""
        if self.epsilon == 0:
            return np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        return rng.geometric(_float(self.epsilon), size=size).astype(np.int64)


#: The smallest positive normal float, 2**-1022: a Fraction above it converts to float within half an ulp.
_SMALLEST_NORMAL = Fraction(2) ** -1022


def _log_of_fraction(value: Fraction) -> float:
    """``ln value`` for a positive Fraction of any size (``math.log`` takes integers beyond the float range).

    >>> round(_log_of_fraction(Fraction(1, 10**400)), 6)
    -921.034037
    """
    return math.log(value.numerator) - math.log(value.denominator)


def _float(value: Fraction) -> float:
    """The float nearest ``value`` (0.0 below the float range)."""
    try:
        return value.numerator / value.denominator
    except OverflowError:
        return 0.0 if abs(value.numerator) < value.denominator else math.inf


def _log(value: Fraction) -> float:
    """``ln value`` in floats for a positive Fraction of any size."""
    try:
        return math.log(value.numerator) - math.log(value.denominator)
    except (OverflowError, ValueError):
        return -math.inf


def _bit_size(value: Fraction) -> int:
    return max(value.numerator.bit_length(), value.denominator.bit_length())
