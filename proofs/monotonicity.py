r"""Monotonicity: $S$ is non-increasing in $N$ for every model; budgets fall as $\varepsilon$ or $T$ rise."""

from __future__ import annotations

from fractions import Fraction

import sympy
from hypothesis import strategies as st

from proofs._core import PROPERTY, SYMPY, Report, Step, holds, no_counterexample, run, sympy_sign, sympy_zero
from proofs._laws import distributions, joint_laws, matrix_vector, stochastic_matrices, survival_of_law

NAME = "monotonicity"
TITLE = "Monotonicity of survival and of budgets"

#: S(N+1) <= S(N).
SURVIVAL_STEP = "<="

STATEMENT = r"""
(i) For every model, $S(N+1) \le S(N)$: $S(N) = P(A_1 \cap \dots \cap A_N)$ with $A_i$ the event
that alignment survives generation $i$, and these intersections are nested.
(ii) For $S(N) = (1-\varepsilon)^N$, $\partial S/\partial\varepsilon = -N(1-\varepsilon)^{N-1} \le 0$,
so $N^*(\varepsilon, T)$ is non-increasing in $\varepsilon$; and $N^*$ is non-increasing in $T$
(for every model), because $\{N : S(N) \ge T\}$ shrinks as $T$ grows.
"""

PROOF = r"""
(i) $A_1 \cap \dots \cap A_{N+1} \subseteq A_1 \cap \dots \cap A_N$ and probability is monotone. For
products $S(N+1)/S(N) = 1 - \varepsilon_{N+1} \in [0, 1]$; for a mixture $\sum_k w_k S_k(N)$ each term
is non-increasing; for a Markov-modulated chain $S(N+1) = \pi D (PD)^{N} \mathbf 1$ and
$PD\mathbf 1 \le \mathbf 1$ entrywise, and for an absorbing chain $S(N+1) - S(N) = \alpha Q^N (Q -
I)\mathbf 1 \le 0$.
(ii) The derivative is $-N(1-\varepsilon)^{N-1} \le 0$. If $\varepsilon_1 \le \varepsilon_2$ then
$S_{\varepsilon_2}(N) \le S_{\varepsilon_1}(N)$ for every $N$, so every $N$ admissible for $\varepsilon_2$ is
admissible for $\varepsilon_1$ and $N^*(\varepsilon_1) \ge N^*(\varepsilon_2)$. If $T_1 \le T_2$ then
$S(N) \ge T_2$ implies $S(N) \ge T_1$, so $N^*(T_1) \ge N^*(T_2)$.
"""


def _derivative() -> str:
    epsilon = sympy.Symbol("varepsilon", positive=True)
    n = sympy.Symbol("N", positive=True)
    derivative = sympy.diff((1 - epsilon) ** n, epsilon)
    identity = sympy_zero(derivative + n * (1 - epsilon) ** (n - 1), "dS/deps + N (1-eps)^(N-1)")
    x = sympy.Symbol("x", positive=True)
    relation = "<=" if SURVIVAL_STEP == "<=" else ">="
    sign = sympy_sign(derivative.subs(epsilon, x / (1 + x)), relation, "dS/deps at eps = x/(1+x)")
    return identity + "; " + sign


def _product_ratio() -> str:
    rates = sympy.symbols("varepsilon_1:9")
    ratio = sympy.prod([1 - rate for rate in rates]) / sympy.prod([1 - rate for rate in rates[:-1]])
    return sympy_zero(ratio - (1 - rates[-1]), "S(8)/S(7) - (1 - eps_8) for a product")


def _any_joint_law() -> str:
    def claim(law: dict[tuple[int, ...], Fraction]) -> bool:
        n = len(next(iter(law)))
        return all(
            holds(SURVIVAL_STEP, survival_of_law(law, k + 1), survival_of_law(law, k)) for k in range(n)
        )

    return no_counterexample(joint_laws(), claim, "S(N+1) <= S(N) under an arbitrary joint law of failures")


def _markov_and_absorbing() -> str:
    def claim(
        case: tuple[list[list[Fraction]], list[Fraction], list[Fraction], list[list[Fraction]]],
    ) -> bool:
        transition, keep, initial, block = case
        # Markov-modulated: S(N) = pi D (P D)^(N-1) 1 with D = diag(keep)
        vector = [Fraction(1)] * len(keep)
        markov = []
        for _ in range(6):
            markov.append(
                sum((p * k * v for p, k, v in zip(initial, keep, vector, strict=True)), Fraction(0))
            )
            vector = matrix_vector(transition, [k * v for k, v in zip(keep, vector, strict=True)])
        # absorbing chain: S(N) = alpha Q^N 1
        vector, absorbing = [Fraction(1)] * len(block), []
        for _ in range(6):
            absorbing.append(sum((a * v for a, v in zip(initial, vector, strict=True)), Fraction(0)))
            vector = matrix_vector(block, vector)
        return all(holds(SURVIVAL_STEP, s[k + 1], s[k]) for s in (markov, absorbing) for k in range(5))

    size = 3
    keeps = st.lists(st.builds(Fraction, st.integers(0, 10), st.just(10)), min_size=size, max_size=size)
    cases = st.tuples(stochastic_matrices(size), keeps, distributions(size), stochastic_matrices(size, True))
    return no_counterexample(
        cases, claim, "Markov-modulated and absorbing-chain survivals are non-increasing", max_examples=150
    )


def _budget(epsilon: Fraction, threshold: Fraction) -> int:
    n, survival = 0, Fraction(1)
    while survival * (1 - epsilon) >= threshold and n < 10_000:
        survival, n = survival * (1 - epsilon), n + 1
    return n


def _budgets_monotone() -> str:
    epsilons = st.builds(Fraction, st.integers(1, 100), st.just(200))
    thresholds = st.builds(Fraction, st.integers(10, 100), st.just(100))

    def claim(case: tuple[Fraction, Fraction, Fraction, Fraction]) -> bool:
        e1, e2, t1, t2 = case
        e1, e2 = sorted((e1, e2))
        t1, t2 = sorted((t1, t2))
        return holds(">=", _budget(e1, t1), _budget(e2, t1)) and holds(">=", _budget(e1, t1), _budget(e1, t2))

    return no_counterexample(
        st.tuples(epsilons, epsilons, thresholds, thresholds),
        claim,
        "N*(eps, T) non-increasing in eps and in T",
        max_examples=100,
    )


def steps() -> list[Step]:
    return [
        Step("dS/deps = -N (1-eps)^(N-1) <= 0", SYMPY, _derivative),
        Step("S(N+1)/S(N) = 1 - eps_(N+1) for products", SYMPY, _product_ratio),
        Step("S non-increasing under any joint law", PROPERTY, _any_joint_law),
        Step("S non-increasing for Markov-modulated and absorbing chains", PROPERTY, _markov_and_absorbing),
        Step("budgets non-increasing in eps and T", PROPERTY, _budgets_monotone),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
