"""Property checks for anything that claims to be a survival model.

:func:`check_model` accepts any object with ``survival(n)`` and
``log_survival(n)`` (duck typing: a user's own class passes or fails on its
behaviour, not on its base class) and checks the properties every survival
function has (DESIGN §1):

* ``S(0) = 1`` and ``0 <= S(n) <= 1``;
* ``S`` is non-increasing in ``n``, including at very large ``n``, and never
  below ``limit()`` (``S(infinity)``) when the object has one;
* ``survival`` and ``log_survival`` agree (``S = exp(log S)``), and so do the
  vectorised and scalar forms and, when present, ``survival_mp``;
* when the object can give budgets (``budget(T)``), each budget satisfies
  ``S(N*) >= T > S(N*+1)`` when re-evaluated independently of the solver, and
  budgets are non-increasing in ``T``.

A failure raises :class:`AssertionError` whose message names the property and
a minimal counterexample: for monotonicity, two *consecutive* generation
counts ``n, n+1`` with ``S(n+1) > S(n)``, found by bisecting any violating pair.

The checks are deterministic (fixed grids plus seeded random points), so they
can run inside a hypothesis test without nesting hypothesis searches::

    @given(bounds.testing.models())
    def test_every_model(model):
        bounds.testing.check_model(model)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from bounds.numeric.parse import threshold as as_threshold

__all__ = ["DEFAULT_THRESHOLDS", "ModelCheck", "check_model"]

#: Thresholds at which budgets are checked when the caller gives none.
DEFAULT_THRESHOLDS: tuple[str, ...] = ("0.999", "0.99", "0.9", "0.605", "0.5", "0.1", "0.001", "1e-12")

# Largest n at which the checks evaluate S, unless the caller says otherwise.
_DEFAULT_MAX_GENERATIONS = 10**15
_ULP = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class ModelCheck:
    """What :func:`check_model` verified (it raises on the first failure instead of returning).

    Attributes
    ----------
    generations : tuple of int
        The generation counts at which ``S`` was evaluated.
    checks : tuple of str
        The properties that were checked and hold.
    skipped : tuple of str
        Properties that could not be checked, and why (for example, no ``budget`` method).
    """

    generations: tuple[int, ...]
    checks: tuple[str, ...]
    skipped: tuple[str, ...]


def _describe(model: Any) -> str:
    text = repr(model)
    return text if len(text) <= 120 else text[:117] + "..."


def _evaluation_grid(max_generations: int, extra: Iterable[int], seed: int) -> list[int]:
    """Every n up to 256, powers of two and ten, their neighbours, and seeded random points."""
    points: set[int] = set(range(0, min(256, max_generations) + 1))
    power = 1
    while power <= max_generations:
        points.update({power - 1, power, power + 1, 3 * power // 2})
        power *= 2
    for exponent in range(int(math.log10(max_generations)) + 1):
        value = 10**exponent
        points.update({value - 1, value, value + 1, 2 * value, 5 * value})
    rng = np.random.default_rng(seed)
    top = math.log10(max_generations)
    points.update(int(10**x) for x in rng.uniform(0, top, size=64))
    points.update(extra)
    return sorted(n for n in points if 0 <= n <= max_generations)


class _Evaluator:
    """Scalar evaluations of ``S`` and ``log S``, cached, as Python floats."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self._survival: dict[int, float] = {}
        self._log: dict[int, float] = {}

    def survival(self, n: int) -> float:
        if n not in self._survival:
            self._survival[n] = _as_float(self.model.survival(n), f"survival({n})")
        return self._survival[n]

    def log_survival(self, n: int) -> float:
        if n not in self._log:
            self._log[n] = _as_float(self.model.log_survival(n), f"log_survival({n})")
        return self._log[n]


def _as_float(value: Any, what: str) -> float:
    array = np.asarray(value, dtype=np.float64)
    if array.shape not in ((), (1,)):
        raise AssertionError(f"{what} returned shape {array.shape} for a scalar n; expected a scalar")
    return float(array.reshape(()))


