r"""Schedules fitted to red-team data, with a conservative budget over the confidence region.

Generation ``i`` was tested with ``n_i`` trials of which ``k_i`` failed. Each family gives a rate
``epsilon_i(theta)``; the binomial log-likelihood is

.. math:: \ell(\theta) = \sum_i k_i \ln \varepsilon_i(\theta) + (n_i - k_i) \ln(1 - \varepsilon_i(\theta)).

:func:`fit_family` finds the maximum-likelihood ``theta`` (scipy), the likelihood-ratio confidence
region ``{theta : 2(l(theta_hat) - l(theta)) <= chi2_p(C)}`` (``p`` parameters; Wilks), the budget at
the MLE and the **conservative budget**: a certified lower bound of the budget over the region,
proved by monotonicity (see :func:`fit_family`). :func:`fit` fits every family and chooses by AIC
(``2p - 2 l``); :func:`trend_test` is the likelihood-ratio test of a constant rate against a
geometric trend.

>>> data = GenerationData.from_rows([(1, 2000, 40), (2, 2000, 21), (3, 2000, 9), (4, 2000, 6)])
>>> result = fit_family(data, "geometric", confidence="0.95", threshold="0.95")
>>> {k: round(v, 3) for k, v in result.parameters.items()}
{'epsilon1': 0.02, 'ratio': 0.51}
>>> result.budget_mle.unbounded, result.budget_conservative.n
(True, 2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import numpy as np

from bounds.errors import BoundsError, ParameterError
from bounds.evidence._fit_logistic import (
    _WIDEN,
    _decimal,
    _expit,
    _logistic_conservative,
    _logistic_log_rate,
    _logistic_model,
    _logistic_starts,
    _logit,
)
from bounds.evidence.fit_data import GenerationData
from bounds.models import Geometric, Independent, Power
from bounds.numeric.parse import probability
from bounds.numeric.parse import threshold as as_threshold

__all__ = ["FAMILIES", "FitReport", "FittedSchedule", "fit", "fit_family", "log_likelihood", "trend_test"]

_LOGIT = 40.0  # free coordinates of a probability: logit in [-40, 40]
_LOG_RATIO = 12.0  # log ratio in [-12, 12]
_MAX_EXPONENT = 50.0


@dataclass(frozen=True)
class _Family:
    name: str
    names: tuple[str, ...]
    # free coordinates (an unconstrained-ish box) -> natural parameters
    natural: Any
    free: Any
    box: tuple[tuple[float, float], ...]
    # log epsilon_i for generation indices g >= 1
    log_rate: Any
    # +1: the budget is non-increasing in this parameter (take the region's maximum); -1: non-decreasing;
    # 0: not monotone (the family's ``conservative`` builds a dominating schedule from the region's box)
    direction: tuple[int, ...]
    model: Any
    conservative: Any = None
    starts: Any = None


def _geometric_log_rate(theta: Any, g: np.ndarray) -> np.ndarray:
    return np.minimum(0.0, math.log(theta[0]) + (g - 1) * math.log(theta[1]))


def _power_log_rate(theta: Any, g: np.ndarray) -> np.ndarray:
    return math.log(theta[0]) - theta[1] * np.log(g)


def _power_model(epsilon1: str, exponent: str) -> Any:
    # exponent 0 is the constant rate (Power requires a positive exponent)
    if float(exponent) == 0:
        return Independent(epsilon=epsilon1)
    return Power(epsilon1=epsilon1, exponent=exponent)  # type: ignore[arg-type]


FAMILIES: dict[str, _Family] = {
    "independent": _Family(
        "independent", ("epsilon",),
        natural=lambda x: (float(_expit(x[0])),), free=lambda t: (_logit(t[0]),),
        box=((-_LOGIT, _LOGIT),),
        log_rate=lambda t, g: np.full(g.shape, math.log(t[0])),
        direction=(1,), model=lambda p: Independent(epsilon=p[0]),
    ),
    "geometric": _Family(
        "geometric", ("epsilon1", "ratio"),
        natural=lambda x: (float(_expit(x[0])), math.exp(x[1])), free=lambda t: (_logit(t[0]), math.log(t[1])),
        box=((-_LOGIT, _LOGIT), (-_LOG_RATIO, _LOG_RATIO)),
        log_rate=_geometric_log_rate, direction=(1, 1),
        model=lambda p: Geometric(epsilon1=p[0], ratio=p[1]),
    ),
    "power": _Family(
        "power", ("epsilon1", "exponent"),
        natural=lambda x: (float(_expit(x[0])), float(x[1])), free=lambda t: (_logit(t[0]), float(t[1])),
        box=((-_LOGIT, _LOGIT), (0.0, _MAX_EXPONENT)),
        log_rate=_power_log_rate, direction=(1, -1),
        model=lambda p: _power_model(p[0], p[1]),
    ),
    "logistic": _Family(
        "logistic", ("epsilon_max", "steepness", "midpoint"),
        natural=lambda x: (float(_expit(x[0])), float(x[1]), float(x[2])),
        free=lambda t: (_logit(t[0]), float(t[1]), float(t[2])),
        box=((-_LOGIT, _LOGIT), (-10.0, 10.0), (-200.0, 1200.0)),
        log_rate=_logistic_log_rate, direction=(1, 0, 0),
        model=lambda p: _logistic_model(*p), conservative=_logistic_conservative, starts=_logistic_starts,
    ),
}


def log_likelihood(family: str, theta: Any, data: GenerationData) -> float:
    """The binomial log-likelihood ``l(theta)`` (without the binomial coefficients), ``-inf`` where impossible."""
    spec = FAMILIES[family]
    g = data.generations.astype(float)
    log_eps = spec.log_rate(theta, g)
    k, n = data.failures.astype(float), data.trials.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_keep = np.log(-np.expm1(log_eps))
        terms = np.where(k > 0, k * log_eps, 0.0) + np.where(n - k > 0, (n - k) * log_keep, 0.0)
    total = float(np.sum(terms))
    return total if not math.isnan(total) else -math.inf


def _objective(spec: _Family, data: GenerationData) -> Any:
    def negative(x: Any) -> float:
        value = log_likelihood(spec.name, spec.natural(x), data)
        return 1e300 if not math.isfinite(value) else -value

    return negative


def _maximise(spec: _Family, data: GenerationData) -> tuple[np.ndarray, float]:
    from scipy.optimize import minimize

    pooled = float(data.failures.sum() / data.trials.sum())
    negative = _objective(spec, data)
    if spec.name == "independent":
        x = np.array([_logit(pooled)])
        return x, -negative(x)
    rates = (data.failures + 0.5) / (data.trials + 1.0)
    g = data.generations.astype(float)
    if spec.starts is not None:
        starts = spec.starts(data)
    else:
        starts = [np.array(spec.free((max(pooled, 1e-12), 1.0 if spec.name == "geometric" else 0.0)))]
    if len(g) >= 2 and spec.starts is None:
        if spec.name == "geometric":
            slope, intercept = np.polyfit(g - 1, np.log(rates), 1)
            starts.append(np.array([_logit(math.exp(min(intercept, -1e-9))), float(np.clip(slope, -11, 11))]))
        else:
            slope, intercept = np.polyfit(np.log(g), np.log(rates), 1)
            starts.append(np.array([_logit(math.exp(min(intercept, -1e-9))), float(np.clip(-slope, 0, 49))]))
    low, high = [b[0] for b in spec.box], [b[1] for b in spec.box]

    def boxed(x: Any) -> float:
        # Nelder-Mead is unconstrained: outside the box, the value at the nearest box point plus a penalty
        inside = np.clip(x, low, high)
        return negative(inside) + float(np.sum((x - inside) ** 2))

    best: tuple[np.ndarray, float] | None = None
    for start in starts:
        result = minimize(boxed, np.clip(start, low, high), method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
        x = np.clip(result.x, low, high)
        if best is None or -negative(x) > best[1]:
            best = (x, -negative(x))
    assert best is not None
    return best


# the MLE of a family with more than two parameters, where its profiles start (set by fit_family)
_PROFILE_START: dict[str, np.ndarray] = {}


def _profile(spec: _Family, data: GenerationData, j: int, u: float, peak: float) -> float:
    """Profile deviance ``min over the other coordinate of 2(l_hat - l)`` with coordinate ``j`` fixed at ``u``."""
    from scipy.optimize import minimize_scalar

    negative = _objective(spec, data)
    if len(spec.box) == 1:
        return 2 * (peak + negative(np.array([u])))
    if len(spec.box) > 2:
        from scipy.optimize import minimize

        others = [i for i in range(len(spec.box)) if i != j]
        lows = np.array([spec.box[i][0] for i in others])
        highs = np.array([spec.box[i][1] for i in others])

        def rest(v: np.ndarray) -> float:
            inside = np.clip(v, lows, highs)
            x = np.array(_PROFILE_START[spec.name], dtype=float)
            x[j] = u
            x[others] = inside
            return negative(x) + float(np.sum((v - inside) ** 2))

        start = np.array(_PROFILE_START[spec.name], dtype=float)[others]
        result = minimize(rest, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10})
        return 2 * (peak + float(result.fun))
    other = 1 - j

    def at(v: float) -> float:
        x = np.empty(2)
        x[j], x[other] = u, v
        return negative(x)

    low, high = spec.box[other]
    grid = np.linspace(low, high, 49)
    values = [at(v) for v in grid]
    i = int(np.argmin(values))
    result = minimize_scalar(at, bounds=(grid[max(i - 1, 0)], grid[min(i + 1, 48)]), method="bounded",
                             options={"xatol": 1e-10})
    return 2 * (peak + min(float(result.fun), values[i]))


def _extreme(spec: _Family, data: GenerationData, x_hat: np.ndarray, peak: float, j: int, side: int,
             cut: float) -> tuple[float, bool]:
    """The region's extreme free coordinate ``j`` on ``side`` (+1 up, -1 down); ``(value, reached_box_edge)``."""
    from scipy.optimize import brentq

    edge = spec.box[j][1] if side > 0 else spec.box[j][0]
    start = float(x_hat[j])
    if _profile(spec, data, j, edge, peak) <= cut:
        return edge, True
    step, inner = 0.05, start
    while True:
        outer = start + side * step
        if (outer - edge) * side >= 0:
            outer = edge
        if _profile(spec, data, j, outer, peak) > cut:
            break
        inner, step = outer, step * 2
    if inner == outer:
        return inner, False
    value = brentq(lambda u: _profile(spec, data, j, u, peak) - cut, inner, outer, xtol=1e-12)
    return float(value), False


