"""Property tests over the registered strategies: survival functions, and the orderings the theory page states."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bounds.oversight import ControlGame, Oversight, layer
from bounds.oversight.sharp import any_miss
from bounds.testing.checks import check_model
from bounds.testing.strategies import models, probabilities


@settings(max_examples=40, deadline=None)
@example(ControlGame("1", "1", "0.1", roc=(0, "0.11"), attack_rate=1, epsilon=1))  # g = 0: 0 * log 0 was nan
# a blind auditor (h = 0) with an irrational TPR: S(2) = 1/2 is an exact tie, once not evaluated exactly
@example(ControlGame("1", "0", "0.5", roc=(1, 1), attack_rate=1, epsilon="0.5"))
@example(ControlGame("1", "0", "0.5", roc=(0, "0.01"), attack_rate=1, epsilon="0.5"))
@given(models("oversight", "control"))
def test_oversight_and_control_are_survival_functions(model) -> None:
    check_model(model, max_generations=10**12, thresholds=["0.9", "0.5"])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.lists(probabilities(max_exponent=3), min_size=n,
                                                              max_size=n), st.integers(1, n))))
def test_every_point_model_lies_in_the_any_interval(drawn) -> None:
    miss, vote = drawn
    interval = any_miss(miss, vote)
    assert interval.low <= layer.independent_miss(miss, vote) <= interval.high
    q, n = miss[0], len(miss)
    same = any_miss([q] * n, vote)
    assert same.low <= layer.exchangeable_miss(q, n, vote, Fraction(1, 4)) <= same.high  # marginal q exactly
    # a basic-event model's own marginal is 1 - prod (1 - Q_j)^C(n-1, j-1), q only to first order
    groups = [Fraction(0)] * n
    groups[0] += (1 - Fraction(1, 3)) * q
    groups[-1] += Fraction(1, 3) * q
    implied = any_miss([layer.group_marginal(groups)] * n, vote)
    assert implied.low <= layer.group_miss(groups, vote) <= implied.high


@settings(max_examples=60, deadline=None)
@given(probabilities(max_exponent=3), probabilities(max_exponent=3), st.integers(1, 5))
def test_shared_difficulty_never_helps_one_of_n(q, rho, n) -> None:
    """Jensen: E[theta**n] >= q**n, so the exchangeable budget never exceeds the independent one."""
    assert layer.exchangeable_miss(q, n, 1, rho) >= q**n
    shared = Oversight("0.01", [q], 1, "exchangeable", monitors=n, rho=rho)
    alone = Oversight("0.01", [q], 1, "independent", monitors=n)
    assert shared.layer_miss >= alone.layer_miss
