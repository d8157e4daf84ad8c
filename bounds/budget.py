"""The generic certified budget solver.

``solve(model, T)`` returns the largest ``N >= 0`` with ``S(N) >= T`` for any
:class:`~bounds.models.base.Model`, or reports that the budget is unbounded
(``S(N) >= T`` for every ``N``), and in both cases *proves* the answer:

1. **Unbounded?** Compare ``S(infinity)`` with ``T``; since ``S`` is
   non-increasing, ``S(infinity) >= T`` means ``S(N) >= T`` for every ``N``.
2. **Find** a candidate: the model's closed form if it has one, otherwise an
   exponential then binary search on the float64 ``log_survival``.
3. **Certify**: decide ``S(N) >= T`` and ``S(N+1) < T`` with exact rationals,
   interval arithmetic or mpmath at escalating precision (in that order of
   preference), walking away from the candidate by galloping and bisection if
   the float search was off. Floats find; they never decide a near-tie.

A comparison that cannot be decided at :data:`MAX_DPS` digits raises
:class:`~bounds.errors.CertificationError`; no uncertified integer is returned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, overload

import mpmath
import numpy as np

from bounds.errors import CertificationError
from bounds.numbers import MAX_DECIMAL_EXPONENT, decimal_digits, format_near, format_number, json_value
from bounds.numbers import threshold as as_threshold

__all__ = ["MAX_DPS", "Budget", "BudgetArray", "Comparison", "compare_limit", "compare_survival", "solve"]

#: Highest working precision (decimal digits) the certifier escalates to.
MAX_DPS = 4 * MAX_DECIMAL_EXPONENT

#: Methods of proof, strongest first; a budget reports the weakest it used.
METHODS = ("exact rational arithmetic", "interval arithmetic", "high-precision arithmetic")


@dataclass(frozen=True)
class Comparison:
    """The certified sign of ``S - T`` and how it was proved.

    ``sign`` is ``1`` for ``S > T``, ``0`` for ``S == T`` (only ever proved
    exactly) and ``-1`` for ``S < T``. ``value`` is ``S`` at the precision used.
    """

    sign: int
    value: mpmath.mpf | Fraction
    method: str
    dps: int


def _fraction_mpf(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def _decide(
    target: Fraction,
    exact: Fraction | None,
    enclose: Any,
    approximate: Any,
    start_dps: int,
    what: str,
) -> Comparison:
    """Decide the sign of ``X - target`` for a quantity ``X`` given at several precisions."""
    if exact is not None:
        sign = (exact > target) - (exact < target)
        return Comparison(sign, exact, METHODS[0], 0)
    dps = start_dps
    while dps <= MAX_DPS:
        with mpmath.workdps(dps + 10):
            # target as an mpf is itself rounded: widen it by its own error
            rounded_target = _fraction_mpf(target)
            slack = abs(rounded_target) * mpmath.mpf(10) ** (-(dps + 5))
            target_lo, target_hi = rounded_target - slack, rounded_target + slack
            bounds = enclose(dps)
            if bounds is not None:
                low, high = bounds
                method = METHODS[1]
                value = (low + high) / 2
            else:
                value = approximate(dps)
                error = abs(value) * mpmath.mpf(10) ** (-dps) * 2
                low, high = value - error, value + error
                method = METHODS[2]
            if low > target_hi:
                return Comparison(1, value, method, dps)
            if high < target_lo:
                return Comparison(-1, value, method, dps)
        dps *= 2
    raise CertificationError(
        f"could not decide whether {what} >= T = {format_number(target)} at {MAX_DPS} digits; "
        "the two agree to that precision (an exact tie the model cannot check exactly)"
    )


def _start_dps(n: int) -> int:
    return 30 + decimal_digits(n)


def compare_survival(model: Any, n: int, threshold: Fraction) -> Comparison:
    """Certified comparison of ``S(n)`` with ``threshold``."""
    if n == 0:
        return Comparison((1 > threshold) - (1 < threshold), Fraction(1), METHODS[0], 0)
    exact_method = getattr(model, "survival_exact", None)
    bounds_method = getattr(model, "survival_bounds", None)
    return _decide(
        threshold,
        exact_method(n) if exact_method is not None else None,
        (lambda dps: bounds_method(n, dps)) if bounds_method is not None else (lambda dps: None),
        lambda dps: model.survival_mp(n, dps),
        _start_dps(n),
        f"S({n})",
    )


def compare_limit(model: Any, threshold: Fraction) -> Comparison:
    """Certified comparison of ``S(infinity)`` with ``threshold``."""
    exact_method = getattr(model, "limit_exact", None)
    bounds_method = getattr(model, "limit_bounds", None)
    return _decide(
        threshold,
        exact_method() if exact_method is not None else None,
        bounds_method if bounds_method is not None else (lambda dps: None),
        model.limit_mp,
        30,
        "S(infinity)",
    )


@dataclass(frozen=True)
class Budget:
    """A certified budget: the largest ``N`` with ``S(N) >= T``, or unbounded.

    Attributes
    ----------
    n : int or None
        The budget ``N*`` (an exact Python int), or ``None`` when unbounded.
    threshold : Fraction
        The threshold ``T`` as the exact number it was read as.
    model : Model
        The model the budget is for.
    survival_at_budget, survival_after_budget : float or None
        ``S(N*)`` and ``S(N*+1)`` as float64 (``None`` when unbounded).
    certified : bool
        Whether ``S(N*) >= T > S(N*+1)`` (or ``S(infinity) >= T``) was proved.
    certificate : str
        How it was proved: exact rational, interval or high-precision arithmetic.
    certificate_values : tuple of mpmath.mpf or Fraction
        The exact (Fraction) or high-precision (mpf) values of ``S(N*)`` and ``S(N*+1)`` (or of
        ``S(infinity)``) that the proof compared with ``T``.
    """

    n: int | None
    threshold: Fraction
    model: Any
    survival_at_budget: float | None
    survival_after_budget: float | None
    certified: bool
    certificate: str
    certificate_values: tuple[mpmath.mpf | Fraction, ...] = field(default=(), repr=False)

    @property
    def unbounded(self) -> bool:
        """True when ``S(N) >= T`` for every ``N``."""
        return self.n is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary with the keys of DESIGN §6 and the model's parameters."""
        parameters = {key: json_value(value) for key, value in self.model.parameters().items()}
        return {
            "model": self.model.name,
            "threshold": json_value(self.threshold),
            "budget": self.n,
            "unbounded": self.unbounded,
            "survival_at_budget": self.survival_at_budget,
            "survival_after_budget": self.survival_after_budget,
            "certified": self.certified,
            "certificate": self.certificate,
            **parameters,
            **{key: json_value(value) for key, value in _context(self.model, self.threshold).items()},
        }

    def __str__(self) -> str:
        threshold = format_number(self.threshold)
        if self.n is None:
            limit = format_number(self.certificate_values[0]) if self.certificate_values else "?"
            head = f"unbounded: S(N) >= S(inf) = {limit} >= T = {threshold} for every N"
        else:
            at, after = (format_near(value, self.threshold) for value in self.certificate_values)
            head = (
                f"N* = {self.n}: S({self.n}) = {at} >= T = {threshold} > "
                f"S({self.n + 1}) = {after}"
            )
        return f"{head}  [{self.model!r}; certified by {self.certificate}]"

    def derivation(self, digits: int = 6) -> Any:
        """The :class:`~bounds.derive.Derivation` of this budget (assumptions to certificate)."""
        from bounds.derive import derive

        return derive(self, digits=digits)

    def _repr_latex_(self) -> str:
        """The certificate ``S(N*) >= T > S(N*+1)`` for Jupyter (see :func:`bounds.latex.budget_latex`)."""
        from bounds.latex import budget_latex

        return budget_latex(self)

    def __int__(self) -> int:
        if self.n is None:
            raise OverflowError("the budget is unbounded")
        return self.n


