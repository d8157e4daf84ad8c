"""Convenience functions for the constant-rate question, broadcasting like numpy ufuncs."""

from __future__ import annotations

from typing import Any, overload

import mpmath
import numpy as np

from bounds.errors import ParameterError
from bounds.models.independent import Independent
from bounds.numeric.contexts import BallContext
from bounds.numeric.parse import broadcast_inputs, decimal_digits, generations, to_mpf, unwrap_scalar
from bounds.numeric.parse import threshold as as_threshold
from bounds.solve.budget import Budget, BudgetArray, _solve_scalar
from bounds.solve.constant_rate import certified_floors, decimal_fmpqs, lean_budget

__all__ = ["budget", "max_epsilon", "survival"]

# Relative error allowed for numpy's log/log1p, in units of 2**-53. Measured
# errors are below 4 ulp (tests/solve/test_api.py checks it against mpmath); the
# margin of 64 ulp leaves a 16x safety factor before a float floor is trusted.
_ULP_MARGIN = 64 * 2.0**-53


def _is_array(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


@overload
def budget(
    epsilon: list[Any] | tuple[Any, ...] | np.ndarray, threshold: Any = None, *, p: Any = None
) -> BudgetArray: ...
@overload
def budget(epsilon: Any = None, threshold: Any = None, *, p: Any = None) -> Budget | BudgetArray: ...
def budget(epsilon: Any = None, threshold: Any = None, *, p: Any = None) -> Budget | BudgetArray:
    r"""Certified budget for a constant per-generation failure probability.

    Parameters
    ----------
    epsilon : number or array_like, optional
        Per-generation failure probability in ``[0, 1]``.
    threshold : number or array_like
        Lowest acceptable survival ``T`` in ``(0, 1]``.
    p : number or array_like, optional
        Per-generation preservation probability ``1 - epsilon`` (instead of ``epsilon``).

    Returns
    -------
    Budget or BudgetArray
        A :class:`~bounds.solve.budget.Budget` for scalar input; for array input a
        :class:`~bounds.solve.budget.BudgetArray` of the broadcast shape whose ``n``
        is exact for every element and masked where unbounded.

    Notes
    -----
    .. math:: N^* = \max\{N \ge 0 : (1-\varepsilon)^N \ge T\}
              = \left\lfloor \frac{\ln T}{\ln(1-\varepsilon)} \right\rfloor

    For arrays of floats the floor is computed in float64 and kept wherever
    the distance to the nearest integer exceeds a bound on the rounding error
    of the inputs and of ``log``/``log1p`` (64 ulp per operation). Budgets beyond
    float64's reach go through three stages with proved error bounds
    (:mod:`bounds.solve._extended`): the series for ``ln(1 - eps)`` in float64,
    then ``ln T`` in longdouble with the inputs' decimal offsets bounded, then with
    those offsets computed; every element left (a near-tie such as ``(0.9, 0.81)``)
    is decided by one ball, or by the scalar solver in exact or interval arithmetic.

    Examples
    --------
    >>> budget(epsilon=0.001, threshold=0.605).n
    502
    >>> budget(p=0.9, threshold=0.81).n
    2
    >>> result = budget(epsilon=[0.001, 0.1, 0], threshold=[0.605, 0.81, 0.5])
    >>> result.n.tolist()  # unbounded is missing (None), never a number
    [502, 2, None]
    """
    if type(epsilon) is float and type(threshold) is float and p is None:
        lean = lean_budget(epsilon, threshold)
        if lean is not None:
            return lean
    if threshold is None:
        raise ParameterError("threshold", "given, in (0, 1]", None)
    if (epsilon is None) == (p is None):
        raise ParameterError("epsilon or p", "given, not both", (epsilon, p))
    epsilon, p, threshold = (unwrap_scalar(value) for value in (epsilon, p, threshold))
    rate = epsilon if epsilon is not None else p
    rate_name = "epsilon" if epsilon is not None else "p"
    if not (_is_array(rate) or _is_array(threshold)):
        return Independent(epsilon=epsilon, p=p).budget(threshold)
    rates, thresholds = broadcast_inputs({rate_name: rate, "threshold": threshold})
    if rates.dtype.kind not in "fiu" or np.longdouble in (rates.dtype, thresholds.dtype):
        return _budget_exact_arrays(rates, thresholds, rate_name)
    if thresholds.dtype.kind in "fiu":
        return _budget_float_arrays(_decimal_float64(rates), _decimal_float64(thresholds), None, rate_name, thresholds)
    # exact thresholds (strings, Fractions): ln T once per given value, to within an ulp, in arb
    log_given = np.vectorize(_log_threshold, otypes=[np.float64])(np.asarray(threshold, dtype=object))
    return _budget_float_arrays(_decimal_float64(rates), thresholds, np.broadcast_to(log_given, rates.shape), rate_name)


def _decimal_float64(values: np.ndarray) -> np.ndarray:
    """float32 and float16 arrays as the float64s of the decimals they print as (``float32(0.1)`` means 1/10).

    Their shortest decimals have at most 9 digits, so the float64 nearest to one prints as it again.
    """
    if values.dtype.kind != "f" or values.dtype == np.float64:
        return values
    return values.astype(str).astype(np.float64)


def _log_threshold(value: Any) -> float:
    """``ln T`` for an exact threshold, correctly rounded from a ball (finite even below 1e-308)."""
    target = as_threshold(value)
    with BallContext(64) as ctx:
        return float(ctx.log(ctx.number(target)).mid())


def _element_budget(rate: Any, threshold: Any, rate_name: str) -> Budget:
    value = rate.item() if isinstance(rate, np.generic) else rate
    target = threshold.item() if isinstance(threshold, np.generic) else threshold
    model = Independent(epsilon=value) if rate_name == "epsilon" else Independent(p=value)
    return _solve_scalar(model, target)


def _budget_exact_arrays(rates: np.ndarray, thresholds: np.ndarray, rate_name: str) -> BudgetArray:
    results = [_element_budget(r, t, rate_name) for r, t in zip(rates.flat, thresholds.flat, strict=True)]
    return BudgetArray.from_budgets(results, thresholds)


def _first_bad(values: np.ndarray, good: np.ndarray) -> Any:
    bad = values[~good].flat[0]
    return bad.item() if isinstance(bad, np.generic) else bad


def _budget_float_arrays(
    rates: np.ndarray, thresholds: np.ndarray, log_target: np.ndarray | None, rate_name: str,
    shown: np.ndarray | None = None,
) -> BudgetArray:
    """Budgets of float rates; ``log_target`` is ``ln T`` when the thresholds are exact (not floats).

    ``shown`` is the thresholds as given (``thresholds`` may be their float64 decimals).
    """
    given = rates.astype(np.float64, copy=False)
    # min/max propagate NaN and comparisons with NaN are False: one pass each, no temporaries
    lowest, highest = given.min(), given.max()
    if not (lowest >= 0 and highest <= 1):
        raise ParameterError(rate_name, "in [0, 1]", _first_bad(rates, (given >= 0) & (given <= 1)))
    normal: np.ndarray | None = None
    if log_target is None:
        target = thresholds.astype(np.float64, copy=False)
        smallest = target.min()
        if not (smallest > 0 and target.max() <= 1):
            raise ParameterError("threshold", "in (0, 1]", _first_bad(thresholds, (target > 0) & (target <= 1)))
        # a float T stands within 2**-53 (relative) of its decimal only in the normal range
        normal = None if smallest > 2.3e-308 else target > 2.3e-308
    from_epsilon = rate_name == "epsilon"
    epsilon = given if from_epsilon else 1.0 - given
    # the longdouble tier (bounds/solve/_extended.py) takes float rates and thresholds given as epsilon
    extended = from_epsilon and log_target is None and rates.dtype == thresholds.dtype == np.float64
    # subnormal rates overflow the ratio to inf, epsilon = 0 divides by zero: both are left
    # unsure (comparisons with inf/NaN are False) and settled by the exact path or the mask
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        passes = _FloatPasses(from_epsilon, bool(highest <= 0.5), log_target is None, extended)
        budgets, unsure = passes.run(epsilon, target if log_target is None else log_target, normal)
    if unsure.size:
        budgets = _settle_unsure(budgets, unsure, rates, thresholds, rate_name)
    unbounded = epsilon == 0 if (lowest == 0 if from_epsilon else highest == 1) else np.zeros(epsilon.shape, bool)
    n = np.ma.masked_array(budgets.reshape(epsilon.shape))  # no mask yet: BudgetArray masks the unbounded
    return BudgetArray(n, unbounded, thresholds if shown is None else shown)


#: Elements per pass of the float path: a dozen passes over 32768 float64s stay in a core's cache
#: (three times as fast on 1e6 elements as whole-array passes).
_CHUNK = 32768


class _FloatPasses:
    """The float64 floors chunk by chunk; the unsure elements of several chunks go to the longdouble tier together.

    :meth:`run` gives the budgets (int64, flat; exact where sure) and the flat positions still unsure.
    """

    def __init__(self, from_epsilon: bool, small_rates: bool, take_log: bool, extended: bool) -> None:
        self.from_epsilon, self.small_rates, self.take_log = from_epsilon, small_rates, take_log
        self.extended = None
        if extended:  # stage 1 is float64 and runs anywhere; stages 2 and 3 need x87 longdouble (available())
            from bounds.solve import _extended  # only arrays with budgets beyond float64 need it

            self.extended = _extended
        self.left: list[np.ndarray] = []
        self.pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def run(self, epsilon: np.ndarray, target: np.ndarray, normal: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        rates, targets = epsilon.ravel(), np.broadcast_to(target, epsilon.shape).ravel()
        normals = None if normal is None else np.broadcast_to(normal, epsilon.shape).ravel()
        budgets = np.empty(rates.shape, dtype=np.int64)
        self.left, self.pending, waiting = [], [], 0
        for start in range(0, rates.size, _CHUNK):
            waiting += self._chunk(rates, targets, normals, budgets, start)
            if waiting >= _BATCH:
                self._flush(budgets)
                waiting = 0
        self._flush(budgets)
        return budgets, np.concatenate(self.left) if self.left else np.empty(0, dtype=np.intp)

    def _chunk(
        self, rates: np.ndarray, targets: np.ndarray, normals: np.ndarray | None, budgets: np.ndarray, start: int
    ) -> int:
        part = slice(start, start + _CHUNK)
        rate, target = rates[part], targets[part]
        log_target = np.log(target) if self.take_log else target
        if self.from_epsilon:
            floor, sure = _floor_from_epsilon(rate, log_target, self.small_rates)
        else:
            floor, sure = _floor_from_p(rate, log_target)
        if normals is not None:
            sure &= normals[part]
        budgets[part] = floor  # exact where sure (below 2**52); inf and NaN where not are overwritten
        unsure = np.flatnonzero(~sure)
        if self.extended is None:
            self.left.append(unsure + start)
            return 0
        self.pending.append((unsure + start, rate[unsure], target[unsure]))  # gathered while in the cache
        return unsure.size

    def _flush(self, budgets: np.ndarray) -> None:
        """Budgets beyond float64's reach for the elements waiting, from their decimals (bounds/solve/_extended.py)."""
        if not self.pending:
            return
        positions, rates, targets = (np.concatenate(column) for column in zip(*self.pending, strict=True))
        self.pending = []
        if not positions.size:
            return
        floors, proved = self.extended.extended_floors(rates, targets)  # type: ignore[union-attr]
        budgets[positions] = floors  # zero where not proved: those are settled later
        self.left.append(positions[~proved])


#: Unsure elements collected before the longdouble tier runs (its passes are cheapest on about 16384).
_BATCH = 12288


def _floor_from_epsilon(
    epsilon: np.ndarray, log_target: np.ndarray, small_rates: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``floor(ln T / ln(1 - eps))`` in float64 and where it is certain, for rates given as epsilon.

    Error bound, for eps <= 1/2 (so 1 - eps >= 1/2 and |ln(1 - eps)| >= eps): the inputs are
    rounded to float (relative 2**-53 each), which moves ln T by at most 2**-53 and
    ln(1 - eps) by at most 2**-53 relative; log, log1p and the division add their own ulps.
    With 64 ulp per operation, the ratio x is off by less than 64u (1/|ln(1-eps)| + 3|x|),
    so its floor is certain when the distance d to the nearest integer satisfies
    ``d |ln(1-eps)| > 64u (1 - 3 ln T)``. Larger rates are left to the exact path
    (``small_rates`` says none is larger). A ratio of ``2**52`` or more is a whole float, so
    ``d = 0`` there and it is never sure (nor where it is infinite or NaN: comparisons are False).
    """
    log_keep = np.negative(epsilon)
    np.log1p(log_keep, out=log_keep)
    # -64u (1 - 3 ln T), so that the sign of d ln(1 - eps) <= 0 needs no pass of its own
    negative_bound = log_target * (3 * _ULP_MARGIN)
    negative_bound -= _ULP_MARGIN
    ratio = np.divide(log_target, log_keep)
    floor = np.floor(ratio)
    np.subtract(ratio, floor, out=ratio)
    np.minimum(ratio, 1.0 - ratio, out=ratio)
    np.multiply(ratio, log_keep, out=ratio)
    sure = np.less(ratio, negative_bound)
    if not small_rates:
        sure &= epsilon <= 0.5
    return floor, sure


def _floor_from_p(epsilon: np.ndarray, log_target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_floor_from_epsilon`, for rates given as p = 1 - eps.

    The absolute rounding error of p dominates when eps is tiny; scaled by |ln p| * p,
    the floor is certain when ``d |ln p| p > 64u (p (1 + |ln T|) + x p)``.
    """
    keep = 1.0 - epsilon
    log_keep = np.negative(epsilon)
    np.log1p(log_keep, out=log_keep)
    ratio = log_target / log_keep
    floor = np.floor(ratio)
    distance = ratio - floor
    np.minimum(distance, 1.0 - distance, out=distance)
    bound = keep * (1.0 - log_target)
    bound += ratio * keep
    bound *= _ULP_MARGIN
    distance *= log_keep
    distance *= keep
    sure = (-distance > bound) & (ratio < 2.0**52)
    return floor, sure


def _settle_unsure(budgets: np.ndarray, unsure: np.ndarray, rates: np.ndarray, thresholds: np.ndarray,
                   rate_name: str) -> np.ndarray:
    """Decide the elements (flat positions ``unsure``) the float passes could not certify: one ball each,
    else the scalar solver. ``budgets`` is flat int64, or becomes Python ints if a budget needs more."""
    from bounds.solve import _extended as extended  # exact decimals of float64s, in float64 (no longdouble)

    given, given_targets = rates.flat[unsure], thresholds.flat[unsure]  # gathers, no copy of a broadcast view
    proved: list[int | None] = [None] * unsure.size
    if rate_name == "epsilon" and given.dtype.kind == "f":
        lean = np.flatnonzero((given > 0) & (given <= 0.5))
        targets = given_targets[lean]
        if given.dtype == np.float64:  # the decimals without repr, mostly
            lean_rates: list[Any] = decimal_fmpqs(extended.decimal_ratios(given[lean]))
        else:
            lean_rates = given[lean].tolist()
        if targets.dtype == np.float64:
            exact_targets: list[Any] = decimal_fmpqs(extended.decimal_ratios(targets))
        elif targets.dtype.kind == "f":
            exact_targets = targets.tolist()
        else:
            exact_targets = [as_threshold(t) for t in targets.tolist()]
        for position, value in zip(lean.tolist(), certified_floors(lean_rates, exact_targets), strict=True):
            proved[position] = value
    settled = [
        value if value is not None else (_element_budget(given[k], given_targets[k], rate_name).n or 0)
        for k, value in enumerate(proved)
    ]
    # stay in int64 (no per-element Python objects) unless a settled budget needs more
    if any(value >= 2**63 for value in settled):
        budgets = budgets.astype(object)  # Python ints, exact at any size
    for index, value in zip(unsure.tolist(), settled, strict=True):
        budgets[index] = value
    return budgets


def survival(epsilon: Any = None, n: Any = None, *, p: Any = None) -> Any:
    """``(1 - epsilon)**n`` through ``log1p``, broadcasting over ``epsilon`` (or ``p``) and ``n``.

    Examples
    --------
    >>> round(survival(epsilon=0.001, n=50), 4)
    0.9512
    >>> survival(epsilon="1e-20", n=10**10)
    0.9999999999
    """
    if n is None:
        raise ParameterError("n", "given, a whole number >= 0", None)
    epsilon, p, n = (unwrap_scalar(value) for value in (epsilon, p, n))
    rate, name = (epsilon, "epsilon") if epsilon is not None else (p, "p")
    if not (_is_array(rate) or _is_array(n)):
        return Independent(epsilon=epsilon, p=p).survival(n)
    rates, counts = broadcast_inputs({name: rate, "n": n}, dtype=object)
    models = [Independent(epsilon=r) if name == "epsilon" else Independent(p=r) for r in rates.flat]
    values = [model.survival(count) for model, count in zip(models, counts.flat, strict=True)]
    return np.asarray(values, dtype=np.float64).reshape(rates.shape)


def max_epsilon(n: Any, threshold: Any) -> Any:
    r"""Largest per-generation failure probability that still allows ``n`` generations.

    Parameters
    ----------
    n : int or array_like
        Required number of generations, ``>= 1``.
    threshold : number or array_like
        Threshold ``T`` in ``(0, 1]``.

    Returns
    -------
    float or ndarray
        The largest float ``e`` (read, like every float, as the decimal it prints
        as) with ``budget(epsilon=e, threshold=T).n >= n``; the next float up
        allows fewer than ``n`` generations. Both facts are certified.

    Notes
    -----
    .. math:: (1-\varepsilon)^n \ge T \iff \varepsilon \le 1 - T^{1/n}
              = -\operatorname{expm1}\!\left(\frac{\ln T}{n}\right)

    Examples
    --------
    >>> max_epsilon(2, 0.81)
    0.1
    >>> budget(epsilon=max_epsilon(500, 0.605), threshold=0.605).n
    500
    """
    n, threshold = unwrap_scalar(n), unwrap_scalar(threshold)
    if _is_array(n) or _is_array(threshold):
        counts, targets = broadcast_inputs({"n": n, "threshold": threshold}, dtype=object)
        values = [max_epsilon(c, t) for c, t in zip(counts.flat, targets.flat, strict=True)]
        return np.asarray(values, dtype=np.float64).reshape(counts.shape)
    count = generations(n, "n")
    if count == 0:
        raise ParameterError("n", "a whole number >= 1", n)
    target = as_threshold(threshold)
    digits = 40 + decimal_digits(count) + decimal_digits(target.denominator)
    with mpmath.workdps(digits):
        candidate = float(-mpmath.expm1(mpmath.log(to_mpf(target)) / count))

    def allows(rate: float) -> bool:
        # certified: a float rate means its repr decimal, exactly as budget() reads it
        result = Independent(epsilon=rate).budget(target)
        return bool(result.n is None or result.n >= count)

    while candidate > 0 and not allows(candidate):
        candidate = float(np.nextafter(candidate, 0.0))
    while candidate < 1 and allows(float(np.nextafter(candidate, 1.0))):
        candidate = float(np.nextafter(candidate, 1.0))
    return candidate
