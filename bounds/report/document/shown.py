"""Numbers and sentences every format of a report shows the same way: prose with ``$...$`` maths
(LaTeX escapes the text and keeps the maths, HTML converts the maths to MathML, Markdown keeps both)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from bounds.numeric.parse import format_near
from bounds.report.latex import LONG_INTEGER, display_integer, integer_text
from bounds.report.numbers import latex_number
from bounds.solve.budget import Budget

__all__ = [
    "ELASTICITY_TEXT",
    "SECTIONS",
    "budget_text",
    "certificate_rows",
    "long_budget",
    "comparison_heading",
    "elasticity_text",
]

#: Section identifiers and headings, in order.
SECTIONS = (
    ("answer", "Answer and certificate"),
    ("comparison", "Across assumptions"),
    ("survival", "Survival"),
    ("timeline", "Calendar time"),
    ("elasticities", "Sensitivity"),
    ("derivations", "Derivations"),
    ("assumptions", "Assumptions"),
    ("provenance", "Provenance"),
)

ELASTICITY_TEXT = (
    "The elasticity $\\partial \\ln N^* / \\partial \\ln x$ says by how many percent the budget moves "
    "when $x$ rises by 1%. "
    "Budgets are whole numbers, so it is the derivative of the continuous relaxation (closed form) "
    "or a central difference of certified budgets (finite difference); the budgets are certified, "
    "the elasticity is an estimate."
)

COMPARISON_TEXT = (
    "The same marginal per-generation failure rate under different assumptions about how failures "
    "depend on each other. A model row is that model's certified budget; a bound row holds for "
    "every model in its class."
)


def sections(document: Any) -> list[tuple[str, str]]:
    """The sections this report has: "Calendar time" only when it was built with a cadence."""
    return [(key, heading) for key, heading in SECTIONS if key != "timeline" or document.horizons]


def horizon_sentence(label: str, horizon: Any, digits: int) -> str:
    """When ``S`` falls below ``T`` in calendar time, for one model (prose with ``$...$`` maths)."""
    zeno = horizon.zeno
    limit = "" if zeno is None else f"; the cadence's Zeno limit is $Z = {latex_number(zeno, digits)}$ months"
    if horizon.unbounded:
        return f"{label}: $S(N(t)) \\ge T$ at every time $t$: the budget is unbounded{limit}."
    months = horizon.months_exact if horizon.months_exact is not None else horizon.months
    shown = latex_number(months, digits)
    gap = None if zeno is None or horizon.months_exact is None else zeno - horizon.months_exact
    if gap is not None and gap < zeno * Fraction(10) ** -digits:  # t equals Z to every shown digit: show the gap
        shown = f"Z - {latex_number(float(gap), digits)}"
    return (
        f"{label}: generation $N^* + 1 = {integer_text(horizon.generation)}$ completes at "
        f"$t = {shown}$ months after the start, and from then on $S(N(t)) < T${limit}."
    )


def budget_text(n: int | None) -> str:
    """``N*`` in full, or ``unbounded``."""
    return "unbounded" if n is None else integer_text(n)


def long_budget(n: int | None) -> str | None:
    r"""LaTeX maths for a budget too long for a table cell (``1.0536051565\ldots \times 10^{299}``), else None."""
    if n is None or len(integer_text(n)) <= LONG_INTEGER:
        return None
    return display_integer(n)


def certificate_rows(budget: Budget, digits: int) -> list[tuple[str, str, str]]:
    """``(quantity, value, relation to T)`` for the certificate ``S(N*) >= T > S(N*+1)``."""
    target = budget.threshold
    values = budget.certificate_values
    if budget.n is None:
        shown = format_near(values[0], target, digits) if values else "?"
        return [("$S(\\infty)$", shown, "$\\ge T$")]
    at, after = values
    long = long_budget(budget.n) is not None
    return [
        ("$S(N^*)$" if long else f"$S({integer_text(budget.n)})$", format_near(at, target, digits), "$\\ge T$"),
        ("$S(N^*+1)$" if long else f"$S({integer_text(budget.n + 1)})$", format_near(after, target, digits), "$< T$"),
    ]


def answer_sentence(label: str, budget: Budget) -> str:
    """One sentence a reader can quote."""
    if budget.n is None:
        return f"{label}: $S(N) \\ge T$ for every $N$ (unbounded); certified by {budget.certificate_text}."
    shown = long_budget(budget.n) or integer_text(budget.n)
    return (
        f"{label}: $N^* = {shown}$ generations keep $S(N) \\ge T = {latex_number(budget.threshold)}$; "
        f"certified by {budget.certificate_text}."
    )


def comparison_heading(label: str, epsilon: Any) -> str:
    return f"{label}: marginal rate $\\varepsilon = {latex_number(epsilon)}$"


def grouped(entries: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(where, text)`` rows with a repeated ``where`` left blank, so that each group reads as one."""
    rows, previous = [], None
    for source, text in entries:
        rows.append(("" if source == previous else source, text))
        previous = source
    return rows


def elasticity_text(value: float) -> str:
    return f"{value:.4g}"
