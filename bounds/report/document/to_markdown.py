"""A report as Markdown: tables, ``$...$`` maths, the derivations' own Markdown, the plot as a file link."""

from __future__ import annotations

from typing import Any

import bounds.report.document.shown as shown
from bounds.numeric.parse import format_number

__all__ = ["markdown_document"]


def _cell(text: Any) -> str:
    """Text for a Markdown table cell: pipes escaped, no line breaks."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _budget(n: int | None) -> str:
    long = shown.long_budget(n)
    return shown.budget_text(n) if long is None else f"${long}$"


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _answer(document: Any) -> str:
    parts = [
        shown.answer_sentence(label, budget) for label, budget in zip(document.labels, document.budgets, strict=True)
    ]
    rows = []
    for label, budget in zip(document.labels, document.budgets, strict=True):
        for quantity, value, relation in shown.certificate_rows(budget, document.digits):
            rows.append([label, _budget(budget.n), quantity, value, relation, budget.certificate_text])
    parts.append(_table(["model", "$N^*$", "quantity", "value", "", "certified by"], rows))
    return "\n\n".join(parts)


def _comparison(document: Any) -> str:
    parts = [shown.COMPARISON_TEXT]
    for comparison in document.comparisons:
        if comparison.epsilon is None:
            parts.append(f"**{comparison.label}**: {comparison.note}.")
            continue
        parts.append(f"### {shown.comparison_heading(comparison.label, comparison.epsilon)}")
        rows = [[*row.prose()[:1], _budget(row.budget), row.kind, row.prose()[1]] for row in comparison.rows]
        parts.append(_table(["assumption", "budget", "kind", "what it assumes"], rows))
    return "\n\n".join(parts)


def _survival(document: Any, figure: str | None) -> str:
    caption = (
        f"Survival S(N) on log-log axes with the threshold T = {format_number(document.threshold)} "
        "and each certified budget marked where its curve crosses T."
    )
    if figure is None:
        return f"{caption} (The plot is written beside the document when the report is written to a file.)"
    return f"![Survival S(N) and budgets]({figure})\n\n{caption}"


def _timeline(document: Any) -> str:
    return "\n\n".join(
        shown.horizon_sentence(label, found, document.digits)
        for label, found in zip(document.labels, document.horizons, strict=True)
    )


def _elasticities(document: Any) -> str:
    parts = [shown.ELASTICITY_TEXT]
    rows = [
        [row.label, row.parameter, format_number(row.value), shown.elasticity_text(row.elasticity), row.method]
        for row in document.elasticities
    ]
    if rows:
        parts.append(_table(["model", "x", "value", "d ln N* / d ln x", "method"], rows))
    parts += list(document.elasticity_notes)
    return "\n\n".join(parts)


def _derivations(document: Any) -> str:
    # each derivation's Markdown starts with its own level-1 title: make it a level-3 heading here
    return "\n\n".join("##" + derivation.to_markdown().strip() for derivation in document.derivations)


def _assumptions(document: Any) -> str:
    return _table(["where", "assumption"], [list(entry) for entry in shown.grouped(document.assumptions)])


def _provenance(document: Any) -> str:
    return _table(["entry", "value"], [[key, f"`{value}`"] for key, value in document.provenance])


def markdown_document(document: Any, figure: str | None = None) -> str:
    """The complete Markdown text."""
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
    body = [f"# {document.title}", f"*{document.question}*"]
    body += [f"## {heading}\n\n{builders[key](document)}" for key, heading in shown.sections(document)]
    return "\n\n".join(body) + "\n"
