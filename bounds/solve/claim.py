r"""Check a quoted survival number at the precision its digits state.

"A technique 99.9% reliable per generation keeps 60.5% after 500 generations": is that
right? :func:`check_claim` reads the stated ``60.5%`` as the interval of values that round
(half up) to it, ``[0.6045, 0.6055)`` (see :mod:`bounds.numeric.stated`), and proves whether
the exact ``S(500)`` lies inside. It also finds every ``N`` whose survival rounds to the
stated value, and for a constant rate the range of ``p`` that makes the statement true.

Every decision is certified: a comparison of ``S(N)`` with an end of the interval goes
through :func:`bounds.solve.budget.compare_survival` (arb balls, exact rationals for ties),
and the consistent ``N`` come from two certified budgets, never from floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from fractions import Fraction
from typing import Any

import flint
import mpmath

from bounds.models.independent import Independent
from bounds.numeric.certify import evaluate
from bounds.numeric.contexts import BallContext
from bounds.numeric.parse import decimal_digits, exact_text, format_number
from bounds.numeric.parse import generations as as_generations
from bounds.numeric.stated import StatedValue, stated_probability
from bounds.solve.budget import compare_survival, solve

__all__ = ["Claim", "check_claim"]

#: Significant digits of the ends of ``p_range`` (rounded outward).
P_RANGE_DIGITS = 15
# an exact root is checked (nearest decimal to the n-th power) only while that power stays this small
_EXACT_ROOT_BITS = 1 << 16
#: Up to this many consistent ``N`` are listed one by one in ``to_dict``; more become ``[first, last]``.
LISTED_GENERATIONS = 20


@dataclass(frozen=True)
class Claim:
    """The verdict on a quoted survival ``S(N) = stated``.

    Attributes
    ----------
    model : Model
        The model the claim is about.
    n : int
        The ``N`` of the claim.
    stated : StatedValue
        The stated survival with its precision (``low <= S < high`` is what it claims).
    survival : mpmath.mpf
        ``S(N)`` to about 20 correct digits (from a ball; for display, the decision is separate).
    consistent : bool
        Whether ``low <= S(N) < high`` was proved.
    first, last : int or None
        The consistent ``N`` are exactly ``first..last`` (``S`` is non-increasing); ``last`` is
        ``None`` when every ``N >= first`` is consistent, and both are ``None`` when no ``N`` is.
    p_range : tuple of str, or None
        For a constant rate (:class:`~bounds.models.independent.Independent`): an enclosure
        ``[lower, upper]`` of the ``p`` with ``low <= p**N < high``, i.e. of
        ``[low**(1/N), high**(1/N))``, each end rounded outward from an arb ball to 15
        significant digits after its leading nines (so every ``p`` that makes the claim true
        lies inside, and ``1 - p`` keeps 15 digits however close ``p`` is to 1).
        ``None`` for other models, or when no ``p`` makes the claim true.
    certificate : str
        ``"exact"`` when every comparison at ``N`` was settled in rational arithmetic, else ``"ball"``.
    """

    model: Any
    n: int
    stated: StatedValue
    survival: Any
    consistent: bool
    first: int | None
    last: int | None
    p_range: tuple[str, str] | None
    certificate: str

    @property
    def consistent_generations(self) -> range | None:
        """The consistent ``N`` as a ``range`` (``None`` when none is, or when they never end)."""
        if self.first is None or self.last is None:
            return None
        return range(self.first, self.last + 1)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``survival``, ``stated``, ``consistent``, ``generations``, ``p_range`` and more.

        ``generations`` lists the consistent ``N`` when there are at most 20 of them, otherwise it
        is ``[first, last]`` (``last`` null when unending); ``generations_first``/``_last``/``_count``
        say which without guessing. Inputs (``stated``, the interval ends, the model's parameters)
        are exact decimal strings.
        """
        listed: list[int | None]
        if self.first is None:
            listed, count = [], 0
        elif self.last is None:
            listed, count = [self.first, None], None
        else:
            count = self.last - self.first + 1
            listed = list(range(self.first, self.last + 1)) if count <= LISTED_GENERATIONS else [self.first, self.last]
        given = getattr(self.model, "parameters", None)
        parameters = {key: _exact_text(value) for key, value in (given() if callable(given) else {}).items()}
        return {
            "model": getattr(self.model, "name", type(self.model).__name__),
            **parameters,
            "claimed_generations": self.n,
            "stated": _exact_text(self.stated.value),
            "stated_text": self.stated.text,
            "stated_interval": [_exact_text(self.stated.low), _exact_text(self.stated.high)],
            "survival": float(self.survival),
            "survival_decimal": format_number(self.survival, 20),
            "consistent": self.consistent,
            "certified": True,
            "certificate": self.certificate,
            "generations": listed,
            "generations_first": self.first,
            "generations_last": self.last,
            "generations_count": count,
            "p_range": None if self.p_range is None else list(self.p_range),
        }

    def __str__(self) -> str:
        rounded = _round_like(self.survival, self.stated)
        verdict = "consistent" if self.consistent else "inconsistent"
        lines = [
            f"S({self.n}) = {format_number(self.survival, 12)}, which rounds to {rounded}: {verdict} with "
            f"{self.stated.text} (which states {_shown_interval(self.stated)})  [{self.model!r}; certified]",
        ]
        if self.first is None:
            lines.append(f"no N has S(N) that rounds to {self.stated.text}")
        elif self.last is None:
            lines.append(f"every N >= {self.first} has S(N) that rounds to {self.stated.text}")
        elif self.first == self.last:
            lines.append(f"N = {self.first} is the only N whose S(N) rounds to {self.stated.text}")
        else:
            lines.append(f"N = {self.first} to {self.last} have S(N) that rounds to {self.stated.text}")
        if self.p_range is not None:
            lines.append(f"p in [{self.p_range[0]}, {self.p_range[1]}] makes S({self.n}) round to {self.stated.text}")
        return "\n".join(lines)


