r"""Dawson--Sankoff and Kwerel bounds on $P(\bigcup F_i)$ from $S_1, S_2$, and their sharpness."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy
from hypothesis import strategies as st
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
from proofs._laws import distributions

NAME = "dawson_sankoff_kwerel"
TITLE = "Dawson-Sankoff and Kwerel bounds and their sharpness"

#: Dawson-Sankoff: P(union) >= 2 S1/(k+1) - 2 S2/(k(k+1)).
LOWER = ">="

STATEMENT = r"""
Let $\nu$ be the number of the events $F_1, \dots, F_N$ that occur, $S_1 = \sum_i P(F_i) = E\nu$ and
$S_2 = \sum_{i<j} P(F_i \cap F_j) = E\binom{\nu}{2}$. Then, with $k = 1 + \lfloor 2S_2/S_1 \rfloor$,
\[ \frac{2S_1}{k+1} - \frac{2S_2}{k(k+1)} \;\le\; P\Bigl(\bigcup F_i\Bigr) \;\le\; \min\Bigl(1, S_1 -
\frac{2S_2}{N}\Bigr), \]
(Dawson--Sankoff; Kwerel, Sathe--Pradhan--Shah) and both are sharp: they are the minimum and the
maximum of $P(\nu \ge 1)$ over all laws of $\nu$ on $\{0, \dots, N\}$ with these two binomial moments.
"""

PROOF = r"""
For integers $\nu \ge 0$, $k \ge 1$:
$k(k+1)\mathbf 1[\nu \ge 1] - \bigl(2k\nu - \nu(\nu-1)\bigr) = (k - \nu)(k + 1 - \nu) \ge 0$ when $\nu \ge 1$
(a product of consecutive integers), and the left side is $0$ when $\nu = 0$. Taking expectations,
$P(\nu \ge 1) \ge 2S_1/(k+1) - 2S_2/(k(k+1))$ for every integer $k \ge 1$; the right side is largest at
$k = 1 + \lfloor 2S_2/S_1 \rfloor$. For the upper bound,
$\nu - \nu(\nu - 1)/N - \mathbf 1[\nu \ge 1] = (\nu - 1)(N - \nu)/N \ge 0$ for $1 \le \nu \le N$ (and $0$ at
$\nu = 0$). Sharpness: the linear program over the law of $\nu$ (Prékopa) attains both bounds; the
extremal laws sit on $\{0, k, k+1\}$ and $\{0, 1, N\}$.
"""


def _lower_identity() -> str:
    k, nu = sympy.symbols("k nu", integer=True)
    return sympy_zero(
        k * (k + 1) - (2 * k * nu - nu * (nu - 1)) - (k - nu) * (k + 1 - nu),
        "k(k+1) - (2 k nu - nu(nu-1)) - (k - nu)(k + 1 - nu)",
    )


def _upper_identity() -> str:
    n, nu = sympy.symbols("N nu", integer=True, positive=True)
    return sympy_zero(
        nu - nu * (nu - 1) / n - 1 - (nu - 1) * (n - nu) / n, "nu - nu(nu-1)/N - 1 - (nu-1)(N-nu)/N"
    )


def _consecutive_products() -> str:
    cases = [(k, nu) for k in range(1, 40) for nu in range(0, 60)]

    def claim(k: int, nu: int) -> bool:
        indicator = 1 if nu >= 1 else 0
        return holds(LOWER, Fraction(indicator), Fraction(2 * k * nu - nu * (nu - 1), k * (k + 1)))

    return for_all(cases, claim, "1[nu >= 1] >= (2 k nu - nu(nu-1))/(k(k+1)) for integers")


def _bounds_hold() -> str:
    def claim(law: list[Fraction]) -> bool:
        n = len(law) - 1
        s1 = sum((j * p for j, p in enumerate(law)), Fraction(0))
        s2 = sum((Fraction(j * (j - 1), 2) * p for j, p in enumerate(law)), Fraction(0))
        union = 1 - law[0]
        if s1 == 0:
            return union == 0
        k = 1 + math.floor(2 * s2 / s1)
        lower = 2 * s1 / (k + 1) - 2 * s2 / (k * (k + 1))
        upper = min(Fraction(1), s1 - 2 * s2 / n)
        return holds(LOWER, union, lower) and union <= upper

    return no_counterexample(
        st.integers(2, 12).flatmap(lambda n: distributions(n + 1)),
        claim,
        "DS lower <= P(nu >= 1) <= Kwerel upper for exact laws of nu",
    )


def _linear_programs() -> str:
    rng = np.random.default_rng(7)
    checked, worst = 0, 0.0
    for _ in range(60):
        n = int(rng.integers(2, 15))
        law = rng.dirichlet(np.ones(n + 1) * 0.5)
        counts = np.arange(n + 1)
        s1, s2 = float(law @ counts), float(law @ (counts * (counts - 1) / 2))
        if s1 < 1e-9:
            continue
        equality = np.vstack([counts, counts * (counts - 1) / 2, np.ones(n + 1)])
        right = [s1, s2, 1.0]
        union = np.r_[0.0, np.ones(n)]
        low = linprog(union, A_eq=equality, b_eq=right, bounds=(0, None), method="highs")
        high = linprog(-union, A_eq=equality, b_eq=right, bounds=(0, None), method="highs")
        require(low.status == 0 and high.status == 0, "LP failed")
        k = 1 + math.floor(2 * s2 / s1)
        ds = 2 * s1 / (k + 1) - 2 * s2 / (k * (k + 1))
        kwerel = min(1.0, s1 - 2 * s2 / n)
        worst = max(worst, abs(low.fun - ds), abs(-high.fun - kwerel))
        checked += 1
    require(worst < 1e-7, f"LP optimum differs from the closed forms by {worst}")
    return (f"LP min/max of P(nu >= 1) equal DS and Kwerel in {checked} random cases (HiGHS), "
            f"max diff {worst:.1e}")


def steps() -> list[Step]:
    return [
        Step("lower-bound identity (k - nu)(k + 1 - nu)", SYMPY, _lower_identity),
        Step("upper-bound identity (nu - 1)(N - nu)/N", SYMPY, _upper_identity),
        Step("products of consecutive integers are >= 0", PROPERTY, _consecutive_products),
        Step("both bounds hold for exact laws of the count", PROPERTY, _bounds_hold),
        Step("sharpness: the binomial-moment LP attains both", NUMERIC, _linear_programs),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
