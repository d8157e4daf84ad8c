"""Numbers formatted for people: significant figures that never round a tiny value to ``0``,
all digits of huge integers, and values known only by their logarithm.

Split from :mod:`bounds.numeric.parse` (which re-exports these names, the reading and
the writing of numbers being one contract, DESIGN §2).
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Integral

import mpmath

__all__ = ["decimal_digits", "format_from_log", "format_near", "format_number", "int_text"]


def decimal_digits(value: int) -> int:
    """An upper bound on the number of decimal digits of ``|value|``, without ``str`` (no 4300-digit limit)."""
    return int(abs(value).bit_length() * 0.30103) + 1


def int_text(value: int) -> str:
    """All digits of an integer, however large (``str`` refuses more than 4300 digits)."""
    from decimal import Context

    return format(Context(prec=decimal_digits(value) + 2).create_decimal(value), "f")


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
        if not mpmath.isfinite(number):  # ln S = -inf when S = 0 exactly (epsilon = 1)
            return str(number)
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


def format_from_log(log_value: mpmath.mpf, digits: int = 12) -> str:
    """``exp(log_value)`` in scientific notation, computed from its natural log alone.

    For survivals far below the float range (``S = 0.999**1e400``): the decimal exponent
    ``floor(log_value / ln 10)`` is exact however many digits it has, and the number itself is
    never formed. ``log_value`` must carry about ``digits`` digits after its decimal point
    (absolute, not relative, accuracy); the caller sets its precision accordingly.

    Examples
    --------
    >>> format_from_log(mpmath.mpf(1000) * mpmath.log1p(mpmath.mpf("-0.001")), 6)
    '0.367695'
    >>> with mpmath.workdps(450):
    ...     text = format_from_log(10**400 * mpmath.log1p(mpmath.mpf("-0.001")), 6)
    >>> text[:8], text[-10:], len(text)
    ('4.31748e', '8607818739', 406)
    """
    if log_value == -mpmath.inf:
        return "0"
    if log_value > -700:  # within the float range: the ordinary formatting
        with mpmath.workdps(digits + 20):
            return format_number(mpmath.exp(log_value), digits)
    magnitude = decimal_digits(int(abs(log_value)))
    with mpmath.workdps(digits + 15 + magnitude):
        log10 = log_value / mpmath.ln10
        exponent = int(mpmath.floor(log10))
        mantissa = mpmath.power(10, log10 - exponent)
        text = mpmath.nstr(mantissa, digits, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
    if text.startswith("10"):  # 9.9999... rounded up
        text, exponent = "1", exponent + 1
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{text}e{int_text(exponent)}"


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
