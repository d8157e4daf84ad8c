"""What the persistent-floor wrapper may know about its base: rate trends and floor-closed families.

Two registries (``functools.singledispatch``), so that a schedule family opts in
with one registration and no edit to :mod:`bounds.models.unsafe`:

* :func:`rate_trend`: whether ``epsilon_i`` is constant, non-increasing or
  non-decreasing in ``i``. With it the floor wrapper finds the single index
  where the floor takes over in O(log N) rate comparisons.
* :func:`floored_equivalent`: a model of the base's own family equal to the
  base under a constant floor (``Independent``, the periodic ``TwoRate``), so
  that a non-monotone base keeps its closed form.
"""

from __future__ import annotations

from fractions import Fraction
from functools import singledispatch
from typing import Any

from bounds.models.explicit import Rates
from bounds.models.independent import Independent
from bounds.models.schedule import Geometric, Power, TwoRate

__all__ = ["floored_equivalent", "rate_trend"]


@singledispatch
def rate_trend(model: Any) -> str | None:
    """How a schedule-like model's rate ``epsilon_i`` moves with ``i``, when that is known.

    Returns ``"constant"``, ``"nonincreasing"``, ``"nondecreasing"`` or
    ``None`` (unknown or neither). A model may answer through its own
    ``rate_trend()`` method; a family whose module cannot be edited registers
    an answer here with ``@rate_trend.register(Family)``. A known trend lets
    :class:`PersistentUnsafe` find the one index where the floor takes over and
    evaluate ``S(N)`` for ``N = 10**15`` in O(log N) rate evaluations.
    """
    method = getattr(model, "rate_trend", None)
    return method() if callable(method) else None


@rate_trend.register
def _independent_trend(model: Independent) -> str:
    return "constant"


@rate_trend.register
def _geometric_trend(model: Geometric) -> str:
    # min(1, eps1 r**(i-1)): the cap at 1 keeps a rising schedule non-decreasing
    if model.epsilon1 == 0 or model.ratio == 1:
        return "constant"
    return "nonincreasing" if model.ratio < 1 else "nondecreasing"


@rate_trend.register
def _power_trend(model: Power) -> str:
    return "constant" if model.epsilon1 == 0 else "nonincreasing"  # eps1 i**(-s) with s > 0


@rate_trend.register
def _rates_trend(model: Rates) -> str | None:
    rates = list(model.rates) + ([Fraction(0)] if model.tail == "zero" else [])
    steps = [later - earlier for earlier, later in zip(rates, rates[1:], strict=False)]
    if all(step == 0 for step in steps):
        return "constant"
    if all(step <= 0 for step in steps):
        return "nonincreasing"
    if all(step >= 0 for step in steps):
        return "nondecreasing"
    return None


def _combine(rate: Fraction, mass: Fraction, mode: str) -> Fraction:
    return max(rate, mass) if mode == "floor" else 1 - (1 - rate) * (1 - mass)


@singledispatch
def floored_equivalent(model: Any, mass: Fraction, mode: str) -> Any:
    """A model of the same family equal to ``model`` under a constant floor, or ``None``.

    Families closed under ``epsilon -> max(epsilon, delta)`` (constant rates,
    periodic key decisions) register here, so that a non-monotone base such as
    :class:`~bounds.models.schedule.TwoRate` keeps its closed form under a floor.
    """
    return None


@floored_equivalent.register
def _independent_floored(model: Independent, mass: Fraction, mode: str) -> Independent:
    return Independent(epsilon=_combine(model.epsilon, mass, mode))


@floored_equivalent.register
def _two_rate_floored(model: TwoRate, mass: Fraction, mode: str) -> TwoRate:
    return TwoRate(
        epsilon_key=_combine(model.epsilon_key, mass, mode),
        epsilon_other=_combine(model.epsilon_other, mass, mode),
        key_every=model.key_every,
    )
