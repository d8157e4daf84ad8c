r"""Absorbing chains: S(N) = alpha Q^N 1, mean time alpha (I - Q)^-1 1, decay rate rho(Q)."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
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
    sympy_zero,
)
from proofs._laws import distributions, matrix_vector, stochastic_matrices

NAME = "absorbing_chain"
TITLE = "Absorbing chains: survival, mean time to the unsafe set, decay rate"

#: S(N+1) - S(N) <= 0.
STEP_SIGN = "<="

STATEMENT = r"""
Let transient states (aligned, drifted, under audit, \dots) have sub-stochastic transition block $Q$
(non-negative, row sums $\le 1$; the missing mass goes to the absorbing unsafe set), initial law $\alpha$,
and $\rho(Q) < 1$. With $\tau$ the generation of absorption,
\[ S(N) = P(\tau > N) = \alpha Q^N \mathbf 1, \qquad E[\tau] = \sum_{N \ge 0} S(N) = \alpha (I - Q)^{-1}
\mathbf 1,
   \qquad \lim_{N\to\infty} S(N)^{1/N} = \rho(Q) \ \text{(for irreducible } Q\text{)}. \]
"""

PROOF = r"""
$(\alpha Q^N)_j$ is the probability of being in transient state $j$ after $N$ steps, so $S(N) = \alpha
Q^N \mathbf 1$;
$S(N+1) - S(N) = \alpha Q^N (Q - I)\mathbf 1 \le 0$ because $\alpha Q^N \ge 0$ and $(Q - I)\mathbf 1 \le 0$.
The tail-sum formula $E[\tau] = \sum_{N\ge 0} P(\tau > N)$ and the telescoping identity
$(I - Q)\sum_{k<K} Q^k = I - Q^K$ with $Q^K \to 0$ (as $\rho(Q) < 1$) give $\sum_N Q^N = (I-Q)^{-1}$.
By Perron--Frobenius an irreducible $Q \ge 0$ has a positive eigenvector for $\rho(Q)$, and
$\|Q^N\|^{1/N} \to \rho(Q)$ (Gelfand); with $\alpha \ne 0$ and $Q$ irreducible $S(N)^{1/N} \to \rho(Q)$.
"""


def _telescoping() -> str:
    entries = sympy.symbols("q11 q12 q21 q22")
    q = sympy.Matrix(2, 2, entries)
    identity = sympy.eye(2)
    total = sum((q**k for k in range(5)), sympy.zeros(2, 2))
    difference = sympy.expand((identity - q) * total - (identity - q**5))
    require(difference == sympy.zeros(2, 2), f"(I - Q) sum Q^k - (I - Q^5) = {difference}")
    return "(I - Q) sum_{k<5} Q^k = I - Q^5 for a symbolic 2x2 Q (sympy, expanded)"


def _scalar_mean() -> str:
    n = sympy.Symbol("N", integer=True, nonnegative=True)
    total = sympy.summation(sympy.Rational(1, 3) ** n, (n, 0, sympy.oo))
    detail = sympy_zero(total - 1 / (1 - sympy.Rational(1, 3)), "sum_N (1/3)^N - 1/(1 - 1/3)")
    return detail + " (one transient state: E[tau] = 1/(1 - q))"


def _survival_non_increasing() -> str:
    def claim(case: tuple[list[list[Fraction]], list[Fraction]]) -> bool:
        block, initial = case
        vector, values = [Fraction(1)] * len(block), []
        for _ in range(8):
            values.append(sum((a * v for a, v in zip(initial, vector, strict=True)), Fraction(0)))
            vector = matrix_vector(block, vector)
        return all(holds(STEP_SIGN, values[k + 1] - values[k], 0) for k in range(7))

    return no_counterexample(
        st.tuples(stochastic_matrices(3, True), distributions(3)),
        claim,
        "alpha Q^(N+1) 1 - alpha Q^N 1 <= 0 for sub-stochastic Q (exact)",
    )


# aligned -> drifted -> under audit -> aligned, with different escape rates (irreducible)
_Q = sympy.Matrix(
    [
        [sympy.Rational(80, 100), sympy.Rational(15, 100), 0],
        [sympy.Rational(10, 100), sympy.Rational(70, 100), sympy.Rational(10, 100)],
        [sympy.Rational(20, 100), 0, sympy.Rational(75, 100)],
    ]
)
_ALPHA = sympy.Matrix([[1, 0, 0]])


def _mean_time_exact() -> str:
    ones = sympy.ones(3, 1)
    mean = (_ALPHA * (sympy.eye(3) - _Q).inv() * ones)[0]
    partial = sympy.Integer(0)
    power = sympy.eye(3)
    for _ in range(600):
        partial += (_ALPHA * power * ones)[0]
        power = power * _Q
    remainder = (_ALPHA * power * (sympy.eye(3) - _Q).inv() * ones)[0]
    detail = sympy_zero(
        partial + remainder - mean, "sum_{N<600} S(N) + alpha Q^600 (I-Q)^-1 1 - alpha (I-Q)^-1 1"
    )
    require(remainder < sympy.Rational(1, 10**10), f"tail after 600 terms is {float(remainder)}")
    return f"{detail}; E[tau] = {mean} = {float(mean):.6g}, tail after 600 terms < 1e-10 (exact rationals)"


def _decay_rate() -> str:
    q = np.array(_Q.tolist(), dtype=float)
    rho = max(abs(np.linalg.eigvals(q)))
    with mpmath.workdps(50):
        matrix = mpmath.matrix([[mpmath.mpf(int(x.p)) / int(x.q) for x in row] for row in _Q.tolist()])
        n = 3000
        power = matrix**n
        survival = sum(power[0, j] for j in range(3))
        root = survival ** (mpmath.mpf(1) / n)
        ratio = sum((power * matrix)[0, j] for j in range(3)) / survival
    require(abs(float(ratio) - rho) < 1e-9, f"S(N+1)/S(N) = {ratio} vs rho = {rho}")
    require(abs(float(root) - rho) < 1e-3, f"S(N)^(1/N) = {root} vs rho = {rho}")
    return (
        f"rho(Q) = {rho:.12g}; S(3001)/S(3000) = {mpmath.nstr(ratio, 12)}; "
        f"S(3000)^(1/3000) = {mpmath.nstr(root, 8)} (mpmath 50 digits, numpy eigvals)"
    )


def steps() -> list[Step]:
    return [
        Step("(I - Q) sum Q^k = I - Q^K", SYMPY, _telescoping),
        Step("one transient state: mean time 1/(1 - q)", SYMPY, _scalar_mean),
        Step("S(N) = alpha Q^N 1 is non-increasing", PROPERTY, _survival_non_increasing),
        Step("mean time alpha (I - Q)^-1 1 equals sum of S(N)", SYMPY, _mean_time_exact),
        Step("decay rate rho(Q)", NUMERIC, _decay_rate),
    ]


def check() -> Report:
    return run(NAME, TITLE, steps())
