r"""Schedules given rate by rate: an explicit list (or file), or a safe expression in ``i``.

Both write ``rate(ctx, i)`` and let :class:`~bounds.models._schedule_base.RateSchedule`
compute ``S(N) = prod_{i<=N} (1 - epsilon_i)``: float64 prefix sums of
``log1p(-epsilon_i)`` (cached, to find budgets fast), a product of ``arb`` balls
checkpointed every 1024 generations per precision (to certify), and an exact
rational product when the rates are rational and the product is small.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flint
import numpy as np

from bounds.errors import BoundsError, ParameterError, SpecError
from bounds.models._schedule_base import EXACT_BITS, RateSchedule, float_log
from bounds.models.base import SurvivalExpr
from bounds.models.parameters import alternative, parameter, spec_arguments
from bounds.models.registry import Spec, register
from bounds.numeric.contexts import BallContext, NotExact
from bounds.numeric.domains import COUNT, EXPRESSION, FILE, Domain, choices
from bounds.numeric.expression import parse_expression
from bounds.numeric.parse import probability, to_mpf

if TYPE_CHECKING:
    import sympy

__all__ = ["Expression", "Rates", "read_rates_file"]

#: Explicit lists up to this length get a fully explicit symbolic form (Piecewise rates).
_SYMBOLIC_PIECEWISE_MAX = 200


def _symbols() -> tuple[sympy.Symbol, sympy.Symbol]:
    """The generation count ``N`` and the generation index ``i``."""
    import sympy
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


def _rate_list(given: Any, name: str) -> tuple[Fraction, ...]:
    if isinstance(given, (str, bytes)) or not isinstance(given, (Sequence, np.ndarray)):
        raise ParameterError(name, "a non-empty list of probabilities", given)
    values = tuple(probability(value, f"{name}[{index}]") for index, value in enumerate(list(given)))
    if not values:
        raise ParameterError(name, "a non-empty list of probabilities", given)
    return values


#: A non-empty list of exact probabilities (the rates of generations 1..K).
RATE_LIST = Domain("vector", "a non-empty list of probabilities", _rate_list)


# ==================================================================================================
@register("rates")
@dataclass(frozen=True, repr=False)
class Rates(RateSchedule):
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

    rates: Sequence[Fraction] = parameter(RATE_LIST, "the failure probabilities of generations 1..K",
                                          instead_of=("file",))
    alternatives = (alternative("file", FILE, "a text file of rates, one per line (# comments)",
                                instead_of=("rates",), argument=False),)
    tail: str = parameter(choices("repeat", "zero"), "after generation K: keep the last rate forever, or no "
                          "further risk", default="repeat")
    _prefix: Any = field(init=False, repr=False, compare=False, default=None)
    _bits: Any = field(init=False, repr=False, compare=False, default=None)
    _floats: Any = field(init=False, repr=False, compare=False, default=None)

    name = "rates"

    def __post_init__(self) -> None:
        super().__post_init__()
        values = self.rates
        floats = np.array([float(value) for value in values])
        object.__setattr__(self, "_floats", floats)
        with np.errstate(divide="ignore"):
            terms = np.log1p(-floats)
        object.__setattr__(self, "_prefix", np.concatenate([[0.0], np.cumsum(terms)]))
        sizes = np.array([max((1 - value).numerator.bit_length(), (1 - value).denominator.bit_length())
                          for value in values], dtype=np.int64)
        object.__setattr__(self, "_bits", np.concatenate([[0], np.cumsum(sizes)]))

    @classmethod
    def from_file(cls, path: str | Path, tail: str = "repeat") -> Rates:
        """Rates read from a text file with one rate per line (see :func:`read_rates_file`)."""
        return cls(read_rates_file(path), tail=tail)

    @classmethod
    def from_spec(cls, spec: Spec) -> Rates:
        """The declared parameters, with ``file`` (a path relative to the spec file) instead of ``rates``."""
        if spec.has("rates") == spec.has("file"):
            raise SpecError(f"{spec.where}: model 'rates' needs exactly one of the fields 'rates' or 'file'")
        arguments = spec_arguments(cls, spec)
        if spec.has("file"):
            arguments["rates"] = read_rates_file(spec.path("file"))
        return cls(**arguments)

    @property
    def _last(self) -> Fraction:
        """The rate of every generation after the list."""
        return self.rates[-1] if self.tail == "repeat" else Fraction(0)

    def rate(self, ctx: Any, i: Any = None) -> Any:
        if ctx.kind != "float":
            return ctx.number(self.rate_exact(int(i)))
        index = np.asarray(i, dtype=np.float64)
        position = np.clip(index, 1, len(self.rates)).astype(np.int64) - 1
        return np.where(index > len(self.rates), float(self._last), self._floats[position])

    def rate_exact(self, i: int) -> Fraction:
        return self.rates[i - 1] if i <= len(self.rates) else self._last

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """The listed generations from prefix sums (float) or the checkpointed ball product, then the tail."""
        count = len(self.rates)
        if ctx.kind == "float":
            n = np.asarray(n, dtype=np.float64)
            head = self._prefix[np.minimum(n, count).astype(np.int64)]
            extra = np.maximum(n - count, 0)
            tail_log = math.log1p(-float(self._last)) if self._last < 1 else -math.inf
            with np.errstate(invalid="ignore"):
                return head + np.where(extra == 0, 0.0, extra * tail_log)
        if ctx.kind != "ball":
            return super().log_survival(ctx, n)
        n = int(n)
        head = self._ball_direct(min(n, count))
        extra = n - min(n, count)
        if not extra or self._last == 0:
            return head
        if self._last == 1:
            return flint.arb.neg_inf()
        return head + extra * ctx.log1p(-ctx.number(self._last))

    def log_limit(self, ctx: Any) -> Any:
        """``-inf`` when the repeated last rate is positive; else ``ln S(K)`` of the list."""
        if self._last > 0:
            return -ctx.inf
        if ctx.kind == "float":
            return self._prefix[-1]
        return self.log_survival(ctx, len(self.rates))

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

    def limit_exact(self) -> Fraction | None:
        if self._last > 0:
            return Fraction(0)
        return self.survival_exact(len(self.rates))

    def candidate(self, threshold: Fraction) -> int | None:
        """From the float prefix sums and the repeated tail rate (never trusted)."""
        target = float_log(threshold)
        within = int(np.searchsorted(-self._prefix, -target, side="right")) - 1
        count = len(self.rates)
        if within < count or self._last == 0:
            return max(within, 0)
        if self._last == 1:
            return count
        return count + int(math.floor((target - self._prefix[count]) / math.log1p(-float(self._last))))

    def symbolic(self) -> SurvivalExpr:
        import sympy
        from sympy.utilities.lambdify import implemented_function
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
class Expression(RateSchedule):
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
    :meth:`limit` raises for the same reason and :meth:`log_limit` answers only
    for a formula without ``i``; a finite budget is certified by
    ``S(N*) >= T > S(N*+1)``, a proof whatever the limit. In the ball context
    the formula is compiled once per precision to ``arb`` operations
    (:meth:`~bounds.numeric.expression.RateExpression.ball`). Survival is defined for
    ``N <= horizon`` only.

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

    expr: str = parameter(EXPRESSION, "the rate epsilon_i as a formula in the generation index i")
    horizon: int = parameter(COUNT, "budgets are searched up to this many generations", default=10**7)
    _rate: Any = field(init=False, repr=False, compare=False, default=None)

    name = "expression"
    _FIRST_CHECK = 1024
    #: Most generations held as float prefix sums or ball products (about 270 MB of float64).
    direct_max = 2**25

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "_rate", parse_expression(self.expr))
        # fail early on formulas that leave [0, 1] at the first generations
        self._float_prefix(min(self.horizon, self._FIRST_CHECK))

    def _check_horizon(self, n: int) -> None:
        if n > self.horizon:
            raise BoundsError(
                f"expression schedules are evaluated up to horizon = {self.horizon} generations; "
                f"got N = {n} (raise 'horizon' to go further)"
            )

    def rate(self, ctx: Any, i: Any = None) -> Any:
        """``f(i)``: the compiled numpy closure (FLOAT) or ``arb`` closure (ball); out of ``[0, 1]`` raises."""
        if ctx.kind == "float":
            return self._rate.numpy(np.asarray(i, dtype=np.float64))
        if ctx.kind == "ball":
            return self._rate.ball(int(i))
        value = self._rate.exact(int(i))
        if value is None:
            raise NotExact(f"expression {self.expr!r} has no cheap exact value at i = {i}")
        return value

    def rate_exact(self, i: int) -> Fraction | None:
        return self._rate.exact(i)

    def _ball_block(self, ctx: Any, first: int, last: int) -> Any:
        # the float prefix has checked f(i) in [0, 1] for every i it covers
        checked = self._cache().get("float", np.zeros(1)).size - 1
        return self._rate.ball_keep_product(first, last, checked)

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """Term by term (the base's prefix sums and ball products), up to ``horizon``.

        A formula without ``i`` is a constant rate ``c``: ``n log1p(-c)`` in closed form, in every context.
        """
        largest = int(np.max(n)) if ctx.kind == "float" and np.size(n) else int(np.max(n, initial=0))
        self._check_horizon(largest)
        if not self._rate.uses_index and ctx.kind in ("float", "ball"):
            if ctx.kind == "float":
                rate = float(self._rate.numpy(np.ones(1))[0])
                with np.errstate(divide="ignore", invalid="ignore"):
                    return np.where(np.asarray(n) == 0, 0.0, np.asarray(n, dtype=np.float64) * np.log1p(-rate))
            rate = self._rate.ball(1)
            if int(n) == 0:
                return ctx.zero
            return flint.arb.neg_inf() if rate == 1 else int(n) * ctx.log1p(-rate)
        return super().log_survival(ctx, n)

    def _constant_rate(self) -> Fraction | None:
        """The rate of a formula without ``i``, when it is an exact rational."""
        if self._rate.uses_index:
            return None
        return self._rate.exact(1)

    def survival_exact(self, n: int) -> Fraction | None:
        """Exact while every rate is rational and the product stays below ``EXACT_BITS`` bits, else None."""
        self._check_horizon(n)
        constant = self._constant_rate()
        if constant is not None:
            keep = 1 - constant
            if keep in (0, 1):
                return keep if n else Fraction(1)
            size = max(keep.numerator.bit_length(), keep.denominator.bit_length())
            # one integer power (repeated squaring) is cheap far beyond the bit cap of a product loop
            return keep**n if n * size <= 20 * EXACT_BITS else None
        return super().survival_exact(n)

    def limit_exact(self) -> Fraction | None:
        if self._rate.uses_index:
            return None
        constant = self._constant_rate()
        if constant is not None:
            return Fraction(1) if constant == 0 else Fraction(0)
        with BallContext(64):
            return Fraction(0) if self._rate.ball(1) > 0 else None

    @property
    def log_limit(self) -> Callable[[Any], Any]:
        """``ln S(infinity)`` (a function of ``ctx``), only for a formula without ``i``: 0 or ``-inf``.

        For any other formula the limit is not known and the attribute does not
        exist (``getattr(model, "log_limit", None)`` is None), so the model can
        never be proved unbounded; a finite budget is still certified by
        ``S(N*) >= T > S(N*+1)``.
        """
        exact = self.limit_exact()
        if exact is None:
            raise AttributeError(f"the limit S(infinity) of expression {self.expr!r} is not known (no log_limit)")
        return lambda ctx: ctx.zero if exact == 1 else -ctx.inf

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

    def candidate(self, threshold: Fraction) -> int | None:
        """From the float prefix sums (never trusted); refuses when ``S(horizon) >= T`` in float64."""
        target = float_log(threshold)
        if self.horizon > self.direct_max:
            prefix = self._float_prefix(self.direct_max, stop_below=target)
        else:
            prefix = self._float_prefix(self.horizon, stop_below=target)
        if prefix.size > self.horizon and prefix[self.horizon] >= target:
            raise BoundsError(
                f"S(N) >= T = {float(threshold):.6g} for every N up to horizon = {self.horizon} "
                f"(S({self.horizon}) = {math.exp(prefix[self.horizon]):.6g}); the budget of expression "
                f"{self.expr!r} is beyond the horizon or unbounded: raise 'horizon' to search further"
            )
        if prefix[-1] >= target:
            return None
        return max(int(np.searchsorted(-prefix, -target, side="right")) - 1, 0)

    def symbolic(self) -> SurvivalExpr:
        import sympy
        n, i = _symbols()
        return SurvivalExpr(
            sympy.Product(1 - self._rate.sympy(i), (i, 1, n)),
            n,
            {},
            (f"generation i fails with probability {self.expr}, given it held before",),
        )
