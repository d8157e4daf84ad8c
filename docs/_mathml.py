"""Maths as MathML, written into the HTML when the docs are built (no JavaScript, no CDN).

Sphinx's default renderer, MathJax, is a script fetched from a CDN by every page: offline,
or behind a firewall that blocks it, every formula shows as raw ``\\(N^*(T)\\)``. This
renderer converts each formula with latex2mathml (pure Python) at build time; browsers
draw MathML natively (Chromium 109+, Firefox, Safari), screen readers read it, and the
pages need nothing from the network. Registered through Sphinx's own hook
(``add_html_math_renderer``), the way ``sphinx.ext.mathjax`` and ``sphinx.ext.imgmath`` are.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util.math import get_node_equation_number


def _mathml(latex: str, display: str) -> str:
    # the one LaTeX-to-MathML conversion of the package (reports, the web calculator, these docs)
    from bounds.report.html import math_html

    return math_html(latex.strip(), display=display == "block")


def _display_latex(node: nodes.math_block) -> str:
    """The formula of a display block; several lines (or blank-line-separated equations) align, as in MathJax."""
    latex = node.astext()
    if node.get("no-wrap", node.get("nowrap", False)) or r"\begin{" in latex:
        return latex
    parts = [part for part in latex.split("\n\n") if part.strip()]
    if len(parts) == 1 and r"\\" not in parts[0]:
        return parts[0]
    return r"\begin{split}" + r"\\".join(parts) + r"\end{split}"


def visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_mathml(node.astext(), "inline") + "</span>")
    raise nodes.SkipNode


def visit_displaymath(self: Any, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    self.body.append(_mathml(_display_latex(node), "block") + "</div>\n")
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
