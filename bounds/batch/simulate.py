"""Seeded Monte Carlo for any model that can sample its own failure generations.

A model opts in by implementing ``sample_failure_generation(size, rng)``: the
generation at which alignment is first lost in each of ``size`` independent
lineages (``numpy.iinfo(np.int64).max`` when never), drawn from the model's
*generative mechanism* (a Beta draw then a geometric time; a Markov chain run
step by step), never by inverting the closed-form ``S(N)``. Comparing the
empirical survival with ``S(N)`` is then an independent check of the formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError
from bounds.models.base import as_generation_array

__all__ = ["NEVER", "SimulationResult", "simulate"]

#: The failure generation reported for a lineage that never loses alignment.
NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class SimulationResult(Displayed):
    """Empirical survival at the requested generation counts.

    Attributes
    ----------
    generations : ndarray
        The generation counts ``N``.
    survival : ndarray
        Fraction of lineages whose first failure came after generation ``N``.
    standard_error : ndarray
        Binomial standard error ``sqrt(S(1-S)/trials)`` of each estimate.
    trials : int
        Number of simulated lineages.
    seed : int or None
        Seed of the generator, for reproduction.
    """

    generations: np.ndarray
    survival: np.ndarray
    standard_error: np.ndarray
    trials: int
    seed: int | None

    def agrees_with(self, exact: Any, sigmas: float = 4.0) -> bool:
        """Whether every estimate lies within ``sigmas`` standard errors of ``exact``.

        The standard error is taken at the exact value (so that an estimate of
        0 or 1 is still tested), floored at one lineage's worth.
        """
        exact = np.asarray(exact, dtype=np.float64)
        spread = np.sqrt(np.maximum(exact * (1 - exact), 1 / self.trials) / self.trials)
        return bool(np.all(np.abs(self.survival - exact) <= sigmas * spread))


def simulate(model: Any, generations: Any, trials: int = 100_000, seed: int | None = 0) -> SimulationResult:
    """Estimate ``S(N)`` by simulating ``trials`` independent lineages.

    Parameters
    ----------
    model : Model
        Any model with ``sample_failure_generation(size, rng)``.
    generations : int or array_like
        Generation counts at which to estimate survival.
    trials : int
        Number of lineages (vectorised; 1e6 is fine).
    seed : int or None
        Seed for :class:`numpy.random.Generator` (PCG64).

    Examples
    --------
    >>> from bounds import Independent
    >>> result = simulate(Independent(epsilon=0.001), [50, 500], trials=200_000, seed=1)
    >>> result.agrees_with(Independent(epsilon=0.001).survival([50, 500]))
    True
    """
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 1:
        raise ParameterError("trials", "a whole number >= 1", trials)
    sampler = getattr(model, "sample_failure_generation", None)
    if sampler is None:
        raise BoundsError(f"{type(model).__name__} cannot be simulated: it has no sample_failure_generation")
    counts, _ = as_generation_array(generations, "generations")
    counts = np.atleast_1d(counts)
    rng = np.random.default_rng(seed)
    failures = np.sort(np.asarray(sampler(int(trials), rng), dtype=np.int64))
    # survived N generations <=> first failure at a generation > N
    survivors = trials - np.searchsorted(failures, counts, side="right")
    estimate = survivors / trials
    error = np.sqrt(estimate * (1 - estimate) / trials)
    return SimulationResult(counts.astype(np.int64), estimate, error, int(trials), seed)
