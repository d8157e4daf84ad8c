"""The extended floors: decimals, offsets and proved floors against exact rationals and the ball solver."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds.models.independent import Independent
from bounds.solve import _extended
from bounds.solve._extended import ULPS, decimal_offsets, decimal_values, extended_floors

pytestmark = pytest.mark.skipif(not _extended.available(), reason="numpy.longdouble is not x87 extended here")


def _exact(value: np.longdouble) -> Fraction:
    return Fraction(*value.as_integer_ratio())


def _mpf(value: np.longdouble) -> mpmath.mpf:
    numerator, denominator = value.as_integer_ratio()
    return mpmath.mpf(numerator) / denominator  # exact: the denominator is a power of two


def _truth(epsilon: float, threshold: float) -> int | None:
    """The general solver's certified budget (balls and exact rationals, no longdouble)."""
    return bounds.solve(Independent(epsilon=epsilon), threshold).n


def _offset(value: float) -> Fraction:
    """``(d - x) / x`` for the decimal ``d`` the float ``x`` prints as, exactly."""
    return Fraction(repr(value)) / Fraction(value) - 1


# a decade and a mantissa: log-uniform values, inside the range, nothing filtered
def _log_uniform(low: int, high: int) -> st.SearchStrategy[float]:
    return st.builds(lambda decade, mantissa: mantissa * 10.0**decade, st.integers(low, high - 1),
                     st.floats(1.0, 9.999999999999998))


def _digits(count: int, low: int, high: int) -> st.SearchStrategy[float]:
    """Floats whose repr has ``count`` significant digits (or fewer, where the last ones are zeros)."""
    return st.builds(lambda mantissa, decade: float(f"{mantissa}e{decade - count + 1}"),
                     st.integers(10 ** (count - 1), 10**count - 1), st.integers(low, high - 1))


@given(st.lists(st.one_of(_log_uniform(-27, 0), st.floats(0, 1, exclude_max=True)), min_size=1, max_size=50))
@example([0.1, 0.001, 0.605, 0.9, 0.81, 1e-16, 0.3, 0.30000000000000004, 0.7, 0.49999999999999994])
@example([1e-27, 9.999999999999999e-27, 0.09999999999999999, 0.9999999999999999, 0.5, 0.25, 2.0**-60])
def test_decimal_values_are_the_reprs(values: list[float]) -> None:
    given_values = np.array(values)
    decimals, proved = decimal_values(given_values)
    for value, decimal, known in zip(values, decimals, proved, strict=True):
        if known:
            exact = Fraction(repr(value))
            assert abs(_exact(decimal) - exact) <= exact / 2**62, value


@given(st.lists(st.one_of(_log_uniform(-27, 0), st.floats(0, 1, exclude_max=True), _digits(15, -27, 0),
                          _digits(16, -27, 0), _digits(17, -27, 0)), min_size=1, max_size=50))
@example([0.1, 0.001, 0.605, 0.9, 0.81, 1e-16, 0.3, 0.30000000000000004, 0.7, 0.49999999999999994])
@example([1e-27, 9.999999999999999e-27, 0.09999999999999999, 0.9999999999999999, 0.5, 2.0**-20, 2.0**-60])
def test_decimal_offsets_are_within_their_bound(values: list[float]) -> None:
    # the claim of the module docstring: within 2**-96 of (d - x) / x, and at most u = 2**-53 in size
    offsets, proved = decimal_offsets(np.array(values))
    for value, offset, known in zip(values, offsets.tolist(), proved.tolist(), strict=True):
        if known:
            exact = _offset(value)
            assert abs(Fraction(offset) - exact) <= Fraction(1, 2**96), value
            assert abs(exact) <= Fraction(1, 2**53)


