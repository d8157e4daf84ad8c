"""PersistentUnsafe: exact brute force, the geometric-floor acceptance case, properties, bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bounds import BoundsError, Independent, ParameterError, PersistentUnsafe, SpecError, model_from_spec
from bounds.batch.simulate import simulate
from bounds.testing.strategies import epsilons, thresholds
from tests.models._geometric_double import GeometricDouble

GEOMETRIC = {"epsilon1": Fraction(1, 100), "ratio": Fraction(1, 2)}


def brute_survival(rate, floor, n: int, mode: str = "floor") -> Fraction:
    """prod (1 - eps_i') with exact Fractions, independent of the code under test."""
    value = Fraction(1)
    for i in range(1, n + 1):
        epsilon, delta = rate(i), floor(i)
        value *= 1 - (max(epsilon, delta) if mode == "floor" else 1 - (1 - epsilon) * (1 - delta))
    return value


def brute_budget(rate, floor, threshold: Fraction, mode: str = "floor", limit: int = 5000) -> int:
    value, n = Fraction(1), 0
    while n < limit:
        i = n + 1
        epsilon, delta = rate(i), floor(i)
        step = 1 - (max(epsilon, delta) if mode == "floor" else 1 - (1 - epsilon) * (1 - delta))
        if value * step < threshold:
            return n
        value, n = value * step, n + 1
    raise AssertionError("budget beyond the brute-force limit")


def geometric_rate(epsilon1: Fraction, ratio: Fraction):
    return lambda i: min(Fraction(1), epsilon1 * ratio ** (i - 1))


def constant(value: Fraction):
    return lambda i: value


@pytest.mark.parametrize("trend", ["nonincreasing", None])
def test_geometric_floor_acceptance(trend: str | None) -> None:
    # eps_i = 0.01 * 0.5**(i-1): S(inf) = (0.01; 0.5)_inf = 0.98013 >= 0.9, unbounded ...
    base = GeometricDouble(**GEOMETRIC, trend=trend)
    unfloored = base.budget("0.9")
    assert unfloored.unbounded
    assert base.limit() == pytest.approx(0.980132952888561291931699786736, rel=1e-12)
    # ... and finite under a floor delta = 0.001, with the exact budget
    model = PersistentUnsafe(base, "0.001")
    result = model.budget("0.9")
    expected = brute_budget(geometric_rate(**GEOMETRIC), constant(Fraction(1, 1000)), Fraction(9, 10))
    assert result.n == expected == 90
    assert result.certified
    # the cap floor(ln T / ln(1 - delta)), certified, reported beside the budget
    assert model.cap("0.9").n == math.floor(math.log(0.9) / math.log1p(-0.001)) == 105
    assert model.cap("0.9").certified
    record = result.to_dict()
    assert (record["budget"], record["cap"], record["cap_unbounded"]) == (90, 105, False)
    assert model.limit() == 0 and model.limit_exact() == 0


def test_structured_and_direct_paths_agree_with_brute_force() -> None:
    structured = PersistentUnsafe(GeometricDouble(**GEOMETRIC, trend="nonincreasing"), "0.001")
    direct = PersistentUnsafe(GeometricDouble(**GEOMETRIC), "0.001")
    assert structured._layout_kind == "base-then-floor" and direct._layout_kind == "direct"
    counts = np.array([0, 1, 3, 4, 5, 50, 200, 1000])
    np.testing.assert_allclose(
        structured.log_survival(counts), direct.log_survival(counts), rtol=1e-13, atol=1e-15
    )
    rate, floor = geometric_rate(**GEOMETRIC), constant(Fraction(1, 1000))
    for n in (1, 4, 5, 77):
        exact = brute_survival(rate, floor, n)
        assert structured.survival_exact(n) == exact == direct.survival_exact(n)
        with mpmath.workdps(50):
            truth = mpmath.mpf(exact.numerator) / exact.denominator
            assert abs(structured.survival_mp(n, 40) / truth - 1) < mpmath.mpf(10) ** -40
            assert abs(direct.survival_mp(n, 40) / truth - 1) < mpmath.mpf(10) ** -40
        assert float(structured.log_survival(n)) == pytest.approx(math.log(exact), rel=1e-13, abs=1e-16)


def test_large_n_uses_the_switch_index() -> None:
    model = PersistentUnsafe(GeometricDouble(**GEOMETRIC, trend="nonincreasing"), "0.001")
    n = 10**15
    # eps_i > 0.001 exactly for i <= 4 (0.01 * 0.5**3 = 0.00125, 0.01 * 0.5**4 = 0.000625)
    head = brute_survival(geometric_rate(**GEOMETRIC), constant(Fraction(0)), 4)
    with mpmath.workdps(40):
        expected = mpmath.log(mpmath.mpf(head.numerator) / head.denominator) + (n - 4) * mpmath.log1p(
            -mpmath.mpf("0.001")
        )
        assert float(model.log_survival(n)) == pytest.approx(float(expected), rel=1e-14)
        assert abs(mpmath.log(model.survival_mp(n, 30)) / expected - 1) < mpmath.mpf(10) ** -28


@pytest.mark.slow
def test_rising_base_under_a_constant_floor() -> None:
    # eps_i = 0.001 * 1.01**(i-1) rises through delta = 0.005: floor first, then the base
    rising = {"epsilon1": Fraction(1, 1000), "ratio": Fraction(101, 100)}
    structured = PersistentUnsafe(GeometricDouble(**rising, trend="nondecreasing"), "0.005")
    direct = PersistentUnsafe(GeometricDouble(**rising), "0.005")
    assert structured._layout_kind == "floor-then-base"
    rate, floor = geometric_rate(**rising), constant(Fraction(5, 1000))
    for n in (1, 100, 162, 163, 300):
        assert structured.survival_exact(n) == brute_survival(rate, floor, n)
    counts = np.array([0, 10, 162, 163, 400])
    np.testing.assert_allclose(structured.log_survival(counts), direct.log_survival(counts), rtol=1e-12)
    assert structured.budget("0.5").n == direct.budget("0.5").n == brute_budget(rate, floor, Fraction(1, 2))


def test_non_monotone_base_is_summed_term_by_term() -> None:
    class Alternating(GeometricDouble):
        """Key generations (every third) carry 0.02, the rest 0.0001: no monotone structure."""

        def rate_exact(self, i):
            return Fraction(2, 100) if int(i) % 3 == 0 else Fraction(1, 10000)

        def rate(self, i):
            i = np.asarray(i, dtype=np.float64)
            return np.where(i % 3 == 0, 0.02, 0.0001)

        def rate_mp(self, i, dps):
            with mpmath.workdps(dps):
                return mpmath.mpf("0.02") if int(i) % 3 == 0 else mpmath.mpf("0.0001")

    model = PersistentUnsafe(Alternating(Fraction(0), Fraction(1)), "0.001")
    assert model._layout_kind == "direct"
    rate = Alternating(Fraction(0), Fraction(1)).rate_exact
    floor = constant(Fraction(1, 1000))
    for n in (1, 2, 3, 10, 301):
        assert model.survival_exact(n) == brute_survival(rate, floor, n)
        assert float(model.log_survival(n)) == pytest.approx(
            math.log(brute_survival(rate, floor, n)), rel=1e-13
        )
    assert model.budget("0.5").n == brute_budget(rate, floor, Fraction(1, 2))


@pytest.mark.parametrize("mode", ["floor", "additive"])
def test_growing_floor(mode: str) -> None:
    base = GeometricDouble(**GEOMETRIC, trend="nonincreasing")
    model = PersistentUnsafe(base, "0.001", mode=mode, growth="1.5")
    # 0.001 * 1.5**17 = 0.985 < 1 <= 0.001 * 1.5**18: the floor is certain from generation 19
    assert model.first_certain == 19
    rate = geometric_rate(**GEOMETRIC)
    floor = lambda i: min(Fraction(1), Fraction(1, 1000) * Fraction(3, 2) ** (i - 1))  # noqa: E731
    for n in (1, 5, 18, 19, 40):
        assert model.survival_exact(n) == brute_survival(rate, floor, n, mode)
    assert model.survival(19) == 0 and model.survival_mp(25, 20) == 0
    assert float(model.log_survival(18)) == pytest.approx(
        math.log(brute_survival(rate, floor, 18, mode)), rel=1e-13
    )
    assert model.budget("0.5").n == brute_budget(rate, floor, Fraction(1, 2), mode)
    assert model.cap("0.5").n == brute_budget(constant(Fraction(0)), floor, Fraction(1, 2))


def test_additive_mode_factorises() -> None:
    model = PersistentUnsafe(Independent(epsilon="0.01"), "0.001", mode="additive")
    n = 10**12
    expected = n * (math.log1p(-0.01) + math.log1p(-0.001))
    assert float(model.log_survival(n)) == pytest.approx(expected, rel=1e-14)
    assert model.survival_exact(30) == (Fraction(99, 100) * Fraction(999, 1000)) ** 30
    assert model.rate_exact(1) == 1 - Fraction(99, 100) * Fraction(999, 1000)
    # additive equals Independent at the combined rate
    combined = Independent(epsilon=1 - Fraction(99, 100) * Fraction(999, 1000))
    assert model.budget("0.5").n == combined.budget("0.5").n


def test_wrappers_nest_and_zero_mass_is_the_base() -> None:
    base = GeometricDouble(**GEOMETRIC, trend="nonincreasing")
    assert PersistentUnsafe(base, 0).budget("0.9").unbounded
    inner = PersistentUnsafe(base, "0.0005")
    outer = PersistentUnsafe(inner, "0.001")
    assert outer.rate_trend() == "nonincreasing"
    assert outer.budget("0.9").n == PersistentUnsafe(base, "0.001").budget("0.9").n


def test_symbolic_agrees_with_numeric() -> None:
    for model in (
        PersistentUnsafe(GeometricDouble(**GEOMETRIC), "0.001"),
        PersistentUnsafe(Independent(epsilon="0.01"), "0.001", mode="additive"),
        PersistentUnsafe(GeometricDouble(**GEOMETRIC), "0.001", growth="1.5"),
        PersistentUnsafe(Independent(epsilon="0.0001"), "0.001"),
    ):
        expression = model.symbolic()
        for n in (1, 7, 12):
            with mpmath.workdps(30):
                assert abs(expression.evaluate(n, 30) / model.survival_mp(n, 25) - 1) < mpmath.mpf(10) ** -20


@pytest.mark.parametrize("mode", ["floor", "additive"])
def test_monte_carlo_agrees(mode: str) -> None:
    model = PersistentUnsafe(
        GeometricDouble(Fraction(1, 20), Fraction(9, 10), "nonincreasing"), "0.01", mode=mode
    )
    generations = [1, 5, 20, 60, 150]
    result = simulate(model, generations, trials=100_000, seed=3)
    assert result.agrees_with(model.survival(generations), sigmas=4)


def _budget_or_inf(result) -> float:
    return math.inf if result.n is None else result.n


@given(
    epsilons(max_exponent=12),
    epsilons(min_value=Fraction(1, 10**12), max_exponent=12),
    thresholds(max_exponent=6),
    st.sampled_from(["floor", "additive"]),
)
@example(Fraction(1, 1000), Fraction(1, 1000), Fraction(605, 1000), "floor")  # a tie: eps == delta
@example(1 - Fraction(1, 10**5), 1 - Fraction(1, 10**12), Fraction(1), "additive")  # float(eps') rounds to 1
def test_a_floor_never_increases_a_budget_and_the_cap_holds(epsilon, delta, threshold, mode) -> None:
    base = Independent(epsilon=epsilon)
    model = PersistentUnsafe(base, delta, mode=mode)
    result = model.budget(threshold)
    assert _budget_or_inf(result) <= _budget_or_inf(base.budget(threshold))
    cap = model.cap(threshold)
    assert not result.unbounded and result.n <= cap.n


@pytest.mark.slow
@given(
    epsilons(max_exponent=5).map(lambda value: value / 10 + Fraction(1, 10**6)),
    st.sampled_from([Fraction(1, 2), Fraction(9, 10), Fraction(99, 100), Fraction(101, 100)]),
    epsilons(max_exponent=5).map(lambda value: value / 10 + Fraction(1, 10**5)),
    thresholds(max_exponent=2),
)
def test_a_floor_never_increases_a_geometric_budget(epsilon1, ratio, delta, threshold) -> None:
    trend = "nonincreasing" if ratio < 1 else "nondecreasing"
    base = GeometricDouble(epsilon1, ratio, trend)
    model = PersistentUnsafe(base, delta)
    result = model.budget(threshold)
    assert result.n <= _budget_or_inf(base.budget(threshold))
    assert result.n <= model.cap(threshold).n


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((Independent(epsilon="0.01"), "1.5"), ParameterError, r"mass must be in \[0, 1\], got '1.5'"),
        (
            (Independent(epsilon="0.01"), "0.001", "max"),
            ParameterError,
            "mode must be 'floor' or 'additive', got 'max'",
        ),
        ((Independent(epsilon="0.01"), "0.001", "floor", "0.5"), ParameterError, "growth must be >= 1"),
        (
            (Independent(epsilon="0.01"), "0.001", "floor", "-2"),
            ParameterError,
            "growth must be a positive number",
        ),
        ((object(), "0.001"), ParameterError, "base must be a schedule-like model"),
        ((Independent(epsilon="0.01"), float("nan")), ParameterError, "mass must be a finite number"),
    ],
)
def test_bad_input_is_named(arguments, error, message) -> None:
    with pytest.raises(error, match=message):
        PersistentUnsafe(*arguments)


