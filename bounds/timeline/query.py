r"""Timeline queries for any model: survival at a time, the alignment horizon, and dates.

A model gives ``S(N)``; a :class:`~bounds.timeline.cadence.Cadence` gives ``N(t)``, the certified
number of generations completed ``t`` months after the start. Then

* the survival at time ``t`` is ``S(N(t))`` (``S(infinity)`` past a Zeno limit);
* the **alignment horizon** is ``t_{N*+1}``, the completion of the first generation at which
  ``S < T`` (``N*`` the certified budget). It is unbounded exactly when the budget is: with an
  accelerating cadence a finite ``N*`` still has a finite ``t_{N*+1}`` below the Zeno limit, and an
  unbounded budget (``S(infinity) >= T``) means the Zeno limit comes first;
* with an uncertain start ``t_0 ~ F`` (:class:`StartDistribution`),
  ``P(aligned at t) = 1 - F(t) + integral S(N(t - t_0)) dF(t_0)``.

>>> from bounds import Independent
>>> from bounds.timeline import GeometricCadence
>>> result = horizon(Independent(epsilon="0.001"), GeometricCadence(first=12, ratio="0.8"), "0.605")
>>> result.budget.n, result.generation, round(result.months, 6)
(502, 503, 60.0)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.errors import BoundsError, ParameterError
from bounds.numeric.parse import exact, format_number, probability
from bounds.numeric.parse import threshold as as_threshold
from bounds.timeline.cadence import Cadence

__all__ = [
    "AlignedProbability",
    "Horizon",
    "StartDistribution",
    "aligned_probability",
    "format_month",
    "horizon",
    "parse_month",
    "survival_at",
    "timeline_model",
]

_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})\s*$")
# steps of S(N(u)) summed one by one inside one segment of the start distribution; the rest is bounded
_MAX_STEPS = 200_000


def parse_month(text: object, name: str = "date") -> Fraction:
    """``"YYYY-MM"`` as months since year 0: ``12 * year + month - 1`` (the first instant of that month).

    Examples
    --------
    >>> parse_month("2027-12"), format_month(parse_month("2027-12") + 13)
    (Fraction(24335, 1), '2029-01')
    >>> parse_month("2027-13")
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: date must be a month YYYY-MM (month 01 to 12), got '2027-13'
    """
    match = _MONTH.match(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ParameterError(name, "a month YYYY-MM (month 01 to 12)", text)
    return Fraction(12 * int(match.group(1)) + int(match.group(2)) - 1)


def format_month(months: object) -> str:
    """The month ``YYYY-MM`` that contains the instant ``months`` (months since year 0)."""
    whole = math.floor(months)  # type: ignore[call-overload]
    year, month = divmod(whole, 12)
    return f"{year:04d}-{month + 1:02d}"


class _Minimal:
    """``survival`` and ``limit`` for a user's object that has only the documented minimum ``log_survival(ctx, n)``."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def survival(self, n: Any) -> Any:
        from bounds.numeric.contexts import FLOAT

        values = np.exp(np.asarray(self.model.log_survival(FLOAT, np.asarray(n, dtype=float)), dtype=float))
        return values if np.ndim(n) else float(values)

    def limit(self) -> float:
        from bounds.numeric.contexts import FLOAT

        log_limit = getattr(self.model, "log_limit", None)
        if not callable(log_limit):
            raise BoundsError(f"{self.model!r} has no log_limit(ctx): S(infinity) past a Zeno limit is unknown")
        return float(np.exp(float(log_limit(FLOAT))))

    def log_survival(self, ctx: Any, n: Any) -> Any:
        return self.model.log_survival(ctx, n)

    def __repr__(self) -> str:
        return repr(self.model)


def timeline_model(model: Any) -> Any:
    """``model`` itself, or an adapter giving ``survival``/``limit`` from the minimum ``log_survival(ctx, n)``."""
    if callable(getattr(model, "survival", None)) and callable(getattr(model, "limit", None)):
        return model
    if not callable(getattr(model, "log_survival", None)):
        raise ParameterError("model", "an object with a method log_survival(ctx, n) (see the tutorial)", model)
    return _Minimal(model)


