"""What people see: derivations, LaTeX/Markdown/PDF, plots and comparisons (sympy lives here)."""

from bounds.report import derive, display, latex  # noqa: E402, F401  (register the renderers of bounds.display)
