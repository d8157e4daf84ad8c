r"""Derivations: the steps from a model's assumptions to its certified budget, for the user's numbers.

A :class:`Derivation` is an ordered list of :class:`Step` objects (assumption
text, symbolic equation, substitution with the user's numbers, result), in the
handcalcs shape ``symbolic = substituted = result`` (DESIGN §5). It is rendered
by :mod:`bounds.report.latex` as a LaTeX fragment, a standalone document, a PDF or
Markdown.

**Every model gets a full derivation with no model-specific code.** From the
model protocol alone (``symbolic()``, ``parameters()``, ``name``) and the
certified :class:`~bounds.solve.budget.Budget`, :func:`derive` writes

1. the assumptions (``model.symbolic().assumptions``),
2. the parameter values, exactly as they were read,
3. ``S(N) = symbolic = substituted`` (the substitution uses
   :class:`sympy.UnevaluatedExpr`, so ``1 - 0.002`` stays visible),
4. the inequality that defines the budget, ``N* = max{N : S(N) >= T}``,
5. the certificate ``S(N*) >= T > S(N*+1)`` with both values (or
   ``S(infinity) >= T`` when the budget is unbounded) and how it was proved,
6. the result.

The numbers shown are the numbers the API returns: the budget is
``budget.n``, the survivals are ``budget.certificate_values`` rounded to
significant figures (more figures when needed to show the strict inequality).

**Extension points** (the plug-in pattern of handcalcs: one registration per family):

* :func:`model_steps` is a :func:`functools.singledispatch` function; a model
  family registers extra steps (a closed form, a bound, a limit criterion),
  inserted between the budget definition and the certificate. Registrations
  live in one module per family, ``bounds/report/derivations/<family>.py``; every
  module in that folder is imported on first use, and a module whose model is
  absent from this tree is skipped.
* :func:`derive` is itself a singledispatch function over the *subject*: a
  result type that is not a model (dependence-free intervals, evidence)
  registers ``derive.register(ResultType)`` and builds its derivation with
  :meth:`Derivation.from_steps` from :func:`assumption`, :func:`equation` and
  :func:`result` steps.

Examples
--------
>>> import bounds
>>> derivation = derive(bounds.Independent(epsilon="0.002"), "0.605")
>>> derivation.values["budget"]
251
>>> [step.label for step in derivation.steps][-2:]
['Certificate', 'Result']
>>> "N^{*} &= 251" in derivation.to_latex()
True
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache, singledispatch
from typing import Any

import mpmath
import numpy as np
import sympy

from bounds.display import renderer
from bounds.errors import BoundsError, CertificationError, ParameterError
from bounds.numeric.parse import to_mpf
from bounds.report import latex as _latex
from bounds.report.latex import (
    LONG_INTEGER,
    display_integer,
    floor_display,
    integer_text,
    latex_expr,
    latex_integer,
    latex_number,
    real_text,
)
from bounds.report.steps import STEP_KINDS, Line, Step, assumption, chain, equation, result
from bounds.solve.budget import Budget, solve

__all__ = [
    "STEP_KINDS",
    "budget_latex",
    "Derivation",
    "Line",
    "Step",
    "assumption",
    "certificate_lines",
    "chain",
    "derive",
    "display_integer",
    "floor_display",
    "equation",
    "model_steps",
    "result",
    "shown_survival",
    "symbolic_or_none",
]

#: Most digits spent showing how far a survival lies from T (the certificate itself is the solver's ball).
_MAX_DIFFERENCE_DPS = 16_000

#: Most significant figures a survival is shown with before a note says where it agrees with T.
MAX_SHOWN_DIGITS = 50


@dataclass(frozen=True)
class Derivation:
    """An ordered list of steps with a title and the machine-readable values it shows.

    Attributes
    ----------
    title : str
        Plain text.
    steps : tuple of Step
    values : Mapping[str, Any]
        The numbers the derivation prints (``budget``, ``threshold``, ...),
        exactly as the API returned them.
    subject : object
        What was derived (a :class:`~bounds.solve.budget.Budget`, an interval result, ...).
    """

    title: str
    steps: tuple[Step, ...]
    values: Mapping[str, Any] = field(default_factory=dict)
    subject: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def from_steps(
        cls, title: str, steps: Iterable[Step], values: Mapping[str, Any] | None = None, subject: Any = None
    ) -> Derivation:
        r"""Build a derivation from steps, for results that are not models (the generic extension point).

        Examples
        --------
        >>> steps = [assumption("Failures are disjoint events."),
        ...          equation("Bound", "Boole's inequality:", chain("S(N)", ("\\ge", "1 - N\\varepsilon")))]
        >>> Derivation.from_steps("Worst case", steps).to_markdown().splitlines()[0]
        '# Worst case'
        """
        return cls(title, tuple(steps), dict(values or {}), subject)

    def to_latex(self) -> str:
        """The LaTeX fragment (prose and ``aligned`` displays)."""
        return _latex.fragment(self)

    def to_document(self) -> str:
        """A standalone LaTeX document (``article``, ``amsmath``, ``amssymb``)."""
        return _latex.document(self)

    def to_markdown(self) -> str:
        """Markdown with ``$...$`` math."""
        return _latex.markdown(self)

    def to_pdf(self, path: Any) -> Any:
        """Compile with ``pdflatex`` and write the PDF to ``path`` atomically."""
        return _latex.pdf(self, path)

    def _repr_latex_(self) -> str:
        lines = [line for step in self.steps for line in step.lines]
        return _latex.for_mathjax("$$\n" + _latex.aligned(lines) + "\n$$")

    def __str__(self) -> str:
        return self.to_markdown()


@singledispatch
def model_steps(model: Any, budget: Budget) -> list[Step]:
    """Extra steps a model family adds to its budget derivation (none by default).

    Register one function per family in ``bounds/report/derivations/<family>.py``::

        @model_steps.register
        def _geometric(model: Geometric, budget: Budget) -> list[Step]:
            return [equation("Limit", "...", chain("S(\\infty)", "(\\varepsilon_1; r)_\\infty"))]
    """
    return []


@cache
def _load_families() -> None:
    """Import every ``bounds.report.derivations.<family>`` module once (they register :func:`model_steps`)."""
    package = importlib.import_module("bounds.report.derivations")
    for info in pkgutil.iter_modules(package.__path__):
        try:
            importlib.import_module(f"{package.__name__}.{info.name}")
        except ImportError as error:
            # the family's model module is not part of this tree yet: no extra steps for it
            if error.name and error.name.startswith("bounds.models"):
                continue
            raise


def _is_tie(budget: Budget) -> bool:
    """Whether ``S(N*) == T`` exactly (checked in exact arithmetic; the certificate may name the ball of S(N*+1))."""
    exact = getattr(budget.model, "survival_exact", None)
    if budget.n is None or exact is None:
        return False
    return bool(exact(budget.n) == budget.threshold)


def _shown_fraction(text: str) -> Fraction | None:
    decimal = Decimal(text)
    if abs(decimal.adjusted()) > 400:
        return None  # far from any threshold in (0, 1]: the comparison is plain
    return Fraction(decimal)


def shown_survival(model: Any, n: int | None, value: Any, threshold: Fraction, above: bool, digits: int = 6,
                   tie: bool = False) -> str:
    r"""LaTeX for a survival value compared with ``T``, with enough figures to show the strict relation.

    ``value`` is the API's number (``budget.certificate_values``), rounded to
    ``digits`` significant figures, or more (up to :data:`MAX_SHOWN_DIGITS`)
    when fewer would hide which side of ``T`` it lies on. A value closer to
    ``T`` than that is shown as ``T + d`` or ``T - d``, with the difference ``d``
    computed by ``model.survival_mp(n, dps)`` (``model.limit_mp(dps)`` when
    ``n`` is None) at the precision it takes to resolve it. ``above`` is the
    certified side: ``S >= T`` (True) or ``S < T`` (False).
    """
    if tie or (isinstance(value, Fraction) and value == threshold):
        return latex_number(threshold)
    with mpmath.workdps(MAX_SHOWN_DIGITS + 20):
        # exact certificates carry Fractions, the others mpf
        number = to_mpf(value) if isinstance(value, Fraction) else mpmath.mpf(value)
        for shown_digits in range(digits, MAX_SHOWN_DIGITS + 1):
            if shown_digits == 16:  # a 64-bit certificate ball carries about 16 figures: recompute beyond
                number = model.survival_mp(n, MAX_SHOWN_DIGITS + 10) if n is not None else \
                    model.limit_mp(MAX_SHOWN_DIGITS + 10)
            text = real_text(number, shown_digits)
            shown = _shown_fraction(text)
            if shown is None or (shown > threshold if above else shown < threshold):
                return latex_number(number, shown_digits)
    difference = _difference_from_threshold(model, n, threshold, digits)
    if (difference > 0) != above:
        raise CertificationError(f"S({n}) - T = {difference} contradicts the certificate")
    return f"T {'+' if above else '-'} {latex_number(abs(difference), digits)}"


def _difference_from_threshold(model: Any, n: int | None, threshold: Fraction, digits: int) -> mpmath.mpf:
    """``S(n) - T`` with ``digits`` correct figures (the precision doubles until it is resolved)."""
    dps = 2 * MAX_SHOWN_DIGITS
    while dps <= _MAX_DIFFERENCE_DPS:
        with mpmath.workdps(dps + 20):
            value = model.survival_mp(n, dps) if n is not None else model.limit_mp(dps)
            target = mpmath.mpf(threshold.numerator) / threshold.denominator
            difference = value - target
            error = 2 * abs(value) * mpmath.mpf(10) ** (-dps) + abs(target) * mpmath.mpf(10) ** (-dps - 15)
            if abs(difference) > error * 10 ** (digits + 2):
                return +difference
        dps *= 2
    raise CertificationError(f"S({n}) agrees with T beyond {_MAX_DIFFERENCE_DPS} digits")


def symbolic_or_none(model: Any) -> Any:
    """``model.symbolic()``, or None for a model without a symbolic form (the derivation omits formulas)."""
    try:
        return model.symbolic()
    except (NotImplementedError, AttributeError):
        return None


def model_name(model: Any) -> str:
    """The model's spec name, or its class name for a user's own model."""
    return str(getattr(model, "name", type(model).__name__))


def model_parameters(model: Any) -> dict[str, Any]:
    """``model.parameters()``, or nothing for a user's own model without it."""
    parameters = getattr(model, "parameters", None)
    return dict(parameters()) if callable(parameters) else {}


