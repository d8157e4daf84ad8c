"""Read the numbers back out of a rendered derivation (used by the derivation tests).

The parser knows only the printed shapes (``0.605015``, ``1 \\times 10^{-20}``,
``T + 8.04 \\times 10^{-301}``, long integers with ``\\allowbreak``), never the
code that printed them, so a test can compare what a reader sees with the API.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

NUMBER = r"-?(?:\\t?frac\{\d+\}\{\d+\}|\d+(?:\.\d+)?(?:\s*\\times\s*10\^\{-?\d+\})?)"
_BREAK = re.compile(r"\\allowbreak\\mskip 0mu plus 18mu\{\}")


_PROVENANCE = re.compile(r"\n\n(?:\{\\small\\sloppy\\textit\{Produced by\}|\*Produced by\*)[^\n]*\n")


def without_provenance(text: str) -> str:
    """The rendered derivation without its provenance line (which names the version and today's date)."""
    return _PROVENANCE.sub("\n", text)


def number(text: str) -> Fraction:
    """The exact value of a printed number (a decimal, scientific notation, or an exact ``\\tfrac``)."""
    fraction = re.fullmatch(r"\s*(-?)\\t?frac\{(\d+)\}\{(\d+)\}\s*", text)
    if fraction:
        return Fraction(int(fraction.group(2)), int(fraction.group(3))) * (-1 if fraction.group(1) else 1)
    match = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)(?:\s*\\times\s*10\^\{(-?\d+)\})?\s*", text)
    assert match, f"not a printed number: {text!r}"
    mantissa = Fraction(Decimal(match.group(1)))
    exponent = int(match.group(2) or 0)
    return mantissa * Fraction(10) ** exponent


def significant_digits(text: str) -> int:
    mantissa = re.match(r"\s*-?(\d+(?:\.\d+)?)", text)
    assert mantissa
    return len(mantissa.group(1).replace(".", "").lstrip("0")) or 1


def flatten(latex: str) -> str:
    """Join the rows of long chains (``\\\\`` then ``&``) and drop alignment marks and breaks."""
    text = _BREAK.sub("", latex)
    text = re.sub(r"\s*\\\\\s*\n&", " ", text)
    text = re.sub(r"\s*\\\\$", "", text, flags=re.MULTILINE)
    return text.replace("&", "")


def parameter(latex: str, symbol: str) -> Fraction:
    """The value printed in the Parameters step, ``symbol = value``."""
    match = re.search(rf"^{re.escape(symbol)} = ({NUMBER})$", flatten(latex), re.MULTILINE)
    assert match, f"no parameter {symbol}"
    return number(match.group(1))


def budget(latex: str) -> int | None:
    """The budget of the Result step (``None`` for ``\\infty``)."""
    flat = flatten(latex)
    match = re.search(r"^N\^\{\*\} = (\d+|\\infty)$", flat, re.MULTILINE)
    if match is None:
        match = re.search(r"in full, \$N\^\* = (\d+)\$", flat)
    assert match, "no result line"
    return None if match.group(1) == "\\infty" else int(match.group(1))


def certificate(latex: str, which: str) -> tuple[Fraction, int | None]:
    """The value shown for ``S(N^{*})`` or ``S(N^{*} + 1)`` (or ``S(\\infty)``) and its significant figures.

    A value printed as ``T + d`` is returned as the exact ``T + d`` with the
    figures of ``d``; ``None`` figures means the value is printed as exactly ``T``.
    """
    flat = flatten(latex)
    threshold = None
    found = re.search(rf"^S\({re.escape(which)}\) = .*$", flat, re.MULTILINE)
    assert found, f"no certificate line for {which}"
    line = found.group(0)
    match_t = re.search(rf"\\ge T = ({NUMBER})", flat)
    assert match_t
    threshold = number(match_t.group(1))
    value = re.search(rf" = (T [+-] {NUMBER}|{NUMBER}) (?:\\ge T = {NUMBER}|< T)$", line)
    assert value, f"no value in {line!r}"
    shown = value.group(1)
    if shown.startswith("T "):
        sign = 1 if shown[2] == "+" else -1
        return threshold + sign * number(shown[4:]), significant_digits(shown[4:])
    return number(shown), significant_digits(shown)
