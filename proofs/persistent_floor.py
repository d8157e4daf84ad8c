r"""The persistent-floor cap: an irreducible failure mass $\delta$ makes every budget finite."""

from __future__ import annotations

import math
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

NAME = "persistent_floor"
TITLE = "The persistent-floor cap"

#: S'(N) <= (1 - delta)^N.
CAP = "<="

STATEMENT = r"""
Let a base schedule have rates $\varepsilon_i \in [0, 1]$ and let an unsafe region that no defense removes
carry failure mass $\delta \in (0, 1)$ at every generation, in either mode
\[ \text{floor: } \varepsilon_i' = \max(\varepsilon_i, \delta), \qquad
   \text{additive: } \varepsilon_i' = 1 - (1-\varepsilon_i)(1-\delta). \]
Then $\varepsilon_i' \ge \delta$, $S'(N) = \prod_{i \le N}(1-\varepsilon_i') \le (1-\delta)^N$, and
\[ N^{*\prime} \le \left\lfloor \frac{\ln T}{\ln(1-\delta)} \right\rfloor < \infty, \]
even when the base budget is unbounded (e.g. an improving geometric schedule).
"""

PROOF = r"""
$\max(\varepsilon_i, \delta) \ge \delta$, and $1 - (1-\varepsilon_i)(1-\delta) - \delta =
\varepsilon_i(1-\delta) \ge 0$.
So $0 \le 1 - \varepsilon_i' \le 1 - \delta$ for every $i$ and the product of $N$ such factors is at most
$(1-\delta)^N$. If $S'(N) \ge T$ then $(1-\delta)^N \ge T$, which by the independent closed form means
$N \le \ln T/\ln(1-\delta)$; hence the cap. It does not depend on the base schedule.
"""


def _additive_identity() -> str:
    epsilon, delta = sympy.symbols("varepsilon delta", nonnegative=True)
    identity = sympy_zero(
        1 - (1 - epsilon) * (1 - delta) - delta - epsilon * (1 - delta),
        "1 - (1-eps)(1-delta) - delta - eps (1-delta)",
    )
    x = sympy.Symbol("x", nonnegative=True)
    sign = sympy_sign(epsilon * (1 - x / (1 + x)), ">=", "eps (1 - delta) with delta = x/(1+x)")
    return identity + "; " + sign


def _cap_on_schedules() -> str:
    rates = st.lists(st.builds(Fraction, st.integers(0, 100), st.just(100)), min_size=1, max_size=30)
    cases = st.tuples(
        rates, st.builds(Fraction, st.integers(1, 99), st.just(100)), st.sampled_from(["floor", "add"])
    )

    def claim(case: tuple[list[Fraction], Fraction, str]) -> bool:
        base, delta, mode = case
        product = Fraction(1)
        for rate in base:
            raised = max(rate, delta) if mode == "floor" else 1 - (1 - rate) * (1 - delta)
            product *= 1 - raised
        return holds(CAP, product, (1 - delta) ** len(base))

    return no_counterexample(cases, claim, "prod(1 - eps_i') <= (1 - delta)^N in both modes (exact)")


def _budget_cap() -> str:
    cases = st.tuples(st.integers(1, 50), st.integers(1, 9), st.integers(1, 200), st.integers(50, 99))

    def claim(case: tuple[int, int, int, int]) -> bool:
        e1, r, delta, threshold = (
            Fraction(case[0], 1000),
            Fraction(case[1], 10),
            Fraction(case[2], 1000),
            Fraction(case[3], 100),
        )
        cap = math.floor(
            mpmath.log(threshold.numerator / mpmath.mpf(threshold.denominator))
            / mpmath.log1p(-delta.numerator / mpmath.mpf(delta.denominator))
        )
        survival, n = Fraction(1), 0
        while n <= cap + 1:
            rate = max(e1 * r**n, delta)
            if survival * (1 - rate) < threshold:
                break
            survival, n = survival * (1 - rate), n + 1
        return holds(CAP, n, cap)

    return no_counterexample(
        cases, claim, "budget with the floor <= floor(ln T / ln(1 - delta))", max_examples=60
    )


def _improving_schedule_example() -> str:
    with mpmath.workdps(40):
        base_limit = mpmath.qp(mpmath.mpf("0.01"), mpmath.mpf("0.5"))
        require(base_limit >= mpmath.mpf("0.9"), "base limit below T")
        cap = int(mpmath.floor(mpmath.log(mpmath.mpf("0.9")) / mpmath.log1p(-mpmath.mpf("1e-4"))))
    require(cap == 1053, f"cap {cap}")
    return (
        f"eps_1 = 0.01, r = 0.5: S(inf) = {mpmath.nstr(base_limit, 6)} >= T = 0.9 (unbounded); "
        f"with delta = 1e-4 the budget is at most {cap}"
    )


def steps() -> list[Step]:
    return [
        Step("additive mode: eps' - delta = eps (1 - delta) >= 0", SYMPY, _additive_identity),
        Step("S'(N) <= (1 - delta)^N for any base schedule", PROPERTY, _cap_on_schedules),
        Step("the budget is capped by floor(ln T / ln(1 - delta))", PROPERTY, _budget_cap),
        Step("an unbounded improving schedule becomes finite", NUMERIC, _improving_schedule_example),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
