r"""Regime-switching failure rates: the Gilbert–Elliott (Markov-modulated) model, an absorbing chain."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.models._arrays import DISTRIBUTION, PROBABILITIES, STOCHASTIC_MATRIX, probability_vector, require_sum_one
from bounds.models.absorbing import AbsorbingChain
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.numeric.parse import format_number

__all__ = ["MarkovModulated"]


@register("markov")
@dataclass(frozen=True, repr=False, init=False)
class MarkovModulated(AbsorbingChain):
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

    .. math:: S(N) = \pi D (P D)^{N-1} \mathbf 1 = \pi (D P)^N \mathbf 1, \qquad
              S(N) \approx c\, r^N, \quad r = \rho(D P) = \rho(P D),

    the second form because :math:`P \mathbf 1 = \mathbf 1`. So the model *is*
    the absorbing chain with transient states = regimes, :math:`Q = D P`
    (survive the generation in regime ``i``, then switch by ``P``),
    :math:`\alpha = \pi`, and exit probabilities exactly ``f``; every
    computation (float, ball, exact, limit, decay rate, mean time) is
    :class:`~bounds.models.absorbing.AbsorbingChain`'s. Unlike a plain
    absorbing chain, a closed class of failure-free regimes is allowed: then
    :math:`S(\infty) > 0`. The reference chain has ``S(1e12) = 6.17e-918556498``.
    Failures are correlated through the regime: a bad regime brings bursts of
    high risk, while the long-run marginal rate is ``sum_i stationary_i f_i``.

    References
    ----------
    E. N. Gilbert, "Capacity of a burst-noise channel", Bell Syst. Tech. J. 39 (1960).
    E. O. Elliott, "Estimates of error rates for codes on burst-noise channels",
    Bell Syst. Tech. J. 42 (1963).

    Examples
    --------
    >>> import math
    >>> model = MarkovModulated(
    ...     transition=[["0.99", "0.01"], ["0.2", "0.8"]], failure=["0.0001", "0.05"], initial=[1, 0])
    >>> model.survival_exact(2)   # 0.9999 * (0.99 * 0.9999 + 0.01 * 0.95)
    Fraction(9993010599, 10000000000)
    >>> round(model.log_survival(10**12) / math.log(10), 3)
    -918556497.21
    >>> round(model.decay_rate(), 9)
    0.997887181
    >>> [str(entry) for entry in model.Q[0]]   # the absorbing chain: Q = diag(1 - f) P
    ['989901/1000000', '9999/1000000']
    """

    # the chain's Q, names and safe are derived here, not parameters
    Q: Any = None
    names: Any = None
    safe: Any = None
    transition: tuple[tuple[Fraction, ...], ...] = parameter(
        STOCHASTIC_MATRIX, "P[i][j]: probability of moving from regime i to regime j between generations")
    failure: tuple[Fraction, ...] = parameter(
        PROBABILITIES, "per-regime failure probability f_i at a generation spent in regime i",
        parse=lambda model, value: probability_vector(value, "failure", len(model.transition)))
    initial: Any = parameter(DISTRIBUTION, "distribution pi of the regime at generation 1",
                             parse=lambda model, value: _initial(value, len(model.transition)))

    name = "markov"

    def __init__(self, transition: Any, failure: Any, initial: Any) -> None:
        object.__setattr__(self, "transition", transition)
        object.__setattr__(self, "failure", failure)
        object.__setattr__(self, "initial", initial)
        self.__post_init__()

    def __post_init__(self) -> None:
        SurvivalModel.__post_init__(self)  # the declared parameters; the chain below needs no further checks
        rates = self.failure
        object.__setattr__(self, "Q", tuple(tuple((1 - rates[i]) * p for p in row)
                                            for i, row in enumerate(self.transition)))
        object.__setattr__(self, "names", tuple(f"regime {index}" for index in range(len(rates))))

    __repr__ = SurvivalModel.__repr__

    def stationary_failure_rate(self) -> float:
        """Long-run marginal failure rate ``sum_i stationary_i f_i`` of a regime chain (if unique)."""
        matrix = np.array([[float(p) for p in row] for row in self.transition])
        values, vectors = np.linalg.eig(matrix.T)
        stationary = np.real(vectors[:, np.argmin(np.abs(values - 1))])
        stationary = stationary / stationary.sum()
        return float(stationary @ np.array([float(f) for f in self.failure]))

    def symbolic(self) -> SurvivalExpr:
        """``pi D (P D)**(N-1) 1`` in the model's own parameters (the chain's ``alpha Q**N 1`` in other letters).

        An explicit closed form in ``N`` for two regimes; with three or more the
        expression keeps ``P``, ``D`` and ``pi`` as matrix symbols (for display
        only; the closed form would need the roots of a cubic or worse), and its
        ``values`` are empty.
        """
        import sympy

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

    def sample_failure_generation(self, size: int, rng: np.random.Generator, horizon: int | None = 10**6) -> np.ndarray:
        """First-failure generations from the chain; lineages still aligned after ``horizon`` never fail.

        (Reported as ``numpy.iinfo(np.int64).max``, which is exact for survival at ``N <= horizon``.)
        """
        return super().sample_failure_generation(size, rng, horizon)


def _rational(value: Fraction) -> Any:
    import sympy

    return sympy.Rational(value.numerator, value.denominator)


def _initial(value: Any, size: int) -> tuple[Fraction, ...]:
    start = probability_vector(value, "initial", size)
    require_sum_one(start, "initial", value)
    return start
