"""A quoted probability read with the precision its digits state: ``"60.5%"``, ``"0.6064"``.

A number quoted in prose ("60.5% after 500 generations") claims only as many digits as it
shows. :func:`stated_probability` reads it exactly, keeps the place of its last digit and
returns the interval of values that round to it. Rounding is *half up*: the stated value
``s`` with last-digit unit ``u`` stands for every ``x`` with ``s - u/2 <= x < s + u/2``, so a
value exactly halfway between two stated values belongs to the upper one (``0.6045`` rounds
to ``0.605``; ``0.6055`` rounds to ``0.606``, not ``0.605``). Trailing zeros count as digits:
``"60.50%"`` states four figures and the interval ``[0.60495, 0.60505)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from bounds.errors import ParameterError
from bounds.numeric.parse import exact

__all__ = ["StatedValue", "stated_probability"]

_VALID = "a probability in [0, 1] as a decimal ('0.605', '6.05e-1') or a percent in [0%, 100%] ('60.5%')"


@dataclass(frozen=True)
class StatedValue:
    """A probability as stated: the exact value, the unit of its last digit, the rounding interval.

    Attributes
    ----------
    value : Fraction
        The stated number as a probability (``"60.5%"`` is ``121/200``).
    unit : Fraction
        The place of the last digit given, as a probability (``"60.5%"``: ``1/1000``).
    text : str
        The text as given, stripped.
    percent : bool
        Whether it was written as a percent.
    """

    value: Fraction
    unit: Fraction
    text: str
    percent: bool

    @property
    def low(self) -> Fraction:
        """The smallest value that rounds (half up) to the stated one: ``value - unit/2``, included."""
        return self.value - self.unit / 2

    @property
    def high(self) -> Fraction:
        """The first value above that no longer rounds to it: ``value + unit/2``, excluded."""
        return self.value + self.unit / 2

    def contains(self, x: Fraction) -> bool:
        """Whether the exact ``x`` rounds half up to the stated value: ``low <= x < high``."""
        return self.low <= x < self.high


def stated_probability(value: object, name: str = "survival") -> StatedValue:
    """Read a quoted probability exactly, with the precision its digits state.

    Parameters
    ----------
    value : str, float, int or Decimal
        ``"60.5%"``, ``"0.605"``, ``"6.05e-1"``, ``0.605`` (a float means the decimal it prints as).
        A Fraction is refused: it has no digits, so it states no precision.
    name : str
        Parameter name used in error messages.

    Returns
    -------
    StatedValue

    Raises
    ------
    ParameterError
        For text that is not a decimal or a percent, or a value outside ``[0, 1]`` (``[0%, 100%]``).

    Examples
    --------
    >>> claim = stated_probability("60.5%")
    >>> claim.value, claim.unit, claim.low, claim.high
    (Fraction(121, 200), Fraction(1, 1000), Fraction(1209, 2000), Fraction(1211, 2000))
    >>> stated_probability("0.6064").unit
    Fraction(1, 10000)
    >>> stated_probability("60.50%").unit
    Fraction(1, 10000)
    >>> stated_probability("160%")
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: survival must be a probability in [0, 1] as a decimal ('0.605', '6.05e-1') \
or a percent in [0%, 100%] ('60.5%'), got '160%'
    """
    if isinstance(value, (bool, Fraction)) or not isinstance(value, (str, float, int, Decimal)):
        raise ParameterError(name, _VALID, value)
    text = (repr(value) if isinstance(value, float) else str(value)).strip()
    percent = text.endswith("%")
    digits = text[:-1].strip() if percent else text
    try:
        number = exact(digits, name)
        exponent = Decimal(digits).as_tuple().exponent
    except (ParameterError, InvalidOperation):
        raise ParameterError(name, _VALID, value) from None
    assert isinstance(exponent, int)  # exact() refused NaN and infinities
    scale = Fraction(1, 100) if percent else Fraction(1)
    number *= scale
    if not 0 <= number <= 1:
        raise ParameterError(name, _VALID, value)
    return StatedValue(number, Fraction(10) ** exponent * scale, text, percent)
