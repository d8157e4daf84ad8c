"""Independent truths for absorbing and Markov chains, computed from the parameters in the test.

Nothing here calls the code under test: mpmath matrix powers at 60 digits, python-flint
``arb_mat`` powers built straight from the exact parameters, and exact Fraction products.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import flint
import mpmath


def mp_number(value: Any) -> mpmath.mpf:
    value = Fraction(value)
    return mpmath.mpf(value.numerator) / value.denominator


def mp_log_survival(matrix: Sequence[Sequence[Any]], alpha: Sequence[Any], n: int, dps: int = 60) -> mpmath.mpf:
    """ln(alpha Q^n 1) by mpmath's matrix power at ``dps`` digits."""
    with mpmath.workdps(dps):
        power = mpmath.matrix([[mp_number(e) for e in row] for row in matrix]) ** n
        start = [mp_number(e) for e in alpha]
        total = mpmath.fsum(start[r] * power[r, c] for r in range(len(start)) for c in range(len(start)))
        return mpmath.log(total) if total > 0 else mpmath.mpf("-inf")


def mp_markov_log_survival(transition: Any, failure: Any, initial: Any, n: int, dps: int = 60) -> mpmath.mpf:
    """ln(pi D (P D)^(N-1) 1), DESIGN's form of the Markov-modulated survival, at ``dps`` digits."""
    if n == 0:
        return mpmath.mpf(0)
    with mpmath.workdps(dps):
        size = len(failure)
        keep = mpmath.diag([1 - mp_number(f) for f in failure])
        step = mpmath.matrix([[mp_number(p) for p in row] for row in transition]) * keep
        start = mpmath.matrix([[mp_number(p) for p in initial]]) * keep
        vector = start * step ** (n - 1)
        return mpmath.log(mpmath.fsum(vector[0, c] for c in range(size)))


def arb_survival(matrix: Sequence[Sequence[Any]], alpha: Sequence[Any], n: int, prec: int) -> flint.arb:
    """alpha Q^n 1 as a ball from python-flint's own ``arb_mat ** n`` (enough guard bits for n)."""
    saved = flint.ctx.prec
    flint.ctx.prec = prec + 2 * n.bit_length() + 20
    try:

        def ball(value: Any) -> flint.arb:
            value = Fraction(value)
            return flint.arb(flint.fmpq(value.numerator, value.denominator))

        size = len(alpha)
        power = flint.arb_mat([[ball(e) for e in row] for row in matrix]) ** n
        start = flint.arb_mat([[ball(e) for e in alpha]])
        return (start * power * flint.arb_mat([[1]] * size))[0, 0]
    finally:
        flint.ctx.prec = saved


def arb_log_survival(matrix: Sequence[Sequence[Any]], alpha: Sequence[Any], n: int, prec: int) -> flint.arb:
    """ln(alpha Q^n 1) as a ball (``-inf`` for an exact zero), from :func:`arb_survival`."""
    total = arb_survival(matrix, alpha, n, prec)
    return flint.arb.neg_inf() if total.is_zero() and total.is_exact() else total.log()


def arb_of(value: mpmath.mpf) -> flint.arb:
    """An mpmath number as an exact arb midpoint (for comparisons with balls)."""
    sign, mantissa, exponent, _ = value._mpf_  # not mpf(value): that would round to the current precision
    return (-1) ** sign * flint.arb(flint.fmpz(int(mantissa))) * flint.arb(2) ** int(exponent)


def agrees(ball: flint.arb, value: mpmath.mpf, relative: float, absolute: float = 1e-55) -> bool:
    """``value`` lies in ``ball`` widened by ``relative * |value| + absolute`` (the error of the 60-digit truth)."""
    saved = flint.ctx.prec
    flint.ctx.prec = 400
    try:
        truth = arb_of(value)
        return bool((ball - truth).abs_lower() <= truth.abs_upper() * flint.arb(relative) + flint.arb(absolute))
    finally:
        flint.ctx.prec = saved


def exact_survival(matrix: Sequence[Sequence[Fraction]], alpha: Sequence[Fraction], n: int) -> Fraction:
    """alpha Q^n 1 with Fractions, step by step."""
    vector = list(alpha)
    for _ in range(n):
        vector = [sum((vector[r] * matrix[r][c] for r in range(len(vector))), Fraction(0)) for c in range(len(vector))]
    return sum(vector, Fraction(0))


def assert_balls_contain(model: Any, n: int, truth: mpmath.mpf) -> list[float]:
    """The model's balls of ``ln S(n)`` at 64/128/256 bits contain ``truth`` and do not widen; their radii.

    mpmath's 60 digits carry a relative error of about ``n * 1e-60``, hence the tolerance.
    """
    from bounds.numeric.contexts import BallContext

    radii: list[float] = []
    for prec in (64, 128, 256):
        with BallContext(prec) as ctx:
            ball = model.log_survival(ctx, n)
        if truth == -mpmath.inf:
            assert ball == flint.arb.neg_inf()
            return radii
        assert agrees(ball, truth, 1e-45, 1e-44), (prec, ball, truth)
        radii.append(float(ball.rad()))
    assert radii[2] <= radii[1] <= radii[0]
    return radii
