"""Reading the data that :mod:`bounds.evidence.fit` fits: red-team results per generation, or failure times.

Both readers go through :func:`bounds._io.read_text` (a size cap, UTF-8) and validate every row:
a bad row is a :class:`~bounds.errors.BoundsError` naming its line and column.

>>> data = GenerationData.from_rows([(1, 1000, 12), (2, 1000, 7), (3, 1000, 3)])
>>> data.generations.tolist(), int(data.failures.sum())
([1, 2, 3], 22)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bounds._io import read_text
from bounds.errors import BoundsError, ParameterError
from bounds.numeric.parse import exact

__all__ = ["COLUMNS", "GenerationData", "read_failure_times", "read_generation_data"]

#: The header of a per-generation data file.
COLUMNS = ("generation", "trials", "failures")
_MAX_ROWS = 100_000


@dataclass(frozen=True)
class GenerationData:
    """Per-generation binomial data: ``failures[j]`` of ``trials[j]`` red-team trials failed at ``generations[j]``."""

    generations: np.ndarray
    trials: np.ndarray
    failures: np.ndarray

    @classmethod
    def from_rows(cls, rows: Any) -> GenerationData:
        """Build from ``(generation, trials, failures)`` triples, validated as a file's rows are."""
        return _validated([(None, row) for row in rows], "data")

    def __len__(self) -> int:
        return len(self.generations)


def _whole(value: object, where: str, column: str, low: int) -> int:
    try:
        number = exact(value.strip() if isinstance(value, str) else value, column)
    except ParameterError:
        raise BoundsError(f"{where}, column {column!r}: expected a whole number, got {value!r}") from None
    if number.denominator != 1 or number < low:
        raise BoundsError(f"{where}, column {column!r}: expected a whole number >= {low}, got {value!r}")
    if number > 10**15:
        raise BoundsError(f"{where}, column {column!r}: {value!r} is beyond 1e15")
    return int(number)


def _validated(rows: Sequence[tuple[int | None, Any]], source: str) -> GenerationData:
    seen: dict[int, str] = {}
    values: list[tuple[int, int, int]] = []
    for line, row in rows:
        where = f"{source} line {line}" if line is not None else f"{source} row {len(values) + 1}"
        if len(row) != 3:
            raise BoundsError(f"{where}: expected 3 columns (generation,trials,failures), got {len(row)}")
        generation = _whole(row[0], where, "generation", 1)
        trials = _whole(row[1], where, "trials", 1)
        failures = _whole(row[2], where, "failures", 0)
        if failures > trials:
            raise BoundsError(f"{where}, column 'failures': {failures} failures exceed {trials} trials")
        if generation in seen:
            raise BoundsError(f"{where}, column 'generation': generation {generation} repeats {seen[generation]}")
        seen[generation] = where
        values.append((generation, trials, failures))
    if not values:
        raise BoundsError(f"{source} has no data rows")
    values.sort()
    array = np.array(values, dtype=np.int64)
    return GenerationData(array[:, 0], array[:, 1], array[:, 2])


def _rows(path: Any, what: str) -> list[tuple[int, list[str]]]:
    text = read_text(path, what)
    rows = []
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or all(not cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        rows.append((line_number, row))
        if len(rows) > _MAX_ROWS:
            raise BoundsError(f"{what} {str(path)!r} has more than {_MAX_ROWS} rows")
    return rows


def read_generation_data(path: Any) -> GenerationData:
    """Read a CSV with header ``generation,trials,failures``.

    Raises
    ------
    BoundsError
        For a missing, oversized or non-UTF-8 file, a wrong header, or a bad row (naming line and column).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "redteam.csv"
    >>> _ = path.write_text("generation,trials,failures\\n1,500,9\\n2,500,x\\n")
    >>> read_generation_data(path)
    Traceback (most recent call last):
    ...
    bounds.errors.BoundsError: data file line 3, column 'failures': expected a whole number, got 'x'
    """
    rows = _rows(path, "data file")
    if not rows:
        raise BoundsError(f"data file {str(path)!r} is empty")
    line, header = rows[0]
    if tuple(cell.strip().lower() for cell in header) != COLUMNS:
        raise BoundsError(f"data file line {line}: the header must be 'generation,trials,failures', got {header!r}")
    return _validated(rows[1:], "data file")


def read_failure_times(path: Any) -> np.ndarray:
    """Failure times (any unit), one per line or in a CSV column ``time``; positive and sorted on return.

    Raises
    ------
    BoundsError
        For a bad or non-positive time (naming its line), or no times at all.
    """
    rows = _rows(path, "failure-times file")
    if rows and rows[0][1][0].strip().lower() in {"time", "times", "t"}:
        rows = rows[1:]
    times = []
    for line, row in rows:
        try:
            value = exact(row[0].strip(), "time")
        except ParameterError:
            message = f"failure-times file line {line}, column 'time': expected a number, got {row[0]!r}"
            raise BoundsError(message) from None
        if value <= 0:
            raise BoundsError(f"failure-times file line {line}, column 'time': expected a time > 0, got {row[0]!r}")
        times.append(float(value))
    if not times:
        raise BoundsError(f"failure-times file {str(path)!r} contains no times")
    return np.sort(np.array(times))
