"""Certified floors for a constant rate, one element at a time, without building models.

:func:`lean_budget` is the scalar fast path of :func:`bounds.budget` for a float rate and a
float threshold: the general solver's own certificate (the same balls at 64 bits), without
its search and bookkeeping.

The array path of :func:`bounds.budget` decides most elements in float64, and most of
the budgets beyond float64's reach in three proved stages (:mod:`bounds.solve._extended`); the
rest (near-ties, inputs outside those ranges) come here before the general solver. For ``0 < eps <= 1/2`` the budget is
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

import math
from fractions import Fraction
from functools import partial
from typing import Any

import flint
from mpmath import mp
from mpmath.libmp import MPZ, from_man_exp

from bounds.models.independent import Independent
from bounds.numeric.contexts import BallContext
from bounds.solve.budget import Budget, deferred_budget

__all__ = ["PREC", "certified_floor", "certified_floors", "decimal_fmpqs", "float_decimal", "lean_budget", "log_ball"]

#: Working precision of the one ball per element, in bits.
PREC = 128


def float_decimal(value: float) -> flint.fmpq:
    """The exact decimal a float stands for (its ``repr``), as a python-flint rational.

    >>> float_decimal(0.1), float_decimal(1.5e-16), float_decimal(1e22)
    (1/10, 3/20000000000000000, 10000000000000000000000)
    """
    return flint.fmpq(*_decimal_ratio(float(value)))


def _decimal_ratio(value: float) -> tuple[int, int]:
    """Numerator and power-of-ten denominator of the decimal a float prints as (not reduced)."""
    text = repr(value)
    if "e" not in text:  # positional, as 0.001 and 0.605 print: the digits over 10**(digits after the point)
        return int(text.replace(".", "")), _POWERS[len(text) - 1 - text.index(".")]
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = int(whole + fraction)
    shift = len(fraction) - int(exponent)
    if shift <= 0:
        return digits * 10**-shift, 1
    return digits, _POWERS[shift] if shift < len(_POWERS) else 10**shift


#: ``10**k`` for the denominators of reprs: 17 digits after ``0.0000`` when positional, ``1e-308`` and
#: subnormals down to ``5e-324`` in exponent form.
_POWERS = tuple(10**k for k in range(342))


#: The lean path is taken for a float threshold in this range (normal floats below 1) ...
_NORMAL_THRESHOLDS = (2.3e-308, 1.0)
#: ... and a float guess of the budget in this range (beyond it the general solver's ball candidate).
_LEAN_BUDGETS = (1, 2**50)


def lean_budget(epsilon: float, threshold: float) -> Budget | None:
    """The certified budget for a float ``0 < epsilon <= 1/2`` and a normal float ``0 < T < 1``,
    or ``None`` to leave it to the general solver.

    The result equals the :class:`~bounds.solve.budget.Budget` that
    ``Independent(epsilon=epsilon).budget(threshold)`` returns, field for field: the float
    formula gives a guess ``n``; the proof is the general solver's first attempt, the 64-bit
    balls of ``ln S(n) = n ln(1 - eps)`` and ``ln S(n + 1)`` (``eps`` the exact decimal of
    its ``repr``) lying strictly above and below the ball of ``ln T``. When either ball
    fails to separate (a near-tie, or a wrong guess) the general solver runs instead, so no
    certificate here is weaker than there, and none is different. The fields beyond ``n`` and
    the certificate (the threshold and model as exact numbers, ``S(n)`` and ``S(n + 1)``) are
    derived from the same balls on first use (:func:`~bounds.solve.budget.deferred_budget`).

    Examples
    --------
    >>> result = lean_budget(0.001, 0.605)
    >>> result == Independent(epsilon=0.001).budget(0.605), result.certificate_text
    (True, 'ball arithmetic at 64 bits')
    >>> lean_budget(0.1, 0.81) is None  # 0.9**2 == 0.81: a tie, settled exactly by the general solver
    True
    """
    if not (0.0 < epsilon <= 0.5 and _NORMAL_THRESHOLDS[0] < threshold < _NORMAL_THRESHOLDS[1]):
        return None
    guess = math.floor(math.log(threshold) / math.log1p(-epsilon))
    if not _LEAN_BUDGETS[0] <= guess < _LEAN_BUDGETS[1]:
        return None
    rate = _decimal_ratio(epsilon)
    target = _decimal_ratio(threshold)
    context = flint.ctx
    saved = context.prec
    context.prec = START_BITS
    try:
        # the same operations, in the same order, as Independent.log_survival and decide at 64 bits
        log_keep = (-flint.arb(flint.fmpq(*rate))).log1p()
        log_at, log_after = guess * log_keep, (guess + 1) * log_keep
        log_target = flint.arb(flint.fmpq(*target)).log()
        if not (log_at > log_target and log_after < log_target):
            return None
    finally:
        context.prec = saved
    return deferred_budget(guess, "ball", START_BITS, partial(_lean_fields, epsilon, rate, target, log_at, log_after))


def _lean_fields(
    epsilon: float, rate: tuple[int, int], target: tuple[int, int], log_at: flint.arb, log_after: flint.arb
) -> dict[str, Any]:
    """The deferred fields of :func:`lean_budget`'s Budget: what the general solver stores, from the same balls."""
    saved = flint.ctx.prec
    flint.ctx.prec = START_BITS
    try:
        at, after = log_at.exp().mid().man_exp(), log_after.exp().mid().man_exp()
    finally:
        flint.ctx.prec = saved
    at_man, at_exp, after_man, after_exp = int(at[0]), int(at[1]), int(after[0]), int(after[1])
    # the model Independent(epsilon=epsilon) builds: its float ln(1 - eps) is log1p(-float(decimal)), and the
    # decimal's nearest float is epsilon itself (repr round-trips)
    model = Independent._of_small_rate(Fraction(*rate), math.log1p(-epsilon))
    return {
        "threshold": Fraction(*target),
        "model": model,
        # S(n) and S(n + 1) lie in [T/2, 1]: int -> float and ldexp round once, to nearest, as float(mpf) does
        "survival_at_budget": math.ldexp(at_man, at_exp),
        "survival_after_budget": math.ldexp(after_man, after_exp),
        "certificate_values": (_exact_mpf(at_man, at_exp), _exact_mpf(after_man, after_exp)),
    }