def _at(expression: Any, n: int) -> str | None:
    """The substituted survival expression at ``N = n``, or None when ``n`` is too long to display."""
    if expression is None or len(integer_text(n)) > LONG_INTEGER:
        return None
    count = sympy.UnevaluatedExpr(sympy.Integer(n))
    try:
        return latex_expr(expression.substituted().subs(expression.n, count))
    except Exception:  # sympy refuses some substitutions (matrix powers); the display is optional
        return None


def _limit_display(expression: Any) -> list[str]:
    try:
        return [latex_expr(sympy.Limit(expression.substituted(), expression.n, sympy.oo))]
    except Exception:  # as in _at: an expression sympy cannot wrap in a Limit is shown without it
        return []


def certificate_lines(budget: Budget, digits: int = 6) -> tuple[Line, ...]:
    r"""``S(N*) = ... >= T > S(N*+1) = ...`` (or ``S(\infty) >= T``) with the API's values."""
    model, threshold = budget.model, budget.threshold
    expression = symbolic_or_none(model)
    shown_threshold = latex_number(threshold)
    if budget.n is None:
        value = shown_survival(model, None, budget.certificate_values[0], threshold, True, digits)
        limit = [] if expression is None else _limit_display(expression)
        return (chain(r"S(\infty)", *limit, value, ("\\ge", f"T = {shown_threshold}")),)
    tie = _is_tie(budget)
    lines = []
    for label, n, certified_value, relation in (
        ("N^{*}", budget.n, budget.certificate_values[0], "\\ge"),
        ("N^{*} + 1", budget.n + 1, budget.certificate_values[1], "<"),
    ):
        shown_n = latex_integer(n) if len(integer_text(n)) <= LONG_INTEGER else label
        parts: list[str | tuple[str, str]] = [f"S({shown_n})"] if shown_n != label else []
        substituted = _at(expression, n)
        if substituted is not None:
            parts.append(substituted)
        above = relation == "\\ge"
        parts.append(shown_survival(model, n, certified_value, threshold, above, digits, tie and above))
        parts.append((relation, f"T = {shown_threshold}" if relation == "\\ge" else "T"))
        lines.append(chain(f"S({label})", *parts))
    return tuple(lines)


