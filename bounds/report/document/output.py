"""Writing a report: the format from the suffix, the figure beside the text, the PDF through pdflatex."""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from bounds._io import output_path, write_atomic
from bounds.errors import BoundsError
from bounds.report.latex import compile_pdf

__all__ = ["FORMATS", "format_for", "write_report"]

#: The formats :func:`write_report` writes, and the suffixes that select them.
FORMATS = {"html": (".html", ".htm"), "markdown": (".md", ".markdown"), "pdf": (".pdf",), "latex": (".tex",)}


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
        return write_atomic(target, compile_pdf(source, {"survival.pdf": figure_bytes(figure, "pdf")}))
    suffix, shape = (".svg", "svg") if kind == "markdown" else (".pdf", "pdf")
    figure_path, name = _beside(Path(path), suffix)
    write_atomic(figure_path, figure_bytes(figure, shape))
    text = document.to_markdown(figure=name) if kind == "markdown" else document.to_latex(figure=name)
    return write_atomic(target, text)
