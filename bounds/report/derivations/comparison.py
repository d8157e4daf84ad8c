r"""Derivation of a comparison (``bounds.compare``): every row's budget with its formula substituted.

``bounds.derive(bounds.compare(epsilon, T, rho=..., mass=...))`` shows the inputs
as given and one display line per row, ``N^*_{row} = formula = substituted =
budget``, the budget being the row's own (the number ``compare`` returns). Rows a
plug-in registered are shown by their label and budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from bounds.errors import BoundsError
from bounds.report.compare import ComparisonRow
from bounds.report.derive import Derivation, Step, assumption, chain, current_digits, derive, equation, result
from bounds.report.numbers import display_integer, latex_number
from bounds.report.presentation import broken, given_line
from bounds.report.prose import escape_text, text_to_latex

__all__: list[str] = []

_Formula = Callable[[Fraction, Fraction, dict[str, Any]], tuple[str, str, str]]


def _floor(numerator: str, denominator: str) -> str:
    return f"\\left\\lfloor \\frac{{{numerator}}}{{{denominator}}} \\right\\rfloor"


def _independent(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    return ("\\text{independent}", _floor("\\ln T", "\\ln(1 - \\varepsilon)"),
            _floor(f"\\ln {latex_number(t)}", f"\\ln(1 - {latex_number(e)})"))


def _boole(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    substituted = _floor(f"1 - {latex_number(t)}", latex_number(e))
    return ("\\text{any dependence}", _floor("1 - T", "\\varepsilon"), substituted)


def _sandwich_lower(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    return ("\\text{sandwich, lower}", _floor("1 - T", "\\varepsilon"),
            _floor(f"1 - {latex_number(t)}", latex_number(e)))


def _sandwich_upper(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    return ("\\text{sandwich, upper}", _floor("\\ln(1/T)", "\\varepsilon"),
            _floor(f"\\ln(1/{latex_number(t)})", latex_number(e)))


def _beta(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    rho = latex_number(Fraction(str(options["rho"])))
    return (f"\\text{{beta mixture, }}\\rho = {rho}", "\\max\\{N : B(a, b+N)/B(a, b) \\ge T\\}", "")


def _pairwise(end: str) -> _Formula:
    def formula(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
        rho = latex_number(Fraction(str(options["rho"])))
        text = ("\\left\\lfloor \\frac{1 - T - p_2}{\\varepsilon - p_2} \\right\\rfloor" if end == "guaranteed"
                else "\\text{Dawson--Sankoff crossing} - 1")
        return (f"\\text{{pairwise }}\\rho = {rho}\\text{{, {end}}}", text, "")
    return formula


def _floor_row(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    delta = latex_number(Fraction(str(options["mass"])))
    return ("\\text{persistent floor}", _floor("\\ln T", "\\ln(1 - \\max(\\varepsilon, \\delta))"),
            _floor(f"\\ln {latex_number(t)}", f"\\ln(1 - \\max({latex_number(e)},\\ {delta}))"))


def _cap(e: Fraction, t: Fraction, options: dict[str, Any]) -> tuple[str, str, str]:
    delta = latex_number(Fraction(str(options["mass"])))
    substituted = _floor(f"\\ln {latex_number(t)}", f"\\ln(1 - {delta})")
    return ("\\text{cap}", _floor("\\ln T", "\\ln(1 - \\delta)"), substituted)


#: Row label prefix -> (LaTeX name, formula, substituted), for the library's own rows.
_ROWS: tuple[tuple[str, _Formula], ...] = (
    ("independent", _independent),
    ("any dependence (Frechet", _boole),
    ("sandwich lower", _sandwich_lower),
    ("sandwich upper", _sandwich_upper),
    ("beta-mixture", _beta),
    ("any dependence, pairwise", _pairwise("guaranteed")),
    ("persistent floor", _floor_row),
    ("cap ", _cap),
)

_ASSUMPTIONS = {
    "independent": "failures independent across generations",
    "any dependence (Frechet": "only the marginal rate is known; disjoint failure events attain it (Boole, Fréchet)",
    "sandwich lower": "$(1 - \\varepsilon)^N \\ge 1 - N\\varepsilon$ (Bernoulli)",
    "sandwich upper": "$(1 - \\varepsilon)^N \\le e^{-N\\varepsilon}$",
    "beta-mixture": "exchangeable: one Beta-distributed rate per lineage, the same marginal rate",
    "any dependence, pairwise": "every joint law with these marginals and pairwise correlations",
    "persistent floor": "an unsafe mass $\\delta$ no defense removes: the rate is $\\max(\\varepsilon, \\delta)$",
    "cap ": "no budget exceeds it while the unsafe mass persists",
}


def _row_line(row: ComparisonRow) -> tuple[Any, str, str]:
    shown = "\\infty" if row.budget is None else display_integer(row.budget, current_digits())
    for prefix, formula in _ROWS:
        if row.label.startswith(prefix) and row.epsilon is not None and row.threshold is not None:
            if prefix == "any dependence, pairwise":
                end = "possible" if row.label.endswith("possible") else "guaranteed"
                name, symbolic, substituted = _pairwise(end)(row.epsilon, row.threshold, row.options)
            else:
                name, symbolic, substituted = formula(row.epsilon, row.threshold, row.options)
            parts = [part for part in (symbolic, substituted) if part]
            return chain(f"N^*_{{{name}}}", *parts, shown), name, _ASSUMPTIONS[prefix]
    name = f"\\text{{{escape_text(row.label)}}}"
    return chain(f"N^*_{{{name}}}", shown), name, text_to_latex(row.prose()[1])  # a row's own typeset assumption


_TEXT = re.compile(r"\\text\{([^}]*)\}")


def _prose_name(name: str) -> str:
    """A row's LaTeX name as prose: its ``\\text`` parts as text (so they can wrap), the rest as math."""
    pieces = _TEXT.split(name)
    return "".join(piece if index % 2 else (f"${piece.strip()}$" if piece.strip() else "")
                   for index, piece in enumerate(pieces)).strip()


