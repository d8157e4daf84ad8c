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

import numpy as np

from bounds.errors import ParameterError
from bounds.models.base import SurvivalExpr, SurvivalModel, as_generation_array
from bounds.models.parameters import alternative, parameter
from bounds.models.registry import register
from bounds.numeric.contexts import BallContext
from bounds.numeric.domains import POSITIVE, interval
from bounds.numeric.parse import format_number

__all__ = ["BetaMixture"]

#: The marginal rate and the correlation, both strictly inside (0, 1) (rho = 0 is the Independent model).
MEAN = interval(0, 1, low_open=True, high_open=True)
RHO = interval(0, 1, low_open=True, high_open=True,
               phrase="in (0, 1) (rho = 1/(a+b+1); use Independent for rho = 0)")

#: Generation counts up to this are summed term by term (``log1p`` of each factor).
_DIRECT = 256
#: Above this ``a`` the asymptotic tail loses digits to cancellation; the ball path takes over.
_ASYMPTOTIC_MAX_A = 1e4
#: Beyond this ``a + b`` the float formulas overflow; the ball path takes over.
_FLOAT_MAX_TOTAL = 10**300
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


def _log2(value: Fraction) -> float:
    """``log2 value`` for a positive Fraction of any size, to within 1."""
    return float(value.numerator.bit_length() - value.denominator.bit_length())


