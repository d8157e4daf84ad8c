"""bounds.batch.sweep and `bounds sweep`: exact budgets over grids, chunked, atomic, on numpy and dask."""

from __future__ import annotations

import csv
import json
import os
import stat
from fractions import Fraction
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bounds import Independent, budget
from bounds.batch.sweep import _chunks, _plan, axis_values, budget_grid, sweep, sweep_csv
from bounds.cli import main
from bounds.errors import ParameterError, SpecError
from bounds.testing import epsilons, thresholds

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "specs" / "independent.toml"


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as stream:
        return list(csv.DictReader(stream))


def test_csv_rows_are_certified_budgets_across_chunk_boundaries(tmp_path: Path) -> None:
    eps = np.geomspace(1e-5, 0.5, 23)
    levels = [0.1, 0.5, 0.605, 0.81, 0.9, 0.9025, 0.343, 1.0]
    summary = sweep_csv(tmp_path / "g.csv", epsilon=eps, threshold=levels, chunk_size=7)
    rows = _read(tmp_path / "g.csv")
    assert summary.rows == len(rows) == 23 * 8
    assert summary.columns == ("epsilon", "threshold", "budget", "unbounded")
    for row, (i, j) in zip(rows, np.ndindex(23, 8), strict=True):
        assert row["epsilon"] == repr(float(eps[i])) and row["threshold"] == repr(levels[j])
        expected = Independent(epsilon=float(eps[i])).budget(levels[j]).n
        assert int(row["budget"]) == expected and row["unbounded"] == "false"
    assert summary.min_budget == 0 and summary.max_budget == max(int(row["budget"]) for row in rows)


def test_float_ties_are_decided_exactly(tmp_path: Path) -> None:
    # floor(ln T / ln p) in floats gets these wrong; the sweep must not
    sweep_csv(tmp_path / "t.csv", epsilon=[0.1, 0.3, 0.05], threshold=[0.81, 0.343, 0.9025])
    rows = {(row["epsilon"], row["threshold"]): int(row["budget"]) for row in _read(tmp_path / "t.csv")}
    assert rows[("0.1", "0.81")] == 2
    assert rows[("0.3", "0.343")] == 3
    assert rows[("0.05", "0.9025")] == 2


def test_exact_strings_that_floats_cannot_hold_take_the_exact_path(tmp_path: Path) -> None:
    # 1 - epsilon is just below 0.9, so 0.81 is not reached at N = 2 (a float would say 2)
    tiny_more = "0.1000000000000000000001"
    sweep_csv(tmp_path / "e.csv", epsilon=[tiny_more, "1e-20", "0"], threshold=["0.81", "0.5"])
    rows = _read(tmp_path / "e.csv")
    assert [row["epsilon"] for row in rows] == [tiny_more, tiny_more, "1e-20", "1e-20", "0", "0"]
    with mpmath.workdps(80):  # floor(ln T / ln(1 - 1e-20)), far from a tie at 80 digits
        tiny = [
            int(mpmath.floor(mpmath.log(mpmath.mpf(t)) / mpmath.log1p(-mpmath.mpf("1e-20"))))
            for t in ("0.81", "0.5")
        ]
    assert [row["budget"] for row in rows] == ["1", "6", str(tiny[0]), str(tiny[1]), "", ""]
    assert [row["unbounded"] for row in rows] == ["false"] * 4 + ["true"] * 2


@settings(max_examples=25)
@given(
    st.lists(epsilons(max_exponent=8), min_size=1, max_size=4),
    st.lists(thresholds(max_exponent=8), min_size=1, max_size=4),
)
def test_sweep_agrees_with_scalar_budgets(rates: list[Fraction], levels: list[Fraction]) -> None:
    table = sweep(epsilon=rates, threshold=levels, chunk_size=3, frame=False)
    expected = [Independent(epsilon=r).budget(t).n for r in rates for t in levels]
    got = [
        None if masked else int(value)
        for value, masked in zip(
            table["budget"].data.tolist(), np.ma.getmaskarray(table["budget"]).tolist(), strict=True
        )
    ]
    assert got == expected


