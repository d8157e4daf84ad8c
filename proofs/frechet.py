r"""Fréchet sharpness: with marginals only, the worst-case budget floor((1-T)/eps) is attained."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import sympy
from scipy.optimize import linprog

from proofs._core import (
    NUMERIC,
    PROPERTY,
    SYMPY,
    Report,
    Step,
    for_all,
    holds,
    no_counterexample,
    require,
    run,
    sympy_zero,
)
from proofs._laws import joint_laws, survival_of_law

NAME = "frechet"
TITLE = "Fréchet sharpness of the worst-case budget"

#: Boole: S(N) >= 1 - sum of marginal failure probabilities.
BOOLE = ">="

STATEMENT = r"""
Let $F_1, \dots, F_N$ be failure events with $P(F_i) = \varepsilon$ and nothing known about their
dependence. Then $S(N) = 1 - P(\bigcup F_i) \ge \max(0, 1 - N\varepsilon)$ (Boole), and the bound is
attained: disjoint failure events give $S(N) = \max(0, 1 - N\varepsilon)$. Hence the budget that holds
under every dependence is $N_{\text{worst}} = \lfloor (1-T)/\varepsilon \rfloor$, and it is sharp: for
$N = N_{\text{worst}} + 1$ some joint law with these marginals has $S(N) < T$.
"""

PROOF = r"""
Boole: $P(\bigcup F_i) \le \sum P(F_i) = N\varepsilon$. On $\Omega = [0, 1)$ with Lebesgue measure take
$F_i = [(i-1)\varepsilon, i\varepsilon) \cap [0,1)$; for $N\varepsilon \le 1$ they are disjoint with measure
$\varepsilon$ each, so $P(\bigcup F_i) = N\varepsilon$; for $N\varepsilon > 1$ take any events with
measure $\varepsilon$ covering $[0, 1)$ (wrap the intervals around), so $S(N) = 0$. The admissible $N$
under every law are those with $1 - N\varepsilon \ge T$, i.e. $N \le (1-T)/\varepsilon$.
"""


def _solve_linear() -> str:
    n, epsilon, threshold = sympy.symbols("N varepsilon T", positive=True)
    # 1 - N eps - T = eps ((1 - T)/eps - N): the sign of 1 - N eps - T is that of (1-T)/eps - N
    return sympy_zero(
        (1 - n * epsilon - threshold) - epsilon * ((1 - threshold) / epsilon - n),
        "1 - N eps - T - eps ((1-T)/eps - N)",
    )


def _boole_any_law() -> str:
    def claim(law: dict[tuple[int, ...], Fraction]) -> bool:
        n = len(next(iter(law)))
        total = sum(sum((p for pattern, p in law.items() if pattern[i]), Fraction(0)) for i in range(n))
        return holds(BOOLE, survival_of_law(law, n), 1 - total)

    return no_counterexample(joint_laws(), claim, "S(N) >= 1 - sum P(F_i) under any joint law")


def _interval_union(intervals: list[tuple[Fraction, Fraction]]) -> Fraction:
    total, end = Fraction(0), Fraction(0)
    for start, high in sorted(intervals):
        low = max(start, end)
        if high > low:
            total += high - low
            end = high
    return total


def _wrapped(i: int, epsilon: Fraction) -> list[tuple[Fraction, Fraction]]:
    """F_i = [(i-1) eps, i eps) taken modulo 1: measure eps, disjoint while N eps <= 1."""
    low = ((i - 1) * epsilon) % 1
    high = low + epsilon
    return [(low, high)] if high <= 1 else [(low, Fraction(1)), (Fraction(0), high - 1)]


def _construction_attains() -> str:
    cases = [(Fraction(1, d), Fraction(t, 20)) for d in range(2, 41) for t in range(1, 20)]

    def claim(epsilon: Fraction, threshold: Fraction) -> bool:
        worst = math.floor((1 - threshold) / epsilon)
        for n in (worst, worst + 1):
            union = _interval_union([part for i in range(1, n + 1) for part in _wrapped(i, epsilon)])
            survival = 1 - union
            if survival != max(Fraction(0), 1 - n * epsilon):
                return False
        at_worst = 1 - _interval_union([p for i in range(1, worst + 1) for p in _wrapped(i, epsilon)])
        after = 1 - _interval_union([p for i in range(1, worst + 2) for p in _wrapped(i, epsilon)])
        return holds(BOOLE, at_worst, threshold) and after < threshold

    return for_all(cases, claim, "disjoint intervals attain S = max(0, 1 - N eps); S < T at N_worst + 1")


def _linear_program() -> str:
    checked = 0
    for n in range(2, 8):
        patterns = list(itertools.product((0, 1), repeat=n))
        for epsilon in (0.05, 0.1, 0.2, 0.3):
            marginals = np.array([[pattern[i] for pattern in patterns] for i in range(n)], dtype=float)
            equality = np.vstack([marginals, np.ones(len(patterns))])
            right = np.concatenate([np.full(n, epsilon), [1.0]])
            objective = np.array([0.0 if any(pattern) else 1.0 for pattern in patterns])  # minimise S(N)
            solution = linprog(objective, A_eq=equality, b_eq=right, bounds=(0, None), method="highs")
            require(solution.status == 0, f"LP failed for N = {n}, eps = {epsilon}")
            expected = max(0.0, 1 - n * epsilon)
            require(
                abs(solution.fun - expected) < 1e-9,
                f"LP minimum of S({n}) at eps = {epsilon} is {solution.fun}, not {expected}",
            )
            checked += 1
    return f"min S(N) over all joint laws (HiGHS LP) equals max(0, 1 - N eps) in {checked} cases, tol 1e-9"


def steps() -> list[Step]:
    return [
        Step("1 - N eps >= T iff N <= (1-T)/eps", SYMPY, _solve_linear),
        Step("Boole's inequality under any joint law", PROPERTY, _boole_any_law),
        Step("disjoint failures attain the bound; the budget is sharp", PROPERTY, _construction_attains),
        Step("LP over all joint laws attains max(0, 1 - N eps)", NUMERIC, _linear_program),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
