r"""Exchangeable (de Finetti) failures: the lineage's rate is itself uncertain.

:class:`BetaMixture` draws one failure rate ``epsilon ~ Beta(a, b)`` per
lineage and then fails independently at that rate at every generation. Every
generation has the same *marginal* failure probability ``mean = a/(a+b)``;
the draws are positively correlated within a lineage, with intra-lineage
correlation ``rho = 1/(a+b+1)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy

from bounds.errors import ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel, as_generation_array
from bounds.models.registry import Spec, register
from bounds.numeric.parse import exact, format_number, positive, to_mpf
from bounds.report.compare import ComparisonRow, comparison_row
from bounds.solve.budget import Budget, solve

__all__ = ["BetaMixture"]

#: Generation counts up to this are summed term by term (``log1p`` of each factor).
_DIRECT = 256
#: Above this ``a`` the asymptotic tail loses digits to cancellation; mpmath takes over.
_ASYMPTOTIC_MAX_A = 1e4
#: Exact rational survival is offered while the product stays below this many bits.
_EXACT_BITS = 400_000
#: Bernoulli coefficients B_2k / (2k (2k-1)) of the Stirling series of log Gamma.
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188)


def _log1pmx_neg(u: np.ndarray) -> np.ndarray:
    """``u - log1p(u)`` for ``u >= 0`` without cancellation (series below 0.1)."""
    u = np.asarray(u, dtype=np.float64)
    small = u < 0.1
    series = np.zeros_like(u)
    power = np.where(small, u, 0.0)
    term_u = power.copy()
    for k in range(2, 24):
        term_u = term_u * np.where(small, u, 0.0)
        series += (-1) ** k * term_u / k
    with np.errstate(invalid="ignore"):
        direct = u - np.log1p(u)
    return np.where(small, series, direct)


def _stirling_difference(x: np.ndarray, a: float) -> np.ndarray:
    """``R(x + a) - R(x)`` for the Stirling remainder ``R``, stable for tiny ``a``.

    ``(x+a)**-m - x**-m = x**-m * expm1(-m * log1p(a/x))`` keeps every digit
    when ``a`` is far below ``x`` (where ``x + a == x`` in floats).
    """
    shrink = np.log1p(a / x)
    total = np.zeros_like(x)
    for k, coefficient in enumerate(_STIRLING, start=1):
        power = 2 * k - 1
        total += coefficient * x ** (-power) * np.expm1(-power * shrink)
    return total


def _log_ratio_tail(x0: float, count: np.ndarray, a: float) -> np.ndarray:
    r"""``ln[Gamma(x0+N) Gamma(x0+a) / (Gamma(x0) Gamma(x0+a+N))]`` for ``x0 >= 256``.

    With ``G(x) = ln Gamma(x+a) - ln Gamma(x)`` and Stirling's series,
    ``G(x) = H(x) + a ln(x+a) + R(x+a) - R(x)`` where
    ``H(x) = (x - 1/2) log1p(a/x) - a = -x (u - log1p u) - log1p(u)/2``, ``u = a/x``.
    The result ``-(G(x0+N) - G(x0))`` is assembled from differences that never
    subtract two large numbers while ``a`` is moderate.
    """

    def h(x: np.ndarray) -> np.ndarray:
        u = a / x
        return -x * _log1pmx_neg(u) - 0.5 * np.log1p(u)

    end = x0 + count
    base = np.asarray(x0, dtype=np.float64)
    change = (
        a * np.log1p(count / (x0 + a))
        + (h(end) - h(base))
        + (_stirling_difference(end, a) - _stirling_difference(base, a))
    )
    return -change


def _log_survival_mp(a: Fraction, b: Fraction, n: int, dps: int) -> mpmath.mpf:
    """``ln S(n) = ln Gamma(b+n) - ln Gamma(a+b+n) - ln Gamma(b) + ln Gamma(a+b)``, to ``10**-dps``."""
    magnitude = float(a + b) + n + 3.0
    # the four log-gammas are about magnitude*ln(magnitude); their digits are guard digits
    guard = 12 + int(math.log10(magnitude * max(1.0, math.log(magnitude))))
    with mpmath.workdps(dps + guard):
        a_mp, b_mp = to_mpf(a), to_mpf(b)
        value = (
            mpmath.loggamma(b_mp + n)
            - mpmath.loggamma(a_mp + b_mp + n)
            - mpmath.loggamma(b_mp)
            + mpmath.loggamma(a_mp + b_mp)
        )
    return value


@register("beta-mixture")
@dataclass(frozen=True, repr=False, init=False)
class BetaMixture(SurvivalModel):
    r"""Exchangeable failures: each lineage's rate is drawn once from ``Beta(a, b)``.

    Parameters
    ----------
    a, b : number, optional
        Shape parameters, both ``> 0`` (exact).
    mean : number, optional
        The marginal per-generation failure probability ``a/(a+b)``, in ``(0, 1)``.
    rho : number, optional
        Intra-lineage correlation ``1/(a+b+1)`` of the failure indicators, in ``(0, 1)``.
        Give exactly one of the pairs ``(a, b)`` and ``(mean, rho)``.

    Notes
    -----
    A lineage draws ``epsilon ~ Beta(a, b)`` and then fails independently with
    probability ``epsilon`` at each generation, so by de Finetti's theorem the
    failure indicators are exchangeable and

    .. math:: S(N) = E[(1-\varepsilon)^N] = \frac{B(a, b+N)}{B(a, b)}
              = \prod_{j=0}^{N-1} \frac{b+j}{a+b+j}
              \sim \frac{\Gamma(a+b)}{\Gamma(b)} N^{-a},

    with ``P(F_i) = a/(a+b)`` and ``corr(F_i, F_j) = 1/(a+b+1)`` for ``i != j``.

    **What is held fixed.** Comparing with :class:`~bounds.Independent` at the
    same ``epsilon = mean`` holds the *marginal* rate fixed: every generation
    fails with the same probability in both models. By Jensen's inequality
    ``E[(1-epsilon)^N] >= (1-E[epsilon])^N``, so survival is *higher* under
    positive correlation and decays as a power law instead of exponentially
    (``mean = 0.001, rho = 0.01, T = 0.605`` gives ``N* = 15667`` against
    ``502``). This is not "correlation is good": the risk is not removed but
    concentrated. Most lineages draw a tiny rate and survive long; a few draw a
    large rate and fail almost at once, and nothing observable in advance says
    which lineage one is in. The *conditional* rate of a lineage that has
    survived ``k`` generations is ``a/(a+b+k)``, so survival is evidence of a
    good draw; the unconditional answer averages over lineages that are
    doomed. The budget under *any* dependence with the same marginals can be
    far lower (Frechet: 395 in the example), see :mod:`bounds.marginal.dependence`.

    Numerics: ``betaln(a, b+N) - betaln(a, b)`` cancels catastrophically when
    ``a + b`` is large. The float path sums ``log1p(-a/(a+b+j))`` for the first
    256 generations and continues with a difference form of Stirling's series
    that never subtracts large numbers (mpmath log-gamma when ``a > 1e4``).

    References
    ----------
    B. de Finetti, "La prevision: ses lois logiques, ses sources subjectives" (1937).
    N. L. Johnson, A. W. Kemp, S. Kotz, *Univariate Discrete Distributions*, 3rd ed.,
    Wiley (2005), §6.2.2 (the beta-geometric distribution).

    Examples
    --------
    >>> model = BetaMixture(mean="0.001", rho="0.01")
    >>> model.a, model.b
    (Fraction(99, 1000), Fraction(98901, 1000))
    >>> model.budget("0.605").n
    15667
    >>> round(model.survival(500), 6)
    0.836379
    >>> BetaMixture(a=1, b=1).survival_exact(3)   # B(1, 4)/B(1, 1)
    Fraction(1, 4)
    """

    a: Fraction
    b: Fraction

    name = "beta-mixture"

    def __init__(self, a: Any = None, b: Any = None, *, mean: Any = None, rho: Any = None) -> None:
        by_shape = a is not None or b is not None
        by_moments = mean is not None or rho is not None
        if (
            by_shape == by_moments
            or (by_shape and (a is None or b is None))
            or (by_moments and (mean is None or rho is None))
        ):
            raise ParameterError(
                "BetaMixture parameters",
                "exactly one pair: (a, b) or (mean, rho)",
                {"a": a, "b": b, "mean": mean, "rho": rho},
            )
        if by_shape:
            shape_a, shape_b = positive(a, "a"), positive(b, "b")
        else:
            average, correlation = exact(mean, "mean"), exact(rho, "rho")
            if not 0 < average < 1:
                raise ParameterError("mean", "in (0, 1)", mean)
            if not 0 < correlation < 1:
                raise ParameterError("rho", "in (0, 1) (rho = 1/(a+b+1); use Independent for rho = 0)", rho)
            total = (1 - correlation) / correlation
            shape_a, shape_b = average * total, (1 - average) * total
        object.__setattr__(self, "a", shape_a)
        object.__setattr__(self, "b", shape_b)

    # -- parameters ---------------------------------------------------------------------
    @property
    def mean(self) -> Fraction:
        """The marginal per-generation failure probability ``a/(a+b)``."""
        return self.a / (self.a + self.b)

    @property
    def rho(self) -> Fraction:
        """The intra-lineage correlation ``1/(a+b+1)`` of the failure indicators."""
        return 1 / (self.a + self.b + 1)

    @classmethod
    def from_spec(cls, spec: Spec) -> BetaMixture:
        if spec.has("a") or spec.has("b"):
            return cls(spec.get("a"), spec.get("b"), mean=spec.get("mean", None), rho=spec.get("rho", None))
        return cls(mean=spec.get("mean"), rho=spec.get("rho"))

    def parameters(self) -> dict[str, Any]:
        return {"mean": self.mean, "rho": self.rho, "a": self.a, "b": self.b}

    # -- survival -------------------------------------------------------------------------
    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        a, b = float(self.a), float(self.b)
        flat = np.asarray(n, dtype=np.float64).ravel()
        out = np.empty_like(flat)
        steps = np.arange(_DIRECT, dtype=np.float64)
        head = np.concatenate(([0.0], np.cumsum(np.log1p(-a / (a + b + steps)))))
        direct = flat <= _DIRECT
        out[direct] = head[flat[direct].astype(np.int64)]
        far = ~direct
        if far.any():
            if a <= _ASYMPTOTIC_MAX_A:
                out[far] = head[_DIRECT] + _log_ratio_tail(b + _DIRECT, flat[far] - _DIRECT, a)
            else:
                out[far] = [float(_log_survival_mp(self.a, self.b, int(count), 20)) for count in flat[far]]
        return out.reshape(np.shape(n))

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        if n == 0:
            return mpmath.mpf(1)
        log_value = _log_survival_mp(self.a, self.b, n, dps + 5)
        with mpmath.workdps(dps + 10):
            return +mpmath.exp(log_value)

    def survival_exact(self, n: int) -> Fraction | None:
        """``prod_{j<n} (b+j)/(a+b+j)`` exactly while the numbers stay small."""
        size = self.a.numerator.bit_length() + self.b.numerator.bit_length()
        size += self.a.denominator.bit_length() + self.b.denominator.bit_length()
        if n * (size + n.bit_length()) > _EXACT_BITS:
            return None
        # (b+j)/(a+b+j) with b = p/q and a+b = r/s: multiply integers, reduce once at the end
        p, q = self.b.numerator, self.b.denominator
        total = self.a + self.b
        r, s = total.numerator, total.denominator
        upper = math.prod(p + j * q for j in range(n)) * s**n
        lower = math.prod(r + j * s for j in range(n)) * q**n
        return Fraction(upper, lower)

    def limit_exact(self) -> Fraction:
        return Fraction(0)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        return mpmath.mpf(0)

    def asymptote(self, n: Any) -> Any:
        r"""The power law ``Gamma(a+b)/Gamma(b) * N**-a`` that ``S(N)`` approaches as ``N -> infinity``.

        Examples
        --------
        >>> model = BetaMixture(mean="0.001", rho="0.01")
        >>> n = 10**9
        >>> round(float(model.asymptote(n) / model.survival(n)), 6)
        1.0
        """
        array, is_scalar = as_generation_array(n)
        # ln Gamma(a+b) - ln Gamma(b) is about (a+b) ln(a+b): carry those digits
        with mpmath.workdps(30 + len(str(int(self.a + self.b)))):
            log_ratio = float(mpmath.loggamma(to_mpf(self.a + self.b)) - mpmath.loggamma(to_mpf(self.b)))
        with np.errstate(divide="ignore"):
            values = np.exp(log_ratio - float(self.a) * np.log(array))
        return float(values) if is_scalar else values

    def symbolic(self) -> SurvivalExpr:
        n = sympy.Symbol("N", nonnegative=True)
        a, b = sympy.symbols("a b", positive=True)
        expr = sympy.gamma(b + n) * sympy.gamma(a + b) / (sympy.gamma(b) * sympy.gamma(a + b + n))
        return SurvivalExpr(
            expr,
            n,
            {
                a: sympy.Rational(self.a.numerator, self.a.denominator),
                b: sympy.Rational(self.b.numerator, self.b.denominator),
            },
            (
                "each lineage draws its failure rate once, epsilon ~ Beta(a, b), then fails "
                "independently at that rate at every generation (exchangeable failures)",
                f"marginal rate a/(a+b) = {format_number(self.mean)}, "
                f"intra-lineage correlation 1/(a+b+1) = {format_number(self.rho)}",
            ),
        )

    def sample_failure_generation(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """First-failure generations: draw ``epsilon ~ Beta(a, b)``, then a geometric time."""
        rates = rng.beta(float(self.a), float(self.b), size=size)
        never = rates <= 0
        times = rng.geometric(np.where(never, 1.0, rates))
        return np.where(never, np.iinfo(np.int64).max, times).astype(np.int64)


@comparison_row
def _beta_mixture_row(
    epsilon: Fraction, threshold: Fraction, options: dict[str, Any]
) -> ComparisonRow | None:
    rho = options.get("rho")
    if rho is None or not 0 < epsilon < 1 or exact(rho, "rho") == 0:
        return None  # rho = 0 is the independent row
    model = BetaMixture(mean=epsilon, rho=rho)
    result = solve(model, threshold)
    assert isinstance(result, Budget)
    return ComparisonRow(
        f"beta-mixture (rho={format_number(model.rho)})",
        result.n,
        "model",
        "exchangeable: one Beta-distributed rate per lineage, same marginal rate",
    )
