"""Helpers of :mod:`bounds.evidence.fit`: free coordinates, outward decimals, and the logistic family.

>>> _decimal(0.1234567890123456, ROUND_CEILING)
'0.123456789013'
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context
from typing import Any

import numpy as np

from bounds.evidence.fit_data import GenerationData
from bounds.models import Expression

#: The region's numerically found extremes are widened outward by this relative margin.
_WIDEN = 1e-6


def _decimal(value: float, rounding: str = ROUND_HALF_EVEN) -> str:
    """``value`` as a 12-digit decimal string, rounded in the given direction."""
    return str(Context(prec=12, rounding=rounding).create_decimal(repr(float(value))))


def _expit(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-17), 1 - 1e-16)
    return math.log(p / (1 - p))


def _logistic_log_rate(theta: Any, g: np.ndarray) -> np.ndarray:
    return math.log(theta[0]) - np.logaddexp(0.0, -theta[1] * (g - theta[2]))


def _logistic_model(epsilon_max: str, steepness: str, midpoint: str) -> Any:
    try:  # the Logistic family (bounds/models/logistic.py), where this version has it
        from bounds.models import Logistic  # type: ignore[attr-defined]
    except ImportError:
        return Expression(f"{epsilon_max}/(1+exp(-({steepness})*(i-({midpoint}))))")
    return Logistic(epsilon_max=epsilon_max, steepness=steepness, midpoint=midpoint)


def _logistic_conservative(low: list[float], high: list[float]) -> Any:
    """``epsilon_max_hi * max over the corners (k, i0) of sigma(k (i - i0))``: dominates the whole box.

    ``sigma`` is increasing and ``k (i - i0)`` is bilinear in ``(k, i0)``, so its maximum over a box
    is attained at one of the four corners, for every ``i``.
    """
    top = _decimal(min(high[0] * (1 + _WIDEN), 1.0), ROUND_CEILING)
    ks = (_decimal(_outward(low[1], -1), ROUND_FLOOR), _decimal(_outward(high[1], 1), ROUND_CEILING))
    ms = (_decimal(_outward(low[2], -1), ROUND_FLOOR), _decimal(_outward(high[2], 1), ROUND_CEILING))
    terms = ", ".join(f"1/(1+exp(-({k})*(i-({m}))))" for k in ks for m in ms)
    return Expression(f"{top}*max({terms})")


def _logistic_starts(data: GenerationData) -> list[np.ndarray]:
    rates = (data.failures + 0.5) / (data.trials + 1.0)
    g = data.generations.astype(float)
    top = _logit(min(0.99, 2 * float(rates.max())))
    middle = float(g.mean())
    return [np.array([top, k, middle]) for k in (-0.5, 0.5)] + [np.array([top, k, float(g.max())]) for k in (-1, 1)]


def _outward(value: float, side: int) -> float:
    return value + side * _WIDEN * max(1.0, abs(value))


