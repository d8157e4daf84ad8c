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

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from bounds.display import Displayed
from bounds.errors import CertificationError, ParameterError
from bounds.models.exchangeable import BetaMixture
from bounds.models.independent import Independent
from bounds.numeric.certify import decide
from bounds.numeric.floats import float_at_least, smallest_float
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
#: Exact rational tail sums are used while ``trials * bits(epsilon)`` stays below this.
_EXACT_BITS = 4_000

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
# certified Beta quantiles


def _beta_cdf_at_least(a: Fraction, b: Fraction, level: Fraction, x: Fraction) -> bool:
    """Certified ``I_x(a, b) >= level`` at escalating precision (absolute error ``10**-dps``).

    The one exact value reachable with rational ``x`` and ``level`` in practice,
    ``I_{1/2}(a, a) = 1/2`` (symmetry), is decided exactly; any other tie would
    need ``level`` with hundreds of digits and ends in a CertificationError.
    """
    if a == b and x == Fraction(1, 2):
        return Fraction(1, 2) >= level
    if _upper_tail_below(a, b, 1 - level, x):
        return True
    if _upper_tail_below(b, a, level, 1 - x, strict=True):  # 1 - X ~ Beta(b, a): I_x(a, b) < level
        return False
    # a ball of ln I_x(a, b) against ln(level): a proof, never two agreeing values
    try:
        decision = decide(
            lambda ctx: ctx.log(_regularized_beta_ball(ctx, a, b, x)), level,
            what=f"I_x({format_number(a)}, {format_number(b)}) at x = {format_number(x)}",
        )
    except CertificationError:
        raise CertificationError(
            f"could not decide whether I_x({format_number(a)}, {format_number(b)}) >= "
            f"{format_number(level)} at x = {format_number(x)}"
        ) from None
    return decision.sign >= 0


#: Largest integer ``a`` summed as a binomial tail (beyond it, arb's incomplete beta).
_BINOMIAL_TERMS = 10_000


def _regularized_beta_ball(ctx: Any, a: Fraction, b: Fraction, x: Fraction) -> Any:
    """A ball containing ``I_x(a, b)``.

    For whole ``a`` (the Clopper-Pearson case, ``a = k + 1``) and whole ``b`` it is a binomial
    tail, ``I_x(a, b) = 1 - sum_{j<a} C(m, j) x^j (1-x)^(m-j)`` with ``m = a + b - 1``, summed
    term by term in balls (each term from the last: no huge binomial coefficients), which stays
    finite however large ``b`` is; otherwise arb's rigorous regularized incomplete beta.
    """
    if a.denominator == 1 and b.denominator == 1 and a <= _BINOMIAL_TERMS:
        m, point = int(a + b - 1), ctx.number(x)
        odds = point / (1 - point)
        term = ctx.exp(m * ctx.log1p(-point))
        below = term
        for j in range(int(a) - 1):
            term = term * (m - j) / (j + 1) * odds
            below += term
        return (1 - below).max(ctx.zero)
    if x > Fraction(1, 2):
        return 1 - _regularized_beta_ball(ctx, b, a, 1 - x)
    # Euler's transformation, every series term positive: x^a (1-x)^b / (a B(a, b)) 2F1(a+b, 1; a+1; x)
    big_a, big_b, point = ctx.number(a), ctx.number(b), ctx.number(x)
    log_beta = ctx.lgamma(big_a) + ctx.lgamma(big_b) - ctx.lgamma(big_a + big_b)
    log_front = big_a * ctx.log(point) + big_b * ctx.log1p(-point) - ctx.log(big_a) - log_beta
    return ctx.exp(log_front) * _positive_2f1(big_a + big_b, big_a + 1, point)


#: Most series terms :func:`_positive_2f1` sums before it gives up (far tails are settled before it).
_SERIES_TERMS = 1_000_000


def _positive_2f1(top: Any, bottom: Any, point: Any) -> Any:
    r"""``2F1(top, 1; bottom; x) = sum_k (top)_k / (bottom)_k x^k`` for ``0 < x <= 1/2``, in balls.

    Summed directly, with a proved tail: term ``k+1`` is term ``k`` times
    ``r_k = (top + k) x / (bottom + k)``, which for ``k >= K`` is at most ``r_K`` when
    ``top >= bottom`` (the ratio falls) and at most ``x`` otherwise, so once that bound ``r``
    is below 1 the rest is at most ``t_K r / (1 - r)``. (arb's own ``hypgeom_2f1`` returns NaN
    for ``top`` near ``1e300``, the case of trial counts beyond the float range.)
    """
    import flint

    total, term = flint.arb(1), flint.arb(1)
    scale = flint.arb(2) ** -(flint.ctx.prec + 10)
    falling = top >= bottom
    for k in range(_SERIES_TERMS):
        ratio = (top + k) * point / (bottom + k)
        term *= ratio
        total += term
        bound = (top + k + 1) * point / (bottom + k + 1) if falling else point
        if bound < 1 and term < scale * total:
            tail = term * bound / (1 - bound)
            return total + flint.arb(0, 1) * tail.upper()
    raise CertificationError(f"the incomplete-beta series needs more than {_SERIES_TERMS} terms")


