r"""The certificate of a budget as it is shown: ``S(N^*) \ge T > S(N^*+1)`` with the solver's numbers.

The values shown are the solver's: ``budget.certificate_values`` (the balls or
exact rationals that proved the budget), rounded to ``digits`` significant
figures. When ``digits`` figures cannot show which side of ``T`` a value lies on,
it is shown as ``T + d`` or ``T - d``, with ``d`` to ``digits`` figures from the
kernel's ball evaluation (:func:`bounds.numeric.certify.evaluate` of the model's
``log_survival`` or ``log_limit``), never from a display-only float or mpmath path.

Examples
--------
>>> import bounds
>>> budget = bounds.budget(epsilon="0.1", threshold="0.81")
>>> [line.lhs for line in certificate_lines(budget)]
['S(N^{*})', 'S(N^{*} + 1)']
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import mpmath

from bounds.errors import CertificationError
from bounds.numeric.parse import to_mpf
from bounds.report.numbers import LONG_INTEGER, integer_text, latex_integer, latex_number, real_text
from bounds.report.presentation import present
from bounds.report.steps import Line, chain
from bounds.solve.budget import Budget

__all__ = ["certificate_lines", "is_tie", "shown_survival"]

#: Most digits spent showing how far a survival lies from T (the certificate itself is the solver's ball).
_MAX_DIFFERENCE_DPS = 16_000


def is_tie(budget: Budget) -> bool:
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


def _ball_survival(model: Any, n: int | None, dps: int) -> mpmath.mpf:
    """``S(n)`` (``S(infinity)`` for None) to ``dps`` digits from the model's ball ``log_survival``/``log_limit``."""
    from bounds.numeric.certify import evaluate

    if n is None:
        return evaluate(model.log_limit, dps)
    return evaluate(lambda ctx: model.log_survival(ctx, n), dps)


def shown_survival(model: Any, n: int | None, value: Any, threshold: Fraction, above: bool, digits: int = 6,
                   tie: bool = False) -> str:
    r"""LaTeX for a survival compared with ``T``: ``digits`` figures, or ``T \pm d`` when they would hide the side.

    ``value`` is the API's number (``budget.certificate_values``). ``above`` is
    the certified side: ``S >= T`` (True) or ``S < T`` (False).
    """
    if tie or (isinstance(value, Fraction) and value == threshold):
        return latex_number(threshold)
    with mpmath.workdps(digits + 20):
        number = to_mpf(value) if isinstance(value, Fraction) else mpmath.mpf(value)
        text = real_text(number, digits)
        shown = _shown_fraction(text)
        if shown is None or (shown > threshold if above else shown < threshold):
            return latex_number(number, digits)
    difference = _difference_from_threshold(model, n, value, threshold, digits)
    if (difference > 0) != above:
        raise CertificationError(f"S({n}) - T = {difference} contradicts the certificate")
    return f"T {'+' if above else '-'} {latex_number(abs(difference), digits)}"


def _difference_from_threshold(model: Any, n: int | None, value: Any, threshold: Fraction,
                               digits: int) -> mpmath.mpf:
    """``S(n) - T`` with ``digits`` correct figures (exact for an exact certificate, else from balls)."""
    if isinstance(value, Fraction):
        with mpmath.workdps(digits + 20):
            return to_mpf(value - threshold)
    dps = 40
    while dps <= _MAX_DIFFERENCE_DPS:
        with mpmath.workdps(dps + 20):
            survival = _ball_survival(model, n, dps)
            target = to_mpf(threshold)
            difference = survival - target
            error = 2 * abs(survival) * mpmath.mpf(10) ** (-dps)
            if abs(difference) > error * 10 ** (digits + 2):
                return +difference
        dps *= 2
    raise CertificationError(f"S({n}) agrees with T beyond {_MAX_DIFFERENCE_DPS} digits")


def certificate_lines(budget: Budget, digits: int = 6, presentation: Any = None) -> tuple[Line, ...]:
    r"""``S(N*) = ... >= T > S(N*+1) = ...`` (or ``S(\infty) >= T``) with the solver's values."""
    if presentation is None:
        presentation = present(budget.model, digits)
    model, threshold = budget.model, budget.threshold
    shown_threshold = latex_number(threshold)
    if budget.n is None:
        value = shown_survival(model, None, budget.certificate_values[0], threshold, True, digits)
        limit = [presentation.limit] if presentation.limit else []
        return (chain(r"S(\infty)", *limit, value, ("\\ge", f"T = {shown_threshold}")),)
    tie = is_tie(budget)
    lines = []
    for label, n, certified_value, relation in (
        ("N^{*}", budget.n, budget.certificate_values[0], "\\ge"),
        ("N^{*} + 1", budget.n + 1, budget.certificate_values[1], "<"),
    ):
        short = len(integer_text(n)) <= LONG_INTEGER
        parts: list[str | tuple[str, str]] = [f"S({latex_integer(n)})"] if short else []
        substituted = presentation.at(n) if short and presentation.at is not None else None
        if substituted:
            parts.append(substituted)
        above = relation == "\\ge"
        parts.append(shown_survival(model, n, certified_value, threshold, above, digits, tie and above))
        parts.append((relation, f"T = {shown_threshold}" if above else "T"))
        lines.append(chain(f"S({label})", *parts))
    return tuple(lines)