def _parameter_lines(model: Any, expression: Any, threshold: Fraction) -> list[Line]:
    if expression is not None:
        lines = [chain(latex_expr(symbol), latex_expr(value)) for symbol, value in expression.values.items()]
    else:
        escaped_underscore = "{\\_}"
        lines = [chain(f"\\mathrm{{{name.replace('_', escaped_underscore)}}}", latex_number(value))
                 for name, value in model_parameters(model).items() if isinstance(value, (Fraction, int))]
    lines.append(chain("T", latex_number(threshold)))
    return lines


def _survival_step(expression: Any) -> Step:
    if expression is None:
        return Step("equation", "Survival", "The model gives $S(N)$, the probability that alignment is "
                    "preserved through generations $1, \\dots, N$, by its own method "
                    "(it has no symbolic form).")
    symbolic, substituted = latex_expr(expression.expr), latex_expr(expression.substituted())
    parts = [symbolic] if symbolic == substituted else [symbolic, substituted]
    return equation(
        "Survival",
        "The probability that alignment is preserved through generations $1, \\dots, N$, "
        "symbolically and with the parameters substituted:",
        chain("S(N)", *parts),
    )


def _budget_definition(budget: Budget) -> Step:
    return equation(
        "Budget",
        "$S$ is non-increasing in $N$ (a generation can only lose alignment) and $S(0) = 1$, so the "
        "generations with $S(N) \\ge T$ are $0, 1, \\dots, N^*$. The budget solves the inequality",
        chain("N^{*}", "\\max\\{N \\in \\mathbb{Z}_{\\ge 0} : S(N) \\ge T\\}"),
        kind="definition",
    )


