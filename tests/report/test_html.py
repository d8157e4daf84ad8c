"""LaTeX to MathML for self-contained HTML (bounds.report.html).

The truth is the MathML itself, parsed as XML: every formula of every example
derivation converts, names no URL and leaves no TeX command behind, and the
numbers in the MathML are the numbers the API returns.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

pytest.importorskip("latex2mathml")

import bounds
from bounds.report.derive import Derivation, assumption
from bounds.report.html import MathConversionError, derivation_html, math_html, text_html
from bounds.report.latex import aligned
from bounds.report.steps import chain, equation

SPECS = sorted((Path(__file__).resolve().parents[2] / "examples" / "specs").glob("*.toml"))


def _derivations() -> list[Derivation]:
    models = [bounds.load_spec(path) for path in SPECS]
    models += [bounds.Independent(epsilon="1e-20"), bounds.Independent(epsilon="1e-300")]
    return [bounds.derive(model, "0.605") for model in models]


def _formulas(derivation: Derivation) -> list[tuple[str, bool]]:
    formulas = [(aligned(step.lines), True) for step in derivation.steps if step.lines]
    formulas += [(math, False) for step in derivation.steps for math in re.findall(r"\$([^$]+)\$", step.text)]
    return formulas


@pytest.mark.parametrize("derivation", _derivations(), ids=lambda d: d.title)
def test_every_formula_of_every_example_converts_strictly(derivation: Derivation) -> None:
    for latex, display in _formulas(derivation):
        markup = math_html(latex, display=display)
        element = ElementTree.fromstring(markup)  # well-formed XML, one <math> element
        assert element.tag == "math"
        assert element.get("display") == ("block" if display else "inline")
        assert "http" not in markup and "\\" not in markup


def test_aligned_becomes_a_table_with_one_row_per_line() -> None:
    latex = aligned([chain("S(N)", "(1-0.001)^{N}"), chain("N^{*}", "502", ("\\ge", "0"))])
    table = ElementTree.fromstring(math_html(latex)).find(".//mtable")
    assert table is not None
    rows = table.findall("mtr")
    assert len(rows) == 2
    assert [cell.get("columnalign") for cell in rows[1].findall("mtd")] == ["right", "left"]
    assert [number.text for number in rows[1].iter("mn")] == ["502", "0"]


def test_long_integers_lose_the_pdflatex_break_glue() -> None:
    n = 10**40 + 7
    latex = aligned([chain("N^{*}", bounds.report.latex.latex_integer(n))])
    assert "allowbreak" in latex
    digits = "".join(number.text or "" for number in ElementTree.fromstring(math_html(latex)).iter("mn"))
    assert digits == str(n)


def test_unknown_command_is_refused_not_shown_as_raw_tex() -> None:
    with pytest.raises(MathConversionError, match=r"\\frobnicate"):
        math_html(r"\frobnicate{x} + 1")
    with pytest.raises(MathConversionError):
        math_html(r"\frac{1}{")


def test_derivation_html_shows_source_for_a_formula_it_cannot_convert() -> None:
    derivation = Derivation.from_steps(
        "Test <title>",
        [assumption("failures & <rates> with $\\varepsilon$"), equation("Odd", "", chain("x", "\\frobnicate{y}"))],
    )
    fragment = derivation_html(derivation, heading_level=2)
    assert "<h2>Test &lt;title&gt;</h2>" in fragment
    assert "failures &amp; &lt;rates&gt; with <math" in fragment
    assert '<code class="tex-source">' in fragment and "\\frobnicate" in fragment


def test_budget_in_the_derivation_html_is_the_api_budget() -> None:
    model = bounds.load_spec(SPECS[[path.stem for path in SPECS].index("beta-mixture")])
    budget = model.budget("0.605")
    fragment = derivation_html(bounds.derive(budget))
    result = fragment[fragment.rindex('<div class="step step-result">') :]
    assert f"<mn>{budget.n}</mn>" in result
    assert "<math" in fragment and "$" not in fragment and "\\(" not in fragment


def test_text_html_escapes_prose_and_converts_math() -> None:
    assert text_html("1 < 2 & 3") == "1 &lt; 2 &amp; 3"
    markup = text_html("rate $\\varepsilon = 0.001$ here")
    assert markup.startswith('rate <math display="inline">') and markup.endswith("</math> here")
    assert "<mn>0.001</mn>" in markup
