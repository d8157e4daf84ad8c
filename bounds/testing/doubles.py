"""Small reference models for tests: simple enough to be obviously right.

:class:`PiecewiseRates` is a *schedule-like test double*: the user gives the
failure probabilities of the first generations, and the last one repeats for
ever. It implements the whole model protocol, including the optional
``rate``/``rate_mp``/``rate_exact`` interface of schedule-like models, with the
most direct formulas (a product of exact rationals), so that tests of code
that consumes schedules (wrappers, plots, sweeps) do not depend on the
schedule families themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy

from bounds.errors import ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.numeric.parse import probability, to_mpf

__all__ = ["PiecewiseRates"]


@dataclass(frozen=True, repr=False)
class PiecewiseRates(SurvivalModel):
    r"""Rates ``epsilon_1, ..., epsilon_k`` for the first ``k`` generations, then ``epsilon_k`` for ever.

    Parameters
    ----------
    rates : sequence of numbers
        Per-generation failure probabilities, read exactly (DESIGN §2).

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{\min(N,k)} (1-\varepsilon_i)
              \cdot (1-\varepsilon_k)^{\max(0, N-k)}

    Examples
    --------
    >>> model = PiecewiseRates(["0.01", "0.001"])
    >>> round(model.survival(2), 6)
    0.98901
    >>> model.survival_exact(2)
    Fraction(98901, 100000)
    >>> model.budget("0.5").n
    683
    """

    rates: tuple[Fraction, ...]

    name = "piecewise-rates"

    def __post_init__(self) -> None:
        if isinstance(self.rates, (str, bytes)) or not hasattr(self.rates, "__len__") or len(self.rates) == 0:
            raise ParameterError("rates", "a non-empty sequence of probabilities", self.rates)
        exact_rates = tuple(probability(rate, f"rates[{index}]") for index, rate in enumerate(self.rates))
        object.__setattr__(self, "rates", exact_rates)

    @classmethod
    def from_spec(cls, spec: Any) -> PiecewiseRates:
        """Build from a spec table with a ``rates`` list (not registered: this is a test double)."""
        return cls(tuple(spec.get("rates")))

    def parameters(self) -> dict[str, Any]:
        return {"rates": list(self.rates)}

    @property
    def _tail(self) -> Fraction:
        return self.rates[-1]

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        # log(1 - eps) from the exact complement near eps = 1, where float(eps) loses its digits
        with np.errstate(divide="ignore"):
            logs = np.asarray(
                [np.log1p(-float(rate)) if rate < 0.5 else np.log(float(1 - rate)) for rate in self.rates]
            )
        prefix = np.concatenate([[0.0], np.cumsum(logs)])
        head = np.minimum(n, len(self.rates)).astype(np.int64)
        tail = np.maximum(n - len(self.rates), 0)
        with np.errstate(invalid="ignore"):
            tail_log = np.where(tail == 0, 0.0, tail * logs[-1])
        return prefix[head] + tail_log

    def survival_exact(self, n: int) -> Fraction | None:
        head = min(n, len(self.rates))
        tail = n - head
        keep_tail = 1 - self._tail
        if tail and keep_tail not in (0, 1) and tail * keep_tail.denominator.bit_length() > 100_000:
            return None
        value = math.prod((1 - rate for rate in self.rates[:head]), start=Fraction(1))
        return value * keep_tail**tail

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        exact_value = self.survival_exact(n)
        guard = 10 + len(str(n)) + max(len(str(rate.denominator)) for rate in self.rates)
        with mpmath.workdps(dps + guard):
            if exact_value is not None:
                value = to_mpf(exact_value)
            else:
                head = to_mpf(self.survival_exact(len(self.rates)) or 0)
                value = head * mpmath.exp((n - len(self.rates)) * mpmath.log1p(-to_mpf(self._tail)))
        return +value

    def limit_exact(self) -> Fraction:
        if self._tail > 0:
            return Fraction(0)
        return math.prod((1 - rate for rate in self.rates), start=Fraction(1))

    def limit_mp(self, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.limit_exact())

    def symbolic(self) -> SurvivalExpr:
        n, i = sympy.symbols("N i", integer=True, nonnegative=True)
        epsilon = sympy.Function("varepsilon")
        return SurvivalExpr(
            sympy.Product(1 - epsilon(i), (i, 1, n)),
            n,
            {},
            ("the listed rates apply to the first generations; the last one repeats for ever",),
        )

    def rate(self, i: np.ndarray) -> np.ndarray:
        index = np.minimum(np.asarray(i, dtype=np.int64), len(self.rates)) - 1
        return np.asarray([float(rate) for rate in self.rates])[index]

    def rate_exact(self, i: int) -> Fraction:
        return self.rates[min(i, len(self.rates)) - 1]

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.rate_exact(i))

    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """First failure per lineage, generation by generation for the listed rates, then geometric."""
        never = np.iinfo(np.int64).max
        result = np.full(size, never, dtype=np.int64)
        alive = np.ones(size, dtype=bool)
        for index, rate in enumerate(self.rates[:-1], start=1):
            fails = alive & (rng.random(size) < float(rate))
            result[fails] = index
            alive &= ~fails
        start = len(self.rates) - 1
        if self._tail > 0:
            result[alive] = start + rng.geometric(float(self._tail), size=int(alive.sum()))
        return result
