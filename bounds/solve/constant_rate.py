"""Certified floors for a constant rate, one element at a time, without building models.

The array path of :func:`bounds.budget` decides most elements in float64; the rest
(budgets beyond ``2**52``, near-ties, thresholds below the normal float range) come
here before the general solver. For ``0 < eps <= 1/2`` the budget is
``N* = floor(q)``, ``q = ln T / ln(1 - eps)``: one ball of ``q`` at 128 bits whose
floor is a unique integer proves it (``S(N*) >= T > S(N*+1)`` follows because
``N ln(1 - eps) >= ln T`` exactly when ``N <= q``). A ball that contains an
integer (an exact tie, or a near-tie beyond 128 bits) is left to the general solver.

>>> from fractions import Fraction
>>> certified_floor(float_decimal(0.001), log_ball(Fraction(605, 1000)))
502
>>> certified_floor(float_decimal(0.1), log_ball(Fraction(81, 100))) is None  # 0.9**2 == 0.81: a tie
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint

from bounds.numeric.contexts import BallContext

__all__ = ["PREC", "certified_floor", "certified_floors", "float_decimal", "log_ball"]

#: Working precision of the one ball per element, in bits.
PREC = 128


def float_decimal(value: float) -> flint.fmpq:
    """The exact decimal a float stands for (its ``repr``), as a python-flint rational.

    >>> float_decimal(0.1), float_decimal(1.5e-16), float_decimal(1e22)
    (1/10, 3/20000000000000000, 10000000000000000000000)
    """
    mantissa, _, exponent = repr(float(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = int(whole + fraction)
    shift = len(fraction) - (int(exponent) if exponent else 0)
    return flint.fmpq(digits, 10**shift) if shift > 0 else flint.fmpq(digits * 10**-shift)


def log_ball(value: Fraction | flint.fmpq) -> flint.arb:
    """A ball containing ``ln value`` at :data:`PREC` bits."""
    if isinstance(value, Fraction):
        value = flint.fmpq(value.numerator, value.denominator)
    with BallContext(PREC):
        return flint.arb(value).log()


def certified_floor(epsilon: flint.fmpq, log_target: flint.arb) -> int | None:
    """``N* = floor(ln T / ln(1 - eps))`` for ``0 < eps <= 1/2``, proved, or ``None`` if the ball cannot decide."""
    with BallContext(PREC):
        return _floor(epsilon, log_target)


def _floor(epsilon: flint.fmpq, log_target: flint.arb) -> int | None:
    ratio = log_target / (-flint.arb(epsilon)).log1p()
    floor: Any = ratio.floor().unique_fmpz()
    # a ball touching an integer could be a tie (S(N) == T): the general solver settles those exactly
    if floor is None or ratio.contains(floor) or ratio.contains(floor + 1):
        return None
    return int(floor)


def certified_floors(epsilons: list[float], thresholds: list[Any]) -> list[int | None]:
    """:func:`certified_floor` for float rates in ``(0, 1/2]`` and float or exact thresholds, in one pass."""
    floors: list[int | None] = []
    with BallContext(PREC):
        for epsilon, target in zip(epsilons, thresholds, strict=True):
            exact_target = float_decimal(target) if isinstance(target, float) else target
            if isinstance(exact_target, Fraction):
                exact_target = flint.fmpq(exact_target.numerator, exact_target.denominator)
            floors.append(_floor(float_decimal(epsilon), flint.arb(exact_target).log()))
    return floors
