r"""Derivation of a dependence-free survival interval: moments, the bound at each end, the result."""

from __future__ import annotations

from typing import Any

from bounds.marginal.dependence import SurvivalInterval
from bounds.report.derive import Derivation, Step, assumption, chain, derive, equation, result
from bounds.report.latex import latex_integer, latex_number

_BOUND_TEXT = {
    "kwerel": "Kwerel (sharp given $S_1$, $S_2$): $P(\\cup F_i) \\le \\min(1, S_1 - 2 S_2 / N)$",
    "dawson-sankoff": "Dawson--Sankoff (sharp given $S_1$, $S_2$): "
    "$P(\\cup F_i) \\ge \\frac{2 S_1}{k+1} - \\frac{2 S_2}{k(k+1)}$, $k = 1 + \\lfloor 2 S_2 / S_1 \\rfloor$",
}


def _bound_sentence(name: str) -> str:
    return _BOUND_TEXT.get(name, f"{name.replace('-', ' ').capitalize()}")


@derive.register
def _interval(subject: SurvivalInterval, threshold: Any = None, *, digits: int = 6) -> Derivation:
    count = subject.generations
    steps: list[Step] = [
        assumption(
            "Only the marginal failure probabilities $P(F_i)$ are known"
            + (" and the pairwise ones $P(F_i \\cap F_j)$" if subject.s2 is not None else "")
            + "; the dependence between generations is otherwise arbitrary."
        ),
        equation(
            "Survival",
            "Alignment is preserved through generation $N$ unless some generation fails:",
            chain("S(N)", "1 - P(F_1 \\cup \\dots \\cup F_N)"),
            chain("N", latex_integer(count)),
        ),
    ]
    moments = [chain("S_1", "\\sum_i P(F_i)", latex_number(subject.s1, digits))]
    if subject.s2 is not None:
        moments.append(chain("S_2", "\\sum_{i<j} P(F_i \\cap F_j)", latex_number(subject.s2, digits)))
    steps.append(equation("Moments", "The binomial moments of the failure events:", *moments))
    steps.append(
        equation(
            "Ends",
            f"The lower end comes from {_bound_sentence(subject.lower_bound)}; "
            f"the upper end from {_bound_sentence(subject.upper_bound)}.",
            chain("S(N)", ("\\ge", latex_number(subject.lower, digits))),
            chain("S(N)", ("\\le", latex_number(subject.upper, digits))),
        )
    )
    steps.append(
        result(
            "Result",
            "Under every dependence consistent with what is known:",
            chain(f"S({latex_integer(count)})", ("\\in",
                  f"[{latex_number(subject.lower, digits)},\\ {latex_number(subject.upper, digits)}]")),
        )
    )
    values = {"survival_lower": subject.lower, "survival_upper": subject.upper, "generations": count}
    return Derivation.from_steps("Survival interval under any dependence", steps, values, subject)
