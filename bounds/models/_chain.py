r"""Powers of a sub-stochastic matrix in float, ball and exact arithmetic (the one implementation).

An absorbing chain (and the Markov-modulated model, which is one) needs
:math:`S(n) = \alpha Q^n \mathbf 1` for ``n`` up to :math:`2^{1023}` and beyond.
Everything here is repeated squaring; what differs is how each arithmetic keeps
its promise:

* **float** (:class:`LogPowers`): every power :math:`Q^{2^k}` is stored as
  ``diag(m) R`` with ``R`` row-stochastic, both in *log space* (``log R`` entry
  by entry, ``log m`` per row). Log space never flushes a reachable contribution
  to zero, so a slowly decaying state reached only after many generations (or
  with a probability below ``1e-308``) keeps its weight. The row mass is
  combined through its complement, :math:`\log \sum_j R_{ij} m_j =
  \operatorname{log1p}(-\sum_j R_{ij} (1 - m_j))` with ``1 - m`` from ``expm1``,
  so that ``ln S`` keeps its relative precision where ``S`` is near 1; the
  exit probabilities (``1 - `` row sums, exact from the rationals) are the
  primary quantity there.
* **ball** (:func:`ball_log_survival`): python-flint ``arb_mat`` squaring with
  ``bits(n)`` guard bits (each squaring doubles the relative radius), carrying
  both :math:`S` and the complement :math:`1 - S = \sum \alpha Q^t e` (sums of
  non-negative balls), and returning the intersection of their logarithms.
* **exact** (:func:`exact_survival`): integer matrix powers, ``None`` beyond a
  bit-size cap.

A slow state reached with probability ``1e-400`` (below the float range) after
a fast one still dominates in the end, and ``1 - S`` keeps its digits near 1:

>>> import numpy as np
>>> from fractions import Fraction as F
>>> late = [[F(1, 2), F(1, 10**400)], [F(0), F(999, 1000)]]
>>> float(LogPowers(late).log_survival([F(1), F(0)], np.asarray(10.0**6)))
-1920.839...
>>> near = [[1 - F(1, 10**12)]]
>>> float(-np.expm1(LogPowers(near).log_survival([F(1)], np.asarray(100.0))))
9.999999999505...e-11
>>> with BallContext(64) as ctx:
...     ball = ball_log_survival(ctx, late, [F(1), F(0)], 10**6)
>>> ball.contains(-1920.839) or ball.overlaps(flint.arb(-1920.8392, 1e-3))
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import flint
import numpy as np

from bounds.numeric.contexts import BallContext

__all__ = [
    "LogPowers",
    "ball_log_survival",
    "exact_survival",
    "log_fraction",
    "reachable",
    "reaching",
    "simulate_absorption",
    "solve_exact",
]

_LN2 = math.log(2.0)


def log_fraction(value: Fraction) -> float:
    """``ln(value)`` in float64 for an exact ``value >= 0``, accurate far outside the float range (``-inf`` at 0)."""
    if value == 0:
        return -math.inf
    shift = value.numerator.bit_length() - value.denominator.bit_length()
    scaled = value / Fraction(2) ** shift  # in [1/2, 2): converts to float without under- or overflow
    return math.log(scaled.numerator / scaled.denominator) + shift * _LN2


# -- graphs --------------------------------------------------------------------------------------------------
def reachable(matrix: Sequence[Sequence[Fraction]], start: Sequence[int]) -> set[int]:
    """States reachable (in zero or more steps with positive probability) from ``start``."""
    seen, stack = set(start), list(start)
    while stack:
        state = stack.pop()
        for target, entry in enumerate(matrix[state]):
            if entry > 0 and target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def reaching(matrix: Sequence[Sequence[Fraction]], targets: Sequence[int]) -> set[int]:
    """States from which some state of ``targets`` is reachable (including ``targets``)."""
    size = len(matrix)
    transposed = [[matrix[c][r] for c in range(size)] for r in range(size)]
    return reachable(transposed, targets)


# -- exact ---------------------------------------------------------------------------------------------------
def solve_exact(matrix: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]) -> list[Fraction]:
    """Solve ``matrix x = rhs`` exactly (python-flint ``fmpq_mat``); the matrix must be nonsingular."""
    size = len(rhs)
    system = flint.fmpq_mat(size, size, [flint.fmpq(e.numerator, e.denominator) for row in matrix for e in row])
    column = flint.fmpq_mat(size, 1, [flint.fmpq(e.numerator, e.denominator) for e in rhs])
    solution = system.solve(column)
    return [Fraction(int(solution[i, 0].p), int(solution[i, 0].q)) for i in range(size)]


def exact_survival(
    matrix: Sequence[Sequence[Fraction]], alpha: Sequence[Fraction], n: int, max_bits: int
) -> Fraction | None:
    r""":math:`\alpha Q^n \mathbf 1` exactly by integer repeated squaring; ``None`` beyond ``max_bits``."""
    size = len(alpha)
    denominator = math.lcm(*(entry.denominator for row in matrix for entry in row))
    if n * (denominator.bit_length() + size.bit_length()) > max_bits:
        return None
    power = [[int(entry * denominator) for entry in row] for row in matrix]
    alpha_denominator = math.lcm(*(entry.denominator for entry in alpha))
    vector = [int(entry * alpha_denominator) for entry in alpha]
    count = n
    while count:
        if count & 1:
            vector = [sum(vector[r] * power[r][c] for r in range(size)) for c in range(size)]
        count >>= 1
        if count:
            power = [[sum(row[j] * power[j][c] for j in range(size)) for c in range(size)] for row in power]
    return Fraction(sum(vector), alpha_denominator * denominator**n)


# -- float: log-space powers ---------------------------------------------------------------------------------
def _logsumexp(values: np.ndarray, axis: int) -> np.ndarray:
    """``log(sum(exp(values)))`` along ``axis``; ``-inf`` where every term is ``-inf``."""
    peak = np.max(values, axis=axis, keepdims=True)
    safe = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore", under="ignore"):
        total = np.log(np.sum(np.exp(values - safe), axis=axis, keepdims=True))
    return np.squeeze(total + safe, axis=axis)


def _combine(
    rows: np.ndarray, masses: np.ndarray, matrix: np.ndarray, matrix_masses: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(diag(e^masses) e^rows) (diag(e^matrix_masses) e^matrix)`` in normalised log form.

    ``rows`` (``k x n``) and ``matrix`` (``n x n``) are logs of row-stochastic
    matrices, ``masses`` and ``matrix_masses`` the logs of the row masses. The
    product is one float matrix product after shifting each row of the left
    factor and each column of the right one by its maximum; an entry that comes
    out below ``1e-280`` (where a contribution may have been flushed to zero)
    is recomputed exactly in log space, so no reachable contribution is lost.
    """
    weights = rows + matrix_masses[None, :]
    with np.errstate(under="ignore", divide="ignore", invalid="ignore"):
        lost = np.exp(rows) @ -np.expm1(matrix_masses)  # 1 - sum_j R_ij m_j, from non-negative terms
        row_peak = weights.max(axis=1)
        column_peak = matrix.max(axis=0)
        row_shift = np.where(np.isfinite(row_peak), row_peak, 0.0)
        column_shift = np.where(np.isfinite(column_peak), column_peak, 0.0)
        left = np.exp(weights - row_shift[:, None])
        product = left @ np.exp(matrix - column_shift[None, :])
        far = row_shift + np.log(left.sum(axis=1))
        step = np.where(lost <= 0.5, np.log1p(-np.minimum(lost, 0.5)), far)
        terms = row_shift[:, None] + column_shift[None, :] + np.log(product)
    doubtful = np.nonzero(~(product >= 1e-280))
    if doubtful[0].size:
        terms[doubtful] = _logsumexp(weights[doubtful[0], :] + matrix[:, doubtful[1]].T, axis=1)
    total = _logsumexp(terms, axis=1)
    with np.errstate(invalid="ignore"):
        normalised = np.where(np.isfinite(total)[:, None], terms - total[:, None], -np.inf)
    return normalised, masses + step


