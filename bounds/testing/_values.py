"""Strategies for numbers and declared domains: exact decimals on a logarithmic spread, generated inside
their range (never filtered), and models of any family from its declared parameters.

Re-exported by :mod:`bounds.testing.strategies`, which adds the registry of model strategies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from bounds.numeric.domains import Domain

__all__ = ["epsilons", "from_domain", "generations", "outside_domain", "parameters_of", "probabilities",
           "thresholds"]


def _decimal_range(low: Fraction, high: Fraction, max_exponent: int) -> st.SearchStrategy[Fraction] | None:
    """``m / 10**k`` with ``1 <= m <= 999``, ``0 <= k <= max_exponent``, inside ``[low, high]``; or ``None``.

    Generated inside the range, never filtered into it: the decade ``k`` is chosen among those
    whose mantissas reach the range, then the mantissa among those that land in it.
    """
    ranges = []
    for exponent in range(max_exponent + 1):
        scale = 10**exponent
        first = max(1, math.ceil(low * scale))
        last = min(999, math.floor(high * scale))
        if first <= last:
            ranges.append((exponent, first, last))
    if not ranges:
        return None

    def build(drawn: tuple[int, int]) -> Fraction:
        exponent, first, last = ranges[drawn[0]]
        # fixed bounds for both draws (no flatmap): hypothesis replays and mutates choices cleanly
        return Fraction(first + drawn[1] % (last - first + 1), 10**exponent)

    return st.tuples(st.integers(0, len(ranges) - 1), st.integers(0, 998)).map(build)


def probabilities(*, min_value: Fraction | int = 0, max_value: Fraction | int = 1,
                  max_exponent: int = 30) -> st.SearchStrategy[Fraction]:
    """Exact probabilities in ``[min_value, max_value]``, near both ends and in between.

    Three kinds of value, each generated inside the range (no rejection): decimals ``m * 10**-k``
    (tiny rates), their complements ``1 - m * 10**-k`` (rates near 1) and ``0``, ``1/2``, ``1``.
    """
    low, high = Fraction(min_value), Fraction(max_value)
    if not 0 <= low <= high <= 1:
        raise ValueError(f"need 0 <= min_value <= max_value <= 1, got [{low}, {high}]")
    kinds: list[st.SearchStrategy[Fraction]] = []
    small = _decimal_range(low, high, max_exponent)
    if small is not None:
        kinds.append(small)
    near_one = _decimal_range(1 - high, 1 - low, max_exponent)
    if near_one is not None:
        kinds.append(near_one.map(lambda value: 1 - value))
    specials = [value for value in (Fraction(0), Fraction(1), Fraction(1, 2)) if low <= value <= high]
    if specials:
        kinds.append(st.sampled_from(specials))
    if not kinds:
        raise ValueError(f"no decimal with at most {max_exponent} places and 3 digits lies in [{low}, {high}]")
    return st.one_of(kinds)


def epsilons(*, min_value: Fraction | int = 0, max_value: Fraction | int = 1,
             max_exponent: int = 30) -> st.SearchStrategy[Fraction]:
    """Per-generation failure probabilities (``0`` and ``1`` included unless excluded by the range)."""
    return probabilities(min_value=min_value, max_value=max_value, max_exponent=max_exponent)


def thresholds(*, max_exponent: int = 30, max_value: Fraction | int = 1) -> st.SearchStrategy[Fraction]:
    """Thresholds ``T`` in ``(0, max_value]`` (``max_value`` at most 1), from ``10**-max_exponent`` up."""
    return probabilities(min_value=Fraction(1, 10**max_exponent), max_value=max_value, max_exponent=max_exponent)


def generations(*, max_value: int = 10**6) -> st.SearchStrategy[int]:
    """Generation counts ``0 <= N <= max_value``, small ones more often."""
    return st.one_of(st.integers(0, 20), st.integers(0, max_value))


def _magnitudes(max_exponent: int) -> st.SearchStrategy[Fraction]:
    """Positive exact decimals ``m * 10**k``, ``1 <= m <= 999``, ``|k| <= max_exponent``."""
    return st.builds(lambda m, k: m * Fraction(10) ** k, st.integers(1, 999), st.integers(-max_exponent, max_exponent))


def _narrowed(domain: Domain, min_value: Any, max_value: Any) -> tuple[Any, Any, bool, bool]:
    low, high, low_open, high_open = domain.low, domain.high, domain.low_open, domain.high_open
    if min_value is not None and (low is None or Fraction(min_value) > low or (min_value == low and not low_open)):
        low, low_open = Fraction(min_value), False
    if max_value is not None and (high is None or Fraction(max_value) < high or (max_value == high and not high_open)):
        high, high_open = Fraction(max_value), False
    if low is not None and high is not None and (low > high or (low == high and (low_open or high_open))):
        raise ValueError(f"[{min_value}, {max_value}] leaves nothing of the domain {domain.phrase!r}")
    return low, high, low_open, high_open


def from_domain(domain: Domain, *, min_value: Any = None, max_value: Any = None,
                max_exponent: int = 30) -> st.SearchStrategy[Any]:
    """Values inside ``domain`` (narrowed to ``[min_value, max_value]``), generated there, never filtered.

    Probabilities are :func:`probabilities` (exact decimals near both ends); other bounded
    ranges are the same decimals scaled onto the range; a half-line is its bound plus a decimal
    ``m * 10**k``; whole numbers favour small ones; a choice is any of its values. Structured
    domains (vectors, models, files) have no generic strategy: give one.

    Examples
    --------
    >>> from bounds.numeric.domains import POSITIVE, PROBABILITY
    >>> from hypothesis import given
    >>> @given(from_domain(PROBABILITY, max_value=Fraction(1, 2)), from_domain(POSITIVE))
    ... def inside(epsilon, ratio):
    ...     assert 0 <= epsilon <= Fraction(1, 2) and ratio > 0
    >>> inside()
    """
    if domain.kind == "choice":
        return st.sampled_from(domain.choices)
    if not domain.numeric:
        raise ValueError(f"no strategy for the {domain.kind} domain {domain.phrase!r}: give one")
    low, high, low_open, high_open = _narrowed(domain, min_value, max_value)
    if domain.kind == "integer":
        first = math.floor(low) + 1 if low_open or low != math.floor(low) else int(low)
        last = (first + 10**6) if high is None else (math.ceil(high) - 1 if high_open or high != math.ceil(high)
                                                     else int(high))
        return st.one_of(st.integers(first, min(first + 20, last)), st.integers(first, last))
    step = Fraction(1, 10**max_exponent)  # an open bound is moved in by the smallest decimal drawn
    if low is not None and high is not None:
        if 0 <= low and high <= 1:
            return probabilities(min_value=low + step if low_open else low, max_value=high - step if high_open
                                 else high, max_exponent=max_exponent)
        unit = probabilities(min_value=step if low_open else 0, max_value=1 - step if high_open else 1,
                             max_exponent=max_exponent)
        return unit.map(lambda p: low + (high - low) * p)
    if low is not None:
        above = _magnitudes(max_exponent).map(lambda d: low + d)
        return above if low_open else st.one_of(st.just(low), above)
    if high is not None:
        below = _magnitudes(max_exponent).map(lambda d: high - d)
        return below if high_open else st.one_of(st.just(high), below)
    return st.one_of(st.just(Fraction(0)), _magnitudes(max_exponent), _magnitudes(max_exponent).map(lambda d: -d))


def outside_domain(domain: Domain, *, max_exponent: int = 30) -> st.SearchStrategy[Any]:
    """Values just outside a numeric ``domain``: below ``low``, above ``high`` (by less than 1), NaN and infinities.

    An open bound itself is outside; a whole-number domain gets the integers just beyond it.
    """
    if not domain.numeric:
        raise ValueError(f"no numbers lie outside the {domain.kind} domain {domain.phrase!r}")
    gaps = probabilities(min_value=Fraction(1, 10**max_exponent), max_value=1 - Fraction(1, 10**max_exponent),
                         max_exponent=max_exponent)
    if domain.kind == "integer":
        gaps = st.integers(1, 5).map(Fraction)
    kinds: list[st.SearchStrategy[Any]] = [st.sampled_from([math.nan, math.inf, -math.inf])]
    for bound, is_open, sign in ((domain.low, domain.low_open, -1), (domain.high, domain.high_open, 1)):
        if bound is not None:
            kinds.append(gaps.map(_shifted(bound, sign)))
            if is_open:
                kinds.append(st.just(bound))
    return st.one_of(kinds)


def _shifted(bound: Fraction, sign: int) -> Callable[[Fraction], Fraction]:
    return lambda gap: bound + sign * gap


def parameters_of(cls: type, /, **overrides: Any) -> st.SearchStrategy[Any]:
    """Models of ``cls`` with every declared field drawn from its domain (:func:`from_domain`).

    ``overrides`` give a strategy per field name (to keep budgets tractable, or for vectors
    and models, which have no generic strategy); ``None`` leaves a field to its default.
    Optional fields are drawn or left out; alternative spellings are drawn only when named.

    Examples
    --------
    >>> from bounds.models.schedule import TwoRate
    >>> from hypothesis import given
    >>> @given(parameters_of(TwoRate, key_every=st.integers(1, 20)))
    ... def builds(model):
    ...     assert 1 <= model.key_every <= 20 and 0 <= model.epsilon_key <= 1
    >>> builds()
    """
    from bounds.models.parameters import declared_parameters

    arguments: dict[str, Any] = {}
    for record in declared_parameters(cls):
        if record.name in overrides:
            if overrides[record.name] is not None:
                arguments[record.name] = overrides[record.name]
            continue
        if not (record.field and record.argument):
            continue
        try:
            drawn = from_domain(record.domain)
        except ValueError:
            raise ValueError(f"{cls.__name__}.{record.name}: {record.domain.kind} domain, give a strategy") from None
        arguments[record.name] = drawn if record.required or record.default is not None else st.one_of(st.none(),
                                                                                                        drawn)
    return st.builds(cls, **arguments)
