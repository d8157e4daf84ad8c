r"""How a model is shown in its derivation: assumptions, inputs, survival with the numbers substituted.

A :class:`Presentation` holds the model-specific parts of a budget derivation,
all typeset (no ASCII maths): the assumptions in prose with inline math, the
inputs *as the user gave them* (``BetaMixture(mean, rho)`` shows the mean and
``rho``), the parameters derived from them (``a``, ``b``), the survival in the
shape ``S(N) = symbolic = substituted`` broken into rows that fit the page, the
substitution at a given ``N`` (used by the certificate) and the references.

:func:`present` is a :func:`functools.singledispatch` function: a family
registers its presenter in ``bounds/report/derivations/<family>.py``
(``@present.register``). The default builds one from the model protocol
(``symbolic()``, ``parameters()``), typesetting ASCII maths in the assumptions
with :func:`~bounds.report.prose.ascii_math_to_latex`, for a user's own model.

Examples
--------
>>> import bounds
>>> shown = present(bounds.BetaMixture(mean="0.001", rho="0.01"), 4)
>>> [line.lhs for line in shown.given], [line.lhs for line in shown.derived]
(['\\bar{\\varepsilon}', '\\rho'], ['a', 'b'])
>>> shown.derived[1].rhs[-1]
('\\approx', '98.9')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from fractions import Fraction
from functools import singledispatch
from typing import Any

from bounds.report.latex import ROW_WIDTH, _visible_width, latex_expr
from bounds.report.numbers import LONG_INTEGER, integer_text, latex_integer, latex_number
from bounds.report.prose import ascii_math_to_latex
from bounds.report.steps import Line, chain

__all__ = [
    "Presentation",
    "current_digits",
    "digits_in_use",
    "broken",
    "derived_line",
    "given_line",
    "matrix",
    "model_name",
    "model_parameters",
    "present",
    "row_vector",
    "shown_value",
    "symbolic_or_none",
    "value_or_symbol",
]


_DIGITS: ContextVar[int] = ContextVar("derivation_digits", default=6)


def current_digits() -> int:
    """The significant figures of the derivation being built (for ``model_steps``, whose signature has none)."""
    return _DIGITS.get()


@contextmanager
def digits_in_use(digits: int) -> Iterator[None]:
    """Set :func:`current_digits` while a derivation is built."""
    token = _DIGITS.set(digits)
    try:
        yield
    finally:
        _DIGITS.reset(token)


@dataclass(frozen=True)
class Presentation:
    """The model-specific, typeset parts of a budget derivation.

    Attributes
    ----------
    assumptions : tuple of str
        Prose with ``$...$`` math, one sentence or clause each.
    given : tuple of Line
        The inputs as the user gave them (exact), ``symbol = value``.
    derived : tuple of Line
        Parameters computed from the inputs, ``symbol = formula = value``.
    survival : tuple of Line
        ``S(N) = symbolic = substituted`` (rows broken to fit).
    at : callable or None
        ``at(n)``: the substituted survival at ``N = n`` (LaTeX), or None.
    limit : str or None
        The symbolic ``S(\\infty)`` (LaTeX), shown when the budget is unbounded.
    references : tuple of str
        Sources of the model's mathematics (prose with ``$...$`` math).
    rate : tuple of (str, str) or None
        ``(symbolic, substituted)`` per-generation rate, for families that wrap
        a rate (the persistent-unsafe floor).
    """

    assumptions: tuple[str, ...] = ()
    given: tuple[Line, ...] = ()
    derived: tuple[Line, ...] = ()
    survival: tuple[Line, ...] = ()
    at: Callable[[int], str | None] | None = None
    limit: str | None = None
    references: tuple[str, ...] = ()
    rate: tuple[str, str] | None = None


def broken(pieces: Sequence[str], width: int = ROW_WIDTH - 12, joiner: str = "") -> str:
    r"""Join LaTeX pieces, breaking into ``aligned`` continuation rows (``\\ &\qquad``) to fit ``width``.

    Examples
    --------
    >>> broken(["a", "+ b"], width=100)
    'a + b'
    >>> broken(["a" * 30, "+ " + "b" * 30], width=40).count("\\\\")
    1
    """
    rows: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}".strip() if current else piece
        if current and _visible_width(candidate) > width:
            rows.append(current)
            current = piece
        else:
            current = candidate
    rows.append(current)
    return " \\\\\n&\\qquad ".join(rows)


def shown_value(value: Any, digits: int) -> tuple[str, bool]:
    """A computed value with ``digits`` significant figures, and whether that shows it exactly."""
    text = latex_number(value, digits)
    if isinstance(value, (int, Fraction)):
        exact = isinstance(value, int) or latex_number(value) == text or value.denominator == 1
        return text, exact
    return text, False


def given_line(symbol: str, value: Any) -> Line:
    """``symbol = value`` for an input, exactly as given."""
    if isinstance(value, str):
        return chain(symbol, value)
    return chain(symbol, latex_number(value))


def derived_line(symbol: str, formula: str | None, value: Any, digits: int) -> Line:
    r"""``symbol = formula = value`` (``\approx`` when ``digits`` figures do not show it exactly)."""
    text, exact = shown_value(value, digits)
    parts: list[str | tuple[str, str]] = [formula] if formula else []
    parts.append(text if exact else ("\\approx", text))
    return chain(symbol, *parts)


def value_or_symbol(value: Any, symbol: str, digits: int) -> str:
    """A derived value when ``digits`` figures show it exactly, else its symbol (for substitutions)."""
    text, exact = shown_value(value, digits)
    return text if exact else symbol


def row_vector(values: Iterable[Any], per_row: int = 6) -> str:
    r"""A ``pmatrix`` row vector of exact values (long ones broken into rows of ``per_row``)."""
    shown = [latex_number(value) for value in values]
    if len(shown) <= per_row:
        return "\\begin{pmatrix} " + " & ".join(shown) + " \\end{pmatrix}"
    return "\\begin{pmatrix} " + " & ".join(shown[:3]) + " & \\cdots & " + " & ".join(shown[-2:]) + " \\end{pmatrix}"


def matrix(rows: Sequence[Sequence[Any]]) -> str:
    r"""A ``pmatrix`` of exact values; more than 6 columns are elided with ``\cdots``."""
    lines = []
    for row in rows:
        shown = [latex_number(value) for value in row]
        if len(shown) > 6:
            shown = shown[:3] + ["\\cdots"] + shown[-2:]
        lines.append(" & ".join(shown))
    if len(lines) > 6:
        width = len(lines[0].split(" & "))
        lines = lines[:3] + [" & ".join(["\\vdots"] * width)] + lines[-2:]
    return "\\begin{pmatrix} " + " \\\\ ".join(lines) + " \\end{pmatrix}"


def count_text(n: int) -> str:
    """``n`` for an exponent or a bound of a product (abbreviated symbol when it is very long)."""
    return latex_integer(n) if len(integer_text(n)) <= LONG_INTEGER else "N^{*}"


# -- the default: from the model protocol ----------------------------------------------------------
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


@singledispatch
def present(model: Any, digits: int = 6) -> Presentation:
    """The presentation of a model (registered per family; this default uses ``symbolic()``)."""
    expression = symbolic_or_none(model)
    if expression is None:
        given = tuple(chain("\\mathrm{" + name.replace("_", "{\\_}") + "}", latex_number(value))
                      for name, value in model_parameters(model).items() if isinstance(value, (Fraction, int)))
        return Presentation(given=given)
    symbolic = latex_expr(expression.expr)
    substituted = latex_expr(expression.substituted())
    parts = [symbolic]
    if substituted != symbolic and _visible_width(substituted) <= ROW_WIDTH:
        parts.append(substituted)
    given = tuple(chain(latex_expr(symbol), latex_expr(value)) for symbol, value in expression.values.items())
    return Presentation(
        assumptions=tuple(ascii_math_to_latex(text) for text in expression.assumptions),
        given=given,
        survival=(chain("S(N)", *parts),),
        at=lambda n: _generic_at(expression, n),
        limit=_generic_limit(expression),
    )


def _generic_limit(expression: Any) -> str | None:
    import sympy

    try:
        text = latex_expr(sympy.Limit(expression.substituted(), expression.n, sympy.oo))
    except Exception:  # as in _generic_at: an expression sympy cannot wrap in a Limit is shown without it
        return None
    return text if _visible_width(text) <= ROW_WIDTH else None


def _generic_at(expression: Any, n: int) -> str | None:
    import sympy

    if len(integer_text(n)) > LONG_INTEGER:
        return None
    try:
        text = latex_expr(expression.substituted().subs(expression.n, sympy.UnevaluatedExpr(sympy.Integer(n))))
    except Exception:  # sympy refuses some substitutions (matrix powers); the display is optional
        return None
    return text if _visible_width(text) <= ROW_WIDTH else None
