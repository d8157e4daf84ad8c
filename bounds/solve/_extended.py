"""Constant-rate floors beyond float64's reach, vectorised, with proved error bounds.

The array path of :func:`bounds.budget` decides most elements in float64; budgets beyond
about ``2**43`` are out of its reach, because a float input stands for the decimal its
``repr`` prints (DESIGN §2), that decimal differs from the binary value by up to half an
ulp, and ``np.log`` is trusted only to 64 ulp. Here ``q = ln t / ln(1 - e)`` (``e``, ``t``
the decimals of the floats ``E``, ``T``) is bounded in three stages, each on what the one
before left, and an element is *sure* only when ``q`` is farther from the nearest integer
than a proved bound; the rest (near-ties, exact ties, inputs outside the ranges below)
stays unsure and goes to the per-element balls. Throughout, ``u = 2**-53``; for a positive
normal float ``x``, ``h`` is half its ulp, ``|d - x| <= h <= u x`` for its decimal ``d``,
and ``delta = (d - x) / x``.

**Stage 1** (float64; ``E <= 2**-20``, ``E`` and ``T`` normal, ``L < -2**-40``):
``q1 = -L / fl(E fl(1 + c))`` with ``L = np.log(T)`` (within 64 ulp, the float path's
assumption, tested in tests/solve/test_api.py) and ``c`` Horner's ``E/2 + E**2/3 + E**3/4``
(``-ln(1 - e) = E (1 + c + delta_E + ...)``, the rest below ``2**-71``). So ``ln t`` is
``L (1 + 64u) + u``, the denominator is off by ``3.01u`` relative and the division by
``u``: ``|q - q1| <= q1 u (68.2 + 1.0025 / |L|)`` (``1/|ln t| <= 1.0002 / |L|`` as
``|L| >= 2**-40``), below ``q1 u (72 + 1.01 / |L|)`` as computed. Sure where
``dist(q1, Z)`` (exact) is larger; that bound exceeds 1/2 from ``q1 = 2**47`` on.

**Stage 2** (longdouble, x87, 64-bit significand; normal ``0 < E <= 1/2``, ``0 < T < 1``):
``L_T = logl(T) = ln T (1 + rho_T)``, ``|rho_T| <= U = ULPS 2**-64`` (the one assumption
about longdouble, tested against mpmath in tests/solve/test_extended.py). With
``D = -E`` (exact) for ``E <= 2**-20`` and ``D = log1pl(-E)`` (``rho_D <= U``) beyond,
``ln t = ln T (1 + (delta_T - theta) / ln T)`` (``0 <= theta <= delta_T**2``) and
``ln(1 - e) = D (1 + s)``, ``q = (ln T / D)(1 + w)`` for ``w = (v - s) / (1 + s)``,
``v = (delta_T - theta) / ln T``. Here the offsets are not known: ``w`` is taken as
``-c / (1 + c)`` (0 beyond ``2**-20``), off by at most
``1.0002 (h_T / T / |L_T| + k h_E / E) + 2**-70.5`` (``k = 1``; ``k = 1.45`` for
``log1pl``, where ``s = ln(1 - z) / ln(1 - E)``, ``z = E delta_E / (1 - E)``).
``Q0 = fl(L_T / D) = (ln T / D)(1 + sigma)``, ``|sigma| <= (U + U_D + 2**-64)(1 + 2**-58)``,
is ``H + R`` exactly (``H = fl64(Q0)``). With ``G = fl(fl(H w) + R)``,
``|Q0 (1 + w) - (H + G)| <= |H| (3.01u |w| + 1.01u**2)``; the fractional parts of ``H``
and ``G`` and their sum ``f`` round by ``1.5u`` in all. So with ``A = U + U_D + 1.1 * 2**-64``,
``|q - (floor(H) + floor(G) + f)| <= |H| (A + 1.0003 (h_T / T / |L_T| + k h_E / E)) + 1.5u``.

**Stage 3**: the offsets themselves (below), within ``2**-96``; then ``v``, ``s`` (within
``2**-70``: Horner ``5.01u c``, ``c(e) - c(E)``, the series' tail, ``delta_E c``, the
sum's rounding) and ``w`` (within ``5.7u |w| + 2**-69.6 + 2**-95.8 / |L_T|``) are
computed, and ``|q - (floor(H) + floor(G) + f)| <= |H| (A + 9u |w| + 2**-95.7 / |L_T|) + 1.5u``.

In stages 2 and 3 an element is sure when ``dist(f, Z)`` exceeds the bound (computed with
margins that cover its own roundings) and ``H < 2**62``; its floor is
``floor(H) + floor(G) + floor(f)``, exact in int64.

**The decimal of a float** ``x`` (``1e-27 <= x < 1``, not a power of two). Its rounding
interval ``I = (x - h, x + h)`` holds at most one 15-digit decimal; Python's ``repr``
prints the shortest decimal in ``I`` (the nearest one among the shortest). With
``E = floor(log10 x)`` (exact: ``E`` is ``K_b`` or ``K_b + 1`` in the binade ``b`` of ``x``,
told apart by comparing ``x`` with the smallest float at or above ``10**(K_b + 1)``, both
from tables built in exact rationals) and ``j = 16 - E``, the scaled value ``X = x 10**j``
lies in ``[10**16, 10**17)`` and the decimal is ``N 10**-j`` for ``N`` the multiple of
``s = 100, 10, 1`` nearest ``X`` (15, 16, 17 digits), the first one within ``W = h 10**j``
of ``X`` (a shorter decimal in ``I`` is also the 15-digit one; among the 16-digit ones the
nearest is in ``I`` if any is; the nearest integer always is, as ``W >= X 2**-54 > 1/2``).

``X`` to within ``2**-46``: with ``p = fl(10**j)`` (split once into 26-bit halves) and
``p' = fl(10**j - p)``, Dekker's product gives ``P = fl(x p)`` and its error ``e`` with
``x p = P + e`` exactly (Veltkamp splitting, no underflow), and ``X = P + Q + eta`` for
``Q = fl(e + fl(x p'))``: ``|e| <= 8`` (``ulp(P) <= 16``), ``|x p'| <= X 2**-53 <= 11.2``,
so ``|eta| <= 2**-53 (11.2 + 11.2 + 19.2) < 2**-47.6``. ``P`` is an integer below
``2**57``; ``y = fl((P mod 100) + Q)`` (in ``(-20, 120)``, rounded by at most
``2**-47``) is ``X`` modulo 100 within ``2**-46``. The signed distances to the nearest
multiples, ``t_s = y - s rint(y / s)``, are exact (Sterbenz); the computed ``rint`` is
the nearest unless ``|t_s|`` is within ``2**-44`` of ``s/2``. So, with the margin
``m = 2**-42``, ``|t_s| < fl(h p) - m`` proves that multiple in ``I`` and
``|t_s| > fl(h p) + m`` proves every multiple of ``s`` outside (``h p`` is ``W`` within
``2**-49.5``); a 16- or 17-digit choice also needs ``|t_s| < s/2 - m`` (a unique
nearest). The decimal is ``N = X - t_s - eta'``, an integer: ``(P - P mod 100) + (y - t_s)``
exactly. Its offset ``delta = (N 10**-j - x) / x = -(t_s + eta') / X`` is
``fl(-t_s / P)`` within ``2**-96`` (``|X - P| <= 19.3``), and ``|delta| <= h / x <= u``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any, NamedTuple

import numpy as np

__all__ = ["ULPS", "available", "decimal_offsets", "decimal_ratios", "decimal_values", "extended_floors"]

#: Assumed bound on the error of ``numpy.log`` and ``numpy.log1p`` on longdouble, in ulp (2**-64).
ULPS = 8
_LD = np.longdouble
#: Range of inputs whose decimal is found here (``10**j`` for ``j <= 43`` in the tables).
_SMALLEST = 1e-27
_TABLE = 46
#: Veltkamp's constant for binary64: ``2**27 + 1`` splits a float into two 26-bit halves.
_SPLIT = 134217729.0
#: Margin of every comparison of a computed distance (``X`` is known within ``2**-46``).
_MARGIN = 2.0**-42
#: Rates up to this use the series for ``ln(1 - e)``; beyond, ``log1pl``.
_SERIES = 2.0**-20
#: The unit roundoff of float64, and the smallest normal float64.
_U, _NORMAL = 2.0**-53, 2.0**-1022
#: ``A`` of the bound, for the series and for ``log1pl``.
_A_SERIES, _A_LOG = (ULPS + 1.1) * 2.0**-64 * (1 + 2.0**-30), (2 * ULPS + 1.1) * 2.0**-64 * (1 + 2.0**-30)


@cache
def available() -> bool:
    """Whether ``numpy.longdouble`` is the x87 80-bit format (64-bit significand) that stages 2 and 3 assume."""
    return bool(np.finfo(_LD).nmant == 63 and np.finfo(_LD).maxexp == 16384)


@cache
def _exponents() -> tuple[np.ndarray, np.ndarray]:
    """Per biased exponent ``b``: ``16 - K_b`` and the smallest float ``>= 10**(K_b + 1)``, exactly.

    ``K_b = floor(log10 2**(b - 1023))``; a float ``x`` in binade ``b`` has ``floor(log10 x) = K_b + [x >= threshold]``.
    Binades outside ``[2**-92, 1)`` get ``j = 17`` and no threshold: finite placeholders, never proved.
    """
    base, threshold = np.full(2048, 17, dtype=np.int64), np.full(2048, np.inf)
    for b in range(1023 - 92, 1023):
        low = Fraction(2) ** (b - 1023)
        k = len(str(low.denominator)) * -1  # below log10(low); walked up exactly
        while Fraction(10) ** (k + 1) <= low:
            k += 1
        power = Fraction(10) ** (k + 1)
        above = float(power)
        if Fraction(above) < power:
            above = float(np.nextafter(above, np.inf))
        base[b] = 16 - k
        threshold[b] = above if above < 2 * low else np.inf
    return base, threshold


@cache
def _powers() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``p = fl(10**j)``, its 26-bit halves, and ``p' = fl(10**j - p)``, for ``j < _TABLE``, checked exactly."""
    high = np.array([float(10**j) for j in range(_TABLE)])
    low = np.array([float(10**j - Fraction(value)) for j, value in enumerate(high.tolist())])
    scaled = high * _SPLIT
    upper = scaled - (scaled - high)
    lower = high - upper
    for value, top, bottom in zip(high.tolist(), upper.tolist(), lower.tolist(), strict=True):
        if top + bottom != value or any(_bits(part) > 26 for part in (top, bottom)):
            raise ArithmeticError("Veltkamp splitting of the powers of ten failed on this platform")
    return high, upper, lower, low


