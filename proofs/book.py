"""The proof book: every theorem's statement, proof and check report as one LaTeX document."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from proofs import theorem
from proofs._core import METHODS, Report

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "é": r"\'e",
}


def escape(text: str) -> str:
    """Plain text for LaTeX; characters pdflatex cannot set are shown as code points."""
    out = []
    for character in text:
        if character in _SPECIALS:
            out.append(_SPECIALS[character])
        elif ord(character) > 126:
            out.append(f"[U+{ord(character):04X}]")
        else:
            out.append(character)
    return "".join(out)


def _section(report: Report) -> str:
    module = theorem(report.name)
    items = "\n".join(
        f"  \\item[\\textbf{{{'ok' if step.passed else 'FAILED'}}}] \\emph{{{step.method}}}: "
        f"{escape(step.name)}. {escape(step.detail)}"
        for step in report.steps
    )
    counts = ", ".join(f"{count} {method}" for method, count in report.counts().items() if count)
    return (
        f"\\section{{{escape(report.title)}}}\n"
        f"\\paragraph{{Statement.}}\n{module.STATEMENT.strip()}\n\n"
        f"\\paragraph{{Proof.}}\n{module.PROOF.strip()} \\hfill$\\square$\n\n"
        f"\\paragraph{{Checks}} (module \\texttt{{proofs/{escape(report.name)}.py}}: {counts}).\n"
        f"\\begin{{description}}\n{items}\n\\end{{description}}\n"
    )


def document(reports: list[Report]) -> str:
    """The whole book as a LaTeX document (article, amsmath and amssymb only)."""
    passed = sum(report.passed for report in reports)
    legend = "; ".join(
        [
            f"\\emph{{{METHODS[0]}}}: sympy proves the identity, derivative sign, limit or series",
            f"\\emph{{{METHODS[1]}}}: hypothesis searched for a counterexample, or every case of an "
            "exact enumeration was checked",
            f"\\emph{{{METHODS[2]}}}: mpmath or scipy at the stated precision or tolerance",
        ]
    )
    body = "\n".join(_section(report) for report in reports)
    return (
        "\\documentclass[11pt]{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
        "\\setlength{\\parindent}{0pt}\n\\setlength{\\parskip}{0.5em}\n\\sloppy\n"
        "\\title{bounds: machine-checked theorems}\n\\date{}\n\\begin{document}\n\\maketitle\n"
        f"{passed} of {len(reports)} theorems pass every check. Each step of a check is labelled: {legend}. "
        "The checks use sympy, mpmath, scipy and hypothesis only, independently of the library.\n\n"
        f"{body}\n\\end{{document}}\n"
    )


def compile_pdf(tex: Path) -> Path:
    """Run pdflatex on ``tex`` in a temporary folder and put the PDF beside it."""
    executable = shutil.which("pdflatex")
    if executable is None:
        raise FileNotFoundError("pdflatex is not installed")
    with tempfile.TemporaryDirectory(prefix="proofs-") as folder:
        shutil.copy(tex, Path(folder) / "book.tex")
        completed = subprocess.run(
            [executable, "-halt-on-error", "-interaction=nonstopmode", "-no-shell-escape", "book.tex"],
            cwd=folder,
            capture_output=True,
            timeout=300,
            check=False,
            env={**os.environ, "openin_any": "p", "openout_any": "p"},
        )
        if completed.returncode != 0:
            errors = [
                line
                for line in completed.stdout.decode(errors="replace").splitlines()
                if line.startswith("!")
            ]
            raise RuntimeError(f"pdflatex failed on the proof book: {errors[:1] or completed.returncode}")
        target = tex.with_suffix(".pdf")
        temporary = target.with_name(f".{target.name}.tmp")
        shutil.copy(Path(folder) / "book.pdf", temporary)
        os.replace(temporary, target)
    return target
