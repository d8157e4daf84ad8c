r"""Uncertain inputs: ``epsilon`` as a distribution, propagated to a distribution of budgets.

Expert judgement often comes as an interval with a credibility: "``epsilon``
is between 1e-4 and 1e-2, with 90% probability". :func:`epsilon_interval`
fits that statement to a distribution on ``(0, 1]`` (a log-normal by default,
or a Beta), and :func:`budget_distribution` draws ``epsilon`` from it (or takes
the user's own samples) and computes the **exact certified budget of every
draw** through the vectorised :func:`bounds.budget`. The output reports budget
quantiles, the probability that the budget reaches a required ``N``, and the
seed that reproduces the draws.

Each draw is a float, and a float means the decimal it prints as (DESIGN §2):
the budget of a draw is exact for that decimal. Only the draws are random.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError
from bounds.evidence.confidence import confidence_level
from bounds.numeric.parse import exact, format_number, generations, json_value
from bounds.numeric.parse import threshold as as_threshold
from bounds.solve.api import budget as vectorised_budget
from bounds.solve.budget import BudgetArray

__all__ = [
    "DEFAULT_QUANTILES",
    "MAX_DRAWS",
    "BetaEpsilon",
    "BudgetDistribution",
    "LogNormalEpsilon",
    "SampledEpsilon",
    "budget_distribution",
    "epsilon_interval",
]

#: Most Monte Carlo draws in one call (each costs ~40 bytes in the intermediate arrays).
MAX_DRAWS = 100_000_000

#: Budget quantiles reported unless others are asked for.
DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

_DISTRIBUTIONS = ("lognormal", "beta")


def _interval(low: Any, high: Any) -> tuple[Fraction, Fraction]:
    lo = exact(low, "epsilon interval low")
    hi = exact(high, "epsilon interval high")
    if not 0 < lo <= 1:
        raise ParameterError("epsilon interval low", "in (0, 1]", low)
    if not 0 < hi <= 1:
        raise ParameterError("epsilon interval high", "in (0, 1]", high)
    if lo >= hi:
        raise ParameterError("epsilon interval", "(low, high) with low < high", (low, high))
    return lo, hi


@dataclass(frozen=True)
class LogNormalEpsilon:
    r"""``ln epsilon ~ Normal(mu, sigma)``, conditioned on ``epsilon <= 1``.

    Attributes
    ----------
    mu, sigma : float
        Mean and standard deviation of ``ln epsilon`` before conditioning.
    source : tuple
        The ``(low, high, credibility)`` it was fitted to, if any.

    Notes
    -----
    Fitted so that ``(low, high)`` is the central ``credibility`` interval of
    the untruncated log-normal:
    ``mu = (ln low + ln high)/2``, ``sigma = (ln high - ln low) / (2 z)``, ``z = \Phi^{-1}((1+P)/2)``.
    A log-normal puts mass above 1; it is removed by conditioning on
    ``epsilon <= 1`` (never by clipping), and :attr:`mass_above_one` reports how
    much was removed (about 4e-7 for "1e-4 to 1e-2, 90%").
    """

    mu: float
    sigma: float
    source: tuple[Fraction, Fraction, Fraction] | None = None

    name = "lognormal"

    @property
    def mass_above_one(self) -> float:
        """Probability the untruncated log-normal puts on ``epsilon > 1`` (removed)."""
        from scipy import special

        return float(special.ndtr(self.mu / self.sigma))

    def cdf(self, x: Any) -> Any:
        """``P(epsilon <= x)`` of the truncated distribution."""
        from scipy import special

        kept = special.ndtr(-self.mu / self.sigma)
        with np.errstate(divide="ignore"):
            z = (np.log(np.asarray(x, dtype=np.float64)) - self.mu) / self.sigma
        return np.minimum(special.ndtr(z) / kept, 1.0)

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """``size`` draws by inverting the truncated normal CDF of ``ln epsilon``."""
        from scipy import special

        kept = special.ndtr(-self.mu / self.sigma)
        log_epsilon = self.mu + self.sigma * special.ndtri(rng.random(size) * kept)
        # ndtri(u * kept) <= -mu/sigma already; the minimum only absorbs its last-ulp rounding
        return np.exp(np.minimum(log_epsilon, 0.0))

    def to_dict(self) -> dict[str, Any]:
        return {"distribution": self.name, "mu": self.mu, "sigma": self.sigma,
                "mass_above_one_removed": self.mass_above_one, **_source_dict(self.source)}


@dataclass(frozen=True)
class BetaEpsilon:
    """``epsilon ~ Beta(a, b)``.

    Fitted by solving for ``(a, b)`` so that ``low`` and ``high`` are the
    ``(1-P)/2`` and ``(1+P)/2`` quantiles (``scipy.optimize.root`` on the
    regularised incomplete beta function in log-parameters).
    """

    a: float
    b: float
    source: tuple[Fraction, Fraction, Fraction] | None = None

    name = "beta"

    def cdf(self, x: Any) -> Any:
        """``P(epsilon <= x)``."""
        from scipy import special

        return special.betainc(self.a, self.b, np.asarray(x, dtype=np.float64))

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        return rng.beta(self.a, self.b, size)

    def to_dict(self) -> dict[str, Any]:
        return {"distribution": self.name, "a": self.a, "b": self.b, **_source_dict(self.source)}


@dataclass(frozen=True)
class SampledEpsilon:
    """The user's own draws of ``epsilon`` (from a model, an elicitation, a posterior...)."""

    samples: np.ndarray = field(repr=False)

    name = "samples"

    def __post_init__(self) -> None:
        array = np.asarray(self.samples)
        if array.size == 0:
            raise ParameterError("epsilon samples", "a non-empty array of probabilities", self.samples)
        if array.dtype.kind not in "fiu":
            raise ParameterError("epsilon samples", "an array of numbers in [0, 1]", array.dtype)
        values = array.astype(np.float64).ravel()
        good = (values >= 0) & (values <= 1)  # False for NaN
        if not good.all():
            raise ParameterError("epsilon samples", "in [0, 1]", float(values[~good][0]))
        values.setflags(write=False)
        object.__setattr__(self, "samples", values)

    def to_dict(self) -> dict[str, Any]:
        return {"distribution": self.name, "count": int(self.samples.size)}