def _log10(value: Fraction) -> float:
    # of the int parts, so that values far beyond the float range work
    return math.log10(value.numerator) - math.log10(value.denominator)


def _upper_tail_below(a: Fraction, b: Fraction, alpha: Fraction, x: Fraction, strict: bool = False) -> bool:
    """Whether Markov's inequality proves ``P(X >= x) <= alpha`` (``<`` if strict) for ``X ~ Beta(a, b)``.

    ``P(X >= x) <= E[X^m] / x^m`` with ``E[X^m] = prod_{i<m} (a+i)/(a+b+i)``, in
    exact rationals. Far above the mean (``(a+b) x`` huge), where the series of
    :func:`_regularized_beta_ball` would need about ``(a+b) x`` terms, this settles
    the comparison at once.
    """
    moment = power = Fraction(1)
    for i in range(8):
        moment *= (a + i) / (a + b + i)
        power *= x
        if moment < alpha * power or (not strict and moment == alpha * power):
            return True
    return False


def _binomial_cdf_exact(k: int, n: int, p: Fraction) -> tuple[int, int] | None:
    """``P(X <= k)`` for ``X ~ Binomial(n, p)`` as an exact ratio ``(numerator, denominator)``, if cheap.

    With ``p = P/Q`` every term is ``C(n, j) P^j (Q-P)^(n-j) / Q^n``: integer
    arithmetic only (no gcd per step, which makes Fraction sums slow).
    """
    if n * max(p.denominator.bit_length(), 1) > _EXACT_BITS:
        return None
    top, bottom = p.numerator, p.denominator
    rest = bottom - top
    total = sum(math.comb(n, j) * top**j * rest ** (n - j) for j in range(k + 1))
    return total, bottom**n


def _beta_quantile_upper(
    a: Fraction, b: Fraction, level: Fraction, binomial: tuple[int, int] | None
) -> float:
    """Smallest float whose decimal ``x`` has ``I_x(a, b) >= level``: the ``level`` quantile, rounded up.

    With ``binomial = (k, n)`` (so ``a = k+1, b = n-k``) the identity
    ``I_x(k+1, n-k) = 1 - P(Binomial(n, x) <= k)`` settles exact ties in
    rational arithmetic (0 failures in 1 trial at 95% gives exactly 0.95).
    """

    def holds(x: Fraction) -> bool:
        if binomial is not None:
            tail = _binomial_cdf_exact(*binomial, x)
            if tail is not None:
                # 1 - P(X <= k) >= level  <=>  P(X <= k) <= 1 - level
                numerator, denominator = tail
                alpha = 1 - level
                return numerator * alpha.denominator <= alpha.numerator * denominator
        return _beta_cdf_at_least(a, b, level, x)

    return smallest_float(holds, _quantile_guess(a, b, level))


def _quantile_guess(a: Fraction, b: Fraction, level: Fraction) -> float:
    """scipy's float quantile; for ``b`` beyond its reach, ``b X ~ Gamma(a)``; else 1/2 (only a start)."""
    from scipy import special

    with np.errstate(all="ignore"):
        if max(a, b) < 1e300:
            guess = float(special.betaincinv(float(a), float(b), float(level)))
            if np.isfinite(guess) and 0 < guess < 1:
                return guess
        if a < 1e300 and b > 1000 * a:
            gamma_quantile = float(special.gammaincinv(float(a), float(level)))
            return gamma_quantile / float(b) if b < 1e300 else 0.0
        if b < 1e300 and a > 1000 * b:  # mirrored: a (1 - X) ~ Gamma(b)
            gamma_quantile = float(special.gammaincinv(float(b), float(1 - level)))
            return 1 - gamma_quantile / float(a) if a < 1e300 else 1.0
    return 0.5


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
    return _beta_quantile_upper(Fraction(k + 1), Fraction(n - k), confidence, (k, n))


@_method("jeffreys")
def _jeffreys(k: int, n: int, confidence: Fraction) -> float:
    # the c-quantile of the Jeffreys posterior Beta(k + 1/2, n - k + 1/2); 1 when k = n (Brown et al.)
    if k == n:
        return 1.0
    return _beta_quantile_upper(Fraction(2 * k + 1, 2), Fraction(2 * (n - k) + 1, 2), confidence, None)


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

