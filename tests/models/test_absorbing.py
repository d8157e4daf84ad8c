"""AbsorbingChain: reference values, balls against mpmath, exact rationals, Monte Carlo, properties, bad input."""

from __future__ import annotations

from fractions import Fraction

import flint
import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bounds import AbsorbingChain, BoundsError, ParameterError
from bounds.batch.simulate import simulate
from bounds.models.registry import model_from_spec
from bounds.numeric.contexts import FLOAT, BallContext
from bounds.testing.strategies import models, thresholds
from tests.conftest import load_reference
from tests.models.chain_truths import agrees, arb_survival, assert_balls_contain, mp_log_survival

REFERENCE = load_reference("absorbing")


def reference_chain() -> AbsorbingChain:
    return AbsorbingChain(REFERENCE["Q"], REFERENCE["initial"])


def exact_survival(matrix: list[list[Fraction]], alpha: list[Fraction], n: int) -> Fraction:
    """alpha Q^n 1 with Fractions, written here independently of the code under test."""
    vector = list(alpha)
    for _ in range(n):
        vector = [sum((vector[r] * matrix[r][c] for r in range(len(vector))), Fraction(0)) for c in range(len(vector))]
    return sum(vector, Fraction(0))


def ball_survival(chain: AbsorbingChain, n: int, prec: int) -> flint.arb:
    """S(n) as a ball, from the model's ball log_survival."""
    with BallContext(prec) as ctx:
        return chain.log_survival(ctx, n).exp()


def mid(ball: flint.arb) -> mpmath.mpf:
    mantissa, exponent = (int(part) for part in ball.mid().man_exp())
    with mpmath.workprec(max(mantissa.bit_length(), 53)):
        return mpmath.mpf((mantissa, exponent))


@pytest.mark.parametrize("row", REFERENCE["values"], ids=lambda row: f"N={row['generations']}")
def test_reference_survival_through_log_survival(row: dict) -> None:
    chain = reference_chain()
    with mpmath.workdps(40):
        expected_log = mpmath.log(mpmath.mpf(row["survival"]))
        assert float(chain.log_survival(row["generations"])) == pytest.approx(float(expected_log), rel=1e-9, abs=1e-15)
        # S(N) itself, where it fits a float: 1e-9 relative
        if float(row["survival"]) > 1e-300:
            assert float(chain.survival(row["generations"])) == pytest.approx(float(row["survival"]), rel=1e-9)
        # the certifying path (a ball) to 25 digits, even at 1.55e-862948
        value = mid(ball_survival(chain, row["generations"], 128))
        assert abs(value / mpmath.mpf(row["survival"]) - 1) < mpmath.mpf(10) ** -25


def test_reference_mean_generations_and_decay_rate() -> None:
    chain = reference_chain()
    assert chain.mean_generations_exact() == Fraction(REFERENCE["mean_generations_to_unsafe"])
    assert chain.mean_generations() == pytest.approx(float(REFERENCE["mean_generations_to_unsafe"]), rel=1e-12)
    assert chain.decay_rate() == pytest.approx(float(REFERENCE["decay_rate"]), rel=1e-12)
    with mpmath.workdps(40):
        assert abs(chain.decay_rate_mp(30) - mpmath.mpf(REFERENCE["decay_rate"])) < mpmath.mpf(10) ** -28
    summary = chain.describe()
    assert summary["mean_generations"] == 505.0
    assert summary["decay_rate"] == pytest.approx(float(REFERENCE["decay_rate"]), rel=1e-12)


def test_mean_generations_is_the_sum_of_survivals() -> None:
    # E[T] = sum_{N >= 0} P(T > N) = sum_N S(N): an independent route to alpha (I - Q)^{-1} 1
    chain = AbsorbingChain([["0.5", "0.3", "0.1"], ["0.2", "0.6", "0.1"], ["0", "0.4", "0.5"]], ["0.5", "0.5", "0"])
    total = float(np.sum(chain.survival(np.arange(0, 2000))))
    assert chain.mean_generations() == pytest.approx(total, rel=1e-12)
    assert float(chain.mean_generations_exact()) == pytest.approx(total, rel=1e-12)


