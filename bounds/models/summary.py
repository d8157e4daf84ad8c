r"""Two numbers that summarise any model's survival curve: its decay rate and mean generations.

* The **decay rate** :math:`\rho = \lim_{N\to\infty} S(N)^{1/N}`, the factor by which survival
  eventually falls per generation: :math:`1 - \varepsilon` for a constant rate, the spectral
  radius of :math:`Q` for an absorbing chain, 1 for a sub-exponential (power-law) decay or a
  positive limit :math:`S(\infty) > 0`, 0 when :math:`S(N) = 0` from some ``N`` on. For rates
  :math:`\varepsilon_i` that converge, :math:`\rho = 1 - \lim \varepsilon_i` (Cesaro).
* The **mean generations** :math:`E[G] = \sum_{N \ge 0} S(N)`, where ``G`` is the generation at
  which alignment is lost (:math:`P(G > N) = S(N)`): :math:`1/\varepsilon` for a constant rate,
  :math:`\alpha (I - Q)^{-1} \mathbf{1}` for a chain; infinite when :math:`S(\infty) > 0`.

Closed forms are used where a family has one; otherwise the mean is summed in floats (an
estimate, said so in ``how``), and what is neither known nor computable is "not defined",
with the reason. These are descriptions, not certificates: no budget depends on them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from bounds.models.exchangeable import BetaMixture
from bounds.models.explicit import Rates
from bounds.models.independent import Independent
from bounds.models.logistic import Logistic
from bounds.models.mixture import FiniteMixture
from bounds.models.power import Power
from bounds.models.schedule import Geometric, TwoRate
from bounds.models.unsafe import PersistentUnsafe
from bounds.numeric.contexts import FLOAT

__all__ = ["Quantity", "decay_rate", "limiting_rate", "mean_generations", "summary"]

#: The float sum of ``S(N)`` stops once a term is below this fraction of the total...
_SUM_TOLERANCE = 1e-17
#: ... and gives up (not defined) after this many generations.
MAX_SUMMED_GENERATIONS = 10**7
_CHUNK = 100_000


@dataclass(frozen=True)
class Quantity:
    """A summary number: ``value`` (``None`` when not defined or infinite) and ``how`` it was found, or why not."""

    value: float | None
    how: str


def limiting_rate(model: Any) -> Fraction | None:
    """``lim epsilon_i`` of a rate schedule, exactly, or ``None`` when the family does not say."""
    if isinstance(model, Independent):
        return model.epsilon
    if isinstance(model, Geometric):
        if model.ratio == 1 or model.epsilon1 == 0:
            return model.epsilon1
        return Fraction(0) if model.ratio < 1 else Fraction(1)  # r > 1 reaches the cap 1
    if isinstance(model, Power):
        return Fraction(0)
    if isinstance(model, Logistic):
        if model.steepness == 0:
            return model.epsilon_max / 2
        return model.epsilon_max if model.steepness > 0 else Fraction(0)
    if isinstance(model, TwoRate) and model.key_every == 1:
        return model.epsilon_key
    if isinstance(model, Rates):
        return model.rates[-1] if model.tail == "repeat" else Fraction(0)
    if isinstance(model, PersistentUnsafe):
        base = limiting_rate(model.base)
        if base is None:
            return None
        delta = model.mass if model.growth is None or model.mass == 0 else Fraction(1)
        return max(base, delta) if model.mode == "floor" else 1 - (1 - base) * (1 - delta)
    return None


def _constant_rate(model: Any) -> Fraction | None:
    """The rate of a schedule whose every ``epsilon_i`` is the Fraction ``model.epsilon``, else ``None``."""
    if isinstance(model, Independent):
        return model.epsilon
    constant = getattr(model, "epsilon", None)
    if not isinstance(constant, Fraction) or not callable(getattr(model, "rate", None)):
        return None
    try:  # a description, not a certificate: the float rates at a few generations must all be epsilon
        rates = np.asarray(model.rate(FLOAT, np.array([1.0, 2.0, 1000.0, 1e9])), dtype=np.float64)
    except Exception:  # noqa: BLE001 - a schedule that cannot say its rates: not known to be constant
        return None
    return constant if bool(np.all(rates == float(constant))) else None


def _limit(model: Any) -> float | None:
    try:
        return float(model.limit())
    except Exception:  # noqa: BLE001 - a family that cannot say its limit: the summary says "unknown"
        return None


def decay_rate(model: Any) -> Quantity:
    """The decay rate ``lim S(N)**(1/N)`` (see the module docstring).

    Examples
    --------
    >>> decay_rate(Independent(epsilon="0.001"))
    Quantity(value=0.999, how='1 - epsilon')
    >>> decay_rate(BetaMixture(mean="0.001", rho="0.01")).value
    1.0
    """
    own = getattr(model, "decay_rate", None)
    if callable(own):
        return Quantity(float(own()), "spectral radius of the transient block Q")
    limit = _limit(model)
    if limit is not None and limit > 0:
        return Quantity(1.0, f"S(N) tends to S(inf) = {limit:.6g} > 0: no exponential decay")
    if isinstance(model, Independent):
        return Quantity(float(1 - model.epsilon), "1 - epsilon")
    if isinstance(model, BetaMixture):
        return Quantity(1.0, "S(N) ~ C N**(-a), a power law: no exponential decay")
    if isinstance(model, FiniteMixture):
        keep = max(1 - rate for weight, rate in zip(model.weights, model.rates, strict=True) if weight > 0)
        return Quantity(float(keep), "the largest 1 - epsilon_k of a component with weight > 0")
    if isinstance(model, TwoRate) and model.key_every > 1:
        k = model.key_every
        cycle = math.log1p(-float(model.epsilon_key)) + (k - 1) * math.log1p(-float(model.epsilon_other))
        return Quantity(math.exp(cycle / k), "((1 - epsilon_key)(1 - epsilon_other)**(k-1))**(1/k), per cycle")
    rate = limiting_rate(model)
    if rate is None and _constant_rate(model) is not None:
        return Quantity(float(1 - model.epsilon), "1 - epsilon (a constant rate)")  # e.g. an oversight layer
    if rate is not None:
        return Quantity(float(1 - rate), "1 - lim epsilon_i")
    return Quantity(None, f"not defined: {type(model).__name__} states no limit of its rates")


def mean_generations(model: Any) -> Quantity:
    """``E[G] = sum over N >= 0 of S(N)``, the mean generation at which alignment is lost.

    Examples
    --------
    >>> mean_generations(Independent(epsilon="0.001"))
    Quantity(value=1000.0, how='1 / epsilon')
    >>> mean_generations(BetaMixture(mean="0.001", rho="0.01")).how
    'infinite: S(N) ~ C N**(-a) with a = 0.099 <= 1, so the sum of S(N) diverges'
    """
    exact = getattr(model, "mean_generations_exact", None)
    if callable(exact):
        value = exact()
        if value is not None:
            return Quantity(float(value), "alpha (I - Q)^-1 1, exactly")
        return Quantity(None, "infinite: some reachable state is never absorbed")
    limit = _limit(model)
    if limit is not None and limit > 0:
        return Quantity(None, f"infinite: alignment is never lost with probability S(inf) = {limit:.6g} > 0")
    constant = _constant_rate(model)
    if constant is not None and constant > 0:
        return Quantity(float(1 / constant), "1 / epsilon")
    if isinstance(model, FiniteMixture):
        total = sum((w / e for w, e in zip(model.weights, model.rates, strict=True) if w > 0), Fraction(0))
        return Quantity(float(total), "sum of w_k / epsilon_k")
    if isinstance(model, BetaMixture):
        a, b = model.a, model.b
        if a <= 1:
            return Quantity(None, f"infinite: S(N) ~ C N**(-a) with a = {float(a):.6g} <= 1, so the sum of S(N) "
                            "diverges")
        return Quantity(float((a + b - 1) / (a - 1)), "(a + b - 1) / (a - 1)")
    return _summed(model)


def _summed(model: Any) -> Quantity:
    """``sum S(N)`` in floats, chunk by chunk, until the terms no longer matter (an estimate).

    A rate schedule is summed from its rates (a running sum of ``log1p(-epsilon_i)``, linear in
    ``N``); other models from ``log_survival``.
    """
    total, start, log_before = 0.0, 0, 0.0
    by_rates = callable(getattr(model, "rate", None))
    try:
        while start < MAX_SUMMED_GENERATIONS:
            n = np.arange(start, start + _CHUNK, dtype=np.float64)
            if by_rates:
                rates = np.asarray(model.rate(FLOAT, np.maximum(n, 1)), dtype=np.float64)
                with np.errstate(divide="ignore"):
                    steps = np.where(n == 0, 0.0, np.log1p(-np.minimum(rates, 1.0)))
                logs = log_before + np.cumsum(steps)
                log_before = float(logs[-1])
            else:
                logs = np.asarray(model.log_survival(FLOAT, n), dtype=np.float64)
            with np.errstate(under="ignore"):
                terms = np.exp(logs)
            total += float(terms.sum())
            if terms[-1] < _SUM_TOLERANCE * total:
                return Quantity(total, f"sum of S(N) in floats over N < {start + _CHUNK:,} (an estimate)")
            start += _CHUNK
    except Exception as error:  # noqa: BLE001 - a model that cannot evaluate that far: say why
        return Quantity(None, f"not computed: S(N) could not be evaluated beyond N = {start:,} ({error})")
    return Quantity(None, f"not computed: the sum of S(N) has not converged after {MAX_SUMMED_GENERATIONS:,} "
                    "generations")


def summary(model: Any) -> dict[str, Any]:
    """The model's own ``describe()`` with ``decay_rate`` and ``mean_generations`` (and how each was found).

    A value that is not defined is ``None``, with the reason in ``decay_rate_note`` /
    ``mean_generations_note``.
    """
    own = getattr(model, "describe", None)
    result = dict(own()) if callable(own) else {"model": model.name, **model.parameters(), "limit": _limit(model)}
    for key, quantity in (("decay_rate", decay_rate(model)), ("mean_generations", mean_generations(model))):
        if result.get(key) is None:
            result[key] = quantity.value
        result[f"{key}_note"] = quantity.how
    base = getattr(model, "base", None)
    if isinstance(result.get("base"), dict) and base is not None:
        result["base"] = summary(base)
        result["base"] = result.pop("base")  # a wrapped model's summary goes last
    return result
