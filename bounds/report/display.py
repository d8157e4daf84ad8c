"""HTML and LaTeX for results in Jupyter, registered with :mod:`bounds.display`.

Result classes inherit :class:`bounds.display.Displayed`, whose ``_repr_html_`` and
``_repr_latex_`` ask here by type. Every result gets an HTML card: its one-line
summary (``str``) and its fields (``to_dict()`` where the class has one). Budget
arrays get a table, comparisons a table of rows, and the results whose content is
an inequality get LaTeX. An unbounded budget shows as "unbounded" (``\\infty`` in
LaTeX), never as a number.

>>> import bounds
>>> html = bounds.budget(epsilon=[0.001, 0], threshold="0.605")._repr_html_()
>>> "<td>502</td>" in html and "unbounded" in html
True
"""

from __future__ import annotations

import dataclasses
import html
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.display import Displayed, renderer
from bounds.evidence.confidence import EvidenceBound
from bounds.geometry.cone import ConeMass
from bounds.marginal.dependence import SurvivalInterval
from bounds.marginal.dependence_budget import BudgetInterval
from bounds.numeric.parse import format_number
from bounds.report import latex as _latex
from bounds.report.compare import ComparisonRow, ComparisonTable
from bounds.solve.budget import Budget, BudgetArray

__all__ = ["card", "cell"]

#: Rows and columns of a budget array shown before the table is cut (with a note saying so).
SHOWN = 20
_STYLE = "border-collapse:collapse;font-variant-numeric:tabular-nums"
# one scoped rule, as pandas does for DataFrames: cells apart, numbers aligned
_CSS = (
    "<style>.bounds-result td, .bounds-result th {padding: 0.1em 0.8em; text-align: left}"
    " .bounds-result.budgets td {text-align: right}</style>"
)


def _block(title: str, table: str, *, kind: str = "", after: str = "") -> str:
    """A titled result: escaped ``title``, then ``table`` (HTML rows), then ``after``."""
    return (
        f"<div class='bounds-result{' ' + kind if kind else ''}'>{_CSS}<strong>{html.escape(title)}</strong>"
        f"{after}<table style='{_STYLE}'>{table}</table></div>"
    )