def _log_gap_tolerance(log_value: float, rtol: float) -> float:
    """Allowed rounding slack when comparing two values of ``log S`` near ``log_value``."""
    return rtol * max(1.0, abs(log_value)) if math.isfinite(log_value) else 0.0


def _close(expected: float, value: float, log_value: float, rtol: float) -> bool:
    """Whether two evaluations of ``S`` agree up to rounding (``log_value`` scales the slack)."""
    if expected == value:
        return True
    scale = abs(log_value) if math.isfinite(log_value) else 1.0
    allowed = rtol * max(1.0, scale) * max(abs(value), abs(expected)) + 4 * _ULP * abs(value)
    return abs(expected - value) <= allowed


def _rises(evaluate: _Evaluator, low: int, high: int, rtol: float) -> bool:
    """Whether ``S(high) > S(low)`` beyond rounding, for ``low < high``, decided in log space."""
    before, after = evaluate.log_survival(low), evaluate.log_survival(high)
    if before == -math.inf:
        return after > -math.inf
    return after > before + _log_gap_tolerance(before, rtol)


def _shrink_rise(evaluate: _Evaluator, low: int, high: int, rtol: float) -> tuple[int, int]:
    """Bisect a violating pair ``low < high`` down to consecutive counts that still violate.

    If ``S(high) > S(low)`` then for any ``mid`` either ``S(mid) > S(low)`` or
    ``S(high) > S(mid)`` (up to the tolerance), so one half keeps a violation.
    """
    while high - low > 1:
        middle = (low + high) // 2
        if _rises(evaluate, low, middle, rtol):
            high = middle
        elif _rises(evaluate, middle, high, rtol):
            low = middle
        else:  # the violation is within twice the tolerance: stop at the pair we have
            break
    return low, high


def _fail(prop: str, detail: str, model: Any) -> None:
    raise AssertionError(f"{prop} fails for {_describe(model)}: {detail}")


def _check_values(evaluate: _Evaluator, grid: Sequence[int], rtol: float, model: Any) -> None:
    at_zero = evaluate.survival(0)
    if not abs(at_zero - 1) <= rtol:
        _fail("S(0) = 1", f"survival(0) = {at_zero!r}", model)
    if evaluate.log_survival(0) != 0 and not abs(evaluate.log_survival(0)) <= rtol:
        _fail("log S(0) = 0", f"log_survival(0) = {evaluate.log_survival(0)!r}", model)
    for n in grid:
        value = evaluate.survival(n)
        if not 0 <= value <= 1 + 4 * _ULP:
            _fail("0 <= S(n) <= 1", f"survival({n}) = {value!r}", model)
        log_value = evaluate.log_survival(n)
        if math.isnan(log_value) or log_value > 4 * _ULP:
            _fail("log S(n) <= 0", f"log_survival({n}) = {log_value!r}", model)


def _check_consistency(evaluate: _Evaluator, grid: Sequence[int], rtol: float, model: Any) -> None:
    smallest = float(np.finfo(np.float64).tiny)
    for n in grid:
        value, log_value = evaluate.survival(n), evaluate.log_survival(n)
        if value >= smallest:
            # exp magnifies an absolute error of log S into a relative error of S
            expected = math.exp(log_value) if log_value > -745 else 0.0
            if not _close(expected, value, log_value, rtol):
                _fail(
                    "survival(n) == exp(log_survival(n))",
                    f"n = {n}: survival = {value!r}, exp(log_survival) = {expected!r} "
                    f"(log_survival = {log_value!r})",
                    model,
                )
        elif log_value > math.log(smallest) + 1:
            _fail(
                "survival(n) == exp(log_survival(n))",
                f"n = {n}: survival = {value!r} underflows but log_survival = {log_value!r}",
                model,
            )


