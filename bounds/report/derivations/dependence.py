r"""Derivations under any dependence: the survival interval at ``N`` and the budget interval at ``T``.

Both show the inputs as given (``\varepsilon``, ``\rho``, ``N`` or ``T``), the binomial
moments with the numbers substituted, the bound at each end with its formula
substituted, and the result; every number is the result object's own (exact
rationals, rounded to ``digits``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bounds.marginal.dependence import SurvivalInterval
from bounds.marginal.dependence_budget import BudgetInterval
from bounds.report.derive import Derivation, Step, assumption, chain, current_digits, derive, equation, result
from bounds.report.numbers import display_integer, latex_integer, latex_number
from bounds.report.presentation import derived_line, given_line

__all__: list[str] = []

REFERENCES = (
    "D. A. Dawson and D. Sankoff, ``An inequality for probabilities'', Proc. Amer. Math. Soc. 18 (1967), 504--507.",
    "S. M. Kwerel, ``Most stringent bounds on aggregated probabilities of partially specified dependent "
    "probability systems'', J. Amer. Statist. Assoc. 70 (1975), 472--479.",
    "M. Fr\\'echet, ``G\\'en\\'eralisation du th\\'eor\\`eme des probabilit\\'es totales'', Fundamenta "
    "Mathematicae 25 (1935), 379--387.",
)

_BOUND_TEXT = {
    "kwerel": "Kwerel's bound (sharp given $S_1$ and $S_2$)",
    "dawson-sankoff": "the Dawson--Sankoff bound (sharp given $S_1$ and $S_2$)",
    "boole": "Boole's inequality (sharp given the marginals: disjoint failures attain it)",
    "frechet": "Fréchet's bound (the largest marginal: one shared failure event attains it)",
    "bonferroni": "the Bonferroni bound $S_1 - S_2$",
    "kounias": "Kounias's bound",
    "hunter-worsley": "the Hunter--Worsley bound (a maximum spanning tree of the pairwise probabilities)",
    "lp": "the binomial-moment linear program (Prékopa)",
}

_UNION_FORMULA = {
    ("kwerel", "upper"): "\\min\\bigl(1,\\ S_1 - 2 S_2 / N\\bigr)",
    ("boole", "upper"): "\\min(1,\\ S_1)",
    ("dawson-sankoff", "lower"):
        "\\frac{2 S_1}{k+1} - \\frac{2 S_2}{k(k+1)},\\quad k = 1 + \\lfloor 2 S_2 / S_1 \\rfloor",
    ("frechet", "lower"): "\\max_i P(F_i)",
}


def _bound_sentence(name: str) -> str:
    return _BOUND_TEXT.get(name, name.replace("-", " "))


def _moment_lines(subject: SurvivalInterval, digits: int) -> list[Any]:
    count = latex_integer(subject.generations)
    if subject.epsilon is not None:
        epsilon = latex_number(subject.epsilon)
        lines = [chain("S_1", "\\sum_i P(F_i)", "N \\varepsilon", f"{count} \\cdot {epsilon}",
                       _value(subject.s1, digits))]
    else:
        lines = [chain("S_1", "\\sum_i P(F_i)", _value(subject.s1, digits))]
    if subject.s2 is not None:
        if subject.epsilon is not None and subject.rho is not None:
            lines.append(chain("p_2", "P(F_i \\cap F_j)", "\\varepsilon^2 + \\rho\\, \\varepsilon (1 - \\varepsilon)",
                               _value(subject.s2 / Fraction(subject.generations * (subject.generations - 1), 2),
                                      digits)))
            lines.append(chain("S_2", "\\sum_{i<j} P(F_i \\cap F_j)", "\\binom{N}{2} p_2", _value(subject.s2, digits)))
        else:
            lines.append(chain("S_2", "\\sum_{i<j} P(F_i \\cap F_j)", _value(subject.s2, digits)))
    return lines


def _value(value: Any, digits: int) -> str | tuple[str, str]:
    text = latex_number(value, digits)
    exact = isinstance(value, Fraction) and latex_number(value) == text
    return text if exact else ("\\approx", text)


def _end_line(name: str, side: str, value: Any, digits: int, union_side: str) -> Any:
    formula = _UNION_FORMULA.get((name, union_side))
    relation = "\\ge" if side == "lower" else "\\le"
    parts: list[Any] = [(relation, f"1 - {formula}" if union_side == "upper" and formula and "\\quad" not in formula
                         else f"1 - \\Bigl({formula}\\Bigr)" if formula else f"1 - P_{{\\mathrm{{{side}}}}}")]
    shown = _value(value, digits)
    parts.append(shown if isinstance(shown, tuple) else ("=", shown))
    return chain("S(N)", *parts)


@derive.register
def _interval(subject: SurvivalInterval, threshold: Any = None, *, digits: int = 6) -> Derivation:
    count = subject.generations
    given = [given_line("N", count)]
    if subject.epsilon is not None:
        given.insert(0, given_line("\\varepsilon", subject.epsilon))
    if subject.rho is not None:
        given.insert(1, given_line("\\rho", subject.rho))
    steps: list[Step] = [
        assumption(
            "Only the marginal failure probabilities $P(F_i)$ are known"
            + (" and the pairwise ones $P(F_i \\cap F_j)$" if subject.s2 is not None else "")
            + "; the dependence between generations is otherwise arbitrary."
        ),
        equation("Inputs", "The inputs, as given:", *given, kind="definition"),
        equation("Survival", "Alignment is preserved through generation $N$ unless some generation fails:",
                 chain("S(N)", "1 - P(F_1 \\cup \\dots \\cup F_N)")),
        equation("Moments", "The binomial moments of the failure events:", *_moment_lines(subject, digits)),
        equation(
            "Ends",
            f"The lower end comes from {_bound_sentence(subject.lower_bound)} on the union; "
            f"the upper end from {_bound_sentence(subject.upper_bound)}.",
            _end_line(subject.lower_bound, "lower", subject.lower, digits, "upper"),
            _end_line(subject.upper_bound, "upper", subject.upper, digits, "lower"),
        ),
        result(
            "Result",
            "Under every dependence consistent with what is known:",
            chain(f"S({latex_integer(count)})", ("\\in",
                  f"\\bigl[{latex_number(subject.lower, digits)},\\ {latex_number(subject.upper, digits)}\\bigr]")),
        ),
    ]
    values = {"survival_lower": subject.lower, "survival_upper": subject.upper, "generations": count}
    return Derivation.from_steps("Survival interval under any dependence", steps, values, subject, REFERENCES)


def _budget_text(value: int | None) -> str:
    return "\\infty" if value is None else display_integer(value, current_digits())


@derive.register
def _budget_interval(subject: BudgetInterval, threshold: Any = None, *, digits: int = 6) -> Derivation:
    epsilon, target = subject.epsilon, subject.threshold
    shown_eps, shown_t = latex_number(epsilon), latex_number(target)
    given = [given_line("\\varepsilon", epsilon), given_line("T", target)]
    if subject.rho is not None:
        given.insert(1, given_line("\\rho", subject.rho))
    steps: list[Step] = [
        assumption("Every generation fails with the same marginal probability $\\varepsilon$"
                   + (" and every pair with the same correlation $\\rho$" if subject.rho is not None else "")
                   + "; the dependence is otherwise arbitrary."),
        equation("Inputs", "The inputs, as given:", *given, kind="definition"),
    ]
    if subject.rho is None:
        guaranteed = [chain("N_{\\mathrm{guaranteed}}", "\\left\\lfloor \\frac{1 - T}{\\varepsilon} \\right\\rfloor",
                            f"\\left\\lfloor \\frac{{1 - {shown_t}}}{{{shown_eps}}} \\right\\rfloor",
                            _budget_text(subject.guaranteed))] if epsilon else \
            [chain("N_{\\mathrm{guaranteed}}", "\\infty")]
        possible = [chain("N_{\\mathrm{possible}}", ("=", "\\infty" if subject.possible is None else "0"),
                          ("\\quad", f"\\text{{since }} 1 - \\varepsilon = {latex_number(1 - epsilon)} "
                           + ("\\ge" if subject.possible is None else "<") + " T"))]
        steps.append(equation("Guaranteed", "Boole's inequality $S(N) \\ge 1 - N\\varepsilon$ holds under every "
                              "dependence (disjoint failures attain it):", *guaranteed, kind="bound"))
        steps.append(equation("Possible", "One shared failure event keeps $S(N) = 1 - \\varepsilon$ for every $N$ "
                              "(Fréchet), the most any dependence allows:", *possible, kind="bound"))
    else:
        joint = epsilon * epsilon + subject.rho * epsilon * (1 - epsilon)
        p2 = derived_line("p_2", "\\varepsilon^2 + \\rho\\, \\varepsilon (1 - \\varepsilon)", joint, digits)
        steps.append(equation("Pairwise", "The probability that two given generations both fail:", p2))
        steps.append(equation(
            "Guaranteed", "Kwerel's bound, sharp for $N$ fixed: the largest $N$ with "
            "$N\\varepsilon - (N-1) p_2 \\le 1 - T$:",
            chain("N_{\\mathrm{guaranteed}}", "\\left\\lfloor \\frac{1 - T - p_2}{\\varepsilon - p_2} \\right\\rfloor",
                  _budget_text(subject.guaranteed)), kind="bound"))
        steps.append(equation(
            "Possible", "One less than the first $N$ at which the Dawson--Sankoff lower bound "
            "$\\max_k \\bigl[\\tfrac{2N\\varepsilon}{k+1} - \\tfrac{N(N-1)p_2}{k(k+1)}\\bigr]$ on the failure "
            "probability exceeds $1 - T$ (unbounded when $1 - T \\ge \\varepsilon^2 / p_2$):",
            chain("N_{\\mathrm{possible}}", _budget_text(subject.possible)), kind="bound"))
    steps.append(result("Result", "Under every dependence consistent with the inputs:",
                        chain(_budget_text(subject.guaranteed), ("\\le", "N^{*}"),
                              ("\\le", _budget_text(subject.possible)))))
    values = {"guaranteed": subject.guaranteed, "possible": subject.possible, "threshold": target,
              "epsilon": epsilon, "rho": subject.rho}
    return Derivation.from_steps("Budget interval under any dependence", steps, values, subject, REFERENCES)

