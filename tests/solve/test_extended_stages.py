"""Each stage of the extended floors, and the whole array path, element by element against the exact solver.

The truth is ``Independent(epsilon=E).budget(T).n``: balls at rising precision and exact rationals, no
longdouble, no float floors. The arrays mix the cases where a wrong bound would show: near-ties (T the
15-, 16- or 17-digit rounding of (1 - e)**N), exact ties, powers of two, inputs whose reprs have 15, 16 or 17
digits, rates next to 2**-20 (where the series gives way to log1pl), tiny thresholds, budgets next to
2**53 and 2**62 (where float64 and int64 run out).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds.solve import _extended

x87 = pytest.mark.skipif(not _extended.available(), reason="numpy.longdouble is not x87 extended here")


def _truth(epsilon: float, threshold: float) -> int | None:
    return bounds.Independent(epsilon=epsilon).budget(threshold).n


def _log_uniform(low: float, high: float) -> st.SearchStrategy[float]:
    """``10**x`` for ``x`` uniform in ``[log10 low, log10 high]``: inside the range (rounding clamped, not filtered)."""
    return st.floats(math.log10(low), math.log10(high)).map(lambda x: min(max(10.0**x, low), high))


def _digits(count: int, low: int, high: int) -> st.SearchStrategy[float]:
    """Floats in ``[10**low, 10**high)`` whose repr has at most ``count`` significant digits (mostly ``count``)."""
    return st.builds(lambda mantissa, decade: float(f"{mantissa}e{decade - count + 1}"),
                     st.integers(10 ** (count - 1), 10**count - 1), st.integers(low, high - 1))


def _steps(value: float, count: int) -> float:
    """The float ``count`` steps above (below, if negative) ``value``."""
    for _ in range(abs(count)):
        value = float(np.nextafter(value, math.inf if count > 0 else 0.0))
    return value


def _survival(epsilon: float, count: int, digits: int) -> float:
    """``(1 - e)**count`` for the decimal ``e`` of ``epsilon``, rounded to ``digits`` digits, as a float."""
    with mpmath.workdps(40 + len(str(count))):
        return float(mpmath.nstr(mpmath.exp(count * mpmath.log1p(-mpmath.mpf(repr(epsilon)))), digits))


@st.composite
def _near_tie(draw: st.DrawFn) -> tuple[float, float]:
    """T the rounding of (1 - e)**N: q within about 10**-digits / e of N (inside T's range by construction)."""
    epsilon = draw(st.one_of(_log_uniform(1e-19, 0.5), _digits(draw(st.sampled_from([15, 16, 17])), -19, -1)))
    exponent = draw(st.floats(-40, math.log2(600)))  # N |ln(1 - e)| = 2**exponent: T in [1e-261, 1)
    count = max(1, int(2.0**exponent / -math.log1p(-epsilon)))
    return epsilon, _survival(epsilon, count, draw(st.sampled_from([15, 16, 17])))


@st.composite
def _large_budget(draw: st.DrawFn) -> tuple[float, float]:
    """A budget next to 2**53 or 2**62: a near-tie there, or T between (1 - e)**N and (1 - e)**(N + 1)."""
    count = draw(st.sampled_from([2**53, 2**62])) + draw(st.integers(-3, 3))
    epsilon = draw(_log_uniform(1e-6, 5.0)) / count
    if draw(st.booleans()):
        return epsilon, _survival(epsilon, count, draw(st.sampled_from([15, 16, 17])))
    with mpmath.workdps(60):
        step = count + mpmath.mpf(draw(st.floats(0.01, 0.99)))
        return epsilon, float(mpmath.exp(step * mpmath.log1p(-mpmath.mpf(repr(epsilon)))))


_EXACT_TIES = [(0.1, 0.81), (0.5, 0.25), (0.3, 0.343), (0.05, 0.9025), (0.5, 0.125), (0.2, 0.64), (0.01, 0.9801),
               (1e-8, 0.9999999800000001), (0.25, 0.5625)]
_RATES = st.one_of(_log_uniform(1e-20, 0.5), st.integers(1, 80).map(lambda k: 2.0**-k),
                   *(_digits(count, -19, -1) for count in (15, 16, 17)),
                   st.integers(-4, 4).map(lambda k: _steps(2.0**-20, k)))
_THRESHOLDS = st.one_of(st.floats(1e-300, 1, exclude_max=True), _log_uniform(1e-300, 1e-20),
                        st.integers(1, 60).map(lambda k: 2.0**-k), *(_digits(count, -3, 0) for count in (15, 16, 17)),
                        st.integers(1, 20).map(lambda k: _steps(1.0, -k)))
_PAIRS = st.one_of(st.tuples(_RATES, _THRESHOLDS), _near_tie(), _large_budget(), st.sampled_from(_EXACT_TIES))
_PINNED = [(1e-16, 0.5), (0.1, 0.81), (2.0**-20, 0.5), (_steps(2.0**-20, 1), 0.3), (_steps(2.0**-20, -1), 0.999),
           (1e-19, 0.6), (2.0**-62, 0.5), (2.0**-53, 0.25), (3e-17, 1e-300), (1e-8, 0.9999999800000001),
           (0.3, 0.343), (2.0**-40, 0.9999999999999999)]


@given(st.lists(_PAIRS, min_size=1, max_size=10))
@example(_PINNED)
def test_the_array_path_is_the_exact_solver_element_by_element(pairs: list[tuple[float, float]]) -> None:
    rates, targets = (np.array(column) for column in zip(*pairs, strict=True))
    result = bounds.budget(epsilon=rates, threshold=targets).n
    assert result.tolist() == [_truth(epsilon, threshold) for epsilon, threshold in pairs]


@given(st.lists(_PAIRS, min_size=1, max_size=6))
@example(_PINNED)
def test_without_x87_only_the_float64_stage_runs_and_the_rest_is_balls(pairs: list[tuple[float, float]]) -> None:
    # where numpy.longdouble is not the x87 format, stage 1 (float64 only) still runs; nothing else changes
    rates, targets = (np.array(column) for column in zip(*pairs, strict=True))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_extended, "available", lambda: False)
        floors, sure = _extended.extended_floors(rates, targets)
        result = bounds.budget(epsilon=rates, threshold=targets).n
    with np.errstate(all="ignore"):
        first = _extended._float_stage(rates, targets)[1]
    assert sure.tolist() == first.tolist()
    truths = [_truth(epsilon, threshold) for epsilon, threshold in pairs]
    assert result.tolist() == truths
    assert all(floor == truth for floor, truth, proved in zip(floors.tolist(), truths, sure.tolist(), strict=True)
               if proved)