def test_three_state_constructor_reproduces_reference_matrix() -> None:
    chain = AbsorbingChain.aligned_drifted(
        drift="0.004", failure="0.125", audit="0.2", recovery="0.125", direct="0.001"
    )
    assert chain.Q == reference_chain().Q
    assert chain.names == ("aligned", "drifted")
    # audits help: detecting drift more often lengthens the expected time to unsafe
    weaker = AbsorbingChain.aligned_drifted(
        drift="0.004", failure="0.125", audit="0.1", recovery="0.125", direct="0.001"
    )
    assert weaker.mean_generations_exact() < chain.mean_generations_exact()
    # a rollback that fails half the time moves audit * 1/2 = 0.1 of the drifted row to unsafe
    risky = AbsorbingChain.aligned_drifted(
        drift="0.004", failure="0.125", audit="0.2", recovery="0.125", direct="0.001", rollback_failure="0.5"
    )
    assert risky.Q[1] == (Fraction(2, 10), Fraction(6, 10))
    assert risky.survival_exact(1) == chain.survival_exact(1)  # starts aligned: no audit yet
    assert risky.survival_exact(2) < chain.survival_exact(2)


def test_exact_path_matches_independent_fractions_and_certifies_budget() -> None:
    chain = reference_chain()
    matrix = [[Fraction(entry) for entry in row] for row in REFERENCE["Q"]]
    alpha = [Fraction(entry) for entry in REFERENCE["initial"]]
    assert chain.survival_exact(37) == exact_survival(matrix, alpha, 37)
    result = chain.budget("0.5")
    assert exact_survival(matrix, alpha, result.n) >= Fraction(1, 2) > exact_survival(matrix, alpha, result.n + 1)
    assert result.certified


def as_fraction(value: mpmath.mpf) -> Fraction:
    mantissa, exponent = value.man_exp
    return Fraction(int(mantissa)) * Fraction(2) ** int(exponent)


@pytest.mark.parametrize("n", [1, 2, 37, 10**4, 10**9, 10**15])
def test_ball_enclosure_contains_the_value_and_is_tight(n: int) -> None:
    chain = reference_chain()
    ball = ball_survival(chain, n, 116)
    with mpmath.workdps(60):
        value = mid(ball_survival(chain, n, 200))
        with BallContext(400):
            low, high = mid(ball.lower()), mid(ball.upper())
        assert low <= value <= high
        assert (high - low) / value < mpmath.mpf(10) ** -29
    if n <= 37:
        exact = chain.survival_exact(n)
        assert as_fraction(low) <= exact <= as_fraction(high)


def test_log_survival_at_1e15_matches_high_precision() -> None:
    chain = reference_chain()
    value = chain.log_survival(10**15)
    with mpmath.workdps(30):
        expected = mp_log_survival(REFERENCE["Q"], REFERENCE["initial"], 10**15, 30)
    assert np.isfinite(value)
    assert value == pytest.approx(float(expected), rel=1e-9)
    # and the decay rate governs it: ln S(2N) - ln S(N) = N ln rho (up to the transient constant)
    assert (chain.log_survival(2 * 10**15) - value) / 10**15 == pytest.approx(np.log(chain.decay_rate()), rel=1e-9)


def test_quasi_stationary_is_the_conditional_limit() -> None:
    chain = reference_chain()
    vector = chain.quasi_stationary()
    assert vector.sum() == pytest.approx(1.0)
    # left eigenvector for rho(Q)
    q = np.array([[float(Fraction(e)) for e in row] for row in REFERENCE["Q"]])
    np.testing.assert_allclose(vector @ q, chain.decay_rate() * vector, rtol=1e-12)
    # distribution of a lineage still safe after many generations, from mpmath matrix powers
    with mpmath.workdps(30):
        power = (
            mpmath.matrix(
                [[mpmath.mpf(Fraction(e).numerator) / Fraction(e).denominator for e in row] for row in REFERENCE["Q"]]
            )
            ** 20000
        )
        row = [power[0, 0], power[0, 1]]
        conditional = [float(value / sum(row)) for value in row]
    np.testing.assert_allclose(vector, conditional, rtol=1e-9)


