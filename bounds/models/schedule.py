r"""Schedules: independent generations with a failure rate that varies with the generation.

Generation ``i = 1, 2, ...`` loses alignment with probability ``epsilon_i``
given that it held before, so by the chain rule

.. math:: S(N) = \prod_{i=1}^{N} (1 - \varepsilon_i)

with no independence assumption when ``epsilon_i`` is the conditional rate.
This module holds the parametric schedules (geometric, power law, two-rate
"key decisions"); :mod:`bounds.models.explicit` holds explicit lists of rates
and expressions in ``i``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import mpmath
import numpy as np
import sympy

from bounds.errors import BoundsError, CertificationError, ParameterError
from bounds.models._schedule_base import EXACT_BITS, RateSampler, log_survival_mp
from bounds.models._schedule_base import bits as _bits
from bounds.models._schedule_base import rational as _rational
from bounds.models._series import (
    geometric_log_float,
    geometric_log_mp,
    power_log_float,
    power_log_mp,
    power_peel_count,
)
from bounds.models.base import SurvivalExpr, SurvivalModel
from bounds.models.registry import Spec, register
from bounds.numeric.parse import generations, positive, probability, to_mpf
from bounds.solve.budget import MAX_DPS, log_threshold

__all__ = ["EXACT_BITS", "Geometric", "Power", "RateSampler", "TwoRate", "log_survival_mp"]


# ==================================================================================================
@register("geometric")
@dataclass(frozen=True, repr=False)
class Geometric(RateSampler, SurvivalModel):
    r"""Geometric schedule ``epsilon_i = min(1, epsilon1 * ratio**(i-1))``.

    Parameters
    ----------
    epsilon1 : number
        Failure probability at the first generation, in ``[0, 1]``.
    ratio : number
        Factor between consecutive rates, ``> 0``. Below 1 safety improves
        with each generation; above 1 risk grows with capability (the rate is
        capped at 1, after which alignment is certainly lost); 1 is the
        constant-rate (:class:`~bounds.Independent`) case.

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{N}\bigl(1 - \varepsilon_1 r^{i-1}\bigr) = (\varepsilon_1; r)_N,
              \qquad S(\infty) = (\varepsilon_1; r)_\infty \quad (r < 1)

    For ``r < 1`` the limit is positive (when ``epsilon1 < 1``), so the budget
    is unbounded exactly when :math:`(\varepsilon_1; r)_\infty \ge T`. It is
    evaluated as :math:`\log(a;q)_\infty = -\sum_j a^j / (j(1-q^j))` with a
    rigorous tail bound, after summing rates above 1/2 directly, and
    :math:`\log S(N) = -\sum_j \varepsilon_1^j (1 - r^{jN}) / (j (1 - r^j))`
    costs the same for every ``N`` (``10**15`` included).

    References
    ----------
    G. Gasper and M. Rahman, *Basic Hypergeometric Series*, 2nd ed. (2004), §1.3.

    Examples
    --------
    >>> model = Geometric(epsilon1="0.01", ratio="0.5")
    >>> round(model.limit(), 5)
    0.98013
    >>> model.budget("0.9").unbounded
    True
    >>> Geometric(epsilon1="0.001", ratio="0.999").budget("0.5").n
    1180
    """

    epsilon1: Fraction
    ratio: Fraction
    _saturation: int | None = field(init=False, repr=False, compare=False, default=None)

    name = "geometric"

    def __post_init__(self) -> None:
        object.__setattr__(self, "epsilon1", probability(self.epsilon1, "epsilon1"))
        object.__setattr__(self, "ratio", positive(self.ratio, "ratio"))
        object.__setattr__(self, "_saturation", self._first_certain_failure())

    @classmethod
    def from_spec(cls, spec: Spec) -> Geometric:
        return cls(epsilon1=spec.get("epsilon1"), ratio=spec.get("ratio"))

    def parameters(self) -> dict[str, Any]:
        return {"epsilon1": self.epsilon1, "ratio": self.ratio}

    def _first_certain_failure(self) -> int | None:
        """The first generation whose rate is 1 (``epsilon1 ratio**(i-1) >= 1``), or None."""
        if self.epsilon1 == 0:
            return None
        if self.epsilon1 == 1:
            return 1
        if self.ratio <= 1:
            return None
        target = 1 / self.epsilon1
        dps = 50
        while dps <= MAX_DPS:
            with mpmath.workdps(dps):
                steps = mpmath.log(to_mpf(target)) / mpmath.log(to_mpf(self.ratio))
                nearest = int(mpmath.nint(steps))
                if abs(steps - nearest) > mpmath.mpf(10) ** (15 - dps) * max(1, abs(steps)):
                    return int(mpmath.ceil(steps)) + 1
            # ratio**k == 1/epsilon1 in lowest terms needs numerator(ratio)**k == numerator(1/epsilon1),
            # and numerator(ratio) >= 2: a tie is possible only while k (bits - 1) fits in that numerator
            if nearest * (self.ratio.numerator.bit_length() - 1) <= target.numerator.bit_length():
                return nearest + 1 if self.epsilon1 * self.ratio**nearest >= 1 else nearest + 2
            dps *= 2
        raise CertificationError(
            f"could not decide at which generation epsilon1 * ratio**(i-1) reaches 1 for {self!r}"
        )

    # -- rates --------------------------------------------------------------------------------------
    def rate(self, i: np.ndarray) -> np.ndarray:
        """``epsilon_i = min(1, epsilon1 ratio**(i-1))`` in float64 for an array of indices ``i >= 1``."""
        index = np.asarray(i, dtype=np.float64)
        with np.errstate(over="ignore"):
            values = np.minimum(1.0, float(self.epsilon1) * np.exp((index - 1) * math.log(self.ratio)))
        if self._saturation is not None:
            # below the saturation generation the rate is < 1 even where float64 rounds it to 1
            values = np.where(index >= self._saturation, 1.0, np.minimum(values, np.nextafter(1.0, 0.0)))
        return values

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        if self._saturation is not None and i >= self._saturation:
            return mpmath.mpf(1)
        with mpmath.workdps(dps + 10 + len(str(i))):
            value = to_mpf(self.epsilon1) * to_mpf(self.ratio) ** (i - 1)
        return +value

    def rate_exact(self, i: int) -> Fraction | None:
        if self._saturation is not None and i >= self._saturation:
            return Fraction(1)
        if (i - 1) * _bits(self.ratio) > EXACT_BITS:
            return None
        return self.epsilon1 * self.ratio ** (i - 1)

    # -- survival -----------------------------------------------------------------------------------
    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        if self.epsilon1 == 0:
            return np.zeros(n.shape)
        dead = np.zeros(n.shape, dtype=bool) if self._saturation is None else n >= self._saturation
        alive = np.where(dead, 0.0, n)
        if self.ratio == 1:
            values = alive * math.log1p(-float(self.epsilon1))
        elif self.ratio < 1:
            values = geometric_log_float(float(self.epsilon1), float(self.ratio), alive.ravel())
            values = values.reshape(n.shape)
        else:
            values = np.zeros(n.shape)
            log_ratio = math.log(self.ratio)
            for count in np.unique(alive[alive > 0]):
                # count < saturation: the top rate is < 1 even where float64 would round it to 1
                top = min(float(self.epsilon1) * math.exp((count - 1) * log_ratio), np.nextafter(1.0, 0.0))
                values[alive == count] = geometric_log_float(top, 1 / float(self.ratio), np.array([count]))[0]
        return np.where(dead, -np.inf, values)

    def _log_mp(self, n: int | None, tolerance: mpmath.mpf) -> mpmath.mpf:
        epsilon1, ratio = to_mpf(self.epsilon1), to_mpf(self.ratio)
        if self.ratio == 1:
            assert n is not None
            return n * mpmath.log1p(-epsilon1)
        if self.ratio < 1:
            return geometric_log_mp(epsilon1, ratio, n, tolerance)
        assert n is not None
        return geometric_log_mp(epsilon1 * ratio ** (n - 1), 1 / ratio, n, tolerance)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        if n == 0 or self.epsilon1 == 0:
            return mpmath.mpf(1)
        if self._saturation is not None and n >= self._saturation:
            return mpmath.mpf(0)
        return log_survival_mp(lambda tolerance: self._log_mp(n, tolerance), dps, len(str(n)))

    def survival_exact(self, n: int) -> Fraction | None:
        if n == 0 or self.epsilon1 == 0:
            return Fraction(1)
        if self._saturation is not None and n >= self._saturation:
            return Fraction(0)
        if n * (_bits(self.epsilon1) + n * _bits(self.ratio)) > EXACT_BITS:
            return None
        product, rate = Fraction(1), self.epsilon1
        for _ in range(n):
            product *= 1 - rate
            rate *= self.ratio
        return product

    def limit_exact(self) -> Fraction | None:
        if self.epsilon1 == 0:
            return Fraction(1)
        if self._saturation is not None or self.ratio >= 1:
            return Fraction(0)
        return None

    def limit_mp(self, dps: int) -> mpmath.mpf:
        """``S(infinity) = (epsilon1; ratio)_infinity`` to ``dps`` digits."""
        exact_limit = self.limit_exact()
        if exact_limit is not None:
            return to_mpf(exact_limit)
        return log_survival_mp(lambda tolerance: self._log_mp(None, tolerance), dps)

    def budget_candidate(self, threshold: Fraction) -> int | None:
        if self.epsilon1 == 0 or self._saturation == 1:
            return 0 if self._saturation == 1 else None
        if self.ratio == 1:
            with mpmath.workdps(30 + len(str(self.epsilon1.denominator)) + len(str(threshold.denominator))):
                return int(mpmath.floor(mpmath.log(to_mpf(threshold)) / mpmath.log1p(-to_mpf(self.epsilon1))))
        if self.ratio > 1:
            return None
        return self._improving_candidate(threshold)

    def _improving_candidate(self, threshold: Fraction) -> int | None:
        """For ``ratio < 1``: ``log S(N) = L(epsilon1) - L(epsilon1 r**N)`` with ``L(a) = log(a; r)_inf``.

        ``S(N) >= T`` iff ``-L(epsilon1 r**N) >= gap = ln T - L(epsilon1)``; solve
        ``-L(a) = gap`` for ``a`` (``-L(a)`` is about ``a/(1-r)`` for small ``a``) and
        read ``N`` off ``a = epsilon1 r**N``. Near ties need the digits of ``gap``;
        when float64 resolves the gap, the generic float search is faster.
        """
        limit_log = geometric_log_float(float(self.epsilon1), float(self.ratio), np.array([np.inf]))[0]
        if log_threshold(threshold) - limit_log > 1e-6:
            return None
        dps = 40
        while dps <= 2000:
            with mpmath.workdps(dps):
                tolerance = mpmath.mpf(10) ** -(dps - 5)
                gap = mpmath.log(to_mpf(threshold)) - self._log_mp(None, tolerance)
                if gap > mpmath.mpf(10) ** (15 - dps):
                    return self._solve_gap(gap, tolerance)
            dps *= 2
        return None

    def _solve_gap(self, gap: mpmath.mpf, tolerance: mpmath.mpf) -> int | None:
        ratio = to_mpf(self.ratio)

        def mismatch(log_rate: mpmath.mpf) -> mpmath.mpf:
            log_product = geometric_log_mp(mpmath.exp(log_rate), ratio, None, tolerance)
            return mpmath.log(-log_product) - mpmath.log(gap)

        # -L(a) lies between a/(1-r) and a/((1-r)(1-a)): a bracket for the root
        high = mpmath.log(to_mpf(self.epsilon1))
        low = min(mpmath.log(gap * (1 - ratio) / (1 + gap * (1 - ratio))), high)
        if mismatch(high) <= 0:
            return 0
        try:
            log_rate = mpmath.findroot(mismatch, (low, high), solver="anderson")
        except (ValueError, ZeroDivisionError, TypeError):
            return None
        steps = (log_rate - high) / mpmath.log(ratio)
        return max(0, int(mpmath.floor(steps)))

    def symbolic(self) -> SurvivalExpr:
        n, i = sympy.symbols("N i", integer=True, nonnegative=True)
        epsilon1, ratio = sympy.symbols("varepsilon_1 r", positive=True)
        rate = epsilon1 * ratio ** (i - 1)
        if self.ratio > 1:
            rate = sympy.Min(1, rate)
        return SurvivalExpr(
            sympy.Product(1 - rate, (i, 1, n)),
            n,
            {epsilon1: _rational(self.epsilon1), ratio: _rational(self.ratio)},
            (
                "generation i fails with probability epsilon_1 r^(i-1) (capped at 1), given it held before",
                "for r < 1 the limit is the q-Pochhammer symbol (epsilon_1; r)_infinity",
            ),
        )


# ==================================================================================================
@register("power")
@dataclass(frozen=True, repr=False)
class Power(RateSampler, SurvivalModel):
    r"""Power-law schedule ``epsilon_i = epsilon1 * i**(-exponent)``.

    Parameters
    ----------
    epsilon1 : number
        Failure probability at the first generation, in ``[0, 1]``.
    exponent : number
        ``s > 0``: how fast the rate falls with the generation.

    Notes
    -----
    .. math:: S(N) = \prod_{i=1}^{N}\bigl(1 - \varepsilon_1 i^{-s}\bigr), \qquad
              \log S(N) = \sum_{i \le K} \log(1 - \varepsilon_i)
              - \sum_{j\ge1} \frac{\varepsilon_1^j}{j}\bigl(\zeta(sj, K+1) - \zeta(sj, N+1)\bigr)

    with the Hurwitz zeta function after the first ``K`` generations are summed
    directly. ``S(infinity) > 0`` iff ``s > 1`` (and ``epsilon1 < 1``): for
    ``s <= 1`` the rates sum to infinity (harmonic series at ``s = 1``) and every
    budget is finite.

    Examples
    --------
    >>> model = Power(epsilon1="0.01", exponent=2)
    >>> round(model.limit(), 6)  # prod (1 - x**2/i**2) = sin(pi x)/(pi x) with x = 0.1
    0.983632
    >>> Power(epsilon1="0.01", exponent=1).limit()
    0.0
    """

    epsilon1: Fraction
    exponent: Fraction
    _direct: Any = field(init=False, repr=False, compare=False, default=None)

    name = "power"
    _DIRECT_EXTRA: ClassVar[int] = 64
    _DIRECT_EXTRA_MP: ClassVar[int] = 64

    def __post_init__(self) -> None:
        object.__setattr__(self, "epsilon1", probability(self.epsilon1, "epsilon1"))
        object.__setattr__(self, "exponent", positive(self.exponent, "exponent"))

    @classmethod
    def from_spec(cls, spec: Spec) -> Power:
        return cls(epsilon1=spec.get("epsilon1"), exponent=spec.get("exponent"))

    def parameters(self) -> dict[str, Any]:
        return {"epsilon1": self.epsilon1, "exponent": self.exponent}

    @property
    def _peel(self) -> int:
        return power_peel_count(float(self.epsilon1), float(self.exponent))

    def rate(self, i: np.ndarray) -> np.ndarray:
        """``epsilon_i = epsilon1 i**(-s)`` in float64."""
        index = np.asarray(i, dtype=np.float64)
        return float(self.epsilon1) * np.exp(-float(self.exponent) * np.log(index))

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps + 10):
            value = to_mpf(self.epsilon1) * mpmath.power(i, -to_mpf(self.exponent))
        return +value

    def rate_exact(self, i: int) -> Fraction | None:
        if i == 1:
            return self.epsilon1
        if self.exponent.denominator != 1 or self.exponent.numerator * i.bit_length() > EXACT_BITS:
            return None
        return self.epsilon1 / Fraction(i) ** int(self.exponent)

    def _direct_prefix(self) -> np.ndarray:
        if self._direct is None:
            from bounds.models._series import _PEEL_MAX_FLOAT, _too_many

            peel = self._peel
            if peel > _PEEL_MAX_FLOAT:
                raise _too_many("power schedule", peel)
            count = peel + self._DIRECT_EXTRA
            terms = np.log1p(-self.rate(np.arange(1, count + 1, dtype=np.float64)))
            object.__setattr__(self, "_direct", np.concatenate([[0.0], np.cumsum(terms)]))
        return self._direct

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        if self.epsilon1 == 0:
            return np.zeros(n.shape)
        if self.epsilon1 == 1:
            return np.where(n == 0, 0.0, -np.inf)
        values = power_log_float(float(self.epsilon1), float(self.exponent), n.ravel(), self._direct_prefix())
        return values.reshape(n.shape)

    def _log_mp(self, n: int | None, tolerance: mpmath.mpf) -> mpmath.mpf:
        epsilon1 = to_mpf(self.epsilon1)
        exponent = to_mpf(self.exponent)
        start = self._peel + self._DIRECT_EXTRA_MP
        if n is not None and n <= start:
            start = n
        from bounds.models._series import _PEEL_MAX_MP, _too_many

        if start > _PEEL_MAX_MP + self._DIRECT_EXTRA_MP:
            raise _too_many("power schedule", start)
        product = mpmath.mpf(1)
        for k in range(1, start + 1):
            product *= 1 - epsilon1 * mpmath.power(k, -exponent)
        direct = mpmath.log(product)
        if n == start:
            return direct
        return direct + power_log_mp(epsilon1, self.exponent, start, n, tolerance)

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        if n == 0 or self.epsilon1 == 0:
            return mpmath.mpf(1)
        if self.epsilon1 == 1:
            return mpmath.mpf(0)
        return log_survival_mp(lambda tolerance: self._log_mp(n, tolerance), dps, len(str(n)))

    def survival_exact(self, n: int) -> Fraction | None:
        if n == 0 or self.epsilon1 == 0:
            return Fraction(1)
        if self.epsilon1 == 1:
            return Fraction(0)
        if n == 1:
            return 1 - self.epsilon1
        # with a fractional exponent, 2**-s is irrational, so S(n) for n >= 2 has an irrational factor
        if self.exponent.denominator != 1 or n > 2000:
            return None
        power = int(self.exponent)
        if n * (_bits(self.epsilon1) + power * n.bit_length()) > EXACT_BITS:
            return None
        product = Fraction(1)
        for i in range(1, n + 1):
            product *= 1 - self.epsilon1 / Fraction(i) ** power
        return product

    def limit_exact(self) -> Fraction | None:
        if self.epsilon1 == 0:
            return Fraction(1)
        if self.epsilon1 == 1 or self.exponent <= 1:
            return Fraction(0)
        return None

    def limit_mp(self, dps: int) -> mpmath.mpf:
        """``S(infinity)``: positive iff ``exponent > 1`` and ``epsilon1 < 1``."""
        exact_limit = self.limit_exact()
        if exact_limit is not None:
            return to_mpf(exact_limit)
        return log_survival_mp(lambda tolerance: self._log_mp(None, tolerance), dps)

    def budget_candidate(self, threshold: Fraction) -> int | None:
        """None (the generic float search), after refusing budgets beyond ``2**1000`` generations.

        For ``s <= 1`` the survival decays slowly (like ``N**-epsilon1`` at
        ``s = 1``), so small ``epsilon1`` and small ``T`` give budgets with
        thousands of digits, which certification at that precision through the
        Hurwitz zeta function cannot reach in reasonable time.
        """
        if self.epsilon1 in (0, 1):
            return None
        if self._log_survival(np.array([2.0**1000]))[0] >= log_threshold(threshold):
            raise BoundsError(
                f"the budget of {self!r} at T = {float(threshold):.6g} exceeds 2**1000 generations "
                "(S(2**1000) >= T in float64); budgets that large are not computed"
            )
        from bounds.solve.budget import _float_candidate

        candidate = _float_candidate(self, threshold)
        if candidate < 2**40:
            return candidate
        # float64 places a large candidate only to about 2**-50 of itself; Newton steps in mpmath on
        # log S(N) = log T (slope log(1 - epsilon_{N+1}) per generation) bring it within a few generations
        with mpmath.workdps(30 + len(str(candidate)) + len(str(threshold.denominator))):
            target = mpmath.log(to_mpf(threshold))
            tolerance = mpmath.mpf(10) ** -(mpmath.mp.dps - 5)
            for _ in range(4):
                gap = self._log_mp(candidate, tolerance) - target
                next_rate = to_mpf(self.epsilon1) * mpmath.power(candidate + 1, -to_mpf(self.exponent))
                slope = mpmath.log1p(-next_rate)
                step = int(mpmath.floor(-gap / slope))
                if step == 0:
                    break
                candidate = max(candidate + step, 0)
        return candidate

    def symbolic(self) -> SurvivalExpr:
        n, i = sympy.symbols("N i", integer=True, positive=True)
        epsilon1, exponent = sympy.symbols("varepsilon_1 s", positive=True)
        return SurvivalExpr(
            sympy.Product(1 - epsilon1 * i ** (-exponent), (i, 1, n)),
            n,
            {epsilon1: _rational(self.epsilon1), exponent: _rational(self.exponent)},
            ("generation i fails with probability epsilon_1 i^(-s), given it held before",),
        )


# ==================================================================================================
@register("two-rate")
@dataclass(frozen=True, repr=False)
class TwoRate(RateSampler, SurvivalModel):
    r"""Key decisions: every ``key_every``-th generation fails with ``epsilon_key``, others ``epsilon_other``.

    Parameters
    ----------
    epsilon_key : number
        Failure probability at a key generation (``i = m, 2m, 3m, ...``), in ``[0, 1]``.
    epsilon_other : number
        Failure probability at every other generation, in ``[0, 1]``.
    key_every : int
        ``m >= 1``: the spacing of key generations (1 makes every generation key).

    Spec fields: ``model = "two-rate"``, ``epsilon_key``, ``epsilon_other``, ``key_every``.

    Notes
    -----
    With :math:`k(N) = \lfloor N/m \rfloor` key generations among the first ``N``,

    .. math:: S(N) = (1-\varepsilon_{key})^{k(N)}\,(1-\varepsilon_{other})^{N-k(N)}

    Examples
    --------
    >>> model = TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=10)
    >>> model.survival_exact(20) == Fraction(99, 100)**2 * Fraction(9999, 10000)**18
    True
    >>> model.budget("0.5").n
    639
    """

    epsilon_key: Fraction
    epsilon_other: Fraction
    key_every: int

    name = "two-rate"

    def __post_init__(self) -> None:
        object.__setattr__(self, "epsilon_key", probability(self.epsilon_key, "epsilon_key"))
        object.__setattr__(self, "epsilon_other", probability(self.epsilon_other, "epsilon_other"))
        every = generations(self.key_every, "key_every")
        if every < 1:
            raise ParameterError("key_every", "a whole number >= 1", self.key_every)
        object.__setattr__(self, "key_every", every)

    @classmethod
    def from_spec(cls, spec: Spec) -> TwoRate:
        return cls(
            epsilon_key=spec.get("epsilon_key"),
            epsilon_other=spec.get("epsilon_other"),
            key_every=spec.get("key_every"),
        )

    def parameters(self) -> dict[str, Any]:
        return {
            "epsilon_key": self.epsilon_key,
            "epsilon_other": self.epsilon_other,
            "key_every": self.key_every,
        }

    def _counts(self, n: int) -> tuple[int, int]:
        keys = n // self.key_every
        return keys, n - keys

    def rate(self, i: np.ndarray) -> np.ndarray:
        index = np.asarray(i, dtype=np.float64)
        is_key = np.mod(index, self.key_every) == 0
        return np.where(is_key, float(self.epsilon_key), float(self.epsilon_other))

    def rate_mp(self, i: int, dps: int) -> mpmath.mpf:
        with mpmath.workdps(dps):
            return to_mpf(self.rate_exact(i))

    def rate_exact(self, i: int) -> Fraction:
        return self.epsilon_key if i % self.key_every == 0 else self.epsilon_other

    def _log_survival(self, n: np.ndarray) -> np.ndarray:
        keys = np.floor(n / self.key_every)
        # exact for n < 2**53; beyond, floor(n/m) in float64 is a candidate-grade approximation
        others = n - keys
        values = np.zeros(n.shape)
        for count, rate in ((keys, self.epsilon_key), (others, self.epsilon_other)):
            log_keep = math.log1p(-float(rate)) if rate < 1 else -math.inf
            with np.errstate(invalid="ignore"):
                values = values + np.where(count == 0, 0.0, count * log_keep)
        return values

    def survival_mp(self, n: int, dps: int) -> mpmath.mpf:
        keys, others = self._counts(n)
        if (keys and self.epsilon_key == 1) or (others and self.epsilon_other == 1):
            return mpmath.mpf(0)

        def compute(tolerance: mpmath.mpf) -> mpmath.mpf:
            key_part = keys * mpmath.log1p(-to_mpf(self.epsilon_key))
            return key_part + others * mpmath.log1p(-to_mpf(self.epsilon_other))

        guard = len(str(n)) + len(str(self.epsilon_key.denominator))
        guard += len(str(self.epsilon_other.denominator))
        return log_survival_mp(compute, dps, guard)

    def survival_exact(self, n: int) -> Fraction | None:
        keys, others = self._counts(n)
        keep_key, keep_other = 1 - self.epsilon_key, 1 - self.epsilon_other
        cost = (keys if keep_key not in (0, 1) else 0) * _bits(keep_key)
        cost += (others if keep_other not in (0, 1) else 0) * _bits(keep_other)
        if cost > EXACT_BITS:
            return None
        return keep_key**keys * keep_other**others

    def limit_exact(self) -> Fraction:
        no_risk = self.epsilon_key == 0 and (self.epsilon_other == 0 or self.key_every == 1)
        return Fraction(1) if no_risk else Fraction(0)

    def limit_mp(self, dps: int) -> mpmath.mpf:
        return to_mpf(self.limit_exact())

    def budget_candidate(self, threshold: Fraction) -> int | None:
        """Whole blocks of ``m`` generations first, then the non-key generations of the next block."""
        if self.epsilon_key == 1 or self.epsilon_other == 1:
            return None
        digits = 30 + len(str(threshold.denominator)) + len(str(self.epsilon_key.denominator)) + len(
            str(self.epsilon_other.denominator)
        )
        with mpmath.workdps(digits):
            log_key = mpmath.log1p(-to_mpf(self.epsilon_key))
            log_other = mpmath.log1p(-to_mpf(self.epsilon_other))
            block = log_key + (self.key_every - 1) * log_other
            target = mpmath.log(to_mpf(threshold))
            blocks = int(mpmath.floor(target / block))
            rest = target - blocks * block
            within = self.key_every - 1
            if log_other != 0:
                within = min(within, int(mpmath.floor(rest / log_other)))
        return blocks * self.key_every + max(within, 0)

    def symbolic(self) -> SurvivalExpr:
        n = sympy.Symbol("N", integer=True, nonnegative=True)
        key, other = sympy.symbols("varepsilon_key varepsilon_other", nonnegative=True)
        every = sympy.Symbol("m", integer=True, positive=True)
        keys = sympy.floor(n / every)
        return SurvivalExpr(
            (1 - key) ** keys * (1 - other) ** (n - keys),
            n,
            {
                key: _rational(self.epsilon_key),
                other: _rational(self.epsilon_other),
                every: sympy.Integer(self.key_every),
            },
            ("generations m, 2m, ... are key decisions with failure probability epsilon_key; "
             "the others fail with probability epsilon_other",),
        )