def test_sweep_returns_dataframe_with_nullable_exact_budgets() -> None:
    pd = pytest.importorskip("pandas")
    frame = sweep(epsilon=[0.001, 0.0], threshold=[0.605, 0.5])
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["epsilon", "threshold", "budget", "unbounded"]
    assert str(frame["budget"].dtype) == "Int64"
    assert frame["budget"].tolist()[:2] == [502, 692]
    assert frame["budget"].isna().tolist() == [False, False, True, True]
    huge = sweep(epsilon=["1e-20"], threshold=["0.5"])
    assert huge["budget"].tolist() == [69314718055994530941]


def test_spec_sweep_varies_fields(tmp_path: Path) -> None:
    sweep_csv(tmp_path / "s.csv", spec=SPEC, axes={"epsilon": "0.001,0.002"}, threshold="lin:0.5:0.9:3")
    rows = _read(tmp_path / "s.csv")
    assert [(row["epsilon"], row["threshold"], row["budget"]) for row in rows] == [
        ("0.001", "0.5", "692"),
        ("0.001", "0.7", "356"),
        ("0.001", "0.9", "105"),
        ("0.002", "0.5", "346"),
        ("0.002", "0.7", "178"),
        ("0.002", "0.9", "52"),
    ]
    frame = sweep(
        spec={"model": "independent", "epsilon": "0.5"},
        axes={"epsilon": ["0.1"]},
        threshold=["0.81"],
        frame=False,
    )
    assert frame["budget"].tolist() == [2]


def test_spec_sweep_errors_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="unknown field.*'rho'"):
        sweep(spec=SPEC, axes={"rho": [0.1]}, threshold=[0.5])
    with pytest.raises(SpecError, match="no table 'base'"):
        sweep(spec=SPEC, axes={"base.epsilon": [0.1]}, threshold=[0.5])
    with pytest.raises(ParameterError, match="only epsilon without a spec"):
        sweep(epsilon=[0.1], axes={"rho": [0.1]}, threshold=[0.5])
    with pytest.raises(ParameterError, match="threshold must be in \\(0, 1\\], got 0"):
        sweep(epsilon=[0.1], threshold=[0.5, 0])


def test_axis_text_forms() -> None:
    assert axis_values("log:1e-6:1e-2:5", "epsilon") == pytest.approx(
        [1e-6, 1e-5, 1e-4, 1e-3, 1e-2], rel=1e-12
    )
    assert axis_values("lin:0.5:0.9:3", "threshold") == [0.5, 0.7, 0.9]
    assert axis_values(" 0.5, 1e-3 ", "threshold") == ["0.5", "1e-3"]
    for bad, match in [
        ("log:0:1:3", "positive START"),
        ("lin:0:1", "lin:START:STOP:COUNT"),
        ("0.1,,0.2", "comma-separated"),
        ("0.1,abc", "decimal number"),
        ("log:1e-3:1:0.5", "count"),
    ]:
        with pytest.raises(ParameterError, match=match):
            axis_values(bad, "epsilon")


def test_chunks_never_materialise_the_grid() -> None:
    plan = _plan("log:1e-6:1e-1:10000", "lin:0.01:0.99:10000", None, None)
    assert plan.size == 10**8 and plan.fast
    chunks = _chunks(plan, 2**20)
    first, second = next(chunks), next(chunks)
    assert len(first[0]) == len(second[0]) == 2**20
    # consecutive flat indices: the second chunk starts where the first ended
    flat = np.ravel_multi_index(second, plan.shape)
    assert flat[0] == 2**20 and np.all(np.diff(flat) == 1)


def test_output_file_has_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        summary = sweep_csv(tmp_path / "p.csv", epsilon=[0.1], threshold=[0.5])
    finally:
        os.umask(umask)
    assert stat.S_IMODE(summary.path.stat().st_mode) == 0o644


