r"""Cadences: when each generation completes.

Generation ``k`` completes at ``t_k = Delta_1 + ... + Delta_k`` months (``t_0 = 0``). The number of
generations completed by time ``t`` is ``N(t) = max{k : t_k <= t}``, an exact integer that is
*certified* like a budget (DESIGN §2): every comparison ``t_k <= t`` is decided with exact
rationals where ``t_k`` is rational and with arb balls at rising precision
(:func:`bounds.numeric.certify.decide`) where it is not; the search is
:func:`bounds.numeric.search.last_true`. A tie that cannot be settled raises
:class:`~bounds.errors.CertificationError`. When infinitely many generations fit before ``t``
(``t`` at or past the Zeno limit of an accelerating cadence) ``N(t)`` is ``None``: unbounded.

>>> from fractions import Fraction
>>> cadence = GeometricCadence(first="12", ratio="0.8")
>>> cadence.zeno, cadence.time_exact(2)
(Fraction(60, 1), Fraction(108, 5))
>>> cadence.generations_by("21.6"), cadence.generations_by("21.5"), cadence.generations_by(60)
(2, 1, None)
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import mpmath
import numpy as np

from bounds._io import read_text
from bounds.errors import BoundsError, ParameterError
from bounds.numeric.certify import decide
from bounds.numeric.contexts import BallContext
from bounds.numeric.parse import exact
from bounds.numeric.search import last_true

__all__ = [
    "Cadence",
    "ConstantCadence",
    "DoublingCadence",
    "ExplicitCadence",
    "GeometricCadence",
    "read_intervals",
]

# exact powers r**k are used only while their bit size stays small (ties are rare; balls decide the rest)
_EXACT_BITS = 200_000
# N(t) for a doubling cadence has about (t / D) * 0.301 digits; beyond this it is not a usable count
_MAX_DOUBLINGS = 40_000


# an exact value already parsed (up to a 4000-digit decimal, about 13,300 bits) or derived from parsed values
_MAX_FRACTION_BITS = 60_000


def _number(value: object, name: str) -> Fraction:
    """``exact(value)``, but a Fraction the library already holds keeps the parser's full range (DESIGN §2)."""
    if isinstance(value, Fraction):
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_FRACTION_BITS:
            raise ParameterError(name, f"a fraction of at most {_MAX_FRACTION_BITS} bits", value)
        return value
    return exact(value, name)


def _months(value: object, name: str) -> Fraction:
    number = _number(value, name)
    if number <= 0:
        raise ParameterError(name, "a positive number", value)
    return number


def _time(value: object, name: str = "t") -> Fraction:
    number = _number(value, name)
    if number < 0:
        raise ParameterError(name, "a number of months >= 0", value)
    return number


def _log(value: Fraction) -> float:
    """``ln value`` in floats for any positive rational (no underflow: logs of the integers)."""
    return math.log(value.numerator) - math.log(value.denominator)