def test_spec_with_base_table(tmp_path) -> None:
    spec = {
        "model": "persistent-unsafe",
        "mass": "0.001",
        "mode": "floor",
        "base": {"model": "independent", "epsilon": "0.0001"},
    }
    model = model_from_spec(spec)
    assert model.budget("0.9").n == 105
    with pytest.raises(SpecError, match=r"spec.base: unknown field\(s\) 'epsilom'"):
        model_from_spec({**spec, "base": {"model": "independent", "epsilon": "0.1", "epsilom": "1"}})
    with pytest.raises(SpecError, match="'base' must be a table"):
        model_from_spec({**spec, "base": "independent"})
    with pytest.raises(SpecError, match="needs the field 'base'"):
        model_from_spec({"model": "persistent-unsafe", "mass": "0.001"})


def test_direct_path_refuses_beyond_its_limit() -> None:
    model = PersistentUnsafe(GeometricDouble(**GEOMETRIC), "0.001")
    with pytest.raises(BoundsError, match="term by term exceeds the limit"):
        model.log_survival(10**12)
    with pytest.raises(BoundsError, match="needs 1000000000000 rate evaluations"):
        model.survival_mp(10**12, 20)


# -- with the real schedule models ------------------------------------------------------------------


def test_real_geometric_acceptance_case() -> None:
    from bounds import Geometric

    base = Geometric(epsilon1="0.01", ratio="0.5")
    assert base.budget("0.9").unbounded
    assert base.limit() == pytest.approx(0.980132952888561291931699786736, rel=1e-12)
    model = PersistentUnsafe(base, "0.001")
    assert model._layout_kind == "base-then-floor"
    result = model.budget("0.9")
    assert (
        result.n
        == brute_budget(geometric_rate(**GEOMETRIC), constant(Fraction(1, 1000)), Fraction(9, 10))
        == 90
    )
    assert result.certified
    assert model.cap("0.9").n == 105
    assert result.to_dict()["cap"] == 105
    # agrees with the test double everywhere, also at N = 1e15
    double = PersistentUnsafe(GeometricDouble(**GEOMETRIC, trend="nonincreasing"), "0.001")
    counts = np.array([0, 1, 4, 5, 90, 10**6, 10**15])
    np.testing.assert_allclose(
        model.log_survival(counts), double.log_survival(counts), rtol=1e-13, atol=1e-15
    )


