r"""Phase-type survival: transient states, a sub-stochastic block ``Q`` and an absorbing unsafe set.

A lineage moves each generation between *transient* states (aligned, drifted,
under audit, ...) by the sub-stochastic matrix ``Q``; what a row of ``Q`` lacks
to sum to 1 is the probability of entering the absorbing *unsafe* set.
Recovery, audits that roll back a drifted model, and rollback costs are all
transitions. With initial distribution :math:`\alpha`,

.. math:: S(N) = \alpha Q^N \mathbf 1, \qquad
          E[\text{generations to unsafe}] = \alpha (I - Q)^{-1} \mathbf 1,

and ``S(N)`` decays like :math:`\rho(Q)^N` (the spectral radius).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import mpmath
import numpy as np
import scipy.linalg
import sympy
from mpmath import iv
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

from bounds.errors import BoundsError, ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numeric.interval import endpoints, interval_fraction, interval_precision
from bounds.numeric.parse import format_number, probability, to_mpf

__all__ = ["AbsorbingChain"]

#: ``survival_exact`` works with integers of at most this many bits (ties only occur for small N).
_EXACT_BITS = 200_000
#: Step-by-step simulation stops (with an error) after this many generations.
_MAX_SIMULATED_GENERATIONS = 10_000_000


def _matrix(value: Any) -> list[list[Fraction]]:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or len(value) == 0:
        raise ParameterError("Q", "a non-empty list of rows of probabilities", value)
    rows = []
    for given in value:
        row = given.tolist() if isinstance(given, np.ndarray) else given
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ParameterError("Q", "a list of rows (lists of probabilities)", value)
        rows.append(list(row))
    size = len(rows)
    lengths = [len(row) for row in rows]
    if any(length != size for length in lengths):
        raise ParameterError(
            "Q",
            f"a square matrix (one row and one column per transient state); it has {size} rows of "
            f"lengths {lengths}",
            value,
        )
    return [[probability(entry, f"Q[{r}][{c}]") for c, entry in enumerate(row)] for r, row in enumerate(rows)]


def _names(value: Any, size: int) -> tuple[str, ...]:
    if value is None:
        if size == 2:
            return ("aligned", "drifted")
        return tuple(f"state {index}" for index in range(size))
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise ParameterError("names", f"a list of {size} state names", value)
    names = tuple(value)
    if len(names) != size or not all(isinstance(name, str) and name.strip() for name in names):
        raise ParameterError("names", f"a list of {size} non-empty strings (one per row of Q)", value)
    if len(set(names)) != size:
        raise ParameterError("names", "distinct names", value)
    return names


@register("absorbing")
@dataclass(frozen=True, repr=False)
class AbsorbingChain(SurvivalModel):
    r"""Transient states with sub-stochastic transitions ``Q``; the rest of each row goes to unsafe.

    Parameters
    ----------
    Q : list of lists of numbers
        ``Q[r][c]`` is the probability of moving from transient state ``r`` to
        transient state ``c`` in one generation; rows may sum to less than 1,
        the remainder being the probability of becoming unsafe (absorbing).
        Entries are exact (``"0.995"``).
    initial : list of numbers
        The distribution :math:`\alpha` over the transient states at generation 0
        (entries in ``[0, 1]`` summing to exactly 1).
    names : list of str, optional
        State names (default ``aligned``, ``drifted`` for two states).

    Notes
    -----
    .. math:: S(N) = \alpha Q^N \mathbf 1, \qquad
              \bar N = \sum_{N \ge 0} S(N) = \alpha (I - Q)^{-1} \mathbf 1, \qquad
              S(N) \asymp \rho(Q)^N.

    ``S(N)`` is evaluated by repeated squaring with rescaling in log space, so
    ``log_survival`` stays finite for ``N = 10**15`` where ``S`` underflows
    (``S(10**9) = 1.55e-862948`` for the reference chain). Every state must be
    able to reach unsafe; otherwise ``I - Q`` is singular and the chain is
    refused (a state that never leaves has ``S(infinity) > 0``; model it with a
    zero rate instead). The fundamental matrix :math:`(I-Q)^{-1}` is never
    formed: ``mean_generations`` solves :math:`(I-Q)x = \mathbf 1`. Budgets are
    certified with exact rationals for small ``N`` and otherwise with a rigorous
    interval enclosure of ``S(N)`` (interval repeated squaring).

    References
    ----------
    M. F. Neuts, *Matrix-Geometric Solutions in Stochastic Models*, Johns
    Hopkins University Press, 1981 (phase-type distributions).
    J. G. Kemeny and J. L. Snell, *Finite Markov Chains*, Springer, 1976
    (fundamental matrix of an absorbing chain).

    Examples
    --------
    >>> chain = AbsorbingChain([["0.995", "0.004"], ["0.3", "0.6"]], initial=[1, 0])
    >>> round(chain.survival(100), 12)
    0.821808550822
    >>> chain.mean_generations_exact()
    Fraction(505, 1)
    >>> round(chain.decay_rate(), 6)
    0.998015
    >>> chain.log_survival(10**9)  # S(1e9) = 1.55e-862948 underflows; its log does not
    -1987010.76...
    >>> chain.budget("0.5").n
    350
    """

    Q: Any
    initial: Any
    names: Any = None

    name = "absorbing"

    def __post_init__(self) -> None:
        matrix = _matrix(self.Q)
        size = len(matrix)
        object.__setattr__(self, "Q", tuple(tuple(row) for row in matrix))
        names = _names(self.names, size)
        object.__setattr__(self, "names", names)
        for index, row in enumerate(matrix):
            total = sum(row, Fraction(0))
            if total > 1:
                raise ParameterError(
                    f"row {index} of Q ({names[index]!r})",
                    "a sum of at most 1 (the rest of the row is the probability of becoming unsafe)",
                    format_number(total, 12),
                )
        initial = self.initial
        if isinstance(initial, np.ndarray):
            initial = initial.tolist()
        if isinstance(initial, (str, bytes)) or not isinstance(initial, Sequence):
            raise ParameterError("initial", f"a list of {size} probabilities (one per state of Q)", initial)
        if len(initial) != size:
            raise ParameterError(
                "initial", f"a distribution over the {size} transient states (length {size}, like Q)", initial
            )
        alpha = tuple(probability(entry, f"initial[{index}]") for index, entry in enumerate(initial))
        if sum(alpha, Fraction(0)) != 1:
            raise ParameterError(
                "initial",
                "a distribution: entries summing to exactly 1",
                format_number(sum(alpha, Fraction(0)), 12),
            )
        object.__setattr__(self, "initial", alpha)
        self._check_leaves()

    def _check_leaves(self) -> None:
        """Refuse a closed class of transient states: then ``I - Q`` is singular and ``rho(Q) = 1``."""
        size = len(self.Q)
        unsafe = size
        rows, cols = [], []
        for r, row in enumerate(self.Q):
            for c, entry in enumerate(row):
                if entry > 0:
                    rows.append(c)  # reversed edge c <- r: search backwards from unsafe
                    cols.append(r)
            if sum(row, Fraction(0)) < 1:
                rows.append(unsafe)
                cols.append(r)
        graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(size + 1, size + 1))
        reaches = set(breadth_first_order(graph, unsafe, directed=True, return_predecessors=False).tolist())
        stuck = [self.names[index] for index in range(size) if index not in reaches]
        if stuck:
            shown = ", ".join(repr(name) for name in stuck)
            raise BoundsError(
                f"Q: I - Q is singular: transient state(s) {shown} never leave (no path to unsafe), "
                "so the mean generations to unsafe is infinite; every state needs a path to unsafe"
            )

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: Spec) -> AbsorbingChain:
        return cls(spec.get("Q"), spec.get("initial"), spec.get("names", None))

    @classmethod
    def aligned_drifted(
        cls,
        drift: Any,
        failure: Any,
        audit: Any = 0,
        recovery: Any = 0,
        direct: Any = 0,
        rollback_failure: Any = 0,
    ) -> AbsorbingChain:
        r"""The three-state chain aligned → drifted → unsafe, with audits and recovery.

        Each generation, starting from

        * **aligned**: alignment is lost outright with probability ``direct``
          (to unsafe), the successor drifts with probability ``drift`` (to
          drifted), and otherwise stays aligned;
        * **drifted**: an audit detects the drift with probability ``audit`` and
          rolls the lineage back to the last aligned model (to aligned), except
          that the rollback itself goes wrong with probability
          ``rollback_failure`` (to unsafe: the cost of rolling back, e.g. a
          compromised checkpoint); if it is not detected, the drift becomes
          unsafe with probability ``failure``, corrects itself with probability
          ``recovery`` (to aligned), and otherwise persists.

        So ``Q = [[1 - drift - direct, drift], [audit (1 - rollback_failure) +
        (1-audit) recovery, (1-audit)(1 - failure - recovery)]]`` and the
        drifted state becomes unsafe with probability
        ``audit rollback_failure + (1 - audit) failure``. The lineage starts aligned.

        Examples
        --------
        >>> chain = AbsorbingChain.aligned_drifted(
        ...     drift="0.004", failure="0.125", audit="0.2", recovery="0.125", direct="0.001")
        >>> [[str(entry) for entry in row] for row in chain.Q]
        [['199/200', '1/250'], ['3/10', '3/5']]
        """
        drift, failure = probability(drift, "drift"), probability(failure, "failure")
        audit, recovery = probability(audit, "audit"), probability(recovery, "recovery")
        direct = probability(direct, "direct")
        rollback_failure = probability(rollback_failure, "rollback_failure")
        if drift + direct > 1:
            raise ParameterError("drift + direct", "at most 1", format_number(drift + direct))
        if failure + recovery > 1:
            raise ParameterError("failure + recovery", "at most 1", format_number(failure + recovery))
        missed = 1 - audit
        matrix = [
            [1 - drift - direct, drift],
            [audit * (1 - rollback_failure) + missed * recovery, missed * (1 - failure - recovery)],
        ]
        return cls(matrix, [1, 0], ("aligned", "drifted"))

    def parameters(self) -> dict[str, Any]:
        return {"Q": [list(row) for row in self.Q], "initial": list(self.initial), "names": list(self.names)}

    def __repr__(self) -> str:
        rows = "; ".join(", ".join(format_number(entry, 12) for entry in row) for row in self.Q)
        alpha = ", ".join(format_number(entry, 12) for entry in self.initial)
        return f"AbsorbingChain(Q=[{rows}], initial=[{alpha}], names={list(self.names)!r})"

    # -- float path -----------------------------------------------------------------------
    @cached_property
    def _q_float(self) -> np.ndarray:
        return np.array([[float(entry) for entry in row] for row in self.Q], dtype=np.float64)

    def _scaled_powers(self, bits: int) -> list[tuple[np.ndarray, float]]:
        """``Q**(2**j) = exp(scale_j) * M_j`` with ``max(M_j) = 1``, for ``j < bits``."""
        cache: list[tuple[np.ndarray, float]] = self.__dict__.setdefault("_powers", [])
        if not cache:
            matrix = self._q_float
            peak = matrix.max()
            cache.append((matrix / peak, math.log(peak)) if peak > 0 else (matrix, -math.inf))
        while len(cache) < bits:
            matrix, scale = cache[-1]
            square = matrix @ matrix
            peak = square.max()
            if peak > 0:
                cache.append((square / peak, 2 * scale + math.log(peak)))
            else:
                cache.append((square, -math.inf))
        return cache

    def _log_one(self, count: int, powers: list[tuple[np.ndarray, float]], alpha: np.ndarray) -> float:
        vector, log_scale = alpha.copy(), 0.0
        for bit, (matrix, scale) in enumerate(powers):
            if not count >> bit & 1:
                continue
            vector = vector @ matrix
            total = vector.sum()
            if total <= 0 or scale == -math.inf:
                return -math.inf
            # renormalise each step so that nothing under- or overflows
            vector /= total
            log_scale += scale + math.log(total)
        return log_scale

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        counts = [int(value) for value in n.flat]
        powers = self._scaled_powers(max(max(counts).bit_length(), 1))
        alpha = np.array([float(entry) for entry in self.initial])
        values = [self._log_one(count, powers, alpha) if count else 0.0 for count in counts]
        return np.asarray(values, dtype=np.float64).reshape(n.shape)

    # -- high precision and exact -----------------------------------------------------------
    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        n = int(n)
        size = len(self.Q)
        # each squaring can double the relative error: carry log10(n) guard digits
        guard = 10 + len(str(n)) + len(str(size))
        with mpmath.workdps(dps + guard):
            matrix = mpmath.matrix([[to_mpf(entry) for entry in row] for row in self.Q])
            vector = mpmath.matrix([[to_mpf(entry) for entry in self.initial]])
            count = n
            while count:
                if count & 1:
                    vector = vector * matrix
                count >>= 1
                if count:
                    matrix = matrix * matrix
            value = mpmath.fsum(vector[0, c] for c in range(size))
        return +value

    def survival_bounds(self, n: int, dps: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        """A rigorous enclosure of ``S(n)`` by interval repeated squaring (entries are non-negative)."""
        n = int(n)
        size = len(self.Q)
        # no cancellation: each squaring at most doubles the relative width, so log2(n) guard bits suffice
        bits = int(3.33 * dps) + 2 * n.bit_length() + 2 * size.bit_length() + 40
        with interval_precision(bits):
            matrix = [[interval_fraction(entry) for entry in row] for row in self.Q]
            vector = [interval_fraction(entry) for entry in self.initial]
            zero = iv.mpf(0)

            def times(left: list[Any], right: list[list[Any]]) -> list[Any]:
                return [sum((left[r] * right[r][c] for r in range(size)), zero) for c in range(size)]

            count = n
            while count:
                if count & 1:
                    vector = times(vector, matrix)
                count >>= 1
                if count:
                    matrix = [times(row, matrix) for row in matrix]
            return endpoints(sum(vector, zero))

    @cached_property
    def _integer_form(self) -> tuple[list[list[int]], int, list[int], int]:
        """``Q = A / D`` and ``alpha = a / E`` with integer ``A``, ``a``."""
        denominator = math.lcm(*(entry.denominator for row in self.Q for entry in row))
        matrix = [[int(entry * denominator) for entry in row] for row in self.Q]
        alpha_denominator = math.lcm(*(entry.denominator for entry in self.initial))
        alpha = [int(entry * alpha_denominator) for entry in self.initial]
        return matrix, denominator, alpha, alpha_denominator

    def survival_exact(self, n: int) -> Fraction | None:
        matrix, denominator, alpha, alpha_denominator = self._integer_form
        if n * denominator.bit_length() > _EXACT_BITS:
            return None
        vector = alpha
        size = len(matrix)
        for _ in range(n):
            vector = [sum(vector[r] * matrix[r][c] for r in range(size)) for c in range(size)]
        return Fraction(sum(vector), alpha_denominator * denominator**n)

    def limit_exact(self) -> Fraction:
        # every state reaches unsafe (checked), so rho(Q) < 1 and S(N) -> 0
        return Fraction(0)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        return mpmath.mpf(0)

    # -- summaries ----------------------------------------------------------------------------
    def decay_rate(self) -> float:
        r"""Spectral radius :math:`\rho(Q)`: ``S(N+1)/S(N) -> rho(Q)`` when alpha reaches the slowest class.

        (A lineage that starts where the slowest class cannot be reached decays faster.)
        """
        return float(np.max(np.abs(np.linalg.eigvals(self._q_float))))

    def decay_rate_mp(self, dps: int) -> mpmath.mpf:
        """:math:`\\rho(Q)` to ``dps`` digits (mpmath eigenvalues)."""
        with mpmath.workdps(dps + 10):
            matrix = mpmath.matrix([[to_mpf(entry) for entry in row] for row in self.Q])
            values = mpmath.eig(matrix, left=False, right=False)
            radius = max(abs(value) for value in values)
        return +radius

    def mean_generations(self) -> float:
        r"""Expected generations until unsafe, :math:`\alpha (I - Q)^{-1} \mathbf 1` (float, by a solve)."""
        size = len(self.Q)
        solution = np.linalg.solve(np.eye(size) - self._q_float, np.ones(size))
        return float(np.array([float(entry) for entry in self.initial]) @ solution)

    def mean_generations_exact(self) -> Fraction:
        r""":math:`\alpha (I - Q)^{-1} \mathbf 1` exactly, by an exact rational LU solve."""
        size = len(self.Q)
        system = sympy.eye(size) - sympy.Matrix(
            size, size, [sympy.Rational(e.numerator, e.denominator) for row in self.Q for e in row]
        )
        solution = system.LUsolve(sympy.ones(size, 1))
        value = sum(
            (
                sympy.Rational(a.numerator, a.denominator) * solution[index]
                for index, a in enumerate(self.initial)
            ),
            sympy.Integer(0),
        )
        rational = sympy.Rational(value)
        return Fraction(int(rational.p), int(rational.q))

    def quasi_stationary(self) -> np.ndarray:
        r"""The quasi-stationary distribution: the left Perron vector of ``Q``, summing to 1.

        The distribution over transient states of a lineage that has survived a
        long time: :math:`\lim_N P(\text{state} \mid \text{not yet unsafe})` when
        ``Q`` is irreducible (otherwise one of several limits).
        """
        values, vectors = scipy.linalg.eig(self._q_float, left=True, right=False)
        index = int(np.argmax(values.real))
        vector = np.real(vectors[:, index])
        vector = vector / vector.sum()
        return np.where(np.abs(vector) < 1e-15, 0.0, vector)

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "decay_rate": self.decay_rate(),
            "mean_generations": float(self.mean_generations_exact()),
            "quasi_stationary": dict(zip(self.names, self.quasi_stationary().tolist(), strict=True)),
        }

    def symbolic(self) -> SurvivalExpr:
        size = len(self.Q)
        n = sympy.Symbol("N", nonnegative=True, integer=True)
        q = sympy.MatrixSymbol("Q", size, size)
        alpha = sympy.MatrixSymbol("alpha", 1, size)
        product = alpha * sympy.MatPow(q, n) * sympy.OneMatrix(size, 1)
        # a 2-state chain has a closed form sympy can derive; larger ones stay a matrix power
        expr = product[0, 0] if size <= 2 else sympy.Trace(product)
        values = {
            q: sympy.ImmutableMatrix(
                size, size, [sympy.Rational(e.numerator, e.denominator) for r in self.Q for e in r]
            ),
            alpha: sympy.ImmutableMatrix(
                1, size, [sympy.Rational(e.numerator, e.denominator) for e in self.initial]
            ),
        }
        return SurvivalExpr(
            expr,
            n,
            values,
            (
                "each generation the lineage moves between transient states by Q (Markov property)",
                "what a row of Q lacks to sum to 1 is the probability of becoming unsafe, which is absorbing",
            ),
        )

    # -- simulation -----------------------------------------------------------------------------
    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Run ``size`` lineages through the chain step by step until each becomes unsafe."""
        matrix = self._q_float
        # cumulative transition probabilities per row; the last column is "to unsafe"
        cumulative = np.cumsum(np.hstack([matrix, 1 - matrix.sum(axis=1, keepdims=True)]), axis=1)
        cumulative[:, -1] = np.inf
        unsafe = len(self.Q)
        alpha = np.array([float(entry) for entry in self.initial])
        states = rng.choice(unsafe, size=size, p=alpha / alpha.sum())
        alive = np.arange(size)
        failure = np.empty(size, dtype=np.int64)
        generation = 0
        while alive.size:
            generation += 1
            if generation > _MAX_SIMULATED_GENERATIONS:
                raise BoundsError(
                    f"simulation stopped after {_MAX_SIMULATED_GENERATIONS} generations with "
                    f"{alive.size} lineages still safe (decay rate {self.decay_rate():.6g})"
                )
            draws = rng.random(alive.size)
            states = (draws[:, None] >= cumulative[states]).sum(axis=1)
            absorbed = states == unsafe
            failure[alive[absorbed]] = generation
            alive, states = alive[~absorbed], states[~absorbed]
        return failure