def test_failed_sweep_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    import bounds.batch.sweep as module

    target = tmp_path / "keep.csv"
    target.write_text("old\n")
    calls = {"n": 0}
    original = module._evaluate

    def failing(plan, index):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return original(plan, index)

    monkeypatch.setattr(module, "_evaluate", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        sweep_csv(target, epsilon=[0.1, 0.2, 0.3], threshold=[0.5], chunk_size=1)
    assert target.read_text() == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["keep.csv"]


def test_budget_grid_numpy_in_chunks_matches_budget() -> None:
    eps = np.geomspace(1e-6, 0.3, 41)[:, None]
    levels = np.linspace(0.05, 0.99, 17)[None, :]
    grid = budget_grid(eps, levels, chunk_size=10)
    assert grid.shape == (41, 17) and grid.dtype == np.int64
    assert np.array_equal(grid, budget(epsilon=eps, threshold=levels).n)
    with pytest.raises(ParameterError, match="fits in int64"):
        budget_grid(np.array([1e-20]), np.array([0.5]))


def test_budget_grid_on_dask_with_the_synchronous_scheduler() -> None:
    dask = pytest.importorskip("dask")
    import dask.array as da

    eps = np.geomspace(1e-6, 0.3, 50)
    levels = np.linspace(0.05, 1.0, 40)
    lazy = budget_grid(da.from_array(eps, chunks=7)[:, None], da.from_array(levels, chunks=9)[None, :])
    assert isinstance(lazy, da.Array) and lazy.shape == (50, 40)
    assert lazy.numblocks == (8, 5)
    with dask.config.set(scheduler="synchronous"):
        computed = lazy.compute()
    expected = budget(epsilon=eps[:, None], threshold=levels[None, :]).n
    assert np.array_equal(np.ma.getdata(computed), expected.data)
    # unbounded cells stay masked through dask: epsilon = 0 row
    with dask.config.set(scheduler="synchronous"):
        zero = budget_grid(
            da.from_array(np.array([0.0, 0.1]), chunks=1), da.from_array(np.array([0.5, 0.5]), chunks=1)
        ).compute()
    assert np.ma.getmaskarray(zero).tolist() == [True, False] and zero[1] == 6


def test_sweep_accepts_dask_axes(tmp_path: Path) -> None:
    pytest.importorskip("dask")
    import dask.array as da

    summary = sweep_csv(
        tmp_path / "d.csv",
        epsilon=da.from_array(np.array([0.001, 0.01]), chunks=1),
        threshold=da.from_array(np.array([0.605]), chunks=1),
    )
    assert [row["budget"] for row in _read(summary.path)] == ["502", "50"]


def test_cli_sweep_writes_csv_and_json(tmp_path: Path, capsys) -> None:
    output = tmp_path / "c.csv"
    code = main(
        ["sweep", "--epsilon", "log:1e-4:1e-2:3", "--threshold", "0.5,0.605", "-o", str(output), "--json"]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 6 and data["min_budget"] == 50 and data["max_budget"] == 6931
    assert [row["budget"] for row in _read(output)] == ["6931", "5025", "692", "502", "68", "50"]


def test_cli_sweep_with_spec_and_vary(tmp_path: Path, capsys) -> None:
    output = tmp_path / "v.csv"
    code = main(
        ["sweep", "--spec", str(SPEC), "--vary", "epsilon=0.1,0.3", "-T", "0.81,0.343", "-o", str(output)]
    )
    assert code == 0
    assert "4 grid points" in capsys.readouterr().out
    assert [row["budget"] for row in _read(output)] == ["2", "10", "0", "3"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--threshold", "0.5"], "give --epsilon VALUES, or --spec FILE"),
        (["--epsilon", "0.1", "--vary", "rho=0.1", "-T", "0.5"], "--vary needs --spec"),
        (["--spec", str(SPEC), "--vary", "rho", "-T", "0.5"], "--vary must be FIELD=VALUES"),
        (["--epsilon", "1.5", "-T", "0.5"], "epsilon must be in [0, 1], got '1.5'"),
        (["--epsilon", "0.1", "-T", "0.5", "--chunk-size", "0"], "--chunk-size must be a whole number >= 1"),
    ],
)
def test_cli_sweep_errors_are_one_line(tmp_path: Path, capsys, arguments: list[str], message: str) -> None:
    code = main(["sweep", *arguments, "-o", str(tmp_path / "x.csv")])
    error = capsys.readouterr().err
    assert code == 2 and message in error and error.count("\n") == 1
    assert not list(tmp_path.iterdir())
