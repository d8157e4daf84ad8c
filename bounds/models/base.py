"""The model protocol and the small mixin every built-in model shares.

A *model* is anything that gives the survival probability ``S(N)`` for every
``N >= 0``, non-increasing in ``N`` with ``S(0) = 1`` (DESIGN §1). The solver
(:func:`bounds.solve.budget.solve`) uses only this public surface (DESIGN §3):

``log_survival(ctx, n)`` (the documented minimum)
    ``ln S(n)`` in a number context (:mod:`bounds.numeric.contexts`): float64 and
    vectorised over an array of counts in ``FLOAT`` (to *find* a budget), a rigorous
    python-flint ball in a ``BallContext`` (to *prove* it). One formula serves both.
    Schedules write ``rate(ctx, i)`` instead and inherit the sum
    (:class:`~bounds.models._schedule_base.RateSchedule`).
``survival_exact(n)`` (optional)
    the exact rational ``S(n)`` when it is cheap, which settles exact ties
    (``0.9**2 == 0.81``) that no ball can.
``log_limit(ctx)`` / ``limit_exact()`` (optional)
    ``ln S(infinity)`` as a ball with its tail bounded inside, or ``S(infinity)`` exactly;
    without either a budget is never proved unbounded.
``candidate(T)`` (optional)
    a float guess at the budget, verified by balls afterwards (a closed form saves the
    float search).
``budget_context(T)``, ``sample_failure_generation(size, rng)`` (optional)
    facts reported beside a budget (a persistent floor's cap), and simulated
    first-failure generations from the mechanism (:mod:`bounds.batch.simulate`).

:class:`SurvivalModel` adds what every built-in family shares: parameters declared
once as dataclass fields (:mod:`bounds.models.parameters`) that validate input and
give ``from_spec`` and ``parameters()``; the public float call ``log_survival(n)``
and ``survival(n)``, broadcast over ``n``; ``budget``, ``limit``, ``describe`` and the
display-only ``survival_mp`` / ``limit_mp`` (mpmath numbers from the balls).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import mpmath
import numpy as np

from bounds.display import render
from bounds.errors import ParameterError
from bounds.models.parameters import declared_parameters, parameter_values, spec_arguments, validate_parameters
from bounds.numeric.contexts import FLOAT, is_context
from bounds.numeric.parse import exact_text, format_number, generations

if TYPE_CHECKING:
    import sympy

    from bounds.models.registry import Spec

__all__ = ["Model", "SurvivalExpr", "SurvivalModel", "as_generation_array"]

#: ``solve(model, threshold)``, installed by :mod:`bounds.solve.budget` (the model layer never imports the solver)
SOLVER: Any = None


@runtime_checkable
class Model(Protocol):
    """The documented minimum of a model (DESIGN §3): the solver needs nothing else."""

    def log_survival(self, ctx: Any, n: Any) -> Any:
        """``ln S(n)`` in the number context ``ctx``: float64 (vectorised over ``n``) or a ball."""


@dataclass(frozen=True)
class SurvivalExpr:
    """``S(n)`` as a sympy expression, with the values of its parameter symbols.

    Attributes
    ----------
    expr : sympy.Expr
        Survival as a function of the symbol ``n`` and parameter symbols.
    n : sympy.Symbol
        The generation-count symbol.
    values : Mapping[sympy.Symbol, sympy.Expr]
        Exact values of the parameter symbols (sympy Rationals).
    assumptions : tuple of str
        What the formula assumes, in words.
    """

    expr: sympy.Expr
    n: sympy.Symbol
    values: Mapping[sympy.Symbol, sympy.Expr] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()

    def substituted(self) -> sympy.Expr:
        """The expression with parameter values substituted, left unevaluated for display."""
        try:
            import sympy

            return self.expr.subs({symbol: sympy.UnevaluatedExpr(value) for symbol, value in self.values.items()})
        except (TypeError, ValueError):
            # Matrix elements and Max/Min refuse unevaluated numbers: substitute the values themselves,
            # and where even that fails show the symbolic form alone
            try:
                return self.expr.subs(self.values)
            except (TypeError, ValueError):
                return self.expr

    def evaluate(self, n: int, dps: int = 30) -> mpmath.mpf:
        """Evaluate the expression at ``n`` with mpmath, independently of the numeric code.

        Products and sums are rewritten so that :func:`sympy.lambdify` can print them.
        """
        expr = self.expr.subs(self.values)
        import sympy

        expr = expr.rewrite(sympy.Sum) if expr.has(sympy.Product) else expr
        function = sympy.lambdify(self.n, expr, modules="mpmath")
        with mpmath.workdps(dps):
            return mpmath.mpf(function(n))


def as_generation_array(n: Any, name: str = "n") -> tuple[np.ndarray, bool]:
    """Validate generation counts and return them as a float64 array.

    Returns ``(array, is_scalar)``. Counts above 2**53 lose integer precision
    in float64, which the float path tolerates (it only finds candidates); the
    certifying path takes Python ints.
    """
    if isinstance(n, (list, tuple, np.ndarray)):
        array = np.asarray(n, dtype=object if not isinstance(n, np.ndarray) else None)
        if array.size == 0:
            raise ParameterError(name, "a non-empty array of whole numbers >= 0", n)
        if array.dtype.kind in "iu":
            if (array < 0).any():
                raise ParameterError(name, "whole numbers >= 0", array[array < 0].flat[0])
            return array.astype(np.float64), False
        if array.dtype.kind == "f":
            bad = ~np.isfinite(array) | (array < 0) | (array != np.floor(array))
            if bad.any():
                raise ParameterError(name, "whole numbers >= 0", array[bad].flat[0])
            return array.astype(np.float64), False
        values = [float(generations(item, name)) for item in array.flat]
        return np.asarray(values, dtype=np.float64).reshape(array.shape), False
    count = generations(n, name)
    if count > 2**1023:
        raise ParameterError(name, "at most 2**1023 for float64 evaluation (use survival_mp beyond)", n)
    return np.asarray(float(count), dtype=np.float64), True


def _scalar_or_array(values: np.ndarray, is_scalar: bool) -> Any:
    return float(values) if is_scalar else values


class SurvivalModel:
    """Behaviour shared by the built-in models (validation, broadcasting, budgets).

    Not a base for deep hierarchies: a model subclasses it once, as a frozen
    dataclass, and implements the methods listed in the module docstring.
    """

    #: the name used in specs (``model = "independent"``) and in JSON output
    name: ClassVar[str] = "model"

    # -- display-only values from the balls ----------------------------------------------
    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        """``S(n)`` as an mpmath number, relative error below ``10**-dps``, from the ball ``log_survival``.

        For display and derivations (the proof is the ball); a family not on balls overrides it.
        """
        from bounds.numeric.certify import evaluate

        n = int(n)
        return evaluate(lambda ctx: self.log_survival(ctx, n), dps)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        """``S(infinity)`` as an mpmath number, from the ball ``log_limit`` (see :meth:`survival_mp`)."""
        log_limit = getattr(self, "log_limit", None)
        if log_limit is None:
            raise NotImplementedError(f"{type(self).__name__} has no log_limit(ctx)")
        from bounds.numeric.certify import evaluate

        return evaluate(log_limit, dps)

    def symbolic(self) -> SurvivalExpr:
        raise NotImplementedError

    def parameters(self) -> dict[str, Any]:
        """The model's parameters as plain values (exact ones as Fractions), from its declarations."""
        if not declared_parameters(type(self)):
            raise NotImplementedError(f"{type(self).__name__} declares no parameters")
        return parameter_values(self)

    # -- from the declared parameters (bounds.models.parameters) ---------------------------
    def __post_init__(self) -> None:
        """Read every declared field through its domain; a family with derived fields extends this."""
        validate_parameters(self)

    @classmethod
    def from_spec(cls, spec: Spec) -> Any:
        """The model a spec table describes: each declared parameter read by name (see :func:`spec_arguments`)."""
        return cls(**spec_arguments(cls, spec))

    # -- optional refinements -----------------------------------------------------
    def survival_exact(self, n: int) -> Fraction | None:
        """``S(n)`` as an exact rational when that is cheap, else ``None``."""
        return None

    def limit_exact(self) -> Fraction | None:
        """``S(infinity)`` as an exact rational when known, else ``None``."""
        return None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "log_survival" in cls.__dict__:
            cls.log_survival = _public_log_survival(cls.__dict__["log_survival"])  # type: ignore[method-assign]

    # -- provided -------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """Natural logarithm of ``S(n)``: ``log_survival(ctx, n)`` in a number context, or
        ``log_survival(n)`` in float64, validated and vectorised over ``n``.

        Stays finite where ``S(n)`` underflows float64 (``1e-900000`` is
        ``-2072326.6...``); ``-inf`` only where ``S(n)`` is exactly zero. Every family
        defines it (or ``rate(ctx, i)``); this base version only names what is missing.
        """
        raise NotImplementedError(f"{type(self).__name__} must define log_survival(ctx, n)")

    def survival(self, n: Any) -> Any:
        """``S(n)``, the probability that alignment holds through generations ``1..n``."""
        array, is_scalar = as_generation_array(n)
        with np.errstate(under="ignore"):
            return _scalar_or_array(np.exp(self.log_survival(FLOAT, array)), is_scalar)

    def limit(self) -> float:
        """``S(infinity) = lim S(n)``; zero unless the rates fall off fast enough."""
        exact_limit = self.limit_exact()
        if exact_limit is not None:
            return float(exact_limit)
        return float(self.limit_mp(20))

    def budget(self, threshold: Any) -> Any:
        """The certified budget ``N*(T)``: the largest ``N`` with ``S(N) >= T``.

        A :class:`~bounds.solve.budget.Budget` (a ``BudgetArray`` for an array of thresholds);
        see :func:`bounds.solve.budget.solve`.
        """
        if SOLVER is None:
            raise RuntimeError("no solver installed: import bounds")
        return SOLVER(self, threshold)

    def _repr_latex_(self) -> str:
        """``S(N) = symbolic = substituted`` for Jupyter (see :func:`bounds.report.latex.model_latex`)."""
        return render("latex", self)

    def describe(self) -> dict[str, Any]:
        """A summary: name, parameters and ``limit``."""
        return {"model": self.name, **self.parameters(), "limit": self.limit()}

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={_show(value)}" for key, value in self.parameters().items())
        return f"{type(self).__name__}({shown})"


def _public_log_survival(method: Any) -> Any:
    """Let a family's ``log_survival(ctx, n)`` also serve the public float call ``log_survival(n)``."""

    @functools.wraps(method)
    def log_survival(self: Any, ctx: Any, n: Any = None) -> Any:
        if is_context(ctx):
            return method(self, ctx, n)
        if n is not None:
            raise TypeError("log_survival takes (ctx, n) or (n)")
        array, is_scalar = as_generation_array(ctx)
        return _scalar_or_array(method(self, FLOAT, array), is_scalar)

    log_survival._public = True  # type: ignore[attr-defined]
    return log_survival


SurvivalModel.log_survival = _public_log_survival(SurvivalModel.__dict__["log_survival"])  # type: ignore[method-assign]


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        # short when that is exact (0.001, 1e-20), else exact (1/3, 0.999...9): a repr never rounds a parameter
        short = format_number(value, 12)
        return short if _reads_back(short, value) else exact_text(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return repr(value)


def _reads_back(text: str, value: Fraction) -> bool:
    try:
        return Fraction(text) == value
    except (ValueError, ZeroDivisionError):
        return False