def _check_monotone(evaluate: _Evaluator, grid: Sequence[int], rtol: float, model: Any) -> None:
    best = 0  # the count with the smallest S so far along the sorted grid
    for n in grid[1:]:
        if _rises(evaluate, best, n, rtol):
            low, high = _shrink_rise(evaluate, best, n, rtol)
            _fail(
                "S non-increasing in n",
                f"S({high}) = {evaluate.survival(high)!r} > S({low}) = {evaluate.survival(low)!r} "
                f"(log S: {evaluate.log_survival(high)!r} > {evaluate.log_survival(low)!r})",
                model,
            )
        if evaluate.log_survival(n) <= evaluate.log_survival(best):
            best = n


def _defines_limit(model: Any) -> bool:
    """Whether ``limit()`` answers; a model may refuse (BoundsError) when S(infinity) is unknown."""
    from bounds.errors import BoundsError

    try:
        model.limit()
    except BoundsError:
        return False
    return True


def _check_limit(evaluate: _Evaluator, grid: Sequence[int], rtol: float, model: Any) -> None:
    """``S(infinity)`` is in [0, 1] and below every ``S(n)`` (S is non-increasing towards it)."""
    limit = _as_float(model.limit(), "limit()")
    if not 0 <= limit <= 1:
        _fail("0 <= S(infinity) <= 1", f"limit() = {limit!r}", model)
    for n in grid:
        if evaluate.survival(n) < limit * (1 - rtol):
            _fail(
                "S(n) >= S(infinity)",
                f"survival({n}) = {evaluate.survival(n)!r} < limit() = {limit!r}",
                model,
            )


