r"""The sharp interval on a layer's miss probability when only the monitors' miss rates are known.

With only the marginals :math:`q_j` known, the probability that at least
``m = n - k + 1`` monitors miss ranges over an interval :math:`[M_-, M_+]`.
For 1-of-n (every monitor must miss) and n-of-n (one miss is enough) the
Fréchet bounds are closed forms:

.. math:: \max\!\big(0, \textstyle\sum_j q_j - (n-1)\big) \le P(\text{all miss}) \le \min_j q_j,
          \qquad \max_j q_j \le P(\text{some miss}) \le \min\!\big(1, \textstyle\sum_j q_j\big).

For k-of-n the interval is the optimum of a linear programme over the
distribution of the miss pattern (``2**n`` patterns; with equal :math:`q_j`
the distribution of the number of misses suffices, by symmetry). The LP is
solved in floats by HiGHS (:func:`scipy.optimize.linprog`) and then **proved**
in exact rationals: an exact dual-feasible vector gives a bound that holds for
every consistent distribution (weak duality), and an exact feasible
distribution rebuilt on HiGHS's support shows the bound is attained. A float
optimum alone is never used.

>>> from fractions import Fraction
>>> any_miss([Fraction(1, 10)] * 3, 1)
MissInterval(low=Fraction(0, 1), high=Fraction(1, 10), sharp=True, method='frechet')
>>> any_miss([Fraction(1, 10)] * 3, 2).high  # 2oo3: two of three must miss
Fraction(3, 20)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

from bounds.errors import ParameterError

__all__ = ["MAX_PATTERN_MONITORS", "MissInterval", "any_miss", "certified_lp_max"]

#: Largest layer with unequal miss rates for the pattern LP (``2**n`` variables).
MAX_PATTERN_MONITORS = 12


@dataclass(frozen=True)
class MissInterval:
    """Every layer miss probability consistent with the marginals lies in ``[low, high]``.

    ``low`` and ``high`` are proved bounds (exact rationals); ``sharp`` says both
    are attained by exact distributions (so the interval is the sharp one).
    """

    low: Fraction
    high: Fraction
    sharp: bool
    method: str


def _solve_exact(columns: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction] | None:
    """A solution of ``sum_i x_i columns[i] = rhs`` (free variables 0), or ``None`` if inconsistent."""
    rows, size = len(rhs), len(columns)
    matrix = [[columns[c][r] for c in range(size)] + [rhs[r]] for r in range(rows)]
    pivots: list[int] = []
    row = 0
    for col in range(size):
        pivot = next((r for r in range(row, rows) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        head = matrix[row][col]
        matrix[row] = [value / head for value in matrix[row]]
        for r in range(rows):
            if r != row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[row], strict=True)]
        pivots.append(col)
        row += 1
        if row == rows:
            break
    if any(all(v == 0 for v in matrix[r][:size]) and matrix[r][size] != 0 for r in range(rows)):
        return None
    solution = [Fraction(0)] * size
    for r, col in enumerate(pivots):
        solution[col] = matrix[r][size]
    return solution


def certified_lp_max(
    columns: list[list[Fraction]], objective: list[Fraction], rhs: list[Fraction]
) -> tuple[Fraction, Fraction | None]:
    r"""``max f.pi`` subject to ``A pi = b``, ``pi >= 0``, with an exact proof.

    The first row of ``A`` must be all ones (``sum pi = 1``). Returns
    ``(bound, attained)``: ``bound`` is proved ``>=`` the optimum by an exact dual
    vector ``w`` with ``w.A_i >= f_i`` for every column; ``attained`` is the value
    of an exact feasible ``pi`` (``<=`` the optimum), or ``None`` if none was rebuilt.
    Equal values prove the optimum exactly.
    """
    import numpy as np
    from scipy.optimize import linprog

    a_eq = np.array([[float(col[r]) for col in columns] for r in range(len(rhs))])
    result = linprog(
        -np.array([float(v) for v in objective]), A_eq=a_eq, b_eq=[float(v) for v in rhs],
        bounds=(0, None), method="highs-ds",
    )
    if result.status != 0:
        raise ParameterError("miss", "marginal miss probabilities some distribution can have", [str(b) for b in rhs])
    attained = None
    support = [i for i, value in enumerate(result.x) if value > 1e-12]
    weights = _solve_exact([columns[i] for i in support], rhs)
    if weights is not None and all(w >= 0 for w in weights):
        attained = sum((w * objective[i] for w, i in zip(weights, support, strict=True)), Fraction(0))
    bound = None
    for sign in (-1, 1):
        dual = [Fraction(sign * float(v)).limit_denominator(10**9) for v in result.eqlin.marginals]
        # raise w_0 (the all-ones row) until every column is dominated: exact dual feasibility
        excess = max(f - sum((w * a for w, a in zip(dual, col, strict=True)), Fraction(0))
                     for col, f in zip(columns, objective, strict=True))
        dual[0] += excess
        value = sum((w * b for w, b in zip(dual, rhs, strict=True)), Fraction(0))
        bound = value if bound is None else min(bound, value)
    assert bound is not None
    if attained is not None and attained > bound:  # impossible by weak duality; guard the arithmetic
        raise ArithmeticError("LP certificate inconsistent")
    return bound, attained


def _lp_interval(miss: Sequence[Fraction], needed: int) -> MissInterval:
    n = len(miss)
    if len(set(miss)) == 1:
        # symmetric: the distribution of the number of misses t = 0..n, with E[t] = n q
        columns = [[Fraction(1), Fraction(t)] for t in range(n + 1)]
        rhs = [Fraction(1), n * miss[0]]
        hit = [Fraction(int(t >= needed)) for t in range(n + 1)]
    else:
        if n > MAX_PATTERN_MONITORS:
            raise ParameterError(
                "monitors", f"at most {MAX_PATTERN_MONITORS} with unequal miss rates under dependence 'any'", n
            )
        patterns = list(product((0, 1), repeat=n))
        columns = [[Fraction(1), *(Fraction(x) for x in pattern)] for pattern in patterns]
        rhs = [Fraction(1), *miss]
        hit = [Fraction(int(sum(pattern) >= needed)) for pattern in patterns]
    high, high_attained = certified_lp_max(columns, hit, rhs)
    neg_low, low_attained = certified_lp_max(columns, [-v for v in hit], rhs)
    sharp = high_attained == high and low_attained == neg_low
    return MissInterval(max(Fraction(0), -neg_low), min(Fraction(1), high), sharp, "lp")


def any_miss(miss: Sequence[Fraction], vote: int) -> MissInterval:
    """The sharp interval on ``P(at least n - vote + 1 monitors miss)`` given only the miss rates."""
    n = len(miss)
    if not 1 <= vote <= n:
        raise ParameterError("vote", f"a whole number in [1, {n}] (monitors that must flag)", vote)
    needed = n - vote + 1
    if needed == n:
        return MissInterval(max(Fraction(0), sum(miss, Fraction(0)) - (n - 1)), min(miss), True, "frechet")
    if needed == 1:
        return MissInterval(max(miss), min(Fraction(1), sum(miss, Fraction(0))), True, "frechet")
    return _lp_interval(miss, needed)
