r"""Presentations of explicit schedules: a list of rates, and a rate formula in the generation index.

A list shows its rates as given (long lists elided in the middle) and the
survival as the product of the listed factors times the tail; a formula is
typeset from its parsed tree (never evaluated as Python) and substituted into
:math:`\prod_{i=1}^{N} (1 - f(i))`.
"""

from __future__ import annotations

from typing import Any

from bounds.models.explicit import Expression, Rates
from bounds.report.latex import latex_expr
from bounds.report.numbers import latex_integer, latex_number
from bounds.report.presentation import Presentation, broken, count_text, given_line, present
from bounds.report.steps import chain

__all__: list[str] = []

#: Most listed rates spelled out in a display (the rest are elided).
_SHOWN_RATES = 8


def _factors(rates: list[Any]) -> list[str]:
    return [f"(1 - {latex_number(rate)})" for rate in rates]


def _listed(rates: list[Any]) -> list[str]:
    factors = _factors(rates)
    if len(factors) <= _SHOWN_RATES:
        return factors
    return [*factors[:3], "\\cdots", *factors[-2:]]


@present.register
def _rates(model: Rates, digits: int = 6) -> Presentation:
    rates = list(model.rates)
    count = len(rates)
    repeat = model.tail == "repeat"
    last = latex_number(rates[-1])
    shown = [latex_number(rate) for rate in rates]
    if count > _SHOWN_RATES:
        shown = [*shown[:4], "\\dots", *shown[-2:]]
    given = (chain(f"(\\varepsilon_1, \\dots, \\varepsilon_{{{count}}})", broken(["(" + ",\\ ".join(shown) + ")"])),
             given_line("\\text{tail}", "\\text{" + ("the last rate repeats" if repeat else "no further risk") + "}"))
    symbolic = f"\\prod_{{i=1}}^{{{count}}} (1 - \\varepsilon_i)" + (
        f" \\cdot (1 - \\varepsilon_{{{count}}})^{{N - {count}}}" if repeat else "")
    tail = [f"\\cdot (1 - {last})^{{N - {count}}}"] if repeat else []

    def at(n: int) -> str | None:
        if n < count:
            return broken(_listed(rates[:n])) if n else "1"
        power = [f"\\cdot (1 - {last})^{{{count_text(n - count)}}}"] if repeat and n > count else []
        return broken([*_listed(rates), *power])

    return Presentation(
        assumptions=(f"Generations $1, \\dots, {count}$ fail with the listed probabilities $\\varepsilon_i$, "
                     "each given that alignment held before; after the list "
                     + ("the last rate repeats." if repeat else "no risk remains."),),
        given=given,
        survival=(chain("S(N)", symbolic + " \\quad (N \\ge " + latex_integer(count) + ")",
                        broken([*_listed(rates), *tail])),),
        at=at,
        limit=None if repeat else broken(_listed(rates)),
    )


@present.register
def _expression(model: Expression, digits: int = 6) -> Presentation:
    import sympy

    index = sympy.Symbol("i", integer=True, positive=True)
    formula = latex_expr(model._rate.sympy(index))
    return Presentation(
        assumptions=("Generation $i$ fails with probability $f(i)$, given it held before; $f$ is the formula "
                     "given, evaluated exactly where it is rational and in ball arithmetic otherwise.",),
        given=(chain("f(i)", formula), given_line("\\text{horizon}", model.horizon)),
        survival=(chain("S(N)", "\\prod_{i=1}^{N} \\bigl(1 - f(i)\\bigr)",
                        f"\\prod_{{i=1}}^{{N}} \\Bigl(1 - \\bigl({formula}\\bigr)\\Bigr)"),),
        at=lambda n: f"\\prod_{{i=1}}^{{{count_text(n)}}} \\Bigl(1 - \\bigl({formula}\\bigr)\\Bigr)",
        rate=("f(i)", formula),
    )
