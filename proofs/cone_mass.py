r"""Cone mass of the steep region: delta = m (1/2) I_{1-c^2}((d-1)/2, 1/2) with c = ell (K+1) / G."""

from __future__ import annotations

import numpy as np
import sympy
from hypothesis import strategies as st
from scipy import integrate, special

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
    sympy_zero,
)

NAME = "cone_mass"
TITLE = "The cone-mass formula for the persistent unsafe region"

#: Lipschitz constants of a pipeline multiply: Lip(f o g) <= Lip(f) Lip(g).
COMPOSITION = "<="

STATEMENT = r"""
Near a fixed boundary point $z$ let the score be locally linear and transversal,
$f(x) = \tau + G\langle u, x - z\rangle$ with $G > 0$, $\|u\| = 1$; let $\ell$ be the path-Lipschitz
constant and $K$ the defense's Lipschitz constant (for a pipeline of stages, $K = \prod_i K_i$ bounds it).
The steep region $\{x : f(x) > \tau + \ell(K+1)\|x - z\|\}$ is the cone
$\{x : \langle u, (x-z)/\|x-z\|\rangle > c\}$ with $c = \ell(K+1)/G$, of half-angle $\arccos c$.
For inputs whose direction from $z$ is uniform on the sphere $S^{d-1}$, with mass $m$ in the linear
neighbourhood, its mass is
\[ \delta = m \cdot \tfrac12\, I_{1-c^2}\!\left(\tfrac{d-1}{2}, \tfrac12\right) \quad (0 \le c < 1),
\qquad \delta = 0 \quad (c \ge 1). \]
"""

PROOF = r"""
With $v = x - z = r w$, $r > 0$, $\|w\| = 1$: $f(x) - \tau > \ell(K+1) r \iff G r \langle u, w\rangle >
\ell(K+1) r
\iff \langle u, w\rangle > c$, dividing by $G r > 0$. If $c \ge 1$ no unit $w$ qualifies. For $w$ uniform on
$S^{d-1}$ the coordinate $t = \langle u, w\rangle$ has density proportional to $(1-t^2)^{(d-3)/2}$ on
$[-1,1]$;
substituting $s = 1 - t^2$ on $[c, 1]$ turns $P(t > c)$ into $\tfrac12 I_{1-c^2}((d-1)/2, 1/2)$.
For $d = 3$ this is Archimedes' $(1-c)/2$. Lipschitz constants multiply under composition:
$\|f(g(x)) - f(g(y))\| \le K_f \|g(x) - g(y)\| \le K_f K_g \|x - y\|$.
"""


def _cone_condition() -> str:
    g, r, ell, k = sympy.symbols("G r ell K", positive=True)
    cosine = sympy.Symbol("t", real=True)
    # (G r t - ell (K+1) r) / (G r) == t - c, with c = ell (K+1)/G: same sign as G r > 0
    return sympy_zero(
        (g * r * cosine - ell * (k + 1) * r) / (g * r) - (cosine - ell * (k + 1) / g),
        "(G r t - ell(K+1) r)/(G r) - (t - c)",
    )


def _archimedes() -> str:
    c, t = sympy.symbols("c t", positive=True)
    # d = 3: the cosine is uniform on [-1, 1]; I_x(1, 1/2) = 1 - sqrt(1 - x)
    cap = sympy.integrate(sympy.Rational(1, 2), (t, c, 1))
    s = sympy.Symbol("s", positive=True)
    x = sympy.Symbol("x", positive=True)
    regularised = sympy.integrate((1 - s) ** sympy.Rational(-1, 2), (s, 0, x)) / sympy.beta(
        1, sympy.Rational(1, 2)
    )
    formula = sympy.Rational(1, 2) * regularised.subs(x, 1 - c**2)
    return sympy_zero(formula - cap, "d = 3: (1/2) I_{1-c^2}(1, 1/2) - (1 - c)/2 for every c > 0")