def test_real_schedules_under_a_floor_match_brute_force() -> None:
    from bounds import Geometric, Power, Rates, TwoRate

    floor = constant(Fraction(1, 500))
    cases = [
        (Geometric(epsilon1="0.001", ratio="1.01"), geometric_rate(Fraction(1, 1000), Fraction(101, 100))),
        (Power(epsilon1="0.05", exponent="2"), None),
        (Rates(["0.01", "0.004", "0.0005"]), None),
        (TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=7), None),
    ]
    for base, known_rate in cases:
        rate = known_rate or base.rate_exact
        for mode in ("floor", "additive"):
            model = PersistentUnsafe(base, "0.002", mode=mode)
            assert model.budget("0.5").n == brute_budget(rate, floor, Fraction(1, 2), mode)
            assert model.survival_exact(150) == brute_survival(rate, floor, 150, mode)


def test_two_rate_keeps_its_closed_form_under_a_floor() -> None:
    from bounds import TwoRate

    model = PersistentUnsafe(TwoRate(epsilon_key="0.01", epsilon_other="0.0001", key_every=10), "0.001")
    assert model._layout_kind == "equivalent"
    n = 10**15
    keys = n // 10
    expected = keys * math.log1p(-0.01) + (n - keys) * math.log1p(-0.001)
    assert float(model.log_survival(n)) == pytest.approx(expected, rel=1e-13)


