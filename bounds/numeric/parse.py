"""Parsing and validation of the numbers users give :mod:`bounds`.

The contract (DESIGN §2): every input is read as an *exact* rational number.

* an ``int``, ``Fraction`` or ``Decimal`` is taken as it is;
* a string is an exact decimal (``"1e-20"``, ``"0.999"``), written in ASCII: digits
  ``0-9``, an optional sign, point and exponent. Python's ``Decimal`` would also read
  ``"1_000"`` and non-ASCII digits (``"١٢٣"``, Arabic-Indic 123); both are refused, so a
  number means the same to ``bounds``, to a TOML or JSON reader and to the person who reads it;
* a ``float`` means the decimal it prints as, so ``0.9`` is ``9/10``, not the
  binary double nearest to it. This is what makes ``budget(p=0.9,
  threshold=0.81)`` equal 2 (``0.9**2 == 0.81`` exactly).

Bad input raises :class:`~bounds.errors.ParameterError` naming the parameter,
the value and the valid range. Nothing is clipped silently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral
from typing import Any, cast

import mpmath
import numpy as np

from bounds.errors import ParameterError
from bounds.numeric.formatting import decimal_digits, format_from_log, format_near, format_number, int_text

__all__ = [
    "MAX_DECIMAL_EXPONENT",
    "ExactLike",
    "broadcast_inputs",
    "exact",
    "exact_text",
    "decimal_digits",
    "format_from_log",
    "format_near",
    "format_number",
    "generations",
    "int_text",
    "json_float",
    "json_value",
    "positive",
    "probability",
    "resolve_epsilon",
    "saturating_float",
    "threshold",
    "to_mpf",
    "unwrap_scalar",
]

ExactLike = int | float | str | Decimal | Fraction | np.integer | np.floating

#: Inputs whose decimal exponent lies outside ``±MAX_DECIMAL_EXPONENT`` are
#: refused: certifying a budget costs about as many digits as the exponent, and
#: an unchecked ``"1e-99999999"`` would make every answer hang.
MAX_DECIMAL_EXPONENT = 4_000
#: The largest Fraction (bits of numerator or denominator) and int read. A decimal within the limits
#: above (at most MAX_DECIMAL_EXPONENT digits, exponent within ±MAX_DECIMAL_EXPONENT) is a fraction
#: below ``10**(2 * MAX_DECIMAL_EXPONENT)`` over ``10**(2 * MAX_DECIMAL_EXPONENT)``, so whatever the
#: library builds from an accepted input reads back (``1e-4000`` was refused inside max_epsilon);
#: printing such numbers goes through Decimal, not ``str(int)`` and its 4300-digit limit.
_MAX_BITS = math.ceil(2 * MAX_DECIMAL_EXPONENT * math.log2(10)) + 8


def _from_decimal(value: Decimal, name: str, original: object) -> Fraction:
    if not value.is_finite():
        raise ParameterError(name, "a finite number", original)
    if value and not -MAX_DECIMAL_EXPONENT <= value.adjusted() <= MAX_DECIMAL_EXPONENT:
        raise ParameterError(
            name, f"a number with decimal exponent within ±{MAX_DECIMAL_EXPONENT}", original
        )
    if len(value.as_tuple().digits) > MAX_DECIMAL_EXPONENT:
        raise ParameterError(name, f"a decimal of at most {MAX_DECIMAL_EXPONENT} digits", original)
    return Fraction(value)


def exact(value: object, name: str) -> Fraction:
    """Read ``value`` as an exact rational number.

    Parameters
    ----------
    value : int, float, str, Decimal, Fraction or numpy scalar
        The number. A float stands for the decimal it prints as.
    name : str
        Parameter name used in error messages.

    Returns
    -------
    Fraction

    Raises
    ------
    ParameterError
        For NaN, infinities, booleans, non-numeric strings and other types.

    Examples
    --------
    >>> exact(0.9, "p")
    Fraction(9, 10)
    >>> exact("1e-20", "epsilon")
    Fraction(1, 100000000000000000000)
    >>> exact(float("nan"), "epsilon")
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: epsilon must be a finite number, got nan
    """
    if isinstance(value, (bool, np.bool_)):
        raise ParameterError(name, "a number, not a boolean", value)
    if isinstance(value, Fraction):
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_BITS:
            raise ParameterError(name, f"a fraction of at most {_MAX_BITS} bits", value)
        return value
    if isinstance(value, Integral):
        number = int(value)
        if number.bit_length() > _MAX_BITS:
            raise ParameterError(name, f"an integer of at most {_MAX_BITS} bits", value)
        return Fraction(number)
    if isinstance(value, np.floating):
        # numpy prints the shortest repr that round-trips in the value's own dtype
        # (float32(0.1) prints as 0.1); that printed decimal is the number meant.
        return _from_decimal(Decimal(str(value)), name, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(name, "a finite number", value)
        return _from_decimal(Decimal(repr(value)), name, value)
    if isinstance(value, Decimal):
        return _from_decimal(value, name, value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 2 * MAX_DECIMAL_EXPONENT:
            raise ParameterError(name, "a decimal number", value)
        try:
            parsed = Decimal(text)
        except InvalidOperation:
            raise ParameterError(name, "a decimal number such as '0.001' or '1e-20'", value) from None
        if not text.isascii() or "_" in text:  # Decimal also reads '1_000' and non-ASCII digits
            raise ParameterError(
                name, "an ASCII decimal number such as '0.001' or '1e-20' (no '_', no non-ASCII digits)", value
            )
        return _from_decimal(parsed, name, value)
    raise ParameterError(name, "a number (int, float, str, Decimal or Fraction)", value)


def probability(value: object, name: str = "epsilon") -> Fraction:
    """Read a probability in ``[0, 1]`` exactly.

    Examples
    --------
    >>> probability("0.001")
    Fraction(1, 1000)
    >>> probability(1.5)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: epsilon must be in [0, 1], got 1.5
    """
    number = exact(value, name)
    if not 0 <= number <= 1:
        raise ParameterError(name, "in [0, 1]", value)
    return number


def threshold(value: object, name: str = "threshold") -> Fraction:
    """Read a survival threshold ``T`` in ``(0, 1]`` exactly.

    ``T = 0`` is refused: every model satisfies ``S(N) >= 0`` for every ``N``,
    so the budget question has no content.

    Examples
    --------
    >>> threshold(0.605)
    Fraction(121, 200)
    >>> threshold(0)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: threshold must be in (0, 1], got 0
    """
    number = exact(value, name)
    if not 0 < number <= 1:
        raise ParameterError(name, "in (0, 1]", value)
    return number


def positive(value: object, name: str) -> Fraction:
    """Read a strictly positive finite number exactly (ratios, exponents, growth factors)."""
    number = exact(value, name)
    if number <= 0:
        raise ParameterError(name, "a positive number", value)
    return number


def generations(value: object, name: str = "generations") -> int:
    """Read a generation count: a whole number ``>= 0``.

    Integral floats and strings are accepted (``1e12``, ``"1e15"``); a
    fractional value is refused rather than rounded.

    Examples
    --------
    >>> generations("1e12")
    1000000000000
    >>> generations(2.5)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: generations must be a whole number >= 0, got 2.5
    """
    number = exact(value, name)
    if number < 0 or number.denominator != 1:
        raise ParameterError(name, "a whole number >= 0", value)
    return int(number)


def resolve_epsilon(epsilon: object = None, p: object = None) -> Fraction:
    """Return the per-generation failure probability from exactly one of ``epsilon`` or ``p``.

    Giving ``epsilon`` directly keeps tiny rates exact: ``1 - 1e-20`` is ``1.0``
    as a float, but ``epsilon="1e-20"`` is exactly ``10**-20``.

    Examples
    --------
    >>> resolve_epsilon(p=0.9)
    Fraction(1, 10)
    >>> resolve_epsilon(epsilon=0.1, p=0.9)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: epsilon or p must be given, not both, got (0.1, 0.9)
    """
    if (epsilon is None) == (p is None):
        raise ParameterError("epsilon or p", "given, not both", (epsilon, p))
    if epsilon is not None:
        return probability(epsilon, "epsilon")
    return 1 - probability(p, "p")


def unwrap_scalar(value: Any) -> Any:
    """A 0-d numpy array as the scalar it holds (numpy scalars become Python ones); anything else unchanged.

    So that ``budget(epsilon=np.array(0.001), threshold=0.605)`` is a scalar question (DESIGN §3:
    0-d arrays behave like scalars).

    Examples
    --------
    >>> unwrap_scalar(np.array(0.001)), unwrap_scalar(np.array("0.5")), unwrap_scalar([1, 2])
    (0.001, '0.5', [1, 2])
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value


