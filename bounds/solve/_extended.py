"""Constant-rate floors in x87 extended precision, vectorised, for what float64 cannot certify.

The array path of :func:`bounds.budget` decides most elements in float64; budgets
beyond about ``2**40`` are out of its reach, because a float input stands for the
decimal its ``repr`` prints (DESIGN §2) and that decimal differs from the binary value
by up to half an ulp, which moves ``q = ln T / ln(1 - eps)`` by ``q * 2**-53``. Here
both decimals are rebuilt in ``numpy.longdouble`` (64-bit significand) without
strings, and ``q`` is computed from them with a proved error bound; an element is
*sure* only when ``q`` is farther from the nearest integer than that bound. Everything
else (near-ties, exact ties, inputs outside the ranges below) stays unsure and goes to
the per-element balls, exactly as before. The arrays are taken in chunks of
:data:`_CHUNK` elements: the eighty-odd numpy passes then stay in a core's cache, which
halves the time; the decimals a chunk's vector pass cannot prove (about one in a hundred:
powers of two, rounding near-ties) are read from ``repr`` (:func:`_with_reprs`), and
:func:`decimal_ratios` gives the balls their exact decimals without ``repr``.

**The decimal of a float** ``x`` (normal, ``1e-27 <= x < 1``, not a power of two).
Its rounding interval ``I = (x - h, x + h)``, ``h`` half an ulp, is symmetric and holds
at most one 15-digit decimal; Python's ``repr`` prints the shortest decimal in ``I``
(the nearest one among the shortest). So the decimal's *value* is ``D_k 10**-j``
(``j = k - 1 - E``, ``E = floor(log10 x)``) for the first ``k`` in 15, 16, 17 whose
correctly rounded ``D_k = round(x 10**(k - 1 - E))`` lies in ``I`` (a shorter decimal
in ``I`` is also the 15-digit one; among the 16-digit ones the nearest, ``D_16``, is in
``I`` if any is). One product at ``j = 16 - E`` serves all three (``E`` is proved by ``10**16 <= X < 10**17``,
from ``D``, ``o`` and ``beta`` below in exact comparisons): ``P = fl(x fl(10**j))``
is within ``beta`` of ``X = x 10**j`` (half an ulp of ``P``, ``2**-64 P``, plus ``2**-64 X``
where ``10**j`` is itself rounded), so ``X = D + o + err`` with ``D = rint(P)`` (an
integer below ``2**57``), ``o = P - D`` exact and ``|err| <= beta``. Then
``D_k = D // s + [D mod s + o > s/2]`` for ``s = 10**(17 - k)``, proved when
``|D mod s + o - s/2| > beta``; with ``c_k = D_k s - D`` (an integer, ``|c_k| <= 50``),
``D_k`` lies in ``I`` when ``|c_k - o| + beta < fl(h fl(10**j))`` (shrunk by a relative
``2**-50``) and outside when ``|c_k - o| - beta`` exceeds it (grown). The decimal is
``fl((D + c_k) / fl(10**j))``, within ``2**-62`` relative.

**The floor.** With ``t``, ``e`` the decimals so rebuilt (relative error ``2**-62``),
``L_T = logl(t)`` and ``L_E = log1pl(-e)`` within :data:`ULPS` ulp (``2**-64`` each;
the one assumption here, checked against mpmath in tests/solve/test_extended.py; for
``e <= 2**-20``, ``L_E`` is the series instead, proved within 4 ulp, see :func:`_log_keep`), and
``0 < eps <= 1/2`` (so ``|ln(1 - eps)| >= eps`` and an input error ``c`` moves
``ln(1 - eps)`` by at most ``2|c|`` relative):

* ``L_E = ln(1 - eps)(1 + r_E)``, ``|r_E| <= 2 * 2**-62 + ULPS 2**-64`` (plus products);
* ``L_T = ln T + a_T``, ``|a_T| <= |ln T| ULPS 2**-64 + 1.01 * 2**-62``;
* one rounding of the division, ``2**-64``.

So ``|q_computed - q| <= |q| (2**-61 + 2 ULPS 2**-64 + 2**-64 + 1.01 * 2**-62 / |ln T|)``
(plus products of these, below ``2**-120``), which for ``ULPS <= 8`` is at most
``|q| (2**-59.2 + 2**-61.98 / |ln T|)``, below ``B = |q| (2**-58.5 + 2**-61 / |L_T|)``
(the slack covers the rounding of ``B`` itself and ``|L_T|`` in place of ``|ln T|``).
An element is sure when ``dist(q, Z) > B`` and ``q < 2**62``; its floor is then
``floor(q)``, exact in int64.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import numpy as np

__all__ = ["ULPS", "available", "decimal_ratios", "decimal_values", "extended_floors"]

#: Assumed bound on the error of ``numpy.log`` and ``numpy.log1p`` on longdouble, in ulp (2**-64).
ULPS = 8
_LD = np.longdouble
#: Range of inputs whose decimal is rebuilt here (``10**-j`` scales stay within the table).
_SMALLEST, _DIGITS = 1e-27, (15, 16, 17)
_TABLE = 16 + 28
#: ``10**j = 5**j 2**j`` is exact in longdouble up to this ``j`` (``5**27 < 2**64``).
_EXACT_POWERS = 27
#: ``X = x 10**j`` has 17 digits before the point: ``10**16 <= X < 10**17`` (exact in longdouble).
_LOW, _HIGH = np.longdouble(10**16), np.longdouble(10**17)


def available() -> bool:
    """Whether ``numpy.longdouble`` is the x87 80-bit format (64-bit significand) this module assumes."""
    return bool(np.finfo(_LD).nmant == 63 and np.finfo(_LD).maxexp == 16384)


@cache
def _powers_of_ten_float() -> np.ndarray:
    """``10**j`` rounded to float64 (relative error ``2**-53``)."""
    return np.array([float(10**j) for j in range(_TABLE)])


@cache
def _powers_of_ten() -> np.ndarray:
    """``fl(10**j)`` for ``j < _TABLE``, each checked to be within ``2**-64`` relative of ``10**j``."""
    table = np.array([f"1e{j}" for j in range(_TABLE)]).astype(_LD)
    for j, value in enumerate(table):
        error = abs(Fraction(*value.as_integer_ratio()) - 10**j)
        if error > Fraction(10**j, 2**64) or (j <= _EXACT_POWERS and error):
            raise ArithmeticError(f"longdouble 1e{j} is not correctly rounded on this platform")
    return table


def decimal_values(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The decimals that the floats ``x`` print as, in longdouble (relative error ``<= 2**-62``), and where proved.

    Where not proved the value is a finite placeholder in ``(0, 1)``, not the decimal.

    Examples
    --------
    >>> values, proved = decimal_values(np.array([0.1, 0.605, 1e-20, 0.5]))
    >>> proved.tolist()  # 0.5 is a power of two: its rounding interval is not symmetric
    [True, True, True, False]
    >>> bool(abs(values[0] * 10 - 1) < 2.0**-60)
    True
    """
    numerator, shift, usable = _decimal_digits(x)
    return numerator.astype(_LD) / _powers_of_ten()[shift], usable


