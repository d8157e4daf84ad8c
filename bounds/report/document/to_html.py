"""A report as one self-contained HTML page: MathML maths, an inline SVG figure, nothing to fetch.

The page has no script, no link, no image URL and no font to download: the
maths is MathML (:mod:`bounds.report.html`), the survival plot is inline SVG with
its XML prologue and namespace declarations removed (the HTML parser supplies the
SVG namespace), so the file names no URL at all and renders offline.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from typing import Any

import numpy as np

import bounds.report.document.shown as shown
from bounds.numeric.parse import format_number
from bounds.report.html import MATH_CSS, derivation_html, math_html, text_html

__all__ = ["html_document", "inline_svg"]

PAGE_CSS = """\
body { font-family: "Latin Modern Roman", Georgia, "DejaVu Serif", serif; line-height: 1.45;
       max-width: 56em; margin: 2em auto; padding: 0 1.2em; color: #111; background: #fff; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 1px solid #bbb; padding-bottom: 0.15em; margin-top: 1.8em; }
.question { font-size: 1.1em; font-style: italic; }
.answer { font-size: 1.15em; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #888; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.long { overflow-wrap: anywhere; }
td.nowrap { white-space: nowrap; }
figure { margin: 1em 0; overflow: hidden; }
figure svg { width: 100%; max-width: 46em; height: auto; overflow: hidden; }
figcaption { font-size: 0.92em; color: #333; }
nav ol { columns: 2; }
"""

_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_METADATA = re.compile(r"<metadata>.*?</metadata>|<!--.*?-->", re.DOTALL)
_SIZE = re.compile(r'<svg([^>]*?)\s+width="[^"]*"\s+height="[^"]*"')


def inline_svg(figure: Any, title: str) -> str:
    """The figure as an ``<svg>`` element for an HTML page (no prologue, no namespace URLs)."""
    from bounds.report.plot import _style

    buffer = io.BytesIO()
    metadata = {"Creator": None, "Date": None, "Format": None, "Type": None}
    # matplotlib warns (on stderr) when a layout cannot be applied: the figure is still drawn
    with _style(), np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        figure.savefig(buffer, format="svg", metadata=metadata)
    text = buffer.getvalue().decode("utf-8")
    text = _METADATA.sub("", _NAMESPACES.sub("", _PROLOGUE.sub("", text)))
    text = _SIZE.sub(r'<svg\1 role="img"', text, count=1)
    return text.replace(">", f"><title>{html.escape(title)}</title>", 1).strip()


def _table(head: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    """An HTML table; cells are already escaped markup."""
    classes = classes or [""] * len(head)
    lines = ["<table>", "<thead><tr>" + "".join(f"<th>{cell}</th>" for cell in head) + "</tr></thead>", "<tbody>"]
    for row in rows:
        cells = "".join(
            f'<td class="{kind}">{cell}</td>' if kind else f"<td>{cell}</td>"
            for cell, kind in zip(row, classes, strict=True)
        )
        lines.append(f"<tr>{cells}</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _e(text: Any) -> str:
    return html.escape(str(text), quote=False)


def _budget(n: int | None) -> str:
    """A budget for a table cell: digits, or MathML ``1.05... x 10^299`` when it is long."""
    long = shown.long_budget(n)
    return _e(shown.budget_text(n)) if long is None else math_html(long, display=False)


def _answer(document: Any) -> str:
    parts = [
        f'<p class="answer">{text_html(shown.answer_sentence(label, budget))}</p>'
        for label, budget in zip(document.labels, document.budgets, strict=True)
    ]
    rows = []
    for label, budget in zip(document.labels, document.budgets, strict=True):
        for quantity, value, relation in shown.certificate_rows(budget, document.digits):
            rows.append(
                [
                    _e(label),
                    _budget(budget.n),
                    text_html(quantity),
                    _e(value),
                    text_html(relation),
                    _e(budget.certificate_text),
                ]
            )
    parts.append(
        _table(
            ["model", math_html("N^*", display=False), "quantity", "value", "", "certified by"],
            rows,
            ["long", "number nowrap", "nowrap", "number long", "nowrap", ""],
        )
    )
    return "\n".join(parts)


def _comparison(document: Any) -> str:
    parts = [f"<p>{_e(shown.COMPARISON_TEXT)}</p>"]
    for comparison in document.comparisons:
        if comparison.epsilon is None:
            parts.append(f"<p><strong>{_e(comparison.label)}</strong>: {_e(comparison.note)}.</p>")
            continue
        parts.append(f"<h3>{text_html(shown.comparison_heading(comparison.label, comparison.epsilon))}</h3>")
        rows = [[text_html(name), _budget(row.budget), _e(row.kind), text_html(assumption)]
                for row, (name, assumption) in ((row, row.prose()) for row in comparison.rows)]
        parts.append(_table(["assumption", "budget", "kind", "what it assumes"], rows, ["", "number nowrap", "", ""]))
    return "\n".join(parts)


def _survival(document: Any) -> str:
    caption = (
        f"Survival S(N) on log-log axes with the threshold T = {format_number(document.threshold)} "
        "and each certified budget marked where its curve crosses T."
    )
    svg = inline_svg(document.figure(), "Survival S(N) and budgets")
    return f"<figure>\n{svg}\n<figcaption>{_e(caption)}</figcaption>\n</figure>"


def _timeline(document: Any) -> str:
    return "\n".join(
        f"<p>{text_html(shown.horizon_sentence(label, found, document.digits))}</p>"
        for label, found in zip(document.labels, document.horizons, strict=True)
    )


def _elasticities(document: Any) -> str:
    parts = [f"<p>{text_html(shown.ELASTICITY_TEXT)}</p>"]
    rows = [
        [
            _e(row.label),
            _e(row.parameter),
            _e(format_number(row.value)),
            _e(shown.elasticity_text(row.elasticity)),
            _e(row.method),
        ]
        for row in document.elasticities
    ]
    if rows:
        parts.append(
            _table(
                ["model", "x", "value", math_html(r"\partial \ln N^{*} / \partial \ln x", display=False), "method"],
                rows,
                ["long", "", "number", "number", ""],
            )
        )
    parts += [f"<p>{_e(note)}</p>" for note in document.elasticity_notes]
    return "\n".join(parts)


def _derivations(document: Any) -> str:
    return "\n".join(derivation_html(derivation, heading_level=3) for derivation in document.derivations)


def _assumptions(document: Any) -> str:
    rows = [[text_html(source), text_html(text)] for source, text in shown.grouped(document.assumptions)]
    return _table(["where", "assumption"], rows)


def _provenance(document: Any) -> str:
    rows = [[_e(key), f"<code>{_e(value)}</code>"] for key, value in document.provenance]
    return _table(["entry", "value"], rows, ["", "long"])


_BUILDERS = {
    "answer": _answer,
    "comparison": _comparison,
    "survival": _survival,
    "timeline": _timeline,
    "elasticities": _elasticities,
    "derivations": _derivations,
    "assumptions": _assumptions,
    "provenance": _provenance,
}


def html_document(document: Any) -> str:
    """The complete page (``<!DOCTYPE html>`` ... ``</html>``)."""
    present = shown.sections(document)
    contents = "".join(f'<li><a href="#{key}">{_e(heading)}</a></li>' for key, heading in present)
    body = [
        f"<h1>{_e(document.title)}</h1>",
        f'<p class="question">{_e(document.question)}</p>',
        f"<nav><ol>{contents}</ol></nav>",
    ]
    for key, heading in present:
        body.append(f'<section id="{key}">\n<h2>{_e(heading)}</h2>\n{_BUILDERS[key](document)}\n</section>')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(document.title)}</title>\n"
        f"<style>\n{PAGE_CSS}{MATH_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
