"""Declared domains of the numbers and values models take (DESIGN §3).

A :class:`Domain` says what a parameter may be: its kind, the phrase that follows
"must be" in error messages (``"in [0, 1]"``), how to read a user's value
(:meth:`Domain.parse`, which delegates to the parsers of :mod:`bounds.numeric.parse`)
and, for numbers, the exact bounds. The model layer attaches a domain to each
dataclass field (:func:`bounds.models.parameters.parameter`); from there the same
declaration validates input, reads spec files, generates test data
(:func:`bounds.testing.strategies.from_domain`), and writes the docs' parameter tables.

This module imports nothing from the models.

Examples
--------
>>> PROBABILITY.parse("0.25", "epsilon")
Fraction(1, 4)
>>> POSITIVE.parse(0, "ratio")
Traceback (most recent call last):
...
bounds.errors.ParameterError: ratio must be a positive number, got 0
>>> COUNT.parse(-1, "key_every")
Traceback (most recent call last):
...
bounds.errors.ParameterError: key_every must be a whole number >= 1, got -1
>>> choices("repeat", "zero").parse("forever", "tail")
Traceback (most recent call last):
...
bounds.errors.ParameterError: tail must be 'repeat' or 'zero', got 'forever'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from bounds.errors import ParameterError
from bounds.numeric.parse import exact, generations, positive, probability

__all__ = [
    "BOUNDED_REAL",
    "COUNT",
    "EXPRESSION",
    "FILE",
    "GENERATIONS",
    "NONNEGATIVE",
    "POSITIVE",
    "PROBABILITY",
    "TEXT",
    "Domain",
    "choices",
    "interval",
    "whole",
]

Parser = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Domain:
    """What a parameter may be.

    Attributes
    ----------
    kind : str
        ``"number"`` and ``"integer"`` (with exact bounds), ``"choice"`` (with ``choices``),
        or a structured kind that carries a parser and a phrase only: ``"vector"``,
        ``"matrix"``, ``"text"``, ``"expression"``, ``"model"`` (a nested model table),
        ``"file"`` (a path in a spec file).
    phrase : str
        The valid range as it follows "must be" in a :class:`~bounds.errors.ParameterError`.
    parser : callable or None
        ``parser(value, name)`` returns the value read exactly or raises; ``None`` takes
        the value as it is.
    low, high : Fraction or None
        Exact bounds of a number (``None``: unbounded on that side).
    low_open, high_open : bool
        Whether a bound is excluded.
    choices : tuple of str
        The allowed values of a ``"choice"``.
    """

    kind: str
    phrase: str
    parser: Parser | None = None
    low: Fraction | None = None
    high: Fraction | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[str, ...] = ()

    def parse(self, value: Any, name: str) -> Any:
        """``value`` read exactly and checked, or a :class:`~bounds.errors.ParameterError` naming ``name``."""
        return value if self.parser is None else self.parser(value, name)

    @property
    def numeric(self) -> bool:
        """Whether the domain is a range of numbers (``"number"`` or ``"integer"``)."""
        return self.kind in ("number", "integer")

    def contains(self, value: Fraction) -> bool:
        """Whether the exact number ``value`` lies inside the bounds.

        >>> PROBABILITY.contains(Fraction(1)), POSITIVE.contains(Fraction(0))
        (True, False)
        """
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return False
        return self.kind != "integer" or value.denominator == 1


def _bound(value: Any) -> Fraction | None:
    return None if value is None else Fraction(value)


def _number_text(value: Fraction) -> str:
    digits = str(abs(value.numerator))
    if value.denominator == 1 and len(digits) > 6 and digits.rstrip("0") == "1":  # 10**300 as 1e300
        return f"{'-' if value < 0 else ''}1e{len(digits) - 1}"
    return str(value)


def interval(low: Any = None, high: Any = None, *, low_open: bool = False, high_open: bool = False,
             phrase: str | None = None) -> Domain:
    """The exact numbers from ``low`` to ``high`` (``None``: unbounded), read by :func:`~bounds.numeric.parse.exact`.

    Examples
    --------
    >>> interval(0, 1, low_open=True, high_open=True).phrase
    'in (0, 1)'
    >>> interval(1, phrase=">= 1").parse("0.5", "growth")
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: growth must be >= 1, got '0.5'
    """
    lo, hi = _bound(low), _bound(high)
    if phrase is None:
        if lo is not None and hi is not None:
            phrase = f"in {'(' if low_open else '['}{_number_text(lo)}, {_number_text(hi)}{')' if high_open else ']'}"
        elif lo is not None:
            phrase = f"a number {'>' if low_open else '>='} {_number_text(lo)}"
        elif hi is not None:
            phrase = f"a number {'<' if high_open else '<='} {_number_text(hi)}"
        else:
            phrase = "a finite number"
    bounds = Domain("number", phrase, None, lo, hi, low_open, high_open)

    def parse(value: Any, name: str) -> Fraction:
        number = exact(value, name)
        if not bounds.contains(number):
            raise ParameterError(name, bounds.phrase, value)
        return number

    return dataclasses.replace(bounds, parser=parse)


def whole(low: int = 0, high: int | None = None, *, phrase: str | None = None) -> Domain:
    """Whole numbers in ``[low, high]``; integral floats and strings are read (``1e12``), fractions refused.

    ``whole(0)`` is :func:`~bounds.numeric.parse.generations` itself.

    >>> whole(1).parse("1e3", "horizon"), whole(1).phrase
    (1000, 'a whole number >= 1')
    """
    phrase = phrase or (f"a whole number >= {low}" if high is None else f"a whole number in [{low}, {high}]")
    bounds = Domain("integer", phrase, None, Fraction(low), _bound(high))
    if low == 0 and high is None and phrase == "a whole number >= 0":
        return dataclasses.replace(bounds, parser=generations)

    def parse(value: Any, name: str) -> int:
        number = exact(value, name)
        if not bounds.contains(number):
            raise ParameterError(name, bounds.phrase, value)
        return int(number)

    return dataclasses.replace(bounds, parser=parse)


def choices(*values: str, phrase: str | None = None) -> Domain:
    """One of the strings ``values`` (``'floor' or 'additive'``; ``one of 'a', 'b', 'c'`` for more).

    >>> choices("floor", "additive").phrase
    "'floor' or 'additive'"
    """
    quoted = [repr(value) for value in values]
    phrase = phrase or (" or ".join(quoted) if len(values) <= 2 else "one of " + ", ".join(quoted))

    def parse(value: Any, name: str) -> str:
        if not isinstance(value, str) or value not in values:
            raise ParameterError(name, phrase, value)
        return value

    return Domain("choice", phrase, parse, choices=tuple(values))


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ParameterError(name, "a string", value)
    return value


def _expression(value: Any, name: str) -> str:
    from bounds.numeric.expression import parse_expression  # raises ExpressionError with the reason

    parse_expression(value)
    return value


#: Probabilities ``[0, 1]`` (:func:`~bounds.numeric.parse.probability`).
PROBABILITY = Domain("number", "in [0, 1]", probability, Fraction(0), Fraction(1))
#: Numbers ``> 0`` (:func:`~bounds.numeric.parse.positive`): ratios, exponents, growth factors.
POSITIVE = Domain("number", "a positive number", positive, Fraction(0), None, low_open=True)
#: Numbers ``>= 0``.
NONNEGATIVE = interval(0)
#: Real numbers of size at most ``1e300`` (the logistic schedule's steepness and midpoint).
BOUNDED_REAL = interval(-(10**300), 10**300, phrase="a real number of size at most 1e300")
#: Generation counts ``>= 0`` (:func:`~bounds.numeric.parse.generations`).
GENERATIONS = whole(0)
#: Counts ``>= 1`` (spacings, horizons, monitors).
COUNT = whole(1)
#: A string.
TEXT = Domain("text", "a string", _text)
#: A rate formula in ``i`` (:func:`~bounds.numeric.expression.parse_expression`, never evaluated as Python).
EXPRESSION = Domain("expression", "a formula in i such as '1e-3 * 0.9**i'", _expression)
#: The path of a file named in a spec file, relative to the spec file's folder.
FILE = Domain("file", "the path of a text file, relative to the spec file", _text)
