"""The Oversight family on the protocol: budgets, balls, the 'any' interval, wrapping, specs, errors."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import pytest

import bounds
from bounds.errors import BoundsError, ParameterError, SpecError
from bounds.models.registry import model_from_spec
from bounds.numeric.contexts import FLOAT, BallContext
from bounds.oversight import Oversight

F = Fraction


def test_acceptance_budget_is_that_of_epsilon_1e_5() -> None:
    model = Oversight("0.01", "0.1", vote=1, monitors=3, dependence="independent")
    assert model.layer_miss == F(1, 1000)
    assert model.epsilon == F(1, 10**5)
    result = model.budget("0.9")
    reference = bounds.budget(epsilon="1e-5", threshold="0.9")
    assert result.n == reference.n == 10535
    assert result.certified


@pytest.mark.parametrize(
    "kwargs",
    [dict(dependence="beta-factor", beta="0.1"), dict(dependence="mgl", greek=["0.1", "0.3"]),
     dict(dependence="alpha-factor", alpha=["0.9", "0.07", "0.03"]), dict(dependence="exchangeable", rho="0.2")],
)
def test_balls_contain_mpmath_and_shrink(kwargs: dict[str, Any]) -> None:
    model = Oversight("0.003", "0.05", vote=2, monitors=3, **kwargs)
    rate = model.epsilon
    assert isinstance(rate, Fraction)
    for n in (1, 17, 10**6, 10**15):
        with mpmath.workdps(60):
            expected = n * mpmath.log1p(-mpmath.mpf(rate.numerator) / rate.denominator)
        radii = []
        for prec in (64, 128, 256):
            with BallContext(prec) as ctx:
                ball = model.log_survival(ctx, n)
                assert ball.contains(ctx.number(F(mpmath.nstr(expected, 60))) ) or abs(
                    float(ball.mid()) - float(expected)) <= float(ball.rad()) * 1.0001
                radii.append(float(ball.rad()))
        assert radii[2] < radii[0]
        assert abs(float(model.log_survival(FLOAT, np.asarray([float(n)]))[0]) - float(expected)) <= 1e-14 * abs(
            float(expected))


def test_exact_tie_settled() -> None:
    """d M = 1/10 exactly: S(2) = 0.81 ties T = 0.81 and the budget is 2."""
    model = Oversight("0.5", "0.2", monitors=1)
    assert model.epsilon == F(1, 10)
    assert model.budget("0.81").n == 2


def test_any_interval_budgets() -> None:
    model = Oversight("0.01", ["0.1", "0.2", "0.3"], vote=2, dependence="any")
    low, high = model.layer_miss
    assert (low, high) == (F(0), F(3, 10))
    result = model.budget_interval("0.9")
    assert result.guaranteed.n == bounds.budget(epsilon=F(3, 1000), threshold="0.9").n
    assert model.budget("0.9").n == result.guaranteed.n  # the plain budget is the guaranteed end
    assert result.possible.unbounded
    assert result.to_dict()["budget_guaranteed"] == result.guaranteed.n
    # every point model lies inside the interval
    point = Oversight("0.01", ["0.1", "0.2", "0.3"], vote=2)
    assert result.guaranteed.n <= point.budget("0.9").n


def test_effective_monitors_only_with_rho() -> None:
    assert Oversight("0.01", "0.1", monitors=3, dependence="exchangeable", rho="0.5").effective_monitors == F(3, 2)
    assert Oversight("0.01", "0.1", monitors=3).effective_monitors is None


def test_limit_and_zero_rates() -> None:
    assert Oversight("0", "0.1", monitors=2).budget("0.5").unbounded
    assert Oversight("0.1", "0", monitors=2).budget("0.5").unbounded
    assert Oversight("1", "1", monitors=2).budget("0.5").n == 0


@dataclass(frozen=True)
class HalvingRates:
    """A schedule double on the protocol: eps_i = e1 / 2**(i-1)."""

    e1: Fraction
    name = "halving"

    def rate(self, ctx: Any, i: Any) -> Any:
        if ctx.kind == "float":
            return float(self.e1) * np.power(0.5, np.asarray(i) - 1)
        return ctx.number(self.e1) / 2 ** (i - 1)

    def rate_exact(self, i: int) -> Fraction:
        return self.e1 / 2 ** (i - 1)

    def parameters(self) -> dict[str, Any]:
        return {"e1": self.e1}


def test_wrapping_a_base_schedule_multiplies_rates() -> None:
    base = HalvingRates(F(1, 2))
    model = Oversight(base, "0.5", monitors=2)  # M = 1/4
    assert model.wrapped
    expected = F(1)
    for i in range(1, 6):
        expected *= 1 - F(1, 2) / 2 ** (i - 1) * F(1, 4)
    assert model.survival_exact(5) == expected
    with BallContext(128) as ctx:
        ball = model.log_survival(ctx, 5)
        assert ball.contains(ctx.log(ctx.number(expected)))
    assert abs(model.survival(5) - float(expected)) < 1e-15
    assert model.budget("0.8").n == max(n for n in range(0, 200) if model.survival_exact(n) >= F(8, 10))


def test_spec_round_trip() -> None:
    model = model_from_spec({"model": "oversight", "defect_rate": "0.01", "miss": "0.1", "monitors": 3,
                             "dependence": "beta-factor", "beta": "0.5"})
    assert model == Oversight("0.01", "0.1", monitors=3, dependence="beta-factor", beta="0.5")
    with pytest.raises(SpecError, match="unknown"):
        model_from_spec({"model": "oversight", "defect_rate": "0.01", "miss": "0.1", "betta": "0.5"})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [(dict(dependence="beta-factor"), "beta"), (dict(dependence="independent", rho="0.5"), "rho"),
     (dict(dependence="nope"), "dependence"), (dict(vote=4), "vote"), (dict(miss=["0.1", "0.2"]), "miss"),
     (dict(dependence="mgl", greek=["0.1"]), "greek"), (dict(dependence="alpha-factor", alpha=["0.5"] * 3), "alpha")],
)
def test_bad_parameters(kwargs: dict[str, Any], match: str) -> None:
    arguments: dict[str, Any] = {"miss": "0.1", "monitors": 3, **kwargs}
    with pytest.raises(ParameterError, match=match):
        Oversight("0.01", **arguments)


def test_bad_probability_is_a_bounds_error() -> None:
    with pytest.raises(BoundsError, match=r"miss must be in \[0, 1\]"):
        Oversight("0.01", "1.5")


def test_rates_below_the_float_range_keep_a_certified_budget() -> None:
    """d M = 1e-203: the float path sees 0; the candidate comes from arb and the budget is certified."""
    model = Oversight("1e-200", "1e-3", monitors=1)
    result = model.budget("0.9")
    reference = bounds.budget(epsilon="1e-203", threshold="0.9")
    assert result.n == reference.n and len(str(result.n)) == 203


def test_a_base_without_rate_ctx_is_refused() -> None:
    class OldStyle:
        def rate(self, i: Any) -> Any:
            return np.full(np.shape(i), 0.01)

    with pytest.raises(ParameterError, match=r"rate\(ctx, i\)"):
        Oversight(OldStyle(), "0.1")
