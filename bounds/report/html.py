r"""Mathematics and derivations as self-contained HTML: LaTeX converted to MathML on the server.

A page that shows a derivation must not fetch anything (no MathJax from a CDN, no
fonts, no scripts): ``bounds report --format html`` and the web calculator promise a
file that renders offline. The LaTeX that :mod:`bounds.report.latex` writes is
converted to MathML Core with `latex2mathml <https://pypi.org/project/latex2mathml/>`_
(extra ``report``), which current browsers render natively.

* :func:`math_html` converts one formula (``display=True`` for a display block);
* :func:`text_html` converts prose with ``$...$`` inline math;
* :func:`derivation_html` renders a whole :class:`~bounds.report.derive.Derivation`;
* :data:`MATH_CSS` is the style sheet the markup needs (inline it in a ``<style>`` element).

The conversion is adapted to what the derivations contain: ``aligned`` becomes
``align*`` (which latex2mathml turns into an ``mtable``), the pdflatex-only
line-break glue in long integers is dropped, and the MathML namespace attribute is
left out (the HTML parser puts ``<math>`` in the MathML namespace by itself), so
the markup names no URL at all. A command latex2mathml does not know would come out
as raw TeX; :func:`math_html` refuses it instead (:class:`MathConversionError`), and
:func:`derivation_html` then shows the formula's LaTeX source in a ``<code>``
element rather than a broken formula.

Examples
--------
>>> markup = math_html(r"S(N) = (1-\varepsilon)^N", display=False)
>>> markup[:39]
'<math display="inline"><mrow><mi>S</mi>'
>>> text_html("the budget $N^*$ & more")
'the budget <math display="inline"><mrow><msup><mi>N</mi><mo>&#x0002A;</mo></msup></mrow></math> &amp; more'
"""

from __future__ import annotations

import html
import re
from typing import Any

from bounds.errors import BoundsError
from bounds.report.latex import aligned, for_mathjax

__all__ = ["MATH_CSS", "MathConversionError", "derivation_html", "math_html", "text_html"]

#: The style the MathML and derivation markup needs; put it in the page's ``<style>`` element.
#: MathML Core does not implement ``columnalign``, so the alignment of ``mtable`` cells
#: (right-aligned left-hand sides, left-aligned relations) is restated in CSS.
MATH_CSS = """\
math[display="block"] { display: block math; margin: 0.6em 0; }
.math-display { overflow-x: auto; overflow-y: hidden; padding: 0.1em 0; }
math mtd[columnalign="right"] { text-align: right; padding-right: 0; }
math mtd[columnalign="left"] { text-align: left; padding-left: 0; }
math mtr > mtd { padding-top: 0.2em; padding-bottom: 0.2em; }
.derivation .step { margin: 0.5em 0; }
.derivation .step-label { font-weight: bold; }
code.tex-source { white-space: pre-wrap; font-size: 0.9em; }
"""


class MathConversionError(BoundsError):
    """A formula uses LaTeX that cannot be converted to MathML."""


_NAMESPACE = re.compile(r'\s+xmlns="[^"]*"')
_RAW_COMMAND = re.compile(r">\s*(\\[A-Za-z]+)")
_ALLOWBREAK = re.compile(r"\\allowbreak(?:\\mskip\s*[-\d.]+mu\s*(?:plus\s*[-\d.]+mu\s*)?(?:\{\})?)?")
_MATH_SEGMENT = re.compile(r"\$([^$]+)\$")


def _prepared(latex: str) -> str:
    """The LaTeX adapted to what latex2mathml converts: ``align*`` for ``aligned``, no break glue."""
    text = _ALLOWBREAK.sub("", for_mathjax(latex))
    return text.replace(r"\begin{aligned}", r"\begin{align*}").replace(r"\end{aligned}", r"\end{align*}")


def math_html(latex: str, display: bool = True) -> str:
    r"""One formula as a MathML ``<math>`` element (no namespace URL, nothing to fetch).

    Parameters
    ----------
    latex : str
        The formula, without ``$`` or ``\[`` delimiters; ``aligned`` environments are allowed.
    display : bool
        ``True`` for a display block (``display="block"``), ``False`` for inline math.

    Returns
    -------
    str
        The ``<math>`` element.

    Raises
    ------
    MathConversionError
        When the formula does not parse, or uses a command latex2mathml does not know
        (it would otherwise appear as raw TeX in the page).

    Examples
    --------
    >>> "<mtable" in math_html(r"\begin{aligned} N^{*} &= 502 \\ &\ge 0 \end{aligned}")
    True
    >>> math_html(r"\unknowncommand x")
    Traceback (most recent call last):
    ...
    bounds.report.html.MathConversionError: cannot convert the LaTeX command \unknowncommand to MathML
    """
    from latex2mathml.converter import convert

    try:
        markup = convert(_prepared(latex), display="block" if display else "inline")
    except Exception as error:  # noqa: BLE001 - latex2mathml raises many types for malformed input
        raise MathConversionError(f"cannot convert LaTeX to MathML ({type(error).__name__}: {error})") from None
    raw = _RAW_COMMAND.search(markup)
    if raw is not None:
        raise MathConversionError(f"cannot convert the LaTeX command {raw.group(1)} to MathML")
    return _NAMESPACE.sub("", markup, count=1)


def _formula_or_source(latex: str, display: bool) -> str:
    try:
        return math_html(latex, display=display)
    except MathConversionError:
        return f'<code class="tex-source">{html.escape(latex)}</code>'


def text_html(text: str) -> str:
    """Prose with ``$...$`` inline math as HTML: the text escaped, the math as MathML.

    Examples
    --------
    >>> text_html("a <b> c")
    'a &lt;b&gt; c'
    """
    parts = _MATH_SEGMENT.split(text)
    # split with one group: even indices are prose, odd ones the math between dollars
    return "".join(
        html.escape(part, quote=False) if index % 2 == 0 else _formula_or_source(part, display=False)
        for index, part in enumerate(parts)
    )


def derivation_html(derivation: Any, heading_level: int = 3) -> str:
    r"""A derivation as an HTML fragment: a heading, then per step its prose and its display.

    Parameters
    ----------
    derivation : Derivation
        Anything with ``title`` and ``steps`` (:class:`~bounds.report.steps.Steps`).
    heading_level : int
        The level of the title's heading element (``3`` gives ``<h3>``).

    Returns
    -------
    str
        A ``<section class="derivation">`` element; style it with :data:`MATH_CSS`.

    Examples
    --------
    >>> import bounds
    >>> fragment = derivation_html(bounds.derive(bounds.Independent(epsilon="0.002"), "0.605"))
    >>> fragment.startswith('<section class="derivation">'), "<mn>251</mn>" in fragment, "\\" in fragment
    (True, True, False)
    """
    if not 1 <= heading_level <= 6:
        raise BoundsError(f"heading_level must be in [1, 6], got {heading_level!r}")
    tag = f"h{heading_level}"
    parts = ['<section class="derivation">', f"<{tag}>{html.escape(derivation.title)}</{tag}>"]
    for step in derivation.steps:
        parts.append(f'<div class="step step-{html.escape(step.kind)}">')
        if step.text:
            label = f'<span class="step-label">{html.escape(step.label)}.</span> ' if step.label else ""
            parts.append(f"<p>{label}{text_html(step.text)}</p>")
        if step.lines:
            parts.append(f'<div class="math-display">{_formula_or_source(aligned(step.lines), True)}</div>')
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)
