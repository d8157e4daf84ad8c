"""Monte Carlo harness: reproducible, and able to reject a wrong formula."""

from __future__ import annotations

import numpy as np
import pytest

from bounds import Independent, ParameterError
from bounds.batch.simulate import simulate


def test_seeded_runs_reproduce() -> None:
    model = Independent(epsilon="0.01")
    first = simulate(model, [10, 100], trials=10_000, seed=3)
    second = simulate(model, [10, 100], trials=10_000, seed=3)
    np.testing.assert_array_equal(first.survival, second.survival)
    assert first.seed == 3 and first.trials == 10_000


def test_estimates_and_standard_errors() -> None:
    model = Independent(epsilon="0.01")
    result = simulate(model, [0, 50, 300], trials=400_000, seed=11)
    assert result.survival[0] == 1.0
    exact = model.survival([0, 50, 300])
    assert result.agrees_with(exact)
    # binomial standard error at S = 0.605, n = 4e5 is 7.7e-4; 4 sigma rejects a 1% change in epsilon
    assert not result.agrees_with(Independent(epsilon="0.0101").survival([0, 50, 300]))


def test_zero_rate_never_fails() -> None:
    result = simulate(Independent(epsilon=0), [10**6], trials=1000, seed=0)
    assert result.survival.tolist() == [1.0]


@pytest.mark.parametrize("trials", [0, -5, 2.5, True])
def test_bad_trials(trials: object) -> None:
    with pytest.raises(ParameterError, match="trials must be a whole number >= 1"):
        simulate(Independent(epsilon="0.1"), [1], trials=trials)  # type: ignore[arg-type]