# -- the kernel: balls against exact products, the cap at every threshold, budgets rechecked --------------

import flint  # noqa: E402

from bounds import Geometric, TwoRate  # noqa: E402
from bounds.numeric.contexts import BallContext  # noqa: E402
from bounds.testing.strategies import models  # noqa: E402
from tests.models._truths import assert_encloses, mp, product, sign_against  # noqa: E402


def _log_of(value: Fraction) -> mpmath.mpf:
    with mpmath.workdps(120):
        return mpmath.log(mp(value)) if value > 0 else mpmath.mpf("-inf")


def _scaled(largest: int, fewest: int, most: int) -> st.SearchStrategy[Fraction]:
    """``m / 10**k`` generated inside its range (nothing filtered)."""
    return st.builds(lambda m, k: Fraction(m, 10**k), st.integers(1, largest), st.integers(fewest, most))


@given(
    _scaled(499, 3, 6),
    st.sampled_from([Fraction(1, 2), Fraction(9, 10), Fraction(1), Fraction(101, 100)]),
    _scaled(99, 2, 5),
    st.sampled_from(["floor", "additive"]),
    st.sampled_from([None, Fraction(3, 2)]),
    st.integers(0, 120),
)
@example(Fraction(1, 100), Fraction(1, 2), Fraction(1, 1000), "floor", None, 90)
def test_ball_encloses_the_exact_product_and_shrinks(epsilon1, ratio, delta, mode, growth, n) -> None:
    base = GeometricDouble(epsilon1, ratio, "nonincreasing" if ratio <= 1 else "nondecreasing")
    model = PersistentUnsafe(base, delta, mode=mode, growth=growth)
    if growth is None:
        floor = constant(delta)
    else:
        floor = lambda i: min(Fraction(1), delta * growth ** (i - 1))  # noqa: E731
    truth = _log_of(brute_survival(geometric_rate(epsilon1, ratio), floor, n, mode))

    def ball_at(prec: int) -> flint.arb:
        with BallContext(prec) as ctx:
            return model.log_survival(ctx, n)

    assert_encloses(ball_at, truth)


