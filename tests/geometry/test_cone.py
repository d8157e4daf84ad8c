"""Trilemma cone mass: reference rows, Monte Carlo on the sphere, monotonicity, bad input."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds import Independent, ParameterError
from bounds.geometry.cone import ASSUMPTIONS, cone_mass
from bounds.testing.strategies import probabilities, thresholds
from tests.conftest import load_reference

REFERENCE = load_reference("cone_mass")


@pytest.mark.parametrize("row", REFERENCE, ids=lambda row: f"d={row['dimension']}")
def test_reference_rows(row: dict) -> None:
    result = cone_mass(
        row["gradient"], row["path_lipschitz"], row["defense_lipschitz"], row["dimension"], row["near_mass"]
    )
    assert result.cos_half_angle == pytest.approx(float(row["cos_half_angle"]), rel=1e-12)
    expected = float(row["mass"])
    if expected == 0:
        assert result.mass == 0
        assert result.mass_mp(30) == 0
    else:
        assert result.mass == pytest.approx(expected, rel=1e-9)
        with mpmath.workdps(40):
            assert abs(result.mass_mp(30) / mpmath.mpf(row["mass"]) - 1) < mpmath.mpf(10) ** -25
    assert result.assumptions == ASSUMPTIONS


def test_stage_constants_multiply() -> None:
    single = cone_mass(10, 1, 3, 16, "0.01")
    staged = cone_mass(10, 1, ["1.5", 2], 16, "0.01")
    assert staged.defense_lipschitz == 3
    assert staged.mass == single.mass
    assert staged.stages == (Fraction(3, 2), Fraction(2))


def test_closed_form_in_three_dimensions() -> None:
    # d = 3 (Archimedes): the cap {<u, v> > c} has area fraction (1 - c) / 2
    for c in ("0.05", "0.3", "0.7", "0.99"):
        result = cone_mass(1 / Fraction(c), 1, "1e-30", 3, 1)  # c = l (K+1)/G with K -> 0
        expected = (1 - Fraction(c) * (1 + Fraction(1, 10**30))) / 2
        assert result.mass == pytest.approx(float(expected), rel=1e-12)


@pytest.mark.parametrize(
    ("dimension", "cosine"), [(2, "0.5"), (3, "0.2"), (16, "0.4"), (50, "0.1"), (200, "0.05")]
)
def test_monte_carlo_on_the_sphere(dimension: int, cosine: str) -> None:
    # isotropic directions: normalised Gaussian vectors; the cone is <u, v> > c with u = e_1
    rng = np.random.default_rng(dimension)
    trials = 200_000
    inside = 0
    for _ in range(4):
        vectors = rng.standard_normal((trials // 4, dimension))
        first = vectors[:, 0] / np.linalg.norm(vectors, axis=1)
        inside += int(np.count_nonzero(first > float(cosine)))
    fraction = inside / trials
    # c = l (K + 1) / G with l = 1, K = 1: G = 2 / c
    result = cone_mass(2 / Fraction(cosine), 1, 1, dimension, 1)
    assert result.cos_half_angle == float(cosine)
    spread = np.sqrt(result.mass * (1 - result.mass) / trials)
    assert abs(fraction - result.mass) <= 4 * spread


positives = probabilities(min_value=Fraction(1, 10**6), max_value=1, max_exponent=6).map(
    lambda value: value * 10
)


@given(positives, positives, positives, st.integers(2, 400), probabilities(max_exponent=6), positives)
def test_mass_is_monotone(gradient, path, defense, dimension, near_mass, factor) -> None:
    larger = factor + 1  # > 1
    base = cone_mass(gradient, path, defense, dimension, near_mass).mass
    assert cone_mass(gradient, path, defense * larger, dimension, near_mass).mass <= base
    assert cone_mass(gradient, path * larger, defense, dimension, near_mass).mass <= base
    assert cone_mass(gradient * larger, path, defense, dimension, near_mass).mass >= base
    # more stages can only shrink it (each K_i >= 1 multiplies K up)
    assert cone_mass(gradient, path, [defense, larger], dimension, near_mass).mass <= base
    assert 0 <= base <= float(near_mass) / 2


@given(positives, st.integers(2, 50), thresholds(max_exponent=4))
def test_cap_is_the_independent_budget_of_the_mass(gradient, dimension, threshold) -> None:
    result = cone_mass(gradient, 1, 1, dimension, "0.01")
    cap = result.cap(threshold)
    if result.mass == 0:
        assert cap.unbounded
        return
    # the cap uses delta rounded down by 1e-40 relative: it can only be >= the budget of the float mass
    reference = Independent(epsilon=Fraction(result.mass) * (1 - Fraction(1, 10**12))).budget(threshold)
    assert cap.n <= reference.n
    assert cap.n >= Independent(epsilon=Fraction(result.mass) * (1 + Fraction(1, 10**12))).budget(threshold).n


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, 1, 1, 3, 1), "gradient must be a positive number, got 0"),
        ((10, -1, 1, 3, 1), "path_lipschitz must be a positive number, got -1"),
        ((10, 1, 0, 3, 1), "defense_lipschitz must be a positive number, got 0"),
        ((10, 1, [2, "-1"], 3, 1), r"defense_lipschitz\[1\] must be a positive number, got '-1'"),
        ((10, 1, [], 3, 1), "defense_lipschitz must be a positive number or a non-empty list"),
        ((10, 1, 1, 1, 1), "dimension must be a whole number >= 2"),
        ((10, 1, 1, 2.5, 1), "dimension must be a whole number >= 2, got 2.5"),
        ((10, 1, 1, True, 1), "dimension must be a whole number >= 2, got True"),
        ((10, 1, 1, 3, "1.5"), r"near_mass must be in \[0, 1\], got '1.5'"),
        ((10, 1, 1, 3, -0.1), r"near_mass must be in \[0, 1\], got -0.1"),
        (("nan", 1, 1, 3, 1), "gradient must be a finite number"),
    ],
)
def test_bad_input_is_named(arguments: tuple, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        cone_mass(*arguments)