def broadcast_inputs(named: Mapping[str, Any], dtype: Any = None) -> list[np.ndarray]:
    """The arrays ``named`` (parameter name -> array_like) broadcast together, with errors naming them.

    Raises
    ------
    ParameterError
        For a ragged nesting (``[0.5, [0.5, 0.6]]``), an empty array, or shapes that do not
        broadcast, naming the parameter(s).

    Examples
    --------
    >>> [array.tolist() for array in broadcast_inputs({"epsilon": [0.1, 0.2], "threshold": 0.5})]
    [[0.1, 0.2], [0.5, 0.5]]
    >>> broadcast_inputs({"n": [], "threshold": [0.5, 0.6]})
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: n must be a non-empty array, got []
    """
    arrays = []
    for name, value in named.items():
        try:
            array = np.asarray(value, dtype=dtype)
        except (ValueError, TypeError):
            array = None
        if array is not None and array.dtype == object:
            # asarray(dtype=object) keeps a ragged nesting as lists inside the array
            if any(isinstance(item, (list, tuple, np.ndarray)) for item in array.flat):
                array = None
        if array is None:
            raise ParameterError(name, "a number or a rectangular array of numbers (rows of equal length)", value)
        if array.size == 0:
            raise ParameterError(name, "a non-empty array", value)
        arrays.append(array)
    try:
        return list(np.broadcast_arrays(*arrays))
    except ValueError:
        shapes = tuple(array.shape for array in arrays)
        raise ParameterError(" and ".join(named), "arrays of broadcastable shapes", shapes) from None