def _source_dict(source: tuple[Fraction, Fraction, Fraction] | None) -> dict[str, Any]:
    if source is None:
        return {}
    low, high, credibility = source
    return {"low": json_value(low), "high": json_value(high), "credibility": json_value(credibility)}


def epsilon_interval(low: Any, high: Any, credibility: Any, distribution: str = "lognormal") -> Any:
    r"""Fit "``epsilon`` is between ``low`` and ``high`` with probability ``credibility``".

    Parameters
    ----------
    low, high : number
        The interval, ``0 < low < high <= 1``.
    credibility : number
        Probability of the interval, in ``(0, 1)``; it is taken as the central
        interval (equal tails).
    distribution : {"lognormal", "beta"}
        The family. A log-normal (default) spreads belief evenly over orders of
        magnitude; a Beta is the natural family for a probability but cannot
        put ``high = 1`` at a quantile below 1.

    Returns
    -------
    LogNormalEpsilon or BetaEpsilon

    Examples
    --------
    >>> fitted = epsilon_interval("1e-4", "1e-2", "0.9")
    >>> round(fitted.mu, 4), round(fitted.sigma, 4)
    (-6.9078, 1.3999)
    >>> [round(float(value), 4) for value in fitted.cdf([1e-4, 1e-2])]
    [0.05, 0.95]
    >>> epsilon_interval("1e-2", "1e-4", "0.9")
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: epsilon interval must be (low, high) with low < high, got ('1e-2', '1e-4')
    """
    from scipy import special

    lo, hi = _interval(low, high)
    level = confidence_level(credibility, "credibility")
    if distribution not in _DISTRIBUTIONS:
        raise ParameterError("distribution", f"one of {', '.join(_DISTRIBUTIONS)}", distribution)
    source = (lo, hi, level)
    # the normal quantile of (1 + level)/2, through erfinv so that a tiny level keeps its digits
    z = math.sqrt(2) * float(special.erfinv(float(level)))
    log_lo, log_hi = _log(lo), _log(hi)
    sigma = (log_hi - log_lo) / (2 * z) if z > 0 else math.inf
    if not (math.isfinite(z) and math.isfinite(sigma)):
        raise ParameterError(
            "credibility", "in (0, 1) and within the float range of both ends (1e-300 to 1 - 1e-16)", credibility
        )
    mu = (log_lo + log_hi) / 2
    if distribution == "lognormal":
        return LogNormalEpsilon(mu, sigma, source)
    return _fit_beta(source, f"({low}, {high})")


