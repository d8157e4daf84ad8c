"""BetaMixture: reference values, mpmath accuracy over the whole range, limits, Monte Carlo."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bounds import BetaMixture, Independent, ParameterError
from bounds.batch.simulate import simulate
from bounds.cli import main
from bounds.models import load_spec
from bounds.testing.strategies import epsilons, thresholds
from tests.conftest import load_reference

REFERENCE = load_reference("beta_mixture")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "specs"


def mp_log_survival(a: Fraction, b: Fraction, n: int, dps: int = 80) -> mpmath.mpf:
    """Independent reference: ln B(a, b+n) - ln B(a, b) from mpmath's log-gamma at high precision."""
    with mpmath.workdps(dps):
        a_mp = mpmath.mpf(a.numerator) / a.denominator
        b_mp = mpmath.mpf(b.numerator) / b.denominator
        upper = mpmath.loggamma(b_mp + n) - mpmath.loggamma(a_mp + b_mp + n)
        return upper - mpmath.loggamma(b_mp) + mpmath.loggamma(a_mp + b_mp)


@pytest.mark.parametrize("row", REFERENCE, ids=lambda row: f"{row['mean']}-{row['rho']}")
def test_reference_rows(row: dict) -> None:
    by_moments = BetaMixture(mean=row["mean"], rho=row["rho"])
    by_shape = BetaMixture(a=row["a"], b=row["b"])
    assert by_moments == by_shape
    assert by_moments.a == Fraction(row["a"]) and by_moments.b == Fraction(row["b"])
    result = by_moments.budget(row["threshold"])
    assert result.n == row["budget"] and result.certified
    budget = row["budget"]
    points = ((budget, "survival_at_budget"), (budget + 1, "survival_after_budget"), (500, "survival_500"))
    for n, key in points:
        expected = float(row[key])
        assert by_moments.survival(n) == pytest.approx(expected, rel=1e-12)
        assert float(by_moments.survival_mp(n, 30)) == pytest.approx(expected, rel=1e-15)
        with mpmath.workdps(40):
            assert abs(by_moments.survival_mp(n, 35) / mpmath.mpf(row[key]) - 1) < mpmath.mpf(10) ** -28


@pytest.mark.parametrize("mean", ["1e-9", "0.001", "0.3", "0.999"])
@pytest.mark.parametrize("rho", ["1e-12", "1e-9", "1e-6", "0.001", "0.1", "0.5", "0.99"])
def test_float_survival_matches_mpmath_everywhere(mean: str, rho: str) -> None:
    # betaln(a, b+N) - betaln(a, b) loses up to 8 digits here; the float path must not
    model = BetaMixture(mean=mean, rho=rho)
    counts = [1, 7, 255, 256, 257, 300, 10**3, 10**4, 10**5, 10**6, 10**9, 10**12, 10**15, 10**18]
    got = model.log_survival(counts)
    for n, value in zip(counts, got, strict=True):
        reference = float(mp_log_survival(model.a, model.b, n))
        # the error of ln S is the relative error of S; allow a few tens of ulps of ln S itself
        error = abs(value - reference)
        assert error <= 2e-14 * max(1.0, abs(reference)), (n, value, reference)


def test_survival_mp_precision_and_exact_product() -> None:
    model = BetaMixture(mean="0.001", rho="1e-12")
    for n in (1, 5000, 10**18):
        with mpmath.workdps(60):
            reference = mpmath.exp(mp_log_survival(model.a, model.b, n, 120))
            assert abs(model.survival_mp(n, 40) / reference - 1) < mpmath.mpf(10) ** -39
    small = BetaMixture(a="0.5", b=2)
    # B(1/2, 2+3)/B(1/2, 2) = (2*3*4)/(5/2 * 7/2 * 9/2)
    assert small.survival_exact(3) == Fraction(2 * 3 * 4) / (Fraction(5, 2) * Fraction(7, 2) * Fraction(9, 2))
    assert small.survival(3) == pytest.approx(float(small.survival_exact(3)), rel=1e-15)