def json_value(value: Any) -> Any:
    """A JSON-safe stand-in for a number, losing nothing.

    Whole numbers stay ints (however large); a rational becomes a float when that
    float reads back as the same decimal (``0.605``), otherwise the exact decimal
    as a string (``"1e-4000"``, which underflows a float) or ``"p/q"`` when it has
    no finite decimal. Containers are converted element by element; non-finite
    floats become strings (JSON has no NaN).

    Examples
    --------
    >>> json_value(Fraction(121, 200)), json_value(Fraction(1, 10**4000))[:8], json_value(Fraction(1, 3))
    (0.605, '1e-4000', '1/3')
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Integral):
        number = int(value)
        return number if number.bit_length() < 14_000 else int_text(number)
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return json_value(value.numerator)
        as_float = saturating_float(value)
        if math.isfinite(as_float) and as_float != 0 and Fraction(Decimal(repr(as_float))) == value:
            return as_float
        denominator, powers = value.denominator, {2: 0, 5: 0}
        for prime in powers:
            while denominator % prime == 0:
                denominator //= prime
                powers[prime] += 1
        if denominator == 1:
            # p / (2**a 5**b) = p 2**(s-a) 5**(s-b) / 10**s with s = max(a, b): every digit, exactly
            from decimal import Context

            scale = max(powers.values())
            mantissa = value.numerator * 2 ** (scale - powers[2]) * 5 ** (scale - powers[5])
            context = Context(prec=decimal_digits(mantissa) + 2)
            return str(context.create_decimal(mantissa).scaleb(-scale, context)).replace("E", "e")
        return f"{int_text(value.numerator)}/{int_text(value.denominator)}"
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if isinstance(value, np.ndarray):
        return json_value(value.tolist())
    if isinstance(value, mpmath.mpf):
        return json_value(float(value)) if math.isfinite(float(value)) and float(value) != 0 else mpmath.nstr(value, 17)
    return value


def exact_text(value: Any) -> str:
    """An exact number as a decimal string that reads back as the same number, or ``"p/q"``.

    How inputs are echoed (DESIGN §6): ``0.605`` and ``"0.6050"`` both give ``"0.605"``; nothing
    is rounded, so ``"1e-4000"`` stays ``"1e-4000"`` and ``1/3`` is ``"1/3"``.

    Examples
    --------
    >>> exact_text("0.6050"), exact_text(Fraction(1, 10**5)), exact_text(502), exact_text(Fraction(1, 3))
    ('0.605', '0.00001', '502', '1/3')
    """
    number = value if isinstance(value, Fraction) else exact(value, "value")
    if number.denominator == 1:
        return int_text(number.numerator)
    shown = json_value(number)
    if isinstance(shown, float):  # a float only when its repr reads back as exactly this decimal
        return str(Decimal(repr(shown))).replace("E", "e")
    return cast(str, shown)


def saturating_float(value: Fraction | int) -> float:
    """``float(value)``, or ``±inf`` where the value is beyond the float range (never OverflowError).

    For display and for float fast paths that check ``math.isfinite``; exact work keeps the Fraction.

    Examples
    --------
    >>> saturating_float(Fraction(1, 8)), saturating_float(10**400), saturating_float(Fraction(-10**400, 3))
    (0.125, inf, -inf)
    """
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def json_float(value: Fraction | int) -> float | int | str:
    """An output number for JSON: the nearest float, or the exact value where no float carries it.

    Beyond the float range (``10**400 / 3``) or below it (``1e-400``, which would read as 0)
    the value is :func:`json_value`'s exact form: a whole number, a decimal string or ``"p/q"``.

    Examples
    --------
    >>> json_float(Fraction(1, 3)), json_float(Fraction(10**400 + 5, 10))[-4:], json_float(Fraction(1, 10**400))
    (0.3333333333333333, '00.5', '1e-400')
    """
    number = saturating_float(value)
    if math.isfinite(number) and (number != 0 or value == 0):
        return number
    return cast("float | int | str", json_value(Fraction(value)))


def to_mpf(value: Fraction | int) -> mpmath.mpf:
    """Convert an exact rational to an mpmath number at the current working precision."""
    value = Fraction(value)
    return mpmath.mpf(value.numerator) / value.denominator