def test_most_decimals_are_proved() -> None:
    rng = np.random.default_rng(5)
    values = np.concatenate([10.0 ** rng.uniform(-26, 0, 2000), rng.uniform(0, 1, 2000)])
    assert decimal_values(values)[1].mean() > 0.95
    assert decimal_offsets(values)[1].mean() > 0.999  # only powers of two and rounding near-ties are left


def test_longdouble_logs_are_within_the_assumed_ulps() -> None:
    # the one assumption about longdouble: numpy.log and numpy.log1p within ULPS ulp, on decimals and on the
    # floats themselves (stage 2 takes logl of the float T), down to tiny and up to next to 1
    rng = np.random.default_rng(6)
    targets, proved = decimal_values(rng.uniform(1e-3, 1, 3000))
    floats = np.concatenate([rng.uniform(1e-3, 1, 2000), 10.0 ** rng.uniform(-300, 0, 2000),
                             1 - 10.0 ** rng.uniform(-15.5, -1, 2000)]).astype(np.longdouble)
    targets = np.concatenate([targets[proved], floats])
    rates, proved = decimal_values(10.0 ** rng.uniform(-26, np.log10(0.5), 3000))
    rates = np.concatenate([rates[proved], (10.0 ** rng.uniform(-6.5, np.log10(0.5), 2000)).astype(np.longdouble)])
    worst = mpmath.mpf(0)
    with mpmath.workdps(50):
        for inputs, function, truth in ((targets, np.log, mpmath.log), (rates, np.log1p, mpmath.log1p)):
            argument = inputs if function is np.log else -inputs
            for value, computed in zip(argument, function(argument), strict=True):
                exact = truth(_mpf(value))
                worst = max(worst, abs(_mpf(computed) - exact) / abs(exact))
    assert worst <= mpmath.mpf(ULPS) / 2**64


@given(st.lists(st.tuples(_log_uniform(-300, 0).map(lambda e: min(e, 0.5)), st.floats(1e-300, 1, exclude_max=True)),
                min_size=1, max_size=8))
@example([(1e-16, 0.5), (0.1, 0.81), (0.5, 0.25), (0.3, 0.343), (1.5e-16, 0.999), (3.3e-17, 0.01)])
def test_every_proved_floor_is_the_certified_budget(pairs: list[tuple[float, float]]) -> None:
    rates, targets = (np.array(column) for column in zip(*pairs, strict=True))
    floors, sure = extended_floors(rates, targets)
    for epsilon, threshold, floor, known in zip(rates.tolist(), targets.tolist(), floors, sure, strict=True):
        if known:
            assert int(floor) == _truth(epsilon, threshold), (epsilon, threshold)
    array = bounds.budget(epsilon=rates, threshold=targets).n
    assert [None if masked else int(n) for n, masked in zip(array.data, np.ma.getmaskarray(array), strict=True)] == [
        _truth(epsilon, threshold) for epsilon, threshold in pairs
    ]


_NEAR_TIES = [
    # T = (1 - eps)**N to 17 digits: q = ln T / ln(1 - eps) is within about 1e-17 / eps of N, below the
    # bound for the larger rates (left to the balls) and beyond it for the tiny ones (proved here)
    *((rate, count) for rate in ("0.3", "0.05", "0.01", "0.001") for count in (50, 300, 1000)),
    *((rate, count) for rate in ("1e-16", "3e-15", "7.25e-14") for count in (2**40 + 3, 10**13 + 7, 2**50 - 1)),
]


@pytest.mark.parametrize(("rate", "count"), _NEAR_TIES)
def test_near_ties_are_left_to_the_balls_or_right(rate: str, count: int) -> None:
    epsilon = float(rate)
    with mpmath.workdps(60):
        survival = mpmath.exp(count * mpmath.log1p(-mpmath.mpf(rate)))
        threshold = float(mpmath.nstr(survival, 17))
        distance = abs(mpmath.log(mpmath.mpf(repr(threshold))) / mpmath.log1p(-mpmath.mpf(rate)) - count)
    floors, sure = extended_floors(np.array([epsilon]), np.array([threshold]))
    truth = _truth(epsilon, threshold)
    if sure[0]:
        assert int(floors[0]) == truth
    else:
        assert distance < 1e-3 or threshold < 1e-27  # only close calls (or inputs out of range) are left
    assert bounds.budget(epsilon=np.array([epsilon]), threshold=threshold).n.tolist() == [truth]


