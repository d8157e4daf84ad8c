"""Tests that need an outside tool (pdflatex, pdftotext, a browser): skipped locally without it, failed in CI.

``.ci/run`` sets ``BOUNDS_REQUIRE_LATEX``; then a missing tool is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["require", "require_all_present"]


def require_all_present(missing: list[str]) -> None:
    """Skip (locally) or fail (``BOUNDS_REQUIRE_LATEX`` set) when ``missing`` names anything."""
    if not missing:
        return
    names = ", ".join(missing)
    if os.environ.get("BOUNDS_REQUIRE_LATEX"):
        pytest.fail(f"BOUNDS_REQUIRE_LATEX is set but {names} is not installed")
    pytest.skip(f"{names} is not installed (set BOUNDS_REQUIRE_LATEX=1 to make this a failure)")


def require(tool: str) -> str:
    """The path of the program ``tool``, or a skip (a failure in CI) when it is not installed."""
    path = shutil.which(tool)
    require_all_present([] if path else [tool])
    assert path is not None
    return path
