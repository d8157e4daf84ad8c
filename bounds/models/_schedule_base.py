r"""The schedule base: a family writes its rate ``epsilon_i`` once, the base derives ``ln S(n)``.

.. math:: \ln S(n) = \sum_{i=1}^{n} \log(1 - \varepsilon_i)

:class:`RateSchedule` sums ``ctx.log1p(-rate(ctx, i))``: in the float context as
cumulative sums of ``log1p`` over a cached prefix (a few ulp per term), in the ball
context as a product of the balls ``1 - rate(ctx, i)`` (checkpointed every
:data:`STRIDE` generations at each precision) followed by one logarithm, which
``arb`` keeps rigorous. Families override ``log_survival`` / ``log_limit`` with
series accelerations where ``n`` is large.

It also holds :class:`RateSampler` (Monte Carlo from the mechanism) and small
helpers shared by the schedule modules.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

import flint
import mpmath
import numpy as np

from bounds.models.base import SurvivalModel
from bounds.numeric.contexts import FLOAT, BallContext, NotExact, is_context
from bounds.numeric.parse import generations
from bounds.numeric.series import too_many

if TYPE_CHECKING:
    import sympy

__all__ = [
    "EXACT_BITS", "EXACT_TERMS", "STRIDE", "RateSampler", "RateSchedule", "bits", "float_log", "floor_int", "rational",
]

#: Largest exact rational (in bits) a model builds to settle ties exactly.
EXACT_BITS = 200_000
#: Most generations multiplied in exact rationals (ties only; a few seconds at most).
EXACT_TERMS = 10**6
#: Ball products are checkpointed every STRIDE generations (per precision).
STRIDE = 1024
_NEVER = np.iinfo(np.int64).max


def bits(value: Fraction) -> int:
    """Size of an exact rational in bits (the larger of numerator and denominator)."""
    return max(value.numerator.bit_length(), value.denominator.bit_length(), 1)


def rational(value: Fraction) -> sympy.Rational:
    import sympy
    return sympy.Rational(value.numerator, value.denominator)


def float_log(value: Fraction) -> float:
    """``ln value`` as a float for a positive Fraction, also far below the float range (candidates only)."""
    if value <= 0:
        return -math.inf
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    scaled = Fraction(value.numerator, value.denominator * 2**shift) if shift >= 0 else value * 2**-shift
    return math.log(float(scaled)) + shift * math.log(2)


def floor_int(value: flint.arb) -> int:
    """``floor`` of the midpoint of a ball as a Python int (for candidates, never for decisions)."""
    return int(str(value.mid().floor().unique_fmpz()))


def _mpf(ball: flint.arb) -> mpmath.mpf:
    """An exact ``arb`` midpoint as an mpmath number."""
    man, exp = ball.mid().man_exp()
    return mpmath.mpf((int(man), int(exp))) if man else mpmath.mpf(0)


def _public_rate(method: Any) -> Any:
    """Let ``rate(ctx, i)`` also serve the float call ``rate(i)`` on an array of indices."""

    @functools.wraps(method)
    def rate(self: Any, ctx: Any, i: Any = None) -> Any:
        if is_context(ctx):
            return method(self, ctx, i)
        return method(self, FLOAT, np.asarray(ctx, dtype=np.float64))

    return rate


class RateSampler:
    """Monte Carlo from the mechanism: Bernoulli failures generation by generation.

    Among the ``n_i`` lineages still aligned at generation ``i``, each fails
    independently with probability ``epsilon_i``; the number failing is
    therefore Binomial(``n_i``, ``epsilon_i``), which is drawn directly (the
    same distribution as ``n_i`` Bernoulli draws, at the cost of one draw per
    generation). Lineages still aligned after ``horizon`` generations
    (:attr:`simulation_horizon` by default) are reported as never failing
    (``numpy.iinfo(np.int64).max``), so the empirical survival is valid for
    ``N <= horizon`` only.
    """

    #: Generations simulated by default.
    simulation_horizon: ClassVar[int] = 100_000

    def rate(self, ctx: Any, i: Any = None) -> Any:
        raise NotImplementedError

    def sample_failure_generation(self, size: int, rng: np.random.Generator,
                                  horizon: int | None = None) -> np.ndarray:
        """First-failure generations of ``size`` lineages, simulated up to ``horizon`` generations."""
        last = self.simulation_horizon if horizon is None else generations(horizon, "horizon")
        # a model defined only up to its own horizon (Expression) is not simulated past it
        last = min(last, getattr(self, "horizon", last))
        alive = int(size)
        failed_at: list[int] = []
        failed_count: list[int] = []
        start = 1
        while start <= last and alive > 0:
            index = np.arange(start, min(start + 4096, last + 1), dtype=np.int64)
            rates = np.asarray(self.rate(FLOAT, index.astype(np.float64)), dtype=np.float64)
            for generation, rate in zip(index[rates > 0].tolist(), rates[rates > 0].tolist(), strict=True):
                failures = int(rng.binomial(alive, min(rate, 1.0)))
                if failures:
                    failed_at.append(generation)
                    failed_count.append(failures)
                    alive -= failures
                    if alive == 0:
                        break
            start += index.size
        result = np.concatenate(
            [np.repeat(np.asarray(failed_at, dtype=np.int64), failed_count), np.full(alive, _NEVER, np.int64)]
        )
        return rng.permutation(result)


class RateSchedule(RateSampler, SurvivalModel):
    r"""Base of the schedule families: write ``rate(ctx, i)``, get ``log_survival(ctx, n)``.

    Notes
    -----
    .. math:: \ln S(n) = \sum_{i=1}^{n} \operatorname{log1p}(-\varepsilon_i)

    FLOAT: cumulative sums over a cached prefix (vectorised over ``n``). Ball:
    the product of the balls ``1 - epsilon_i``, checkpointed every
    :data:`STRIDE` generations at each precision, then one ``log``; ``arb``
    tracks every rounding, so the result contains ``ln S(n)`` and shrinks as the
    precision grows. Both sum at most :attr:`direct_max` generations one by one;
    families override ``log_survival`` where ``n`` can be larger.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class Halving(RateSchedule):
    ...     def rate(self, ctx, i):
    ...         return ctx.power(ctx.number(Fraction(1, 2)), i) if ctx.kind != "float" else 0.5**i
    >>> round(Halving().survival(3), 6)  # (1/2)(3/4)(7/8)
    0.328125
    >>> with BallContext(64) as ctx:
    ...     print(Halving().log_survival(ctx, 3).overlaps(flint.arb(21).log() - flint.arb(64).log()))
    True
    """

    #: Most generations the base sums one by one.
    direct_max: ClassVar[int] = 10**7

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "rate" in cls.__dict__:
            cls.rate = _public_rate(cls.__dict__["rate"])  # type: ignore[method-assign]

    def rate(self, ctx: Any, i: Any = None) -> Any:
        """``epsilon_i``: float64 array for an array of indices (FLOAT), an ``arb`` ball for an int (ball)."""
        raise NotImplementedError(f"{type(self).__name__} defines no rate(ctx, i)")

    def rate_exact(self, i: int) -> Fraction | None:
        """``epsilon_i`` as an exact rational when it is one, else ``None``."""
        return None

    def _cache(self) -> dict[str, Any]:
        return vars(self).setdefault("_kernel_cache", {})

    # -- the derived sum ------------------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        if ctx.kind == "float":
            return self._float_direct(n)
        if ctx.kind == "ball":
            return self._ball_direct(int(n))
        raise NotExact("ln S(n) is not rational; use survival_exact(n)")

    def _float_direct(self, n: np.ndarray) -> np.ndarray:
        """Float prefix sums ``sum_{i<=n} log1p(-epsilon_i)``, extended on demand and cached."""
        n = np.asarray(n, dtype=np.float64)
        largest = float(np.max(n)) if n.size else 0.0
        if largest > self.direct_max:
            raise too_many(type(self).__name__, largest)
        prefix = self._float_prefix(int(largest))
        return prefix[n.astype(np.int64)]

    def _float_prefix(self, n: int, stop_below: float = -math.inf) -> np.ndarray:
        cache = self._cache()
        prefix = cache.get("float", np.zeros(1))
        while prefix.size <= n and prefix[-1] >= stop_below:
            start = prefix.size
            stop = min(max(2 * start, start + 4096), n + 1)
            terms = self._float_log_keep(np.arange(start, stop, dtype=np.float64))
            prefix = np.concatenate([prefix, prefix[-1] + np.cumsum(terms)])
            cache["float"] = prefix
        return prefix

    def _float_log_keep(self, i: np.ndarray) -> np.ndarray:
        """``log(1 - epsilon_i)`` in float64 (a family may override with a form stable near rate 1)."""
        with np.errstate(divide="ignore"):
            return np.log1p(-np.asarray(self.rate(FLOAT, i)))

    def _ball_keep(self, ctx: BallContext, i: int) -> flint.arb:
        """The ball ``1 - epsilon_i`` (a family may override with a form stable near rate 1)."""
        return 1 - self.rate(ctx, i)

    def _ball_product(self, n: int) -> flint.arb:
        """``prod_{i<=n} (1 - epsilon_i)`` as a ball at the current precision (checkpointed)."""
        if n > self.direct_max:
            raise too_many(type(self).__name__, n)
        ctx = BallContext(flint.ctx.prec)
        points: list[flint.arb] = self._cache().setdefault(f"ball{ctx.prec}", [flint.arb(1)])
        whole = n // STRIDE
        while len(points) <= whole:
            first = (len(points) - 1) * STRIDE + 1
            points.append(points[-1] * self._ball_block(ctx, first, first + STRIDE - 1))
        return points[whole] * self._ball_block(ctx, whole * STRIDE + 1, n)

    def _ball_block(self, ctx: BallContext, first: int, last: int) -> flint.arb:
        product = flint.arb(1)
        if type(self)._ball_keep is RateSchedule._ball_keep:
            rate = self.rate
            for i in range(first, last + 1):
                product *= 1 - rate(ctx, i)
        else:
            for i in range(first, last + 1):
                product *= self._ball_keep(ctx, i)
        return product

    def _ball_direct(self, n: int) -> flint.arb:
        return _log_of_product(self._ball_product(n))

    # -- exact ----------------------------------------------------------------------------------------
    def survival_exact(self, n: int) -> Fraction | None:
        """``prod (1 - epsilon_i)`` in rationals while every rate is rational and the product stays small.

        Bounded work: ``None`` as soon as a rate is irrational or the product needs more than
        :data:`EXACT_BITS` bits, and beyond :data:`EXACT_TERMS` generations.
        """
        if n > EXACT_TERMS:
            return None
        numerator, denominator = 1, 1
        for i in range(1, n + 1):
            rate = self.rate_exact(i)
            if rate is None:
                return None
            top, bottom = rate.numerator, rate.denominator  # 1 - rate = (bottom - top) / bottom
            if top:
                numerator *= bottom - top
                denominator *= bottom
                if numerator == 0:
                    return Fraction(0)
                if denominator.bit_length() > EXACT_BITS:
                    return None
        return Fraction(numerator, denominator)

    def candidate(self, threshold: Fraction) -> int | None:
        """A float guess at the budget (never trusted), or ``None`` for the generic search."""
        return None

    # -- display values for callers not yet on contexts (derive, the CLI, PersistentUnsafe, checks) ---------
    # Midpoints of the same balls the certifier uses; nothing decides with them. Delete with those callers.
    def _display(self, compute: Any, dps: int, n: int = 0) -> mpmath.mpf:
        with BallContext(int(dps * 3.33) + 40 + 2 * max(n, 1).bit_length()) as ctx:
            value = compute(ctx)
            ball = flint.arb(0) if value == flint.arb.neg_inf() else value.exp()
            return _mpf(ball)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        """``S(n)`` to about ``dps`` digits, the midpoint of the ball of ``ln S(n)`` (display only)."""
        return self._display(lambda ctx: self.log_survival(ctx, n), dps, n)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        """``S(infinity)`` to about ``dps`` digits (display only); models without ``log_limit`` raise."""
        exact = self.limit_exact()
        if exact is not None:
            return mpmath.mpf(exact.numerator) / exact.denominator
        log_limit = getattr(self, "log_limit", None)
        if log_limit is None:
            raise NotImplementedError(f"{type(self).__name__} has no log_limit: S(infinity) is not known")
        return self._display(log_limit, dps)

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        """``epsilon_i`` to about ``dps`` digits (display only)."""
        with BallContext(int(dps * 3.33) + 40 + int(i).bit_length()) as ctx:
            return _mpf(self.rate(ctx, int(i)))


def _log_of_product(product: flint.arb) -> flint.arb:
    """``log`` of a ball of a product of factors in ``[0, 1]``: -inf for an exact 0, NaN when undecided."""
    if product == 0:
        return flint.arb.neg_inf()
    if not product > 0:
        # a factor ball reaches 0 (a rate within the radius of 1): ln S is in [-inf, ln(upper)]
        return flint.arb.neg_inf().union(product.upper().log())
    return product.log()