@pytest.mark.slow
def test_monte_carlo_agrees_with_survival() -> None:
    for chain in (
        reference_chain(),
        AbsorbingChain([["0.9", "0.05", "0"], ["0.1", "0.8", "0.05"], ["0.2", "0", "0.7"]], [1, 0, 0]),
    ):
        generations = [1, 5, 20, 100, 400]
        result = simulate(chain, generations, trials=100_000, seed=7)
        assert result.agrees_with(chain.survival(generations), sigmas=4)


def chains() -> st.SearchStrategy[AbsorbingChain]:
    """Sub-stochastic chains of 1-3 transient states, from the public strategy (bounds.testing)."""
    return models("absorbing")


@pytest.mark.slow
@given(chains(), st.lists(st.integers(0, 10**6), min_size=2, max_size=8))
def test_survival_is_non_increasing(chain: AbsorbingChain, counts: list[int]) -> None:
    counts = sorted(counts)
    logs = chain.log_survival(np.array(counts))
    for before, after in zip(logs[:-1], logs[1:], strict=True):
        assert after == -np.inf if before == -np.inf else after <= before + 1e-12 * max(1.0, abs(before))
    with BallContext(64) as ctx:
        assert not chain.log_survival(ctx, counts[0]) < chain.log_survival(ctx, counts[-1])


@given(chains(), thresholds(max_exponent=3))
def test_budget_is_certified(chain: AbsorbingChain, threshold: Fraction) -> None:
    result = chain.budget(threshold)
    # re-derived from the parameters (python-flint's own arb_mat power), never the model's method
    at, after = (arb_survival(chain.Q, chain.initial, n, 128) for n in (result.n, result.n + 1))
    slack = Fraction(1, 10**25)
    low, high = (
        flint.fmpq(value.numerator, value.denominator) for value in (threshold * (1 - slack), threshold * (1 + slack))
    )
    with BallContext(200):
        assert at >= flint.arb(low)
        assert after < flint.arb(high)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (([["0.9", "-0.1"], ["0.1", "0.5"]], [1, 0]), r"Q\[0\]\[1\] must be in \[0, 1\], got '-0.1'"),
        (([["0.9", "0.2"], ["0.1", "0.5"]], [1, 0]), r"row 0 of Q \('aligned'\) must be a sum of at most 1"),
        (([["0.9", "0.05"]], [1]), r"Q must be a square matrix"),
        (([["0.9", "0.05"], ["0.1"]], [1, 0]), r"Q must be a square matrix"),
        (
            ([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0, 0]),
            r"initial must be a distribution over the 2 transient",
        ),
        (
            ([["0.9", "0.05"], ["0.1", "0.5"]], ["0.5", "0.4"]),
            r"initial must be a distribution: entries summing",
        ),
        (([["0.9", "0.05"], ["0.1", "0.5"]], ["1.5", "-0.5"]), r"initial\[0\] must be in \[0, 1\]"),
        (([["1", "0"], ["0.1", "0.5"]], [0, 1]), r"singular: transient state\(s\) 'aligned' never leave"),
        (([["0.5", "0.5"], ["0.5", "0.5"]], [1, 0]), r"'aligned', 'drifted' never leave"),
        (("0.9", [1]), r"Q must be a non-empty list of rows"),
        (([], [1]), r"Q must be a non-empty list of rows"),
        (([["nan"]], [1]), r"Q\[0\]\[0\] must be a finite number"),
        (([[True]], [1]), r"Q\[0\]\[0\] must be a number, not a boolean"),
    ],
)
def test_bad_input_is_named(arguments: tuple, message: str) -> None:
    with pytest.raises(BoundsError, match=message):
        AbsorbingChain(*arguments)


