"""Elasticities of the budget and the rate a required budget needs.

Trusted results: mpmath's numerical derivative of the continuous relaxation
``ln T / ln(1 - epsilon)`` (computed here, independently of the closed form),
the certified solver at the returned rate and at the next float, and the
closed form as the target of the finite differences (tolerance stated).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given

from bounds import BetaMixture, Independent
from bounds.errors import BoundsError, ParameterError
from bounds.evidence.sensitivity import elasticity, elasticity_fd, required_epsilon
from bounds.testing import strategies as bst


def _relaxation_elasticities(epsilon: Fraction, threshold: Fraction) -> tuple[mpmath.mpf, mpmath.mpf]:
    with mpmath.workdps(40):
        log_eps = mpmath.log(mpmath.mpf(epsilon.numerator) / epsilon.denominator)
        log_t = mpmath.log(mpmath.mpf(threshold.numerator) / threshold.denominator)

        def log_n(u: mpmath.mpf, v: mpmath.mpf) -> mpmath.mpf:
            return mpmath.log(v / mpmath.log(1 - mpmath.exp(u)))

        return (
            mpmath.diff(lambda u: log_n(u, log_t), log_eps),
            mpmath.diff(lambda v: log_n(log_eps, v), log_t),
        )


@given(
    epsilon=bst.epsilons(min_value=Fraction(1, 10**12), max_value=Fraction(999, 1000), max_exponent=12),
    threshold=bst.thresholds(max_exponent=12, max_value=1 - Fraction(1, 10**12)),
)
def test_closed_form_is_the_derivative_of_the_continuous_relaxation(
    epsilon: Fraction, threshold: Fraction
) -> None:
    result = elasticity(epsilon, threshold)
    by_rate, by_threshold = _relaxation_elasticities(epsilon, threshold)
    assert result.epsilon == pytest.approx(float(by_rate), rel=1e-10)
    assert result.threshold == pytest.approx(float(by_threshold), rel=1e-10)
    assert result.method == "closed form (continuous relaxation)"


def test_small_rate_limit_and_broadcasting() -> None:
    result = elasticity(["1e-12", "0.5"], "0.9")
    assert isinstance(result.epsilon, np.ndarray) and result.epsilon.shape == (2,)
    assert result.epsilon[0] == pytest.approx(-1.0, abs=1e-11)
    assert result.epsilon[1] == pytest.approx(0.5 / (0.5 * np.log(0.5)))


def test_finite_differences_agree_with_the_closed_form_for_independent() -> None:
    # N* ~ 50000: the integer discretisation error 1/(h N*) = 0.002 and O(h^2) = 1e-4 at h = 0.01
    closed = elasticity("1e-5", "0.605")
    result = elasticity_fd(lambda x: Independent(epsilon=x), "1e-5", "0.605", relative_step=0.01)
    assert result.budget == Independent(epsilon="1e-5").budget("0.605").n
    assert result.epsilon == pytest.approx(closed.epsilon, abs=0.005)
    assert result.threshold == pytest.approx(closed.threshold, abs=0.005)


def test_finite_differences_for_beta_mixture_mean() -> None:
    # S(N) ~ C N^-a with a = mean (1 - rho)/rho: N* ~ (C/T)^(1/a), so d ln N*/d ln T ~ -1/a
    result = elasticity_fd(
        lambda mean: BetaMixture(mean=mean, rho="0.01"), "0.001", "0.605", relative_step=0.01
    )
    a = 0.001 * 0.99 / 0.01
    assert result.budget == 15667  # reference beta_mixture.json
    assert result.threshold == pytest.approx(-1 / a, rel=0.05)
    assert result.epsilon < -1  # a larger mean rate lowers the power-law exponent's budget faster than 1:1


def test_elasticity_bad_input() -> None:
    with pytest.raises(ParameterError, match=r"epsilon must be in \(0, 1\) for an elasticity"):
        elasticity(0, "0.9")
    with pytest.raises(ParameterError, match=r"threshold must be in \(0, 1\) for an elasticity"):
        elasticity("0.1", 1)
    with pytest.raises(ParameterError, match=r"relative_step must be a number in \(0, 1\)"):
        elasticity_fd(lambda x: Independent(epsilon=x), "0.1", "0.9", relative_step=0)
    with pytest.raises(BoundsError, match="is 0: its elasticity is undefined"):
        elasticity_fd(lambda x: Independent(epsilon=x), "0.5", "0.9")


@pytest.mark.parametrize(
    ("generations", "threshold"), [(500, "0.605"), (1, "0.5"), (10**9, "0.9"), (35, "0.9")]
)
def test_required_epsilon_is_the_largest_float_that_allows_n(generations: int, threshold: str) -> None:
    rate = required_epsilon(generations, threshold)
    assert Independent(epsilon=rate).budget(threshold).n >= generations
    above = float(np.nextafter(rate, 1.0))
    assert Independent(epsilon=above).budget(threshold).n < generations


def test_required_parameter_for_a_model_factory() -> None:
    def factory(mean: object) -> BetaMixture:
        return BetaMixture(mean=mean, rho="0.01")

    mean = required_epsilon(15667, "0.605", factory)
    assert factory(mean).budget("0.605").n >= 15667
    assert factory(float(np.nextafter(mean, 1.0))).budget("0.605").n < 15667
    assert abs(mean - 0.001) < 1e-6
    # the same factory for the Independent model reproduces max_epsilon
    assert required_epsilon(500, "0.605", lambda x: Independent(epsilon=x)) == required_epsilon(500, "0.605")


def test_required_epsilon_bad_input() -> None:
    with pytest.raises(ParameterError, match="generations_required must be a whole number >= 1, got 0"):
        required_epsilon(0, "0.9")


def test_thresholds_down_to_the_parsers_limit_are_answered_not_refused() -> None:
    # issue 10: T = 1e-4000 is accepted by the parser, and was refused inside max_epsilon, trials_needed and
    # from_evidence ("a fraction of at most 13000 bits": its own Fraction, passed on)
    import math

    import bounds

    tiny = Fraction(1, 10**4000)
    # the largest float eps with (1 - eps)**10 >= T: (1 - eps)**10 >= 1e-4000 holds up to 1 - 1e-400,
    # so every float below 1 passes and 1 itself (S = 0) fails
    largest = bounds.max_epsilon(10, "1e-4000")
    assert largest == math.nextafter(1.0, 0.0)
    assert (1 - Fraction(repr(largest))) ** 10 >= tiny
    # with 0 failures in n trials the Clopper-Pearson bound is 1 - 0.05**(1/n): n = 1 gives 0.95 <= largest
    assert bounds.trials_needed(10, "1e-4000") == 1
    result = bounds.from_evidence(0, 100, threshold="1e-4000")
    with mpmath.workdps(60):
        upper = mpmath.mpf(repr(result.epsilon_upper))
        truth = int(mpmath.floor(mpmath.log(mpmath.mpf(10) ** -4000) / mpmath.log1p(-upper)))
    assert result.budget.n == truth
