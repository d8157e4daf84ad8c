r"""The chain rule: $S(N) = \prod_i (1 - \varepsilon_i)$ with conditional rates, under any dependence."""

from __future__ import annotations

from fractions import Fraction

import sympy

from proofs._core import (
    PROPERTY,
    SYMPY,
    Report,
    Step,
    find_example,
    holds,
    no_counterexample,
    run,
    sympy_zero,
)
from proofs._laws import joint_laws, survival_of_law

NAME = "chain_rule"
TITLE = "The chain rule needs no independence"

#: S(N) == prod (1 - conditional rate).
CHAIN = "=="

STATEMENT = r"""
Let $A_i$ be the event that alignment survives generation $i$ and
$\varepsilon_i = P(\overline{A_i} \mid A_1 \cap \dots \cap A_{i-1})$ the failure rate
\emph{conditional on the past} (for $P(A_1 \cap \dots \cap A_{i-1}) > 0$). Then, for every joint law,
\[ S(N) = P(A_1 \cap \dots \cap A_N) = \prod_{i=1}^N (1 - \varepsilon_i). \]
With \emph{marginal} rates $P(\overline{A_i})$ instead, the product is in general not $S(N)$.
"""

PROOF = r"""
Write $s_k = P(A_1 \cap \dots \cap A_k)$, $s_0 = 1$. By definition of conditional probability
$1 - \varepsilon_i = s_i / s_{i-1}$, and the product telescopes:
$\prod_{i=1}^N s_i/s_{i-1} = s_N/s_0 = S(N)$. No independence is used. A two-generation law with
$P(\text{fail at 1}) = P(\text{fail at 2}) = 1/2$ and the failures disjoint has $S(2) = 0$ while the product
of marginal preservation probabilities is $1/4$.
"""


def _telescoping() -> str:
    s = sympy.symbols("s_1:11", positive=True)
    product = sympy.prod([s[0]] + [s[i] / s[i - 1] for i in range(1, len(s))])
    return sympy_zero(product - s[-1], "prod_{i<=10} s_i/s_(i-1) - s_10 (s_0 = 1)")


def _any_law() -> str:
    def claim(law: dict[tuple[int, ...], Fraction]) -> bool:
        n = len(next(iter(law)))
        product = Fraction(1)
        for i in range(1, n + 1):
            before = survival_of_law(law, i - 1)
            if before == 0:
                return survival_of_law(law, n) == 0
            conditional_failure = 1 - survival_of_law(law, i) / before
            product *= 1 - conditional_failure
        return holds(CHAIN, survival_of_law(law, n), product)

    return no_counterexample(joint_laws(), claim, "S(N) == prod(1 - conditional rate), any joint law")


def _marginals_differ() -> str:
    def marginal_product(law: dict[tuple[int, ...], Fraction]) -> Fraction:
        n = len(next(iter(law)))
        product = Fraction(1)
        for i in range(n):
            product *= 1 - sum((p for pattern, p in law.items() if pattern[i]), Fraction(0))
        return product

    law = find_example(
        joint_laws(),
        lambda law: survival_of_law(law, len(next(iter(law)))) != marginal_product(law),
        "a law where marginal rates do not multiply to S(N)",
    )
    return f"found a law where the marginal product differs from S(N): {len(law)} patterns"


def steps() -> list[Step]:
    return [
        Step("telescoping product", SYMPY, _telescoping),
        Step("conditional rates multiply to S(N) under any joint law", PROPERTY, _any_law),
        Step("marginal rates do not (a counterexample exists)", PROPERTY, _marginals_differ),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
