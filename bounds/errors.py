"""Exceptions raised by :mod:`bounds`.

Every error a user can provoke with bad input is a :class:`BoundsError`, which
subclasses :class:`ValueError` (as mpmath's ``ComplexResult`` does), so callers
that already catch ``ValueError`` keep working. Messages name the parameter,
the value received and the valid range.
"""

from __future__ import annotations

__all__ = [
    "BoundsError",
    "CertificationError",
    "ExpressionError",
    "ParameterError",
    "SpecError",
]


class BoundsError(ValueError):
    """Base class of every error :mod:`bounds` raises for bad input or an unanswerable question."""


class ParameterError(BoundsError):
    """A parameter is of the wrong type or outside its valid range.

    Parameters
    ----------
    name : str
        The parameter's name as the user spelled it (``"epsilon"``, ``"--threshold"``).
    valid : str
        The valid range or type, phrased to follow "must be" (``"in [0, 1]"``).
    value : object
        The offending value; shown with ``repr``.

    Examples
    --------
    >>> raise ParameterError("epsilon", "in [0, 1]", 1.5)
    Traceback (most recent call last):
    ...
    bounds.errors.ParameterError: epsilon must be in [0, 1], got 1.5
    """

    def __init__(self, name: str, valid: str, value: object) -> None:
        self.name = name
        self.valid = valid
        self.value = value
        try:
            shown = repr(value)
        except ValueError:  # an int or Fraction past Python's 4300-digit str limit
            shown = f"<{type(value).__name__} too large to print>"
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{name} must be {valid}, got {shown}")


class SpecError(BoundsError):
    """A model specification (TOML file or mapping) is missing, unreadable or inconsistent."""


class ExpressionError(BoundsError):
    """A rate expression uses syntax outside the safe whitelist or cannot be evaluated."""


class CertificationError(BoundsError):
    """The solver could not prove ``S(N*) >= T > S(N*+1)`` within its precision limit.

    This is never raised silently replaced by a guess: a budget that cannot be
    certified is not returned.
    """
