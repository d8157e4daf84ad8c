"""``import bounds`` stays light: sympy, scipy.linalg and matplotlib load where they are used (issue 10)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_bounds_loads_neither_sympy_nor_scipy_linalg() -> None:
    heavy = "('sympy', 'scipy.linalg', 'scipy.optimize', 'matplotlib')"
    code = f"import bounds, sys; print([name for name in {heavy} if name in sys.modules])"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert completed.stdout.strip() == "[]"


def test_the_report_layer_loads_on_first_use() -> None:
    code = ("import bounds, sys; before = 'sympy' in sys.modules; "
            "bounds.derive(bounds.Independent(epsilon='0.001'), '0.605'); print(before, 'sympy' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert completed.stdout.split() == ["False", "True"]