def _guard_bits(a: Fraction, b: Fraction, n: int) -> int:
    r"""Bits lost when ``ln S(n)`` is taken as a difference of four log-gammas.

    Each log-gamma is at most about :math:`x \ln x + |\ln b| + |\ln(a+b)|` with
    ``x = a+b+n`` (``M``), while :math:`|\ln S(n)| \ge a \ln(1 + n/(a+b)) \ge a n/(a+b+n)`
    (``L``, from ``log1p(-u) <= -u`` and ``ln(1+x) >= x/(1+x)``); ``log2(M/L)`` bits cancel.
    """
    size = _log2(a + b + n) + 1
    magnitude = size + math.log2(max(size, 1.0)) + 1
    magnitude = max(magnitude, math.log2(abs(_log2(b)) + abs(_log2(a + b)) + 2))
    smallest = _log2(a) + _log2(Fraction(n)) - _log2(a + b + n) - 2
    return max(0, math.ceil(magnitude - smallest)) + 16


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
    that never subtracts large numbers (the ball path when ``a > 1e4``). In balls
    (python-flint's ``arb``, rigorous) the first 256 generations are the same sum
    of ``log1p``, and beyond them the four log-gammas are taken at the working
    precision plus the bits that their difference cancels (bounded in advance
    from the parameters), so that the ball of ``ln S`` shrinks with the precision.

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

    # mean and rho first: the pair most users give (and the order of parameters())
    alternatives = (
        alternative("mean", MEAN, "the marginal per-generation failure probability a/(a+b)", instead_of=("a", "b"),
                    reported=True),
        alternative("rho", RHO, "intra-lineage correlation 1/(a+b+1) of the failure indicators",
                    instead_of=("a", "b"), reported=True),
    )
    a: Fraction = parameter(POSITIVE, "the first shape parameter of Beta(a, b)")
    b: Fraction = parameter(POSITIVE, "the second shape parameter of Beta(a, b)")

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
            shape_a, shape_b = POSITIVE.parse(a, "a"), POSITIVE.parse(b, "b")
        else:
            average, correlation = MEAN.parse(mean, "mean"), RHO.parse(rho, "rho")
            total = (1 - correlation) / correlation
            shape_a, shape_b = average * total, (1 - average) * total
        object.__setattr__(self, "a", shape_a)
        object.__setattr__(self, "b", shape_b)
        # which pair the user gave, for derivations that show the inputs before the derived ones
        object.__setattr__(self, "_given", ("a", "b") if by_shape else ("mean", "rho"))

    def given_parameters(self) -> dict[str, Fraction]:
        """The pair of parameters the model was built from: ``a, b`` or ``mean, rho``.

        Examples
        --------
        >>> BetaMixture(mean="0.001", rho="0.01").given_parameters()
        {'mean': Fraction(1, 1000), 'rho': Fraction(1, 100)}
        """
        names = getattr(self, "_given", ("a", "b"))
        return {name: getattr(self, name) for name in names}

    # -- parameters ---------------------------------------------------------------------
    @property
    def mean(self) -> Fraction:
        """The marginal per-generation failure probability ``a/(a+b)``."""
        return self.a / (self.a + self.b)

    @property
    def rho(self) -> Fraction:
        """The intra-lineage correlation ``1/(a+b+1)`` of the failure indicators."""
        return 1 / (self.a + self.b + 1)

    # -- survival -------------------------------------------------------------------------
    # -- the kernel protocol -----------------------------------------------------------------
    def log_survival(self, ctx: Any, n: Any = None) -> Any:
        """``ln S(n) = ln B(a, b+n) - ln B(a, b)``; see the class Notes for the numerics."""
        if ctx.kind == "float":
            return self._log_survival_float(n)
        n = int(n)
        a = ctx.number(self.a)
        total = ctx.number(self.a + self.b)
        if n <= _DIRECT:
            return ctx.sum(ctx.log1p(-a / (total + j)) for j in range(n))
        if ctx.kind != "ball":
            return ctx.lgamma(total)  # raises NotExact: no rational value
        with BallContext(ctx.prec + _guard_bits(self.a, self.b, n)) as wide:
            b = wide.number(self.b)
            total = wide.number(self.a + self.b)
            value = wide.lgamma(b + n) - wide.lgamma(total + n) + wide.lgamma(total) - wide.lgamma(b)
        return +value

    def _log_survival_float(self, n: np.ndarray) -> np.ndarray:
        flat = np.asarray(n, dtype=np.float64).ravel()
        if self.a + self.b > _FLOAT_MAX_TOTAL:
            return self._log_survival_by_ball(flat).reshape(np.shape(n))
        a, b = float(self.a), float(self.b)
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
                out[far] = self._log_survival_by_ball(flat[far])
        return out.reshape(np.shape(n))

    def _log_survival_by_ball(self, flat: np.ndarray) -> np.ndarray:
        """The float nearest the midpoint of a 64-bit ball, for parameters the float formulas do not reach."""
        with BallContext(64) as ctx:
            return np.array([float(self.log_survival(ctx, int(count)).mid()) for count in flat], dtype=np.float64)

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

    def candidate(self, threshold: Fraction) -> int | None:
        r"""A guess at ``N*`` (certified afterwards): :math:`(b + (a-1)/2)\,\mathrm{expm1}(-\ln T / a)`.

        From :math:`\ln\Gamma(x+a) - \ln\Gamma(x) \approx a \ln(x + (a-1)/2)`, so that
        :math:`\ln S(N) \approx -a \ln(1 + N/(b + (a-1)/2))`; exact in both limits
        (``N << b``: the independent budget at the mean; ``N >> b``: the power law).
        """
        if threshold == 1:
            return 0
        a, b = float(self.a), float(self.b)
        log_t = math.log(threshold.numerator) - math.log(threshold.denominator)
        if not (a > 0 and math.isfinite(b)) or -log_t / a > 700:
            return None  # beyond floats: the solver's own search decides where to look
        scale = b + (a - 1) / 2 if b + (a - 1) / 2 > 0 else b
        guess = scale * math.expm1(-log_t / a)
        return int(guess) if guess < 2.0**1000 else None

    def log_limit(self, ctx: Any) -> Any:
        """``ln S(infinity) = -inf``: ``S(N) ~ N**-a`` with ``a > 0``."""
        return -ctx.inf

    def limit_exact(self) -> Fraction:
        return Fraction(0)

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
        # ln Gamma(a+b) - ln Gamma(b) is about (a+b) ln(a+b): carry those bits
        with BallContext(80 + 2 * max(0, int(_log2(self.a + self.b)))) as ctx:
            total, b = ctx.number(self.a + self.b), ctx.number(self.b)
            log_ratio = float((ctx.lgamma(total) - ctx.lgamma(b)).mid())
        with np.errstate(divide="ignore"):
            values = np.exp(log_ratio - float(self.a) * np.log(array))
        return float(values) if is_scalar else values

    def symbolic(self) -> SurvivalExpr:
        import sympy  # the report layer's dependency, loaded only for symbolic forms

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
