"""``check_claim``: a quoted S(N) checked at the precision its digits state, against exact rationals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import mpmath
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import bounds
from bounds.errors import ParameterError
from bounds.models.exchangeable import BetaMixture
from bounds.numeric.stated import stated_probability
from bounds.solve.claim import check_claim


def exact_survival(epsilon: Fraction, n: int) -> Fraction:
    return (1 - epsilon) ** n


def rounds_to(value: Fraction, stated: str) -> bool:
    """Whether ``value`` rounds half up to ``stated``, decided with Decimal at the stated places (independent)."""
    percent = stated.endswith("%")
    digits = Decimal(stated.rstrip("%"))
    scaled = value * (100 if percent else 1)
    # floor(scaled * 10**places + 1/2) == digits * 10**places, in exact integers
    places = -digits.as_tuple().exponent
    target = int(digits.scaleb(places))
    return (scaled * 10**places + Fraction(1, 2)).__floor__() == target


def test_the_seed_example() -> None:
    claim = check_claim(p="0.999", generations=500, survival="60.5%")
    assert not claim.consistent
    assert claim.consistent_generations == range(502, 504)
    data = claim.to_dict()
    assert data["consistent"] is False and data["generations"] == [502, 503]
    assert data["stated"] == "0.605" and data["stated_interval"] == ["0.6045", "0.6055"]
    assert data["survival"] == pytest.approx(float(exact_survival(Fraction(1, 1000), 500)), rel=1e-15)
    assert check_claim(p="0.999", generations=50, survival="95.12%").consistent
    assert check_claim(p="0.999", generations=500, survival="0.6064").consistent  # DESIGN: 0.999^500 = 0.6064


def test_ties_at_the_ends_of_the_stated_interval_round_half_up() -> None:
    # S(2) = 0.5**2 = 0.25 exactly: it rounds (half up) to 0.3, not to 0.2
    upper = check_claim(epsilon="0.5", generations=2, survival="0.3")
    lower = check_claim(epsilon="0.5", generations=2, survival="0.2")
    assert upper.consistent and not lower.consistent
    assert upper.first == upper.last == 2 and lower.first is None
    assert upper.p_range == ("0.5", "0.591607978309962")  # sqrt(0.35) = 0.59160797830996160..., rounded up
    assert mpmath.mpf(upper.p_range[1]) > mpmath.sqrt(mpmath.mpf("0.35"))
    # 0.9**2 == 0.81 exactly: the float formula's trap
    assert check_claim(p=0.9, generations=2, survival="0.81").consistent


def test_ends_of_the_probability_range() -> None:
    never = check_claim(epsilon="0.001", generations=5000, survival="0%")
    assert never.consistent is False and never.last is None  # S(5000) = 0.0067 rounds to 1%
    assert never.first == 5296 and rounds_to(exact_survival(Fraction(1, 1000), 5296), "0%")
    assert not rounds_to(exact_survival(Fraction(1, 1000), 5295), "0%")
    assert never.to_dict()["generations"] == [5296, None]
    perfect = check_claim(epsilon="0", generations=7, survival="100%")
    assert perfect.consistent and perfect.first == 0 and perfect.last is None
    assert check_claim(epsilon="0", generations=7, survival="99%").first is None
    assert check_claim(epsilon="0.3", generations=0, survival="1").p_range == ("0", "1")


def test_a_general_model_has_no_p_range_but_its_generations() -> None:
    model = BetaMixture(mean="0.001", rho="0.01")
    stated = "70%"
    claim = check_claim(model, 1000, stated)
    assert claim.p_range is None and claim.to_dict()["p_range"] is None
    with mpmath.workdps(40):  # S(N) = B(a, b + N) / B(a, b), the closed form of DESIGN §4
        a, b = (mpmath.mpf(value.numerator) / value.denominator for value in (model.a, model.b))

        def survival(n: int) -> mpmath.mpf:
            return mpmath.exp(mpmath.log(mpmath.beta(a, b + n)) - mpmath.log(mpmath.beta(a, b)))

        for n in (claim.first - 1, claim.first, claim.last, claim.last + 1):
            inside = mpmath.mpf("0.695") <= survival(n) < mpmath.mpf("0.705")
            assert inside == (claim.first <= n <= claim.last)
        assert claim.consistent == (mpmath.mpf("0.695") <= survival(1000) < mpmath.mpf("0.705"))


def test_long_runs_of_generations_are_given_as_first_and_last() -> None:
    data = check_claim(epsilon="1e-9", generations=10**8, survival="90%").to_dict()
    assert data["generations_count"] > 20
    assert data["generations"] == [data["generations_first"], data["generations_last"]]
    # S(N) = (1 - 1e-9)**N in [0.895, 0.905): N from ceil(ln 0.905 / ln(1 - 1e-9)) to floor(ln 0.895 / ...)
    with mpmath.workdps(40):
        log_keep = mpmath.log1p(mpmath.mpf("-1e-9"))
        assert data["generations_first"] == int(mpmath.floor(mpmath.log(mpmath.mpf("0.905")) / log_keep)) + 1
        assert data["generations_last"] == int(mpmath.floor(mpmath.log(mpmath.mpf("0.895")) / log_keep))


@given(
    numerator=st.integers(1, 500),
    n=st.integers(0, 3000),
    offset=st.integers(-3, 3),
    places=st.integers(0, 4),
    percent=st.booleans(),
)
@example(numerator=10, n=500, offset=2, places=1, percent=True)  # the seed: 60.5% is S(502)
def test_listed_generations_round_to_the_statement_and_their_neighbours_do_not(
    numerator: int, n: int, offset: int, places: int, percent: bool
) -> None:
    epsilon = Fraction(numerator, 10_000)
    near = exact_survival(epsilon, max(0, n + offset)) * (100 if percent else 1)
    context = Context(prec=80)
    quoted = context.divide(Decimal(near.numerator), Decimal(near.denominator))
    stated = str(quoted.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)) + ("%" if percent else "")
    claim = check_claim(epsilon=str(epsilon.numerator / Decimal(epsilon.denominator)), generations=n, survival=stated)
    assert claim.consistent == rounds_to(exact_survival(epsilon, n), stated)
    if claim.first is None:
        assert not claim.consistent
        return
    if claim.last is None:  # S(N) -> 0 for epsilon > 0: only a statement that 0 rounds to holds for ever
        assert rounds_to(Fraction(0), stated)
        last = claim.first + 1000
    else:
        last = claim.last
    inside = [claim.first, last] + list(range(claim.first, min(last, claim.first + 30) + 1))
    for m in inside:
        assert rounds_to(exact_survival(epsilon, m), stated), (m, stated)
    if claim.first > 0:
        assert not rounds_to(exact_survival(epsilon, claim.first - 1), stated)
    if claim.last is not None:
        assert not rounds_to(exact_survival(epsilon, claim.last + 1), stated)
    assert claim.consistent == (claim.first <= n and (claim.last is None or n <= claim.last))


@given(numerator=st.integers(1, 999), n=st.integers(1, 2000), places=st.integers(1, 4))
def test_p_range_encloses_the_exact_roots(numerator: int, n: int, places: int) -> None:
    p = Fraction(1000 - numerator, 1000)
    with mpmath.workdps(60):
        value = mpmath.mpf(p.numerator) / p.denominator
        stated = mpmath.nstr(value**n, places + 2, min_fixed=-mpmath.inf, max_fixed=mpmath.inf)
    stated = str(Decimal(stated).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    claim = check_claim(p=str(p.numerator / Decimal(p.denominator)), generations=n, survival=stated)
    interval = stated_probability(stated)
    if claim.p_range is None:
        pytest.fail(f"no p range for {stated}")
    lower, upper = (Fraction(Decimal(end)) for end in claim.p_range)
    # outward: lower**n <= low and upper**n >= high (exact), and within 1e-13 of the true roots
    assert interval.low <= 0 or lower**n <= interval.low
    assert interval.high > 1 or upper**n >= interval.high
    with mpmath.workdps(60):
        for end, target in ((lower, interval.low), (upper, interval.high)):
            if 0 < target <= 1:
                root = mpmath.root(mpmath.mpf(target.numerator) / target.denominator, n)
                assert abs(mpmath.mpf(end.numerator) / end.denominator - root) <= 1e-13 * root


@pytest.mark.parametrize("text", ["abc", "60.5%%", "-1%", "1.5", "101%", "nan", "inf", "", "%", "1_0%"])
def test_bad_statements_name_survival_and_the_valid_forms(text: str) -> None:
    with pytest.raises(ParameterError, match=r"^survival must be a probability in \[0, 1\] as a decimal"):
        check_claim(epsilon="0.001", generations=10, survival=text)


def test_stated_precision_comes_from_the_digits() -> None:
    assert stated_probability("6.05e-1").unit == Fraction(1, 1000)
    assert stated_probability("60.50%").unit == Fraction(1, 10000)
    assert stated_probability(0.605).unit == Fraction(1, 1000)  # a float means the decimal it prints as
    with pytest.raises(ParameterError):
        stated_probability(Fraction(121, 200))  # no digits, so no stated precision


def test_exported_and_rejects_two_models() -> None:
    assert bounds.check_claim is check_claim
    with pytest.raises(ParameterError):
        check_claim(bounds.Independent(epsilon="0.1"), 3, "0.73", p="0.9")


def test_p_range_near_one_resolves_one_minus_p() -> None:
    claim = check_claim(epsilon="1e-300", generations=10**300, survival="36.79%")
    assert claim.consistent  # (1 - 1e-300)**1e300 = exp(-1) (1 + O(1e-300)) = 0.367879...
    with mpmath.workdps(700):
        lower, upper = (mpmath.mpf(end) for end in claim.p_range)
        for end, target, side in ((lower, "0.36785", -1), (upper, "0.36795", 1)):
            root = mpmath.exp(mpmath.log(mpmath.mpf(target)) / mpmath.mpf(10) ** 300)
            assert (end - root) * side >= 0  # outward
            assert abs((1 - end) - (1 - root)) <= 1e-14 * (1 - root)  # 15 digits of 1 - p survive


def test_survival_far_below_the_stated_unit() -> None:
    claim = check_claim(epsilon="0.001", generations=10**400, survival="0%")
    assert claim.consistent and claim.first == 5296 and claim.last is None
    assert "rounds to 0%" in str(claim)