def _log(value: Fraction) -> float:
    # math.log of a Fraction goes through float and fails below 1e-308; of an int it never does
    return math.log(value.numerator) - math.log(value.denominator)


def _gamma_start(low: float, high: float, p_low: float, p_high: float) -> tuple[float, float] | None:
    """Start for a Beta fit with both quantiles small: ``b * epsilon`` is nearly ``Gamma(a)``.

    The ratio of two Gamma quantiles depends on the shape alone, so ``a`` solves a
    one-dimensional monotone equation and ``b`` follows from the lower quantile.
    """
    from scipy import optimize, special

    def ratio_excess(log_a: float) -> float:
        a = math.exp(log_a)
        with np.errstate(all="ignore"):
            ratio = np.log(special.gammaincinv(a, p_high)) - np.log(special.gammaincinv(a, p_low))
        return float(ratio) - math.log(high / low) if np.isfinite(ratio) else math.inf

    try:
        a = math.exp(optimize.brentq(ratio_excess, -6.0, 20.0))
    except ValueError:
        return None
    return a, max(float(special.gammaincinv(a, p_low)) / low, 1.0)


def _beta_starts(low: float, high: float, p_low: float, p_high: float) -> list[tuple[float, float]]:
    from scipy import special

    starts = []
    small = _gamma_start(low, high, p_low, p_high)
    mirrored = _gamma_start(1 - high, 1 - low, p_low, p_high)  # 1 - epsilon ~ Beta(b, a)
    if small is not None:
        starts.append(small)
    if mirrored is not None:
        starts.append(mirrored[::-1])
    # moments of a normal with this central interval, and a flat start
    mean, spread = (low + high) / 2, (high - low) / (2 * float(special.ndtri(p_high)))
    if spread**2 > 0:
        scale = max(mean * (1 - mean) / spread**2 - 1, 0.5)
        starts.append((mean * scale, (1 - mean) * scale))
    starts += [(0.5, 0.5), (1.0, 1.0)]
    return starts


