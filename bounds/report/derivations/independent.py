r"""Derivation steps for :class:`~bounds.models.independent.Independent`: the closed form and the sandwich.

Notes
-----
.. math:: (1-\varepsilon)^N \ge T \iff N \le \frac{\ln T}{\ln(1-\varepsilon)}, \qquad
          N^* = \left\lfloor \frac{\ln T}{\ln(1-\varepsilon)} \right\rfloor,

and, from :math:`1 - N\varepsilon \le (1-\varepsilon)^N \le e^{-N\varepsilon}`,

.. math:: \left\lfloor \frac{1-T}{\varepsilon} \right\rfloor \le N^*
          \le \left\lfloor \frac{\ln(1/T)}{\varepsilon} \right\rfloor.

The proofs are in ``proofs/independent_closed_form.py`` and ``proofs/sandwich.py``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath

from bounds.errors import CertificationError
from bounds.models.independent import Independent
from bounds.numeric.parse import to_mpf
from bounds.report.derive import (
    Line,
    Step,
    _is_tie,
    chain,
    current_digits,
    display_integer,
    equation,
    floor_display,
    model_steps,
)
from bounds.report.latex import LONG_INTEGER, integer_text, latex_integer, latex_number
from bounds.report.presentation import Presentation, count_text, given_line, present
from bounds.solve.budget import Budget

__all__: list[str] = []

_RATIO = r"\left\lfloor \frac{\ln T}{\ln(1-\varepsilon)} \right\rfloor"


def _grouped(value: Fraction) -> str:
    """A number as a factor: scientific notation in parentheses (``1/(1 \\times 10^{-6})``)."""
    text = latex_number(value)
    return f"({text})" if "\\times" in text else text


def _ln(value: Fraction) -> str:
    text = latex_number(value)
    return f"\\ln({text})" if "\\times" in text else f"\\ln {text}"


def _budget_symbol(n: int) -> str:
    return f"N^{{*}} = {latex_integer(n)}" if len(integer_text(n)) <= LONG_INTEGER else "N^{*}"


def _closed_form(model: Independent, budget: Budget) -> Step:
    epsilon, threshold = model.epsilon, budget.threshold
    assert budget.n is not None
    substituted = (
        f"\\left\\lfloor \\frac{{{_ln(threshold)}}}"
        f"{{\\ln(1 - {latex_number(epsilon)})}} \\right\\rfloor"
    )
    if threshold == 1:
        shown, floor = "0", 0
    elif _is_tie(budget):
        # (1 - eps)**N* == T exactly: the ratio is the integer N* itself
        shown, floor = f"\\lfloor {display_integer(budget.n, current_digits())} \\rfloor", budget.n
    else:
        floor, shown = floor_display(
            lambda dps: mpmath.log(to_mpf(threshold)) / mpmath.log1p(-to_mpf(epsilon)), "ln T / ln(1 - eps)",
            current_digits(),
        )
        shown = f"\\lfloor {shown} \\rfloor"
    if floor != budget.n:
        raise CertificationError(f"closed form gives {floor}, the certified budget is {budget.n}")
    text = ("The largest whole $N$ below the bound (evaluated in high precision; the certificate "
            "below proves it):")
    if _is_tie(budget):
        text = (f"Here $(1-\\varepsilon)^{{{budget.n}}} = T$ exactly, so the ratio is the integer "
                f"{budget.n} itself (in floating point it can come out just below, and its floor one too "
                "small); exact arithmetic settles it:")
    return equation(
        "Closed form",
        text,
        chain("N^{*}", _RATIO, substituted, *([shown] if shown != display_integer(floor, current_digits()) else []),
              display_integer(floor, current_digits())),
        kind="solution",
    )


def _floor_log_over(threshold: Fraction, epsilon: Fraction) -> tuple[int, str]:
    if threshold == 1:
        return 0, "0"
    floor, shown = floor_display(lambda dps: -mpmath.log(to_mpf(threshold)) / to_mpf(epsilon), "ln(1/T)/eps",
                                 current_digits())
    return floor, f"\\lfloor {shown} \\rfloor"


def _sandwich(model: Independent, budget: Budget) -> Step:
    epsilon, threshold = model.epsilon, budget.threshold
    assert budget.n is not None
    lower = math.floor((1 - threshold) / epsilon)
    upper, shown_upper = _floor_log_over(threshold, epsilon)
    if not lower <= budget.n <= upper:
        raise CertificationError(f"sandwich {lower} <= {budget.n} <= {upper} fails")
    symbol = _budget_symbol(budget.n)
    lines: list[Line] = [
        chain(
            r"\left\lfloor \frac{1-T}{\varepsilon} \right\rfloor",
            f"\\left\\lfloor \\frac{{1 - {latex_number(threshold)}}}{{{latex_number(epsilon)}}} "
            "\\right\\rfloor",
            display_integer(lower, current_digits()),
            ("\\le", symbol),
        ),
        chain(
            r"\left\lfloor \frac{\ln(1/T)}{\varepsilon} \right\rfloor",
            f"\\left\\lfloor \\frac{{\\ln(1/{_grouped(threshold)})}}{{{latex_number(epsilon)}}} "
            "\\right\\rfloor",
            *([shown_upper] if shown_upper != "0" else []),
            display_integer(upper, current_digits()),
            ("\\ge", symbol),
        ),
    ]
    return equation(
        "Sandwich",
        "From $1 - N\\varepsilon \\le (1-\\varepsilon)^N \\le e^{-N\\varepsilon}$ (Bernoulli's inequality "
        "and $\\ln(1-\\varepsilon) \\le -\\varepsilon$), the budget lies between two elementary bounds; "
        "the lower one is also the budget under any dependence between failures (Boole).",
        *lines,
        kind="bound",
    )


@model_steps.register
def _independent(model: Independent, budget: Budget) -> list[Step]:
    epsilon = model.epsilon
    if epsilon == 0:
        return [Step("note", "Special case", "With $\\varepsilon = 0$ no generation can lose alignment: "
                     "$S(N) = 1$ for every $N$.")]
    if epsilon == 1:
        return [Step("note", "Special case", "With $\\varepsilon = 1$ alignment is lost at the first "
                     "generation: $S(1) = 0 < T$, so $N^* = 0$.")]
    solving = equation(
        "Solving",
        "Take logarithms; $\\ln(1-\\varepsilon) < 0$ reverses the inequality:",
        chain(
            "(1-\\varepsilon)^{N} \\ge T",
            ("\\iff", "N \\ln(1-\\varepsilon) \\ge \\ln T"),
            ("\\iff", "N \\le \\frac{\\ln T}{\\ln(1-\\varepsilon)}"),
        ),
        kind="solution",
    )
    return [solving, _closed_form(model, budget), _sandwich(model, budget)]


@present.register
def _present_independent(model: Independent, digits: int = 6) -> Presentation:
    epsilon = latex_number(model.epsilon)
    return Presentation(
        assumptions=("$\\varepsilon$ is the probability of losing alignment at a generation, given it held "
                     "before; generations fail independently, each with the same $\\varepsilon$.",),
        given=(given_line("\\varepsilon", model.epsilon),),
        survival=(chain("S(N)", "(1 - \\varepsilon)^{N}", f"(1 - {epsilon})^{{N}}"),),
        at=lambda n: f"(1 - {epsilon})^{{{count_text(n)}}}",
        rate=("\\varepsilon", epsilon),
    )
