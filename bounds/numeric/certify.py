"""The one certifier: the proved sign of ``X - T``.

Every decision :mod:`bounds` makes about a quantity ``X`` (a survival ``S(n)``,
its limit ``S(infinity)``, a time, a probability) against a threshold ``T`` goes
through :func:`decide`. It evaluates ``ln X`` in :class:`BallContext` at 64, 128,
256, ... bits until the ball lies strictly on one side of the ball of ``ln T``
(a theorem: both balls contain the true values); only when no ball separates
them does it ask for the exact rational ``X``, which settles exact ties
(``0.9**2 == 0.81``). A tie that neither settles raises
:class:`~bounds.errors.CertificationError`: the certifier never guesses, and
float arithmetic never decides (DESIGN §2).

The shape is that of python-flint's ``flint.good``: raise the precision until
the answer is accurate, within a cap.

>>> from fractions import Fraction
>>> ten = Fraction(1, 10)
>>> decide(lambda ctx: 2 * ctx.log1p(-ctx.number(ten)), Fraction(81, 100), exact=lambda: (1 - ten) ** 2).method
'exact'
>>> d = decide(lambda ctx: 500 * ctx.log1p(-ctx.number(Fraction(1, 1000))), Fraction(605, 1000))
>>> d.sign, d.method, d.prec
(1, 'ball', 64)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint

from bounds.errors import CertificationError
from bounds.numeric.contexts import BallContext

__all__ = ["MAX_PREC", "START_PREC", "Decision", "ball_to_mpf", "decide", "evaluate", "exp_ball"]

#: First working precision, in bits.
START_PREC = 64
#: Highest working precision, in bits: above the 13,300 bits a 4000-digit decimal input can need.
MAX_PREC = 1 << 16
# A ball that does not tighten with precision will not separate at any precision.
_STALLS_ALLOWED = 2
# A NaN ball (no information) is retried at higher precision up to this many bits.
_NAN_UNTIL = 8192
# Exact arithmetic is tried only once a ball has failed at this precision (ties are rare; exact can be costly).
_EXACT_AFTER = 128


@dataclass(frozen=True)
class Decision:
    """The proved sign of ``X - T`` and how it was proved.

    Attributes
    ----------
    sign : int
        ``1`` for ``X > T``, ``-1`` for ``X < T``, ``0`` for ``X == T`` (only ever proved exactly).
    method : str
        ``"exact"`` (rational arithmetic) or ``"ball"`` (arb ball arithmetic).
    prec : int
        Working precision of the ball in bits (``0`` for exact).
    log_value : flint.arb or None
        The ball of ``ln X`` that decided (``None`` for exact).
    exact_value : Fraction or None
        The exact ``X`` that decided (``None`` for a ball).
    """

    sign: int
    method: str
    prec: int
    log_value: Any = None
    exact_value: Fraction | None = None

    @property
    def holds(self) -> bool:
        """``X >= T``."""
        return self.sign >= 0

    def value_mpf(self) -> Any:
        """``X`` as an mpmath number at the working precision (for display; the proof is the ball)."""
        import mpmath

        if self.exact_value is not None:
            with mpmath.workdps(40):
                return mpmath.mpf(self.exact_value.numerator) / self.exact_value.denominator
        return ball_to_mpf(exp_ball(self.log_value, self.prec), self.prec)


def exp_ball(log_value: flint.arb, prec: int) -> flint.arb:
    """``exp`` of a ball at ``prec`` bits (``exp(-inf) = 0``)."""
    with BallContext(prec):
        if not log_value.is_finite() and log_value < 0:
            return flint.arb(0)
        return log_value.exp()


def ball_to_mpf(ball: flint.arb, prec: int) -> Any:
    """The midpoint of ``ball`` as an exact mpmath number (``prec`` bits are kept)."""
    import mpmath

    mantissa, exponent = ball.mid().man_exp()
    with mpmath.workprec(max(prec, int(mantissa).bit_length()) + 10):
        return mpmath.ldexp(mpmath.mpf(int(mantissa)), int(exponent))


def _log_target(target: Fraction) -> flint.arb:
    # arb(fmpq) is a ball containing target; its log a ball containing ln target
    return flint.arb(flint.fmpq(target.numerator, target.denominator)).log()


def decide(
    log_value: Callable[[BallContext], flint.arb],
    target: Fraction,
    *,
    exact: Callable[[], Fraction | None] | None = None,
    what: str = "X",
    start_prec: int = START_PREC,
    max_prec: int = MAX_PREC,
) -> Decision:
    """Prove the sign of ``X - target`` from balls of ``ln X``, exact ``X`` for ties.

    Parameters
    ----------
    log_value : callable
        ``log_value(ctx)`` returns an ``arb`` ball containing ``ln X``, evaluated in the
        entered :class:`BallContext` ``ctx`` (``-inf`` for ``X == 0``).
    target : Fraction
        ``T > 0``.
    exact : callable, optional
        Returns the exact ``X`` as a Fraction, or ``None`` when that is too costly.
    what : str
        Name of ``X`` for the error message.

    Raises
    ------
    CertificationError
        When neither a ball at ``max_prec`` bits nor exact arithmetic decides.
    """
    if target <= 0:
        raise ValueError("the target must be positive")
    prec, stalls, last_radius, exact_tried = max(start_prec, 16), 0, None, exact is None
    while prec <= max_prec:
        with BallContext(prec) as ctx:
            ball = log_value(ctx)
            if not isinstance(ball, flint.arb):
                ball = ctx.number(ball)
            if ball.is_nan():
                # no information at this precision (a ball of X around 0): a wider working precision may give some
                if prec >= _NAN_UNTIL:
                    raise CertificationError(f"the enclosure of ln {what} is not a number (NaN) at {prec} bits")
                prec *= 2
                continue
            bound = _log_target(target)
            if ball > bound:
                return Decision(1, "ball", prec, ball)
            if ball < bound:
                return Decision(-1, "ball", prec, ball)
            radius = ball.rad()
        if not exact_tried and prec >= _EXACT_AFTER:
            exact_tried = True
            value = exact()  # type: ignore[misc]
            if value is not None:
                return Decision((value > target) - (value < target), "exact", 0, None, value)
        if last_radius is not None and radius.is_finite() and not radius < last_radius / 2:
            stalls += 1
            if stalls > _STALLS_ALLOWED:
                break
        last_radius = radius if radius.is_finite() else None
        prec *= 2
    raise CertificationError(
        f"could not decide whether {what} >= T = {_short(target)}: the balls of {what} and T overlap up to "
        f"{min(prec, max_prec)} bits and no exact value settles it (an exact tie the model cannot evaluate exactly)"
    )


def evaluate(
    log_value: Callable[[BallContext], flint.arb], digits: int, *, exponentiate: bool = True,
    max_prec: int = MAX_PREC,
) -> Any:
    """``X = exp(ln X)`` (or ``ln X``) to ``digits`` correct significant digits, as an mpmath number.

    The precision rises until the ball is that accurate (the shape of ``flint.good``); the
    midpoint is returned, so every printed digit is backed by the ball. ``X == 0`` is exact.

    >>> from fractions import Fraction
    >>> import mpmath
    >>> value = evaluate(lambda ctx: 500 * ctx.log1p(-ctx.number(Fraction(1, 1000))), 20)
    >>> with mpmath.workdps(30):
    ...     mpmath.nstr(value, 20)
    '0.60637894486118500504'
    """
    needed = int(digits * 3.33) + 8
    prec = max(START_PREC, needed + 16)
    while prec <= max_prec:
        with BallContext(prec) as ctx:
            ball = log_value(ctx)
            if not ball.is_finite() and ball < 0:  # X == 0
                return ball_to_mpf(flint.arb(0), prec) if exponentiate else -_mpmath().inf
            value = ball.exp() if exponentiate else ball
            if value.is_exact() or value.rel_accuracy_bits() >= needed:
                return ball_to_mpf(value, prec)
        prec *= 2
    raise CertificationError(f"no ball reached {digits} correct digits below {max_prec} bits")


def _mpmath() -> Any:
    import mpmath

    return mpmath


def _short(value: Fraction) -> str:
    from bounds.numeric.parse import format_number

    return format_number(value)
