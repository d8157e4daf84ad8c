"""The documentation: every `>>>` example in docs/**/*.md runs, and the Sphinx build is warning-free.

Examples live in ```pycon fenced blocks. A block that needs a module not yet in the package is
preceded by a MyST comment line ``% doctest: pending (needs ...)``; it is shown in the docs but not
run. Removing that line enables it.
"""

from __future__ import annotations

import doctest
import importlib.util
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bounds

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(path for path in DOCS.rglob("*.md") if "_build" not in path.parts and "_generated" not in path.parts)
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
PENDING = re.compile(r"^% doctest: pending\b.*$", re.MULTILINE)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _blocks(text: str) -> list[tuple[int, str, bool]]:
    """``(line number, code, pending)`` for each fenced block that contains ``>>>``."""
    blocks = []
    for match in FENCE.finditer(text):
        body = match.group("body")
        if ">>>" not in body:
            continue
        before = text[: match.start()].rstrip("\n").splitlines()
        previous = next((line for line in reversed(before) if line.strip()), "")
        pending = PENDING.match(previous) is not None
        blocks.append((text.count("\n", 0, match.start()) + 2, body, pending))
    return blocks


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(DOCS)) for page in PAGES])
def test_examples_in_page_run(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    globs: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    parser = doctest.DocTestParser()
    ran = 0
    for line, body, pending in _blocks(text):
        if pending:
            continue
        test = parser.get_doctest(body, globs, f"{page.name}:{line}", str(page), line - 1)
        runner.run(test, out=report.write, clear_globs=False)
        globs.update(test.globs)  # later blocks of a page build on earlier ones
        ran += len(test.examples)
    assert runner.failures == 0, report.getvalue()
    if any(not pending for _, _, pending in _blocks(text)):
        assert ran > 0


def test_every_page_with_examples_is_checked() -> None:
    with_examples = [page.name for page in PAGES if _blocks(page.read_text(encoding="utf-8"))]
    assert {"tutorial.md", "numbers.md", "independent.md", "testing.md"} <= set(with_examples)


def test_pending_blocks_say_what_they_need() -> None:
    for page in PAGES:
        for line in PENDING.findall(page.read_text(encoding="utf-8")):
            assert "needs" in line, f"{page.name}: {line!r} should name the module it waits for"


def _have(*modules: str) -> bool:
    return all(importlib.util.find_spec(module) is not None for module in modules)


@pytest.mark.slow
@pytest.mark.skipif(
    not _have("sphinx", "myst_parser", "numpydoc", "latex2mathml", "matplotlib"), reason="needs the docs extra"
)
def test_sphinx_build_is_warning_free(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "tutorial.html").read_text(encoding="utf-8")
    assert "0.6064" in html and "502" in html
    for image in ("survival.png", "heatmap.png"):
        content = (tmp_path / "html" / "_images" / image).read_bytes()
        assert content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) > 20_000
    cli = (tmp_path / "html" / "cli.html").read_text(encoding="utf-8")
    assert "bounds plot survival" in cli and "bounds sweep" in cli
    _check_offline_pages(tmp_path / "html")
    gallery = (tmp_path / "html" / "gallery.html").read_text(encoding="utf-8")
    for image in ("survival.png", "heatmap.png", "timeline.png", "timeline_dates.png"):
        assert f'src="_images/{image}"' in gallery
    assert "Certificate." in gallery and "502" in gallery
    if hasattr(bounds, "build_report"):  # the report, where the library has it, is a page of the site
        assert 'src="gallery-report.html"' in gallery
        assert "<math" in (tmp_path / "html" / "gallery-report.html").read_text(encoding="utf-8")


EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"'](?:https?:)?//", re.IGNORECASE)
MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)
CODE = re.compile(r"<(code|pre)\b.*?</\1>", re.DOTALL)


def _check_offline_pages(html: Path) -> None:
    """No page loads anything from the network, and every formula is MathML the browser draws.

    The failures this catches: a CDN script (MathJax) or stylesheet, raw TeX left for a script
    (``\\(N^*\\)``), and latex2mathml output that shows TeX ("&" alignment marks, unknown
    ``\\commands`` as text, line breaks Chromium ignores).
    """
    pages = sorted(html.rglob("*.html"))
    formulas = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.findall(text), f"{page.name} loads {EXTERNAL.findall(text)}"
        prose = CODE.sub("", text)  # TeX delimiters may be shown in code (the docs of a converter)
        assert "\\(" not in prose and "\\[" not in prose, f"{page.name} has TeX for a script to render"
        for formula in MATH.findall(text):
            shown = "".join(re.findall(r">([^<]*)<", formula))
            assert "\\" not in shown and "<mi>&amp;</mi>" not in formula, formula
            assert 'linebreak="newline"' not in formula, formula
            formulas += 1
    assert formulas > 300  # the theory pages alone have hundreds
    independent = (html / "theory" / "independent.html").read_text(encoding="utf-8")
    assert re.search(r'<math\b[^>]*\bdisplay="block"', independent)
    assert "<mfrac>" in independent  # ln T / ln(1 - eps) is a fraction, not the text "\\frac"


def test_gallery_shows_every_figure_kind() -> None:
    from bounds.report import plot, timeline_plot

    kinds = {
        name
        for module in (plot, timeline_plot)
        for name in module.__all__
        if name.endswith("_figure") and name != "save_figure"
    }
    gallery = (DOCS / "gallery.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\{func\}`bounds\.report\.\w+\.(\w+_figure)`", gallery))
    assert kinds == shown
    assert gallery.count("```{image} _generated/") == len(kinds)
    assert "gallery" in (DOCS / "index.md").read_text(encoding="utf-8")


def test_formulas_become_mathml_tables_and_fractions() -> None:
    sys.path.insert(0, str(DOCS))
    try:
        from _mathml import _mathml
    finally:
        sys.path.remove(str(DOCS))
    aligned = _mathml(r"\begin{aligned} \varepsilon &= 0.001 \\ T &= 0.605 \end{aligned}", "block")
    assert aligned.count("<mtr>") == 2 and "&amp;" not in aligned and "<mi>&</mi>" not in aligned
    assert "<mfrac>" in _mathml(r"\frac{\ln T}{\ln(1-\varepsilon)}", "inline")
    assert "expm1" not in _mathml(r"\operatorname{expm1}(x)", "inline")  # spelled as letters, upright
    assert 'mathvariant="normal"' in _mathml(r"\operatorname{expm1}(x)", "inline")


def test_api_reference_picks_up_new_models_and_names(tmp_path: Path, monkeypatch) -> None:
    sys.path.insert(0, str(DOCS))
    try:
        from _build_assets import _api_more
    finally:
        sys.path.remove(str(DOCS))
    import bounds
    from bounds.models import Rates, registry

    class Undocumented(Rates):
        """A registered family that api.md does not list yet."""

    (tmp_path / "api.md").write_text((DOCS / "api.md").read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "_generated"
    folder.mkdir()
    _api_more(folder)
    assert (folder / "api_more.md").read_text().strip() == ""  # everything on this branch is in api.md

    monkeypatch.setitem(registry._CONSTRUCTORS, "undocumented", Undocumented.from_spec)
    monkeypatch.setattr(bounds, "__all__", [*bounds.__all__, "hypothetical_new_function"])
    monkeypatch.setattr(bounds, "hypothetical_new_function", lambda failures, trials: None, raising=False)
    _api_more(folder)
    text = (folder / "api_more.md").read_text()
    assert f".. autoclass:: {Undocumented.__module__}.{Undocumented.__qualname__}" in text
    assert ".. autofunction:: bounds.hypothetical_new_function" in text
