r"""Number formatting for derivations: significant figures, scientific notation, exact decimals.

Numbers are printed with significant figures and scientific notation, never
rounded to ``0.000``: ``1e-20`` prints as ``1 \times 10^{-20}`` and an
mpmath survival of ``6.2e-918556498`` keeps its exponent. Integers print in
full; long ones are broken with ``\allowbreak`` so that they wrap in text.
Exact rationals print exactly when no ``digits`` are asked for (the user's
inputs), and with ``digits`` significant figures when they are (computed values).

Examples
--------
>>> from fractions import Fraction
>>> latex_number(Fraction(1, 10**20))
'1 \\times 10^{-20}'
>>> latex_number(Fraction(1, 500))
'0.002'
>>> import mpmath
>>> latex_number(mpmath.mpf("6.2e-918556498"), 2)
'6.2 \\times 10^{-918556498}'
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction
from numbers import Integral
from typing import Any

import mpmath
import sympy

from bounds.errors import BoundsError

__all__ = [
    "LINE_BREAK",
    "LONG_INTEGER",
    "MAX_EXACT_DIGITS",
    "display_integer",
    "floor_display",
    "for_mathjax",
    "integer_text",
    "latex_integer",
    "latex_number",
    "real_text",
]

#: Where a long integer may wrap in LaTeX; the stretchable glue lets a justified line end between
#: groups instead of overflowing. MathJax (Markdown, Jupyter) gets the digits without it.
LINE_BREAK = r"\allowbreak\mskip 0mu plus 18mu{}"

#: Integers longer than this are broken with ``\allowbreak`` every five digits in LaTeX.
LONG_INTEGER = 30

#: Decimal arithmetic wide enough never to round a displayed number.
_WIDE = Context(prec=200)

#: Exact decimals with more significant digits than this are printed rounded.
MAX_EXACT_DIGITS = 30


def integer_text(value: int) -> str:
    """All digits of an integer, also beyond Python's 4300-digit ``str(int)`` limit.

    Examples
    --------
    >>> len(integer_text(10**5000))
    5001
    """
    value = int(value)
    return str(value) if value.bit_length() < 10_000 else format(Decimal(value), "f")


def latex_integer(value: int) -> str:
    r"""An integer in full; above :data:`LONG_INTEGER` digits with ``\allowbreak`` every five digits.

    Examples
    --------
    >>> latex_integer(251)
    '251'
    >>> latex_integer(10**35).count(r"\allowbreak")
    7
    """
    text = integer_text(value)
    if len(text) <= LONG_INTEGER:
        return text
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    head = len(digits) % 5 or 5
    groups = [digits[:head]] + [digits[start : start + 5] for start in range(head, len(digits), 5)]
    return sign + LINE_BREAK.join(groups)



def for_mathjax(latex: str) -> str:
    """LaTeX for MathJax renderers: long integers without the pdflatex-only line-break glue."""
    return latex.replace(LINE_BREAK, "")


def _scientific(text: str) -> str:
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return mantissa
    return f"{mantissa} \\times 10^{{{int(exponent)}}}"


def _exact_decimal(value: Fraction) -> Decimal | None:
    """The terminating decimal equal to ``value``, or ``None`` when it does not terminate."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    scale = max(twos, fives)
    digits = value.numerator * 10**scale // value.denominator
    return Decimal(digits).scaleb(-scale, _WIDE)


