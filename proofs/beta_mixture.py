r"""BetaMixture: $S(N) = B(a, b+N)/B(a, b)$ decays like $N^{-a}$, and $S(N) \ge (1-\bar\varepsilon)^N$."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import sympy
from hypothesis import strategies as st

from proofs._core import (
    NUMERIC,
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

NAME = "beta_mixture"
TITLE = "BetaMixture: power-law decay and the Jensen bound"

#: Jensen: S(N) >= (1 - mean)^N.
JENSEN = ">="

STATEMENT = r"""
Let the lineage's failure rate be $\varepsilon \sim \mathrm{Beta}(a, b)$, $a, b > 0$, with mean
$\bar\varepsilon = a/(a+b)$ and intra-lineage correlation $\rho = 1/(a+b+1)$, and given $\varepsilon$
let generations fail independently. Then
\[ S(N) = E\bigl[(1-\varepsilon)^N\bigr] = \frac{B(a, b+N)}{B(a, b)}, \qquad
   S(N)\, N^{a} \to \frac{\Gamma(a+b)}{\Gamma(b)} \quad (N \to \infty), \qquad
   S(N) \ge (1-\bar\varepsilon)^N. \]
For $\bar\varepsilon = 0.001$, $\rho = 0.01$, $T = 0.605$ the budget is $N^* = 15667$ (502 for
independent failures).
"""

PROOF = r"""
$E[(1-\varepsilon)^N] = \frac{1}{B(a,b)}\int_0^1 p^{a-1}(1-p)^{b+N-1}\,dp = B(a, b+N)/B(a,b)$.
With $B(a, b+N) = \Gamma(a)\Gamma(b+N)/\Gamma(a+b+N)$ and $\Gamma(x+a)/\Gamma(x) \sim x^{a}$,
$S(N) = \frac{\Gamma(a+b)}{\Gamma(b)} \frac{\Gamma(b+N)}{\Gamma(a+b+N)} \sim
\frac{\Gamma(a+b)}{\Gamma(b)} N^{-a}$:
a power law, not an exponential. The map $p \mapsto (1-p)^N$ has second derivative
$N(N-1)(1-p)^{N-2} \ge 0$ on $[0, 1]$, so it is convex and Jensen's inequality gives
$E[(1-\varepsilon)^N] \ge (1 - E\varepsilon)^N$. The mean is held fixed; the correlation only changes
how the failures are spread across lineages.
"""


def _integral() -> str:
    p = sympy.Symbol("p", positive=True)
    n = sympy.Symbol("N", integer=True, nonnegative=True)
    a, b = 2, 3
    integral = sympy.integrate(p ** (a - 1) * (1 - p) ** (b + n - 1), (p, 0, 1)) / sympy.beta(a, b)
    closed = sympy.gammasimp(sympy.beta(a, b + n) / sympy.beta(a, b))
    return sympy_zero(sympy.gammasimp(integral - closed), "E[(1-eps)^N] - B(2, 3+N)/B(2, 3)")


def _power_law_limit() -> str:
    n = sympy.Symbol("N", positive=True)
    survival = sympy.gammasimp(sympy.gamma(5) / sympy.gamma(3) * sympy.gamma(3 + n) / sympy.gamma(5 + n))
    limit = sympy.limit(survival * n**2, n, sympy.oo)
    return sympy_zero(
        limit - sympy.gamma(5) / sympy.gamma(3), "lim S(N) N^a - Gamma(a+b)/Gamma(b) at a=2, b=3"
    )


def _power_law_general() -> str:
    worst = mpmath.mpf(0)
    with mpmath.workdps(40):
        for a_value, b_value in ((0.099, 98.901), (0.5, 3), (1.5, 10), (3, 0.5)):
            a, b = mpmath.mpf(a_value), mpmath.mpf(b_value)
            n = mpmath.mpf(10) ** 12
            survival = mpmath.beta(a, b + n) / mpmath.beta(a, b)
            ratio = survival * n**a / (mpmath.gamma(a + b) / mpmath.gamma(b))
            worst = max(worst, abs(ratio - 1))
    require(worst < 1e-9, f"S(N) N^a Gamma(b)/Gamma(a+b) differs from 1 by {worst} at N = 1e12")
    return f"S(N) N^a Gamma(b)/Gamma(a+b) = 1 within {mpmath.nstr(worst, 3)} at N = 1e12 (mpmath, 40 digits)"


def _convexity() -> str:
    p = sympy.Symbol("p", positive=True)
    n = sympy.Symbol("N", positive=True)
    second = sympy.diff((1 - p) ** n, p, 2)
    identity = sympy_zero(second - n * (n - 1) * (1 - p) ** (n - 2), "d2/dp2 (1-p)^N - N(N-1)(1-p)^(N-2)")
    x = sympy.Symbol("x", positive=True)
    m = sympy.Symbol("m", nonnegative=True)  # N = m + 1 >= 1
    relation = ">=" if JENSEN == ">=" else "<="
    sign = sympy_sign(
        second.subs(n, m + 1).subs(p, x / (1 + x)), relation, "second derivative at N = m+1 >= 1"
    )
    return identity + "; " + sign


def _jensen() -> str:
    cases = st.tuples(st.integers(1, 400), st.integers(1, 4000), st.integers(0, 3000))

    def claim(case: tuple[int, int, int]) -> bool:
        a, b, n = Fraction(case[0], 100), Fraction(case[1], 100), case[2]
        with mpmath.workdps(40):
            survival = mpmath.beta(
                a.numerator / mpmath.mpf(a.denominator), b.numerator / mpmath.mpf(b.denominator) + n
            ) / mpmath.beta(a.numerator / mpmath.mpf(a.denominator), b.numerator / mpmath.mpf(b.denominator))
            mean = a / (a + b)
            independent = mpmath.power(1 - mean.numerator / mpmath.mpf(mean.denominator), n)
            return holds(JENSEN, survival * (1 + mpmath.mpf(10) ** -30), independent)

    return no_counterexample(cases, claim, "B(a, b+N)/B(a, b) >= (1 - a/(a+b))^N (mpmath, 40 digits)")


def _running_numbers() -> str:
    with mpmath.workdps(50):
        rho, mean = mpmath.mpf("0.01"), mpmath.mpf("0.001")
        total = 1 / rho - 1
        a, b = mean * total, (1 - mean) * total

        def survival(n: int) -> mpmath.mpf:
            return mpmath.exp(
                mpmath.loggamma(b + n)
                + mpmath.loggamma(a + b)
                - mpmath.loggamma(b)
                - mpmath.loggamma(a + b + n)
            )

        threshold = mpmath.mpf("0.605")
        at, after = survival(15667), survival(15668)
        require(at >= threshold > after, f"S(15667) = {at}, S(15668) = {after} around T = 0.605")
    shown = f"S(15667) = {mpmath.nstr(at, 8)} >= 0.605 > S(15668) = {mpmath.nstr(after, 8)}"
    return f"{shown} (a = 0.099, b = 98.901)"


def steps() -> list[Step]:
    return [
        Step("S(N) = B(a, b+N)/B(a, b) (the integral)", SYMPY, _integral),
        Step("power law: S(N) N^a -> Gamma(a+b)/Gamma(b)", SYMPY, _power_law_limit),
        Step("power law for non-integer a", NUMERIC, _power_law_general),
        Step("(1-p)^N is convex", SYMPY, _convexity),
        Step("Jensen: S(N) >= (1 - mean)^N", PROPERTY, _jensen),
        Step("budget 15667 for mean 0.001, rho 0.01, T 0.605", NUMERIC, _running_numbers),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
