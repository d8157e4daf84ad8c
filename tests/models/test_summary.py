"""Decay rate and mean generations of every family, against closed forms and mpmath sums."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from bounds.models import BetaMixture, FiniteMixture, Geometric, Independent, Logistic, Power, TwoRate
from bounds.models.registry import load_spec, registered
from bounds.models.summary import decay_rate, mean_generations, summary

SPECS = Path(__file__).resolve().parents[2] / "examples" / "specs"


def _mp(value: Fraction) -> mpmath.mpf:
    return mpmath.mpf(value.numerator) / value.denominator


def test_beta_mixture_mean_against_the_sum_of_its_survival() -> None:
    model = BetaMixture(a=3, b=5)
    with mpmath.workdps(30):
        truth = mpmath.nsum(lambda n: mpmath.beta(3, 5 + n) / mpmath.beta(3, 5), [0, mpmath.inf])
    assert mean_generations(model).value == pytest.approx(float(truth), rel=1e-14)  # (a + b - 1)/(a - 1) = 3.5
    assert mean_generations(BetaMixture(mean="0.001", rho="0.01")).value is None  # a < 1: the sum diverges
    assert decay_rate(model).value == 1.0


def test_finite_mixture_against_mpmath() -> None:
    model = FiniteMixture(weights=["0.9", "0.1"], rates=["0.0001", "0.01"])
    with mpmath.workdps(30):
        truth = mpmath.nsum(lambda n: 0.9 * (1 - mpmath.mpf("0.0001")) ** n + 0.1 * mpmath.mpf("0.99") ** n,
                            [0, mpmath.inf])
    assert mean_generations(model).value == pytest.approx(float(truth), rel=1e-12)
    assert decay_rate(model).value == 0.9999


def test_growing_geometric_rates_reach_certain_failure() -> None:
    model = Geometric(epsilon1="0.01", ratio="2")  # epsilon_8 = min(1, 1.28) = 1: S(N) = 0 from N = 8
    truth, keep = Fraction(0), Fraction(1)
    for i in range(0, 10):
        if i:
            keep *= 1 - min(Fraction(1), Fraction(1, 100) * 2 ** (i - 1))
        truth += keep
    assert mean_generations(model).value == pytest.approx(float(truth), rel=1e-13)
    assert decay_rate(model).value == 0.0


def test_logistic_mean_against_an_mpmath_product() -> None:
    model = Logistic(epsilon_max="0.01", steepness="0.1", midpoint="50")
    with mpmath.workdps(30):
        total, keep = mpmath.mpf(1), mpmath.mpf(1)
        for i in range(1, 20_000):
            keep *= 1 - mpmath.mpf("0.01") / (1 + mpmath.exp(-mpmath.mpf("0.1") * (i - 50)))
            total += keep
    assert mean_generations(model).value == pytest.approx(float(total), rel=1e-10)
    assert decay_rate(model).value == pytest.approx(0.99, rel=1e-15)
    maturing = Logistic(epsilon_max="0.01", steepness="-0.1", midpoint="50")
    assert decay_rate(maturing).value == 1.0


def test_two_rate_decay_is_the_per_cycle_geometric_mean() -> None:
    model = TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=10)
    with mpmath.workdps(40):
        n = 10 * 5000
        truth = (mpmath.mpf("0.99") ** 5000 * mpmath.mpf("0.9999") ** (9 * 5000)) ** (mpmath.mpf(1) / n)
    assert decay_rate(model).value == pytest.approx(float(truth), rel=1e-14)


def test_independent_and_positive_limits() -> None:
    assert mean_generations(Independent(epsilon="0.004")).value == 250.0
    assert decay_rate(Independent(epsilon="0.004")).value == 0.996
    infinite = mean_generations(Independent(epsilon="0"))
    assert infinite.value is None and infinite.how.startswith("infinite")
    assert decay_rate(Power(epsilon1="0.002", exponent="1.5")).value == 1.0  # S(inf) > 0


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.toml")), ids=lambda path: path.stem)
def test_every_example_spec_has_both_numbers_or_a_reason(path: Path) -> None:
    result = summary(load_spec(path))
    for key in ("decay_rate", "mean_generations"):
        assert key in result and isinstance(result[f"{key}_note"], str) and result[f"{key}_note"]
        value = result[key]
        assert value is None or (0 <= value <= 1 if key == "decay_rate" else value >= 1)


def test_the_examples_cover_the_spec_families_of_the_models_layer() -> None:
    covered = {load_spec(path).name for path in SPECS.glob("*.toml")}
    assert set(registered()) - covered <= {"oversight", "control"}  # their own layer; tested through the CLI