def _check_vectorised(evaluate: _Evaluator, grid: Sequence[int], rtol: float, model: Any) -> bool:
    """Compare array evaluation with scalar evaluation; False when the model takes scalars only."""
    counts = np.asarray([n for n in grid if n < 2**53], dtype=np.int64)
    try:
        values = np.asarray(model.survival(counts), dtype=np.float64)
        logs = np.asarray(model.log_survival(counts), dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if values.shape != counts.shape or logs.shape != counts.shape:
        _fail(
            "vectorised evaluation",
            f"survival(array of shape {counts.shape}) has shape {values.shape}",
            model,
        )
    for index, n in enumerate(counts.tolist()):
        scalar, array_value = evaluate.survival(n), float(values[index])
        if not _close(scalar, array_value, evaluate.log_survival(n), rtol):
            _fail("scalar and vectorised survival agree", f"n = {n}: {scalar!r} != {array_value!r}", model)
    return True


def _check_precise(evaluate: _Evaluator, grid: Sequence[int], rtol: float, model: Any) -> None:
    for n in grid[:: max(1, len(grid) // 24)]:
        precise = model.survival_mp(n, 30)
        value = evaluate.survival(n)
        with mpmath.workdps(40):
            if mpmath.isnan(precise) or precise < 0 or precise > 1:
                _fail("0 <= survival_mp(n) <= 1", f"survival_mp({n}, 30) = {mpmath.nstr(precise, 20)}", model)
            if value >= float(np.finfo(np.float64).tiny):
                if not _close(float(precise), value, evaluate.log_survival(n), rtol):
                    _fail(
                        "survival_mp(n) agrees with survival(n)",
                        f"n = {n}: survival = {value!r}, survival_mp = {mpmath.nstr(precise, 20)}",
                        model,
                    )


def _recheck_budget(model: Any, evaluate: _Evaluator, target: Fraction, result: Any, rtol: float) -> None:
    """Re-evaluate ``S(N*) >= T > S(N*+1)`` independently of the solver's own comparisons."""
    shown = f"T = {float(target)!r}"
    if result.n is None:
        limit = getattr(model, "limit", None)
        if limit is not None and not limit() >= float(target) * (1 - rtol):
            _fail("an unbounded budget needs S(infinity) >= T", f"{shown}: limit() = {limit()!r}", model)
        for n in (10**6, 10**12, _DEFAULT_MAX_GENERATIONS):
            if evaluate.survival(n) < float(target) * (1 - rtol):
                _fail(
                    "an unbounded budget needs S(N) >= T for every N",
                    f"{shown}: survival({n}) = {evaluate.survival(n)!r}",
                    model,
                )
        return
    budget = int(result.n)
    if budget < 0:
        _fail("budget >= 0", f"{shown}: budget {budget}", model)
    precise = getattr(model, "survival_mp", None)
    if precise is not None:
        with mpmath.workdps(60):
            level = mpmath.mpf(target.numerator) / target.denominator
            slack = level * mpmath.mpf(10) ** -45
            at, after = precise(budget, 50), precise(budget + 1, 50)
            if at < level - slack:
                _fail(
                    "S(N*) >= T", f"{shown}: N* = {budget} but S({budget}) = {mpmath.nstr(at, 25)} < T", model
                )
            if after > level + slack:
                _fail(
                    "S(N*+1) < T",
                    f"{shown}: N* = {budget} but S({budget + 1}) = {mpmath.nstr(after, 25)} >= T",
                    model,
                )
        return
    at, after = evaluate.survival(budget), evaluate.survival(budget + 1)
    if at < float(target) * (1 - rtol):
        _fail("S(N*) >= T", f"{shown}: N* = {budget} but S({budget}) = {at!r} < T", model)
    if after > float(target) * (1 + rtol):
        _fail("S(N*+1) < T", f"{shown}: N* = {budget} but S({budget + 1}) = {after!r} >= T", model)


def _check_budgets(
    model: Any, evaluate: _Evaluator, thresholds: Sequence[Any], rtol: float
) -> list[tuple[Fraction, int | None]]:
    budget = model.budget
    results: list[tuple[Fraction, int | None]] = []
    for value in thresholds:
        target = as_threshold(value)
        result = budget(target)
        if getattr(result, "certified", True) is not True:
            _fail("budgets are certified", f"T = {float(target)!r}: certified = {result.certified!r}", model)
        _recheck_budget(model, evaluate, target, result, rtol)
        results.append((target, None if result.n is None else int(result.n)))
    ordered = sorted(results, key=lambda item: item[0], reverse=True)
    for (high_t, high_n), (low_t, low_n) in zip(ordered, ordered[1:], strict=False):
        smaller = math.inf if high_n is None else high_n
        larger = math.inf if low_n is None else low_n
        if smaller > larger:
            _fail(
                "budget non-increasing in T",
                f"N*({float(high_t)!r}) = {high_n} > N*({float(low_t)!r}) = {low_n}",
                model,
            )
    return results


def check_model(
    model: Any,
    *,
    thresholds: Sequence[Any] | None = None,
    max_generations: int = _DEFAULT_MAX_GENERATIONS,
    generations: Iterable[int] = (),
    rtol: float = 1e-9,
    seed: int = 0,
) -> ModelCheck:
    r"""Check that ``model`` behaves like a survival function; raise ``AssertionError`` if not.

    Parameters
    ----------
    model : object
        Anything with ``survival(n)`` and ``log_survival(n)`` for whole ``n >= 0``.
        Optional methods are checked when present: ``survival_mp(n, dps)``,
        ``budget(T)`` (returning an object with ``.n``, ``None`` when unbounded)
        and ``limit()``.
    thresholds : sequence of numbers, optional
        Thresholds at which budgets are checked (default :data:`DEFAULT_THRESHOLDS`).
    max_generations : int
        Largest generation count evaluated (default ``10**15``).
    generations : iterable of int
        Extra generation counts to evaluate, such as points you suspect.
    rtol : float
        Relative rounding tolerance of float comparisons (in ``log S``, scaled by ``|log S|``).
    seed : int
        Seed of the random evaluation points; the checks are deterministic.

    Returns
    -------
    ModelCheck
        What was checked and what was skipped (for example budgets, without ``budget``).

    Raises
    ------
    AssertionError
        Naming the property that fails and a minimal counterexample.

    Notes
    -----
    A survival function satisfies :math:`S(0) = 1`, :math:`0 \le S \le 1` and
    :math:`S(n+1) \le S(n)`; its budget :math:`N^*(T) = \max\{N : S(N) \ge T\}`
    satisfies :math:`S(N^*) \ge T > S(N^*+1)` and is non-increasing in
    :math:`T`. Floats are compared with slack ``rtol`` (``log S`` within
    ``rtol * max(1, |log S|)``); budgets are rechecked with ``survival_mp`` at
    50 digits when the model has it.

    Examples
    --------
    >>> import math
    >>> class Halving:
    ...     def log_survival(self, n):
    ...         return -math.log(2) * n
    ...     def survival(self, n):
    ...         return 0.5 ** n
    >>> for line in check_model(Halving()).skipped:
    ...     print(line)
    limit: the object has no limit(), or it refuses (S(infinity) unknown)
    survival_mp: the object has none
    budgets: the object has no budget(T) method
    >>> class Recovering(Halving):
    ...     def log_survival(self, n):
    ...         return -math.log(2) * (n if n <= 100 else 200 - n)
    ...     def survival(self, n):
    ...         return math.exp(self.log_survival(n))
    >>> check_model(Recovering(), max_generations=150)
    Traceback (most recent call last):
    ...
    AssertionError: S non-increasing in n fails for <...Recovering object at ...>: S(101) = ... > S(100) = ...
    """
    for method in ("survival", "log_survival"):
        if not callable(getattr(model, method, None)):
            raise AssertionError(f"{_describe(model)} has no {method}(n) method")
    max_generations = int(max_generations)
    if max_generations < 1:
        raise ValueError(f"max_generations must be a whole number >= 1, got {max_generations}")
    horizon = getattr(model, "horizon", None)
    if isinstance(horizon, int) and not isinstance(horizon, bool):
        # a model defined only up to a horizon (an expression schedule) is checked there
        max_generations = min(max_generations, horizon)
    evaluate = _Evaluator(model)
    extra = [int(n) for n in generations]
    grid = _evaluation_grid(max_generations, extra, seed)
    checks = ["S(0) = 1", "0 <= S(n) <= 1", "survival(n) == exp(log_survival(n))", "S non-increasing in n"]
    skipped: list[str] = []
    _check_values(evaluate, grid, rtol, model)
    _check_consistency(evaluate, grid, rtol, model)
    _check_monotone(evaluate, grid, rtol, model)
    if callable(getattr(model, "limit", None)) and _defines_limit(model):
        _check_limit(evaluate, grid, rtol, model)
        checks.append("S(n) >= S(infinity)")
    else:
        skipped.append("limit: the object has no limit(), or it refuses (S(infinity) unknown)")
    if _check_vectorised(evaluate, grid, rtol, model):
        checks.append("scalar and vectorised survival agree")
    else:
        skipped.append("vectorised evaluation: survival(array) raised TypeError or ValueError")
    precise: Callable[..., Any] | None = getattr(model, "survival_mp", None)
    if callable(precise):
        _check_precise(evaluate, grid, rtol, model)
        checks.append("survival_mp(n) agrees with survival(n)")
    else:
        skipped.append("survival_mp: the object has none")
    if callable(getattr(model, "budget", None)):
        results = _check_budgets(model, evaluate, thresholds or DEFAULT_THRESHOLDS, rtol)
        checks += ["S(N*) >= T > S(N*+1)", "budget non-increasing in T"]
        # the checks above evaluated S at each budget: include those points in the report
        grid = sorted(set(grid) | {n for _, n in results if n is not None})
    else:
        skipped.append("budgets: the object has no budget(T) method")
    return ModelCheck(tuple(grid), tuple(checks), tuple(skipped))
