"""Budgets over grids of parameters, in chunks, to CSV or a DataFrame, on numpy or dask.

A *sweep* evaluates the certified budget at every point of a Cartesian grid:
``epsilon x threshold`` for the constant-rate model (the fast path: one
vectorised :func:`bounds.budget` call per chunk), or any fields of a model
spec x threshold for every other model (one certified solve per point).

The grid is never materialised: points are generated chunk by chunk from
their flat index (the last axis varies fastest), so memory stays bounded by
``chunk_size`` whatever the grid size; :func:`sweep_csv` streams each chunk
to a temporary file that replaces the target only when complete (an atomic
write, like :func:`bounds._io.write_atomic`). For a cluster,
:func:`budget_grid` maps the same kernel over the blocks of dask arrays.

Numbers keep their meaning (DESIGN §2): a float is the decimal it prints as,
a string an exact decimal, and every budget is exact and certified.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from bounds._io import atomic_output, read_text
from bounds.batch.grid import DEFAULT_CHUNK_SIZE, _is_dask, _placeholder_data, budget_grid
from bounds.batch.model_axis import model_labels, vary
from bounds.display import Displayed
from bounds.errors import BoundsError, ParameterError, SpecError
from bounds.numeric.parse import exact, saturating_float
from bounds.solve.api import budget as constant_budget
from bounds.solve.budget import Budget, BudgetArray
from bounds.solve.frames import budget_series, missing_where_unbounded

__all__ = ["DEFAULT_CHUNK_SIZE", "MAX_AXIS_POINTS", "SweepSummary", "axis_values", "budget_grid", "sweep", "sweep_csv"]

#: The most values one ``log:``/``lin:`` axis may have. An axis is held in memory (about
#: 100 bytes a value: 100 MB at the cap); the grid, their product, is streamed and has no cap.
MAX_AXIS_POINTS = 10**6


def axis_values(values: Any, name: str) -> list[Any]:
    """The values of one grid axis as a list: floats, exact strings, ints or Fractions.

    Accepts a sequence, a 1-D numpy array, a 1-D dask array (computed: axes
    are small, the grid is what is large) or a text form: ``"0.001,0.01"``,
    ``"log:1e-6:1e-1:100"`` (log-spaced floats) or ``"lin:0.01:0.99:99"``.

    Examples
    --------
    >>> axis_values("log:1e-3:1e-1:3", "epsilon")
    [0.001, 0.01, 0.1]
    >>> axis_values("0.5, 0.605", "threshold")
    ['0.5', '0.605']
    """
    if isinstance(values, str):
        return _parse_axis(values, name)
    if _is_dask(values):
        values = values.compute()
    array = np.asarray(values, dtype=object)
    if array.ndim != 1 or array.size == 0:
        raise ParameterError(name, "a non-empty one-dimensional sequence of numbers", values)
    return [item.item() if isinstance(item, np.generic) else item for item in array.tolist()]


def _parse_axis(text: str, name: str) -> list[Any]:
    kind, colon, rest = text.partition(":")
    if colon and kind in ("log", "lin"):
        parts = rest.split(":")
        if len(parts) != 3:
            raise ParameterError(name, f"{kind}:START:STOP:COUNT", text)
        start, stop = (saturating_float(exact(part, name)) for part in parts[:2])
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise ParameterError(name, f"{kind}:START:STOP:COUNT with START and STOP within the float range", text)
        count = exact(parts[2], f"{name} count")
        if count.denominator != 1 or not 1 <= count <= MAX_AXIS_POINTS:
            raise ParameterError(f"{name} count", f"a whole number in [1, {MAX_AXIS_POINTS:.0e}]", parts[2])
        if kind == "log":
            if not (start > 0 and stop > 0):
                raise ParameterError(name, "positive START and STOP for a log axis", text)
            return [float(value) for value in np.geomspace(start, stop, int(count))]
        return [float(value) for value in np.linspace(start, stop, int(count))]
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise ParameterError(
            name, "comma-separated numbers, log:START:STOP:COUNT or lin:START:STOP:COUNT", text
        )
    for item in items:
        exact(item, name)
    return items


def _decimal_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return str(value)


def _float_exact(values: list[Any], name: str) -> bool:
    """Whether every value is the decimal its float prints as (so the float fast path is exact)."""
    for value in values:
        number = exact(value, name)
        if isinstance(value, (float, int)) and not isinstance(value, bool):
            continue
        as_float = saturating_float(number)
        if not math.isfinite(as_float) or Fraction(repr(as_float)) != number:
            return False
    return True


@dataclass(frozen=True)
class _Axis:
    name: str
    values: list[Any]
    text: list[str]
    floats: np.ndarray | None  # set when the float fast path is exact for this axis


def _axis(name: str, values: Any) -> _Axis:
    listed = axis_values(values, name)
    for value in listed:
        exact(value, name)
    floats = (
        np.asarray([float(exact(value, name)) for value in listed]) if _float_exact(listed, name) else None
    )
    return _Axis(name, listed, [_decimal_text(value) for value in listed], floats)


def _set_field(table: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    for key in keys[:-1]:
        inner = table.get(key)
        if not isinstance(inner, dict):
            raise SpecError(f"spec has no table {key!r} for the swept field {dotted!r}")
        table[key] = inner = dict(inner)
        table = inner
    table[keys[-1]] = value


def _spec_table(spec: Any) -> tuple[dict[str, Any], Path]:
    import tomllib

    if isinstance(spec, Mapping):
        return dict(spec), Path.cwd()
    path = Path(spec)
    try:
        return tomllib.loads(read_text(path, "spec file")), path.parent
    except BoundsError as error:
        raise SpecError(str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise SpecError(f"spec file {str(path)!r} is not valid TOML: {error}") from None
    except RecursionError:
        raise SpecError(f"spec file {str(path)!r} is nested too deeply") from None


@dataclass(frozen=True)
class _Plan:
    axes: list[_Axis]  # the last one is the threshold axis; with several models the first is theirs
    spec: dict[str, Any] | None
    base_dir: Path
    models: list[Any] | None = None  # model objects given as ``model=``

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(axis.values) for axis in self.axes)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def fast(self) -> bool:
        return self.spec is None and self.models is None and all(axis.floats is not None for axis in self.axes)


def _plan(epsilon: Any, threshold: Any, spec: Any, axes: Mapping[str, Any] | None, model: Any = None) -> _Plan:
    if threshold is None:
        raise ParameterError("threshold", "given: a sequence of thresholds in (0, 1]", None)
    fields = dict(axes or {})
    if epsilon is not None:
        if "epsilon" in fields:
            raise ParameterError("epsilon", "given once, not also in axes", epsilon)
        fields = {"epsilon": epsilon, **fields}
    if model is not None:
        return _model_plan(model, spec, fields, threshold)
    if spec is None:
        if set(fields) != {"epsilon"}:
            raise ParameterError(
                "axes", "only epsilon without a spec (give spec= to sweep other fields)", sorted(fields)
            )
        table, base_dir = None, Path.cwd()
    else:
        table, base_dir = _spec_table(spec)
    built = [_axis(name, values) for name, values in fields.items()] + [_axis("threshold", threshold)]
    from bounds.numeric.parse import threshold as as_threshold

    for value in built[-1].values:
        as_threshold(value)
    if table is None:
        from bounds.numeric.parse import probability

        for value in built[0].values:
            probability(value, "epsilon")
    return _Plan(built, table, base_dir)


def _model_plan(model: Any, spec: Any, fields: dict[str, Any], threshold: Any) -> _Plan:
    from bounds.numeric.parse import threshold as as_threshold

    if spec is not None:
        raise ParameterError("spec", "omitted when model= is given (one source of models)", spec)
    labels, models = model_labels(model)
    built = [_axis(name, values) for name, values in fields.items()] + [_axis("threshold", threshold)]
    for value in built[-1].values:
        as_threshold(value)
    if len(models) > 1:
        built.insert(0, _Axis("model", labels, [_csv_cell(label) for label in labels], None))
    plan = _Plan(built, None, Path.cwd(), models)
    for first in range(len(models)):  # a field a model lacks fails here, before any solve
        _point_model(plan, (first,) + (0,) * (len(built) - 2) if len(models) > 1 else (0,) * (len(built) - 1))
    return plan


def _csv_cell(text: str) -> str:
    """``text`` as one CSV cell: quoted (quotes doubled) when it holds a comma, quote or newline."""
    return '"' + text.replace('"', '""') + '"' if any(mark in text for mark in ',"\n') else text


def _point_model(plan: _Plan, key: tuple[int, ...]) -> Any:
    several = plan.models is not None and len(plan.models) > 1
    field_axes = plan.axes[1:-1] if several else plan.axes[:-1]
    field_keys = key[1:] if several else key
    values = {
        axis.name: axis.text[k] if isinstance(axis.values[k], float) else axis.values[k]
        for axis, k in zip(field_axes, field_keys, strict=True)
    }
    assert plan.models is not None
    return vary(plan.models[key[0] if several else 0], values)


def _chunks(plan: _Plan, chunk_size: int) -> Iterator[tuple[np.ndarray, ...]]:
    """Index arrays (one per axis) of consecutive grid points, ``chunk_size`` at a time."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ParameterError("chunk_size", "a whole number >= 1", chunk_size)
    for start in range(0, plan.size, chunk_size):
        flat = np.arange(start, min(start + chunk_size, plan.size), dtype=np.int64)
        yield np.unravel_index(flat, plan.shape)