def _fit_beta(source: tuple[Fraction, Fraction, Fraction], shown: str) -> BetaEpsilon:
    from scipy import optimize, special

    low, high, level = (float(value) for value in source)
    if low < 1e-300:
        raise BoundsError(f"epsilon interval {shown} reaches below 1e-300, where a Beta cannot be fitted in "
                          "floating point; use distribution='lognormal'")
    if level < 1e-8:  # the fit matches the quantiles to 1e-9: a narrower central interval is noise
        raise ParameterError("credibility", "at least 1e-8 for a Beta fit (or use distribution='lognormal')",
                             format_number(source[2]))
    p_low, p_high = (1 - level) / 2, (1 + level) / 2
    if high >= 1:
        raise BoundsError(
            f"a Beta distribution cannot have epsilon interval high = 1 as its {p_high:g} quantile; "
            "use distribution='lognormal' or high < 1"
        )
    targets = special.ndtri(np.array([p_low, p_high]))
    ends = np.array([low, high])

    def residual(log_ab: np.ndarray) -> np.ndarray:
        # compared on the normal-quantile scale, where tail probabilities near 0 or 1 stay resolved
        with np.errstate(all="ignore"):
            a, b = np.exp(log_ab)
            return special.ndtri(special.betainc(a, b, ends)) - targets

    message = "no start converged"
    for a0, b0 in _beta_starts(low, high, p_low, p_high):
        solution = optimize.root(residual, np.log([a0, b0]), method="hybr")
        message = solution.message
        with np.errstate(over="ignore"):
            a, b = (float(value) for value in np.exp(solution.x))
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        fitted = BetaEpsilon(a, b, source)
        if np.max(np.abs(fitted.cdf(ends) - [p_low, p_high])) < 1e-9:
            return fitted
    raise BoundsError(
        f"no Beta distribution was found with {shown} as its central {format_number(level)} interval "
        f"(scipy.optimize.root: {' '.join(str(message).split())})"
    )


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetDistribution(Displayed):
    """Budgets of ``draws`` values of ``epsilon``, each exact and certified.

    Attributes
    ----------
    epsilon : LogNormalEpsilon, BetaEpsilon or SampledEpsilon
        Where the draws came from.
    threshold : Fraction
        ``T``.
    draws : int
        Number of draws.
    seed : int or None
        Seed of :class:`numpy.random.Generator` (PCG64) that reproduces the draws
        (``None`` for the user's own samples).
    budgets : numpy.ma.MaskedArray
        The exact budget of every draw, masked where unbounded (``epsilon = 0``).
    quantile_levels : tuple of float
        The levels of :attr:`quantiles`.
    required : int or None
        A required number of generations, for :attr:`probability_required`.
    """

    epsilon: Any
    threshold: Fraction
    draws: int
    seed: int | None
    budgets: np.ma.MaskedArray = field(repr=False)
    quantile_levels: tuple[float, ...] = DEFAULT_QUANTILES
    required: int | None = None

    @property
    def unbounded_fraction(self) -> float:
        """Fraction of draws whose budget is unbounded."""
        return float(np.ma.getmaskarray(self.budgets).mean())

    def quantile(self, level: float) -> int | None:
        """The ``level`` quantile of the budget: the smallest ``b`` drawn with ``P(N* <= b) >= level``.

        An order statistic (numpy's ``inverted_cdf``), hence an exact integer;
        ``None`` when it falls among unbounded draws.
        """
        return self._order_statistics((level,))[0]

    @cached_property
    def quantiles(self) -> dict[float, int | None]:
        """Quantiles of the budget at :attr:`quantile_levels`."""
        return dict(zip(self.quantile_levels, self._order_statistics(self.quantile_levels), strict=True))

    def _order_statistics(self, levels: tuple[float, ...]) -> list[int | None]:
        indices = []
        for level in levels:
            if not 0 <= level <= 1:
                raise ParameterError("quantile level", "in [0, 1]", level)
            # index ceil(level * draws) - 1, in exact arithmetic (0.05 * 1e6 must not round up)
            rank = math.ceil(exact(level, "quantile level") * self.draws)
            indices.append(min(max(rank - 1, 0), self.draws - 1))
        # unbounded draws are masked: they rank after every finite budget
        finite = self.budgets.compressed()
        wanted = sorted({index for index in indices if index < finite.size})
        selected = np.partition(finite, wanted) if wanted else finite  # O(draws), no full sort
        return [None if index >= finite.size else int(selected[index]) for index in indices]

    def probability_at_least(self, generations_required: Any) -> float:
        """Fraction of draws whose budget is ``>= generations_required`` (unbounded counts)."""
        required = generations(generations_required, "required")
        finite = self.budgets.compressed()
        if finite.dtype != object and required > np.iinfo(np.int64).max:
            count = 0
        else:
            count = int(np.count_nonzero(finite >= required))
        unbounded = int(np.ma.getmaskarray(self.budgets).sum())
        return (count + unbounded) / self.draws

    @property
    def probability_required(self) -> float | None:
        """``P(N* >= required)`` over the draws, when ``required`` was given."""
        return None if self.required is None else self.probability_at_least(self.required)

    def standard_error(self, probability: float) -> float:
        """Binomial Monte Carlo standard error of a probability estimated from the draws."""
        return math.sqrt(probability * (1 - probability) / self.draws)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": "independent",
            "epsilon_distribution": self.epsilon.to_dict(),
            "threshold": json_value(self.threshold),
            "draws": self.draws,
            "seed": self.seed,
            "quantiles": {f"{level:g}": value for level, value in self.quantiles.items()},
            "unbounded_fraction": self.unbounded_fraction,
        }
        if self.required is not None:
            probability = self.probability_at_least(self.required)
            data["required"] = self.required
            data["probability_budget_at_least_required"] = probability
            data["probability_standard_error"] = self.standard_error(probability)
        return data

    def __str__(self) -> str:
        source = self.epsilon.to_dict()
        lines = [f"epsilon    {_describe(source)}",
                 f"threshold  T = {format_number(self.threshold)}",
                 f"draws      {self.draws} (seed {self.seed})",
                 "budget quantiles (each draw's budget exact and certified):"]
        for level, value in self.quantiles.items():
            lines.append(f"  {level * 100:>5g}%  {'unbounded' if value is None else value}")
        if self.required is not None:
            probability = self.probability_at_least(self.required)
            lines.append(f"P(N* >= {self.required}) = {format_number(probability)} "
                         f"(Monte Carlo standard error {format_number(self.standard_error(probability), 2)})")
        return "\n".join(lines)


