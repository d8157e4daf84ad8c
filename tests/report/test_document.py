"""``bounds.report``: one document for one question, in HTML, Markdown, LaTeX and PDF.

Truths: the budgets are checked against mpmath at 50 digits (S(N*) >= T > S(N*+1)
from the closed forms), the elasticities against the derivative of the continuous
relaxation computed with mpmath, the comparison rows against :func:`bounds.compare`
called directly, and the HTML is parsed (html.parser, ElementTree for MathML) to
prove that it references no resource at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import mpmath
import pytest

pytest.importorskip("latex2mathml")
pytest.importorskip("matplotlib")

import bounds
from bounds.errors import BoundsError, ParameterError
from bounds.report.document import Report
from bounds.report.html import text_html
from tests.report.test_latex import require_pdflatex

SPECS = Path(__file__).resolve().parents[2] / "examples" / "specs"
T = "0.605"


@pytest.fixture(scope="module")
def beta_report() -> Report:
    return bounds.build_report(bounds.load_spec(SPECS / "beta-mixture.toml"), T, provenance={"date": "fixed"})


@pytest.fixture(scope="module")
def beta_html(beta_report: Report) -> str:
    return beta_report.to_html()


class _Resources(HTMLParser):
    """Every tag name and every attribute that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in {"src", "href", "xlink:href", "srcset", "data", "action", "poster", "background"}:
                self.references.append((tag, name, value or ""))


def _beta_survival(n: int) -> mpmath.mpf:
    a, b = mpmath.mpf("0.099"), mpmath.mpf("98.901")
    return mpmath.exp(mpmath.loggamma(n + b) + mpmath.loggamma(a + b) - mpmath.loggamma(b) - mpmath.loggamma(n + a + b))


def test_acceptance_html_references_no_resource(beta_html: str) -> None:
    assert "http://" not in beta_html and "https://" not in beta_html
    parser = _Resources()
    parser.feed(beta_html)
    assert not parser.tags & {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "base"}
    # the only references are the table of contents' links to sections of the page itself
    assert parser.references and all(value.startswith("#") for _, name, value in parser.references if name == "href")
    used = {value[1:] for tag, name, value in parser.references if tag == "a"}
    assert used == {"answer", "comparison", "survival", "elasticities", "derivations", "assumptions", "provenance"}
    # SVG glyph references are fragments too; CSS fetches nothing
    assert all(value.startswith("#") for tag, _, value in parser.references if tag != "a")
    # clip paths are url(#id) references inside the page; no other url() and no @import
    assert re.findall(r"url\(([^)]*)\)", beta_html) and all(
        target.startswith("#") for target in re.findall(r"url\(([^)]*)\)", beta_html)
    )
    assert "@import" not in beta_html


def test_the_budget_is_the_api_budget_and_mpmath_proves_it(beta_report: Report, beta_html: str) -> None:
    model = bounds.load_spec(SPECS / "beta-mixture.toml")
    n = model.budget(T).n
    assert beta_report.budgets[0].n == n == 15667
    with mpmath.workdps(50):
        assert _beta_survival(n) >= mpmath.mpf(T) > _beta_survival(n + 1)
    answer = beta_html[beta_html.index('<section id="answer">') : beta_html.index('<section id="comparison">')]
    assert f"<mn>{n}</mn></mrow></math> generations keep" in answer  # N* = 15667, typeset
    assert answer.count(f"<mn>{n}</mn>") >= 2 and f"<mn>{n + 1}</mn>" in answer and ">0.60500063</td>" in answer


def test_the_comparison_rows_are_bounds_compare(beta_report: Report, beta_html: str) -> None:
    expected = bounds.compare("0.001", T, rho="0.01")
    assert list(beta_report.comparisons[0].rows) == expected
    section = beta_html[beta_html.index('<section id="comparison">') : beta_html.index('<section id="survival">')]
    shown = re.findall(r"<tr><td>(.*?)</td><td class=\"number nowrap\">([^<]*)</td>", section)
    budgets = ["unbounded" if row.budget is None else str(row.budget) for row in expected]
    assert [budget for _, budget in shown] == budgets
    assert [text_html(row.prose()[0]) for row in expected] == [label for label, _ in shown]  # typeset labels
    assert {"independent", "any dependence (Frechet worst case)", "beta-mixture (rho=0.01)"} <= {
        row.label for row in expected
    }


def test_extra_rows_for_persistent_floor_and_correlation() -> None:
    document = bounds.build_report(bounds.Independent(epsilon="0.001"), T, rho="0.01", mass="0.0001")
    assert list(document.comparisons[0].rows) == bounds.compare("0.001", T, rho="0.01", mass="0.0001")
    labels = [row.label for row in document.comparisons[0].rows]
    assert "persistent floor delta = 0.0001" in labels and "beta-mixture (rho=0.01)" in labels