@dataclass(frozen=True)
class BudgetArray:
    """Budgets for an array of inputs, broadcast like a numpy ufunc.

    ``n`` is a masked array (masked where the budget is unbounded) of int64
    when every budget fits, otherwise of Python ints (object dtype). Every
    element is exact.
    """

    n: np.ma.MaskedArray
    unbounded: np.ndarray
    threshold: np.ndarray
    model: Any = None

    @classmethod
    def from_budgets(cls, results: list[Budget], thresholds: np.ndarray, model: Any = None) -> BudgetArray:
        """Collect scalar budgets (in ``thresholds.flat`` order) into an array of that shape."""
        unbounded = np.array([result.n is None for result in results], dtype=bool).reshape(thresholds.shape)
        values = [0 if result.n is None else result.n for result in results]
        fits = all(value < 2**63 for value in values)
        data = np.array(values, dtype=np.int64 if fits else object).reshape(thresholds.shape)
        return cls(np.ma.masked_array(data, mask=unbounded), unbounded, thresholds, model)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.unbounded.shape

    def __len__(self) -> int:
        return len(self.unbounded)


def _context(model: Any, threshold: Fraction) -> dict[str, Any]:
    """Facts a model reports beside its budget (``budget_context``), e.g. the cap a persistent floor imposes."""
    method = getattr(model, "budget_context", None)
    return method(threshold) if callable(method) else {}


