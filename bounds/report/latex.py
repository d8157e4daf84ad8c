r"""LaTeX and Markdown output for derivations.

A :class:`~bounds.report.derive.Derivation` is rendered here in four shapes (DESIGN §5):

* a LaTeX *fragment* (prose paragraphs and ``aligned`` blocks in the handcalcs
  shape ``symbolic = substituted = result``), to paste into a paper;
* a *standalone document* (``article`` class, ``amsmath`` and ``amssymb`` only);
* a *PDF*, by running ``pdflatex`` in a temporary folder;
* *Markdown* with ``$...$`` and ``$$...$$`` math.

Every shape ends with the provenance line (the ``bounds`` version, the call or
command that produced it, the UTC date) and the references, when the derivation
has them. A step's display is set in the same paragraph as its lead-in, so that
TeX never ends a page between them. Numbers are formatted
by :mod:`bounds.report.numbers`, prose by :mod:`bounds.report.prose` (both re-exported here).

Examples
--------
>>> from bounds.report.steps import Line
>>> print(aligned([Line("S(N)", (("=", "(1-\\varepsilon)^{N}"),))]))
\begin{aligned}
S(N) &= (1-\varepsilon)^{N}
\end{aligned}
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

from bounds._io import write_atomic
from bounds.display import renderer
from bounds.errors import BoundsError
from bounds.models.base import SurvivalModel
from bounds.report.numbers import (
    LINE_BREAK,
    LONG_INTEGER,
    MAX_EXACT_DIGITS,
    display_integer,
    floor_display,
    for_mathjax,
    integer_text,
    latex_integer,
    latex_number,
    real_text,
)
from bounds.report.prose import ascii_math_to_latex, escape_text, text_to_latex
from bounds.report.steps import Line, Steps

__all__ = [
    "LINE_BREAK",
    "LONG_INTEGER",
    "MAX_EXACT_DIGITS",
    "PDFLATEX_COMMAND",
    "aligned",
    "ascii_math_to_latex",
    "compile_pdf",
    "document",
    "display_integer",
    "escape_text",
    "floor_display",
    "for_mathjax",
    "fragment",
    "integer_text",
    "latex_expr",
    "latex_integer",
    "latex_number",
    "markdown",
    "model_latex",
    "pdf",
    "real_text",
    "text_to_latex",
]

#: The command line used to compile documents (``-no-shell-escape``: a spec file's text
#: must never run programs).
PDFLATEX_COMMAND = ("pdflatex", "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape")


#: Opens a step's group: no page break between the lines of its lead-in, nor before its display
#: (``\predisplaypenalty`` is 10000 already); unlike ``samepage``, a page may still end after the display.
KEEP_TOGETHER = "\\begingroup\\interlinepenalty10000 \\clubpenalty10000 \\widowpenalty10000 \\displaywidowpenalty10000"

#: Widest ``aligned`` row, in characters of :func:`_visible_width`, that fits the text width.
ROW_WIDTH = 70

class _DerivationPrinter(LatexPrinter):
    """sympy's LaTeX printer, printing exact rationals as the decimals the user typed."""

    def _print_Rational(self, expr: sympy.Rational) -> str:
        text = latex_number(Fraction(int(expr.p), int(expr.q)))
        return text if "\\tfrac" not in text else text.replace("\\tfrac", "\\frac")

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return latex_integer(int(expr))


def latex_expr(expr: Any) -> str:
    r"""LaTeX for a sympy expression, with rationals as decimals.

    Examples
    --------
    >>> epsilon, n = sympy.symbols("varepsilon N")
    >>> latex_expr((1 - sympy.UnevaluatedExpr(sympy.Rational(1, 500))) ** n)
    '\\left(1 - 0.002\\right)^{N}'
    """
    return _DerivationPrinter({"order": "old"}).doprint(expr)


_COMMAND_OR_BRACE = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)\b|\\[a-zA-Z]+|[{}^_&]")
_SCRIPT = re.compile(r"[_^](\{[^{}]*\}|\\?[A-Za-z0-9])")


def _braced(latex: str, start: int) -> int:
    """The index just past the brace group opening at ``latex[start] == "{"``."""
    depth = 0
    for index in range(start, len(latex)):
        depth += {"{": 1, "}": -1}.get(latex[index], 0)
        if depth == 0:
            return index + 1
    return len(latex)


