"""Floats as the exact decimals they print as: rounding up, and searching in float order.

A float means the decimal it prints as (DESIGN §2). Rounding a bound *up*
therefore means: the smallest float whose printed decimal is at least the
exact bound. Non-negative floats are ordered like their int64 bit patterns, so
such searches are bisections over integers.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import mpmath
import numpy as np

from bounds.numeric.parse import exact, to_mpf
from bounds.numeric.search import last_true

__all__ = ["bits_float", "float_at_least", "float_bits", "smallest_float"]


def float_bits(value: float) -> int:
    """The int64 bit pattern of a float (monotone in the value for floats >= 0)."""
    return int(np.float64(value).view(np.int64))


def bits_float(bits: int) -> float:
    """The float with the given int64 bit pattern."""
    return float(np.int64(bits).view(np.float64))


def smallest_float(holds: Callable[[Fraction], bool], guess: float) -> float:
    """Smallest float ``x`` in ``[0, 1]`` whose exact decimal satisfies the monotone ``holds``.

    ``holds`` must be False at 0 and True at 1 (the two ends are assumed, never
    evaluated, so ``holds`` may fail there, e.g. for a model that refuses
    ``epsilon = 1``). Non-negative floats are ordered
    like their bit patterns, so a gallop from ``guess`` and a bisection over
    the integers find the answer in a few evaluations when the guess is close
    (it is: scipy's quantiles are accurate to a few ulp) and in at most ~130
    when it is not.
    """
    cache: dict[int, bool] = {}

    def ok(bits: int) -> bool:
        if bits not in cache:
            cache[bits] = holds(exact(bits_float(bits), "epsilon"))
        return cache[bits]

    # the last bit pattern that fails, plus one: 0 is known to fail and 1.0 to hold (neither is evaluated)
    start = float_bits(min(max(guess, 0.0), 1.0))
    return bits_float(last_true(lambda bits: not ok(bits), start - 1, low=0, high=float_bits(1.0)) + 1)


def float_at_least(value: Fraction | mpmath.mpf) -> float:
    """Smallest float whose decimal is ``>= value`` (``value`` in [0, 1]).

    Examples
    --------
    >>> float_at_least(Fraction(3, 7))  # 3/7 = 0.428571428571428571...
    0.4285714285714286
    >>> float_at_least(Fraction(0))
    0.0
    """
    if value <= 0:
        return 0.0
    if isinstance(value, Fraction):
        return smallest_float(lambda x: x >= value, float(value))
    with mpmath.workdps(60):
        target = +value
        return smallest_float(lambda x: to_mpf(x) >= target, float(target))


