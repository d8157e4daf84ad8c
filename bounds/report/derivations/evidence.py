r"""Derivation of an evidence result: the upper confidence bound on epsilon and the budget at it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from bounds.evidence.confidence import EvidenceBound
from bounds.report.derive import Derivation, Step, assumption, certificate_lines, chain, derive, equation, result
from bounds.report.latex import latex_integer, latex_number
from bounds.report.presentation import Presentation, count_text, derived_line, given_line

REFERENCES = (
    "C. J. Clopper and E. S. Pearson, ``The use of confidence or fiducial limits illustrated in the case of the "
    "binomial'', Biometrika 26 (1934), 404--413.",
    "L. D. Brown, T. T. Cai and A. DasGupta, ``Interval estimation for a binomial proportion'', Statistical "
    "Science 16 (2001), 101--133.",
)

_METHOD_TEXT = {
    "clopper-pearson": (
        "Clopper--Pearson (exact): $\\varepsilon_U$ is the largest rate under which seeing at most $k$ "
        "failures still has probability at least $1 - c$; it is a quantile of the Beta distribution, "
        "rounded up to a float so that it is never below the exact bound:",
        "I^{-1}_{c}(k + 1,\\, n - k)",
    ),
    "wilson": ("Wilson's score bound at confidence $c$ (one-sided, $z = \\Phi^{-1}(c)$):",
               "\\frac{\\hat p + \\frac{z^2}{2n} + z \\sqrt{\\frac{\\hat p (1 - \\hat p)}{n} + \\frac{z^2}{4n^2}}}"
               "{1 + z^2/n}"),
    "rule-of-three": ("The rule of three ($k = 0$): $(1 - \\varepsilon_U)^n = 1 - c$:", "1 - (1 - c)^{1/n}"),
    "jeffreys": (
        "Jeffreys: the $c$-quantile of the posterior $\\mathrm{Beta}(k + \\tfrac12,\\, n - k + \\tfrac12)$:",
        "I^{-1}_{c}(k + \\tfrac12,\\, n - k + \\tfrac12)",
    ),
}


@derive.register
def _evidence(subject: EvidenceBound, threshold: Any = None, *, digits: int = 6) -> Derivation:
    k, n = subject.failures, subject.trials
    text, formula = _METHOD_TEXT.get(
        subject.method,
        (f"The {subject.method} one-sided upper bound at confidence $c$:", "\\varepsilon_U(k, n, c)"),
    )
    steps: list[Step] = [
        assumption(
            "The $n$ trials are independent and each loses alignment with the same probability "
            "$\\varepsilon$; $k$ failures were seen."
        ),
        equation("Inputs", "The evidence, as given:", given_line("k", k), given_line("n", n),
                 given_line("c", subject.confidence),
                 *([given_line("T", subject.threshold)] if subject.threshold is not None else []),
                 kind="definition"),
        equation("Upper bound", text, derived_line("\\varepsilon_U", _substituted(subject, formula),
                                                   subject.epsilon_upper_exact, digits)),
    ]
    values: dict[str, Any] = {"epsilon_upper": subject.epsilon_upper, "failures": k, "trials": n}
    budget = subject.budget
    if budget is not None and budget.n is not None:
        steps.append(
            equation(
                "Budget at the bound",
                "The independent model at $\\varepsilon_U$: the largest $N$ with "
                "$(1 - \\varepsilon_U)^N \\ge T$, certified by " + budget.certificate_text + ":",
                *certificate_lines(budget, digits, _AT_BOUND),
            )
        )
        values.update(budget=budget.n, threshold=budget.threshold)
        steps.append(
            result(
                "Result",
                f"With confidence {latex_number(subject.confidence)}, the failure rate is at most "
                "$\\varepsilon_U$, and at that rate the certified budget is:",
                derived_line("\\varepsilon_U", None, subject.epsilon_upper_exact, digits),
                chain("N^{*}", latex_integer(budget.n)),
            )
        )
    else:
        steps.append(
            result("Result", "The upper confidence bound:",
                   derived_line("\\varepsilon_U", None, subject.epsilon_upper_exact, digits))
        )
    return Derivation.from_steps("Evidence: upper bound on the failure rate", steps, values, subject, REFERENCES)


#: The budget at the bound, substituted with the symbol (its exact decimal has more figures than a display)
_AT_BOUND = Presentation(at=lambda n: f"(1 - \\varepsilon_U)^{{{count_text(n)}}}")


def _substituted(subject: EvidenceBound, formula: str) -> str:
    k, n, c = subject.failures, subject.trials, latex_number(subject.confidence)
    substitutions = {
        "clopper-pearson": f"I^{{-1}}_{{{c}}}({latex_integer(k + 1)},\\, {latex_integer(n - k)})",
        "jeffreys": f"I^{{-1}}_{{{c}}}({latex_number(Fraction(2 * k + 1, 2))},\\, "
                    f"{latex_number(Fraction(2 * (n - k) + 1, 2))})",
        "rule-of-three": f"1 - (1 - {c})^{{1/{latex_integer(n)}}}",
    }
    shown = substitutions.get(subject.method)
    return formula if shown is None else f"{formula} = {shown}"