class LogPowers:
    """The float powers ``Q**(2**k)`` of one chain in log space, extended on demand.

    Parameters
    ----------
    matrix : sequence of sequences of Fraction
        The sub-stochastic matrix ``Q`` (exact).

    Notes
    -----
    ``Q = diag(m) R`` with ``m`` the row sums and ``R`` row-stochastic; ``log m``
    comes from the exact exit probabilities ``1 - m`` through ``log1p``.
    """

    def __init__(self, matrix: Sequence[Sequence[Fraction]]) -> None:
        size = len(matrix)
        rows = np.full((size, size), -np.inf)
        masses = np.full(size, -np.inf)
        for r, row in enumerate(matrix):
            total = sum(row, Fraction(0))
            if total == 0:
                continue
            exit_probability = 1 - total
            masses[r] = math.log1p(-float(exit_probability)) if exit_probability <= 0.5 else log_fraction(total)
            for c, entry in enumerate(row):
                rows[r, c] = log_fraction(entry / total)
        self.powers: list[tuple[np.ndarray, np.ndarray]] = [(rows, masses)]

    def power(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(log R, log m)`` of ``Q**(2**k)``."""
        while len(self.powers) <= k:
            rows, masses = self.powers[-1]
            self.powers.append(_combine(rows, masses, rows, masses))
        return self.powers[k]

    def log_survival(self, alpha: Sequence[Fraction], counts: np.ndarray) -> np.ndarray:
        r""":math:`\ln(\alpha Q^n \mathbf 1)` for every ``n`` in ``counts`` (float64 whole numbers, any shape)."""
        flat = [int(value) for value in np.asarray(counts, dtype=np.float64).ravel()]
        start = np.array([log_fraction(entry) for entry in alpha])
        rows = np.tile(start, (len(flat), 1))
        masses = np.zeros(len(flat))
        remaining = np.array(flat, dtype=object)
        bit = 0
        while len(flat) and (remaining > 0).any():
            selected = np.nonzero((remaining & 1).astype(bool))[0]
            if selected.size:
                matrix, matrix_masses = self.power(bit)
                rows[selected], masses[selected] = _combine(rows[selected], masses[selected], matrix, matrix_masses)
            remaining = remaining >> 1
            bit += 1
        return masses.reshape(np.shape(counts))


# -- ball ----------------------------------------------------------------------------------------------------
def ball_log_survival(
    ctx: BallContext, matrix: Sequence[Sequence[Fraction]], alpha: Sequence[Fraction], n: int
) -> flint.arb:
    r"""A ball containing :math:`\ln(\alpha Q^n \mathbf 1)` (``-inf`` exactly when ``S(n) = 0``).

    Runs at ``ctx.prec + bits(n) + 16`` bits, since each squaring doubles the
    relative radius of a non-negative matrix; the complement :math:`1 - S =
    \sum_{t<n} \alpha Q^t e` (``e`` the exact exit probabilities) is carried
    alongside so that the ball stays tight where ``S`` is near 1.
    """
    size = len(alpha)
    with BallContext(ctx.prec + n.bit_length() + 2 * size.bit_length() + 16) as inner:
        power = flint.arb_mat([[inner.number(entry) for entry in row] for row in matrix])
        exits = flint.arb_mat([[inner.number(1 - sum(row, Fraction(0)))] for row in matrix])
        vector = flint.arb_mat([[inner.number(entry) for entry in alpha]])
        failed = flint.arb(0)
        count = n
        while count:
            if count & 1:
                failed += (vector * exits)[0, 0]
                vector = vector * power
            count >>= 1
            if count:
                exits = exits + power * exits
                power = power * power
        survival = inner.sum(vector[0, c] for c in range(size))
        if survival.is_zero() and survival.is_exact():
            return flint.arb.neg_inf()
        direct = survival.log() if survival > 0 else None
        complement = (-failed).log1p() if failed < 1 else None
    if direct is not None and complement is not None:
        return direct.intersection(complement) if direct.overlaps(complement) else direct
    if direct is not None:
        return direct
    if complement is not None:
        return complement
    return flint.arb("nan")


# -- simulation ----------------------------------------------------------------------------------------------
def simulate_absorption(
    matrix: Sequence[Sequence[Fraction]],
    exits: Sequence[Fraction],
    never: Sequence[bool],
    alpha: Sequence[Fraction],
    size: int,
    rng: np.random.Generator,
    horizon: int,
) -> tuple[np.ndarray, int]:
    """Generations at which ``size`` simulated lineages become unsafe, step by step, and how many are still alive.

    Lineages in a ``never`` state (no path to unsafe) or alive after
    ``horizon`` generations get ``numpy.iinfo(np.int64).max``.
    """
    floats = np.array([[float(entry) for entry in row] for row in matrix], dtype=np.float64)
    # cumulative transition probabilities per row; the last column is "to unsafe"
    cumulative = np.cumsum(np.hstack([floats, np.array([[float(e)] for e in exits])]), axis=1)
    cumulative[:, -1] = np.inf
    unsafe = len(matrix)
    stays = np.array(never, dtype=bool)
    start = np.array([float(entry) for entry in alpha])
    states = rng.choice(unsafe, size=size, p=start / start.sum())
    failure = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    keep = ~stays[states]
    alive, states = np.arange(size)[keep], states[keep]
    generation = 0
    while alive.size and generation < horizon:
        generation += 1
        draws = rng.random(alive.size)
        states = (draws[:, None] >= cumulative[states]).sum(axis=1)
        absorbed = states == unsafe
        failure[alive[absorbed]] = generation
        keep = ~absorbed
        keep[~absorbed] = ~stays[states[~absorbed]]
        alive, states = alive[keep], states[keep]
    return failure, int(alive.size)
