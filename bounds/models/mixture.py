r"""A latent shared flaw: a finite mixture of constant failure rates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.models._arrays import DISTRIBUTION, PROBABILITIES, probability_vector
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.independent import Independent
from bounds.models.parameters import parameter
from bounds.models.registry import register
from bounds.numeric.parse import format_number

__all__ = ["FiniteMixture"]

_EXACT_BITS = 200_000


@register("finite-mixture")
@dataclass(frozen=True, repr=False)
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

    Where ``S`` is near 1 the logarithm is taken as
    ``log1p(sum_k w_k expm1(N log1p(-epsilon_k)))`` (the weights sum to exactly 1),
    which keeps every digit of a tiny ``ln S``; elsewhere as the log-sum-exp
    ``m + ln sum_k w_k exp(N log1p(-epsilon_k) - m)``. The same two formulas run in
    floats and, rigorously, in balls. The marginal rate
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
    >>> FiniteMixture(weights=["0.5", "0.5"], rates=["0.00001", "0.00001"]).log_survival(1)
    -1.0000050000333337e-05
    >>> FiniteMixture(weights=[0.5, 0.4], rates=[0.1, 0.2])
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: weights must be probabilities summing to exactly 1 (read exactly they sum
    to 0.9), got [0.5, 0.4]
    """

    weights: Any = parameter(DISTRIBUTION, "probabilities w_k of the flaws")  # read as a tuple of Fractions
    rates: Any = parameter(
        PROBABILITIES, "per-generation failure probability epsilon_k of each flaw, one per weight",
        parse=lambda mixture, value: probability_vector(value, "rates", len(mixture.weights)))

    name = "finite-mixture"

    @property
    def mean(self) -> Fraction:
        """The marginal per-generation failure probability at generation 1, ``sum w_k eps_k``."""
        return sum((w * e for w, e in zip(self.weights, self.rates, strict=True)), Fraction(0))

    # -- the kernel protocol ---------------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """``ln S(n)``, ``S(n) = sum_k w_k (1 - epsilon_k)**n``; see the class Notes for the two forms."""
        if ctx.kind == "float":
            return self._log_survival_float(n)
        if n == 0:
            return ctx.zero
        # flaws with w_k = 0 add nothing; epsilon_k = 1 adds w_k * 0 to S for n >= 1 (w_k * expm1 = -w_k)
        parts = [(ctx.number(w), n * flaw.log_keep(ctx)) for w, flaw in self._flaws if flaw.epsilon < 1]
        if not parts:
            return -ctx.inf
        if self._near_one(float(n)):
            certain = ctx.sum(ctx.number(w) for w, flaw in self._flaws if flaw.epsilon == 1)
            return ctx.log1p(ctx.sum(w * ctx.expm1(log_keep) for w, log_keep in parts) - certain)
        # any shift m is exact: take the largest log-term's midpoint as an exact number
        shift = max(float(log_keep.mid()) + math.log(float(w.mid())) for w, log_keep in parts)
        m = ctx.number(shift)
        return m + ctx.log(ctx.sum(w * ctx.exp(log_keep - m) for w, log_keep in parts))

    def _near_one(self, n: float) -> bool:
        """Whether ``S(n) > 1/2`` by the float value (choosing a form only; both are identities)."""
        return bool(self._log_survival_float(np.asarray([n]))[0] > -math.log(2))

    def _log_survival_float(self, n: np.ndarray) -> np.ndarray:
        flat = np.asarray(n, dtype=np.float64).reshape(-1, 1)
        weights = np.array([float(w) for w, _ in self._flaws])
        log_keep = np.array([flaw._log_keep for _, flaw in self._flaws])
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            terms = np.where(flat == 0, 0.0, flat * log_keep)
            near = np.log1p(np.sum(weights * np.expm1(terms), axis=1))
            logs = terms + np.log(weights)
            shift = np.max(logs, axis=1, keepdims=True)
            finite = np.isfinite(shift)
            shift = np.where(finite, shift, 0.0)
            far = np.where(finite[:, 0], shift[:, 0] + np.log(np.sum(np.exp(logs - shift), axis=1)), -np.inf)
        value = np.where(far > -math.log(2), near, far)
        return value.reshape(np.shape(n))

    @property
    def _flaws(self) -> tuple[tuple[Fraction, Independent], ...]:
        """``(w_k, Independent(epsilon_k))`` for the flaws with positive weight (built once)."""
        cached = self.__dict__.get("_flaws_cache")
        if cached is None:
            cached = tuple(
                (w, Independent.exactly(e)) for w, e in zip(self.weights, self.rates, strict=True) if w > 0
            )
            object.__setattr__(self, "_flaws_cache", cached)
        return cached

    def survival_exact(self, n: int) -> Fraction | None:
        size = max((1 - e).denominator.bit_length() for e in self.rates)
        if n * size > _EXACT_BITS:
            return None
        return sum((w * (1 - e) ** n for w, e in zip(self.weights, self.rates, strict=True)), Fraction(0))

    def log_limit(self, ctx: Any) -> Any:
        """``ln S(infinity) = ln sum_{k: epsilon_k = 0} w_k`` (``-inf`` when no flaw is harmless)."""
        return ctx.log(ctx.number(self.limit_exact()))

    def limit_exact(self) -> Fraction:
        return sum((w for w, e in zip(self.weights, self.rates, strict=True) if e == 0), Fraction(0))

    def symbolic(self) -> SurvivalExpr:
        import sympy  # the report layer's dependency, loaded only for symbolic forms

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