def check_claim(model: Any = None, generations: Any = None, survival: Any = None, *, epsilon: Any = None,
                p: Any = None) -> Claim:
    r"""Check the statement ``S(N) = survival`` at the precision the digits of ``survival`` state.

    Parameters
    ----------
    model : Model, optional
        The model; or give ``epsilon=`` or ``p=`` for a constant rate instead.
    generations : int or str
        The ``N`` of the claim, a whole number ``>= 0``.
    survival : str, float or Decimal
        The stated survival: ``"60.5%"``, ``"0.6064"``. Its last digit sets the precision:
        it claims ``stated - unit/2 <= S(N) < stated + unit/2`` (rounding half up, so a value
        exactly halfway belongs to the upper stated value; see :mod:`bounds.numeric.stated`).

    Returns
    -------
    Claim
        Whether ``S(N)`` lies in that interval (proved), the ``N`` whose survival does, and for a
        constant rate the range of ``p`` that makes the statement true.

    Notes
    -----
    The consistent ``N`` are an interval because ``S`` is non-increasing:

    .. math:: \{N : \ell \le S(N) < h\} = [N^*(h) + 1,\; N^*(\ell)]

    with the certified budgets :math:`N^*(T) = \max\{N : S(N) \ge T\}` (``N^*(h) + 1`` is read
    as 0 when :math:`h > 1`, and :math:`N^*(\ell)` as unending when :math:`\ell \le 0`).

    Examples
    --------
    >>> claim = check_claim(p="0.999", generations=500, survival="60.5%")
    >>> claim.consistent, claim.consistent_generations
    (False, range(502, 504))
    >>> check_claim(p="0.999", generations=50, survival="95.12%").consistent
    True
    """
    if model is None:
        model = Independent(epsilon=epsilon, p=p)
    elif epsilon is not None or p is not None:
        from bounds.errors import ParameterError

        raise ParameterError("model, epsilon or p", "given alone, not together", (model, epsilon, p))
    n = as_generations(generations, "generations")
    stated = stated_probability(survival, "survival")
    methods: set[str] = set()
    above_low = stated.low <= 0 or _holds(model, n, stated.low, methods) >= 0
    below_high = stated.high > 1 or _holds(model, n, stated.high, methods) < 0
    first, last = _consistent_range(model, stated)
    return Claim(
        model=model,
        n=n,
        stated=stated,
        survival=_survival_value(model, n),
        consistent=above_low and below_high,
        first=first,
        last=last,
        p_range=_p_range(model, n, stated),
        certificate="ball" if "ball" in methods else "exact",
    )


def _holds(model: Any, n: int, target: Fraction, methods: set[str]) -> int:
    comparison = compare_survival(model, n, target)
    methods.add(comparison.method)
    return comparison.sign


