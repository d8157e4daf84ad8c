r"""A latent shared flaw: a finite mixture of constant failure rates."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy
from scipy.special import logsumexp

from bounds.models._arrays import probability_vector, require_sum_one
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numeric.parse import format_number, to_mpf

__all__ = ["FiniteMixture"]

_EXACT_BITS = 200_000


@register("finite-mixture")
@dataclass(frozen=True, repr=False, init=False)
class FiniteMixture(SurvivalModel):
    r"""With probability ``w_k`` the lineage carries flaw ``k`` and fails at rate ``epsilon_k``.

    Parameters
    ----------
    weights : sequence of numbers
        Probabilities ``w_k`` of the flaws; read exactly, they must sum to exactly 1
        (``["0.1", "0.2", "0.7"]`` does; the floats ``0.1, 0.2, 0.7`` do too, since a
        float means its printed decimal).
    rates : sequence of numbers
        Per-generation failure probabilities ``epsilon_k`` in ``[0, 1]``, one per weight.

    Notes
    -----
    .. math:: S(N) = \sum_k w_k (1 - \varepsilon_k)^N,
              \qquad S(\infty) = \sum_{k:\ \varepsilon_k = 0} w_k

    computed as ``logsumexp(ln w_k + N log1p(-epsilon_k))``. The marginal rate
    at generation 1 is ``sum_k w_k epsilon_k``; as with
    :class:`~bounds.BetaMixture`, survival exceeds the independent model at
    that marginal rate (Jensen), because lineages that survive are evidence of
    a mild flaw, and the risk concentrates in the lineages with a severe one.
    A flaw with ``epsilon_k = 0`` makes the budget unbounded whenever its
    weight reaches ``T``.

    References
    ----------
    G. J. McLachlan, D. Peel, *Finite Mixture Models*, Wiley (2000), ch. 1.

    Examples
    --------
    >>> model = FiniteMixture(weights=["0.9", "0.1"], rates=["0.0001", "0.01"])
    >>> model.survival_exact(2)
    Fraction(997830009, 1000000000)
    >>> model.budget("0.9").n
    181
    >>> FiniteMixture(weights=[0.5, 0.4], rates=[0.1, 0.2])
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: weights must be probabilities summing to exactly 1 (read exactly they sum
    to 0.9), got [0.5, 0.4]
    """

    weights: tuple[Fraction, ...]
    rates: tuple[Fraction, ...]

    name = "finite-mixture"

    def __init__(self, weights: Any, rates: Any) -> None:
        parsed_weights = probability_vector(weights, "weights")
        require_sum_one(parsed_weights, "weights", weights)
        parsed_rates = probability_vector(rates, "rates", len(parsed_weights))
        object.__setattr__(self, "weights", parsed_weights)
        object.__setattr__(self, "rates", parsed_rates)

    @classmethod
    def from_spec(cls, spec: Spec) -> FiniteMixture:
        return cls(spec.get("weights"), spec.get("rates"))

    def parameters(self) -> dict[str, Any]:
        return {"weights": list(self.weights), "rates": list(self.rates)}

    @property
    def mean(self) -> Fraction:
        """The marginal per-generation failure probability at generation 1, ``sum w_k eps_k``."""
        return sum((w * e for w, e in zip(self.weights, self.rates, strict=True)), Fraction(0))

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        keep = [w > 0 for w in self.weights]
        log_weights = np.log([float(w) for w, k in zip(self.weights, keep, strict=True) if k])
        rates = np.array([float(e) for e, k in zip(self.rates, keep, strict=True) if k])
        with np.errstate(divide="ignore"):
            log_keep = np.log1p(-rates)
        flat = np.asarray(n, dtype=np.float64).reshape(-1, 1)
        with np.errstate(invalid="ignore"):
            terms = np.where(flat == 0, 0.0, flat * log_keep)
        return np.asarray(logsumexp(terms + log_weights, axis=1)).reshape(np.shape(n))

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        guard = 10 + len(str(n)) + max(len(str(e.denominator)) for e in self.rates)
        with mpmath.workdps(dps + guard):
            total = mpmath.fsum(
                to_mpf(w) * mpmath.exp(n * mpmath.log1p(-to_mpf(e))) if e < 1 else to_mpf(w) * (n == 0)
                for w, e in zip(self.weights, self.rates, strict=True)
                if w > 0
            )
        return +total

    def survival_exact(self, n: int) -> Fraction | None:
        size = max((1 - e).denominator.bit_length() for e in self.rates)
        if n * size > _EXACT_BITS:
            return None
        return sum((w * (1 - e) ** n for w, e in zip(self.weights, self.rates, strict=True)), Fraction(0))

    def limit_exact(self) -> Fraction:
        return sum((w for w, e in zip(self.weights, self.rates, strict=True) if e == 0), Fraction(0))

    def limit_mp(self, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.limit_exact())

    def symbolic(self) -> SurvivalExpr:
        n = sympy.Symbol("N", nonnegative=True)
        count = len(self.weights)
        ws = sympy.symbols(f"w_1:{count + 1}", nonnegative=True)
        es = sympy.symbols(f"varepsilon_1:{count + 1}", nonnegative=True)
        expr = sympy.Add(*[w * (1 - e) ** n for w, e in zip(ws, es, strict=True)])
        values = {
            symbol: sympy.Rational(v.numerator, v.denominator)
            for symbol, v in zip(ws, self.weights, strict=True)
        }
        values.update(
            {
                symbol: sympy.Rational(v.numerator, v.denominator)
                for symbol, v in zip(es, self.rates, strict=True)
            }
        )
        return SurvivalExpr(
            expr,
            n,
            values,
            (
                "the lineage carries one latent flaw k, with probability w_k, fixed for all generations",
                f"given flaw k, failures are independent with rate epsilon_k; marginal rate "
                f"{format_number(self.mean)} at generation 1",
            ),
        )

    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """First-failure generations: draw the flaw ``k ~ w``, then a geometric time at ``epsilon_k``."""
        weights = np.array([float(w) for w in self.weights])
        flaw = rng.choice(len(weights), size=size, p=weights / weights.sum())
        rates = np.array([float(e) for e in self.rates])[flaw]
        never = rates <= 0
        times = rng.geometric(np.where(never, 1.0, rates))
        return np.where(never, np.iinfo(np.int64).max, times).astype(np.int64)
