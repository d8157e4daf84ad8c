r"""Phase-type survival: transient states, a sub-stochastic block ``Q`` and an absorbing unsafe set.

A lineage moves each generation between *transient* states (aligned, drifted,
under audit, ...) by the sub-stochastic matrix ``Q``; what a row of ``Q`` lacks
to sum to 1 is the probability of entering the absorbing *unsafe* set.
Recovery, audits that roll back a drifted model, and rollback costs are all
transitions. With initial distribution :math:`\alpha`,

.. math:: S(N) = \alpha Q^N \mathbf 1, \qquad
          E[\text{generations to unsafe}] = \alpha (I - Q)^{-1} \mathbf 1,

and ``S(N)`` decays like :math:`\rho(Q)^N` (the spectral radius of the part
of ``Q`` that the lineage can reach). This module holds the one matrix-power
implementation of the package (in :mod:`bounds.models._chain`); the
Markov-modulated model (:mod:`bounds.models.markov`) is an absorbing chain.
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

from bounds.errors import BoundsError, ParameterError
from bounds.models._arrays import chain_distribution, chain_names, square_matrix
from bounds.models._chain import (
    LogPowers,
    ball_log_survival,
    exact_survival,
    log_fraction,
    reachable,
    reaching,
    solve_exact,
)
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numbers import format_number, probability, to_mpf
from bounds.numeric.contexts import FLOAT, BallContext, NotExact

__all__ = ["AbsorbingChain"]

#: ``survival_exact`` works with integers of at most this many bits (ties only occur for small N).
_EXACT_BITS = 200_000
#: Step-by-step simulation stops (with an error) after this many generations.
_MAX_SIMULATED_GENERATIONS = 10_000_000


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
              S(N) \asymp \rho(Q_{RR})^N,

    with :math:`Q_{RR}` the block of states reachable from :math:`\alpha`.
    ``S(N)`` is evaluated by repeated squaring: in float64 in log space, with
    the exit probabilities (``1 -`` row sums) carried through ``log1p`` so that
    ``ln S`` keeps a few ulp of relative precision both near ``S = 1`` and where
    ``S`` underflows (``S(10**9) = 1.55e-862948`` for the reference chain); in
    ball arithmetic (python-flint ``arb_mat``) to certify; and in exact
    integers for small ``N`` (ties). Every state must be able to reach unsafe;
    otherwise ``I - Q`` is singular and the chain is refused. Then
    :math:`S(\infty) = 0`, which is proved from the graph of ``Q``. The
    fundamental matrix :math:`(I-Q)^{-1}` is never formed: ``mean_generations``
    solves :math:`(I-Q)x = \mathbf 1`.

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
        matrix = square_matrix(self.Q)
        size = len(matrix)
        object.__setattr__(self, "Q", tuple(tuple(row) for row in matrix))
        names = chain_names(self.names, size)
        object.__setattr__(self, "names", names)
        for index, row in enumerate(matrix):
            total = sum(row, Fraction(0))
            if total > 1:
                raise ParameterError(
                    f"row {index} of Q ({names[index]!r})",
                    "a sum of at most 1 (the rest of the row is the probability of becoming unsafe)",
                    format_number(total, 12),
                )
        object.__setattr__(self, "initial", chain_distribution(self.initial, size))
        self._check_leaves()

    def _check_leaves(self) -> None:
        """Refuse a closed class of transient states: then ``I - Q`` is singular and ``rho(Q) = 1``."""
        stuck = [self.names[index] for index in range(len(self.Q)) if index not in self._leaking]
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

    # -- structure (exact, from the graph of Q) -----------------------------------------------
    @cached_property
    def _exits(self) -> tuple[Fraction, ...]:
        """Per state, the exact probability of becoming unsafe in one generation (``1 -`` its row sum)."""
        return tuple(1 - sum(row, Fraction(0)) for row in self.Q)

    @cached_property
    def _leaking(self) -> frozenset[int]:
        """States with a path (of positive probability) to unsafe."""
        return frozenset(reaching(self.Q, [i for i, exit_ in enumerate(self._exits) if exit_ > 0]))

    @cached_property
    def _reachable(self) -> tuple[int, ...]:
        """States the lineage reaches with positive probability from ``initial``, in order."""
        return tuple(sorted(reachable(self.Q, [i for i, weight in enumerate(self.initial) if weight > 0])))

    def _block(self, states: Sequence[int]) -> list[list[Fraction]]:
        return [[self.Q[r][c] for c in states] for r in states]

    # -- survival -------------------------------------------------------------------------------
    @cached_property
    def _log_powers(self) -> LogPowers:
        return LogPowers(self.Q)

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        r""":math:`\ln S(n) = \ln(\alpha Q^n \mathbf 1)` in the number context ``ctx``.

        Float: log-space repeated squaring over an array of counts; ball: a
        rigorous ``arb`` enclosure from ``arb_mat`` squaring; exact: only where
        ``S(n) = 1`` (otherwise :class:`~bounds.numeric.contexts.NotExact`).
        """
        if ctx.kind == "float":
            return self._log_powers.log_survival(self.initial, n)
        if ctx.kind == "ball":
            return ball_log_survival(ctx, self.Q, self.initial, int(n))
        value = self.survival_exact(int(n))
        if value is None:
            raise NotExact(f"S({n}) of {type(self).__name__} is beyond the exact bit-size cap")
        return ctx.log(value)

    def survival_exact(self, n: int) -> Fraction | None:
        r""":math:`\alpha Q^n \mathbf 1` as an exact rational, or ``None`` when it would exceed ~2e5 bits."""
        return exact_survival(self.Q, self.initial, int(n), _EXACT_BITS)

    def limit_exact(self) -> Fraction:
        r"""``S(infinity)``: the chance of reaching states that can never become unsafe.

        States with no path to unsafe (a failure-free closed class) keep the
        lineage safe for ever; from a state that can reach unsafe, the chance
        ``h`` of getting there first solves :math:`(I - Q_{LL}) h = Q_{LZ} \mathbf 1`,
        nonsingular because every state in ``L`` can leave ``L``. With no such
        state reachable, :math:`S(\infty) = 0`: some exit is reachable within
        ``len(Q)`` generations from every state, so ``Q**len(Q)`` has row sums
        below 1 and ``S`` decays geometrically. Exact rationals throughout.
        """
        reach = set(self._reachable)
        safe = sorted(reach - self._leaking)
        if not safe:
            return Fraction(0)
        leaking = sorted(reach & self._leaking)
        reached = sum((self.initial[i] for i in safe), Fraction(0))
        if not leaking:
            return reached
        system = [[Fraction(int(r == c)) - self.Q[r][c] for c in leaking] for r in leaking]
        rhs = [sum((self.Q[r][c] for c in safe), Fraction(0)) for r in leaking]
        solution = solve_exact(system, rhs)
        return reached + sum((self.initial[i] * h for i, h in zip(leaking, solution, strict=True)), Fraction(0))

    def log_limit(self, ctx: Any) -> Any:
        r""":math:`\ln S(\infty)` in ``ctx`` (``-inf`` when it is 0), from the exact :meth:`limit_exact`."""
        value = self.limit_exact()
        if value == 0:
            return -ctx.inf if ctx.kind != "exact" else ctx.log(value)
        if ctx.kind == "float":
            return np.float64(log_fraction(value))
        return ctx.log(ctx.number(value))

    def candidate(self, threshold: Fraction) -> int | None:
        r"""A float guess at ``N*``: Newton steps on :math:`\ln S(N) \approx c + N \ln \rho` (never trusted)."""
        rate = self.decay_rate()
        target = log_fraction(Fraction(threshold))
        if not 0 < rate < 1 or target >= 0:
            return None
        slope = math.log(rate)
        guess = max(target / slope, 0.0)
        for _ in range(4):
            if guess > 2.0**1000:
                return None
            value = float(self.log_survival(FLOAT, np.asarray(math.floor(guess), dtype=np.float64)))
            if not math.isfinite(value):
                break
            guess = max(math.floor(guess) + (target - value) / slope, 0.0)
        return math.floor(guess)

    # -- summaries ----------------------------------------------------------------------------
    @cached_property
    def _reachable_float(self) -> np.ndarray:
        states = self._reachable
        return np.array([[float(entry) for entry in row] for row in self._block(states)], dtype=np.float64)

    def decay_rate(self) -> float:
        r"""Spectral radius of the reachable block :math:`Q_{RR}`: ``S(N+1)/S(N) -> rho`` (``S ~ c N^j rho^N``).

        States the lineage never reaches do not count: ``S`` is
        :math:`\alpha_R Q_{RR}^N \mathbf 1`, whose growth rate is the largest
        spectral radius among the reachable classes (Perron–Frobenius).
        """
        return float(np.max(np.abs(np.linalg.eigvals(self._reachable_float))))

    def decay_rate_mp(self, dps: int) -> mpmath.mpf:
        """The decay rate to ``dps`` digits (mpmath eigenvalues of the reachable block); a summary, not a proof."""
        states = self._reachable
        with mpmath.workdps(dps + 10):
            matrix = mpmath.matrix([[to_mpf(entry) for entry in row] for row in self._block(states)])
            values = mpmath.eig(matrix, left=False, right=False)
            radius = max(abs(value) for value in values)
        return +radius

    def mean_generations(self) -> float:
        r"""Expected generations until unsafe, :math:`\alpha (I - Q)^{-1} \mathbf 1` (float, by a solve).

        ``inf`` when the lineage may stay safe for ever (:math:`S(\infty) > 0`).
        """
        if self.limit_exact() > 0:
            return math.inf
        states = self._reachable
        solution = np.linalg.solve(np.eye(len(states)) - self._reachable_float, np.ones(len(states)))
        return float(np.array([float(self.initial[i]) for i in states]) @ solution)

    def mean_generations_exact(self) -> Fraction | None:
        r""":math:`\alpha (I - Q)^{-1} \mathbf 1` exactly (rational solve); ``None`` when it is infinite."""
        if self.limit_exact() > 0:
            return None
        states = self._reachable
        system = [[Fraction(int(r == c)) - self.Q[r][c] for c in states] for r in states]
        solution = solve_exact(system, [Fraction(1)] * len(states))
        return sum((self.initial[i] * x for i, x in zip(states, solution, strict=True)), Fraction(0))

    def quasi_stationary(self) -> np.ndarray:
        r"""The quasi-stationary distribution: the left Perron vector of the reachable block, summing to 1.

        The distribution over transient states of a lineage that has survived a
        long time: :math:`\lim_N P(\text{state} \mid \text{not yet unsafe})` when
        the reachable block is irreducible (otherwise one of several limits).
        Unreachable states get 0.
        """
        values, vectors = np.linalg.eig(self._reachable_float.T)
        index = int(np.argmax(values.real))
        vector = np.real(vectors[:, index])
        vector = vector / vector.sum()
        full = np.zeros(len(self.Q))
        full[list(self._reachable)] = np.where(np.abs(vector) < 1e-15, 0.0, vector)
        return full

    def describe(self) -> dict[str, Any]:
        mean = self.mean_generations_exact()
        return {
            **super().describe(),
            "decay_rate": self.decay_rate(),
            "mean_generations": float(mean) if mean is not None else None,
            "quasi_stationary": dict(zip(self.names, self.quasi_stationary().tolist(), strict=True)),
        }

    def symbolic(self) -> SurvivalExpr:
        import sympy

        size = len(self.Q)
        n = sympy.Symbol("N", nonnegative=True, integer=True)
        q = sympy.MatrixSymbol("Q", size, size)
        alpha = sympy.MatrixSymbol("alpha", 1, size)
        product = alpha * sympy.MatPow(q, n) * sympy.OneMatrix(size, 1)
        # a 2-state chain has a closed form sympy can derive; larger ones stay a matrix power
        expr = product[0, 0] if size <= 2 else sympy.Trace(product)
        values = {
            q: sympy.ImmutableMatrix(size, size, [_rational(e) for row in self.Q for e in row]),
            alpha: sympy.ImmutableMatrix(1, size, [_rational(e) for e in self.initial]),
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
    def sample_failure_generation(self, size: int, rng: np.random.Generator, horizon: int | None = None) -> np.ndarray:
        """Run ``size`` lineages through the chain step by step until each becomes unsafe.

        Lineages in states that can never become unsafe, or (with ``horizon``)
        still safe after ``horizon`` generations, are reported as never failing
        (``numpy.iinfo(np.int64).max``), which is exact for survival at ``N <= horizon``.
        """
        matrix = np.array([[float(entry) for entry in row] for row in self.Q], dtype=np.float64)
        # cumulative transition probabilities per row; the last column is "to unsafe"
        cumulative = np.cumsum(np.hstack([matrix, np.array([[float(e)] for e in self._exits])]), axis=1)
        cumulative[:, -1] = np.inf
        unsafe = len(self.Q)
        never = np.array([index not in self._leaking for index in range(unsafe)])
        alpha = np.array([float(entry) for entry in self.initial])
        states = rng.choice(unsafe, size=size, p=alpha / alpha.sum())
        failure = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        keep = ~never[states]
        alive, states = np.arange(size)[keep], states[keep]
        limit = horizon if horizon is not None else _MAX_SIMULATED_GENERATIONS
        generation = 0
        while alive.size and generation < limit:
            generation += 1
            draws = rng.random(alive.size)
            states = (draws[:, None] >= cumulative[states]).sum(axis=1)
            absorbed = states == unsafe
            failure[alive[absorbed]] = generation
            keep = ~absorbed
            keep[~absorbed] = ~never[states[~absorbed]]
            alive, states = alive[keep], states[keep]
        if alive.size and horizon is None:
            raise BoundsError(
                f"simulation stopped after {_MAX_SIMULATED_GENERATIONS} generations with "
                f"{alive.size} lineages still safe (decay rate {self.decay_rate():.6g})"
            )
        return failure

    # -- mpmath views for the report layer and the ``survival`` command (bounds.derive, bounds.cli) -----------------
    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        """``S(n)`` as an mpf to ``dps`` digits: the midpoint of the ball :meth:`log_survival` (display only)."""
        with BallContext(int(3.33 * dps) + 16) as ctx:
            ball = self.log_survival(ctx, int(n)).exp()
            return _mpf(ball.mid())

    def limit_mp(self, dps: int) -> mpmath.mpf:
        """``S(infinity)`` as an mpf, from :meth:`limit_exact` (display only)."""
        with mpmath.workdps(dps):
            return to_mpf(self.limit_exact())


def _rational(value: Fraction) -> Any:
    import sympy

    return sympy.Rational(value.numerator, value.denominator)


def _mpf(value: Any) -> mpmath.mpf:
    """An exact ``arb`` (a ball's midpoint) as an mpf, without rounding."""
    mantissa, exponent = (int(part) for part in value.man_exp())
    with mpmath.workprec(max(mantissa.bit_length(), 53)):
        return mpmath.mpf((mantissa, exponent))