def test_bad_names_and_constructor_arguments() -> None:
    with pytest.raises(ParameterError, match="names must be a list of 2 non-empty strings"):
        AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], ["only one"])
    with pytest.raises(ParameterError, match="names must be distinct"):
        AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], ["a", "a"])
    with pytest.raises(ParameterError, match="failure \\+ recovery must be at most 1"):
        AbsorbingChain.aligned_drifted(drift="0.1", failure="0.6", recovery="0.6")
    with pytest.raises(ParameterError, match="audit must be in \\[0, 1\\]"):
        AbsorbingChain.aligned_drifted(drift="0.1", failure="0.1", audit="2")


# -- the kernel: balls against mpmath, the two float defects, the limit, the reachable decay rate -------------------
@settings(max_examples=25)
@given(chains(), st.sampled_from([1, 3, 100, 10**4, 10**8, 10**15]))
def test_balls_contain_mpmath_matrix_power_and_shrink(chain: AbsorbingChain, n: int) -> None:
    truth = mp_log_survival(chain.Q, chain.initial, n, 60)
    radii = assert_balls_contain(chain, n, truth)
    if not radii:
        return
    assert radii[2] < 1e-40 * max(1.0, abs(float(truth)))


SLOW_LATE = [
    # a fast state (S halves each generation) that reaches a slow one (rate 1e-3) only with
    # probability 1e-300 or 1e-400 (below the float range) per generation: the slow state dominates
    # after ~1000 generations; rescaled float squaring flushed it to 0 and returned -inf
    ([["0.5", "1e-300"], ["0", "0.999"]], [1, 0]),
    ([["0.5", "1e-400"], ["0", "0.999"]], [1, 0]),
    # reached only through a chain of three fast states
    (
        [["0.1", "0.4", "0", "0"], ["0", "0.1", "1e-200", "0"], ["0", "0", "0.2", "1e-200"], ["0", "0", "0", "0.9999"]],
        [1, 0, 0, 0],
    ),
]


@pytest.mark.parametrize(("matrix", "alpha"), SLOW_LATE)
@pytest.mark.parametrize("n", [10, 1000, 10**4, 10**6, 10**9])
def test_slow_state_reached_late_is_not_flushed(matrix: list, alpha: list, n: int) -> None:
    chain = AbsorbingChain(matrix, alpha)
    truth = float(mp_log_survival(chain.Q, chain.initial, n, 60))
    value = chain.log_survival(n)
    assert np.isfinite(value)
    assert value == pytest.approx(truth, rel=1e-14)


NEAR_ONE = [
    # entries near 1: 1 - S is ~1e-10 at N = 100; the old squaring had 1 - S off by 1.3% there
    (
        [
            [1 - Fraction(10**-12) - Fraction(10**-13), Fraction(10**-13)],
            [Fraction(10**-6), 1 - Fraction(10**-6) - Fraction(10**-9)],
        ],
        [1, 0],
    ),
    (
        [["0.3", "0.3", "0.39999999999"], ["0.1", "0.8999999999999", "0"], ["0.5", "0.2", "0.299999999999"]],
        ["0.2", "0.3", "0.5"],
    ),
    ([["0.999999999999999", "0"], ["0", "0.5"]], [1, 0]),
]


@pytest.mark.parametrize(("matrix", "alpha"), NEAR_ONE)
@pytest.mark.parametrize("n", [1, 2, 7, 100, 1000, 10**4, 10**6])
def test_near_one_keeps_the_digits_of_one_minus_survival(matrix: list, alpha: list, n: int) -> None:
    chain = AbsorbingChain(matrix, alpha)
    truth = mp_log_survival(chain.Q, chain.initial, n, 60)
    value = chain.log_survival(n)
    assert value == pytest.approx(float(truth), rel=4e-15)
    # 1 - S itself, through expm1
    with mpmath.workdps(60):
        failed = -mpmath.expm1(truth)
    assert -np.expm1(value) == pytest.approx(float(failed), rel=4e-15)