@dataclass(frozen=True)
class FittedSchedule:
    """One family fitted to the data (see :func:`fit_family`)."""

    family: str
    parameters: dict[str, float]
    log_likelihood: float
    aic: float
    confidence: float
    region: dict[str, tuple[float, float]]
    region_bounded: bool
    corner: dict[str, Any]
    model_mle: Any
    model_conservative: Any
    budget_mle: Any = None
    budget_conservative: Any = None
    notes: tuple[str, ...] = field(default=())
    #: ``chi2_p^{-1}(C)``, the region's cut on the deviance ``2(l_hat - l(theta))``
    cut: float = math.nan
    #: the data that were fitted (for derivations and reports)
    data: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        def budget(result: Any) -> Any:
            return None if result is None else result.n

        return {
            "family": self.family, "parameters": self.parameters, "log_likelihood": self.log_likelihood,
            "aic": self.aic, "confidence": self.confidence,
            "region": {key: list(value) for key, value in self.region.items()},
            "region_bounded": self.region_bounded, "corner": self.corner,
            "budget_mle": budget(self.budget_mle), "budget_mle_unbounded": getattr(self.budget_mle, "unbounded", None),
            "budget_conservative": budget(self.budget_conservative),
            "budget_conservative_unbounded": getattr(self.budget_conservative, "unbounded", None),
            "notes": list(self.notes),
        }


