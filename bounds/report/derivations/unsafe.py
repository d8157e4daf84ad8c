r"""Presentation of the persistent unsafe mass: the base model's rate under a floor (or an extra cause).

Floor mode shows :math:`\prod_{i=1}^{N} (1 - \max(\varepsilon_i, \delta_i))` with both
arguments of the ``max`` substituted (and evaluated when the base rate is a
constant); additive mode multiplies the base survival by
:math:`(1 - \delta)^N`. The cap :math:`N^* \le \lfloor \ln T / \ln(1 - \delta) \rfloor`
is the budget the API returns for the floor alone.
"""

from __future__ import annotations

import mpmath

from bounds.models.independent import Independent
from bounds.models.unsafe import PersistentUnsafe
from bounds.numeric.parse import to_mpf
from bounds.report.derive import Step, current_digits, equation, floor_display, model_steps
from bounds.report.numbers import display_integer, latex_number
from bounds.report.presentation import Presentation, count_text, given_line, present
from bounds.report.steps import chain
from bounds.solve.budget import Budget

__all__: list[str] = []


def _floor_rate(model: PersistentUnsafe) -> tuple[str, str]:
    delta = latex_number(model.mass)
    if model.growth is None:
        return "\\delta", delta
    return "\\min(1,\\ \\delta g^{i-1})", f"\\min(1,\\ {delta} \\cdot {latex_number(model.growth)}^{{i-1}})"


@present.register
def _persistent_unsafe(model: PersistentUnsafe, digits: int = 6) -> Presentation:
    base = present(model.base, digits)
    rate_symbol, rate = base.rate or ("\\varepsilon_i", "\\varepsilon_i")
    floor_symbol, floor = _floor_rate(model)
    given = [*base.given, given_line("\\delta", model.mass)]
    if model.growth is not None:
        given.append(given_line("g", model.growth))
    constant = isinstance(model.base, Independent) and model.growth is None
    if model.mode == "floor":
        keep = f"1 - \\max({rate},\\ {floor})"
        survival = [chain("S(N)", f"\\prod_{{i=1}}^{{N}} \\bigl(1 - \\max({rate_symbol},\\ {floor_symbol})\\bigr)",
                          f"\\prod_{{i=1}}^{{N}} \\bigl({keep}\\bigr)")]
        if constant:
            survival[0] = chain(*([survival[0].lhs] + [rhs for _, rhs in survival[0].rhs]),
                                f"(1 - {latex_number(max(model.base.epsilon, model.mass))})^{{N}}")

        def at(n: int) -> str | None:
            if constant:
                return f"(1 - {latex_number(max(model.base.epsilon, model.mass))})^{{{count_text(n)}}}"
            return f"\\prod_{{i=1}}^{{{count_text(n)}}} \\bigl({keep}\\bigr)"

        mode = ("Floor mode: the unsafe region is one of the causes the base rate counts, so the rate at "
                "generation $i$ is $\\max(\\varepsilon_i, \\delta_i)$.")
    else:
        factor = f"(1 - {floor})^{{N}}" if model.growth is None else \
            f"\\prod_{{i=1}}^{{N}} \\bigl(1 - {floor}\\bigr)"
        survival = [chain("S(N)", f"S_{{\\mathrm{{base}}}}(N)\\,(1 - {floor_symbol})^{{N}}" if model.growth is None
                          else "S_{\\mathrm{base}}(N) \\prod_{i=1}^{N} (1 - \\delta_i)"),
                    *(chain("", f"\\Bigl({line.rhs[-1][1]}\\Bigr)\\, {factor}") for line in base.survival[:1])]

        def at(n: int) -> str | None:
            inner = base.at(n) if base.at is not None else None
            power = f"(1 - {floor})^{{{count_text(n)}}}" if model.growth is None else None
            return None if inner is None or power is None else f"\\Bigl({inner}\\Bigr)\\, {power}"

        mode = ("Additive mode: the unsafe mass is a cause independent of the base rate, so a generation "
                "survives both.")
    return Presentation(
        assumptions=(*base.assumptions,
                     "A persistent unsafe mass $\\delta_i$ that no defense removes fails alignment at every "
                     "generation" + ("" if model.growth is None else ", growing as $\\delta g^{i-1}$") + ".", mode),
        given=tuple(given),
        derived=base.derived,
        survival=tuple(survival),
        at=at,
        references=(*base.references,
                    "Bhatt et al., ``The Defense Trilemma'', arXiv:2604.06436."),
    )


@model_steps.register
def _persistent_cap(model: PersistentUnsafe, budget: Budget) -> list[Step]:
    if model.mode != "floor" or model.growth is not None or model.mass in (0, 1) or budget.threshold == 1:
        return []
    cap = Independent.exactly(model.mass).budget(budget.threshold).n
    if cap is None:
        return []
    mass, threshold = model.mass, budget.threshold
    floor, shown = floor_display(lambda dps: mpmath.log(to_mpf(threshold)) / mpmath.log1p(-to_mpf(mass)),
                                 "ln T / ln(1 - delta)", current_digits())
    ratio = f"\\frac{{\\ln {latex_number(threshold)}}}{{\\ln(1 - {latex_number(mass)})}}"
    parts = [f"\\left\\lfloor {ratio} \\right\\rfloor"]
    if floor == cap:
        parts.append(f"\\lfloor {shown} \\rfloor")
    parts.append(display_integer(cap, current_digits()))
    return [equation("Cap", "However good the defenses, every rate is at least $\\delta$, so no budget exceeds the "
                     "budget of the floor alone:",
                     chain("N^{*}", ("\\le", "\\left\\lfloor \\frac{\\ln T}{\\ln(1 - \\delta)} \\right\\rfloor"),
                           *parts), kind="bound")]