def test_float_path_is_vectorised_and_exact_at_zero() -> None:
    chain = reference_chain()
    counts = np.array([[0, 1], [100, 10**9]], dtype=np.float64)
    values = chain.log_survival(FLOAT, counts)
    assert values.shape == (2, 2) and values[0, 0] == 0.0
    assert values[1, 1] == chain.log_survival(10**9)
    # S(n) = 0 exactly only where no path survives n steps: -inf there, exactly
    dead = AbsorbingChain([["0", "1"], ["0", "0"]], [1, 0])
    assert dead.log_survival(1) == 0.0 and dead.log_survival(2) == -np.inf
    assert dead.survival_exact(2) == 0
    with BallContext(64) as ctx:
        assert dead.log_survival(ctx, 2) == flint.arb.neg_inf()


def test_survival_exact_has_a_bit_cap() -> None:
    chain = reference_chain()
    matrix = [[Fraction(entry) for entry in row] for row in REFERENCE["Q"]]
    assert chain.survival_exact(0) == 1
    assert chain.survival_exact(500) == exact_survival(matrix, [Fraction(1), Fraction(0)], 500)
    assert chain.survival_exact(10**6) is None


def test_limit_is_proved_zero() -> None:
    chain = reference_chain()
    assert chain.limit_exact() == 0 and chain.limit() == 0
    assert chain.log_limit(FLOAT) == -np.inf
    with BallContext(64) as ctx:
        assert chain.log_limit(ctx) == flint.arb.neg_inf()


def test_decay_rate_is_that_of_the_reachable_states() -> None:
    # state 1 decays slowly (0.99) but the lineage starts in state 0 and never reaches it
    chain = AbsorbingChain([["0.5", "0"], ["0.001", "0.99"]], [1, 0])
    assert chain.decay_rate() == pytest.approx(0.5, rel=1e-15)
    assert chain.log_survival(1001) - chain.log_survival(1000) == pytest.approx(np.log(0.5), rel=1e-12)
    # started in state 1 the slow rate governs
    assert AbsorbingChain([["0.5", "0"], ["0.001", "0.99"]], [0, 1]).decay_rate() == pytest.approx(0.99, rel=1e-14)
    assert chain.mean_generations_exact() == 2
    assert chain.quasi_stationary().tolist() == [1.0, 0.0]


def test_candidate_is_near_the_budget() -> None:
    chain = reference_chain()
    for threshold in (Fraction(1, 2), Fraction(1, 10**10), Fraction(1, 10**300)):
        guess = chain.candidate(threshold)
        budget = chain.budget(threshold).n
        assert guess is not None and abs(guess - budget) <= 1


# -- safe absorbing states (caught, shut down: issue 13 item 2) -----------------------------------------------------
def test_safe_state_single_state_by_hand() -> None:
    # stay 0.9, caught (safe) 0.06, unsafe 0.04: S(N) = 0.9^N + 0.06 (1 - 0.9^N) / 0.1 = 3/5 + (2/5) 0.9^N
    chain = AbsorbingChain([["0.9"]], [1], ["aligned"], safe=["0.06"])
    for n in (0, 1, 2, 10, 100):
        assert chain.survival_exact(n) == Fraction(3, 5) + Fraction(2, 5) * Fraction(9, 10) ** n
        assert chain.survival(n) == pytest.approx(0.6 + 0.4 * 0.9**n, rel=1e-15)
    assert chain.limit_exact() == Fraction(3, 5) and chain.limit() == 0.6
    with BallContext(128) as ctx:
        assert chain.log_limit(ctx).overlaps(flint.arb(flint.fmpq(3, 5)).log())
    # 0.4 * 0.9^13 = 0.1017 >= 0.1 > 0.4 * 0.9^14; 0.4 * 0.9^35 >= 0.01 > 0.4 * 0.9^36
    assert chain.budget("0.7").n == 13
    assert chain.budget("0.61").n == 35
    assert chain.budget("0.6").unbounded  # S(inf) = 3/5 exactly: a tie settled exactly
    assert not chain.budget("0.6000001").unbounded
    assert chain.mean_generations() == np.inf and chain.mean_generations_exact() is None
    assert chain.mean_absorption_generations_exact() == 10
    assert chain.decay_rate() == pytest.approx(0.9, rel=1e-15)