def _certificate_step(budget: Budget, digits: int) -> Step:
    if budget.n is None:
        text = (
            f"Certified by {budget.certificate_text}: the limit is at least $T$, and $S(N) \\ge S(\\infty)$ "
            "for every $N$ because $S$ is non-increasing."
        )
    else:
        text = (
            f"Certified by {budget.certificate_text}: $S(N^*) \\ge T > S(N^*+1)$"
            f"{_integer_or_reference(budget.n)}, so no larger $N$ keeps $S(N) \\ge T$."
        )
    return equation("Certificate", text, *certificate_lines(budget, digits), kind="certificate")


def _integer_or_reference(n: int) -> str:
    if len(integer_text(n)) <= LONG_INTEGER:
        return f" with $N^* = {latex_integer(n)}$"
    return " (for the $N^*$ below)"


def _result_step(budget: Budget) -> Step:
    if budget.n is None:
        return result("Result", "The budget is unbounded: $S(N) \\ge T$ for every $N$.",
                      chain("N^{*}", "\\infty"))
    digits = len(integer_text(budget.n))
    if digits <= LONG_INTEGER:
        return result("Result", "The certified budget:", chain("N^{*}", latex_integer(budget.n)))
    text = (
        f"The certified budget has {digits} digits, "
        f"$N^* \\approx {latex_number(mpmath.mpf(budget.n), 8)}$; in full, "
        f"$N^* = {latex_integer(budget.n)}$."
    )
    return result("Result", text)


