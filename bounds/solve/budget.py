"""The generic certified budget solver.

``solve(model, T)`` returns the largest ``N >= 0`` with ``S(N) >= T`` for any
model with ``log_survival(ctx, n)``, or reports that the budget is unbounded
(``S(N) >= T`` for every ``N``), and in both cases *proves* the answer:

1. **Unbounded?** When the model knows its limit (``log_limit(ctx)`` or
   ``limit_exact()``), compare ``S(infinity)`` with ``T``; since ``S`` is
   non-increasing, ``S(infinity) >= T`` means ``S(N) >= T`` for every ``N``.
2. **Find** a candidate: the model's ``candidate(T)`` if it has one, otherwise
   the monotone search (:func:`bounds.numeric.search.last_true`) on the float
   ``log_survival``.
3. **Certify** ``S(N*) >= T > S(N*+1)`` with :func:`bounds.numeric.certify.decide`:
   balls of ``ln S`` at rising precision, exact rationals (``survival_exact``)
   only for ties, walking from the candidate by galloping and bisection if it
   was off. Floats find; they never decide.

A comparison that neither a ball nor exact arithmetic decides raises
:class:`~bounds.errors.CertificationError`; no uncertified integer is returned.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, overload

import mpmath
import numpy as np

import bounds.models.base as _model_base
from bounds.display import Displayed, render
from bounds.errors import CertificationError, ParameterError
from bounds.numeric.certify import Decision, decide
from bounds.numeric.contexts import FLOAT
from bounds.numeric.parse import format_near, format_number, json_value
from bounds.numeric.parse import threshold as as_threshold
from bounds.numeric.search import SearchLimit, last_true
from bounds.solve.frames import missing_where_unbounded, to_pandas

__all__ = ["Budget", "BudgetArray", "Comparison", "compare_limit", "compare_survival", "solve"]

#: How a comparison was proved: exact rationals, or python-flint arb balls.
METHODS = ("exact", "ball")
_METHOD_TEXT = {"exact": "exact rational arithmetic", "ball": "ball arithmetic"}


@dataclass(frozen=True)
class Comparison:
    """The certified sign of ``S - T`` and how it was proved.

    ``sign`` is ``1`` for ``S > T``, ``0`` for ``S == T`` (only ever proved
    exactly) and ``-1`` for ``S < T``. ``value`` is ``S`` (exact, or an mpmath
    number for display); ``bits`` is the ball precision (``0`` when exact).
    """

    sign: int
    value: mpmath.mpf | Fraction
    method: str
    bits: int


def _fraction_mpf(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def _from_decision(decision: Decision) -> Comparison:
    value = decision.exact_value if decision.exact_value is not None else decision.value_mpf()
    return Comparison(decision.sign, value, decision.method, decision.prec)


def _start_prec(n: int) -> int:
    return 64


def compare_survival(model: Any, n: int, threshold: Fraction) -> Comparison:
    """Certified comparison of ``S(n)`` with ``threshold`` (see :func:`bounds.numeric.certify.decide`)."""
    if n == 0:
        return Comparison((1 > threshold) - (1 < threshold), Fraction(1), "exact", 0)
    exact_method = getattr(model, "survival_exact", None)
    exact = (lambda: exact_method(n)) if exact_method is not None else None
    try:
        decision = decide(
            lambda ctx: model.log_survival(ctx, n), threshold, exact=exact, what=f"S({n})",
            start_prec=_start_prec(n),
        )
    except NotImplementedError as error:
        raise ParameterError(
            "model", "an object whose log_survival(ctx, n) evaluates in the ball context", type(model).__name__
        ) from error
    return _from_decision(decision)


def compare_limit(model: Any, threshold: Fraction) -> Comparison | None:
    """Certified comparison of ``S(infinity)`` with ``threshold`` (None: the model does not know its limit)."""
    exact_method = getattr(model, "limit_exact", None)
    exact_value = exact_method() if exact_method is not None else None
    if exact_value is not None:
        return Comparison((exact_value > threshold) - (exact_value < threshold), exact_value, "exact", 0)
    log_limit = getattr(model, "log_limit", None)
    if log_limit is None:
        return None  # the limit is not known: only a finite budget can be proved
    return _from_decision(decide(log_limit, threshold, what="S(infinity)"))


@dataclass(frozen=True)
class Budget(Displayed):
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
        How it was proved: ``"exact"`` (rational arithmetic) or ``"ball"`` (python-flint arb balls,
        at ``certificate_bits`` bits).
    certificate_values : tuple of mpmath.mpf or Fraction
        ``S(N*)`` and ``S(N*+1)`` (or ``S(infinity)``): exact Fractions, or the midpoints of the
        balls that proved the comparison with ``T``.
    certificate_bits : int
        The highest ball precision the proof used (``0`` when every comparison was exact).
    """

    n: int | None
    threshold: Fraction
    model: Any
    survival_at_budget: float | None
    survival_after_budget: float | None
    certified: bool
    certificate: str
    certificate_values: tuple[mpmath.mpf | Fraction, ...] = field(default=(), repr=False)
    certificate_bits: int = 0

    @property
    def certificate_text(self) -> str:
        """The certificate in words: ``exact rational arithmetic`` or ``ball arithmetic at 128 bits``."""
        text = _METHOD_TEXT.get(self.certificate, self.certificate)
        return text if self.certificate == "exact" else f"{text} at {self.certificate_bits} bits"

    @property
    def unbounded(self) -> bool:
        """True when ``S(N) >= T`` for every ``N``."""
        return self.n is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary with the keys of DESIGN §6 and the model's parameters."""
        given = getattr(self.model, "parameters", None)
        parameters = {key: json_value(value) for key, value in (given() if callable(given) else {}).items()}
        return {
            "model": getattr(self.model, "name", type(self.model).__name__),
            "threshold": json_value(self.threshold),
            "budget": self.n,
            "unbounded": self.unbounded,
            "survival_at_budget": self.survival_at_budget,
            "survival_after_budget": self.survival_after_budget,
            "certified": self.certified,
            "certificate": self.certificate,
            "certificate_bits": self.certificate_bits,
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
        return f"{head}  [{self.model!r}; certified by {self.certificate_text}]"

    def derivation(self, digits: int = 6) -> Any:
        """The :class:`~bounds.report.derive.Derivation` of this budget (assumptions to certificate)."""
        return render("derivation", self, digits=digits)

    def _repr_latex_(self) -> str:
        """The certificate ``S(N*) >= T > S(N*+1)`` for Jupyter (see :func:`bounds.report.derive.budget_latex`)."""
        return render("latex", self)

    def __int__(self) -> int:
        if self.n is None:
            raise OverflowError("the budget is unbounded")
        return self.n

    def __getattr__(self, name: str) -> Any:
        # Reached only for an attribute the instance lacks. A Budget from the scalar fast path
        # (bounds.solve.constant_rate.lean_budget) holds n and its certificate, proved, and derives
        # the fields in DEFERRED_FIELDS on first use with ``_deferred()``: the values the eager path
        # would have stored, computed by the same operations.
        deferred = self.__dict__.get("_deferred") if name in DEFERRED_FIELDS else None
        if deferred is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.__dict__.update(deferred())
        # removed after the update: a concurrent first access recomputes the same values, never misses them
        self.__dict__.pop("_deferred", None)
        return self.__dict__[name]

    def __getstate__(self) -> dict[str, Any]:
        # pickle and copy take every field: a deferred Budget derives them first (its recipe holds balls)
        if "_deferred" in self.__dict__:
            self.__getattr__("model")
        return self.__dict__


#: The fields a :class:`Budget` may derive on first access (everything but the proved ``n`` and certificate).
DEFERRED_FIELDS = frozenset({"threshold", "model", "survival_at_budget", "survival_after_budget", "certificate_values"})


def deferred_budget(n: int, certificate: str, certificate_bits: int, derive: Callable[[], dict[str, Any]]) -> Budget:
    """A certified :class:`Budget` of ``n`` whose :data:`DEFERRED_FIELDS` come from ``derive()`` on first use.

    For the scalar fast path: the proof is done; the threshold, model, float survivals and the
    certificate's midpoints (about half its cost) are built only if they are read. Pickling or
    copying the Budget derives them first, so ``derive`` may hold what is not picklable (balls).
    """
    result = Budget.__new__(Budget)
    result.__dict__.update(
        n=n, certified=True, certificate=certificate, certificate_bits=certificate_bits, _deferred=derive
    )
    return result


@dataclass(frozen=True)
class BudgetArray(Displayed):
    """Budgets for an array of inputs, broadcast like a numpy ufunc.

    ``n`` is a masked array, masked where the budget is unbounded: int64 when
    every budget is finite and fits, otherwise Python ints with ``None`` for
    unbounded (object dtype), so that ``np.asarray(n)`` never shows a number
    where there is none. Every element is exact. :meth:`to_pandas` gives
    nullable integers with ``<NA>`` for unbounded.
    """

    n: np.ma.MaskedArray
    unbounded: np.ndarray
    threshold: np.ndarray
    model: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", missing_where_unbounded(self.n, np.asarray(self.unbounded, dtype=bool)))

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

    def to_pandas(self) -> Any:
        """A pandas Series (1-D) or DataFrame (2-D) of the budgets, ``<NA>`` where unbounded.

        The dtype is nullable ``Int64``, or ``object`` with exact Python ints when a budget
        does not fit int64 (install the ``dataframe`` extra).
        """
        return to_pandas(self.n, self.unbounded)


def _context(model: Any, threshold: Fraction) -> dict[str, Any]:
    """Facts a model reports beside its budget (``budget_context``), e.g. the cap a persistent floor imposes."""
    method = getattr(model, "budget_context", None)
    return method(threshold) if callable(method) else {}


def _float_candidate(model: Any, threshold: Fraction) -> int:
    """The float64 search for the budget: a guess, not an answer."""
    target = log_threshold(threshold)

    def holds(n: int) -> bool:
        return bool(model.log_survival(FLOAT, np.asarray([float(n)]))[0] >= target)

    try:
        return last_true(holds, 1, limit=2**1000) if holds(1) else 0
    except SearchLimit:
        proved = "although S(infinity) < T" if callable(getattr(model, "log_limit", None)) else (
            "and without log_limit(ctx) the model cannot be proved unbounded")
        raise CertificationError(
            f"S(N) >= T for N up to 2**1000 {proved}; the budget is beyond the float search of {model!r}"
        ) from None


def _certified_search(model: Any, threshold: Fraction, candidate: int) -> tuple[int, Comparison, Comparison]:
    """Largest ``n`` with ``S(n) >= T``, starting near ``candidate``, every step certified."""
    cache: dict[int, Comparison] = {}

    def compare(n: int) -> Comparison:
        if n not in cache:
            cache[n] = compare_survival(model, n, threshold)
        return cache[n]

    good = last_true(lambda n: compare(n).sign >= 0, candidate)
    return good, compare(good), compare(good + 1)


def _weakest(*comparisons: Comparison) -> tuple[str, int]:
    method = max((comparison.method for comparison in comparisons), key=METHODS.index)
    return method, max(comparison.bits for comparison in comparisons)


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
    if not callable(getattr(model, "log_survival", None)):
        raise ParameterError("model", "an object with a method log_survival(ctx, n) (see the tutorial)", model)
    # without a limit a model can still have a finite budget: S(N*) >= T > S(N*+1) proves it alone
    if callable(getattr(model, "log_limit", None)) or callable(getattr(model, "limit_exact", None)):
        at_limit = compare_limit(model, target)
        if at_limit is not None and at_limit.sign >= 0:
            method, bits = _weakest(at_limit)
            return Budget(None, target, model, None, None, True, method, (at_limit.value,), bits)
    guess = getattr(model, "candidate", None)
    candidate = guess(target) if callable(guess) else None
    if candidate is None:
        candidate = _float_candidate(model, target)
    n, at, after = _certified_search(model, target, candidate)
    # the floats reported are the midpoints of the certifying balls (or the exact values), rounded once
    method, bits = _weakest(at, after)
    return Budget(n, target, model, float(at.value), float(after.value), True, method, (at.value, after.value), bits)


def log_threshold(threshold: Fraction) -> float:
    """``ln T`` as a float, exact enough for candidate searches even below 1e-308."""
    if threshold.numerator == 0:
        return -math.inf
    with mpmath.workdps(30):
        return float(mpmath.log(_fraction_mpf(threshold)))


_model_base.SOLVER = solve