def _stacked(latex: str) -> str:
    r"""``\frac{A}{B}`` and ``pmatrix`` replaced by placeholders as wide as their widest row."""
    while (start := latex.find("\\frac{")) >= 0 or (start := latex.find("\\tfrac{")) >= 0:
        head = latex.index("{", start)
        middle = _braced(latex, head)
        end = _braced(latex, middle) if middle < len(latex) and latex[middle] == "{" else middle
        width = max(_visible_width(latex[head + 1:middle - 1]), _visible_width(latex[middle + 1:end - 1]))
        latex = latex[:start] + "x" * width + latex[end:]
    opening, closing = "\\begin{pmatrix}", "\\end{pmatrix}"
    while (start := latex.find(opening)) >= 0 and (end := latex.find(closing, start)) >= 0:
        rows = latex[start + len(opening):end].split("\\\\")
        width = max(sum(_visible_width(cell) + 2 for cell in row.split("&")) for row in rows)
        latex = latex[:start] + "x" * (width + 2) + latex[end + len(closing):]
    return latex


def _visible_width(latex: str) -> int:
    """A rough printed width: fractions and matrices as wide as their widest row, scripts 60%, commands one."""
    latex = _stacked(latex.replace(LINE_BREAK, ""))
    scripts = sum(len(_COMMAND_OR_BRACE.sub("x", match.group(1))) for match in _SCRIPT.finditer(latex))
    base = _SCRIPT.sub("", latex)
    width = len(_COMMAND_OR_BRACE.sub(lambda match: "x" if len(match.group()) > 6 else "", base))
    return width + (6 * scripts) // 10


def _line_length(line: Line) -> int:
    return _visible_width(line.lhs) + sum(_visible_width(rhs) + 3 for _, rhs in line.rhs)


def _aligned_rows(line: Line, width: int = ROW_WIDTH) -> list[str]:
    """One ``aligned`` row per line, or one row per link when the chain is long."""
    if not line.rhs:
        return [f"&{line.lhs}"]
    if _line_length(line) <= width and "\\\\" not in "".join(rhs for _, rhs in line.rhs):
        first_relation, first = line.rhs[0]
        rest = "".join(f" {relation} {rhs}" for relation, rhs in line.rhs[1:])
        return [f"{line.lhs} &{first_relation} {first}{rest}"]
    rows = [f"{line.lhs} &{line.rhs[0][0]} {line.rhs[0][1]}"]
    rows += [f"&{relation} {rhs}" for relation, rhs in line.rhs[1:]]
    return rows


def aligned(lines: tuple[Line, ...] | list[Line]) -> str:
    r"""An ``aligned`` environment with one row per relation chain (long chains wrap per link)."""
    rows = [row for line in lines for row in _aligned_rows(line)]
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def _provenance_latex(derivation: Steps) -> str | None:
    provenance = getattr(derivation, "provenance", None)
    if provenance is None:
        return None
    call = escape_text(provenance.call)
    for mark in ("/", "=", ",", "(", "."):  # where a long command may wrap
        call = call.replace(mark, mark + "\\allowbreak{}")
    return ("{\\small\\sloppy\\textit{Produced by} bounds " + escape_text(provenance.version)
            + " \\textit{on} " + escape_text(provenance.date) + " \\textit{with} "
            + f"\\texttt{{{call}}}\\par}}")


def _references_latex(derivation: Steps) -> str | None:
    references = tuple(getattr(derivation, "references", ()) or ())
    if not references:
        return None
    # references are LaTeX written by the family modules (\emph, \S, accents), not user text
    items = "\n".join(f"\\bibitem{{ref{index}}} {text}" for index, text in enumerate(references, 1))
    return "{\\small\n\\begin{thebibliography}{9}\n" + items + "\n\\end{thebibliography}}"


def fragment(derivation: Steps) -> str:
    r"""The body of a derivation: a paragraph per step, its display set after its lead-in.

    Paste it into any document that loads ``amsmath`` and ``amssymb``. The lead-in and
    the display are one paragraph, so a page never ends between them.
    """
    blocks = [f"% {escape_text(derivation.title)}"]
    provenance = _provenance_latex(derivation)
    for step in derivation.steps:
        label = f"\\textbf{{{step.label}.}} " if step.label else ""
        text = label + text_to_latex(step.text) if step.text else label.rstrip()
        display = "\\[\n" + aligned(step.lines) + "\n\\]" if step.lines else ""
        body = "\n".join(part for part in (text, display) if part)
        blocks.append(f"{KEEP_TOGETHER}\n{body}\\par\\endgroup" if display else body)
    blocks += [block for block in (provenance, _references_latex(derivation)) if block]
    return "\n\n".join(blocks) + "\n"


