r"""From observed failures to rates, budgets and posterior predictive models.

Users rarely know the per-generation failure probability ``epsilon``. What they
have is evidence: "we ran ``n`` training-and-handoff cycles (or a proxy task)
and saw ``k`` alignment failures". This module turns that into

* a one-sided **upper confidence bound** on ``epsilon`` (Clopper–Pearson by
  default, also Jeffreys, Wilson and the rule of three);
* the **certified budget** at that bound: the Independent model at
  ``epsilon_upper``, so "with 95% confidence, at least ``N*`` generations keep
  ``S >= T``" (the budget is non-increasing in ``epsilon``);
* the **Bayesian posterior predictive** model: with a ``Beta(a, b)`` prior on
  ``epsilon`` the posterior is ``Beta(a+k, b+n-k)`` and the probability of
  surviving ``H`` more generations is a :class:`~bounds.models.exchangeable.BetaMixture`
  survival, ``B(a+k, b+n-k+H) / B(a+k, b+n-k)``.

Every bound is returned as a float whose printed decimal (the number the rest
of :mod:`bounds` reads it as) is **never below** the exact bound: the float
guess of scipy is checked, and moved up if necessary, with exact rational or
ball (python-flint ``arb``) arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from bounds.display import Displayed
from bounds.errors import ParameterError
from bounds.evidence._beta import beta_quantile_upper
from bounds.models.exchangeable import BetaMixture
from bounds.models.independent import Independent
from bounds.numeric.floats import float_at_least
from bounds.numeric.parse import exact, format_number, generations, json_value, positive, to_mpf
from bounds.numeric.parse import threshold as as_threshold
from bounds.solve.budget import Budget

__all__ = [
    "METHODS",
    "EvidenceBound",
    "confidence_level",
    "epsilon_upper_bound",
    "from_evidence",
    "posterior_predictive",
]

#: Largest ``min(k, n - k)`` accepted: the certified quantile takes about ``sqrt`` of it in series terms.
MAX_MINORITY = 10**10

# ---------------------------------------------------------------------------------------------
# input validation


def confidence_level(value: object, name: str = "confidence") -> Fraction:
    """Read a confidence (or credibility) level: an exact number strictly between 0 and 1.

    Examples
    --------
    >>> confidence_level("0.95")
    Fraction(19, 20)
    >>> confidence_level(1)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: confidence must be in (0, 1), got 1
    """
    number = exact(value, name)
    if not 0 < number < 1:
        raise ParameterError(name, "in (0, 1)", value)
    return number


def _counts(failures: object, trials: object) -> tuple[int, int]:
    k = generations(failures, "failures")
    n = generations(trials, "trials")
    if n < 1:
        raise ParameterError("trials", "a whole number >= 1", trials)
    if k > n:
        raise ParameterError("failures", f"at most trials = {n}", failures)
    if min(k, n - k) > MAX_MINORITY:
        # certifying a Beta quantile costs about sqrt(min(k, n-k)) series terms
        raise ParameterError(
            "failures", "such that failures or successes (the fewer) are at most 10**10", failures
        )
    return k, n


# ---------------------------------------------------------------------------------------------
# the methods: a registry from names to functions (k, n, confidence) -> float


BoundMethod = Callable[[int, int, Fraction], float]
METHODS: dict[str, BoundMethod] = {}


def _method(name: str) -> Callable[[BoundMethod], BoundMethod]:
    def register(function: BoundMethod) -> BoundMethod:
        METHODS[name] = function
        return function

    return register


@_method("clopper-pearson")
def _clopper_pearson(k: int, n: int, confidence: Fraction) -> float:
    # the largest epsilon with P(Binomial(n, epsilon) <= k) >= 1 - c is the c-quantile of Beta(k+1, n-k)
    if k == n:
        return 1.0
    return beta_quantile_upper(Fraction(k + 1), Fraction(n - k), confidence, (k, n))


@_method("jeffreys")
def _jeffreys(k: int, n: int, confidence: Fraction) -> float:
    # the c-quantile of the Jeffreys posterior Beta(k + 1/2, n - k + 1/2); 1 when k = n (Brown et al.)
    if k == n:
        return 1.0
    return beta_quantile_upper(Fraction(2 * k + 1, 2), Fraction(2 * (n - k) + 1, 2), confidence, None)


@_method("wilson")
def _wilson(k: int, n: int, confidence: Fraction) -> float:
    if k == n:
        return 1.0
    with mpmath.workdps(60):
        z = mpmath.sqrt(2) * mpmath.erfinv(2 * to_mpf(confidence) - 1)
        estimate = mpmath.mpf(k) / n
        spread = z * mpmath.sqrt(estimate * (1 - estimate) / n + z**2 / (4 * mpmath.mpf(n) ** 2))
        upper = (estimate + z**2 / (2 * n) + spread) / (1 + z**2 / n)
        return float_at_least(upper)


@_method("rule-of-three")
def _rule_of_three(k: int, n: int, confidence: Fraction) -> float:
    if k != 0:
        raise ParameterError("failures", "0 for the rule of three (use method='clopper-pearson')", k)
    if confidence != Fraction(19, 20):
        raise ParameterError(
            "confidence", "0.95 for the rule of three (3/n approximates the 95% bound)", float(confidence)
        )
    return float_at_least(min(Fraction(1), Fraction(3, n)))


def method_function(method: str) -> BoundMethod:
    if method not in METHODS:
        raise ParameterError("method", f"one of {', '.join(METHODS)}", method)
    return METHODS[method]


def epsilon_upper_bound(failures: Any, trials: Any, confidence: Any = "0.95",
                        method: str = "clopper-pearson") -> Any:
    r"""One-sided upper confidence bound on ``epsilon`` from ``failures`` in ``trials``.

    Broadcasts over array inputs (each distinct triple is computed once) and
    returns a float for scalar input.

    Parameters
    ----------
    failures, trials : int or array_like
        Observed failures ``k`` and trials ``n`` (whole numbers, ``0 <= k <= n``, ``n >= 1``).
    confidence : number or array_like
        Confidence level ``c`` in ``(0, 1)``.
    method : {"clopper-pearson", "jeffreys", "wilson", "rule-of-three"}
        See :func:`from_evidence`.

    Returns
    -------
    float or ndarray
        The bound, rounded *up* to a float whose decimal is at least the exact value.

    Examples
    --------
    >>> epsilon_upper_bound(0, 1000, "0.95")  # 1 - 0.05**(1/1000) = 0.00299124954509529624...
    0.0029912495450952967
    >>> epsilon_upper_bound([0, 3], [1000, 10000], "0.95")
    array([0.00299125, 0.00077518])
    """
    function = method_function(method)
    if not any(isinstance(item, (list, tuple, np.ndarray)) for item in (failures, trials, confidence)):
        k, n = _counts(failures, trials)
        return function(k, n, confidence_level(confidence))
    arrays = np.broadcast_arrays(*(np.asarray(item, dtype=object) for item in (failures, trials, confidence)))
    cache: dict[tuple[int, int, Fraction], float] = {}
    values = []
    for k_given, n_given, c_given in zip(*(array.flat for array in arrays), strict=True):
        k, n = _counts(k_given, n_given)
        key = (k, n, confidence_level(c_given))
        if key not in cache:
            cache[key] = function(*key)
        values.append(cache[key])
    return np.asarray(values, dtype=np.float64).reshape(arrays[0].shape)


# ---------------------------------------------------------------------------------------------
# posterior predictive


def posterior_predictive(
    failures: Any, trials: Any, prior: tuple[Any, Any] = (Fraction(1, 2), Fraction(1, 2))
) -> BetaMixture:
    r"""The posterior predictive survival model after ``k`` failures in ``n`` trials.

    Parameters
    ----------
    failures, trials : int
        Observed failures ``k`` and trials ``n``.
    prior : (a, b)
        ``Beta(a, b)`` prior on ``epsilon``; Jeffreys ``(1/2, 1/2)`` by default
        (``(1, 1)`` is uniform).

    Returns
    -------
    BetaMixture
        ``Beta(a+k, b+n-k)`` mixture: its ``survival(H)`` is the posterior
        probability of surviving ``H`` more generations.

    Notes
    -----
    .. math:: P(\text{survive } H \mid k, n)
              = \int_0^1 (1-\varepsilon)^H \, \mathrm{Beta}(\varepsilon; a+k, b+n-k)\, d\varepsilon
              = \frac{B(a+k,\, b+n-k+H)}{B(a+k,\, b+n-k)}

    It assumes every trial and every future generation share one unknown
    ``epsilon`` (exchangeability), so it decays like a power law in ``H``.

    Examples
    --------
    >>> model = posterior_predictive(0, 1000)
    >>> round(model.survival(500), 7)
    0.8165306
    """
    k, n = _counts(failures, trials)
    a, b = _prior(prior)
    return BetaMixture(a=a + k, b=b + n - k)


def _prior(prior: Any) -> tuple[Fraction, Fraction]:
    if not isinstance(prior, (tuple, list)) or len(prior) != 2:
        raise ParameterError("prior", "a pair (a, b) of positive numbers", prior)
    return positive(prior[0], "prior a"), positive(prior[1], "prior b")


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True)
class EvidenceBound(Displayed):
    r"""What ``k`` failures in ``n`` trials support: an upper bound on ``epsilon`` and its budget.

    Attributes
    ----------
    failures, trials : int
        The evidence ``k`` and ``n``.
    confidence : Fraction
        Confidence level of the one-sided bound.
    method : str
        How the bound was computed.
    epsilon_upper : float
        The bound, a float whose decimal is never below the exact bound.
    threshold : Fraction or None
        ``T`` for the budget.
    budget : Budget or None
        Certified budget of the Independent model at ``epsilon_upper`` (taken as
        its exact decimal), when a threshold was given.
    prior : (Fraction, Fraction)
        ``Beta(a, b)`` prior of the posterior predictive model.
    """

    failures: int
    trials: int
    confidence: Fraction
    method: str
    epsilon_upper: float
    threshold: Fraction | None
    budget: Budget | None
    prior: tuple[Fraction, Fraction]

    @property
    def point_estimate(self) -> Fraction:
        """The maximum-likelihood estimate ``k/n``."""
        return Fraction(self.failures, self.trials)

    @property
    def epsilon_upper_exact(self) -> Fraction:
        """The exact decimal ``epsilon_upper`` stands for (the rate the budget uses)."""
        return exact(self.epsilon_upper, "epsilon_upper")

    @property
    def posterior(self) -> BetaMixture:
        """The posterior predictive :class:`~bounds.models.exchangeable.BetaMixture`."""
        return posterior_predictive(self.failures, self.trials, self.prior)

    def posterior_predictive_survival(self, horizon: Any) -> Any:
        """Posterior probability that alignment survives ``horizon`` more generations.

        ``B(a+k, b+n-k+H) / B(a+k, b+n-k)``; broadcasts over ``horizon``.
        """
        return self.posterior.survival(horizon)

    def posterior_predictive_budget(self) -> Budget:
        """Largest ``H`` whose posterior predictive survival is ``>= T`` (certified, BetaMixture).

        A Bayesian answer to a different question from :attr:`budget`: the
        probability of surviving ``H`` more generations *averaged over* the
        posterior of ``epsilon``, not a bound that holds with confidence ``c``.
        It is typically far larger (0 of 1000 at T = 0.9: 234 against 35).
        """
        if self.threshold is None:
            raise ParameterError("threshold", "given to from_evidence for a budget, in (0, 1]", None)
        result = self.posterior.budget(self.threshold)
        assert isinstance(result, Budget)
        return result

    def budget_at_point_estimate(self) -> Budget:
        """Certified budget at ``k/n`` (unbounded when ``k = 0``); never below :attr:`budget`."""
        if self.threshold is None:
            raise ParameterError("threshold", "given to from_evidence for a budget, in (0, 1]", None)
        result = Independent(epsilon=self.point_estimate).budget(self.threshold)
        assert isinstance(result, Budget)
        return result

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (``epsilon_upper``, ``budget``, ``method`` and the inputs)."""
        a, b = self.prior
        return {
            "failures": self.failures,
            "trials": self.trials,
            "confidence": json_value(self.confidence),
            "method": self.method,
            "epsilon_upper": self.epsilon_upper,
            "point_estimate": json_value(self.point_estimate),
            "threshold": json_value(self.threshold),
            "budget": None if self.budget is None else self.budget.n,
            "unbounded": None if self.budget is None else self.budget.unbounded,
            "certified": None if self.budget is None else self.budget.certified,
            "prior": [json_value(a), json_value(b)],
            "posterior": [json_value(a + self.failures), json_value(b + self.trials - self.failures)],
        }

    def __str__(self) -> str:
        level = format_number(self.confidence * 100)
        lines = [
            f"evidence   {self.failures} failures in {self.trials} trials "
            f"(point estimate {format_number(self.point_estimate)})",
            f"epsilon    <= {format_number(self.epsilon_upper, 12)} with {level}% confidence ({self.method})",
        ]
        if self.budget is not None:
            shown = "unbounded" if self.budget.n is None else f"N* = {self.budget.n}"
            lines.append(
                f"budget     {shown} at T = {format_number(self.budget.threshold)} "
                f"(independent model at the bound; certified by {self.budget.certificate_text})"
            )
        return "\n".join(lines)


