"""The kernel's costs against bare formulas (issue 10), each a ratio from one run.

* ``scalar-budget``: ``bounds.budget(epsilon=0.001, threshold=0.605)`` against
  ``floor(log(T) / log1p(-eps))`` in :mod:`math` (target: at most 50x slower).
* ``scalar-budget-read``: the same, reading every field of the result (the fast path derives
  the survivals, the certificate's midpoints and the model on first use).
* ``import``: CPU time of ``python -c "import bounds"`` against
  ``python -c "import numpy, mpmath"`` (target: at most 2x).
* ``array-budget``: 1e6 budgets with epsilon log-uniform in [1e-16, 0.1] against the
  bare numpy formula (target: at most 10x).
* ``distribution``: ``budget_distribution`` at T = 1/3 against T = 0.9 (target: within 2x).

``ratio`` is ``baseline_seconds / seconds`` (the harness's convention): 0.02 means
50 times slower than the baseline. Times are CPU seconds of this process (``time.process_time``),
the best of several repetitions: on a shared machine wall-clock time measures the neighbours.
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bounds  # noqa: E402


def _best(function: Any, repeats: int, inner: int = 1) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(inner):
            function()
        best = min(best, (time.process_time() - start) / inner)
    return best


def _row(name: str, seconds: float, baseline: str, baseline_seconds: float, notes: str) -> dict[str, Any]:
    return {"name": name, "seconds": seconds, "baseline": baseline, "baseline_seconds": baseline_seconds,
            "ratio": baseline_seconds / seconds, "notes": notes}


def _steady_allocator() -> bool:
    """Keep glibc from returning large blocks to the system between runs (``mallopt``); False elsewhere.

    An 8 MB numpy temporary is otherwise an ``mmap`` whose pages fault in on every run, or heap
    memory, depending on what ran before (glibc raises its mmap threshold after freeing one):
    the bare formula then takes 3.7 ms or 7 ms by accident. Held steady, both sides reuse memory.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        trim, mmap = -1, -3  # M_TRIM_THRESHOLD, M_MMAP_THRESHOLD (malloc.h)
        return bool(libc.mallopt(mmap, 64 << 20)) and bool(libc.mallopt(trim, 128 << 20))
    except (OSError, AttributeError):
        return False


def _import_cpu(code: str, repeats: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    # numpy and mpmath import from the bytecode their installation compiled: let bounds' own be cached
    # too (a first, untimed run writes it), or the ratio measures compiling our sources
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    best = math.inf
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return best


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows = []
    inner = 20 if quick else 1000
    assert bounds.budget(epsilon=0.001, threshold=0.605).n == 502
    # microseconds: the best of many short repetitions, so that a neighbour's burst does not decide the ratio
    repeats = 3 if quick else 25
    ours = _best(lambda: bounds.budget(epsilon=0.001, threshold=0.605), repeats, inner)
    bare = _best(lambda: math.floor(math.log(0.605) / math.log1p(-0.001)), repeats, inner * 10)
    notes = f"{ours / bare:.0f}x the bare formula"
    rows.append(_row("scalar-budget", ours, "math.floor(log(T)/log1p(-eps))", bare, notes))

    def every_field() -> Any:  # the fast path derives S(N*), S(N*+1) and the model on first use: read them all
        result = bounds.budget(epsilon=0.001, threshold=0.605)
        return result.survival_at_budget, result.certificate_values, result.model

    ours = _best(every_field, repeats, inner)
    rows.append(_row("scalar-budget-read", ours, "math.floor(log(T)/log1p(-eps))", bare,
                     f"every field read; {ours / bare:.0f}x the bare formula"))

    repeats = 1 if quick else 5
    ours = _import_cpu("import bounds", repeats)
    bare = _import_cpu("import numpy, mpmath", repeats)
    rows.append(_row("import", ours, "import numpy, mpmath", bare, f"CPU time; {ours / bare:.2f}x"))

    size = 10_000 if quick else 1_000_000
    rng = np.random.default_rng(1)
    epsilon = 10.0 ** rng.uniform(-16, -1, size)
    threshold = rng.uniform(0.01, 0.999, size)
    steady = _steady_allocator()

    def formula() -> Any:
        return np.floor(np.log(threshold) / np.log1p(-epsilon))

    # the baseline before and after ours: its 8 MB temporaries are as fast as the allocator lets them be
    bare = _best(formula, 3 if quick else 10)
    ours = _best(lambda: bounds.budget(epsilon=epsilon, threshold=threshold), 1 if quick else 5)
    bare = min(bare, _best(formula, 3 if quick else 10))
    allocator = "glibc allocator held steady" if steady else "allocator as it comes"
    rows.append(_row("array-budget", ours, "numpy floor(log(T)/log1p(-eps))", bare,
                     f"{size} pairs, eps log-uniform in [1e-16, 0.1]; {allocator}; {ours / bare:.1f}x"))

    draws = 2_000 if quick else 100_000
    interval = bounds.epsilon_interval("1e-4", "1e-2", credibility="0.9")
    low = _best(lambda: bounds.budget_distribution(interval, Fraction(1, 3), draws=draws, seed=1), 1 if quick else 3)
    high = _best(lambda: bounds.budget_distribution(interval, "0.9", draws=draws, seed=1), 1 if quick else 3)
    rows.append(_row("distribution-T=1/3", low, "budget_distribution at T = 0.9", high,
                     f"{draws} draws; T = 1/3 takes {low / high:.2f}x the time of T = 0.9"))
    return rows


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['name']:>20}  {row['seconds']:.3g} s  ratio {row['ratio']:.3g}  {row['notes']}")
