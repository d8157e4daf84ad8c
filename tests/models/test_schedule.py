"""Schedule models: Geometric, Power, TwoRate, Rates, Expression.

Every expected value is computed here independently of the code under test:
direct products in mpmath at high precision, exact rational products, closed
forms (sin(pi x)/(pi x), Gamma-function ratios, q-Pochhammer enclosures), the
reference file, or Monte Carlo with a stated tolerance.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bounds import Expression, Geometric, Power, Rates, TwoRate
from bounds.cli import main
from bounds.errors import BoundsError, ExpressionError, ParameterError, SpecError
from bounds.models.registry import load_spec, model_from_spec, registered
from bounds.simulate import simulate
from bounds.testing.strategies import epsilons, generations, probabilities, thresholds
from tests.conftest import load_reference

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "examples" / "specs"


def mpf(value: Fraction | int | str) -> mpmath.mpf:
    value = Fraction(value)
    return mpmath.mpf(value.numerator) / value.denominator


def direct_product(rates: list[Fraction], dps: int = 60) -> mpmath.mpf:
    """prod (1 - rate) in mpmath at dps digits, from exact rational rates."""
    with mpmath.workdps(dps):
        return mpmath.fprod([1 - mpf(rate) for rate in rates])


def geometric_rates(epsilon1: Fraction, ratio: Fraction, n: int) -> list[Fraction]:
    rates, rate = [], Fraction(epsilon1)
    for _ in range(n):
        rates.append(min(Fraction(1), rate))
        rate *= ratio
    return rates


def relative(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    return abs(a - b) / abs(b) if b != 0 else abs(a)


# -- the reference file -----------------------------------------------------------------------------

REFERENCE_ROWS = load_reference("geometric_schedule")


@pytest.mark.parametrize(
    "row", REFERENCE_ROWS, ids=lambda row: f"{row['epsilon1']}-{row['ratio']}-{row['threshold']}"
)
def test_geometric_reference_rows(row: dict) -> None:
    model = Geometric(epsilon1=row["epsilon1"], ratio=row["ratio"])
    result = model.budget(row["threshold"])
    assert result.n == row["budget"]
    assert result.unbounded is row["unbounded"]
    limit = mpmath.mpf(row["limit"])
    with mpmath.workdps(40):
        if limit == 0:
            assert model.limit() == 0.0
            assert model.limit_exact() == 0
        else:
            assert relative(model.limit_mp(30), limit) < 1e-12
            assert model.limit() == pytest.approx(float(limit), rel=1e-12)
        if "survival_at_budget" in row:
            expected = mpmath.mpf(row["survival_at_budget"])
            assert relative(model.survival_mp(row["budget"], 30), expected) < 1e-12
            assert model.survival(row["budget"]) == pytest.approx(float(expected), rel=1e-12)


def test_geometric_limit_where_mpmath_qp_struggles() -> None:
    # the example: mpmath.qp fails to converge for q = 0.999
    model = Geometric(epsilon1="0.001", ratio="0.999")
    with mpmath.workdps(50):
        value = model.limit_mp(40)
        # independent enclosure: S(K) * (1 - a q^K / (1 - q)) <= (a; q)_inf <= S(K)
        a, q, count = mpf("0.001"), mpf("0.999"), 60_000
        head = mpmath.fprod(1 - a * q**k for k in range(count))
        low = head * (1 - a * q**count / (1 - q))
        slack = mpmath.mpf(10) ** -39  # limit_mp(40) promises 40 digits
        assert low * (1 - slack) <= value <= head * (1 + slack)
        assert head - low < mpmath.mpf(10) ** -26
        assert mpmath.nstr(value, 16) == "0.3677873958807964"
    assert str(model.limit()).startswith("0.367787395880796")


def test_geometric_limit_agrees_with_mpmath_qp_where_it_converges() -> None:
    model = Geometric(epsilon1="0.3", ratio="0.5")
    with mpmath.workdps(40):
        assert relative(model.limit_mp(30), mpmath.qp(mpf("0.3"), mpf("0.5"))) < mpmath.mpf(10) ** -29


@pytest.mark.parametrize(
    ("epsilon1", "ratio"),
    [("0.001", "0.999"), ("0.7", "0.9"), ("0.2", "1.3"), ("0.95", "0.999"), ("1e-9", "0.5"), ("0.3", "1")],
)
def test_geometric_survival_against_direct_products(epsilon1: str, ratio: str) -> None:
    model = Geometric(epsilon1=epsilon1, ratio=ratio)
    counts = [0, 1, 2, 7, 100, 1000, 3000]
    for n in counts:
        expected = direct_product(geometric_rates(Fraction(epsilon1), Fraction(ratio), n))
        with mpmath.workdps(40):
            assert relative(model.survival_mp(n, 30), expected) < mpmath.mpf(10) ** -29
        if expected > 1e-300:
            assert model.survival(n) == pytest.approx(float(expected), rel=1e-12)


def test_geometric_huge_generation_counts() -> None:
    model = Geometric(epsilon1="0.001", ratio="0.999")
    with mpmath.workdps(40):
        limit = model.limit_mp(35)
        # 0.999**1e15 underflows every float: S(1e15) equals the limit to far beyond 35 digits
        assert relative(model.survival_mp(10**15, 35), limit) < mpmath.mpf(10) ** -34
        assert relative(model.survival_mp(10**30, 35), limit) < mpmath.mpf(10) ** -34
        # S(N)/S(inf) - 1 = 1/(a r^N; r)_inf - 1, about a r^N / (1 - r) when a r^N is small
        n = 20_000
        tail = mpf("0.001") * mpf("0.999") ** n / (1 - mpf("0.999"))
        assert relative(model.survival_mp(n, 35) / limit - 1, tail) < 1e-4
    assert model.survival(10**15) == pytest.approx(float(limit), rel=1e-14)


def test_geometric_growing_risk_reaches_certain_failure() -> None:
    # 1/8 * 2**3 = 1 exactly at generation 4
    model = Geometric(epsilon1="0.125", ratio="2")
    assert model.survival_exact(3) == Fraction(7, 8) * Fraction(3, 4) * Fraction(1, 2)
    assert model.survival_exact(4) == 0
    assert model.survival(4) == 0.0 and model.survival(10**12) == 0.0
    assert model.limit_exact() == 0
    assert model.rate_exact(4) == 1 and model.rate_exact(9) == 1
    assert model.budget("0.1").n == 3
    # a tiny first rate with a ratio barely above 1 still saturates, at a 10-digit generation
    slow = Geometric(epsilon1="1e-300", ratio="1.0000001")
    with mpmath.workdps(60):
        steps = mpmath.log(mpf("1e300")) / mpmath.log(mpf("1.0000001"))
        assert slow.rate_exact(2) == Fraction("1e-300") * Fraction("1.0000001")
        assert slow.rate_mp(int(mpmath.ceil(steps)), 30) < 1
        assert slow.rate_mp(int(mpmath.ceil(steps)) + 1, 30) == 1


def test_geometric_ratio_one_is_the_independent_model() -> None:
    from bounds import Independent

    for threshold in ("0.605", "0.5", "0.81"):
        assert (
            Geometric(epsilon1="0.001", ratio=1).budget(threshold).n
            == Independent(epsilon="0.001").budget(threshold).n
        )
    assert Geometric(epsilon1="0.1", ratio=1).budget("0.81").n == 2  # exact tie 0.9**2 == 0.81


def test_geometric_near_tie_at_the_limit_gives_a_large_certified_budget() -> None:
    model = Geometric(epsilon1="0.001", ratio="0.999")
    with mpmath.workdps(60):
        limit = model.limit_mp(50)
        threshold = Fraction(mpmath.nstr(limit * (1 + mpmath.mpf(10) ** -20), 40))
    result = model.budget(threshold)
    assert result.n is not None
    # log S(N) - log S(inf) = -L(a r^N) ~ a r^N / (1 - r): the budget is about ln(1e-20 (1-r)/a) / ln r
    expected = math.log(1e-20 * 0.001 / 0.001) / math.log(0.999)
    assert abs(result.n - expected) < 5
    with mpmath.workdps(80):
        assert model.survival_mp(result.n, 70) >= mpf(threshold) > model.survival_mp(result.n + 1, 70)


# -- Power --------------------------------------------------------------------------------------------


def test_power_limit_closed_forms() -> None:
    with mpmath.workdps(50):
        # prod (1 - x^2/i^2) = sin(pi x) / (pi x)
        x = mpf("0.1")
        model = Power(epsilon1=Fraction(1, 100), exponent=2)
        assert (
            relative(model.limit_mp(40), mpmath.sin(mpmath.pi * x) / (mpmath.pi * x)) < mpmath.mpf(10) ** -39
        )
        # prod (1 - x^4/i^4) = sin(pi x) sinh(pi x) / (pi x)^2
        x = mpf("0.9")
        model = Power(epsilon1=Fraction(9, 10) ** 4, exponent=4)
        closed = mpmath.sin(mpmath.pi * x) * mpmath.sinh(mpmath.pi * x) / (mpmath.pi * x) ** 2
        assert relative(model.limit_mp(40), closed) < mpmath.mpf(10) ** -39
    assert Power(epsilon1="0.5", exponent=1).limit_exact() == 0
    assert Power(epsilon1="0.001", exponent="0.5").limit() == 0.0
    assert Power(epsilon1=0, exponent="0.5").limit_exact() == 1


def test_power_harmonic_case_against_gamma_ratio() -> None:
    # prod_{i<=N} (1 - e/i) = Gamma(N + 1 - e) / (Gamma(1 - e) Gamma(N + 1))
    epsilon = Fraction(3, 10)
    model = Power(epsilon1=epsilon, exponent=1)
    with mpmath.workdps(60):
        e = mpf(epsilon)
        for n in (1, 10, 5000, 10**6, 10**12, 10**15):
            closed = mpmath.exp(mpmath.loggamma(n + 1 - e) - mpmath.loggamma(1 - e) - mpmath.loggamma(n + 1))
            assert relative(model.survival_mp(n, 40), closed) < mpmath.mpf(10) ** -39
            assert model.survival(n) == pytest.approx(float(closed), rel=1e-12)


@pytest.mark.parametrize(
    ("epsilon1", "exponent"),
    [("0.01", 2), ("0.9", "0.5"), ("0.999", 1), ("0.5", "1.0001"), ("0.3", "1.5"), ("0.999", "0.25")],
)
def test_power_survival_against_direct_products(epsilon1: str, exponent: object) -> None:
    model = Power(epsilon1=epsilon1, exponent=exponent)
    s = Fraction(str(exponent))
    for n in (1, 2, 30, 64, 65, 66, 500, 4000):
        with mpmath.workdps(60):
            expected = mpmath.fprod(1 - mpf(epsilon1) * mpmath.power(i, -mpf(s)) for i in range(1, n + 1))
            assert relative(model.survival_mp(n, 30), expected) < mpmath.mpf(10) ** -29
        assert model.survival(n) == pytest.approx(float(expected), rel=1e-12)


def test_power_exact_survival_for_integer_exponents() -> None:
    model = Power(epsilon1="0.5", exponent=2)
    assert model.survival_exact(3) == Fraction(1, 2) * Fraction(7, 8) * Fraction(17, 18)
    assert Power(epsilon1="0.9", exponent="0.5").survival_exact(1) == Fraction(1, 10)
    # S(1) = 0.1 is an exact tie with T = 0.1 even though the exponent is fractional
    assert Power(epsilon1="0.9", exponent="0.5").budget("0.1").n == 1


# -- TwoRate ------------------------------------------------------------------------------------------


def test_two_rate_formula_and_budget() -> None:
    model = TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=10)
    for n in (0, 9, 10, 11, 639, 640, 12345):
        keys = n // 10
        assert model.survival_exact(n) == Fraction(99, 100) ** keys * Fraction(9999, 10000) ** (n - keys)
    expected = max(n for n in range(2000) if model.survival_exact(n) >= Fraction(1, 2))
    assert model.budget("0.5").n == expected == 639
    assert TwoRate(epsilon_key="0.1", epsilon_other="0.5", key_every=1).budget("0.81").n == 2
    assert TwoRate(epsilon_key=0, epsilon_other=0, key_every=3).budget("0.5").unbounded
    assert TwoRate(epsilon_key=0, epsilon_other="0.3", key_every=1).limit_exact() == 1


def test_two_rate_large_counts() -> None:
    model = TwoRate(epsilon_key="1e-6", epsilon_other="1e-12", key_every=1000)
    n = 10**15
    with mpmath.workdps(50):
        keys = n // 1000
        expected = mpmath.exp(keys * mpmath.log1p(-mpf("1e-6")) + (n - keys) * mpmath.log1p(-mpf("1e-12")))
        assert relative(model.survival_mp(n, 30), expected) < mpmath.mpf(10) ** -29
    assert model.log_survival(n) == pytest.approx(float(mpmath.log(expected)), rel=1e-12)


def test_two_rate_rejects_bad_fields() -> None:
    with pytest.raises(ParameterError, match="key_every must be a whole number >= 1, got 0"):
        TwoRate(epsilon_key="0.1", epsilon_other="0.1", key_every=0)
    with pytest.raises(ParameterError, match="key_every"):
        TwoRate(epsilon_key="0.1", epsilon_other="0.1", key_every=2.5)
    with pytest.raises(ParameterError, match=r"epsilon_other must be in \[0, 1\], got 1.5"):
        TwoRate(epsilon_key="0.1", epsilon_other=1.5, key_every=2)


# -- Rates --------------------------------------------------------------------------------------------


def test_rates_survival_and_tails() -> None:
    listed = [Fraction("0.01"), Fraction("0.005"), Fraction("0.001")]
    repeat = Rates(["0.01", "0.005", "0.001"])
    zero = Rates([0.01, 0.005, 0.001], tail="zero")
    for n in (0, 1, 3, 4, 50):
        exact_repeat = math.prod((1 - rate for rate in listed[:n]), start=Fraction(1)) * Fraction(
            999, 1000
        ) ** max(0, n - 3)
        assert repeat.survival_exact(n) == exact_repeat
        assert zero.survival_exact(n) == math.prod((1 - rate for rate in listed[:n]), start=Fraction(1))
    assert zero.limit_exact() == Fraction(99, 100) * Fraction(995, 1000) * Fraction(999, 1000)
    assert repeat.limit_exact() == 0
    assert zero.budget("0.98").unbounded
    # brute force over the exact survival
    expected = max(n for n in range(200) if repeat.survival_exact(n) >= Fraction("0.95"))
    assert repeat.budget("0.95").n == expected == 38
    assert Rates(["0.1", "1"]).budget("0.5").n == 1
    assert Rates(["0.1", "0.2"], tail="zero").survival(10**15) == pytest.approx(0.72, rel=1e-15)


def test_rates_long_list_uses_mpmath_and_agrees_with_direct_product() -> None:
    rng = np.random.default_rng(5)
    values = [Fraction(int(k), 10**7) for k in rng.integers(1, 5000, size=30_000)]
    model = Rates(values, tail="repeat")
    with mpmath.workdps(50):
        for n in (29_999, 30_000, 30_500):
            rates = values[:n] + [values[-1]] * max(0, n - len(values))
            assert relative(model.survival_mp(n, 30), direct_product(rates, 50)) < mpmath.mpf(10) ** -29
    result = model.budget("0.5")
    with mpmath.workdps(50):
        assert direct_product(values[: result.n], 50) >= 0.5 > direct_product(values[: result.n + 1], 50)


def test_rates_file(tmp_path: Path) -> None:
    path = tmp_path / "rates.txt"
    path.write_text("# header\n0.01\n\n0.005  # second\n   0.001\n")
    assert Rates.from_file(path).rates == (Fraction("0.01"), Fraction("0.005"), Fraction("0.001"))
    path.write_text("0.01\n0.5.1\n")
    with pytest.raises(SpecError, match="rates.txt line 2: the rate must be a decimal number"):
        Rates.from_file(path)
    path.write_text("0.01\n\n1.5\n")
    with pytest.raises(SpecError, match=r"line 3: the rate must be in \[0, 1\], got '1.5'"):
        Rates.from_file(path)
    path.write_text("# nothing\n\n")
    with pytest.raises(SpecError, match="contains no rates"):
        Rates.from_file(path)
    with pytest.raises(SpecError, match="does not exist"):
        Rates.from_file(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ([], "rates must be a non-empty list"),
        ("0.1", "rates must be a non-empty list"),
        (["0.1", float("nan")], r"rates\[1\] must be a finite number"),
        (["0.1", -0.1], r"rates\[1\] must be in \[0, 1\]"),
        ([True], r"rates\[0\] must be a number, not a boolean"),
    ],
)
def test_rates_reject_bad_input(given: object, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        Rates(given)  # type: ignore[arg-type]


def test_rates_reject_bad_tail() -> None:
    with pytest.raises(ParameterError, match="tail must be 'repeat' or 'zero', got 'forever'"):
        Rates(["0.1"], tail="forever")


# -- Expression ---------------------------------------------------------------------------------------


def test_expression_matches_the_geometric_model() -> None:
    expression = Expression("1e-3 * 0.999**(i - 1)")
    geometric = Geometric(epsilon1="0.001", ratio="0.999")
    for threshold in ("0.5", "0.9", "0.99"):
        assert expression.budget(threshold).n == geometric.budget(threshold).n
    with mpmath.workdps(40):
        for n in (1, 10, 1180):
            assert (
                relative(expression.survival_mp(n, 30), geometric.survival_mp(n, 30)) < mpmath.mpf(10) ** -29
            )
    assert expression.survival(1180) == pytest.approx(geometric.survival(1180), rel=1e-12)


def test_expression_exact_tie() -> None:
    # 0.9**2 == 0.81 exactly: the exact evaluator settles it
    assert Expression("0.1").budget("0.81").n == 2
    assert Expression("0.1 + 0*i").budget("0.81").n == 2


def test_expression_horizon_is_never_turned_into_unbounded() -> None:
    model = Expression("1e-3 * 0.5**i", horizon=1000)
    with pytest.raises(BoundsError, match="horizon = 1000"):
        model.budget("0.9")
    with pytest.raises(BoundsError, match="horizon = 1000"):
        model.survival(1001)
    with pytest.raises(BoundsError, match="not known"):
        model.limit()
    assert model.describe()["limit"] is None
    # a constant formula has a known limit
    assert Expression("0").budget("0.5").unbounded
    assert Expression("0.25").limit() == 0.0


def test_expression_out_of_range_names_the_generation() -> None:
    with pytest.raises(ExpressionError, match=r"at i = 11 it gives 1.1"):
        Expression("0.1 * i")
    with pytest.raises(ExpressionError, match=r"at i = 1 it gives -0.1"):
        Expression("0.1 * (i - 2)")
    model = Expression("min(1, 1e-6 * i)", horizon=10**7)
    assert model.survival_exact(3) == Fraction(999999, 10**6) * Fraction(999998, 10**6) * Fraction(
        999997, 10**6
    )
    late = Expression("1e-9 * i", horizon=10**7)
    with pytest.raises(ExpressionError, match=r"at i = 1000000001|at i = 100000000[0-9]"):
        late.rate(np.array([1e9 + 1.0]))
    with pytest.raises(ExpressionError, match="i = 2000000000"):
        late.rate_mp(2 * 10**9, 20)


# -- properties ---------------------------------------------------------------------------------------

ratios = st.one_of(
    probabilities(min_value=Fraction(1, 100), max_value=Fraction(999, 1000), max_exponent=4),
    st.sampled_from([Fraction(1), Fraction(1001, 1000), Fraction(11, 10), Fraction(3, 2), Fraction(2)]),
)
small_epsilons = epsilons(min_value=Fraction(1, 10**12), max_value=Fraction(1, 2), max_exponent=12)


def schedules() -> st.SearchStrategy:
    return st.one_of(
        st.builds(Geometric, small_epsilons, ratios),
        st.builds(
            Power, epsilons(max_exponent=8), st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(3, 2), 2])
        ),
        st.builds(TwoRate, small_epsilons, small_epsilons, st.integers(1, 12)),
        st.builds(
            Rates,
            st.lists(epsilons(max_exponent=6), min_size=1, max_size=20),
            st.sampled_from(["repeat", "zero"]),
        ),
    )


@given(schedules(), generations(max_value=10**6), generations(max_value=10**6))
def test_survival_is_non_increasing(model, first: int, second: int) -> None:
    low, high = sorted((first, second))
    assert model.log_survival(low) >= model.log_survival(high)
    with mpmath.workdps(30):
        assert model.survival_mp(low, 20) >= model.survival_mp(high, 20) * (1 - mpmath.mpf(10) ** -18)


@given(schedules(), generations(max_value=10**5))
def test_float_and_mpmath_survival_agree(model, n: int) -> None:
    with mpmath.workdps(30):
        precise = model.survival_mp(n, 20)
    if precise > mpmath.mpf("1e-300"):
        assert model.survival(n) == pytest.approx(float(precise), rel=1e-9)
    elif precise == 0:
        assert model.survival(n) == 0.0


@given(schedules(), thresholds(max_exponent=6), thresholds(max_exponent=6))
def test_budget_is_non_increasing_in_threshold(model, first: Fraction, second: Fraction) -> None:
    low, high = sorted((first, second))
    at_low, at_high = model.budget(low), model.budget(high)
    if at_high.unbounded:
        assert at_low.unbounded
    elif not at_low.unbounded:
        assert at_low.n >= at_high.n


@given(small_epsilons, small_epsilons, ratios, thresholds(max_exponent=6))
@example(Fraction(1, 100), Fraction(1, 50), Fraction(1, 2), Fraction(99, 100))
def test_pointwise_larger_rates_give_no_larger_budget(
    first: Fraction, second: Fraction, ratio: Fraction, threshold: Fraction
) -> None:
    low, high = sorted((first, second))
    safer, riskier = (
        Geometric(epsilon1=low, ratio=ratio).budget(threshold),
        Geometric(high, ratio).budget(threshold),
    )
    assert safer.unbounded or (not riskier.unbounded and riskier.n <= safer.n)


@given(
    st.lists(st.tuples(epsilons(max_exponent=5), epsilons(max_exponent=5)), min_size=1, max_size=15),
    st.sampled_from(["repeat", "zero"]),
    thresholds(max_exponent=4),
)
def test_pointwise_larger_explicit_rates_give_no_larger_budget(pairs, tail: str, threshold: Fraction) -> None:
    safer = Rates([min(pair) for pair in pairs], tail=tail).budget(threshold)
    riskier = Rates([max(pair) for pair in pairs], tail=tail).budget(threshold)
    assert safer.unbounded or (not riskier.unbounded and riskier.n <= safer.n)


@given(schedules(), thresholds(max_exponent=8))
def test_certificate_rechecked_with_a_direct_product(model, threshold: Fraction) -> None:
    result = model.budget(threshold)
    if result.unbounded:
        # S(infinity) >= T: for the improving schedules check an independent lower bound on the limit
        if isinstance(model, Geometric) and model.ratio < 1 and model.epsilon1 > 0:
            count = 4000
            rates = geometric_rates(model.epsilon1, model.ratio, count)
            with mpmath.workdps(60):
                head = direct_product(rates, 60)
                low = head * (1 - mpf(rates[-1] * model.ratio) / (1 - mpf(model.ratio)))
                assume(abs(low - mpf(threshold)) > mpmath.mpf(10) ** -25)
                assert low >= mpf(threshold)
        return
    n = result.n
    assume(n <= 20_000)
    rates = [model.rate_exact(i) for i in range(1, n + 2)]
    assume(all(rate is not None for rate in rates))
    with mpmath.workdps(80):
        # the slack of 1e-70 only absorbs the rounding of the direct product at an exact tie
        assert direct_product(rates[:n], 80) >= mpf(threshold) * (1 - mpmath.mpf(10) ** -70)
        assert direct_product(rates, 80) < mpf(threshold) * (1 + mpmath.mpf(10) ** -70)
    exact_at = math.prod((1 - rate for rate in rates[:n]), start=Fraction(1)) if n < 300 else None
    if exact_at is not None:
        assert exact_at >= threshold > exact_at * (1 - rates[n])


# -- symbolic form ------------------------------------------------------------------------------------

SYMBOLIC_MODELS = [
    Geometric(epsilon1="0.01", ratio="0.5"),
    Geometric(epsilon1="0.2", ratio="1.5"),
    Power(epsilon1="0.3", exponent="1.5"),
    TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=4),
    Rates(["0.01", "0.02", "0.005"]),
    Rates(["0.01", "0.02"], tail="zero"),
    Rates([Fraction(k, 10**5) for k in range(1, 301)]),
    Expression("min(1, 1e-3 * exp(0.1 * i) + sqrt(i) / 1e4)"),
]


@pytest.mark.parametrize("model", SYMBOLIC_MODELS, ids=repr)
def test_symbolic_expression_agrees_with_numeric_survival(model) -> None:
    expression = model.symbolic()
    for n in (0, 1, 2, 5, 13, 40):
        with mpmath.workdps(40):
            assert relative(expression.evaluate(n, dps=40), model.survival_mp(n, 35)) < mpmath.mpf(10) ** -30


# -- Monte Carlo ----------------------------------------------------------------------------------------

MONTE_CARLO = [
    (Geometric(epsilon1="0.05", ratio="0.9"), [1, 5, 20, 100]),
    (Geometric(epsilon1="0.001", ratio="1.1"), [10, 40, 60, 72, 73]),
    (Power(epsilon1="0.2", exponent="0.7"), [1, 10, 100, 1000]),
    (TwoRate(epsilon_key="0.05", epsilon_other="0.002", key_every=5), [4, 5, 50, 300]),
    (Rates(["0.1", "0.05", "0.02"], tail="zero"), [1, 2, 3, 50]),
    (Expression("min(1, 0.002 * sqrt(i))"), [1, 10, 100, 400]),
]


@pytest.mark.parametrize(("model", "counts"), MONTE_CARLO, ids=lambda value: repr(value)[:40])
def test_monte_carlo_agrees_within_four_standard_errors(model, counts: list[int]) -> None:
    result = simulate(model, counts, trials=200_000, seed=2024)
    assert result.agrees_with(model.survival(counts), sigmas=4)


def test_monte_carlo_horizon_is_respected() -> None:
    model = Geometric(epsilon1="0.5", ratio="0.5")
    failures = model.sample_failure_generation(10_000, np.random.default_rng(1), horizon=3)
    assert set(np.unique(failures)) <= {1, 2, 3, np.iinfo(np.int64).max}


# -- specs and the CLI ----------------------------------------------------------------------------------


def test_registered_spec_names() -> None:
    assert {"geometric", "power", "two-rate", "rates", "expression"} <= set(registered())


@pytest.mark.parametrize("name", ["geometric", "power", "two-rate", "rates", "expression"])
def test_example_specs_load(name: str) -> None:
    model = load_spec(SPECS / f"{name}.toml")
    assert model.name == name


def test_spec_values() -> None:
    assert load_spec(SPECS / "geometric.toml") == Geometric(epsilon1="0.01", ratio="0.5")
    assert load_spec(SPECS / "two-rate.toml") == TwoRate(
        epsilon_key="0.01", epsilon_other="0.0001", key_every=10
    )
    rates = load_spec(SPECS / "rates.toml")
    assert rates.rates[0] == Fraction("0.004") and len(rates.rates) == 10 and rates.tail == "repeat"
    assert model_from_spec({"model": "power", "epsilon1": 0.001, "exponent": 2}) == Power("0.001", 2)
    assert model_from_spec({"model": "expression", "expr": "0.1", "horizon": "1e3"}).horizon == 1000


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"model": "geometric", "epsilon1": "0.01"}, "needs the field 'ratio'"),
        ({"model": "geometric", "epsilon1": "0.01", "ratio": "0.5", "ratoi": 1}, "unknown field"),
        ({"model": "geometric", "epsilon1": "1.5", "ratio": "0.5"}, r"epsilon1 must be in \[0, 1\]"),
        ({"model": "geometric", "epsilon1": "0.1", "ratio": "-0.5"}, "ratio must be a positive number"),
        ({"model": "power", "epsilon1": "0.1", "exponent": 0}, "exponent must be a positive number"),
        ({"model": "two-rate", "epsilon_key": "0.1", "epsilon_other": "0.1"}, "needs the field 'key_every'"),
        ({"model": "rates"}, "exactly one of the fields 'rates' or 'file'"),
        (
            {"model": "rates", "rates": ["0.1"], "file": "x.txt"},
            "exactly one of the fields 'rates' or 'file'",
        ),
        ({"model": "rates", "file": "missing.txt"}, "does not exist"),
        ({"model": "rates", "rates": "0.1"}, "rates must be a non-empty list"),
        ({"model": "expression"}, "needs the field 'expr'"),
        ({"model": "expression", "expr": "__import__('os')"}, "not allowed"),
        ({"model": "expression", "expr": "0.1", "horizon": 0}, "horizon must be a whole number >= 1"),
    ],
)
def test_bad_specs(tmp_path: Path, table: dict, message: str) -> None:
    with pytest.raises(BoundsError, match=message):
        model_from_spec(table, base_dir=tmp_path)


def test_spec_file_path_is_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "r.txt").write_text("0.1\n0.2\n")
    (tmp_path / "model.toml").write_text('model = "rates"\nfile = "data/r.txt"\ntail = "zero"\n')
    assert load_spec(tmp_path / "model.toml") == Rates(["0.1", "0.2"], tail="zero")
    (tmp_path / "bad.toml").write_text('model = "rates"\nfile = "data/r.txt"\ntail = "sometimes"\n')
    with pytest.raises(SpecError, match="tail must be 'repeat' or 'zero'"):
        load_spec(tmp_path / "bad.toml")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_geometric_spec_unbounded(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "budget", "--spec", str(SPECS / "geometric.toml"), "--threshold", "0.9", "--json"
    )
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["budget"] is None and data["unbounded"] is True and data["certified"] is True
    assert data["model"] == "geometric" and data["epsilon1"] == 0.01 and data["ratio"] == 0.5
    code, out, _ = run_cli(
        capsys, "budget", "--spec", str(SPECS / "geometric.toml"), "--threshold", "0.99", "--json"
    )
    assert json.loads(out)["budget"] == 1


@pytest.mark.parametrize(
    ("name", "threshold"), [("two-rate", "0.5"), ("rates", "0.9"), ("expression", "0.9"), ("power", "0.999")]
)
def test_cli_budgets_match_the_api(capsys: pytest.CaptureFixture[str], name: str, threshold: str) -> None:
    model = load_spec(SPECS / f"{name}.toml")
    code, out, err = run_cli(
        capsys, "budget", "--spec", str(SPECS / f"{name}.toml"), "--threshold", threshold, "--json"
    )
    assert code == 0 and err == ""
    assert json.loads(out)["budget"] == model.budget(threshold).n


def test_cli_two_rate_budget_by_brute_force(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "budget", "--spec", str(SPECS / "two-rate.toml"), "--threshold", "0.5", "--json"
    )
    expected = max(
        n
        for n in range(1000)
        if Fraction(99, 100) ** (n // 10) * Fraction(9999, 10000) ** (n - n // 10) >= Fraction(1, 2)
    )
    assert code == 0 and json.loads(out)["budget"] == expected


def test_cli_survival_with_spec(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "survival", "--spec", str(SPECS / "power.toml"), "--generations", "1e15", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["generations"] == 10**15
    assert data["survival"] == pytest.approx(Power("0.002", "1.5").survival(10**15), rel=1e-15)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("model = \"expression\"\nexpr = \"__import__('os').system('true')\"\n", "only calls of"),
        ('model = "expression"\nexpr = "9**9**9"\n', "constant exponent"),
        ('model = "expression"\nexpr = "log(-1)"\n', "at i = 1"),
        ('model = "geometric"\nepsilon1 = "0.01"\n', "needs the field 'ratio'"),
        ('model = "rates"\nfile = "nowhere.txt"\n', "does not exist"),
        ('model = "expression"\nexpr = "1e-3 * 0.5**i"\nhorizon = 100\n', "horizon = 100"),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    spec = tmp_path / "model.toml"
    spec.write_text(content)
    code, out, err = run_cli(capsys, "budget", "--spec", str(spec), "--threshold", "0.9")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("bounds: error:") and message in err
    assert "Traceback" not in err