def test_exact_ties_are_never_proved_here() -> None:
    rates = np.array([0.1, 0.5, 0.3, 0.05, 0.5, 1e-8])
    targets = np.array([0.81, 0.25, 0.343, 0.9025, 0.125, 0.9999999800000001])  # the last: (1 - 1e-8)**2
    assert not extended_floors(rates, targets)[1].any()
    assert bounds.budget(epsilon=rates, threshold=targets).n.tolist() == [2, 2, 3, 2, 3, 2]


def test_the_tables_are_exact() -> None:
    # 10**j rounded to nearest, its Veltkamp halves (26 bits each, summing to it), and 10**j - fl(10**j) rounded
    high, upper, lower, low = _extended._powers()
    for j, (value, top, bottom, rest) in enumerate(zip(high.tolist(), upper.tolist(), lower.tolist(), low.tolist(),
                                                       strict=True)):
        assert value == float(10**j) and abs(Fraction(value) - 10**j) <= Fraction(10**j, 2**53)
        assert top + bottom == value and _extended._bits(top) <= 26 and _extended._bits(bottom) <= 26
        assert rest == float(10**j - Fraction(value))
    # per binade b: floor(log10 x) = 16 - base[b] + [x >= threshold[b]] for every x in it
    base, threshold = _extended._exponents()
    for b in range(1023 - 92, 1023):
        low_end = Fraction(2) ** (b - 1023)
        k = 16 - int(base[b])
        assert Fraction(10) ** k <= low_end < Fraction(10) ** (k + 1)
        if threshold[b] != np.inf:
            assert Fraction(float(np.nextafter(threshold[b], 0))) < Fraction(10) ** (k + 1) <= Fraction(threshold[b])
            assert low_end <= Fraction(threshold[b]) < 2 * low_end
        else:
            assert 2 * low_end <= Fraction(10) ** (k + 1)


@given(st.lists(_log_uniform(-27, -7).map(lambda e: min(e, 2.0**-20)), min_size=1, max_size=20))
@example([2.0**-20, 1e-27, 1e-16, 9.5e-7, 9.536743164062499e-07])
def test_the_series_for_small_rates_is_within_its_bound(rates: list[float]) -> None:
    # ln(1 - e) = -E (1 + s), s computed as c(E) + delta_E within 2**-70 (stage 3; 4 ulp of 2**-64 before)
    values = np.array(rates)
    with np.errstate(all="ignore"):  # stage 1's own floors overflow int64 for the tiny rates
        series = _extended._float_stage(values, np.full(values.shape, 0.5))[2]
    offsets, proved = decimal_offsets(values)
    with mpmath.workdps(60):
        for rate, computed, known in zip(rates, (series + offsets).tolist(), proved.tolist(), strict=True):
            if known:
                exact = -mpmath.log1p(-mpmath.mpf(repr(rate))) / mpmath.mpf(rate) - 1
                assert abs(mpmath.mpf(computed) - exact) <= mpmath.mpf(2) ** -70, rate


def test_decimals_next_to_powers_of_ten() -> None:
    # where floor(log10 x) is easiest to get wrong: the floats around 10**E
    powers = 10.0 ** -np.arange(1, 28)
    values = np.concatenate([powers, np.nextafter(powers, 0), np.nextafter(powers, 1),
                             np.nextafter(np.nextafter(powers, 0), 0)])
    decimals, proved = decimal_values(values)
    assert proved[: len(powers)].all()  # 0.1, 0.01, ... are the common inputs
    for value, decimal, known in zip(values.tolist(), decimals, proved, strict=True):
        if known:
            exact = Fraction(repr(value))
            assert abs(_exact(decimal) - exact) <= exact / 2**62, value
    # the scaled value X = x 10**j has 17 digits before the point: j = 16 - floor(log10 x), exactly
    shifts = _extended._nearest(values)[3]
    for value, shift in zip(values.tolist(), shifts.tolist(), strict=True):
        assert 10**16 <= Fraction(value) * 10**shift < 10**17, value