def fit_family(
    data: GenerationData, family: str, confidence: object = "0.95", threshold: object = None
) -> FittedSchedule:
    r"""Maximum-likelihood fit of one family, its LR confidence region and the conservative budget.

    Parameters
    ----------
    data : GenerationData
    family : {"independent", "geometric", "power", "logistic"}
    confidence : number
        ``C`` in ``(0, 1)``; the region is ``{theta : 2(l_hat - l(theta)) <= chi2_p^{-1}(C)}``.
    threshold : number, optional
        ``T``; when given, the budgets at the MLE and over the region are certified.

    Notes
    -----
    **Why the corner bounds the region.** ``S(N) = prod_{i<=N} (1 - epsilon_i(theta))``, so if every
    rate of ``theta*`` is at least the rate of ``theta`` then ``S_{theta*}(N) <= S_theta(N)`` for all
    ``N`` and ``N*(theta*) <= N*(theta)``. The rates are monotone in each parameter:

    * independent: ``epsilon`` itself; take the region's largest ``epsilon``;
    * geometric ``min(1, epsilon1 r^{i-1})``: non-decreasing in ``epsilon1`` and, as ``i - 1 >= 0``, in
      ``r``; take ``(max epsilon1, max r)`` over the region;
    * power ``epsilon1 i^{-s}``: non-decreasing in ``epsilon1``, non-increasing in ``s`` (``ln i >= 0``);
      take ``(max epsilon1, min s)`` (``s = 0`` is the constant rate);
    * logistic ``epsilon_max sigma(k (i - i0))``: non-decreasing in ``epsilon_max`` but not monotone in
      ``k``; since ``k (i - i0)`` is bilinear in ``(k, i0)`` its maximum over the region's box is at a
      corner for every ``i``, so ``epsilon_max_hi max_corners sigma(k (i - i0))`` (an expression
      schedule) dominates the region. Without the Logistic class the MLE model is the same formula
      as an expression schedule.

    The corner need not lie in the region, but it dominates every point of the box spanned by the
    region's extremes, hence every point of the region; its budget is certified by the solver. The
    extremes themselves are found numerically (profile likelihood, ``brentq`` to ``1e-12``) and widened
    outward by ``1e-6`` relative; when the region reaches the edge of the search box (a parameter the
    data do not bound), the corner sits at that edge and ``region_bounded`` is False. The region is
    Wilks' large-sample approximation: its coverage is nominal only asymptotically (the tests check it
    by simulation).

    References
    ----------
    Wilks, S. S. (1938), The large-sample distribution of the likelihood ratio for testing composite
    hypotheses, Ann. Math. Statist. 9, 60-62.
    """
    from scipy.stats import chi2

    if family not in FAMILIES:
        raise ParameterError("--family", f"one of {', '.join(FAMILIES)} or auto", family)
    level = probability(confidence, "--confidence")
    if not 0 < level < 1:
        raise ParameterError("--confidence", "in (0, 1)", confidence)
    spec = FAMILIES[family]
    x_hat, peak = _maximise(spec, data)
    cut = float(chi2.ppf(float(level), len(spec.names)))
    _PROFILE_START[spec.name] = x_hat
    region: dict[str, tuple[float, float]] = {}
    corner_free, bounded = list(x_hat), True
    for j, name in enumerate(spec.names):
        low, low_edge = _extreme(spec, data, x_hat, peak, j, -1, cut)
        high, high_edge = _extreme(spec, data, x_hat, peak, j, +1, cut)
        if spec.direction[j] == 0:
            bounded = bounded and not (low_edge or high_edge)
        else:
            pick, edge = (high, high_edge) if spec.direction[j] > 0 else (low, low_edge)
            bounded = bounded and not edge
            corner_free[j] = pick
        region[name] = (low, high)
    theta_hat = spec.natural(np.array(x_hat))
    natural_region = {}
    for j, name in enumerate(spec.names):
        lo_point, hi_point = list(x_hat), list(x_hat)
        lo_point[j], hi_point[j] = region[name]
        natural_region[name] = (spec.natural(np.array(lo_point))[j], spec.natural(np.array(hi_point))[j])
    corner: dict[str, Any] = {}
    if spec.conservative is not None:
        lows = [natural_region[name][0] for name in spec.names]
        highs = [natural_region[name][1] for name in spec.names]
        model_conservative = spec.conservative(lows, highs)
        for j, name in enumerate(spec.names):
            corner[name] = highs[j] if spec.direction[j] > 0 else [lows[j], highs[j]]
    else:
        corner_text = []
        for j, value in enumerate(spec.natural(np.array(corner_free))):
            widened = value * (1 + _WIDEN) if spec.direction[j] > 0 else value * (1 - _WIDEN)
            if spec.names[j].startswith("epsilon"):
                widened = min(widened, 1.0)
            corner_text.append(_decimal(widened, ROUND_CEILING if spec.direction[j] > 0 else ROUND_FLOOR))
        model_conservative = spec.model(corner_text)
        corner = {name: float(Decimal(text)) for name, text in zip(spec.names, corner_text, strict=True)}
    mle_text = [_decimal(value) for value in theta_hat]
    model_mle = spec.model(mle_text)
    notes = [] if bounded else ["the data do not bound the region inside the search box; the corner sits at its edge"]
    budget_mle = budget_conservative = None
    if threshold is not None:
        target = as_threshold(threshold, "--threshold")
        budget_mle = _budget_or_note(model_mle, target, "MLE", notes)
        budget_conservative = _budget_or_note(model_conservative, target, "conservative", notes)
    return FittedSchedule(
        family=family,
        parameters=dict(zip(spec.names, (float(v) for v in theta_hat), strict=True)),
        log_likelihood=peak,
        aic=2 * len(spec.names) - 2 * peak,
        confidence=float(level),
        region=natural_region,
        region_bounded=bounded,
        corner=corner,
        model_mle=model_mle,
        model_conservative=model_conservative,
        budget_mle=budget_mle,
        budget_conservative=budget_conservative,
        notes=tuple(notes),
        cut=cut,
        data=data,
    )


