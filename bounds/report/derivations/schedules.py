r"""Presentations of the rate schedules: geometric, two-rate, power-law and logistic rates.

Each shows its rate :math:`\varepsilon_i` symbolically and with the inputs
substituted, the survival :math:`S(N) = \prod_{i=1}^{N}(1 - \varepsilon_i)` both ways,
and, where the rates are summable, the limit :math:`S(\infty)` from the kernel's
ball evaluation (the number the API's certificate uses).
"""

from __future__ import annotations

from typing import Any

from bounds.models.logistic import Logistic
from bounds.models.power import Power
from bounds.models.schedule import Geometric, TwoRate
from bounds.numeric.certify import evaluate
from bounds.report.derive import Step, current_digits, equation, model_steps
from bounds.report.numbers import latex_number
from bounds.report.presentation import Presentation, count_text, given_line, present
from bounds.report.steps import chain
from bounds.solve.budget import Budget

__all__: list[str] = []

_HELD = ", given it held before"


def product_presentation(assumption: str, given: tuple[Any, ...], rate: tuple[str, str], limit: str | None = None,
                         references: tuple[str, ...] = ()) -> Presentation:
    r"""``S(N) = \prod (1 - \varepsilon_i)`` with the rate symbolic and substituted."""
    symbolic, substituted = rate
    return Presentation(
        assumptions=(assumption,),
        given=given,
        survival=(chain("S(N)", f"\\prod_{{i=1}}^{{N}} \\bigl(1 - {symbolic}\\bigr)",
                        f"\\prod_{{i=1}}^{{N}} \\Bigl(1 - {substituted}\\Bigr)"),),
        at=lambda n: f"\\prod_{{i=1}}^{{{count_text(n)}}} \\Bigl(1 - {substituted}\\Bigr)",
        limit=limit,
        references=references,
        rate=rate,
    )


def limit_step(model: Any, budget: Budget, formula: str) -> list[Step]:
    r"""The limit :math:`S(\infty)` from the ball ``log_limit``, compared with ``T`` (nothing if it is 0)."""
    log_limit = getattr(model, "log_limit", None)
    if log_limit is None or budget.n is None:
        return []
    digits = current_digits()
    value = evaluate(log_limit, digits + 2)
    if value == 0:
        return []
    return [equation("Limit", "The rates are summable, so survival keeps a positive limit; it lies below $T$, "
                     "which is why the budget is finite:",
                     chain("S(\\infty)", formula, latex_number(value, digits), ("<", "T")))]


@present.register
def _geometric(model: Geometric, digits: int = 6) -> Presentation:
    first, ratio = latex_number(model.epsilon1), latex_number(model.ratio)
    rate = ("\\varepsilon_1 r^{i-1}", f"{first} \\cdot {ratio}^{{i-1}}")
    if model.ratio > 1:
        rate = ("\\min(1,\\ \\varepsilon_1 r^{i-1})", f"\\min(1,\\ {first} \\cdot {ratio}^{{i-1}})")
    limit = f"(\\varepsilon_1; r)_\\infty = ({first};\\ {ratio})_\\infty" if model.ratio < 1 else None
    return product_presentation(
        "Generation $i$ fails with probability $\\varepsilon_i = \\varepsilon_1 r^{i-1}$"
        + (" (capped at 1)" if model.ratio > 1 else "") + _HELD + "; for $r < 1$ the survival tends to the "
        "$q$-Pochhammer symbol $(\\varepsilon_1; r)_\\infty$.",
        (given_line("\\varepsilon_1", model.epsilon1), given_line("r", model.ratio)),
        rate,
        limit,
        ("G. Gasper and M. Rahman, \\emph{Basic Hypergeometric Series}, 2nd ed., Cambridge University "
         "Press (2004), \\S 1.3.",),
    )


