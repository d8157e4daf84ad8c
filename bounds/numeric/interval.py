"""Rigorous interval arithmetic through :data:`mpmath.iv`, with its precision restored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

import mpmath
from mpmath import iv

__all__ = ["endpoints", "interval_fraction", "interval_precision"]


@contextmanager
def interval_precision(bits: int) -> Iterator[None]:
    """Set the working precision of ``mpmath.iv`` (it has no ``workprec``) and restore it."""
    saved = iv.prec
    iv.prec = bits
    try:
        yield
    finally:
        iv.prec = saved


def interval_fraction(value: Fraction) -> mpmath.ctx_iv.ivmpf:
    """An interval guaranteed to contain the exact rational ``value``."""
    return iv.mpf(value.numerator) / iv.mpf(value.denominator)


def endpoints(interval: mpmath.ctx_iv.ivmpf) -> tuple[mpmath.mpf, mpmath.mpf]:
    """The endpoints as mpf, converted without rounding (at the interval's own precision)."""
    with mpmath.workprec(iv.prec + 16):
        return mpmath.mpf(interval.a), mpmath.mpf(interval.b)