def _describe(source: dict[str, Any]) -> str:
    kind = source["distribution"]
    if kind == "samples":
        return f"{source['count']} samples given"
    fitted = (f"log-normal, ln epsilon ~ N({source['mu']:.6g}, {source['sigma']:.6g}^2) conditioned on <= 1"
              if kind == "lognormal" else f"Beta({source['a']:.6g}, {source['b']:.6g})")
    if "low" in source:
        low, high, level = (exact(source[key], key) for key in ("low", "high", "credibility"))
        return (f"{format_number(low)} to {format_number(high)} with "
                f"{format_number(level * 100)}% credibility, fitted as {fitted}")
    return fitted


def _seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return generations(seed, "seed")


def budget_distribution(
    epsilon: Any,
    threshold: Any,
    draws: Any = 100_000,
    seed: Any = None,
    required: Any = None,
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES,
) -> BudgetDistribution:
    r"""Distribution of the certified budget when ``epsilon`` is uncertain.

    Parameters
    ----------
    epsilon : LogNormalEpsilon, BetaEpsilon or array_like
        A fitted distribution (see :func:`epsilon_interval`) or the user's own
        samples of ``epsilon`` (used as they are; ``draws`` and ``seed`` are then ignored).
    threshold : number
        ``T`` in ``(0, 1]``.
    draws : int
        Number of Monte Carlo draws.
    seed : int, optional
        Seed for :func:`numpy.random.default_rng`; a fresh one is drawn when
        omitted, and either way it is reported in the result.
    required : int, optional
        A required number of generations: the result reports ``P(N* >= required)``.
    quantiles : tuple of float
        Quantile levels to report.

    Returns
    -------
    BudgetDistribution

    Notes
    -----
    For each draw :math:`\varepsilon_j`, :math:`N^*_j = \lfloor \ln T / \ln(1-\varepsilon_j) \rfloor`,
    exact (the vectorised :func:`bounds.budget` decides near-ties in exact arithmetic).
    Quantiles are order statistics of the ``N^*_j``; ``P(N^* >= N)`` is the
    fraction of draws, with binomial standard error ``sqrt(p(1-p)/draws)``.

    Examples
    --------
    >>> result = budget_distribution(epsilon_interval("1e-4", "1e-2", "0.9"), "0.9", draws=10_000, seed=1)
    >>> result.quantiles[0.5]
    103
    >>> result.seed
    1
    >>> budget_distribution([0.001, 0.01, 0.1], "0.9").quantiles[0.5]
    10
    """
    target = as_threshold(threshold)
    levels = tuple(float(level) for level in quantiles)
    for level in levels:
        if not 0 <= level <= 1:
            raise ParameterError("quantile level", "in [0, 1]", level)
    if isinstance(epsilon, (LogNormalEpsilon, BetaEpsilon)):
        count = generations(draws, "draws")
        if not 1 <= count <= MAX_DRAWS:
            raise ParameterError("draws", f"a whole number from 1 to {MAX_DRAWS} (memory)", draws)
        used_seed: int | None = _seed(seed)
        values = epsilon.sample(count, np.random.default_rng(used_seed))
        if not (values > 0).all():
            raise BoundsError(
                f"the {epsilon.name} fit of the epsilon interval put draws of epsilon below the float range "
                "(they would read as 0, an unbounded budget); raise the interval's low end or its credibility"
            )
        source: Any = epsilon
    else:
        source = epsilon if isinstance(epsilon, SampledEpsilon) else SampledEpsilon(epsilon)
        values, used_seed, count = source.samples, None, int(source.samples.size)
    with np.errstate(over="ignore"):
        # subnormal draws overflow ln T / ln(1 - eps) to inf in bounds.budget's float pass, which then
        # (correctly) hands them to the exact solver; the warning is noise here
        budgets = vectorised_budget(epsilon=values, threshold=_threshold_argument(target))
    assert isinstance(budgets, BudgetArray)
    needed = None if required is None else generations(required, "required")
    return BudgetDistribution(source, target, count, used_seed, budgets.n, levels, needed)


def _threshold_argument(target: Fraction) -> Any:
    # the vectorised float path reads a float as its decimal; use it when that decimal is T itself
    as_float = float(target)
    if exact(as_float, "threshold") == target:
        return as_float
    return np.asarray(target, dtype=object)
