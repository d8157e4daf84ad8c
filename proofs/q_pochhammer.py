r"""Unbounded budgets: prod(1 - eps_i) > 0 iff sum eps_i < infinity; the q-Pochhammer criterion."""

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

NAME = "q_pochhammer"
TITLE = "The q-Pochhammer criterion for unbounded budgets"

#: exp(-sum eps/(1-eps)) <= prod(1 - eps_i) <= exp(-sum eps_i)
PRODUCT_UPPER = "<="

STATEMENT = r"""
Let $0 \le \varepsilon_i < 1$ and $S(N) = \prod_{i \le N} (1 - \varepsilon_i)$. Then
\[ \exp\Bigl(-\sum_{i \le N} \frac{\varepsilon_i}{1-\varepsilon_i}\Bigr) \le S(N) \le
\exp\Bigl(-\sum_{i\le N} \varepsilon_i\Bigr), \]
so $S(\infty) > 0$ if and only if $\sum_i \varepsilon_i < \infty$. Since $S$ is non-increasing,
the budget is unbounded if and only if $S(\infty) \ge T$. For a geometric schedule
$\varepsilon_i = \varepsilon_1 r^{i-1}$ with $0 < r < 1$, $S(\infty) = (\varepsilon_1; r)_\infty$ (the
q-Pochhammer symbol) $> 0$, e.g. $(0.01; 0.5)_\infty = 0.98013$; for $\varepsilon_i = \varepsilon_1 i^{-s}$,
$S(\infty) > 0$ if and only if $s > 1$.
"""

PROOF = r"""
For $0 \le x < 1$: $h(x) = -x - \ln(1-x)$ has $h(0) = 0$, $h' = x/(1-x) \ge 0$, so $\ln(1-x) \le -x$;
and $k(x) = \ln(1-x) + x/(1-x)$ has $k(0) = 0$, $k' = x/(1-x)^2 \ge 0$, so $\ln(1-x) \ge -x/(1-x)$.
Summing the logarithms gives the two bounds. If $\sum\varepsilon_i < \infty$ then $\varepsilon_i \to 0$,
$\sum \varepsilon_i/(1-\varepsilon_i) < \infty$ and $S(\infty) > 0$; if $\sum\varepsilon_i = \infty$ the upper
bound tends to $0$. The geometric sum is $\varepsilon_1/(1-r) < \infty$; $\sum i^{-s}$ converges iff $s > 1$.
$S(N) \downarrow S(\infty)$, so $S(N) \ge T$ for all $N$ iff $S(\infty) \ge T$.
"""


def _log_bounds() -> str:
    x = sympy.Symbol("x", positive=True)
    y = x / (1 + x)  # y in (0, 1)
    relation = ">=" if PRODUCT_UPPER == "<=" else "<="
    details = [
        sympy_zero((-x - sympy.log(1 - x)).subs(x, 0), "h(0)"),
        sympy_sign(sympy.diff(-x - sympy.log(1 - x), x).subs(x, y), relation, "h'(y) = y/(1-y)"),
        sympy_sign(sympy.diff(sympy.log(1 - x) + x / (1 - x), x).subs(x, y), relation, "k'(y) = y/(1-y)^2"),
    ]
    return "; ".join(details)


def _geometric_sum() -> str:
    i = sympy.Symbol("i", integer=True, positive=True)
    e1 = sympy.Symbol("varepsilon_1", positive=True)
    r = sympy.Rational(1, 2)
    total = sympy.summation(e1 * r ** (i - 1), (i, 1, sympy.oo))
    detail = sympy_zero(total - e1 / (1 - r), "sum eps_1 (1/2)^(i-1) - eps_1/(1 - 1/2)")
    convergent = sympy.Sum(1 / i**2, (i, 1, sympy.oo)).is_convergent()
    divergent = sympy.Sum(1 / i, (i, 1, sympy.oo)).is_convergent()
    require(convergent is sympy.true or convergent is True, "sum i^-2 not shown convergent")
    require(divergent is sympy.false or divergent is False, "sum i^-1 not shown divergent")
    return detail + "; sum i^-2 converges, sum i^-1 diverges (sympy)"


def _product_bounds() -> str:
    schedules = st.lists(st.builds(Fraction, st.integers(0, 99), st.just(100)), min_size=1, max_size=40)

    def claim(rates: list[Fraction]) -> bool:
        with mpmath.workdps(40):
            product = mpmath.fprod([1 - mpmath.mpf(r.numerator) / r.denominator for r in rates])
            upper = mpmath.exp(-mpmath.fsum([mpmath.mpf(r.numerator) / r.denominator for r in rates]))
            lower = mpmath.exp(
                -mpmath.fsum([mpmath.mpf(r.numerator) / (r.denominator - r.numerator) for r in rates])
            )
            slack = mpmath.mpf(10) ** -30
            return holds(PRODUCT_UPPER, product, upper * (1 + slack)) and holds(
                "<=" if PRODUCT_UPPER == "<=" else ">=", lower, product * (1 + slack)
            )

    return no_counterexample(schedules, claim, "exp(-sum eps/(1-eps)) <= prod(1-eps) <= exp(-sum eps)")


def _qpochhammer_value() -> str:
    with mpmath.workdps(40):
        value = mpmath.qp(mpmath.mpf("0.01"), mpmath.mpf("0.5"))
        direct = mpmath.fprod([1 - mpmath.mpf("0.01") * mpmath.mpf("0.5") ** k for k in range(200)])
        require(abs(value - direct) < mpmath.mpf(10) ** -35, f"qp {value} != product {direct}")
        require(mpmath.nstr(value, 5) == "0.98013", f"(0.01; 0.5)_inf = {value}")
    return (
        f"(0.01; 0.5)_inf = {mpmath.nstr(value, 12)} (mpmath.qp and the product to 200 terms agree to 1e-35)"
    )


def _unbounded_iff_limit() -> str:
    cases = st.tuples(st.integers(1, 50), st.integers(1, 9), st.integers(80, 100))

    def claim(case: tuple[int, int, int]) -> bool:
        e1, r, threshold = Fraction(case[0], 100), Fraction(case[1], 10), Fraction(case[2], 100)
        with mpmath.workdps(40):
            limit = mpmath.qp(
                mpmath.mpf(e1.numerator) / e1.denominator, mpmath.mpf(r.numerator) / r.denominator
            )
            partial, fails_at = mpmath.mpf(1), None
            target = mpmath.mpf(threshold.numerator) / threshold.denominator
            for i in range(1, 400):
                partial *= 1 - mpmath.mpf(e1.numerator) / e1.denominator * (
                    mpmath.mpf(r.numerator) / r.denominator
                ) ** (i - 1)
                if partial < target:
                    fails_at = i
                    break
        return (fails_at is None) == bool(limit >= target) or abs(limit - target) < mpmath.mpf(10) ** -6

    return no_counterexample(
        cases, claim, "S(N) >= T for all N iff (eps_1; r)_inf >= T (first 400 N, 40 digits)", max_examples=150
    )


def steps() -> list[Step]:
    return [
        Step("-x/(1-x) <= ln(1-x) <= -x", SYMPY, _log_bounds),
        Step("geometric sum and p-series convergence", SYMPY, _geometric_sum),
        Step("product bounds on exact schedules", PROPERTY, _product_bounds),
        Step("(0.01; 0.5)_inf = 0.98013", NUMERIC, _qpochhammer_value),
        Step("unbounded iff the limit reaches T", PROPERTY, _unbounded_iff_limit),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