def _float_candidate(model: Any, threshold: Fraction) -> int:
    """Exponential then binary search on float64 ``log_survival``: a guess, not an answer."""
    target = log_threshold(threshold)

    def holds(n: int) -> bool:
        return bool(model._log_survival(np.asarray([float(n)]))[0] >= target)

    high = 1
    while holds(high):
        if high > 2**1000:
            raise CertificationError(
                f"S(N) >= T for N up to 2**1000 although S(infinity) < T; "
                f"the budget is beyond the float search of {model!r}"
            )
        high *= 2
    low = high // 2 if high > 1 else 0
    while high - low > 1 and (high - low) > low * 2**-50:
        middle = (low + high) // 2
        if holds(middle):
            low = middle
        else:
            high = middle
    return low


def _certified_search(model: Any, threshold: Fraction, candidate: int) -> tuple[int, Comparison, Comparison]:
    """Largest ``n`` with ``S(n) >= T``, starting near ``candidate``, every step certified."""
    cache: dict[int, Comparison] = {}

    def compare(n: int) -> Comparison:
        if n not in cache:
            cache[n] = compare_survival(model, n, threshold)
        return cache[n]

    def holds(n: int) -> bool:
        return compare(n).sign >= 0

    candidate = max(candidate, 0)
    if holds(candidate):
        good, step = candidate, 1
        while holds(good + step):
            good, step = good + step, step * 2
        bad = good + step
    else:
        bad, step = candidate, 1
        while True:
            trial = bad - step
            if trial <= 0:
                good = 0
                break
            if holds(trial):
                good = trial
                break
            bad, step = trial, step * 2
    while bad - good > 1:
        middle = (good + bad) // 2
        if holds(middle):
            good = middle
        else:
            bad = middle
    return good, compare(good), compare(good + 1)


def _weakest(*comparisons: Comparison) -> str:
    used = [comparison.method for comparison in comparisons]
    method = max(used, key=METHODS.index)
    digits = max(comparison.dps for comparison in comparisons)
    return method if method == METHODS[0] else f"{method} at {digits} digits"


ArrayLike = list[Any] | tuple[Any, ...] | np.ndarray


@overload
def solve(model: Any, threshold: ArrayLike) -> BudgetArray: ...
@overload
def solve(model: Any, threshold: Any) -> Budget: ...
def solve(model: Any, threshold: Any) -> Budget | BudgetArray:
    """Certified budget ``N*(T)`` of any model: the largest ``N`` with ``S(N) >= T``.

    Parameters
    ----------
    model : Model
        Any object implementing the model protocol.
    threshold : number or array_like
        ``T`` in ``(0, 1]``; an array gives a :class:`BudgetArray`.

    Returns
    -------
    Budget or BudgetArray

    Notes
    -----
    Because ``S`` is non-increasing, ``N* = max{N : S(N) >= T}`` is well
    defined, and it is *certified* by proving ``S(N*) >= T > S(N*+1)``; the
    budget is unbounded exactly when ``S(infinity) >= T``.
    """
    if isinstance(threshold, (list, tuple, np.ndarray)):
        thresholds = np.asarray(threshold, dtype=object)
        results = [_solve_scalar(model, item) for item in thresholds.flat]
        return BudgetArray.from_budgets(results, thresholds, model)
    return _solve_scalar(model, threshold)


def _solve_scalar(model: Any, threshold: Any) -> Budget:
    target = as_threshold(threshold)
    at_limit = compare_limit(model, target)
    if at_limit.sign >= 0:
        return Budget(None, target, model, None, None, True, _weakest(at_limit), (at_limit.value,))
    candidate = model.budget_candidate(target)
    if candidate is None:
        candidate = _float_candidate(model, target)
    n, at, after = _certified_search(model, target, candidate)
    # the floats reported are the certified high-precision values, rounded once
    return Budget(
        n, target, model, float(at.value), float(after.value), True, _weakest(at, after), (at.value, after.value)
    )


def log_threshold(threshold: Fraction) -> float:
    """``ln T`` as a float, exact enough for candidate searches even below 1e-308."""
    if threshold.numerator == 0:
        return -math.inf
    with mpmath.workdps(30):
        return float(mpmath.log(_fraction_mpf(threshold)))
