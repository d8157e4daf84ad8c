"""Schedule models: Geometric, Power, TwoRate, Rates, Expression.

Every expected value is computed here independently of the code under test:
direct products in mpmath at high precision, exact rational products, closed
forms (sin(pi x)/(pi x), Gamma-function ratios, q-Pochhammer enclosures), the
reference file, or Monte Carlo with a stated tolerance.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from bounds import Expression, Geometric, Power, Rates, TwoRate
from bounds.errors import BoundsError, ExpressionError, ParameterError, SpecError
from bounds.testing.strategies import epsilons, generations, models, probabilities, thresholds
from tests.conftest import load_reference


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


@pytest.mark.slow
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


@pytest.mark.slow
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
    # 3**-50 * 3**(i-1) reaches 1 exactly at i = 51; 4 * 3**-50 * 3**(i-1) first exceeds 1 at i = 50
    assert Geometric(epsilon1=Fraction(1, 3**50), ratio=3).rate_exact(51) == 1
    assert Geometric(epsilon1=Fraction(1, 3**50), ratio=3).survival_exact(50) > 0
    assert Geometric(epsilon1=Fraction(1, 3**50), ratio=3).survival_exact(51) == 0
    assert Geometric(epsilon1=Fraction(4, 3**50), ratio=3).survival_exact(49) > 0
    assert Geometric(epsilon1=Fraction(4, 3**50), ratio=3).survival(50) == 0
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


@pytest.mark.slow
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


def test_power_harmonic_budget_with_thirty_digits_against_gamma_ratio() -> None:
    # S(N) = Gamma(N + 0.99) / (Gamma(0.99) Gamma(N + 1)) ~ N**-0.01 / Gamma(0.99): N* is about 7e29
    result = Power(epsilon1="0.01", exponent=1).budget("0.5")
    with mpmath.workdps(80):
        e = mpf("0.01")

        def closed(n: int) -> mpmath.mpf:
            return mpmath.exp(mpmath.loggamma(n + 1 - e) - mpmath.loggamma(1 - e) - mpmath.loggamma(n + 1))

        assert closed(result.n) >= mpf("0.5") > closed(result.n + 1)
    assert len(str(result.n)) == 30


def test_power_refuses_budgets_beyond_two_to_the_thousand() -> None:
    # S(N) ~ N**-0.00021 / Gamma(0.99979): T = 5.32e-4 needs N ~ exp(35900), a 15600-digit budget
    with pytest.raises(BoundsError, match=r"exceeds 2\*\*1000 generations"):
        Power(epsilon1="0.00021", exponent=1).budget(Fraction(133, 250000))
    # at T = 0.227 the budget exp(ln(0.227 Gamma(0.99979)) / -0.00021) is about 10**3065: refused as well
    with pytest.raises(BoundsError, match="exceeds"):
        Power(epsilon1="0.00021", exponent=1).budget("0.227")
    assert Power(epsilon1="0.01", exponent=1).budget("0.5").n is not None


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


@pytest.mark.slow
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
    with pytest.raises(SpecError, match="rates.txt line 2: a rate must be a decimal number"):
        Rates.from_file(path)
    path.write_text("0.01\n\n1.5\n")
    # the line itself is not quoted: a spec's `file =` may name any file (issue 11)
    with pytest.raises(SpecError, match=r"line 3: a rate must be in \[0, 1\]$"):
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
    """The public strategies of bounds.testing for the closed-form schedule families.

    They keep budgets within the solver's reach (a power law with s = 1 and epsilon1 = 1e-8
    has a budget near 10**(10**8) at T = 0.5, which no one can certify).
    """
    return st.one_of(*(models(name) for name in ("geometric", "power", "two-rate", "rates")))


@pytest.mark.slow
@given(schedules(), generations(max_value=10**6), generations(max_value=10**6))
def test_survival_is_non_increasing(model, first: int, second: int) -> None:
    low, high = sorted((first, second))
    assert model.log_survival(low) >= model.log_survival(high)
    with mpmath.workdps(30):
        assert model.survival_mp(low, 20) >= model.survival_mp(high, 20) * (1 - mpmath.mpf(10) ** -18)


@pytest.mark.slow
@given(schedules(), generations(max_value=10**5))
def test_float_and_mpmath_survival_agree(model, n: int) -> None:
    with mpmath.workdps(30):
        precise = model.survival_mp(n, 20)
    if precise > mpmath.mpf("1e-300"):
        assert model.survival(n) == pytest.approx(float(precise), rel=1e-9)
    elif precise == 0:
        assert model.survival(n) == 0.0


def budget_within_range(model, threshold: Fraction):
    """The budget, discarding the documented refusal of power-law budgets beyond 2**1000 generations."""
    try:
        return model.budget(threshold)
    except BoundsError as error:
        assume("exceeds 2**1000 generations" not in str(error))
        raise


@pytest.mark.slow
@given(schedules(), thresholds(max_exponent=6), thresholds(max_exponent=6))
@example(Power(epsilon1="0.00021", exponent=1), Fraction(227, 1000), Fraction(133, 250000))
def test_budget_is_non_increasing_in_threshold(model, first: Fraction, second: Fraction) -> None:
    low, high = sorted((first, second))
    at_low, at_high = budget_within_range(model, low), budget_within_range(model, high)
    if at_high.unbounded:
        assert at_low.unbounded
    elif not at_low.unbounded:
        assert at_low.n >= at_high.n


@pytest.mark.slow
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


@pytest.mark.slow
@given(schedules(), thresholds(max_exponent=8))
def test_certificate_rechecked_with_a_direct_product(model, threshold: Fraction) -> None:
    result = budget_within_range(model, threshold)
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
    with mpmath.workdps(80):
        factors = [1 - rate for rate in independent_rates(model, n + 1)]
        at, after = mpmath.fprod(factors[:n]), mpmath.fprod(factors)
        # the slack of 1e-70 only absorbs the rounding of the direct product at an exact tie
        assert at >= mpf(threshold) * (1 - mpmath.mpf(10) ** -70)
        assert after < mpf(threshold) * (1 + mpmath.mpf(10) ** -70)
    if n < 300 and not (isinstance(model, Power) and Fraction(model.exponent).denominator != 1):
        exact = independent_rates(model, n + 1, exact=True)
        exact_at = math.prod((1 - rate for rate in exact[:n]), start=Fraction(1))
        assert exact_at >= threshold > exact_at * (1 - exact[n])


def independent_rates(model, count: int, exact: bool = False) -> list:
    """epsilon_1..epsilon_count from the model's parameters, as mpf (current precision) or Fractions."""
    number = Fraction if exact else mpf
    if isinstance(model, Geometric):
        rates, rate = [], number(model.epsilon1)
        for _ in range(count):
            rates.append(min(number(1), rate))
            rate *= number(model.ratio)
        return rates
    if isinstance(model, Power):
        s = Fraction(model.exponent)
        if exact:
            return [Fraction(model.epsilon1) / Fraction(i) ** int(s) for i in range(1, count + 1)]
        return [mpf(model.epsilon1) * mpmath.power(i, -mpf(s)) for i in range(1, count + 1)]
    if isinstance(model, TwoRate):
        return [
            number(model.epsilon_key if i % model.key_every == 0 else model.epsilon_other)
            for i in range(1, count + 1)
        ]
    assert isinstance(model, Rates)
    tail = model.rates[-1] if model.tail == "repeat" else 0
    return [number(model.rates[i - 1] if i <= len(model.rates) else tail) for i in range(1, count + 1)]
