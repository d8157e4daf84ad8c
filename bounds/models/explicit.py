r"""Schedules given rate by rate: an explicit list (or file), or a safe expression in ``i``.

Both compute ``S(N) = prod_{i<=N} (1 - epsilon_i)`` from prefix sums of
``log1p(-epsilon_i)``: in float64 (cached, to find budgets fast), in mpmath
with checkpoints every :data:`_STRIDE` generations (to certify), and as an exact
rational product when the rates are rational and the product is small.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import sympy
from sympy.utilities.lambdify import implemented_function

from bounds.errors import BoundsError, ParameterError, SpecError
from bounds.models._schedule_base import EXACT_BITS, RateSampler, log_survival_mp
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numeric.expression import parse_expression
from bounds.numeric.parse import generations, probability, to_mpf

__all__ = ["Expression", "Rates", "read_rates_file"]

_STRIDE = 1024
#: Explicit lists up to this length get a fully explicit symbolic form (Piecewise rates).
_SYMBOLIC_PIECEWISE_MAX = 200


class _MpPrefix:
    """``sum_{k<=n} log(factor(k))`` in mpmath, with checkpoints every ``_STRIDE`` terms per precision.

    Within a block the factors are multiplied and one log is taken (mpmath's
    ``log1p`` costs about a hundred multiplications); the relative rounding
    error of a product of ``m`` factors is about ``m`` ulp, so callers carry the
    digits of ``n`` as guard digits.
    """

    def __init__(self) -> None:
        self.points: dict[int, list[mpmath.mpf]] = {}

    @staticmethod
    def _log_product(factor: Callable[[int], mpmath.mpf], first: int, last: int) -> mpmath.mpf:
        product = mpmath.mpf(1)
        for k in range(first, last + 1):
            product *= factor(k)
            if product == 0:
                return mpmath.ninf
        return mpmath.log(product)

    def total(self, n: int, factor: Callable[[int], mpmath.mpf]) -> mpmath.mpf:
        points = self.points.setdefault(mpmath.mp.prec, [mpmath.mpf(0)])
        whole = n // _STRIDE
        while len(points) <= whole:
            first = (len(points) - 1) * _STRIDE + 1
            points.append(points[-1] + self._log_product(factor, first, first + _STRIDE - 1))
        return points[whole] + self._log_product(factor, whole * _STRIDE + 1, n)


def _symbols() -> tuple[sympy.Symbol, sympy.Symbol]:
    """The generation count ``N`` and the generation index ``i``."""
    return sympy.Symbol("N", integer=True, nonnegative=True), sympy.Symbol("i", integer=True, positive=True)


def _fraction_product(factors: Sequence[Fraction]) -> Fraction:
    numerator = math.prod(factor.numerator for factor in factors)
    denominator = math.prod(factor.denominator for factor in factors)
    return Fraction(numerator, denominator)


def read_rates_file(path: str | Path) -> list[Fraction]:
    """Read one rate per line; ``#`` starts a comment; blank lines are skipped.

    Raises
    ------
    SpecError
        For a missing or unreadable file, a line that is not a probability
        (naming its line number), or a file without rates.
    """
    from bounds._io import read_text  # bounded, regular files only (no FIFO, no /dev/zero)

    path = Path(path)
    try:
        text = read_text(path, "rates file")
    except BoundsError as error:
        raise SpecError(str(error)) from None
    rates = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        try:
            rates.append(probability(content, "the rate"))
        except ParameterError as error:  # never echo the line: `file =` may name any file
            raise SpecError(f"rates file {path.name} line {number}: a rate must be {error.valid}") from None
    if not rates:
        raise SpecError(f"rates file {str(path)!r} contains no rates (only blank lines and comments)")
    return rates


# ==================================================================================================
@register("rates")
@dataclass(frozen=True, repr=False)
class Rates(RateSampler, SurvivalModel):
    r"""Explicit rates ``epsilon_1, ..., epsilon_K``, continued after ``K`` according to ``tail``.

    Parameters
    ----------
    rates : sequence of numbers
        The failure probabilities of generations ``1..K``, each in ``[0, 1]``
        (exact: floats mean their printed decimal). Spec: ``rates = [...]``, or
        ``file = "rates.txt"`` (one rate per line, ``#`` comments, path relative
        to the spec file; see :meth:`from_file`).
    tail : {"repeat", "zero"}
        After generation ``K``: ``"repeat"`` (default) keeps the last rate
        forever; ``"zero"`` means no further risk.

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{\min(N,K)} (1-\varepsilon_i) \cdot (1-\varepsilon_K)^{\max(0, N-K)}
              \quad(\text{repeat}), \qquad S(\infty) = S(K) \quad(\text{zero})

    Examples
    --------
    >>> model = Rates(["0.01", "0.005", "0.001"])
    >>> model.survival_exact(3)
    Fraction(19681299, 20000000)
    >>> model.budget("0.95").n  # 0.98406495 * 0.999**35 >= 0.95 > 0.98406495 * 0.999**36
    38
    >>> Rates(["0.01", "0.005"], tail="zero").budget("0.98").unbounded
    True
    """

    rates: Sequence[Fraction]
    tail: str = "repeat"
    _prefix: Any = field(init=False, repr=False, compare=False, default=None)
    _bits: Any = field(init=False, repr=False, compare=False, default=None)
    _floats: Any = field(init=False, repr=False, compare=False, default=None)
    _mp: Any = field(init=False, repr=False, compare=False, default=None)

    name = "rates"

    def __post_init__(self) -> None:
        given = self.rates
        if isinstance(given, (str, bytes)) or not isinstance(given, (Sequence, np.ndarray)):
            raise ParameterError("rates", "a non-empty list of probabilities", given)
        values = tuple(probability(value, f"rates[{index}]") for index, value in enumerate(list(given)))
        if not values:
            raise ParameterError("rates", "a non-empty list of probabilities", given)
        if self.tail not in ("repeat", "zero"):
            raise ParameterError("tail", "'repeat' or 'zero'", self.tail)
        object.__setattr__(self, "rates", values)
        floats = np.array([float(value) for value in values])
        object.__setattr__(self, "_floats", floats)
        with np.errstate(divide="ignore"):
            terms = np.log1p(-floats)
        object.__setattr__(self, "_prefix", np.concatenate([[0.0], np.cumsum(terms)]))
        sizes = np.array([max((1 - value).numerator.bit_length(), (1 - value).denominator.bit_length())
                          for value in values], dtype=np.int64)
        object.__setattr__(self, "_bits", np.concatenate([[0], np.cumsum(sizes)]))
        object.__setattr__(self, "_mp", _MpPrefix())

    @classmethod
    def from_file(cls, path: str | Path, tail: str = "repeat") -> Rates:
        """Rates read from a text file with one rate per line (see :func:`read_rates_file`)."""
        return cls(read_rates_file(path), tail=tail)

    @classmethod
    def from_spec(cls, spec: Spec) -> Rates:
        if spec.has("rates") == spec.has("file"):
            raise SpecError(f"{spec.where}: model 'rates' needs exactly one of the fields 'rates' or 'file'")
        tail = spec.get("tail", "repeat")
        if spec.has("file"):
            return cls.from_file(spec.path("file"), tail=tail)
        return cls(spec.get("rates"), tail=tail)

    def parameters(self) -> dict[str, Any]:
        return {"rates": list(self.rates), "tail": self.tail}

    @property
    def _last(self) -> Fraction:
        """The rate of every generation after the list."""
        return self.rates[-1] if self.tail == "repeat" else Fraction(0)

    def rate(self, i: np.ndarray) -> np.ndarray:
        index = np.asarray(i, dtype=np.float64)
        position = np.clip(index, 1, len(self.rates)).astype(np.int64) - 1
        return np.where(index > len(self.rates), float(self._last), self._floats[position])

    def rate_exact(self, i: int) -> Fraction:
        return self.rates[i - 1] if i <= len(self.rates) else self._last

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.rate_exact(i))

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        count = len(self.rates)
        head = self._prefix[np.minimum(n, count).astype(np.int64)]
        extra = np.maximum(n - count, 0)
        tail_log = math.log1p(-float(self._last)) if self._last < 1 else -math.inf
        with np.errstate(invalid="ignore"):
            return head + np.where(extra == 0, 0.0, extra * tail_log)

    def survival_exact(self, n: int) -> Fraction | None:
        count = len(self.rates)
        head_count = min(n, count)
        extra = n - head_count
        keep = 1 - self._last
        cost = int(self._bits[head_count])
        if extra and keep not in (0, 1):
            cost += extra * max(keep.numerator.bit_length(), keep.denominator.bit_length())
        if cost > EXACT_BITS:
            return None
        return _fraction_product([1 - value for value in self.rates[:head_count]]) * keep**extra

    def _log_mp(self, n: int) -> mpmath.mpf:
        count = len(self.rates)
        head = self._mp.total(min(n, count), lambda k: 1 - to_mpf(self.rates[k - 1]))
        extra = n - min(n, count)
        return head + (extra * mpmath.log1p(-to_mpf(self._last)) if extra else 0)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        exact = self.survival_exact(n)
        if exact is not None:
            with mpmath.workdps(dps + 10):
                return to_mpf(exact)
        return log_survival_mp(lambda tolerance: self._log_mp(n), dps, len(str(n)))

    def limit_exact(self) -> Fraction | None:
        if self._last > 0:
            return Fraction(0)
        return self.survival_exact(len(self.rates))

    def limit_mp(self, dps: int) -> mpmath.mpf:
        exact = self.limit_exact()
        if exact is not None:
            return to_mpf(exact)
        return self.survival_mp(len(self.rates), dps)

    def budget_candidate(self, threshold: Fraction) -> int | None:
        from bounds.solve.budget import log_threshold

        target = log_threshold(threshold)
        within = int(np.searchsorted(-self._prefix, -target, side="right")) - 1
        count = len(self.rates)
        if within < count or self._last == 0:
            return max(within, 0)
        if self._last == 1:
            return count
        return count + int(math.floor((target - self._prefix[count]) / math.log1p(-float(self._last))))

    def symbolic(self) -> SurvivalExpr:
        n, i = _symbols()
        last = sympy.Rational(self._last.numerator, self._last.denominator)
        if len(self.rates) <= _SYMBOLIC_PIECEWISE_MAX:
            pieces = [(sympy.Rational(value.numerator, value.denominator), sympy.Eq(i, index))
                      for index, value in enumerate(self.rates, start=1)]
            rate: sympy.Expr = sympy.Piecewise(*pieces, (last, True))
        else:
            # too many rates to spell out: epsilon(i) is a named function backed by the exact list
            def exact_rate(index: Any) -> Any:
                return to_mpf(self.rate_exact(int(index)))

            rate = implemented_function(sympy.Function("varepsilon"), exact_rate)(i)
        return SurvivalExpr(
            sympy.Product(1 - rate, (i, 1, n)),
            n,
            {},
            (
                f"generations 1..{len(self.rates)} have the listed failure probabilities",
                "after the list " + ("the last rate repeats" if self.tail == "repeat" else "no risk remains"),
            ),
        )


# ==================================================================================================
@register("expression")
@dataclass(frozen=True, repr=False)
class Expression(RateSampler, SurvivalModel):
    r"""Rates from a formula in the generation index: ``epsilon_i = f(i)``, e.g. ``"1e-3 * 0.9**i"``.

    Parameters
    ----------
    expr : str
        The formula, parsed by the whitelist of :mod:`bounds.numeric.expression`
        (numbers, ``i``, ``+ - * / **``, ``exp``, ``log``, ``sqrt``, ``min``,
        ``max``); never evaluated as Python. Its value must lie in ``[0, 1]`` at
        every generation evaluated, or :class:`~bounds.errors.ExpressionError`
        names the generation (write ``min(1, ...)`` to cap).
    horizon : int
        Budgets are searched up to this many generations (default ``10**7``).

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{N} \bigl(1 - f(i)\bigr)

    The limit ``S(infinity)`` of an arbitrary formula is unknown, so an
    expression never yields an unbounded budget: if ``S(horizon) >= T`` the
    solver raises :class:`~bounds.errors.BoundsError` naming ``horizon``.
    :meth:`limit` raises for the same reason; :meth:`limit_mp` returns the
    lower bound 0 so that the solver searches for a finite budget, which it
    then certifies (``S(N*) >= T > S(N*+1)`` is a proof whatever the limit).
    Survival is defined for ``N <= horizon`` only.

    Examples
    --------
    >>> model = Expression("1e-3 * 0.999**(i - 1)")
    >>> model.budget("0.5").n
    1180
    >>> Expression("min(1, 0.001 * i)").survival_exact(2)
    Fraction(498501, 500000)
    >>> Expression("0.001 * i")
    Traceback (most recent call last):
    ...
    bounds.errors.ExpressionError: expression '0.001 * i' must give a rate in [0, 1] ... 1.001...
    """

    expr: str
    horizon: int = 10**7
    _rate: Any = field(init=False, repr=False, compare=False, default=None)
    _cache: Any = field(init=False, repr=False, compare=False, default=None)

    name = "expression"
    _FIRST_CHECK = 1024

    def __post_init__(self) -> None:
        parsed = parse_expression(self.expr)
        horizon = generations(self.horizon, "horizon")
        if horizon < 1:
            raise ParameterError("horizon", "a whole number >= 1", self.horizon)
        object.__setattr__(self, "horizon", horizon)
        object.__setattr__(self, "_rate", parsed)
        object.__setattr__(self, "_cache", {"prefix": np.zeros(1), "mp": _MpPrefix()})
        # fail early on formulas that leave [0, 1] at the first generations
        self._prefix_upto(min(horizon, self._FIRST_CHECK))

    @classmethod
    def from_spec(cls, spec: Spec) -> Expression:
        return cls(spec.get("expr"), horizon=spec.get("horizon", 10**7))

    def parameters(self) -> dict[str, Any]:
        return {"expr": self.expr, "horizon": self.horizon}

    def _check_horizon(self, n: int) -> None:
        if n > self.horizon:
            raise BoundsError(
                f"expression schedules are evaluated up to horizon = {self.horizon} generations; "
                f"got N = {n} (raise 'horizon' to go further)"
            )

    def rate(self, i: np.ndarray) -> np.ndarray:
        """``f(i)`` in float64; raises ExpressionError where it leaves ``[0, 1]``."""
        return self._rate.numpy(np.asarray(i, dtype=np.float64))

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        return self._rate.mp(i, dps)

    def rate_exact(self, i: int) -> Fraction | None:
        return self._rate.exact(i)

    def _prefix_upto(self, n: int, stop_below: float = -math.inf) -> np.ndarray:
        """Float prefix sums of ``log1p(-f(i))`` through ``n`` (or until they fall below ``stop_below``)."""
        prefix = self._cache["prefix"]
        while prefix.size <= n and prefix[-1] >= stop_below:
            start = prefix.size
            stop = min(max(2 * start, start + 4096), n + 1)
            with np.errstate(divide="ignore"):
                terms = np.log1p(-self.rate(np.arange(start, stop, dtype=np.float64)))
            prefix = np.concatenate([prefix, prefix[-1] + np.cumsum(terms)])
            self._cache["prefix"] = prefix
        return prefix

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        largest = int(np.max(n)) if n.size else 0
        self._check_horizon(largest)
        prefix = self._prefix_upto(largest)
        return prefix[n.astype(np.int64)]

    def _constant_rate(self) -> Fraction | mpmath.mpf | None:
        if self._rate.uses_index:
            return None
        exact = self._rate.exact(1)
        return exact if exact is not None else self._rate.mp(1, 30)

    def survival_exact(self, n: int) -> Fraction | None:
        self._check_horizon(n)
        if n > 5000:
            return None
        factors, bits = [], 0
        for i in range(1, n + 1):
            rate = self._rate.exact(i)
            if rate is None:
                return None
            factors.append(1 - rate)
            bits += max(factors[-1].numerator.bit_length(), factors[-1].denominator.bit_length())
            if bits > EXACT_BITS:
                return None
        return _fraction_product(factors)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        self._check_horizon(n)
        exact = self.survival_exact(n)
        if exact is not None:
            with mpmath.workdps(dps + 10):
                return to_mpf(exact)

        def compute(tolerance: mpmath.mpf) -> mpmath.mpf:
            return self._cache["mp"].total(n, lambda i: 1 - self._rate.mp(i, mpmath.mp.dps))

        return log_survival_mp(compute, dps, len(str(n)))

    def limit_exact(self) -> Fraction | None:
        constant = self._constant_rate()
        if constant is None:
            return None
        return Fraction(1) if constant == 0 else Fraction(0)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        """A lower bound on ``S(infinity)``: exact for a constant formula, else 0 (see Notes)."""
        exact = self.limit_exact()
        return to_mpf(exact) if exact is not None else mpmath.mpf(0)

    def limit(self) -> float:
        """``S(infinity)`` for a constant formula; for others the limit is unknown and this raises."""
        exact = self.limit_exact()
        if exact is None:
            raise BoundsError(
                f"the limit S(infinity) of expression {self.expr!r} is not known; "
                f"survival is computed up to horizon = {self.horizon} generations"
            )
        return float(exact)

    def describe(self) -> dict[str, Any]:
        exact = self.limit_exact()
        return {"model": self.name, **self.parameters(), "limit": None if exact is None else float(exact)}

    def budget_candidate(self, threshold: Fraction) -> int | None:
        from bounds.solve.budget import log_threshold

        target = log_threshold(threshold)
        prefix = self._prefix_upto(self.horizon, stop_below=target)
        if prefix.size > self.horizon and prefix[self.horizon] >= target:
            raise BoundsError(
                f"S(N) >= T = {float(threshold):.6g} for every N up to horizon = {self.horizon} "
                f"(S({self.horizon}) = {math.exp(prefix[self.horizon]):.6g}); the budget of expression "
                f"{self.expr!r} is beyond the horizon or unbounded: raise 'horizon' to search further"
            )
        return max(int(np.searchsorted(-prefix, -target, side="right")) - 1, 0)

    def symbolic(self) -> SurvivalExpr:
        n, i = _symbols()
        return SurvivalExpr(
            sympy.Product(1 - self._rate.sympy(i), (i, 1, n)),
            n,
            {},
            (f"generation i fails with probability {self.expr}, given it held before",),
        )
