"""sweep(model=...): model objects on the grid, one with its fields varied, or several.

Truth: the closed form floor(ln T / ln(1 - eps)) for Independent (mpmath, 60 digits), and
for Geometric the product S(N) = prod_{i<N} (1 - eps1 r^i) walked in mpmath at 40 digits.
"""

from __future__ import annotations

from pathlib import Path

import mpmath
import pytest

import bounds
from bounds.batch.sweep import sweep, sweep_csv


def _independent(epsilon: str, threshold: str) -> int:
    with mpmath.workdps(60):
        return int(mpmath.floor(mpmath.log(mpmath.mpf(threshold)) / mpmath.log(1 - mpmath.mpf(epsilon))))


def _geometric(epsilon1: str, ratio: str, threshold: str) -> int | None:
    """The first N with S(N+1) < T, walking the product at 40 digits; None when S(inf) >= T."""
    with mpmath.workdps(40):
        first, r, t = mpmath.mpf(epsilon1), mpmath.mpf(ratio), mpmath.mpf(threshold)
        if mpmath.nprod(lambda i: 1 - first * r**i, [0, mpmath.inf]) >= t:
            return None
        survival, n = mpmath.mpf(1), 0
        while survival * (1 - first * r**n) >= t:
            survival, n = survival * (1 - first * r**n), n + 1
        return n


def test_one_model_with_a_field_varied_matches_the_exact_product() -> None:
    model = bounds.Geometric(epsilon1="0.01", ratio="0.9")
    table = sweep(model=model, axes={"ratio": ["0.9", "0.99"]}, threshold=["0.95", "0.9"], frame=False)
    expected = [_geometric("0.01", r, t) for r in ("0.9", "0.99") for t in ("0.95", "0.9")]
    assert table["budget"].tolist() == expected == [6, None, 5, 11]
    assert table["unbounded"].tolist() == [value is None for value in expected]


def test_one_model_sweeps_thresholds_only() -> None:
    table = sweep(model=bounds.Independent(epsilon="0.001"), threshold=["0.605", "0.5"], frame=False)
    assert set(table) == {"threshold", "budget", "unbounded"}
    assert table["budget"].tolist() == [_independent("0.001", "0.605"), _independent("0.001", "0.5")]


def test_several_models_add_a_labelled_model_axis() -> None:
    pd = pytest.importorskip("pandas")
    models = {"slow": bounds.Independent(epsilon="0.0001"), "never": bounds.Independent(epsilon="0")}
    frame = sweep(model=models, threshold=["0.605"])
    assert frame["model"].tolist() == ["slow", "never"]
    assert frame["budget"].iloc[0] == _independent("0.0001", "0.605") and pd.isna(frame["budget"].iloc[1])
    labelled = sweep(model=list(models.values()), threshold=["0.605"], frame=False)
    assert labelled["model"].tolist() == [repr(model) for model in models.values()]


def test_csv_quotes_model_labels(tmp_path: Path) -> None:
    models = [bounds.Geometric(epsilon1="0.01", ratio="0.9"), bounds.Independent(epsilon="0.001")]
    summary = sweep_csv(tmp_path / "m.csv", model=models, threshold=["0.605"])
    import csv

    with (tmp_path / "m.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["model", "threshold", "budget", "unbounded"]
    assert rows[1][0] == repr(models[0]) and rows[2] == [repr(models[1]), "0.605", "502", "false"]
    assert summary.rows == 2


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "independent"}, "model object"),
        ({"model": [bounds.Independent(epsilon="0.1"), 3]}, "model object"),
        ({"model": bounds.Independent(epsilon="0.1"), "axes": {"ratio": ["0.5"]}}, "fields of Independent"),
        ({"model": bounds.Independent(epsilon="0.1"), "epsilon": ["2"]}, "epsilon"),
        ({"model": bounds.Independent(epsilon="0.1"), "spec": {"model": "independent"}}, "spec"),
        ({"model": [bounds.Independent(epsilon="0.1")] * 2}, "distinct labels"),
    ],
)
def test_bad_model_arguments_name_the_parameter(kwargs, match) -> None:
    with pytest.raises(bounds.ParameterError, match=match):
        sweep(threshold=["0.5"], frame=False, **kwargs)