def test_independent_limit_as_rho_vanishes() -> None:
    independent = Independent(epsilon="0.001")
    for n in (10, 500, 10**4, 10**6):
        exact = independent.log_survival(n)
        mixed = BetaMixture(mean="0.001", rho="1e-12").log_survival(n)
        # S_beta/S_ind - 1 ~ rho * Var-term: ln ratio = rho*eps(1-eps)*n(n-1)/2/(1-eps)^2 + ...
        predicted = 1e-12 * 0.001 * 0.999 * n * (n - 1) / 2 / 0.999**2
        assert mixed - exact == pytest.approx(predicted, rel=1e-3, abs=1e-15)


def test_jensen_and_power_law() -> None:
    model = BetaMixture(mean="0.01", rho="0.1")
    counts = np.array([1, 10, 100, 10**4, 10**8])
    assert np.all(model.survival(counts) >= Independent(epsilon="0.01").survival(counts))
    assert model.asymptote(10**12) / model.survival(10**12) == pytest.approx(1, rel=1e-9)
    # first correction: Gamma(b+N)/Gamma(a+b+N) = N**-a (1 - a(a+2b-1)/(2N) + O(N**-2))
    a, b = 0.09, 8.91
    ratio = model.asymptote(10**4) / model.survival(10**4)
    assert ratio - 1 == pytest.approx(a * (a + 2 * b - 1) / 2e4, rel=1e-3)


@given(
    epsilons(min_value=Fraction(1, 10**9), max_value=Fraction(999, 1000)),
    st.sampled_from(["1e-6", "0.01", "0.5"]),
)
@example(Fraction(1, 1000), "0.01")
def test_jensen_property(mean: Fraction, rho: str) -> None:
    model = BetaMixture(mean=mean, rho=rho)
    for n in (2, 50, 3000):
        assert model.log_survival(n) >= Independent(epsilon=mean).log_survival(n) - 1e-12 * n


@pytest.mark.slow
@given(thresholds(max_exponent=6), thresholds(max_exponent=6))
def test_budget_monotone_in_threshold(t1: Fraction, t2: Fraction) -> None:
    model = BetaMixture(mean="0.01", rho="0.2")
    low, high = sorted((t1, t2))
    assert model.budget(low).n >= model.budget(high).n


@pytest.mark.parametrize(
    ("mean", "rho", "counts"),
    [
        ("0.001", "0.01", [1, 10, 100, 1000, 10**4, 10**5]),
        ("0.05", "0.3", [1, 10, 100, 1000, 10**4]),
        ("0.2", "0.02", [1, 5, 10, 20, 40, 80]),
    ],
)
def test_monte_carlo_agrees(mean: str, rho: str, counts: list[int]) -> None:
    model = BetaMixture(mean=mean, rho=rho)
    result = simulate(model, counts, trials=200_000, seed=20261126)
    assert result.agrees_with(model.survival(counts), sigmas=4)
    # a wrong formula (the independent one at the same marginal rate) is rejected
    assert not result.agrees_with(Independent(epsilon=mean).survival(counts), sigmas=4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mean": "0.001"}, "exactly one pair"),
        ({"a": 1, "b": 2, "rho": "0.1"}, "exactly one pair"),
        ({"mean": "0", "rho": "0.1"}, "mean must be in (0, 1), got '0'"),
        ({"mean": "0.1", "rho": "1"}, "rho must be in (0, 1)"),
        ({"a": -1, "b": 2}, "a must be a positive number, got -1"),
        ({"a": float("nan"), "b": 2}, "a must be a finite number"),
    ],
)
def test_bad_parameters(kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=None) as info:
        BetaMixture(**kwargs)
    assert message in str(info.value)


def test_spec_and_cli(capsys: pytest.CaptureFixture[str]) -> None:
    model = load_spec(EXAMPLES / "beta-mixture.toml")
    assert model == BetaMixture(a="0.099", b="98.901")
    assert main(["budget", "--spec", str(EXAMPLES / "beta-mixture.toml"), "-T", "0.605", "--json"]) == 0
    assert '"budget": 15667' in capsys.readouterr().out
    assert main(["compare", "--epsilon", "0.001", "-T", "0.605", "--rho", "0.01"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["beta-mixture", "(rho=0.01)", "15667"] in rows


def test_symbolic_matches_survival_mp() -> None:
    model = BetaMixture(mean="0.001", rho="0.01")
    with mpmath.workdps(40):
        assert (
            abs(model.symbolic().evaluate(15667, 40) / model.survival_mp(15667, 35) - 1)
            < mpmath.mpf(10) ** -33
        )