def test_ball_at_large_n_uses_the_closed_form_tail() -> None:
    # eps_i > 0.001 for i <= 4 only: ln S(1e15) = ln S_base(4) + (1e15 - 4) log1p(-0.001)
    model = PersistentUnsafe(GeometricDouble(**GEOMETRIC, trend="nonincreasing"), "0.001")
    n = 10**15
    head = brute_survival(geometric_rate(**GEOMETRIC), constant(Fraction(0)), 4)
    with mpmath.workdps(80):
        truth = mpmath.log(mp(head)) + (n - 4) * mpmath.log1p(-mpmath.mpf("0.001"))

    def ball_at(prec: int) -> flint.arb:
        with BallContext(prec) as ctx:
            return model.log_survival(ctx, n)

    assert_encloses(ball_at, truth)


def test_rate_in_every_context() -> None:
    model = PersistentUnsafe(Independent(epsilon="0.01"), "0.001", mode="additive")
    assert model.rate(np.array([1.0]))[0] == pytest.approx(float(model.rate_exact(1)), rel=1e-15)
    with BallContext(128) as ctx:
        assert model.rate(ctx, 3).contains(flint.arb(flint.fmpq(1099, 100000)))
    growing = PersistentUnsafe(Independent(epsilon="0"), "0.001", growth="1.5")
    with BallContext(128) as ctx:
        exact = growing.floor.delta_exact(5)
        assert growing.rate(ctx, 5).contains(flint.arb(flint.fmpq(exact.numerator, exact.denominator)))
        assert growing.rate(ctx, 19) == 1 and growing.log_survival(ctx, 19) < -(10**300)


@pytest.mark.parametrize("threshold", ["0.9", "1e-400", "1e-4000"])
@pytest.mark.parametrize("mass", ["0.001", "1e-4000"])
def test_cap_for_every_threshold_the_parser_accepts(mass: str, threshold: str) -> None:
    # issue 10: the cap was refused below ~1e-3900 by a 13000-bit limit, "with a message about a Fraction"
    model = PersistentUnsafe(Independent(epsilon="1e-4"), mass=mass)
    record = model.budget(threshold).to_dict()
    cap = record["cap"]
    target = Fraction(1, 10 ** int(threshold[3:])) if "e" in threshold else Fraction(threshold)
    delta = Fraction(1, 10 ** int(mass[3:])) if "e" in mass else Fraction(mass)
    with mpmath.workdps(9000):
        expected = int(mpmath.floor(mpmath.log(mp(target)) / mpmath.log1p(-mp(delta))))
    assert cap == expected
    assert record["budget"] <= cap


