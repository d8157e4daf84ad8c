"""Rich display of results: every public result type renders HTML (and LaTeX where it is maths).

Truth: the numbers in a rendering are the ones the API returns (and the closed form for the
running example, floor(ln 0.605 / ln 0.999) = 502); an unbounded budget is never shown as a number.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import bounds
from bounds.display import Displayed


def _results() -> list:
    return [
        bounds.budget(epsilon="0.001", threshold="0.605"),
        bounds.budget(epsilon=[0.001, 0], threshold="0.605"),
        bounds.from_evidence(failures=0, trials=3000, confidence="0.95", threshold="0.605"),
        bounds.budget_distribution(epsilon=np.array([0.001, 0.002, 0.0]), threshold="0.605"),
        bounds.compare("0.001", "0.605"),
        bounds.compare("0.001", "0.605")[0],
        bounds.cone_mass(gradient=2, path_lipschitz=1, defense_lipschitz=1, dimension=3),
        bounds.dependence_free(epsilon="0.001", generations=100),
        bounds.dependence_free_budget("0.001", "0.605"),
        bounds.elasticity("0.001", "0.605"),
    ]


@pytest.mark.parametrize("result", _results(), ids=lambda result: type(result).__name__)
def test_every_result_renders_html(result) -> None:
    assert isinstance(result, Displayed)
    html = result._repr_html_()
    assert html.startswith("<div class='bounds-result") and html.endswith("</div>") and "<table" in html


def test_budget_array_html_and_latex_show_unbounded_as_such() -> None:
    result = bounds.budget(epsilon=[0.001, 0], threshold="0.605")
    html = result._repr_html_()
    assert re.findall(r"<td>([^<]*)</td>", html) == ["0.605", "502", "0.605", "unbounded"]
    latex = result._repr_latex_()
    assert "0.605 & 502" in latex and "0.605 & \\infty" in latex and latex.startswith("$$")


def test_a_large_budget_array_is_cut_and_has_no_latex() -> None:
    result = bounds.budget(epsilon=np.linspace(0.001, 0.01, 50), threshold="0.605")
    assert result._repr_latex_() is None  # Jupyter falls back to the HTML table
    html = result._repr_html_()
    assert html.count("<tr>") == 21 and "first 20" in html


def test_a_grid_is_a_table_with_thresholds_as_columns() -> None:
    result = bounds.budget(epsilon=np.array([[0.001], [0.0]]), threshold=np.array([0.605, 0.5]))
    html = result._repr_html_()
    assert "<th>T = 0.605</th><th>T = 0.5</th>" in html
    assert re.findall(r"<td>([^<]*)</td>", html) == ["502", "692", "unbounded", "unbounded"]


def test_comparison_is_still_a_list_and_renders_every_row() -> None:
    rows = bounds.compare("0.001", "0.605")
    assert isinstance(rows, list) and rows == list(rows)
    html = rows._repr_html_()
    for row in rows:
        assert f"<td>{'unbounded' if row.budget is None else row.budget}</td>" in html


def test_latex_states_the_inequalities() -> None:
    interval = bounds.dependence_free_budget("0.001", "0.605")
    assert interval._repr_latex_() == "$$395 \\le N^{*}(0.605) \\le \\infty$$"  # floor(0.395 / 0.001) = 395
    evidence = bounds.from_evidence(failures=0, trials=3000, confidence="0.95", threshold="0.605")
    # Clopper-Pearson with no failures: 1 - 0.05^(1/3000) = 0.000998079...
    assert "\\varepsilon \\le 0.000998079" in evidence._repr_latex_()
    assert bounds.elasticity("0.001", "0.605")._repr_latex_() is None  # no maths to show: HTML only


def test_results_do_not_import_the_report_layer() -> None:
    code = (
        "import sys, bounds; bounds.budget(epsilon=[0.001, 0], threshold='0.605').n.tolist();"
        "print('bounds.report' in sys.modules, 'sympy' in sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["False", "False"]