def latex_number(value: Any, digits: int | None = None) -> str:
    r"""LaTeX for a number: exact rationals exactly, reals with ``digits`` significant figures.

    * ``int`` (and whole Fractions): every digit (see :func:`latex_integer`);
    * ``Fraction`` without ``digits`` (an input as the user typed it): its
      terminating decimal of at most :data:`MAX_EXACT_DIGITS` digits exactly
      (``0.002``, ``1 \times 10^{-20}``), ``\tfrac{p}{q}`` when both are small, else rounded;
    * ``Fraction`` with ``digits`` (a computed value): exactly when its decimal has at
      most ``digits`` significant figures, else rounded to ``digits``;
    * ``float`` and ``mpmath.mpf``: ``digits`` (default 6) significant figures, scientific
      notation below ``1e-4`` and from ``1e6`` on.

    Examples
    --------
    >>> latex_number(Fraction(1, 3))
    '\\tfrac{1}{3}'
    >>> latex_number(Fraction(1, 3), 4)
    '0.3333'
    >>> latex_number(0.605166793350407, 6)
    '0.605167'
    >>> latex_number(Fraction(999999, 10**6))
    '0.999999'
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        return latex_integer(int(value))
    if isinstance(value, sympy.Rational):
        value = Fraction(int(value.p), int(value.q))
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return latex_integer(value.numerator)
        decimal = _exact_decimal(value)
        limit = MAX_EXACT_DIGITS if digits is None else digits
        if decimal is not None and len(decimal.as_tuple().digits) <= limit:
            adjusted = decimal.adjusted()
            if -4 <= adjusted < 6:
                return format(decimal, "f")
            text = format(decimal, "e").replace("E", "e").replace("e+", "e")
            mantissa, _, exponent = text.partition("e")
            return _scientific(f"{mantissa}e{int(exponent)}")
        if digits is None and decimal is None and max(abs(value.numerator), value.denominator) < 10**6:
            sign = "-" if value < 0 else ""
            return f"{sign}\\tfrac{{{abs(value.numerator)}}}{{{value.denominator}}}"
        # the exact rational rounded once, in decimal (half-even), then printed with those figures
        quotient = Context(prec=limit).divide(Decimal(value.numerator), Decimal(value.denominator))
        with mpmath.workdps(limit + 10):
            return _scientific(real_text(mpmath.mpf(str(quotient)), limit))
    if isinstance(value, sympy.Float):
        value = mpmath.mpf(value)
    return _scientific(real_text(value, 6 if digits is None else digits))


def real_text(value: Any, digits: int = 6) -> str:
    """A real number with ``digits`` significant figures (plain ``e`` notation, no LaTeX).

    Fixed notation for magnitudes in ``[1e-4, 1e6)``, scientific otherwise; a
    value that is not 1 never prints as ``1`` (digits are added until it shows).
    Exact for ``mpmath.mpf`` far outside the float range.

    Examples
    --------
    >>> real_text(Fraction(2, 3), 20)
    '0.66666666666666666667'
    >>> real_text(0.99999999, 6)
    '0.99999999'
    >>> real_text(1234567.8, 3)
    '1.23e6'
    """
    with mpmath.workdps(max(digits, 60) + 10):
        if isinstance(value, Fraction):
            number = mpmath.mpf(value.numerator) / value.denominator
        else:
            number = mpmath.mpf(value)
        if number == 0:
            return "0"
        if not mpmath.isfinite(number):
            return str(number)
        while True:
            text = mpmath.nstr(number, digits, min_fixed=1, max_fixed=0, strip_zeros=False)
            mantissa, _, exponent_text = text.partition("e")
            exponent = int(exponent_text or 0)
            shows_one = exponent == 0 and mantissa.lstrip("-").rstrip("0").rstrip(".") == "1"
            if not shows_one or abs(number) == 1 or digits >= 60:
                break
            digits += 1
    if -4 <= exponent < 6:
        text = format(Decimal(mantissa).scaleb(exponent, _WIDE), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    return f"{mantissa}e{exponent}"


def display_integer(value: int, digits: int = 11) -> str:
    r"""An integer for a display: in full up to :data:`~bounds.report.latex.LONG_INTEGER` digits, else abbreviated.

    Long integers show a truncated mantissa (a correct prefix) and the exponent:
    ``1.0536051565\ldots \times 10^{299}``; exact multiples of a power of ten
    show exactly (``1 \times 10^{299}``). Derivations print long integers in full
    in prose, where ``\allowbreak`` can wrap them.

    Examples
    --------
    >>> display_integer(251)
    '251'
    >>> display_integer(10**40)
    '1 \\times 10^{40}'
    >>> display_integer(2**140)
    '1.3937965749\\ldots \\times 10^{42}'
    """
    text = integer_text(value)
    if len(text) <= LONG_INTEGER:
        return latex_integer(value)
    shown = max(digits, 1)
    sign, figures = ("-", text[1:]) if text.startswith("-") else ("", text)
    exponent = len(figures) - 1
    significant = figures.rstrip("0")
    if len(significant) <= shown:
        mantissa = significant[0] + ("." + significant[1:] if len(significant) > 1 else "")
        return f"{sign}{mantissa} \\times 10^{{{exponent}}}"
    return f"{sign}{figures[0]}.{figures[1:shown]}\\ldots \\times 10^{{{exponent}}}"


def floor_display(compute: Any, what: str = "value", digits: int = 6) -> tuple[int, str]:
    r"""``floor(x)`` for a positive real ``x`` given by ``compute(dps)``, and LaTeX showing ``x``.

    The precision rises until ``x`` is farther from an integer than its error,
    so the floor is exact; the shown decimals are *truncated* (a correct
    prefix, followed by ``\ldots``, so it names the floor) with ``digits``
    significant figures, at least one decimal. ``x`` must not be an integer
    (callers handle exact ties).

    Examples
    --------
    >>> floor_display(lambda dps: mpmath.log(mpmath.mpf("0.605")) / mpmath.log1p(-mpmath.mpf("0.002")))
    (251, '251.012\\ldots')
    """
    dps = 40
    while dps <= 20_000:
        with mpmath.workdps(dps + 10):
            value = mpmath.mpf(compute(dps + 10))
            floor = int(mpmath.floor(value))
            fraction = value - floor
            margin = mpmath.mpf(10) ** (-(dps // 2))
            if margin < fraction < 1 - margin:
                whole = len(integer_text(floor)) if floor else 0
                decimals = max(1, digits - whole)
                shown = str(int(mpmath.floor(fraction * mpmath.mpf(10) ** decimals))).rjust(decimals, "0")
                if len(integer_text(floor)) > LONG_INTEGER:
                    return floor, display_integer(floor, digits)
                return floor, f"{latex_integer(floor)}.{shown}\\ldots"
        dps *= 2
    raise BoundsError(f"could not separate {what} from an integer at {dps // 2} digits")
