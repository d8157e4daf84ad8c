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
from bounds.models._arrays import (
    DISTRIBUTION,
    PROBABILITIES,
    STATE_NAMES,
    SUBSTOCHASTIC_MATRIX,
    chain_distribution,
    chain_names,
    probability_vector,
)
from bounds.models._chain import (
    LogPowers,
    ball_log_survival,
    exact_survival,
    log_fraction,
    reachable,
    reaching,
    simulate_absorption,
    solve_exact,
)
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.numeric.contexts import FLOAT, BallContext, NotExact
from bounds.numeric.parse import format_number, probability, to_mpf

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
    safe : list of numbers, optional
        Per transient state, the probability of entering the *safe* absorbing
        set in one generation (caught and shut down, rolled back for good);
        ``Q[r]`` plus ``safe[r]`` sum to at most 1, the rest going to unsafe.
        Then :math:`S(N)` is the probability of no *unsafe* absorption by ``N``
        and :math:`S(\infty) > 0` is the chance of being stopped safely first.

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
    integers for small ``N`` (ties). Every state must be able to reach unsafe
    (or the safe set, when given); otherwise ``I - Q`` is singular and the
    chain is refused. Without safe states :math:`S(\infty) = 0`, proved from the
    graph of ``Q``; with them :math:`S(\infty)` is the exact probability of
    being stopped safely before becoming unsafe (:meth:`limit_exact`), and the
    safe set is one more transient state that never leaves. The
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

    A safe absorbing state (caught and shut down with probability 0.06 per
    generation; unsafe with 0.04): :math:`S(N) = 3/5 + (2/5)\,0.9^N`.

    >>> caught = AbsorbingChain([["0.9"]], initial=[1], safe=["0.06"])
    >>> caught.limit_exact(), caught.survival_exact(2)
    (Fraction(3, 5), Fraction(231, 250))
    >>> caught.budget("0.6").unbounded
    True
    """

    Q: Any = parameter(SUBSTOCHASTIC_MATRIX, "Q[r][c]: probability of moving from transient state r to c in "
                       "one generation (the rest of a row is the probability of becoming unsafe)")
    initial: Any = parameter(DISTRIBUTION, "the distribution over the transient states at generation 0",
                             parse=lambda chain, value: chain_distribution(value, len(chain.Q)))
    names: Any = parameter(STATE_NAMES, "state names (default aligned, drifted for two states)", default=None,
                           parse=lambda chain, value: chain_names(value, len(chain.Q)))
    safe: Any = parameter(PROBABILITIES, "per transient state, the probability of entering the safe absorbing set "
                          "in one generation (caught and shut down)", default=None, omit_none=True,
                          parse=lambda chain, value: None if value is None else probability_vector(
                              value, "safe", len(chain.Q)))

    name = "absorbing"

    def __post_init__(self) -> None:
        super().__post_init__()
        for index, row in enumerate(self.Q):
            total = sum(row, Fraction(0)) + (self.safe[index] if self.safe is not None else 0)
            if total > 1:
                raise ParameterError(
                    f"row {index} of Q ({self.names[index]!r})" + (f" plus safe[{index}]" if self.safe else ""),
                    "a sum of at most 1 (the rest of the row is the probability of becoming unsafe)",
                    format_number(total, 12),
                )
        self._check_leaves()

    def _check_leaves(self) -> None:
        """Refuse a closed class of transient states: then ``I - Q`` is singular and ``rho(Q) = 1``."""
        leaves = self._absorbed
        stuck = [self.names[index] for index in range(len(self.Q)) if index not in leaves]
        if stuck:
            shown = ", ".join(repr(name) for name in stuck)
            if self.safe is None:
                raise BoundsError(
                    f"Q: I - Q is singular: transient state(s) {shown} never leave (no path to unsafe), "
                    "so the mean generations to unsafe is infinite; every state needs a path to unsafe"
                )
            raise BoundsError(
                f"Q: I - Q is singular: transient state(s) {shown} never leave (no path to unsafe or to a safe "
                "absorbing state); every state needs a path to one of them"
            )

    # -- construction -------------------------------------------------------------------
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

    def __repr__(self) -> str:
        rows = "; ".join(", ".join(format_number(entry, 12) for entry in row) for row in self.Q)
        alpha = ", ".join(format_number(entry, 12) for entry in self.initial)
        safe = "" if self.safe is None else ", safe=[" + ", ".join(format_number(e, 12) for e in self.safe) + "]"
        return f"AbsorbingChain(Q=[{rows}], initial=[{alpha}], names={list(self.names)!r}{safe})"

    # -- structure (exact, from the graph of Q) -----------------------------------------------
    @cached_property
    def _states(self) -> tuple[tuple[Fraction, ...], ...]:
        r"""The matrix every computation uses: ``Q``, plus one state for the safe set when there is one.

        The safe set is a transient state that keeps its lineage for ever (a row
        ``[0, ..., 0, 1]``, never unsafe), entered from state ``r`` with
        probability ``safe[r]``; then :math:`S(N) = \alpha' Q'^N \mathbf 1` counts
        it as not (yet) unsafe.
        """
        if self.safe is None:
            return self.Q
        size = len(self.Q)
        rows = [(*row, self.safe[r]) for r, row in enumerate(self.Q)]
        return (*rows, (Fraction(0),) * size + (Fraction(1),))

    @cached_property
    def _alpha(self) -> tuple[Fraction, ...]:
        return self.initial if self.safe is None else (*self.initial, Fraction(0))

    @cached_property
    def _exits(self) -> tuple[Fraction, ...]:
        """Per state, the exact probability of becoming unsafe in one generation (``1 -`` its row sum)."""
        return tuple(1 - sum(row, Fraction(0)) for row in self._states)

    @cached_property
    def _leaking(self) -> frozenset[int]:
        """States with a path (of positive probability) to unsafe."""
        return frozenset(reaching(self._states, [i for i, exit_ in enumerate(self._exits) if exit_ > 0]))

    @cached_property
    def _absorbed(self) -> frozenset[int]:
        """States with a path to unsafe or to the safe set."""
        targets = [i for i, exit_ in enumerate(self._exits) if exit_ > 0] + (
            [len(self.Q)] if self.safe is not None else []
        )
        return frozenset(reaching(self._states, targets))

    @cached_property
    def _reachable(self) -> tuple[int, ...]:
        """States the lineage reaches with positive probability from ``initial``, in order."""
        return tuple(sorted(reachable(self._states, [i for i, weight in enumerate(self._alpha) if weight > 0])))

    @cached_property
    def _undecided(self) -> tuple[int, ...]:
        """Reachable states from which unsafe is still possible: ``S(N) - S(infinity)`` lives on them."""
        return tuple(state for state in self._reachable if state in self._leaking)

    def _block(self, states: Sequence[int]) -> list[list[Fraction]]:
        return [[self._states[r][c] for c in states] for r in states]

    # -- survival -------------------------------------------------------------------------------
    @cached_property
    def _log_powers(self) -> LogPowers:
        return LogPowers(self._states)

    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        r""":math:`\ln S(n) = \ln(\alpha Q^n \mathbf 1)` in the number context ``ctx``.

        Float: log-space repeated squaring over an array of counts; ball: a
        rigorous ``arb`` enclosure from ``arb_mat`` squaring; exact: only where
        ``S(n) = 1`` (otherwise :class:`~bounds.numeric.contexts.NotExact`).
        """
        if ctx.kind == "float":
            return self._log_powers.log_survival(self._alpha, n)
        if ctx.kind == "ball":
            return ball_log_survival(ctx, self._states, self._alpha, int(n))
        value = self.survival_exact(int(n))
        if value is None:
            raise NotExact(f"S({n}) of {type(self).__name__} is beyond the exact bit-size cap")
        return ctx.log(value)

    def survival_exact(self, n: int) -> Fraction | None:
        r""":math:`\alpha Q^n \mathbf 1` as an exact rational, or ``None`` when it would exceed ~2e5 bits."""
        return exact_survival(self._states, self._alpha, int(n), _EXACT_BITS)

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
        reached = sum((self._alpha[i] for i in safe), Fraction(0))
        if not leaking:
            return reached
        system = [[Fraction(int(r == c)) - self._states[r][c] for c in leaking] for r in leaking]
        rhs = [sum((self._states[r][c] for c in safe), Fraction(0)) for r in leaking]
        solution = solve_exact(system, rhs)
        return reached + sum((self._alpha[i] * h for i, h in zip(leaking, solution, strict=True)), Fraction(0))

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
        if not 0 < rate < 1 or target >= 0 or self.limit_exact() > 0:
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
    def _float_block(self, states: Sequence[int]) -> np.ndarray:
        return np.array([[float(entry) for entry in row] for row in self._block(states)], dtype=np.float64).reshape(
            len(states), len(states)
        )

    def decay_rate(self) -> float:
        r"""Spectral radius of the reachable block that can still become unsafe: ``S(N) - S(inf) ~ c N^j rho^N``.

        States the lineage never reaches do not count: ``S`` is
        :math:`\alpha_R Q_{RR}^N \mathbf 1`, whose growth rate is the largest
        spectral radius among the reachable classes (Perron–Frobenius); states
        that can no longer become unsafe (the safe set) make up the limit.
        """
        states = self._undecided
        return float(np.max(np.abs(np.linalg.eigvals(self._float_block(states))))) if states else 0.0

    def decay_rate_mp(self, dps: int) -> mpmath.mpf:
        """The decay rate to ``dps`` digits (mpmath eigenvalues of the same block); a summary, not a proof."""
        states = self._undecided
        if not states:
            return mpmath.mpf(0)
        with mpmath.workdps(dps + 10):
            matrix = mpmath.matrix([[to_mpf(entry) for entry in row] for row in self._block(states)])
            values = mpmath.eig(matrix, left=False, right=False)
            radius = max(abs(value) for value in values)
        return +radius

    def _absorption_system(self, states: Sequence[int]) -> list[list[Fraction]]:
        return [[Fraction(int(r == c)) - self._states[r][c] for c in states] for r in states]

    def mean_generations(self) -> float:
        r"""Expected generations until unsafe, :math:`\alpha (I - Q)^{-1} \mathbf 1` (float, by a solve).

        ``inf`` when the lineage may stay safe for ever (:math:`S(\infty) > 0`).
        """
        if self.limit_exact() > 0:
            return math.inf
        states = self._reachable
        solution = np.linalg.solve(np.eye(len(states)) - self._float_block(states), np.ones(len(states)))
        return float(np.array([float(self._alpha[i]) for i in states]) @ solution)

    def mean_generations_exact(self) -> Fraction | None:
        r""":math:`\alpha (I - Q)^{-1} \mathbf 1` exactly (rational solve); ``None`` when it is infinite."""
        if self.limit_exact() > 0:
            return None
        states = self._reachable
        solution = solve_exact(self._absorption_system(states), [Fraction(1)] * len(states))
        return sum((self._alpha[i] * x for i, x in zip(states, solution, strict=True)), Fraction(0))

    def mean_absorption_generations_exact(self) -> Fraction | None:
        r"""Expected generations until absorption, safe *or* unsafe: :math:`\alpha (I - Q)^{-1} \mathbf 1` over ``Q``.

        Equal to :meth:`mean_generations_exact` without safe states; ``None``
        when some reachable state is never absorbed.
        """
        states = [state for state in self._reachable if state < len(self.Q)]
        if any(state not in self._absorbed for state in states):
            return None
        solution = solve_exact(self._absorption_system(states), [Fraction(1)] * len(states))
        return sum((self._alpha[i] * x for i, x in zip(states, solution, strict=True)), Fraction(0))

    def quasi_stationary(self) -> np.ndarray:
        r"""The quasi-stationary distribution: the left Perron vector of the block that can still become unsafe.

        The distribution over transient states of a lineage that has survived a
        long time: :math:`\lim_N P(\text{state} \mid \text{not yet absorbed})`
        when that block is irreducible (otherwise one of several limits).
        Other states get 0.
        """
        states = [state for state in self._undecided if state < len(self.Q)]
        full = np.zeros(len(self.Q))
        if not states:
            return full
        values, vectors = np.linalg.eig(self._float_block(states).T)
        index = int(np.argmax(values.real))
        vector = np.real(vectors[:, index])
        vector = vector / vector.sum()
        full[states] = np.where(np.abs(vector) < 1e-15, 0.0, vector)
        return full

    def describe(self) -> dict[str, Any]:
        mean = self.mean_generations_exact()
        summary = {
            **super().describe(),
            "decay_rate": self.decay_rate(),
            "mean_generations": float(mean) if mean is not None else None,
            "quasi_stationary": dict(zip(self.names, self.quasi_stationary().tolist(), strict=True)),
        }
        if self.safe is not None:
            absorption = self.mean_absorption_generations_exact()
            summary["probability_unsafe"] = float(1 - self.limit_exact())
            summary["mean_generations_to_absorption"] = float(absorption) if absorption is not None else None
        return summary

    def symbolic(self) -> SurvivalExpr:
        import sympy

        matrix, start = self._states, self._alpha
        size = len(matrix)
        n = sympy.Symbol("N", nonnegative=True, integer=True)
        q = sympy.MatrixSymbol("Q", size, size)
        alpha = sympy.MatrixSymbol("alpha", 1, size)
        product = alpha * sympy.MatPow(q, n) * sympy.OneMatrix(size, 1)
        # a 2-state chain has a closed form sympy can derive; larger ones stay a matrix power
        expr = product[0, 0] if size <= 2 else sympy.Trace(product)
        values = {
            q: sympy.ImmutableMatrix(size, size, [_rational(e) for row in matrix for e in row]),
            alpha: sympy.ImmutableMatrix(1, size, [_rational(e) for e in start]),
        }
        assumptions: tuple[str, ...] = (
            "each generation the lineage moves between transient states by Q (Markov property)",
            "what a row of Q lacks to sum to 1 is the probability of becoming unsafe, which is absorbing",
        )
        if self.safe is not None:
            assumptions += (
                "the safe absorbing set is the last state of Q: once caught, a lineage never becomes unsafe",
            )
        return SurvivalExpr(expr, n, values, assumptions)

    # -- simulation -----------------------------------------------------------------------------
    def sample_failure_generation(self, size: int, rng: np.random.Generator, horizon: int | None = None) -> np.ndarray:
        """Run ``size`` lineages through the chain step by step until each becomes unsafe.

        Lineages in states that can never become unsafe, or (with ``horizon``)
        still safe after ``horizon`` generations, are reported as never failing
        (``numpy.iinfo(np.int64).max``), which is exact for survival at ``N <= horizon``.
        """
        never = [index not in self._leaking for index in range(len(self._states))]
        failure, alive = simulate_absorption(
            self._states,
            self._exits,
            never,
            self._alpha,
            size,
            rng,
            horizon if horizon is not None else _MAX_SIMULATED_GENERATIONS,
        )
        if alive and horizon is None:
            raise BoundsError(
                f"simulation stopped after {_MAX_SIMULATED_GENERATIONS} generations with "
                f"{alive} lineages still safe (decay rate {self.decay_rate():.6g})"
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