def test_safe_state_control_game_by_hand() -> None:
    # aligned -> misaligned at rate eps; misaligned: caught c (safe), lost l (unsafe), else continue
    eps, caught, lost = Fraction(1, 100), Fraction(3, 10), Fraction(1, 10)
    chain = AbsorbingChain(
        [[1 - eps, eps], [0, 1 - caught - lost]], [1, 0], ["aligned", "misaligned"], safe=[0, caught]
    )

    def by_hand(n: int) -> Fraction:
        # P(unsafe by n) = sum over the generation k of misalignment of the game's loss within n - k
        # generations, l/(c+l) (1 - (1 - c - l)^m) (DESIGN's control-game closed form)
        unsafe = sum(
            (
                (1 - eps) ** (k - 1) * eps * lost / (caught + lost) * (1 - (1 - caught - lost) ** (n - k))
                for k in range(1, n + 1)
            ),
            Fraction(0),
        )
        return 1 - unsafe

    for n in (1, 2, 3, 10, 200):
        assert chain.survival_exact(n) == by_hand(n)
        assert chain.survival(n) == pytest.approx(float(by_hand(n)), rel=1e-14)
    assert chain.limit_exact() == caught / (caught + lost)
    summary = chain.describe()
    assert summary["limit"] == 0.75 and summary["probability_unsafe"] == 0.25
    assert summary["mean_generations"] is None
    assert summary["mean_generations_to_absorption"] == 102.5  # 1/eps + 1/(c + l)
    assert summary["safe"] == [0, caught]
    assert chain.decay_rate() == pytest.approx(0.99, rel=1e-15)
    result = chain.budget("0.9")
    assert by_hand(result.n) >= Fraction(9, 10) > by_hand(result.n + 1)
    assert chain.budget("0.75").unbounded and not chain.budget("0.76").unbounded
    simulated = simulate(chain, [1, 10, 50, 200, 1000], trials=50_000, seed=3)
    assert simulated.agrees_with(chain.survival([1, 10, 50, 200, 1000]), sigmas=4)


def test_safe_state_input_is_checked_and_kept() -> None:
    with pytest.raises(ParameterError, match=r"row 0 of Q \('aligned'\) plus safe\[0\] must be a sum of at most 1"):
        AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], safe=["0.1", "0"])
    with pytest.raises(ParameterError, match="safe must be a list of 2 entries"):
        AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], safe=["0.01"])
    with pytest.raises(BoundsError, match="never leave .no path to unsafe or to a safe absorbing state"):
        AbsorbingChain([["1", "0"], ["0.1", "0.5"]], [0, 1], safe=[0, "0.1"])
    # a state that can only be caught is fine (Q = [[1]]-style chains are no longer refused)
    chain = AbsorbingChain([["0.5"]], [1], safe=["0.5"])
    assert chain.limit_exact() == 1 and chain.budget("0.999").unbounded
    chain = AbsorbingChain([["0.9", "0.05"], ["0.1", "0.5"]], [1, 0], safe=["0.01", "0.2"])
    assert AbsorbingChain(**chain.parameters()) == chain
    assert "safe=[0.01, 0.2]" in repr(chain)
    spec = model_from_spec({"model": "absorbing", "Q": [["0.9"]], "initial": [1], "safe": ["0.06"]})
    assert spec == AbsorbingChain([["0.9"]], [1], safe=["0.06"])


@pytest.mark.parametrize(("matrix", "alpha"), NEAR_ONE)
def test_ball_stays_tight_relative_to_ln_s_near_one(matrix: list, alpha: list) -> None:
    # the complement 1 - S is carried in the ball too: ln S ~ -1e-10 keeps ~64 bits of relative precision
    chain = AbsorbingChain(matrix, alpha)
    truth = mp_log_survival(chain.Q, chain.initial, 100, 60)
    with BallContext(64) as ctx:
        ball = chain.log_survival(ctx, 100)
    assert agrees(ball, truth, 1e-45, 1e-70)
    assert float(ball.rad()) < 1e-17 * abs(float(truth))