def survival_at(model: Any, cadence: Cadence, t: object) -> tuple[int | None, float]:
    """``(N(t), S(N(t)))`` ``t`` months after the start; ``N`` is ``None`` past the Zeno limit.

    Examples
    --------
    >>> from bounds import Independent
    >>> from bounds.timeline import ConstantCadence
    >>> n, s = survival_at(Independent(epsilon="0.001"), ConstantCadence(interval=1), 500)
    >>> n, round(s, 4)
    (500, 0.6064)
    """
    model = timeline_model(model)
    n = cadence.generations_by(t)
    if n is None:
        return None, float(model.limit())
    return n, _survival(model, n)


def _survival(model: Any, n: int) -> float:
    """``S(n)`` as a float; beyond the float API's range of ``n``, from a 64-bit ball of ``ln S(n)``."""
    try:
        return float(model.survival(n))
    except ParameterError:
        from bounds.numeric.certify import exp_ball
        from bounds.numeric.contexts import BallContext

        try:
            with BallContext(64) as ctx:
                ball = model.log_survival(ctx, n)
            return float(exp_ball(ball, 64).mid())
        except NotImplementedError:  # a family not yet on balls: S is non-increasing, bracket it
            pass
        top = float(model.survival(2**1000))
        try:
            bottom = float(model.limit())
        except BoundsError:
            bottom = 0.0
        if top - bottom <= 1e-15 * top:
            return top
        raise BoundsError(f"S(N) for N = {format_number(n)} generations is beyond what {model!r} evaluates") from None


@dataclass(frozen=True)
class Horizon:
    """The alignment horizon: generation ``N* + 1`` completes at ``months`` after the start.

    Attributes
    ----------
    budget : Budget
        The certified budget ``N*``.
    generation : int or None
        ``N* + 1``, or ``None`` when unbounded.
    months : float or None
        ``t_{N*+1}`` (``None`` when unbounded).
    months_exact : Fraction or None
        ``t_{N*+1}`` exactly when it is rational and cheap.
    zeno : Fraction or None
        The cadence's Zeno limit.
    cadence : Cadence or None
        The cadence it was computed for (for derivations and reports).
    """

    budget: Any
    generation: int | None
    months: float | None
    months_exact: Fraction | None
    zeno: Fraction | None
    cadence: Any = field(default=None, repr=False, compare=False)

    @property
    def unbounded(self) -> bool:
        return self.generation is None


def horizon(model: Any, cadence: Cadence, threshold: object) -> Horizon:
    r"""The first time at which ``S`` falls below ``T``: ``t_{N*+1}``, or unbounded.

    Notes
    -----
    ``S(N(t)) >= T`` iff ``N(t) <= N*`` iff ``t < t_{N*+1}``. With a Zeno limit ``Z`` and
    ``S(infinity) >= T`` the budget is unbounded and ``S(N(t)) >= T`` for every ``t`` (past ``Z``,
    ``S(N(t)) = S(infinity)``).

    Examples
    --------
    >>> from bounds import Geometric, PersistentUnsafe
    >>> from bounds.timeline import GeometricCadence
    >>> cadence = GeometricCadence(first=12, ratio="0.8")
    >>> horizon(Geometric(epsilon1="0.01", ratio="0.5"), cadence, "0.9").unbounded
    True
    >>> floored = PersistentUnsafe(Geometric(epsilon1="0.01", ratio="0.5"), mass="0.001")
    >>> result = horizon(floored, cadence, "0.9")
    >>> result.generation, result.months < 60
    (91, True)
    """
    from bounds.solve.budget import solve  # the solver, also for a user's duck-typed model

    budget = solve(model, as_threshold(threshold))
    if budget.n is None:
        return Horizon(budget, None, None, None, cadence.zeno, cadence)
    generation = budget.n + 1
    months_exact = cadence.time_exact(generation)
    return Horizon(budget, generation, cadence.time(generation), months_exact, cadence.zeno, cadence)


