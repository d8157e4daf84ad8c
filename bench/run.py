"""Run every benchmark in ``bench/bench_*.py`` and report each as a ratio against its baseline.

Usage::

    python bench/run.py            # full sizes; writes bench/RESULTS.md with the machine it ran on
    python bench/run.py --quick    # tiny sizes: checks the harness and each module's correctness
                                   # assertions (for CI); no timing is asserted, nothing is written
    python bench/run.py --only sweep --only budget

Each module exposes ``run(quick: bool) -> list[dict]``, one dict per
measurement with the keys ``name``, ``seconds``, ``baseline``,
``baseline_seconds``, ``ratio`` and ``notes``. ``ratio`` is
``baseline_seconds / seconds``: how many times faster than the baseline
(``None`` when there is no timed baseline, as for memory measurements). A
module that raises (a failed correctness assertion) is reported and makes the
exit code 1; the other modules still run.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import math
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KEYS = ("name", "seconds", "baseline", "baseline_seconds", "ratio", "notes")


def discover(only: list[str] | None = None) -> list[Path]:
    """The benchmark modules, sorted by name (``bench_<area>.py``; ``only`` filters by area)."""
    paths = sorted(BENCH.glob("bench_*.py"))
    if only:
        paths = [path for path in paths if path.stem.removeprefix("bench_") in only or path.stem in only]
    return paths


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_modules.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_rows(rows: Any, source: str) -> list[dict[str, Any]]:
    """Validate what a module returned: a list of dicts with every key, numbers where numbers belong."""
    if not isinstance(rows, list) or not rows:
        raise TypeError(f"{source}: run() must return a non-empty list of dicts, got {type(rows).__name__}")
    for row in rows:
        if not isinstance(row, dict):
            raise TypeError(f"{source}: each row must be a dict, got {type(row).__name__}")
        missing = [key for key in KEYS if key not in row]
        if missing:
            raise KeyError(f"{source}: row {row.get('name', '?')!r} lacks {', '.join(missing)}")
        for key in ("seconds", "baseline_seconds", "ratio"):
            value = row[key]
            if value is not None and not (
                isinstance(value, (int, float)) and math.isfinite(value) and value >= 0
            ):
                raise ValueError(
                    f"{source}: {row['name']!r} has {key} = {value!r}; expected a number >= 0 or None"
                )
    return rows


def run_all(paths: list[Path], quick: bool) -> tuple[list[dict[str, Any]], list[str]]:
    results: list[dict[str, Any]] = []
    failures: list[str] = []
    for path in paths:
        started = time.perf_counter()
        try:
            rows = check_rows(load(path).run(quick), path.name)
        except Exception:  # a failing module must not hide the others
            failures.append(f"{path.name}:\n{traceback.format_exc()}")
            continue
        for row in rows:
            results.append({"module": path.stem.removeprefix("bench_"), **row})
        print(
            f"  {path.name}: {len(rows)} measurement(s) in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return results, failures


def _show(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def table(results: list[dict[str, Any]]) -> str:
    """A Markdown table (also readable in a terminal)."""
    header = ["module", "name", "seconds", "baseline", "baseline seconds", "ratio", "notes"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for row in results:
        cells = [
            row["module"],
            row["name"],
            _show(row["seconds"]),
            str(row["baseline"] or "-"),
            _show(row["baseline_seconds"]),
            _show(row["ratio"]) + ("x" if row["ratio"] is not None else ""),
            str(row["notes"] or ""),
        ]
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(name: str) -> str:
    try:
        module = __import__(name)
    except ImportError:
        return "not installed"
    return str(getattr(module, "__version__", "?"))


def _commit() -> str:
    try:
        output = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return output.stdout.strip() or "unknown"


def machine() -> dict[str, str]:
    """The machine and software the figures were measured on."""
    return {
        "date (UTC)": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "platform": platform.platform(),
        "Python": platform.python_version(),
        "numpy": _version("numpy"),
        "scipy": _version("scipy"),
        "mpmath": _version("mpmath"),
        "bounds commit": _commit(),
    }


def results_markdown(results: list[dict[str, Any]], failures: list[str]) -> str:
    info = "\n".join(f"- {key}: {value}" for key, value in machine().items())
    text = [
        "# Benchmark results",
        "",
        "Written by `python bench/run.py` (full sizes). `ratio` is baseline seconds / seconds:",
        "how many times faster than the baseline. Figures depend on the machine and on its load.",
        "",
        "## Machine",
        "",
        info,
        "",
        "## Results",
        "",
        table(results),
        "",
    ]
    if failures:
        text += ["## Failures", "", *(f"- {failure.splitlines()[0]}" for failure in failures), ""]
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, correctness only; writes nothing")
    parser.add_argument("--only", action="append", metavar="AREA", help="run only bench_AREA.py (repeatable)")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md", help="results file (full runs)")
    args = parser.parse_args(argv)
    paths = discover(args.only)
    if not paths:
        print("bench: no benchmark modules found", file=sys.stderr)
        return 1
    print(f"running {len(paths)} benchmark module(s){' (quick)' if args.quick else ''}", file=sys.stderr)
    results, failures = run_all(paths, args.quick)
    print(table(results))
    for failure in failures:
        print(f"\nFAILED {failure}", file=sys.stderr)
    if not args.quick:
        from bounds._io import write_atomic

        write_atomic(args.output, results_markdown(results, failures))
        print(f"\nwrote {args.output}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
