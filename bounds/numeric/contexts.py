"""Number contexts: one formula, three kinds of arithmetic.

A model writes its mathematics once against a context ``ctx`` (the shape of
mpmath's contexts and of python-flint's ``arb``):

``FLOAT`` (:class:`FloatContext`)
    numpy float64, vectorised over arrays; finds candidates fast and gives the
    float results users see. It never decides anything.
``BallContext(prec)``
    python-flint's ``arb``: every operation returns a ball guaranteed to contain
    the true value, so two disjoint balls are a theorem (DESIGN §2). Matrices
    are ``arb_mat``.
``EXACT`` (:class:`ExactContext`)
    :class:`fractions.Fraction`; rational operations only, used to settle exact
    ties. A transcendental function raises :class:`NotExact`.

Every context offers the same small vocabulary: ``number`` (an exact input as a
context number), ``log1p``, ``expm1``, ``exp``, ``log``, ``sqrt``, ``power``,
``lgamma``, ``digamma``, ``zeta`` (Hurwitz), ``minimum``, ``maximum``,
``sum``, ``matrix`` and ``matrix_power``. Logarithms of zero are ``-inf`` in
every context (``arb`` itself would return NaN).

>>> from fractions import Fraction
>>> from bounds.numeric.contexts import FLOAT, BallContext
>>> float(FLOAT.log1p(FLOAT.number(Fraction(-1, 1000))))
-0.0010005003335835335
>>> with BallContext(128) as ctx:
...     ball = 500 * ctx.log1p(-ctx.number(Fraction(1, 1000)))
...     print(ball.contains(ctx.number(Fraction(-500255, 1000000))), ball < -0.5)
False True
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import flint
import numpy as np

__all__ = ["EXACT", "FLOAT", "BallContext", "Context", "ExactContext", "FloatContext", "NotExact", "is_context"]


class NotExact(ArithmeticError):
    """An operation has no exact rational result (``log``, ``exp``, irrational powers)."""


class Context:
    """What every context provides; see the module docstring."""

    #: ``"float"``, ``"ball"`` or ``"exact"``
    kind: str = "abstract"

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def is_context(value: object) -> bool:
    """True for a number context (used to tell ``log_survival(ctx, n)`` from ``log_survival(n)``)."""
    return isinstance(value, Context)


# ---------------------------------------------------------------------------------------------------------------------
class FloatContext(Context):
    """numpy float64, vectorised; special functions from :mod:`scipy.special` (imported when first used)."""

    kind = "float"
    inf = math.inf

    def number(self, value: Fraction | int | float) -> np.float64:
        """The float64 nearest to ``value`` (0.0 or inf beyond the float range, with the sign kept)."""
        if isinstance(value, Fraction):
            try:
                return np.float64(value.numerator / value.denominator)
            except OverflowError:
                return np.float64(math.inf if value > 0 else -math.inf)
        return np.float64(value)

    zero = np.float64(0.0)
    one = np.float64(1.0)

    def log1p(self, x: Any) -> Any:
        with np.errstate(divide="ignore"):
            return np.log1p(x)

    def expm1(self, x: Any) -> Any:
        with np.errstate(over="ignore"):
            return np.expm1(x)

    def exp(self, x: Any) -> Any:
        with np.errstate(over="ignore", under="ignore"):
            return np.exp(x)

    def log(self, x: Any) -> Any:
        with np.errstate(divide="ignore"):
            return np.log(x)

    def sqrt(self, x: Any) -> Any:
        return np.sqrt(x)

    def power(self, x: Any, y: Any) -> Any:
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            return np.power(x, y)

    def lgamma(self, x: Any) -> Any:
        from scipy.special import gammaln

        return gammaln(x)

    def digamma(self, x: Any) -> Any:
        from scipy.special import digamma

        return digamma(x)

    def zeta(self, s: Any, a: Any) -> Any:
        """Hurwitz zeta ``sum_{k>=0} (k + a)**-s`` for ``s > 1``."""
        from scipy.special import zeta

        return zeta(s, a)

    def minimum(self, x: Any, y: Any) -> Any:
        return np.minimum(x, y)

    def maximum(self, x: Any, y: Any) -> Any:
        return np.maximum(x, y)

    def sum(self, values: Any) -> Any:
        return math.fsum(values) if not isinstance(values, np.ndarray) else np.sum(values)

    def matrix(self, rows: Any) -> np.ndarray:
        return np.array([[self.number(item) for item in row] for row in rows], dtype=np.float64)

    def matrix_power(self, matrix: np.ndarray, n: int) -> np.ndarray:
        return np.linalg.matrix_power(matrix, n)


FLOAT = FloatContext()


# ---------------------------------------------------------------------------------------------------------------------
class BallContext(Context):
    """Rigorous ball arithmetic on python-flint's ``arb`` at ``prec`` bits.

    Use it as a context manager: it sets flint's working precision for the block
    and restores it afterwards (the ``workprec`` pattern), so that every ``arb``
    operation inside, including a model's own, runs at ``prec`` bits.
    """

    kind = "ball"

    def __init__(self, prec: int = 64) -> None:
        self.prec = int(prec)
        self._saved: list[int] = []

    def __enter__(self) -> BallContext:
        self._saved.append(flint.ctx.prec)
        flint.ctx.prec = self.prec
        return self

    def __exit__(self, *exc: object) -> None:
        flint.ctx.prec = self._saved.pop()

    def __repr__(self) -> str:
        return f"BallContext(prec={self.prec})"

    @property
    def inf(self) -> flint.arb:
        return flint.arb.pos_inf()

    @property
    def zero(self) -> flint.arb:
        return flint.arb(0)

    @property
    def one(self) -> flint.arb:
        return flint.arb(1)

    def number(self, value: Fraction | int | float | flint.arb) -> flint.arb:
        """A ball containing the exact ``value`` (exact itself when ``value`` is dyadic and fits)."""
        if isinstance(value, flint.arb):
            return value
        if isinstance(value, int):
            return flint.arb(value)
        if isinstance(value, float):
            return flint.arb(value)  # a float is exactly representable as an arb midpoint
        value = Fraction(value)
        if value.denominator == 1:
            return flint.arb(value.numerator)
        return flint.arb(flint.fmpq(value.numerator, value.denominator))

    def log1p(self, x: flint.arb) -> flint.arb:
        if x == -1:
            return flint.arb.neg_inf()
        return flint.arb(x).log1p()

    def expm1(self, x: flint.arb) -> flint.arb:
        return flint.arb(x).expm1()

    def exp(self, x: flint.arb) -> flint.arb:
        return flint.arb(x).exp()

    def log(self, x: flint.arb) -> flint.arb:
        if x == 0:
            return flint.arb.neg_inf()
        return flint.arb(x).log()

    def sqrt(self, x: flint.arb) -> flint.arb:
        return flint.arb(x).sqrt()

    def power(self, x: flint.arb, y: flint.arb | int) -> flint.arb:
        return flint.arb(x) ** y

    def lgamma(self, x: flint.arb) -> flint.arb:
        return flint.arb(x).lgamma()

    def digamma(self, x: flint.arb) -> flint.arb:
        return flint.arb(x).digamma()

    def zeta(self, s: flint.arb, a: flint.arb) -> flint.arb:
        """Hurwitz zeta ``sum_{k>=0} (k + a)**-s`` (analytically continued for ``s != 1``)."""
        return flint.arb(s).zeta(flint.arb(a))

    def minimum(self, x: flint.arb, y: flint.arb) -> flint.arb:
        return flint.arb(x).min(flint.arb(y))

    def maximum(self, x: flint.arb, y: flint.arb) -> flint.arb:
        return flint.arb(x).max(flint.arb(y))

    def sum(self, values: Any) -> flint.arb:
        total = flint.arb(0)
        for value in values:
            total += value
        return total

    def matrix(self, rows: Any) -> flint.arb_mat:
        return flint.arb_mat([[self.number(item) for item in row] for row in rows])

    def matrix_power(self, matrix: flint.arb_mat, n: int) -> flint.arb_mat:
        return matrix**n


# ---------------------------------------------------------------------------------------------------------------------
class ExactContext(Context):
    """Exact rationals (:class:`~fractions.Fraction`); anything transcendental raises :class:`NotExact`."""

    kind = "exact"
    zero = Fraction(0)
    one = Fraction(1)

    def number(self, value: Fraction | int) -> Fraction:
        return Fraction(value)

    def _refuse(self, name: str) -> Any:
        raise NotExact(f"{name} has no exact rational value")

    def log1p(self, x: Fraction) -> Any:
        return self._refuse("log1p")

    def expm1(self, x: Fraction) -> Any:
        return Fraction(0) if x == 0 else self._refuse("expm1")

    def exp(self, x: Fraction) -> Any:
        return Fraction(1) if x == 0 else self._refuse("exp")

    def log(self, x: Fraction) -> Any:
        return Fraction(0) if x == 1 else self._refuse("log")

    def sqrt(self, x: Fraction) -> Any:
        return self._refuse("sqrt")

    def power(self, x: Fraction, y: Fraction | int) -> Fraction:
        y = Fraction(y)
        if y.denominator != 1:
            return self._refuse("a non-integer power")
        return Fraction(x) ** int(y)

    def lgamma(self, x: Fraction) -> Any:
        return self._refuse("lgamma")

    def digamma(self, x: Fraction) -> Any:
        return self._refuse("digamma")

    def zeta(self, s: Fraction, a: Fraction) -> Any:
        return self._refuse("zeta")

    def minimum(self, x: Fraction, y: Fraction) -> Fraction:
        return min(x, y)

    def maximum(self, x: Fraction, y: Fraction) -> Fraction:
        return max(x, y)

    def sum(self, values: Any) -> Fraction:
        return sum(values, Fraction(0))

    def matrix(self, rows: Any) -> list[list[Fraction]]:
        return [[Fraction(item) for item in row] for row in rows]

    def matrix_power(self, matrix: list[list[Fraction]], n: int) -> list[list[Fraction]]:
        size = len(matrix)
        result = [[Fraction(int(i == j)) for j in range(size)] for i in range(size)]
        base = matrix
        while n:
            if n & 1:
                result = _matmul(result, base)
            base = _matmul(base, base)
            n >>= 1
        return result


def _matmul(a: list[list[Fraction]], b: list[list[Fraction]]) -> list[list[Fraction]]:
    columns = list(zip(*b, strict=True))
    return [[sum((x * y for x, y in zip(row, column, strict=True)), Fraction(0)) for column in columns] for row in a]


EXACT = ExactContext()