def test_growing_floor_within_1e_minus_3990_of_one() -> None:
    # issue 11: a growth factor within 1e-3991 of 1 crashed; the certain generation is still exact
    growth = "1." + "0" * 3989 + "1"  # 1 + 1e-3990, as the user types it
    model = PersistentUnsafe(Independent(epsilon="0.01"), "0.001", growth=growth)
    with mpmath.workdps(8100):
        steps = mpmath.log(1000) / mpmath.log1p(mpmath.mpf(10) ** -3990)
    assert model.first_certain == int(mpmath.floor(steps)) + 2
    assert model.log_survival(10) == pytest.approx(10 * math.log1p(-0.01), rel=1e-13)


def _rates_from_parameters(model: PersistentUnsafe):
    """``epsilon_i'`` from the parameters alone (the base's family formula, the floor, the mode)."""
    base, delta = model.base, model.mass
    if isinstance(base, Independent):
        rate = constant(base.epsilon)
    elif isinstance(base, Geometric):
        rate = geometric_rate(base.epsilon1, base.ratio)
    else:
        assert isinstance(base, TwoRate)
        rate = lambda i: base.epsilon_key if i % base.key_every == 0 else base.epsilon_other  # noqa: E731
    if model.mode == "floor":
        return lambda i: max(rate(i), delta)
    return lambda i: 1 - (1 - rate(i)) * (1 - delta)


def _arb(value: Fraction) -> flint.arb:
    return flint.arb(flint.fmpq(value.numerator, value.denominator))


def _unsafe_survival(model: PersistentUnsafe, n: int, extra: int) -> Fraction | flint.arb:
    """``prod (1 - eps_i')``: exactly for short products, closed forms for constant and periodic bases,
    and for a geometric base the product up to where its rate is below 2**-(extra+64), the rest bounded."""
    rate, base, delta = _rates_from_parameters(model), model.base, model.mass
    if n == 0:
        return Fraction(1)
    if n <= 200 and isinstance(base, (Independent, TwoRate)):
        # exact for short products of constant or periodic rates: settles exact ties (S(1) = 1/2 = T)
        return math.prod((1 - rate(i) for i in range(1, n + 1)), start=Fraction(1))
    with BallContext(extra + 4 * n.bit_length() + 64):
        if isinstance(base, Independent) or (isinstance(base, Geometric) and base.ratio == 1):
            return _arb(1 - rate(1)) ** n if n > 50 else product(lambda i: 1 - rate(i), n)
        if isinstance(base, TwoRate):
            keys = n // base.key_every
            key = rate(base.key_every)
            other = rate(1) if base.key_every > 1 else key
            return _arb(1 - key) ** keys * _arb(1 - other) ** (n - keys)
        if n <= 200:
            return product(lambda i: 1 - rate(i), n)
        # geometric base: epsilon_i = eps1 r**(i-1); term by term while it matters
        value, i, tiny = flint.arb(1), 1, Fraction(1, 2 ** (extra + 64))
        while i <= n and (base.ratio > 1 or base.epsilon1 * base.ratio ** (i - 1) > tiny):
            value *= _arb(1 - rate(i))
            i += 1
            assert i < 10**6, "the reference product is too long"
        if i <= n:  # the base rates left are below tiny: the factors are those of the floor, up to the tail
            keep_floor = _arb(1 - delta) ** (n - i + 1)
            if model.mode == "floor":
                value *= keep_floor  # eps_i < tiny < delta: max(eps_i, delta) = delta exactly
            else:
                tail = _arb(base.epsilon1 * base.ratio ** (i - 1) / (1 - base.ratio))
                value *= keep_floor * (1 - tail * flint.arb(0.5, 0.5))  # prod (1 - eps_i) in [1 - tail, 1]
        return value


@given(models("persistent-unsafe"), thresholds(max_exponent=3))
def test_solved_budget_rechecked_from_the_parameters(model: PersistentUnsafe, threshold: Fraction) -> None:
    result = model.budget(threshold)
    assert result.certificate in ("exact", "ball") and not result.unbounded
    assert sign_against(lambda extra: _unsafe_survival(model, result.n, extra), threshold) >= 0
    assert sign_against(lambda extra: _unsafe_survival(model, result.n + 1, extra), threshold) == -1
    assert result.n <= result.to_dict()["cap"]
