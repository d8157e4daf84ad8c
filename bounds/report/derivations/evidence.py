r"""Derivation of an evidence result: the upper confidence bound on epsilon and the budget at it."""

from __future__ import annotations

from typing import Any

from bounds.evidence.confidence import EvidenceBound
from bounds.report.derive import Derivation, Step, assumption, certificate_lines, chain, derive, equation, result
from bounds.report.latex import latex_integer, latex_number

_METHOD_TEXT = {
    "clopper-pearson": (
        "Clopper--Pearson (exact): $\\varepsilon_U$ is the largest rate under which seeing at most $k$ "
        "failures still has probability at least $1 - c$; it is a quantile of the Beta distribution, "
        "rounded up to a float so that it is never below the exact bound:",
        "I^{-1}_{c}(k + 1,\\, n - k)",
    ),
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
        equation(
            "Data",
            "The evidence, exactly as given:",
            chain("k", latex_integer(k)),
            chain("n", latex_integer(n)),
            chain("c", latex_number(subject.confidence)),
        ),
        equation("Upper bound", text, chain("\\varepsilon_U", formula, latex_number(subject.epsilon_upper, digits))),
    ]
    values: dict[str, Any] = {"epsilon_upper": subject.epsilon_upper, "failures": k, "trials": n}
    budget = subject.budget
    if budget is not None and budget.n is not None:
        steps.append(
            equation(
                "Budget at the bound",
                "The independent model at $\\varepsilon_U$: the largest $N$ with "
                "$(1 - \\varepsilon_U)^N \\ge T$, certified by " + budget.certificate_text + ":",
                *certificate_lines(budget, digits),
            )
        )
        values.update(budget=budget.n, threshold=budget.threshold)
        steps.append(
            result(
                "Result",
                f"With confidence {latex_number(subject.confidence)}, the failure rate is at most "
                "$\\varepsilon_U$, and at that rate the certified budget is:",
                chain("\\varepsilon_U", latex_number(subject.epsilon_upper, digits)),
                chain("N^{*}", latex_integer(budget.n)),
            )
        )
    else:
        steps.append(
            result("Result", "The upper confidence bound:",
                   chain("\\varepsilon_U", latex_number(subject.epsilon_upper, digits)))
        )
    return Derivation.from_steps("Evidence: upper bound on the failure rate", steps, values, subject)
