r"""A report as a standalone LaTeX document (amsmath, amssymb, graphicx, booktabs, longtable).

The derivations are the fragments :meth:`~bounds.report.derive.Derivation.to_latex`
writes; the survival plot is included with ``\includegraphics`` from a file beside
the document (:func:`bounds.report.document.output.write_report` writes it and
compiles the PDF in one temporary folder).
"""

from __future__ import annotations

from typing import Any

import bounds.report.document.shown as shown
from bounds.numeric.parse import format_number
from bounds.report.latex import escape_text, text_to_latex

__all__ = ["latex_document"]

PREAMBLE = (
    "\\documentclass[10pt]{article}\n"
    "\\usepackage[margin=2.2cm]{geometry}\n"
    "\\usepackage{amsmath}\n"
    "\\usepackage{amssymb}\n"
    "\\usepackage{graphicx}\n"
    "\\usepackage{booktabs}\n"
    "\\usepackage{longtable}\n"
    "\\usepackage{array}\n"
    "\\usepackage{float}\n"
    "\\newcolumntype{L}[1]{>{\\raggedright\\arraybackslash}p{#1}}\n"
    "\\newcolumntype{R}[1]{>{\\raggedleft\\arraybackslash}p{#1}}\n"
    "\\allowdisplaybreaks\n"
    "\\setlength{\\parindent}{0pt}\n"
    "\\setlength{\\parskip}{0.5em}\n"
    "\\emergencystretch=3em\n"
)


def _t(text: Any) -> str:
    return escape_text(str(text))


def _long(text: str) -> str:
    """Escaped text that may break anywhere (long integers, long model names)."""
    return "\\allowbreak{}".join(_t(character) for character in text) if len(text) > 30 else _t(text)


def _budget(n: int | None) -> str:
    long = shown.long_budget(n)
    return _t(shown.budget_text(n)) if long is None else f"${long}$"


def _sentence(label: str, budget: Any) -> str:
    """The answer sentence (a long budget is shown in scientific notation there, in full in the table)."""
    return text_to_latex(shown.answer_sentence(label, budget))


def _table(spec: str, head: list[str], rows: list[list[str]]) -> str:
    lines = [
        f"\\begin{{longtable}}{{{spec}}}",
        "\\toprule",
        " & ".join(f"\\textbf{{{cell}}}" for cell in head) + " \\\\",
        "\\midrule",
        "\\endhead",
    ]
    lines += [" & ".join(row) + " \\\\" for row in rows]
    lines += ["\\bottomrule", "\\end{longtable}"]
    return "\n".join(lines)


def _answer(document: Any) -> str:
    parts = [_sentence(label, budget) for label, budget in zip(document.labels, document.budgets, strict=True)]
    rows = []
    for label, budget in zip(document.labels, document.budgets, strict=True):
        for quantity, value, relation in shown.certificate_rows(budget, document.digits):
            rows.append(
                [
                    _long(label),
                    _budget(budget.n),
                    text_to_latex(quantity),
                    _long(value),
                    text_to_latex(relation),
                    _t(budget.certificate_text),
                ]
            )
    spec = "L{3.6cm}R{2.6cm}lR{2.4cm}lL{2.4cm}"
    parts.append(_table(spec, ["model", "$N^*$", "quantity", "value", "", "certified by"], rows))
    return "\n\n".join(parts)


def _comparison(document: Any) -> str:
    parts = [_t(shown.COMPARISON_TEXT)]
    for comparison in document.comparisons:
        if comparison.epsilon is None:
            parts.append(f"\\textbf{{{_t(comparison.label)}}}: {_t(comparison.note)}.")
            continue
        heading = text_to_latex(shown.comparison_heading(comparison.label, comparison.epsilon))
        parts.append(f"\\subsection*{{{heading}}}")
        rows = [[text_to_latex(name), _budget(row.budget), _t(row.kind), text_to_latex(assumption)]
                for row, (name, assumption) in ((row, row.prose()) for row in comparison.rows)]
        spec = "L{4.4cm}R{2.6cm}lL{5.8cm}"
        parts.append(_table(spec, ["assumption", "budget", "kind", "what it assumes"], rows))
    return "\n\n".join(parts)


def _survival(document: Any, figure: str | None) -> str:
    caption = (
        f"Survival $S(N)$ on log-log axes with the threshold $T = {format_number(document.threshold)}$ "
        "and each certified budget marked where its curve crosses $T$."
    )
    if figure is None:
        return "(The survival plot was not written with this document.)"
    return (
        "\\begin{figure}[H]\n\\centering\n"
        f"\\includegraphics[width=0.85\\linewidth]{{{figure}}}\n"
        f"\\caption{{{caption}}}\n\\end{{figure}}"
    )


def _timeline(document: Any) -> str:
    sentences = (shown.horizon_sentence(label, found, document.digits)
                 for label, found in zip(document.labels, document.horizons, strict=True))
    return "\n\n".join(text_to_latex(sentence) for sentence in sentences)


def _elasticities(document: Any) -> str:
    parts = [text_to_latex(shown.ELASTICITY_TEXT)]
    rows = [
        [
            _long(row.label),
            _t(row.parameter),
            _t(format_number(row.value)),
            _t(shown.elasticity_text(row.elasticity)),
            _t(row.method),
        ]
        for row in document.elasticities
    ]
    if rows:
        spec = "L{4.2cm}lR{1.6cm}R{1.8cm}L{5cm}"
        parts.append(_table(spec, ["model", "$x$", "value", "$\\partial\\ln N^*/\\partial\\ln x$", "method"], rows))
    parts += [_t(note) for note in document.elasticity_notes]
    return "\n\n".join(parts)


def _derivations(document: Any) -> str:
    return "\n\n".join(
        f"\\subsection*{{{_t(derivation.title)}}}\n\n{derivation.to_latex()}" for derivation in document.derivations
    )


def _assumptions(document: Any) -> str:
    rows = [[text_to_latex(source), text_to_latex(text)] for source, text in shown.grouped(document.assumptions)]
    return _table("L{4cm}L{11.5cm}", ["where", "assumption"], rows)


def _provenance(document: Any) -> str:
    rows = [[_t(key), f"\\texttt{{{_long(value)}}}"] for key, value in document.provenance]
    return _table("lL{13cm}", ["entry", "value"], rows)


def latex_document(document: Any, figure: str | None = "survival.pdf") -> str:
    """The complete ``.tex`` source; ``figure`` is the plot's file name (``None``: no plot)."""
    builders = {
        "answer": _answer,
        "comparison": _comparison,
        "survival": lambda d: _survival(d, figure),
        "timeline": _timeline,
        "elasticities": _elasticities,
        "derivations": _derivations,
        "assumptions": _assumptions,
        "provenance": _provenance,
    }
    body = [f"\\section*{{{_t(document.title)}}}", f"\\emph{{{_t(document.question)}}}"]
    for key, heading in shown.sections(document):
        body.append(f"\\section*{{{_t(heading)}}}\n\n{builders[key](document)}")
    return PREAMBLE + "\\begin{document}\n\n" + "\n\n".join(body) + "\n\n\\end{document}\n"