def decimal_ratios(x: np.ndarray) -> list[tuple[int, int]]:
    """``(D, j)`` with ``repr(x[i]) == D * 10**-j`` for positive finite floats, exactly (a vector pass, then ``repr``).

    Examples
    --------
    >>> decimal_ratios(np.array([0.605, 0.5, 1e-20, 123.0]))
    [(60500000000000000, 17), (5, 1), (100000000000000000, 37), (1230, 1)]
    """
    x = np.asarray(x, dtype=np.float64)
    numerator, shift, usable = _decimal_digits(x)
    return [
        (digits, places) if proved else _repr_digits(value)
        for digits, places, proved, value in zip(
            numerator.tolist(), shift.tolist(), usable.tolist(), x.tolist(), strict=True
        )
    ]


def _decimal_digits(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where proved, ``D`` and ``j`` (int64) with the decimal of ``x`` equal to ``D 10**-j``, ``j < 44``."""
    x = np.asarray(x, dtype=np.float64)
    mantissa, _ = np.frexp(x)
    usable = (x >= _SMALLEST) & (x < 1.0) & (mantissa != 0.5)
    xs = np.where(usable, x, 0.1)  # placeholders keep the arithmetic finite; they are never proved
    wide = xs.astype(_LD)
    powers = _powers_of_ten()
    exponent = np.floor(np.log10(xs)).astype(np.int64)  # E, or one off next to a power of ten
    power = powers[np.clip(16 - exponent, 0, _TABLE - 1)]
    product = wide * power  # P = fl(x fl(10**j)), j = 16 - E
    below, above_range = product < _LOW, product >= _HIGH
    off = np.flatnonzero(below | above_range)
    if off.size:  # E one off: again, only there
        exponent[off] += above_range[off].astype(np.int64) - below[off]
        power[off] = powers[np.clip(16 - exponent[off], 0, _TABLE - 1)]
        product[off] = wide[off] * power[off]
    nearest = np.rint(product)
    # exact in longdouble, and in float64 too (a multiple of ulp(P) >= 2**-10, at most 1/2)
    offset = (product - nearest).astype(np.float64)
    # beta: half an ulp of P, plus X 2**-64 where 10**j is itself rounded (j > 27); 2**-50 covers the
    # float64 roundings of this block (offset, beta, widths), all of values below 64
    # (arithmetic, not np.where: a data-dependent select costs more than the rest of this line)
    relative = ((16 - exponent > _EXACT_POWERS) + 1.0) * (2.0**-64 * (1 + 2.0**-40))
    beta = nearest.astype(np.float64) * relative + 2.0**-50
    # E is right when X = D + o + err is in [1e16, 1e17), in int64 and exact float64 comparisons
    # (D > 1e16, or D == 1e16 and o >= beta; D < 1e17, or D == 1e17 and o < -beta)
    digits17 = nearest.astype(np.int64)  # D < 2**57
    low_ok = (digits17 > 10**16) | ((digits17 == 10**16) & (offset >= beta))
    high_ok = (digits17 < 10**17) | ((digits17 == 10**17) & (offset < -beta))
    usable &= low_ok & high_ok & (16 - exponent < _TABLE)
    # h 10**j in float64: h is a power of two, 10**j rounded once (2**-53)
    width = _half_ulp(xs) * _powers_of_ten_float()[np.clip(16 - exponent, 0, _TABLE - 1)]
    inner, outer = width * (1 - 2.0**-50), width * (1 + 2.0**-50)
    # X = D + o + err for the integer D = rint(P), o = P - D, |err| <= beta, whether or not D rounds X correctly
    numerator = digits17.copy()
    decided = ~usable
    for scale in (100, 10):  # 15 digits, then 16: D_k = D_17 // scale, rounded by the remainder plus the offset
        remainder = digits17 - (digits17 // scale) * scale  # (floor_divide by a constant is fast; divmod is not)
        above = remainder + offset - scale / 2
        usable &= np.abs(above) > beta  # no tie in rounding X / scale
        change = (above > 0) * scale - remainder  # c_k = D_k scale - D_17, |c_k| <= 50
        distance = np.abs(change - offset)  # |c_k - o|, to be compared with h 10**j (within beta)
        inside = distance + beta < inner
        usable &= decided | inside | (distance - beta > outer)
        inside &= ~decided
        numerator += inside * change  # D_17 + c_k where first inside (numerator is still D_17 there)
        decided |= inside
    # the 17-digit decimal lies in I (half its spacing is below h): D_17 = D where no shorter one does,
    # when D is the correct rounding of X
    usable &= decided | (np.abs(offset) < 0.5 - beta)
    # where not proved, the value is that of the placeholder 1/10 (or of a wrong grid): never to be used
    return numerator, np.clip(16 - exponent, 0, _TABLE - 1), usable


def extended_floors(epsilon: np.ndarray, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``floor(ln T / ln(1 - eps))`` for float rates and thresholds (their decimals), and where proved.

    Examples
    --------
    >>> floors, sure = extended_floors(np.array([1e-16, 0.1]), np.array([0.6, 0.81]))
    >>> floors[sure].tolist(), sure.tolist()  # (0.1, 0.81) is an exact tie: left to the exact solver
    ([5108256237659906], [True, False])
    """
    rates = np.asarray(epsilon, dtype=np.float64).ravel()
    targets = np.asarray(threshold, dtype=np.float64).ravel()
    if rates.size <= _CHUNK:
        floors, sure = _extended_floors(rates, targets)
    else:
        floors, sure = np.empty(rates.shape, dtype=np.int64), np.empty(rates.shape, dtype=bool)
        for start in range(0, rates.size, _CHUNK):  # some eighty passes each: chunks that stay in the cache
            part = slice(start, start + _CHUNK)
            floors[part], sure[part] = _extended_floors(rates[part], targets[part])
    shape = np.shape(epsilon)
    return floors.reshape(shape), sure.reshape(shape)


#: Elements per pass of :func:`extended_floors` (16384: its temporaries fit in a core's L2 cache, twice as fast).
_CHUNK = 16384


def _extended_floors(epsilon: np.ndarray, threshold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rate, rate_known = _with_reprs(epsilon, *decimal_values(epsilon))
    target, target_known = _with_reprs(threshold, *decimal_values(threshold))
    # a float <= 1/2 has its decimal <= 1/2 (its rounding interval ends below 1/2, or it is 1/2);
    # unproved elements hold 1/10: finite logs
    known = rate_known & target_known & (np.asarray(epsilon) <= 0.5)
    log_target = np.log(target)
    ratio = log_target / _log_keep(rate)
    nearest = np.rint(ratio)
    offset = ratio - nearest  # exact: an integer within 1/2 of ratio; |offset| = dist(q, Z)
    # B in float64, grown by 2**-40 for its own roundings and for rounding offset and ratio to float64
    # (|offset| >= |fl(offset)| / (1 + 2**-53); fl(ratio) < 2**62 implies ratio < 2**62)
    scale = np.abs(log_target.astype(np.float64))
    near_ratio = ratio.astype(np.float64)
    bound = near_ratio * (2.0**-58.5 + 2.0**-61 / scale) * (1 + 2.0**-40)
    near_offset = offset.astype(np.float64)
    sure = known & (np.abs(near_offset) > bound) & (near_ratio < 2.0**62)
    with np.errstate(invalid="ignore"):  # beyond int64 only where not sure (zeroed below)
        floor = nearest.astype(np.int64) - (near_offset < 0)  # exact below 2**62
    return floor * sure, sure


def _with_reprs(x: np.ndarray, values: np.ndarray, proved: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The decimals :func:`decimal_values` could not prove (powers of two, rounding near-ties), from ``repr``.

    About one float in a hundred; each is ``D / fl(10**j)`` for the digits ``D < 10**17`` and the
    exponent ``j <= 43`` that ``repr`` prints, the formula and error bound (``2**-63``) of the vector path.
    """
    x = np.asarray(x, dtype=np.float64)
    missing = np.flatnonzero(~proved & (x >= _SMALLEST) & (x < 1.0))
    if not missing.size:
        return values, proved
    digits, shifts = zip(*(_repr_digits(value) for value in x[missing].tolist()), strict=True)
    values, proved = values.copy(), proved.copy()
    values[missing] = np.array(digits, dtype=np.int64).astype(_LD) / _powers_of_ten()[np.array(shifts)]
    proved[missing] = True
    return values, proved


def _repr_digits(value: float) -> tuple[int, int]:
    """``(D, j)`` with ``repr(value) == D * 10**-j`` for a positive finite float (``j < 44`` in ``[1e-27, 1)``)."""
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    return int(whole + fraction), len(fraction) - int(exponent or 0)


def _half_ulp(x: np.ndarray) -> np.ndarray:
    """Half the spacing of floats at positive normal ``x``, ``2**(e - 53)`` for ``2**e <= x < 2**(e + 1)``, exactly.

    (``np.spacing(x) / 2``, from the exponent bits: keeping them alone gives ``2**e``.)
    """
    return (x.view(np.int64) & 0x7FF0000000000000).view(np.float64) * 2.0**-53


def _log_keep(rate: np.ndarray) -> np.ndarray:
    """``ln(1 - e)`` in longdouble: the series to ``e**4 / 4`` where ``e <= 2**-20``, else ``log1p``.

    The series' tail is below ``e**5 / (5 (1 - e))``, a relative ``2**-80`` of ``|ln(1 - e)| >= e``.
    It is ``e (1 + c)`` with ``c = e/2 + e**2/3 + e**3/4 <= 2**-20``, and ``c`` is computed in float64
    (``e`` rounded to float64, then Horner: relative error below ``8 * 2**-53``, so ``c`` is off by less
    than ``2**-20 * 2**-50 = 2**-70``); ``1 + c`` and the product round once each in longdouble
    (``2**-64``): at most 2 ulp and ``2**-70 + 2**-80``, within the 4 ulp claimed. ``log1p`` is the
    assumption :data:`ULPS` (and four times faster to avoid: budgets beyond float64 have tiny rates).
    """
    # float64 arithmetic is vectorised and longdouble is not: only the leading e and 1 + c in longdouble
    near = rate.astype(np.float64)
    small = near <= 2.0**-20  # e <= 2**-20 (1 + 2**-53): the bounds above hold as well
    correction = near * (0.5 + near * (1 / 3 + near * 0.25))
    result = rate * ((-correction).astype(_LD) - 1)  # -(e (1 + c)), rounded as e (1 + c) is
    if small.all():
        return result
    large = np.flatnonzero(~small)
    result[large] = np.log1p(-rate[large])
    return result

