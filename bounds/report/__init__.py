"""What people see: derivations, LaTeX/Markdown/PDF, plots, comparisons and reports (sympy lives here)."""

from bounds.report import derive, display, latex  # noqa: F401  (register the renderers of bounds.display)