def from_evidence(
    failures: Any,
    trials: Any,
    confidence: Any = "0.95",
    method: str = "clopper-pearson",
    threshold: Any = None,
    prior: tuple[Any, Any] = (Fraction(1, 2), Fraction(1, 2)),
) -> EvidenceBound:
    r"""Upper confidence bound on ``epsilon``, and the budget it supports, from ``k`` failures in ``n``.

    Parameters
    ----------
    failures : int
        Observed alignment failures ``k``, ``0 <= k <= n``.
    trials : int
        Observed trials (generations or proxy tasks) ``n >= 1``.
    confidence : number
        One-sided confidence level ``c`` in ``(0, 1)``; exact (``"0.95"``). Below
        ``1/2`` the "upper" bound can fall below ``k/n``.
    method : {"clopper-pearson", "jeffreys", "wilson", "rule-of-three"}
        ``"clopper-pearson"`` (default) is exact: its coverage is at least ``c``
        for every true ``epsilon``. ``"jeffreys"`` is the ``c``-quantile of the
        Jeffreys posterior ``Beta(k+1/2, n-k+1/2)``, ``"wilson"`` the one-sided
        Wilson score bound; both are closer to nominal on average but can
        undercover for some ``epsilon``. ``"rule-of-three"`` is ``3/n``, defined
        only for ``k = 0`` and ``c = 0.95`` (it approximates ``-ln(0.05)/n``).
    threshold : number, optional
        ``T`` in ``(0, 1]``; when given, the certified budget at the bound is computed.
    prior : (a, b)
        ``Beta(a, b)`` prior for the posterior predictive model (Jeffreys by default).

    Returns
    -------
    EvidenceBound

    Notes
    -----
    Clopper–Pearson: the largest ``epsilon`` not rejected at level ``1 - c``,

    .. math:: \varepsilon_{\mathrm{up}} = \max\{\varepsilon : P(\mathrm{Bin}(n, \varepsilon) \le k) \ge 1-c\}
              = \mathrm{Beta}^{-1}(c;\ k+1,\ n-k),

    which for ``k = 0`` is ``1 - (1-c)^{1/n}``. Wilson:
    ``(\hat p + z^2/2n + z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}) / (1 + z^2/n)`` with
    ``z = \Phi^{-1}(c)``. Each bound is rounded *up* to a float whose decimal is
    at least the exact bound (checked in exact rational or mpmath arithmetic),
    and the budget is that of ``(1 - \varepsilon_{\mathrm{up}})^N``, certified.
    Since the budget is non-increasing in ``epsilon``, it is a lower confidence
    bound on the budget of the true rate (under the Independent model).

    References
    ----------
    C. J. Clopper and E. S. Pearson (1934), Biometrika 26(4), 404–413.
    L. D. Brown, T. T. Cai and A. DasGupta (2001), Interval estimation for a
    binomial proportion, Statistical Science 16(2), 101–133.
    J. A. Hanley and A. Lippman-Hand (1983), If nothing goes wrong, is everything
    all right? JAMA 249(13), 1743–1745 (the rule of three).

    Examples
    --------
    >>> result = from_evidence(failures=0, trials=1000, confidence="0.95", threshold="0.9")
    >>> result.epsilon_upper  # exact: 0.00299124954509529624..., rounded up
    0.0029912495450952967
    >>> result.budget.n
    35
    >>> round(result.posterior_predictive_survival(500), 7)
    0.8165306
    >>> from_evidence(failures=0, trials=1000, confidence="0.95", method="rule-of-three").epsilon_upper
    0.003
    """
    k, n = _counts(failures, trials)
    level = confidence_level(confidence)
    function = method_function(method)
    a, b = _prior(prior)
    upper = function(k, n, level)
    target = None if threshold is None else as_threshold(threshold)
    result = None
    if target is not None:
        budget = Independent(epsilon=exact(upper, "epsilon_upper")).budget(target)
        assert isinstance(budget, Budget)
        result = budget
    return EvidenceBound(k, n, level, method, upper, target, result, (a, b))