@model_steps.register
def _geometric_limit(model: Geometric, budget: Budget) -> list[Step]:
    if model.ratio >= 1:
        return []
    shown = f"({latex_number(model.epsilon1)};\\ {latex_number(model.ratio)})_\\infty"
    return limit_step(model, budget, shown)


@present.register
def _power(model: Power, digits: int = 6) -> Presentation:
    first, exponent = latex_number(model.epsilon1), latex_number(model.exponent)
    return product_presentation(
        "Generation $i$ fails with probability $\\varepsilon_i = \\varepsilon_1 i^{-s}$" + _HELD
        + "; for $s > 1$ the rates are summable and $S(\\infty) > 0$.",
        (given_line("\\varepsilon_1", model.epsilon1), given_line("s", model.exponent)),
        ("\\varepsilon_1 i^{-s}", f"{first} \\cdot i^{{-{exponent}}}"),
        f"\\prod_{{i=1}}^{{\\infty}} \\bigl(1 - {first} \\cdot i^{{-{exponent}}}\\bigr)"
        if model.exponent > 1 else None,
    )


@model_steps.register
def _power_limit(model: Power, budget: Budget) -> list[Step]:
    if model.exponent <= 1:
        return []
    first, exponent = latex_number(model.epsilon1), latex_number(model.exponent)
    return limit_step(model, budget, f"\\prod_{{i=1}}^{{\\infty}} \\bigl(1 - {first} \\cdot i^{{-{exponent}}}\\bigr)")


@present.register
def _logistic(model: Logistic, digits: int = 6) -> Presentation:
    top, k, middle = (latex_number(value) for value in (model.epsilon_max, model.steepness, model.midpoint))
    negative = model.steepness < 0
    exponent = f"{latex_number(-model.steepness)}(i - {middle})" if negative else f"-{k}(i - {middle})"
    if model.midpoint < 0:
        exponent = exponent.replace(f"(i - {middle})", f"(i + {latex_number(-model.midpoint)})")
    return product_presentation(
        "Generation $i$ fails with probability $\\varepsilon_i = \\varepsilon_{\\max} / (1 + e^{-k(i - i_0)})$"
        + _HELD + ": the rate moves from near 0 to $\\varepsilon_{\\max}$ around generation $i_0$ "
        "(for $k < 0$ it falls instead).",
        (given_line("\\varepsilon_{\\max}", model.epsilon_max), given_line("k", model.steepness),
         given_line("i_0", model.midpoint)),
        ("\\frac{\\varepsilon_{\\max}}{1 + e^{-k(i - i_0)}}", f"\\frac{{{top}}}{{1 + e^{{{exponent}}}}}"),
    )


@present.register
def _two_rate(model: TwoRate, digits: int = 6) -> Presentation:
    key, other, every = latex_number(model.epsilon_key), latex_number(model.epsilon_other), model.key_every

    def at(n: int) -> str:
        keys = n // every
        return f"(1 - {key})^{{{count_text(keys)}}}\\,(1 - {other})^{{{count_text(n - keys)}}}"

    return Presentation(
        assumptions=("Generations $m, 2m, 3m, \\dots$ are key decisions that fail with probability "
                     "$\\varepsilon_{\\mathrm{key}}$; every other generation fails with probability "
                     "$\\varepsilon_{\\mathrm{other}}$" + _HELD + ".",),
        given=(given_line("\\varepsilon_{\\mathrm{key}}", model.epsilon_key),
               given_line("\\varepsilon_{\\mathrm{other}}", model.epsilon_other), given_line("m", every)),
        survival=(chain(
            "S(N)",
            "(1 - \\varepsilon_{\\mathrm{key}})^{\\lfloor N/m \\rfloor}\\,"
            "(1 - \\varepsilon_{\\mathrm{other}})^{N - \\lfloor N/m \\rfloor}",
            f"(1 - {key})^{{\\lfloor N/{every} \\rfloor}}\\,(1 - {other})^{{N - \\lfloor N/{every} \\rfloor}}",
        ),),
        at=at,
    )
