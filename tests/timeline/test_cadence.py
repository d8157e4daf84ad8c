"""Cadences: exact completion times, certified counts N(t) against a direct count, bad input refused."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds.errors import BoundsError, ParameterError
from bounds.timeline import (
    ConstantCadence,
    DoublingCadence,
    ExplicitCadence,
    GeometricCadence,
    read_intervals,
)


def direct_count(times: list[Fraction], t: Fraction) -> int:
    """max{k : t_k <= t} by walking the exact times."""
    return sum(1 for value in times if value <= t)


def test_seed_cadence_is_exactly_60_times_one_minus_point8_to_the_k() -> None:
    cadence = GeometricCadence(first="12", ratio="0.8")
    assert cadence.zeno == 60
    for k in range(0, 60):
        assert cadence.time_exact(k) == 60 * (1 - Fraction(4, 5) ** k)
    assert cadence.generations_by(60) is None and cadence.generations_by("1e6") is None


@given(st.fractions(min_value=0, max_value=Fraction(5999, 100)))
def test_geometric_count_matches_direct_count(t: Fraction) -> None:
    cadence = GeometricCadence(first="12", ratio="0.8")
    times = [60 * (1 - Fraction(4, 5) ** k) for k in range(1, 400)]
    t = Fraction(str(float(t)))  # an exact decimal, as users give
    assert cadence.generations_by(t) == direct_count(times, t)


def test_count_at_every_completion_time_and_just_before() -> None:
    # ties t == t_k are decided exactly (the ball of r^k touches q)
    cadence = GeometricCadence(first="12", ratio="0.8")
    for k in range(1, 80):
        t_k = cadence.time_exact(k)
        assert cadence.generations_by(t_k) == k
        assert cadence.generations_by(t_k - Fraction(1, 10**40)) == k - 1


def test_slowing_cadence_and_unit_ratio() -> None:
    slow = GeometricCadence(first="1", ratio="1.5")
    times = [2 * (Fraction(3, 2) ** k - 1) for k in range(1, 60)]
    assert slow.zeno is None
    for t in ("0", "0.99", "1", "2.5", "100", "12345.678"):
        assert slow.generations_by(t) == direct_count(times, Fraction(t))
    assert GeometricCadence(first=3, ratio=1).generations_by(10) == 3


def test_near_zeno_counts_are_large_and_exact() -> None:
    cadence = GeometricCadence(first="12", ratio="0.8")
    t = 60 - Fraction(1, 10**300)
    n = cadence.generations_by(t)
    # 0.8^n >= 1e-300/60 > 0.8^(n+1): check with exact integers
    assert Fraction(4, 5) ** n >= Fraction(1, 60 * 10**300) > Fraction(4, 5) ** (n + 1)


def test_constant_and_explicit_match_direct_count() -> None:
    constant = ConstantCadence(interval="0.7")
    times = [k * Fraction(7, 10) for k in range(1, 200)]
    explicit = ExplicitCadence(intervals=("12", "9", "6.5", "6.5", "3"))
    partial = [Fraction(x) for x in ("12", "21", "27.5", "34", "37")] + [37 + 3 * k for k in range(1, 50)]
    for point in np.linspace(0, 100, 97):
        t = Fraction(str(round(float(point), 3)))
        assert constant.generations_by(t) == direct_count(times, t)
        assert explicit.generations_by(t) == direct_count(partial, t)


def test_doubling_count_matches_high_precision_count() -> None:
    cadence = DoublingCadence(first="12", doubling="7")
    for t in ("0", "5", "7.9", "8", "30", "120", "365.25"):
        with mpmath.workdps(60):
            bound = 7 * (mpmath.power(2, mpmath.mpf(t) / 7) - 1) / (12 * mpmath.ln2)
            expected = int(mpmath.floor(bound))
        assert cadence.generations_by(t) == expected
    # t_k is reached right after the float time and not right before
    for k in (1, 2, 10, 1000):
        t = Fraction(repr(cadence.time(k)))
        assert cadence.generations_by(t * (1 + Fraction(1, 10**12))) == k
        assert cadence.generations_by(t * (1 - Fraction(1, 10**12))) == k - 1


def test_float_times_agree_with_exact_times() -> None:
    ks = np.arange(0, 50)
    for cadence in (GeometricCadence(first=12, ratio="0.8"), ConstantCadence(interval="2.5"),
                    ExplicitCadence(intervals=("1", "2", "3"))):
        exact_times = [float(cadence.time_exact(int(k))) for k in ks]
        assert np.allclose(cadence.times(ks), exact_times, rtol=1e-14, atol=0)
    doubling = DoublingCadence(first=12, doubling=7)
    assert np.allclose(doubling.times(ks), [doubling.time(int(k)) for k in ks], rtol=1e-13)
    assert math.isclose(doubling.time(1), 7 * math.log2(1 + 12 * math.log(2) / 7), rel_tol=1e-14)


@pytest.mark.parametrize(
    "build",
    [
        lambda: GeometricCadence(first="-12", ratio="0.8"),
        lambda: GeometricCadence(first="12", ratio="0"),
        lambda: GeometricCadence(first="nan", ratio="0.8"),
        lambda: GeometricCadence(first="1e5000", ratio="0.8"),
        lambda: ConstantCadence(interval=0),
        lambda: DoublingCadence(first=12, doubling="-7"),
        lambda: ExplicitCadence(intervals=()),
        lambda: ExplicitCadence(intervals=("1", "-2")),
        lambda: GeometricCadence(first=12, ratio="0.8").generations_by(-1),
        lambda: DoublingCadence(first=12, doubling=7).generations_by("1e9"),
    ],
)
def test_bad_input_is_a_parameter_error(build: object) -> None:
    with pytest.raises(ParameterError):
        build()  # type: ignore[operator]


def test_intervals_file(tmp_path: object) -> None:
    path = tmp_path / "intervals.txt"  # type: ignore[operator]
    path.write_text("# months\n12\n\n9  # faster\n6\n")
    assert read_intervals(path) == [12, 9, 6]
    path.write_text("12\nfast\n")
    with pytest.raises(BoundsError, match="line 2"):
        read_intervals(path)
    with pytest.raises(BoundsError, match="does not exist"):
        read_intervals(tmp_path / "missing.txt")  # type: ignore[operator]


def test_doubling_near_ties_are_decided_at_rising_precision() -> None:
    # t within 1e-60 of the irrational t_k: floats cannot tell; balls at rising precision do
    cadence = DoublingCadence(first="12", doubling="7")
    for k in (1, 7, 1000):
        with mpmath.workdps(90):
            t_k = 7 * mpmath.log(1 + k * 12 * mpmath.ln2 / 7) / mpmath.ln2
            below = Fraction(mpmath.nstr(t_k - mpmath.mpf("1e-60"), 80))
            above = Fraction(mpmath.nstr(t_k + mpmath.mpf("1e-60"), 80))
        assert cadence.generations_by(below) == k - 1
        assert cadence.generations_by(above) == k


def test_an_undecidable_comparison_raises_certification_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from bounds.errors import CertificationError
    from bounds.timeline import cadence as module

    def stalled(*args: object, **kwargs: object) -> object:
        raise CertificationError("the balls overlap")

    monkeypatch.setattr(module, "decide", stalled)
    with pytest.raises(CertificationError):
        DoublingCadence(first="12", doubling="7").generations_by(30)
