"""BudgetArray data: an unbounded budget is missing in every view (numpy, masked, pandas), never a number.

Truth: the closed form N* = floor(ln T / ln(1 - eps)) in mpmath at 60 digits, and eps = 0
(S = 1 for every N) for unbounded.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

import bounds

pd = pytest.importorskip("pandas")


def _closed_form(epsilon: str, threshold: str) -> int:
    with mpmath.workdps(60):
        return int(mpmath.floor(mpmath.log(mpmath.mpf(threshold)) / mpmath.log(1 - mpmath.mpf(epsilon))))


def test_unbounded_is_missing_in_numpy_views() -> None:
    result = bounds.budget(epsilon=np.array([0.001, 0.0, 0.1]), threshold="0.605")
    expected = [_closed_form("0.001", "0.605"), None, _closed_form("0.1", "0.605")]
    assert result.n.tolist() == expected
    assert np.asarray(result.n).tolist() == expected
    assert result.n.filled().tolist() == expected
    assert 0 not in np.asarray(result.n).tolist() and 999999 not in result.n.filled().tolist()
    assert result.n.compressed().tolist() == [expected[0], expected[2]]


def test_every_budget_finite_keeps_int64() -> None:
    result = bounds.budget(epsilon=np.array([0.001, 0.1]), threshold="0.605")
    assert result.n.dtype == np.int64 and not np.ma.getmaskarray(result.n).any()
    assert result.n.max() == _closed_form("0.001", "0.605")


def test_to_pandas_nullable_integers() -> None:
    series = bounds.budget(epsilon=np.array([0.001, 0.0]), threshold="0.605").to_pandas()
    assert str(series.dtype) == "Int64"
    assert series.iloc[0] == _closed_form("0.001", "0.605") and series.isna().tolist() == [False, True]


def test_to_pandas_beyond_int64_is_exact_python_ints() -> None:
    result = bounds.budget(epsilon=np.array(["1e-30", "0"], dtype=object), threshold="0.5")
    series = result.to_pandas()
    assert series.dtype == object
    assert series.iloc[0] == _closed_form("1e-30", "0.5") and series.iloc[0] > 2**63
    assert series.iloc[1] is None or pd.isna(series.iloc[1])


def test_to_pandas_grid_is_a_frame_with_missing_cells() -> None:
    epsilons, thresholds = np.array([[0.001], [0.0]]), np.array([0.605, 0.5])
    frame = bounds.budget(epsilon=epsilons, threshold=thresholds).to_pandas()
    assert frame.shape == (2, 2)
    assert frame.iloc[0].tolist() == [_closed_form("0.001", "0.605"), _closed_form("0.001", "0.5")]
    assert frame.iloc[1].isna().all()


def test_to_pandas_refuses_three_dimensions() -> None:
    result = bounds.budget(epsilon=np.full((2, 2, 2), 0.1), threshold="0.5")
    with pytest.raises(bounds.ParameterError, match="at most two dimensions"):
        result.to_pandas()