@dataclass(frozen=True)
class StartDistribution:
    r"""When the lineage starts: a monotone piecewise-linear CDF through user quantiles.

    Parameters
    ----------
    points : sequence of (date, probability)
        Dates as months since year 0 (see :func:`parse_month`) or ``"YYYY-MM"`` strings, strictly
        increasing; probabilities non-decreasing in ``[0, 1]``.

    Notes
    -----
    ``F`` is linear between consecutive quantiles. Before the first quantile ``(d_1, p_1)``
    ``F = 0`` and the mass ``p_1`` sits at ``d_1`` (a jump): nothing is invented about the stretch
    the user did not describe. Since ``S(N(t - t_0))`` grows with ``t_0``, this is the *latest*
    start consistent with ``F(d_1) = p_1``, so it gives the highest ``P(aligned)`` among such
    readings; to spread the mass, give an earliest date with probability 0 (``"2025-01:0"``).
    ``1 - F(d_m)`` is the probability that the lineage never starts.

    Examples
    --------
    >>> start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    >>> start.cdf(parse_month("2028-06")), start.never
    (Fraction(9, 20), Fraction(2, 5))
    >>> StartDistribution.from_text("2028-12:0.6,2027-12:0.3")
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: --start-cdf dates must be strictly increasing, got '2027-12'
    """

    points: tuple[tuple[Any, Any], ...]

    def __post_init__(self) -> None:
        checked: list[tuple[Fraction, Fraction]] = []
        for date, p in self.points:
            when = parse_month(date, "--start-cdf date") if isinstance(date, str) else exact(date, "date")
            mass = probability(p, "--start-cdf probability")
            if checked and when <= checked[-1][0]:
                raise ParameterError("--start-cdf dates", "strictly increasing", date)
            if checked and mass < checked[-1][1]:
                raise ParameterError("--start-cdf probabilities", "non-decreasing", p)
            checked.append((when, mass))
        if not checked:
            raise ParameterError("--start-cdf", "at least one DATE:P quantile", self.points)
        object.__setattr__(self, "points", tuple(checked))

    @classmethod
    def from_text(cls, text: str) -> StartDistribution:
        """Parse ``"YYYY-MM:P,YYYY-MM:P,..."`` (spaces allowed)."""
        points: list[tuple[Any, Any]] = []
        for item in str(text).split(","):
            date, colon, p = item.partition(":")
            if not colon:
                raise ParameterError("--start-cdf quantile", "of the form YYYY-MM:P", item.strip())
            points.append((date.strip(), p.strip()))
        return cls(points=tuple(points))

    @classmethod
    def fixed(cls, date: object) -> StartDistribution:
        """A start known to the month: all mass at ``date``."""
        when = parse_month(date, "--start") if isinstance(date, str) else exact(date, "start")
        return cls(points=((when, Fraction(1)),))

    @property
    def never(self) -> Fraction:
        """``1 - F(last quantile)``: the probability of never starting."""
        return 1 - self.points[-1][1]

    def cdf(self, t: object) -> Fraction:
        """``F(t)`` exactly."""
        when = exact(t, "t")
        if when < self.points[0][0]:
            return Fraction(0)
        for (a, pa), (b, pb) in zip(self.points, self.points[1:], strict=False):
            if when < b:
                return pa + (pb - pa) * (when - a) / (b - a)
        return self.points[-1][1]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Start dates (float months; ``inf`` = never starts) drawn from ``F``, for simulation."""
        u = rng.random(size)
        dates = np.array([float(d) for d, _ in self.points])
        probs = np.array([float(p) for _, p in self.points])
        out = np.full(size, np.inf)
        started = u < probs[-1]
        out[started & (u < probs[0])] = dates[0]
        later = started & (u >= probs[0])
        out[later] = np.interp(u[later], probs, dates)
        return out

    def to_text(self) -> str:
        return ",".join(f"{format_month(d)}:{float(p):g}" for d, p in self.points)


@dataclass(frozen=True)
class AlignedProbability:
    """``P(aligned at t)`` as a float with a proved bound on its error from truncation and rounding.

    ``model``, ``cadence``, ``start`` and ``t`` record the question (for derivations and reports).
    """

    value: float
    error: float
    not_started: float
    model: Any = field(default=None, repr=False, compare=False)
    cadence: Any = field(default=None, repr=False, compare=False)
    start: Any = field(default=None, repr=False, compare=False)
    t: Fraction | None = field(default=None, repr=False, compare=False)


def _integral(model: Any, cadence: Cadence, lo: float, hi: float, zeno: float | None) -> tuple[float, float]:
    """``(integral, error)`` of ``S(N(u))`` over ``[lo, hi]``, ``0 <= lo <= hi`` months."""
    if hi <= lo:
        return 0.0, 0.0
    total, error = 0.0, 0.0
    if zeno is not None and hi >= zeno:
        total += float(model.limit()) * (hi - max(lo, zeno))
        if lo >= zeno:
            return total, error
        hi_inner, k_hi = zeno, None
    else:
        hi_inner, k_hi = hi, cadence.generations_by(Fraction(repr(hi)))
    k_lo = cadence.generations_by(Fraction(repr(lo)))
    assert k_lo is not None
    last = k_lo + _MAX_STEPS if k_hi is None else min(k_hi, k_lo + _MAX_STEPS)
    ks = np.arange(k_lo, last + 1, dtype=float)
    edges = np.clip(cadence.times(np.append(ks, last + 1)), lo, hi_inner)
    widths = np.diff(edges)
    survival = np.asarray(model.survival(ks), dtype=float)
    total += float(np.dot(survival, widths))
    error += 4e-16 * (hi - lo) * (len(ks) + 4)
    rest = hi_inner - edges[-1]
    if rest > 0:
        # S(N(u)) lies between S(at the end) and S(last + 1) on the rest: take the midpoint
        upper = float(model.survival(float(last + 1)))
        lower = float(model.limit()) if k_hi is None else float(model.survival(float(k_hi)))
        total += rest * (upper + lower) / 2
        error += rest * (upper - lower) / 2
    return total, error


def aligned_probability(model: Any, cadence: Cadence, start: StartDistribution, t: object) -> AlignedProbability:
    r"""``P(aligned at date t)`` with an uncertain start ``t_0 ~ F``.

    Notes
    -----
    .. math:: P(t) = 1 - F(t) + \sum_j \frac{m_j}{b_j - a_j}\int_{a_j}^{\min(b_j, t)} S(N(t - t_0))\,dt_0
              + p_1 S(N(t - d_1))

    over the linear pieces ``[a_j, b_j]`` of ``F`` with mass ``m_j`` and the jump ``p_1`` at the first
    quantile. ``S(N(u))`` is a step function with steps at the ``t_k``; each integral is the exact sum
    over its steps (in float64, step edges from the cadence), up to 200,000 steps per piece, and the
    rest is bounded between the survival values at its ends (an accelerating cadence near its Zeno
    limit). ``error`` bounds that truncation plus float rounding.

    Examples
    --------
    >>> from bounds import Independent
    >>> from bounds.timeline import GeometricCadence
    >>> start = StartDistribution.from_text("2027-12:0.3,2028-12:0.6")
    >>> p = aligned_probability(Independent(epsilon="0.001"), GeometricCadence(first=12, ratio="0.8"),
    ...                         start, parse_month("2032-12"))
    >>> round(p.value, 4), p.error < 1e-9, p.not_started
    (0.6967, True, 0.4)
    """
    model = timeline_model(model)
    when = exact(t, "t")
    zeno = None if cadence.zeno is None else float(cadence.zeno)
    not_started = 1 - start.cdf(when)
    total, error = float(not_started), 0.0
    (first, p_first), pieces = start.points[0], list(zip(start.points, start.points[1:], strict=False))
    if when >= first and p_first > 0:
        n = cadence.generations_by(when - first)
        value = float(model.limit()) if n is None else _survival(model, n)
        total += float(p_first) * value
    for (a, pa), (b, pb) in pieces:
        if when <= a or pb == pa:
            continue
        density = float((pb - pa) / (b - a))
        integral, err = _integral(model, cadence, float(when - min(b, when)), float(when - a), zeno)
        total += density * integral
        error += density * err
    question = model.model if isinstance(model, _Minimal) else model
    return AlignedProbability(total, error + 1e-15, float(not_started), question, cadence,
                              start, when)