@x87
@given(st.lists(_PAIRS, min_size=1, max_size=10))
@example(_PINNED)
def test_every_stage_proves_only_true_floors(pairs: list[tuple[float, float]]) -> None:
    # each stage on every element it can take, not only on what the stage before left: its bound alone must hold
    rates, targets = (np.array(column) for column in zip(*pairs, strict=True))
    truths = [_truth(epsilon, threshold) for epsilon, threshold in pairs]
    with np.errstate(all="ignore"):
        floors, sure, series = _extended._float_stage(rates, targets)
        claims = [(floors, sure, np.arange(len(pairs)))]
        domain = np.flatnonzero((rates >= 2.0**-1022) & (rates <= 0.5) & (targets >= 2.0**-1022) & (targets < 1))
        if domain.size:
            floors, sure, state = _extended._bounded_stage(rates[domain], targets[domain], series[domain])
            claims.append((floors, sure, domain))
            floors, sure = _extended._offset_stage(rates[domain], targets[domain], state)
            claims.append((floors, sure, domain))
    for floors, sure, positions in claims:
        for floor, proved, position in zip(floors.tolist(), sure.tolist(), positions.tolist(), strict=True):
            if proved:
                assert floor == truths[position], pairs[position]


@x87
def test_every_stage_takes_a_share_of_a_benchmark_like_array() -> None:
    # not vacuous: on the bench's distribution each stage proves elements, and the balls see few
    rng = np.random.default_rng(3)
    rates, targets = 10.0 ** rng.uniform(-16, -1, 40_000), rng.uniform(0.01, 0.999, 40_000)
    with np.errstate(all="ignore"):
        _, first, series = _extended._float_stage(rates, targets)
        left = np.flatnonzero(~first)
        _, second, state = _extended._bounded_stage(rates[left], targets[left], series[left])
        rest = np.flatnonzero(~second)
        _, third = _extended._offset_stage(rates[left][rest], targets[left][rest], state.take(rest))
    assert first.mean() > 0.5 and second.mean() > 0.1 and third.mean() > 0.5
    assert third.size - third.sum() < 0.01 * rates.size
    floors, sure = _extended.extended_floors(rates, targets)
    assert sure.sum() == first.sum() + second.sum() + third.sum()