def test_mathml_and_no_raw_tex(beta_report: Report, beta_html: str) -> None:
    formulas = re.findall(r"<math\b.*?</math>", beta_html, flags=re.DOTALL)
    steps = beta_report.derivations[0].steps
    displays = sum(1 for step in steps if step.lines)
    inline = sum(step.text.count("$") // 2 for step in steps)
    inline += sum((source + text).count("$") // 2 for source, text in beta_report.assumptions)
    inline += sum(sum(part.count("$") // 2 for part in row.prose()) for row in beta_report.comparisons[0].rows)
    # the answer (N*, S(N) >= T), the certificate rows (S(n), >= T, S(n+1), < T), the heading's rate,
    # the elasticity text (two) and its column heading
    assert len(formulas) == displays + inline + 2 + 4 + 1 + 2 + 1 + 1  # and the N* column heading
    for formula in formulas:
        ElementTree.fromstring(formula)
    assert '<math display="block">' in beta_html and "<mtable" in beta_html
    for tex in ("\\(", "\\[", "$$", "\\begin", "\\frac", "$"):
        assert tex not in beta_html
    assert "\\" not in beta_html


def test_the_survival_plot_is_inline_svg_of_the_models(beta_report: Report, beta_html: str) -> None:
    section = beta_html[beta_html.index('<section id="survival">') : beta_html.index('<section id="elasticities">')]
    assert section.count("<svg") == 1 and "<path" in section and "<?xml" not in section
    figure = beta_report.figure()
    curves = {line.get_gid(): line for line in figure.axes[0].lines}
    # the model and the independent reference at the same marginal rate, each with its budget marker
    n0 = int(curves["budget:0"].get_xdata()[0])
    n1 = int(curves["budget:1"].get_xdata()[0])
    assert (n0, n1) == (15667, 502)


def test_elasticities_independent_closed_form_against_mpmath() -> None:
    document = bounds.build_report(bounds.Independent(epsilon="0.001"), T)
    rows = {row.parameter: row.elasticity for row in document.elasticities}
    with mpmath.workdps(40):
        eps = mpmath.mpf("0.001")
        # N = ln T / ln(1 - eps): d ln N / d ln eps = eps / ((1 - eps) ln(1 - eps)), d ln N / d ln T = 1 / ln T
        by_eps = eps / ((1 - eps) * mpmath.log(1 - eps))
        by_t = 1 / mpmath.log(mpmath.mpf(T))
    assert rows["epsilon"] == pytest.approx(float(by_eps), rel=1e-12)
    assert rows["T"] == pytest.approx(float(by_t), rel=1e-12)


def test_elasticities_beta_mixture_against_the_continuous_relaxation(beta_report: Report) -> None:
    rows = {row.parameter: row.elasticity for row in beta_report.elasticities}

    def continuous_budget(mean: mpmath.mpf, rho: mpmath.mpf, level: mpmath.mpf) -> mpmath.mpf:
        total = 1 / rho - 1
        a, b = mean * total, (1 - mean) * total

        def log_s(n: mpmath.mpf) -> mpmath.mpf:
            return mpmath.loggamma(n + b) + mpmath.loggamma(a + b) - mpmath.loggamma(b) - mpmath.loggamma(n + a + b)

        return mpmath.findroot(lambda n: log_s(n) - mpmath.log(level), 15667)

    with mpmath.workdps(30):
        mean, rho, level = mpmath.mpf("0.001"), mpmath.mpf("0.01"), mpmath.mpf(T)
        by_mean = mpmath.diff(lambda x: mpmath.log(continuous_budget(mpmath.exp(x), rho, level)), mpmath.log(mean))
        by_rho = mpmath.diff(lambda x: mpmath.log(continuous_budget(mean, mpmath.exp(x), level)), mpmath.log(rho))
        by_t = mpmath.diff(lambda x: mpmath.log(continuous_budget(mean, rho, mpmath.exp(x))), mpmath.log(level))
    # central differences of integer budgets 1% apart (about 157 generations): measured within 0.06%
    assert rows["mean"] == pytest.approx(float(by_mean), rel=0.005)
    assert rows["rho"] == pytest.approx(float(by_rho), rel=0.005)
    assert rows["T"] == pytest.approx(float(by_t), rel=0.005)


def test_assumptions_and_provenance(beta_report: Report) -> None:
    sources = [source for source, _ in beta_report.assumptions]
    assert "certification" in sources and "chain rule" in sources
    assert any(r"\mathrm{Beta}(a, b)" in text for _, text in beta_report.assumptions)
    assert any(source.startswith("comparison: ") for source in sources)
    provenance = dict(beta_report.provenance)
    assert provenance["bounds"] == bounds.__version__ and provenance["date"] == "fixed"
    assert provenance["call"].startswith("bounds.build_report([BetaMixture(mean=0.001, rho=0.01")
    stamped = dict(bounds.build_report(bounds.Independent(epsilon="0.01"), "0.5").provenance)["date"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", stamped)


def test_markdown_writes_the_plot_beside_it(tmp_path: Path, beta_report: Report) -> None:
    text = beta_report.to_markdown()
    assert text.startswith("# Generation budget at T = 0.605")
    assert "$N^* = 15667$ generations" in text and "| beta-mixture, $\\rho = 0.01$ | 15667 | model |" in text
    assert "$$\n\\begin{aligned}" in text and "### Certified budget: beta-mixture model" in text
    written = beta_report.write(tmp_path / "r.md")
    assert written == tmp_path / "r.md"
    assert "![Survival S(N) and budgets](r-survival.svg)" in written.read_text()
    assert (tmp_path / "r-survival.svg").read_bytes().lstrip().startswith(b"<?xml")


def test_pdf_compiles_and_shows_the_budget(tmp_path: Path, beta_report: Report) -> None:
    require_pdflatex()
    path = beta_report.write(tmp_path / "r.pdf")
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert "15667" in text and "Across assumptions" in text and "Provenance" in text
    tex = beta_report.to_latex()
    assert "\\includegraphics[width=0.85\\linewidth]{survival.pdf}" in tex
    beta_report.write(tmp_path / "r.tex")
    assert (tmp_path / "r-survival.pdf").read_bytes().startswith(b"%PDF")
    assert "{r-survival.pdf}" in (tmp_path / "r.tex").read_text()


def test_several_models_and_an_unbounded_one() -> None:
    models = [bounds.load_spec(SPECS / "geometric.toml"), bounds.Independent(epsilon="0.002")]
    document = bounds.build_report(models, T, labels=["improving", "flat"])
    assert [budget.n for budget in document.budgets] == [None, 251]
    assert document.comparisons[0].epsilon is None and "not one constant marginal rate" in document.comparisons[0].note
    assert any("unbounded" in note for note in document.elasticity_notes)
    html = document.to_html()
    assert "improving: <math" in html and "for every <math" in html and "(unbounded)" in html
    assert "flat: <math" in html and "<mn>251</mn>" in html
    assert "http" not in html and "\\" not in html
    assert len(document.derivations) == 2


def test_build_report_and_report_are_exported_lazily() -> None:
    from bounds.report.document import build_report

    assert bounds.build_report is build_report
    assert bounds.Report is Report


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: bounds.build_report([], T), ParameterError),
        (lambda: bounds.build_report(bounds.Independent(epsilon="0.1"), T, digits=0), ParameterError),
        (lambda: bounds.build_report(bounds.Independent(epsilon="0.1"), "1.5"), ParameterError),
        (lambda: bounds.build_report(bounds.Independent(epsilon="0.1"), T, labels=["a", "b"]), ParameterError),
        (lambda: bounds.build_report(bounds.Independent(epsilon="0.1"), T, rho="-3"), BoundsError),
    ],
)
def test_bad_input_is_a_bounds_error(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()  # type: ignore[operator]


def test_write_refuses_unknown_formats_and_directories(tmp_path: Path) -> None:
    document = bounds.build_report(bounds.Independent(epsilon="0.01"), "0.5")
    with pytest.raises(BoundsError, match="cannot tell the report format"):
        document.write(tmp_path / "r.docx")
    with pytest.raises(BoundsError, match="format must be one of"):
        document.write(tmp_path / "r.html", format="docx")
    with pytest.raises(BoundsError):
        document.write(tmp_path, format="html")
    assert list(tmp_path.iterdir()) == []


def test_a_cadence_adds_calendar_time_and_its_derivation() -> None:
    from bounds.timeline import ConstantCadence, GeometricCadence
    from bounds.timeline.query import horizon

    cadence = GeometricCadence(first=12, ratio="0.8")
    document = bounds.build_report(bounds.Independent(epsilon="0.001"), T, cadence=cadence)
    assert document.horizons == (horizon(bounds.Independent(epsilon="0.001"), cadence, T),)
    assert document.horizons[0].generation == 503 and len(document.derivations) == 2
    # t_503 = 60 (1 - 0.8**503): it equals Z = 60 to every shown digit, so the gap Z - t = 60 * 0.8**503 is shown
    with mpmath.workdps(30):
        gap = mpmath.nstr(60 * mpmath.mpf("0.8") ** 503, 6)
    assert gap == "1.07749e-47"
    markdown = document.to_markdown()
    assert "## Calendar time" in markdown
    assert "$N^* + 1 = 503$ completes at $t = Z - 1.07749 \\times 10^{-47}$ months" in markdown
    html = document.to_html()
    assert '<section id="timeline">' in html and "http" not in html
    # a constant cadence: generation 106 of 6 months completes at 636 months (T = 0.9: N* = 105)
    constant = bounds.build_report(bounds.Independent(epsilon="0.001"), "0.9", cadence=ConstantCadence(interval=6))
    assert constant.budgets[0].n == 105 and "$t = 636$ months" in constant.to_markdown()
    # without a cadence there is no such section
    assert "Calendar time" not in bounds.build_report(bounds.Independent(epsilon="0.001"), T).to_markdown()
    with pytest.raises(ParameterError, match="cadence"):
        bounds.build_report(bounds.Independent(epsilon="0.001"), T, cadence="monthly")