def _budget_or_note(model: Any, target: Any, label: str, notes: list[str]) -> Any:
    try:
        return model.budget(target)
    except BoundsError as error:
        # an expression schedule cannot prove S(infinity) >= T; its search horizon bounds the budget below
        notes.append(f"{label} budget: {error}")
        return None


def in_region(result: FittedSchedule, theta: Any, data: GenerationData) -> bool:
    """Whether ``theta`` lies in the fitted family's likelihood-ratio confidence region."""
    from scipy.stats import chi2

    cut = float(chi2.ppf(result.confidence, len(theta)))
    return 2 * (result.log_likelihood - log_likelihood(result.family, theta, data)) <= cut


def trend_test(data: GenerationData) -> tuple[float, float]:
    r"""Likelihood-ratio test of a constant rate against a geometric trend: ``(statistic, p_value)``.

    Notes
    -----
    ``D = 2 (l_geometric - l_independent)`` is asymptotically ``chi2_1`` when the rate is constant
    (the independent family is the geometric one at ``r = 1``, an interior point). A small p-value says
    the rates change with the generation in a way a log-linear trend captures; a large one says the
    data cannot tell a trend from noise at this sample size -- not that there is no trend.

    Examples
    --------
    >>> data = GenerationData.from_rows([(1, 2000, 40), (2, 2000, 21), (3, 2000, 9), (4, 2000, 6)])
    >>> statistic, p = trend_test(data)
    >>> round(statistic, 2), p < 1e-6
    (36.53, True)
    """
    from scipy.stats import chi2

    _, constant = _maximise(FAMILIES["independent"], data)
    _, trend = _maximise(FAMILIES["geometric"], data)
    statistic = max(0.0, 2 * (trend - constant))
    return statistic, float(chi2.sf(statistic, 1))