def _quadrature() -> str:
    worst = 0.0
    for d in range(2, 41):
        density = lambda t, d=d: (1 - t * t) ** ((d - 3) / 2)  # noqa: E731
        total = integrate.quad(density, -1, 1, limit=200)[0]
        for c in (0.0, 0.1, 0.37, 0.6, 0.9, 0.99):
            tail = integrate.quad(density, c, 1, limit=200)[0] / total
            formula = 0.5 * special.betainc((d - 1) / 2, 0.5, 1 - c * c)
            worst = max(worst, abs(tail - formula))
    require(worst < 1e-7, f"quadrature and formula differ by {worst}")
    return f"P(<u,w> > c) by quadrature = (1/2) I_(1-c^2)((d-1)/2, 1/2) for d = 2..40, max diff {worst:.1e}"


def _monte_carlo() -> str:
    rng = np.random.default_rng(20260426)
    details = []
    for d, c in ((2, 0.5), (5, 0.3), (20, 0.2)):
        samples = rng.standard_normal((200_000, d))
        cosines = samples[:, 0] / np.linalg.norm(samples, axis=1)
        estimate = float(np.mean(cosines > c))
        formula = 0.5 * special.betainc((d - 1) / 2, 0.5, 1 - c * c)
        sigma = (formula * (1 - formula) / len(samples)) ** 0.5
        require(abs(estimate - formula) < 5 * sigma, f"d = {d}, c = {c}: MC {estimate} vs {formula}")
        details.append(f"d={d}: {estimate:.4f} vs {formula:.4f}")
    return "Monte Carlo, 2e5 uniform directions each, within 5 sigma: " + ", ".join(details)


def _empty_when_c_at_least_one() -> str:
    t = sympy.Symbol("t", real=True)
    c = sympy.Symbol("c", real=True)
    # for |t| <= 1 <= c: t - c <= 0, so the strict inequality t > c never holds
    x, y = sympy.symbols("x y", nonnegative=True)
    expression = (1 - x) - (1 + y)  # t = 1 - x <= 1, c = 1 + y >= 1
    require(sympy.simplify(expression).is_nonpositive is True, "t - c not <= 0")
    del t, c
    return "t - c = -(x + y) <= 0 for t = 1 - x <= 1 <= c = 1 + y: the cone is empty, delta = 0"


def _composition() -> str:
    matrices = st.lists(st.floats(-3, 3, allow_nan=False), min_size=4, max_size=4)
    vectors = st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=2)

    def claim(case: tuple[list[float], list[float], list[float], list[float]]) -> bool:
        a, b = np.array(case[0]).reshape(2, 2), np.array(case[1]).reshape(2, 2)
        x, y = np.array(case[2]), np.array(case[3])
        f = lambda v: np.tanh(a @ v)  # noqa: E731  (Lipschitz constant <= ||a||)
        g = lambda v: np.sin(b @ v)  # noqa: E731
        k_f, k_g = np.linalg.norm(a, 2), np.linalg.norm(b, 2)
        left = np.linalg.norm(f(g(x)) - f(g(y)))
        return holds(COMPOSITION, left, k_f * k_g * np.linalg.norm(x - y) * (1 + 1e-12) + 1e-12)

    return no_counterexample(
        st.tuples(matrices, matrices, vectors, vectors),
        claim,
        "|f(g(x)) - f(g(y))| <= K_f K_g |x - y| for Lipschitz stages",
    )


def steps() -> list[Step]:
    return [
        Step("steep region is the cone <u, w> > c", SYMPY, _cone_condition),
        Step("d = 3: Archimedes' (1 - c)/2", SYMPY, _archimedes),
        Step("c >= 1: empty cone, zero mass", SYMPY, _empty_when_c_at_least_one),
        Step("general d: quadrature of the cosine density", NUMERIC, _quadrature),
        Step("general d: Monte Carlo on the sphere", NUMERIC, _monte_carlo),
        Step("pipeline: Lipschitz constants multiply", PROPERTY, _composition),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
