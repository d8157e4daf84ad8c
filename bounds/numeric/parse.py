"""Parsing and validation of the numbers users give :mod:`bounds`.

The contract (DESIGN §2): every input is read as an *exact* rational number.

* an ``int``, ``Fraction`` or ``Decimal`` is taken as it is;
* a string is an exact decimal (``"1e-20"``, ``"0.999"``);
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
from typing import Any

import mpmath
import numpy as np

from bounds.errors import ParameterError

__all__ = [
    "MAX_DECIMAL_EXPONENT",
    "ExactLike",
    "exact",
    "decimal_digits",
    "format_near",
    "format_number",
    "generations",
    "int_text",
    "json_value",
    "positive",
    "probability",
    "resolve_epsilon",
    "threshold",
    "to_mpf",
]

ExactLike = int | float | str | Decimal | Fraction | np.integer | np.floating

#: Inputs whose decimal exponent lies outside ``±MAX_DECIMAL_EXPONENT`` are
#: refused: certifying a budget costs about as many digits as the exponent, and
#: an unchecked ``"1e-99999999"`` would make every answer hang.
MAX_DECIMAL_EXPONENT = 4_000
# ~3900 decimal digits: every value, and every constant-rate budget, stays below
# Python's 4300-digit limit on int <-> str conversion.
_MAX_BITS = 13_000


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


def decimal_digits(value: int) -> int:
    """An upper bound on the number of decimal digits of ``|value|``, without ``str`` (no 4300-digit limit)."""
    return int(abs(value).bit_length() * 0.30103) + 1


def int_text(value: int) -> str:
    """All digits of an integer, however large (``str`` refuses more than 4300 digits)."""
    from decimal import Context

    return format(Context(prec=decimal_digits(value) + 2).create_decimal(value), "f")


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
        as_float = float(value)
        if math.isfinite(as_float) and as_float != 0 and Fraction(Decimal(repr(as_float))) == value:
            return as_float
        denominator = value.denominator
        for prime in (2, 5):
            while denominator % prime == 0:
                denominator //= prime
        if denominator == 1:
            digits = decimal_digits(value.denominator) + decimal_digits(value.numerator) + 5
            from decimal import Context

            quotient = Context(prec=digits).divide(Decimal(value.numerator), Decimal(value.denominator))
            return str(quotient).replace("E", "e")
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


def to_mpf(value: Fraction | int) -> mpmath.mpf:
    """Convert an exact rational to an mpmath number at the current working precision."""
    value = Fraction(value)
    return mpmath.mpf(value.numerator) / value.denominator


def format_number(value: object, digits: int = 6) -> str:
    """Format a number with significant figures, never rounding a tiny value to ``0``.

    Integers print in full. Floats, mpmath numbers and Fractions print with
    ``digits`` significant figures, switching to scientific notation for
    magnitudes below 1e-4 or at and above 1e6 (mpmath numbers keep exponents
    far outside the float range).

    Examples
    --------
    >>> format_number(1e-20)
    '1e-20'
    >>> format_number(0.6064256)
    '0.606426'
    >>> format_number(0.99999999)
    '0.99999999'
    >>> format_number(502)
    '502'
    >>> format_number(mpmath.mpf("1.5e-862948"))
    '1.5e-862948'
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int_text(int(value))
    if isinstance(value, Fraction) and value.denominator == 1:
        return int_text(value.numerator)
    if isinstance(value, (mpmath.mpf, Fraction)):
        return _format_mpf(value, digits)
    number = float(value)  # type: ignore[arg-type]
    text = f"{number:.{digits}g}"
    while number != 1 and text in {"1", "-1"} and digits < 17:
        # 0.99999999 must not print as "1": widen until it is distinguishable.
        digits += 1
        text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, _, exponent = text.partition("e")
        return f"{mantissa}e{int(exponent)}"
    return text


def _format_mpf(value: mpmath.mpf | Fraction, digits: int) -> str:
    with mpmath.workdps(digits + 20):
        number = mpmath.mpf(value.numerator) / value.denominator if isinstance(value, Fraction) else +value
        if number == 0:
            return "0"
        magnitude = int(mpmath.floor(mpmath.log10(abs(number))))
        fixed = -4 <= magnitude < 6
        while True:
            if fixed:
                text = mpmath.nstr(number, digits, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
                text = text.rstrip("0").rstrip(".") if "." in text else text
            else:
                mantissa, _, exponent = mpmath.nstr(number, digits, min_fixed=1, max_fixed=0).partition("e")
                mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
                text = f"{mantissa}e{int(exponent)}"
            # 0.99999999 must not print as "1": widen until it is distinguishable
            if text not in {"1", "-1"} or abs(number) == 1 or digits >= 40:
                return text
            digits += 1


def format_near(value: mpmath.mpf | Fraction, reference: Fraction, digits: int = 6, max_digits: int = 40) -> str:
    """Format ``value`` with enough digits to tell it from ``reference`` (a threshold).

    A certificate ``S(N*) >= T > S(N*+1)`` printed as ``0.5 >= 0.5 > 0.5`` hides
    the proof; this widens the figures until the difference shows, up to
    ``max_digits``, and then says how close the two are instead.

    Examples
    --------
    >>> format_near(mpmath.mpf("0.500000000000299"), Fraction(1, 2))
    '0.500000000000299'
    >>> format_near(Fraction(81, 100), Fraction(81, 100))
    '0.81'
    """
    if isinstance(value, Fraction) and value == reference:
        return format_number(value, digits)
    with mpmath.workdps(max_digits + 20):
        target = mpmath.mpf(reference.numerator) / reference.denominator
        if isinstance(value, Fraction):
            gap = abs(mpmath.mpf((value - reference).numerator) / (value - reference).denominator)
        else:
            gap = abs(value - target)
        if gap == 0:
            return format_number(value, digits)
        needed = int(mpmath.ceil(-mpmath.log10(gap / abs(target)))) + 2
    if needed > max_digits:
        return f"{format_number(value, max_digits)} (differs from T only after {needed - 2} digits)"
    return format_number(value, max(digits, needed))
