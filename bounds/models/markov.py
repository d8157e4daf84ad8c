r"""Regime-switching failure rates: the Gilbert–Elliott (Markov-modulated) model."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import mpmath
import numpy as np
import sympy
from mpmath import iv

from bounds.models._arrays import probability_matrix, probability_vector, require_sum_one
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numeric.interval import endpoints, interval_fraction, interval_precision
from bounds.numeric.parse import format_number, to_mpf

__all__ = ["MarkovModulated"]

_EXACT_BITS = 200_000


def _rescaled_powers(matrix: np.ndarray, count: int) -> list[tuple[np.ndarray, float]]:
    """``M**(2**k) = exp(s_k) A_k`` with ``max A_k = 1`` for ``k < count``: squaring never overflows."""
    powers = []
    current, scale = matrix.copy(), 0.0
    for _ in range(count):
        peak = current.max()
        if peak > 0:
            current, scale = current / peak, scale + math.log(peak)
        else:
            scale = -math.inf
        powers.append((current, scale))
        current, scale = current @ current, 2 * scale
    return powers


@register("markov")
@dataclass(frozen=True, repr=False, init=False)
class MarkovModulated(SurvivalModel):
    r"""Hidden regimes with their own failure rates, switching as a Markov chain (Gilbert–Elliott).

    Parameters
    ----------
    transition : square matrix (list of rows)
        ``P[i][j]`` = probability of moving from regime ``i`` to regime ``j``
        between generations; every row must sum to exactly 1.
    failure : sequence
        Per-regime failure probability ``f_i`` at a generation spent in regime ``i``.
    initial : sequence
        Distribution ``pi`` of the regime at generation 1 (sums to exactly 1).

    Notes
    -----
    With ``D = diag(1 - f)``,

    .. math:: S(N) = \pi D (P D)^{N-1} \mathbf 1, \qquad S(N) \approx c\, r^N,
              \quad r = \rho(P D) \text{ (spectral radius)}.

    ``S(N)`` is evaluated by repeated squaring with rescaling (``M**(2**k) =
    exp(s_k) A_k``), so ``N = 1e15`` costs about 50 small matrix products and
    ``log_survival`` stays finite where ``S`` underflows (the reference chain
    has ``S(1e12) = 6.17e-918556498``). Certification uses the same squaring in
    mpmath interval arithmetic. Failures are correlated through the regime: a
    bad regime brings bursts of high risk, while the long-run marginal rate is
    ``sum_i stationary_i f_i``.

    References
    ----------
    E. N. Gilbert, "Capacity of a burst-noise channel", Bell Syst. Tech. J. 39 (1960).
    E. O. Elliott, "Estimates of error rates for codes on burst-noise channels",
    Bell Syst. Tech. J. 42 (1963).

    Examples
    --------
    >>> model = MarkovModulated(
    ...     transition=[["0.99", "0.01"], ["0.2", "0.8"]], failure=["0.0001", "0.05"], initial=[1, 0])
    >>> model.survival_exact(2)   # 0.9999 * (0.99 * 0.9999 + 0.01 * 0.95)
    Fraction(9993010599, 10000000000)
    >>> round(model.log_survival(10**12) / math.log(10), 3)
    -918556497.21
    >>> round(model.decay_rate(), 9)
    0.997887181
    """

    transition: tuple[tuple[Fraction, ...], ...]
    failure: tuple[Fraction, ...]
    initial: tuple[Fraction, ...]

    name = "markov"

    def __init__(self, transition: Any, failure: Any, initial: Any) -> None:
        matrix = probability_matrix(transition, "transition")
        for index, row in enumerate(matrix):
            require_sum_one(row, f"transition row {index}", _items_of(transition)[index])
        size = len(matrix)
        rates = probability_vector(failure, "failure", size)
        start = probability_vector(initial, "initial", size)
        require_sum_one(start, "initial", initial)
        object.__setattr__(self, "transition", matrix)
        object.__setattr__(self, "failure", rates)
        object.__setattr__(self, "initial", start)

    @classmethod
    def from_spec(cls, spec: Spec) -> MarkovModulated:
        return cls(spec.get("transition"), spec.get("failure"), spec.get("initial"))

    def parameters(self) -> dict[str, Any]:
        return {
            "transition": [list(row) for row in self.transition],
            "failure": list(self.failure),
            "initial": list(self.initial),
        }

    # -- float path -----------------------------------------------------------------------
    @cached_property
    def _float_parts(self) -> tuple[np.ndarray, np.ndarray]:
        keep = np.array([float(1 - f) for f in self.failure])
        matrix = np.array([[float(p) for p in row] for row in self.transition]) * keep[None, :]
        start = np.array([float(p) for p in self.initial]) * keep
        return matrix, start

    @cached_property
    def _powers(self) -> list[tuple[np.ndarray, float]]:
        return _rescaled_powers(self._float_parts[0], 64)

    @cached_property
    def _deficit_powers(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(M_k, u_k)`` with ``M_k = (P D)**(2**k)`` and ``u_k = 1 - M_k 1``, without rescaling.

        ``u_0 = P f`` and ``u_{k+1} = u_k + M_k u_k`` add non-negative numbers only,
        so failure probabilities near 0 keep their relative precision (``1 - S``
        computed as a difference would lose it when the rates are tiny).
        """
        matrix, _ = self._float_parts
        transition = np.array([[float(p) for p in row] for row in self.transition])
        deficit = transition @ np.array([float(f) for f in self.failure])
        powers = []
        for _ in range(64):
            powers.append((matrix, deficit))
            deficit = deficit + matrix @ deficit
            matrix = matrix @ matrix
        return powers

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        flat = np.asarray(n, dtype=np.float64).ravel()
        exponents = [max(int(value) - 1, 0) for value in flat]
        powers = self._powers
        if max(exponents).bit_length() > len(powers):
            powers = _rescaled_powers(self._float_parts[0], max(exponents).bit_length())
        result = np.array([self._log_survival_one(exponent, powers) for exponent in exponents])
        result = np.where(flat == 0, 0.0, result)
        return result.reshape(np.shape(n))

    def _log_failure_one(self, exponent: int) -> float:
        """``ln S`` through ``1 - S = pi f + pi D u`` (accurate when ``S`` is near 1)."""
        size = len(self.failure)
        accumulated, deficit = np.eye(size), np.zeros(size)
        k = 0
        while exponent:
            if exponent & 1:
                matrix, step = self._deficit_powers[k]
                deficit = deficit + accumulated @ step
                accumulated = accumulated @ matrix
            exponent >>= 1
            k += 1
        start = np.array([float(p) for p in self.initial])
        failed = float(start @ np.array([float(f) for f in self.failure]) + self._float_parts[1] @ deficit)
        return math.log1p(-failed) if failed < 1 else -math.inf

    def _log_survival_one(self, exponent: int, powers: list[tuple[np.ndarray, float]]) -> float:
        """``ln(pi D (P D)**exponent 1)``: one rescaled vector-matrix product per set bit."""
        exponent_in = exponent
        vector = self._float_parts[1]
        log_scale = 0.0
        k = 0
        while exponent:
            if exponent & 1:
                matrix, scale = powers[k]
                vector = vector @ matrix
                peak = vector.max()
                if peak <= 0:
                    return -math.inf
                vector = vector / peak
                log_scale += scale + math.log(peak)
            exponent >>= 1
            k += 1
        total = float(vector.sum())
        value = log_scale + math.log(total) if total > 0 else -math.inf
        if value > -0.7 and exponent_in < 2**64:
            # S > 1/2: the product of numbers near 1 has lost the digits of 1 - S; use the deficit form
            return self._log_failure_one(exponent_in)
        return value

    # -- high precision -----------------------------------------------------------------------
    def _guard_bits(self, n: int) -> int:
        # every squaring can double the relative error: carry bits(n) + size guard bits
        return 2 * n.bit_length() + 8 * len(self.failure) + 40

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        if n == 0:
            return mpmath.mpf(1)
        with mpmath.workprec(int(3.33 * dps) + self._guard_bits(n)):
            keep = [1 - to_mpf(f) for f in self.failure]
            matrix = mpmath.matrix(
                [[to_mpf(p) * keep[j] for j, p in enumerate(row)] for row in self.transition]
            )
            vector = mpmath.matrix([[to_mpf(p) * keep[j] for j, p in enumerate(self.initial)]])
            exponent = n - 1
            while exponent:
                if exponent & 1:
                    vector = vector * matrix
                exponent >>= 1
                if exponent:
                    matrix = matrix * matrix
            total = mpmath.fsum(vector[0, j] for j in range(vector.cols))
        return +total

    def survival_bounds(self, n: int, dps: int) -> tuple[mpmath.mpf, mpmath.mpf] | None:
        if n == 0:
            return None
        with interval_precision(int(3.33 * dps) + self._guard_bits(n)):
            keep = [1 - interval_fraction(f) for f in self.failure]
            matrix = iv.matrix(
                [[interval_fraction(p) * keep[j] for j, p in enumerate(row)] for row in self.transition]
            )
            vector = iv.matrix([[interval_fraction(p) * keep[j] for j, p in enumerate(self.initial)]])
            exponent = n - 1
            while exponent:
                if exponent & 1:
                    vector = vector * matrix
                exponent >>= 1
                if exponent:
                    matrix = matrix * matrix
            total = vector[0, 0]
            for j in range(1, vector.cols):
                total = total + vector[0, j]
            return endpoints(total)

    def survival_exact(self, n: int) -> Fraction | None:
        size = max(p.denominator.bit_length() for row in self.transition for p in row)
        size += max((1 - f).denominator.bit_length() for f in self.failure)
        if n * size * len(self.failure) > _EXACT_BITS:
            return None
        keep = [1 - f for f in self.failure]
        vector = [p * keep[j] for j, p in enumerate(self.initial)]
        for _ in range(max(n - 1, 0)):
            vector = [
                sum((vector[i] * self.transition[i][j] for i in range(len(vector))), Fraction(0)) * keep[j]
                for j in range(len(vector))
            ]
        return sum(vector, Fraction(0)) if n else Fraction(1)

    # -- limits and rates -------------------------------------------------------------------------
    def limit_exact(self) -> Fraction:
        """``S(infinity)``: the chance of reaching a closed set of failure-free regimes before failing."""
        size = len(self.failure)
        safe = {i for i in range(size) if self.failure[i] == 0}
        changed = True
        while changed:
            leaking = {
                i for i in safe if any(self.transition[i][j] > 0 for j in range(size) if j not in safe)
            }
            changed = bool(leaking)
            safe -= leaking
        if not safe:
            return Fraction(0)
        others = [i for i in range(size) if i not in safe]
        reached = sum((self.initial[i] for i in safe), Fraction(0))
        if not others:
            return reached
        # h_i = (1 - f_i) (sum_{j outside} P_ij h_j + sum_{j safe} P_ij), solved exactly
        system = sympy.Matrix(
            [
                [
                    sympy.Rational(int(i == j)) - _rational((1 - self.failure[i]) * self.transition[i][j])
                    for j in others
                ]
                for i in others
            ]
        )
        rhs = sympy.Matrix(
            [_rational((1 - self.failure[i]) * sum(self.transition[i][j] for j in safe)) for i in others]
        )
        solution = system.LUsolve(rhs)
        total = reached + sum(
            (self.initial[i] * Fraction(str(solution[k])) for k, i in enumerate(others)), Fraction(0)
        )
        return total

    def limit_mp(self, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.limit_exact())

    def decay_rate(self) -> float:
        """Spectral radius of ``P D``: ``S(N+1)/S(N)`` tends to it (``S ~ c r**N``)."""
        matrix, _ = self._float_parts
        return float(np.max(np.abs(np.linalg.eigvals(matrix))))

    def stationary_failure_rate(self) -> float:
        """Long-run marginal failure rate ``sum_i stationary_i f_i`` of a regime chain (if unique)."""
        matrix = np.array([[float(p) for p in row] for row in self.transition])
        values, vectors = np.linalg.eig(matrix.T)
        stationary = np.real(vectors[:, np.argmin(np.abs(values - 1))])
        stationary = stationary / stationary.sum()
        return float(stationary @ np.array([float(f) for f in self.failure]))

    def symbolic(self) -> SurvivalExpr:
        """``pi D (P D)**(N-1) 1``: an explicit closed form in ``N`` for two regimes, else matrix symbols.

        With three or more regimes the expression keeps ``P``, ``D`` and ``pi`` as
        matrix symbols (for display only; the closed form would need the roots of
        a cubic or worse), and its ``values`` are empty.
        """
        size = len(self.failure)
        n = sympy.Symbol("N", integer=True, positive=True)
        assumptions = (
            "a hidden regime follows a Markov chain with transition matrix P, starting from pi",
            "given the regime sequence, failures are independent with per-regime rates "
            + ", ".join(format_number(f) for f in self.failure),
        )
        if size <= 2:
            keep = sympy.diag(*[_rational(1 - f) for f in self.failure])
            step = sympy.Matrix([[_rational(p) for p in row] for row in self.transition]) * keep
            start = sympy.Matrix([[_rational(p) for p in self.initial]])
            expr = (start * keep * step ** (n - 1) * sympy.ones(size, 1))[0]
            # left unsimplified: simplify() pulls out c**-N, which lambdify evaluates as an underflowing float
            return SurvivalExpr(expr, n, {}, assumptions)
        transition = sympy.MatrixSymbol("P", size, size)
        keep_symbol = sympy.MatrixSymbol("D", size, size)
        start_symbol = sympy.MatrixSymbol("pi", 1, size)
        ones = sympy.MatrixSymbol("1", size, 1)
        # the trace of the 1 x 1 product is its only entry; indexing [0, 0] makes sympy expand the power
        expr = sympy.Trace(start_symbol * keep_symbol * sympy.MatPow(transition * keep_symbol, n - 1) * ones)
        return SurvivalExpr(expr, n, {}, assumptions)

    def sample_failure_generation(
        self, size: int, rng: np.random.Generator, horizon: int = 10**6
    ) -> np.ndarray:
        """First-failure generations by running each lineage's regime chain step by step.

        Lineages still aligned after ``horizon`` generations are reported as never failing
        (``numpy.iinfo(np.int64).max``), which is exact for survival at ``N <= horizon``.
        """
        cumulative = np.cumsum(np.array([[float(p) for p in row] for row in self.transition]), axis=1)
        cumulative[:, -1] = 1.0
        rates = np.array([float(f) for f in self.failure])
        start = np.array([float(p) for p in self.initial])
        states = rng.choice(len(rates), size=size, p=start / start.sum())
        result = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
        alive = np.arange(size)
        generation = 1
        while alive.size and generation <= horizon:
            failed = rng.random(alive.size) < rates[states]
            result[alive[failed]] = generation
            alive, states = alive[~failed], states[~failed]
            draws = rng.random(alive.size)
            states = (draws[:, None] >= cumulative[states]).sum(axis=1)
            generation += 1
        return result


def _rational(value: Fraction) -> sympy.Rational:
    return sympy.Rational(value.numerator, value.denominator)


def _items_of(value: Any) -> list[Any]:
    return list(value.tolist()) if isinstance(value, np.ndarray) else list(value)