def _bits(value: float) -> int:
    """Significant bits of a float (0 for zero): the length of the odd part of its numerator."""
    numerator = abs(Fraction(value)).numerator
    return (numerator // (numerator & -numerator)).bit_length() if numerator else 0


def _nearest(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``N - (P - P mod 100)``, ``y``, ``P``, ``j`` and where proved, for ``repr(x) = N 10**-j`` (module docstring).

    In place where it can be: a dozen fewer temporaries, a tenth faster.
    """
    base, threshold = _exponents()
    high, upper, lower, low = _powers()
    bits = x.view(np.int64)
    binade = bits >> 52
    shift = base[binade]
    shift -= x >= threshold[binade]  # j = 16 - floor(log10 x), exactly
    power = high[shift]
    product = x * power  # P: an integer in [2**53, 2**57)
    top = x * _SPLIT  # Veltkamp: x = top + bottom, 26 bits each
    scratch = top - x
    top -= scratch
    bottom = x - top
    error = np.multiply(top, upper[shift], out=scratch)  # Dekker: x p - P, exactly
    error -= product
    part = top * lower[shift]
    error += part
    error += np.multiply(bottom, upper[shift], out=part)
    error += np.multiply(bottom, lower[shift], out=part)
    error += np.multiply(x, low[shift], out=part)  # Q: X = P + Q within 2**-47.6
    whole = product.astype(np.int64)
    rest = whole // 100  # P mod 100 (floor_divide by a constant is fast; fmod is not)
    rest *= 100
    np.subtract(whole, rest, out=rest)
    near = np.add(rest, error, out=error)  # y: X mod 100 within 2**-46, in (-20, 120)
    # the multiples of 100, 10, 1 nearest y (integers) and the distances t to them, all exact
    hundreds = np.rint(np.multiply(near, 0.01, out=part), out=part)
    hundreds *= 100.0
    tens = np.rint(near * 0.1)
    tens *= 10.0
    ones = np.rint(near)
    # W = h 10**j within 2**-49.5 as h p (h, half an ulp of x, is a power of two), less or more the margin
    width = np.bitwise_and(bits, 0x7FF0000000000000, out=binade).view(np.float64)
    width *= power
    width *= 2.0**-53
    inner = width - _MARGIN
    outer = np.add(width, _MARGIN, out=width)
    distance = np.abs(np.subtract(near, hundreds, out=top), out=top)
    in15 = distance < inner
    proved = distance > outer
    proved |= in15
    np.abs(np.subtract(near, tens, out=distance), out=distance)
    in16 = distance < inner
    in16 &= distance < 5 - _MARGIN
    outside = distance > outer
    np.abs(np.subtract(near, ones, out=distance), out=distance)
    outside &= distance < 0.5 - _MARGIN
    outside |= in16
    outside |= in15
    proved &= outside
    proved &= x >= _SMALLEST  # in range, not a power of two
    proved &= x < 1.0
    proved &= (bits & 0xFFFFFFFFFFFFF) != 0
    # the chosen multiple: 15 digits where inside, else 16 where inside, else 17 (integer sums: exact)
    tens -= ones
    tens *= in16
    ones += tens
    hundreds -= ones
    hundreds *= in15
    ones += hundreds
    return ones, near, product, shift, proved


def decimal_offsets(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``delta = (d - x) / x`` for the decimals ``d`` the floats ``x`` print as (within ``2**-96``), and where proved.

    Where not proved the value is meaningless (finite or not); ``|delta| <= 2**-53`` where proved.

    Examples
    --------
    >>> offsets, proved = decimal_offsets(np.array([0.1, 0.605, 1e-20, 0.5]))
    >>> proved.tolist()  # 0.5 is a power of two: its rounding interval is not symmetric
    [True, True, True, False]
    >>> round(float(offsets[0] * 1e17), 6)  # the float 0.1 is 0.1000000000000000055511151231257827...
    -5.551115
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):  # placeholders (0, 1, tiny) are never proved
        multiple, near, product, _, proved = _nearest(x)
        multiple -= near  # -t, exact
        multiple /= product
    return multiple, proved


def decimal_values(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The decimals that the floats ``x`` print as, in longdouble (relative error ``<= 2**-63``), and where proved.

    Examples
    --------
    >>> values, proved = decimal_values(np.array([0.1, 0.605, 1e-20, 0.5]))
    >>> proved.tolist()
    [True, True, True, False]
    >>> bool(abs(values[0] * 10 - 1) < 2.0**-60)
    True
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    offsets, proved = decimal_offsets(x)
    with np.errstate(all="ignore"):
        values = x.astype(_LD) + (x * np.where(proved, offsets, 0.0)).astype(_LD)
    return values, proved


def decimal_ratios(x: np.ndarray) -> list[tuple[int, int]]:
    """``(D, j)`` with ``repr(x[i]) == D * 10**-j`` for positive finite floats, exactly (a vector pass, then ``repr``).

    Examples
    --------
    >>> decimal_ratios(np.array([0.605, 0.5, 1e-20, 123.0]))
    [(60500000000000000, 17), (5, 1), (100000000000000000, 37), (1230, 1)]
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        multiple, _, product, shift, proved = _nearest(x)
        whole = product.astype(np.int64)
        digits = whole - whole % 100 + multiple.astype(np.int64)
    return [
        (numerator, places) if known else _repr_digits(value)
        for numerator, places, known, value in zip(
            digits.tolist(), shift.tolist(), proved.tolist(), x.tolist(), strict=True
        )
    ]


def extended_floors(epsilon: np.ndarray, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``floor(ln T / ln(1 - eps))`` for float rates and thresholds (their decimals), and where proved.

    Examples
    --------
    >>> floors, sure = extended_floors(np.array([1e-16, 0.1]), np.array([0.6, 0.81]))
    >>> floors[sure].tolist(), sure.tolist()  # (0.1, 0.81) is an exact tie: left to the exact solver
    ([5108256237659906], [True, False])
    """
    rates = np.ascontiguousarray(epsilon, dtype=np.float64).ravel()
    targets = np.ascontiguousarray(threshold, dtype=np.float64).ravel()
    if not rates.size:
        floors, sure = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    elif rates.size <= _CHUNK:
        floors, sure = _extended_floors(rates, targets)
    else:
        floors, sure = np.empty(rates.shape, dtype=np.int64), np.empty(rates.shape, dtype=bool)
        size = -(-rates.size // -(-rates.size // _CHUNK))  # equal chunks of at most _CHUNK: none small
        for start in range(0, rates.size, size):  # some sixty passes each: chunks that stay in the cache
            part = slice(start, start + size)
            floors[part], sure[part] = _extended_floors(rates[part], targets[part])
    shape = np.shape(epsilon)
    return (floors * sure).reshape(shape), sure.reshape(shape)


#: Elements per pass of :func:`extended_floors` (its temporaries fit in a core's L2 cache).
_CHUNK = 16384


def _extended_floors(epsilon: np.ndarray, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The three stages of the module docstring, each on what the one before left (stage 1 alone without x87)."""
    with np.errstate(all="ignore"):  # elements outside the domain may hold inf or NaN: never sure
        floors, sure, series = _float_stage(epsilon, threshold)
        if not available():  # stages 2 and 3 take longdouble for the x87 format
            return floors, sure
        low, high = epsilon.min(), epsilon.max()
        if low >= _NORMAL and high <= 0.5 and threshold.min() >= _NORMAL and threshold.max() < 1.0:
            left = np.flatnonzero(~sure)  # bounds.budget's usual case: every element in the domain
        else:
            domain = (epsilon >= _NORMAL) & (epsilon <= 0.5) & (threshold >= _NORMAL) & (threshold < 1.0)
            left = np.flatnonzero(~sure & domain)
        if left.size:
            rates, targets = epsilon[left], threshold[left]
            values, proved, state = _bounded_stage(rates, targets, series[left])
            rest = np.flatnonzero(~proved)
            if rest.size:
                values[rest], proved[rest] = _offset_stage(rates[rest], targets[rest], state.take(rest))
            floors[left], sure[left] = values, proved
    return floors, sure


def _float_stage(epsilon: np.ndarray, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage 1: floors, where sure, and ``c``, the series' correction (module docstring)."""
    near_log = np.log(threshold)
    series = epsilon * (0.5 + epsilon * (1 / 3 + epsilon * 0.25))  # c(E), within 5.01 ulp
    ratio = near_log / (epsilon * (1.0 + series))
    np.negative(ratio, out=ratio)  # q1
    nearest = np.rint(ratio)
    bound = 1.01 / np.abs(near_log)
    bound += 72.0
    bound *= ratio * _U  # at least 1/2 where q1 >= 2**47: never sure there, nor where q1 is inf or NaN
    sure = np.abs(ratio - nearest) > bound
    # the domain, per element only where the extremes say so
    if not (epsilon.max() <= _SERIES and epsilon.min() >= _NORMAL and threshold.min() >= _NORMAL
            and near_log.max() < -(2.0**-40)):
        sure &= (epsilon <= _SERIES) & (epsilon >= _NORMAL) & (threshold >= _NORMAL) & (near_log < -(2.0**-40))
    return (nearest - (ratio < nearest)).astype(np.int64), sure, series


class _State(NamedTuple):
    """What stage 3 takes from stage 2: ``H``, ``R``, ``fl64(L_T)``, ``1/|L_T|``, ``c``, ``A``, ``fl64(D)`` or None."""

    high: np.ndarray
    rest: np.ndarray
    near_log: np.ndarray
    inverse: np.ndarray
    series: np.ndarray
    slack: np.ndarray | float
    keep: np.ndarray | None

    def take(self, index: np.ndarray) -> _State:
        def pick(value: Any) -> Any:
            return value[index] if isinstance(value, np.ndarray) else value

        return _State(*(pick(value) for value in self))


def _bounded_stage(
    epsilon: np.ndarray, threshold: np.ndarray, series: np.ndarray
) -> tuple[np.ndarray, np.ndarray, _State]:
    """Stage 2, for normal ``0 < E <= 1/2``, ``0 < T < 1``: ``q = (L_T / D)(1 + w)`` with the offsets bounded."""
    log_target = np.log(threshold, dtype=_LD)  # L_T (cast in the loop: no longdouble copy of T)
    near_log = log_target.astype(np.float64)
    denominator = (-epsilon).astype(_LD)  # D = -E, exact
    slack: np.ndarray | float = _A_SERIES
    rate_weight: np.ndarray | float = 1.031  # k = 1, times 1.0003 and grown for the bound's own roundings
    keep = None
    if epsilon.max() > _SERIES:  # ln(1 - E) from log1pl, and no series (s = 0 but for the offset)
        large = np.flatnonzero(epsilon > _SERIES)
        denominator[large] = np.log1p(-epsilon[large].astype(_LD))
        keep = denominator.astype(np.float64)
        series = series.copy()
        series[large] = 0.0
        slack, rate_weight = np.full(epsilon.shape, _A_SERIES), np.full(epsilon.shape, 1.031)
        slack[large], rate_weight[large] = _A_LOG, 2.062  # k = 1.45
    ratio = log_target / denominator  # Q0 = H + R
    high = ratio.astype(np.float64)
    rest = (ratio - high).astype(np.float64)  # exact (in longdouble): Q0's bits below H's
    weight = series / (series + 1.0)
    np.negative(weight, out=weight)  # w without the offsets, |w| <= 2**-20.9
    floors, distance = _fraction(high, rest, weight)
    inverse = 1.0 / np.abs(near_log)
    bound = _relative_half_ulp(threshold)
    bound *= 1.031
    bound += 2.0**-94
    bound *= inverse
    bound += _relative_half_ulp(epsilon) * rate_weight
    bound += slack + 2.0**-69
    bound *= high
    bound += 2.0**-52
    sure = (distance > bound) & (high < 2.0**62)
    return floors, sure, _State(high, rest, near_log, inverse, series, slack, keep)


def _offset_stage(epsilon: np.ndarray, threshold: np.ndarray, state: _State) -> tuple[np.ndarray, np.ndarray]:
    """Stage 3: the offsets themselves, then ``w`` and the bound without them (module docstring)."""
    rate_offset, target_offset, known = _offsets(epsilon, threshold)
    correction = state.series + rate_offset  # s
    if state.keep is not None:
        far = np.flatnonzero(epsilon > _SERIES)  # s = -(E delta_E / (1 - E)) / D
        correction[far] = -(epsilon[far] * rate_offset[far]) / (1.0 - epsilon[far]) / state.keep[far]
    weight = target_offset / state.near_log
    weight -= correction
    weight /= correction + 1.0  # w
    floors, distance = _fraction(state.high, state.rest, weight)
    bound = np.abs(weight) * 2.0**-48.9
    bound += state.slack
    bound += state.inverse * 2.0**-94.9
    bound *= state.high
    bound += 2.0**-52
    return floors, known & (distance > bound) & (state.high < 2.0**62)


def _offsets(rate: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`decimal_offsets` of both inputs in one pass (half the per-call cost), the rest from ``repr``."""
    both = np.concatenate([rate, target])
    offsets, proved = _with_reprs(both, *decimal_offsets(both))
    return offsets[: rate.size], offsets[rate.size :], proved[: rate.size] & proved[rate.size :]


def _relative_half_ulp(x: np.ndarray) -> np.ndarray:
    """``h / x`` rounded once (``h = 2**(e - 53)`` for ``2**e <= x < 2**(e + 1)``): bounds a normal float's offset."""
    half = (x.view(np.int64) & 0x7FF0000000000000).view(np.float64)
    half *= _U
    half /= x
    return half


def _fraction(high: np.ndarray, rest: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``floor(H) + floor(G) + floor(f)`` and ``dist(f, Z)`` for ``q = (H + R)(1 + w)`` (module docstring)."""
    extra = high * weight
    extra += rest  # G
    whole, part = np.floor(high), np.floor(extra)
    fraction = high - whole
    fraction += extra - part  # f, in [0, 2)
    nearest = np.rint(fraction)
    distance = np.abs(fraction - nearest)
    part += nearest
    part -= fraction < nearest
    return whole.astype(np.int64) + part.astype(np.int64), distance


def _with_reprs(x: np.ndarray, offsets: np.ndarray, proved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The offsets :func:`decimal_offsets` could not prove (powers of two, rounding near-ties), from ``repr``.

    Each is ``(d - x) / x`` in exact rationals, rounded once to float64 (within ``2**-106``).
    """
    missing = np.flatnonzero(~proved & (x >= _SMALLEST) & (x < 1.0))
    if not missing.size:
        return offsets, proved
    offsets, proved = offsets.copy(), proved.copy()
    offsets[missing] = [float(Fraction(repr(value)) / Fraction(value) - 1) for value in x[missing].tolist()]
    proved[missing] = True
    return offsets, proved


def _repr_digits(value: float) -> tuple[int, int]:
    """``(D, j)`` with ``repr(value) == D * 10**-j`` for a positive finite float."""
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    return int(whole + fraction), len(fraction) - int(exponent or 0)