def _tuple(budgets: list[int | None]) -> str:
    shown = ["\\infty" if value is None else display_integer(value, current_digits()) for value in budgets]
    pieces = [f"{text}," for text in shown[:-1]] + [shown[-1]]
    return broken(["\\bigl(" + pieces[0], *pieces[1:-1], pieces[-1] + "\\bigr)"] if len(pieces) > 1
                  else ["\\bigl(" + pieces[0] + "\\bigr)"])


@derive.register
def _comparison(subject: list, threshold: Any = None, *, digits: int = 6) -> Derivation:
    if not subject or not all(isinstance(row, ComparisonRow) for row in subject):
        raise BoundsError("cannot derive a list: give the rows of bounds.compare(...), a model, a Budget, "
                          "or a result type registered with bounds.report.derive.derive.register")
    first = subject[0]
    given = []
    if first.epsilon is not None:
        given.append(given_line("\\varepsilon", first.epsilon))
    for name, symbol in (("rho", "\\rho"), ("mass", "\\delta")):
        if first.options.get(name) is not None:
            given.append(given_line(symbol, Fraction(str(first.options[name]))))
    if first.threshold is not None:
        given.append(given_line("T", first.threshold))
    lines, names, notes = zip(*(_row_line(row) for row in subject), strict=True)
    models = [row for row in subject if row.kind == "model"]
    steps: list[Step] = [
        assumption("Every row has the same marginal failure probability $\\varepsilon$ per generation; the rows "
                   "differ in what they assume about dependence. A model row is that model's certified "
                   "budget; a bound row holds for a whole class of models."),
        equation("Inputs", "The inputs, as given:", *given, kind="definition"),
        equation("Rows", "Each row's budget, its formula, and the formula with the inputs substituted:", *lines),
        assumption("; ".join(f"{_prose_name(name)}: {note}" for name, note in zip(names, notes, strict=True)) + ".",
                   "What each row assumes"),
        result("Result", f"{len(models)} model row(s) and {len(subject) - len(models)} bound row(s); the budgets, "
               "in the order above:", chain("N^*", _tuple([row.budget for row in subject]))),
    ]
    values = {"budgets": [row.budget for row in subject], "labels": [row.label for row in subject]}
    return Derivation.from_steps("Budgets compared across dependence assumptions", steps, values, subject)