def _consistent_range(model: Any, stated: StatedValue) -> tuple[int | None, int | None]:
    """``(first, last)``: ``S(N) < high`` from ``first`` on, ``S(N) >= low`` up to ``last``."""
    if stated.high > 1:
        first = 0
    else:
        above_high = solve(model, stated.high)
        if above_high.n is None:
            return None, None  # S(N) >= high for every N: nothing rounds down to the stated value
        first = above_high.n + 1
    last = None if stated.low <= 0 else solve(model, stated.low).n
    if last is not None and last < first:
        return None, None
    return first, last


def _survival_value(model: Any, n: int) -> Any:
    if n == 0:
        return mpmath.mpf(1)
    return evaluate(lambda ctx: model.log_survival(ctx, n), 20)


def _p_range(model: Any, n: int, stated: StatedValue) -> tuple[str, str] | None:
    """An outward-rounded enclosure of ``{p : low <= p**n < high}`` (constant rate only)."""
    if not isinstance(model, Independent):
        return None
    if n == 0:  # p**0 = 1 for every p
        return ("0", "1") if stated.contains(Fraction(1)) else None
    low = "0" if stated.low <= 0 else _root(stated.low, n, ROUND_FLOOR)
    high = "1" if stated.high > 1 else _root(stated.high, n, ROUND_CEILING)
    return low, high


def _root(value: Fraction, n: int, rounding: str) -> str:
    """``value**(1/n)`` rounded toward ``rounding`` from an arb ball, to 15 significant digits after its nines.

    A root near 1 (``0.6045**(1/500) = 0.99899...``) keeps 15 digits beyond its leading nines, so
    that ``1 - p`` is resolved however small it is.
    """
    prec = 64 + 4 * P_RANGE_DIGITS + 8 * decimal_digits(n)
    with BallContext(prec):
        ball = (flint.arb(flint.fmpq(value.numerator, value.denominator)).log() / n).exp()
        end = ball.lower() if rounding == ROUND_FLOOR else ball.upper()
        mantissa, exponent = end.mid().man_exp()
    exact_end = Fraction(int(mantissa)) * Fraction(2) ** int(exponent)
    gap = 1 - exact_end
    nines = max(0, int((gap.denominator.bit_length() - gap.numerator.bit_length()) * 0.30103) - 1) if gap > 0 else 0
    digits = P_RANGE_DIGITS + nines
    context = Context(prec=digits, rounding=rounding)
    decimal = context.divide(Decimal(exact_end.numerator), Decimal(exact_end.denominator))
    # an exact root (0.25**(1/2) = 0.5) is given as itself, not one unit outside
    nearest = Context(prec=digits).divide(Decimal(exact_end.numerator), Decimal(exact_end.denominator))
    if nearest != decimal and n * Fraction(nearest).denominator.bit_length() <= _EXACT_ROOT_BITS:
        if Fraction(nearest) ** n == value:
            decimal = nearest
    return _decimal_string(decimal)


def _decimal_string(value: Decimal) -> str:
    # normalize() rounds to its context's precision: give it every digit the value has
    exact = Context(prec=max(28, len(value.as_tuple().digits)))
    text = str(value.normalize(exact) if value else Decimal(0)).replace("E", "e")
    return text.replace("e+", "e")


def _exact_text(value: Any) -> Any:
    """A numeric input echoed as its exact decimal string; other values (a mode name) unchanged."""
    if isinstance(value, (Fraction, int)) and not isinstance(value, bool):
        return exact_text(value)
    return value


def _shown_interval(stated: StatedValue) -> str:
    """``[low, high)`` within the probabilities: ``0%`` states ``[0, 0.005)``, ``100%`` states ``[0.995, 1]``."""
    low = format_number(max(stated.low, Fraction(0)), 20)
    return f"[{low}, 1]" if stated.high > 1 else f"[{low}, {format_number(stated.high, 20)})"


def _round_like(value: Any, stated: StatedValue) -> str:
    """``value`` rounded half up to the stated unit, written like the statement (for the text only)."""
    scale = 100 if stated.percent else 1
    unit = stated.unit * scale
    places = Decimal(unit.numerator) / Decimal(unit.denominator)
    if value * scale < mpmath.mpf(unit.numerator) / (2 * unit.denominator):
        scaled = Decimal(0)  # far below the unit (S = 1e-400000): rounds to 0 without forming its digits
    else:
        scaled = Decimal(mpmath.nstr(value * scale, 30, min_fixed=-mpmath.inf, max_fixed=mpmath.inf))
    text = str(scaled.quantize(places, rounding="ROUND_HALF_UP"))
    return text + "%" if stated.percent else text