def _fast_chunk(plan: _Plan, index: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    epsilon_axis, threshold_axis = plan.axes
    assert epsilon_axis.floats is not None and threshold_axis.floats is not None
    result = constant_budget(epsilon=epsilon_axis.floats[index[0]], threshold=threshold_axis.floats[index[1]])
    assert isinstance(result, BudgetArray)
    return _placeholder_data(result), np.asarray(result.unbounded)


def _general_chunk(plan: _Plan, index: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    from bounds.models.independent import Independent
    from bounds.models.registry import model_from_spec
    from bounds.solve.budget import solve

    budgets: list[int] = []
    unbounded: list[bool] = []
    cache: dict[tuple[int, ...], Any] = {}
    *field_index, threshold_index = (part.tolist() for part in index)
    for position, t in enumerate(threshold_index):
        key = tuple(part[position] for part in field_index)
        if key not in cache:
            if plan.models is not None:
                cache[key] = _point_model(plan, key)
            elif plan.spec is None:
                cache[key] = Independent(epsilon=plan.axes[0].values[key[0]])
            else:
                table = dict(plan.spec)
                for axis, k in zip(plan.axes[:-1], key, strict=True):
                    _set_field(
                        table,
                        axis.name,
                        axis.text[k] if isinstance(axis.values[k], float) else axis.values[k],
                    )
                cache[key] = model_from_spec(table, plan.base_dir)
        result = solve(cache[key], plan.axes[-1].values[t])
        assert isinstance(result, Budget)
        budgets.append(0 if result.n is None else result.n)
        unbounded.append(result.n is None)
    fits = all(abs(value) < 2**63 for value in budgets)
    return np.asarray(budgets, dtype=np.int64 if fits else object), np.asarray(unbounded, dtype=bool)


def _evaluate(plan: _Plan, index: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    return _fast_chunk(plan, index) if plan.fast else _general_chunk(plan, index)


@dataclass(frozen=True)
class SweepSummary(Displayed):
    """What :func:`sweep_csv` wrote.

    Attributes
    ----------
    path : Path
    rows : int
        Grid points written (one CSV row each, after the header).
    columns : tuple of str
    unbounded : int
        Points whose budget is unbounded (empty ``budget`` cell).
    min_budget, max_budget : int or None
        Smallest and largest finite budget.
    """

    path: Path
    rows: int
    columns: tuple[str, ...]
    unbounded: int
    min_budget: int | None
    max_budget: int | None


def _csv_lines(plan: _Plan, index: tuple[np.ndarray, ...], budgets: np.ndarray, unbounded: np.ndarray) -> str:
    columns = [[axis.text[k] for k in part.tolist()] for axis, part in zip(plan.axes, index, strict=True)]
    cells = [
        "" if never else str(value) for value, never in zip(budgets.tolist(), unbounded.tolist(), strict=True)
    ]
    flags = ["true" if never else "false" for never in unbounded.tolist()]
    rows = zip(*columns, cells, flags, strict=True)
    return "".join(",".join(row) + "\n" for row in rows)


def sweep_csv(
    path: str | os.PathLike[str],
    *,
    threshold: Any,
    epsilon: Any = None,
    spec: Any = None,
    axes: Mapping[str, Any] | None = None,
    model: Any = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> SweepSummary:
    """Write the budget at every grid point to a CSV file, streaming chunk by chunk, atomically.

    Parameters
    ----------
    path : str or Path
        Output file; replaced only when the whole sweep succeeded.
    threshold : sequence, array or axis text
        Threshold axis (the last, fastest-varying axis). See :func:`axis_values`.
    epsilon : sequence, array or axis text, optional
        Failure-probability axis (for the constant-rate model, or a spec field).
    spec : path or mapping, optional
        A model spec (TOML file or table); ``axes`` name its fields to vary
        (dotted names reach nested tables: ``"base.epsilon"``).
    axes : mapping of field name to values, optional
        Further axes, in order, before the threshold axis.
    model : model, sequence of models or mapping of label to model, optional
        Model objects instead of a spec: ``axes`` (and ``epsilon``) vary the fields of a
        single model (through :func:`dataclasses.replace`); several models add a first
        ``model`` axis labelled by their ``repr`` or the mapping's keys.
    chunk_size : int
        Grid points per chunk; memory is proportional to it, not to the grid.
    progress : callable, optional
        Called as ``progress(done, total)`` (grid points) after every chunk, for a progress display.

    Returns
    -------
    SweepSummary

    Notes
    -----
    Columns are the axes in order, then ``budget`` (empty when unbounded) and
    ``unbounded``. Parameter cells are written as the exact decimals used: a
    float as its ``repr``, a string as given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> summary = sweep_csv(folder / "grid.csv", epsilon=["0.001", "0"], threshold=[0.605, 0.5])
    >>> print((folder / "grid.csv").read_text(), end="")
    epsilon,threshold,budget,unbounded
    0.001,0.605,502,false
    0.001,0.5,692,false
    0,0.605,,true
    0,0.5,,true
    >>> summary.rows, summary.max_budget
    (4, 692)
    """
    plan = _plan(epsilon, threshold, spec, axes, model)
    target = Path(path)
    columns = (*(axis.name for axis in plan.axes), "budget", "unbounded")
    rows = never = 0
    low: int | None = None
    high: int | None = None
    # the temporary CSV lives beside the target and is removed on errors, SIGINT and SIGTERM
    with atomic_output(target, "w", encoding="utf-8", newline="") as stream:
        stream.write(",".join(columns) + "\n")
        for index in _chunks(plan, chunk_size):
            budgets, unbounded = _evaluate(plan, index)
            stream.write(_csv_lines(plan, index, budgets, unbounded))
            rows += len(budgets)
            never += int(unbounded.sum())
            finite = budgets[~unbounded]
            if finite.size:
                low = int(finite.min()) if low is None else min(low, int(finite.min()))
                high = int(finite.max()) if high is None else max(high, int(finite.max()))
            if progress is not None:
                progress(rows, plan.size)
    return SweepSummary(target, rows, columns, never, low, high)


def sweep(
    *,
    threshold: Any,
    epsilon: Any = None,
    spec: Any = None,
    axes: Mapping[str, Any] | None = None,
    model: Any = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    frame: bool | None = None,
) -> Any:
    """The budget at every grid point, as a pandas DataFrame (or a dict of numpy columns).

    Parameters are those of :func:`sweep_csv`. ``frame=None`` returns a
    DataFrame when pandas is installed and a dict of numpy arrays otherwise;
    ``True``/``False`` force one. For grids too large for memory use
    :func:`sweep_csv` or :func:`budget_grid` on dask arrays.

    The ``budget`` column is exact: int64 when every budget fits (pandas'
    nullable ``Int64``, missing where unbounded), else Python ints.

    Examples
    --------
    >>> table = sweep(epsilon=[0.001, 0.01], threshold=[0.605, 0.5], frame=False)
    >>> table["budget"].tolist()
    [502, 692, 50, 68]
    >>> from bounds import Geometric
    >>> table = sweep(model=Geometric(epsilon1="0.01", ratio="0.9"), axes={"ratio": ["0.9", "0.99"]},
    ...               threshold=["0.95", "0.9"], frame=False)
    >>> table["budget"].tolist()  # ratio 0.9 at T = 0.9: S(inf) = 0.9046... >= T, unbounded
    [6, None, 5, 11]
    """
    plan = _plan(epsilon, threshold, spec, axes, model)
    pieces = [(index, *_evaluate(plan, index)) for index in _chunks(plan, chunk_size)]
    budgets = np.concatenate(
        [piece[1].astype(object) if piece[1].dtype == object else piece[1] for piece in pieces]
    )
    unbounded = np.concatenate([piece[2] for piece in pieces])
    columns: dict[str, Any] = {}
    for position, axis in enumerate(plan.axes):
        index = np.concatenate([piece[0][position] for piece in pieces])
        values = axis.floats if axis.floats is not None else np.asarray(axis.values, dtype=object)
        columns[axis.name] = values[index]
    if frame is None:
        try:
            import pandas  # noqa: F401

            frame = True
        except ImportError:
            frame = False
    if not frame:
        columns["budget"] = missing_where_unbounded(budgets, unbounded)
        columns["unbounded"] = unbounded
        return columns
    import pandas as pd

    return pd.DataFrame({**columns, "budget": budget_series(budgets, unbounded).array, "unbounded": unbounded})