def budget_derivation(budget: Budget, digits: int = 6) -> Derivation:
    """The derivation of a certified budget, from the model protocol alone (plus registered steps)."""
    _load_families()
    model = budget.model
    expression = symbolic_or_none(model)
    steps: list[Step] = [
        assumption(f"The {model_name(model)} model.", "Model"),
        *(assumption(text) for text in (expression.assumptions if expression is not None else ())),
        assumption(
            "$T$ is the lowest acceptable probability that alignment is preserved through "
            "generations $1, \\dots, N$.", "Threshold"
        ),
        equation("Parameters", "The numbers, exactly as they were read:",
                 *_parameter_lines(model, expression, budget.threshold), kind="definition"),
        _survival_step(expression),
        _budget_definition(budget),
        *model_steps(model, budget),
        _certificate_step(budget, digits),
        _result_step(budget),
    ]
    values = {
        "budget": budget.n,
        "unbounded": budget.unbounded,
        "threshold": budget.threshold,
        "certificate": budget.certificate,
        "certificate_values": budget.certificate_values,
        **model_parameters(model),
    }
    title = f"Certified budget: {model_name(model)} model, T = {real_text(budget.threshold, 12)}"
    return Derivation.from_steps(title, steps, values, budget)


@singledispatch
def derive(subject: Any, threshold: Any = None, *, digits: int = 6) -> Derivation:
    """The derivation of a budget: of a :class:`~bounds.solve.budget.Budget`, or of a model at ``threshold``.

    Parameters
    ----------
    subject : Budget or model
        A certified budget, or any model implementing the protocol.
    threshold : number, optional
        Needed when ``subject`` is a model.
    digits : int
        Minimum significant figures for real numbers (more are shown when
        needed to make a strict inequality visible).

    Returns
    -------
    Derivation

    Examples
    --------
    >>> import bounds
    >>> derive(bounds.budget(epsilon="0.1", threshold="0.81")).values["budget"]
    2
    """
    _load_families()  # result types (intervals, evidence) register themselves on import
    registered = derive.dispatch(type(subject))
    if registered is not _derive_base:
        return registered(subject, threshold, digits=digits)
    if not callable(getattr(subject, "log_survival", None)):
        raise BoundsError(
            f"cannot derive {type(subject).__name__}: give a model, a Budget, or a result type "
            "registered with bounds.report.derive.derive.register"
        )
    if threshold is None:
        raise ParameterError("threshold", "given to derive a model's budget, in (0, 1]", None)
    if isinstance(threshold, (list, tuple, np.ndarray)):
        raise ParameterError("threshold", "a single number (derivations are per threshold)", threshold)
    budget = solve(subject, threshold)
    if not isinstance(budget, Budget):
        raise ParameterError("threshold", "a single number (derivations are per threshold)", threshold)
    return budget_derivation(budget, digits)


_derive_base = derive.dispatch(object)


@renderer("derivation", Budget)
def _budget_derivation(budget: Budget, *, digits: int = 6) -> Derivation:
    return budget_derivation(budget, digits)


@derive.register
def _derive_budget(subject: Budget, threshold: Any = None, *, digits: int = 6) -> Derivation:
    if threshold is not None:
        raise ParameterError("threshold", "omitted when deriving a Budget (it has its own)", threshold)
    return budget_derivation(subject, digits)


@renderer("latex", Budget)
def budget_latex(budget: Any) -> str:
    r"""A compact ``aligned`` display of a certified budget, for Jupyter (MathJax)."""
    shown = "\\infty" if budget.n is None else _latex.latex_integer(budget.n)
    lines = (chain("N^{*}", shown), *certificate_lines(budget))
    return _latex.for_mathjax("$$\n" + _latex.aligned(lines) + "\n$$")
