r"""The sandwich $\lfloor (1-T)/\varepsilon \rfloor \le N^* \le \lfloor \ln(1/T)/\varepsilon \rfloor$."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import sympy
from hypothesis import strategies as st

from proofs._core import (
    PROPERTY,
    SYMPY,
    Report,
    Step,
    holds,
    no_counterexample,
    require,
    run,
    sympy_sign,
    sympy_zero,
)

NAME = "sandwich"
TITLE = "The sandwich bounds on the independent budget"

#: Bernoulli: (1 - eps)^N >= 1 - N eps.
BERNOULLI = ">="
#: (1 - eps)^N <= exp(-N eps), from ln(1 - eps) <= -eps.
EXPONENTIAL = "<="

STATEMENT = r"""
For $0 < \varepsilon < 1$, $N \ge 0$: $1 - N\varepsilon \le (1-\varepsilon)^N \le e^{-N\varepsilon}$.
Hence, for $0 < T \le 1$, the budget $N^* = \max\{N : (1-\varepsilon)^N \ge T\}$ satisfies
\[ \left\lfloor \frac{1-T}{\varepsilon} \right\rfloor \le N^* \le \left\lfloor
\frac{\ln(1/T)}{\varepsilon} \right\rfloor. \]
"""

PROOF = r"""
\emph{Lower inequality (Bernoulli).} Put $\varepsilon = x/(1+x)$, $x \ge 0$, and multiply
$f = (1-\varepsilon)^N - (1 - N\varepsilon)$ by $(1+x)^N > 0$:
$(1+x)^N f = 1 - (1+x)^N + N x (1+x)^{N-1} = \sum_{k} \bigl(k\binom{N}{k} - \binom{N}{k}\bigr) x^k
= \sum_k (k-1)\binom{N}{k} x^k$, using $N\binom{N-1}{k-1} = k\binom{N}{k}$; the $k = 0$ and $k = 1$
terms vanish (the constant $1 - 1$ and $N x - N x$) and every other coefficient is non-negative, so
$f \ge 0$.
\emph{Upper inequality.} $g(\varepsilon) = -\varepsilon - \ln(1-\varepsilon)$ has $g(0) = 0$ and
$g'(\varepsilon) = \varepsilon/(1-\varepsilon) \ge 0$, so $\ln(1-\varepsilon) \le -\varepsilon$ and
$(1-\varepsilon)^N = e^{N\ln(1-\varepsilon)} \le e^{-N\varepsilon}$.
\emph{Budget.} If $N \le (1-T)/\varepsilon$ then $(1-\varepsilon)^N \ge 1 - N\varepsilon \ge T$, so
$\lfloor (1-T)/\varepsilon \rfloor \le N^*$. And $T \le (1-\varepsilon)^{N^*} \le e^{-N^*\varepsilon}$ gives
$N^* \le \ln(1/T)/\varepsilon$; $N^*$ is an integer, so it is at most the floor.
"""


def _coefficient_identity() -> str:
    n = sympy.Symbol("N", integer=True, positive=True)
    k = sympy.Symbol("k", integer=True, positive=True)
    return sympy_zero(
        sympy.combsimp(
            n * sympy.binomial(n - 1, k - 1) - sympy.binomial(n, k) - (k - 1) * sympy.binomial(n, k)
        ),
        "N C(N-1,k-1) - C(N,k) - (k-1) C(N,k)",
    )


def _bernoulli_polynomials() -> str:
    # (1+x)^N * ((1-eps)^N - (1 - N eps)) with eps = x/(1+x): every coefficient must be >= 0
    x = sympy.Symbol("x", nonnegative=True)
    for n in range(1, 31):
        epsilon = x / (1 + x)
        difference = (1 - epsilon) ** n - (1 - n * epsilon)
        if BERNOULLI == "<=":
            difference = -difference
        polynomial = sympy.expand(sympy.cancel(difference * (1 + x) ** n))
        coefficients = [polynomial.coeff(x, k) for k in range(n + 1)]
        require(
            all(c >= 0 for c in coefficients),
            f"N = {n}: (1-eps)^N {BERNOULLI} 1 - N eps fails: coefficients {coefficients}",
        )
        expected = [(k - 1) * sympy.binomial(n, k) if k >= 1 else 0 for k in range(n + 1)]
        require(
            polynomial == sum(c * x**k for k, c in enumerate(coefficients)),
            f"N = {n}: not a polynomial of degree N",
        )
        if BERNOULLI == ">=":
            require(coefficients == expected, f"N = {n}: coefficients {coefficients} are not (k-1) C(N,k)")
    return f"(1-eps)^N {BERNOULLI} 1 - N eps: non-negative coefficients (k-1) C(N,k) for N = 1..30"


def _log_bound() -> str:
    epsilon = sympy.Symbol("varepsilon", positive=True)
    g = -epsilon - sympy.log(1 - epsilon)
    derivative = sympy.diff(g, epsilon)
    x = sympy.Symbol("x", positive=True)
    at_zero = sympy_zero(g.subs(epsilon, 0), "g(0)")
    relation = ">=" if EXPONENTIAL == "<=" else "<="
    sign = sympy_sign(
        derivative.subs(epsilon, x / (1 + x)), relation, "g'(eps) = eps/(1-eps) at eps = x/(1+x)"
    )
    series = sympy.series(-sympy.log(1 - epsilon), epsilon, 0, 5).removeO() - epsilon
    series_sign = sympy_sign(series, ">=" if EXPONENTIAL == "<=" else "<=", "-ln(1-eps) - eps (series terms)")
    return "; ".join([at_zero, sign, series_sign])


def _inequalities_exact() -> str:
    cases = st.tuples(st.builds(Fraction, st.integers(1, 999), st.just(1000)), st.integers(0, 60))

    def claim(case: tuple[Fraction, int]) -> bool:
        epsilon, n = case
        power = (1 - epsilon) ** n
        with mpmath.workdps(50):
            exponential = mpmath.exp(-n * mpmath.mpf(epsilon.numerator) / epsilon.denominator)
            power_mp = mpmath.mpf(power.numerator) / power.denominator
        return holds(BERNOULLI, power, 1 - n * epsilon) and holds(EXPONENTIAL, power_mp, exponential)

    return no_counterexample(cases, claim, f"(1-eps)^N {BERNOULLI} 1-N eps and {EXPONENTIAL} exp(-N eps)")


def _budget_between() -> str:
    epsilons = st.builds(Fraction, st.integers(1, 100), st.just(200))
    thresholds = st.builds(Fraction, st.integers(10, 100), st.just(100))

    def budget(epsilon: Fraction, threshold: Fraction) -> int:
        n, survival = 0, Fraction(1)
        while survival * (1 - epsilon) >= threshold:
            survival, n = survival * (1 - epsilon), n + 1
        return n

    def claim(case: tuple[Fraction, Fraction]) -> bool:
        epsilon, threshold = case
        lower = math.floor((1 - threshold) / epsilon)
        with mpmath.workdps(50):
            upper = int(
                mpmath.floor(
                    -mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator)
                    / (mpmath.mpf(epsilon.numerator) / epsilon.denominator)
                )
            )
        n = budget(epsilon, threshold)
        return holds(BERNOULLI, n, lower) and holds(EXPONENTIAL, n, upper)

    return no_counterexample(
        st.tuples(epsilons, thresholds),
        claim,
        "floor((1-T)/eps) <= N* <= floor(ln(1/T)/eps)",
        max_examples=150,
    )


def steps() -> list[Step]:
    return [
        Step("binomial coefficient identity", SYMPY, _coefficient_identity),
        Step("Bernoulli: coefficients of (1+x)^N f are (k-1) C(N,k) >= 0", SYMPY, _bernoulli_polynomials),
        Step("ln(1 - eps) <= -eps", SYMPY, _log_bound),
        Step("both inequalities on exact rationals", PROPERTY, _inequalities_exact),
        Step("the budget lies between the floors", PROPERTY, _budget_between),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