@given(st.lists(st.one_of(_log_uniform(-27, 0), st.integers(1, 89).map(lambda k: 2.0**-k)), min_size=1, max_size=30))
@example([0.5, 0.25, 2.0**-60, 2.0**-89, 1e-27, 0.9999999999999999])
def test_decimals_the_vector_path_leaves_come_from_their_reprs(values: list[float]) -> None:
    given_values = np.array(values)
    offsets, proved = _extended._with_reprs(given_values, *decimal_offsets(given_values))
    for value, offset, known in zip(values, offsets.tolist(), proved.tolist(), strict=True):
        assert known == (1e-27 <= value < 1)  # every decimal in range is known now
        if known:
            assert abs(Fraction(offset) - _offset(value)) <= Fraction(1, 2**96), value


def _near_tie_threshold(epsilon: float, count: int, digits: int = 17) -> float:
    """The ``digits``-digit float nearest (1 - eps)**count: q is within about 10**-digits / eps of count."""
    with mpmath.workdps(60):
        return float(mpmath.nstr(mpmath.exp(count * mpmath.log1p(-mpmath.mpf(repr(epsilon)))), digits))


def test_a_benchmark_like_array_equals_the_general_solver_element_by_element() -> None:
    # the bench's distribution (eps log-uniform in [1e-16, 0.1], T uniform), with near-ties, exact ties and
    # powers of two mixed in, so that every tier (float64, longdouble, reprs, balls, exact) is used
    rng = np.random.default_rng(11)
    rates = list(10.0 ** rng.uniform(-16, -1, 150))
    targets = list(rng.uniform(0.01, 0.999, 150))
    for epsilon, count in [(1e-16, 2**50 - 1), (3e-15, 10**13 + 7), (0.001, 300), (2.0**-45, 2**44), (1e-12, 10**11)]:
        rates.append(epsilon)
        targets.append(_near_tie_threshold(epsilon, count))
    rates += [0.1, 0.5, 0.3, 2.0**-40, 2.0**-50, 1e-16]
    targets += [0.81, 0.25, 0.343, 0.5, 0.125, 0.5]
    result = bounds.budget(epsilon=np.array(rates), threshold=np.array(targets)).n
    assert result.tolist() == [_truth(epsilon, threshold) for epsilon, threshold in zip(rates, targets, strict=True)]


@given(st.lists(st.one_of(_log_uniform(-27, 0), st.floats(5e-324, 1), st.integers(1, 1074).map(lambda k: 2.0**-k)),
                min_size=1, max_size=40))
@example([0.1, 0.605, 0.5, 1.0, 1e-27, 9.999999999999999e-27, 5e-324, 2.3e-308, 0.9999999999999999, 1e-300])
def test_decimal_ratios_are_the_reprs_exactly(values: list[float]) -> None:
    # the balls start from these: the vector path's digits must be the repr's, not just close to it
    for value, (digits, places) in zip(values, _extended.decimal_ratios(np.array(values)), strict=True):
        assert Fraction(digits) / Fraction(10) ** places == Fraction(repr(value)), value
    powers = 10.0 ** -np.arange(1, 28)
    neighbours = np.concatenate([powers, np.nextafter(powers, 0), np.nextafter(powers, 1)])
    for value, (digits, places) in zip(neighbours.tolist(), _extended.decimal_ratios(neighbours), strict=True):
        assert Fraction(digits) / Fraction(10) ** places == Fraction(repr(value)), value
