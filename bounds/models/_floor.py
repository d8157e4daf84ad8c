r"""The persistent floor :math:`\delta_i = \min(1, \delta_1 g^{i-1})` on its own, in every number context.

:class:`Floor` is what :class:`~bounds.models.unsafe.PersistentUnsafe` adds to a base
schedule: the per-generation floor and the sum :math:`\sum_{s < i \le n} \ln(1 - \delta_i)`,
in closed form for a constant floor and term by term (up to :data:`DIRECT_LIMIT`
generations) for a growing one, which reaches 1 at :attr:`Floor.first_certain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import flint
import numpy as np

from bounds.errors import BoundsError, CertificationError, ParameterError
from bounds.numeric.contexts import FLOAT, BallContext
from bounds.numeric.domains import Domain
from bounds.numeric.parse import positive

__all__ = ["DIRECT_LIMIT", "GROWTH", "Floor", "partial_sums"]

_GROWTH = ">= 1 (a persistent floor may grow with depth, not shrink)"


def _growth(value: Any, name: str) -> Fraction:
    growth = positive(value, name)
    if growth < 1:
        raise ParameterError(name, _GROWTH, value)
    return growth


#: A floor's growth factor: a positive number, at least 1.
GROWTH = Domain("number", _GROWTH, _growth, Fraction(1))

#: Largest number of generations summed term by term (floats: chunked numpy; balls: one arb per term).
DIRECT_LIMIT = 200_000
#: Largest number of generations summed term by term in float64 (chunked numpy, about a second).
FLOAT_DIRECT_LIMIT = 2**26
#: Largest exact rational (in bits) built for a floor value.
_EXACT_BITS = 200_000
_CHUNK = 2**20


def partial_sums(points: np.ndarray, terms: Any, what: str) -> np.ndarray:
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


def _as_float(count: int) -> float:
    return float(min(count, 2**1023))


def _arb(value: Fraction) -> flint.arb:
    return flint.arb(flint.fmpq(value.numerator, value.denominator))


@dataclass(frozen=True)
class Floor:
    r"""The floor :math:`\delta_i = \min(1, \delta_1 g^{i-1})` (``growth=None``: constant :math:`\delta_1`).

    Examples
    --------
    >>> from fractions import Fraction
    >>> Floor(Fraction(1, 1000), Fraction(3, 2)).first_certain
    19
    >>> Floor(Fraction(1, 4), Fraction(2)).delta_exact(3)
    Fraction(1, 1)
    """

    mass: Fraction
    growth: Fraction | None = None

    @property
    def constant(self) -> bool:
        return self.growth is None or self.mass == 0

    @cached_property
    def first_certain(self) -> int | None:
        r"""The first generation with :math:`\delta_i = 1` (``S' = 0`` from there), or ``None``.

        The smallest ``j`` with :math:`\delta_1 g^j \ge 1` is ``ceil(ln(1/delta_1) / ln g)``, found from a
        ball; an integer inside the ball (a possible exact tie, ``1/4 * 2**2 = 1``) is settled exactly.
        """
        if self.mass == 1:
            return 1
        if self.constant:
            return None
        growth = self.growth
        assert growth is not None
        # enough bits that the ball is far narrower than 1 even when g is within 1e-4000 of 1
        prec = 128 + (growth - 1).denominator.bit_length() + self.mass.denominator.bit_length()
        with BallContext(prec):
            steps = (1 / _arb(self.mass)).log() / _arb(growth - 1).log1p()
        if not steps.contains_integer():
            # no integer inside: j = floor(steps) + 1 is certain, and the generation is j + 1
            return int(steps.upper().floor().unique_fmpz()) + 2  # type: ignore[arg-type]
        j = int(steps.mid().floor().unique_fmpz())  # type: ignore[arg-type]
        low, high = max(j - 1, 0), j + 1
        if high * growth.numerator.bit_length() > _EXACT_BITS * 5:
            raise CertificationError(
                "cannot decide where the growing floor reaches 1: an exact tie is too large to check"
            )
        for candidate in range(low, high + 1):
            if self.mass * growth**candidate >= 1:
                return candidate + 1
        raise CertificationError("the growing floor's certain generation escaped its enclosure")  # not reached

    # -- delta_i ----------------------------------------------------------------------------
    def delta(self, ctx: Any, i: Any) -> Any:
        r""":math:`\delta_i` in ``ctx`` (float64 vectorised over ``i``; a ball for a Python int ``i``)."""
        if ctx.kind == "float":
            i = np.asarray(i, dtype=np.float64)
            if self.constant:
                return np.full(i.shape, float(self.mass))
            assert self.growth is not None and self.first_certain is not None
            with np.errstate(over="ignore"):
                value = float(self.mass) * np.exp((i - 1) * math.log1p(float(self.growth - 1)))
            return np.where(i >= _as_float(self.first_certain), 1.0, np.minimum(value, 1.0))
        if self.constant:
            return ctx.number(self.mass)
        assert self.growth is not None and self.first_certain is not None
        if i >= self.first_certain:
            return ctx.one
        if ctx.kind == "exact":
            value = self.delta_exact(i)
            if value is None:
                raise BoundsError(f"the floor at generation {i} is too large a fraction to build exactly")
            return value
        # below the certain generation delta_1 g**(i-1) < 1, so no min with 1 is needed
        return ctx.number(self.mass) * ctx.exp((i - 1) * ctx.log1p(ctx.number(self.growth - 1)))

    def delta_exact(self, i: int) -> Fraction | None:
        if self.constant:
            return self.mass
        assert self.growth is not None and self.first_certain is not None
        if i >= self.first_certain:
            return Fraction(1)
        if (i - 1) * self.growth.denominator.bit_length() > _EXACT_BITS // 10:
            return None
        return min(self.mass * self.growth ** (i - 1), Fraction(1))

    # -- sums of ln(1 - delta_i) ------------------------------------------------------------
    def log_sum(self, ctx: Any, start: Any, n: Any) -> Any:
        r""":math:`\sum_{start < i \le n} \ln(1 - \delta_i)` (zero where ``n <= start``)."""
        if ctx.kind == "float":
            return self._log_sum_float(np.asarray(start, dtype=np.float64), np.asarray(n, dtype=np.float64))
        if n <= start:
            return ctx.zero
        if self.constant:
            if self.mass == 1:
                return -ctx.inf
            return (n - start) * ctx.log1p(-ctx.number(self.mass))
        assert self.first_certain is not None
        if n >= self.first_certain:
            return -ctx.inf
        if n - start > DIRECT_LIMIT:
            raise BoundsError(f"the growing floor over {n - start} generations exceeds {DIRECT_LIMIT} terms")
        return ctx.sum(ctx.log1p(-self.delta(ctx, i)) for i in range(start + 1, n + 1))

    def _log_sum_float(self, start: np.ndarray, n: np.ndarray) -> np.ndarray:
        start = np.broadcast_to(start, n.shape)
        if self.constant:
            rate = np.log1p(-float(self.mass)) if self.mass < 1 else -np.inf
            with np.errstate(invalid="ignore"):
                return np.where(n > start, (n - start) * rate, 0.0)
        certain = _as_float(self.first_certain)  # type: ignore[arg-type]
        points = np.unique(np.concatenate([n.ravel(), start.ravel()]))
        finite = points[points < certain]
        with np.errstate(divide="ignore"):
            sums = partial_sums(finite, lambda i: np.log1p(-self.delta(FLOAT, i)), "growing floor")
        table = dict(zip(finite.tolist(), sums.tolist(), strict=True))

        def cumulative(values: np.ndarray) -> np.ndarray:
            return np.array([table[v] if v < certain else -np.inf for v in values.ravel().tolist()]).reshape(
                values.shape
            )

        with np.errstate(invalid="ignore"):
            return np.where(n > start, cumulative(n) - cumulative(start), 0.0)