def document(derivation: Steps) -> str:
    r"""A standalone LaTeX document (``article``, ``amsmath`` and ``amssymb`` only)."""
    return (
        "\\documentclass[11pt]{article}\n"
        "\\usepackage{amsmath}\n"
        "\\usepackage{amssymb}\n"
        "\\setlength{\\textwidth}{6.1in}\n"
        "\\setlength{\\oddsidemargin}{0.2in}\n"
        "\\setlength{\\evensidemargin}{0.2in}\n"
        "\\setlength{\\textheight}{8.8in}\n"
        "\\setlength{\\topmargin}{-0.3in}\n"
        "\\allowdisplaybreaks[1]\n"
        "\\setlength{\\parindent}{0pt}\n"
        "\\setlength{\\parskip}{0.6em}\n"
        "\\begin{document}\n"
        f"\\section*{{{escape_text(derivation.title)}}}\n\n"
        f"{fragment(derivation)}\n"
        "\\end{document}\n"
    )


_REFERENCE_MARKUP = ((re.compile(r"\\emph\{([^}]*)\}"), r"*\1*"), (re.compile(r"\\S ?"), "§"),
                     (re.compile(r"\\'e"), "é"), (re.compile(r"``|''"), '"'), (re.compile(r"--"), "–"))


def _reference_markdown(text: str) -> str:
    for pattern, replacement in _REFERENCE_MARKUP:
        text = pattern.sub(replacement, text)
    return text


def markdown(derivation: Steps) -> str:
    """The derivation as Markdown: prose with ``$...$`` math and ``$$...$$`` displays."""
    blocks = [f"# {derivation.title}"]
    for step in derivation.steps:
        if step.text:
            label = f"**{step.label}.** " if step.label else ""
            blocks.append(label + step.text)
        if step.lines:
            blocks.append("$$\n" + aligned(step.lines) + "\n$$")
    provenance = getattr(derivation, "provenance", None)
    if provenance is not None:
        blocks.append(f"*Produced by* bounds {provenance.version} *on* {provenance.date} *with* "
                      f"`{provenance.call}`")
    references = tuple(getattr(derivation, "references", ()) or ())
    if references:
        listed = (f"{index}. {_reference_markdown(text)}" for index, text in enumerate(references, 1))
        blocks.append("## References\n\n" + "\n".join(listed))
    return for_mathjax("\n\n".join(blocks) + "\n")


def compile_pdf(source: str, files: Mapping[str, bytes] | None = None, *, passes: int = 3) -> bytes:
    """Compile a LaTeX document with pdflatex in a temporary folder and return the PDF bytes.

    ``files`` (name -> bytes) are written beside the document first (the figures a report
    includes); pdflatex runs again, up to ``passes`` times, only while its log asks for a rerun.

    Raises
    ------
    BoundsError
        When ``pdflatex`` is not installed, or the document does not compile
        (the message quotes the first error of the log).
    """
    executable = shutil.which(PDFLATEX_COMMAND[0])
    if executable is None:
        raise BoundsError(
            "pdflatex was not found on PATH: install TeX Live (Debian: apt-get install "
            "texlive-latex-base) or use --format latex and compile the .tex file yourself"
        )
    # paranoid file access: a document may read and write only below its own folder
    environment = {**os.environ, "openin_any": "p", "openout_any": "p"}
    with tempfile.TemporaryDirectory(prefix="bounds-latex-") as folder:
        Path(folder, "document.tex").write_text(source, encoding="utf-8")
        for name, data in (files or {}).items():
            Path(folder, name).write_bytes(data)
        output = Path(folder, "document.pdf")
        for _ in range(passes):
            try:
                completed = subprocess.run(
                    [executable, *PDFLATEX_COMMAND[1:], "document.tex"],
                    cwd=folder, env=environment, capture_output=True, timeout=300, check=False,
                )
            except subprocess.TimeoutExpired:
                raise BoundsError("pdflatex did not finish within 300 seconds") from None
            log = completed.stdout.decode("utf-8", "replace")
            if completed.returncode != 0 or not output.exists():
                errors = [line for line in log.splitlines() if line.startswith("!")]
                reason = errors[0] if errors else f"exit status {completed.returncode}"
                raise BoundsError(f"pdflatex could not compile the document: {reason}")
            if "Rerun LaTeX" not in log and "Rerun to get" not in log:
                break
        return output.read_bytes()


def pdf(derivation: Steps | str, path: str | os.PathLike[str]) -> Path:
    """Write a derivation (or a complete LaTeX document) as a PDF file, atomically."""
    source = derivation if isinstance(derivation, str) else document(derivation)
    return write_atomic(path, compile_pdf(source))


@renderer("latex", SurvivalModel)
def model_latex(model: Any) -> str:
    r"""``$S(N) = \text{symbolic} = \text{substituted}$`` for a model, for Jupyter."""
    try:
        expression = model.symbolic()
    except NotImplementedError:
        return f"$\\text{{{escape_text(repr(model))}}}$"
    symbolic = latex_expr(expression.expr)
    substituted = latex_expr(expression.substituted())
    chain = symbolic if symbolic == substituted else f"{symbolic} = {substituted}"
    return for_mathjax(f"$\\displaystyle S(N) = {chain}$")