@dataclass(frozen=True)
class FitReport:
    """Every candidate's fit, the choice by AIC, and the trend test."""

    chosen: FittedSchedule
    candidates: tuple[FittedSchedule, ...]
    trend_statistic: float
    trend_p_value: float

    def to_dict(self) -> dict[str, Any]:
        chosen = self.chosen.to_dict()
        return {
            **chosen,
            "trend_statistic": self.trend_statistic,
            "trend_p_value": self.trend_p_value,
            "aic": {c.family: c.aic for c in self.candidates} if len(self.candidates) > 1 else self.chosen.aic,
            "candidates": [candidate.to_dict() for candidate in self.candidates],
        }


def fit(data: GenerationData, family: str = "auto", confidence: object = "0.95", threshold: object = None) -> FitReport:
    """Fit one family (or every family with ``"auto"``, choosing the smallest AIC) and test for a trend.

    Examples
    --------
    >>> data = GenerationData.from_rows([(1, 2000, 40), (2, 2000, 21), (3, 2000, 9), (4, 2000, 6)])
    >>> report = fit(data, "auto", threshold="0.95")
    >>> report.chosen.family, sorted(report.to_dict()["aic"])
    ('geometric', ['geometric', 'independent', 'logistic', 'power'])
    """
    names = list(FAMILIES) if family == "auto" else [family]
    candidates = tuple(fit_family(data, name, confidence, threshold) for name in names)
    chosen = min(candidates, key=lambda c: c.aic)
    statistic, p_value = trend_test(data)
    return FitReport(chosen, candidates, statistic, p_value)
