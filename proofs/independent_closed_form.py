r"""Closed form and certification of the independent budget."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy
from hypothesis import strategies as st

from proofs._core import (
    PROPERTY,
    SYMPY,
    Report,
    Step,
    for_all,
    holds,
    no_counterexample,
    run,
    sympy_sign,
    sympy_zero,
)

NAME = "independent_closed_form"
TITLE = "Closed form and certification of the independent budget"

#: ln(1 - eps) < 0 for 0 < eps < 1: the relation the division step relies on.
LOG_SIGN = "<"

STATEMENT = r"""
Let $0 < \varepsilon < 1$, $0 < T \le 1$ and $S(N) = (1-\varepsilon)^N$. Then
\[ S(N) \ge T \iff N \le \frac{\ln T}{\ln(1-\varepsilon)}, \qquad
   N^* = \max\{N \in \mathbb{Z}_{\ge 0} : S(N) \ge T\} = \left\lfloor \frac{\ln T}{\ln(1-\varepsilon)}
\right\rfloor, \]
and an integer $n \ge 0$ equals $N^*$ if and only if $S(n) \ge T > S(n+1)$ (the certificate).
If $\varepsilon = 0$ the budget is unbounded; if $\varepsilon = 1$ then $N^* = 0$.
"""

PROOF = r"""
$\ln$ is increasing, so $S(N) \ge T \iff N \ln(1-\varepsilon) \ge \ln T$. Writing
$\varepsilon = x/(1+x)$ with $x > 0$ gives $\ln(1-\varepsilon) = -\ln(1+x) < 0$, and dividing by a
negative number reverses the inequality: $N \le \ln T/\ln(1-\varepsilon)$. The largest whole $N$ with
this property is the floor. $S$ is strictly decreasing, so $\{N : S(N) \ge T\} = \{0, \dots, N^*\}$
and $n = N^*$ exactly when $n$ is in the set and $n+1$ is not: $S(n) \ge T > S(n+1)$. For
$\varepsilon = 0$, $S \equiv 1 \ge T$; for $\varepsilon = 1$, $S(1) = 0 < T$ while $S(0) = 1 \ge T$.
"""


def _log_negative() -> str:
    x = sympy.Symbol("x", positive=True)
    epsilon = x / (1 + x)
    return sympy_sign(sympy.log(sympy.simplify(1 - epsilon)), LOG_SIGN, "ln(1 - eps) with eps = x/(1+x)")


def _log_of_power() -> str:
    n = sympy.Symbol("N", positive=True)
    p = sympy.Symbol("p", positive=True)
    return sympy_zero(sympy.expand_log(sympy.log(p**n), force=False) - n * sympy.log(p), "ln(p^N) - N ln p")


def _division_reverses() -> str:
    # N a >= b with a < 0 is a (N - b/a) >= 0, i.e. N - b/a <= 0
    n, b = sympy.symbols("N b", real=True)
    a = -sympy.Symbol("c", positive=True)
    detail = sympy_zero(sympy.expand(a * (n - b / a)) - (n * a - b), "a (N - b/a) - (N a - b)")
    return detail + "; " + sympy_sign(a, LOG_SIGN, "a = ln(1 - eps)")


def _brute_force_budget(epsilon: Fraction, threshold: Fraction) -> int:
    n, survival = 0, Fraction(1)
    while survival * (1 - epsilon) >= threshold:
        survival *= 1 - epsilon
        n += 1
    return n


def _floor_formula(epsilon: Fraction, threshold: Fraction) -> int:
    with mpmath.workdps(60):
        ratio = mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator) / mpmath.log1p(
            -mpmath.mpf(epsilon.numerator) / epsilon.denominator
        )
        return int(mpmath.floor(ratio + mpmath.mpf(10) ** -40))  # exact ties land on the integer


def _closed_form_matches_search() -> str:
    # budgets up to a few hundred, so that the exact search stays cheap
    epsilons = st.builds(Fraction, st.integers(1, 100), st.just(200))
    thresholds = st.builds(Fraction, st.integers(10, 100), st.just(100))

    def claim(case: tuple[Fraction, Fraction]) -> bool:
        epsilon, threshold = case
        return _floor_formula(epsilon, threshold) == _brute_force_budget(epsilon, threshold)

    return no_counterexample(
        st.tuples(epsilons, thresholds), claim, "floor(ln T / ln(1-eps)) == exact search", max_examples=150
    )


def _certificate_characterises_budget() -> str:
    cases = [
        (Fraction(e, 20), Fraction(t, 20), n) for e in range(1, 20) for t in range(1, 21) for n in range(12)
    ]

    def claim(epsilon: Fraction, threshold: Fraction, n: int) -> bool:
        certified = holds(">=", (1 - epsilon) ** n, threshold) and holds(
            ">", threshold, (1 - epsilon) ** (n + 1)
        )
        return certified == (n == _brute_force_budget(epsilon, threshold))

    return for_all(cases, claim, "S(n) >= T > S(n+1) iff n == N* (exact rationals)")


def _exact_ties() -> str:
    # 0.9**2 == 0.81: ln(p^n) / ln p is the integer n itself, and the exact search agrees
    cases = [(Fraction(9, 10), 2), (Fraction(7, 10), 3), (Fraction(95, 100), 2), (Fraction(999, 1000), 5)]
    details = []
    for keep, n in cases:
        p = sympy.Rational(keep.numerator, keep.denominator)
        details.append(
            sympy_zero(
                sympy.expand_log(sympy.log(p**n) / sympy.log(p), force=True) - n,
                f"ln({keep}^{n}) / ln {keep} - {n}",
            )
        )
    return (
        details[0]
        + "; "
        + for_all(
            cases,
            lambda keep, n: _brute_force_budget(1 - keep, keep**n) == n,
            "exact search gives N* = n at T = p^n",
        )
    )


def _special_cases() -> str:
    n = sympy.Symbol("N", integer=True, nonnegative=True)
    sympy_zero((1 - sympy.Integer(0)) ** n - 1, "S(N) with eps = 0 minus 1")
    return (
        sympy_zero((1 - sympy.Integer(1)) ** 1, "S(1) with eps = 1") + "; eps = 0 unbounded, eps = 1 gives 0"
    )


def steps() -> list[Step]:
    return [
        Step("ln(1 - eps) < 0", SYMPY, _log_negative),
        Step("ln S(N) = N ln(1 - eps)", SYMPY, _log_of_power),
        Step("dividing by ln(1 - eps) < 0 reverses the inequality", SYMPY, _division_reverses),
        Step("special cases eps = 0 and eps = 1", SYMPY, _special_cases),
        Step("closed form equals the exact search", PROPERTY, _closed_form_matches_search),
        Step("certificate characterises the budget", PROPERTY, _certificate_characterises_budget),
        Step("exact ties", SYMPY, _exact_ties),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
