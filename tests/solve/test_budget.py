"""The generic certified solver, exercised with small test-double models."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounds import Budget, BudgetArray, CertificationError, Independent, solve
from bounds.models.base import SurvivalModel


@dataclass(frozen=True)
class Hyperbolic(SurvivalModel):
    """S(n) = floor + (1 - floor)/(1 + n): decays to ``floor``; every value rational."""

    floor: Fraction = Fraction(0)
    exact_known: bool = True
    guess: int | None = None
    name = "hyperbolic"

    def _exact(self, n: int) -> Fraction:
        return self.floor + (1 - self.floor) / (1 + n)

    def log_survival(self, ctx, n):  # written once, for every context
        floor = ctx.number(self.floor)
        return ctx.log(floor + (1 - floor) / (1 + n))

    def log_limit(self, ctx):
        return ctx.log(ctx.number(self.floor))

    def survival_exact(self, n: int) -> Fraction | None:
        return self._exact(n) if self.exact_known else None

    def limit_exact(self) -> Fraction | None:
        return self.floor if self.exact_known else None

    def candidate(self, threshold: Fraction) -> int | None:
        return self.guess

    def parameters(self) -> dict:
        return {"floor": self.floor}


@given(st.integers(1, 10**6))
def test_exact_tie_decided_exactly(k: int) -> None:
    # S(k-1) = 1/k exactly, so the budget at T = 1/k is k - 1
    result = Hyperbolic().budget(Fraction(1, k))
    assert result.n == k - 1
    # the tie S(N*) == T is proved in exact arithmetic (no ball can), S(N*+1) < T by a ball
    assert result.certificate_values[0] == Fraction(1, k) and isinstance(result.certificate_values[0], Fraction)
    assert result.certificate == ("exact" if result.certificate_bits == 0 else "ball")


@given(st.fractions(min_value=Fraction(1, 10**9), max_value=1))
def test_generic_search_matches_exact_answer(threshold: Fraction) -> None:
    # 1/(1+n) >= T  <=>  n <= 1/T - 1
    expected = int(1 / threshold) - 1 if (1 / threshold).denominator == 1 else int(1 / threshold - 1)
    result = Hyperbolic(exact_known=False).budget(threshold) if (1 / threshold).denominator != 1 else None
    if result is not None:
        assert result.n == max(expected, 0)
        assert result.certificate == "ball" and result.certificate_bits >= 64
        assert result.certificate_text.startswith("ball arithmetic at")


def test_a_tie_that_cannot_be_checked_exactly_is_refused() -> None:
    with pytest.raises(CertificationError, match="could not decide whether S\\(3\\) >= T"):
        Hyperbolic(exact_known=False).budget(Fraction(1, 4))


@pytest.mark.parametrize("candidate", [0, 1, 4, 5, 6, 10**6, 10**40])
def test_a_wrong_candidate_is_corrected(candidate: int) -> None:
    # true budget at T = 0.18 is 4 (S(4) = 0.2, S(5) = 0.1666)
    assert Hyperbolic(guess=candidate).budget("0.18").n == 4


def test_unbounded_when_the_limit_reaches_the_threshold() -> None:
    model = Hyperbolic(floor=Fraction(1, 2))
    assert model.budget("0.5").unbounded  # limit == T exactly: S(N) >= T for all N
    assert model.budget("0.4").unbounded
    assert model.budget("0.51").n == 49  # 1/2 + 1/(2(1+n)) >= 0.51 <=> n <= 49


def test_limit_tie_without_exact_value_is_refused() -> None:
    with pytest.raises(CertificationError, match="S\\(infinity\\)"):
        Hyperbolic(floor=Fraction(1, 2), exact_known=False).budget("0.5")


def test_threshold_arrays_give_budget_arrays() -> None:
    result = Hyperbolic(floor=Fraction(1, 2)).budget(["0.51", "0.5", "0.75"])
    assert isinstance(result, BudgetArray)
    assert result.n.tolist() == [49, None, 1]
    assert result.unbounded.tolist() == [False, True, False]


def test_budget_result_interface() -> None:
    result = Independent(epsilon="0.001").budget("0.605")
    assert isinstance(result, Budget)
    data = result.to_dict()
    assert set(data) >= {
        "model", "threshold", "budget", "unbounded", "survival_at_budget",
        "survival_after_budget", "certified", "epsilon",
    }
    assert json.loads(json.dumps(data))["budget"] == 502
    assert int(result) == 502
    text = str(result)
    assert "N* = 502" in text and "S(503)" in text and "certified" in text
    with pytest.raises(AttributeError):
        result.n = 3  # type: ignore[misc]


def test_str_shows_enough_digits_to_see_the_certificate() -> None:
    # S(N*) and S(N*+1) differ in the 13th digit here; the text must not print them equal
    text = str(Independent(epsilon="1e-12").budget("0.5"))
    at = re.search(r"S\(693147180559\) = (\S+)", text).group(1)
    after = re.search(r"S\(693147180560\) = (\S+)", text).group(1)
    assert mpmath.mpf(at) > mpmath.mpf("0.5") > mpmath.mpf(after)


def test_solve_is_the_same_as_model_budget() -> None:
    model = Independent(epsilon="0.01")
    assert solve(model, "0.5").n == model.budget("0.5").n == 68


class _Minimal:
    """Only the documented minimum: log_survival(ctx, n), written once for every context."""

    def log_survival(self, ctx, n):
        return n * ctx.log1p(-ctx.number(Fraction(1, 1000)))


def test_a_duck_typed_model_with_the_documented_minimum_is_solved_and_derived() -> None:
    import bounds

    result = bounds.solve(_Minimal(), "0.605")
    # the same model as Independent(epsilon=0.001), whose budget is the reference 502
    assert result.n == 502 and result.certified and result.certificate == "ball"
    assert result.to_dict()["model"] == "_Minimal"
    assert bounds.derive(_Minimal(), "0.605").values["budget"] == 502


def test_without_log_limit_an_unbounded_looking_model_is_refused() -> None:
    class Flat:
        def log_survival(self, ctx, n):
            return ctx.zero * n

    with pytest.raises(CertificationError, match="log_limit"):
        solve(Flat(), "0.5")


def test_an_object_without_log_survival_is_a_clear_error() -> None:
    from bounds import BoundsError

    with pytest.raises(BoundsError, match="model must be an object with a method log_survival"):
        solve(object(), "0.5")