#: The general solver's first precision (:data:`bounds.numeric.certify.START_PREC`).
START_BITS = 64


def _exact_mpf(man: int, exp: int) -> Any:
    """``man * 2**exp`` as an exact mpmath number (a ball midpoint, as in ``ball_to_mpf``).

    ``arb.man_exp`` gives an odd mantissa (FLINT's ``arf_get_fmpz_2exp``), which is mpmath's
    normal form for a positive number: the tuple is used as it is.
    """
    if man <= 0 or not man & 1:
        return mp.make_mpf(from_man_exp(man, exp))
    return mp.make_mpf((0, MPZ(man), exp, man.bit_length()))


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
    # a ball touching an integer could be a tie (S(N) == T): the general solver settles those exactly;
    # arb's < and > hold only when they hold for every point of the ball
    if floor is None or not (ratio > floor and ratio < floor + 1):
        return None
    return int(floor)


def certified_floors(epsilons: list[Any], thresholds: list[Any]) -> list[int | None]:
    """:func:`certified_floor` for rates in ``(0, 1/2]`` and thresholds, in one pass.

    Each is a float (its decimal), a Fraction, or an ``fmpq`` (e.g. from :func:`decimal_fmpqs`).
    """
    exact_rates = [_fmpq(epsilon) for epsilon in epsilons]
    exact_targets = [_fmpq(target) for target in thresholds]
    with BallContext(PREC):
        return [
            _floor(epsilon, flint.arb(target).log())
            for epsilon, target in zip(exact_rates, exact_targets, strict=True)
        ]


def decimal_fmpqs(ratios: list[tuple[int, int]]) -> list[flint.fmpq]:
    """``D / 10**j`` as python-flint rationals, for the pairs of :func:`bounds.solve._extended.decimal_ratios`.

    >>> decimal_fmpqs([(605, 3), (15, 17), (1, -22)])
    [121/200, 3/20000000000000000, 10000000000000000000000]
    """
    return [
        flint.fmpq(digits, _POWERS[places] if places < len(_POWERS) else 10**places)
        if places >= 0
        else flint.fmpq(digits * 10**-places)
        for digits, places in ratios
    ]


def _fmpq(value: Any) -> Any:
    """A float threshold as its decimal, a Fraction as an fmpq (python-flint's rational)."""
    if type(value) is float:
        return float_decimal(value)
    if isinstance(value, Fraction):
        return flint.fmpq(value.numerator, value.denominator)
    return value
