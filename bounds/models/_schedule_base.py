"""Shared pieces of the schedule models: Bernoulli sampling and ``exp(log S)`` at a given precision."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import ClassVar

import mpmath
import numpy as np
import sympy

from bounds.numeric.parse import generations

__all__ = ["EXACT_BITS", "RateSampler", "bits", "log_survival_mp", "rational"]

#: Largest exact rational (in bits) a model builds to settle ties exactly.
EXACT_BITS = 200_000
_NEVER = np.iinfo(np.int64).max


def bits(value: Fraction) -> int:
    return max(value.numerator.bit_length(), value.denominator.bit_length(), 1)


def rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


def log_survival_mp(
    compute_log: Callable[[mpmath.mpf], mpmath.mpf], dps: int, extra_digits: int = 0
) -> mpmath.mpf:
    """``exp(log S)`` with relative error below ``10**-dps``, from a function computing ``log S``.

    ``compute_log(tolerance)`` runs at the working precision and must be
    accurate to ``tolerance`` in absolute terms. An absolute error ``d`` in
    ``log S`` is a relative error of about ``d`` in ``S``, and rounding grows
    with ``|log S|``: the log is computed once to learn its size, then again
    with that many extra digits when it is large.
    """
    working = dps + 15 + extra_digits
    tolerance = mpmath.mpf(10) ** -(dps + 8)
    with mpmath.workdps(working):
        value = compute_log(tolerance)
        magnitude = 0 if value == 0 or mpmath.isinf(value) else max(0, int(mpmath.log10(abs(value))) + 1)
    if magnitude > 2:
        working += magnitude
        with mpmath.workdps(working):
            value = compute_log(tolerance)
    with mpmath.workdps(working):
        result = mpmath.exp(value)
    return +result


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

    def rate(self, i: np.ndarray) -> np.ndarray:
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
            rates = np.asarray(self.rate(index.astype(np.float64)), dtype=np.float64)
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


