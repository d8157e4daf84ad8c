"""Sweeps: chunked CSV throughput against a per-point loop, dask against numpy, and peak memory.

Measurements
------------
* ``sweep_csv`` over an epsilon x T grid (vectorised certified budgets, streamed
  to CSV) against the obvious baseline: one ``Independent(eps).budget(T)`` call
  per grid point (timed on a sample and scaled to the grid size).
* ``budget_grid`` on dask arrays (threaded scheduler) against the same call on
  numpy arrays, when dask is installed.
* Peak resident memory of ``bounds sweep`` over a grid of 1e8 points (1e5 in
  ``--quick``), measured with ``os.wait4`` on the child process (its own
  ``ru_maxrss``, not the harness's).

Correctness is asserted on every run: sampled CSV rows equal the scalar
certified budgets, dask equals numpy, and the peak memory stays below 1 GiB.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bounds import Independent
from bounds.batch.sweep import axis_values, budget_grid, sweep_csv

ROOT = Path(__file__).resolve().parent.parent
GIB = 2**30


def _sample_rows(path: Path, every: int) -> list[dict[str, str]]:
    with open(path, newline="") as stream:
        return [row for index, row in enumerate(csv.DictReader(stream)) if index % every == 0]


def _csv_throughput(quick: bool) -> dict[str, Any]:
    side = 40 if quick else 1000
    eps_axis, t_axis = f"log:1e-6:1e-1:{side}", f"lin:0.01:0.99:{side}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "grid.csv"
        started = time.perf_counter()
        summary = sweep_csv(path, epsilon=eps_axis, threshold=t_axis)
        seconds = time.perf_counter() - started
        checked = _sample_rows(path, max(1, summary.rows // 200))
        for row in checked:
            expected = Independent(epsilon=float(row["epsilon"])).budget(float(row["threshold"])).n
            assert int(row["budget"]) == expected, row
    eps, levels = axis_values(eps_axis, "epsilon"), axis_values(t_axis, "threshold")
    rng = np.random.default_rng(0)
    sample = [(eps[i], levels[j]) for i, j in rng.integers(0, side, size=(20 if quick else 2000, 2))]
    started = time.perf_counter()
    for epsilon, level in sample:
        Independent(epsilon=epsilon).budget(level)
    baseline = (time.perf_counter() - started) / len(sample) * summary.rows
    return {
        "name": f"sweep_csv {summary.rows:.0e} points (eps x T) to CSV",
        "seconds": seconds,
        "baseline": "Independent(eps).budget(T) per point (sampled, scaled)",
        "baseline_seconds": baseline,
        "ratio": baseline / seconds,
        "notes": f"{len(checked)} sampled rows equal the scalar certified budgets",
    }


def _dask_against_numpy(quick: bool) -> dict[str, Any]:
    side = 60 if quick else 1000
    eps = np.geomspace(1e-6, 1e-1, side)[:, None]
    levels = np.linspace(0.01, 0.99, side)[None, :]
    started = time.perf_counter()
    reference = budget_grid(eps, levels)
    numpy_seconds = time.perf_counter() - started
    try:
        import dask
        import dask.array as da
    except ImportError:
        return {
            "name": "budget_grid on dask",
            "seconds": None,
            "baseline": "budget_grid on numpy",
            "baseline_seconds": numpy_seconds,
            "ratio": None,
            "notes": "dask not installed: skipped",
        }
    block = max(1, side // 4)
    lazy = budget_grid(da.from_array(eps, chunks=(block, 1)), da.from_array(levels, chunks=(1, block)))
    started = time.perf_counter()
    with dask.config.set(scheduler="threads"):
        computed = lazy.compute()
    seconds = time.perf_counter() - started
    assert np.array_equal(np.ma.getdata(computed), reference.data)
    return {
        "name": f"budget_grid {side * side:.0e} points on dask ({lazy.npartitions} blocks, threads)",
        "seconds": seconds,
        "baseline": "budget_grid on numpy",
        "baseline_seconds": numpy_seconds,
        "ratio": numpy_seconds / seconds,
        "notes": f"identical budgets; {os.cpu_count()} cores shared with other work",
    }


_CHILD = """
import sys
from bounds.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _peak_memory(quick: bool) -> dict[str, Any]:
    side = 316 if quick else 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.csv"
        command = [
            sys.executable,
            "-c",
            _CHILD,
            "sweep",
            "--epsilon",
            f"log:1e-6:1e-1:{side}",
            "--threshold",
            f"lin:0.01:0.99:{side}",
            "-o",
            str(path),
        ]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        assert child.returncode == 0, f"bounds sweep exited with {child.returncode}"
        size = path.stat().st_size
        with open(path) as stream:
            rows = sum(1 for _ in stream) - 1
    assert rows == side * side
    peak = usage.ru_maxrss * 1024  # kilobytes on Linux
    assert peak < GIB, f"peak RSS {peak / 2**20:.0f} MiB exceeds 1 GiB"
    return {
        "name": f"bounds sweep {rows:.0e} points to CSV: peak RSS",
        "seconds": seconds,
        "baseline": None,
        "baseline_seconds": None,
        "ratio": None,
        "notes": f"peak RSS {peak / 2**20:.0f} MiB (os.wait4 ru_maxrss); CSV {size / 1e9:.2f} GB",
    }


def run(quick: bool) -> list[dict[str, Any]]:
    return [_csv_throughput(quick), _dask_against_numpy(quick), _peak_memory(quick)]