def cell(value: Any) -> str:
    """A value as table text: exact numbers in short decimal form, ``None`` as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, Fraction, np.floating)):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value)
    if isinstance(value, Budget):
        return _budget_text(value.n)
    return str(value)


def _budget_text(n: int | None) -> str:
    return "unbounded" if n is None else str(n)


def card(title: str, headline: str, rows: list[tuple[str, Any]]) -> str:
    """A titled block: a one-line summary and a two-column table of fields."""
    body = "".join(
        f'<tr><th style="text-align:left;padding-right:1em">{html.escape(str(key))}</th>'
        f"<td>{html.escape(cell(value))}</td></tr>"
        for key, value in rows
    )
    summary = f"<pre style='margin:0.3em 0'>{html.escape(headline)}</pre>" if headline else ""
    return _block(title, body, after=summary)


def _fields(obj: Any) -> list[tuple[str, Any]]:
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return list(to_dict().items())
    if dataclasses.is_dataclass(obj):
        shown = (field for field in dataclasses.fields(obj) if field.repr)
        return [(field.name, getattr(obj, field.name)) for field in shown]
    return []


def _headline(obj: Any) -> str:
    text = str(obj) if type(obj).__str__ is not object.__str__ else ""
    return "" if text == repr(obj) else text


@renderer("html", Displayed)
def result_html(obj: Any) -> str:
    """The card of any result: its summary line and its fields."""
    return card(type(obj).__name__, _headline(obj), _fields(obj))


@renderer("html", Budget)
def budget_html(budget: Budget) -> str:
    headline = "N* = " + _budget_text(budget.n)
    return card(f"Budget: {headline}", str(budget), _fields(budget))


def _cut(count: int) -> range:
    return range(min(count, SHOWN))


@renderer("html", BudgetArray)
def budget_array_html(result: BudgetArray) -> str:
    """A table of budgets: ``T`` against ``N*`` for 0-D and 1-D, the grid for 2-D (the first rows shown)."""
    values = np.ma.getdata(result.n)
    unbounded = np.asarray(result.unbounded, dtype=bool)
    thresholds = np.broadcast_to(np.asarray(result.threshold, dtype=object), unbounded.shape)

    def shown(index: tuple[int, ...]) -> str:
        return html.escape(_budget_text(None if unbounded[index] else int(values[index])))

    if unbounded.ndim <= 1:
        flat = [(index,) for index in range(unbounded.size)] if unbounded.ndim else [()]
        rows = "".join(f"<tr><td>{cell(thresholds[i])}</td><td>{shown(i)}</td></tr>" for i in flat[:SHOWN])
        head = "<tr><th>T</th><th>N*</th></tr>"
    else:
        grid = unbounded.reshape(unbounded.shape[0], -1)
        values, thresholds = values.reshape(grid.shape), thresholds.reshape(grid.shape)
        unbounded = grid
        by_column = bool(np.all(thresholds == thresholds[:1]))  # T varies along the last axis only
        labels = [f"T = {cell(thresholds[0, j])}" if by_column else str(j) for j in _cut(grid.shape[1])]
        head = "<tr><th></th>" + "".join(f"<th>{label}</th>" for label in labels) + "</tr>"
        rows = "".join(
            f"<tr><th>{i}</th>" + "".join(f"<td>{shown((i, j))}</td>" for j in _cut(grid.shape[1])) + "</tr>"
            for i in _cut(grid.shape[0])
        )
    more = "" if all(size <= SHOWN for size in unbounded.shape) else f"<p>first {SHOWN} of each axis shown</p>"
    title = f"BudgetArray, shape {result.shape}: {int(result.unbounded.sum())} unbounded"
    return _block(title, head + rows, kind="budgets") + more


@renderer("latex", BudgetArray)
def budget_array_latex(result: BudgetArray) -> str | None:
    r"""``T`` against ``N^*(T)`` as an array, for up to :data:`SHOWN` budgets in one dimension."""
    unbounded = np.asarray(result.unbounded, dtype=bool)
    if unbounded.ndim > 1 or unbounded.size > SHOWN:
        return None  # a large table is not maths; the HTML table shows it
    values = np.ma.getdata(result.n).reshape(-1)
    thresholds = np.broadcast_to(np.asarray(result.threshold, dtype=object), unbounded.shape).reshape(-1)
    flags = unbounded.reshape(-1)
    shown = [r"\infty" if never else _latex.latex_integer(int(n)) for n, never in zip(values, flags, strict=True)]
    lines = " \\\\ ".join(f"{cell(t)} & {n}" for t, n in zip(thresholds, shown, strict=True))
    return _latex.for_mathjax(f"$$\\begin{{array}}{{r|r}} T & N^{{*}}(T) \\\\ \\hline {lines} \\end{{array}}$$")


@renderer("html", ComparisonTable)
def comparison_html(rows: ComparisonTable) -> str:
    head = "<tr><th>comparison</th><th>budget</th><th>kind</th><th>assumption</th></tr>"
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(text)}</td>" for text in _row_cells(row)) + "</tr>" for row in rows
    )
    return _block("Comparison", head + body)


def _row_cells(row: ComparisonRow) -> tuple[str, str, str, str]:
    return row.label, _budget_text(row.budget), row.kind, row.assumption


@renderer("html", ComparisonRow)
def comparison_row_html(row: ComparisonRow) -> str:
    return comparison_html(ComparisonTable([row]))


def _bound(value: int | None) -> str:
    return r"\infty" if value is None else _latex.latex_integer(value)


@renderer("latex", BudgetInterval)
def budget_interval_latex(interval: BudgetInterval) -> str:
    r"""``guaranteed \le N^* \le possible`` under any dependence consistent with the inputs."""
    budget = f"N^{{*}}({cell(interval.threshold)})"
    return f"$${_bound(interval.guaranteed)} \\le {budget} \\le {_bound(interval.possible)}$$"


@renderer("latex", SurvivalInterval)
def survival_interval_latex(interval: SurvivalInterval) -> str:
    n = interval.generations
    return f"$${cell(interval.lower)} \\le S({n}) \\le {cell(interval.upper)}$$"


@renderer("latex", EvidenceBound)
def evidence_latex(bound: EvidenceBound) -> str:
    r"""``\varepsilon \le`` the upper bound at the stated confidence, and the budget it certifies."""
    level = f"{cell(bound.confidence * 100)}\\%"
    text = f"\\varepsilon \\le {cell(bound.epsilon_upper)} \\quad \\text{{with {level} confidence}}"
    if bound.budget is not None:
        text += f", \\qquad N^{{*}}({cell(bound.budget.threshold)}) = {_bound(bound.budget.n)}"
    return f"$${text}$$"


@renderer("latex", ConeMass)
def cone_mass_latex(cone: ConeMass) -> str:
    return f"$$\\mu(\\text{{steep cone}}) = {cell(cone.mass)}, \\qquad \\cos\\theta = {cell(cone.cos_half_angle)}$$"
