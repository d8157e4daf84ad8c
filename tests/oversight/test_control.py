"""ControlGame against step-by-step exact chains, mpmath recursions, Monte Carlo; the certified inverse."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import flint
import mpmath
import numpy as np
import pytest

from bounds.errors import BoundsError, ParameterError
from bounds.numeric.certify import decide
from bounds.numeric.contexts import FLOAT, BallContext
from bounds.oversight import ControlGame

F = Fraction
ONE, ZERO = F(1), F(0)


def step_by_step(tpr, h, s, p, eps, n, one=ONE, zero=ZERO):
    """Distribution over (aligned, misaligned, caught, unsafe) pushed one generation at a time."""
    c, lost = tpr * h, (one - tpr * h) * s
    aligned, misaligned = (one, zero) if eps is not None else (zero, one)
    caught = unsafe = zero
    values = [one]
    for _ in range(n):
        moved = aligned * eps if eps is not None else zero
        aligned, misaligned, caught, unsafe = (
            aligned - moved, misaligned * (one - p * (c + lost)) + moved, caught + misaligned * p * c,
            unsafe + misaligned * p * lost,
        )
        values.append(one - unsafe)
    return values


@pytest.mark.parametrize("eps", [None, F(1, 20), F(1)])
@pytest.mark.parametrize("p", [F(1), F(1, 3)])
def test_closed_form_equals_exact_chain(eps, p) -> None:
    game = ControlGame("0.4", "0.8", "0.1", roc_points=[("0.1", "0.6"), ("0.5", "0.9")], attack_rate=p, epsilon=eps)
    assert game.tpr_exact() == F(3, 5)
    expected = step_by_step(F(3, 5), F(4, 5), F(2, 5), p, eps, 30)
    assert [game.survival_exact(n) for n in range(31)] == expected
    floats = game.survival(np.arange(31.0))
    assert np.allclose(floats, [float(v) for v in expected], rtol=1e-13, atol=0)
    for n in (0, 1, 7, 30):
        with BallContext(128) as ctx:
            assert game.log_survival(ctx, n).contains(ctx.log(ctx.number(expected[n])))


def test_rational_logit_roc() -> None:
    """a = 0 and integer b: TPR = f**b / (f**b + (1 - f)**b) exactly."""
    game = ControlGame("0.5", "0.5", "0.2", roc=(0, 2))
    assert game.tpr_exact() == F(1, 17)
    assert ControlGame("0.5", "0.5", "0.2", roc=(1, 1)).tpr_exact() is None


@pytest.mark.parametrize("eps", [None, "0.01"])
def test_irrational_tpr_balls_contain_mpmath_recursion(eps) -> None:
    game = ControlGame("0.3", "0.9", "0.03", roc=("1.5", "0.8"), attack_rate="0.05", epsilon=eps)
    with mpmath.workdps(60):
        f = mpmath.mpf(3) / 100
        z = mpmath.mpf("1.5") + mpmath.mpf("0.8") * mpmath.log(f / (1 - f))
        tpr = 1 / (1 + mpmath.exp(-z))
        values = step_by_step(tpr, mpmath.mpf("0.9"), mpmath.mpf("0.3"), mpmath.mpf("0.05"),
                              None if eps is None else mpmath.mpf(eps), 400, mpmath.mpf(1), mpmath.mpf(0))
        for n in (1, 10, 400):
            radii = []
            for prec in (64, 128, 256):
                with BallContext(prec) as ctx:
                    ball = game.log_survival(ctx, n)
                    target = mpmath.log(values[n])
                    widened = ball + flint.arb(0, 1e-50)
                    assert widened.contains(ctx.number(F(mpmath.nstr(target, 58))))
                    radii.append(float(ball.rad()))
            assert radii[2] < radii[0]
            assert float(game.log_survival(FLOAT, np.array([float(n)]))[0]) == pytest.approx(float(target), rel=1e-12)


def test_huge_n_and_limit() -> None:
    game = ControlGame("0.3", "0.9", "0.03", roc=("1.5", "0.8"), attack_rate="0.05", epsilon="1e-6")
    with BallContext(128) as ctx:
        ball = game.log_survival(ctx, 10**15)
        limit = game.log_limit(ctx)
        assert ball.overlaps(limit)  # S(1e15) is the limit to 128 bits
        c, lost, _ = game.per_attack(ctx)
        assert limit.overlaps(ctx.log(c / (c + lost)))
    assert game.limit() == pytest.approx(float(np.exp(game.log_survival(FLOAT, np.array([1e15]))[0])), rel=1e-12)


def test_worst_case_attack_rate_is_one() -> None:
    base = ControlGame("0.3", "0.9", "0.03", roc=("1.5", "0.8"), epsilon="0.01")
    assert base.attack_rate == 1 and base.worst_case() == base
    n = np.array([1.0, 5.0, 50.0, 500.0])
    rates = [F(k, 20) for k in range(21)]
    values = np.array([dataclasses.replace(base, attack_rate=p).survival(n) for p in rates])
    assert (np.diff(values, axis=0) <= 1e-15).all()  # non-increasing in p: p = 1 is the minimum


def test_survival_non_decreasing_in_audit_budget() -> None:
    base = ControlGame("0.3", "0.9", "0.01", roc=("1", "0.7"), attack_rate="0.1")
    values = np.array([dataclasses.replace(base, audit_budget=F(k, 50)).survival([10, 100]) for k in range(51)])
    assert (np.diff(values, axis=0) >= -1e-15).all()


def test_min_audit_budget_certified_at_and_refuted_below() -> None:
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="0.01")
    result = game.min_audit_budget(100, "0.9")
    assert result is not None and result.below == float(np.nextafter(result.audit_budget, 0))
    at, below = (dataclasses.replace(game, audit_budget=x) for x in (result.audit_budget, result.below))
    assert decide(lambda ctx: at.log_survival(ctx, 100), F(9, 10)).sign >= 0
    assert decide(lambda ctx: below.log_survival(ctx, 100), F(9, 10)).sign < 0
    assert at.budget("0.9").n >= 100 > below.budget("0.9").n


def test_min_audit_budget_ends() -> None:
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="0.01")
    assert game.min_audit_budget(1, "0.5").audit_budget == 0.0
    hopeless = ControlGame("1", "0.5", "0.05", roc=(3, 1))
    assert hopeless.min_audit_budget(10, "0.9") is None  # even f = 1 catches only half


def test_monte_carlo_game() -> None:
    rng = np.random.default_rng(7)
    game = ControlGame("0.4", "0.8", "0.1", roc_points=[("0.1", "0.6")], attack_rate="0.2", epsilon="0.05")
    tpr = float(game.tpr_exact())
    draws, n = 100_000, 40
    state = np.zeros(draws, dtype=np.int8)  # 0 aligned, 1 misaligned, 2 caught, 3 unsafe
    for _ in range(n):
        u = rng.random((draws, 3))
        attack = (state == 1) & (u[:, 0] < 0.2)
        caught = attack & (u[:, 1] < tpr * 0.8)
        lost = attack & ~caught & (u[:, 2] < 0.4)
        turned = (state == 0) & (u[:, 0] < 0.05)
        state[caught], state[lost], state[turned] = 2, 3, 1
    p = float(game.survival_exact(n))
    assert abs((state != 3).mean() - p) <= 4 * np.sqrt(p * (1 - p) / draws)


def test_as_chain_when_safe_states_exist() -> None:
    game = ControlGame("0.4", "0.8", "0.1", roc_points=[("0.1", "0.6")], attack_rate="0.2", epsilon="0.05")
    chain = game.as_chain()
    assert [chain.survival_exact(n) for n in range(20)] == [game.survival_exact(n) for n in range(20)]
    assert chain.limit_exact() == game.limit_exact()
    assert chain.budget("0.8").n == game.budget("0.8").n
    pure = dataclasses.replace(game, epsilon=None).as_chain()
    assert [pure.survival_exact(n) for n in range(20)] == [dataclasses.replace(game, epsilon=None).survival_exact(n)
                                                          for n in range(20)]
    with pytest.raises(BoundsError, match="exact TPR"):
        ControlGame("0.5", "0.9", "0.05", roc=(3, 1)).as_chain()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [(dict(roc=(1, 1), roc_points=[(0.5, 0.5)]), "not both"), (dict(), "roc or roc_points"),
     (dict(roc=(1, 0)), "roc b"), (dict(roc_points=[(0.5, 0.6), (0.4, 0.7)]), "strictly increasing"),
     (dict(roc_points=[(0.2, 0.6), (0.4, 0.5)]), "non-decreasing"), (dict(roc="x"), "roc")],
)
def test_bad_roc(kwargs, match) -> None:
    with pytest.raises(ParameterError, match=match):
        ControlGame("0.5", "0.9", "0.05", **kwargs)


@pytest.mark.parametrize(("eps", "p", "n"), [("1e-12", "1e-3", 10), ("1e-6", "1e-6", 1000), (None, "1e-9", 5),
                                             ("1", "1e-9", 7), ("0.01", "0.5", 100)])
def test_float_log_survival_keeps_ulps_near_one(eps, p, n) -> None:
    """S near 1: the float ln S agrees with a 256-bit ball to a few ulp (no cancellation in 1 - S)."""
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate=p, epsilon=eps)
    with BallContext(256) as ctx:
        reference = float(game.log_survival(ctx, n).mid())
    assert float(game.log_survival(FLOAT, np.array([float(n)]))[0]) == pytest.approx(reference, rel=1e-15)


def test_attack_rate_below_the_float_range() -> None:
    """p = 1e-400: S(N) = (c + l g**N)/(c + l) with ln g ~ -1e-400; the budget still certifies."""
    game = ControlGame("0.5", "0.9", "0.05", roc=(3, 1), attack_rate="1e-400")
    result = game.budget("0.7")
    assert result.certified and len(str(result.n)) == 401
    with BallContext(4096) as ctx:
        c, lost, _ = game.per_attack(ctx)
        # g**N = (T (c + l) - c) / l solves S(N) = T: N* = floor(ln(...) / ln g)
        gap = (ctx.number(F(7, 10)) * (c + lost) - c) / lost
        target = ctx.log(gap) / ctx.log1p(-ctx.number(F(1, 10**400)) * (c + lost))
        assert target.floor().unique_fmpz() == result.n
