"""Writing a report: the format from the suffix, the figure beside the text, the PDF through pdflatex."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from bounds._io import output_path, write_atomic
from bounds.errors import BoundsError
from bounds.report.latex import PDFLATEX_COMMAND

__all__ = ["FORMATS", "compile_report_pdf", "format_for", "write_report"]

#: The formats :func:`write_report` writes, and the suffixes that select them.
FORMATS = {"html": (".html", ".htm"), "markdown": (".md", ".markdown"), "pdf": (".pdf",), "latex": (".tex",)}

#: pdflatex passes at most: longtable settles its column widths on the second.
_PASSES = 3


def format_for(path: Any, format: str | None) -> str:
    """``format`` if given (checked), else the one the suffix of ``path`` names."""
    if format is not None:
        if format not in FORMATS:
            raise BoundsError(f"report format must be one of {', '.join(FORMATS)}, got {format!r}")
        return format
    suffix = Path(path).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    raise BoundsError(
        f"cannot tell the report format from {str(path)!r}: give a format (one of {', '.join(FORMATS)}) "
        "or a path ending in .html, .md, .pdf or .tex"
    )


def figure_bytes(figure: Any, kind: str) -> bytes:
    from bounds.report.plot import _style

    buffer = io.BytesIO()
    metadata = {"Creator": None, "Producer": None} if kind == "pdf" else {"Creator": None, "Date": None}
    # matplotlib warns (on stderr) when a layout cannot be applied: the figure is still drawn
    with _style(), np.errstate(over="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        figure.savefig(buffer, format=kind, metadata=metadata)
    return buffer.getvalue()


def compile_report_pdf(source: str, files: dict[str, bytes]) -> bytes:
    """Compile ``source`` with pdflatex in a temporary folder that also holds ``files``; the PDF bytes.

    The same command and paranoid file access as :func:`bounds.report.latex.compile_pdf`
    (which compiles a lone ``.tex`` file); this one adds the figures the report includes.
    """
    executable = shutil.which(PDFLATEX_COMMAND[0])
    if executable is None:
        raise BoundsError(
            "pdflatex was not found on PATH: install TeX Live (Debian: apt-get install "
            "texlive-latex-recommended) or write --format html or markdown"
        )
    environment = {**os.environ, "openin_any": "p", "openout_any": "p"}
    with tempfile.TemporaryDirectory(prefix="bounds-report-") as folder:
        Path(folder, "report.tex").write_text(source, encoding="utf-8")
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        for _ in range(_PASSES):
            try:
                completed = subprocess.run(
                    [executable, *PDFLATEX_COMMAND[1:], "report.tex"],
                    cwd=folder,
                    env=environment,
                    capture_output=True,
                    timeout=300,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise BoundsError("pdflatex did not finish within 300 seconds") from None
            log = completed.stdout.decode("utf-8", "replace")
            if completed.returncode != 0 or not Path(folder, "report.pdf").exists():
                errors = [line for line in log.splitlines() if line.startswith("!")]
                reason = errors[0] if errors else f"exit status {completed.returncode}"
                raise BoundsError(f"pdflatex could not compile the report: {reason}")
            if "Rerun LaTeX" not in log and "Rerun to get" not in log:
                break
        return Path(folder, "report.pdf").read_bytes()


def _beside(path: Path, suffix: str) -> tuple[Path, str]:
    """The figure file next to the document: ``<stem>-survival<suffix>``, and its name as linked."""
    name = f"{path.stem}-survival{suffix}"
    return path.with_name(name), name


def write_report(document: Any, path: Any, format: str | None = None) -> Path:
    """Write ``document`` (a :class:`~bounds.report.document.Report`) to ``path`` atomically; the path."""
    kind = format_for(path, format)
    target = output_path(path)  # refuses a directory, a device, an empty path before any work
    if kind == "html":
        return write_atomic(target, document.to_html())
    figure = document.figure()
    if kind == "pdf":
        source = document.to_latex(figure="survival.pdf")
        return write_atomic(target, compile_report_pdf(source, {"survival.pdf": figure_bytes(figure, "pdf")}))
    suffix, shape = (".svg", "svg") if kind == "markdown" else (".pdf", "pdf")
    figure_path, name = _beside(Path(path), suffix)
    write_atomic(figure_path, figure_bytes(figure, shape))
    text = document.to_markdown(figure=name) if kind == "markdown" else document.to_latex(figure=name)
    return write_atomic(target, text)