class Cadence:
    """Base of the cadences: subclasses give ``_holds(k, t)`` (certified ``t_k <= t``) and a guess."""

    @property
    def zeno(self) -> Fraction | None:
        """``lim t_k`` when it is finite (infinitely many generations in finite time), else ``None``."""
        return None

    def time_exact(self, k: int) -> Fraction | None:
        """``t_k`` as an exact rational, or ``None`` when it is irrational or too costly."""
        raise NotImplementedError

    def time(self, k: int) -> float:
        """``t_k`` in months as a float (for display; counts are decided by :meth:`generations_by`)."""
        value = self.time_exact(k)
        if value is None:
            raise NotImplementedError
        return float(value)

    def times(self, ks: np.ndarray) -> np.ndarray:
        """``t_k`` in float64 for an array of whole ``k`` (for integrals over time; a few ulp each)."""
        return np.array([self.time(int(k)) for k in ks], dtype=float)

    def _holds(self, k: int, t: Fraction) -> bool:
        raise NotImplementedError

    def _guess(self, t: Fraction) -> int:
        return 0

    def generations_by(self, t: object) -> int | None:
        """``N(t) = max{k : t_k <= t}``, certified; ``None`` (unbounded) for ``t >=`` the Zeno limit.

        Parameters
        ----------
        t : number
            Months since the start, ``>= 0`` (an exact decimal).
        """
        months = _time(t)
        if self.zeno is not None and months >= self.zeno:
            return None
        return last_true(lambda k: self._holds(k, months), guess=self._guess(months))

    def parameters(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class ConstantCadence(Cadence):
    r"""Every generation takes ``interval`` months: ``t_k = k Delta``.

    Notes
    -----
    :math:`N(t) = \lfloor t / \Delta \rfloor`, exactly.

    Examples
    --------
    >>> ConstantCadence(interval="12").generations_by(120), ConstantCadence(interval="0.1").generations_by("0.3")
    (10, 3)
    """

    interval: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "interval", _months(self.interval, "interval"))

    def time_exact(self, k: int) -> Fraction:
        return k * self.interval

    def times(self, ks: np.ndarray) -> np.ndarray:
        return np.asarray(ks, dtype=float) * float(self.interval)

    def _holds(self, k: int, t: Fraction) -> bool:
        return k * self.interval <= t

    def generations_by(self, t: object) -> int | None:
        return int(_time(t) // self.interval)

    def parameters(self) -> dict[str, Any]:
        return {"cadence": "constant", "interval": self.interval}


@dataclass(frozen=True)
class GeometricCadence(Cadence):
    r"""Accelerating (or slowing) cadence ``Delta_k = Delta_1 r^(k-1)``.

    Notes
    -----
    .. math:: t_k = \Delta_1 \frac{1 - r^k}{1 - r}, \qquad \lim_k t_k = \frac{\Delta_1}{1 - r} \ (r < 1).

    For ``r < 1``, ``t_k <= t`` is ``r^k >= q`` with ``q = 1 - t (1 - r) / Delta_1``, decided from a ball of
    ``k ln r`` against ``ln q`` (exact ``r^k`` for ties); for ``r > 1`` it is ``r^k <= 1 + t (r - 1) / Delta_1``.
    Past the Zeno limit every generation has completed: ``N(t)`` is unbounded.

    Examples
    --------
    >>> cadence = GeometricCadence(first=12, ratio="0.8")
    >>> cadence.time_exact(1), cadence.time_exact(3), cadence.zeno
    (Fraction(12, 1), Fraction(732, 25), Fraction(60, 1))
    >>> cadence.generations_by("29.28"), cadence.generations_by("59.999999")
    (3, 80)
    """

    first: Fraction
    ratio: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", _months(self.first, "first_interval"))
        object.__setattr__(self, "ratio", _months(self.ratio, "acceleration"))

    @property
    def zeno(self) -> Fraction | None:
        return self.first / (1 - self.ratio) if self.ratio < 1 else None

    def _power_exact(self, k: int) -> Fraction | None:
        bits = max(self.ratio.numerator.bit_length(), self.ratio.denominator.bit_length())
        return self.ratio**k if k * bits <= _EXACT_BITS else None

    def time_exact(self, k: int) -> Fraction | None:
        if self.ratio == 1:
            return k * self.first
        power = self._power_exact(k)
        return None if power is None else self.first * (1 - power) / (1 - self.ratio)

    def time(self, k: int) -> float:
        if self.ratio == 1:
            return float(k * self.first)
        with mpmath.workdps(30):
            r = mpmath.mpf(self.ratio.numerator) / self.ratio.denominator
            first = mpmath.mpf(self.first.numerator) / self.first.denominator
            return float(first * mpmath.expm1(k * mpmath.log(r)) / (r - 1))

    def times(self, ks: np.ndarray) -> np.ndarray:
        ks = np.asarray(ks, dtype=float)
        if self.ratio == 1:
            return ks * float(self.first)
        log_r = _log(self.ratio)
        return float(self.first) * np.expm1(ks * log_r) / math.expm1(log_r)

    def _bound(self, t: Fraction) -> Fraction:
        return 1 - t * (1 - self.ratio) / self.first

    def _holds(self, k: int, t: Fraction) -> bool:
        if self.ratio == 1:
            return k * self.first <= t
        q = self._bound(t)
        r = self.ratio
        decision = decide(
            lambda ctx: k * ctx.log(ctx.number(r)), q, exact=lambda: self._power_exact(k), what=f"r^{k}"
        )
        return decision.sign >= 0 if r < 1 else decision.sign <= 0

    def _guess(self, t: Fraction) -> int:
        if self.ratio == 1:
            return int(t // self.first)
        estimate = _log(self._bound(t)) / _log(self.ratio)
        return max(0, int(estimate)) if math.isfinite(estimate) and estimate < 2**1000 else 0

    def parameters(self) -> dict[str, Any]:
        return {"cadence": "geometric", "first_interval": self.first, "acceleration": self.ratio}


@dataclass(frozen=True)
class DoublingCadence(Cadence):
    r"""The speed of R&D doubles every ``doubling`` months, starting from a first interval ``first``.

    Notes
    -----
    Speed ``v(t) = 2^{t/D} / Delta_1`` generations per month gives
    :math:`k(t) = \int_0^t v = D (2^{t/D} - 1) / (\Delta_1 \ln 2)`, so

    .. math:: t_k = D \log_2\!\left(1 + \frac{k \Delta_1 \ln 2}{D}\right).

    ``t_k`` is irrational for ``k >= 1``; ``t_k <= t`` is decided from a ball of
    ``ln(1 + k Delta_1 ln 2 / D) - (t / D) ln 2`` against 0. There is no Zeno limit (``t_k`` grows like ``log k``).

    Examples
    --------
    >>> cadence = DoublingCadence(first=12, doubling=7)
    >>> round(cadence.time(1), 6), round(cadence.time(10), 4)
    (7.908454, 25.8114)
    >>> cadence.generations_by("7.9"), cadence.generations_by("7.91"), cadence.generations_by(120)
    (0, 1, 121787)
    """

    first: Fraction
    doubling: Fraction

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", _months(self.first, "first_interval"))
        object.__setattr__(self, "doubling", _months(self.doubling, "doubling_time"))

    def time_exact(self, k: int) -> Fraction | None:
        return Fraction(0) if k == 0 else None

    def time(self, k: int) -> float:
        with mpmath.workdps(30):
            first = mpmath.mpf(self.first.numerator) / self.first.denominator
            doubling = mpmath.mpf(self.doubling.numerator) / self.doubling.denominator
            return float(doubling * mpmath.log1p(k * first * mpmath.ln2 / doubling) / mpmath.ln2)

    def times(self, ks: np.ndarray) -> np.ndarray:
        scale = float(self.first / self.doubling) * math.log(2)
        return float(self.doubling) * np.log1p(np.asarray(ks, dtype=float) * scale) / math.log(2)

    def _holds(self, k: int, t: Fraction) -> bool:
        scale, doublings = self.first / self.doubling, t / self.doubling

        def log_value(ctx: BallContext) -> flint.arb:
            ln2 = ctx.log(ctx.number(2))
            return ctx.log1p(k * ctx.number(scale) * ln2) - ctx.number(doublings) * ln2

        return decide(log_value, Fraction(1), what=f"t_{k} against t").sign <= 0

    def generations_by(self, t: object) -> int | None:
        months = _time(t)
        if months / self.doubling > _MAX_DOUBLINGS:
            raise ParameterError("t", f"at most {_MAX_DOUBLINGS} doubling times (N(t) is astronomically large)", t)
        return super().generations_by(months)

    def _guess(self, t: Fraction) -> int:
        doublings = t / self.doubling
        with mpmath.workdps(int(doublings * Fraction(301, 1000)) + 30):
            x = mpmath.mpf(doublings.numerator) / doublings.denominator
            scale = mpmath.mpf(self.first.numerator) / self.first.denominator
            scale /= mpmath.mpf(self.doubling.numerator) / self.doubling.denominator
            return max(0, int(mpmath.floor(mpmath.expm1(x * mpmath.ln2) / (scale * mpmath.ln2))))

    def parameters(self) -> dict[str, Any]:
        return {"cadence": "doubling", "first_interval": self.first, "doubling_time": self.doubling}


@dataclass(frozen=True)
class ExplicitCadence(Cadence):
    r"""Given intervals ``Delta_1, ..., Delta_m``; after the list the last interval repeats.

    Notes
    -----
    ``t_k`` is the exact prefix sum for ``k <= m`` and ``t_m + (k - m) Delta_m`` after it.

    Examples
    --------
    >>> cadence = ExplicitCadence(intervals=("12", "9", "6"))
    >>> cadence.time_exact(3), cadence.time_exact(5)
    (Fraction(27, 1), Fraction(39, 1))
    >>> [cadence.generations_by(t) for t in (11, 12, 26, 27, 38, 39)]
    [0, 1, 2, 3, 4, 5]
    """

    intervals: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        values = tuple(_months(value, f"interval {i}") for i, value in enumerate(self.intervals, start=1))
        if not values:
            raise ParameterError("intervals", "a non-empty list of positive months", self.intervals)
        object.__setattr__(self, "intervals", values)
        sums, total = [], Fraction(0)
        for value in values:
            total += value
            sums.append(total)
        object.__setattr__(self, "_sums", tuple(sums))

    @classmethod
    def from_file(cls, path: Any) -> ExplicitCadence:
        """Read one interval (months) per line; ``#`` starts a comment."""
        return cls(intervals=tuple(read_intervals(path)))

    def time_exact(self, k: int) -> Fraction:
        sums: tuple[Fraction, ...] = self._sums  # type: ignore[attr-defined]
        if k == 0:
            return Fraction(0)
        if k <= len(sums):
            return sums[k - 1]
        return sums[-1] + (k - len(sums)) * self.intervals[-1]

    def times(self, ks: np.ndarray) -> np.ndarray:
        stored: tuple[Fraction, ...] = self._sums  # type: ignore[attr-defined]
        sums = np.array([0.0] + [float(value) for value in stored])
        ks = np.asarray(ks, dtype=float)
        m = len(sums) - 1
        inside = np.minimum(ks, m).astype(int)
        return sums[inside] + np.maximum(ks - m, 0) * float(self.intervals[-1])

    def _holds(self, k: int, t: Fraction) -> bool:
        return self.time_exact(k) <= t

    def generations_by(self, t: object) -> int | None:
        months = _time(t)
        sums: tuple[Fraction, ...] = self._sums  # type: ignore[attr-defined]
        if months < sums[-1]:
            return bisect.bisect_right(sums, months)
        return len(sums) + int((months - sums[-1]) // self.intervals[-1])

    def parameters(self) -> dict[str, Any]:
        return {"cadence": "explicit", "intervals": list(self.intervals)}


def read_intervals(path: Any) -> list[Fraction]:
    """Intervals in months from a text file, one per line (``#`` comments, blank lines skipped).

    Raises
    ------
    BoundsError
        For an unreadable or oversized file, or a line that is not a positive number (naming the line).
    """
    text = read_text(path, "intervals file")
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        try:
            values.append(_months(content, "the interval"))
        except ParameterError as error:
            raise BoundsError(f"intervals file line {number}: {error}") from None
    if not values:
        raise BoundsError(f"intervals file {str(path)!r} contains no intervals")
    return values
