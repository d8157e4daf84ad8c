"""The quick-start notebook runs in a Jupyter kernel and shows rich output by itself.

docs/notebooks/quickstart.ipynb is executed with nbclient (the ``python3`` kernel that
ipykernel installs). The truth is what a notebook user sees: the MIME types of the outputs.
A plot cell must give an image without ``%matplotlib inline``, a BudgetArray an HTML table
whose unbounded cell says "unbounded", and ``to_pandas`` a frame with ``<NA>``, never 0.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "quickstart.ipynb"

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("nbclient", "nbformat", "ipykernel", "matplotlib", "pandas")),
    reason="needs the dev extra (nbclient, nbformat, ipykernel, matplotlib, pandas)",
)


def _executed() -> list:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel runs in the repository root, so it imports this checkout's bounds
    client = NotebookClient(notebook, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(ROOT)}})
    with warnings.catch_warnings():
        # jupyter_client's own deprecation notices (paths, datetime) are not this project's warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        client.execute()
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def cells() -> list:
    return _executed()


def _data(cell) -> dict:
    bundles = [output.get("data", {}) for output in cell.outputs if output.output_type == "execute_result"]
    errors = [output for output in cell.outputs if output.output_type == "error"]
    assert not errors, errors
    assert len(bundles) == 1, cell.source
    return bundles[0]


def _cell(cells: list, text: str):
    return next(cell for cell in cells if text in cell.source)


def test_a_figure_displays_as_an_image_without_matplotlib_inline(cells) -> None:
    import base64

    data = _data(_cell(cells, "survival_figure("))
    assert "image/png" in data
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000  # a drawn figure, not a blank canvas
    assert "%matplotlib" not in "".join(cell.source for cell in cells)


def test_a_budget_array_displays_as_an_html_table(cells) -> None:
    data = _data(_cell(cells, "grid = bounds.budget("))
    html = data["text/html"]
    # the budgets of (1 - eps)^N >= 0.605: floor(ln 0.605 / ln(1 - eps)), and eps = 0 never falls
    assert "<table" in html and "<td>502</td>" in html and "<td>5025</td>" in html
    assert "unbounded" in html and "$$" in data["text/latex"]


def test_to_pandas_shows_unbounded_as_missing(cells) -> None:
    data = _data(_cell(cells, "grid.to_pandas()"))
    text = data["text/plain"]
    assert "<NA>" in text and "Int64" in text and "502" in text and "999999" not in text


def test_results_display_as_html(cells) -> None:
    budget = _data(cells[0])
    assert "N* = 502" in budget["text/html"] and "S(N^{*})" in budget["text/latex"]
    comparison = _data(_cell(cells, "bounds.compare("))["text/html"]
    assert "Frechet" in comparison and "<td>395</td>" in comparison
    evidence = _data(_cell(cells, "from_evidence("))
    assert "clopper-pearson" in evidence["text/html"] and "\\varepsilon \\le" in evidence["text/latex"]
    swept = _data(_cell(cells, "sweep(model="))["text/html"]
    assert "&lt;NA&gt;" in swept  # ratio 0.9 at T = 0.9: S(inf) = 0.9046 >= T, unbounded
