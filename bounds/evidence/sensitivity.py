r"""How much the budget moves with its inputs, and what rate a required budget needs.

* :func:`elasticity` — closed form for the Independent model, of the
  *continuous relaxation* ``N(epsilon, T) = ln T / ln(1 - epsilon)`` (the
  certified budget is its floor, a step function whose derivative is 0 almost
  everywhere);
* :func:`elasticity_fd` — finite differences of certified budgets for any
  model, through a factory ``value -> model``;
* :func:`required_epsilon` — the largest rate (or model parameter) that still
  allows ``N`` generations at ``T``;
* :func:`trials_needed` — the fewest (clean) trials whose confidence bound
  certifies ``N`` generations at ``T``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from bounds.display import Displayed
from bounds.errors import BoundsError, CertificationError, ParameterError
from bounds.evidence.confidence import confidence_level, method_function
from bounds.models.independent import Independent
from bounds.numeric.floats import float_bits, smallest_float
from bounds.numeric.parse import exact, generations, probability, to_mpf
from bounds.numeric.parse import threshold as as_threshold
from bounds.numeric.search import SearchLimit, last_true
from bounds.solve.api import max_epsilon
from bounds.solve.budget import Budget, compare_survival, log_threshold

__all__ = ["Elasticity", "elasticity", "elasticity_fd", "required_epsilon", "trials_needed"]


@dataclass(frozen=True)
class Elasticity(Displayed):
    r"""Elasticities ``d ln N / d ln x`` of the budget.

    Attributes
    ----------
    epsilon : float or ndarray
        With respect to ``epsilon`` (or the factory's parameter): a 1% rise in
        the rate changes the budget by about ``epsilon`` percent (near ``-1`` for small rates).
    threshold : float or ndarray
        With respect to ``T``: ``1 / ln T`` for every model whose ``ln S`` is
        linear in ``N``; large and negative when ``T`` is close to 1.
    method : str
        ``"closed form (continuous relaxation)"`` or ``"finite difference ..."``.
    budget : int, ndarray or None
        The certified budget at the point (finite differences only, else ``None``).
    """

    epsilon: Any
    threshold: Any
    method: str
    budget: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "elasticity_epsilon": np.asarray(self.epsilon).tolist(),
            "elasticity_threshold": np.asarray(self.threshold).tolist(),
            "method": self.method,
            "budget": self.budget if not isinstance(self.budget, np.ndarray) else self.budget.tolist(),
        }


def _closed_form(epsilon: Any, threshold: Any) -> tuple[float, float]:
    rate = probability(epsilon, "epsilon")
    target = as_threshold(threshold)
    if not 0 < rate < 1:
        raise ParameterError(
            "epsilon", "in (0, 1) for an elasticity (the budget is unbounded or 0 at the ends)", epsilon
        )
    if target == 1:
        raise ParameterError("threshold", "in (0, 1) for an elasticity (the budget is 0 at T = 1)", threshold)
    with mpmath.workdps(30):
        eps = to_mpf(rate)
        by_rate = eps / ((1 - eps) * mpmath.log1p(-eps))
        by_threshold = 1 / mpmath.log(to_mpf(target))
        return float(by_rate), float(by_threshold)


def elasticity(epsilon: Any, threshold: Any) -> Elasticity:
    r"""Elasticities of the Independent budget with respect to ``epsilon`` and ``T`` (closed form).

    Parameters
    ----------
    epsilon : number or array_like
        Per-generation failure probability in ``(0, 1)``.
    threshold : number or array_like
        ``T`` in ``(0, 1)``.

    Returns
    -------
    Elasticity
        Floats for scalar input, arrays (broadcast) otherwise.

    Notes
    -----
    These are derivatives of the continuous relaxation
    :math:`N(\varepsilon, T) = \ln T / \ln(1-\varepsilon)`, of which the budget is the floor:

    .. math:: \frac{\partial \ln N}{\partial \ln \varepsilon}
              = \frac{\varepsilon}{(1-\varepsilon)\ln(1-\varepsilon)}
              \;(\to -1 \text{ as } \varepsilon \to 0),
              \qquad
              \frac{\partial \ln N}{\partial \ln T} = \frac{1}{\ln T}.

    Examples
    --------
    >>> result = elasticity("0.001", "0.605")
    >>> round(result.epsilon, 6), round(result.threshold, 4)
    (-1.0005, -1.9899)
    """
    if not any(isinstance(item, (list, tuple, np.ndarray)) for item in (epsilon, threshold)):
        by_rate, by_threshold = _closed_form(epsilon, threshold)
        return Elasticity(by_rate, by_threshold, "closed form (continuous relaxation)")
    rates, targets = np.broadcast_arrays(
        np.asarray(epsilon, dtype=object), np.asarray(threshold, dtype=object)
    )
    pairs = [_closed_form(rate, target) for rate, target in zip(rates.flat, targets.flat, strict=True)]
    values = np.asarray(pairs, dtype=np.float64).reshape(*rates.shape, 2)
    return Elasticity(values[..., 0], values[..., 1], "closed form (continuous relaxation)")


def _budget_n(model: Any, target: Any) -> int:
    result = model.budget(target)
    assert isinstance(result, Budget)
    if result.n is None or result.n == 0:
        shown = "unbounded" if result.n is None else "0"
        raise BoundsError(f"the budget of {model!r} at T = {float(result.threshold):g} is {shown}: "
                          "its elasticity is undefined")
    return result.n


def elasticity_fd(factory: Callable[[Any], Any], value: Any, threshold: Any,
                  relative_step: float = 0.01) -> Elasticity:
    r"""Elasticities of any model's certified budget by central finite differences.

    Parameters
    ----------
    factory : callable
        ``factory(x)`` returns the model at parameter value ``x`` (for example
        ``lambda m: BetaMixture(mean=m, rho="0.01")``).
    value : number
        The parameter value at which to differentiate (> 0).
    threshold : number
        ``T`` in ``(0, 1)``.
    relative_step : float
        ``h``: the parameter is moved to ``x e^{±h}`` and ``ln T`` to ``(1 ± h) ln T``.

    Returns
    -------
    Elasticity

    Notes
    -----
    .. math:: \frac{\partial \ln N^*}{\partial \ln x}
              \approx \frac{\ln N^*(x e^{h}) - \ln N^*(x e^{-h})}{2h}

    and likewise in ``ln T``. Budgets are integers, so the quotient also
    carries a discretisation error of up to about ``1 / (h N*)``; choose ``h``
    so that ``h N*`` is large (the budgets used are certified, the derivative is not).

    Examples
    --------
    >>> from bounds import Independent
    >>> result = elasticity_fd(lambda x: Independent(epsilon=x), "0.001", "0.605")
    >>> round(result.epsilon, 2), round(result.threshold, 2), result.budget
    (-1.0, -1.98, 502)
    """
    if not (isinstance(relative_step, (int, float)) and not isinstance(relative_step, bool)
            and 0 < relative_step < 1):
        raise ParameterError("relative_step", "a number in (0, 1)", relative_step)
    center = exact(value, "value")
    if center <= 0:
        raise ParameterError("value", "a positive number", value)
    target = as_threshold(threshold)
    if target == 1:
        raise ParameterError("threshold", "in (0, 1) for an elasticity", threshold)
    h = float(relative_step)
    point = float(center)
    budget = _budget_n(factory(center), target)
    up = _budget_n(factory(point * math.exp(h)), target)
    down = _budget_n(factory(point * math.exp(-h)), target)
    model = factory(center)
    log_t = float(mpmath.log(to_mpf(target)))
    upper_t = math.exp(log_t * (1 - h))   # closer to 1
    lower_t = math.exp(log_t * (1 + h))
    at_upper, at_lower = _budget_n(model, upper_t), _budget_n(model, lower_t)
    by_value = (math.log(up) - math.log(down)) / (2 * h)
    # d ln N / d ln T = (ln N(T^(1-h)) - ln N(T^(1+h))) / (ln T^(1-h) - ln T^(1+h))
    by_threshold = (math.log(at_upper) - math.log(at_lower)) / (-2 * h * log_t)
    return Elasticity(by_value, by_threshold, f"finite difference of certified budgets, relative step {h:g}",
                      budget)


def required_epsilon(generations_required: Any, threshold: Any,
                     factory: Callable[[Any], Any] | None = None) -> float:
    r"""The largest rate that still allows ``N`` generations at ``T``.

    Parameters
    ----------
    generations_required : int
        ``N >= 1``.
    threshold : number
        ``T`` in ``(0, 1]``.
    factory : callable, optional
        ``factory(x)`` gives a model whose budget is non-increasing in ``x``
        (for example the mean rate of a BetaMixture). Without it, the
        Independent model: ``1 - T^{1/N}`` (:func:`bounds.max_epsilon`).

    Returns
    -------
    float
        The largest float ``x`` (as its decimal) whose certified budget is ``>= N``;
        the next float up gives a budget below ``N``.

    Examples
    --------
    >>> required_epsilon(500, "0.605")
    0.0010045...
    >>> from bounds import Independent
    >>> required_epsilon(500, "0.605", lambda x: Independent(epsilon=x))
    0.0010045...
    """
    count = generations(generations_required, "generations_required")
    if count < 1:
        raise ParameterError("generations_required", "a whole number >= 1", generations_required)
    target = as_threshold(threshold)
    guess = float(max_epsilon(count, target))
    if factory is None:
        return guess

    def too_large(x: Fraction) -> bool:
        # budget >= N  <=>  S(N) >= T, since S is non-increasing: one certified comparison per step
        return compare_survival(factory(x), count, target).sign < 0

    first_too_large = smallest_float(too_large, _float_root(factory, count, target, guess))
    return float(np.int64(float_bits(first_too_large) - 1).view(np.float64))


def _float_root(factory: Callable[[Any], Any], count: int, target: Fraction, guess: float) -> float:
    """Where ``ln S_x(N) = ln T`` in float64 (a starting point for the certified search, no more)."""
    from scipy import optimize

    log_t = log_threshold(target)

    def excess(log_x: float) -> float:
        return float(factory(math.exp(log_x)).log_survival(count)) - log_t

    low = high = math.log(guess)
    top = math.log(float(np.nextafter(1.0, 0.0)))
    for _ in range(64):
        if excess(high) < 0 or high >= top:
            break
        low, high = high, min(high + math.log(4.0), top)
    for _ in range(64):
        if excess(low) >= 0:
            break
        low, high = low - math.log(4.0), low
    if not excess(low) >= 0 > excess(high):
        return guess
    return math.exp(optimize.brentq(excess, low, high, xtol=1e-14, rtol=1e-15))


def trials_needed(
    generations_required: Any,
    threshold: Any,
    confidence: Any = "0.95",
    failures: Any = 0,
    method: str = "clopper-pearson",
) -> int:
    r"""The fewest trials with ``failures`` failures whose bound certifies ``N`` generations at ``T``.

    Parameters
    ----------
    generations_required : int
        ``N >= 1``.
    threshold : number
        ``T`` in ``(0, 1)``.
    confidence : number
        Confidence level of the bound.
    failures : int
        Failures expected among the trials (0: a clean run).
    method : str
        Bound method (see :func:`from_evidence`).

    Returns
    -------
    int
        The smallest ``n`` such that ``from_evidence(failures, n, confidence,
        method, threshold).budget.n >= N`` (each budget certified; the bound
        falls as ``n`` grows, so the search is a gallop and a bisection).

    Notes
    -----
    For a clean run and Clopper–Pearson this is about
    ``ln(1-c) / ln(1 - epsilon_N)`` with ``epsilon_N = 1 - T^{1/N}``: to certify
    502 generations at ``T = 0.605`` with 95% confidence takes 2993 clean trials
    (``ln 0.05 / ln(1 - epsilon_N) = 2992.6``).

    Examples
    --------
    >>> trials_needed(502, "0.605")
    2993
    >>> from bounds import from_evidence
    >>> [from_evidence(0, n, threshold="0.605").budget.n for n in (2992, 2993)]
    [501, 502]
    """
    count = generations(generations_required, "generations_required")
    if count < 1:
        raise ParameterError("generations_required", "a whole number >= 1", generations_required)
    target = as_threshold(threshold)
    if target == 1:
        raise ParameterError(
            "threshold", "below 1 (only epsilon = 0 keeps S = 1, which no finite evidence shows)", threshold
        )
    k = generations(failures, "failures")
    level = confidence_level(confidence)
    function = method_function(method)

    def enough(n: int) -> bool:
        budget = Independent(epsilon=exact(function(k, n, level), "epsilon_upper")).budget(target)
        assert isinstance(budget, Budget)
        return budget.n is None or budget.n >= count

    # the last count that is not enough, plus one; n = k - 1 (or 0) is taken as not enough: n = k gives the bound 1
    try:
        return last_true(lambda n: not enough(n), max(k, 1), low=max(k, 1) - 1, limit=2**257) + 1
    except SearchLimit:
        raise CertificationError(f"no trial count up to 2**257 certifies {count} generations at T") from None
